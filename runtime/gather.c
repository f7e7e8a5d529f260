/*
 * gather.c - indexed reads and writes (ops.md gather, gather_along_axis,
 * gather_nd, scatter, scatter_along_axis, scatter_nd, slice_update).
 * Every index is checked: an index out of range is an error naming the
 * op, never an out-of-bounds read or write.  Negative indices are
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

/* Row-major offset into x of the k leading indices at indices[base..],
 * each checked against its dim; -1 after rt_fail. */
static int64_t nd_offset(RtCtx *c, const RtOp *o, const RtTensor *ix, int64_t base, int64_t k,
                         const RtTensor *x, int64_t inner)
{
	int64_t off = 0;
	for (int64_t j = 0; j < k; j++) {
		int64_t v = take_index(c, o, ix, base + j, x->dims[j]);
		if (v < 0)
			return -1;
		off = off * x->dims[j] + v;
	}
	return off * inner;
}

int rt_exec_gather_nd(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *ix = rt_in(o, "indices");
	if (!x || !ix || ix->dt != DT_INT32 || ix->rank < 1)
		return rt_fail(c, RT_E_OP, "gather_nd needs x and integer indices of rank >= 1");
	if (rt_in_int(o, "batch_dims", 0) != 0)
		return rt_fail(c, RT_E_OP, "gather_nd with batch_dims is not supported yet");
	int64_t k = ix->dims[ix->rank - 1];
	int32_t rank = ix->rank - 1 + x->rank - (int32_t)k;
	if (k > x->rank || rank > RT_MAX_RANK)
		return rt_fail(c, RT_E_OP, "gather_nd: %lld indices into rank %d", (long long)k, x->rank);
	int64_t dims[RT_MAX_RANK], inner = 1;
	int32_t r = 0;
	for (int32_t d = 0; d < ix->rank - 1; d++)
		dims[r++] = ix->dims[d];
	for (int32_t d = (int32_t)k; d < x->rank; d++)
		inner *= dims[r++] = x->dims[d];
	RtTensor *y = rt_out(c, o, 0, x->dt, rank, dims);
	if (!y)
		return -1;
	size_t es = rt_dtype_size(x->dt);
	int64_t n = k ? ix->numel / k : 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t off = nd_offset(c, o, ix, i * k, k, x, inner);
		if (off < 0)
			return -1;
		memcpy((char *)y->data + (size_t)(i * inner) * es,
		       (const char *)x->data + (size_t)off * es, (size_t)inner * es);
	}
	return 0;
}

typedef enum ScatterMode { SC_UPDATE, SC_ADD, SC_SUB, SC_MUL, SC_DIV, SC_MAX, SC_MIN } ScatterMode;

static int scatter_mode(RtCtx *c, const RtOp *o, ScatterMode *m)
{
	static const char *const names[] = { "update", "add", "sub", "mul", "div", "max", "min" };
	const char *s = rt_in_str(o, "mode", "add");
	for (int i = 0; i < 7; i++)
		if (strcmp(s, names[i]) == 0) {
			*m = (ScatterMode)i;
			return 0;
		}
	return rt_fail(c, RT_E_OP, "%s mode '%s' is not one of ops.md's", o->op->kind, s);
}

static void combine(RtTensor *y, int64_t at, ScatterMode m, double u)
{
	double v = rt_tensor_get(y, at);
	switch (m) {
	case SC_UPDATE: v = u; break;
	case SC_ADD: v += u; break;
	case SC_SUB: v -= u; break;
	case SC_MUL: v *= u; break;
	case SC_DIV: v /= u; break;
	case SC_MAX: v = u > v ? u : v; break;
	case SC_MIN: v = u < v ? u : v; break;
	}
	rt_tensor_set(y, at, v);
}

/* A copy of data to scatter into, the mode, and (axis not NULL) the axis. */
static RtTensor *scatter_start(RtCtx *c, RtOp *o, const RtTensor *data, const RtTensor *ix,
                               const RtTensor *up, ScatterMode *m, int *axis)
{
	if (!data || !ix || !up || ix->dt != DT_INT32 || up->dt != data->dt ||
	    data->dt == DT_STRING || scatter_mode(c, o, m) < 0)
		return rt_fail(c, RT_E_OP, "%s needs data, integer indices and updates of data's dtype",
		               o->op->kind), NULL;
	if (axis && (*axis = rt_axis(c, rt_in_int(o, "axis", 0), data->rank)) < 0)
		return NULL;
	RtTensor *y = rt_out(c, o, 0, data->dt, data->rank, data->dims);
	if (y)
		memcpy(y->data, data->data, (size_t)data->numel * rt_dtype_size(data->dt));
	return y;
}

int rt_exec_scatter(RtCtx *c, RtOp *o)
{
	const RtTensor *data = rt_in(o, "data"), *ix = rt_in(o, "indices"), *up = rt_in(o, "updates");
	ScatterMode m;
	int axis;
	RtTensor *y = scatter_start(c, o, data, ix, up, &m, &axis);
	if (!y)
		return -1;
	int64_t outer = 1, inner = 1, dim = data->dims[axis], n = ix->numel;
	bool ok = ix->rank == 1 && up->rank == data->rank;
	for (int32_t d = 0; ok && d < data->rank; d++) {
		ok = up->dims[d] == (d == axis ? n : data->dims[d]);
		if (d < axis)
			outer *= data->dims[d];
		if (d > axis)
			inner *= data->dims[d];
	}
	if (!ok)
		return rt_fail(c, RT_E_OP, "scatter: updates must be data's shape with %lld on axis %d",
		               (long long)n, axis);
	for (int64_t i = 0; i < n; i++) {
		int64_t k = take_index(c, o, ix, i, dim);
		if (k < 0)
			return -1;
		for (int64_t a = 0; a < outer; a++)
			for (int64_t j = 0; j < inner; j++)
				combine(y, (a * dim + k) * inner + j, m, rt_tensor_get(up, (a * n + i) * inner + j));
	}
	return 0;
}

int rt_exec_scatter_along_axis(RtCtx *c, RtOp *o)
{
	const RtTensor *data = rt_in(o, "data"), *ix = rt_in(o, "indices"), *up = rt_in(o, "updates");
	ScatterMode m;
	int axis;
	RtTensor *y = scatter_start(c, o, data, ix, up, &m, &axis);
	if (!y)
		return -1;
	bool ok = ix->rank == data->rank && up->rank == data->rank;
	for (int32_t d = 0; ok && d < data->rank; d++)
		ok = up->dims[d] == ix->dims[d] && (d == axis || ix->dims[d] == data->dims[d]);
	if (!ok)
		return rt_fail(c, RT_E_OP, "scatter_along_axis: indices, updates and data shapes differ");
	int64_t inner = 1, n = ix->dims[axis], dim = data->dims[axis];
	for (int32_t d = axis + 1; d < data->rank; d++)
		inner *= data->dims[d];
	for (int64_t i = 0; i < ix->numel; i++) {
		int64_t k = take_index(c, o, ix, i, dim);
		if (k < 0)
			return -1;
		int64_t outer = i / (n * inner), in = i % inner;
		combine(y, (outer * dim + k) * inner + in, m, rt_tensor_get(up, i));
	}
	return 0;
}

int rt_exec_scatter_nd(RtCtx *c, RtOp *o)
{
	const RtTensor *data = rt_in(o, "data"), *ix = rt_in(o, "indices"), *up = rt_in(o, "updates");
	ScatterMode m;
	RtTensor *y = scatter_start(c, o, data, ix, up, &m, NULL);
	if (!y)
		return -1;
	int64_t k = ix->rank ? ix->dims[ix->rank - 1] : 0, inner = 1;
	if (ix->rank < 1 || k > data->rank)
		return rt_fail(c, RT_E_OP, "scatter_nd: indices [..., %lld] into rank %d", (long long)k,
		               data->rank);
	for (int32_t d = (int32_t)k; d < data->rank; d++)
		inner *= data->dims[d];
	int64_t n = k ? ix->numel / k : 0;
	if (up->numel != n * inner)
		return rt_fail(c, RT_E_OP, "scatter_nd: %lld updates for %lld slices of %lld",
		               (long long)up->numel, (long long)n, (long long)inner);
	for (int64_t i = 0; i < n; i++) {
		int64_t off = nd_offset(c, o, ix, i * k, k, data, inner);
		if (off < 0)
			return -1;
		for (int64_t j = 0; j < inner; j++)
			combine(y, off + j, m, rt_tensor_get(up, i * inner + j));
	}
	return 0;
}
