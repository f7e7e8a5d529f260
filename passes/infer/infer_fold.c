/* infer_fold.c - known integer contents of values: constant folding of the
 * shape arithmetic that converters leave in programs (shape -> gather ->
 * concat -> reshape), so that reshape, tile, fill and friends get concrete
 * (or symbolic) output shapes.
 *
 * Contents are kept as dims, one per element: a known number, a symbolic
 * expression (the shape of a flexible input) or unknown.  Only small
 * tensors (INFER_MAX_IVAL elements) are tracked.  Folding covers const,
 * shape, cast, identity, gather, concat, stack, slice_by_index,
 * slice_by_size, squeeze, expand_dims, reshape, the integer elementwise
 * ops, fill, range_1d and full reductions of reduce_sum / reduce_prod.
 * Values computed in loops or from data are never known. */
#include "passes/infer/infer_int.h"

#include <math.h>
#include <string.h>

static const IVal *keep(Infer *in, const IVal *v)
{
	if (!v)
		return NULL;
	IVal *c = ival_new(in->arena, v->n);
	memcpy(c->e, v->e, (size_t)v->n * sizeof(Dim));
	return c;
}

static void set_out(IOp *io, uint32_t i, const IVal *v)
{
	if (!v || i >= io->op->nouts)
		return;
	ValueId id = io->op->outs[i];
	if (id < io->in->fr->nvalues)
		io->in->fr->ival[id] = keep(io->in, v);
}

/* Element count of an output type (-1 unknown). */
static int64_t out_numel(IOp *io, uint32_t i)
{
	const Type *t = i < io->op->nouts ? io->out[i] : NULL;
	return t && t->kind == TY_TENSOR ? type_numel(t) : -1;
}

/* ------------------------------------------------------------------ per op */

static void fold_shape(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank > INFER_MAX_IVAL)
		return;
	IVal *v = ival_new(io->in->scratch, (uint32_t)x->rank);
	copy_dims(v->e, x->dims, x->rank);
	set_out(io, 0, v);
}

static void fold_same(IOp *io, const char *operand)
{
	const IVal *v = io_ival(io, operand);
	if (v && out_numel(io, 0) == (int64_t)v->n)
		set_out(io, 0, v);
}

static void fold_cast(IOp *io)
{
	const IVal *v = io_ival(io, "x");
	const char *dt = io_str(io, "dtype");
	if (!v)
		return;
	if (dt && strcmp(dt, "bool") == 0) {
		IVal *b = ival_new(io->in->scratch, v->n);
		for (uint32_t i = 0; i < v->n; i++)
			b->e[i] = v->e[i].kind == DIM_CONST ? dim_const(v->e[i].size != 0) : dim_unknown();
		v = b;
	}
	set_out(io, 0, v);
}

static void fold_gather(IOp *io)
{
	const Type *x = io_type(io, "x");
	const IVal *xv = io_ival(io, "x"), *iv = io_ival(io, "indices");
	if (!xv || !iv || !type_ranked(x) || x->rank != 1 || io_int_or(io, "batch_dims", 0) != 0)
		return;
	int64_t axis = io_int_or(io, "axis", 0);
	if (axis != 0 && axis != -1)
		return;
	IVal *r = ival_new(io->in->scratch, iv->n);
	for (uint32_t i = 0; i < iv->n; i++) {
		if (iv->e[i].kind != DIM_CONST)
			return;
		int64_t k = iv->e[i].size;
		if (k < 0)
			k += xv->n;
		if (k < 0 || k >= (int64_t)xv->n)
			return;
		r->e[i] = xv->e[k];
	}
	set_out(io, 0, r);
}

/* concat / stack along axis 0: the elements in order. */
static void fold_join(IOp *io, bool stack)
{
	const Operand *vals = io_operand(io, "values");
	if (!vals || vals->n == 0)
		return;
	int64_t axis = io_int_or(io, "axis", 0);
	const Type *t0 = io_bind_type(io, &vals->b[0]);
	if (!type_ranked(t0))
		return;
	int32_t rank = t0->rank + (stack ? 1 : 0);
	if (axis < 0)
		axis += rank;
	if (axis != 0 && !(rank == 1 && axis == 0))
		return;
	uint32_t total = 0;
	const IVal *parts[64];
	if (vals->n > 64)
		return;
	for (uint32_t i = 0; i < vals->n; i++) {
		parts[i] = io_bind_ival(io, &vals->b[i]);
		if (!parts[i] || total + parts[i]->n > INFER_MAX_IVAL)
			return;
		total += parts[i]->n;
	}
	if (out_numel(io, 0) != (int64_t)total)
		return;
	IVal *r = ival_new(io->in->scratch, total);
	uint32_t k = 0;
	for (uint32_t i = 0; i < vals->n; i++)
		for (uint32_t j = 0; j < parts[i]->n; j++)
			r->e[k++] = parts[i]->e[j];
	set_out(io, 0, r);
}

static void fold_slice_by_index(IOp *io)
{
	const Type *x = io_type(io, "x");
	const IVal *xv = io_ival(io, "x");
	if (!xv || !type_ranked(x) || x->rank != 1)
		return;
	int64_t b = 0, e = (int64_t)xv->n, s = 1, v;
	int64_t bm = 0, em = 0, sm = 0;
	uint32_t n;
	if (io_ints(io, "begin", &v, 1, &n) && n == 1)
		b = v;
	else if (io_has(io, "begin"))
		return;
	if (io_ints(io, "end", &v, 1, &n) && n == 1)
		e = v;
	else if (io_has(io, "end"))
		return;
	if (io_ints(io, "stride", &v, 1, &n) && n == 1)
		s = v;
	if (io_ints(io, "begin_mask", &v, 1, &n) && n == 1)
		bm = v;
	if (io_ints(io, "end_mask", &v, 1, &n) && n == 1)
		em = v;
	if (io_ints(io, "squeeze_mask", &v, 1, &n) && n == 1)
		sm = v;
	int64_t len = (int64_t)xv->n;
	if (s == 0)
		return;
	if (sm) {
		int64_t k = b < 0 ? b + len : b;
		if (k < 0 || k >= len)
			return;
		IVal *r = ival_new(io->in->scratch, 1);
		r->e[0] = xv->e[k];
		set_out(io, 0, r);
		return;
	}
	if (bm)
		b = s > 0 ? 0 : len - 1;
	else {
		if (b < 0)
			b += len;
		b = s > 0 ? (b < 0 ? 0 : b > len ? len : b) : (b < -1 ? -1 : b > len - 1 ? len - 1 : b);
	}
	if (em)
		e = s > 0 ? len : -1;
	else {
		if (e < 0)
			e += len;
		e = s > 0 ? (e < 0 ? 0 : e > len ? len : e) : (e < -1 ? -1 : e > len - 1 ? len - 1 : e);
	}
	IVal *r = ival_new(io->in->scratch, (uint32_t)len);
	uint32_t k = 0;
	for (int64_t i = b; s > 0 ? i < e : i > e; i += s)
		r->e[k++] = xv->e[i];
	r->n = k;
	set_out(io, 0, r);
}

static void fold_slice_by_size(IOp *io)
{
	const Type *x = io_type(io, "x");
	const IVal *xv = io_ival(io, "x");
	int64_t b, sz;
	uint32_t n;
	if (!xv || !type_ranked(x) || x->rank != 1 || !io_ints(io, "begin", &b, 1, &n) || n != 1 ||
	    !io_ints(io, "size", &sz, 1, &n) || n != 1)
		return;
	int64_t len = (int64_t)xv->n;
	if (b < 0)
		b += len;
	if (sz == -1)
		sz = len - b;
	if (b < 0 || sz < 0 || b + sz > len)
		return;
	IVal *r = ival_new(io->in->scratch, (uint32_t)sz);
	for (int64_t i = 0; i < sz; i++)
		r->e[i] = xv->e[b + i];
	set_out(io, 0, r);
}

/* Elementwise integer math with numpy broadcasting of a scalar or equal
 * lengths. */
static void fold_binary(IOp *io, OpId id)
{
	const IVal *a = io_ival(io, "x"), *b = io_ival(io, "y");
	if (!a || !b)
		return;
	int64_t numel = out_numel(io, 0);
	uint32_t n = a->n > b->n ? a->n : b->n;
	if ((a->n != n && a->n != 1) || (b->n != n && b->n != 1) || numel != (int64_t)n)
		return;
	Infer *in = io->in;
	IVal *r = ival_new(in->scratch, n);
	for (uint32_t i = 0; i < n; i++) {
		Dim x = a->e[a->n == 1 ? 0 : i], y = b->e[b->n == 1 ? 0 : i], z;
		switch (id) {
		case OPID_add: z = dim_add(in, x, y); break;
		case OPID_sub: z = dim_sub(in, x, y); break;
		case OPID_mul: z = dim_mul(in, x, y); break;
		case OPID_floor_div: z = dim_floordiv(in, x, y); break;
		case OPID_mod: z = dim_mod(in, x, y); break;
		case OPID_maximum: z = dim_max(in, x, y); break;
		case OPID_minimum: z = dim_min(in, x, y); break;
		case OPID_real_div:
			/* exact quotients only */
			if (x.kind == DIM_CONST && y.kind == DIM_CONST && y.size && x.size % y.size == 0)
				z = dim_const(x.size / y.size);
			else
				z = dim_unknown();
			break;
		default: return;
		}
		r->e[i] = z;
	}
	set_out(io, 0, r);
}

static void fold_fill(IOp *io)
{
	int64_t numel = out_numel(io, 0);
	if (numel < 0 || numel > INFER_MAX_IVAL)
		return;
	Dim val = dim_const(0);
	if (io_has(io, "value")) {
		const IVal *v = io_ival(io, "value");
		if (!v || v->n != 1)
			return;
		val = v->e[0];
	}
	IVal *r = ival_new(io->in->scratch, (uint32_t)numel);
	for (int64_t i = 0; i < numel; i++)
		r->e[i] = val;
	set_out(io, 0, r);
}

static void fold_range(IOp *io)
{
	int64_t s, e, st;
	if (!io_int(io, "start", &s) || !io_int(io, "end", &e) || !io_int(io, "step", &st) || !st)
		return;
	int64_t numel = out_numel(io, 0);
	if (numel < 0 || numel > INFER_MAX_IVAL)
		return;
	IVal *r = ival_new(io->in->scratch, (uint32_t)numel);
	for (int64_t i = 0; i < numel; i++)
		r->e[i] = dim_const(s + i * st);
	set_out(io, 0, r);
}

static void fold_reduce(IOp *io, bool prod)
{
	const Type *x = io_type(io, "x");
	const IVal *v = io_ival(io, "x");
	if (!v || !type_ranked(x) || x->rank != 1 || out_numel(io, 0) != 1)
		return;
	Dim acc = dim_const(prod ? 1 : 0);
	for (uint32_t i = 0; i < v->n; i++)
		acc = prod ? dim_mul(io->in, acc, v->e[i]) : dim_add(io->in, acc, v->e[i]);
	IVal *r = ival_new(io->in->scratch, 1);
	r->e[0] = acc;
	set_out(io, 0, r);
}

void infer_fold(IOp *io)
{
	if (!io->info || io->failed || io->op->nouts == 0 || io->nn)
		return;
	const Type *t0 = io->out[0];
	if (!t0 || t0->kind != TY_TENSOR || t0->dt == DT_STRING)
		return;
	int64_t numel = type_numel(t0);
	if (numel < 0 || numel > INFER_MAX_IVAL)
		return;
	switch (io->info->id) {
	case OPID_const: {
		const Lit *l = ir_attr_find(io->op->nattrs, io->op->attrs, "val");
		set_out(io, 0, ival_from_lit(io->in, l));
		break;
	}
	case OPID_shape: fold_shape(io); break;
	case OPID_cast: fold_cast(io); break;
	case OPID_identity:
	case OPID_squeeze:
	case OPID_expand_dims:
	case OPID_reshape:
		fold_same(io, "x");
		break;
	case OPID_gather: fold_gather(io); break;
	case OPID_concat: fold_join(io, false); break;
	case OPID_stack: fold_join(io, true); break;
	case OPID_slice_by_index: fold_slice_by_index(io); break;
	case OPID_slice_by_size: fold_slice_by_size(io); break;
	case OPID_add: case OPID_sub: case OPID_mul: case OPID_floor_div: case OPID_real_div:
	case OPID_mod: case OPID_maximum: case OPID_minimum:
		fold_binary(io, io->info->id);
		break;
	case OPID_fill: fold_fill(io); break;
	case OPID_range_1d: fold_range(io); break;
	case OPID_reduce_prod: fold_reduce(io, true); break;
	case OPID_reduce_sum: fold_reduce(io, false); break;
	default: break;
	}
}
