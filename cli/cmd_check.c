/* cmd_check.c - `anelint check MODEL... [gates]`: CI gates over the ANE
 * analysis of every model.
 *
 *   --min-ane PCT      the ANE share of executable ops is at least PCT
 *   --max-switches N   at most N device switches
 *   --deny CODE        no op carries reason CODE (no diagnostic has it)
 *   --baseline FILE    no op that was on the ANE in FILE (a report of
 *                      `analyze -f json`) has left it: "the ANE boundary
 *                      moved"; ops are matched by function + name
 *
 * Every model gets an "analyse" gate (it loads and analyses) and the gates
 * asked for, evaluated under the lead compute units.  Exit 0 when every
 * gate holds for every model, 1 when one fails, 2 when a model or a
 * baseline cannot be used or a flag is wrong.  Output: text (default),
 * junit (one test case per gate and model) or json (docs/report-json.md,
 * "check results"). */
#include "cli/analysis.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DENY = 64, SHOWN_OPS = 10 };

typedef struct CheckOpts {
	bool has_min_ane, has_max_switches;
	double min_ane;                 /* percent */
	unsigned long max_switches;
	uint32_t ndeny;
	const char *deny[MAX_DENY];
	uint32_t nbaseline;
	const char *baseline[CLI_MAX_MODELS];
} CheckOpts;

/* One op named by a gate. */
typedef struct GateOp {
	const char *function, *name, *type;
	const char *device;             /* now; NULL for const */
	const char *was;                /* baseline device (baseline gate) */
	const char *code, *message;     /* the reason that matters here */
} GateOp;

typedef struct Gate {
	const char *type;               /* "analyse", "min-ane", ... */
	const char *name;               /* "min-ane 90%" */
	bool passed, error;
	const char *message;            /* one line */
	const char *details;            /* lines, or NULL */
	VEC(GateOp) ops;
	double seconds;
} Gate;

typedef struct ModelResult {
	const char *path;
	bool usable;
	ComputeUnits units;
	double ane_share;
	uint32_t switches, executable, on_ane;
	VEC(Gate) gates;
} ModelResult;

/* ------------------------------------------------------------ flags */

static int take(const char *cmd, int *i, int argc, char **argv, const char **val)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');
	if (eq) {
		*val = eq + 1;
		return 0;
	}
	if (*i + 1 == argc)
		return cli_usage_error(cmd, "%s needs a value", arg), -1;
	*val = argv[++*i];
	return 0;
}

static bool flag_is(const char *arg, const char *flag)
{
	size_t n = strlen(flag);
	return strncmp(arg, flag, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

static bool code_like(const char *s)
{
	if (strcmp(s, REPORT_CODE_UNITS) == 0)
		return true;
	size_t letters = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	return letters && s[letters] && strspn(s + letters, "0123456789") == strlen(s + letters);
}

static int check_flag(void *vctx, CliArgs *a, int *i, int argc, char **argv)
{
	CheckOpts *o = vctx;
	const char *arg = argv[*i], *val;
	if (flag_is(arg, "--min-ane")) {
		if (take("check", i, argc, argv, &val))
			return -1;
		char *end;
		errno = 0;
		double v = strtod(val, &end);
		if (*end == '%')
			end++;
		if (errno || end == val || *end || !(v >= 0 && v <= 100))
			return cli_usage_error("check", "--min-ane takes a percentage 0-100, not '%s'", val), -1;
		o->has_min_ane = true;
		o->min_ane = v;
		return 1;
	}
	if (flag_is(arg, "--max-switches")) {
		if (take("check", i, argc, argv, &val))
			return -1;
		char *end;
		errno = 0;
		unsigned long v = strtoul(val, &end, 10);
		if (errno || end == val || *end || val[0] == '-')
			return cli_usage_error("check", "--max-switches takes a count, not '%s'", val), -1;
		o->has_max_switches = true;
		o->max_switches = v;
		return 1;
	}
	if (flag_is(arg, "--deny")) {
		if (take("check", i, argc, argv, &val))
			return -1;
		if (!code_like(val))
			return cli_usage_error("check", "--deny takes a rule code such as ANE012, not '%s'",
			                       val), -1;
		if (o->ndeny == MAX_DENY)
			return cli_usage_error("check", "too many --deny codes (at most %d)", MAX_DENY), -1;
		if (!ane_rule_find(val) && strcmp(val, REPORT_CODE_UNITS) != 0)
			fprintf(stderr, "anelint: check: note: %s is no ANE rule code; it matches "
			        "diagnostics only\n", val);
		o->deny[o->ndeny++] = val;
		return 1;
	}
	if (flag_is(arg, "--baseline")) {
		if (take("check", i, argc, argv, &val))
			return -1;
		if (o->nbaseline == CLI_MAX_MODELS)
			return cli_usage_error("check", "too many --baseline files"), -1;
		o->baseline[o->nbaseline++] = val;
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ baselines */

/* The report, checked for what the gate reads; NULL after a message. */
static json_object *load_baseline(const char *path)
{
	json_object *r = json_object_from_file(path);
	if (!r) {
		fprintf(stderr, "anelint: %s: cannot read the baseline: %s\n", path,
		        json_util_get_last_err() ? json_util_get_last_err() : "not JSON");
		return NULL;
	}
	json_object *v, *ops;
	const char *why = NULL;
	if (!json_object_object_get_ex(r, "schema_version", &v) || !json_object_is_type(v, json_type_int))
		why = "no schema_version (not a report of 'anelint analyze -f json')";
	else if (json_object_get_int(v) < 1 || json_object_get_int(v) > REPORT_SCHEMA_VERSION)
		why = "schema_version is not one this anelint reads";
	else if (!json_object_object_get_ex(r, "ops", &ops) || !json_object_is_type(ops, json_type_array))
		why = "no ops array";
	for (size_t i = 0; !why && i < json_object_array_length(ops); i++) {
		json_object *op = json_object_array_get_idx(ops, i), *f, *n;
		if (!json_object_is_type(op, json_type_object) ||
		    !json_object_object_get_ex(op, "function", &f) || !json_object_is_type(f, json_type_string) ||
		    !json_object_object_get_ex(op, "name", &n) || !json_object_is_type(n, json_type_string))
			why = "an op without function and name";
	}
	if (why) {
		fprintf(stderr, "anelint: %s: not a usable baseline: %s\n", path, why);
		json_object_put(r);
		return NULL;
	}
	return r;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The baseline op's device under cu (NULL: const or unknown), and whether
 * the op is known there. */
static const char *baseline_device(json_object *op, const char *lead, ComputeUnits cu)
{
	json_object *per, *s;
	if (json_object_object_get_ex(op, "compute_units", &per) &&
	    json_object_object_get_ex(per, compute_units_name(cu), &s))
		return jstr(s, "preferred_device");
	if (lead && strcmp(lead, compute_units_name(cu)) == 0)
		return jstr(op, "preferred_device");
	return NULL;
}

static bool baseline_has_code(json_object *op, ComputeUnits cu, const char *code)
{
	json_object *rs, *per, *s, *r;
	if (json_object_object_get_ex(op, "reasons", &rs) && json_object_is_type(rs, json_type_array))
		for (size_t i = 0; i < json_object_array_length(rs); i++) {
			const char *c = jstr(json_object_array_get_idx(rs, i), "code");
			if (c && strcmp(c, code) == 0)
				return true;
		}
	if (json_object_object_get_ex(op, "compute_units", &per) &&
	    json_object_object_get_ex(per, compute_units_name(cu), &s) &&
	    json_object_object_get_ex(s, "reason", &r)) {
		const char *c = jstr(r, "code");
		return c && strcmp(c, code) == 0;
	}
	return false;
}

/* ------------------------------------------------------------ gates */

typedef struct GateCtx {
	CliAnalysis *an;
	Arena *a;
	ComputeUnits cu;
} GateCtx;

static Gate *new_gate(ModelResult *mr, Arena *a, const char *type, const char *name)
{
	Gate g = { 0 };
	g.type = type;
	g.name = name;
	g.passed = true;
	vec_push(a, &mr->gates, g);
	return &mr->gates.v[mr->gates.n - 1];
}

static GateOp op_ref(GateCtx *c, const Func *f, const Op *op, const OpPlacement *p)
{
	/* copies: the module dies before the results are printed */
	GateOp g = { 0 };
	g.function = arena_strdup(c->a, f->name);
	g.name = arena_strdup(c->a, ir_op_name(f, op));
	g.type = arena_strdup(c->a, op->kind);
	if (p && !p->is_const)
		g.device = device_name(p->device[c->cu]);
	if (p) {
		const AneReason *r = report_main_reason(p, c->cu);
		if (r) {
			g.code = r->rule->code;
			g.message = report_reason_message(c->a, r);
		} else if (p->device[c->cu] != DEV_ANE && !p->is_const &&
		           !(compute_units_devices(c->cu) & DEVM(DEV_ANE))) {
			g.code = REPORT_CODE_UNITS;
			g.message = arena_printf(c->a, "%s excludes the ANE", compute_units_name(c->cu));
		}
	}
	return g;
}

/* Text lines for the ops of a gate, SHOWN_OPS at most. */
static const char *ops_details(Arena *a, const Gate *g, const char *head)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return NULL;
	if (head)
		fprintf(f, "%s\n", head);
	for (uint32_t i = 0; i < g->ops.n && i < SHOWN_OPS; i++) {
		const GateOp *o = &g->ops.v[i];
		fprintf(f, "%s (%s in %s)", o->name, o->type, o->function);
		if (o->was)
			fprintf(f, " %s -> %s", o->was, o->device ? o->device : "-");
		else if (o->device)
			fprintf(f, " on %s", o->device);
		if (o->code)
			fprintf(f, ": %s %s", o->code, o->message ? o->message : "");
		fputc('\n', f);
	}
	if (g->ops.n > SHOWN_OPS)
		fprintf(f, "... and %u more\n", g->ops.n - SHOWN_OPS);
	fclose(f);
	const char *s = arena_strdup(a, buf ? buf : "");
	free(buf);
	return s;
}

typedef struct DenyWalk {
	GateCtx *c;
	Gate *g;
	const char *code;
} DenyWalk;

static int deny_op(Func *f, Op *op, void *vctx)
{
	DenyWalk *w = vctx;
	const OpPlacement *p = ane_op_placement(w->c->an->ctx, f, op);
	if (!p)
		return 0;
	ComputeUnits cu = w->c->cu;
	const AneReason *hit = NULL;
	for (uint32_t i = 0; i < p->nreasons && !hit; i++)
		if (p->reasons[i].rule && strcmp(p->reasons[i].rule->code, w->code) == 0)
			hit = &p->reasons[i];
	if (!hit && p->not_preferred[cu] && p->not_preferred[cu]->rule &&
	    strcmp(p->not_preferred[cu]->rule->code, w->code) == 0)
		hit = p->not_preferred[cu];
	bool units = !hit && strcmp(w->code, REPORT_CODE_UNITS) == 0 && !p->is_const &&
	             !(compute_units_devices(cu) & DEVM(DEV_ANE));
	if (!hit && !units)
		return 0;
	GateOp g = op_ref(w->c, f, op, p);
	g.code = w->code;
	g.message = hit ? report_reason_message(w->c->a, hit)
	                : arena_printf(w->c->a, "%s excludes the ANE", compute_units_name(cu));
	vec_push(w->c->a, &w->g->ops, g);
	return 0;
}

static void gate_deny(GateCtx *c, ModelResult *mr, const char *code)
{
	Gate *g = new_gate(mr, c->a, "deny", arena_printf(c->a, "deny %s", code));
	DenyWalk w = { c, g, code };
	for (uint32_t i = 0; i < c->an->m->funcs.n; i++)
		ir_walk_ops(c->an->m->funcs.v[i], deny_op, &w);
	uint32_t ndiag = 0;
	const DiagList *dl = &c->an->dl;
	const char *first_diag = NULL;
	for (uint32_t i = 0; i < dl->d.n; i++)
		if (dl->d.v[i].code && strcmp(dl->d.v[i].code, code) == 0) {
			if (!ndiag++)
				first_diag = dl->d.v[i].msg;
		}
	g->passed = !g->ops.n && !ndiag;
	if (g->passed) {
		g->message = arena_printf(c->a, "no op has %s", code);
	} else if (g->ops.n) {
		g->message = arena_printf(c->a, "%u op%s ha%s %s", g->ops.n, g->ops.n == 1 ? "" : "s",
		                          g->ops.n == 1 ? "s" : "ve", code);
		g->details = ops_details(c->a, g, NULL);
	} else {
		g->message = arena_printf(c->a, "%u diagnostic%s %s: %s", ndiag, ndiag == 1 ? "" : "s",
		                          code, first_diag ? first_diag : "");
	}
}

typedef struct BaseWalk {
	GateCtx *c;
	Gate *g;
	json_object *index;             /* "function\x1fname" -> op */
	const char *lead;
	VEC(GateOp) moved_on, new_reason, new_off;
} BaseWalk;

static int base_op(Func *f, Op *op, void *vctx)
{
	BaseWalk *w = vctx;
	GateCtx *c = w->c;
	const OpPlacement *p = ane_op_placement(c->an->ctx, f, op);
	if (!p || p->is_const)
		return 0;
	const char *name = ir_op_name(f, op);
	char *key = arena_printf(c->a, "%s\x1f%s", f->name, name);
	json_object *old;
	bool now_ane = p->device[c->cu] == DEV_ANE;
	if (!json_object_object_get_ex(w->index, key, &old)) {
		if (!now_ane)
			vec_push(c->a, &w->new_off, op_ref(c, f, op, p));
		return 0;
	}
	const char *was = baseline_device(old, w->lead, c->cu);
	if (!was)
		return 0;
	bool was_ane = strcmp(was, "ANE") == 0;
	GateOp g = op_ref(c, f, op, p);
	g.was = was;
	if (was_ane && !now_ane)
		vec_push(c->a, &w->g->ops, g);
	else if (!was_ane && now_ane)
		vec_push(c->a, &w->moved_on, g);
	else if (!now_ane && g.code && !baseline_has_code(old, c->cu, g.code))
		vec_push(c->a, &w->new_reason, g);
	return 0;
}

static void gate_baseline(GateCtx *c, ModelResult *mr, const char *path, json_object *base)
{
	Gate *g = new_gate(mr, c->a, "baseline", arena_printf(c->a, "baseline %s", path));
	BaseWalk w = { .c = c, .g = g, .index = json_object_new_object(),
	               .lead = jstr(base, "lead_compute_units") };
	json_object *ops;
	json_object_object_get_ex(base, "ops", &ops);
	for (size_t i = 0; i < json_object_array_length(ops); i++) {
		json_object *op = json_object_array_get_idx(ops, i);
		char *key = arena_printf(c->a, "%s\x1f%s", jstr(op, "function"), jstr(op, "name"));
		json_object_object_add(w.index, key, json_object_get(op));
	}
	for (uint32_t i = 0; i < c->an->m->funcs.n; i++)
		ir_walk_ops(c->an->m->funcs.v[i], base_op, &w);
	json_object_put(w.index);
	g->passed = g->ops.n == 0;
	g->message = g->passed
		? arena_printf(c->a, "no op left the ANE since the baseline (%u moved onto it)",
		               w.moved_on.n)
		: arena_printf(c->a, "the ANE boundary moved: %u op%s left the ANE since the baseline",
		               g->ops.n, g->ops.n == 1 ? "" : "s");
	/* the details: moved off, then new reasons, moved on, new ops off the ANE */
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return;
	if (g->ops.n)
		fputs(ops_details(c->a, g, "moved off the ANE:"), f);
	Gate tmp = { 0 };
	if (w.new_reason.n) {
		tmp.ops.v = w.new_reason.v;
		tmp.ops.n = w.new_reason.n;
		fputs(ops_details(c->a, &tmp, "off the ANE for a new reason:"), f);
	}
	if (w.moved_on.n) {
		tmp.ops.v = w.moved_on.v;
		tmp.ops.n = w.moved_on.n;
		fputs(ops_details(c->a, &tmp, "moved onto the ANE:"), f);
	}
	if (w.new_off.n) {
		tmp.ops.v = w.new_off.v;
		tmp.ops.n = w.new_off.n;
		fputs(ops_details(c->a, &tmp, "not in the baseline, off the ANE:"), f);
	}
	fclose(f);
	if (buf && buf[0])
		g->details = arena_strdup(c->a, buf);
	free(buf);
	/* keep the new reasons with the gate for JSON */
	for (uint32_t i = 0; i < w.new_reason.n; i++) {
		GateOp o = w.new_reason.v[i];
		o.was = arena_printf(c->a, "%s (new reason)", o.was);
		vec_push(c->a, &g->ops, o);
	}
}

static void evaluate(CliAnalysis *an, const CheckOpts *o, json_object *base,
                     const char *base_path, ModelResult *mr, Arena *a)
{
	GateCtx c = { an, a, an->in.units };
	const AneCounts *k = ane_counts(an->ctx, NULL, c.cu);
	mr->units = c.cu;
	mr->ane_share = k->share[DEV_ANE];
	mr->switches = k->switches;
	mr->executable = k->executable;
	mr->on_ane = k->on[DEV_ANE];
	Gate *g0 = &mr->gates.v[0];
	g0->message = arena_printf(a, "%u of %u executable ops on the ANE (%.1f%%) under %s",
	                           k->on[DEV_ANE], k->executable, k->share[DEV_ANE] * 100,
	                           compute_units_name(c.cu));
	if (o->has_min_ane) {
		Gate *g = new_gate(mr, a, "min-ane", arena_printf(a, "min-ane %g%%", o->min_ane));
		double pct = k->share[DEV_ANE] * 100;
		/* compare at the precision printed, so 79.96% never "fails 80%" while showing 80.0 */
		g->passed = round(pct * 100) >= round(o->min_ane * 100);
		g->message = arena_printf(a, "ANE share %.2f%% %s %g%%", pct, g->passed ? ">=" : "<",
		                          o->min_ane);
		if (!g->passed) {
			uint32_t ng;
			ReportGroup *gr = report_groups(&an->in, c.cu, a, &ng);
			char *buf = NULL;
			size_t n = 0;
			FILE *f = open_memstream(&buf, &n);
			for (uint32_t i = 0; f && i < ng; i++) {
				fprintf(f, "%s %s (%u op%s)", gr[i].code, gr[i].reason, gr[i].nops,
				        gr[i].nops == 1 ? "" : "s");
				for (uint32_t j = 0; j < gr[i].nops && j < SHOWN_OPS; j++)
					fprintf(f, "%s%s", j ? ", " : ": ", ir_op_name(gr[i].funcs[j], gr[i].ops[j]));
				fputc('\n', f);
				if (gr[i].hint[0])
					fprintf(f, "  hint: %s\n", gr[i].hint);
				for (uint32_t j = 0; j < gr[i].nops; j++) {
					const OpPlacement *p = ane_op_placement(an->ctx, gr[i].funcs[j], gr[i].ops[j]);
					vec_push(a, &g->ops, op_ref(&c, gr[i].funcs[j], gr[i].ops[j], p));
				}
			}
			if (f)
				fclose(f);
			g->details = arena_strdup(a, buf ? buf : "");
			free(buf);
		}
	}
	if (o->has_max_switches) {
		Gate *g = new_gate(mr, a, "max-switches", arena_printf(a, "max-switches %lu", o->max_switches));
		g->passed = k->switches <= o->max_switches;
		g->message = arena_printf(a, "%u device switch%s %s %lu (%u segments)", k->switches,
		                          k->switches == 1 ? "" : "es", g->passed ? "<=" : ">",
		                          o->max_switches, k->segments);
		if (!g->passed) {
			char *buf = NULL;
			size_t n = 0;
			FILE *f = open_memstream(&buf, &n);
			for (uint32_t i = 0; f && i < an->m->funcs.n; i++) {
				const Func *fn = an->m->funcs.v[i];
				const AneFuncPlan *pl = ane_func_plan(an->ctx, fn, c.cu);
				for (uint32_t s = 0; pl && s < pl->nsegments; s++)
					fprintf(f, "%s segment %u: %s, %u ops\n", fn->name, s,
					        device_name(pl->segments[s].device), pl->segments[s].nops);
			}
			if (f)
				fclose(f);
			g->details = arena_strdup(a, buf ? buf : "");
			free(buf);
		}
	}
	for (uint32_t i = 0; i < o->ndeny; i++)
		gate_deny(&c, mr, o->deny[i]);
	if (base)
		gate_baseline(&c, mr, base_path, base);
}

/* ------------------------------------------------------------ output */

static bool model_passed(const ModelResult *mr)
{
	for (uint32_t i = 0; i < mr->gates.n; i++)
		if (!mr->gates.v[i].passed)
			return false;
	return true;
}

static void print_text(const ModelResult *mr, uint32_t n, FILE *out)
{
	uint32_t failed_models = 0, failed = 0, total = 0;
	for (uint32_t m = 0; m < n; m++) {
		bool ok = model_passed(&mr[m]);
		failed_models += !ok;
		fprintf(out, "%s: %s\n", mr[m].path, !mr[m].usable ? "UNUSABLE" : ok ? "pass" : "FAIL");
		for (uint32_t i = 0; i < mr[m].gates.n; i++) {
			const Gate *g = &mr[m].gates.v[i];
			total++;
			failed += !g->passed;
			fprintf(out, "  %-5s %s: %s\n", g->error ? "ERROR" : g->passed ? "ok" : "FAIL", g->name,
			        g->message ? g->message : "");
			if (!g->passed && g->details) {
				const char *s = g->details;
				while (*s) {
					const char *e = strchr(s, '\n');
					size_t len = e ? (size_t)(e - s) : strlen(s);
					fprintf(out, "        %.*s\n", (int)len, s);
					s += len + (e != NULL);
				}
			}
		}
	}
	fprintf(out, "check: %u of %u model%s pass (%u of %u gates fail)\n", n - failed_models, n,
	        n == 1 ? "" : "s", failed, total);
}

static int print_junit(const ModelResult *mr, uint32_t n, FILE *out, Arena *a)
{
	VEC(JunitCase) cases = { 0 };
	double total = 0;
	for (uint32_t m = 0; m < n; m++)
		for (uint32_t i = 0; i < mr[m].gates.n; i++) {
			const Gate *g = &mr[m].gates.v[i];
			JunitCase c = { 0 };
			c.classname = mr[m].path;
			c.name = g->name;
			c.seconds = g->seconds;
			total += g->seconds;
			if (!g->passed) {
				c.failure = g->message;
				c.failure_type = g->type;
				c.details = g->details;
				c.error = g->error;
			} else {
				c.system_out = g->message;
			}
			vec_push(a, &cases, c);
		}
	JunitSuite s = { "anelint check", total, cases.n, cases.v };
	return junit_write(&s, out);
}

static json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static int print_json(const ModelResult *mr, uint32_t n, int status, FILE *out)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "schema_version", json_object_new_int(REPORT_SCHEMA_VERSION));
	json_object_object_add(r, "kind", json_object_new_string("check"));
	json_object *tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string("anelint"));
	json_object_object_add(tool, "version", json_object_new_string(cli_version()));
	json_object_object_add(r, "tool", tool);
	json_object_object_add(r, "passed", json_object_new_boolean(status == EXIT_OK));
	json_object_object_add(r, "status", json_object_new_int(status));
	json_object *models = json_object_new_array();
	for (uint32_t m = 0; m < n; m++) {
		json_object *mo = json_object_new_object();
		json_object_object_add(mo, "path", json_object_new_string(mr[m].path));
		json_object_object_add(mo, "usable", json_object_new_boolean(mr[m].usable));
		json_object_object_add(mo, "passed", json_object_new_boolean(model_passed(&mr[m])));
		if (mr[m].usable) {
			char s[32];
			snprintf(s, sizeof s, "%.4f", mr[m].ane_share);
			json_object_object_add(mo, "compute_units",
			                       json_object_new_string(compute_units_name(mr[m].units)));
			json_object_object_add(mo, "ane_share", json_object_new_double_s(mr[m].ane_share, s));
			json_object_object_add(mo, "executable", json_object_new_int64(mr[m].executable));
			json_object_object_add(mo, "on_ane", json_object_new_int64(mr[m].on_ane));
			json_object_object_add(mo, "switches", json_object_new_int64(mr[m].switches));
		}
		json_object *gates = json_object_new_array();
		for (uint32_t i = 0; i < mr[m].gates.n; i++) {
			const Gate *g = &mr[m].gates.v[i];
			json_object *go = json_object_new_object();
			json_object_object_add(go, "gate", json_object_new_string(g->type));
			json_object_object_add(go, "name", json_object_new_string(g->name));
			json_object_object_add(go, "passed", json_object_new_boolean(g->passed));
			json_object_object_add(go, "error", json_object_new_boolean(g->error));
			json_object_object_add(go, "message", jstr_or_null(g->message));
			json_object *ops = json_object_new_array();
			for (uint32_t j = 0; j < g->ops.n; j++) {
				const GateOp *o = &g->ops.v[j];
				json_object *oo = json_object_new_object();
				json_object_object_add(oo, "function", json_object_new_string(o->function));
				json_object_object_add(oo, "name", json_object_new_string(o->name));
				json_object_object_add(oo, "type", json_object_new_string(o->type));
				json_object_object_add(oo, "device", jstr_or_null(o->device));
				json_object_object_add(oo, "baseline_device", jstr_or_null(o->was));
				json_object_object_add(oo, "code", jstr_or_null(o->code));
				json_object_object_add(oo, "message", jstr_or_null(o->message));
				json_object_array_add(ops, oo);
			}
			json_object_object_add(go, "ops", ops);
			json_object_array_add(gates, go);
		}
		json_object_object_add(mo, "gates", gates);
		json_object_array_add(models, mo);
	}
	json_object_object_add(r, "models", models);
	int rc = report_print_json(r, out);
	json_object_put(r);
	return rc;
}

/* ------------------------------------------------------------ the command */

int cmd_check(int argc, char **argv)
{
	CheckOpts o = { 0 };
	CliArgs a;
	int rc = cli_parse_args(&a, "check", argc, argv,
	                        CLI_OUTPUT | CLI_FORMAT | CLI_MANY_MODELS | CLI_PASSES, check_flag, &o);
	if (rc != EXIT_OK || a.done)
		return rc;
	int fmt = a.format ? report_format_from_name(a.format) : REPORT_TEXT;
	if (fmt != REPORT_TEXT && fmt != REPORT_JSON && fmt != REPORT_JUNIT)
		return cli_usage_error("check", "unknown format '%s' (text, junit or json)", a.format);
	if (o.nbaseline > 1 && o.nbaseline != (uint32_t)a.nmodels)
		return cli_usage_error("check", "%u baselines for %d models: give one baseline per model, "
		                       "in the order of the models", o.nbaseline, a.nmodels);
	if (o.nbaseline == 1 && a.nmodels > 1)
		return cli_usage_error("check", "one baseline for %d models: give one per model", a.nmodels);

	Arena *ar = arena_new();
	ModelResult *mr = arena_array(ar, (size_t)a.nmodels, sizeof *mr);
	int status = EXIT_OK;
	for (int m = 0; m < a.nmodels; m++) {
		mr[m].path = a.models[m];
		Gate *g0 = new_gate(&mr[m], ar, "analyse", "analyse");
		json_object *base = NULL;
		if (o.nbaseline && !(base = load_baseline(o.baseline[m]))) {
			g0->passed = false;
			g0->error = true;
			g0->message = arena_printf(ar, "the baseline %s cannot be used", o.baseline[m]);
			status = EXIT_UNUSABLE;
			continue;
		}
		CliAnalysis an;
		if (cli_analysis_run(&an, a.models[m], &a.po) != EXIT_OK) {
			g0->passed = false;
			g0->error = true;
			g0->message = "the model cannot be read or analysed";
			status = EXIT_UNUSABLE;
		} else {
			mr[m].usable = true;
			g0->seconds = an.seconds;
			evaluate(&an, &o, base, base ? o.baseline[m] : NULL, &mr[m], ar);
			if (!model_passed(&mr[m]) && status == EXIT_OK)
				status = EXIT_FINDINGS;
		}
		cli_analysis_fini(&an);
		json_object_put(base);
	}
	CliOutput out;
	if (cli_output_open(&out, a.out) != 0) {
		arena_free(ar);
		return EXIT_UNUSABLE;
	}
	int wrc = 0;
	if (fmt == REPORT_JUNIT)
		wrc = print_junit(mr, (uint32_t)a.nmodels, out.f, ar);
	else if (fmt == REPORT_JSON)
		wrc = print_json(mr, (uint32_t)a.nmodels, status, out.f);
	else
		print_text(mr, (uint32_t)a.nmodels, out.f);
	if (cli_output_close(&out, wrc == 0) != 0)
		status = EXIT_UNUSABLE;
	arena_free(ar);
	return status;
}
