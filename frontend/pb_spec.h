/*
 * pb_spec.h - the protobuf-c generated types, for the two files that read
 * them: pb_reader.c (model, description, ML programs, pipelines, other
 * kinds) and pb_nn.c (legacy neural-network layers).  Nothing else in the
 * project includes generated headers (STYLE.md point 16).
 */
#ifndef ANELINT_FRONTEND_PB_SPEC_H
#define ANELINT_FRONTEND_PB_SPEC_H

#include "frontend/pb_int.h"

#include "Model.pb-c.h"

#define SPEC(x) CoreML__Specification__##x
#define SPECC(x) CORE_ML__SPECIFICATION__##x
#define MILS(x) CoreML__Specification__MILSpec__##x
#define MILC(x) CORE_ML__SPECIFICATION__MILSPEC__##x
#define SPECD(x) core_ml__specification__##x##__descriptor
#define MILD(x) core_ml__specification__milspec__##x##__descriptor

/* Deepest nesting read; largest tensor rank accepted. */
enum { MAX_DEPTH = PBR_MAX_DEPTH, MAX_RANK = 64 };

/* pb_reader.c, for pb_nn.c */
const char *pbr_dup(Rd *r, const char *s);
/* A MIL identifier for a feature or layer name (e.g. "50" -> "_50"). */
const char *pbr_vname(Rd *r, const char *orig);
const char *pbr_oneof_name(const ProtobufCMessageDescriptor *d, unsigned number);
/* The MIL opset a model's spec version implies. */
const char *pbr_spec_opset(const ModelDesc *d);
/* The function's parameters from its described inputs. */
void pbr_desc_params(Rd *r, Func *f, const FuncDesc *fd);

/* A WeightParams' payloads, whether protobuf-c unpacked them or they were
 * left in the model's bytes (pb_reader.c): the fields' lengths and data.
 * `floats` may be unaligned (read it with memcpy, or keep it as a literal:
 * ir/literal.c reads any address). */
typedef struct PbWeight {
	size_t nfloats;         /* floatValue: count of floats */
	const void *floats;
	ProtobufCBinaryData f16, raw, int8;     /* float16Value, rawValue, int8RawValue */
	bool in_place;          /* some point into the model's bytes */
} PbWeight;

void pbr_weight(Rd *r, const SPEC(WeightParams) *w, PbWeight *out);
/* data (n bytes of pw) where a literal may keep it: as it is, or a copy in
 * the arena when it lies in bytes that do not outlive the read. */
const void *pbr_weight_keep(Rd *r, const PbWeight *pw, const void *data, size_t n);

/* pb_nn.c: a neural network (or its classifier / regressor) as one function. */
int pbr_nn_read(Rd *r, size_t n, SPEC(NeuralNetworkLayer) *const *layers, size_t npre,
                SPEC(NeuralNetworkPreprocessing) *const *pre,
                const SPEC(NeuralNetworkClassifier) *nc, const ModelDesc *d, const char *fname);

#endif
