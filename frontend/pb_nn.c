/*
 * pb_nn.c - legacy neural networks (NeuralNetwork, its classifier and
 * regressor) -> IR, layer by layer.
 *
 * Each layer becomes the MIL op that does the same (nn-layers.md §5); the
 * parameters that decide shape and cost become literal operands; layers
 * without a MIL counterpart stay as "nn.<layerKind>" ops.  Weights held
 * inline in the protobuf become tensor literals without a copy where their
 * layout allows.  Facts: spec/protobuf-neuralnetwork.md, nn-layers.md.
 */
#include "frontend/frontend.h"
#include "frontend/irbuild.h"
#include "frontend/pb_spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Each legacy layer becomes the MIL op that does the same (nn-layers.md
 * §5); the parameters that decide shape and cost become literal operands.
 * Layers without a MIL counterpart stay as "nn.<layerKind>" ops.  The
 * ops are iOS15 MIL ops; the function's opset follows the spec version. */

typedef SPEC(NeuralNetworkLayer) PbLayer;
typedef SPEC(WeightParams) PbWeights;
#define LAYER(x) SPECC(NEURAL_NETWORK_LAYER__LAYER_##x)

typedef struct Nn {
	Rd *r;
	Func *f;
	Block *b;
	OpList *ol;
	const PbLayer *layer;
	SrcLoc loc;
	int failed;
} Nn;

static ValueId nn_in(Nn *nn, size_t i)
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

static const Type *nn_tensor_type(Nn *nn, const SPEC(Tensor) *t)
{
	if (t && t->rank > 0 && t->rank <= MAX_RANK && t->n_dimvalue == t->rank) {
		Dim d[MAX_RANK];
		for (uint32_t i = 0; i < t->rank; i++)
			d[i] = t->dimvalue[i] >= 0 ? dim_const(t->dimvalue[i]) : dim_unknown();
		return type_tensor(nn->r->m->types, DT_FP32, (int32_t)t->rank, d);
	}
	return type_tensor(nn->r->m->types, DT_FP32, -1, NULL);
}

static void nn_start(Nn *nn, OpBuild *ob, const char *kind)
{
	nn->loc.col = nn->f->nops;
	ob_start(ob, nn->f, nn->b, kind, nn->loc);
}

static void nn_push(Nn *nn, OpBuild *ob, const char *name)
{
	ob_attr(ob, "name", fe_lit_scalar_str(nn->r->m, name));
	vec_push(nn->r->a, &nn->ol->ops, ob_finish(ob));
}

/* Finish an op whose outputs are the layer's outputs. */
static void nn_finish(Nn *nn, OpBuild *ob)
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
static ValueId nn_step(Nn *nn, OpBuild *ob, const char *suffix)
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
static const Lit *nn_weight(Nn *nn, const PbWeights *w, int rank, const int64_t *shape,
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

static void nn_weight_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w,
                          int rank, const int64_t *shape)
{
	const Lit *l = nn_weight(nn, w, rank, shape, operand);
	if (l)
		ob_lit(ob, operand, l);
}

/* A weight of whatever length it has, as a rank-1 literal. */
static void nn_vector_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w)
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

static void nn_ints(Nn *nn, OpBuild *ob, const char *operand, uint32_t n, const int64_t *v)
{
	ob_lit(ob, operand, fe_lit_vec_i32(nn->r->m, n, v));
}

static void nn_u64s(Nn *nn, OpBuild *ob, const char *operand, size_t n, const uint64_t *v,
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

static void nn_f32(Nn *nn, OpBuild *ob, const char *operand, float v)
{
	ob_lit(ob, operand, fe_lit_scalar_f32(nn->r->m, v));
}

static void nn_i32(Nn *nn, OpBuild *ob, const char *operand, int64_t v)
{
	ob_lit(ob, operand, fe_lit_scalar_i32(nn->r->m, (int32_t)v));
}

static void nn_str(Nn *nn, OpBuild *ob, const char *operand, const char *v)
{
	ob_lit(ob, operand, fe_lit_scalar_str(nn->r->m, v));
}

static void nn_bool(Nn *nn, OpBuild *ob, const char *operand, bool v)
{
	ob_lit(ob, operand, fe_lit_scalar_bool(nn->r->m, v));
}

/* Padding of conv and pool: ValidPadding amounts or SamePadding mode. */
static void nn_pad(Nn *nn, OpBuild *ob, const SPEC(ValidPadding) *valid,
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

static void nn_conv(Nn *nn, OpBuild *ob)
{
	const SPEC(ConvolutionLayerParams) *c = nn->layer->convolution;
	int64_t kh = c->n_kernelsize > 0 ? (int64_t)c->kernelsize[0] : 3;
	int64_t kw = c->n_kernelsize > 1 ? (int64_t)c->kernelsize[1] : 3;
	int64_t g = c->ngroups ? (int64_t)c->ngroups : 1;
	int64_t cout = (int64_t)c->outputchannels, kc = (int64_t)c->kernelchannels;
	nn_start(nn, ob, c->isdeconvolution ? "conv_transpose" : "conv");
	ob_value(ob, "x", nn_in(nn, 0));
	if (nn->layer->n_input > 1) {
		ob_value(ob, "weight", nn_in(nn, 1));
	} else {
		int64_t ws[4] = { cout, kc, kh, kw };
		if (c->isdeconvolution)
			ws[0] = kc, ws[1] = g ? cout / g : cout;
		nn_weight_arg(nn, ob, "weight", c->weights, 4, ws);
	}
	if (c->hasbias)
		nn_weight_arg(nn, ob, "bias", c->bias, 1, &cout);
	nn_u64s(nn, ob, "strides", c->n_stride, c->stride, 1, 2);
	if (!c->isdeconvolution)
		nn_u64s(nn, ob, "dilations", c->n_dilationfactor, c->dilationfactor, 1, 2);
	nn_pad(nn, ob, c->convolution_padding_type_case ==
	       SPECC(CONVOLUTION_LAYER_PARAMS__CONVOLUTION_PADDING_TYPE_VALID) ? c->valid : NULL,
	       c->convolution_padding_type_case ==
	       SPECC(CONVOLUTION_LAYER_PARAMS__CONVOLUTION_PADDING_TYPE_SAME) ? c->same : NULL);
	nn_i32(nn, ob, "groups", g);
	if (c->isdeconvolution && c->n_outputshape)
		nn_u64s(nn, ob, "output_shape", c->n_outputshape, c->outputshape, 1, 0);
	nn_finish(nn, ob);
}

static void nn_pool(Nn *nn, OpBuild *ob)
{
	const SPEC(PoolingLayerParams) *p = nn->layer->pooling;
	static const char *const global[] = { "reduce_max", "reduce_mean", "reduce_l2_norm" };
	static const char *const local[] = { "max_pool", "avg_pool", "l2_pool" };
	unsigned t = (unsigned)p->type < 3 ? (unsigned)p->type : 0;
	if (p->globalpooling) {
		static const int64_t axes[] = { -2, -1 };
		nn_start(nn, ob, global[t]);
		ob_value(ob, "x", nn_in(nn, 0));
		nn_ints(nn, ob, "axes", 2, axes);
		nn_bool(nn, ob, "keep_dims", true);
		nn_finish(nn, ob);
		return;
	}
	nn_start(nn, ob, local[t]);
	ob_value(ob, "x", nn_in(nn, 0));
	nn_u64s(nn, ob, "kernel_sizes", p->n_kernelsize, p->kernelsize, 3, 2);
	nn_u64s(nn, ob, "strides", p->n_stride, p->stride, 1, 2);
	bool ceil_mode = false;
	switch (p->pooling_padding_type_case) {
	case SPECC(POOLING_LAYER_PARAMS__POOLING_PADDING_TYPE_SAME):
		nn_pad(nn, ob, NULL, p->same);
		break;
	case SPECC(POOLING_LAYER_PARAMS__POOLING_PADDING_TYPE_INCLUDE_LAST_PIXEL): {
		const SPEC(PoolingLayerParams__ValidCompletePadding) *v = p->includelastpixel;
		int64_t ph = v->n_paddingamounts > 0 ? (int64_t)(v->paddingamounts[0] & INT32_MAX) : 0;
		int64_t pw = v->n_paddingamounts > 1 ? (int64_t)(v->paddingamounts[1] & INT32_MAX) : 0;
		int64_t pad[4] = { ph, ph, pw, pw };
		nn_str(nn, ob, "pad_type", "custom");
		nn_ints(nn, ob, "pad", 4, pad);
		ceil_mode = true;
		break;
	}
	default:
		nn_pad(nn, ob, p->valid, NULL);
		break;
	}
	nn_bool(nn, ob, "ceil_mode", ceil_mode);
	if (t == 1)
		nn_bool(nn, ob, "exclude_padding_from_average", p->avgpoolexcludepadding);
	nn_finish(nn, ob);
}

static void nn_activation(Nn *nn, OpBuild *ob)
{
	const SPEC(ActivationParams) *a = nn->layer->activation;
	unsigned c = a->nonlinearity_type_case;
	const char *kind = c == SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE__NOT_SET) ? "nn.activation"
	                   : NULL;
	switch (c) {
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LINEAR): kind = "linear_activation"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_RE_LU): kind = "relu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LEAKY_RE_LU): kind = "leaky_relu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_THRESHOLDED_RE_LU): kind = "thresholded_relu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PRE_LU): kind = "prelu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_TANH): kind = "tanh"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SCALED_TANH): kind = "scaled_tanh"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID): kind = "sigmoid"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID_HARD): kind = "sigmoid_hard"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_ELU): kind = "elu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SOFTSIGN): kind = "softsign"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SOFTPLUS): kind = "softplus"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PARAMETRIC_SOFTPLUS):
		kind = "softplus_parametric";
		break;
	}
	nn_start(nn, ob, kind);
	ob_value(ob, "x", nn_in(nn, 0));
	switch (c) {
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LINEAR):
		nn_f32(nn, ob, "alpha", a->linear->alpha);
		nn_f32(nn, ob, "beta", a->linear->beta);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LEAKY_RE_LU):
		nn_f32(nn, ob, "alpha", a->leakyrelu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_THRESHOLDED_RE_LU):
		nn_f32(nn, ob, "alpha", a->thresholdedrelu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PRE_LU):
		nn_vector_arg(nn, ob, "alpha", a->prelu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SCALED_TANH):
		nn_f32(nn, ob, "alpha", a->scaledtanh->alpha);
		nn_f32(nn, ob, "beta", a->scaledtanh->beta);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID_HARD):
		nn_f32(nn, ob, "alpha", a->sigmoidhard->alpha);
		nn_f32(nn, ob, "beta", a->sigmoidhard->beta);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_ELU):
		nn_f32(nn, ob, "alpha", a->elu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PARAMETRIC_SOFTPLUS):
		nn_vector_arg(nn, ob, "alpha", a->parametricsoftplus->alpha);
		nn_vector_arg(nn, ob, "beta", a->parametricsoftplus->beta);
		break;
	}
	nn_finish(nn, ob);
}

/* An MIL activation name for recurrent layers. */
static const char *rnn_activation(const SPEC(ActivationParams) *a, const char *dflt)
{
	switch (a ? a->nonlinearity_type_case : 0) {
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LINEAR): return "LINEAR";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_RE_LU): return "RELU";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_TANH): return "TANH";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SCALED_TANH): return "SCALED_TANH";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID): return "SIGMOID";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID_HARD): return "SIGMOID_HARD";
	default: return dflt;
	}
}

/* The four gate matrices of an LSTM, stacked in MIL order (input, forget,
 * output, cell); NULL unless all four are plain fp32 or fp16 of n values. */
static const Lit *lstm_stack(Nn *nn, const PbWeights *const g[4], int64_t rows, int64_t cols)
{
	int64_t n = rows * cols;
	PbWeight pw[4];
	for (int i = 0; i < 4; i++)
		if (g[i])
			pbr_weight(nn->r, g[i], &pw[i]);
	bool f32 = g[0] && pw[0].nfloats;
	for (int i = 0; i < 4; i++) {
		if (!g[i] || (f32 ? (int64_t)pw[i].nfloats != n : (int64_t)pw[i].f16.len != 2 * n))
			return NULL;
	}
	size_t es = f32 ? 4 : 2;
	uint8_t *p = arena_array(nn->r->a, (size_t)(4 * n), es);
	if (!p)
		return NULL;
	for (int i = 0; i < 4; i++)
		memcpy(p + (size_t)(i * n) * es,
		       f32 ? pw[i].floats : (const void *)pw[i].f16.data,
		       (size_t)n * es);
	Dim d[2] = { dim_const(4 * rows), dim_const(cols) };
	const Type *t = type_tensor(nn->r->m->types, f32 ? DT_FP32 : DT_FP16, cols ? 2 : 1, d);
	return fe_lit_tensor(nn->r->m, t, 4 * n, p);
}

static bool lstm_weights(Nn *nn, OpBuild *ob, const SPEC(LSTMWeightParams) *w, int64_t in,
                         int64_t out, bool bias, const char *suffix)
{
	if (!w)
		return false;
	const PbWeights *ih[4] = { w->inputgateweightmatrix, w->forgetgateweightmatrix,
	                           w->outputgateweightmatrix, w->blockinputweightmatrix };
	const PbWeights *hh[4] = { w->inputgaterecursionmatrix, w->forgetgaterecursionmatrix,
	                           w->outputgaterecursionmatrix, w->blockinputrecursionmatrix };
	const PbWeights *b[4] = { w->inputgatebiasvector, w->forgetgatebiasvector,
	                          w->outputgatebiasvector, w->blockinputbiasvector };
	const Lit *lih = lstm_stack(nn, ih, out, in), *lhh = lstm_stack(nn, hh, out, out);
	const Lit *lb = bias ? lstm_stack(nn, b, out, 1) : NULL;
	if (!lih || !lhh || (bias && !lb))
		return false;
	ob_lit(ob, arena_printf(nn->r->a, "weight_ih%s", suffix), lih);
	ob_lit(ob, arena_printf(nn->r->a, "weight_hh%s", suffix), lhh);
	if (lb)
		ob_lit(ob, arena_printf(nn->r->a, "bias%s", suffix), lb);
	return true;
}

static bool nn_lstm(Nn *nn, OpBuild *ob, bool bidi)
{
	const PbLayer *l = nn->layer;
	const SPEC(LSTMParams) *p;
	int64_t in, out;
	SPEC(ActivationParams) *const *acts;
	size_t nacts;
	if (bidi) {
		const SPEC(BiDirectionalLSTMLayerParams) *b = l->bidirectionallstm;
		p = b->params, in = (int64_t)b->inputvectorsize, out = (int64_t)b->outputvectorsize;
		acts = b->activationsforwardlstm, nacts = b->n_activationsforwardlstm;
		if (b->n_weightparams != 2)
			return false;
	} else {
		const SPEC(UniDirectionalLSTMLayerParams) *u = l->unidirectionallstm;
		p = u->params, in = (int64_t)u->inputvectorsize, out = (int64_t)u->outputvectorsize;
		acts = u->activations, nacts = u->n_activations;
	}
	if (in < 0 || out < 0 || in > INT32_MAX || out > INT32_MAX)
		return false;
	bool bias = p && p->hasbiasvectors;
	nn_start(nn, ob, "lstm");
	ob_value(ob, "x", nn_in(nn, 0));
	if (l->n_input > 1 && l->input[1][0])
		ob_value(ob, "initial_h", nn_in(nn, 1));
	if (l->n_input > 2 && l->input[2][0])
		ob_value(ob, "initial_c", nn_in(nn, 2));
	bool ok = bidi ? lstm_weights(nn, ob, l->bidirectionallstm->weightparams[0], in, out, bias, "")
	                 && lstm_weights(nn, ob, l->bidirectionallstm->weightparams[1], in, out,
	                                 bias, "_back")
	               : lstm_weights(nn, ob, l->unidirectionallstm->weightparams, in, out, bias, "");
	if (!ok)
		return false;   /* the op is dropped: ir ops are arena objects */
	nn_str(nn, ob, "direction", bidi ? "bidirectional"
	       : l->unidirectionallstm->reverseinput ? "reverse" : "forward");
	nn_bool(nn, ob, "output_sequence", p && p->sequenceoutput);
	nn_str(nn, ob, "recurrent_activation", rnn_activation(nacts > 0 ? acts[0] : NULL, "SIGMOID"));
	nn_str(nn, ob, "cell_activation", rnn_activation(nacts > 1 ? acts[1] : NULL, "TANH"));
	nn_str(nn, ob, "activation", rnn_activation(nacts > 2 ? acts[2] : NULL, "TANH"));
	if (p && p->cellclipthreshold > 0)
		nn_f32(nn, ob, "clip", p->cellclipthreshold);
	nn_finish(nn, ob);
	return true;
}

/* Legacy add / multiply / max / min / average over n inputs, as a chain
 * of binary MIL ops. */
static void nn_fold(Nn *nn, OpBuild *ob, const char *kind, float alpha, bool has_alpha,
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

static void nn_values(Nn *nn, OpBuild *ob, const char *operand)
{
	size_t n = nn->layer->n_input;
	ValueId *v = arena_array(nn->r->a, n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = nn_in(nn, i);
	ob_values(ob, operand, (uint32_t)n, v);
}

/* Anything without a MIL counterpart here: "nn.<kind>" over the inputs. */
static void nn_opaque(Nn *nn, OpBuild *ob, const char *kind)
{
	nn_start(nn, ob, arena_printf(nn->r->a, "nn.%s", kind));
	if (nn->layer->n_input == 1)
		ob_value(ob, "x", nn_in(nn, 0));
	else if (nn->layer->n_input > 1)
		nn_values(nn, ob, "values");
	nn_finish(nn, ob);
}

typedef struct NnMap {
	unsigned layer;
	const char *op;
} NnMap;

static const NnMap nn_unary_map[] = {
	{ LAYER(CEIL), "ceil" }, { LAYER(FLOOR), "floor" }, { LAYER(SIGN), "sign" },
	{ LAYER(ROUND), "round" }, { LAYER(EXP2), "exp2" }, { LAYER(SIN), "sin" },
	{ LAYER(COS), "cos" }, { LAYER(TAN), "tan" }, { LAYER(ASIN), "asin" },
	{ LAYER(ACOS), "acos" }, { LAYER(ATAN), "atan" }, { LAYER(SINH), "sinh" },
	{ LAYER(COSH), "cosh" }, { LAYER(TANH), "tanh" }, { LAYER(ATANH), "atanh" },
	{ LAYER(ERF), "erf" }, { LAYER(LOGICAL_NOT), "logical_not" },
	{ LAYER(GET_SHAPE), "shape" }, { LAYER(COPY), "identity" },
	{ LAYER(WHERE_NON_ZERO), "non_zero" },
};

static const NnMap nn_binary_map[] = {
	{ LAYER(ADD_BROADCASTABLE), "add" }, { LAYER(SUBTRACT_BROADCASTABLE), "sub" },
	{ LAYER(MULTIPLY_BROADCASTABLE), "mul" }, { LAYER(DIVIDE_BROADCASTABLE), "real_div" },
	{ LAYER(FLOOR_DIV_BROADCASTABLE), "floor_div" }, { LAYER(MOD_BROADCASTABLE), "mod" },
	{ LAYER(POW_BROADCASTABLE), "pow" }, { LAYER(MAX_BROADCASTABLE), "maximum" },
	{ LAYER(MIN_BROADCASTABLE), "minimum" }, { LAYER(EQUAL), "equal" },
	{ LAYER(NOT_EQUAL), "not_equal" }, { LAYER(LESS_THAN), "less" },
	{ LAYER(LESS_EQUAL), "less_equal" }, { LAYER(GREATER_THAN), "greater" },
	{ LAYER(GREATER_EQUAL), "greater_equal" }, { LAYER(LOGICAL_AND), "logical_and" },
	{ LAYER(LOGICAL_OR), "logical_or" }, { LAYER(LOGICAL_XOR), "logical_xor" },
};

static const NnMap nn_reduce_map[] = {
	{ LAYER(REDUCE_L1), "reduce_l1_norm" }, { LAYER(REDUCE_L2), "reduce_l2_norm" },
	{ LAYER(REDUCE_MAX), "reduce_max" }, { LAYER(REDUCE_MIN), "reduce_min" },
	{ LAYER(REDUCE_SUM), "reduce_sum" }, { LAYER(REDUCE_PROD), "reduce_prod" },
	{ LAYER(REDUCE_MEAN), "reduce_mean" }, { LAYER(REDUCE_LOG_SUM), "reduce_log_sum" },
	{ LAYER(REDUCE_SUM_SQUARE), "reduce_sum_square" },
	{ LAYER(REDUCE_LOG_SUM_EXP), "reduce_log_sum_exp" },
};

static const char *nn_find(const NnMap *map, size_t n, unsigned layer)
{
	for (size_t i = 0; i < n; i++)
		if (map[i].layer == layer)
			return map[i].op;
	return NULL;
}

/* The comparison layers' constant, used when they have one input. */
static float nn_cmp_alpha(const PbLayer *l)
{
	switch (l->layer_case) {
	case LAYER(EQUAL): return l->equal->alpha;
	case LAYER(NOT_EQUAL): return l->notequal->alpha;
	case LAYER(LESS_THAN): return l->lessthan->alpha;
	case LAYER(LESS_EQUAL): return l->lessequal->alpha;
	case LAYER(GREATER_THAN): return l->greaterthan->alpha;
	case LAYER(GREATER_EQUAL): return l->greaterequal->alpha;
	default: return 0;
	}
}

static void nn_layers(Rd *r, Func *f, Block *b, OpList *ol, size_t n,
                      SPEC(NeuralNetworkLayer) *const *layers, int depth);

static void nn_subnet(Nn *nn, OpBuild *ob, const SPEC(NeuralNetwork) *net, int depth)
{
	Block *blk = ir_block_new(nn->f, ob->op, nn->loc);
	OpList ol = { 0 };
	if (net)
		nn_layers(nn->r, nn->f, blk, &ol, net->n_layers, net->layers, depth + 1);
	blk_done(nn->r->a, blk, &ol);
	blk->out_locs = NULL;
	ob_block(ob, blk);
}

static void nn_layer(Nn *nn, int depth)
{
	const PbLayer *l = nn->layer;
	Module *m = nn->r->m;
	OpBuild ob;
	unsigned c = l->layer_case;
	const char *kind = c ? pbr_oneof_name(&SPECD(neural_network_layer), c) : "empty";
	const char *op;
	if ((op = nn_find(nn_unary_map, sizeof nn_unary_map / sizeof *nn_unary_map, c))) {
		nn_start(nn, &ob, op);
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_finish(nn, &ob);
		return;
	}
	if ((op = nn_find(nn_binary_map, sizeof nn_binary_map / sizeof *nn_binary_map, c))) {
		nn_start(nn, &ob, op);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (l->n_input > 1)
			ob_value(&ob, "y", nn_in(nn, 1));
		else
			nn_f32(nn, &ob, "y", nn_cmp_alpha(l));
		nn_finish(nn, &ob);
		return;
	}
	if ((op = nn_find(nn_reduce_map, sizeof nn_reduce_map / sizeof *nn_reduce_map, c))) {
		/* every ND reduce params message has this layout: read it through
		 * the reduceSum member's fields */
		const SPEC(ReduceSumLayerParams) *p = l->reducesum;
		nn_start(nn, &ob, op);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (!p->reduceall && p->n_axes)
			nn_ints(nn, &ob, "axes", (uint32_t)(p->n_axes < MAX_RANK ? p->n_axes : MAX_RANK),
			        p->axes);
		nn_bool(nn, &ob, "keep_dims", p->keepdims);
		nn_finish(nn, &ob);
		return;
	}
	switch (c) {
	case LAYER(CONVOLUTION):
		nn_conv(nn, &ob);
		return;
	case LAYER(POOLING):
		nn_pool(nn, &ob);
		return;
	case LAYER(ACTIVATION):
		nn_activation(nn, &ob);
		return;
	case LAYER(INNER_PRODUCT): {
		const SPEC(InnerProductLayerParams) *p = l->innerproduct;
		int64_t ws[2] = { (int64_t)p->outputchannels, (int64_t)p->inputchannels };
		nn_start(nn, &ob, "linear");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(BATCHED_MATMUL): {
		const SPEC(BatchedMatMulLayerParams) *p = l->batchedmatmul;
		if (l->n_input > 1) {
			nn_start(nn, &ob, "matmul");
			ob_value(&ob, "x", nn_in(nn, 0));
			ob_value(&ob, "y", nn_in(nn, 1));
			nn_bool(nn, &ob, "transpose_x", p->transposea);
			nn_bool(nn, &ob, "transpose_y", p->transposeb);
		} else {
			int64_t ws[2] = { (int64_t)p->weightmatrixseconddimension,
			                  (int64_t)p->weightmatrixfirstdimension };
			nn_start(nn, &ob, "linear");
			ob_value(&ob, "x", nn_in(nn, 0));
			nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
			if (p->hasbias)
				nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		}
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(BATCHNORM): {
		const SPEC(BatchnormLayerParams) *p = l->batchnorm;
		int64_t ch = (int64_t)p->channels;
		bool inorm = p->computemeanvar && p->instancenormalization;
		nn_start(nn, &ob, inorm ? "instance_norm" : p->computemeanvar ? "nn.batchnorm"
		                                                               : "batch_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (!p->computemeanvar) {
			nn_weight_arg(nn, &ob, "mean", p->mean, 1, &ch);
			nn_weight_arg(nn, &ob, "variance", p->variance, 1, &ch);
		}
		nn_weight_arg(nn, &ob, "gamma", p->gamma, 1, &ch);
		nn_weight_arg(nn, &ob, "beta", p->beta, 1, &ch);
		nn_f32(nn, &ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-5f);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(EMBEDDING): {
		const SPEC(EmbeddingLayerParams) *p = l->embedding;
		int64_t ws[2] = { (int64_t)p->outputchannels, (int64_t)p->inputdim };
		nn_start(nn, &ob, "nn.embedding");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(EMBEDDING_ND): {
		const SPEC(EmbeddingNDLayerParams) *p = l->embeddingnd;
		int64_t ws[2] = { (int64_t)p->embeddingsize, (int64_t)p->vocabsize };
		nn_start(nn, &ob, "nn.embeddingND");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(SOFTMAX):
	case LAYER(SOFTMAX_ND):
		nn_start(nn, &ob, "softmax");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", c == LAYER(SOFTMAX) ? -3 : l->softmaxnd->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(L2NORMALIZE):
		nn_start(nn, &ob, "l2_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "epsilon", l->l2normalize->epsilon != 0 ? l->l2normalize->epsilon : 1e-6f);
		nn_finish(nn, &ob);
		return;
	case LAYER(LRN):
		nn_start(nn, &ob, "local_response_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "size", (int64_t)(l->lrn->localsize & INT32_MAX));
		nn_f32(nn, &ob, "alpha", l->lrn->alpha);
		nn_f32(nn, &ob, "beta", l->lrn->beta);
		nn_f32(nn, &ob, "k", l->lrn->k != 0 ? l->lrn->k : 1.0f);
		nn_finish(nn, &ob);
		return;
	case LAYER(LAYER_NORMALIZATION): {
		const SPEC(LayerNormalizationLayerParams) *p = l->layernormalization;
		size_t k = p->n_normalizedshape < MAX_RANK ? p->n_normalizedshape : MAX_RANK;
		int64_t axes[MAX_RANK];
		for (size_t i = 0; i < k; i++)
			axes[i] = (int64_t)i - (int64_t)k;
		nn_start(nn, &ob, "layer_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "axes", (uint32_t)k, axes);
		nn_weight_arg(nn, &ob, "gamma", p->gamma, (int)k, p->normalizedshape);
		nn_weight_arg(nn, &ob, "beta", p->beta, (int)k, p->normalizedshape);
		nn_f32(nn, &ob, "epsilon", p->eps);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(MVN): {
		const SPEC(MeanVarianceNormalizeLayerParams) *p = l->mvn;
		static const int64_t axes[] = { -3, -2, -1 };
		if (!p->normalizevariance)
			break;
		nn_start(nn, &ob, "layer_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "axes", p->acrosschannels ? 3 : 2, p->acrosschannels ? axes : axes + 1);
		nn_f32(nn, &ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-6f);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(ADD):
		nn_fold(nn, &ob, "add", l->add->alpha, true, false);
		return;
	case LAYER(MULTIPLY):
		nn_fold(nn, &ob, "mul", l->multiply->alpha, true, false);
		return;
	case LAYER(MAX):
		nn_fold(nn, &ob, "maximum", 0, false, false);
		return;
	case LAYER(MIN):
		nn_fold(nn, &ob, "minimum", 0, false, false);
		return;
	case LAYER(AVERAGE):
		nn_fold(nn, &ob, "add", 0, false, true);
		return;
	case LAYER(SCALE): {
		const SPEC(ScaleLayerParams) *p = l->scale;
		int64_t s[MAX_RANK], bsh[MAX_RANK];
		size_t ns = p->n_shapescale < MAX_RANK ? p->n_shapescale : MAX_RANK;
		size_t nb = p->n_shapebias < MAX_RANK ? p->n_shapebias : MAX_RANK;
		for (size_t i = 0; i < ns; i++)
			s[i] = (int64_t)(p->shapescale[i] & INT64_MAX);
		for (size_t i = 0; i < nb; i++)
			bsh[i] = (int64_t)(p->shapebias[i] & INT64_MAX);
		nn_start(nn, &ob, "mul");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "y", p->scale, (int)ns, s);
		if (!p->hasbias) {
			nn_finish(nn, &ob);
			return;
		}
		ValueId scaled = nn_step(nn, &ob, "scaled");
		nn_start(nn, &ob, "add");
		ob_value(&ob, "x", scaled);
		nn_weight_arg(nn, &ob, "y", p->bias, (int)nb, bsh);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(BIAS): {
		const SPEC(BiasLayerParams) *p = l->bias;
		int64_t s[MAX_RANK];
		size_t ns = p->n_shape < MAX_RANK ? p->n_shape : MAX_RANK;
		for (size_t i = 0; i < ns; i++)
			s[i] = (int64_t)(p->shape[i] & INT64_MAX);
		nn_start(nn, &ob, "add");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "y", p->bias, (int)ns, s);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(CONCAT):
	case LAYER(CONCAT_ND):
		nn_start(nn, &ob, "concat");
		nn_values(nn, &ob, "values");
		nn_i32(nn, &ob, "axis", c == LAYER(CONCAT_ND) ? l->concatnd->axis
		                        : l->concat->sequenceconcat ? -5 : -3);
		nn_bool(nn, &ob, "interleave", c == LAYER(CONCAT_ND) && l->concatnd->interleave);
		nn_finish(nn, &ob);
		return;
	case LAYER(RESHAPE):
	case LAYER(RESHAPE_STATIC):
	case LAYER(RANK_PRESERVING_RESHAPE): {
		size_t n = c == LAYER(RESHAPE) ? l->reshape->n_targetshape
		           : c == LAYER(RESHAPE_STATIC) ? l->reshapestatic->n_targetshape
		           : l->rankpreservingreshape->n_targetshape;
		const int64_t *s = c == LAYER(RESHAPE) ? l->reshape->targetshape
		                   : c == LAYER(RESHAPE_STATIC) ? l->reshapestatic->targetshape
		                   : l->rankpreservingreshape->targetshape;
		nn_start(nn, &ob, "reshape");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "shape", (uint32_t)(n < MAX_RANK ? n : MAX_RANK), s);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(RESHAPE_DYNAMIC):
		nn_start(nn, &ob, "reshape");
		ob_value(&ob, "x", nn_in(nn, 0));
		ob_value(&ob, "shape", nn_in(nn, 1));
		nn_finish(nn, &ob);
		return;
	case LAYER(FLATTEN): {
		ValueId x = nn_in(nn, 0);
		const Type *t = x != VALUE_NONE ? ir_value(nn->f, x)->type : NULL;
		if (!t || t->kind != TY_TENSOR || t->rank < 3 || l->flatten->mode != 0)
			break;
		int64_t s[MAX_RANK] = { 0 };
		s[t->rank - 3] = -1, s[t->rank - 2] = 1, s[t->rank - 1] = 1;
		nn_start(nn, &ob, "reshape");
		ob_value(&ob, "x", x);
		nn_ints(nn, &ob, "shape", (uint32_t)t->rank, s);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(FLATTEN_TO2_D):
		nn_start(nn, &ob, "flatten2d");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", l->flattento2d->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(PERMUTE): {
		const SPEC(PermuteLayerParams) *p = l->permute;
		static const int64_t map[4] = { 0, 2, 3, 4 };
		if (p->n_axis != 4)
			break;
		int64_t perm[5] = { map[p->axis[0] & 3], 1, map[p->axis[1] & 3],
		                    map[p->axis[2] & 3], map[p->axis[3] & 3] };
		nn_start(nn, &ob, "transpose");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "perm", 5, perm);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(TRANSPOSE):
		nn_start(nn, &ob, "transpose");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_u64s(nn, &ob, "perm", l->transpose->n_axes, l->transpose->axes, 0, 0);
		nn_finish(nn, &ob);
		return;
	case LAYER(SQUEEZE):
		nn_start(nn, &ob, "squeeze");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (!l->squeeze->squeezeall)
			nn_ints(nn, &ob, "axes", (uint32_t)(l->squeeze->n_axes < MAX_RANK
			        ? l->squeeze->n_axes : MAX_RANK), l->squeeze->axes);
		nn_finish(nn, &ob);
		return;
	case LAYER(EXPAND_DIMS):
		nn_start(nn, &ob, "expand_dims");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "axes", (uint32_t)(l->expanddims->n_axes < MAX_RANK
		        ? l->expanddims->n_axes : MAX_RANK), l->expanddims->axes);
		nn_finish(nn, &ob);
		return;
	case LAYER(SPLIT):
		nn_start(nn, &ob, "split");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "num_splits", l->split->noutputs ? (int64_t)(l->split->noutputs & INT32_MAX)
		                              : (int64_t)l->n_output);
		nn_i32(nn, &ob, "axis", -3);
		nn_finish(nn, &ob);
		return;
	case LAYER(SPLIT_ND): {
		const SPEC(SplitNDLayerParams) *p = l->splitnd;
		nn_start(nn, &ob, "split");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (p->n_splitsizes)
			nn_u64s(nn, &ob, "split_sizes", p->n_splitsizes, p->splitsizes, 0, 0);
		else
			nn_i32(nn, &ob, "num_splits", p->numsplits ? (int64_t)(p->numsplits & INT32_MAX)
			                               : (int64_t)l->n_output);
		nn_i32(nn, &ob, "axis", p->axis);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(PADDING): {
		const SPEC(PaddingLayerParams) *p = l->padding;
		static const char *const modes[] = { "constant", "constant", "reflect", "replicate" };
		int64_t pad[4] = { 0, 0, 0, 0 };
		const SPEC(BorderAmounts) *ba = p->paddingamounts;
		for (size_t i = 0; ba && i < ba->n_borderamounts && i < 2; i++) {
			pad[2 * i] = (int64_t)(ba->borderamounts[i]->startedgesize & INT32_MAX);
			pad[2 * i + 1] = (int64_t)(ba->borderamounts[i]->endedgesize & INT32_MAX);
		}
		nn_start(nn, &ob, "pad");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "pad", 4, pad);
		nn_str(nn, &ob, "mode", modes[p->padding_type_case < 4 ? p->padding_type_case : 0]);
		nn_f32(nn, &ob, "constant_val", p->padding_type_case ==
		       SPECC(PADDING_LAYER_PARAMS__PADDING_TYPE_CONSTANT) ? p->constant->value : 0.0f);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(CONSTANT_PAD): {
		const SPEC(ConstantPaddingLayerParams) *p = l->constantpad;
		if (p->padtogivenoutputsizemode)
			break;
		nn_start(nn, &ob, "pad");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_u64s(nn, &ob, "pad", p->n_padamounts, p->padamounts, 0, 0);
		nn_str(nn, &ob, "mode", "constant");
		nn_f32(nn, &ob, "constant_val", p->value);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(UPSAMPLE): {
		const SPEC(UpsampleLayerParams) *p = l->upsample;
		float sh = 1, sw = 1;
		if (p->n_fractionalscalingfactor >= 2)
			sh = p->fractionalscalingfactor[0], sw = p->fractionalscalingfactor[1];
		else if (p->n_scalingfactor >= 2)
			sh = (float)p->scalingfactor[0], sw = (float)p->scalingfactor[1];
		nn_start(nn, &ob, p->mode ? "upsample_bilinear" : "upsample_nearest_neighbor");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "scale_factor_height", sh);
		nn_f32(nn, &ob, "scale_factor_width", sw);
		if (p->mode)
			nn_bool(nn, &ob, "align_corners", p->linearupsamplemode == 1);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(RESIZE_BILINEAR): {
		const SPEC(ResizeBilinearLayerParams) *p = l->resizebilinear;
		nn_start(nn, &ob, "resize_bilinear");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "target_size_height",
		       p->n_targetsize > 0 ? (int64_t)(p->targetsize[0] & INT32_MAX) : 1);
		nn_i32(nn, &ob, "target_size_width",
		       p->n_targetsize > 1 ? (int64_t)(p->targetsize[1] & INT32_MAX) : 1);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(REORGANIZE_DATA): {
		static const char *const ops[] = { "space_to_depth", "depth_to_space", "pixel_shuffle" };
		unsigned mode = (unsigned)l->reorganizedata->mode;
		if (mode > 2)
			break;
		nn_start(nn, &ob, ops[mode]);
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, mode == 2 ? "upscale_factor" : "block_size",
		       (int64_t)(l->reorganizedata->blocksize & INT32_MAX));
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(UNARY): {
		static const char *const ops[] = { "sqrt", "rsqrt", "inverse", "pow", "exp", "log",
		                                   "abs", "threshold" };
		const SPEC(UnaryFunctionLayerParams) *p = l->unary;
		unsigned t = (unsigned)p->type;
		if (t > 7)
			break;
		nn_start(nn, &ob, ops[t]);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (t == 1 || t == 2 || t == 5)
			nn_f32(nn, &ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-6f);
		if (t == 3)
			nn_f32(nn, &ob, "y", p->alpha);
		if (t == 7)
			nn_f32(nn, &ob, "alpha", p->alpha);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(REDUCE): {
		static const char *const ops[] = { "reduce_sum", "reduce_mean", "reduce_prod",
		                                   "reduce_log_sum", "reduce_sum_square",
		                                   "reduce_l1_norm", "reduce_l2_norm", "reduce_max",
		                                   "reduce_min", "reduce_argmax" };
		static const int64_t axes[][3] = { { -3, -2, -1 }, { -2, -1 }, { -3 }, { -2 }, { -1 } };
		static const uint32_t naxes[] = { 3, 2, 1, 1, 1 };
		const SPEC(ReduceLayerParams) *p = l->reduce;
		unsigned mode = (unsigned)p->mode, ax = (unsigned)p->axis;
		if (mode > 9 || ax > 4)
			break;
		nn_start(nn, &ob, ops[mode]);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (mode == 9)
			nn_i32(nn, &ob, "axis", axes[ax][0]);
		else
			nn_ints(nn, &ob, "axes", naxes[ax], axes[ax]);
		nn_bool(nn, &ob, "keep_dims", true);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(ARG_MAX):
	case LAYER(ARG_MIN): {
		bool mx = c == LAYER(ARG_MAX);
		nn_start(nn, &ob, mx ? "reduce_argmax" : "reduce_argmin");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", mx ? l->argmax->axis : l->argmin->axis);
		nn_bool(nn, &ob, "keep_dims", !(mx ? l->argmax->removedim : l->argmin->removedim));
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(TOP_K):
		nn_start(nn, &ob, "topk");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (l->n_input > 1)
			ob_value(&ob, "k", nn_in(nn, 1));
		else
			nn_i32(nn, &ob, "k", (int64_t)(l->topk->k & INT32_MAX));
		nn_i32(nn, &ob, "axis", l->topk->axis);
		nn_bool(nn, &ob, "ascending", l->topk->usebottomk);
		nn_finish(nn, &ob);
		return;
	case LAYER(ARG_SORT):
		nn_start(nn, &ob, "argsort");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", l->argsort->axis);
		nn_bool(nn, &ob, "ascending", !l->argsort->descending);
		nn_finish(nn, &ob);
		return;
	case LAYER(CUM_SUM):
		nn_start(nn, &ob, "cumsum");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", l->cumsum->axis);
		nn_bool(nn, &ob, "exclusive", l->cumsum->excludefinalsum);
		nn_bool(nn, &ob, "reverse", l->cumsum->reverse);
		nn_finish(nn, &ob);
		return;
	case LAYER(CLAMPED_RE_LU):
		nn_start(nn, &ob, "clamped_relu");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "alpha", l->clampedrelu->alpha);
		nn_f32(nn, &ob, "beta", l->clampedrelu->beta);
		nn_finish(nn, &ob);
		return;
	case LAYER(GELU): {
		static const char *const modes[] = { "EXACT", "TANH_APPROXIMATION",
		                                     "SIGMOID_APPROXIMATION" };
		nn_start(nn, &ob, "gelu");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_str(nn, &ob, "mode", modes[(unsigned)l->gelu->mode < 3 ? l->gelu->mode : 0]);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(CLIP):
		nn_start(nn, &ob, "clip");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "alpha", l->clip->minval);
		nn_f32(nn, &ob, "beta", l->clip->maxval);
		nn_finish(nn, &ob);
		return;
	case LAYER(WHERE_BROADCASTABLE):
		nn_start(nn, &ob, "select");
		ob_value(&ob, "cond", nn_in(nn, 0));
		ob_value(&ob, "a", nn_in(nn, 1));
		ob_value(&ob, "b", nn_in(nn, 2));
		nn_finish(nn, &ob);
		return;
	case LAYER(LOAD_CONSTANT):
	case LAYER(LOAD_CONSTANT_ND): {
		size_t n = c == LAYER(LOAD_CONSTANT) ? l->loadconstant->n_shape
		           : l->loadconstantnd->n_shape;
		const uint64_t *s = c == LAYER(LOAD_CONSTANT) ? l->loadconstant->shape
		                    : l->loadconstantnd->shape;
		int64_t shape[MAX_RANK];
		n = n < MAX_RANK ? n : MAX_RANK;
		for (size_t i = 0; i < n; i++)
			shape[i] = (int64_t)(s[i] & INT64_MAX);
		const Lit *v = nn_weight(nn, c == LAYER(LOAD_CONSTANT) ? l->loadconstant->data
		                                                        : l->loadconstantnd->data,
		                         (int)n, shape, "data");
		if (!v)
			break;
		nn_start(nn, &ob, "const");
		ob_attr(&ob, "val", v);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(TILE):
		nn_start(nn, &ob, "tile");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_u64s(nn, &ob, "reps", l->tile->n_reps, l->tile->reps, 1, 0);
		nn_finish(nn, &ob);
		return;
	case LAYER(STACK):
		nn_start(nn, &ob, "stack");
		nn_values(nn, &ob, "values");
		nn_i32(nn, &ob, "axis", l->stack->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(GATHER):
	case LAYER(GATHER_ALONG_AXIS):
		nn_start(nn, &ob, c == LAYER(GATHER) ? "gather" : "gather_along_axis");
		ob_value(&ob, "x", nn_in(nn, 0));
		ob_value(&ob, "indices", nn_in(nn, 1));
		nn_i32(nn, &ob, "axis", c == LAYER(GATHER) ? l->gather->axis : l->gatheralongaxis->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(GATHER_ND):
		nn_start(nn, &ob, "gather_nd");
		ob_value(&ob, "x", nn_in(nn, 0));
		ob_value(&ob, "indices", nn_in(nn, 1));
		nn_finish(nn, &ob);
		return;
	case LAYER(MATRIX_BAND_PART):
		nn_start(nn, &ob, "band_part");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "lower", l->matrixbandpart->numlower);
		nn_i32(nn, &ob, "upper", l->matrixbandpart->numupper);
		nn_finish(nn, &ob);
		return;
	case LAYER(SLICE_STATIC): {
		const SPEC(SliceStaticLayerParams) *p = l->slicestatic;
		size_t n = p->n_beginids < MAX_RANK ? p->n_beginids : MAX_RANK;
		if (p->n_endids != p->n_beginids || p->n_strides != p->n_beginids)
			break;
		nn_start(nn, &ob, "slice_by_index");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "begin", (uint32_t)n, p->beginids);
		nn_ints(nn, &ob, "end", (uint32_t)n, p->endids);
		nn_ints(nn, &ob, "stride", (uint32_t)n, p->strides);
		/* the masks, when given per axis (nn-layers.md L19) */
		const protobuf_c_boolean *masks[3] = { p->beginmasks, p->endmasks, p->squeezemasks };
		size_t nmasks[3] = { p->n_beginmasks, p->n_endmasks, p->n_squeezemasks };
		static const char *const mask_names[3] = { "begin_mask", "end_mask", "squeeze_mask" };
		for (int k = 0; k < 3; k++) {
			if (nmasks[k] != n)
				continue;
			uint8_t *v = arena_array(nn->r->a, n ? n : 1, 1);
			for (size_t i = 0; i < n; i++)
				v[i] = masks[k][i] != 0;
			Dim d = dim_const((int64_t)n);
			ob_lit(&ob, mask_names[k], fe_lit_tensor(m, type_tensor(m->types, DT_BOOL, 1, &d),
			                                         (int64_t)n, v));
		}
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(UNI_DIRECTIONAL_LSTM):
	case LAYER(BI_DIRECTIONAL_LSTM):
		if (nn_lstm(nn, &ob, c == LAYER(BI_DIRECTIONAL_LSTM)))
			return;
		nn->f->nops--;   /* the abandoned op is the block's last */
		nn->b->nops--;
		break;
	case LAYER(CUSTOM):
		nn_start(nn, &ob, "nn.custom");
		if (l->n_input)
			nn_values(nn, &ob, "values");
		ob_attr(&ob, "className", fe_lit_scalar_str(m, l->custom->classname));
		nn_finish(nn, &ob);
		return;
	case LAYER(BRANCH):
		nn_start(nn, &ob, "nn.branch");
		ob_value(&ob, "cond", nn_in(nn, 0));
		if (depth < MAX_DEPTH) {
			nn_subnet(nn, &ob, l->branch->ifbranch, depth);
			nn_subnet(nn, &ob, l->branch->elsebranch, depth);
		}
		nn_finish(nn, &ob);
		return;
	case LAYER(LOOP):
		nn_start(nn, &ob, "nn.loop");
		if (l->n_input)
			nn_values(nn, &ob, "values");
		nn_i32(nn, &ob, "max_iterations", (int64_t)(l->loop->maxloopiterations & INT32_MAX));
		if (depth < MAX_DEPTH) {
			nn_subnet(nn, &ob, l->loop->conditionnetwork, depth);
			nn_subnet(nn, &ob, l->loop->bodynetwork, depth);
		}
		nn_finish(nn, &ob);
		return;
	default:
		break;
	}
	nn_opaque(nn, &ob, kind);
}

static void nn_layers(Rd *r, Func *f, Block *b, OpList *ol, size_t n,
                      SPEC(NeuralNetworkLayer) *const *layers, int depth)
{
	for (size_t i = 0; i < n; i++) {
		Nn nn = { r, f, b, ol, layers[i], { .file = r->file, .func = f->name }, 0 };
		nn_layer(&nn, depth);
	}
}

/* Image preprocessing: scale then per-channel bias, or mean subtraction,
 * applied to the input before the first layer (nn-layers.md §4). */
static void nn_preprocess(Rd *r, Func *f, OpList *ol, size_t n,
                          SPEC(NeuralNetworkPreprocessing) *const *pp, const FuncDesc *fd)
{
	for (size_t i = 0; i < n; i++) {
		const char *in = pp[i]->featurename;
		ValueId x = nt_lookup(&r->syms, in);
		if (x == VALUE_NONE && fd && fd->ninputs == 1)
			in = fd->inputs[0].name, x = nt_lookup(&r->syms, in);
		if (x == VALUE_NONE)
			continue;
		PbLayer fake = SPECC(NEURAL_NETWORK_LAYER__INIT);
		fake.name = (char *)arena_printf(r->a, "%s_preprocess", in);
		Nn nn = { r, f, f->body, ol, &fake, { .file = r->file, .func = f->name }, 0 };
		OpBuild ob;
		if (pp[i]->preprocessor_case == SPECC(NEURAL_NETWORK_PREPROCESSING__PREPROCESSOR_SCALER)) {
			const SPEC(NeuralNetworkImageScaler) *s = pp[i]->scaler;
			const Type *t = ir_value(f, x)->type;
			bool gray = t->kind == TY_TENSOR && t->rank >= 3 && t->dims[t->rank - 3].kind == DIM_CONST
			            && t->dims[t->rank - 3].size == 1;
			float bias[3] = { s->redbias, s->greenbias, s->bluebias };
			nn_start(&nn, &ob, "mul");
			ob_value(&ob, "x", x);
			nn_f32(&nn, &ob, "y", s->channelscale);
			ValueId y = nn_step(&nn, &ob, "scaled");
			nn_start(&nn, &ob, "add");
			ob_value(&ob, "x", y);
			if (gray) {
				nn_f32(&nn, &ob, "y", s->graybias);
			} else {
				Dim d[3] = { dim_const(3), dim_const(1), dim_const(1) };
				float *p = arena_array(r->a, 3, sizeof *p);
				memcpy(p, bias, sizeof bias);
				ob_lit(&ob, "y", fe_lit_tensor(r->m, type_tensor(r->m->types, DT_FP32, 3, d), 3, p));
			}
			x = nn_step(&nn, &ob, "biased");
		} else if (pp[i]->preprocessor_case ==
		           SPECC(NEURAL_NETWORK_PREPROCESSING__PREPROCESSOR_MEAN_IMAGE)) {
			const SPEC(NeuralNetworkMeanImage) *mi = pp[i]->meanimage;
			nn_start(&nn, &ob, "sub");
			ob_value(&ob, "x", x);
			ob_lit(&ob, "y", fe_lit_vec_f32(r->m, (uint32_t)mi->n_meanimage, mi->meanimage));
			x = nn_step(&nn, &ob, "centered");
		} else {
			continue;
		}
		nt_define(&r->syms, in, x);
	}
}

/* The classifier's final step: labels and scores from the probabilities. */
static void nn_classify(Rd *r, Func *f, OpList *ol, const SPEC(NeuralNetworkClassifier) *nc,
                        const FuncDesc *fd, ValueId last)
{
	if (!fd || !fd->predicted_feature || nt_lookup(&r->syms, fd->predicted_feature) != VALUE_NONE)
		return;
	ValueId probs = nc->labelprobabilitylayername[0]
	                ? nt_lookup(&r->syms, nc->labelprobabilitylayername) : last;
	if (probs == VALUE_NONE)
		return;
	const Lit *classes;
	if (nc->class_labels_case == SPECC(NEURAL_NETWORK_CLASSIFIER__CLASS_LABELS_STRING_CLASS_LABELS))
		classes = fe_lit_vec_str(r->m, (uint32_t)nc->stringclasslabels->n_vector,
		                      (const char *const *)nc->stringclasslabels->vector);
	else if (nc->class_labels_case == SPECC(NEURAL_NETWORK_CLASSIFIER__CLASS_LABELS_INT64_CLASS_LABELS))
		classes = fe_lit_vec_i64(r->m, (uint32_t)nc->int64classlabels->n_vector,
		                      nc->int64classlabels->vector);
	else
		return;
	PbLayer fake = SPECC(NEURAL_NETWORK_LAYER__INIT);
	fake.name = "classify";
	Nn nn = { r, f, f->body, ol, &fake, { .file = r->file, .func = f->name }, 0 };
	OpBuild ob;
	nn_start(&nn, &ob, "classify");
	ob_value(&ob, "probabilities", probs);
	ob_lit(&ob, "classes", classes);
	const char *names[2] = { fd->predicted_feature, fd->predicted_probs };
	for (int k = 0; k < 2; k++) {
		if (!names[k])
			continue;
		const FeatureDesc *out = NULL;
		for (uint32_t i = 0; i < fd->noutputs; i++)
			if (strcmp(fd->outputs[i].name, names[k]) == 0)
				out = &fd->outputs[i];
		const Type *t = out ? feature_ir_type(r->m, out)
		                : type_tensor(r->m->types, DT_FP32, -1, NULL);
		ValueId id = ob_out(&ob, pbr_vname(r, names[k]), t);
		nt_define(&r->syms, names[k], id);
	}
	nn_push(&nn, &ob, "classify");
}

int pbr_nn_read(Rd *r, size_t n, SPEC(NeuralNetworkLayer) *const *layers, size_t npre,
                SPEC(NeuralNetworkPreprocessing) *const *pre,
                const SPEC(NeuralNetworkClassifier) *nc, const ModelDesc *d, const char *fname)
{
	const FuncDesc *fd = &d->funcs[0];
	Func *f = ir_func_new(r->m, fname, pbr_spec_opset(d), pbr_floc(r));
	uint32_t mark = nt_mark(&r->syms), nerr = r->nerr;
	pbr_desc_params(r, f, fd);
	OpList ol = { 0 };
	nn_preprocess(r, f, &ol, npre, pre, fd);
	nn_layers(r, f, f->body, &ol, n, layers, 0);
	ValueId last = VALUE_NONE;
	if (n && layers[n - 1]->n_output)
		last = nt_lookup(&r->syms, layers[n - 1]->output[0]);
	if (nc)
		nn_classify(r, f, &ol, nc, fd, last);
	blk_done(r->a, f->body, &ol);
	/* the function's results are the described outputs */
	Block *b = f->body;
	b->outs = arena_array(r->a, fd->noutputs ? fd->noutputs : 1, sizeof *b->outs);
	b->out_locs = arena_array(r->a, fd->noutputs ? fd->noutputs : 1, sizeof *b->out_locs);
	for (uint32_t i = 0; i < fd->noutputs; i++) {
		ValueId v = nt_lookup(&r->syms, fd->outputs[i].name);
		b->out_locs[b->nouts] = f->loc;
		if (v == VALUE_NONE)
			RD_ERR(r, FE_E_NAME, f->loc, "model output '%s' is produced by no layer",
			       fd->outputs[i].name);
		else
			b->outs[b->nouts++] = v;
	}
	nt_pop(&r->syms, mark);
	return r->nerr > nerr ? -1 : 0;
}

