/*
 * image.c - image resampling kernels (ops.md upsample_nearest_neighbor):
 * the last two dims scaled by scale_factor_height / _width, each output
 * pixel reading the input pixel min(floor(h * H1 / H2), H1 - 1).
 */
#include <math.h>
#include <string.h>

#include "runtime/rt_int.h"

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
			int64_t iy = oy * h1 / h2;
			for (int64_t ox = 0; ox < w2; ox++) {
				int64_t ix = ox * w1 / w2;
				memcpy((char *)y->data + (size_t)((p * h2 + oy) * w2 + ox) * es,
				       (const char *)x->data + (size_t)((p * h1 + iy) * w1 + ix) * es, es);
			}
		}
	return 0;
}
