/*
 * device_cpu.c - the `cpu` device: the reference kernels, fp32 math.  A
 * segment's program is its list of ops; weights were decoded when the
 * program was built, so load and unload have nothing to move.
 */
#include <stdlib.h>

#include "runtime/rt_int.h"

struct RtSegProgram {
	uint32_t nops;
	RtOp **ops;
	uint64_t calls;
	double seconds;
};

static bool cpu_supports(const RtOp *o)
{
	return o->fn != NULL;
}

static RtSegProgram *cpu_compile(RtOp **ops, uint32_t nops, DiagList *dl)
{
	RtSegProgram *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	sp->ops = malloc((nops ? nops : 1) * sizeof *sp->ops);
	if (!sp->ops) {
		free(sp);
		return NULL;
	}
	for (uint32_t i = 0; i < nops; i++)
		sp->ops[i] = ops[i];
	sp->nops = nops;
	return sp;
}

static int cpu_load(RtSegProgram *sp, DiagList *dl)
{
	return 0;
}

static int cpu_eval(RtSegProgram *sp, RtCtx *c)
{
	double t0 = rt_now_seconds();
	for (uint32_t i = 0; i < sp->nops; i++)
		if (rt_op_run(c, sp->ops[i]) < 0)
			return -1;
	sp->calls++;
	sp->seconds += rt_now_seconds() - t0;
	return 0;
}

static void cpu_unload(RtSegProgram *sp)
{
	if (!sp)
		return;
	free(sp->ops);
	free(sp);
}

static void cpu_stats(const RtSegProgram *sp, RtSegmentStat *out)
{
	out->device = "cpu";
	out->nops = sp->nops;
	out->calls = sp->calls;
	out->seconds = sp->seconds;
}

const RtDevice rt_device_cpu = {
	.name = "cpu",
	.supports = cpu_supports,
	.compile = cpu_compile,
	.load = cpu_load,
	.eval = cpu_eval,
	.unload = cpu_unload,
	.stats = cpu_stats,
};
