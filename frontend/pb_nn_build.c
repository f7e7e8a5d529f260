/*
 * pb_nn_build.c - one MIL op from a legacy neural-network layer: its
 * inputs looked up by name, its parameters as literal operands, its
 * weights as tensor literals (without a copy where their layout allows,
 * sub-byte quantized weights unpacked), its outputs defined.
 * Facts: spec/protobuf-neuralnetwork.md, nn-layers.md.
 */
#include "frontend/pb_nn_int.h"

#include <string.h>

ValueId nn_in(Nn *nn, size_t i)
{
	const PbLayer *l = nn->layer;
	if (i >= l->n_input) {
		RD_ERR(nn->r, FE_E_NAME, nn->loc, "layer '%s' needs input %zu but lists %zu",
		       l->name, i + 1, l->n_input);
		nn->failed = 1;
		return VALUE_NONE;
	}
	ValueId v = nt_lookup(&nn->r->syms, l->input[i]);
	if (v == VALUE_NONE) {
		RD_ERR(nn->r, FE_E_NAME, nn->loc, "layer '%s' reads '%s', which no earlier layer "
		       "or input defines", l->name, l->input[i]);
		nn->failed = 1;
	}
	return v;
}

const Type *nn_tensor_type(Nn *nn, const SPEC(Tensor) *t)
{
	if (t && t->rank > 0 && t->rank <= MAX_RANK && t->n_dimvalue == t->rank) {
		Dim d[MAX_RANK];
		for (uint32_t i = 0; i < t->rank; i++)
			d[i] = t->dimvalue[i] >= 0 ? dim_const(t->dimvalue[i]) : dim_unknown();
		return type_tensor(nn->r->m->types, DT_FP32, (int32_t)t->rank, d);
	}
	return type_tensor(nn->r->m->types, DT_FP32, -1, NULL);
}

void nn_start(Nn *nn, OpBuild *ob, const char *kind)
{
	nn->loc.col = nn->f->nops;
	ob_start(ob, nn->f, nn->b, kind, nn->loc);
}

void nn_push(Nn *nn, OpBuild *ob, const char *name)
{
	ob_attr(ob, "name", fe_lit_scalar_str(nn->r->m, name));
	vec_push(nn->r->a, &nn->ol->ops, ob_finish(ob));
}

/* Finish an op whose outputs are the layer's outputs. */
void nn_finish(Nn *nn, OpBuild *ob)
{
	const PbLayer *l = nn->layer;
	for (size_t i = 0; i < l->n_output; i++) {
		const Type *t = nn_tensor_type(nn, i < l->n_outputtensor ? l->outputtensor[i] : NULL);
		ValueId id = ob_out(ob, pbr_vname(nn->r, l->output[i]), t);
		nt_define(&nn->r->syms, pbr_dup(nn->r, l->output[i]), id);
	}
	nn_push(nn, ob, l->name);
}

/* An intermediate op of a layer that takes several MIL ops. */
ValueId nn_step(Nn *nn, OpBuild *ob, const char *suffix)
{
	const char *name = arena_printf(nn->r->a, "%s_%s", nn->layer->name, suffix);
	ValueId id = ob_out(ob, pbr_vname(nn->r, name), type_tensor(nn->r->m->types, DT_FP32, -1, NULL));
	nn_push(nn, ob, name);
	return id;
}

static int64_t prod(int rank, const int64_t *shape)
{
	int64_t n = 1;
	for (int i = 0; i < rank; i++) {
		if (shape[i] < 0 || (shape[i] && n > INT64_MAX / shape[i]))
			return -1;
		n *= shape[i];
	}
	return n;
}

/* A weight tensor as a literal of the given shape; NULL when the weight
 * holds no data.  A size that does not fit the shape is an error. */
const Lit *nn_weight(Nn *nn, const PbWeights *w, int rank, const int64_t *shape,
                     const char *what)
{
	Rd *r = nn->r;
	if (!w)
		return NULL;
	DType dt;
	int64_t have;
	const void *data;
	PbWeight pw;
	pbr_weight(r, w, &pw);
	if (pw.nfloats) {
		dt = DT_FP32, have = (int64_t)pw.nfloats, data = pw.floats;
	} else if (pw.f16.len) {
		dt = DT_FP16, have = (int64_t)(pw.f16.len / 2), data = pw.f16.data;
	} else if (pw.int8.len) {
		dt = DT_INT8, have = (int64_t)pw.int8.len, data = pw.int8.data;
	} else if (pw.raw.len) {
		uint64_t bits = w->quantization ? w->quantization->numberofbits : 8;
		if (bits < 1 || bits > 8) {
			RD_ERR(r, FE_E_IMMEDIATE, nn->loc, "layer '%s': %s is quantized to %llu bits "
			       "(1 to 8 allowed)", nn->layer->name, what, (unsigned long long)bits);
			nn->failed = 1;
			return NULL;
		}
		static const DType by_bits[9] = { DT_COUNT, DT_UINT1, DT_UINT2, DT_UINT3, DT_UINT4,
		                                  DT_UINT8, DT_UINT6, DT_UINT8, DT_UINT8 };
		dt = by_bits[bits];
		int64_t want = prod(rank, shape);
		size_t len = pw.raw.len;
		have = (int64_t)(len * 8 / bits);
		if (want >= 0 && want <= have && (uint64_t)want * bits + 7 >= (uint64_t)len * 8)
			have = want;    /* the last byte is zero-padded */
		uint8_t *u = arena_array(r->a, have ? (size_t)have : 1, 1);
		/* MSB-first bit stream (nn-layers.md §1.5) */
		for (int64_t i = 0; i < have; i++) {
			unsigned v = 0;
			for (uint64_t k = 0, bit = (uint64_t)i * bits; k < bits; k++, bit++)
				v = v << 1 | ((pw.raw.data[bit >> 3] >> (7 - (bit & 7))) & 1u);
			u[i] = (uint8_t)v;
		}
		data = u;
	} else {
		return NULL;
	}
	int64_t want = prod(rank, shape);
	Dim d[MAX_RANK];
	if (want != have || rank > MAX_RANK) {
		RD_ERR(r, FE_E_IMMEDIATE, nn->loc, "layer '%s': %s holds %lld values, its shape "
		       "needs %lld", nn->layer->name, what, (long long)have, (long long)want);
		nn->failed = 1;
		return NULL;
	}
	for (int i = 0; i < rank; i++)
		d[i] = dim_const(shape[i]);
	if (dt == DT_FP32 || dt == DT_FP16 || dt == DT_INT8)
		data = pbr_weight_keep(r, &pw, data, (size_t)have * dtype_info[dt].elem_size);
	return fe_lit_tensor(r->m, type_tensor(r->m->types, dt, rank, d), have, data);
}

void nn_weight_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w,
                   int rank, const int64_t *shape)
{
	const Lit *l = nn_weight(nn, w, rank, shape, operand);
	if (l)
		ob_lit(ob, operand, l);
}

/* A weight of whatever length it has, as a rank-1 literal. */
void nn_vector_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w)
{
	if (!w)
		return;
	PbWeight pw;
	pbr_weight(nn->r, w, &pw);
	int64_t n = (int64_t)(pw.nfloats ? pw.nfloats : pw.f16.len / 2);
	if (!pw.nfloats && !pw.f16.len)
		n = (int64_t)(pw.int8.len ? pw.int8.len : pw.raw.len);
	if (pw.raw.len && w->quantization && w->quantization->numberofbits >= 1 &&
	    w->quantization->numberofbits <= 8)
		n = (int64_t)(pw.raw.len * 8 / w->quantization->numberofbits);
	nn_weight_arg(nn, ob, operand, w, 1, &n);
}

void nn_ints(Nn *nn, OpBuild *ob, const char *operand, uint32_t n, const int64_t *v)
{
	ob_lit(ob, operand, fe_lit_vec_i32(nn->r->m, n, v));
}

void nn_u64s(Nn *nn, OpBuild *ob, const char *operand, size_t n, const uint64_t *v,
             int64_t dflt, size_t want)
{
	int64_t k[MAX_RANK];
	size_t m = n ? n : want;
	if (m > MAX_RANK)
		m = MAX_RANK;
	for (size_t i = 0; i < m; i++)
		k[i] = i < n ? (int64_t)(v[i] & INT64_MAX) : dflt;
	nn_ints(nn, ob, operand, (uint32_t)m, k);
}

void nn_f32(Nn *nn, OpBuild *ob, const char *operand, float v)
{
	ob_lit(ob, operand, fe_lit_scalar_f32(nn->r->m, v));
}

void nn_i32(Nn *nn, OpBuild *ob, const char *operand, int64_t v)
{
	ob_lit(ob, operand, fe_lit_scalar_i32(nn->r->m, (int32_t)v));
}

void nn_str(Nn *nn, OpBuild *ob, const char *operand, const char *v)
{
	ob_lit(ob, operand, fe_lit_scalar_str(nn->r->m, v));
}

void nn_bool(Nn *nn, OpBuild *ob, const char *operand, bool v)
{
	ob_lit(ob, operand, fe_lit_scalar_bool(nn->r->m, v));
}

/* Padding of conv and pool: ValidPadding amounts or SamePadding mode. */
void nn_pad(Nn *nn, OpBuild *ob, const SPEC(ValidPadding) *valid,
            const SPEC(SamePadding) *same)
{
	if (same) {
		nn_str(nn, ob, "pad_type", same->asymmetrymode ? "same_lower" : "same");
		return;
	}
	int64_t p[4] = { 0, 0, 0, 0 };
	const SPEC(BorderAmounts) *ba = valid ? valid->paddingamounts : NULL;
	for (size_t i = 0; ba && i < ba->n_borderamounts && i < 2; i++) {
		p[2 * i] = (int64_t)(ba->borderamounts[i]->startedgesize & INT32_MAX);
		p[2 * i + 1] = (int64_t)(ba->borderamounts[i]->endedgesize & INT32_MAX);
	}
	bool zero = !p[0] && !p[1] && !p[2] && !p[3];
	nn_str(nn, ob, "pad_type", zero ? "valid" : "custom");
	nn_ints(nn, ob, "pad", 4, p);
}

/* Legacy add / multiply / max / min / average over n inputs, as a chain
 * of binary MIL ops. */
void nn_fold(Nn *nn, OpBuild *ob, const char *kind, float alpha, bool has_alpha,
             bool average)
{
	const PbLayer *l = nn->layer;
	size_t n = l->n_input;
	ValueId acc = nn_in(nn, 0);
	if (n <= 1) {
		nn_start(nn, ob, kind);
		ob_value(ob, "x", acc);
		if (has_alpha)
			nn_f32(nn, ob, "y", alpha);
		else
			ob_value(ob, "y", acc);
		nn_finish(nn, ob);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		nn_start(nn, ob, kind);
		ob_value(ob, "x", acc);
		ob_value(ob, "y", nn_in(nn, i));
		if (i + 1 == n && !average) {
			nn_finish(nn, ob);
			return;
		}
		acc = nn_step(nn, ob, arena_printf(nn->r->a, "%s%zu", kind, i));
	}
	nn_start(nn, ob, "mul");
	ob_value(ob, "x", acc);
	nn_f32(nn, ob, "y", 1.0f / (float)n);
	nn_finish(nn, ob);
}

void nn_values(Nn *nn, OpBuild *ob, const char *operand)
{
	size_t n = nn->layer->n_input;
	ValueId *v = arena_array(nn->r->a, n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = nn_in(nn, i);
	ob_values(ob, operand, (uint32_t)n, v);
}

/* Anything without a MIL counterpart here: "nn.<kind>" over the inputs. */
void nn_opaque(Nn *nn, OpBuild *ob, const char *kind)
{
	nn_start(nn, ob, arena_printf(nn->r->a, "nn.%s", kind));
	if (nn->layer->n_input == 1)
		ob_value(ob, "x", nn_in(nn, 0));
	else if (nn->layer->n_input > 1)
		nn_values(nn, ob, "values");
	nn_finish(nn, ob);
}
