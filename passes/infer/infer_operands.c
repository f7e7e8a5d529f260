/* infer_operands.c - how an inference rule reads the op in front of it
 * (IOp): its operands and attributes by row name, their inferred types,
 * literals and known integer contents, and how it writes its outputs'
 * types and reports a problem.  Every rule, check and fold file reads the
 * op through these `io_*` helpers and nothing else, so infer.c (the
 * driver of the walk) and the rule files never call each other. */
#include "passes/infer/infer_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ diagnostics */

void io_diag(IOp *io, Severity sev, const char *code, const char *hint, const char *fmt, ...)
{
	if (sev == SEV_ERROR) {
		io->failed = true;
		io->in->errors += io->in->quiet ? 0 : 1;
	}
	if (io->in->quiet)
		return;
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pass_diag(io->in->ctx, sev, code, io->f, io->op, hint, "%s", msg);
}

/* ------------------------------------------------------------------ operands */

/* Operands the row does not have are ignored (reported as I011). */
static bool in_row(const IOp *io, const char *name)
{
	return !io->info || op_info_operand(io->info, name);
}

/* The op's operand and attribute for each row operand, found once. */
void io_index_row(IOp *io)
{
	const OpInfo *info = io->info;
	io->indexed = info && info->noperands <= IOP_ROW_CACHE;
	if (!io->indexed)
		return;
	const Op *op = io->op;
	for (uint8_t k = 0; k < info->noperands; k++) {
		const char *name = info->operands[k].name;
		io->row_opnd[k] = ir_op_operand(op, name);
		io->row_attr[k] = op->nattrs ? ir_attr_find(op->nattrs, op->attrs, name) : NULL;
	}
}

const Operand *io_operand(const IOp *io, const char *name)
{
	if (io->indexed) {
		int k = op_info_operand_index(io->info, name);
		return k < 0 ? NULL : io->row_opnd[k];
	}
	const Operand *o = ir_op_operand(io->op, name);
	return o && in_row(io, name) ? o : NULL;
}

static const Lit *io_attr(const IOp *io, const char *name)
{
	if (!io->op->nattrs)
		return NULL;
	if (io->indexed) {
		int k = op_info_operand_index(io->info, name);
		return k < 0 ? NULL : io->row_attr[k];
	}
	const Lit *l = ir_attr_find(io->op->nattrs, io->op->attrs, name);
	return l && in_row(io, name) ? l : NULL;
}

bool io_has(const IOp *io, const char *name)
{
	return io_operand(io, name) || io_attr(io, name);
}

const Type *infer_get_type(const Infer *in, ValueId v)
{
	if (v >= in->fr->nvalues)
		return NULL;
	const Type *t = in->fr->type[v];
	return t ? t : ir_value(in->f, v)->type;
}

const Type *io_value_type(const IOp *io, ValueId v)
{
	return infer_get_type(io->in, v);
}

const Type *io_bind_type(const IOp *io, const Binding *b)
{
	if (b->kind == BIND_LIT)
		return b->lit ? b->lit->type : NULL;
	return io_value_type(io, b->value);
}

static const Binding *single(const Operand *o)
{
	return o && o->n == 1 ? &o->b[0] : NULL;
}

const Type *io_type(const IOp *io, const char *name)
{
	const Operand *o = io_operand(io, name);
	if (o) {
		const Binding *b = single(o);
		return b ? io_bind_type(io, b) : NULL;
	}
	const Lit *l = io_attr(io, name);
	return l ? l->type : NULL;
}

const Lit *io_bind_lit(const IOp *io, const Binding *b)
{
	if (b->kind == BIND_LIT)
		return b->lit;
	if (b->value >= io->f->values.n)
		return NULL;
	const Op *def = ir_value(io->f, b->value)->def;
	if (def && ir_op_id(def) == OPID_const)
		return ir_attr_find(def->nattrs, def->attrs, "val");
	return NULL;
}

const Lit *io_lit(const IOp *io, const char *name)
{
	const Operand *o = io_operand(io, name);
	if (o) {
		const Binding *b = single(o);
		return b ? io_bind_lit(io, b) : NULL;
	}
	return io_attr(io, name);
}

const IVal *io_value_ival(const IOp *io, ValueId v)
{
	return v < io->in->fr->nvalues ? io->in->fr->ival[v] : NULL;
}

const IVal *io_bind_ival(IOp *io, const Binding *b)
{
	if (b->kind == BIND_LIT)
		return ival_from_lit(io->in, b->lit);
	return io_value_ival(io, b->value);
}

const IVal *io_ival(IOp *io, const char *name)
{
	const Operand *o = io_operand(io, name);
	if (o) {
		const Binding *b = single(o);
		return b ? io_bind_ival(io, b) : NULL;
	}
	return ival_from_lit(io->in, io_attr(io, name));
}

bool io_ints(IOp *io, const char *name, int64_t *v, uint32_t cap, uint32_t *n)
{
	const IVal *iv = io_ival(io, name);
	if (!iv || iv->n > cap)
		return false;
	for (uint32_t i = 0; i < iv->n; i++) {
		if (iv->e[i].kind != DIM_CONST)
			return false;
		v[i] = iv->e[i].size;
	}
	*n = iv->n;
	return true;
}

bool io_int(IOp *io, const char *name, int64_t *v)
{
	uint32_t n;
	int64_t x;
	if (!io_ints(io, name, &x, 1, &n) || n != 1)
		return false;
	*v = x;
	return true;
}

/* An integer default from the row's default text ("1", "-1"). */
static bool row_default_int(const IOp *io, const char *name, int64_t *v)
{
	const OpOperandInfo *oi = io->info ? op_info_operand(io->info, name) : NULL;
	if (!oi || !oi->def)
		return false;
	char *end;
	long long x = strtoll(oi->def, &end, 10);
	if (end == oi->def || *end)
		return false;
	*v = x;
	return true;
}

int64_t io_int_or(IOp *io, const char *name, int64_t dflt)
{
	int64_t v;
	if (io_int(io, name, &v))
		return v;
	if (!io_has(io, name) && row_default_int(io, name, &v))
		return v;
	return dflt;
}

bool io_bool_or(IOp *io, const char *name, bool dflt)
{
	int64_t v;
	return io_int(io, name, &v) ? v != 0 : dflt;
}

bool io_f64(IOp *io, const char *name, double *v)
{
	const Lit *l = io_lit(io, name);
	if (!l || l->kind != LIT_TENSOR || l->u.tensor.count != 1 || l->type->dt == DT_STRING)
		return false;
	*v = lit_elem_f64(l, 0);
	return true;
}

const char *io_str(IOp *io, const char *name)
{
	return lit_as_string(io_lit(io, name));
}

bool io_bind_is_const(const IOp *io, const Binding *b)
{
	if (b->kind == BIND_LIT)
		return true;
	if (b->value >= io->f->values.n)
		return false;
	const Op *def = ir_value(io->f, b->value)->def;
	return def && op_is_const(def);
}

bool io_axis(IOp *io, const char *what, int64_t axis, int32_t rank, int64_t *out)
{
	if (axis < -(int64_t)rank || axis >= rank) {
		io_err(io, I_AXIS, "%s %lld is out of range for rank %d (allowed %d..%d)", what,
		       (long long)axis, rank, -rank, rank - 1);
		return false;
	}
	*out = axis < 0 ? axis + rank : axis;
	return true;
}

/* ------------------------------------------------------------------ results */

void io_out_type(IOp *io, uint32_t i, const Type *t)
{
	if (i < io->op->nouts)
		io->out[i] = t;
}

static DType out_dtype(const IOp *io, uint32_t i, DType fallback)
{
	if (io->nn)
		return DT_FP32;
	DType dt = i < io->op->nouts ? io->out_dt[i] : DT_COUNT;
	return dt != DT_COUNT ? dt : fallback;
}

void io_out(IOp *io, uint32_t i, int32_t rank, const Dim *dims)
{
	if (i >= io->op->nouts)
		return;
	DType dt = out_dtype(io, i, DT_COUNT);
	if (dt == DT_COUNT) {
		/* the row left it to the rule and the rule did not say: keep the
		 * declared dtype */
		const Type *d = ir_value(io->f, io->op->outs[i])->type;
		dt = d && (d->kind == TY_TENSOR) ? d->dt : DT_FP32;
	}
	io->out[i] = type_tensor(io->in->types, dt, rank, dims);
}

void io_out_like(IOp *io, uint32_t i, const Type *t)
{
	if (!type_is_tensor(t)) {
		io_out_unknown(io, i);
		return;
	}
	io_out(io, i, t->rank, t->dims);
}

void io_out_unknown(IOp *io, uint32_t i)
{
	io_out(io, i, -1, NULL);
}

void io_outs_unknown(IOp *io)
{
	for (uint32_t i = 0; i < io->op->nouts; i++)
		io_out_unknown(io, i);
}

/* Set a value's inferred type and known contents (block parameters, loop
 * carried values). */
void infer_set_value(Infer *in, ValueId v, const Type *t, const IVal *iv)
{
	if (v >= in->fr->nvalues)
		return;
	in->fr->type[v] = in->fr->computed[v] = t;
	in->fr->ival[v] = iv;
}

/* ------------------------------------------------------------------ messages */

void infer_type_text(const Module *m, const Type *t, const char *none, char *buf, size_t n)
{
	FILE *f = fmemopen(buf, n, "w");
	if (!f) {
		snprintf(buf, n, "?");
		return;
	}
	if (t)
		ir_print_type(m, t, f);
	else
		fputs(none, f);
	fclose(f);
	buf[n - 1] = 0;
}

/* ------------------------------------------------------------------ known contents of literals */

IVal *ival_new(Arena *a, uint32_t n)
{
	IVal *v = arena_alloc(a, sizeof *v + (size_t)n * sizeof(Dim));
	v->n = n;
	return v;
}

static bool numeric_dtype(DType dt)
{
	return dt != DT_STRING;
}

const IVal *ival_from_lit(Infer *in, const Lit *l)
{
	if (!l || l->kind != LIT_TENSOR || l->type->kind != TY_TENSOR ||
	    !numeric_dtype(l->type->dt) || l->u.tensor.count < 0 ||
	    l->u.tensor.count > INFER_MAX_IVAL)
		return NULL;
	uint32_t n = (uint32_t)l->u.tensor.count;
	IVal *v = ival_new(in->scratch, n);
	bool fl = dtype_is_float(l->type->dt);
	for (uint32_t i = 0; i < n; i++) {
		if (fl) {
			double x = lit_elem_f64(l, i);
			if (!isfinite(x) || x != floor(x) || fabs(x) > 9e15)
				return NULL;
			v->e[i] = dim_const((int64_t)x);
		} else {
			v->e[i] = dim_const(lit_elem_i64(l, i));
		}
	}
	return v;
}
