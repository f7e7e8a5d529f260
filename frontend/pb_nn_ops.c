/*
 * pb_nn_ops.c - the legacy layers whose MIL op takes the most code:
 * convolution (and deconvolution), pooling (local and global), the
 * activation family, and LSTMs (uni- and bidirectional, their gate
 * weights stacked as MIL's lstm wants them).
 * Facts: spec/protobuf-neuralnetwork.md, nn-layers.md.
 */
#include "frontend/pb_nn_int.h"

#include <string.h>

void nn_conv(Nn *nn, OpBuild *ob)
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

void nn_pool(Nn *nn, OpBuild *ob)
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

void nn_activation(Nn *nn, OpBuild *ob)
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

bool nn_lstm(Nn *nn, OpBuild *ob, bool bidi)
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
