/* manager.c - the pass manager: the declarative pass table, requires
 * resolution, analyses recomputed before each pass, IR dumps around passes,
 * the verifier between passes and per-pass timing (libfirm's
 * assure/confirm properties, MIR's pipeline dumps, QBE's one pass per file). */
#include "passes/pass.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const PassInfo pass_table[PASS_COUNT] = {
#define X(id, pname, req, rd, ana, annot, sum) \
	[PASS_##id] = { .name = #pname, .summary = sum, .requires = (req), .reads = (rd), \
	                .analyses = (ana), .run = pass_##pname, .annotate = annot },
	PASS_LIST(X)
#undef X
};

/* Table order is run order: a pass requires or reads earlier passes only. */
#define X(id, pname, req, rd, ana, annot, sum) \
	_Static_assert(((req) | (rd)) < PASS_BIT(id), "pass " #pname " reads a later pass");
PASS_LIST(X)
#undef X

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
	int e = p->run(ctx->m, ctx);
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
