/*
 * reduce.c - reduce_* (ops.md "Reductions"): axes (absent: every axis,
 * negative allowed, duplicates an error), keep_dims (default from the
 * catalogue).  Accumulation in double.  An empty reduction gives the
 * operation's identity: sum 0, prod 1, max -inf, min +inf, mean NaN.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rt_int.h"

static double identity(OpId id)
{
	switch (id) {
	case OPID_reduce_prod: return 1;
	case OPID_reduce_max: return -INFINITY;
	case OPID_reduce_min: return INFINITY;
	default: return 0;
	}
}

static double accumulate(OpId id, double acc, double v)
{
	switch (id) {
	case OPID_reduce_prod: return acc * v;
	case OPID_reduce_max: return v > acc || v != v ? v : acc;
	case OPID_reduce_min: return v < acc || v != v ? v : acc;
	case OPID_reduce_sum_square: case OPID_reduce_l2_norm: return acc + v * v;
	case OPID_reduce_l1_norm: return acc + fabs(v);
	case OPID_reduce_log_sum_exp: return acc + exp(v);
	default: return acc + v;
	}
}

static double finish(OpId id, double acc, int64_t n)
{
	switch (id) {
	case OPID_reduce_mean: return n ? acc / (double)n : NAN;
	case OPID_reduce_l2_norm: return sqrt(acc);
	case OPID_reduce_log_sum: case OPID_reduce_log_sum_exp: return log(acc);
	default: return acc;
	}
}

int rt_exec_reduce(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x || x->dt == DT_STRING)
		return rt_fail(c, RT_E_OP, "%s needs a numeric x", o->op->kind);
	bool reduced[RT_MAX_RANK] = { false };
	int64_t axes[RT_MAX_RANK];
	int na = rt_in_ints(o, "axes", axes, RT_MAX_RANK);
	if (na < 0 && rt_in(o, "axes"))
		return rt_fail(c, RT_E_OP, "%s: too many axes", o->op->kind);
	for (int i = 0; i < (na < 0 ? x->rank : na); i++) {
		int ax = na < 0 ? i : rt_axis(c, axes[i], x->rank);
		if (ax < 0)
			return -1;
		if (reduced[ax])
			return rt_fail(c, RT_E_OP, "%s: axis %d given twice", o->op->kind, ax);
		reduced[ax] = true;
	}
	bool keep = rt_in_bool(o, "keep_dims", false);
	int64_t odims[RT_MAX_RANK], kdims[RT_MAX_RANK];
	int32_t orank = 0;
	for (int32_t d = 0; d < x->rank; d++) {
		kdims[d] = reduced[d] ? 1 : x->dims[d];
		if (!reduced[d] || keep)
			odims[orank++] = kdims[d];
	}
	RtTensor *y = rt_out(c, o, 0, x->dt, orank, odims);
	if (!y)
		return -1;
	int64_t n = 1;
	for (int32_t d = 0; d < x->rank; d++)
		if (reduced[d])
			n *= x->dims[d];
	double acc0 = identity(o->id);
	/* Output strides over the kept-dims shape; input walked once in order. */
	int64_t ostride[RT_MAX_RANK], s = 1;
	for (int32_t d = x->rank - 1; d >= 0; d--) {
		ostride[d] = reduced[d] ? 0 : s;
		s *= kdims[d];
	}
	double *acc = NULL;
	int64_t nout = y->numel;
	acc = nout ? calloc((size_t)nout, sizeof *acc) : NULL;
	if (nout && !acc)
		return rt_fail(c, RT_E_MEMORY, "%s: out of memory", o->op->kind);
	for (int64_t i = 0; i < nout; i++)
		acc[i] = acc0;
	const float *xf = rt_f32(x);
	/* Reduced axes all trailing (global pooling, softmax-style sums): each
	 * output reads one contiguous run. */
	int32_t lead = x->rank;
	while (lead > 0 && reduced[lead - 1])
		lead--;
	bool trailing = true;
	for (int32_t d = 0; d < lead; d++)
		trailing = trailing && !reduced[d];
	if (xf && trailing && nout * n == x->numel) {
		for (int64_t r = 0; r < nout; r++) {
			double sum = acc0;
			for (int64_t k = 0; k < n; k++)
				sum = accumulate(o->id, sum, xf[r * n + k]);
			acc[r] = sum;
		}
		goto done;
	}
	int64_t idx[RT_MAX_RANK] = { 0 }, off = 0;
	for (int64_t i = 0; i < x->numel; i++) {
		double v = xf ? xf[i] : rt_tensor_get(x, i);
		acc[off] = accumulate(o->id, acc[off], v);
		for (int32_t d = x->rank - 1; d >= 0; d--) {
			off += ostride[d];
			if (++idx[d] < x->dims[d])
				break;
			off -= ostride[d] * x->dims[d];
			idx[d] = 0;
		}
	}
done:
	for (int64_t i = 0; i < nout; i++)
		rt_tensor_set(y, i, finish(o->id, acc[i], n));
	free(acc);
	return 0;
}

/* reduce_argmax / reduce_argmin: one axis, the first index of the extreme
 * (numpy's choice on ties); a NaN counts as the extreme, as in numpy. */
int rt_exec_arg_reduce(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x || x->dt == DT_STRING || x->rank < 1)
		return rt_fail(c, RT_E_OP, "%s needs a numeric x of rank >= 1", o->op->kind);
	int axis = rt_axis(c, rt_in_int(o, "axis", -1), x->rank);
	if (axis < 0)
		return -1;
	bool keep = rt_in_bool(o, "keep_dims", false), is_max = o->id == OPID_reduce_argmax;
	int64_t dims[RT_MAX_RANK], outer = 1, inner = 1, n = x->dims[axis];
	int32_t r = 0;
	for (int32_t d = 0; d < x->rank; d++) {
		if (d < axis)
			outer *= x->dims[d];
		if (d > axis)
			inner *= x->dims[d];
		if (d != axis || keep)
			dims[r++] = d == axis ? 1 : x->dims[d];
	}
	if (n == 0)
		return rt_fail(c, RT_E_OP, "%s over an empty axis", o->op->kind);
	RtTensor *y = rt_out(c, o, 0, DT_INT32, r, dims);
	if (!y)
		return -1;
	for (int64_t a = 0; a < outer; a++)
		for (int64_t i = 0; i < inner; i++) {
			int64_t best = 0;
			double bv = rt_tensor_get(x, a * n * inner + i);
			for (int64_t k = 1; k < n && bv == bv; k++) {
				double v = rt_tensor_get(x, (a * n + k) * inner + i);
				if (v != v || (is_max ? v > bv : v < bv))
					best = k, bv = v;
			}
			((int32_t *)y->data)[a * inner + i] = (int32_t)best;
		}
	return 0;
}
