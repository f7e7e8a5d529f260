/*
 * cmd_compare.c - `anelint compare MODEL`: run a function as the fp32
 * reference (the cpu device) and under each compute-unit setting with its
 * devices' numerics (runtime/device_ane.c, device_gpu.c), on the same
 * inputs; per output the error figures, then the first op that diverges
 * beyond tolerance and the first op producing Inf or NaN, with the value
 * ranges of its operands and output, its device and location, and the lint
 * finding that predicted it; and each segment's lifecycle, measured and
 * modelled.  The engine is shared with `anelint test` (cmd_compare.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_compare.h"
#include "passes/cost/lint.h"
#include "runtime/npy.h"

enum { CMP_LINE = 1024 };

void cmp_request_init(CmpRequest *r, const char *cmd)
{
	memset(r, 0, sizeof *r);
	r->cmd = cmd;
	r->tol = (RtTolerance){ .rtol = 0.02, .atol = 1e-3 };
	r->rt.placement = RT_PLACE_LEGAL;
	r->format = "text";
}

static int add_binding(CmpRequest *r, CmpBinding *list, int *n, const char *flag,
                       const char *arg)
{
	const char *eq = arg ? strchr(arg, '=') : NULL;
	size_t len = eq ? (size_t)(eq - arg) : 0;
	if (!len || !eq[1] || len >= sizeof list->name)
		return cli_usage_error(r->cmd, "%s wants NAME=FILE.npy, not '%s'", flag,
		                       arg ? arg : "");
	if (*n == CMP_MAX_BINDINGS)
		return cli_usage_error(r->cmd, "more than %d %s flags", CMP_MAX_BINDINGS, flag);
	memcpy(list[*n].name, arg, len);
	list[*n].name[len] = 0;
	list[(*n)++].path = eq + 1;
	return EXIT_OK;
}

static int parse_double(CmpRequest *r, const char *flag, const char *s, double *v)
{
	char *end;
	*v = s ? strtod(s, &end) : -1;
	if (!s || !*s || *end || !(*v >= 0))
		return cli_usage_error(r->cmd, "%s wants a number >= 0, not '%s'", flag, s ? s : "");
	return EXIT_OK;
}

static int parse_units(CmpRequest *r, const char *s)
{
	int cu = s ? compute_units_from_name(s) : -1;
	if (cu < 0)
		return cli_usage_error(r->cmd,
		                       "--compute-units wants cpu_only, cpu_and_gpu, cpu_and_ne or all, "
		                       "not '%s'", s ? s : "");
	r->units[cu] = true;
	return EXIT_OK;
}

static int parse_mode(CmpRequest *r, const char *flag, const char *s, int mode, int *out)
{
	if (mode < 0)
		return cli_usage_error(r->cmd, "%s: unknown mode '%s'", flag, s ? s : "");
	*out = mode;
	return EXIT_OK;
}

/* The flags of compare and test; `rc` holds the status of the one seen. */
int cmp_parse_flag(CmpRequest *r, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
	int rc = EXIT_OK, mode = 0;
	if (strcmp(arg, "--input") == 0)
		rc = add_binding(r, r->inputs, &r->ninputs, arg, val);
	else if (strcmp(arg, "--state") == 0)
		rc = add_binding(r, r->states, &r->nstates, arg, val);
	else if (strcmp(arg, "--function") == 0 && val)
		r->function = val;
	else if (strcmp(arg, "--random-inputs") == 0) {
		char *end;
		r->random = true;
		r->seed = val ? strtoull(val, &end, 10) : 0;
		if (!val || !*val || *end || *val == '-')
			rc = cli_usage_error(r->cmd, "--random-inputs wants a seed (a number)");
	} else if (strcmp(arg, "--compute-units") == 0)
		rc = parse_units(r, val);
	else if (strcmp(arg, "--rtol") == 0)
		rc = parse_double(r, arg, val, &r->tol.rtol);
	else if (strcmp(arg, "--atol") == 0)
		rc = parse_double(r, arg, val, &r->tol.atol);
	else if (strcmp(arg, "--placement") == 0) {
		mode = !val ? -1 : strcmp(val, "legal") == 0 ? RT_PLACE_LEGAL
		                 : strcmp(val, "predicted") == 0 ? RT_PLACE_PREDICTED : -1;
		rc = parse_mode(r, arg, val, mode, &mode);
		r->rt.placement = mode;
	} else if (strcmp(arg, "--fp16-nan") == 0) {
		rc = parse_mode(r, arg, val, val ? fp16_nan_mode_from_name(val) : -1, &mode);
		r->rt.fp16.nan = (Fp16NanMode)mode;
	} else if (strcmp(arg, "--fp16-subnormal") == 0) {
		rc = parse_mode(r, arg, val, val ? fp16_subnormal_mode_from_name(val) : -1, &mode);
		r->rt.fp16.subnormal = (Fp16SubnormalMode)mode;
	} else if (r->quiet) {
		return 0;       /* test: no report to shape */
	} else if (strcmp(arg, "--all-units") == 0) {
		r->all_units = true;
		return 1;
	} else if ((strcmp(arg, "-f") == 0 || strcmp(arg, "--format") == 0) && val) {
		r->format = val;
	} else if (strcmp(arg, "-o") == 0 && val) {
		r->out = val;
	} else
		return 0;
	if (rc != EXIT_OK)
		return -1;
	*i += 1;
	return 1;
}

/* ------------------------------------------------------------------ inputs */

typedef struct CmpInputs {
	uint32_t n;
	const char *names[CMP_MAX_BINDINGS];
	RtTensor t[CMP_MAX_BINDINGS];
	bool state[CMP_MAX_BINDINGS];
	const char *from[CMP_MAX_BINDINGS];    /* file, or "random" */
} CmpInputs;

/* xorshift64*: reproducible values for --random-inputs. */
static double uniform01(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 0x2545f4914f6cdd1dULL) >> 11) * 0x1p-53;
}

/* Random values of a fixed-shape tensor type: floats in [-1, 1), ints in
 * [0, 10).  -1 (message printed) when the type has no fixed shape. */
static int draw(const char *name, const Type *t, uint64_t seed, RtTensor *x)
{
	int64_t dims[RT_MAX_RANK];
	bool fixed = t && t->kind == TY_TENSOR && t->rank >= 0 && t->rank <= RT_MAX_RANK;
	for (int32_t d = 0; fixed && d < t->rank; d++) {
		fixed = t->dims[d].kind == DIM_CONST;
		dims[d] = t->dims[d].size;
	}
	if (!fixed) {
		fprintf(stderr, "anelint: input '%s' has no fixed shape: give it with --input\n", name);
		return -1;
	}
	if (rt_tensor_alloc(x, t->dt, t->rank, dims) < 0)
		return -1;
	uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (int64_t k = 0; k < x->numel; k++) {
		double u = uniform01(&s);
		rt_tensor_set(x, k, dtype_is_float(t->dt) ? 2 * u - 1 : floor(u * 10));
	}
	return 0;
}

static const CmpBinding *find_binding(const CmpBinding *list, int n, const char *name)
{
	for (int k = 0; k < n; k++)
		if (strcmp(list[k].name, name) == 0)
			return &list[k];
	return NULL;
}

/* Every input of the reference program: from its file, else random, else
 * an error; states from their file or zeros (left unset). */
static int gather_inputs(const CmpRequest *r, const RtProgram *p, CmpInputs *in)
{
	char err[512];
	for (int k = 0; k < r->ninputs + r->nstates; k++) {
		bool state = k >= r->ninputs;
		const CmpBinding *b = state ? &r->states[k - r->ninputs] : &r->inputs[k];
		if (npy_read(b->path, &in->t[in->n], err, sizeof err) < 0) {
			fprintf(stderr, "anelint: %s\n", err);
			return -1;
		}
		in->names[in->n] = b->name;
		in->state[in->n] = state;
		in->from[in->n++] = b->path;
	}
	for (uint32_t i = 0; i < rt_num_inputs(p); i++) {
		const char *name = rt_input_name(p, i);
		if (rt_input_is_state(p, i) || find_binding(r->inputs, r->ninputs, name))
			continue;
		if (!r->random) {
			fprintf(stderr, "anelint: %s: input '%s' not given (--input %s=FILE.npy or "
			        "--random-inputs SEED)\n", r->model, name, name);
			return -1;
		}
		if (in->n == CMP_MAX_BINDINGS || draw(name, rt_input_type(p, i), r->seed + i,
		                                      &in->t[in->n]) < 0)
			return -1;
		in->names[in->n] = name;
		in->from[in->n++] = "random";
	}
	return 0;
}

static void free_inputs(CmpInputs *in)
{
	for (uint32_t i = 0; i < in->n; i++)
		rt_tensor_free(&in->t[i]);
}

/* The first error of dl on stderr. */
static void print_first_error(const DiagList *dl, const char *fallback)
{
	for (uint32_t i = 0; i < dl->d.n; i++)
		if (dl->d.v[i].sev == SEV_ERROR) {
			char buf[CMP_LINE];
			diag_format(&dl->d.v[i], buf, sizeof buf);
			fprintf(stderr, "anelint: %s\n", buf);
			return;
		}
	fprintf(stderr, "anelint: %s\n", fallback);
}

/* A program for setting cu (-1: the reference); NULL after printing why. */
static RtProgram *build(const CmpRequest *r, Module *m, PassCtx *ctx, Func *f, int cu)
{
	DiagList dl;
	diag_init(&dl);
	RtOptions o = r->rt;
	o.compute_units = cu < 0 ? CU_CPU_ONLY : cu;
	if (cu < 0)
		o.placement = RT_PLACE_PREDICTED;
	RtProgram *p = rt_program_new(m, ctx, f, &o, &dl);
	if (!p)
		print_first_error(&dl, "the function cannot be prepared");
	diag_fini(&dl);
	return p;
}

/* Bind the inputs and run once; -1 after printing why. */
static int bind_and_run(RtProgram *p, const CmpInputs *in)
{
	DiagList dl;
	diag_init(&dl);
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < in->n; i++)
		rc = in->state[i] ? rt_set_state(p, in->names[i], &in->t[i], &dl)
		                  : rt_set_input(p, in->names[i], &in->t[i], &dl);
	if (rc == 0)
		rc = rt_run(p, &dl);
	if (rc < 0)
		print_first_error(&dl, "the run failed");
	diag_fini(&dl);
	return rc;
}

/* ------------------------------------------------------------------ report */

typedef struct CmpSetting {
	int cu;
	RtProgram *p;
	RtDiff *outs;
	RtOpFinding divergent, nonfinite;
	bool within;
} CmpSetting;

static void loc_text(const SrcLoc *l, char *buf, size_t n)
{
	if (l->line)
		snprintf(buf, n, "%s:%u:%u", l->file ? l->file : "?", l->line, l->col);
	else
		snprintf(buf, n, "%s:%s:op %u", l->file ? l->file : "?", l->func ? l->func : "?",
		         l->col);
}

/* The lint finding (or ANE advisory) about op, or its operands, that
 * predicted the failure: "L004 fp16-exp-overflow"; "" when none did. */
static void predicted_by(const PassCtx *ctx, const Func *f, const Op *op, char *buf, size_t n)
{
	uint32_t nf = 0;
	const LintFinding *lf = lint_findings(ctx, &nf);
	buf[0] = 0;
	for (uint32_t i = 0; i < nf; i++) {
		bool about = lf[i].op == op;
		for (uint32_t k = 0; !about && k < op->nouts; k++)
			about = lf[i].value == op->outs[k];
		if (about && lf[i].func == f) {
			snprintf(buf, n, "%s %s", lf[i].rule->code, lf[i].rule->name);
			return;
		}
	}
	uint32_t nr = 0;
	const AneReason *r = ane_op_reasons(ctx, f, op, &nr);
	for (uint32_t i = 0; i < nr; i++)
		if (r[i].rule->kind == RULE_ADVISE) {
			ane_reason_format(&r[i], buf, n);
			return;
		}
}

static void range_text(RtRange g, char *buf, size_t n)
{
	int at = snprintf(buf, n, "[%.6g, %.6g]", g.min, g.max);
	if ((g.inf || g.nan) && at > 0 && (size_t)at < n)
		snprintf(buf + at, n - (size_t)at, " inf %lld nan %lld", (long long)g.inf,
		         (long long)g.nan);
}

static void print_finding_text(FILE *o, const char *what, const RtOpFinding *fd,
                               const PassCtx *ctx, const Func *f)
{
	if (!fd->op) {
		fprintf(o, "  %s: none\n", what);
		return;
	}
	char loc[CMP_LINE], rg[256], pred[CMP_LINE];
	loc_text(&fd->op->loc, loc, sizeof loc);
	fprintf(o, "  %s: %s (%s) on %s at %s\n", what, fd->op->name ? fd->op->name : "?",
	        fd->op->kind, fd->device, loc);
	for (uint32_t i = 0; i < fd->noperands; i++) {
		range_text(fd->operands[i], rg, sizeof rg);
		fprintf(o, "    operand %-8s %s\n", fd->operand_names[i], rg);
	}
	range_text(fd->out, rg, sizeof rg);
	fprintf(o, "    output %u      %s", fd->output, rg);
	range_text(fd->ref_out, rg, sizeof rg);
	fprintf(o, "  (reference %s; max abs error %.6g)\n", rg, fd->diff.max_abs);
	predicted_by(ctx, f, fd->op, pred, sizeof pred);
	fprintf(o, "    predicted by: %s\n", pred[0] ? pred : "no lint finding");
}

static void print_lifecycle_text(FILE *o, const RtProgram *p)
{
	const RtStats *st = rt_stats(p);
	fprintf(o, "  lifecycle per segment (ms)   measured: compile   load     eval   unload"
	           "   modelled: compile     load  hw_execution\n");
	for (uint32_t s = 0; s < st->nsegments; s++) {
		const RtSegmentStat *g = &st->segments[s];
		fprintf(o, "    %2u %-4s ops %3u..%-3u  %17.3f %8.3f %8.3f %8.3f %18.1f %8.1f %13.3f\n", s,
		        g->device, g->first, g->last, g->compile_seconds * 1e3,
		        g->load_seconds * 1e3, g->seconds * 1e3, g->unload_seconds * 1e3,
		        g->model_compile_ms, g->model_load_ms, g->hw_execution_ms);
	}
}

static void print_text(FILE *o, const CmpRequest *r, const CmpInputs *in, const RtProgram *ref,
                       const CmpSetting *s, const PassCtx *ctx, const Func *f)
{
	fprintf(o, "%s: %s under %s against the cpu fp32 reference (placement %s; fp16 NaN %s, "
	        "subnormals %s; emulated numerics)\n",
	        r->model, f->name, compute_units_name((ComputeUnits)s->cu),
	        r->rt.placement == RT_PLACE_LEGAL ? "legal" : "predicted",
	        fp16_nan_mode_name(r->rt.fp16.nan), fp16_subnormal_mode_name(r->rt.fp16.subnormal));
	for (uint32_t i = 0; i < in->n; i++)
		fprintf(o, "  input %s: %s\n", in->names[i], in->from[i]);
	for (uint32_t i = 0; i < rt_num_outputs(ref); i++) {
		const RtDiff *d = &s->outs[i];
		fprintf(o, "  output %s: max abs %.6g, max rel %.6g, cosine %.6f, non-finite %lld "
		        "(reference %lld): %s\n",
		        rt_output_name(ref, i), d->max_abs, d->max_rel, d->cosine,
		        (long long)d->nonfinite, (long long)d->ref_nonfinite,
		        d->within ? "within tolerance" : "BEYOND tolerance");
	}
	print_finding_text(o, "first divergent op", &s->divergent, ctx, f);
	if (s->nonfinite.op && s->nonfinite.op == s->divergent.op)
		fprintf(o, "  first non-finite op: the same op (%s)\n", s->nonfinite.op->name);
	else
		print_finding_text(o, "first non-finite op", &s->nonfinite, ctx, f);
	print_lifecycle_text(o, s->p);
	fprintf(o, "  verdict: %s (rtol %g, atol %g)\n",
	        s->within ? "within tolerance" : "beyond tolerance", r->tol.rtol, r->tol.atol);
}

static void json_num(FILE *o, double v)
{
	if (isfinite(v))
		fprintf(o, "%.9g", v);
	else
		fputs("null", o);
}

static void json_range(FILE *o, RtRange g)
{
	fputs("{\"min\": ", o);
	json_num(o, g.min);
	fputs(", \"max\": ", o);
	json_num(o, g.max);
	fprintf(o, ", \"inf\": %lld, \"nan\": %lld}", (long long)g.inf, (long long)g.nan);
}

static void json_finding(FILE *o, const RtOpFinding *fd, const PassCtx *ctx, const Func *f)
{
	if (!fd->op) {
		fputs("null", o);
		return;
	}
	char loc[CMP_LINE], pred[CMP_LINE];
	loc_text(&fd->op->loc, loc, sizeof loc);
	predicted_by(ctx, f, fd->op, pred, sizeof pred);
	fprintf(o, "{\"name\": \"%s\", \"type\": \"%s\", \"device\": \"%s\", \"location\": \"%s\", "
	        "\"output\": %u, \"max_abs_error\": ",
	        fd->op->name ? fd->op->name : "", fd->op->kind, fd->device, loc, fd->output);
	json_num(o, fd->diff.max_abs);
	fputs(", \"output_range\": ", o);
	json_range(o, fd->out);
	fputs(", \"reference_range\": ", o);
	json_range(o, fd->ref_out);
	fputs(", \"operands\": [", o);
	for (uint32_t i = 0; i < fd->noperands; i++) {
		fprintf(o, "%s{\"name\": \"%s\", \"range\": ", i ? ", " : "", fd->operand_names[i]);
		json_range(o, fd->operands[i]);
		fputc('}', o);
	}
	fputs("], \"predicted_by\": ", o);
	if (pred[0])
		fprintf(o, "\"%s\"}", pred);
	else
		fputs("null}", o);
}

static void print_json(FILE *o, const RtProgram *ref, const CmpSetting *s, const PassCtx *ctx,
                       const Func *f, bool first)
{
	fprintf(o, "%s{\"compute_units\": \"%s\", \"within_tolerance\": %s, \"outputs\": [",
	        first ? "" : ", ", compute_units_name((ComputeUnits)s->cu),
	        s->within ? "true" : "false");
	for (uint32_t i = 0; i < rt_num_outputs(ref); i++) {
		const RtDiff *d = &s->outs[i];
		fprintf(o, "%s{\"name\": \"%s\", \"max_abs_error\": ", i ? ", " : "",
		        rt_output_name(ref, i));
		json_num(o, d->max_abs);
		fputs(", \"max_rel_error\": ", o);
		json_num(o, d->max_rel);
		fputs(", \"cosine\": ", o);
		json_num(o, d->cosine);
		fprintf(o, ", \"nonfinite\": %lld, \"reference_nonfinite\": %lld, \"within_tolerance\": "
		        "%s}", (long long)d->nonfinite, (long long)d->ref_nonfinite,
		        d->within ? "true" : "false");
	}
	fputs("], \"first_divergent_op\": ", o);
	json_finding(o, &s->divergent, ctx, f);
	fputs(", \"first_nonfinite_op\": ", o);
	json_finding(o, &s->nonfinite, ctx, f);
	fputs(", \"segments\": [", o);
	const RtStats *st = rt_stats(s->p);
	for (uint32_t k = 0; k < st->nsegments; k++) {
		const RtSegmentStat *g = &st->segments[k];
		fprintf(o, "%s{\"device\": \"%s\", \"first_op\": %u, \"last_op\": %u, \"measured_ms\": "
		        "{\"compile\": %.6f, \"load\": %.6f, \"eval\": %.6f, \"unload\": %.6f}, "
		        "\"modelled_ms\": {\"compile\": %.3f, \"load\": %.3f, \"hw_execution_ms\": %.6f}}",
		        k ? ", " : "", g->device, g->first, g->last, g->compile_seconds * 1e3,
		        g->load_seconds * 1e3, g->seconds * 1e3, g->unload_seconds * 1e3,
		        g->model_compile_ms, g->model_load_ms, g->hw_execution_ms);
	}
	fputs("]}", o);
}

/* ------------------------------------------------------------------ run */

/* Judge setting s against the reference: outputs, then the op walk. */
static void judge(const CmpRequest *r, const RtProgram *ref, CmpSetting *s)
{
	s->within = true;
	for (uint32_t i = 0; i < rt_num_outputs(ref); i++) {
		const RtTensor *want = rt_output(ref, i), *got = rt_output(s->p, i);
		s->outs[i] = rt_diff(want, got, r->tol);
		s->within = s->within && s->outs[i].within;
	}
	rt_compare_ops(ref, s->p, r->tol, &s->divergent, &s->nonfinite);
}

/* The one-line reason of `test`. */
static void verdict_line(const CmpRequest *r, const RtProgram *ref, const CmpSetting *s,
                         char *why, size_t n)
{
	const char *units = compute_units_name((ComputeUnits)s->cu);
	for (uint32_t i = 0; i < rt_num_outputs(ref); i++) {
		const RtDiff *d = &s->outs[i];
		if (d->within)
			continue;
		const RtOpFinding *fd = s->nonfinite.op ? &s->nonfinite : &s->divergent;
		snprintf(why, n, "%s: output %s %s (max abs %.3g > %.3g)%s%s%s%s", units,
		         rt_output_name(ref, i), d->new_nonfinite ? "has Inf/NaN" : "beyond tolerance",
		         d->max_abs, r->tol.atol + r->tol.rtol * d->scale, fd->op ? "; first at op " : "",
		         fd->op && fd->op->name ? fd->op->name : "", fd->op ? " on " : "",
		         fd->op ? fd->device : "");
		return;
	}
	snprintf(why, n, "%s: ran, outputs finite and within tolerance", units);
}

static int run_settings(CmpRequest *r, Module *m, PassCtx *ctx, Func *f, FILE *o, char *why,
                        size_t nwhy)
{
	CmpInputs in = { 0 };
	int rc = EXIT_UNUSABLE;
	RtProgram *ref = build(r, m, ctx, f, -1);
	if (!ref || gather_inputs(r, ref, &in) < 0 || bind_and_run(ref, &in) < 0)
		goto out;
	bool json = strcmp(r->format, "json") == 0, first = true;
	if (json && !r->quiet)
		fprintf(o, "{\"model\": \"%s\", \"function\": \"%s\", \"rtol\": %g, \"atol\": %g, "
		        "\"settings\": [", r->model, f->name, r->tol.rtol, r->tol.atol);
	rc = EXIT_OK;
	for (int cu = 0; cu < CU_COUNT && rc != EXIT_UNUSABLE; cu++) {
		if (!r->units[cu])
			continue;
		CmpSetting s = { .cu = cu, .outs = calloc(rt_num_outputs(ref) + 1, sizeof *s.outs) };
		s.p = s.outs ? build(r, m, ctx, f, cu) : NULL;
		if (!s.p || bind_and_run(s.p, &in) < 0) {
			rc = EXIT_UNUSABLE;
			snprintf(why, nwhy, "%s: does not run", compute_units_name((ComputeUnits)cu));
		} else {
			judge(r, ref, &s);
			rt_program_unload(s.p);
			if (rc == EXIT_OK || !s.within)
				verdict_line(r, ref, &s, why, nwhy);
			if (!s.within)
				rc = EXIT_FINDINGS;
			if (!r->quiet && json)
				print_json(o, ref, &s, ctx, f, first);
			else if (!r->quiet)
				print_text(o, r, &in, ref, &s, ctx, f);
			first = false;
		}
		rt_program_free(s.p);
		free(s.outs);
	}
	if (json && !r->quiet)
		fputs("]}\n", o);
out:
	rt_program_free(ref);
	free_inputs(&in);
	return rc;
}

int cmp_run(CmpRequest *r, char *why, size_t nwhy)
{
	DiagList dl;
	diag_init(&dl);
	snprintf(why, nwhy, "the model cannot be used");
	int rc = EXIT_UNUSABLE;
	PassCtx *ctx = NULL;
	CliOutput out = { 0 };
	Module *m = anelint_load(r->model, &dl);
	Func *f = m ? ir_module_pick_func(m, r->function) : NULL;
	if (!m) {
		print_first_error(&dl, "the model cannot be read");
	} else if (!f) {
		fprintf(stderr, "anelint: %s: no function '%s'\n", r->model,
		        r->function ? r->function : "main");
	} else if (cli_output_open(&out, r->out) == 0) {
		PassOptions po;
		pass_options_init(&po);
		ctx = pass_ctx_new(m, &dl, &po);
		pass_run(ctx, PASS_PARTITION);
		pass_run(ctx, PASS_LINT);       /* the findings that may have predicted a failure */
		rc = run_settings(r, m, ctx, f, out.f, why, nwhy);
		if (cli_output_close(&out, rc != EXIT_UNUSABLE) < 0)
			rc = EXIT_UNUSABLE;
	}
	if (ctx)
		pass_ctx_free(ctx);
	if (m)
		ir_module_free(m);
	diag_fini(&dl);
	return rc;
}

int cmp_parse_args(CmpRequest *r, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int got = cmp_parse_flag(r, argc, argv, &i);
		if (got < 0)
			return EXIT_UNUSABLE;
		if (got)
			continue;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(cli_usage_find(r->cmd)->usage, stdout);
			return CMP_HELP;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_usage_error(r->cmd, "unknown or incomplete option '%s'", arg);
		} else if (r->model) {
			return cli_usage_error(r->cmd, "one model at a time ('%s' and '%s')", r->model, arg);
		}
		r->model = arg;
	}
	if (!r->model)
		return cli_usage_error(r->cmd, "no model given (anelint help %s)", r->cmd);
	if (strcmp(r->format, "text") && strcmp(r->format, "json"))
		return cli_usage_error(r->cmd, "-f wants text or json, not '%s'", r->format);
	return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
	CmpRequest r;
	cmp_request_init(&r, "compare");
	int rc = cmp_parse_args(&r, argc, argv);
	if (rc != EXIT_OK)
		return rc == CMP_HELP ? EXIT_OK : rc;
	bool any = false;
	for (int cu = 0; cu < CU_COUNT; cu++)
		any |= r.units[cu];
	if (r.all_units && any)
		return cli_usage_error("compare", "--compute-units and --all-units exclude each other");
	for (int cu = 0; cu < CU_COUNT; cu++)
		r.units[cu] = r.units[cu] || r.all_units || (!any && cu == CU_ALL);
	char why[CMP_LINE];
	return cmp_run(&r, why, sizeof why);
}
