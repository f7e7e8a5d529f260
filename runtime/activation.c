/*
 * activation.c - activations and softmax (ops.md "Activations"), fp32.
 * Scalar parameters (alpha, beta, mode) come from the operands, their
 * defaults from the op catalogue.
 */
#include <math.h>
#include <string.h>

#include "runtime/rt_int.h"

typedef enum GeluMode { GELU_EXACT, GELU_TANH, GELU_SIGMOID } GeluMode;

/* The less common activations (the hot ones are loops in rt_exec_activation). */
static float activate(OpId id, float x, float a, float b, GeluMode mode)
{
	switch (id) {
	case OPID_elu: return x > 0 ? x : a * (expf(x) - 1);
	case OPID_leaky_relu: return x >= 0 ? x : a * x;
	case OPID_softplus: return log1pf(expf(-fabsf(x))) + fmaxf(x, 0);
	case OPID_softsign: return x / (1 + fabsf(x));
	case OPID_thresholded_relu: return x >= a ? x : 0;
	case OPID_clamped_relu: return x >= 0 ? fminf(b, x) : fminf(b, a * x);
	case OPID_scaled_tanh: return a * tanhf(b * x);
	case OPID_linear_activation: return a * x + b;
	case OPID_gelu:
		if (mode == GELU_TANH)
			return 0.5f * x * (1 + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
		if (mode == GELU_SIGMOID)
			return x / (1.0f + expf(-1.702f * x));
		return 0.5f * x * (1 + erff(x * 0.7071067811865476f));
	default: return NAN;
	}
}

int rt_exec_activation(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!rt_f32(x))
		return rt_fail(c, RT_E_OP, "%s needs a float x", o->op->kind);
	float a = (float)rt_in_float(o, "alpha", 0), b = (float)rt_in_float(o, "beta", 0);
	GeluMode mode = GELU_EXACT;
	if (o->id == OPID_gelu) {
		const char *m = rt_in_str(o, "mode", "EXACT");
		if (strcmp(m, "TANH_APPROXIMATION") == 0)
			mode = GELU_TANH;
		else if (strcmp(m, "SIGMOID_APPROXIMATION") == 0)
			mode = GELU_SIGMOID;
		else if (strcmp(m, "EXACT") != 0)
			return rt_fail(c, RT_E_OP, "gelu mode '%s' is not one of ops.md's", m);
	}
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	const float *xs = x->data;
	float *ys = y->data;
	int64_t n = x->numel;
	/* The common ones with the op switch outside the loop. */
#define MAP_F32(expr) do { for (int64_t i = 0; i < n; i++) { float v = xs[i]; ys[i] = (expr); } \
	return 0; } while (0)
	switch (o->id) {
	case OPID_relu: MAP_F32(v > 0 ? v : 0);
	case OPID_relu6: MAP_F32(v < 0 ? 0 : v > 6 ? 6 : v);
	case OPID_sigmoid: MAP_F32(1.0f / (1.0f + expf(-v)));
	case OPID_silu: MAP_F32(v / (1.0f + expf(-v)));
	case OPID_sigmoid_hard: MAP_F32(fminf(fmaxf(a * v + b, 0), 1));
	default:
		for (int64_t i = 0; i < n; i++)
			ys[i] = activate(o->id, xs[i], a, b, mode);
		return 0;
	}
#undef MAP_F32
}

/* Outer x axis x inner decomposition of a shape around one axis. */
static void split_at(const RtTensor *t, int axis, int64_t *outer, int64_t *n, int64_t *inner)
{
	*outer = *inner = 1;
	for (int d = 0; d < axis; d++)
		*outer *= t->dims[d];
	*n = t->dims[axis];
	for (int d = axis + 1; d < t->rank; d++)
		*inner *= t->dims[d];
}

int rt_exec_softmax(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!rt_f32(x) || x->rank < 1)
		return rt_fail(c, RT_E_OP, "softmax needs a float x of rank >= 1");
	int axis = rt_axis(c, rt_in_int(o, "axis", -1), x->rank);
	if (axis < 0)
		return -1;
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	int64_t outer, n, inner;
	split_at(x, axis, &outer, &n, &inner);
	const float *xs = x->data;
	float *ys = y->data;
	for (int64_t a = 0; a < outer; a++)
		for (int64_t i = 0; i < inner; i++) {
			const float *xp = xs + a * n * inner + i;
			float *yp = ys + a * n * inner + i;
			float m = -INFINITY;
			for (int64_t k = 0; k < n; k++)
				m = fmaxf(m, xp[k * inner]);
			double sum = 0;
			for (int64_t k = 0; k < n; k++) {
				yp[k * inner] = expf(xp[k * inner] - m);
				sum += yp[k * inner];
			}
			for (int64_t k = 0; k < n; k++)
				yp[k * inner] = (float)(yp[k * inner] / sum);
		}
	return 0;
}

/* prelu: alpha per channel (axis 1). */
int rt_exec_prelu(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *alpha = rt_in(o, "alpha");
	if (!rt_f32(x) || x->rank < 3 || !rt_f32(alpha) || alpha->numel != x->dims[1])
		return rt_fail(c, RT_E_OP, "prelu needs float x [B, C, ...] and alpha of length C");
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, x->dims);
	if (!y)
		return -1;
	int64_t inner = x->dims[0] * x->dims[1] > 0 ? x->numel / (x->dims[0] * x->dims[1]) : 1;
	const float *xs = x->data, *as = alpha->data;
	float *ys = y->data;
	for (int64_t i = 0; i < x->numel; i++) {
		float a = as[(i / inner) % x->dims[1]];
		ys[i] = xs[i] > 0 ? xs[i] : a * xs[i];
	}
	return 0;
}
