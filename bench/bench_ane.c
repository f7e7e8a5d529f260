/*
 * bench_ane.c - the cost of the ane device's fp16 emulation (issue 11
 * item 7): each fp16 network of the converted corpus run on the cpu device
 * (fp32 reference) and on the ane device (CPU_AND_NE, every op the ANE can
 * run placed on it), side by side in one process, same inputs, 1 BLAS
 * thread; median of N runs after 3 warm-up runs, and the ratio (target
 * <= 2.0).  Prints figures, asserts nothing.
 *
 *   cmake --build build --target bench_ane && build/bench/bench_ane [RUNS]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "anelint.h"
#include "common.h"
#include "passes/ane/ane.h"
#include "runtime/runtime.h"

static const char *const nets[] = {
	"efficientnet_b0_ios18", "mobilenet_v3_small_ios17", "squeezenet1_1_ios18",
	"vit_tiny_2layer_ios17", "transformer_encoder_2layer_ios16",
};

/* Every input of p filled with a smooth deterministic pattern in [-1, 1]
 * (integer inputs: 0..9).  -1 when an input has no fixed shape. */
static int fill_inputs(RtProgram *p, DiagList *dl)
{
	for (uint32_t i = 0; i < rt_num_inputs(p); i++) {
		const Type *t = rt_input_type(p, i);
		if (rt_input_is_state(p, i))
			continue;
		int64_t dims[RT_MAX_RANK];
		for (int32_t d = 0; d < t->rank; d++) {
			if (t->dims[d].kind != DIM_CONST)
				return -1;
			dims[d] = t->dims[d].size;
		}
		RtTensor x = { 0 };
		if (rt_tensor_alloc(&x, t->dt, t->rank, dims) < 0)
			return -1;
		for (int64_t k = 0; k < x.numel; k++)
			rt_tensor_set(&x, k, dtype_is_float(t->dt) ? sin((double)k * 0.37) : (double)(k % 10));
		int rc = rt_set_input(p, rt_input_name(p, i), &x, dl);
		rt_tensor_free(&x);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Median ms of `runs` runs of f under cu (3 warm-up runs first); -1 on
 * failure.  *ane_ops: ops on the ane device. */
static double time_setting(Module *m, PassCtx *ctx, Func *f, ComputeUnits cu, int runs,
                           uint32_t *ane_ops)
{
	DiagList dl;
	diag_init(&dl);
	RtOptions o = { .threads = 1, .compute_units = cu, .placement = RT_PLACE_LEGAL };
	RtProgram *p = rt_program_new(m, ctx, f, &o, &dl);
	double median = -1;
	double *t = calloc((size_t)runs, sizeof *t);
	if (p && t && fill_inputs(p, &dl) == 0) {
		int ok = 1;
		for (int r = 0; r < 3 && ok; r++)
			ok = rt_run(p, &dl) == 0;
		for (int r = 0; r < runs && ok; r++) {
			double t0 = bench_now();
			ok = rt_run(p, &dl) == 0;
			t[r] = (bench_now() - t0) * 1e3;
		}
		bench_sort(t, (size_t)runs);
		median = ok ? t[runs / 2] : -1;
		const RtStats *st = rt_stats(p);
		*ane_ops = 0;
		for (uint32_t s = 0; s < st->nsegments; s++)
			if (st->segments[s].device[0] == 'a')
				*ane_ops += st->segments[s].nops;
	}
	free(t);
	rt_program_free(p);
	diag_fini(&dl);
	return median;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 20;
	if (runs < 1)
		runs = 20;
	printf("ane device emulation against the cpu device, 1 thread, median of %d runs (ms)\n", runs);
	printf("%-34s %10s %10s %8s %8s\n", "model", "cpu", "ane", "ratio", "ane ops");
	for (size_t i = 0; i < sizeof nets / sizeof *nets; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/../shared/corpus/converted/%s/%s.mlpackage",
		         ANELINT_SOURCE_DIR, nets[i], nets[i]);
		Module *m = bench_load_model(path, NULL);
		if (!m) {
			printf("%-34s (not found)\n", nets[i]);
			continue;
		}
		DiagList dl;
		diag_init(&dl);
		PassCtx *ctx = bench_run_passes(m, &dl, PASS_BIT(PARTITION));
		uint32_t none = 0, ane_ops = 0;
		double cpu = time_setting(m, ctx, m->funcs.v[0], CU_CPU_ONLY, runs, &none);
		double ane = time_setting(m, ctx, m->funcs.v[0], CU_CPU_AND_NE, runs, &ane_ops);
		printf("%-34s %10.2f %10.2f %7.2fx %8u\n", nets[i], cpu, ane, cpu > 0 ? ane / cpu : 0,
		       ane_ops);
		pass_ctx_free(ctx);
		diag_fini(&dl);
		ir_module_free(m);
	}
	return 0;
}
