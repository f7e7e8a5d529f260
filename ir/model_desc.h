/*
 * model_desc.h - a model's interface as the Core ML description states it:
 * inputs, outputs and states with their feature types and flexible shapes,
 * functions, metadata, and the parts of a pipeline.
 *
 * Data only.  The frontends fill it (from ModelDescription in the protobuf,
 * or from metadata.json of a compiled bundle) into the module arena and
 * hang it on Module.desc; every string and array lives in that arena.
 * Bare MIL text has no description (Module.desc == NULL).
 */
#ifndef ANELINT_MODEL_DESC_H
#define ANELINT_MODEL_DESC_H

#include "ir/ir.h"

typedef enum FeatureKind {
	FEAT_INVALID,
	FEAT_MULTIARRAY,
	FEAT_IMAGE,
	FEAT_INT64,
	FEAT_DOUBLE,
	FEAT_STRING,
	FEAT_DICTIONARY,
	FEAT_SEQUENCE,
	FEAT_STATE,
	FEAT_KIND_COUNT
} FeatureKind;

/* How a feature's shape (or image size) may vary at run time. */
typedef enum ShapeFlex {
	FLEX_NONE,              /* the default shape only */
	FLEX_ENUMERATED,        /* one of a list of shapes (or image sizes) */
	FLEX_RANGE,             /* each dimension within [lower, upper] */
} ShapeFlex;

/* Image colour spaces, with the numbers of ImageFeatureType.ColorSpace. */
typedef enum ColorSpace {
	COLOR_INVALID = 0,
	COLOR_GRAYSCALE = 10,
	COLOR_RGB = 20,
	COLOR_BGR = 30,
	COLOR_GRAYSCALE_FP16 = 40,
} ColorSpace;

/* An inclusive range; upper < 0 means unbounded. */
typedef struct DimRange {
	int64_t lower;
	int64_t upper;
} DimRange;

typedef struct FeatShape {
	uint32_t rank;
	const int64_t *dims;
} FeatShape;

typedef struct ImageSize {
	int64_t width, height;
} ImageSize;

typedef struct FeatureDesc {
	const char *name;
	const char *short_desc;         /* "" when absent */
	FeatureKind kind;
	bool optional;

	/* FEAT_MULTIARRAY and FEAT_STATE (the wrapped array) */
	DType dtype;                    /* DT_COUNT when not given */
	FeatShape shape;                /* default shape; rank 0 = not stated */
	ShapeFlex flex;
	uint32_t nshapes;               /* FLEX_ENUMERATED */
	const FeatShape *shapes;
	uint32_t nranges;               /* FLEX_RANGE: one per dimension */
	const DimRange *ranges;

	/* FEAT_IMAGE: default size, colour space, flexibility */
	int64_t width, height;
	ColorSpace color;
	ShapeFlex size_flex;
	uint32_t nsizes;                /* FLEX_ENUMERATED */
	const ImageSize *sizes;
	DimRange width_range, height_range;  /* FLEX_RANGE */

	/* FEAT_DICTIONARY: key kind (FEAT_INT64 or FEAT_STRING; the values
	 * are doubles).  FEAT_SEQUENCE: element kind and length range. */
	FeatureKind key_kind;
	FeatureKind elem_kind;
	bool has_len_range;
	DimRange len_range;
} FeatureDesc;

typedef struct FuncDesc {
	const char *name;               /* "main" for single-function models */
	uint32_t ninputs, noutputs, nstates;
	const FeatureDesc *inputs;
	const FeatureDesc *outputs;
	const FeatureDesc *states;
	const char *predicted_feature;      /* NULL when absent */
	const char *predicted_probs;        /* NULL when absent */
} FuncDesc;

typedef struct KeyValue {
	const char *key;
	const char *value;
} KeyValue;

typedef struct ModelMeta {
	const char *short_desc;         /* each NULL when absent */
	const char *version;
	const char *author;
	const char *license;
	uint32_t nuser;
	const KeyValue *user;           /* user-defined pairs, as stored */
} ModelMeta;

typedef struct ModelDesc ModelDesc;

/* One model of a pipeline, in pipeline order. */
typedef struct SubModelDesc {
	const char *name;               /* the pipeline's name for it, or "model<i>" */
	const char *kind;               /* e.g. "mlProgram", "nonMaximumSuppression" */
	const ModelDesc *desc;          /* its own description */
} SubModelDesc;

/* The minimum OS releases a specification version implies
 * (spec/protobuf.md §5); NULL fields when the version is unknown. */
typedef struct MinOS {
	const char *ios, *macos, *tvos, *watchos;
} MinOS;

struct ModelDesc {
	const char *format;             /* "mlpackage", "mlmodel", "mlmodel.gz",
	                                 * "mlmodelc", "pipeline part" */
	int32_t spec_version;           /* 0 when unknown */
	MinOS min_os;
	const char *kind;               /* Model.Type oneof name, e.g. "mlProgram" */
	bool is_updatable;
	uint32_t nfuncs;                /* >= 1 */
	const FuncDesc *funcs;          /* funcs[0] is the default unless named */
	const char *default_func;       /* name of the default function */
	uint32_t ntraining;
	const FeatureDesc *training_inputs;
	ModelMeta meta;
	uint32_t nsubmodels;
	const SubModelDesc *submodels;
};

/* "multiArray", "image", ... */
const char *feature_kind_name(FeatureKind k);
MinOS model_min_os(int32_t spec_version);
/* The function description with that name, or the default one for NULL. */
const FuncDesc *model_desc_func(const ModelDesc *d, const char *name);

/* The one lookup of a function's description (every pass and emitter asks
 * here).  The model a function was read from: Module.desc, or for a
 * pipeline the part the function is named after (the protobuf reader names
 * each part's function `<part>` or `model<i>`, nested parts
 * `<outer>_<inner>`); NULL for bare MIL text or a function of no part. */
const ModelDesc *ir_func_model_desc(const Func *f);
/* The function a command runs: `name` when given (NULL when absent), else
 * the description's default function, else the module's first. */
Func *ir_module_pick_func(Module *m, const char *name);
/* Its FuncDesc: the one named like f; a pipeline part's default function;
 * or the only one when model and module both have one function.  NULL
 * otherwise. */
const FuncDesc *ir_func_desc(const Func *f);

#endif
