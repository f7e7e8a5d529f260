/*
 * infer_int.h - internals shared by the files of the `infer` pass.
 *
 *   infer.c                 driver: functions, blocks, ops; catalogue lookup,
 *                           output dtypes, agreement with declared types;
 *                           the only file that calls the rules (dispatch)
 *   infer_operands.c        io_*: how a rule reads its op (operands, types,
 *                           literals, known contents) and writes its outputs
 *   infer_check.c           operand checks against the catalogue row
 *   infer_dim.c             numpy broadcasting of dims (the dim algebra itself,
 *                           "is0 + 2", is the IR's: ir/dim_expr.h)
 *   infer_fold.c            known integer contents (shape arithmetic folding)
 *   infer_rules_elem.c      elementwise, broadcasting, normalisation, reductions
 *   infer_rules_conv.c      conv/pool, linear algebra, resizing, attention
 *   infer_rules_shape.c     shape manipulation, gather/scatter, tensor ops
 *   infer_rules_ctrl.c      const, control flow, lists, state, classify, constexpr
 *   infer_rules_rnn.c       rnn, gru, lstm
 *
 * One rule function per InferRule (ir/op_rules.def), `void rule_<ID>(IOp *)`:
 * it reads operands through the io_* helpers, checks them against each
 * other, and sets each output's shape (io_out*).  Output dtypes are data in
 * the catalogue row and are computed before the rule runs (io->out_dt).
 */
#ifndef ANELINT_INFER_INT_H
#define ANELINT_INFER_INT_H

#include "ir/dim_expr.h"
#include "ir/op_catalogue.h"
#include "passes/pass.h"

/* Diagnostic codes of the infer pass (docs/diagnostics.md; never reused). */
#define I_UNKNOWN_OP       "I001"  /* op kind not in the catalogue (warning, once per kind) */
#define I_NEWER_OPSET      "I002"  /* op exists only in a newer opset than its function's */
#define I_UNKNOWN_OPSET    "I003"  /* function opset name not recognised */
#define I_OPAQUE_OP        "I004"  /* frontend-opaque op (nn.* / model.*): kept as declared */
#define I_MISSING_OPERAND  "I010"  /* required operand absent */
#define I_UNKNOWN_OPERAND  "I011"  /* operand the op does not have (warning) */
#define I_OPERAND_DTYPE    "I012"  /* operand dtype outside the allowed set */
#define I_OPERAND_RANK     "I013"  /* operand rank outside the allowed range */
#define I_OPERAND_CONST    "I014"  /* operand must be a compile-time constant */
#define I_TYPEVAR          "I015"  /* operands sharing a type variable disagree */
#define I_OPERAND_ARITY    "I016"  /* tuple vs single binding, tuple length */
#define I_OPERAND_KIND     "I017"  /* tensor / list / state expected */
#define I_OUTPUT_COUNT     "I020"  /* number of outputs outside the row's range */
#define I_BLOCK_COUNT      "I021"  /* number of nested blocks wrong */
#define I_SHAPE            "I030"  /* operand shapes incompatible with each other */
#define I_AXIS             "I031"  /* axis / permutation out of range */
#define I_PARAM            "I032"  /* parameter value invalid (stride <= 0, mode name, ...) */
#define I_NUMEL            "I033"  /* element counts disagree (reshape, constexpr data) */
#define I_CONTROL_FLOW     "I034"  /* cond branches / loop body types disagree */
#define I_DECLARED_TYPE    "I040"  /* declared type differs from the inferred one */
#define I_DECLARED_VAGUE   "I041"  /* inference less precise than the declared type (note) */

enum { INFER_MAX_RANK = 16, INFER_MAX_IVAL = 4096 };

/* Known integer contents of a value, element by element, as dims: a known
 * size, a symbolic expression, or unknown. */
typedef struct IVal {
	uint32_t n;
	Dim e[];
} IVal;

/* Per-function results: side tables by ValueId. */
typedef struct InferFunc {
	const Type **type;      /* the type that flows on: inferred, or the declaration
	                         * where the two conflict; NULL when not reached */
	const Type **computed;  /* what the rule computed, before any declaration */
	const IVal **ival;      /* known contents, NULL when unknown */
	uint32_t nvalues;
	int level;              /* the function's opset level */
	bool nn;                /* legacy neural network (all tensors fp32) */
	bool nn_rank5;          /* legacy rank-5 mode (spec <= 3): [S,B,C,H,W] */
} InferFunc;

struct InferResult {
	uint32_t nfuncs;
	InferFunc *funcs;       /* parallel to m->funcs */
	InferStats stats;
};

/* The pass's working state. */
typedef struct Infer {
	PassCtx *ctx;
	Module *m;
	TypeTable *types;
	Arena *arena;           /* results (the PassCtx arena) */
	Arena *scratch;         /* per-op temporaries, reset after each op */
	struct InferResult *res;
	const Type ***input_types;  /* --input-shape per function and parameter
	                             * (PassCtx.input_types), or NULL */
	Func *f;
	InferFunc *fr;
	int quiet;              /* > 0: no diagnostics (loop fixpoint iterations) */
	int errors;
	VEC(const char *) warned;   /* op kinds already reported as unknown */
	/* The walk over a nested block (infer.c), handed to the control-flow
	 * rules (cond, while_loop) as a function: the rule files stay below
	 * the walk that dispatches to them instead of calling back into it. */
	void (*walk_block)(struct Infer *in, Block *b);
} Infer;

/* Row operands indexed once per op (io_operand and io_attr by name then
 * scan only the row); ops with more row operands than this look up by
 * name every time. */
enum { IOP_ROW_CACHE = 24 };

/* One op being inferred. */
typedef struct IOp {
	Infer *in;
	Func *f;
	Op *op;
	const OpInfo *info;
	int level;
	bool nn;
	bool failed;            /* a rule error: outputs fall back to the declared types */
	DType tv[TV_COUNT];     /* dtypes bound to type variables (DT_COUNT: unbound) */
	DType *out_dt;          /* per output, from the row (DT_COUNT: rule decides) */
	const Type **out;       /* per output, set by the rule */
	bool indexed;           /* row_opnd / row_attr below hold info's operands */
	const Operand *row_opnd[IOP_ROW_CACHE]; /* ir_op_operand per row operand */
	const Lit *row_attr[IOP_ROW_CACHE];     /* ir_attr_find per row operand */
} IOp;

typedef void (*RuleFn)(IOp *io);

/* ------------------------------------------------------------------ infer_operands.c */

/* Report a problem with the op (unless quiet); marks the op failed for
 * SEV_ERROR. */
void io_diag(IOp *io, Severity sev, const char *code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define io_err(io, code, ...) io_diag((io), SEV_ERROR, (code), NULL, __VA_ARGS__)

/* Operand access.  An operand is found among the op's arguments or, for
 * constexpr ops serialized the iOS16/17 way, among its attributes. */
/* Find the op's operand and attribute for each row operand once (before
 * the checks and the rule read them by name). */
void io_index_row(IOp *io);
bool io_has(const IOp *io, const char *name);
const Operand *io_operand(const IOp *io, const char *name);
/* The type of the operand's single binding (inferred type for values). */
const Type *io_type(const IOp *io, const char *name);
const Type *io_bind_type(const IOp *io, const Binding *b);
const Type *io_value_type(const IOp *io, ValueId v);
/* The literal behind the operand: an immediate, an attribute, or the `val`
 * of the const op defining the value.  NULL otherwise. */
const Lit *io_lit(const IOp *io, const char *name);
const Lit *io_bind_lit(const IOp *io, const Binding *b);
/* Known integer contents (folded), or NULL. */
const IVal *io_ival(IOp *io, const char *name);
const IVal *io_bind_ival(IOp *io, const Binding *b);
const IVal *io_value_ival(const IOp *io, ValueId v);
/* Known scalar / vector integers (every element a known size). */
bool io_int(IOp *io, const char *name, int64_t *v);
int64_t io_int_or(IOp *io, const char *name, int64_t dflt);
/* Up to cap elements; *n gets the count.  False when absent or not known. */
bool io_ints(IOp *io, const char *name, int64_t *v, uint32_t cap, uint32_t *n);
bool io_bool_or(IOp *io, const char *name, bool dflt);
bool io_f64(IOp *io, const char *name, double *v);
const char *io_str(IOp *io, const char *name);
/* Is the binding a compile-time constant (literal, const or constexpr op)? */
bool io_bind_is_const(const IOp *io, const Binding *b);

/* The type as MIL text for a message (`none` when t is NULL). */
void infer_type_text(const Module *m, const Type *t, const char *none, char *buf, size_t n);

/* Results. */
void io_out(IOp *io, uint32_t i, int32_t rank, const Dim *dims);
void io_out_type(IOp *io, uint32_t i, const Type *t);
/* Output i: dtype from the row, shape of t (a tensor type). */
void io_out_like(IOp *io, uint32_t i, const Type *t);
/* Output i: the row's dtype, unknown rank. */
void io_out_unknown(IOp *io, uint32_t i);
/* Every output: the row's dtype, unknown rank. */
void io_outs_unknown(IOp *io);

/* Set a block parameter's inferred type (no known contents). */
void infer_set_value(Infer *in, ValueId v, const Type *t, const IVal *iv);
/* The type of a value as inferred so far (its declared type before). */
const Type *infer_get_type(const Infer *in, ValueId v);
/* An IVal from a literal (integer, bool or integral float tensor of at most
 * INFER_MAX_IVAL elements), or NULL. */
const IVal *ival_from_lit(Infer *in, const Lit *l);
IVal *ival_new(Arena *a, uint32_t n);

/* Infer every op of a nested block (cond / while_loop bodies). */
static inline void infer_block(Infer *in, Block *b) { in->walk_block(in, b); }

/* Small helpers for rules. */
/* Copy n dims (a rank-0 type may have no dims array). */
static inline void copy_dims(Dim *to, const Dim *from, int32_t n)
{
	for (int32_t i = 0; i < n; i++)
		to[i] = from[i];
}
static inline bool type_is_tensor(const Type *t) { return t && t->kind == TY_TENSOR; }
static inline bool type_ranked(const Type *t) { return t && t->kind == TY_TENSOR && t->rank >= 0; }
/* Normalise an axis into [0, rank); false (with a diagnostic) when out of range. */
bool io_axis(IOp *io, const char *what, int64_t axis, int32_t rank, int64_t *out);

/* ------------------------------------------------------------------ infer_check.c */

/* Check every operand against the row; binds io->tv.  Returns false when
 * a required operand is missing (the rule is not run). */
bool infer_check_operands(IOp *io);

/* ------------------------------------------------------------------ infer_dim.c */

static inline bool dim_known(Dim d) { return d.kind == DIM_CONST; }
static inline bool dim_is(Dim d, int64_t n) { return d.kind == DIM_CONST && d.size == n; }
/* Same size for sure: equal constants or the same symbolic expression. */
static inline bool dim_same(Dim a, Dim b)
{
	return a.kind == b.kind && (a.kind == DIM_CONST ? a.size == b.size
	                            : a.kind == DIM_SYM && a.sym == b.sym);
}
/* Could be equal (neither is a different known constant, or it is unknown). */
static inline bool dim_may_equal(Dim a, Dim b)
{
	return !(a.kind == DIM_CONST && b.kind == DIM_CONST && a.size != b.size);
}
/* The dim algebra is the IR's (ir/dim_expr.h), over the module's type
 * table; these name it the way the rules read. */
static inline Dim dim_add(Infer *in, Dim a, Dim b) { return dim_expr_add(in->types, a, b); }
static inline Dim dim_sub(Infer *in, Dim a, Dim b) { return dim_expr_sub(in->types, a, b); }
static inline Dim dim_mul(Infer *in, Dim a, Dim b) { return dim_expr_mul(in->types, a, b); }
static inline Dim dim_floordiv(Infer *in, Dim a, Dim b) { return dim_expr_floordiv(in->types, a, b); }
static inline Dim dim_ceildiv(Infer *in, Dim a, Dim b) { return dim_expr_ceildiv(in->types, a, b); }
static inline Dim dim_mod(Infer *in, Dim a, Dim b) { return dim_expr_mod(in->types, a, b); }
static inline Dim dim_addc(Infer *in, Dim a, int64_t c) { return dim_add(in, a, dim_const(c)); }
static inline Dim dim_mulc(Infer *in, Dim a, int64_t c) { return dim_mul(in, a, dim_const(c)); }
/* max / min when decidable (constants, or the same dim), else unknown. */
static inline Dim dim_max(Infer *in, Dim a, Dim b) { (void)in; return dim_expr_max(a, b); }
static inline Dim dim_min(Infer *in, Dim a, Dim b) { (void)in; return dim_expr_min(a, b); }
/* Canonical form of a symbol / expression text (interned). */
static inline Dim dim_sym(Infer *in, const char *text) { return dim_expr_parse(in->types, text); }
/* Product of n dims (1 for n = 0). */
static inline Dim dims_prod(Infer *in, uint32_t n, const Dim *d)
{
	return dim_expr_prod(in->types, n, d);
}
/* numpy broadcast of one dim pair; false when incompatible.  Inference's
 * own rule: a symbol against a known size other than 1 takes that size. */
bool dim_broadcast(Dim a, Dim b, Dim *out);

/* ------------------------------------------------------------------ infer_fold.c */

/* Known contents of the op's outputs from known operands (shape
 * arithmetic), stored in the side table.  Runs after the rule. */
void infer_fold(IOp *io);

/* ------------------------------------------------------------------ rules */

/* rule_<ID>, e.g. rule_CONV: one per RULE(ID, ...) of ir/op_rules.def. */
#define RULE(id, name) void rule_##id(IOp *io);
#include "ir/op_rules.def"
#undef RULE

/* Shared by rules in different files. */
/* The spatial output size of conv / pool for one dim. */
Dim conv_out_dim(IOp *io, Dim d, int64_t k_eff, int64_t stride, const char *pad_type,
                 int64_t pad_before, int64_t pad_after, bool ceil_mode);
/* slice_by_index's output shape from the op's operands; false on error. */
bool slice_shape(IOp *io, const Type *x, int32_t *rank, Dim *dims);

#endif
