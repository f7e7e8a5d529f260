/*
 * ane_int.h - internals shared by the ANE passes (legality, placement,
 * partition, flex), the rule files and the estimator.
 *
 *   ane_common.c        names, the rule table, accessors, counts, reason formatting
 *   ane_chips.c         the chip table
 *   ane_operands.c      ac_*: what the rule predicates ask of the op under test
 *   ane_rules.c         the one rule table, rows from the ane_rules_*.def lists
 *   ane_rules_global.def rows G1..G15 (global constraints)  predicates: ane_rules_global.c
 *   ane_rules_ops.def   rows of §2 and §3 (per op)          predicates: ane_rules_ops.c
 *   ane_rules_nn.def    rows of legacy neural networks      predicates: ane_rules_nn.c
 *   legality.c          the `legality` pass: every rule over every op
 *   ../cost/estimate.c  the `estimate` analysis: the per-op estimator (FLOPs,
 *                       bytes, modelled ms per op and device), AneFuncRes.est
 *   placement.c         the `placement` pass: cheapest device path per setting
 *   partition.c         the `partition` pass: segments and boundary tensors
 *   flex.c              the `flex` pass, --input-shape, ane_options_parse
 *
 * The legality pass allocates one OpPlacement per op (by Op.index) per
 * function; estimate, placement and partition fill in their fields of the
 * same records (they run in the same PassCtx and only after legality).
 */
#ifndef ANELINT_ANE_INT_H
#define ANELINT_ANE_INT_H

#include "ir/model_desc.h"
#include "ir/op_catalogue.h"
#include "passes/ane/ane.h"
#include "passes/cost/cost.h"

/* ------------------------------------------------------------------ results */

/* What legality knows about one function. */
typedef struct AneFuncFacts {
	const Func *f;
	bool nn;                    /* legacy neural network */
	int level;                  /* opset level */
	bool enumerated;            /* an input has enumerated shapes (and `?` dims) */
	bool ranged;                /* an input has range dims (or `?` dims and no
	                             * description): G6 keeps the function off the ANE */
	const char *range_input;    /* the first such input */
	const char *range_text;     /* "[1, 3, 32..512, 32..512]" or "[1, 3, ?, ?]" */
	bool state_shapes_differ;   /* the function's states have different shapes */
	/* Symbols of flexible input dims (is0, ...) and their default-shape
	 * values: the estimator evaluates shapes at the default shape. */
	uint32_t nsyms;
	const char **sym_names;
	int64_t *sym_values;
} AneFuncFacts;

typedef struct AneFuncRes {
	const Func *f;
	AneFuncFacts facts;
	OpPlacement *ops;           /* by Op.index, f->nops entries */
	uint16_t *ids;              /* by Op.index: ir_op_id */
	/* estimate: by Op.index, the estimate of each op (zero for const ops),
	 * completed in place by the cost pass */
	CostOp *est;
	/* placement */
	double path_ms[CU_COUNT];
	/* partition */
	AneFuncPlan plan[CU_COUNT];
	AneCounts counts[CU_COUNT];
} AneFuncRes;

struct AneLegality {
	const AneChip *chip;
	ComputeUnits lead;
	uint64_t weight_bytes;      /* the module's weights as stored (ir_weight_bytes) */
	uint32_t nfuncs;
	AneFuncRes *funcs;          /* parallel to m->funcs */
	uint32_t nfindings;         /* refusals + advisories reported */
};

struct AnePlacement {
	AneCounts counts[CU_COUNT]; /* module-wide (partition adds segments) */
};

struct AnePartition {
	AneCounts counts[CU_COUNT];
};

struct AneFlex {
	uint32_t n;
	AneFlexVerdict *v;
	uint32_t nreruns;
	struct FlexRerun *reruns;       /* passes/ane/flex.h */
};

/* The function's results (NULL when legality has not run or f is foreign). */
AneFuncRes *ane_func_res(const PassCtx *ctx, const Func *f);
/* The op's record for a pass's dump annotation: NULL for const ops and
 * when the pass has not run (its `result` in the PassCtx is NULL). */
const OpPlacement *ane_op_annotated(const PassCtx *ctx, const Func *f, const Op *op,
                                    const void *result);

/* ------------------------------------------------------------------ rule checks */

/* What the op's tensors look like, gathered in one walk before the rules
 * run: the global rules test these first and walk the tensors again (to
 * name the offending one) only when they fire. */
typedef struct AneOpSummary {
	int32_t max_rank;           /* any tensor */
	int64_t max_dim;            /* largest known dim of any tensor */
	int64_t rt_max_numel;       /* run-time operands and outputs */
	int64_t const_max_numel;    /* constant operands */
	uint32_t rt_dtypes;         /* DTM mask of run-time operands and outputs */
	bool rt_unknown;            /* a run-time tensor with an unknown dim or rank */
	bool any_state;             /* a state operand */
	bool const_lit;             /* an operand bound to a literal or a const op */
} AneOpSummary;

/* The op a rule is tested on. */
struct AneCheck {
	const PassCtx *ctx;
	const Func *f;
	const Op *op;
	const AneChip *chip;
	const AneFuncFacts *facts;
	uint64_t weight_bytes;
	bool nested;
	bool is_const;
	OpId id;                    /* ir_op_id */
	AneOpSummary sum;
};

/* Type of an operand's first binding (inferred for values), or NULL. */
const Type *ac_type(const AneCheck *c, const char *operand);
/* Type of output i (inferred), or NULL. */
const Type *ac_out_type(const AneCheck *c, uint32_t i);
/* Type of value `id` (inferred, else declared). */
const Type *ac_value_type(const AneCheck *c, ValueId id);
/* True when the operand is present. */
bool ac_has(const AneCheck *c, const char *operand);
/* True when every binding of the operand is known at compile time: a
 * literal, a const/constexpr op, or contents infer folded to numbers. */
bool ac_known(const AneCheck *c, const char *operand);
/* Known integer contents of an operand (at most max); false when unknown. */
bool ac_ints(const AneCheck *c, const char *operand, int64_t *v, uint32_t max, uint32_t *n);
/* A known bool operand, or `dflt` when absent or unknown. */
bool ac_bool(const AneCheck *c, const char *operand, bool dflt);
/* A known scalar number, or false. */
bool ac_f64(const AneCheck *c, const char *operand, double *v);
/* The contraction length of a matmul or linear, -1 when unknown. */
int64_t ane_inner_dim(const AneCheck *c);
/* A known string operand, or NULL. */
const char *ac_str(const AneCheck *c, const char *operand);
/* The op defining the operand's first binding, or NULL. */
const Op *ac_def(const AneCheck *c, const char *operand);
/* The literal a value stands for (literal binding, or a const op's val). */
const Lit *ac_value_lit(const AneCheck *c, ValueId id);
/* Number of known dims; product of a tensor type's dims, -1 if unknown. */
int64_t ac_numel(const Type *t);
/* "1x3x224x224" (symbols kept) into buf. */
const char *ac_shape_text(const Type *t, char *buf, size_t n);

/* Each tensor (or state) the op reads or writes, chosen by flags: run-time
 * operands, constant operands (literals, const/constexpr values), outputs.
 * `what` names it for details ("operand 'x'", "output 'y'").  Stops at the
 * first call returning true, and returns true then. */
enum { AC_RUNTIME = 1u, AC_CONSTS = 2u, AC_OUTPUTS = 4u, AC_ALL = 7u };
typedef bool (*AcTensorFn)(const AneCheck *c, const Type *t, const char *what, void *arg);
bool ac_any_tensor(const AneCheck *c, unsigned flags, AcTensorFn fn, void *arg);
/* A copy of c looking at another op of the same function. */
AneCheck ac_at(const AneCheck *c, const Op *op);
/* True when the operand's known integer contents (at most 8) hold a value
 * above `limit`; *found is the first such value. */
bool ac_int_above(const AneCheck *c, const char *operand, int64_t limit, int64_t *found);
/* A predicate firing: writes the figures to `detail` and returns true
 * (`return cond && ac_fire(detail, n, ...)`). */
bool ac_fire(char *detail, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));


/* ------------------------------------------------------------------ rule table */

extern const AneRule ane_rule_table[];
extern const size_t ane_rule_table_n;

/* The predicates the rows name (defined in ane_rules*.c). */
#define RULE(code, spec, kind, excl, ops, gate, check, scope, conf, reason, hint, source) \
	bool check(const AneCheck *c, char *detail, size_t n);
#include "passes/ane/ane_rules_global.def"
#include "passes/ane/ane_rules_ops.def"
#include "passes/ane/ane_rules_nn.def"
#undef RULE

/* Rule codes the passes refer to directly (rows in ane_rules_*.h). */
#define ANE_R_DYNAMIC_RANGE   "ANE007"  /* G6: RangeDim input */
#define ANE_R_SIZE_FLOOR      "ANE301"  /* G9: ANE segment would not pay for itself */
#define ANE_R_NOT_FASTER      "ANE302"  /* G9/§3: no faster on the ANE */
#define ANE_R_SANDWICHED      "ANE303"  /* G12/§3: switching around a refused neighbour */
#define ANE_R_FLEX_RANGE      "ANE401"  /* G6: flexible mode keeps the model off the ANE */
#define ANE_R_FLEX_NONDEFAULT "ANE402"  /* non-default enumerated shape */

/* ------------------------------------------------------------------ placement.c */

/* The segmenter's fixed costs (ane-legality.md §3), ms. */
#define ANE_SEGMENT_MS 0.125    /* every ANE segment opened */
#define ANE_SWITCH_MS 0.125     /* every change of backend between neighbouring ops */
#define ANE_OUTPUT_MS 0.125     /* the graph output produced on the ANE */
#define GPU_OUTPUT_MS 0.125     /* (I) the same for a graph output produced on the GPU */

/* Add one function's counts to a sum (shares recomputed; ane_common.c), and
 * the same for every setting. */
void ane_counts_sum(AneCounts *sum, const AneCounts *k);
void ane_counts_sum_settings(AneCounts sum[CU_COUNT], const AneCounts k[CU_COUNT]);

#endif
