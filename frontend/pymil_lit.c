/*
 * pymil_lit.c - the Python literals of coremltools' printout ("pymil",
 * spec/mil-text.md §9): read as Python writes them (ints, floats, bools,
 * strings, None, nested lists and tuples), then given a dtype from
 * context, checked for shape and range, and stored as IR literals.
 */
#include "frontend/frontend.h"
#include "frontend/irbuild.h"
#include "frontend/pymil_lit.h"

#include <math.h>
#include <string.h>

static PyLit *py_new(PyLitCtx *p, PyKind k)
{
	PyLit *l = arena_alloc(p->scratch, sizeof *l);
	l->kind = k;
	l->line = p->lx->tok.line;
	l->col = p->lx->tok.col;
	return l;
}


/* '[' items ']' or '(' items ')' (a Python tuple reads as a list) */
static PyLit *parse_pyseq(PyLitCtx *p, char close)
{
	PyLit *l = py_new(p, PY_LIST);
	if (++(*p->depth) > PYMIL_MAX_DEPTH) {
		PYL_TOK_ERR(p->lx, "literal nested deeper than %d", PYMIL_MAX_DEPTH);
		return NULL;
	}
	pyl_next(p->lx);
	VEC(PyLit *) items = { 0 };
	while (!pyl_is_punct(p->lx, close)) {
		PyLit *it = pylit_parse(p);
		if (!it)
			return NULL;
		vec_push(p->scratch, &items, it);
		if (!pyl_accept(p->lx, ',')) {
			if (pyl_is_punct(p->lx, close))
				break;
			char buf[64];
			PYL_TOK_ERR(p->lx, "expected ',' or '%c' in a literal, found %s", close,
			        pyl_tok_what(p->lx, buf, sizeof buf));
			return NULL;
		}
	}
	pyl_next(p->lx);
	(*p->depth)--;
	l->n = items.n;
	l->items = items.v;
	return l;
}

PyLit *pylit_parse(PyLitCtx *p)
{
	Tok t = p->lx->tok;
	PyLit *l;
	char buf[64];
	switch (t.kind) {
	case T_INT:
		if (t.mag > (uint64_t)INT64_MAX + t.neg) {
			PYL_TOK_ERR(p->lx, "integer out of range");
			return NULL;
		}
		l = py_new(p, PY_INT);
		l->i = t.neg ? (int64_t)(0 - t.mag) : (int64_t)t.mag;
		pyl_next(p->lx);
		return l;
	case T_FLOAT:
		l = py_new(p, PY_FLOAT);
		l->f = t.f;
		pyl_next(p->lx);
		return l;
	case T_STRING:
		l = py_new(p, PY_STR);
		l->s = t.s;
		pyl_next(p->lx);
		return l;
	case T_IDENT:
		if (pyl_tok_is_word(p->lx, "True") || pyl_tok_is_word(p->lx, "False")) {
			l = py_new(p, PY_BOOL);
			l->i = pyl_tok_is_word(p->lx, "True");
		} else if (pyl_tok_is_word(p->lx, "inf") || pyl_tok_is_word(p->lx, "nan")) {
			l = py_new(p, PY_FLOAT);
			l->f = pyl_tok_is_word(p->lx, "inf") ? INFINITY : NAN;
		} else if (pyl_tok_is_word(p->lx, "None")) {
			l = py_new(p, PY_NONE);
		} else {
			break;
		}
		pyl_next(p->lx);
		return l;
	case T_PUNCT:
		if (t.c == '[')
			return parse_pyseq(p, ']');
		if (t.c == '(')
			return parse_pyseq(p, ')');
		break;
	default:
		break;
	}
	PYL_TOK_ERR(p->lx, "expected a value, found %s", pyl_tok_what(p->lx, buf, sizeof buf));
	return NULL;
}

/* Shape of a (nested) list literal; false when ragged or mixed. */
static bool py_shape(PyLitCtx *p, const PyLit *l, int32_t *rank, Dim *dims)
{
	*rank = 0;
	const PyLit *x = l;
	while (x->kind == PY_LIST) {
		if (*rank == PYMIL_MAX_RANK) {
			pyl_error(p->lx, l->line, l->col, "list literal of rank above %d", PYMIL_MAX_RANK);
			return false;
		}
		dims[(*rank)++] = dim_const(x->n);
		if (!x->n)
			break;
		x = x->items[0];
	}
	return true;
}

/* Check that every sub-list at depth d has dims[d] items; count leaves. */
static bool py_check(PyLitCtx *p, const PyLit *l, int32_t d, int32_t rank, const Dim *dims)
{
	if (d == rank) {
		if (l->kind == PY_LIST) {
			pyl_error(p->lx, l->line, l->col, "ragged list literal");
			return false;
		}
		if (l->kind == PY_NONE) {
			pyl_error(p->lx, l->line, l->col, "None inside a list literal");
			return false;
		}
		return true;
	}
	if (l->kind != PY_LIST || (int64_t)l->n != dims[d].size) {
		pyl_error(p->lx, l->line, l->col, "ragged list literal");
		return false;
	}
	for (uint32_t i = 0; i < l->n; i++)
		if (!py_check(p, l->items[i], d + 1, rank, dims))
			return false;
	return true;
}

typedef struct Leaves {
	bool any_int, any_float, any_bool, any_str, big;
} Leaves;

static void py_leaves(const PyLit *l, Leaves *lv)
{
	switch (l->kind) {
	case PY_LIST:
		for (uint32_t i = 0; i < l->n; i++)
			py_leaves(l->items[i], lv);
		return;
	case PY_INT:
		lv->any_int = true;
		if (l->i < INT32_MIN || l->i > INT32_MAX)
			lv->big = true;
		return;
	case PY_FLOAT: lv->any_float = true; return;
	case PY_BOOL: lv->any_bool = true; return;
	case PY_STR: lv->any_str = true; return;
	case PY_NONE: return;
	}
}

static bool int_fits(int64_t v, DType dt)
{
	unsigned bits = dtype_info[dt].bits;
	if (dtype_info[dt].cls == DTC_SINT) {
		if (bits >= 64)
			return true;
		int64_t lo = -((int64_t)1 << (bits - 1)), hi = ((int64_t)1 << (bits - 1)) - 1;
		return v >= lo && v <= hi;
	}
	if (v < 0)
		return false;
	return bits >= 64 || (uint64_t)v <= ((uint64_t)1 << bits) - 1;
}

static bool store_leaf(PyLitCtx *p, const PyLit *l, DType dt, uint8_t *dst)
{
	DTypeClass cls = dtype_info[dt].cls;
	if (cls == DTC_STRING) {
		if (l->kind != PY_STR) {
			pyl_error(p->lx, l->line, l->col, "expected a string in a string literal");
			return false;
		}
		memcpy(dst, &l->s, sizeof l->s);
		return true;
	}
	if (l->kind == PY_STR) {
		pyl_error(p->lx, l->line, l->col, "string in a %s literal", dtype_name(dt));
		return false;
	}
	double x = l->kind == PY_FLOAT ? l->f : (double)l->i;
	if (cls == DTC_FLOAT) {
		switch (dt) {
		case DT_FP16: { uint16_t h = fp16_from_f64(x); memcpy(dst, &h, 2); break; }
		case DT_BF16: { uint16_t h = bf16_from_f64(x); memcpy(dst, &h, 2); break; }
		case DT_FP32: { float f = (float)x; memcpy(dst, &f, 4); break; }
		case DT_FP64: memcpy(dst, &x, 8); break;
		case DT_FP8E4M3FN: *dst = fp8e4m3fn_from_f64(x); break;
		case DT_FP8E5M2: *dst = fp8e5m2_from_f64(x); break;
		default: IR_DIE("float dtype %s", dtype_name(dt));
		}
		return true;
	}
	if (cls == DTC_BOOL) {
		if (l->kind == PY_FLOAT || (l->kind == PY_INT && l->i != 0 && l->i != 1)) {
			pyl_error(p->lx, l->line, l->col, "expected True or False in a bool literal");
			return false;
		}
		*dst = l->i != 0;
		return true;
	}
	if (l->kind == PY_FLOAT) {
		pyl_error(p->lx, l->line, l->col, "float in a %s literal", dtype_name(dt));
		return false;
	}
	int64_t v = l->i;
	if (!int_fits(v, dt)) {
		pyl_error(p->lx, l->line, l->col, "%lld is out of range for %s", (long long)v, dtype_name(dt));
		return false;
	}
	switch (dtype_info[dt].elem_size) {
	case 1: { uint8_t u = (uint8_t)v; *dst = u; break; }
	case 2: { uint16_t u = (uint16_t)v; memcpy(dst, &u, 2); break; }
	case 4: { uint32_t u = (uint32_t)v; memcpy(dst, &u, 4); break; }
	default: memcpy(dst, &v, 8); break;
	}
	return true;
}

static bool store_leaves(PyLitCtx *p, const PyLit *l, DType dt, uint8_t *data, int64_t *k)
{
	if (l->kind == PY_LIST) {
		for (uint32_t i = 0; i < l->n; i++)
			if (!store_leaves(p, l->items[i], dt, data, k))
				return false;
		return true;
	}
	size_t es = dtype_info[dt].elem_size;
	return store_leaf(p, l, dt, data + (size_t)(*k)++ * es);
}

/* The dtype a literal has on its own (DT_COUNT for an empty list). */
static DType repr_dtype(const Leaves *lv)
{
	if (lv->any_str)
		return DT_STRING;
	if (lv->any_float)
		return DT_FP32;
	if (lv->any_int)
		return lv->big ? DT_INT64 : DT_INT32;
	if (lv->any_bool)
		return DT_BOOL;
	return DT_COUNT;
}

/* Whether context dtype `want` can hold what the repr shows. */
static bool ctx_fits(DType want, const Leaves *lv)
{
	switch (dtype_info[want].cls) {
	case DTC_STRING: return !lv->any_int && !lv->any_float && !lv->any_bool;
	case DTC_BOOL: return !lv->any_str && !lv->any_float && !lv->any_int;
	case DTC_FLOAT: return !lv->any_str && !lv->any_bool;
	default: return !lv->any_str && !lv->any_float && !lv->any_bool;
	}
}

/* The first dtype of `mask` in the class of `dt`, or dt. */
static DType in_mask(DType dt, uint32_t mask)
{
	if (dt == DT_COUNT || !mask || (mask & (1u << dt)))
		return dt;
	static const DType prefer[] = { DT_INT32, DT_INT64, DT_INT16, DT_INT8, DT_UINT32,
	                                DT_UINT16, DT_UINT8, DT_FP32, DT_FP16, DT_FP64 };
	for (size_t i = 0; i < sizeof prefer / sizeof prefer[0]; i++)
		if ((mask & (1u << prefer[i])) && dtype_info[prefer[i]].cls == dtype_info[dt].cls)
			return prefer[i];
	if (dtype_is_int(dt))
		for (size_t i = 0; i < sizeof prefer / sizeof prefer[0]; i++)
			if ((mask & (1u << prefer[i])) && dtype_is_int(prefer[i]))
				return prefer[i];
	return dt;
}

const Lit *pylit_make(PyLitCtx *p, const PyLit *l, DType ctx, uint32_t mask)
{
	Dim dims[PYMIL_MAX_RANK];
	int32_t rank;
	if (!py_shape(p, l, &rank, dims) || !py_check(p, l, 0, rank, dims))
		return NULL;
	Leaves lv = { 0 };
	py_leaves(l, &lv);
	int nclass = lv.any_str + (lv.any_int || lv.any_float) + lv.any_bool;
	if (nclass > 1) {
		pyl_error(p->lx, l->line, l->col, "list literal mixes strings, numbers and booleans");
		return NULL;
	}
	DType dt = ctx != DT_COUNT && ctx_fits(ctx, &lv) ? ctx : in_mask(repr_dtype(&lv), mask);
	if (dt == DT_COUNT)
		dt = DT_INT32;      /* an empty list with nothing to say otherwise */
	if (lv.big && dt == DT_INT32)
		dt = DT_INT64;
	const Type *t = type_tensor(p->m->types, dt, rank, dims);
	int64_t count = type_numel(t);
	if (count < 0)
		IR_DIE("literal of unknown size");
	uint8_t *data = arena_array(p->m->arena, count ? (size_t)count : 1, dtype_info[dt].elem_size);
	int64_t k = 0;
	if (!store_leaves(p, l, dt, data, &k))
		return NULL;
	return fe_lit_tensor(p->m, t, count, data);
}
