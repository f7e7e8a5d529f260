/*
 * layout.c - data movement beyond shape.c (ops.md pad, slice_by_size,
 * reverse, flatten2d, depth_to_space, space_to_depth, pixel_shuffle,
 * pixel_unshuffle).  Elements are moved as bytes, whatever their dtype.
 */
#include <string.h>

#include "runtime/rt_int.h"

/* Copy element src_off of x into element i of y. */
static void move1(RtTensor *y, int64_t i, const RtTensor *x, int64_t src_off)
{
	size_t es = rt_dtype_size(x->dt);
	memcpy((char *)y->data + (size_t)i * es, (const char *)x->data + (size_t)src_off * es, es);
}

/* Index of position p (0 <= p < d + before + after) in a dim of size d
 * padded by `before`: -1 outside for constant mode. */
static int64_t pad_source(int64_t p, int64_t d, int64_t before, const char *mode)
{
	int64_t q = p - before;
	if (q >= 0 && q < d)
		return q;
	if (mode[0] == 'c')
		return -1;
	if (mode[0] == 'r' && mode[2] == 'p')              /* replicate */
		return q < 0 ? 0 : d - 1;
	return q < 0 ? -q : 2 * (d - 1) - q;                /* reflect */
}

int rt_exec_pad(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	int64_t pad[2 * RT_MAX_RANK];
	int np = rt_in_ints(o, "pad", pad, 2 * RT_MAX_RANK);
	const char *mode = rt_in_str(o, "mode", "constant");
	if (!rt_f32(x) || np < 0 || np % 2 || np / 2 > x->rank)
		return rt_fail(c, RT_E_OP, "pad needs a float x and pairs of pads for its last dims");
	if (strcmp(mode, "constant") && strcmp(mode, "reflect") && strcmp(mode, "replicate"))
		return rt_fail(c, RT_E_OP, "pad mode '%s' is not one of ops.md's", mode);
	int64_t before[RT_MAX_RANK] = { 0 }, dims[RT_MAX_RANK], xs[RT_MAX_RANK];
	int32_t first = x->rank - np / 2;
	for (int32_t d = 0; d < x->rank; d++) {
		int64_t b = d >= first ? pad[2 * (d - first)] : 0, a = d >= first ? pad[2 * (d - first) + 1] : 0;
		int64_t limit = mode[0] == 'c' ? INT32_MAX : mode[2] == 'p' ? x->dims[d] : x->dims[d] - 1;
		if (b < 0 || a < 0 || ((b || a) && (b > limit || a > limit || !x->dims[d])))
			return rt_fail(c, RT_E_OP, "pad %lld, %lld on a dim of %lld in %s mode",
			               (long long)b, (long long)a, (long long)x->dims[d], mode);
		before[d] = b;
		dims[d] = x->dims[d] + b + a;
	}
	RtTensor *y = rt_out(c, o, 0, DT_FP32, x->rank, dims);
	if (!y)
		return -1;
	float value = (float)rt_in_float(o, "constant_val", 0);
	rt_row_strides(x->rank, x->dims, xs);
	int64_t idx[RT_MAX_RANK] = { 0 };
	for (int64_t i = 0; i < y->numel; i++) {
		int64_t off = 0;
		for (int32_t d = 0; d < x->rank && off >= 0; d++) {
			int64_t s = pad_source(idx[d], x->dims[d], before[d], mode);
			off = s < 0 ? -1 : off + s * xs[d];
		}
		((float *)y->data)[i] = off < 0 ? value : ((const float *)x->data)[off];
		rt_next_index(x->rank, dims, idx);
	}
	return 0;
}

int rt_exec_slice_by_size(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	int64_t begin[RT_MAX_RANK], size[RT_MAX_RANK], xs[RT_MAX_RANK];
	if (!x || rt_in_ints(o, "begin", begin, RT_MAX_RANK) != x->rank ||
	    rt_in_ints(o, "size", size, RT_MAX_RANK) != x->rank)
		return rt_fail(c, RT_E_OP, "slice_by_size needs begin and size of length rank(x)");
	for (int32_t d = 0; d < x->rank; d++) {
		if (begin[d] < 0)
			begin[d] += x->dims[d];
		if (size[d] == -1)
			size[d] = x->dims[d] - begin[d];
		if (begin[d] < 0 || size[d] < 0 || begin[d] + size[d] > x->dims[d])
			return rt_fail(c, RT_E_INDEX, "slice_by_size: [%lld, +%lld) outside a dim of %lld",
			               (long long)begin[d], (long long)size[d], (long long)x->dims[d]);
	}
	RtTensor *y = rt_out(c, o, 0, x->dt, x->rank, size);
	if (!y)
		return -1;
	rt_row_strides(x->rank, x->dims, xs);
	int64_t base = 0;
	for (int32_t d = 0; d < x->rank; d++)
		base += begin[d] * xs[d];
	rt_gather_strided(x->data, base, xs, x->rank, size, y->numel, rt_dtype_size(x->dt), y->data);
	return 0;
}

int rt_exec_reverse(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x)
		return rt_fail(c, RT_E_OP, "reverse needs x");
	int64_t axes[RT_MAX_RANK], xs[RT_MAX_RANK];
	bool flip[RT_MAX_RANK] = { false };
	int na = rt_in_ints(o, "axes", axes, RT_MAX_RANK);
	for (int i = 0; i < (na < 0 ? x->rank : na); i++) {
		int ax = na < 0 ? i : rt_axis(c, axes[i], x->rank);
		if (ax < 0)
			return -1;
		flip[ax] = true;
	}
	RtTensor *y = rt_out(c, o, 0, x->dt, x->rank, x->dims);
	if (!y)
		return -1;
	/* A flipped axis starts at its last element and walks backwards. */
	rt_row_strides(x->rank, x->dims, xs);
	int64_t base = 0;
	for (int32_t d = 0; d < x->rank; d++)
		if (flip[d] && x->dims[d] > 0) {
			base += (x->dims[d] - 1) * xs[d];
			xs[d] = -xs[d];
		}
	rt_gather_strided(x->data, base, xs, x->rank, x->dims, y->numel, rt_dtype_size(x->dt), y->data);
	return 0;
}

int rt_exec_flatten2d(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	if (!x)
		return rt_fail(c, RT_E_OP, "flatten2d needs x");
	int64_t axis = rt_in_int(o, "axis", 1);
	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return rt_fail(c, RT_E_OP, "flatten2d: axis out of range");
	int64_t dims[2] = { 1, 1 };
	for (int32_t d = 0; d < x->rank; d++)
		dims[d >= axis] *= x->dims[d];
	RtTensor *y = rt_out(c, o, 0, x->dt, 2, dims);
	if (!y)
		return -1;
	memcpy(y->data, x->data, (size_t)x->numel * rt_dtype_size(x->dt));
	return 0;
}

/* depth_to_space, space_to_depth, pixel_shuffle and pixel_unshuffle: an
 * output [n, c, h, w] reads x[n, channel, h / f, w / f] (to space) or
 * x[n, c', h * f + i, w * f + j] (to depth), with the channel orderings of
 * ops.md (DCR for depth_to_space, CRD for pixel_shuffle). */
int rt_exec_space_depth(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x");
	bool to_space = o->id == OPID_depth_to_space || o->id == OPID_pixel_shuffle;
	bool crd = o->id == OPID_pixel_shuffle || o->id == OPID_pixel_unshuffle;
	int64_t f = o->id == OPID_pixel_shuffle ? rt_in_int(o, "upscale_factor", 0)
	          : o->id == OPID_pixel_unshuffle ? rt_in_int(o, "downscale_factor", 0)
	                                           : rt_in_int(o, "block_size", 0);
	if (!x || x->rank != 4 || f < 1)
		return rt_fail(c, RT_E_OP, "%s needs x [n, C, H, W] and a factor >= 1", o->op->kind);
	int64_t n = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
	if ((to_space && C % (f * f)) || (!to_space && (H % f || W % f)))
		return rt_fail(c, RT_E_OP, "%s: shape does not divide by %lld", o->op->kind,
		               (long long)f);
	int64_t dims[4] = { n, to_space ? C / (f * f) : C * f * f, to_space ? H * f : H / f,
	                    to_space ? W * f : W / f };
	RtTensor *y = rt_out(c, o, 0, x->dt, 4, dims);
	if (!y)
		return -1;
	int64_t cs = to_space ? dims[1] : C;     /* channels of the spatial side */
	int64_t i = 0;
	for (int64_t b = 0; b < n; b++)
		for (int64_t ch = 0; ch < dims[1]; ch++)
			for (int64_t h = 0; h < dims[2]; h++)
				for (int64_t w = 0; w < dims[3]; w++, i++) {
					/* (c, i, j) of the spatial side and the depth channel they map to */
					int64_t sc, si, sj, sh, sw;
					if (to_space) {
						sc = ch, si = h % f, sj = w % f, sh = h / f, sw = w / f;
					} else {
						int64_t blk = crd ? ch % (f * f) : ch / C;
						sc = crd ? ch / (f * f) : ch % C, si = blk / f, sj = blk % f;
						sh = h * f + si, sw = w * f + sj;
					}
					int64_t dc = crd ? sc * f * f + si * f + sj : (si * f + sj) * cs + sc;
					int64_t off = to_space ? ((b * C + dc) * H + sh) * W + sw
					                       : ((b * C + sc) * H + sh) * W + sw;
					move1(y, i, x, off);
				}
	return 0;
}
