/* ane_operands.c - what the ANE rule predicates ask of the op under test
 * (AneCheck, ane_int.h): an operand's type, whether it is known at compile
 * time, its literal contents (ints, a bool, a number, a string), the op
 * defining it, and a walk over every tensor the op reads or writes.  The
 * legality pass and the rule files (ane_rules_*.c) read operands only
 * through these, so the rules never see how an operand is bound (a value,
 * a literal, or an attribute, as constexpr ops of iOS16/17 serialise
 * them). */
#include "passes/ane/ane_int.h"

#include <stdarg.h>
#include <string.h>

const Type *ac_value_type(const AneCheck *c, ValueId id)
{
	const Type *t = infer_value_type(c->ctx, c->f, id);
	if (!t && id < c->f->values.n)
		t = ir_value(c->f, id)->type;
	return t;
}

/* The operand as an op operand, else as an attribute (constexpr ops of
 * iOS16/17 serialise every operand as an attribute). */
static const Binding *first_binding(const AneCheck *c, const char *name, const Lit **attr)
{
	*attr = NULL;
	const Operand *o = ir_op_operand(c->op, name);
	if (o && o->n)
		return &o->b[0];
	if (!o)
		*attr = ir_attr_find(c->op->nattrs, c->op->attrs, name);
	return NULL;
}

bool ac_has(const AneCheck *c, const char *operand)
{
	const Lit *a;
	return first_binding(c, operand, &a) || a;
}

const Type *ac_type(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	if (a)
		return a->type;
	if (!b)
		return NULL;
	return b->kind == BIND_LIT ? b->lit->type : ac_value_type(c, b->value);
}

const Type *ac_out_type(const AneCheck *c, uint32_t i)
{
	return i < c->op->nouts ? ac_value_type(c, c->op->outs[i]) : NULL;
}

const Lit *ac_value_lit(const AneCheck *c, ValueId id)
{
	if (id >= c->f->values.n)
		return NULL;
	const Op *d = ir_value(c->f, id)->def;
	if (!d || ir_op_id(d) != OPID_const)
		return NULL;
	return ir_attr_find(d->nattrs, d->attrs, "val");
}

static const Lit *binding_lit(const AneCheck *c, const Binding *b)
{
	return b->kind == BIND_LIT ? b->lit : ac_value_lit(c, b->value);
}

static bool value_known(const AneCheck *c, ValueId id)
{
	if (id >= c->f->values.n)
		return false;
	const Op *d = ir_value(c->f, id)->def;
	if (d && op_is_const(d))
		return true;
	uint32_t n;
	const Dim *v = infer_value_ints(c->ctx, c->f, id, &n);
	if (!v)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (v[i].kind != DIM_CONST)
			return false;
	return true;
}

bool ac_known(const AneCheck *c, const char *operand)
{
	const Operand *o = ir_op_operand(c->op, operand);
	if (!o)
		return true;
	for (uint32_t i = 0; i < o->n; i++)
		if (o->b[i].kind == BIND_VALUE && !value_known(c, o->b[i].value))
			return false;
	return true;
}

bool ac_ints(const AneCheck *c, const char *operand, int64_t *v, uint32_t max, uint32_t *n)
{
	*n = 0;
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	const Lit *l = a;
	if (b && b->kind == BIND_VALUE) {
		uint32_t k;
		const Dim *d = infer_value_ints(c->ctx, c->f, b->value, &k);
		if (d) {
			if (k > max)
				return false;
			for (uint32_t i = 0; i < k; i++) {
				if (d[i].kind != DIM_CONST)
					return false;
				v[i] = d[i].size;
			}
			*n = k;
			return true;
		}
	}
	if (b)
		l = binding_lit(c, b);
	if (!l || l->kind != LIT_TENSOR || !dtype_is_int(l->type->dt) || l->u.tensor.count > max)
		return false;
	for (int64_t i = 0; i < l->u.tensor.count; i++)
		v[i] = lit_elem_i64(l, i);
	*n = (uint32_t)l->u.tensor.count;
	return true;
}

const char *ac_str(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	const Lit *l = b ? binding_lit(c, b) : a;
	return l && l->kind == LIT_TENSOR ? lit_as_string(l) : NULL;
}

static const Lit *operand_lit(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	const Lit *l = b ? binding_lit(c, b) : a;
	return l && l->kind == LIT_TENSOR && l->u.tensor.count == 1 ? l : NULL;
}

bool ac_bool(const AneCheck *c, const char *operand, bool dflt)
{
	const Lit *l = operand_lit(c, operand);
	return l ? lit_elem_i64(l, 0) != 0 : dflt;
}

bool ac_f64(const AneCheck *c, const char *operand, double *v)
{
	const Lit *l = operand_lit(c, operand);
	if (!l || (!dtype_is_float(l->type->dt) && !dtype_is_int(l->type->dt)))
		return false;
	*v = lit_elem_f64(l, 0);
	return true;
}

const Op *ac_def(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	if (!b || b->kind != BIND_VALUE || b->value >= c->f->values.n)
		return NULL;
	return ir_value(c->f, b->value)->def;
}

int64_t ac_numel(const Type *t)
{
	return t && t->kind == TY_TENSOR ? type_numel(t) : -1;
}

const char *ac_shape_text(const Type *t, char *buf, size_t n)
{
	size_t len = 0;
	if (n)
		buf[0] = 0;
	if (!t || t->kind != TY_TENSOR || t->rank < 0) {
		snprintf(buf, n, "?");
		return buf;
	}
	if (t->rank == 0) {
		snprintf(buf, n, "scalar");
		return buf;
	}
	for (int32_t i = 0; i < t->rank && len < n; i++) {
		const Dim *d = &t->dims[i];
		int w;
		if (d->kind == DIM_CONST)
			w = snprintf(buf + len, n - len, "%s%lld", i ? "x" : "", (long long)d->size);
		else if (d->kind == DIM_SYM)
			w = snprintf(buf + len, n - len, "%s%s", i ? "x" : "", d->sym);
		else
			w = snprintf(buf + len, n - len, "%s?", i ? "x" : "");
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

AneCheck ac_at(const AneCheck *c, const Op *op)
{
	AneCheck d = *c;
	d.op = op;
	d.id = ir_op_id(op);
	d.is_const = op_is_const(op);
	d.nested = op->parent && op->parent->parent_op != NULL;
	return d;
}

bool ac_any_tensor(const AneCheck *c, unsigned flags, AcTensorFn fn, void *arg)
{
	const Op *op = c->op;
	char what[192];
	for (uint32_t i = 0; i < op->nargs; i++) {
		const Operand *o = &op->args[i];
		for (uint32_t j = 0; j < o->n; j++) {
			const Binding *b = &o->b[j];
			const Type *t;
			bool konst;
			if (b->kind == BIND_LIT) {
				t = b->lit->type;
				konst = true;
			} else {
				t = ac_value_type(c, b->value);
				const Op *d = b->value < c->f->values.n ? ir_value(c->f, b->value)->def : NULL;
				konst = d && op_is_const(d);
			}
			if (!t || !(flags & (konst ? AC_CONSTS : AC_RUNTIME)))
				continue;
			if (o->n > 1)
				snprintf(what, sizeof what, "operand '%s[%u]'", o->name, j);
			else
				snprintf(what, sizeof what, "operand '%s'", o->name);
			if (fn(c, t, what, arg))
				return true;
		}
	}
	if (flags & AC_OUTPUTS)
		for (uint32_t i = 0; i < op->nouts; i++) {
			const Type *t = ac_value_type(c, op->outs[i]);
			if (!t)
				continue;
			snprintf(what, sizeof what, "output '%s'", ir_value(c->f, op->outs[i])->name);
			if (fn(c, t, what, arg))
				return true;
		}
	return false;
}

/* The contraction length of a matmul or linear (the axis of x it runs
 * over), -1 when unknown. */
int64_t ane_inner_dim(const AneCheck *c)
{
	const Type *x = ac_type(c, "x");
	if (!x || x->kind != TY_TENSOR || x->rank < 1)
		return -1;
	int32_t axis = x->rank - 1;
	if (c->id == OPID_matmul && ac_bool(c, "transpose_x", false) && x->rank >= 2)
		axis = x->rank - 2;
	return x->dims[axis].kind == DIM_CONST ? x->dims[axis].size : -1;
}

bool ac_int_above(const AneCheck *c, const char *operand, int64_t limit, int64_t *found)
{
	int64_t v[8];
	uint32_t k;
	if (!ac_ints(c, operand, v, 8, &k))
		return false;
	for (uint32_t i = 0; i < k; i++)
		if (v[i] > limit) {
			*found = v[i];
			return true;
		}
	return false;
}

bool ac_fire(char *detail, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, n, fmt, ap);
	va_end(ap);
	return true;
}
