/*
 * gather.c - indexed reads and writes (ops.md gather, gather_along_axis,
 * slice_update).  Every index is checked: an index out of range is an
 * error naming the op, never an out-of-bounds read.  Negative indices are
 * resolved (index + dim) before iOS17 and out of range from iOS17 on.
 */
#include <string.h>

#include "runtime/rt_int.h"

/* Index i of `indices` checked against dim; -1 after rt_fail. */
static int64_t take_index(RtCtx *c, const RtOp *o, const RtTensor *indices, int64_t i,
                          int64_t dim)
{
	int64_t v = (int64_t)rt_tensor_get(indices, i);
	bool negative_ok = o->info && o->info->since < OPSET_IOS17;
	if (v < 0 && negative_ok)
		v += dim;
	if (v < 0 || v >= dim)
		return rt_fail(c, RT_E_INDEX, "%s: index %lld out of range [0, %lld)", o->op->kind,
		               (long long)rt_tensor_get(indices, i), (long long)dim);
	return v;
}

int rt_exec_gather(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *ix = rt_in(o, "indices");
	if (!x || !ix || ix->dt != DT_INT32 || x->rank < 1)
		return rt_fail(c, RT_E_OP, "gather needs x of rank >= 1 and integer indices");
	if (rt_in_int(o, "batch_dims", 0) != 0)
		return rt_fail(c, RT_E_OP, "gather with batch_dims is not supported yet");
	int axis = rt_axis(c, rt_in_int(o, "axis", 0), x->rank);
	if (axis < 0)
		return -1;
	int32_t rank = x->rank - 1 + ix->rank;
	if (rank > RT_MAX_RANK)
		return rt_fail(c, RT_E_OP, "gather: output rank %d", rank);
	int64_t dims[RT_MAX_RANK], outer = 1, inner = 1;
	int32_t r = 0;
	for (int d = 0; d < axis; d++)
		outer *= dims[r++] = x->dims[d];
	for (int32_t d = 0; d < ix->rank; d++)
		dims[r++] = ix->dims[d];
	for (int32_t d = axis + 1; d < x->rank; d++)
		inner *= dims[r++] = x->dims[d];
	RtTensor *y = rt_out(c, o, 0, x->dt, rank, dims);
	if (!y)
		return -1;
	size_t es = rt_dtype_size(x->dt), chunk = (size_t)inner * es;
	int64_t dim = x->dims[axis];
	for (int64_t a = 0; a < outer; a++)
		for (int64_t i = 0; i < ix->numel; i++) {
			int64_t k = take_index(c, o, ix, i, dim);
			if (k < 0)
				return -1;
			memcpy((char *)y->data + (size_t)(a * ix->numel + i) * chunk,
			       (const char *)x->data + (size_t)(a * dim + k) * chunk, chunk);
		}
	return 0;
}

int rt_exec_gather_along_axis(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *ix = rt_in(o, "indices");
	if (!x || !ix || ix->dt != DT_INT32 || ix->rank != x->rank || x->rank < 1)
		return rt_fail(c, RT_E_OP, "gather_along_axis needs indices of x's rank");
	int axis = rt_axis(c, rt_in_int(o, "axis", 0), x->rank);
	if (axis < 0)
		return -1;
	for (int32_t d = 0; d < x->rank; d++)
		if (d != axis && ix->dims[d] != x->dims[d])
			return rt_fail(c, RT_E_OP, "gather_along_axis: dim %d of indices is %lld, of x "
			               "%lld", d, (long long)ix->dims[d], (long long)x->dims[d]);
	RtTensor *y = rt_out(c, o, 0, x->dt, ix->rank, ix->dims);
	if (!y)
		return -1;
	int64_t inner = 1;
	for (int32_t d = axis + 1; d < x->rank; d++)
		inner *= x->dims[d];
	int64_t n = ix->dims[axis], dim = x->dims[axis];
	size_t es = rt_dtype_size(x->dt);
	for (int64_t i = 0; i < ix->numel; i++) {
		int64_t outer = i / (n * inner), in = i % inner;
		int64_t k = take_index(c, o, ix, i, dim);
		if (k < 0)
			return -1;
		memcpy((char *)y->data + (size_t)i * es,
		       (const char *)x->data + (size_t)((outer * dim + k) * inner + in) * es, es);
	}
	return 0;
}

/* A copy of x with the slice_by_index selection overwritten by update. */
int rt_exec_slice_update(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *u = rt_in(o, "update");
	RtSlice s;
	if (!x || !u || u->dt != x->dt)
		return rt_fail(c, RT_E_OP, "slice_update needs x and an update of its dtype");
	if (rt_slice_geometry(c, o, x, &s) < 0)
		return -1;
	bool same = u->rank == s.orank;
	for (int32_t d = 0; same && d < s.orank; d++)
		same = u->dims[d] == s.odims[d];
	if (!same)
		return rt_fail(c, RT_E_OP, "slice_update: update shape differs from the slice's");
	RtTensor *y = rt_out(c, o, 0, x->dt, x->rank, x->dims);
	if (!y)
		return -1;
	size_t es = rt_dtype_size(x->dt);
	memcpy(y->data, x->data, (size_t)x->numel * es);
	int64_t idx[RT_MAX_RANK] = { 0 }, off = s.base;
	for (int64_t i = 0; i < u->numel; i++) {
		memcpy((char *)y->data + (size_t)off * es, (const char *)u->data + (size_t)i * es, es);
		for (int32_t d = s.rank - 1; d >= 0; d--) {
			off += s.strides[d];
			if (++idx[d] < s.dims[d])
				break;
			off -= s.strides[d] * s.dims[d];
			idx[d] = 0;
		}
	}
	return 0;
}
