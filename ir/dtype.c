/* dtype.c - the dtype traits table and conversions to and from the stored
 * floating-point formats (fp16, bf16, fp8).  Names and proto numbers:
 * spec/mil-text.md §3 and spec/protobuf.md §3. */
#include "ir/ir.h"

#include <math.h>
#include <string.h>


const DTypeInfo dtype_info[DT_COUNT] = {
#define X(e, nm, b, c, p) [e] = { .name = nm, .bits = b, .cls = c, .pb = p, \
	.elem_size = (c) == DTC_STRING ? sizeof(const char *) : ((b) <= 8 ? 1 : (b) / 8) },
	DTYPE_LIST(X)
#undef X
};

DType dtype_from_name(const char *name, size_t len)
{
	for (int d = 0; d < DT_COUNT; d++)
		if (strlen(dtype_info[d].name) == len && memcmp(dtype_info[d].name, name, len) == 0)
			return (DType)d;
	return DT_COUNT;
}

DType dtype_from_pb(int pb)
{
	for (int d = 0; d < DT_COUNT; d++)
		if (dtype_info[d].pb == pb)
			return (DType)d;
	return DT_COUNT;
}

/* Round x to a binary float with `mbits` mantissa bits and exponent bias
 * `bias`, IEEE style (subnormals, round to nearest even).  Returns the
 * biased exponent and mantissa packed as (exp << mbits) | mant, or
 * `inf_code` when the value overflows. */
static uint32_t round_minifloat(double ax, int mbits, int bias, int max_exp, uint32_t inf_code)
{
	if (ax == 0)
		return 0;
	int e;
	double fr = frexp(ax, &e);      /* ax = fr * 2^e, fr in [0.5, 1) */
	int exp = e - 1 + bias;         /* biased exponent of 1.fff form */
	double scaled;
	if (exp <= 0)                   /* subnormal: fixed scale 2^(1-bias-mbits) */
		scaled = ldexp(ax, bias - 1 + mbits);
	else
		scaled = ldexp(fr * 2 - 1, mbits);
	double r = nearbyint(scaled);  /* default rounding: to nearest even */
	uint32_t mant = (uint32_t)r;
	if (exp <= 0) {
		/* Rounding a subnormal up may make it the smallest normal. */
		return mant;
	}
	if (mant >> mbits) {
		mant = 0;
		exp++;
	}
	if (exp > max_exp)
		return inf_code;
	return ((uint32_t)exp << mbits) | mant;
}

/* Round-to-nearest-even shift of an integer mantissa. */
static uint64_t shift_round(uint64_t m, unsigned s)
{
	if (s == 0)
		return m;
	if (s >= 64)
		return 0;
	uint64_t q = m >> s, rem = m & ((UINT64_C(1) << s) - 1), half = UINT64_C(1) << (s - 1);
	return q + (rem > half || (rem == half && (q & 1)));
}

/* Integer-only conversion on the double's bits: this sits on the parser's
 * hot path (every fp16 literal). */
uint16_t fp16_from_f64(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	uint16_t sign = (uint16_t)((b >> 48) & 0x8000);
	int e = (int)((b >> 52) & 0x7ff);
	uint64_t m = b & ((UINT64_C(1) << 52) - 1);
	if (e == 0x7ff)
		return m ? 0x7e00 : (uint16_t)(sign | 0x7c00);
	if (e == 0)
		return sign;            /* double subnormals are far below fp16's */
	int exp = e - 1023;
	if (exp > 15)
		return sign | 0x7c00;
	uint64_t full = m | (UINT64_C(1) << 52);
	if (exp >= -14) {
		/* normal: 10 mantissa bits; a carry rolls into the exponent */
		uint64_t h = ((uint64_t)(exp + 15) << 10) + shift_round(full, 42) - (1u << 10);
		return (uint16_t)(sign | (h >= 0x7c00 ? 0x7c00 : h));
	}
	/* subnormal: units of 2^-24 */
	return (uint16_t)(sign | shift_round(full, (unsigned)(28 - exp)));
}

/* The stored float formats other than fp16's fast path, as data:
 * exponent and mantissa bits, and whether the all-ones exponent means
 * infinity/NaN (IEEE style) or, as in fp8e4m3fn, only S.1111.111 is NaN
 * and there is no infinity. */
typedef struct FloatFormat {
	int ebits, mbits;
	bool ieee;
} FloatFormat;

static const FloatFormat FMT_FP16 = { 5, 10, true };
static const FloatFormat FMT_BF16 = { 8, 7, true };
static const FloatFormat FMT_FP8E5M2 = { 5, 2, true };
static const FloatFormat FMT_FP8E4M3FN = { 4, 3, false };

static uint32_t ff_encode(const FloatFormat *f, double x)
{
	uint32_t sign = signbit(x) ? 1u << (f->ebits + f->mbits) : 0;
	uint32_t ones = (1u << f->ebits) - 1, mmask = (1u << f->mbits) - 1;
	uint32_t nan = f->ieee ? (ones << f->mbits) | (1u << (f->mbits - 1)) : (ones << f->mbits) | mmask;
	uint32_t inf = f->ieee ? ones << f->mbits : nan;
	if (isnan(x))
		return f->ieee ? nan : sign | nan;
	if (isinf(x))
		return sign | inf;
	int bias = (int)(ones >> 1);
	uint32_t c = round_minifloat(fabs(x), f->mbits, bias, f->ieee ? (int)ones - 1 : (int)ones, inf);
	return sign | (c >= inf ? inf : c);
}

static double ff_decode(const FloatFormat *f, uint32_t b)
{
	uint32_t ones = (1u << f->ebits) - 1, mmask = (1u << f->mbits) - 1;
	double s = (b >> (f->ebits + f->mbits)) & 1 ? -1.0 : 1.0;
	uint32_t exp = (b >> f->mbits) & ones, mant = b & mmask;
	int bias = (int)(ones >> 1);
	if (f->ieee && exp == ones)
		return mant ? NAN : s * INFINITY;
	if (!f->ieee && exp == ones && mant == mmask)
		return NAN;
	if (exp == 0)
		return s * ldexp((double)mant, 1 - bias - f->mbits);
	return s * ldexp((double)(mant | (1u << f->mbits)), (int)exp - bias - f->mbits);
}

double fp16_to_f64(uint16_t h) { return ff_decode(&FMT_FP16, h); }
uint16_t bf16_from_f64(double x) { return (uint16_t)ff_encode(&FMT_BF16, x); }
double bf16_to_f64(uint16_t h) { return ff_decode(&FMT_BF16, h); }
uint8_t fp8e4m3fn_from_f64(double x) { return (uint8_t)ff_encode(&FMT_FP8E4M3FN, x); }
double fp8e4m3fn_to_f64(uint8_t b) { return ff_decode(&FMT_FP8E4M3FN, b); }
uint8_t fp8e5m2_from_f64(double x) { return (uint8_t)ff_encode(&FMT_FP8E5M2, x); }
double fp8e5m2_to_f64(uint8_t b) { return ff_decode(&FMT_FP8E5M2, b); }

int64_t ir_packed_bytes(int64_t n, DType dt)
{
	unsigned bits = (unsigned)dt < DT_COUNT ? dtype_info[dt].bits : 0;
	if (n < 0 || bits == 0)
		return -1;
	/* ceil(n * bits / 8) without forming n * bits: whole groups of eight
	 * elements take `bits` bytes each, the rest rounds up. */
	int64_t whole;
	if (__builtin_mul_overflow(n / 8, (int64_t)bits, &whole))
		return -1;
	int64_t rest = ((n % 8) * (int64_t)bits + 7) / 8;
	return whole > INT64_MAX - rest ? -1 : whole + rest;
}
