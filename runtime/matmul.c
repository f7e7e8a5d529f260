/*
 * matmul.c - linear and matmul (ops.md linear, matmul) through CBLAS
 * SGEMM; matmul broadcasts batch dims numpy-style and honours
 * transpose_x / transpose_y.  Integer matmuls are exact (int64 sums).
 */
#include <string.h>

#include <cblas.h>

#include "runtime/rt_int.h"

int rt_exec_linear(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *w = rt_in(o, "weight"), *b = rt_in(o, "bias");
	if (!rt_f32(x) || !rt_f32(w) || w->rank != 2 || x->rank < 1 || (b && !rt_f32(b)))
		return rt_fail(c, RT_E_OP, "linear needs float x and a 2-D float weight");
	int64_t din = x->dims[x->rank - 1], dout = w->dims[0];
	if (w->dims[1] != din || (b && b->numel != dout))
		return rt_fail(c, RT_E_OP, "linear: x has %lld features, weight is [%lld, %lld]",
		               (long long)din, (long long)w->dims[0], (long long)w->dims[1]);
	int64_t dims[RT_MAX_RANK];
	memcpy(dims, x->dims, sizeof dims);
	dims[x->rank - 1] = dout;
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, dims);
	if (!y)
		return -1;
	int64_t rows = din ? x->numel / din : 0;
	float *ys = y->data;
	if (b)
		for (int64_t r = 0; r < rows; r++)
			memcpy(ys + r * dout, b->data, sizeof(float) * (size_t)dout);
	if (rows && dout)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)dout, (int)din,
		            1.0f, x->data, (int)din, w->data, (int)din, b ? 1.0f : 0.0f, ys,
		            (int)dout);
	return 0;
}

/* A matmul operand as [batch..., r, c] with its transpose applied. */
typedef struct MatView {
	int32_t brank;
	int64_t bdims[RT_MAX_RANK];
	int64_t rows, cols;         /* after the transpose */
	bool trans;
} MatView;

static void view(const RtTensor *t, bool trans, bool is_x, MatView *v)
{
	if (t->rank == 1) {         /* x: prepend 1 -> [1, n]; y: append 1 -> [n, 1] */
		v->brank = 0;
		v->rows = is_x ? 1 : t->dims[0];
		v->cols = is_x ? t->dims[0] : 1;
		v->trans = false;
		return;
	}
	v->brank = t->rank - 2;
	memcpy(v->bdims, t->dims, sizeof(int64_t) * (size_t)v->brank);
	int64_t r = t->dims[t->rank - 2], cc = t->dims[t->rank - 1];
	v->trans = trans;
	v->rows = trans ? cc : r;
	v->cols = trans ? r : cc;
}

static void int_gemm(const int32_t *a, const int32_t *b, int32_t *out, const MatView *va,
                     const MatView *vb)
{
	int64_t m = va->rows, k = va->cols, n = vb->cols;
	int64_t sa = va->trans ? m : k, sb = vb->trans ? k : n;
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < n; j++) {
			int64_t acc = 0;
			for (int64_t p = 0; p < k; p++)
				acc += (int64_t)(va->trans ? a[p * sa + i] : a[i * sa + p]) *
				       (vb->trans ? b[j * sb + p] : b[p * sb + j]);
			out[i * n + j] = (int32_t)acc;
		}
}

int rt_exec_matmul(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *y = rt_in(o, "y");
	if (!x || !y || x->rank < 1 || y->rank < 1 || x->dt != y->dt ||
	    (x->dt != DT_FP32 && x->dt != DT_INT32))
		return rt_fail(c, RT_E_OP, "matmul needs x and y of one numeric dtype, rank >= 1");
	MatView vx, vy;
	view(x, rt_in_bool(o, "transpose_x", false), true, &vx);
	view(y, rt_in_bool(o, "transpose_y", false), false, &vy);
	if (vx.cols != vy.rows)
		return rt_fail(c, RT_E_OP, "matmul: inner dims %lld and %lld differ",
		               (long long)vx.cols, (long long)vy.rows);
	RtTensor bx = { .rank = vx.brank }, by = { .rank = vy.brank };
	memcpy(bx.dims, vx.bdims, sizeof bx.dims);
	memcpy(by.dims, vy.bdims, sizeof by.dims);
	int32_t brank;
	int64_t dims[RT_MAX_RANK], sx[RT_MAX_RANK], sy[RT_MAX_RANK];
	if (rt_broadcast_shape(c, &bx, &by, &brank, dims) < 0 || brank + 2 > RT_MAX_RANK)
		return -1;
	rt_broadcast_strides(&bx, brank, dims, sx);
	rt_broadcast_strides(&by, brank, dims, sy);
	int64_t nb = 1;
	for (int32_t i = 0; i < brank; i++)
		nb *= dims[i];
	int32_t orank = brank;
	if (x->rank > 1)
		dims[orank++] = vx.rows;
	if (y->rank > 1)
		dims[orank++] = vy.cols;
	RtTensor *z = rt_out(c, o, 0, x->dt, orank, dims);
	if (!z)
		return -1;
	int64_t m = vx.rows, k = vx.cols, n = vy.cols, esz = 4;
	for (int64_t bi = 0; bi < nb; bi++) {
		/* The batch offsets of x and y for output batch bi (broadcast). */
		int64_t rem = bi, ox = 0, oy = 0;
		for (int32_t d = brank - 1; d >= 0; d--) {
			int64_t id = rem % dims[d];
			rem /= dims[d];
			ox += id * sx[d];
			oy += id * sy[d];
		}
		const char *a = (const char *)x->data + ox * m * k * esz;
		const char *b = (const char *)y->data + oy * k * n * esz;
		char *out = (char *)z->data + bi * m * n * esz;
		if (x->dt == DT_INT32) {
			int_gemm((const int32_t *)a, (const int32_t *)b, (int32_t *)out, &vx, &vy);
			continue;
		}
		if (!k)
			memset(out, 0, (size_t)(m * n * esz));
		else if (m && n)
			cblas_sgemm(CblasRowMajor, vx.trans ? CblasTrans : CblasNoTrans,
			            vy.trans ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
			            (const float *)a, (int)(vx.trans ? m : k), (const float *)b,
			            (int)(vy.trans ? k : n), 0.0f, (float *)out, (int)n);
	}
	return 0;
}
