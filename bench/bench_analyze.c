/* bench_analyze.c - in-process analysis time: load a model, then run every
 * pass (verify, infer, legality, placement, partition, flex, memory), and
 * the ANE passes' cost in nanoseconds per op.
 *
 *   bench_analyze [CORPUS_DIR]
 *
 * 1. A generated program of about 5,000 ops (conv / norm / attention
 *    blocks in the ANE layout at sizes that put most of it on the ANE, with
 *    an fp32 island and an int32 index path every fourth block, so every
 *    branch of legality, the path search and the boundary walk is
 *    exercised).
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
 * The report emitters add their columns by calling bench_analyze_ctx()
 * (a PassCtx with every pass run, ready for emitting) from their own
 * bench; see bench_report.c.  Prints figures only; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anelint.h"
#include "backend/report.h"
#include "frontend/frontend.h"
#include "passes/ane.h"
#include "passes/pass.h"

enum { REPS = 20 };

#ifndef ANELINT_SOURCE_DIR
#define ANELINT_SOURCE_DIR "."
#endif

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Every pass over m, as `anelint analyze` runs them; the caller frees the
 * ctx.  The hook for other benches (JSON to memory, whole process). */
PassCtx *bench_analyze_ctx(Module *m, DiagList *dl);
PassCtx *bench_analyze_ctx(Module *m, DiagList *dl)
{
	PassCtx *ctx = pass_ctx_new(m, dl, NULL);
	pass_run_pipeline(ctx);
	return ctx;
}

/* ------------------------------------------------------------------ generator */

typedef struct Gen {
	FILE *f;
	long ops, id, blocks;
	unsigned long long offset;
} Gen;

#define IND "            "

static const char *fresh(Gen *g, char *buf, const char *stem)
{
	snprintf(buf, 48, "%s_%ld", stem, g->id++);
	return buf;
}

static void blob(Gen *g, char *n, const char *type, unsigned long long bytes)
{
	fresh(g, n, "w");
	fprintf(g->f, IND "%s %s = const()[name = string(\"%s\"), val = %s(BLOBFILE(path = string("
	        "\"@model_path/weights/weight.bin\"), offset = uint64(%llu)))];\n", type, n, n, type,
	        g->offset);
	g->offset += 64 + (bytes + 63) / 64 * 64;
	g->ops++;
}

static void op(Gen *g, char *out, const char *stem, const char *type, const char *call)
{
	fresh(g, out, stem);
	fprintf(g->f, IND "%s %s = %s[name = string(\"%s\")];\n", type, out, call, out);
	g->ops++;
}

/* x [1, 128, 1, 256] -> the same shape: conv 1x1, relu, layer_norm, an
 * attention-style matmul/softmax pair, an fp32 island (refused), an int32
 * index computation feeding a gather (refused), and a residual add. */
static void block(Gen *g, char *x)
{
	char w[48], c[48], r[48], ln[48], m[48], sm[48], m2[48], up[48], sw[48], dn[48], ids[48];
	char g1[48], a[48], call[512];
	const char *act = "tensor<fp16, [1, 128, 1, 256]>";
	blob(g, w, "tensor<fp16, [128, 128, 1, 1]>", 128 * 128 * 2);
	snprintf(call, sizeof call, "conv(x = %s, weight = %s)", x, w);
	op(g, c, "conv", act, call);
	snprintf(call, sizeof call, "relu(x = %s)", c);
	op(g, r, "relu", act, call);
	snprintf(call, sizeof call, "layer_norm(x = %s, axes = tensor<int32, [1]>([1]))", r);
	op(g, ln, "layer_norm", act, call);
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_x = bool(true))", ln, ln);
	op(g, m, "matmul", "tensor<fp16, [1, 128, 256, 256]>", call);
	snprintf(call, sizeof call, "softmax(x = %s, axis = int32(-1))", m);
	op(g, sm, "softmax", "tensor<fp16, [1, 128, 256, 256]>", call);
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_y = bool(true))", ln, sm);
	op(g, m2, "matmul", act, call);
	if (g->blocks++ % 4 == 3) {
		/* every fourth block: an fp32 island and an int32 index path */
		snprintf(call, sizeof call, "cast(x = %s, dtype = string(\"fp32\"))", m2);
		op(g, up, "cast", "tensor<fp32, [1, 128, 1, 256]>", call);
		snprintf(call, sizeof call, "sigmoid(x = %s)", up);
		op(g, sw, "sigmoid", "tensor<fp32, [1, 128, 1, 256]>", call);
		snprintf(call, sizeof call, "cast(x = %s, dtype = string(\"fp16\"))", sw);
		op(g, dn, "cast", act, call);
		snprintf(call, sizeof call, "add(x = tensor<int32, [4]>([0, 1, 2, 3]), y = int32(%ld))",
		         g->id % 7);
		op(g, ids, "ids", "tensor<int32, [4]>", call);
		snprintf(call, sizeof call, "gather(x = %s, indices = %s, axis = int32(3))", dn, ids);
		op(g, g1, "gather", "tensor<fp16, [1, 128, 1, 4]>", call);
	} else {
		snprintf(call, sizeof call, "sigmoid(x = %s)", m2);
		op(g, dn, "sigmoid", act, call);
	}
	snprintf(call, sizeof call, "add(x = %s, y = %s)", x, dn);
	op(g, a, "add", act, call);
	strcpy(x, a);
}

static char *generate(long *nops)
{
	char *text = NULL;
	size_t len;
	Gen g = { .f = open_memstream(&text, &len), .offset = 64 };
	fputs("program(1.3)\n{\n    func main<ios17>(tensor<fp16, [1, 128, 1, 256]> x) {\n", g.f);
	char x[48] = "x";
	while (g.ops < 5000)
		block(&g, x);
	fprintf(g.f, "        } -> (%s);\n}\n", x);
	fclose(g.f);
	*nops = g.ops;
	return text;
}

/* ------------------------------------------------------------------ timing */

typedef struct Figures {
	double best, median;        /* ns/op, whole pipeline */
	double ane, flex, infer;    /* ns/op, mean: legality+placement+partition, flex, infer */
	uint32_t ops;
	double ane_share_all, ane_share_ne;
	uint32_t segments;
	uint32_t errors;
} Figures;

static Figures time_module(Module *m)
{
	Figures fg = { 0 };
	double t[REPS], sa = 0, sf = 0, si = 0;
	for (uint32_t i = 0; i < m->funcs.n; i++)
		fg.ops += m->funcs.v[i]->nops;
	for (int r = 0; r < REPS; r++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = now();
		PassCtx *ctx = bench_analyze_ctx(m, &dl);
		t[r] = now() - t0;
		sa += ctx->seconds[PASS_LEGALITY] + ctx->seconds[PASS_PLACEMENT] +
		      ctx->seconds[PASS_PARTITION];
		sf += ctx->seconds[PASS_FLEX];
		si += ctx->seconds[PASS_INFER];
		if (r == 0) {
			const AneCounts *all = ane_counts(ctx, NULL, CU_ALL);
			const AneCounts *ne = ane_counts(ctx, NULL, CU_CPU_AND_NE);
			fg.ane_share_all = all ? all->share[DEV_ANE] : 0;
			fg.ane_share_ne = ne ? ne->share[DEV_ANE] : 0;
			fg.segments = ne ? ne->segments : 0;
			fg.errors = dl.nerrors;
		}
		pass_ctx_free(ctx);
		diag_fini(&dl);
	}
	qsort(t, REPS, sizeof *t, cmp_double);
	double n = fg.ops ? fg.ops : 1;
	fg.best = t[0] * 1e9 / n;
	fg.median = t[REPS / 2] * 1e9 / n;
	fg.ane = sa / REPS * 1e9 / n;
	fg.flex = sf / REPS * 1e9 / n;
	fg.infer = si / REPS * 1e9 / n;
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

static PassCtx *run_selected(Module *m, DiagList *dl, uint32_t selected)
{
	PassOptions o;
	pass_options_init(&o);
	o.selected = selected;
	PassCtx *ctx = pass_ctx_new(m, dl, &o);
	pass_run_pipeline(ctx);
	return ctx;
}

static double median_ms(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return t[n / 2] * 1e3;
}

static Overhead overhead(const char *name, Module *m, double load_ms)
{
	Overhead ov = { .name = name, .load_ms = load_ms };
	for (uint32_t i = 0; i < m->funcs.n; i++)
		ov.ops += m->funcs.v[i]->nops;
	double base[REPS], full[REPS], rep[REPS];
	FILE *null = fopen("/dev/null", "w");
	for (int r = 0; r < REPS; r++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = now();
		PassCtx *ctx = run_selected(m, &dl, PASS_BIT(PARTITION) | PASS_BIT(FLEX));
		base[r] = now() - t0;
		pass_ctx_free(ctx);
		diag_fini(&dl);
		diag_init(&dl);
		t0 = now();
		ctx = run_selected(m, &dl, 0);
		full[r] = now() - t0;
		ov.cost_ms += ctx->seconds[PASS_COST] * 1e3 / REPS;
		ov.memory_ms += ctx->seconds[PASS_MEMORY] * 1e3 / REPS;
		ov.lint_ms += ctx->seconds[PASS_LINT] * 1e3 / REPS;
		ReportInput in;
		report_input_init(&in, m, ctx, name, NULL, "bench");
		t0 = now();
		if (null)
			report_text(&in, null);
		rep[r] = now() - t0;
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
	long nops;
	double t0 = now();
	char *text = generate(&nops);
	DiagList dl;
	diag_init(&dl);
	FILE *in = fmemopen(text, strlen(text), "r");
	Module *m = fe_parse_mil_text("generated.mil", in, &dl);
	fclose(in);
	double load_ms = (now() - t0) * 1e3;
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
	free(text);

	char dir[4096];
	if (argc > 1)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else if (getenv("ANELINT_SHARED"))
		snprintf(dir, sizeof dir, "%s/corpus", getenv("ANELINT_SHARED"));
	else
		snprintf(dir, sizeof dir, "%s/../shared/corpus", ANELINT_SOURCE_DIR);
	char list[4200];
	snprintf(list, sizeof list, "find '%s/converted' -maxdepth 2 -name '*.mlpackage' | sort", dir);
	FILE *p = popen(list, "r");
	if (!p)
		return 0;
	char path[4096];
	double ane_ns = 0, all_ns = 0;
	uint32_t total_ops = 0, models = 0;
	while (fgets(path, sizeof path, p)) {
		path[strcspn(path, "\n")] = 0;
		DiagList d2;
		diag_init(&d2);
		double l0 = now();
		Module *mm = anelint_load(path, &d2);
		double lms = (now() - l0) * 1e3;
		if (mm) {
			Figures f = time_module(mm);
			const char *base = strrchr(path, '/');
			row(base ? base + 1 : path, lms, &f);
			if (strstr(base ? base : path, "efficientnet_b0_ios18") && nov < 2)
				ov[nov++] = overhead("efficientnet_b0_ios18", mm, lms);
			ane_ns += f.ane * f.ops;
			all_ns += f.median * f.ops;
			total_ops += f.ops;
			models++;
			ir_module_free(mm);
		}
		diag_fini(&d2);
	}
	pclose(p);
	printf("\ngenerated program: legality + placement + partition %.0f ns/op\n", gen_ane);
	if (total_ops)
		printf("%u converted models, %u ops: legality + placement + partition %.0f ns/op; "
		       "whole pipeline (median) %.0f ns/op\n", models, total_ops, ane_ns / total_ops,
		       all_ns / total_ops);
	overhead_table(ov, nov);
	return 0;
}
