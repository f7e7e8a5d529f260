/*
 * tensor.c - RtTensor storage and dtype conversion at the runtime's edges.
 * Inside the runtime floats are fp32, integers int32, bools one byte
 * (DESIGN.md "Runtime": fp32 math, declared dtypes at the outputs).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rt_int.h"

size_t rt_dtype_size(DType dt)
{
	switch (dt) {
	case DT_STRING: return sizeof(const char *);
	case DT_FP16: case DT_BF16: case DT_INT16: case DT_UINT16: return 2;
	case DT_FP32: case DT_INT32: case DT_UINT32: return 4;
	case DT_FP64: case DT_INT64: case DT_UINT64: return 8;
	default: return 1;      /* bool, 8-bit and sub-byte (one per byte) */
	}
}

DType rt_storage_dtype(DType declared)
{
	if (declared == DT_BOOL || declared == DT_STRING)
		return declared;
	if (dtype_is_float(declared))
		return DT_FP32;
	return DT_INT32;
}

int rt_tensor_alloc(RtTensor *t, DType dt, int32_t rank, const int64_t *dims)
{
	if (rank < 0 || rank > RT_MAX_RANK)
		return -1;
	int64_t n = 1;
	for (int32_t i = 0; i < rank; i++) {
		if (dims[i] < 0 || (dims[i] > 0 && n > INT64_MAX / dims[i]))
			return -1;
		n *= dims[i];
	}
	size_t es = rt_dtype_size(dt);
	if ((uint64_t)n > SIZE_MAX / es)
		return -1;
	size_t bytes = (size_t)n * es;
	if (t->borrowed) {          /* never write into memory we do not own */
		t->data = NULL;
		t->cap = 0;
		t->borrowed = false;
	}
	if (bytes > t->cap || !t->data) {
		void *d = malloc(bytes ? bytes : 1);
		if (!d)
			return -1;
		free(t->data);
		t->data = d;
		t->cap = bytes;
	}
	t->dt = dt;
	t->rank = rank;
	for (int32_t i = 0; i < rank; i++)
		t->dims[i] = dims[i];
	t->numel = n;
	return 0;
}

void rt_tensor_free(RtTensor *t)
{
	if (!t->borrowed)
		free(t->data);
	memset(t, 0, sizeof *t);
}

double rt_tensor_get(const RtTensor *t, int64_t i)
{
	const char *d = t->data;
	switch (t->dt) {
	case DT_FP32: return ((const float *)d)[i];
	case DT_FP64: return ((const double *)d)[i];
	case DT_FP16: return fp16_to_f64(((const uint16_t *)d)[i]);
	case DT_BF16: return bf16_to_f64(((const uint16_t *)d)[i]);
	case DT_INT32: return ((const int32_t *)d)[i];
	case DT_INT64: return (double)((const int64_t *)d)[i];
	case DT_INT16: return ((const int16_t *)d)[i];
	case DT_INT8: case DT_INT4: return ((const int8_t *)d)[i];
	case DT_UINT32: return ((const uint32_t *)d)[i];
	case DT_UINT64: return (double)((const uint64_t *)d)[i];
	case DT_UINT16: return ((const uint16_t *)d)[i];
	default: return ((const uint8_t *)d)[i];
	}
}

/* Float to integer as a C cast would, saturated (NaN -> 0) so that no
 * value is undefined behaviour. */
static int64_t sat_i64(double v, double lo, double hi)
{
	if (v != v)
		return 0;
	if (v <= lo)
		return (int64_t)lo;
	if (v >= hi)
		return (int64_t)hi;
	return (int64_t)v;
}

void rt_tensor_set(RtTensor *t, int64_t i, double v)
{
	char *d = t->data;
	switch (t->dt) {
	case DT_FP32: ((float *)d)[i] = (float)v; break;
	case DT_FP64: ((double *)d)[i] = v; break;
	case DT_FP16: ((uint16_t *)d)[i] = fp16_from_f64(v); break;
	case DT_BF16: ((uint16_t *)d)[i] = bf16_from_f64(v); break;
	case DT_INT32: ((int32_t *)d)[i] = (int32_t)sat_i64(v, INT32_MIN, INT32_MAX); break;
	case DT_INT64: ((int64_t *)d)[i] = sat_i64(v, -9.2e18, 9.2e18); break;
	case DT_INT16: ((int16_t *)d)[i] = (int16_t)sat_i64(v, INT16_MIN, INT16_MAX); break;
	case DT_INT8: case DT_INT4: ((int8_t *)d)[i] = (int8_t)sat_i64(v, INT8_MIN, INT8_MAX); break;
	case DT_UINT32: ((uint32_t *)d)[i] = (uint32_t)sat_i64(v, 0, UINT32_MAX); break;
	case DT_UINT64: ((uint64_t *)d)[i] = (uint64_t)sat_i64(v, 0, 9.2e18); break;
	case DT_UINT16: ((uint16_t *)d)[i] = (uint16_t)sat_i64(v, 0, UINT16_MAX); break;
	case DT_BOOL: ((uint8_t *)d)[i] = v != 0; break;
	default: ((uint8_t *)d)[i] = (uint8_t)sat_i64(v, 0, UINT8_MAX); break;
	}
}

int rt_tensor_convert(RtTensor *dst, const RtTensor *src, DType dt)
{
	if (dt == DT_COUNT)
		dt = src->dt;
	if (rt_tensor_alloc(dst, dt, src->rank, src->dims) < 0)
		return -1;
	if (dt == src->dt) {
		memcpy(dst->data, src->data, (size_t)src->numel * rt_dtype_size(dt));
		return 0;
	}
	if (dt == DT_STRING || src->dt == DT_STRING)
		return -1;
	if (src->dt == DT_FP16 && dt == DT_FP32) {      /* the common case, exact */
		const uint16_t *s = src->data;
		float *o = dst->data;
		for (int64_t i = 0; i < src->numel; i++)
			o[i] = (float)fp16_to_f64(s[i]);
		return 0;
	}
	for (int64_t i = 0; i < src->numel; i++)
		rt_tensor_set(dst, i, rt_tensor_get(src, i));
	return 0;
}
