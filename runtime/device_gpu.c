/*
 * device_gpu.c - the `gpu` device: Core ML's GPU path (MPSGraph) as
 * ane-numerics.md describes it: an fp16 program keeps its tensors in fp16
 * (every value the program declares fp16 is rounded after its op) and
 * accumulates in fp32; a FLOAT32 program computes in fp32, as the cpu
 * device does.  Its modelled eval time is the cost model's GPU time of the
 * segment's ops; compile and load have no published GPU figures, so none
 * is modelled.
 */
#include "passes/ane/ane.h"
#include "passes/cost/cost.h"
#include "runtime/fp16_device.h"

static bool gpu_supports(const RtOp *o)
{
	return o->fn != NULL;
}

static RtSegProgram *gpu_compile(RtOp **ops, uint32_t nops, const RtCompileEnv *env,
                                 DiagList *dl)
{
	(void)dl;
	RtSegProgram *sp = fp16_seg_compile(ops, nops, env, FP16_SCOPE_DECLARED, NULL, "gpu");
	Fp16Model m = { 0 };
	for (uint32_t i = 0; sp && env->ctx && i < nops; i++) {
		const OpPlacement *pl = ane_op_placement(env->ctx, env->p->f, ops[i]->op);
		if (pl)
			m.hw_execution_ms += pl->est->ms[DEV_GPU];
	}
	if (sp)
		fp16_seg_set_model(sp, m);
	return sp;
}

const RtDevice rt_device_gpu = {
	.name = "gpu",
	.supports = gpu_supports,
	.compile = gpu_compile,
	.load = fp16_seg_load,
	.eval = fp16_seg_eval,
	.unload = fp16_seg_unload,
	.stats = fp16_seg_stats,
};
