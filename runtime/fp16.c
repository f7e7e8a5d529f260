/*
 * fp16.c - binary16 rounding and conversion (fp16.h).  The rounding works
 * on the fp32 bit pattern: normal fp16 values keep 10 of fp32's 23
 * mantissa bits, so adding half an fp16 ulp minus one (plus the kept
 * lowest bit, for ties to even) and clearing the 13 low bits rounds to
 * nearest even in one integer add; the exponent carry handles mantissa
 * overflow.  Below the normal range fp16's spacing is a fixed 2^-24, which
 * the FPU rounds for us by adding 0.5 (whose fp32 ulp is 2^-24).
 */
#include <math.h>
#include <string.h>

#include "runtime/fp16.h"

static uint32_t bits_of(float x)
{
	uint32_t u;
	memcpy(&u, &x, sizeof u);
	return u;
}

static float float_of(uint32_t u)
{
	float x;
	memcpy(&x, &u, sizeof x);
	return x;
}

enum {
	F32_INF = 0x7f800000u,
	F32_ROUNDS_TO_INF = 0x477ff000u,    /* 65520: halfway 65504 .. 65536, ties to the even 2^16 */
	F32_FP16_MIN_NORMAL = 0x38800000u,  /* 2^-14 */
};

float fp16_round(float x)
{
	uint32_t u = bits_of(x), sign = u & 0x80000000u, a = u & 0x7fffffffu;
	if (a >= F32_INF)
		return x;
	if (a >= F32_ROUNDS_TO_INF)
		return float_of(sign | F32_INF);
	if (a >= F32_FP16_MIN_NORMAL) {
		a += 0x0fffu + ((a >> 13) & 1u);
		return float_of(sign | (a & ~0x1fffu));
	}
	/* volatile: the add must round in fp32 here, not be folded away */
	volatile float t = float_of(a) + 0.5f;
	return float_of(sign | bits_of(t - 0.5f));
}

uint16_t fp16_from_f32(float x)
{
	uint32_t u = bits_of(x), sign = (u >> 16) & 0x8000u;
	if (isnan(x))
		return (uint16_t)(sign | 0x7e00u | ((u >> 13) & 0x3ffu));
	uint32_t a = bits_of(fp16_round(x)) & 0x7fffffffu;
	if (a >= F32_INF)
		return (uint16_t)(sign | 0x7c00u);
	if (a >= F32_FP16_MIN_NORMAL)      /* rebias the exponent 127 -> 15 */
		return (uint16_t)(sign | ((a - 0x38000000u) >> 13));
	return (uint16_t)(sign | (uint32_t)(float_of(a) * 0x1p24f));   /* subnormal: units of 2^-24 */
}

float fp16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
	if (e == 0x1f)
		return float_of(sign | F32_INF | (m << 13));
	if (e == 0) {
		float v = (float)m * 0x1p-24f;
		return sign ? -v : v;
	}
	return float_of(sign | ((e + 112u) << 23) | (m << 13));
}

/* The normal-range rounding of fp16_round as straight-line integer code
 * the compiler vectorises: Inf from 65520 up, NaN kept, and values below
 * the normal range left as they are for the second pass. */
static inline uint32_t round_normal_bits(uint32_t u)
{
	uint32_t a = u & 0x7fffffffu;
	uint32_t r = (a + 0x0fffu + ((a >> 13) & 1u)) & ~0x1fffu;
	r = a >= F32_ROUNDS_TO_INF ? F32_INF : r;
	r = a > F32_INF || a < F32_FP16_MIN_NORMAL ? a : r;
	return (u & 0x80000000u) | r;
}

bool fp16_round_array(float *v, int64_t n, bool flush_subnormal, bool nan_zero)
{
	uint32_t small = 0, nonfinite = 0;
	for (int64_t i = 0; i < n; i++) {
		uint32_t u = bits_of(v[i]), a = u & 0x7fffffffu;
		small |= a - 1u < F32_FP16_MIN_NORMAL - 1u;     /* non-zero, below 2^-14 */
		uint32_t r = round_normal_bits(u);
		nonfinite |= (r & 0x7fffffffu) >= F32_INF;
		v[i] = float_of(r);
	}
	if (!small && !nan_zero)
		return nonfinite != 0;
	for (int64_t i = 0; i < n; i++) {
		float r = v[i];
		if (fabsf(r) < FP16_MIN_NORMAL)
			r = flush_subnormal ? copysignf(0.0f, r) : fp16_round(r);
		if (nan_zero && isnan(r))
			r = 0.0f;
		v[i] = r;
	}
	if (nan_zero)
		for (int64_t i = 0; i < n; i++)
			nonfinite |= isinf(v[i]) ? 1u : 0u;
	return nonfinite != 0;
}

int fp16_nan_mode_from_name(const char *s)
{
	return strcmp(s, "ieee") == 0 ? FP16_NAN_IEEE : strcmp(s, "zero") == 0 ? FP16_NAN_ZERO : -1;
}

int fp16_subnormal_mode_from_name(const char *s)
{
	return strcmp(s, "keep") == 0    ? FP16_SUBNORMAL_KEEP
	       : strcmp(s, "flush") == 0 ? FP16_SUBNORMAL_FLUSH_MAC
	                                 : -1;
}

const char *fp16_nan_mode_name(Fp16NanMode m)
{
	return m == FP16_NAN_ZERO ? "zero" : "ieee";
}

const char *fp16_subnormal_mode_name(Fp16SubnormalMode m)
{
	return m == FP16_SUBNORMAL_FLUSH_MAC ? "flush" : "keep";
}
