/*
 * pb_nn_layers.c - each legacy neural-network layer kind -> the MIL op
 * that does the same (nn-layers.md §5), as a table: one row per kind.
 * The parameters that decide shape and cost become literal operands;
 * layers without a MIL counterpart stay as "nn.<layerKind>" ops.  The ops
 * are iOS15 MIL ops; the function's opset follows the spec version.
 * Facts: spec/protobuf-neuralnetwork.md, nn-layers.md.
 */
#include "frontend/pb_nn_int.h"

#include <string.h>

/* ------------------------------------------------------------ the layer table
 *
 * One row per layer kind (nn-layers.md §5): the MIL op it becomes, the
 * operand names its inputs bind to in order ("values": all of them, as
 * one list), and a function that adds the literal operands its
 * parameters give, after the inputs.  Layers whose op, or whether there
 * is one, depends on their parameters have a `code` function instead
 * that builds the whole op (false: the layer stays "nn.<kind>").  A kind
 * without a row stays "nn.<kind>". */

typedef void (*NnParams)(Nn *nn, OpBuild *ob, const PbLayer *l);
typedef bool (*NnCode)(Nn *nn, OpBuild *ob, int depth);

typedef struct NnRow {
	unsigned layer;         /* NeuralNetworkLayer.layer oneof case */
	const char *op;
	const char *in[3];
	NnParams params;
	NnCode code;
} NnRow;

/* ---- parameters as literal operands */

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

/* binary: y is the second input, or the layer's constant */
static void p_binary(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	if (l->n_input > 1)
		ob_value(ob, "y", nn_in(nn, 1));
	else
		nn_f32(nn, ob, "y", nn_cmp_alpha(l));
}

/* every ND reduce params message has this layout: read it through the
 * reduceSum member's fields */
static void p_reduce_nd(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(ReduceSumLayerParams) *p = l->reducesum;
	if (!p->reduceall && p->n_axes)
		nn_ints(nn, ob, "axes", (uint32_t)(p->n_axes < MAX_RANK ? p->n_axes : MAX_RANK), p->axes);
	nn_bool(nn, ob, "keep_dims", p->keepdims);
}

static void p_inner_product(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(InnerProductLayerParams) *p = l->innerproduct;
	int64_t ws[2] = { (int64_t)p->outputchannels, (int64_t)p->inputchannels };
	nn_weight_arg(nn, ob, "weight", p->weights, 2, ws);
	if (p->hasbias)
		nn_weight_arg(nn, ob, "bias", p->bias, 1, ws);
}

/* weight [rows, cols] and the optional bias of an embedding */
static void nn_embedding_weights(Nn *nn, OpBuild *ob, int64_t rows, int64_t cols,
                                 const PbWeights *w, bool hasbias, const PbWeights *b)
{
	int64_t ws[2] = { rows, cols };
	nn_weight_arg(nn, ob, "weight", w, 2, ws);
	if (hasbias)
		nn_weight_arg(nn, ob, "bias", b, 1, ws);
}

static void p_embedding(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(EmbeddingLayerParams) *p = l->embedding;
	nn_embedding_weights(nn, ob, (int64_t)p->outputchannels, (int64_t)p->inputdim, p->weights,
	                     p->hasbias, p->bias);
}

static void p_embedding_nd(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(EmbeddingNDLayerParams) *p = l->embeddingnd;
	nn_embedding_weights(nn, ob, (int64_t)p->embeddingsize, (int64_t)p->vocabsize, p->weights,
	                     p->hasbias, p->bias);
}

static void p_softmax(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	(void)l;
	nn_i32(nn, ob, "axis", -3);
}

static void p_softmax_nd(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->softmaxnd->axis);
}

static void p_l2_norm(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_f32(nn, ob, "epsilon", l->l2normalize->epsilon != 0 ? l->l2normalize->epsilon : 1e-6f);
}

static void p_lrn(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "size", (int64_t)(l->lrn->localsize & INT32_MAX));
	nn_f32(nn, ob, "alpha", l->lrn->alpha);
	nn_f32(nn, ob, "beta", l->lrn->beta);
	nn_f32(nn, ob, "k", l->lrn->k != 0 ? l->lrn->k : 1.0f);
}

static void p_layer_norm(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(LayerNormalizationLayerParams) *p = l->layernormalization;
	size_t k = p->n_normalizedshape < MAX_RANK ? p->n_normalizedshape : MAX_RANK;
	int64_t axes[MAX_RANK];
	for (size_t i = 0; i < k; i++)
		axes[i] = (int64_t)i - (int64_t)k;
	nn_ints(nn, ob, "axes", (uint32_t)k, axes);
	nn_weight_arg(nn, ob, "gamma", p->gamma, (int)k, p->normalizedshape);
	nn_weight_arg(nn, ob, "beta", p->beta, (int)k, p->normalizedshape);
	nn_f32(nn, ob, "epsilon", p->eps);
}

/* a shape list of a params message, capped at MAX_RANK, as int64 */
static size_t nn_shape(size_t n, const uint64_t *v, int64_t *out)
{
	n = n < MAX_RANK ? n : MAX_RANK;
	for (size_t i = 0; i < n; i++)
		out[i] = (int64_t)(v[i] & INT64_MAX);
	return n;
}

static void p_bias(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(BiasLayerParams) *p = l->bias;
	int64_t s[MAX_RANK];
	size_t ns = nn_shape(p->n_shape, p->shape, s);
	nn_weight_arg(nn, ob, "y", p->bias, (int)ns, s);
}

static void p_concat(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->concat->sequenceconcat ? -5 : -3);
	nn_bool(nn, ob, "interleave", false);
}

static void p_concat_nd(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->concatnd->axis);
	nn_bool(nn, ob, "interleave", l->concatnd->interleave);
}

static void nn_axes(Nn *nn, OpBuild *ob, const char *operand, size_t n, const int64_t *v)
{
	nn_ints(nn, ob, operand, (uint32_t)(n < MAX_RANK ? n : MAX_RANK), v);
}

static void p_reshape(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_axes(nn, ob, "shape", l->reshape->n_targetshape, l->reshape->targetshape);
}

static void p_reshape_static(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_axes(nn, ob, "shape", l->reshapestatic->n_targetshape, l->reshapestatic->targetshape);
}

static void p_rank_preserving_reshape(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_axes(nn, ob, "shape", l->rankpreservingreshape->n_targetshape,
	        l->rankpreservingreshape->targetshape);
}

static void p_flatten2d(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->flattento2d->axis);
}

static void p_transpose(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_u64s(nn, ob, "perm", l->transpose->n_axes, l->transpose->axes, 0, 0);
}

static void p_squeeze(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	if (!l->squeeze->squeezeall)
		nn_axes(nn, ob, "axes", l->squeeze->n_axes, l->squeeze->axes);
}

static void p_expand_dims(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_axes(nn, ob, "axes", l->expanddims->n_axes, l->expanddims->axes);
}

static void p_split(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "num_splits", l->split->noutputs ? (int64_t)(l->split->noutputs & INT32_MAX)
	                             : (int64_t)l->n_output);
	nn_i32(nn, ob, "axis", -3);
}

static void p_split_nd(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(SplitNDLayerParams) *p = l->splitnd;
	if (p->n_splitsizes)
		nn_u64s(nn, ob, "split_sizes", p->n_splitsizes, p->splitsizes, 0, 0);
	else
		nn_i32(nn, ob, "num_splits", p->numsplits ? (int64_t)(p->numsplits & INT32_MAX)
		                              : (int64_t)l->n_output);
	nn_i32(nn, ob, "axis", p->axis);
}

static void p_padding(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(PaddingLayerParams) *p = l->padding;
	static const char *const modes[] = { "constant", "constant", "reflect", "replicate" };
	int64_t pad[4] = { 0, 0, 0, 0 };
	const SPEC(BorderAmounts) *ba = p->paddingamounts;
	for (size_t i = 0; ba && i < ba->n_borderamounts && i < 2; i++) {
		pad[2 * i] = (int64_t)(ba->borderamounts[i]->startedgesize & INT32_MAX);
		pad[2 * i + 1] = (int64_t)(ba->borderamounts[i]->endedgesize & INT32_MAX);
	}
	nn_ints(nn, ob, "pad", 4, pad);
	nn_str(nn, ob, "mode", modes[p->padding_type_case < 4 ? p->padding_type_case : 0]);
	nn_f32(nn, ob, "constant_val", p->padding_type_case ==
	       SPECC(PADDING_LAYER_PARAMS__PADDING_TYPE_CONSTANT) ? p->constant->value : 0.0f);
}

static void p_resize_bilinear(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	const SPEC(ResizeBilinearLayerParams) *p = l->resizebilinear;
	nn_i32(nn, ob, "target_size_height",
	       p->n_targetsize > 0 ? (int64_t)(p->targetsize[0] & INT32_MAX) : 1);
	nn_i32(nn, ob, "target_size_width",
	       p->n_targetsize > 1 ? (int64_t)(p->targetsize[1] & INT32_MAX) : 1);
}

static void p_argmax(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->argmax->axis);
	nn_bool(nn, ob, "keep_dims", !l->argmax->removedim);
}

static void p_argmin(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->argmin->axis);
	nn_bool(nn, ob, "keep_dims", !l->argmin->removedim);
}

static void p_topk(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	if (l->n_input > 1)
		ob_value(ob, "k", nn_in(nn, 1));
	else
		nn_i32(nn, ob, "k", (int64_t)(l->topk->k & INT32_MAX));
	nn_i32(nn, ob, "axis", l->topk->axis);
	nn_bool(nn, ob, "ascending", l->topk->usebottomk);
}

static void p_argsort(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->argsort->axis);
	nn_bool(nn, ob, "ascending", !l->argsort->descending);
}

static void p_cumsum(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->cumsum->axis);
	nn_bool(nn, ob, "exclusive", l->cumsum->excludefinalsum);
	nn_bool(nn, ob, "reverse", l->cumsum->reverse);
}

static void p_clamped_relu(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_f32(nn, ob, "alpha", l->clampedrelu->alpha);
	nn_f32(nn, ob, "beta", l->clampedrelu->beta);
}

static void p_gelu(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	static const char *const modes[] = { "EXACT", "TANH_APPROXIMATION", "SIGMOID_APPROXIMATION" };
	nn_str(nn, ob, "mode", modes[(unsigned)l->gelu->mode < 3 ? l->gelu->mode : 0]);
}

static void p_clip(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_f32(nn, ob, "alpha", l->clip->minval);
	nn_f32(nn, ob, "beta", l->clip->maxval);
}

static void p_tile(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_u64s(nn, ob, "reps", l->tile->n_reps, l->tile->reps, 1, 0);
}

static void p_stack(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->stack->axis);
}

static void p_gather(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->gather->axis);
}

static void p_gather_along_axis(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "axis", l->gatheralongaxis->axis);
}

static void p_band_part(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	nn_i32(nn, ob, "lower", l->matrixbandpart->numlower);
	nn_i32(nn, ob, "upper", l->matrixbandpart->numupper);
}

static void p_custom(Nn *nn, OpBuild *ob, const PbLayer *l)
{
	if (l->n_input)
		nn_values(nn, ob, "values");
	ob_attr(ob, "className", fe_lit_scalar_str(nn->r->m, l->custom->classname));
}

/* ---- layers that need code */

static bool c_conv(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_conv(nn, ob);
	return true;
}

static bool c_pool(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_pool(nn, ob);
	return true;
}

static bool c_activation(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_activation(nn, ob);
	return true;
}

static bool c_batched_matmul(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(BatchedMatMulLayerParams) *p = nn->layer->batchedmatmul;
	if (nn->layer->n_input > 1) {
		nn_start(nn, ob, "matmul");
		ob_value(ob, "x", nn_in(nn, 0));
		ob_value(ob, "y", nn_in(nn, 1));
		nn_bool(nn, ob, "transpose_x", p->transposea);
		nn_bool(nn, ob, "transpose_y", p->transposeb);
	} else {
		int64_t ws[2] = { (int64_t)p->weightmatrixseconddimension,
		                  (int64_t)p->weightmatrixfirstdimension };
		nn_start(nn, ob, "linear");
		ob_value(ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, ob, "bias", p->bias, 1, ws);
	}
	nn_finish(nn, ob);
	return true;
}

static bool c_batchnorm(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(BatchnormLayerParams) *p = nn->layer->batchnorm;
	int64_t ch = (int64_t)p->channels;
	bool inorm = p->computemeanvar && p->instancenormalization;
	nn_start(nn, ob, inorm ? "instance_norm" : p->computemeanvar ? "nn.batchnorm" : "batch_norm");
	ob_value(ob, "x", nn_in(nn, 0));
	if (!p->computemeanvar) {
		nn_weight_arg(nn, ob, "mean", p->mean, 1, &ch);
		nn_weight_arg(nn, ob, "variance", p->variance, 1, &ch);
	}
	nn_weight_arg(nn, ob, "gamma", p->gamma, 1, &ch);
	nn_weight_arg(nn, ob, "beta", p->beta, 1, &ch);
	nn_f32(nn, ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-5f);
	nn_finish(nn, ob);
	return true;
}

static bool c_mvn(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(MeanVarianceNormalizeLayerParams) *p = nn->layer->mvn;
	static const int64_t axes[] = { -3, -2, -1 };
	if (!p->normalizevariance)
		return false;
	nn_start(nn, ob, "layer_norm");
	ob_value(ob, "x", nn_in(nn, 0));
	nn_ints(nn, ob, "axes", p->acrosschannels ? 3 : 2, p->acrosschannels ? axes : axes + 1);
	nn_f32(nn, ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-6f);
	nn_finish(nn, ob);
	return true;
}

static bool c_add(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_fold(nn, ob, "add", nn->layer->add->alpha, true, false);
	return true;
}

static bool c_multiply(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_fold(nn, ob, "mul", nn->layer->multiply->alpha, true, false);
	return true;
}

static bool c_max(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_fold(nn, ob, "maximum", 0, false, false);
	return true;
}

static bool c_min(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_fold(nn, ob, "minimum", 0, false, false);
	return true;
}

static bool c_average(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	nn_fold(nn, ob, "add", 0, false, true);
	return true;
}

/* x * scale (+ bias): one or two ops */
static bool c_scale(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(ScaleLayerParams) *p = nn->layer->scale;
	int64_t s[MAX_RANK], bsh[MAX_RANK];
	size_t ns = nn_shape(p->n_shapescale, p->shapescale, s);
	size_t nb = nn_shape(p->n_shapebias, p->shapebias, bsh);
	nn_start(nn, ob, "mul");
	ob_value(ob, "x", nn_in(nn, 0));
	nn_weight_arg(nn, ob, "y", p->scale, (int)ns, s);
	if (!p->hasbias) {
		nn_finish(nn, ob);
		return true;
	}
	ValueId scaled = nn_step(nn, ob, "scaled");
	nn_start(nn, ob, "add");
	ob_value(ob, "x", scaled);
	nn_weight_arg(nn, ob, "y", p->bias, (int)nb, bsh);
	nn_finish(nn, ob);
	return true;
}

/* flatten (channel-first) of a tensor of known rank >= 3 as a reshape */
static bool c_flatten(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	ValueId x = nn_in(nn, 0);
	const Type *t = x != VALUE_NONE ? ir_value(nn->f, x)->type : NULL;
	if (!t || t->kind != TY_TENSOR || t->rank < 3 || nn->layer->flatten->mode != 0)
		return false;
	int64_t s[MAX_RANK] = { 0 };
	s[t->rank - 3] = -1, s[t->rank - 2] = 1, s[t->rank - 1] = 1;
	nn_start(nn, ob, "reshape");
	ob_value(ob, "x", x);
	nn_ints(nn, ob, "shape", (uint32_t)t->rank, s);
	nn_finish(nn, ob);
	return true;
}

/* permute of the 4 axes C, H, W, sequence as a rank-5 transpose */
static bool c_permute(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(PermuteLayerParams) *p = nn->layer->permute;
	static const int64_t map[4] = { 0, 2, 3, 4 };
	if (p->n_axis != 4)
		return false;
	int64_t perm[5] = { map[p->axis[0] & 3], 1, map[p->axis[1] & 3],
	                    map[p->axis[2] & 3], map[p->axis[3] & 3] };
	nn_start(nn, ob, "transpose");
	ob_value(ob, "x", nn_in(nn, 0));
	nn_ints(nn, ob, "perm", 5, perm);
	nn_finish(nn, ob);
	return true;
}

static bool c_constant_pad(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(ConstantPaddingLayerParams) *p = nn->layer->constantpad;
	if (p->padtogivenoutputsizemode)
		return false;
	nn_start(nn, ob, "pad");
	ob_value(ob, "x", nn_in(nn, 0));
	nn_u64s(nn, ob, "pad", p->n_padamounts, p->padamounts, 0, 0);
	nn_str(nn, ob, "mode", "constant");
	nn_f32(nn, ob, "constant_val", p->value);
	nn_finish(nn, ob);
	return true;
}

static bool c_upsample(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(UpsampleLayerParams) *p = nn->layer->upsample;
	float sh = 1, sw = 1;
	if (p->n_fractionalscalingfactor >= 2)
		sh = p->fractionalscalingfactor[0], sw = p->fractionalscalingfactor[1];
	else if (p->n_scalingfactor >= 2)
		sh = (float)p->scalingfactor[0], sw = (float)p->scalingfactor[1];
	nn_start(nn, ob, p->mode ? "upsample_bilinear" : "upsample_nearest_neighbor");
	ob_value(ob, "x", nn_in(nn, 0));
	nn_f32(nn, ob, "scale_factor_height", sh);
	nn_f32(nn, ob, "scale_factor_width", sw);
	if (p->mode)
		nn_bool(nn, ob, "align_corners", p->linearupsamplemode == 1);
	nn_finish(nn, ob);
	return true;
}

static bool c_reorganize_data(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	static const char *const ops[] = { "space_to_depth", "depth_to_space", "pixel_shuffle" };
	const SPEC(ReorganizeDataLayerParams) *p = nn->layer->reorganizedata;
	unsigned mode = (unsigned)p->mode;
	if (mode > 2)
		return false;
	nn_start(nn, ob, ops[mode]);
	ob_value(ob, "x", nn_in(nn, 0));
	nn_i32(nn, ob, mode == 2 ? "upscale_factor" : "block_size",
	       (int64_t)(p->blocksize & INT32_MAX));
	nn_finish(nn, ob);
	return true;
}

static bool c_unary(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	static const char *const ops[] = { "sqrt", "rsqrt", "inverse", "pow", "exp", "log",
	                                   "abs", "threshold" };
	const SPEC(UnaryFunctionLayerParams) *p = nn->layer->unary;
	unsigned t = (unsigned)p->type;
	if (t > 7)
		return false;
	nn_start(nn, ob, ops[t]);
	ob_value(ob, "x", nn_in(nn, 0));
	if (t == 1 || t == 2 || t == 5)
		nn_f32(nn, ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-6f);
	if (t == 3)
		nn_f32(nn, ob, "y", p->alpha);
	if (t == 7)
		nn_f32(nn, ob, "alpha", p->alpha);
	nn_finish(nn, ob);
	return true;
}

/* the rank-5 reduce: a mode and a fixed set of axes */
static bool c_reduce(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	static const char *const ops[] = { "reduce_sum", "reduce_mean", "reduce_prod",
	                                   "reduce_log_sum", "reduce_sum_square",
	                                   "reduce_l1_norm", "reduce_l2_norm", "reduce_max",
	                                   "reduce_min", "reduce_argmax" };
	static const int64_t axes[][3] = { { -3, -2, -1 }, { -2, -1 }, { -3 }, { -2 }, { -1 } };
	static const uint32_t naxes[] = { 3, 2, 1, 1, 1 };
	const SPEC(ReduceLayerParams) *p = nn->layer->reduce;
	unsigned mode = (unsigned)p->mode, ax = (unsigned)p->axis;
	if (mode > 9 || ax > 4)
		return false;
	nn_start(nn, ob, ops[mode]);
	ob_value(ob, "x", nn_in(nn, 0));
	if (mode == 9)
		nn_i32(nn, ob, "axis", axes[ax][0]);
	else
		nn_ints(nn, ob, "axes", naxes[ax], axes[ax]);
	nn_bool(nn, ob, "keep_dims", true);
	nn_finish(nn, ob);
	return true;
}

/* a constant: the layer's data as the `val` of a const op */
static bool nn_load_constant(Nn *nn, OpBuild *ob, size_t n, const uint64_t *s,
                             const PbWeights *data)
{
	int64_t shape[MAX_RANK];
	n = nn_shape(n, s, shape);
	const Lit *v = nn_weight(nn, data, (int)n, shape, "data");
	if (!v)
		return false;
	nn_start(nn, ob, "const");
	ob_attr(ob, "val", v);
	nn_finish(nn, ob);
	return true;
}

static bool c_load_constant(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(LoadConstantLayerParams) *p = nn->layer->loadconstant;
	return nn_load_constant(nn, ob, p->n_shape, p->shape, p->data);
}

static bool c_load_constant_nd(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	const SPEC(LoadConstantNDLayerParams) *p = nn->layer->loadconstantnd;
	return nn_load_constant(nn, ob, p->n_shape, p->shape, p->data);
}

static bool c_slice_static(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	Module *m = nn->r->m;
	const SPEC(SliceStaticLayerParams) *p = nn->layer->slicestatic;
	size_t n = p->n_beginids < MAX_RANK ? p->n_beginids : MAX_RANK;
	if (p->n_endids != p->n_beginids || p->n_strides != p->n_beginids)
		return false;
	nn_start(nn, ob, "slice_by_index");
	ob_value(ob, "x", nn_in(nn, 0));
	nn_ints(nn, ob, "begin", (uint32_t)n, p->beginids);
	nn_ints(nn, ob, "end", (uint32_t)n, p->endids);
	nn_ints(nn, ob, "stride", (uint32_t)n, p->strides);
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
		ob_lit(ob, mask_names[k], fe_lit_tensor(m, type_tensor(m->types, DT_BOOL, 1, &d),
		                                        (int64_t)n, v));
	}
	nn_finish(nn, ob);
	return true;
}

static bool nn_lstm_or_drop(Nn *nn, OpBuild *ob, bool bidi)
{
	if (nn_lstm(nn, ob, bidi))
		return true;
	nn->f->nops--;   /* the abandoned op is the block's last */
	nn->b->nops--;
	return false;
}

static bool c_lstm(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	return nn_lstm_or_drop(nn, ob, false);
}

static bool c_bilstm(Nn *nn, OpBuild *ob, int depth)
{
	(void)depth;
	return nn_lstm_or_drop(nn, ob, true);
}

static void nn_subnet(Nn *nn, OpBuild *ob, const SPEC(NeuralNetwork) *net, int depth);

static bool c_branch(Nn *nn, OpBuild *ob, int depth)
{
	nn_start(nn, ob, "nn.branch");
	ob_value(ob, "cond", nn_in(nn, 0));
	if (depth < MAX_DEPTH) {
		nn_subnet(nn, ob, nn->layer->branch->ifbranch, depth);
		nn_subnet(nn, ob, nn->layer->branch->elsebranch, depth);
	}
	nn_finish(nn, ob);
	return true;
}

static bool c_loop(Nn *nn, OpBuild *ob, int depth)
{
	const SPEC(LoopLayerParams) *p = nn->layer->loop;
	nn_start(nn, ob, "nn.loop");
	if (nn->layer->n_input)
		nn_values(nn, ob, "values");
	nn_i32(nn, ob, "max_iterations", (int64_t)(p->maxloopiterations & INT32_MAX));
	if (depth < MAX_DEPTH) {
		nn_subnet(nn, ob, p->conditionnetwork, depth);
		nn_subnet(nn, ob, p->bodynetwork, depth);
	}
	nn_finish(nn, ob);
	return true;
}

/* ---- the table */

#define X_ { "x" }
#define UNARY(L, op) { LAYER(L), op, X_, NULL, NULL }
#define BINARY(L, op) { LAYER(L), op, X_, p_binary, NULL }
#define REDUCE(L, op) { LAYER(L), op, X_, p_reduce_nd, NULL }
#define PARAMS(L, op, fn) { LAYER(L), op, X_, fn, NULL }
#define CODE(L, fn) { LAYER(L), NULL, { NULL }, NULL, fn }

static const NnRow nn_rows[] = {
	UNARY(CEIL, "ceil"), UNARY(FLOOR, "floor"), UNARY(SIGN, "sign"), UNARY(ROUND, "round"),
	UNARY(EXP2, "exp2"), UNARY(SIN, "sin"), UNARY(COS, "cos"), UNARY(TAN, "tan"),
	UNARY(ASIN, "asin"), UNARY(ACOS, "acos"), UNARY(ATAN, "atan"), UNARY(SINH, "sinh"),
	UNARY(COSH, "cosh"), UNARY(TANH, "tanh"), UNARY(ATANH, "atanh"), UNARY(ERF, "erf"),
	UNARY(LOGICAL_NOT, "logical_not"), UNARY(GET_SHAPE, "shape"), UNARY(COPY, "identity"),
	UNARY(WHERE_NON_ZERO, "non_zero"),

	BINARY(ADD_BROADCASTABLE, "add"), BINARY(SUBTRACT_BROADCASTABLE, "sub"),
	BINARY(MULTIPLY_BROADCASTABLE, "mul"), BINARY(DIVIDE_BROADCASTABLE, "real_div"),
	BINARY(FLOOR_DIV_BROADCASTABLE, "floor_div"), BINARY(MOD_BROADCASTABLE, "mod"),
	BINARY(POW_BROADCASTABLE, "pow"), BINARY(MAX_BROADCASTABLE, "maximum"),
	BINARY(MIN_BROADCASTABLE, "minimum"), BINARY(EQUAL, "equal"),
	BINARY(NOT_EQUAL, "not_equal"), BINARY(LESS_THAN, "less"),
	BINARY(LESS_EQUAL, "less_equal"), BINARY(GREATER_THAN, "greater"),
	BINARY(GREATER_EQUAL, "greater_equal"), BINARY(LOGICAL_AND, "logical_and"),
	BINARY(LOGICAL_OR, "logical_or"), BINARY(LOGICAL_XOR, "logical_xor"),

	REDUCE(REDUCE_L1, "reduce_l1_norm"), REDUCE(REDUCE_L2, "reduce_l2_norm"),
	REDUCE(REDUCE_MAX, "reduce_max"), REDUCE(REDUCE_MIN, "reduce_min"),
	REDUCE(REDUCE_SUM, "reduce_sum"), REDUCE(REDUCE_PROD, "reduce_prod"),
	REDUCE(REDUCE_MEAN, "reduce_mean"), REDUCE(REDUCE_LOG_SUM, "reduce_log_sum"),
	REDUCE(REDUCE_SUM_SQUARE, "reduce_sum_square"),
	REDUCE(REDUCE_LOG_SUM_EXP, "reduce_log_sum_exp"),

	PARAMS(INNER_PRODUCT, "linear", p_inner_product),
	PARAMS(EMBEDDING, "nn.embedding", p_embedding),
	PARAMS(EMBEDDING_ND, "nn.embeddingND", p_embedding_nd),
	PARAMS(SOFTMAX, "softmax", p_softmax),
	PARAMS(SOFTMAX_ND, "softmax", p_softmax_nd),
	PARAMS(L2NORMALIZE, "l2_norm", p_l2_norm),
	PARAMS(LRN, "local_response_norm", p_lrn),
	PARAMS(LAYER_NORMALIZATION, "layer_norm", p_layer_norm),
	PARAMS(BIAS, "add", p_bias),
	{ LAYER(CONCAT), "concat", { "values" }, p_concat, NULL },
	{ LAYER(CONCAT_ND), "concat", { "values" }, p_concat_nd, NULL },
	PARAMS(RESHAPE, "reshape", p_reshape),
	PARAMS(RESHAPE_STATIC, "reshape", p_reshape_static),
	PARAMS(RANK_PRESERVING_RESHAPE, "reshape", p_rank_preserving_reshape),
	{ LAYER(RESHAPE_DYNAMIC), "reshape", { "x", "shape" }, NULL, NULL },
	PARAMS(FLATTEN_TO2_D, "flatten2d", p_flatten2d),
	PARAMS(TRANSPOSE, "transpose", p_transpose),
	PARAMS(SQUEEZE, "squeeze", p_squeeze),
	PARAMS(EXPAND_DIMS, "expand_dims", p_expand_dims),
	PARAMS(SPLIT, "split", p_split),
	PARAMS(SPLIT_ND, "split", p_split_nd),
	PARAMS(PADDING, "pad", p_padding),
	PARAMS(RESIZE_BILINEAR, "resize_bilinear", p_resize_bilinear),
	PARAMS(ARG_MAX, "reduce_argmax", p_argmax),
	PARAMS(ARG_MIN, "reduce_argmin", p_argmin),
	PARAMS(TOP_K, "topk", p_topk),
	PARAMS(ARG_SORT, "argsort", p_argsort),
	PARAMS(CUM_SUM, "cumsum", p_cumsum),
	PARAMS(CLAMPED_RE_LU, "clamped_relu", p_clamped_relu),
	PARAMS(GELU, "gelu", p_gelu),
	PARAMS(CLIP, "clip", p_clip),
	{ LAYER(WHERE_BROADCASTABLE), "select", { "cond", "a", "b" }, NULL, NULL },
	PARAMS(TILE, "tile", p_tile),
	{ LAYER(STACK), "stack", { "values" }, p_stack, NULL },
	{ LAYER(GATHER), "gather", { "x", "indices" }, p_gather, NULL },
	{ LAYER(GATHER_ALONG_AXIS), "gather_along_axis", { "x", "indices" }, p_gather_along_axis,
	  NULL },
	{ LAYER(GATHER_ND), "gather_nd", { "x", "indices" }, NULL, NULL },
	PARAMS(MATRIX_BAND_PART, "band_part", p_band_part),
	{ LAYER(CUSTOM), "nn.custom", { NULL }, p_custom, NULL },

	CODE(CONVOLUTION, c_conv), CODE(POOLING, c_pool), CODE(ACTIVATION, c_activation),
	CODE(BATCHED_MATMUL, c_batched_matmul), CODE(BATCHNORM, c_batchnorm), CODE(MVN, c_mvn),
	CODE(ADD, c_add), CODE(MULTIPLY, c_multiply), CODE(MAX, c_max), CODE(MIN, c_min),
	CODE(AVERAGE, c_average), CODE(SCALE, c_scale), CODE(FLATTEN, c_flatten),
	CODE(PERMUTE, c_permute), CODE(CONSTANT_PAD, c_constant_pad), CODE(UPSAMPLE, c_upsample),
	CODE(REORGANIZE_DATA, c_reorganize_data), CODE(UNARY, c_unary), CODE(REDUCE, c_reduce),
	CODE(LOAD_CONSTANT, c_load_constant), CODE(LOAD_CONSTANT_ND, c_load_constant_nd),
	CODE(SLICE_STATIC, c_slice_static), CODE(UNI_DIRECTIONAL_LSTM, c_lstm),
	CODE(BI_DIRECTIONAL_LSTM, c_bilstm), CODE(BRANCH, c_branch), CODE(LOOP, c_loop),
};

#undef X_
#undef UNARY
#undef BINARY
#undef REDUCE
#undef PARAMS
#undef CODE

static const NnRow *nn_row(unsigned layer)
{
	for (size_t i = 0; i < sizeof nn_rows / sizeof *nn_rows; i++)
		if (nn_rows[i].layer == layer)
			return &nn_rows[i];
	return NULL;
}

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

/* One layer: its row's op, its inputs, its parameters; or "nn.<kind>". */
static void nn_layer(Nn *nn, int depth)
{
	const PbLayer *l = nn->layer;
	unsigned c = l->layer_case;
	const NnRow *row = nn_row(c);
	OpBuild ob;
	if (row && row->code && row->code(nn, &ob, depth))
		return;
	if (row && !row->code) {
		nn_start(nn, &ob, row->op);
		for (size_t i = 0; i < 3 && row->in[i]; i++) {
			if (strcmp(row->in[i], "values") == 0)
				nn_values(nn, &ob, "values");
			else
				ob_value(&ob, row->in[i], nn_in(nn, i));
		}
		if (row->params)
			row->params(nn, &ob, l);
		nn_finish(nn, &ob);
		return;
	}
	nn_opaque(nn, &ob, c ? pbr_oneof_name(&SPECD(neural_network_layer), c) : "empty");
}

void nn_layers(Rd *r, Func *f, Block *b, OpList *ol, size_t n,
               SPEC(NeuralNetworkLayer) *const *layers, int depth)
{
	for (size_t i = 0; i < n; i++) {
		Nn nn = { r, f, b, ol, layers[i], { .file = r->file, .func = f->name }, 0 };
		nn_layer(&nn, depth);
	}
}
