/* literal.c - reading elements of literal tensors in their stored dtype.
 * Payloads may sit at any address (a frontend may point a literal into
 * the model file's bytes), so elements are loaded with memcpy, which
 * compiles to a plain load. */
#include "ir/ir.h"

#include <math.h>
#include <string.h>

#define LOADER(name, T) \
	static inline T name(const void *d, int64_t i) \
	{ \
		T v; \
		memcpy(&v, (const unsigned char *)d + (size_t)i * sizeof v, sizeof v); \
		return v; \
	}
LOADER(ld_u16, uint16_t)
LOADER(ld_i16, int16_t)
LOADER(ld_u32, uint32_t)
LOADER(ld_i32, int32_t)
LOADER(ld_u64, uint64_t)
LOADER(ld_i64, int64_t)
LOADER(ld_f32, float)
LOADER(ld_f64, double)
LOADER(ld_ptr, const char *)

/* The signed value of a sub-byte integer stored one per byte. */
static int64_t sext(uint8_t v, unsigned bits)
{
	uint8_t m = (uint8_t)(1u << (bits - 1));
	return (int64_t)(int8_t)((v ^ m)) - (int8_t)m;
}

double lit_elem_f64(const Lit *l, int64_t i)
{
	const void *d = l->u.tensor.data;
	switch (l->type->dt) {
	case DT_FP16: return fp16_to_f64(ld_u16(d, i));
	case DT_BF16: return bf16_to_f64(ld_u16(d, i));
	case DT_FP32: return ld_f32(d, i);
	case DT_FP64: return ld_f64(d, i);
	case DT_FP8E4M3FN: return fp8e4m3fn_to_f64(((const uint8_t *)d)[i]);
	case DT_FP8E5M2: return fp8e5m2_to_f64(((const uint8_t *)d)[i]);
	case DT_STRING: return NAN;
	case DT_UINT64: return (double)ld_u64(d, i);
	default: return (double)lit_elem_i64(l, i);
	}
}

int64_t lit_elem_i64(const Lit *l, int64_t i)
{
	const void *d = l->u.tensor.data;
	switch (l->type->dt) {
	case DT_BOOL: return ((const uint8_t *)d)[i] != 0;
	case DT_INT8: return ((const int8_t *)d)[i];
	case DT_INT16: return ld_i16(d, i);
	case DT_INT32: return ld_i32(d, i);
	case DT_INT64: return ld_i64(d, i);
	case DT_INT4: return sext(((const uint8_t *)d)[i], 4);
	case DT_UINT8: case DT_UINT4: case DT_UINT2: case DT_UINT1: case DT_UINT6: case DT_UINT3:
		return ((const uint8_t *)d)[i];
	case DT_UINT16: return ld_u16(d, i);
	case DT_UINT32: return ld_u32(d, i);
	case DT_UINT64: return (int64_t)ld_u64(d, i);
	case DT_STRING: return 0;
	default:
		return i64_from_f64(lit_elem_f64(l, i));
	}
}

const char *lit_elem_str(const Lit *l, int64_t i)
{
	if (l->type->dt != DT_STRING)
		return NULL;
	return ld_ptr(l->u.tensor.data, i);
}

const char *lit_as_string(const Lit *l)
{
	if (!l || l->kind != LIT_TENSOR || l->type->kind != TY_TENSOR ||
	    l->type->dt != DT_STRING || l->u.tensor.count != 1)
		return NULL;
	return lit_elem_str(l, 0);
}
