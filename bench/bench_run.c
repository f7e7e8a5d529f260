/*
 * bench_run.c - the cpu device on four networks of the converted corpus
 * (issue 10 item 7): resnet18 (fp32), mobilenet_v2, efficientnet_b0 and
 * squeezenet1_1 (fp16 programs computed in fp32), batch 1, with the
 * corpus's reference input; load and prepare once, 3 warm-up runs, then
 * the median and best of N timed runs at 1 and 2 BLAS threads; the
 * convolutions' GFLOP/s (FLOPs from the cost pass, time from the
 * runtime's per-op timers); peak RSS.  PyTorch runs beside it when
 * Debian's python3-torch is installed (torch.set_num_threads(1), eval,
 * no_grad, the same networks rebuilt from torchvision with random
 * weights: only the time is compared).  Prints figures, asserts nothing.
 *
 *   cmake --build build --target bench_run && build/bench/bench_run [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "anelint.h"
#include "common.h"
#include "passes/cost/cost.h"
#include "runtime/npy.h"
#include "runtime/runtime.h"

static const struct { const char *dir, *torch; } nets[] = {
	{ "resnet18_ios16_fp32", "resnet18" },
	{ "mobilenet_v2_ios16_image_classifier", "mobilenet_v2" },
	{ "efficientnet_b0_ios18", "efficientnet_b0" },
	{ "squeezenet1_1_ios18", "squeezenet1_1" },
};

typedef struct Timing {
	double median_ms, best_ms, cpu_ms, conv_ms, conv_gflop;
} Timing;

/* Process CPU time: on a shared, loaded machine the wall clock also counts
 * the time other processes held the core; CPU time does not. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bind_reference_inputs(RtProgram *p, const char *dir, DiagList *dl)
{
	for (uint32_t i = 0; i < rt_num_inputs(p); i++) {
		char path[4200], err[512];
		snprintf(path, sizeof path, "%s/inputs/%s.npy", dir, rt_input_name(p, i));
		RtTensor t = { 0 };
		if (npy_read(path, &t, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		int rc = rt_set_input(p, rt_input_name(p, i), &t, dl);
		rt_tensor_free(&t);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Wall time by op type over every run so far, largest first (BENCH_PROFILE=1). */
static void print_profile(const RtStats *st)
{
	const char *kinds[128];
	double secs[128];
	int n = 0;
	for (uint32_t i = 0; i < st->nops; i++) {
		int k = 0;
		while (k < n && strcmp(kinds[k], st->ops[i].op->kind) != 0)
			k++;
		if (k == n && n < 128) {
			kinds[n] = st->ops[i].op->kind;
			secs[n++] = 0;
		}
		if (k < n)
			secs[k] += st->ops[i].seconds;
	}
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (secs[b] > secs[a]) {
				double t = secs[a]; secs[a] = secs[b]; secs[b] = t;
				const char *q = kinds[a]; kinds[a] = kinds[b]; kinds[b] = q;
			}
	for (int k = 0; k < n && k < 8; k++)
		printf("    %-24s %8.1f ms per run\n", kinds[k], secs[k] * 1e3 / (double)st->runs);
}

static int time_net(Module *m, PassCtx *ctx, const char *dir, int threads, int runs, Timing *out)
{
	DiagList dl;
	diag_init(&dl);
	RtOptions opts = { .threads = threads };
	Func *f = m->funcs.v[0];
	RtProgram *p = rt_program_new(m, ctx, f, &opts, &dl);
	int rc = -1;
	double *t = calloc((size_t)runs, sizeof *t);
	if (!p || !t || bind_reference_inputs(p, dir, &dl) < 0)
		goto out;
	for (int i = 0; i < 3; i++)
		if (rt_run(p, &dl) < 0)
			goto out;
	const RtStats *st = rt_stats(p);
	double conv0 = 0;
	for (uint32_t i = 0; i < st->nops; i++)
		if (strcmp(st->ops[i].op->kind, "conv") == 0)
			conv0 += st->ops[i].seconds;
	double c0 = cpu_seconds();
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now();
		if (rt_run(p, &dl) < 0)
			goto out;
		t[r] = (bench_now() - t0) * 1e3;
	}
	out->cpu_ms = (cpu_seconds() - c0) * 1e3 / runs;
	bench_sort(t, (size_t)runs);
	out->median_ms = t[runs / 2];
	out->best_ms = t[0];
	out->conv_ms = out->conv_gflop = 0;
	for (uint32_t i = 0; i < st->nops; i++) {
		const Op *op = st->ops[i].op;
		if (strcmp(op->kind, "conv") != 0)
			continue;
		out->conv_ms += st->ops[i].seconds * 1e3;
		const CostOp *co = cost_op(ctx, f, op);
		if (co && co->flops > 0)
			out->conv_gflop += co->flops * 1e-9;
	}
	out->conv_ms = (out->conv_ms - conv0 * 1e3) / runs;
	if (getenv("BENCH_PROFILE"))
		print_profile(st);
	rc = 0;
out:
	if (rc < 0)
		diag_print_all(&dl, stderr);
	free(t);
	rt_program_free(p);
	diag_fini(&dl);
	return rc;
}

/* PyTorch's median for one torchvision network, 1 thread, or -1. */
static double torch_ms(const char *name, int runs)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         BENCH_PYTHON " -c \"import time,torch,torchvision as tv;torch.set_num_threads(1);"
	         "m=getattr(tv.models,'%s')().eval();x=torch.rand(1,3,224,224);"
	         "t=[];exec('with torch.no_grad():\\n for i in range(%d):\\n  a=time.perf_counter();m(x);t.append(time.perf_counter()-a)');"
	         "t=sorted(t[3:]);print(t[len(t)//2]*1e3)\" 2>/dev/null",
	         name, runs + 3);
	FILE *f = popen(cmd, "r");
	double ms = -1;
	if (f) {
		if (fscanf(f, "%lf", &ms) != 1)
			ms = -1;
		pclose(f);
	}
	return ms;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 20;
	if (runs < 1)
		runs = 20;
	char converted[4096];
	bench_corpus_dir(converted, sizeof converted, NULL);
	printf("anelint run, cpu device: median of %d runs after 3 warm-up, batch 1\n", runs);
	printf("%-36s %9s %9s %9s %9s %10s %9s %9s %7s\n", "network", "1 thr ms", "best ms",
	       "cpu ms", "2 thr ms", "conv GF/s", "torch ms", "ratio", "RSS MB");
	for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
		char dir[4200], path[4400];
		snprintf(dir, sizeof dir, "%s/%s", converted, nets[i].dir);
		snprintf(path, sizeof path, "%s/%s.mlpackage", dir, nets[i].dir);
		Module *m = bench_load_model(path, NULL);
		if (!m) {
			printf("%-36s not found\n", nets[i].dir);
			continue;
		}
		DiagList dl;
		diag_init(&dl);
		PassCtx *ctx = bench_run_passes(m, &dl, PASS_BIT(PARTITION) | PASS_BIT(COST));
		Timing one, two;
		if (time_net(m, ctx, dir, 1, runs, &one) == 0 && time_net(m, ctx, dir, 2, runs, &two) == 0) {
			double tm = torch_ms(nets[i].torch, runs);
			struct rusage ru;
			getrusage(RUSAGE_SELF, &ru);
			printf("%-36s %9.1f %9.1f %9.1f %9.1f %10.1f ", nets[i].dir, one.median_ms,
			       one.best_ms, one.cpu_ms, two.median_ms,
			       one.conv_ms > 0 ? one.conv_gflop / one.conv_ms * 1e3 : 0);
			if (tm > 0)
				printf("%9.1f %9.2f", tm, one.median_ms / tm);
			else
				printf("%9s %9s", "n/a", "n/a");
			printf(" %7.0f\n", (double)ru.ru_maxrss / 1024);
		}
		pass_ctx_free(ctx);
		diag_fini(&dl);
		ir_module_free(m);
	}
	printf("torch n/a: python3-torch is not installed (scripts/setup.sh does not install it)\n");
	return 0;
}
