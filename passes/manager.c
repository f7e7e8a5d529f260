/* manager.c - the pass manager: the declarative pass table, requires
 * resolution, analyses recomputed before each pass, IR dumps around passes,
 * the verifier between passes and per-pass timing (libfirm's
 * assure/confirm properties, MIR's pipeline dumps, QBE's one pass per file). */
#include "passes/pass.h"
#include "passes/ane/ane_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const PassInfo pass_table[PASS_COUNT] = {
#define X(id, pname, req, ana, annot, sum) \
	[PASS_##id] = { .name = #pname, .summary = sum, .requires = (req), .analyses = (ana), \
	                .run = pass_##pname, .annotate = annot },
	PASS_LIST(X)
#undef X
};

const PassInfo *pass_find(const char *name, PassId *id)
{
	for (int i = 0; i < PASS_COUNT; i++)
		if (strcmp(pass_table[i].name, name) == 0) {
			if (id)
				*id = (PassId)i;
			return &pass_table[i];
		}
	return NULL;
}

static void print_mask(FILE *out, uint32_t mask)
{
	bool first = true;
	for (int i = 0; i < PASS_COUNT; i++)
		if (mask & (1u << i)) {
			fprintf(out, "%s%s", first ? "" : ",", pass_table[i].name);
			first = false;
		}
	if (first)
		fputs("-", out);
}

void pass_list(FILE *out)
{
	fputs("passes, in pipeline order:\n", out);
	for (int i = 0; i < PASS_COUNT; i++) {
		fprintf(out, "  %-10s %s (requires: ", pass_table[i].name, pass_table[i].summary);
		print_mask(out, pass_table[i].requires);
		fputs(")\n", out);
	}
}

/* ------------------------------------------------------------------ options */

void pass_options_init(PassOptions *o)
{
	memset(o, 0, sizeof *o);
	o->print_out = stdout;
	o->time_out = stderr;
	o->compute_units = -1;
}

bool pass_options_active(const PassOptions *o)
{
	return o->selected || o->print_before || o->print_after || o->verify_each ||
	       o->time_passes;
}

/* "a,b,c" (or "all" when allow_all) into a PASS_BIT mask; -1 on an unknown name. */
static int parse_names(const char *flag, const char *list, bool allow_all, uint32_t *mask,
                       FILE *err)
{
	*mask = 0;
	if (!*list) {
		fprintf(err, "anelint: %s needs a pass name (see --list-passes)\n", flag);
		return -1;
	}
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char name[64];
		if (n == 0 || n >= sizeof name) {
			fprintf(err, "anelint: %s: empty or overlong pass name in '%s'\n", flag, list);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = 0;
		PassId id;
		if (allow_all && strcmp(name, "all") == 0) {
			*mask |= (1u << PASS_COUNT) - 1;
		} else if (pass_find(name, &id)) {
			*mask |= 1u << id;
		} else {
			fprintf(err, "anelint: %s: no pass '%s' (passes:", flag, name);
			for (int i = 0; i < PASS_COUNT; i++)
				fprintf(err, " %s", pass_table[i].name);
			fputs(")\n", err);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const char *flag_value(const char *arg, const char *flag)
{
	size_t n = strlen(flag);
	if (strncmp(arg, flag, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

int pass_options_parse(PassOptions *o, const char *arg, FILE *err)
{
	const char *v;
	uint32_t mask;
	if ((v = flag_value(arg, "--passes"))) {
		if (parse_names("--passes", v, false, &mask, err))
			return -1;
		o->selected |= mask;
		return 1;
	}
	if ((v = flag_value(arg, "--print-before"))) {
		if (parse_names("--print-before", v, true, &mask, err))
			return -1;
		o->print_before |= mask;
		return 1;
	}
	if ((v = flag_value(arg, "--print-after"))) {
		if (parse_names("--print-after", v, true, &mask, err))
			return -1;
		o->print_after |= mask;
		return 1;
	}
	if (strcmp(arg, "--passes") == 0 || strcmp(arg, "--print-before") == 0 ||
	    strcmp(arg, "--print-after") == 0) {
		fprintf(err, "anelint: %s needs a value: %s=NAME[,NAME...]\n", arg, arg);
		return -1;
	}
	if (strcmp(arg, "--verify-each") == 0) {
		o->verify_each = true;
		return 1;
	}
	if (strcmp(arg, "--time-passes") == 0) {
		o->time_passes = true;
		return 1;
	}
	if (strcmp(arg, "--list-passes") == 0) {
		o->list_passes = true;
		return 1;
	}
	return ane_options_parse(o, arg, err);
}

/* ------------------------------------------------------------------ context */

PassCtx *pass_ctx_new(Module *m, DiagList *dl, const PassOptions *opts)
{
	PassCtx *c = calloc(1, sizeof *c);
	if (!c)
		IR_DIE("out of memory");
	c->m = m;
	c->dl = dl;
	if (opts)
		c->opts = *opts;
	else
		pass_options_init(&c->opts);
	c->arena = arena_new();
	return c;
}

void pass_ctx_free(PassCtx *ctx)
{
	if (!ctx)
		return;
	arena_free(ctx->arena);
	free(ctx);
}

Diag *pass_diag(PassCtx *ctx, Severity sev, const char *code, const Func *f, const Op *op,
                const char *hint, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	SrcLoc loc = op ? op->loc : f ? f->loc : (SrcLoc){ .file = ctx->m->file };
	if (!loc.file)
		loc.file = ctx->m->file;
	Diag *d;
	if (op && f)
		d = diag_add(ctx->dl, sev, code, loc, "%s '%s': %s", op->kind, ir_op_name(f, op), msg);
	else
		d = diag_add(ctx->dl, sev, code, loc, "%s", msg);
	if (d) {
		diag_set_op(ctx->dl, d, f, op);
		if (hint)
			d->hint = arena_strdup(ctx->dl->arena, hint);
	}
	return d;
}

/* ------------------------------------------------------------------ running */

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct Annot {
	const PassCtx *ctx;
} Annot;

static void annotate_op(void *actx, const Func *f, const Op *op, FILE *out)
{
	const PassCtx *ctx = ((const Annot *)actx)->ctx;
	for (int i = 0; i < PASS_COUNT; i++)
		if ((ctx->done & (1u << i)) && pass_table[i].annotate)
			pass_table[i].annotate(ctx, f, op, out);
}

void pass_print_module(const PassCtx *ctx, FILE *out)
{
	Annot a = { ctx };
	PrintOpts po = { annotate_op, &a };
	ir_print_module(ctx->m, out, &po);
}

static void dump(PassCtx *ctx, const char *when, const char *pass)
{
	FILE *out = ctx->opts.print_out ? ctx->opts.print_out : stdout;
	/* A `//` line comment so that the dump stays parseable MIL text. */
	fprintf(out, "// *** IR dump %s %s ***\n", when, pass);
	pass_print_module(ctx, out);
	ctx->nprinted++;
}

/* Passes never write into the IR, so def-use computed once in a context
 * stays valid for the rest of its pipeline: it is computed before the
 * first pass that asks for it, not again before every one. */
static void prepare(PassCtx *ctx, uint32_t analyses)
{
	if ((analyses & ANA_USES) && !ctx->uses_ready) {
		for (uint32_t i = 0; i < ctx->m->funcs.n; i++)
			ir_fill_uses(ctx->m->funcs.v[i]);
		ctx->uses_ready = true;
	}
}

int pass_run(PassCtx *ctx, PassId id)
{
	if (ctx->done & (1u << id))
		return 0;
	const PassInfo *p = &pass_table[id];
	int errors = 0;
	for (int r = 0; r < PASS_COUNT; r++)
		if ((p->requires & (1u << r)) && !(ctx->done & (1u << r)))
			errors += pass_run(ctx, (PassId)r);
	if (ctx->opts.print_before & (1u << id))
		dump(ctx, "before", p->name);
	prepare(ctx, p->analyses);
	double t0 = now_seconds();
	/* --input-shape: function inputs take the given shapes while infer runs */
	void *shapes = id == PASS_INFER ? ane_input_shapes_apply(ctx) : NULL;
	int e = p->run(ctx->m, ctx);
	ane_input_shapes_restore(ctx, shapes);
	ctx->seconds[id] += now_seconds() - t0;
	ctx->errors[id] = e;
	ctx->done |= 1u << id;
	errors += e;
	if (ctx->opts.verify_each && id != PASS_VERIFY) {
		int v = ir_verify(ctx->m, ctx->dl);
		if (v)
			diag_add(ctx->dl, SEV_ERROR, "P001", (SrcLoc){ .file = ctx->m->file },
			         "the IR fails verification after pass '%s' (%d errors)", p->name, v);
		errors += v;
	}
	if (ctx->opts.print_after & (1u << id))
		dump(ctx, "after", p->name);
	return errors;
}

static void print_times(const PassCtx *ctx)
{
	FILE *out = ctx->opts.time_out ? ctx->opts.time_out : stderr;
	double total = 0;
	uint32_t nops = 0;
	for (int i = 0; i < PASS_COUNT; i++)
		total += ctx->seconds[i];
	for (uint32_t i = 0; i < ctx->m->funcs.n; i++)
		nops += ctx->m->funcs.v[i]->nops;
	fprintf(out, "===-- pass execution timing (wall clock) --===\n");
	fprintf(out, "  %-12s %12s %8s %12s\n", "pass", "time (ms)", "share", "ns/op");
	for (int i = 0; i < PASS_COUNT; i++) {
		if (!(ctx->done & (1u << i)))
			continue;
		double ms = ctx->seconds[i] * 1e3;
		fprintf(out, "  %-12s %12.3f %7.1f%% %12.1f\n", pass_table[i].name, ms,
		        total > 0 ? 100.0 * ctx->seconds[i] / total : 0.0,
		        nops ? ctx->seconds[i] * 1e9 / nops : 0.0);
	}
	fprintf(out, "  %-12s %12.3f %7.1f%% %12.1f   (%u ops)\n", "total", total * 1e3, 100.0,
	        nops ? total * 1e9 / nops : 0.0, nops);
}

int pass_run_pipeline(PassCtx *ctx)
{
	uint32_t want = ctx->opts.selected ? ctx->opts.selected : (1u << PASS_COUNT) - 1;
	int errors = 0;
	for (int i = 0; i < PASS_COUNT; i++)
		if (want & (1u << i))
			errors += pass_run(ctx, (PassId)i);
	uint32_t unprinted = (ctx->opts.print_before | ctx->opts.print_after) & ~ctx->done;
	for (int i = 0; i < PASS_COUNT; i++)
		if (unprinted & (1u << i))
			fprintf(ctx->opts.time_out ? ctx->opts.time_out : stderr,
			        "anelint: pass '%s' did not run (see --passes); nothing printed around it\n",
			        pass_table[i].name);
	if (ctx->opts.time_passes)
		print_times(ctx);
	return errors;
}
