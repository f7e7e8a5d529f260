/*
 * fp16.h - IEEE binary16 numerics for the devices that compute in fp16 (the
 * ANE and the GPU on fp16 programs): conversion with round to nearest even,
 * overflow to +-inf, and the two behaviours the sources disagree on (NaN
 * and subnormals) as switches.  Facts: ../shared/spec/ane-numerics.md.
 *
 * Values stay in fp32 storage inside the runtime; "rounding to fp16" here
 * means replacing an fp32 value by the fp32 value of the nearest fp16, so
 * the kernels run unchanged and every op boundary holds what an fp16 tensor
 * can hold.
 */
#ifndef ANELINT_FP16_H
#define ANELINT_FP16_H

#include <stdbool.h>
#include <stdint.h>

#define FP16_MAX        65504.0f        /* largest finite binary16 */
#define FP16_MIN_NORMAL 0x1p-14f        /* smallest normal binary16 */

/* NaN produced by an op (ane-numerics.md "Overflow, NaN, subnormals").
 * Default FP16_NAN_IEEE: NaN propagates, as the field reports (H) of
 * Gemma-3 activations giving "inf/NaN" on the ANE show; FP16_NAN_ZERO
 * follows the ane-guide's measurement (L): invalid operations (inf - inf,
 * 0 x inf, sqrt(-1)) give +0 and the engine never outputs NaN. */
typedef enum Fp16NanMode {
	FP16_NAN_IEEE,
	FP16_NAN_ZERO,
} Fp16NanMode;

/* Subnormal fp16 results of multiply-accumulate ops.  Default
 * FP16_SUBNORMAL_KEEP (M5, the newest measured engine, and every
 * element-wise op); FP16_SUBNORMAL_FLUSH_MAC flushes them to signed zero as
 * the M1 does inside multiply-accumulate (ane-guide, L). */
typedef enum Fp16SubnormalMode {
	FP16_SUBNORMAL_KEEP,
	FP16_SUBNORMAL_FLUSH_MAC,
} Fp16SubnormalMode;

typedef struct Fp16Numerics {
	Fp16NanMode nan;
	Fp16SubnormalMode subnormal;
} Fp16Numerics;

/* The bit pattern of the binary16 nearest to x (ties to even; past 65504
 * +-inf; NaN stays a quiet NaN with its sign). */
uint16_t fp16_from_f32(float x);
/* The exact fp32 value of a binary16 bit pattern. */
float fp16_to_f32(uint16_t h);
/* fp16_to_f32(fp16_from_f32(x)), without the detour through bits. */
float fp16_round(float x);
/* Round n values in place; flush_subnormal sends results below
 * FP16_MIN_NORMAL to signed zero, nan_zero replaces NaN by +0.  True when
 * a result is Inf or NaN. */
bool fp16_round_array(float *v, int64_t n, bool flush_subnormal, bool nan_zero);
/* Parse "ieee" / "zero" and "keep" / "flush"; -1 when not a mode. */
int fp16_nan_mode_from_name(const char *s);
int fp16_subnormal_mode_from_name(const char *s);
const char *fp16_nan_mode_name(Fp16NanMode m);
const char *fp16_subnormal_mode_name(Fp16SubnormalMode m);

#endif
