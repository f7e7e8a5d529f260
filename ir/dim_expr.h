/*
 * dim_expr.h - the algebra of dimensions: known sizes, symbolic expressions
 * ("is0", "is0 + 2", "(is0 - 1) // 2 + 1") and unknowns.
 *
 * One parser, one printer, one evaluator for symbolic dim text, shared by
 * shape inference (which builds dims), the cost model (which evaluates them
 * for a given input shape) and the runtime.  Results are canonical: equal
 * expressions give the same interned text, so equal dims compare equal with
 * dim_equal.  Overflow, division by a non-constant and expressions over the
 * term budget give an unknown dim, never a guess.  Symbol and expression
 * texts are interned in the module's type table (the reason most calls take
 * it).
 */
#ifndef ANELINT_DIM_EXPR_H
#define ANELINT_DIM_EXPR_H

#include "ir/ir.h"

/* The canonical dim of a text: a constant when it folds ("2 * 3"), else a
 * symbol; text that does not parse becomes one opaque symbol. */
Dim dim_expr_parse(TypeTable *types, const char *text);

Dim dim_expr_add(TypeTable *types, Dim a, Dim b);
Dim dim_expr_sub(TypeTable *types, Dim a, Dim b);
Dim dim_expr_mul(TypeTable *types, Dim a, Dim b);
/* floor(a / b) and ceil(a / b); unknown unless b is a known size > 0. */
Dim dim_expr_floordiv(TypeTable *types, Dim a, Dim b);
Dim dim_expr_ceildiv(TypeTable *types, Dim a, Dim b);
/* a - floor(a / b) * b (Python's %). */
Dim dim_expr_mod(TypeTable *types, Dim a, Dim b);
/* Known when both are known sizes, or when they are the same dim. */
Dim dim_expr_max(Dim a, Dim b);
Dim dim_expr_min(Dim a, Dim b);
/* Product of n dims (1 for n = 0). */
Dim dim_expr_prod(TypeTable *types, uint32_t n, const Dim *d);

/* The value of d when symbol names[i] is values[i] (i < nsyms); -1 when a
 * symbol is not bound (or bound to a negative value), the text does not
 * parse, the value overflows or is negative.  A known size is itself. */
int64_t dim_expr_eval(TypeTable *types, Dim d, uint32_t nsyms, const char *const *names,
                      const int64_t *values);

/* The dim as text: "12", its canonical expression, or "?"; snprintf's
 * contract (the length it needed). */
int dim_expr_format(Dim d, char *buf, size_t n);

#endif
