/*
 * op_catalogue.h - every MIL op of every opset, as data.
 *
 *   op_table.def ──┬── enum OpId          one id per op name (OP rows)
 *                  └── op_rows[]          one OpInfo per op per version
 *                         ├─ operands[]   OpOperandInfo: kind, dtypes, rank, default
 *                         ├─ outputs[]    OpOutputInfo: where each dtype comes from
 *                         └─ rule         InferRule (op_rules.def): the shape rule
 *
 * A row applies from its `since` opset until the op's next row (if any).
 * op_catalogue_lookup(name, level) picks the row in force at that level;
 * it returns NULL for a name that is not an op at that level.  Callers
 * keep the raw op name (Op.kind) and report unknown ops as a warning; they
 * are never dropped.
 *
 * The table is static const data generated from ../shared/spec/ops.tsv by
 * scripts/gen_op_table.py (the generated ir/op_table.def is committed).
 * See docs/op-catalogue.md for how to add an op.  No global mutable state:
 * lookups are a binary search over a sorted static name table.
 */
#ifndef ANELINT_OP_CATALOGUE_H
#define ANELINT_OP_CATALOGUE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

/* ------------------------------------------------------------------ opsets */

/* Opset levels, numbered after the iOS release.  iOS26 (CoreML9) has no op
 * versions of its own and uses the iOS18 op set (spec/opsets.md). */
typedef enum Opset {
	OPSET_UNKNOWN = 0,
	OPSET_IOS15 = 15,
	OPSET_IOS16 = 16,
	OPSET_IOS17 = 17,
	OPSET_IOS18 = 18,
	OPSET_IOS26 = 26,
	OPSET_OLDEST = OPSET_IOS15,
	OPSET_NEWEST = OPSET_IOS26,
} Opset;

/* "ios15".."ios18", "ios26" (model.mil) and "CoreML5".."CoreML9"
 * (protobuf), case-sensitive.  0 for anything else: the caller warns and
 * assumes OPSET_NEWEST. */
int opset_level(const char *name);
/* The model.mil spelling ("ios17") of a level, or NULL. */
const char *opset_name(int level);

/* ------------------------------------------------------------------ operands */

/* Dtype masks: bit d set when DType d is allowed. */
static_assert(DT_COUNT <= 32, "dtype masks are 32-bit");
#define DTM(d) (1u << DT_##d)
#define DTM_ALL ((1u << DT_COUNT) - 1u)

/* What an operand binds (ops.md "Operand kinds"). */
typedef enum OpndKind {
	OPND_TENSOR,            /* any tensor value, may be computed at run time */
	OPND_CONST,             /* must be a compile-time constant (const/constexpr) */
	OPND_TUPLE,             /* variadic `(a, b, c)`; dtypes/rank apply per element */
	OPND_LIST,              /* a MIL list value */
	OPND_CONST_LIST,        /* a literal list (classify.classes) */
	OPND_STATE,             /* state<tensor<T>>; dtypes apply to the wrapped tensor */
	OPND_ATTR,              /* serialized as an op attribute (const.val) */
	OPND_VALUE,             /* tensor, list or dict (identity.x) */
	OPND_KIND_COUNT
} OpndKind;

/* Type variables: operands of one op sharing a variable have one dtype.
 * X(enum suffix, spelling in ops.md).  ORDER TVAR: names in op_catalogue.c. */
#define OP_TVAR_LIST(X) \
	X(NONE, "") \
	X(T, "T") \
	X(U, "U") \
	X(I, "I") \
	X(K, "K") \
	X(M, "M") \
	X(SrcT, "SrcT") \
	X(DstT, "DstT") \
	X(ZeroPointT, "ZeroPointT") \
	X(OffsetT, "OffsetT") \
	X(IndicesT, "IndicesT") \
	X(BOX_T, "BOX_T") \
	X(BOX_INDEX_T, "BOX_INDEX_T")

typedef enum OpTypeVar {
#define X(e, s) TV_##e,
	OP_TVAR_LIST(X)
#undef X
	TV_COUNT
} OpTypeVar;

#define OP_RANK_UNBOUNDED (-1)

typedef struct OpOperandInfo {
	const char *name;
	OpndKind kind;
	uint32_t dtypes;        /* DTM mask; DTM_ALL when the spec says "any" */
	OpTypeVar tvar;         /* TV_NONE when the dtype is not shared */
	int8_t rank_min;        /* 0 when unconstrained */
	int8_t rank_max;        /* OP_RANK_UNBOUNDED when unconstrained */
	/* "=rank(x)": the operand whose rank this one must equal, or NULL. */
	const char *rank_same_as;
	/* ops.tsv's rank column (this version's part): shape hints such as
	 * "1 ([2])" and relations the rule checks ("len(axes)",
	 * "rank(indices)+2", "=elem rank").  Never NULL. */
	const char *rank_text;
	bool optional;
	/* The default as an expression, verbatim from ops.tsv ("\"valid\"",
	 * "1", "[1]*num_spatial_dims", "None", "x.dtype(1e-4)"), or NULL:
	 * required, or optional with no default (absent => feature off). */
	const char *def;
	/* A layer's learned parameters (weight*, bias*): the operands the ANE's
	 * fp16 range check exempts (ane-legality.md) and the cost model counts
	 * as weights when they are constants. */
	bool is_weight;
} OpOperandInfo;

/* ------------------------------------------------------------------ outputs */

/* Where an output's dtype comes from. */
typedef enum OutDTypeRule {
	OUTDT_TVAR,             /* the dtype bound to `tvar` by the operands; if no
	                         * operand binds it, the type of the default of the
	                         * operand declaring it (fill's value "0." -> fp32) */
	OUTDT_FIXED,            /* always `dt` */
	OUTDT_OPERAND,          /* named by the string value of operand `operand`
	                         * ("fp16", ...), or by its default when absent */
	OUTDT_RULE,             /* computed by the inference rule */
} OutDTypeRule;

typedef struct OpOutputInfo {
	OutDTypeRule rule;
	OpTypeVar tvar;         /* OUTDT_TVAR */
	DType dt;               /* OUTDT_FIXED; DT_COUNT otherwise */
	const char *operand;    /* OUTDT_OPERAND */
} OpOutputInfo;

/* nout_max for ops with a variable number of outputs (split, cond,
 * while_loop); the last OpOutputInfo describes every further output. */
#define OP_OUTS_VARIADIC UINT8_MAX

/* ------------------------------------------------------------------ rows */

typedef enum InferRule {
#define RULE(id, name) RULE_##id,
#include "ir/op_rules.def"
#undef RULE
	RULE_COUNT
} InferRule;

typedef enum OpFlags {
	/* Output is a compile-time constant: const and constexpr_* (ops.md
	 * "Constexpr"). */
	OPF_CONSTEXPR = 1u << 0,
	/* Every operand is serialized as an attribute, not an input: constexpr
	 * rows registered at iOS16/17 (protobuf.md, load.py translate_constexpr:
	 * op.opset_version <= iOS17). */
	OPF_ATTR_OPERANDS = 1u << 1,
	/* Result is random (random_*): never fold or compare bit-exactly. */
	OPF_RANDOM = 1u << 2,
	/* Reads or writes a state (read_state, write_state): keep order, never
	 * fold or delete (write_state has no outputs). */
	OPF_STATEFUL = 1u << 3,
	/* Outputs may only feed model outputs (classify). */
	OPF_TERMINAL = 1u << 4,
	/* ops.md marks ML Program runtime support UNSURE: conv_quantized
	 * ("treat as NN-backend only") and the list ops ("coremltools normally
	 * lowers lists before export"). */
	OPF_UNSURE_RUNTIME = 1u << 5,
	/* equal, not_equal, less, less_equal, greater, greater_equal (ops.md
	 * "Comparison"); the logical_* ops share their rule but are not these. */
	OPF_COMPARISON = 1u << 6,
	/* Shape-preserving element-wise math of one tensor (abs, relu, cast, ...;
	 * not the norms that share the shape rule). */
	OPF_UNARY_ELEMENTWISE = 1u << 7,
	/* Element-wise over broadcast operands (add, mul, comparisons, logical_*,
	 * select). */
	OPF_BROADCAST_ELEMENTWISE = 1u << 8,
	/* Only moves or selects elements: reshape, transpose, concat, split,
	 * slice*, gather*, scatter*, squeeze, expand_dims, pad, tile, ... (the
	 * view, move and concat cost classes). */
	OPF_DATA_MOVEMENT = 1u << 9,
} OpFlags;

/* How the cost model estimates an op: one set of calibrated constants per
 * class (passes/cost.c).  X(enum suffix, name as printed).  ORDER COST. */
#define OP_COST_CLASS_LIST(X) \
	X(ELEM, "elementwise")      /* element-wise, activations, casts, comparisons */ \
	X(VIEW, "view")             /* reshape, squeeze, expand_dims, identity */ \
	X(MOVE, "data-movement")    /* transpose, slice, gather, pad, pixel ops */ \
	X(CONCAT, "concat")         /* concat, split, stack, tile */ \
	X(NORM, "normalisation")    /* softmax, normalisations, reductions */ \
	X(CONV, "conv")             /* conv, conv_transpose */ \
	X(MATMUL, "matmul")         /* matmul, linear, einsum */ \
	X(SDPA, "attention")        /* scaled_dot_product_attention */ \
	X(RESIZE, "resize")         /* upsample, resize, crop_resize, resample */ \
	X(POOL, "pool")             /* max/avg/l2 pool */ \
	X(RNN, "recurrent")         /* lstm, gru, rnn */ \
	X(CONTROL, "control-flow")  /* cond, while_loop, call */

typedef enum OpCostClass {
#define X(e, name) OPC_##e,
	OP_COST_CLASS_LIST(X)
#undef X
	OPC_COUNT
} OpCostClass;

typedef enum OpId {
#define OP(name, ...) OPID_##name,
#define OP_V(name, ...)
#include "ir/op_table.def"
#undef OP
#undef OP_V
	OPID_COUNT
} OpId;

struct OpInfo {
	const char *name;       /* MIL op type, e.g. "conv" */
	OpId id;
	uint8_t since;          /* Opset level whose definition this row is */
	InferRule rule;
	uint16_t flags;         /* OpFlags */
	uint8_t cost_class;     /* OpCostClass */
	uint8_t nblocks;        /* nested blocks: 2 for cond and while_loop */
	uint8_t nout_min;
	uint8_t nout_max;       /* OP_OUTS_VARIADIC: no upper bound */
	uint8_t noutputs;       /* entries in outputs[] */
	const OpOutputInfo *outputs;
	uint8_t noperands;
	const OpOperandInfo *operands;  /* ops.tsv order */
};

/* ------------------------------------------------------------------ API */

/* The row of op `name` in force at `opset_level`, or NULL when `name` is
 * not an op at that level (unknown, or introduced later).  O(log n). */
const OpInfo *op_catalogue_lookup(const char *name, int opset_level);
/* The row of op `id` in force at `opset_level`, or NULL. */
const OpInfo *op_catalogue_by_id(OpId id, int opset_level);
/* The first row of `name` whatever the level (to tell "unknown op" from
 * "needs a newer opset" in diagnostics), or NULL. */
const OpInfo *op_catalogue_first(const char *name);
/* Number of ops available at `opset_level`. */
int op_catalogue_count(int opset_level);
/* All rows, sorted by (name, since); i < op_catalogue_nrows(). */
size_t op_catalogue_nrows(void);
const OpInfo *op_catalogue_row(size_t i);

/* The last level at which `info` is in force: the next row's since - 1,
 * or OPSET_NEWEST for the op's newest row. */
int op_info_until(const OpInfo *info);
/* The operand called `name`, or NULL. */
const OpOperandInfo *op_info_operand(const OpInfo *info, const char *name);
/* Its index in info->operands, or -1. */
int op_info_operand_index(const OpInfo *info, const char *name);

const char *op_id_name(OpId id);
const char *op_cost_class_name(OpCostClass c);
const char *infer_rule_name(InferRule r);
const char *op_tvar_name(OpTypeVar tv);
const char *opnd_kind_name(OpndKind k);

/* ------------------------------------------------------------------ resolved ops
 * (ir/op_props.c)  The loader resolves every op's row once (ir_resolve_ops);
 * passes then ask the op, never compare its kind string. */

/* Set Op.info for every op of every function, nested blocks included: the
 * row of op->kind in force at the op's own opset (`<ios17>` suffix) or its
 * function's (OPSET_NEWEST when the function's opset is not known).  Ops
 * the catalogue does not know at that level get NULL and keep their kind. */
void ir_resolve_ops(Module *m);
/* The op's catalogue id, OPID_COUNT when the op is unknown (see
 * OPID_UNKNOWN): passes `switch (ir_op_id(op))`. */
#define OPID_UNKNOWN OPID_COUNT
OpId ir_op_id(const Op *op);

/* A compile-time constant: const or constexpr_* (ops.md "Constexpr").  By
 * the kind's spelling when the op is not resolved (a constexpr_* named in
 * an opset older than its own is still a constant). */
bool op_is_const(const Op *op);
/* One of the six comparisons (OPF_COMPARISON); false for unknown ops. */
bool op_is_comparison(const Op *op);
/* Element-wise, unary or broadcasting (OPF_*_ELEMENTWISE). */
bool op_is_elementwise(const Op *op);
/* Moves or selects elements only (OPF_DATA_MOVEMENT). */
bool op_is_data_movement(const Op *op);
/* The op's cost class: its row's, or for ops outside the catalogue the
 * legacy layers' (nn.batchnorm, nn.branch, ...; else OPC_ELEM). */
OpCostClass op_cost_class(const Op *op);
/* Whether operand `name` of the op is a layer's weight (OpOperandInfo's
 * is_weight); for unknown ops, by the same spelling rule (weight*, bias*). */
bool op_operand_is_weight(const Op *op, const char *name);

#endif
