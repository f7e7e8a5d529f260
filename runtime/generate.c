/*
 * generate.c - tensors made from scalars (ops.md fill, fill_like,
 * range_1d): the shape from an int32 vector or a reference tensor, the
 * values from `value` or an arithmetic progression.
 */
#include <math.h>

#include "runtime/rt_int.h"

static int fill_value(RtCtx *c, RtOp *o, int32_t rank, const int64_t *dims)
{
	const RtTensor *v = rt_in(o, "value");
	DType dt = v ? v->dt : DT_FP32;             /* default 0. is fp32 (ops.md fill) */
	double value = v && v->numel ? rt_tensor_get(v, 0) : 0;
	RtTensor *y = rt_out(c, o, 0, dt, rank, dims);
	if (!y)
		return -1;
	for (int64_t i = 0; i < y->numel; i++)
		rt_tensor_set(y, i, value);
	return 0;
}

int rt_exec_fill(RtCtx *c, RtOp *o)
{
	int64_t dims[RT_MAX_RANK];
	int rank = rt_in_ints(o, "shape", dims, RT_MAX_RANK);
	if (rank < 0)
		return rt_fail(c, RT_E_OP, "fill needs a shape of rank <= %d", RT_MAX_RANK);
	for (int i = 0; i < rank; i++)
		if (dims[i] < 0)
			return rt_fail(c, RT_E_OP, "fill: negative dim %lld", (long long)dims[i]);
	return fill_value(c, o, rank, dims);
}

int rt_exec_fill_like(RtCtx *c, RtOp *o)
{
	const RtTensor *ref = rt_in(o, "ref_tensor");
	if (!ref)
		return rt_fail(c, RT_E_OP, "fill_like needs ref_tensor");
	return fill_value(c, o, ref->rank, ref->dims);
}

int rt_exec_range_1d(RtCtx *c, RtOp *o)
{
	const RtTensor *e = rt_in(o, "end");
	if (!e || e->dt == DT_STRING)
		return rt_fail(c, RT_E_OP, "range_1d needs numeric start, end and step");
	double start = rt_in_float(o, "start", 0), end = rt_in_float(o, "end", 0),
	       step = rt_in_float(o, "step", 1);
	double len = step != 0 ? ceil((end - start) / step) : -1;
	if (!(len >= 0 && len < 1e12))
		return rt_fail(c, RT_E_OP, "range_1d from %g to %g by %g", start, end, step);
	int64_t n = (int64_t)len;
	RtTensor *y = rt_out(c, o, 0, e->dt, 1, &n);
	if (!y)
		return -1;
	for (int64_t i = 0; i < n; i++)
		rt_tensor_set(y, i, start + (double)i * step);
	return 0;
}
