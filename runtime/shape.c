/*
 * shape.c - data movement (ops.md "Tensor operations", "Tensor
 * transformation"): reshape, expand_dims, squeeze, transpose, concat,
 * split, stack, tile, slice_by_index, identity, shape.  Dtype-agnostic:
 * elements are moved as bytes.
 */
#include <string.h>

#include "runtime/rt_int.h"

static size_t esize(const RtTensor *t)
{
	return rt_dtype_size(t->dt);
}

static int copy_as(RtCtx *c, RtOp *o, const RtTensor *x, int32_t rank, const int64_t *dims)
{
	int64_t n = 1;
	for (int32_t i = 0; i < rank; i++)
		n *= dims[i];
	if (n != x->numel)
		return rt_fail(c, RT_E_OP, "%s: %lld elements cannot take a shape of %lld",
		               o->op->kind, (long long)x->numel, (long long)n);
	RtTensor *y = rt_out(c, o, 0, x->dt, rank, dims);
	if (!y)
		return -1;
	memcpy(y->data, x->data, (size_t)n * esize(x));
	return 0;
}

static int reshape_dims(RtCtx *c, RtOp *o, const RtTensor *x, int32_t *rank, int64_t *dims)
{
	int n = rt_in_ints(o, "shape", dims, RT_MAX_RANK);
	if (n < 0)
		return rt_fail(c, RT_E_OP, "reshape needs a shape of rank <= %d", RT_MAX_RANK);
	bool right_aligned = o->info && o->info->since >= OPSET_IOS17;
	int64_t known = 1;
	int infer = -1;
	for (int i = 0; i < n; i++) {
		if (dims[i] == 0) {
			int j = right_aligned ? x->rank - (n - i) : i;
			if (!right_aligned && n != x->rank)
				return rt_fail(c, RT_E_OP, "reshape: 0 needs len(shape) == rank(x)");
			dims[i] = j >= 0 && j < x->rank ? x->dims[j] : 1;
		}
		if (dims[i] == -1) {
			if (infer >= 0)
				return rt_fail(c, RT_E_OP, "reshape: more than one -1");
			infer = i;
		} else if (dims[i] < 0) {
			return rt_fail(c, RT_E_OP, "reshape: dim %lld", (long long)dims[i]);
		} else {
			known *= dims[i];
		}
	}
	if (infer >= 0) {
		if (known == 0 || x->numel % known)
			return rt_fail(c, RT_E_OP, "reshape: %lld elements do not fill the shape",
			               (long long)x->numel);
		dims[infer] = x->numel / known;
	}
	*rank = n;
	return 0;
}

/* reshape, expand_dims and squeeze change only the dims. */
int rt_exec_reshape(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x)
		return rt_fail(c, RT_E_OP, "%s needs x", o->op->kind);
	int64_t dims[RT_MAX_RANK], axes[RT_MAX_RANK];
	int32_t rank = 0;
	if (o->id == OPID_reshape) {
		if (reshape_dims(c, o, x, &rank, dims) < 0)
			return -1;
		return copy_as(c, o, x, rank, dims);
	}
	int na = rt_in_ints(o, "axes", axes, RT_MAX_RANK);
	bool mark[RT_MAX_RANK] = { false };
	if (o->id == OPID_expand_dims) {
		int32_t orank = x->rank + (na < 0 ? 0 : na);
		if (na < 1 || orank > RT_MAX_RANK)
			return rt_fail(c, RT_E_OP, "expand_dims needs 1..%d axes", RT_MAX_RANK - x->rank);
		for (int i = 0; i < na; i++) {
			int ax = rt_axis(c, axes[i], orank);
			if (ax < 0)
				return -1;
			mark[ax] = true;
		}
		for (int32_t i = 0, j = 0; i < orank; i++)
			dims[i] = mark[i] ? 1 : x->dims[j++];
		return copy_as(c, o, x, orank, dims);
	}
	for (int i = 0; i < na; i++) {      /* squeeze: listed size-1 dims, or all */
		int ax = rt_axis(c, axes[i], x->rank);
		if (ax < 0)
			return -1;
		mark[ax] = x->dims[ax] == 1;
	}
	for (int32_t i = 0; i < x->rank; i++)
		if (!(na < 0 ? x->dims[i] == 1 : mark[i]))
			dims[rank++] = x->dims[i];
	return copy_as(c, o, x, rank, dims);
}

int rt_exec_transpose(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	int64_t perm[RT_MAX_RANK], dims[RT_MAX_RANK], xs[RT_MAX_RANK], ss[RT_MAX_RANK];
	if (!x || rt_in_ints(o, "perm", perm, RT_MAX_RANK) != x->rank)
		return rt_fail(c, RT_E_OP, "transpose needs a perm of length rank(x)");
	bool seen[RT_MAX_RANK] = { false };
	rt_row_strides(x->rank, x->dims, xs);
	for (int32_t i = 0; i < x->rank; i++) {
		int ax = rt_axis(c, perm[i], x->rank);
		if (ax < 0)
			return -1;
		if (seen[ax])
			return rt_fail(c, RT_E_OP, "transpose: perm repeats axis %d", ax);
		seen[ax] = true;
		dims[i] = x->dims[ax];
		ss[i] = xs[ax];
	}
	RtTensor *y = rt_out(c, o, 0, x->dt, x->rank, dims);
	if (!y)
		return -1;
	rt_gather_strided(x->data, 0, ss, x->rank, dims, y->numel, esize(x), y->data);
	return 0;
}

/* outer x (axis dim) x inner of t around axis. */
static void around(const RtTensor *t, int axis, int64_t *outer, int64_t *inner)
{
	*outer = *inner = 1;
	for (int d = 0; d < axis; d++)
		*outer *= t->dims[d];
	for (int d = axis + 1; d < t->rank; d++)
		*inner *= t->dims[d];
}

int rt_exec_concat(RtCtx *c, RtOp *o)
{
	const RtArg *v = rt_arg(o, "values");
	if (!v || !v->n)
		return rt_fail(c, RT_E_OP, "concat needs values");
	const RtTensor *x0 = v->t[0];
	if (rt_in_bool(o, "interleave", false))
		return rt_fail(c, RT_E_OP, "concat with interleave=true is not supported yet");
	int32_t rank = x0->rank ? x0->rank : 1;
	int axis = rt_axis(c, rt_in_int(o, "axis", 0), rank);
	if (axis < 0)
		return -1;
	int64_t dims[RT_MAX_RANK], total = 0;
	memcpy(dims, x0->dims, sizeof dims);
	if (!x0->rank)
		dims[0] = 1;
	for (uint32_t i = 0; i < v->n; i++) {
		const RtTensor *t = v->t[i];
		bool ok = t->dt == x0->dt && (t->rank ? t->rank : 1) == rank;
		for (int32_t d = 0; ok && t->rank && d < rank; d++)
			ok = d == axis || t->dims[d] == dims[d];
		if (!ok)
			return rt_fail(c, RT_E_OP, "concat: value %u differs in dtype, rank or a dim", i);
		total += t->rank ? t->dims[axis] : 1;
	}
	dims[axis] = total;
	RtTensor *y = rt_out(c, o, 0, x0->dt, rank, dims);
	if (!y)
		return -1;
	int64_t outer, inner;
	around(y, axis, &outer, &inner);
	size_t es = esize(y);
	int64_t at = 0;
	for (uint32_t i = 0; i < v->n; i++) {
		const RtTensor *t = v->t[i];
		int64_t len = t->rank ? t->dims[axis] : 1, chunk = len * inner;
		for (int64_t a = 0; a < outer; a++)
			memcpy((char *)y->data + (size_t)(a * total * inner + at * inner) * es,
			       (const char *)t->data + (size_t)(a * chunk) * es, (size_t)chunk * es);
		at += len;
	}
	return 0;
}

int rt_exec_split(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x || x->rank < 1)
		return rt_fail(c, RT_E_OP, "split needs x of rank >= 1");
	int axis = rt_axis(c, rt_in_int(o, "axis", 0), x->rank);
	if (axis < 0)
		return -1;
	int64_t sizes[64];
	int n = rt_in_ints(o, "split_sizes", sizes, 64);
	if (n < 0) {
		int64_t parts = rt_in_int(o, "num_splits", (int64_t)o->nouts);
		if (parts < 1 || parts > 64 || x->dims[axis] % parts)
			return rt_fail(c, RT_E_OP, "split: %lld parts of %lld", (long long)parts,
			               (long long)x->dims[axis]);
		n = (int)parts;
		for (int i = 0; i < n; i++)
			sizes[i] = x->dims[axis] / parts;
	}
	int64_t sum = 0;
	for (int i = 0; i < n; i++)
		sum += sizes[i];
	if ((uint32_t)n != o->nouts || sum != x->dims[axis])
		return rt_fail(c, RT_E_OP, "split: %d sizes summing to %lld for %u outputs of %lld",
		               n, (long long)sum, o->nouts, (long long)x->dims[axis]);
	int64_t outer, inner, at = 0;
	around(x, axis, &outer, &inner);
	size_t es = esize(x);
	for (int i = 0; i < n; i++) {
		int64_t dims[RT_MAX_RANK];
		memcpy(dims, x->dims, sizeof dims);
		dims[axis] = sizes[i];
		RtTensor *y = rt_out(c, o, (uint32_t)i, x->dt, x->rank, dims);
		if (!y)
			return -1;
		int64_t chunk = sizes[i] * inner;
		for (int64_t a = 0; a < outer; a++)
			memcpy((char *)y->data + (size_t)(a * chunk) * es,
			       (const char *)x->data + (size_t)(a * x->dims[axis] * inner + at * inner) * es,
			       (size_t)chunk * es);
		at += sizes[i];
	}
	return 0;
}

int rt_exec_stack(RtCtx *c, RtOp *o)
{
	const RtArg *v = rt_arg(o, "values");
	if (!v || !v->n || v->t[0]->rank + 1 > RT_MAX_RANK)
		return rt_fail(c, RT_E_OP, "stack needs values");
	const RtTensor *x0 = v->t[0];
	int axis = rt_axis(c, rt_in_int(o, "axis", 0), x0->rank + 1);
	if (axis < 0)
		return -1;
	int64_t dims[RT_MAX_RANK];
	for (int32_t d = 0, j = 0; d <= x0->rank; d++)
		dims[d] = d == axis ? (int64_t)v->n : x0->dims[j++];
	for (uint32_t i = 0; i < v->n; i++) {
		bool ok = v->t[i]->dt == x0->dt && v->t[i]->rank == x0->rank;
		for (int32_t d = 0; ok && d < x0->rank; d++)
			ok = v->t[i]->dims[d] == x0->dims[d];
		if (!ok)
			return rt_fail(c, RT_E_OP, "stack: value %u differs in dtype or shape", i);
	}
	RtTensor *y = rt_out(c, o, 0, x0->dt, x0->rank + 1, dims);
	if (!y)
		return -1;
	int64_t outer, inner;
	around(y, axis, &outer, &inner);
	size_t es = esize(y);
	for (uint32_t i = 0; i < v->n; i++)
		for (int64_t a = 0; a < outer; a++)
			memcpy((char *)y->data + (size_t)((a * v->n + i) * inner) * es,
			       (const char *)v->t[i]->data + (size_t)(a * inner) * es, (size_t)inner * es);
	return 0;
}

int rt_exec_tile(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	int64_t reps[RT_MAX_RANK], dims[RT_MAX_RANK], xs[RT_MAX_RANK];
	if (!x || rt_in_ints(o, "reps", reps, RT_MAX_RANK) != x->rank)
		return rt_fail(c, RT_E_OP, "tile needs reps of length rank(x)");
	for (int32_t d = 0; d < x->rank; d++) {
		if (reps[d] < 0)
			return rt_fail(c, RT_E_OP, "tile: negative reps");
		dims[d] = x->dims[d] * reps[d];
	}
	RtTensor *y = rt_out(c, o, 0, x->dt, x->rank, dims);
	if (!y)
		return -1;
	rt_row_strides(x->rank, x->dims, xs);
	size_t es = esize(x);
	int64_t idx[RT_MAX_RANK] = { 0 };
	for (int64_t i = 0; i < y->numel; i++) {
		int64_t off = 0;
		for (int32_t d = 0; d < x->rank; d++)
			off += (idx[d] % x->dims[d]) * xs[d];
		memcpy((char *)y->data + (size_t)i * es, (const char *)x->data + (size_t)off * es, es);
		rt_next_index(x->rank, dims, idx);
	}
	return 0;
}

int rt_exec_identity(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x)
		return rt_fail(c, RT_E_OP, "identity needs x");
	return copy_as(c, o, x, x->rank, x->dims);
}

int rt_exec_shape(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x)
		return rt_fail(c, RT_E_OP, "shape needs x");
	int64_t n = x->rank;
	RtTensor *y = rt_out(c, o, 0, DT_INT32, 1, &n);
	if (!y)
		return -1;
	for (int32_t d = 0; d < x->rank; d++)
		((int32_t *)y->data)[d] = (int32_t)x->dims[d];
	return 0;
}

int rt_slice_geometry(RtCtx *c, const RtOp *o, const RtTensor *x, RtSlice *s)
{
	int64_t begin[RT_MAX_RANK], end[RT_MAX_RANK], stride[RT_MAX_RANK];
	int64_t bm[RT_MAX_RANK] = { 0 }, em[RT_MAX_RANK] = { 0 }, sq[RT_MAX_RANK] = { 0 };
	int r = x->rank;
	if (rt_in_ints(o, "begin", begin, RT_MAX_RANK) != r || rt_in_ints(o, "end", end, RT_MAX_RANK) != r)
		return rt_fail(c, RT_E_OP, "%s needs begin and end of length rank(x)", o->op->kind);
	if (rt_in_ints(o, "stride", stride, RT_MAX_RANK) != r)
		for (int i = 0; i < r; i++)
			stride[i] = 1;
	rt_in_ints(o, "begin_mask", bm, RT_MAX_RANK);
	rt_in_ints(o, "end_mask", em, RT_MAX_RANK);
	rt_in_ints(o, "squeeze_mask", sq, RT_MAX_RANK);
	int64_t xs[RT_MAX_RANK];
	rt_row_strides(r, x->dims, xs);
	s->base = 0;
	s->rank = r;
	s->orank = 0;
	for (int i = 0; i < r; i++) {
		int64_t dim = x->dims[i], st = stride[i], b = begin[i], e = end[i];
		if (st == 0)
			return rt_fail(c, RT_E_OP, "%s: stride 0 on axis %d", o->op->kind, i);
		if (b < 0)
			b += dim;
		if (e < 0)
			e += dim;
		int64_t lo = st > 0 ? 0 : -1, hi = st > 0 ? dim : dim - 1;
		if (bm[i])
			b = st > 0 ? 0 : dim - 1;
		if (em[i])
			e = st > 0 ? dim : -1;
		b = b < lo ? lo : b > hi ? hi : b;
		e = e < lo ? lo : e > hi ? hi : e;
		int64_t len = st > 0 ? (e - b + st - 1) / st : (b - e + (-st) - 1) / (-st);
		if (len < 0)
			len = 0;
		if (sq[i]) {
			if (b < 0 || b >= dim)
				return rt_fail(c, RT_E_INDEX, "%s: index %lld out of range on axis %d",
				               o->op->kind, (long long)begin[i], i);
			len = 1;
			st = 1;
		} else {
			s->odims[s->orank++] = len;
		}
		s->dims[i] = len;
		s->strides[i] = st * xs[i];
		s->base += len ? b * xs[i] : 0;
	}
	return 0;
}

int rt_exec_slice_by_index(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	RtSlice s;
	if (!x || rt_slice_geometry(c, o, x, &s) < 0)
		return -1;
	RtTensor *y = rt_out(c, o, 0, x->dt, s.orank, s.odims);
	if (!y)
		return -1;
	rt_gather_strided(x->data, s.base, s.strides, s.rank, s.dims, y->numel, esize(x), y->data);
	return 0;
}
