/*
 * conv.c - conv (ops.md conv) for 1 and 2 spatial dims: im2col and one
 * SGEMM per group through CBLAS (a 1x1, stride-1, unpadded conv skips
 * im2col), a direct loop for depthwise convolutions (one input and one
 * output channel per group) where GEMM would multiply 1-wide matrices.
 */
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "runtime/spatial.h"

/* 1-D convs are 2-D convs with H = 1 from here on. */
typedef struct Geom {
	int64_t n, cin, h, w, cout, kh, kw, sh, sw, dh, dw, ph, pw, ho, wo, groups;
} Geom;

static void im2col(const float *x, const Geom *g, int64_t cig, float *col)
{
	int64_t hw = g->ho * g->wo;
	for (int64_t c = 0; c < cig; c++)
		for (int64_t ky = 0; ky < g->kh; ky++)
			for (int64_t kx = 0; kx < g->kw; kx++) {
				float *row = col + ((c * g->kh + ky) * g->kw + kx) * hw;
				const float *xc = x + c * g->h * g->w;
				for (int64_t oy = 0; oy < g->ho; oy++) {
					int64_t iy = oy * g->sh - g->ph + ky * g->dh;
					float *r = row + oy * g->wo;
					if (iy < 0 || iy >= g->h) {
						memset(r, 0, sizeof(float) * (size_t)g->wo);
						continue;
					}
					for (int64_t ox = 0; ox < g->wo; ox++) {
						int64_t ix = ox * g->sw - g->pw + kx * g->dw;
						r[ox] = ix >= 0 && ix < g->w ? xc[iy * g->w + ix] : 0.0f;
					}
				}
			}
}

/* One filter per channel: each output reads the window's rows and columns
 * that fall inside the input (bounds clamped once per row and column). */
static void depthwise(const float *x, const float *wt, const Geom *g, float *y)
{
	for (int64_t c = 0; c < g->cout; c++) {
		const float *xc = x + c * g->h * g->w, *wc = wt + c * g->kh * g->kw;
		float *yc = y + c * g->ho * g->wo;
		for (int64_t oy = 0; oy < g->ho; oy++) {
			int64_t base_y = oy * g->sh - g->ph;
			for (int64_t ox = 0; ox < g->wo; ox++) {
				int64_t base_x = ox * g->sw - g->pw;
				float acc = 0;
				for (int64_t ky = 0; ky < g->kh; ky++) {
					int64_t iy = base_y + ky * g->dh;
					if (iy < 0 || iy >= g->h)
						continue;
					const float *row = xc + iy * g->w, *wr = wc + ky * g->kw;
					int64_t kx = 0, kend = g->kw;
					while (kx < kend && base_x + kx * g->dw < 0)
						kx++;
					while (kend > kx && base_x + (kend - 1) * g->dw >= g->w)
						kend--;
					for (; kx < kend; kx++)
						acc += row[base_x + kx * g->dw] * wr[kx];
				}
				yc[oy * g->wo + ox] = acc;
			}
		}
	}
}

static int geometry(RtCtx *c, const RtOp *o, const RtTensor *x, const RtTensor *w, Geom *g)
{
	if (x->rank != 3 && x->rank != 4)
		return rt_fail(c, RT_E_OP, "conv of rank %d: only 1-D and 2-D convolutions run on "
		               "the cpu device in this version", x->rank);
	if (w->rank != x->rank)
		return rt_fail(c, RT_E_OP, "conv weight rank %d differs from x rank %d", w->rank,
		               x->rank);
	RtWindow win = { .ns = x->rank - 2 };
	for (int i = 0; i < win.ns; i++) {
		win.in[i] = x->dims[2 + i];
		win.k[i] = w->dims[2 + i];
	}
	if (rt_window(c, o, &win, false) < 0)
		return -1;
	int two = win.ns == 2;
	*g = (Geom){ .n = x->dims[0], .cin = x->dims[1], .cout = w->dims[0],
		.h = two ? win.in[0] : 1, .w = win.in[two], .kh = two ? win.k[0] : 1,
		.kw = win.k[two], .sh = two ? win.s[0] : 1, .sw = win.s[two],
		.dh = two ? win.d[0] : 1, .dw = win.d[two], .ph = two ? win.before[0] : 0,
		.pw = win.before[two], .ho = two ? win.out[0] : 1, .wo = win.out[two],
		.groups = rt_in_int(o, "groups", 1) };
	if (g->groups < 1 || g->cin % g->groups || g->cout % g->groups ||
	    w->dims[1] != g->cin / g->groups)
		return rt_fail(c, RT_E_OP, "conv: C_in %lld, C_out %lld, groups %lld and weight "
		               "shape[1] %lld do not agree", (long long)g->cin, (long long)g->cout,
		               (long long)g->groups, (long long)w->dims[1]);
	return 0;
}

int rt_exec_conv(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *w = rt_in(o, "weight"), *b = rt_in(o, "bias");
	if (!rt_f32(x) || !rt_f32(w) || (b && !rt_f32(b)))
		return rt_fail(c, RT_E_OP, "conv needs float x, weight and bias");
	Geom g = { 0 };
	if (geometry(c, o, x, w, &g) < 0)
		return -1;
	if (b && b->numel != g.cout)
		return rt_fail(c, RT_E_OP, "conv bias has %lld values for %lld output channels",
		               (long long)b->numel, (long long)g.cout);
	int64_t odims[RT_MAX_RANK] = { g.n, g.cout, g.ho, g.wo };
	if (x->rank == 3)
		odims[2] = g.wo;
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, odims);
	if (!y)
		return -1;
	int64_t cig = g.cin / g.groups, cog = g.cout / g.groups, kk = cig * g.kh * g.kw;
	int64_t hw = g.ho * g.wo;
	bool direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 &&
	              g.ho == g.h && g.wo == g.w;
	bool dw = cig == 1 && cog == 1;
	float *col = NULL;
	if (!direct && !dw) {
		col = malloc(sizeof(float) * (size_t)(kk * hw > 0 ? kk * hw : 1));
		if (!col)
			return rt_fail(c, RT_E_MEMORY, "conv: no memory for im2col");
	}
	const float *xs = x->data, *ws = w->data;
	float *ys = y->data;
	for (int64_t n = 0; n < g.n; n++) {
		const float *xn = xs + n * g.cin * g.h * g.w;
		float *yn = ys + n * g.cout * hw;
		if (dw) {
			depthwise(xn, ws, &g, yn);
			continue;
		}
		for (int64_t gi = 0; gi < g.groups; gi++) {
			const float *xg = xn + gi * cig * g.h * g.w;
			if (!direct)
				im2col(xg, &g, cig, col);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)cog, (int)hw, (int)kk,
			            1.0f, ws + gi * cog * kk, (int)kk, direct ? xg : col, (int)hw, 0.0f,
			            yn + gi * cog * hw, (int)hw);
		}
	}
	free(col);
	if (b) {
		const float *bs = b->data;
		for (int64_t n = 0; n < g.n; n++)
			for (int64_t oc = 0; oc < g.cout; oc++) {
				float *p = ys + (n * g.cout + oc) * hw;
				for (int64_t i = 0; i < hw; i++)
					p[i] += bs[oc];
			}
	}
	return 0;
}
