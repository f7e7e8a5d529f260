/*
 * attention.c - scaled_dot_product_attention (ops.md): per batch,
 * softmax(Q K^T / sqrt(E) + mask) V through two SGEMMs; a bool mask adds
 * -inf where it is false, a float mask is added; the mask broadcasts onto
 * [B, *, L, S].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "runtime/rt_int.h"

int rt_exec_sdpa(RtCtx *c, RtOp *o)
{
	const RtTensor *q = rt_in(o, "query"), *k = rt_in(o, "key"), *v = rt_in(o, "value");
	const RtTensor *mask = rt_in(o, "attn_mask");
	if (!rt_f32(q) || !rt_f32(k) || !rt_f32(v) || q->rank < 3 || k->rank != q->rank ||
	    v->rank != q->rank)
		return rt_fail(c, RT_E_OP, "scaled_dot_product_attention needs float q, k, v of one "
		               "rank >= 3");
	int32_t r = q->rank;
	int64_t L = q->dims[r - 2], E = q->dims[r - 1], S = k->dims[r - 2], EV = v->dims[r - 1];
	int64_t nb = 1;
	for (int32_t d = 0; d < r - 2; d++) {
		if (k->dims[d] != q->dims[d] || v->dims[d] != q->dims[d])
			return rt_fail(c, RT_E_OP, "scaled_dot_product_attention: batch dims differ");
		nb *= q->dims[d];
	}
	if (k->dims[r - 1] != E || v->dims[r - 2] != S)
		return rt_fail(c, RT_E_OP, "scaled_dot_product_attention: key / value shapes");
	int64_t sdims[RT_MAX_RANK], mstride[RT_MAX_RANK], odims[RT_MAX_RANK];
	memcpy(sdims, q->dims, sizeof sdims);
	sdims[r - 1] = S;
	memcpy(odims, q->dims, sizeof odims);
	odims[r - 1] = EV;
	if (mask) {
		RtTensor scores = { .rank = r };
		memcpy(scores.dims, sdims, sizeof sdims);
		int32_t br;
		int64_t bd[RT_MAX_RANK];
		if (rt_broadcast_shape(c, mask, &scores, &br, bd) < 0 || br != r)
			return rt_fail(c, RT_E_OP, "attn_mask does not broadcast onto [B, *, L, S]");
		for (int32_t d = 0; d < r; d++)
			if (bd[d] != sdims[d])
				return rt_fail(c, RT_E_OP, "attn_mask does not broadcast onto [B, *, L, S]");
		rt_broadcast_strides(mask, r, sdims, mstride);
	}
	RtTensor *y = rt_out(c, o, 0, DT_FP32, r, odims);
	float *p = y ? malloc(sizeof(float) * (size_t)(L * S > 0 ? L * S : 1)) : NULL;
	if (!p)
		return y ? rt_fail(c, RT_E_MEMORY, "scaled_dot_product_attention: out of memory") : -1;
	float scale = 1.0f / sqrtf((float)E);
	for (int64_t b = 0; b < nb; b++) {
		const float *qb = (const float *)q->data + b * L * E, *kb = (const float *)k->data + b * S * E;
		const float *vb = (const float *)v->data + b * S * EV;
		if (L && S && E)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)L, (int)S, (int)E, scale,
			            qb, (int)E, kb, (int)E, 0.0f, p, (int)S);
		else
			memset(p, 0, sizeof(float) * (size_t)(L * S));
		for (int64_t i = 0; i < L; i++) {
			float *row = p + i * S, m = -INFINITY;
			for (int64_t j = 0; mask && j < S; j++) {
				/* offset of mask element (batch b, i, j) */
				int64_t off = 0, rem = b;
				for (int32_t d = r - 3; d >= 0; d--) {
					off += (rem % sdims[d]) * mstride[d];
					rem /= sdims[d];
				}
				off += i * mstride[r - 2] + j * mstride[r - 1];
				double mv = rt_tensor_get(mask, off);
				row[j] += mask->dt == DT_BOOL ? (mv != 0 ? 0.0f : -INFINITY) : (float)mv;
			}
			for (int64_t j = 0; j < S; j++)
				m = fmaxf(m, row[j]);
			double sum = 0;
			for (int64_t j = 0; j < S; j++)
				sum += row[j] = m == -INFINITY ? 0.0f : expf(row[j] - m);
			for (int64_t j = 0; j < S; j++)
				row[j] = sum > 0 ? (float)(row[j] / sum) : 0.0f;
		}
		float *yb = (float *)y->data + b * L * EV;
		if (L && EV && S)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)L, (int)EV, (int)S, 1.0f,
			            p, (int)S, vb, (int)EV, 0.0f, yb, (int)EV);
		else
			memset(yb, 0, sizeof(float) * (size_t)(L * EV));
	}
	free(p);
	return 0;
}
