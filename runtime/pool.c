/*
 * pool.c - max_pool and avg_pool over 1 or 2 spatial dims (ops.md
 * avg_pool, max_pool): padded positions are ignored by max and counted by
 * avg unless exclude_padding_from_average; ceil_mode windows that overhang
 * the padded input never count the overhang (PyTorch's rule, ops.md).
 */
#include <math.h>

#include "runtime/spatial.h"

int rt_exec_pool(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!rt_f32(x) || (x->rank != 3 && x->rank != 4))
		return rt_fail(c, RT_E_OP, "%s needs a float x of rank 3 or 4 in this version",
		               o->op->kind);
	RtWindow win = { .ns = x->rank - 2 };
	int64_t ks[RT_MAX_SPATIAL];
	if (rt_in_ints(o, "kernel_sizes", ks, RT_MAX_SPATIAL) != win.ns)
		return rt_fail(c, RT_E_OP, "%s needs %d kernel sizes", o->op->kind, win.ns);
	for (int i = 0; i < win.ns; i++) {
		win.in[i] = x->dims[2 + i];
		win.k[i] = ks[i];
	}
	if (rt_window(c, o, &win, rt_in_bool(o, "ceil_mode", false)) < 0)
		return -1;
	bool two = win.ns == 2, is_max = o->id == OPID_max_pool;
	bool exclude = rt_in_bool(o, "exclude_padding_from_average", false);
	int64_t h = two ? win.in[0] : 1, w = win.in[two], kh = two ? win.k[0] : 1, kw = win.k[two];
	int64_t sh = two ? win.s[0] : 1, sw = win.s[two], ph = two ? win.before[0] : 0,
	        pw = win.before[two], ho = two ? win.out[0] : 1, wo = win.out[two];
	/* The padded extent: windows reaching past it (ceil_mode) are cut. */
	int64_t hpad = h + ph + (two ? win.after[0] : 0), wpad = w + pw + win.after[two];
	int64_t odims[RT_MAX_RANK] = { x->dims[0], x->dims[1], ho, wo };
	if (!two)
		odims[2] = wo;
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, odims);
	if (!y)
		return -1;
	const float *xs = x->data;
	float *ys = y->data;
	int64_t planes = x->dims[0] * x->dims[1];
	for (int64_t p = 0; p < planes; p++) {
		const float *xp = xs + p * h * w;
		float *yp = ys + p * ho * wo;
		for (int64_t oy = 0; oy < ho; oy++) {
			/* Window rows inside the padded extent, and inside the input. */
			int64_t py0 = oy * sh, py1 = py0 + kh < hpad ? py0 + kh : hpad;
			int64_t y0 = py0 - ph > 0 ? py0 - ph : 0, y1 = py1 - ph < h ? py1 - ph : h;
			for (int64_t ox = 0; ox < wo; ox++) {
				int64_t px0 = ox * sw, px1 = px0 + kw < wpad ? px0 + kw : wpad;
				int64_t x0 = px0 - pw > 0 ? px0 - pw : 0, x1 = px1 - pw < w ? px1 - pw : w;
				float acc = is_max ? -INFINITY : 0.0f;
				for (int64_t iy = y0; iy < y1; iy++)
					for (int64_t ix = x0; ix < x1; ix++) {
						float v = xp[iy * w + ix];
						acc = is_max ? (v > acc || v != v ? v : acc) : acc + v;
					}
				int64_t inside = (y1 > y0 ? y1 - y0 : 0) * (x1 > x0 ? x1 - x0 : 0);
				int64_t div = exclude ? inside : (py1 - py0) * (px1 - px0);
				yp[oy * wo + ox] = is_max ? acc : (div > 0 ? acc / (float)div : 0.0f);
			}
		}
	}
	return 0;
}
