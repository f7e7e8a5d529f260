/*
 * constexpr.c - const and the constexpr_* ops (ops.md "Constexpr"), run
 * once at load (program.c folds them): affine_dequantize, cast,
 * lut_to_dense (iOS16 packed byte stream and iOS18 grouped / vector
 * palettes), sparse_to_dense (iOS16 bit mask and iOS18 uint1 mask),
 * blockwise_shift_scale, lut_to_sparse.  Operands arrive decoded by
 * weights.c: sub-byte indices one per int32 element.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/rt_int.h"

int rt_exec_const(RtCtx *c, RtOp *o)
{
	const RtTensor *v = rt_in(o, "val");
	if (!v || o->nouts != 1)
		return rt_fail(c, RT_E_OP, "const without a tensor value");
	return rt_tensor_convert(o->outs[0], v, DT_COUNT) < 0 ? rt_fail(c, RT_E_MEMORY, "const: out of memory") : 0;
}

/* The block index (per dim, element p / block size) of flat index i of a
 * tensor with dims, into a table of tdims: its flat offset. */
static int64_t block_offset(int64_t i, int32_t rank, const int64_t *dims, const int64_t *tdims)
{
	int64_t off = 0, mul = 1;
	for (int32_t d = rank - 1; d >= 0; d--) {
		int64_t p = i % dims[d];
		i /= dims[d];
		off += p / (dims[d] / tdims[d]) * mul;
		mul *= tdims[d];
	}
	return off;
}

static bool blocks_divide(const RtTensor *data, const RtTensor *table)
{
	if (table->rank != data->rank)
		return false;
	for (int32_t d = 0; d < data->rank; d++)
		if (table->dims[d] < 1 || data->dims[d] % table->dims[d])
			return false;
	return true;
}

static int affine_dequantize(RtCtx *c, RtOp *o)
{
	const RtTensor *q = rt_in(o, "quantized_data"), *zp = rt_in(o, "zero_point"),
	               *sc = rt_in(o, "scale");
	if (!q || !zp || !sc || q->rank < 1)
		return rt_fail(c, RT_E_OP, "constexpr_affine_dequantize needs its three operands");
	int axis = rt_axis(c, rt_in_int(o, "axis", 0), q->rank);
	if (axis < 0)
		return -1;
	int64_t inner = 1, dim = q->dims[axis];
	for (int32_t d = axis + 1; d < q->rank; d++)
		inner *= q->dims[d];
	if ((zp->numel != 1 && zp->numel != dim) || (sc->numel != 1 && sc->numel != dim))
		return rt_fail(c, RT_E_OP, "constexpr_affine_dequantize: scale / zero_point length");
	RtTensor *y = rt_out(c, o, 0, DT_FP32, q->rank, q->dims);
	if (!y)
		return -1;
	for (int64_t i = 0; i < q->numel; i++) {
		int64_t k = (i / inner) % dim;
		double z = rt_tensor_get(zp, zp->numel == 1 ? 0 : k);
		double s = rt_tensor_get(sc, sc->numel == 1 ? 0 : k);
		((float *)y->data)[i] = (float)(s * (rt_tensor_get(q, i) - z));
	}
	return 0;
}

static int output_shape(RtCtx *c, const RtOp *o, int32_t *rank, int64_t *dims, int64_t *n)
{
	int r = rt_in_ints(o, "shape", dims, RT_MAX_RANK);
	if (r < 0)
		return rt_fail(c, RT_E_OP, "%s needs a shape", o->op->kind);
	*rank = r;
	*n = 1;
	for (int i = 0; i < r; i++)
		*n *= dims[i];
	return 0;
}

/* Bits of a packed byte stream decoded one byte per int32 element. */
static unsigned packed_bits(const RtTensor *bytes, uint64_t bit, unsigned nbits)
{
	unsigned v = 0;
	for (unsigned b = 0; b < nbits; b++, bit++)
		if (((int32_t *)bytes->data)[bit / 8] >> (bit % 8) & 1)
			v |= 1u << b;
	return v;
}

static unsigned log2_exact(int64_t n)
{
	unsigned b = 0;
	while (((int64_t)1 << b) < n)
		b++;
	return ((int64_t)1 << b) == n ? b : 0;
}

/* iOS16: lut 1-D of 2^nbits entries, indices a packed byte stream. */
static int lut16(RtCtx *c, RtOp *o, const RtTensor *ix, const RtTensor *lut)
{
	int32_t rank = 0;
	int64_t dims[RT_MAX_RANK], n = 0;
	if (output_shape(c, o, &rank, dims, &n) < 0)
		return -1;
	unsigned nbits = log2_exact(lut->numel);
	if (!nbits || (uint64_t)ix->numel * 8 < (uint64_t)n * nbits || ix->dt != DT_INT32)
		return rt_fail(c, RT_E_OP, "constexpr_lut_to_dense: %lld palette entries, %lld index "
		               "bytes for %lld values", (long long)lut->numel, (long long)ix->numel,
		               (long long)n);
	RtTensor *y = rt_out(c, o, 0, lut->dt, rank, dims);
	if (!y)
		return -1;
	for (int64_t e = 0; e < n; e++)
		rt_tensor_set(y, e, rt_tensor_get(lut, packed_bits(ix, (uint64_t)e * nbits, nbits)));
	return 0;
}

/* iOS18: lut [G..., P, VS] over a dense shape (shape_of's); the table
 * for dense position p is lut[p / block].  Item k is dense position pos[k]
 * (sparse) or k (dense); its palette index is sel[k].  Dense output: the
 * shape with dim vector_axis times VS; sparse output: 1-D, npos * VS. */
static int lut18(RtCtx *c, RtOp *o, const RtTensor *shape_of, const RtTensor *lut, uint32_t out,
                 const RtTensor *sel, const int64_t *pos, int64_t npos)
{
	int32_t r = lut->rank - 2;
	if (r != shape_of->rank || r < 1)
		return rt_fail(c, RT_E_OP, "%s: lut rank %d for data of rank %d", o->op->kind,
		               lut->rank, shape_of->rank);
	int64_t pal = lut->dims[r], vs = lut->dims[r + 1];
	RtTensor groups = { .rank = r };
	memcpy(groups.dims, lut->dims, sizeof(int64_t) * (size_t)r);
	if (!blocks_divide(shape_of, &groups))
		return rt_fail(c, RT_E_OP, "%s: lut groups do not divide the shape", o->op->kind);
	int va = 0;
	if (vs > 1 && (va = rt_axis(c, rt_in_int(o, "vector_axis", 0), r)) < 0)
		return -1;
	int64_t dims[RT_MAX_RANK];
	memcpy(dims, shape_of->dims, sizeof dims);
	int32_t orank = r;
	if (pos) {
		orank = 1;
		dims[0] = npos * vs;
	} else {
		dims[va] *= vs;
	}
	RtTensor *y = rt_out(c, o, out, lut->dt, orank, dims);
	if (!y)
		return -1;
	int64_t inner = 1, dva = shape_of->dims[va];
	for (int32_t d = va + 1; d < r; d++)
		inner *= shape_of->dims[d];
	for (int64_t k = 0; k < npos; k++) {
		int64_t p = pos ? pos[k] : k;
		int64_t table = block_offset(p, r, shape_of->dims, groups.dims);
		int64_t ix = (int64_t)rt_tensor_get(sel, k);
		if (ix < 0 || ix >= pal)
			return rt_fail(c, RT_E_INDEX, "%s: palette index %lld of %lld", o->op->kind,
			               (long long)ix, (long long)pal);
		int64_t outer = p / (dva * inner), pv = (p / inner) % dva, pin = p % inner;
		for (int64_t v = 0; v < vs; v++) {
			int64_t at = pos ? k * vs + v : ((outer * dva + pv) * vs + v) * inner + pin;
			rt_tensor_set(y, at, rt_tensor_get(lut, (table * pal + ix) * vs + v));
		}
	}
	return 0;
}

static int lut_to_dense(RtCtx *c, RtOp *o)
{
	const RtTensor *ix = rt_in(o, "indices"), *lut = rt_in(o, "lut");
	if (!ix || !lut)
		return rt_fail(c, RT_E_OP, "constexpr_lut_to_dense needs indices and lut");
	if (rt_in(o, "shape"))
		return lut16(c, o, ix, lut);
	return lut18(c, o, ix, lut, 0, ix, NULL, ix->numel);
}

static int sparse_to_dense(RtCtx *c, RtOp *o)
{
	const RtTensor *nz = rt_in(o, "nonzero_data"), *mask = rt_in(o, "mask");
	if (!nz || !mask)
		return rt_fail(c, RT_E_OP, "constexpr_sparse_to_dense needs nonzero_data and mask");
	int32_t rank = mask->rank;
	int64_t dims[RT_MAX_RANK], n = mask->numel;
	bool packed = rt_in(o, "shape") != NULL;        /* iOS16: a bit-packed byte stream */
	if (packed && output_shape(c, o, &rank, dims, &n) < 0)
		return -1;
	if (!packed)
		memcpy(dims, mask->dims, sizeof dims);
	if (packed && (uint64_t)mask->numel * 8 < (uint64_t)n)
		return rt_fail(c, RT_E_OP, "constexpr_sparse_to_dense: mask too short");
	RtTensor *y = rt_out(c, o, 0, nz->dt, rank, dims);
	if (!y)
		return -1;
	int64_t k = 0;
	for (int64_t e = 0; e < n; e++) {
		bool set = packed ? packed_bits(mask, (uint64_t)e, 1) : rt_tensor_get(mask, e) != 0;
		if (set && k >= nz->numel)
			return rt_fail(c, RT_E_INDEX, "constexpr_sparse_to_dense: mask has more set bits "
			               "than the %lld values", (long long)nz->numel);
		rt_tensor_set(y, e, set ? rt_tensor_get(nz, k++) : 0);
	}
	return 0;
}

static int blockwise_shift_scale(RtCtx *c, RtOp *o)
{
	const RtTensor *data = rt_in(o, "data"), *sc = rt_in(o, "scale"), *off = rt_in(o, "offset");
	if (!data || !sc || !blocks_divide(data, sc) || (off && !blocks_divide(data, off)))
		return rt_fail(c, RT_E_OP, "constexpr_blockwise_shift_scale: scale / offset blocks do "
		               "not divide data");
	RtTensor *y = rt_out(c, o, 0, DT_FP32, data->rank, data->dims);
	if (!y)
		return -1;
	for (int64_t i = 0; i < data->numel; i++) {
		int64_t b = block_offset(i, data->rank, data->dims, sc->dims);
		double v = rt_tensor_get(data, i) - (off ? rt_tensor_get(off, b) : 0);
		((float *)y->data)[i] = (float)(rt_tensor_get(sc, b) * v);
	}
	return 0;
}

/* Outputs: the mask (repeated along vector_axis when VS > 1) and the
 * de-palettized values at its set positions. */
static int lut_to_sparse(RtCtx *c, RtOp *o)
{
	const RtTensor *mask = rt_in(o, "indices_mask"), *nz = rt_in(o, "indices_nonzero_data"),
	               *lut = rt_in(o, "lut");
	if (!mask || !nz || !lut || o->nouts != 2 || lut->rank != mask->rank + 2)
		return rt_fail(c, RT_E_OP, "constexpr_lut_to_sparse needs mask, indices and lut");
	int64_t vs = lut->dims[lut->rank - 1];
	if (vs != 1)
		return rt_fail(c, RT_E_OP, "constexpr_lut_to_sparse with vector palettes is not "
		               "supported yet");
	int64_t *pos = malloc(sizeof *pos * (size_t)(mask->numel ? mask->numel : 1));
	if (!pos)
		return rt_fail(c, RT_E_MEMORY, "constexpr_lut_to_sparse: out of memory");
	int64_t npos = 0;
	for (int64_t e = 0; e < mask->numel; e++)
		if (rt_tensor_get(mask, e) != 0)
			pos[npos++] = e;
	int rc = -1;
	if (npos != nz->numel)
		rt_fail(c, RT_E_OP, "constexpr_lut_to_sparse: %lld set bits, %lld indices",
		        (long long)npos, (long long)nz->numel);
	else if (rt_out(c, o, 0, mask->dt, mask->rank, mask->dims))
		rc = 0;
	if (rc == 0) {
		memcpy(o->outs[0]->data, mask->data, (size_t)mask->numel * rt_dtype_size(mask->dt));
		rc = lut18(c, o, mask, lut, 1, nz, pos, npos);
	}
	free(pos);
	return rc;
}

int rt_exec_constexpr(RtCtx *c, RtOp *o)
{
	switch (o->id) {
	case OPID_constexpr_affine_dequantize: return affine_dequantize(c, o);
	case OPID_constexpr_cast: {
		const RtTensor *s = rt_in(o, "source_val");
		if (!s)
			return rt_fail(c, RT_E_OP, "constexpr_cast needs source_val");
		return rt_tensor_convert(o->outs[0], s, DT_FP32) < 0 ? rt_fail(c, RT_E_MEMORY, "constexpr_cast: out of memory") : 0;
	}
	case OPID_constexpr_lut_to_dense: return lut_to_dense(c, o);
	case OPID_constexpr_sparse_to_dense: return sparse_to_dense(c, o);
	case OPID_constexpr_blockwise_shift_scale: return blockwise_shift_scale(c, o);
	case OPID_constexpr_lut_to_sparse: return lut_to_sparse(c, o);
	default: return rt_fail(c, RT_E_NO_KERNEL, "%s has no kernel", o->op->kind);
	}
}
