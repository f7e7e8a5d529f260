/* bench_analyze.c - in-process analysis time: load a model, then run every
 * pass (verify, infer, legality, placement, partition, flex, memory), and
 * the ANE passes' cost in nanoseconds per op.
 *
 *   bench_analyze [CORPUS_DIR]
 *
 * 1. A generated program of about 5,000 ops (common.h's BENCH_MIX_ANE:
 *    conv / norm / attention blocks in the ANE layout at sizes that put
 *    most of it on the ANE, with an fp32 island and an int32 index path
 *    every fourth block, so every branch of legality, the path search and
 *    the boundary walk is exercised).
 * 2. Every converted model under CORPUS_DIR (default ../shared/corpus).
 * Each is loaded once (load time reported) and analysed REPS times; best
 * and median of the whole pipeline, and per pass: legality + placement +
 * partition ("ane"), and flex (reruns for flexible inputs).
 *
 * 3. What the cost, memory and lint passes add to analyze on the generated
 *    program and the largest converted model (efficientnet_b0_ios18): load +
 *    passes + the text report with the pipeline stopped after partition and
 *    flex, and with every pass (medians of REPS, interleaved).
 *
 * The report emitters' share is bench_report's.  Prints figures only;
 * asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anelint.h"
#include "backend/report.h"
#include "common.h"
#include "passes/ane/ane.h"

enum { REPS = 20 };

/* ------------------------------------------------------------------ timing */

typedef struct Figures {
	double best, median;        /* ns/op, whole pipeline */
	double ane, flex, infer;    /* ns/op, mean: legality+placement+partition, flex, infer */
	uint32_t ops;
	double ane_share_all, ane_share_ne;
	uint32_t segments;
	uint32_t errors;
} Figures;

/* The first run's ANE shares and segments. */
static void look(const PassCtx *ctx, void *vfg)
{
	Figures *fg = vfg;
	const AneCounts *all = ane_counts(ctx, NULL, CU_ALL);
	const AneCounts *ne = ane_counts(ctx, NULL, CU_CPU_AND_NE);
	fg->ane_share_all = all ? all->share[DEV_ANE] : 0;
	fg->ane_share_ne = ne ? ne->share[DEV_ANE] : 0;
	fg->segments = ne ? ne->segments : 0;
}

static Figures time_module(Module *m)
{
	Figures fg = { 0 };
	BenchPasses bp = bench_time_passes(m, 0, REPS, look, &fg);
	fg.best = bp.best;
	fg.median = bp.median;
	fg.ane = bp.pass[PASS_LEGALITY] + bp.pass[PASS_PLACEMENT] + bp.pass[PASS_PARTITION];
	fg.flex = bp.pass[PASS_FLEX];
	fg.infer = bp.pass[PASS_INFER];
	fg.ops = bp.ops;
	fg.errors = bp.errors;
	return fg;
}

/* ------------------------------------------------------------------ cost, memory, lint */

typedef struct Overhead {
	const char *name;
	uint32_t ops;
	double load_ms;
	double base_ms, full_ms, report_ms;     /* medians */
	double cost_ms, memory_ms, lint_ms;     /* means, from the pass timer */
} Overhead;

static double median_ms(double *t, int n)
{
	bench_sort(t, (size_t)n);
	return t[n / 2] * 1e3;
}

static Overhead overhead(const char *name, Module *m, double load_ms)
{
	Overhead ov = { .name = name, .ops = bench_module_ops(m), .load_ms = load_ms };
	double base[REPS], full[REPS], rep[REPS];
	FILE *null = fopen("/dev/null", "w");
	for (int r = 0; r < REPS; r++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = bench_now();
		PassCtx *ctx = bench_run_passes(m, &dl, PASS_BIT(PARTITION) | PASS_BIT(FLEX));
		base[r] = bench_now() - t0;
		pass_ctx_free(ctx);
		diag_fini(&dl);
		diag_init(&dl);
		t0 = bench_now();
		ctx = bench_run_passes(m, &dl, 0);
		full[r] = bench_now() - t0;
		ov.cost_ms += ctx->seconds[PASS_COST] * 1e3 / REPS;
		ov.memory_ms += ctx->seconds[PASS_MEMORY] * 1e3 / REPS;
		ov.lint_ms += ctx->seconds[PASS_LINT] * 1e3 / REPS;
		ReportInput in;
		report_input_init(&in, m, ctx, name, NULL, "bench");
		t0 = bench_now();
		if (null)
			report_text(&in, null);
		rep[r] = bench_now() - t0;
		pass_ctx_free(ctx);
		diag_fini(&dl);
	}
	if (null)
		fclose(null);
	ov.base_ms = median_ms(base, REPS);
	ov.full_ms = median_ms(full, REPS);
	ov.report_ms = median_ms(rep, REPS);
	return ov;
}

static void overhead_table(const Overhead *ov, int n)
{
	printf("\nthe cost, memory and lint passes in analyze (ms; passes and report: medians of %d; "
	       "analyze = load + passes + text report):\n", REPS);
	printf("%-24s %6s %7s %9s %7s %7s %7s %9s %7s %10s %10s %7s %7s\n", "model", "ops", "load",
	       "passes w/o", "cost", "memory", "lint", "passes", "report", "analyze w/o", "analyze",
	       "added", "passes+");
	for (int i = 0; i < n; i++) {
		const Overhead *o = &ov[i];
		double without = o->load_ms + o->base_ms + o->report_ms;
		double with = o->load_ms + o->full_ms + o->report_ms;
		printf("%-24.24s %6u %7.2f %9.2f %7.3f %7.3f %7.3f %9.2f %7.3f %10.2f %10.2f %6.1f%% %6.1f%%\n",
		       o->name, o->ops, o->load_ms, o->base_ms, o->cost_ms, o->memory_ms, o->lint_ms,
		       o->full_ms, o->report_ms, without, with, (with - without) / without * 100,
		       (o->full_ms - o->base_ms) / o->base_ms * 100);
	}
	printf("(\"added\": what cost + memory + lint add to the whole analyze; \"passes+\": to the "
	       "passes alone.  --chip all reruns legality .. cost once per generation, on request.)\n");
}

static void header(void)
{
	printf("%-42s %6s %8s %9s %9s %7s %7s %7s %6s %6s %4s\n", "model", "ops", "load ms",
	       "best ns/op", "median", "infer", "ane", "flex", "ANE%", "NE%", "segs");
}

static void row(const char *name, double load_ms, const Figures *f)
{
	printf("%-42.42s %6u %8.2f %9.0f %9.0f %7.0f %7.0f %7.0f %6.1f %6.1f %4u\n", name, f->ops,
	       load_ms, f->best, f->median, f->infer, f->ane, f->flex, 100 * f->ane_share_all,
	       100 * f->ane_share_ne, f->segments);
}

int main(int argc, char **argv)
{
	printf("in-process analysis: load once, then every pass, best of %d (ns per op; "
	       "\"ane\" = legality + placement + partition, mean; ANE%% under ALL, NE%% under "
	       "CPU_AND_NE, segs under CPU_AND_NE)\n\n", REPS);
	header();
	double t0 = bench_now();
	DiagList dl;
	diag_init(&dl);
	Module *m = bench_mil_module(BENCH_MIX_ANE, 5000, &dl);
	double load_ms = (bench_now() - t0) * 1e3;
	if (!m) {
		diag_print_all(&dl, stderr);
		return 1;
	}
	Figures g = time_module(m);
	row("generated program", load_ms, &g);
	double gen_ane = g.ane;
	Overhead ov[2];
	int nov = 0;
	ov[nov++] = overhead("generated program", m, load_ms);
	ir_module_free(m);
	diag_fini(&dl);

	char dir[4096];
	bench_corpus_dir(dir, sizeof dir, argc > 1 ? argv[1] : NULL);
	size_t nmodels;
	BenchModel *models = bench_corpus_models(dir, &nmodels);
	double ane_ns = 0, all_ns = 0;
	uint32_t total_ops = 0, nloaded = 0;
	for (size_t i = 0; i < nmodels; i++) {
		double lms;
		Module *mm = bench_load_model(models[i].path, &lms);
		if (!mm)
			continue;
		Figures f = time_module(mm);
		row(strrchr(models[i].path, '/') + 1, lms, &f);
		if (strcmp(models[i].name, "efficientnet_b0_ios18") == 0 && nov < 2)
			ov[nov++] = overhead("efficientnet_b0_ios18", mm, lms);
		ane_ns += f.ane * f.ops;
		all_ns += f.median * f.ops;
		total_ops += f.ops;
		nloaded++;
		ir_module_free(mm);
	}
	free(models);
	printf("\ngenerated program: legality + placement + partition %.0f ns/op\n", gen_ane);
	if (total_ops)
		printf("%u converted models, %u ops: legality + placement + partition %.0f ns/op; "
		       "whole pipeline (median) %.0f ns/op\n", nloaded, total_ops, ane_ns / total_ops,
		       all_ns / total_ops);
	overhead_table(ov, nov);
	return 0;
}
