/* lint_bounds.c - the value-bound analysis of the `lint` pass: an upper
 * bound on a value (or on |value|) propagated backwards over the ops that
 * produce it, memoised per function (docs/lint-rules.md states the rule);
 * and the operand and literal helpers the lint checks share (lint_int.h).
 * Literals are read from immediates only (never weight files): a blob
 * weight bounds nothing and is taken as 0 (not a run-time input). */
#include "passes/cost/lint_int.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ operands */

bool lint_op_is(const Op *op, OpId id)
{
	return op && ir_op_id(op) == id;
}

bool lint_op_in(const Op *op, const OpId *ids)
{
	OpId id = op ? ir_op_id(op) : OPID_COUNT;
	for (; id != OPID_COUNT && *ids != OPID_COUNT; ids++)
		if (*ids == id)
			return true;
	return false;
}

const Binding *lint_arg(const Op *op, const char *name)
{
	const Operand *o = ir_op_operand(op, name);
	return o && o->n ? &o->b[0] : NULL;
}

ValueId lint_arg_value(const Op *op, const char *name)
{
	const Binding *b = lint_arg(op, name);
	return b && b->kind == BIND_VALUE ? b->value : VALUE_NONE;
}

const Op *lint_def_of(const Lint *L, ValueId id)
{
	return id < L->f->values.n ? ir_value(L->f, id)->def : NULL;
}

/* The immediate literal behind a binding: the literal itself or the `val`
 * of the const op defining the value.  NULL otherwise (blobs included). */
const Lit *lint_binding_lit(const Lint *L, const Binding *b)
{
	const Lit *l = NULL;
	if (!b)
		return NULL;
	if (b->kind == BIND_LIT) {
		l = b->lit;
	} else {
		const Op *d = lint_def_of(L, b->value);
		if (lint_op_is(d, OPID_const)) {
			l = ir_attr_find(d->nattrs, d->attrs, "val");
			if (!l) {
				const Binding *vb = lint_arg(d, "val");
				l = vb && vb->kind == BIND_LIT ? vb->lit : NULL;
			}
		}
	}
	return l && l->kind == LIT_TENSOR && l->type->dt != DT_STRING ? l : NULL;
}

const Lit *lint_arg_lit(const Lint *L, const Op *op, const char *name)
{
	return lint_binding_lit(L, lint_arg(op, name));
}

/* The largest |element| of a numeric immediate; NaN when none. */
double lint_lit_abs_max(const Lit *l)
{
	double m = NAN;
	for (int64_t i = 0; l && i < l->u.tensor.count && i < (1 << 20); i++) {
		double x = fabs(lit_elem_f64(l, i));
		if (isnan(m) || x > m)
			m = x;
	}
	return m;
}

double lint_lit_max(const Lit *l)
{
	double m = NAN;
	for (int64_t i = 0; l && i < l->u.tensor.count && i < (1 << 20); i++) {
		double x = lit_elem_f64(l, i);
		if (isnan(m) || x > m)
			m = x;
	}
	return m;
}

bool lint_binding_is_const(const Lint *L, const Binding *b)
{
	return b && (b->kind == BIND_LIT || op_is_const(lint_def_of(L, b->value)));
}

/* Ops that pass a value through unchanged in magnitude (layout, slicing,
 * dtype): walks look through them along operand `x`. */
const OpId lint_transparent_ops[] = {
	OPID_reshape, OPID_transpose, OPID_expand_dims, OPID_squeeze, OPID_identity, OPID_cast,
	OPID_slice_by_index, OPID_slice_by_size, OPID_split, OPID_reshape_like, OPID_flatten2d,
	OPID_tile, OPID_pixel_shuffle, OPID_pixel_unshuffle, OPID_depth_to_space,
	OPID_space_to_depth, OPID_reverse, OPID_gather, OPID_gather_along_axis, OPID_gather_nd,
	OPID_crop, OPID_COUNT
};

ValueId lint_through(const Lint *L, ValueId v)
{
	for (int guard = 0; guard < 64 && v < L->f->values.n; guard++) {
		const Op *d = lint_def_of(L, v);
		if (!lint_op_in(d, lint_transparent_ops))
			break;
		ValueId x = lint_arg_value(d, "x");
		if (x == VALUE_NONE)
			break;
		v = x;
	}
	return v;
}

/* ------------------------------------------------------------------ bounds */

/* Products of bounds where 0 * inf is 0. */
static double bmul(double a, double b)
{
	return a == 0 || b == 0 ? 0 : a * b;
}

static double value_bound(Lint *L, ValueId v, bool absolute, int depth);

static double bound_of_binding(Lint *L, const Binding *b, bool absolute, int depth)
{
	if (!b)
		return INFINITY;
	if (b->kind == BIND_LIT || op_is_const(lint_def_of(L, b->value))) {
		const Lit *l = lint_binding_lit(L, b);
		if (!l)
			return 0;       /* a blob: not read, not a run-time input */
		double m = absolute ? lint_lit_abs_max(l) : lint_lit_max(l);
		return isnan(m) ? INFINITY : m;
	}
	return value_bound(L, b->value, absolute, depth);
}

/* Bounds that an op's output keeps whatever its input: {upper, |x|}. */
typedef struct OpBound {
	OpId op;
	double ub, ab;
} OpBound;

/* The same for ops outside the catalogue that converters emit, by name. */
static const struct {
	const char *kind;
	double ub, ab;
} unlisted_bounds[] = { { "log_softmax", 0, INFINITY }, { "rms_norm", 1, 1 } };

static const OpBound bounded_ops[] = {
	{ OPID_sigmoid, 1, 1 }, { OPID_sigmoid_hard, 1, 1 }, { OPID_tanh, 1, 1 }, { OPID_softsign,
	1, 1 },
	{ OPID_softmax, 1, 1 }, { OPID_erf, 1, 1 }, { OPID_sin, 1, 1 }, { OPID_cos, 1, 1 },
	{ OPID_atan, 1.5708, 1.5708 }, { OPID_l2_norm, 1, 1 }, { OPID_relu6, 6, 6 },
	{ OPID_logical_not, 1, 1 },
	/* normalised values: counted as bounded before gamma and beta (documented) */
	{ OPID_layer_norm, 1, 1 }, { OPID_batch_norm, 1, 1 }, { OPID_instance_norm, 1, 1 },
	{ OPID_local_response_norm, 1, 1 },
	/* comparisons give 0 or 1 */
	{ OPID_equal, 1, 1 }, { OPID_not_equal, 1, 1 }, { OPID_less, 1, 1 }, { OPID_less_equal, 1,
	1 },
	{ OPID_greater, 1, 1 }, { OPID_greater_equal, 1, 1 }, { OPID_logical_and, 1, 1 },
	{ OPID_logical_or, 1, 1 }, { OPID_logical_xor, 1, 1 },
};

/* An upper bound on the value (absolute: on |value|) from the ops that
 * produce it; INFINITY when nothing bounds it (function inputs, loads of
 * state, unbounded ops). */
static double value_bound(Lint *L, ValueId v, bool absolute, int depth)
{
	if (v >= L->f->values.n)
		return INFINITY;
	double *memo = absolute ? L->ab : L->ub;
	if (!isnan(memo[v]))
		return memo[v];
	if (depth > 48)
		return INFINITY;
	double r = INFINITY;
	const Op *d = lint_def_of(L, v);
	if (!d) {
		r = INFINITY;
	} else if (op_is_const(d)) {
		Binding b = { BIND_VALUE, v, NULL };
		r = bound_of_binding(L, &b, absolute, depth + 1);
	} else if (lint_op_in(d, lint_transparent_ops)) {
		r = value_bound(L, lint_arg_value(d, "x"), absolute, depth + 1);
	} else {
		bool found = false;
		for (size_t i = 0; i < sizeof bounded_ops / sizeof *bounded_ops; i++)
			if (ir_op_id(d) == bounded_ops[i].op) {
				r = absolute ? bounded_ops[i].ab : bounded_ops[i].ub;
				found = true;
				break;
			}
		for (size_t i = 0; !found && ir_op_id(d) == OPID_UNKNOWN &&
		                   i < sizeof unlisted_bounds / sizeof *unlisted_bounds; i++)
			if (strcmp(d->kind, unlisted_bounds[i].kind) == 0) {
				r = absolute ? unlisted_bounds[i].ab : unlisted_bounds[i].ub;
				found = true;
			}
		if (found) {
			/* done */
		} else if (lint_op_is(d, OPID_clip)) {
			const Lit *lo = lint_arg_lit(L, d, "alpha"), *hi = lint_arg_lit(L, d, "beta");
			double l = lo ? lint_lit_abs_max(lo) : INFINITY, h = hi ? lint_lit_max(hi) : INFINITY;
			double ha = hi ? lint_lit_abs_max(hi) : INFINITY;
			r = absolute ? fmax(l, ha) : h;
		} else if (lint_op_is(d, OPID_scaled_tanh)) {
			const Lit *a = lint_arg_lit(L, d, "alpha");
			r = a ? lint_lit_abs_max(a) : 1;
		} else if (lint_op_is(d, OPID_clamped_relu)) {
			const Lit *b = lint_arg_lit(L, d, "beta");
			r = absolute ? INFINITY : b ? lint_lit_max(b) : INFINITY;
		} else if (lint_op_is(d, OPID_relu)) {
			r = absolute ? value_bound(L, lint_arg_value(d, "x"), true, depth + 1)
			             : fmax(0, value_bound(L, lint_arg_value(d, "x"), false, depth + 1));
		} else if (lint_op_is(d, OPID_minimum)) {
			double a = bound_of_binding(L, lint_arg(d, "x"), absolute, depth + 1);
			double b = bound_of_binding(L, lint_arg(d, "y"), absolute, depth + 1);
			r = absolute ? fmax(a, b) : fmin(a, b);
		} else if (lint_op_is(d, OPID_maximum) || lint_op_is(d, OPID_select)) {
			bool sel = lint_op_is(d, OPID_select);
			const char *p = sel ? "a" : "x", *q = sel ? "b" : "y";
			r = fmax(bound_of_binding(L, lint_arg(d, p), absolute, depth + 1),
			         bound_of_binding(L, lint_arg(d, q), absolute, depth + 1));
		} else if (lint_op_is(d, OPID_sub) || lint_op_is(d, OPID_add)) {
			const Binding *y = lint_arg(d, "y");
			const Op *yd = y && y->kind == BIND_VALUE ? lint_def_of(L, lint_through(L, y->value)) : NULL;
			if (lint_op_is(d, OPID_sub) && !absolute && lint_op_is(yd, OPID_reduce_max)) {
				r = 0;  /* x - max(x) <= 0: the stable softmax / log-sum-exp */
			} else {
				double a = bound_of_binding(L, lint_arg(d, "x"), absolute, depth + 1);
				double b = bound_of_binding(L, y, true, depth + 1);
				if (!absolute && lint_op_is(d, OPID_add))
					b = bound_of_binding(L, y, false, depth + 1);
				r = a + b;
			}
		} else if (lint_op_is(d, OPID_mul) || lint_op_is(d, OPID_real_div)) {
			const Binding *x = lint_arg(d, "x"), *y = lint_arg(d, "y");
			bool div = lint_op_is(d, OPID_real_div);
			const Binding *c = lint_binding_is_const(L, y)             ? y
			                   : !div && lint_binding_is_const(L, x) ? x
			                                                         : NULL;
			const Binding *o = c == y ? x : y;
			const Lit *cl = c ? lint_binding_lit(L, c) : NULL;
			if (cl) {
				double cm = lint_lit_abs_max(cl);
				double scale = div ? (cm == 0 ? INFINITY : 1.0 / cm) : cm;
				/* a negative factor turns the lower side up: use |x| then */
				bool neg = !div ? lint_lit_max(cl) < 0 : false;
				r = bmul(scale, bound_of_binding(L, o, absolute || neg, depth + 1));
			} else if (!div) {
				r = bmul(bound_of_binding(L, x, true, depth + 1),
				         bound_of_binding(L, y, true, depth + 1));
			}
		} else if (lint_op_is(d, OPID_concat) || lint_op_is(d, OPID_stack)) {
			const Operand *vals = ir_op_operand(d, "values");
			r = vals && vals->n ? 0 : INFINITY;
			for (uint32_t i = 0; vals && i < vals->n; i++)
				r = fmax(r, bound_of_binding(L, &vals->b[i], absolute, depth + 1));
		} else if (lint_op_is(d, OPID_reduce_max) || lint_op_is(d, OPID_reduce_min) ||
		           lint_op_is(d, OPID_reduce_mean) || lint_op_is(d, OPID_avg_pool) ||
		           lint_op_is(d, OPID_max_pool)) {
			r = value_bound(L, lint_arg_value(d, "x"), absolute, depth + 1);
		}
	}
	memo[v] = r;
	return r;
}

double lint_value_bound(Lint *L, ValueId v, bool absolute)
{
	return value_bound(L, v, absolute, 0);
}
