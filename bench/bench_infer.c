/* bench_infer.c - verify + infer throughput, in nanoseconds per op.
 *
 *   bench_infer [CORPUS_DIR]
 *
 * 1. A generated program of 5,000 ops in the converter's style (every
 *    parameter its own const op; conv, relu, add, reshape, transpose,
 *    linear, matmul, softmax, layer_norm in the ANE layout), parsed once,
 *    then verify + infer (with the manager's def-use recomputation) run 30
 *    times: best and median ns/op, and the split between the two passes.
 * 2. Every converted model under CORPUS_DIR (default ../shared/corpus next
 *    to the source tree), loaded once and run 30 times each.
 * Target (issue "Op catalogue, pass manager, and dtype/shape inference"):
 * at most 1 microsecond per op.  Prints figures only; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anelint.h"
#include "frontend/frontend.h"
#include "passes/pass.h"

enum { REPS = 30 };

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

/* ------------------------------------------------------------------ generator */

typedef struct Gen {
	FILE *f;
	long ops, id;
	unsigned long long offset;
} Gen;

#define S "            "

static const char *name(Gen *g, char *buf, const char *stem)
{
	snprintf(buf, 48, "%s_%ld", stem, g->id++);
	return buf;
}

static void konst(Gen *g, char *n, const char *stem, const char *type, const char *val)
{
	name(g, n, stem);
	fprintf(g->f, S "%s %s = const()[name = string(\"%s\"), val = %s(%s)];\n", type, n, n, type,
	        val);
	g->ops++;
}

static void blob(Gen *g, char *n, const char *stem, const char *type, unsigned long long bytes)
{
	name(g, n, stem);
	fprintf(g->f, S "%s %s = const()[name = string(\"%s\"), val = %s(BLOBFILE(path = string("
	        "\"@model_path/weights/weight.bin\"), offset = uint64(%llu)))];\n", type, n, n, type,
	        g->offset);
	g->offset += 64 + (bytes + 63) / 64 * 64;
	g->ops++;
}

static void op(Gen *g, char *out, const char *stem, const char *type, const char *call)
{
	name(g, out, stem);
	fprintf(g->f, S "%s %s = %s[name = string(\"%s\")];\n", type, out, call, out);
	g->ops++;
}

/* One block: x [1, 64, 1, 32] -> the same shape, 27 ops. */
static void block(Gen *g, char *x)
{
	char w[48], b[48], pt[48], st[48], pad[48], dil[48], grp[48], y[48], r[48], a[48];
	char sh[48], rs[48], perm[48], t[48], lw[48], lb[48], l[48], tx[48], ty[48], m[48];
	char ax[48], sm[48], m2[48], axes[48], eps[48], ln[48], t2[48], sh2[48], call[512];
	const char *act = "tensor<fp16, [1, 64, 1, 32]>";
	blob(g, w, "w", "tensor<fp16, [64, 64, 1, 1]>", 64 * 64 * 2);
	blob(g, b, "b", "tensor<fp16, [64]>", 128);
	konst(g, pt, "pad_type", "string", "\"valid\"");
	konst(g, st, "strides", "tensor<int32, [2]>", "[1, 1]");
	konst(g, pad, "pad", "tensor<int32, [4]>", "[0, 0, 0, 0]");
	konst(g, dil, "dilations", "tensor<int32, [2]>", "[1, 1]");
	konst(g, grp, "groups", "int32", "1");
	snprintf(call, sizeof call, "conv(x = %s, weight = %s, bias = %s, strides = %s, pad_type = %s, "
	         "pad = %s, dilations = %s, groups = %s)", x, w, b, st, pt, pad, dil, grp);
	op(g, y, "conv", act, call);
	snprintf(call, sizeof call, "relu(x = %s)", y);
	op(g, r, "relu", act, call);
	snprintf(call, sizeof call, "add(x = %s, y = %s)", x, r);
	op(g, a, "add", act, call);
	konst(g, sh, "shape", "tensor<int32, [3]>", "[1, 64, 32]");
	snprintf(call, sizeof call, "reshape(x = %s, shape = %s)", a, sh);
	op(g, rs, "reshape", "tensor<fp16, [1, 64, 32]>", call);
	konst(g, perm, "perm", "tensor<int32, [3]>", "[0, 2, 1]");
	snprintf(call, sizeof call, "transpose(x = %s, perm = %s)", rs, perm);
	op(g, t, "transpose", "tensor<fp16, [1, 32, 64]>", call);
	blob(g, lw, "lw", "tensor<fp16, [64, 64]>", 64 * 64 * 2);
	blob(g, lb, "lb", "tensor<fp16, [64]>", 128);
	snprintf(call, sizeof call, "linear(x = %s, weight = %s, bias = %s)", t, lw, lb);
	op(g, l, "linear", "tensor<fp16, [1, 32, 64]>", call);
	konst(g, tx, "transpose_x", "bool", "false");
	konst(g, ty, "transpose_y", "bool", "true");
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_x = %s, transpose_y = %s)", l, t,
	         tx, ty);
	op(g, m, "matmul", "tensor<fp16, [1, 32, 32]>", call);
	konst(g, ax, "axis", "int32", "-1");
	snprintf(call, sizeof call, "softmax(x = %s, axis = %s)", m, ax);
	op(g, sm, "softmax", "tensor<fp16, [1, 32, 32]>", call);
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_x = %s, transpose_y = %s)", sm, l,
	         tx, tx);
	op(g, m2, "matmul", "tensor<fp16, [1, 32, 64]>", call);
	konst(g, axes, "axes", "tensor<int32, [1]>", "[-1]");
	konst(g, eps, "epsilon", "fp16", "0x1.5p-17");
	snprintf(call, sizeof call, "layer_norm(x = %s, axes = %s, epsilon = %s)", m2, axes, eps);
	op(g, ln, "layer_norm", "tensor<fp16, [1, 32, 64]>", call);
	snprintf(call, sizeof call, "transpose(x = %s, perm = %s)", ln, perm);
	op(g, t2, "transpose", "tensor<fp16, [1, 64, 32]>", call);
	konst(g, sh2, "shape", "tensor<int32, [4]>", "[1, 64, 1, 32]");
	snprintf(call, sizeof call, "reshape(x = %s, shape = %s)", t2, sh2);
	op(g, x, "reshape", act, call);
}

static char *generate(long *nops)
{
	char *text = NULL;
	size_t len;
	Gen g = { .f = open_memstream(&text, &len), .offset = 64 };
	fputs("program(1.3)\n{\n    func main<ios17>(tensor<fp16, [1, 64, 1, 32]> x) {\n", g.f);
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
	double best, median, verify, infer;     /* ns/op */
	uint32_t ops, errors;
} Figures;

static Figures time_module(Module *m)
{
	Figures fg = { 0 };
	double t[REPS], sv = 0, si = 0;
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		ir_fill_uses(m->funcs.v[i]);
		fg.ops += m->funcs.v[i]->nops;
	}
	for (int r = 0; r < REPS; r++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = now();
		PassCtx *ctx = pass_ctx_new(m, &dl, NULL);
		pass_run_pipeline(ctx);
		t[r] = now() - t0;
		sv += ctx->seconds[PASS_VERIFY];
		si += ctx->seconds[PASS_INFER];
		fg.errors = dl.nerrors;
		pass_ctx_free(ctx);
		diag_fini(&dl);
	}
	qsort(t, REPS, sizeof *t, cmp_double);
	double n = fg.ops ? fg.ops : 1;
	fg.best = t[0] * 1e9 / n;
	fg.median = t[REPS / 2] * 1e9 / n;
	fg.verify = sv / REPS * 1e9 / n;
	fg.infer = si / REPS * 1e9 / n;
	return fg;
}

int main(int argc, char **argv)
{
	long nops;
	char *text = generate(&nops);
	DiagList dl;
	diag_init(&dl);
	FILE *in = fmemopen(text, strlen(text), "r");
	Module *m = fe_parse_mil_text("generated.mil", in, &dl);
	fclose(in);
	if (!m) {
		diag_print_all(&dl, stderr);
		return 1;
	}
	Figures g = time_module(m);
	printf("generated program: %u ops, verify + infer best %.0f ns/op, median %.0f ns/op "
	       "(verify %.0f, infer %.0f; %u errors)\n", g.ops, g.best, g.median, g.verify,
	       g.infer, g.errors);
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
	double total_ns = 0, total_best = 0;
	uint32_t total_ops = 0, models = 0;
	printf("\n%-45s %7s %10s %10s %8s %8s\n", "converted model", "ops", "best ns/op",
	       "median", "verify", "infer");
	while (fgets(path, sizeof path, p)) {
		path[strcspn(path, "\n")] = 0;
		DiagList d2;
		diag_init(&d2);
		Module *mm = anelint_load(path, &d2);
		if (mm) {
			Figures f = time_module(mm);
			const char *base = strrchr(path, '/');
			printf("%-45.45s %7u %10.0f %10.0f %8.0f %8.0f\n", base ? base + 1 : path, f.ops,
			       f.best, f.median, f.verify, f.infer);
			total_ns += f.median * f.ops;
			total_best += f.best * f.ops;
			total_ops += f.ops;
			models++;
			ir_module_free(mm);
		}
		diag_fini(&d2);
	}
	pclose(p);
	if (total_ops)
		printf("%u converted models, %u ops: verify + infer best %.0f ns/op, median %.0f ns/op "
		       "(target: at most 1000 ns/op)\n", models, total_ops, total_best / total_ops,
		       total_ns / total_ops);
	return 0;
}
