/*
 * lint_int.h - what the lint pass's files share: the state of one
 * function's run (lint.c), the operand and literal helpers and the
 * value-bound analysis (lint_bounds.c).
 */
#ifndef ANELINT_LINT_INT_H
#define ANELINT_LINT_INT_H

#include "ir/model_desc.h"
#include "ir/op_catalogue.h"
#include "passes/cost/lint.h"

typedef struct Lint {
	PassCtx *ctx;
	Module *m;
	Func *f;
	struct LintResult *res;
	double *ub, *ab;        /* by ValueId: memoised upper bounds of x and |x| (NaN: not yet) */
	bool *seen;             /* by ValueId: scratch for forward walks */
	bool *reported;         /* by Op.index: L006 per matmul */
} Lint;

/* ------------------------------------------------------------------ lint_bounds.c */

/* The op is `id` / one of `ids` (ended by OPID_COUNT); false for NULL. */
bool lint_op_is(const Op *op, OpId id);
bool lint_op_in(const Op *op, const OpId *ids);
/* The first binding of an operand, NULL when absent or empty. */
const Binding *lint_arg(const Op *op, const char *name);
/* The value bound to an operand, VALUE_NONE when absent or a literal. */
ValueId lint_arg_value(const Op *op, const char *name);
const Op *lint_def_of(const Lint *L, ValueId id);
/* The immediate literal behind a binding: the literal itself or the `val`
 * of the const op defining the value.  NULL otherwise (blobs included). */
const Lit *lint_binding_lit(const Lint *L, const Binding *b);
const Lit *lint_arg_lit(const Lint *L, const Op *op, const char *name);
/* The largest |element| / element of a numeric immediate; NaN when none. */
double lint_lit_abs_max(const Lit *l);
double lint_lit_max(const Lit *l);
/* A literal, or a value a const/constexpr_* op defines. */
bool lint_binding_is_const(const Lint *L, const Binding *b);
/* Ops that pass a value through unchanged in magnitude (layout, slicing,
 * dtype), ended by OPID_COUNT; lint_through walks back over them along `x`. */
extern const OpId lint_transparent_ops[];
ValueId lint_through(const Lint *L, ValueId v);
/* An upper bound on value v (absolute: on |v|) from the ops that produce
 * it; INFINITY when nothing bounds it (function inputs, loads of state,
 * unbounded ops).  Memoised in L->ub / L->ab. */
double lint_value_bound(Lint *L, ValueId v, bool absolute);

#endif
