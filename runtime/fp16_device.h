/*
 * fp16_device.h - what the two fp16 devices (device_ane.c, device_gpu.c)
 * share: a segment program whose weights are baked to fp16 at compile and
 * whose ops' outputs are rounded to fp16 after each op (fp16.h), with the
 * CPU kernels doing the arithmetic in fp32 between the roundings: for a
 * multiply-accumulate that is exactly "fp16 operands, fp32 accumulator,
 * result rounded once" (ane-numerics.md "Data types and accumulation").
 */
#ifndef ANELINT_FP16_DEVICE_H
#define ANELINT_FP16_DEVICE_H

#include "runtime/rt_int.h"

/* Which values a device rounds. */
typedef enum Fp16Scope {
	FP16_SCOPE_ALL,         /* every float value (the ANE computes only fp16) */
	FP16_SCOPE_DECLARED,    /* values the program declares fp16 (the GPU) */
} Fp16Scope;

/* A device's modelled lifecycle figures for one segment, in ms. */
typedef struct Fp16Model {
	double compile_ms, load_ms, hw_execution_ms;
} Fp16Model;

/* A device's own result for an op, applied to the exact fp32 result
 * before it is rounded (device_ane.c: the field failures of functions the
 * ANE computes through an fp16 intermediate). */
typedef void (*Fp16Fixup)(RtOp *o);
/* The fixup of an op, or NULL. */
typedef Fp16Fixup (*Fp16FixupFor)(const RtOp *o);

/* Build the segment program: bake the float constants the ops read into
 * fp16 copies owned by the program (the ops are rebound to them until
 * unload), find the values entering the segment, and note which outputs
 * get rounded.  NULL when out of memory. */
RtSegProgram *fp16_seg_compile(RtOp **ops, uint32_t nops, const RtCompileEnv *env,
                               Fp16Scope scope, Fp16FixupFor fixup_for, const char *device);
void fp16_seg_set_model(RtSegProgram *sp, Fp16Model model);
/* Bytes of the baked weights (stored as fp16 on the device). */
uint64_t fp16_seg_weight_bytes(const RtSegProgram *sp);
int fp16_seg_load(RtSegProgram *sp, DiagList *dl);
int fp16_seg_eval(RtSegProgram *sp, RtCtx *c);
void fp16_seg_unload(RtSegProgram *sp);
void fp16_seg_stats(const RtSegProgram *sp, RtSegmentStat *out);
/* True for ops that multiply-accumulate (conv, matmul, attention classes
 * of the op table): where the M1 flushes subnormals. */
bool fp16_op_is_mac(const RtOp *o);

#endif
