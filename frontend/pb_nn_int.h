/*
 * pb_nn_int.h - what the neural-network reader's files share: pb_nn.c
 * (the network: preprocessing, layers, classifier), pb_nn_layers.c (each
 * layer kind -> its MIL op: the layer table) and pb_nn_build.c (building
 * one op from a layer: inputs, literal operands, weights, outputs).
 */
#ifndef ANELINT_FRONTEND_PB_NN_INT_H
#define ANELINT_FRONTEND_PB_NN_INT_H

#include "frontend/irbuild.h"
#include "frontend/pb_spec.h"

typedef SPEC(NeuralNetworkLayer) PbLayer;
typedef SPEC(WeightParams) PbWeights;
#define LAYER(x) SPECC(NEURAL_NETWORK_LAYER__LAYER_##x)

/* The layer being read and where its ops go. */
typedef struct Nn {
	Rd *r;
	Func *f;
	Block *b;
	OpList *ol;
	const PbLayer *layer;
	SrcLoc loc;
	int failed;
} Nn;

/* pb_nn_layers.c: layers in order into block b (depth: nested networks). */
void nn_layers(Rd *r, Func *f, Block *b, OpList *ol, size_t n,
               SPEC(NeuralNetworkLayer) *const *layers, int depth);

/* pb_nn_ops.c: the op of a convolution, pooling, activation layer; of an
 * LSTM layer (false: its weights do not fit, the op is left unfinished). */
void nn_conv(Nn *nn, OpBuild *ob);
void nn_pool(Nn *nn, OpBuild *ob);
void nn_activation(Nn *nn, OpBuild *ob);
bool nn_lstm(Nn *nn, OpBuild *ob, bool bidi);

/* pb_nn_build.c: the layer's i-th input (reported when it is missing or
 * undefined), the op begun and finished with the layer's outputs, an
 * intermediate op of a layer that takes several, weights and parameters
 * as literal operands, "nn.<kind>" for a layer without a MIL op. */
ValueId nn_in(Nn *nn, size_t i);
const Type *nn_tensor_type(Nn *nn, const SPEC(Tensor) *t);
void nn_start(Nn *nn, OpBuild *ob, const char *kind);
void nn_push(Nn *nn, OpBuild *ob, const char *name);
void nn_finish(Nn *nn, OpBuild *ob);
ValueId nn_step(Nn *nn, OpBuild *ob, const char *suffix);
const Lit *nn_weight(Nn *nn, const PbWeights *w, int rank, const int64_t *shape,
                     const char *what);
void nn_weight_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w,
                   int rank, const int64_t *shape);
void nn_vector_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w);
void nn_ints(Nn *nn, OpBuild *ob, const char *operand, uint32_t n, const int64_t *v);
void nn_u64s(Nn *nn, OpBuild *ob, const char *operand, size_t n, const uint64_t *v,
             int64_t dflt, size_t want);
void nn_f32(Nn *nn, OpBuild *ob, const char *operand, float v);
void nn_i32(Nn *nn, OpBuild *ob, const char *operand, int64_t v);
void nn_str(Nn *nn, OpBuild *ob, const char *operand, const char *v);
void nn_bool(Nn *nn, OpBuild *ob, const char *operand, bool v);
void nn_pad(Nn *nn, OpBuild *ob, const SPEC(ValidPadding) *valid, const SPEC(SamePadding) *same);
void nn_fold(Nn *nn, OpBuild *ob, const char *kind, float alpha, bool has_alpha,
             bool average);
void nn_values(Nn *nn, OpBuild *ob, const char *operand);
void nn_opaque(Nn *nn, OpBuild *ob, const char *kind);

#endif
