/*
 * device_ane.c - the `ane` device: the Neural Engine's lifecycle (compile,
 * load, eval, unload; ane-hardware.md 1.3 and 2.3) and numerics
 * (ane-numerics.md) emulated on the host.
 *
 *   compile  refuses every op the legality pass refuses for the ANE (the
 *            rule's code and reason), bakes the weights to fp16
 *            (decompressed: palettized and quantized weights were expanded
 *            by their constexpr ops at load, as the hardware expands them
 *            before the multiplier), and models the device's compile and
 *            load time
 *   eval     the reference kernels, every op's output rounded to fp16
 *            (fp16_device.c); two functions the engine computes through an
 *            fp16 intermediate get the engine's result (fixups below)
 *
 * Modelled figures (labelled so by every printer):
 *   compile  11 ms for the first kernel ([MDX-M5]: one 256x256 conv) and
 *            44 ms per further op ([MDX-BENCH]: 72-86 kernels in 3.2-3.5 s
 *            on M4 / M5)
 *   load     1.7 ms ([MDX-M5]) plus the fp16 weights at the chip's ANE
 *            streaming bandwidth
 *   eval     hw_execution_ms: the cost model's ANE time of the segment's
 *            ops (OpPlacement.est->ms, the estimate pass) plus the chip's dispatch overhead
 */
#include <math.h>
#include <stdio.h>

#include "passes/ane/ane.h"
#include "passes/cost/cost.h"
#include "runtime/fp16_device.h"

enum { ANE_REASON_TEXT = 512 };

static const double ANE_COMPILE_FIRST_MS = 11.0;
static const double ANE_COMPILE_PER_OP_MS = 44.0;
static const double ANE_LOAD_MS = 1.7;

/* softplus drops to 0 past x ~ 10.4 on the ANE (ane-numerics.md, field
 * reports, coremltools#2687): 10.4 is ln 2^15, where the engine's internal
 * exp(x) passes the 2^15 limit of its intermediate (the same section: the
 * accumulator output overflowed at 2^15).  The exact result is kept below. */
static const float ANE_SOFTPLUS_LIMIT = 10.3972077f;    /* ln 32768 */

static void softplus_fixup(RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	RtTensor *y = o->outs[0];
	const float *xv = rt_f32(x);
	if (!xv || !y || y->dt != DT_FP32 || x->numel != y->numel)
		return;
	float *yv = y->data;
	for (int64_t i = 0; i < y->numel; i++)
		if (xv[i] > ANE_SOFTPLUS_LIMIT)
			yv[i] = 0.0f;
}

/* logsumexp has no max subtraction on the ANE: the fp16 sum of the
 * exponentials overflows, and the result is +inf, once log(sum) reaches
 * ln 65520 (the sum rounds to inf), i.e. past ln(65504 / C) for C equal
 * inputs: 7.63 for 32 channels (coremltools#2690).  The exact result says
 * when: sum > 65504 exactly when log(sum) > ln 65520. */
static const float ANE_LSE_LIMIT = 11.0901107f;         /* ln 65520 */

static void logsumexp_fixup(RtOp *o)
{
	RtTensor *y = o->outs[0];
	if (!y || y->dt != DT_FP32)
		return;
	float *yv = y->data;
	for (int64_t i = 0; i < y->numel; i++)
		if (yv[i] >= ANE_LSE_LIMIT)
			yv[i] = INFINITY;
}

static Fp16Fixup ane_fixup_for(const RtOp *o)
{
	return o->id == OPID_softplus ? softplus_fixup
	       : o->id == OPID_reduce_log_sum_exp ? logsumexp_fixup
	                                          : NULL;
}

static bool ane_supports(const RtOp *o)
{
	return o->fn != NULL;
}

/* The first legality refusal of the ANE for o, or NULL. */
static const AneReason *ane_refusal(const PassCtx *ctx, const Func *f, const RtOp *o)
{
	uint32_t n = 0;
	const AneReason *r = ctx ? ane_op_reasons(ctx, f, o->op, &n) : NULL;
	for (uint32_t i = 0; i < n; i++)
		if (r[i].rule->kind == RULE_REFUSE && (r[i].rule->excludes & DEVM(DEV_ANE)))
			return &r[i];
	return NULL;
}

static Fp16Model ane_model(const RtCompileEnv *env, RtOp **ops, uint32_t nops,
                           uint64_t weight_bytes)
{
	Fp16Model m = { 0 };
	m.compile_ms = nops ? ANE_COMPILE_FIRST_MS + ANE_COMPILE_PER_OP_MS * (nops - 1) : 0;
	const AneChip *chip = env->ctx ? ane_chip(env->ctx) : ane_chip_default();
	double gbps = chip && chip->ane_gbps > 0 ? chip->ane_gbps : 0;
	m.load_ms = ANE_LOAD_MS + (gbps > 0 ? (double)weight_bytes / (gbps * 1e6) : 0);
	m.hw_execution_ms = chip ? chip->ane_dispatch_ms : 0;
	for (uint32_t i = 0; env->ctx && i < nops; i++) {
		const OpPlacement *pl = ane_op_placement(env->ctx, env->p->f, ops[i]->op);
		if (pl)
			m.hw_execution_ms += pl->est->ms[DEV_ANE];
	}
	return m;
}

static RtSegProgram *ane_compile(RtOp **ops, uint32_t nops, const RtCompileEnv *env,
                                 DiagList *dl)
{
	for (uint32_t i = 0; i < nops; i++) {
		const AneReason *r = ane_refusal(env->ctx, env->p->f, ops[i]);
		if (!r)
			continue;
		char why[ANE_REASON_TEXT];
		ane_reason_format(r, why, sizeof why);
		const Op *op = ops[i]->op;
		diag_add(dl, SEV_ERROR, RT_E_ANE_REFUSED, op->loc,
		         "the ane device cannot compile op %s (%s): %s", op->name ? op->name : "?",
		         op->kind, why);
		return NULL;
	}
	RtSegProgram *sp = fp16_seg_compile(ops, nops, env, FP16_SCOPE_ALL, ane_fixup_for, "ane");
	if (sp)
		fp16_seg_set_model(sp, ane_model(env, ops, nops, fp16_seg_weight_bytes(sp)));
	return sp;
}

const RtDevice rt_device_ane = {
	.name = "ane",
	.supports = ane_supports,
	.compile = ane_compile,
	.load = fp16_seg_load,
	.eval = fp16_seg_eval,
	.unload = fp16_seg_unload,
	.stats = fp16_seg_stats,
};
