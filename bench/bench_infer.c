/* bench_infer.c - verify + infer throughput, in nanoseconds per op.
 *
 *   bench_infer [CORPUS_DIR]
 *
 * 1. A generated program of 5,000 ops in the converter's style (every
 *    parameter its own const op; conv, relu, add, reshape, transpose,
 *    linear, matmul, softmax, layer_norm in the ANE layout: common.h's
 *    BENCH_MIX_SHAPES), parsed once,
 *    then verify + infer (with the manager's def-use recomputation) run 30
 *    times: best and median ns/op, and the split between the two passes.
 * 2. Every converted model under CORPUS_DIR (default ../shared/corpus next
 *    to the source tree), loaded once and run 30 times each.
 * Target (issue "Op catalogue, pass manager, and dtype/shape inference"):
 * at most 1 microsecond per op.  Prints figures only; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anelint.h"
#include "common.h"

enum { REPS = 30 };

typedef struct Figures {
	double best, median, verify, infer;     /* ns/op */
	uint32_t ops, errors;
} Figures;

static Figures time_module(Module *m)
{
	for (uint32_t i = 0; i < m->funcs.n; i++)
		ir_fill_uses(m->funcs.v[i]);
	BenchPasses bp = bench_time_passes(m, PASS_BIT(VERIFY) | PASS_BIT(INFER), REPS, NULL, NULL);
	return (Figures){ bp.best, bp.median, bp.pass[PASS_VERIFY], bp.pass[PASS_INFER], bp.ops,
	                  bp.errors };
}

int main(int argc, char **argv)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = bench_mil_module(BENCH_MIX_SHAPES, 5000, &dl);
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

	char dir[4096];
	bench_corpus_dir(dir, sizeof dir, argc > 1 ? argv[1] : NULL);
	size_t nmodels;
	BenchModel *models = bench_corpus_models(dir, &nmodels);
	double total_ns = 0, total_best = 0;
	uint32_t total_ops = 0, nloaded = 0;
	printf("\n%-45s %7s %10s %10s %8s %8s\n", "converted model", "ops", "best ns/op",
	       "median", "verify", "infer");
	for (size_t i = 0; i < nmodels; i++) {
		const char *path = models[i].path;
		Module *mm = bench_load_model(path, NULL);
		if (!mm)
			continue;
		Figures f = time_module(mm);
		printf("%-45.45s %7u %10.0f %10.0f %8.0f %8.0f\n", strrchr(path, '/') + 1, f.ops,
		       f.best, f.median, f.verify, f.infer);
		total_ns += f.median * f.ops;
		total_best += f.best * f.ops;
		total_ops += f.ops;
		nloaded++;
		ir_module_free(mm);
	}
	free(models);
	if (total_ops)
		printf("%u converted models, %u ops: verify + infer best %.0f ns/op, median %.0f ns/op "
		       "(target: at most 1000 ns/op)\n", nloaded, total_ops, total_best / total_ops,
		       total_ns / total_ops);
	return 0;
}
