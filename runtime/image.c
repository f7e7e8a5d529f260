/*
 * image.c - image resampling (ops.md upsample_nearest_neighbor,
 * resize_nearest_neighbor, upsample_bilinear).  Nearest neighbour:
 * the last two dims scaled by scale_factor_height / _width, each output
 * pixel reading the input pixel min(floor(h * H1 / H2), H1 - 1).
 */
#include <math.h>
#include <string.h>

#include "runtime/rt_int.h"

/* Nearest neighbour over the last two dims to h2 x w2: output pixel (y, x)
 * reads min(floor(y * H1 / H2), H1 - 1) (ops.md, the UNSURE convention
 * for fractional scales; exact for integer ones). */
static int resample_nearest(RtCtx *c, RtOp *o, const RtTensor *x, int64_t h2, int64_t w2)
{
	int64_t h1 = x->dims[x->rank - 2], w1 = x->dims[x->rank - 1];
	int64_t dims[RT_MAX_RANK];
	memcpy(dims, x->dims, sizeof dims);
	dims[x->rank - 2] = h2;
	dims[x->rank - 1] = w2;
	RtTensor *y = rt_out(c, o, 0, x->dt, x->rank, dims);
	if (!y)
		return -1;
	size_t es = rt_dtype_size(x->dt);
	int64_t planes = h1 > 0 && w1 > 0 ? x->numel / (h1 * w1) : 0;
	for (int64_t p = 0; p < planes; p++)
		for (int64_t oy = 0; oy < h2; oy++) {
			int64_t iy = oy * h1 / h2 < h1 ? oy * h1 / h2 : h1 - 1;
			for (int64_t ox = 0; ox < w2; ox++) {
				int64_t ix = ox * w1 / w2 < w1 ? ox * w1 / w2 : w1 - 1;
				memcpy((char *)y->data + (size_t)((p * h2 + oy) * w2 + ox) * es,
				       (const char *)x->data + (size_t)((p * h1 + iy) * w1 + ix) * es, es);
			}
		}
	return 0;
}

int rt_exec_upsample_nearest(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x || x->rank < 3)
		return rt_fail(c, RT_E_OP, "upsample_nearest_neighbor needs x of rank >= 3");
	double sh = rt_in_float(o, "scale_factor_height", 1), sw = rt_in_float(o, "scale_factor_width", 1);
	int64_t h1 = x->dims[x->rank - 2], w1 = x->dims[x->rank - 1];
	int64_t h2 = (int64_t)floor((double)h1 * sh), w2 = (int64_t)floor((double)w1 * sw);
	if (sh <= 0 || sw <= 0 || h2 < 1 || w2 < 1)
		return rt_fail(c, RT_E_OP, "upsample_nearest_neighbor: scale %g x %g", sh, sw);
	return resample_nearest(c, o, x, h2, w2);
}

int rt_exec_resize_nearest(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	int64_t h2 = rt_in_int(o, "target_size_height", 0), w2 = rt_in_int(o, "target_size_width", 0);
	if (!x || x->rank < 3 || h2 < 1 || w2 < 1)
		return rt_fail(c, RT_E_OP, "resize_nearest_neighbor needs x of rank >= 3 and sizes >= 1");
	return resample_nearest(c, o, x, h2, w2);
}

/* Source coordinate of output i along an axis of n_in -> n_out: the
 * align_corners grid, half-pixel centres, or TF's legacy i * in / out
 * (ops.md upsample_bilinear), clamped to [0, n_in - 1]. */
static double source_coord(int64_t i, int64_t n_in, int64_t n_out, bool align, bool half)
{
	double s;
	if (align)
		s = n_out > 1 ? (double)i * (double)(n_in - 1) / (double)(n_out - 1) : 0;
	else if (half)
		s = ((double)i + 0.5) * (double)n_in / (double)n_out - 0.5;
	else
		s = (double)i * (double)n_in / (double)n_out;
	return s < 0 ? 0 : s > (double)(n_in - 1) ? (double)(n_in - 1) : s;
}

int rt_exec_upsample_bilinear(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!rt_f32(x) || x->rank < 3)
		return rt_fail(c, RT_E_OP, "upsample_bilinear needs a float x of rank >= 3");
	double sh = rt_in_float(o, "scale_factor_height", 1), sw = rt_in_float(o, "scale_factor_width", 1);
	bool align = rt_in_bool(o, "align_corners", true);
	bool half = rt_in_bool(o, "half_pixel_centers", !align);
	int64_t h1 = x->dims[x->rank - 2], w1 = x->dims[x->rank - 1];
	int64_t h2 = (int64_t)floor((double)h1 * sh), w2 = (int64_t)floor((double)w1 * sw);
	if (h1 < 1 || w1 < 1 || h2 < 1 || w2 < 1)
		return rt_fail(c, RT_E_OP, "upsample_bilinear: scale %g x %g of %lld x %lld", sh, sw,
		               (long long)h1, (long long)w1);
	int64_t dims[RT_MAX_RANK];
	memcpy(dims, x->dims, sizeof dims);
	dims[x->rank - 2] = h2;
	dims[x->rank - 1] = w2;
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, dims);
	if (!y)
		return -1;
	int64_t planes = x->numel / (h1 * w1);
	const float *xs = x->data;
	float *ys = y->data;
	for (int64_t p = 0; p < planes; p++)
		for (int64_t oy = 0; oy < h2; oy++) {
			double fy = source_coord(oy, h1, h2, align, half);
			int64_t y0 = (int64_t)fy, y1 = y0 + 1 < h1 ? y0 + 1 : y0;
			double dy = fy - (double)y0;
			for (int64_t ox = 0; ox < w2; ox++) {
				double fx = source_coord(ox, w1, w2, align, half);
				int64_t x0 = (int64_t)fx, x1 = x0 + 1 < w1 ? x0 + 1 : x0;
				double dx = fx - (double)x0;
				const float *pl = xs + p * h1 * w1;
				double top = pl[y0 * w1 + x0] * (1 - dx) + pl[y0 * w1 + x1] * dx;
				double bot = pl[y1 * w1 + x0] * (1 - dx) + pl[y1 * w1 + x1] * dx;
				ys[(p * h2 + oy) * w2 + ox] = (float)(top * (1 - dy) + bot * dy);
			}
		}
	return 0;
}
