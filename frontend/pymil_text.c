/*
 * pymil_text.c - coremltools' printed Program form ("pymil", spec/mil-text.md
 * §9) -> IR.  A hand-written recursive-descent reader over the whole text
 * held in memory; the syntax is small and line-oriented:
 *
 *   program := func+
 *   func    := IDENT '[' IDENT ']' '(' params? ')' '{' block '}'
 *   block   := IDENT '(' params? ')' '{' stmt* '}' '->' '(' vars? ')'
 *   param   := VAR ':' type
 *   type    := '(' (dim ',')* DTYPE? ')' ('*' | '^')? '(' TAG ')'
 *            | 'List' '[' len ',' elem ']' ('(' 'List' ')')?
 *   stmt    := (VAR ':' type (',' VAR ':' type)*)? '=' IDENT '(' args? ')' block*
 *   arg     := IDENT '=' (VAR | '(' vars? ')' | pyliteral | '<' ... '>')
 *
 * What the printout leaves out, and how the IR gets it back:
 *  - `const` ops are not printed.  Small constants (numpy size <= 10, or
 *    plain Python values) are inlined as Python reprs: they become literal
 *    bindings (BIND_LIT) typed from context - the op catalogue's dtype for
 *    the operand, or the dtype of the operand / output sharing its type
 *    variable - else from the repr (int -> int32, float -> fp32, bool,
 *    str -> string).
 *  - Larger constants are printed as `%name` with no definition, and
 *    opaque Python objects as `<... object at 0x...>`.  Each becomes an
 *    "elided constant": a `const` op without a `val` attribute at the top
 *    of the function body, its dtype derived from context as above, its
 *    rank unknown (loop variables of while_loop take the type of the loop
 *    body's parameter).  When nothing tells the dtype, fp32 is assumed and
 *    one note says how many were assumed.
 *  - Symbolic dims (`is0`) stay symbols; `(dict)` is dict<string, fp64>
 *    (classify: keys of the class label's dtype).
 * Every problem is `file:line:col: error: ...`; reading stops at the first
 * one.  Nothing here trusts the input: nesting, ranks, integers and string
 * escapes are bounded and checked.
 */
#include "frontend/frontend.h"
#include "frontend/irbuild.h"
#include "frontend/pymil_lex.h"
#include "frontend/pymil_lit.h"
#include "ir/op_catalogue.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = PYMIL_MAX_DEPTH, MAX_RANK = PYMIL_MAX_RANK };

typedef enum ArgKind { A_VAR, A_TUPLE, A_LIT, A_OPAQUE } ArgKind;

typedef struct PArg {
	const char *name;
	uint32_t line, col;
	ArgKind kind;
	uint32_t n;             /* A_VAR: 1, A_TUPLE: count */
	const char **vars;
	uint32_t *vline, *vcol;
	PyLit *lit;             /* A_LIT */
	const char *opaque;     /* A_OPAQUE */
	/* resolved */
	const OpOperandInfo *oi;
	ValueId *ids;           /* VALUE_NONE: not defined (yet) */
} PArg;

typedef struct POut {
	const char *name;
	const Type *type;
	uint32_t line, col;
} POut;

/* How an elided constant got its dtype. */
enum { DT_KNOWN, DT_GUESSED, DT_ASSUMED };

typedef struct Py {
	Module *m;
	PyLex lx;
	Arena *scratch;         /* statement syntax; reset between top-level statements */
	int depth;
	/* the function being read */
	Func *f;
	int opset;
	NameTab names;          /* scoped: params and op outputs */
	NameTab elided;         /* the function's elided constants */
	VEC(Op *) elided_ops;
	VEC(uint8_t) assumed;   /* per elided constant: DT_KNOWN, DT_GUESSED, DT_ASSUMED */
	uint8_t assumed_now;    /* set by elided_type for make_elided */
	uint32_t nguessed, nassumed;    /* over the module */
} Py;

#define TOK_ERR(p, ...) PYL_TOK_ERR(&(p)->lx, __VA_ARGS__)

/* What the literal reader (pymil_lit.c) works with. */
static PyLitCtx lit_ctx(Py *p)
{
	return (PyLitCtx){ &p->lx, p->m, p->scratch, &p->depth };
}

/* ------------------------------------------------------------ types */

static const Type *tagged_type(Py *p, DType dt, bool is_dict, int32_t rank, const Dim *dims,
                               const char *tag, size_t taglen, uint32_t line, uint32_t col)
{
	TypeTable *tt = p->m->types;
	bool scalar_tag = taglen == 6 && memcmp(tag, "Scalar", 6) == 0;
	if (is_dict) {
		if (!scalar_tag || rank != 0) {
			pyl_error(&p->lx, line, col, "a dict type must be a scalar '(dict)(Scalar)'");
			return NULL;
		}
		return type_dict(tt, type_scalar(tt, DT_STRING), type_scalar(tt, DT_FP64));
	}
	if (taglen == 6 && memcmp(tag, "Tensor", 6) == 0)
		return type_tensor(tt, dt, rank, dims);
	if (scalar_tag) {
		if (rank != 0) {
			pyl_error(&p->lx, line, col, "a '(Scalar)' type has a shape");
			return NULL;
		}
		return type_scalar(tt, dt);
	}
	if (taglen == 5 && memcmp(tag, "State", 5) == 0)
		return type_state(tt, type_tensor(tt, dt, rank, dims));
	if (taglen == 4 && memcmp(tag, "List", 4) == 0)
		return type_list(tt, type_tensor(tt, dt, rank, dims), dim_unknown());
	pyl_error(&p->lx, line, col, "unknown type tag '(%.*s)' (want Tensor, Scalar, State or List)",
	     (int)(taglen > 20 ? 20 : taglen), tag);
	return NULL;
}

static const Type *parse_type(Py *p);

/* '(' (dim ',')* DTYPE ')' ('*'|'^')? ; the tag follows unless in_list. */
static const Type *parse_shape_type(Py *p, bool in_list)
{
	uint32_t line = p->lx.tok.line, col = p->lx.tok.col;
	if (!pyl_expect(&p->lx, '(', "to open a type"))
		return NULL;
	Dim dims[MAX_RANK + 1];
	int32_t rank = 0;
	DType dt = DT_COUNT;
	bool is_dict = false;
	char buf[64];
	for (;;) {
		Tok t = p->lx.tok;
		if (t.kind == T_INT) {
			if (t.neg || t.mag > (uint64_t)INT64_MAX) {
				TOK_ERR(p, "dimension out of range");
				return NULL;
			}
			if (rank == MAX_RANK) {
				TOK_ERR(p, "rank above %d", MAX_RANK);
				return NULL;
			}
			dims[rank++] = dim_const((int64_t)t.mag);
			pyl_next(&p->lx);
		} else if (t.kind == T_IDENT) {
			DType d = dtype_from_name(t.s, t.n);
			bool dict = t.n == 4 && memcmp(t.s, "dict", 4) == 0;
			Tok after = pyl_peek(&p->lx);
			bool last = after.kind == T_PUNCT && after.c == ')';
			if (last && (d != DT_COUNT || dict)) {
				dt = d;
				is_dict = dict;
				pyl_next(&p->lx);
				break;
			}
			if (last) {
				TOK_ERR(p, "unknown dtype '%.*s'", (int)(t.n > 40 ? 40 : t.n), t.s);
				return NULL;
			}
			if (rank == MAX_RANK) {
				TOK_ERR(p, "rank above %d", MAX_RANK);
				return NULL;
			}
			Dim d0 = { DIM_SYM, 0, type_intern_sym(p->m->types, t.s, t.n) };
			dims[rank++] = d0;
			pyl_next(&p->lx);
		} else {
			TOK_ERR(p, "expected a dimension or a dtype in a type, found %s",
			        pyl_tok_what(&p->lx, buf, sizeof buf));
			return NULL;
		}
		if (pyl_is_punct(&p->lx, ')')) {
			TOK_ERR(p, "type without a dtype");
			return NULL;
		}
		if (!pyl_expect(&p->lx, ',', "between dimensions"))
			return NULL;
	}
	if (!pyl_expect(&p->lx, ')', "after the dtype"))
		return NULL;
	if (pyl_is_punct(&p->lx, '*') || pyl_is_punct(&p->lx, '^'))
		pyl_next(&p->lx);
	if (in_list) {
		if (is_dict) {
			pyl_error(&p->lx, line, col, "a list of dicts is not supported");
			return NULL;
		}
		return type_tensor(p->m->types, dt, rank, dims);
	}
	if (!pyl_expect(&p->lx, '(', "to open the type tag"))
		return NULL;
	if (p->lx.tok.kind != T_IDENT) {
		TOK_ERR(p, "expected a type tag (Tensor, Scalar, State, List), found %s",
		        pyl_tok_what(&p->lx, buf, sizeof buf));
		return NULL;
	}
	Tok tag = p->lx.tok;
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, ')', "after the type tag"))
		return NULL;
	return tagged_type(p, dt, is_dict, rank, dims, tag.s, tag.n, tag.line, tag.col);
}

/* 'List' '[' (INT | IDENT | '?') ',' type-or-shape ']' ('(' 'List' ')')? */
static const Type *parse_list_type(Py *p)
{
	pyl_next(&p->lx);        /* List */
	if (!pyl_expect(&p->lx, '[', "after 'List'"))
		return NULL;
	Dim len = dim_unknown();
	Tok t = p->lx.tok;
	if (t.kind == T_INT && !t.neg && t.mag <= (uint64_t)INT64_MAX) {
		len = dim_const((int64_t)t.mag);
		pyl_next(&p->lx);
	} else if (t.kind == T_IDENT) {
		if (!(t.n == 1 && t.s[0] == '?'))
			len = (Dim){ DIM_SYM, 0, type_intern_sym(p->m->types, t.s, t.n) };
		pyl_next(&p->lx);
	} else {
		TOK_ERR(p, "expected the list length");
		return NULL;
	}
	if (!pyl_expect(&p->lx, ',', "after the list length"))
		return NULL;
	const Type *elem;
	if (pyl_is_punct(&p->lx, '(')) {
		elem = parse_shape_type(p, true);
	} else {
		char buf[64];
		TOK_ERR(p, "expected the list element type, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return NULL;
	}
	if (!elem || !pyl_expect(&p->lx, ']', "to close the list type"))
		return NULL;
	if (pyl_is_punct(&p->lx, '(')) {
		pyl_next(&p->lx);
		if (!pyl_tok_is_word(&p->lx, "List")) {
			TOK_ERR(p, "a list type must be tagged '(List)'");
			return NULL;
		}
		pyl_next(&p->lx);
		if (!pyl_expect(&p->lx, ')', "after the type tag"))
			return NULL;
	}
	return type_list(p->m->types, elem, len);
}

static const Type *parse_type(Py *p)
{
	if (pyl_tok_is_word(&p->lx, "List"))
		return parse_list_type(p);
	return parse_shape_type(p, false);
}

/* ------------------------------------------------------------ names */

static SrcLoc at(const Py *p, uint32_t line, uint32_t col)
{
	return (SrcLoc){ .file = p->lx.file, .line = line, .col = col };
}

static ValueId lookup(Py *p, const char *name)
{
	ValueId id = nt_lookup(&p->names, name);
	return id != VALUE_NONE ? id : nt_lookup(&p->elided, name);
}

/* Define a parameter or an op output in block b; false (with an error) on
 * a second definition in the same block or after an elided use. */
static bool define(Py *p, Block *b, const char *name, ValueId id, uint32_t line, uint32_t col)
{
	ValueId old = nt_lookup(&p->names, name);
	if (old != VALUE_NONE && ir_value(p->f, old)->block == b) {
		SrcLoc l = ir_value_loc(p->f, old);
		pyl_error(&p->lx, line, col, "'%%%s' is defined twice (first at %u:%u)", name, l.line, l.col);
		return false;
	}
	ValueId el = nt_lookup(&p->elided, name);
	if (el != VALUE_NONE) {
		SrcLoc l = ir_value_loc(p->f, el);
		pyl_error(&p->lx, line, col, "'%%%s' is defined here but used before, at %u:%u", name,
		     l.line, l.col);
		return false;
	}
	nt_define(&p->names, name, id);
	return true;
}

/* An elided constant: a `const` op without `val`, prepended to the
 * function body when the function is done. */
static ValueId make_elided(Py *p, const char *name, const Type *t, uint32_t line, uint32_t col)
{
	Func *f = p->f;
	Arena *a = p->m->arena;
	SrcLoc loc = at(p, line, col);
	Op *op = ir_op_new(f, NULL, "const", loc);
	op->parent = f->body;
	ValueId id = ir_value_new(f, name, t, f->body, loc);
	Value *v = ir_value(f, id);
	v->def = op;
	v->def_index = 0;
	op->outs = arena_alloc(a, sizeof *op->outs);
	op->outs[0] = id;
	op->nouts = 1;
	Attr *attr = arena_alloc(a, sizeof *attr);
	attr->name = "name";
	attr->val = fe_lit_scalar_str(p->m, name);
	ir_op_set_attrs(op, 1, attr);
	vec_push(a, &p->elided_ops, op);
	vec_push(a, &p->assumed, (uint8_t)p->assumed_now);
	p->assumed_now = DT_KNOWN;
	nt_define(&p->elided, name, id);
	return id;
}

/* ------------------------------------------------------------ context types */

static DType elem_dtype(const Type *t)
{
	if (!t)
		return DT_COUNT;
	switch (t->kind) {
	case TY_TENSOR: case TY_TENSOR_BUFFER: return t->dt;
	case TY_STATE: case TY_LIST: return elem_dtype(t->elem);
	default: return DT_COUNT;
	}
}

static uint32_t popcount32(uint32_t x)
{
	uint32_t n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

/* The dtype the catalogue gives operand `a`: bound by its type variable to
 * another operand's value or to an output, or the only dtype allowed. */
static DType ctx_dtype(Py *p, const OpInfo *info, const PArg *a, PArg *args, uint32_t nargs,
                       const POut *outs, uint32_t nouts)
{
	const OpOperandInfo *oi = a->oi;
	if (!oi)
		return DT_COUNT;
	if (oi->tvar != TV_NONE) {
		for (uint32_t i = 0; i < nargs; i++) {
			const PArg *b = &args[i];
			if (b == a || !b->oi || b->oi->tvar != oi->tvar || !b->ids)
				continue;
			for (uint32_t j = 0; j < b->n; j++)
				if (b->ids[j] != VALUE_NONE) {
					DType d = elem_dtype(ir_value(p->f, b->ids[j])->type);
					if (d != DT_COUNT)
						return d;
				}
		}
		for (uint32_t i = 0; i < nouts && info->noutputs; i++) {
			const OpOutputInfo *o = &info->outputs[i < info->noutputs ? i : info->noutputs - 1u];
			if (o->rule == OUTDT_TVAR && o->tvar == oi->tvar) {
				DType d = elem_dtype(outs[i].type);
				if (d != DT_COUNT)
					return d;
			}
		}
	}
	if (popcount32(oi->dtypes) == 1) {
		for (int d = 0; d < DT_COUNT; d++)
			if (oi->dtypes == (1u << d))
				return (DType)d;
	}
	return DT_COUNT;
}

/* No dtype from the catalogue: the dtype of the op's first input value,
 * else of its first output, when the operand allows it (coremltools casts
 * weights to the precision the op computes in).  A guess, counted. */
static DType guess_dtype(Py *p, const PArg *a, const PArg *args, uint32_t nargs,
                         const POut *outs, uint32_t nouts)
{
	uint32_t mask = a->oi ? a->oi->dtypes : DTM_ALL;
	for (uint32_t i = 0; i < nargs; i++) {
		const PArg *b = &args[i];
		if (b == a || b->kind != A_VAR || b->ids[0] == VALUE_NONE ||
		    nt_lookup(&p->elided, b->vars[0]) == b->ids[0])
			continue;
		DType d = elem_dtype(ir_value(p->f, b->ids[0])->type);
		if (d != DT_COUNT && (mask & (1u << d))) {
			p->assumed_now = DT_GUESSED;
			return d;
		}
		break;
	}
	DType d = nouts ? elem_dtype(outs[0].type) : DT_COUNT;
	if (d != DT_COUNT && (mask & (1u << d))) {
		p->assumed_now = DT_GUESSED;
		return d;
	}
	return DT_COUNT;
}

static const Type *elided_type(Py *p, DType dt, const OpOperandInfo *oi)
{
	TypeTable *tt = p->m->types;
	if (dt == DT_COUNT) {
		uint32_t mask = oi ? oi->dtypes : 0;
		dt = DT_FP32;
		if (mask && !(mask & DTM(FP32)))
			for (int d = 0; d < DT_COUNT; d++)
				if (mask & (1u << d)) {
					dt = (DType)d;
					break;
				}
		p->assumed_now = DT_ASSUMED;
	}
	if (oi && oi->kind == OPND_STATE)
		return type_state(tt, type_tensor(tt, dt, -1, NULL));
	if (oi && oi->kind == OPND_CONST_LIST)
		return type_list(tt, type_scalar(tt, dt), dim_unknown());
	return type_tensor(tt, dt, -1, NULL);
}

/* ------------------------------------------------------------ statements */

static bool parse_block(Py *p, Block *b, bool is_body);

/* IDENT '=' value */
static bool parse_arg(Py *p, PArg *a)
{
	char buf[64];
	if (p->lx.tok.kind != T_IDENT) {
		TOK_ERR(p, "expected an argument name, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	a->name = pyl_tok_name(&p->lx);
	a->line = p->lx.tok.line;
	a->col = p->lx.tok.col;
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, '=', "after the argument name"))
		return false;
	Tok t = p->lx.tok;
	if (t.kind == T_VAR) {
		a->kind = A_VAR;
		a->n = 1;
		a->vars = arena_alloc(p->scratch, sizeof *a->vars);
		a->vline = arena_alloc(p->scratch, sizeof *a->vline);
		a->vcol = arena_alloc(p->scratch, sizeof *a->vcol);
		a->vars[0] = pyl_tok_name(&p->lx);
		a->vline[0] = t.line;
		a->vcol[0] = t.col;
		pyl_next(&p->lx);
		return true;
	}
	if (t.kind == T_OPAQUE) {
		a->kind = A_OPAQUE;
		a->opaque = arena_strndup(p->scratch, t.s, t.n);
		pyl_next(&p->lx);
		return true;
	}
	if (t.kind == T_PUNCT && t.c == '(') {
		Tok n = pyl_peek(&p->lx);
		if (n.kind == T_VAR || (n.kind == T_PUNCT && n.c == ')')) {
			pyl_next(&p->lx);
			VEC(const char *) names = { 0 };
			VEC(uint32_t) lines = { 0 }, cols = { 0 };
			while (p->lx.tok.kind == T_VAR) {
				vec_push(p->scratch, &names, pyl_tok_name(&p->lx));
				vec_push(p->scratch, &lines, p->lx.tok.line);
				vec_push(p->scratch, &cols, p->lx.tok.col);
				pyl_next(&p->lx);
				if (!pyl_accept(&p->lx, ','))
					break;
			}
			if (!pyl_expect(&p->lx, ')', "to close a tuple of variables"))
				return false;
			a->kind = A_TUPLE;
			a->n = names.n;
			a->vars = names.v;
			a->vline = lines.v;
			a->vcol = cols.v;
			return true;
		}
	}
	a->kind = A_LIT;
	PyLitCtx lc = lit_ctx(p);
	a->lit = pylit_parse(&lc);
	return a->lit != NULL;
}

/* `%name: type` */
static bool parse_decl(Py *p, POut *o)
{
	char buf[64];
	if (p->lx.tok.kind != T_VAR) {
		TOK_ERR(p, "expected a variable, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	o->name = pyl_tok_name(&p->lx);
	o->line = p->lx.tok.line;
	o->col = p->lx.tok.col;
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, ':', "after the variable name"))
		return false;
	o->type = parse_type(p);
	return o->type != NULL;
}

/* classify's dict output: keys of the class label's dtype. */
static void fix_classify(Py *p, const char *kind, POut *outs, uint32_t nouts)
{
	if (strcmp(kind, "classify") != 0 || nouts != 2 || outs[1].type->kind != TY_DICT ||
	    !type_is_scalar(outs[0].type) || outs[0].type->dt != DT_INT64)
		return;
	TypeTable *tt = p->m->types;
	outs[1].type = type_dict(tt, type_scalar(tt, DT_INT64), type_scalar(tt, DT_FP64));
}

/* A name for an opaque object: <op name>_<operand>, made unique. */
static const char *opaque_name(Py *p, const char *opname, const char *arg)
{
	const char *base = arena_printf(p->m->arena, "%s_%s", opname, arg);
	const char *n = base;
	for (unsigned i = 1; lookup(p, n) != VALUE_NONE; i++)
		n = arena_printf(p->m->arena, "%s_%u", base, i);
	return n;
}

/* stmt := decls? '=' IDENT '(' args? ')' block* */
static bool parse_stmt(Py *p, Block *b)
{
	char buf[64];
	Func *f = p->f;
	uint32_t line = p->lx.tok.line, col = p->lx.tok.col;
	VEC(POut) outs = { 0 };
	if (p->lx.tok.kind == T_VAR) {
		for (;;) {
			POut o = { 0 };
			if (!parse_decl(p, &o))
				return false;
			vec_push(p->scratch, &outs, o);
			if (!pyl_accept(&p->lx, ','))
				break;
		}
	}
	if (!pyl_expect(&p->lx, '=', "before the op"))
		return false;
	if (p->lx.tok.kind != T_IDENT) {
		TOK_ERR(p, "expected an op type, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	const char *kind = pyl_tok_name(&p->lx);
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, '(', "after the op type"))
		return false;
	VEC(PArg) args = { 0 };
	while (!pyl_is_punct(&p->lx, ')')) {
		PArg pa = { 0 };
		if (!parse_arg(p, &pa))
			return false;
		for (uint32_t i = 0; i < args.n; i++)
			if (strcmp(args.v[i].name, pa.name) == 0) {
				pyl_error(&p->lx, pa.line, pa.col, "argument '%s' given twice", pa.name);
				return false;
			}
		vec_push(p->scratch, &args, pa);
		if (!pyl_accept(&p->lx, ',')) {
			if (pyl_is_punct(&p->lx, ')'))
				break;
			TOK_ERR(p, "expected ',' or ')' after an argument, found %s",
			        pyl_tok_what(&p->lx, buf, sizeof buf));
			return false;
		}
	}
	pyl_next(&p->lx);
	fix_classify(p, kind, outs.v, outs.n);

	const OpInfo *info = op_catalogue_lookup(kind, p->opset);
	const char *opname = NULL;
	for (uint32_t i = 0; i < args.n; i++) {
		PArg *pa = &args.v[i];
		if (strcmp(pa->name, "name") == 0 && pa->kind == A_LIT && pa->lit->kind == PY_STR)
			opname = pa->lit->s;
		pa->oi = info ? op_info_operand(info, pa->name) : NULL;
		if (pa->kind == A_VAR || pa->kind == A_TUPLE) {
			pa->ids = arena_array(p->scratch, pa->n ? pa->n : 1, sizeof *pa->ids);
			for (uint32_t j = 0; j < pa->n; j++)
				pa->ids[j] = lookup(p, pa->vars[j]);
		}
	}

	OpBuild ob;
	ob_start(&ob, f, b, kind, at(p, line, col));
	uint32_t first_elided = p->elided_ops.n;
	for (uint32_t i = 0; i < args.n; i++) {
		PArg *pa = &args.v[i];
		if (opname && pa->kind == A_LIT && strcmp(pa->name, "name") == 0)
			continue;
		if (pa->kind == A_LIT && pa->lit->kind == PY_NONE)
			continue;       /* None: the operand is absent */
		DType ctx = ctx_dtype(p, info, pa, args.v, args.n, outs.v, outs.n);
		switch (pa->kind) {
		case A_LIT: {
			PyLitCtx lc = lit_ctx(p);
			const Lit *l = pylit_make(&lc, pa->lit, ctx, pa->oi ? pa->oi->dtypes : 0);
			if (!l)
				return false;
			ob_lit(&ob, pa->name, l);
			break;
		}
		case A_OPAQUE: {
			const char *n = opaque_name(p, opname ? opname : kind, pa->name);
			if (ctx == DT_COUNT)
				ctx = guess_dtype(p, pa, args.v, args.n, outs.v, outs.n);
			ob_value(&ob, pa->name, make_elided(p, n, elided_type(p, ctx, pa->oi),
			                                    pa->line, pa->col));
			break;
		}
		case A_VAR:
		case A_TUPLE:
			for (uint32_t j = 0; j < pa->n; j++)
				if (pa->ids[j] == VALUE_NONE) {
					DType g = ctx != DT_COUNT ? ctx
					          : guess_dtype(p, pa, args.v, args.n, outs.v, outs.n);
					pa->ids[j] = make_elided(p, pa->vars[j], elided_type(p, g, pa->oi),
					                         pa->vline[j], pa->vcol[j]);
				}
			if (pa->kind == A_VAR)
				ob_value(&ob, pa->name, pa->ids[0]);
			else
				ob_values(&ob, pa->name, pa->n, pa->ids);
			break;
		}
	}
	uint32_t last_elided = p->elided_ops.n;

	/* nested blocks: `name(params) { ... } -> (outs)` */
	while (p->lx.tok.kind == T_IDENT) {
		Block *nb = ir_block_new(f, ob.op, at(p, p->lx.tok.line, p->lx.tok.col));
		ob_block(&ob, nb);
		if (!parse_block(p, nb, false))
			return false;
	}
	/* while_loop's constant loop variables take the loop body's types */
	if (strcmp(kind, "while_loop") == 0 && ob.blocks.n) {
		const Block *body = ob.blocks.v[ob.blocks.n - 1];
		for (uint32_t i = 0; i < ob.args.n; i++) {
			Operand *o = &ob.args.v[i];
			if (strcmp(o->name, "loop_vars") != 0)
				continue;
			for (uint32_t j = 0; j < o->n && j < body->nparams; j++) {
				Value *v = ir_value(f, o->b[j].value);
				for (uint32_t k = first_elided; k < last_elided; k++)
					if (p->elided_ops.v[k]->outs[0] == o->b[j].value) {
						v->type = ir_value(f, body->params[j])->type;
						p->assumed.v[k] = DT_KNOWN;
						break;
					}
			}
		}
	}
	for (uint32_t i = 0; i < outs.n; i++) {
		ValueId id = ob_out(&ob, outs.v[i].name, outs.v[i].type);
		Value *v = ir_value(f, id);
		v->line = outs.v[i].line;
		v->col = outs.v[i].col;
		if (!define(p, b, v->name, id, outs.v[i].line, outs.v[i].col))
			return false;
	}
	if (opname)
		ob_attr(&ob, "name", fe_lit_scalar_str(p->m, opname));
	ob_finish(&ob);
	return true;
}

/* '(' decls? ')' : the parameters of block b */
static bool parse_params(Py *p, Block *b)
{
	if (!pyl_expect(&p->lx, '(', "to open the parameters"))
		return false;
	VEC(ValueId) ids = { 0 };
	while (!pyl_is_punct(&p->lx, ')')) {
		POut d = { 0 };
		if (!parse_decl(p, &d))
			return false;
		ValueId id = ir_value_new(p->f, d.name, d.type, b, at(p, d.line, d.col));
		ir_value(p->f, id)->def_index = ids.n;
		if (!define(p, b, d.name, id, d.line, d.col))
			return false;
		vec_push(p->m->arena, &ids, id);
		if (!pyl_accept(&p->lx, ',')) {
			if (pyl_is_punct(&p->lx, ')'))
				break;
			char buf[64];
			TOK_ERR(p, "expected ',' or ')' between parameters, found %s",
			        pyl_tok_what(&p->lx, buf, sizeof buf));
			return false;
		}
	}
	pyl_next(&p->lx);
	b->nparams = ids.n;
	b->params = ids.v;
	return true;
}

/* block := IDENT params '{' stmt* '}' '->' '(' vars? ')'
 * The function's own block (is_body) gets the function's parameters,
 * already defined; it must not declare any. */
static bool parse_block(Py *p, Block *b, bool is_body)
{
	char buf[64];
	if (++p->depth > MAX_DEPTH) {
		TOK_ERR(p, "blocks nested deeper than %d", MAX_DEPTH);
		return false;
	}
	if (p->lx.tok.kind != T_IDENT) {
		TOK_ERR(p, "expected a block name, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	b->loc = at(p, p->lx.tok.line, p->lx.tok.col);
	pyl_next(&p->lx);
	uint32_t mark = nt_mark(&p->names);
	if (is_body) {
		uint32_t pl = p->lx.tok.line, pc = p->lx.tok.col;
		if (!pyl_expect(&p->lx, '(', "after the block name"))
			return false;
		if (!pyl_is_punct(&p->lx, ')')) {
			pyl_error(&p->lx, pl, pc, "the function's block declares parameters");
			return false;
		}
		pyl_next(&p->lx);
	} else if (!parse_params(p, b)) {
		return false;
	}
	if (!pyl_expect(&p->lx, '{', "to open the block"))
		return false;
	while (!pyl_is_punct(&p->lx, '}')) {
		if (p->lx.tok.kind == T_EOF) {
			TOK_ERR(p, "unexpected end of input inside a block");
			return false;
		}
		if (p->depth == 1)
			arena_reset(p->scratch);
		if (!parse_stmt(p, b))
			return false;
	}
	pyl_next(&p->lx);
	if (p->lx.tok.kind != T_ARROW) {
		TOK_ERR(p, "expected '->' after a block, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, '(', "to open the block's outputs"))
		return false;
	VEC(ValueId) outs = { 0 };
	VEC(SrcLoc) locs = { 0 };
	while (p->lx.tok.kind == T_VAR) {
		const char *n = pyl_tok_name(&p->lx);
		uint32_t l = p->lx.tok.line, c = p->lx.tok.col;
		ValueId id = lookup(p, n);
		if (id == VALUE_NONE)
			id = make_elided(p, n, elided_type(p, DT_COUNT, NULL), l, c);
		vec_push(p->m->arena, &outs, id);
		vec_push(p->m->arena, &locs, at(p, l, c));
		pyl_next(&p->lx);
		if (!pyl_accept(&p->lx, ','))
			break;
	}
	if (!pyl_expect(&p->lx, ')', "to close the block's outputs"))
		return false;
	b->nouts = outs.n;
	b->outs = outs.v;
	b->out_locs = locs.v;
	nt_pop(&p->names, mark);
	p->depth--;
	return true;
}

static int renumber(Func *f, Op *op, void *ctx)
{
	(void)f;
	uint32_t *k = ctx;
	op->index = (*k)++;
	return 0;
}

/* Elided constants go first in the body, in the order they were met. */
static void prepend_elided(Py *p)
{
	Block *b = p->f->body;
	uint32_t ne = p->elided_ops.n;
	if (ne) {
		uint32_t n = ne + b->nops;
		Op **ops = arena_array(p->m->arena, n, sizeof *ops);
		memcpy(ops, p->elided_ops.v, ne * sizeof *ops);
		if (b->nops)
			memcpy(ops + ne, b->ops, b->nops * sizeof *ops);
		b->ops = ops;
		b->nops = b->ops_cap = n;
	}
	uint32_t k = 0;
	ir_walk_ops(p->f, renumber, &k);
	for (uint32_t i = 0; i < p->assumed.n; i++) {
		p->nguessed += p->assumed.v[i] == DT_GUESSED;
		p->nassumed += p->assumed.v[i] == DT_ASSUMED;
	}
}

/* func := IDENT '[' IDENT ']' params '{' block '}' */
static bool parse_func(Py *p)
{
	char buf[64];
	if (p->lx.tok.kind != T_IDENT) {
		TOK_ERR(p, "expected a function header 'NAME[OPSET](...)', found %s",
		        pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	uint32_t line = p->lx.tok.line, col = p->lx.tok.col;
	const char *name = pyl_tok_name(&p->lx);
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, '[', "after the function name"))
		return false;
	if (p->lx.tok.kind != T_IDENT) {
		TOK_ERR(p, "expected the function's opset, found %s", pyl_tok_what(&p->lx, buf, sizeof buf));
		return false;
	}
	const char *opset = pyl_tok_name(&p->lx);
	pyl_next(&p->lx);
	if (!pyl_expect(&p->lx, ']', "after the opset"))
		return false;
	if (ir_module_find_func(p->m, name)) {
		pyl_error(&p->lx, line, col, "function '%s' is defined twice", name);
		return false;
	}
	p->f = ir_func_new(p->m, name, opset, at(p, line, col));
	p->opset = opset_level(opset);
	if (!p->opset)
		p->opset = OPSET_NEWEST;
	nt_init(&p->names, p->m->arena);
	nt_init(&p->elided, p->m->arena);
	memset(&p->elided_ops, 0, sizeof p->elided_ops);
	memset(&p->assumed, 0, sizeof p->assumed);
	if (!parse_params(p, p->f->body))
		return false;
	if (!pyl_expect(&p->lx, '{', "to open the function"))
		return false;
	if (!parse_block(p, p->f->body, true))
		return false;
	if (!pyl_expect(&p->lx, '}', "to close the function"))
		return false;
	prepend_elided(p);
	return true;
}

/* ------------------------------------------------------------ entry */

Module *fe_parse_pymil_text(const char *path, const char *text, size_t len, DiagList *dl)
{
	Py p = { 0 };
	p.m = ir_module_new(path);
	p.m->version = "1.3";
	p.m->syntax = MIL_SYNTAX_NEW;
	p.lx.dl = dl;
	p.lx.file = p.m->file;
	p.lx.arena = p.m->arena;
	p.lx.src = text;
	p.lx.len = len;
	p.lx.line = 1;
	p.lx.col = 1;
	p.scratch = arena_new();
	pyl_next(&p.lx);
	if (p.lx.tok.kind == T_EOF && !p.lx.failed)
		pyl_error(&p.lx, 1, 1, "no function in the printout");
	while (!p.lx.failed && p.lx.tok.kind != T_EOF)
		parse_func(&p);
	arena_free(p.scratch);
	if (p.lx.failed) {
		ir_module_free(p.m);
		return NULL;
	}
	if (p.nassumed)
		diag_add(dl, SEV_NOTE, NULL, (SrcLoc){ .file = p.lx.file },
		         "%u of the constants the printout leaves out have a dtype nothing tells; "
		         "fp32 assumed (docs/formats.md)", p.nassumed);
	return p.m;
}
