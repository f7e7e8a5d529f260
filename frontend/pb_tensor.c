/*
 * pb_tensor.c - an immediate tensor value of an ML program (its type and
 * the payload the wire decoder found) -> a literal: element counts
 * checked against the type, numbers converted to the element storage of
 * the type's dtype, sub-byte types unpacked one element per byte.
 *
 * Facts: spec/protobuf.md (TensorValue).
 */
#include "frontend/pb_int.h"

#include <math.h>
#include <string.h>

/* Convert `count` numbers from src (an array of `from`) into the element
 * storage of dt.  from: 'f' float, 'd' double, 'i' int32, 'l' int64, 'b' bool (one byte each). */
static void *convert_numbers(Rd *r, DType dt, const void *src, size_t count, char from)
{
	size_t es = dtype_info[dt].elem_size;
	uint8_t *out = arena_array(r->a, count ? count : 1, es);
	for (size_t i = 0; i < count; i++) {
		double x = 0;
		int64_t k = 0;
		switch (from) {
		case 'f': x = ((const float *)src)[i]; k = i64_from_f64(x); break;
		case 'd': x = ((const double *)src)[i]; k = i64_from_f64(x); break;
		case 'i': k = ((const int32_t *)src)[i]; x = (double)k; break;
		case 'l': k = ((const int64_t *)src)[i]; x = (double)k; break;
		case 'b': k = ((const uint8_t *)src)[i] != 0; x = (double)k; break;
		}
		void *p = out + i * es;
		switch (dt) {
		case DT_FP16: { uint16_t h = fp16_from_f64(x); memcpy(p, &h, 2); break; }
		case DT_BF16: { uint16_t h = bf16_from_f64(x); memcpy(p, &h, 2); break; }
		case DT_FP32: { float f = (float)x; memcpy(p, &f, 4); break; }
		case DT_FP64: memcpy(p, &x, 8); break;
		case DT_FP8E4M3FN: *(uint8_t *)p = fp8e4m3fn_from_f64(x); break;
		case DT_FP8E5M2: *(uint8_t *)p = fp8e5m2_from_f64(x); break;
		case DT_BOOL: *(uint8_t *)p = k != 0; break;
		default: {
			unsigned bits = dtype_info[dt].bits;
			uint64_t u = (uint64_t)k;
			if (bits < 8)
				u &= (1u << bits) - 1;
			memcpy(p, &u, es);   /* little-endian low bytes */
			break;
		}
		}
	}
	return out;
}

const Lit *pbr_tensor_value(Rd *r, const Type *t, const PbTensorPayload *tp, SrcLoc loc)
{
	if (t->kind != TY_TENSOR) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value bound to a non-tensor type");
		return NULL;
	}
	int64_t numel = type_numel(t);
	if (numel < 0) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "immediate tensor value has a type of unknown shape");
		return NULL;
	}
	DType dt = t->dt;
	size_t have = tp->n;
	const void *src = tp->v;
	static const char from_of[8] = { 0, 'f', 'i', 'b', 0, 'l', 'd', 0 };
	char from = tp->field >= 0 && tp->field < 8 ? from_of[tp->field] : 0;
	switch (tp->field) {
	case 1: case 2: case 3: case 5: case 6:
		break;
	case 4: {
		if (dt != DT_STRING) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "strings given for a %s tensor", dtype_name(dt));
			return NULL;
		}
		if ((int64_t)tp->n != numel) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value holds %zu strings, its type needs %lld",
			       tp->n, (long long)numel);
			return NULL;
		}
		return fe_lit_tensor(r->m, t, numel, tp->v);
	}
	case 7: {
		const uint8_t *data = tp->v;
		if (dt == DT_STRING) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "raw bytes given for a string tensor");
			return NULL;
		}
		unsigned bits = dtype_info[dt].bits;
		uint64_t want = ((uint64_t)numel * bits + 7) / 8;
		if ((uint64_t)numel > UINT64_MAX / 64 || tp->n != want) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value holds %zu bytes, %s needs %llu",
			       tp->n, dtype_name(dt), (unsigned long long)want);
			return NULL;
		}
		if (bits >= 8)
			return fe_lit_tensor(r->m, t, numel, data);
		/* sub-byte: unpack LSB-first, one element per byte */
		uint8_t *u = arena_array(r->a, numel ? (size_t)numel : 1, 1);
		for (int64_t i = 0; i < numel; i++) {
			uint64_t bit = (uint64_t)i * bits;
			unsigned v = 0;
			for (unsigned k = 0; k < bits; k++, bit++)
				v |= ((data[bit / 8] >> (bit % 8)) & 1u) << k;
			u[i] = (uint8_t)v;
		}
		return fe_lit_tensor(r->m, t, numel, u);
	}
	default:
		if (numel == 0)
			return fe_lit_tensor(r->m, t, 0, arena_alloc(r->a, 1));
		RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value is empty but its type has %lld elements",
		       (long long)numel);
		return NULL;
	}
	if (dt == DT_STRING) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "numbers given for a string tensor");
		return NULL;
	}
	if ((int64_t)have != numel) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value holds %zu values, its type %s needs %lld",
		       have, dtype_name(dt), (long long)numel);
		return NULL;
	}
	if ((from == 'f' && dt == DT_FP32) || (from == 'd' && dt == DT_FP64) ||
	    (from == 'i' && dt == DT_INT32) || (from == 'l' && (dt == DT_INT64 || dt == DT_UINT64)))
		return fe_lit_tensor(r->m, t, numel, src);
	return fe_lit_tensor(r->m, t, numel, convert_numbers(r, dt, src, have, from));
}