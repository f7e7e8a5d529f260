/*
 * norm.c - layer_norm and batch_norm (ops.md layer_norm, batch_norm):
 * biased variance, epsilon inside the square root, gamma / beta optional
 * (1 / 0), accumulation in double.
 */
#include <math.h>

#include "runtime/rt_int.h"

int rt_exec_layer_norm(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *gamma = rt_in(o, "gamma"), *beta = rt_in(o, "beta");
	if (!rt_f32(x) || (gamma && !rt_f32(gamma)) || (beta && !rt_f32(beta)))
		return rt_fail(c, RT_E_OP, "layer_norm needs float x, gamma and beta");
	int64_t axes[RT_MAX_RANK];
	int na = rt_in_ints(o, "axes", axes, RT_MAX_RANK);
	bool norm[RT_MAX_RANK] = { false };
	for (int i = 0; i < (na < 0 ? x->rank : na); i++) {
		int ax = na < 0 ? i : rt_axis(c, axes[i], x->rank);
		if (ax < 0)
			return -1;
		norm[ax] = true;
	}
	/* This version normalises trailing axes only (what converters emit). */
	int32_t first = x->rank;
	while (first > 0 && norm[first - 1])
		first--;
	for (int32_t d = 0; d < first; d++)
		if (norm[d])
			return rt_fail(c, RT_E_OP, "layer_norm over non-trailing axes is not supported yet");
	int64_t n = 1;
	for (int32_t d = first; d < x->rank; d++)
		n *= x->dims[d];
	if ((gamma && gamma->numel != n) || (beta && beta->numel != n))
		return rt_fail(c, RT_E_OP, "layer_norm: gamma / beta of %lld values for %lld",
		               (long long)(gamma ? gamma->numel : beta->numel), (long long)n);
	double eps = rt_in_float(o, "epsilon", 1e-5);
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	const float *xs = x->data, *g = gamma ? gamma->data : NULL, *b = beta ? beta->data : NULL;
	float *ys = y->data;
	for (int64_t r = 0; n && r < x->numel / n; r++) {
		const float *xr = xs + r * n;
		float *yr = ys + r * n;
		double mean = 0, var = 0;
		for (int64_t i = 0; i < n; i++)
			mean += xr[i];
		mean /= (double)n;
		for (int64_t i = 0; i < n; i++)
			var += (xr[i] - mean) * (xr[i] - mean);
		double inv = 1.0 / sqrt(var / (double)n + eps);
		for (int64_t i = 0; i < n; i++)
			yr[i] = (float)((xr[i] - mean) * inv * (g ? g[i] : 1) + (b ? b[i] : 0));
	}
	return 0;
}

int rt_exec_batch_norm(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *mean = rt_in(o, "mean"), *var = rt_in(o, "variance");
	const RtTensor *gamma = rt_in(o, "gamma"), *beta = rt_in(o, "beta");
	if (!rt_f32(x) || x->rank < 2 || !rt_f32(mean) || !rt_f32(var))
		return rt_fail(c, RT_E_OP, "batch_norm needs float x, mean and variance");
	int64_t ch = x->dims[1], inner = 1;
	for (int32_t d = 2; d < x->rank; d++)
		inner *= x->dims[d];
	if (mean->numel != ch || var->numel != ch || (gamma && gamma->numel != ch) ||
	    (beta && beta->numel != ch))
		return rt_fail(c, RT_E_OP, "batch_norm: parameters are not of length C = %lld",
		               (long long)ch);
	double eps = rt_in_float(o, "epsilon", 1e-5);
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	const float *xs = x->data, *m = mean->data, *v = var->data;
	float *ys = y->data;
	for (int64_t i = 0; i < x->numel; i++) {
		int64_t k = (i / inner) % ch;
		double scale = (gamma ? ((const float *)gamma->data)[k] : 1) / sqrt(v[k] + eps);
		ys[i] = (float)((xs[i] - m[k]) * scale + (beta ? ((const float *)beta->data)[k] : 0));
	}
	return 0;
}

/* instance_norm: per (n, c) over the spatial dims, biased variance. */
int rt_exec_instance_norm(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *gamma = rt_in(o, "gamma"), *beta = rt_in(o, "beta");
	if (!rt_f32(x) || x->rank < 3)
		return rt_fail(c, RT_E_OP, "instance_norm needs a float x [N, C, ...]");
	int64_t ch = x->dims[1], inner = x->dims[0] * ch > 0 ? x->numel / (x->dims[0] * ch) : 0;
	if ((gamma && gamma->numel != ch) || (beta && beta->numel != ch))
		return rt_fail(c, RT_E_OP, "instance_norm: gamma / beta not of length C = %lld",
		               (long long)ch);
	double eps = rt_in_float(o, "epsilon", 1e-5);
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	for (int64_t r = 0; inner && r < x->numel / inner; r++) {
		const float *xr = (const float *)x->data + r * inner;
		float *yr = (float *)y->data + r * inner;
		double mean = 0, var = 0;
		for (int64_t i = 0; i < inner; i++)
			mean += xr[i];
		mean /= (double)inner;
		for (int64_t i = 0; i < inner; i++)
			var += (xr[i] - mean) * (xr[i] - mean);
		double g = gamma ? rt_tensor_get(gamma, r % ch) : 1, b = beta ? rt_tensor_get(beta, r % ch) : 0;
		double inv = g / sqrt(var / (double)inner + eps);
		for (int64_t i = 0; i < inner; i++)
			yr[i] = (float)((xr[i] - mean) * inv + b);
	}
	return 0;
}

/* l2_norm: the last three dims together, epsilon added to the sum. */
int rt_exec_l2_norm(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!rt_f32(x) || x->rank < 3)
		return rt_fail(c, RT_E_OP, "l2_norm needs a float x of rank >= 3");
	int64_t group = x->dims[x->rank - 1] * x->dims[x->rank - 2] * x->dims[x->rank - 3];
	double eps = rt_in_float(o, "epsilon", 1e-6);
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	for (int64_t r = 0; group && r < x->numel / group; r++) {
		const float *xr = (const float *)x->data + r * group;
		double sum = 0;
		for (int64_t i = 0; i < group; i++)
			sum += (double)xr[i] * xr[i];
		double inv = 1 / sqrt(sum + eps);
		for (int64_t i = 0; i < group; i++)
			((float *)y->data)[r * group + i] = (float)(xr[i] * inv);
	}
	return 0;
}
