/*
 * weights.c - literals into runtime tensors, once, at load: immediates and
 * BLOBFILE records (bytes asked of the IR's blob resolver, which maps the
 * weight file lazily), widened to the runtime's storage dtypes.  Sub-byte
 * integers are unpacked LSB-first (spec/bundles-and-blobs.md "Sub-byte
 * packing"), one element per int32.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/rt_int.h"
#include "runtime/rt_weights.h"

/* Element i of packed little-endian data of dtype dt (bits wide). */
static double packed_elem(const uint8_t *d, DType dt, int64_t i)
{
	unsigned bits = dtype_info[dt].bits;
	if (bits < 8) {
		uint64_t bit = (uint64_t)i * bits;
		unsigned v = d[bit / 8] >> (bit % 8);
		if (bit % 8 + bits > 8)
			v |= (unsigned)d[bit / 8 + 1] << (8 - bit % 8);
		v &= (1u << bits) - 1;
		if (dtype_info[dt].cls == DTC_SINT && (v >> (bits - 1)))
			return (double)((int)v - (1 << bits));
		return v;
	}
	const uint8_t *p = d + (size_t)i * (bits / 8);
	uint16_t u16; uint32_t u32; uint64_t u64; float f32; double f64;
	switch (dt) {
	case DT_FP16: memcpy(&u16, p, 2); return fp16_to_f64(u16);
	case DT_BF16: memcpy(&u16, p, 2); return bf16_to_f64(u16);
	case DT_FP32: memcpy(&f32, p, 4); return f32;
	case DT_FP64: memcpy(&f64, p, 8); return f64;
	case DT_INT8: return (int8_t)p[0];
	case DT_INT16: memcpy(&u16, p, 2); return (int16_t)u16;
	case DT_INT32: memcpy(&u32, p, 4); return (int32_t)u32;
	case DT_INT64: memcpy(&u64, p, 8); return (double)(int64_t)u64;
	case DT_UINT16: memcpy(&u16, p, 2); return u16;
	case DT_UINT32: memcpy(&u32, p, 4); return u32;
	case DT_UINT64: memcpy(&u64, p, 8); return (double)u64;
	case DT_FP8E4M3FN: return fp8e4m3fn_to_f64(p[0]);
	case DT_FP8E5M2: return fp8e5m2_to_f64(p[0]);
	default: return p[0];
	}
}

static int tensor_shape(const Type *t, int32_t *rank, int64_t *dims)
{
	if (t->kind != TY_TENSOR || t->rank < 0 || t->rank > RT_MAX_RANK)
		return -1;
	for (int32_t i = 0; i < t->rank; i++) {
		if (t->dims[i].kind != DIM_CONST)
			return -1;
		dims[i] = t->dims[i].size;
	}
	*rank = t->rank;
	return 0;
}

/* A list of scalars (classify.classes) as a 1-D tensor of their dtype. */
static int decode_list(const Lit *l, RtTensor *out, DiagList *dl, SrcLoc loc)
{
	uint32_t n = l->u.seq.n;
	const Lit *first = n ? l->u.seq.items[0] : NULL;
	DType dt = first && first->kind == LIT_TENSOR ? first->type->dt : DT_INT32;
	int64_t dims[1] = { n };
	if (rt_tensor_alloc(out, rt_storage_dtype(dt), 1, dims) < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const Lit *it = l->u.seq.items[i];
		if (it->kind != LIT_TENSOR || it->type->dt != dt || it->u.tensor.count != 1) {
			diag_add(dl, SEV_ERROR, RT_E_OP, loc, "a list literal whose items are not scalars "
			         "of one dtype");
			return -1;
		}
		if (dt == DT_STRING)
			((const char **)out->data)[i] = lit_elem_str(it, 0);
		else
			rt_tensor_set(out, i, lit_elem_f64(it, 0));
	}
	return 0;
}

int rt_decode_lit(Module *m, const Lit *l, RtTensor *out, DiagList *dl, SrcLoc loc)
{
	if (l->kind == LIT_LIST)
		return decode_list(l, out, dl, loc);
	int32_t rank;
	int64_t dims[RT_MAX_RANK];
	if ((l->kind != LIT_TENSOR && l->kind != LIT_BLOB) || tensor_shape(l->type, &rank, dims) < 0) {
		diag_add(dl, SEV_ERROR, RT_E_OP, loc, "a literal that is not a tensor of known shape");
		return -1;
	}
	DType dt = l->type->dt, st = rt_storage_dtype(dt);
	if (rt_tensor_alloc(out, st, rank, dims) < 0) {
		diag_add(dl, SEV_ERROR, RT_E_MEMORY, loc, "a literal too large to decode");
		return -1;
	}
	if (l->kind == LIT_TENSOR) {
		if (l->u.tensor.count != out->numel) {
			diag_add(dl, SEV_ERROR, RT_E_WEIGHTS, loc, "literal holds %lld values, its type %lld",
			         (long long)l->u.tensor.count, (long long)out->numel);
			return -1;
		}
		for (int64_t i = 0; i < out->numel; i++) {
			if (st == DT_STRING)
				((const char **)out->data)[i] = lit_elem_str(l, i);
			else
				rt_tensor_set(out, i, lit_elem_f64(l, i));
		}
		return 0;
	}
	if (st == DT_STRING) {
		diag_add(dl, SEV_ERROR, RT_E_WEIGHTS, loc, "string weights in %s", l->u.blob.path);
		return -1;
	}
	/* The reader's own complaint goes into this one-line message, which
	 * names the blob and its offset. */
	DiagList why;
	diag_init(&why);
	uint64_t nbytes = 0;
	const uint8_t *bytes = ir_blob_bytes(m, l, &nbytes, &why);
	int64_t need = ir_packed_bytes(out->numel, dt);
	if (!bytes || need < 0 || nbytes < (uint64_t)need) {
		diag_add(dl, SEV_ERROR, RT_E_WEIGHTS, loc,
		         "weights %s at offset %llu: %s (%llu bytes, %llu needed)%s%s",
		         l->u.blob.path, (unsigned long long)l->u.blob.offset,
		         bytes ? "truncated" : "unavailable", (unsigned long long)nbytes,
		         (unsigned long long)need, why.d.n ? ": " : "", why.d.n ? why.d.v[0].msg : "");
		diag_fini(&why);
		return -1;
	}
	diag_fini(&why);
	if (dt == DT_FP32 && (uintptr_t)bytes % _Alignof(float) == 0) {
		/* fp32 weights are read in place from the mapped file: no copy, and
		 * pages are read as the kernels first touch them. */
		free(out->data);
		out->data = (void *)bytes;
		out->cap = 0;
		out->borrowed = true;
		return 0;
	}
	for (int64_t i = 0; i < out->numel; i++)
		rt_tensor_set(out, i, packed_elem(bytes, dt, i));
	return 0;
}
