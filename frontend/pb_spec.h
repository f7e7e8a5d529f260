/*
 * pb_spec.h - the protobuf-c generated types, for the files that read
 * them: pb_reader.c (model kinds, pipelines), pb_desc.c (the description),
 * pb_elide.c (the unpack) and pb_nn.c (legacy neural-network layers).
 * Nothing else in the project includes generated headers (STYLE.md
 * point 16).
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

typedef SPEC(Model) PbModel;

/* pb_desc.c: the model description. */
ModelDesc *pbr_read_desc(Rd *r, const PbModel *pm, const char *format);
/* The name of the set field of a oneof, from the schema. */
const char *pbr_oneof_name(const ProtobufCMessageDescriptor *d, unsigned number);
const char *pbr_model_kind(const PbModel *pm);
const SPEC(Pipeline) *pbr_model_pipeline(const PbModel *pm);

/* pb_elide.c: the unpack, with ML programs and weights left in place. */
PbModel *pbr_unpack_model(Rd *r, const uint8_t *data, size_t len, bool *too_deep);
const uint8_t *pbr_program_bytes(Rd *r, const MILS(Program) *pp, size_t *n, uint8_t **owned);

/* A WeightParams' payloads, whether protobuf-c unpacked them or they were
 * left in the model's bytes (pb_elide.c): the fields' lengths and data.
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
