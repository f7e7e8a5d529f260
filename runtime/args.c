/*
 * args.c - what every kernel uses: operands by name, constant scalars with
 * their defaults, output allocation (counted against --max-memory), axes,
 * numpy broadcasting (ops.md "Global conventions") and one-line errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/rt_int.h"

const RtArg *rt_arg(const RtOp *o, const char *name)
{
	for (uint32_t i = 0; i < o->nargs; i++)
		if (strcmp(o->args[i].name, name) == 0)
			return &o->args[i];
	return NULL;
}

const RtTensor *rt_in(const RtOp *o, const char *name)
{
	const RtArg *a = rt_arg(o, name);
	return a && a->n ? a->t[0] : NULL;
}

/* The catalogue's default of an absent scalar operand when it is a number
 * ("1", "-1", "1e-5", "x.dtype(1e-4)") or a bool ("True", "False"). */
static bool catalogue_default(const RtOp *o, const char *name, double *v)
{
	const OpOperandInfo *oi = o->info ? op_info_operand(o->info, name) : NULL;
	if (!oi || !oi->def)
		return false;
	if (strcmp(oi->def, "True") == 0 || strcmp(oi->def, "False") == 0) {
		*v = oi->def[0] == 'T';
		return true;
	}
	const char *s = oi->def;
	if (strncmp(s, "x.dtype(", 8) == 0)
		s += 8;
	char *end;
	double d = strtod(s, &end);
	if (end == s || (*end && *end != ')'))
		return false;
	*v = d;
	return true;
}

double rt_in_float(const RtOp *o, const char *name, double def)
{
	const RtTensor *t = rt_in(o, name);
	if (!t || t->numel < 1 || t->dt == DT_STRING) {
		double v;
		return catalogue_default(o, name, &v) ? v : def;
	}
	return rt_tensor_get(t, 0);
}

int64_t rt_in_int(const RtOp *o, const char *name, int64_t def)
{
	return (int64_t)rt_in_float(o, name, (double)def);
}

bool rt_in_bool(const RtOp *o, const char *name, bool def)
{
	return rt_in_int(o, name, def) != 0;
}

const char *rt_in_str(const RtOp *o, const char *name, const char *def)
{
	const RtTensor *t = rt_in(o, name);
	if (!t || t->dt != DT_STRING || t->numel < 1)
		return def;
	return ((const char *const *)t->data)[0];
}

int rt_in_ints(const RtOp *o, const char *name, int64_t *out, int max)
{
	const RtTensor *t = rt_in(o, name);
	if (!t || t->dt == DT_STRING || t->numel > max)
		return -1;
	for (int64_t i = 0; i < t->numel; i++)
		out[i] = (int64_t)rt_tensor_get(t, i);
	return (int)t->numel;
}

int rt_fail(RtCtx *c, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const Op *op = c->cur ? c->cur->op : NULL;
	Diag *d = diag_add(c->dl, SEV_ERROR, code, op ? op->loc : c->p->f->loc, "%s", msg);
	if (d && op)
		diag_set_op(c->dl, d, c->p->f, op);
	return -1;
}

RtTensor *rt_out(RtCtx *c, RtOp *o, uint32_t i, DType dt, int32_t rank, const int64_t *dims)
{
	if (i >= o->nouts)
		return rt_fail(c, RT_E_OP, "%s has no output %u", o->op->kind, i), NULL;
	RtTensor *t = o->outs[i];
	size_t before = t->cap;
	if (rt_tensor_alloc(t, dt, rank, dims) < 0)
		return rt_fail(c, RT_E_MEMORY, "output %u of %s: size overflows or memory exhausted",
		               i, o->op->kind), NULL;
	if (t->cap > before) {
		c->p->act_bytes += t->cap - before;
		if (c->p->act_bytes > c->p->opts.max_memory)
			return rt_fail(c, RT_E_MEMORY,
			               "buffers need %llu bytes, over --max-memory %llu",
			               (unsigned long long)c->p->act_bytes,
			               (unsigned long long)c->p->opts.max_memory), NULL;
	}
	return t;
}

int rt_axis(RtCtx *c, int64_t axis, int32_t rank)
{
	if (axis < -(int64_t)rank || axis >= rank)
		return rt_fail(c, RT_E_OP, "axis %lld out of range for rank %d", (long long)axis, rank);
	return (int)(axis < 0 ? axis + rank : axis);
}

int rt_broadcast_shape(RtCtx *c, const RtTensor *a, const RtTensor *b, int32_t *rank,
                       int64_t *dims)
{
	int32_t r = a->rank > b->rank ? a->rank : b->rank;
	for (int32_t i = 0; i < r; i++) {
		int32_t ia = i - (r - a->rank), ib = i - (r - b->rank);
		int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
		if (da != db && da != 1 && db != 1)
			return rt_fail(c, RT_E_OP, "shapes do not broadcast: dim %d is %lld vs %lld",
			               i, (long long)da, (long long)db);
		dims[i] = da == 1 ? db : da;
	}
	*rank = r;
	return 0;
}

void rt_broadcast_strides(const RtTensor *t, int32_t rank, const int64_t *dims,
                          int64_t *strides)
{
	int64_t s = 1;
	for (int32_t i = rank - 1; i >= 0; i--) {
		int32_t it = i - (rank - t->rank);
		int64_t d = it >= 0 ? t->dims[it] : 1;
		strides[i] = (d == 1 && dims[i] != 1) || it < 0 ? 0 : s;
		s *= d;
	}
}

void rt_row_strides(int32_t rank, const int64_t *dims, int64_t *strides)
{
	int64_t s = 1;
	for (int32_t i = rank - 1; i >= 0; i--) {
		strides[i] = s;
		s *= dims[i];
	}
}

void rt_next_index(int32_t rank, const int64_t *dims, int64_t *idx)
{
	for (int32_t d = rank - 1; d >= 0; d--) {
		if (++idx[d] < dims[d])
			return;
		idx[d] = 0;
	}
}

void rt_gather_strided(const char *src, int64_t base, const int64_t *sstride, int32_t rank,
                           const int64_t *dims, int64_t n, size_t es, char *dst)
{
	int64_t idx[RT_MAX_RANK] = { 0 }, off = base;
	for (int64_t i = 0; i < n; i++) {
		memcpy(dst + (size_t)i * es, src + (size_t)off * es, es);
		for (int32_t d = rank - 1; d >= 0; d--) {
			off += sstride[d];
			if (++idx[d] < dims[d])
				break;
			off -= sstride[d] * dims[d];
			idx[d] = 0;
		}
	}
}
