/*
 * elementwise.c - unary math, broadcasting binary ops, cast and select
 * (ops.md "Elementwise unary", "Elementwise binary", cast, select).
 * Floats in fp32; int32 arithmetic exact (in int64, saturated back);
 * comparisons and logical ops give bool.
 */
#include <math.h>
#include <string.h>

#include "runtime/rt_int.h"

static double unary(OpId id, double x, double a, double b)
{
	switch (id) {
	case OPID_abs: return fabs(x);
	case OPID_acos: return acos(x);
	case OPID_asin: return asin(x);
	case OPID_atan: return atan(x);
	case OPID_atanh: return atanh(x);
	case OPID_ceil: return ceil(x);
	case OPID_cos: return cos(x);
	case OPID_cosh: return cosh(x);
	case OPID_erf: return erf(x);
	case OPID_exp: return exp(x);
	case OPID_exp2: return exp2(x);
	case OPID_floor: return floor(x);
	case OPID_inverse: return 1.0 / (x + a);
	case OPID_log: return log(x + a);
	case OPID_logical_not: return x == 0;
	case OPID_round: return nearbyint(x);   /* ties to even, as numpy.round */
	case OPID_rsqrt: return 1.0 / sqrt(x + a);
	case OPID_sign: return (x > 0) - (x < 0);
	case OPID_sin: return sin(x);
	case OPID_sinh: return sinh(x);
	case OPID_sqrt: return sqrt(x);
	case OPID_square: return x * x;
	case OPID_tan: return tan(x);
	case OPID_tanh: return tanh(x);
	case OPID_threshold: return x > a ? x : a;
	case OPID_clip: return x < a ? a : x > b ? b : x;  /* lower bound first (ops.md clip) */
	default: return NAN;
	}
}

/* The op's output dtype from its catalogue row: comparisons and logical
 * ops give bool (OUT_DT(BOOL)); the rest keep x's. */
static DType output_dtype(const RtOp *o, DType x)
{
	const OpInfo *info = o->info;
	bool fixed_bool = info && info->noutputs && info->outputs[0].rule == OUTDT_FIXED &&
	                  info->outputs[0].dt == DT_BOOL;
	return fixed_bool ? DT_BOOL : x;
}

/* The common fp32 ops with the op switch outside the loop (one switch per
 * element costs more than the math).  False for the others. */
#define MAP_F32(expr) do { for (int64_t i = 0; i < n; i++) { float x = xs[i]; ys[i] = (expr); } \
	return true; } while (0)
static bool unary_f32(OpId id, const float *xs, float *ys, int64_t n, float a, float b)
{
	switch (id) {
	case OPID_clip: MAP_F32(x < a ? a : x > b ? b : x);   /* NaN stays NaN, as numpy.clip */
	case OPID_threshold: MAP_F32(x > a ? x : a);
	case OPID_exp: MAP_F32(expf(x));
	case OPID_sqrt: MAP_F32(sqrtf(x));
	case OPID_rsqrt: MAP_F32(1.0f / sqrtf(x + a));
	case OPID_tanh: MAP_F32(tanhf(x));
	case OPID_abs: MAP_F32(fabsf(x));
	case OPID_square: MAP_F32(x * x);
	case OPID_inverse: MAP_F32(1.0f / (x + a));
	case OPID_erf: MAP_F32(erff(x));
	default: return false;
	}
}

int rt_exec_unary(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x || x->dt == DT_STRING)
		return rt_fail(c, RT_E_OP, "%s needs a numeric x", o->op->kind);
	/* log, rsqrt and inverse take `epsilon` (defaults in the catalogue);
	 * threshold and clip take alpha (and beta). */
	double a = 0, b = 0;
	if (o->id == OPID_threshold || o->id == OPID_clip) {
		a = rt_in_float(o, "alpha", 0);
		b = rt_in_float(o, "beta", 0);
	} else if (o->id == OPID_inverse || o->id == OPID_log || o->id == OPID_rsqrt) {
		a = rt_in_float(o, "epsilon", 0);
	}
	DType dt = output_dtype(o, x->dt);
	RtTensor *y = rt_out(c, o, 0, dt, x->rank, x->dims);
	if (!y)
		return -1;
	if (x->dt == DT_FP32 && dt == DT_FP32 && unary_f32(o->id, x->data, y->data, x->numel,
	                                                   (float)a, (float)b))
		return 0;
	for (int64_t i = 0; i < x->numel; i++)
		rt_tensor_set(y, i, unary(o->id, rt_tensor_get(x, i), a, b));
	return 0;
}

static double binary(OpId id, double x, double y)
{
	switch (id) {
	case OPID_add: return x + y;
	case OPID_sub: return x - y;
	case OPID_mul: return x * y;
	case OPID_real_div: return x / y;
	case OPID_floor_div: return floor(x / y);
	case OPID_mod: return x - floor(x / y) * y;     /* sign of y (Python) */
	case OPID_pow: return pow(x, y);
	case OPID_maximum: return fmax(x, y);
	case OPID_minimum: return fmin(x, y);
	case OPID_equal: return x == y;
	case OPID_not_equal: return x != y;
	case OPID_greater: return x > y;
	case OPID_greater_equal: return x >= y;
	case OPID_less: return x < y;
	case OPID_less_equal: return x <= y;
	case OPID_logical_and: return x != 0 && y != 0;
	case OPID_logical_or: return x != 0 || y != 0;
	case OPID_logical_xor: return (x != 0) != (y != 0);
	default: return NAN;
	}
}

static float binary_f32(OpId id, float x, float y)
{
	switch (id) {
	case OPID_add: return x + y;
	case OPID_sub: return x - y;
	case OPID_mul: return x * y;
	case OPID_real_div: return x / y;
	default: return (float)binary(id, x, y);
	}
}

/* Integer ops exactly: Python floor division and modulo, and a zero
 * divisor gives 0 rather than a trap (ops.md leaves it undefined). */
static double binary_int(OpId id, int64_t x, int64_t y)
{
	switch (id) {
	case OPID_floor_div:
		if (y == 0)
			return 0;
		return (double)(x / y - ((x % y != 0) && ((x < 0) != (y < 0))));
	case OPID_mod:
		if (y == 0)
			return 0;
		return (double)(((x % y) + y) % y);
	case OPID_real_div:
		return y == 0 ? 0 : (double)(x / y);    /* truncation toward zero (ops.md UNSURE) */
	default:
		return binary(id, (double)x, (double)y);
	}
}

/* Advance a multi-index over dims, updating two strided offsets. */
static void step(int32_t rank, const int64_t *dims, int64_t *idx, const int64_t *sa,
                 const int64_t *sb, int64_t *oa, int64_t *ob)
{
	for (int32_t d = rank - 1; d >= 0; d--) {
		idx[d]++;
		*oa += sa[d];
		*ob += sb[d];
		if (idx[d] < dims[d])
			return;
		*oa -= sa[d] * dims[d];
		*ob -= sb[d] * dims[d];
		idx[d] = 0;
	}
}

int rt_exec_binary(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *y = rt_in(o, "y");
	if (!x || !y || x->dt == DT_STRING || y->dt == DT_STRING)
		return rt_fail(c, RT_E_OP, "%s needs numeric x and y", o->op->kind);
	int32_t rank;
	int64_t dims[RT_MAX_RANK], sx[RT_MAX_RANK], sy[RT_MAX_RANK], idx[RT_MAX_RANK] = { 0 };
	if (rt_broadcast_shape(c, x, y, &rank, dims) < 0)
		return -1;
	DType dt = output_dtype(o, x->dt);
	RtTensor *z = rt_out(c, o, 0, dt, rank, dims);
	if (!z)
		return -1;
	rt_broadcast_strides(x, rank, dims, sx);
	rt_broadcast_strides(y, rank, dims, sy);
	bool fast = x->dt == DT_FP32 && y->dt == DT_FP32 && dt == DT_FP32;
	bool ints = x->dt == DT_INT32 && y->dt == DT_INT32;
	int64_t ox = 0, oy = 0;
	if (fast && x->numel == z->numel && y->numel == z->numel) {
		const float *xs = x->data, *ys = y->data;
		float *zs = z->data;
		for (int64_t i = 0; i < z->numel; i++)
			zs[i] = binary_f32(o->id, xs[i], ys[i]);
		return 0;
	}
	for (int64_t i = 0; i < z->numel; i++) {
		if (fast)
			((float *)z->data)[i] = binary_f32(o->id, ((const float *)x->data)[ox],
			                                   ((const float *)y->data)[oy]);
		else if (ints)
			rt_tensor_set(z, i, binary_int(o->id, ((const int32_t *)x->data)[ox],
			                               ((const int32_t *)y->data)[oy]));
		else
			rt_tensor_set(z, i, binary(o->id, rt_tensor_get(x, ox), rt_tensor_get(y, oy)));
		step(rank, dims, idx, sx, sy, &ox, &oy);
	}
	return 0;
}

/* numpy astype: float -> int truncates toward zero (rt_tensor_set
 * saturates), anything -> bool is x != 0.  fp16 targets stay fp32 inside
 * the runtime: the CPU path computes in fp32 (issue 10 item 3). */
int rt_exec_cast(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	const char *name = rt_in_str(o, "dtype", NULL);
	DType to = name ? dtype_from_name(name, strlen(name)) : DT_COUNT;
	if (!x || to == DT_COUNT || to == DT_STRING || x->dt == DT_STRING)
		return rt_fail(c, RT_E_OP, "cast to '%s' is not supported", name ? name : "?");
	DType st = rt_storage_dtype(to);
	RtTensor *y = rt_out(c, o, 0, st, x->rank, x->dims);
	if (!y)
		return -1;
	for (int64_t i = 0; i < x->numel; i++) {
		double v = rt_tensor_get(x, i);
		if (st == DT_INT32)
			v = trunc(v);
		rt_tensor_set(y, i, v);
	}
	return 0;
}

/* out = cond ? a : b, three-way broadcast (ops.md select). */
int rt_exec_select(RtCtx *c, RtOp *o)
{
	const RtTensor *cd = rt_in(o, "cond"), *a = rt_in(o, "a"), *b = rt_in(o, "b");
	if (!cd || !a || !b || a->dt != b->dt)
		return rt_fail(c, RT_E_OP, "select needs cond, a and b of one dtype");
	int32_t r1, rank;
	int64_t d1[RT_MAX_RANK], dims[RT_MAX_RANK];
	if (rt_broadcast_shape(c, a, b, &r1, d1) < 0)
		return -1;
	RtTensor ab = { .rank = r1 };
	memcpy(ab.dims, d1, sizeof d1);
	if (rt_broadcast_shape(c, cd, &ab, &rank, dims) < 0)
		return -1;
	RtTensor *z = rt_out(c, o, 0, a->dt, rank, dims);
	if (!z)
		return -1;
	int64_t sc[RT_MAX_RANK], sa[RT_MAX_RANK], sb[RT_MAX_RANK], idx[RT_MAX_RANK] = { 0 };
	int64_t zero[RT_MAX_RANK] = { 0 };
	rt_broadcast_strides(cd, rank, dims, sc);
	rt_broadcast_strides(a, rank, dims, sa);
	rt_broadcast_strides(b, rank, dims, sb);
	int64_t oc = 0, oa = 0, ob = 0, unused = 0;
	for (int64_t i = 0; i < z->numel; i++) {
		rt_tensor_set(z, i, rt_tensor_get(cd, oc) != 0 ? rt_tensor_get(a, oa)
		                                               : rt_tensor_get(b, ob));
		int64_t save[RT_MAX_RANK];
		memcpy(save, idx, sizeof save);
		step(rank, dims, idx, sa, sb, &oa, &ob);
		memcpy(idx, save, sizeof save);
		step(rank, dims, idx, sc, zero, &oc, &unused);
	}
	return 0;
}
