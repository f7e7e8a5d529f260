/* irbuild.c - shared IR-building helpers of the frontend readers. */
#include "frontend/irbuild.h"

#include <string.h>

/* ------------------------------------------------------------ names */

/* A name's scoped binding: the table maps it to the top of its chain of
 * stack entries, each entry to the one it shadows. */
void nt_init(NameTab *s, Arena *a)
{
	memset(s, 0, sizeof *s);
	s->a = a;
	hmap_init(&s->visible, a);
}

void nt_reserve(NameTab *s, uint32_t n)
{
	hmap_reserve(&s->visible, n);
}

void nt_define(NameTab *s, const char *name, ValueId id)
{
	bool added;
	HashSlot *slot = hmap_str(&s->visible, name, strlen(name), &added);
	NameEnt e = { name, id, (int32_t)slot->val.u32 - 1 };
	vec_push(s->a, &s->stack, e);
	slot->val.u32 = s->stack.n;
}

ValueId nt_lookup(const NameTab *s, const char *name)
{
	const HashSlot *slot = hmap_str_find(&s->visible, name, strlen(name));
	if (!slot || !slot->val.u32)
		return VALUE_NONE;
	return s->stack.v[slot->val.u32 - 1].id;
}

void nt_pop(NameTab *s, uint32_t mark)
{
	if (mark == 0 && s->stack.n > 0) {
		/* Leaving a function: every name goes.  A fresh map is one
		 * allocation; restoring each entry was a string find per name
		 * (a tenth of loading a 5,000-op program). */
		hmap_init(&s->visible, s->a);
		s->stack.n = 0;
		return;
	}
	while (s->stack.n > mark) {
		NameEnt *e = &s->stack.v[--s->stack.n];
		hmap_str_find(&s->visible, e->name, strlen(e->name))->val.u32 = (uint32_t)(e->prev + 1);
	}
}

/* ------------------------------------------------------------ ops */

/* Op kinds, operand and attribute names repeat across a model: one
 * interned copy each (the type table's strings). */
const char *fe_intern(Module *m, const char *s, size_t n)
{
	return type_intern_sym(m->types, s, n);
}

void ob_start(OpBuild *ob, Func *f, Block *b, const char *kind, SrcLoc loc)
{
	memset(ob, 0, sizeof *ob);
	ob->f = f;
	ob->b = b;
	ob->op = ir_op_new(f, b, fe_intern(f->module, kind, strlen(kind)), loc);
}

static Arena *ob_arena(OpBuild *ob)
{
	return ob->f->module->arena;
}

/* An arena array of at least want elements of `size` bytes holding the
 * first n of v: v itself when its capacity suffices. */
static void *reserve_arena_array(Arena *a, void *v, uint32_t n, uint32_t *cap, uint32_t want,
                                 size_t size, const char *what)
{
	if (want <= *cap)
		return v;
	void *nv = arena_array(a, want, size);
	if (!nv)
		IR_DIE("too many %s", what);
	if (n)
		memcpy(nv, v, n * size);
	*cap = want;
	return nv;
}

void ob_reserve(OpBuild *ob, uint32_t nargs, uint32_t nouts)
{
	Arena *a = ob_arena(ob);
	ob->args.v = reserve_arena_array(a, ob->args.v, ob->args.n, &ob->args.cap, nargs,
	                                 sizeof *ob->args.v, "operands");
	ob->outs.v = reserve_arena_array(a, ob->outs.v, ob->outs.n, &ob->outs.cap, nouts,
	                                 sizeof *ob->outs.v, "outputs");
}

void ob_value(OpBuild *ob, const char *name, ValueId v)
{
	ob_values(ob, name, 1, &v);
	ob->args.v[ob->args.n - 1].is_tuple = false;
}

void ob_lit(OpBuild *ob, const char *name, const Lit *l)
{
	Arena *a = ob_arena(ob);
	Binding *b = arena_alloc(a, sizeof *b);
	b->kind = BIND_LIT;
	b->value = VALUE_NONE;
	b->lit = l;
	Operand o = { fe_intern(ob->f->module, name, strlen(name)), false, 1, b };
	vec_push(a, &ob->args, o);
}

void ob_values(OpBuild *ob, const char *name, uint32_t n, const ValueId *v)
{
	Arena *a = ob_arena(ob);
	Binding *b = n ? arena_array(a, n, sizeof *b) : NULL;
	for (uint32_t i = 0; i < n; i++)
		b[i] = (Binding){ .kind = BIND_VALUE, .value = v[i] };
	Operand o = { fe_intern(ob->f->module, name, strlen(name)), true, n, b };
	vec_push(a, &ob->args, o);
}

ValueId ob_out(OpBuild *ob, const char *name, const Type *t)
{
	return ob_out_kept(ob, arena_strdup(ob_arena(ob), name), t);
}

ValueId ob_out_kept(OpBuild *ob, const char *name, const Type *t)
{
	Arena *a = ob_arena(ob);
	ValueId id = ir_value_new(ob->f, name, t, ob->b, ob->op->loc);
	Value *v = ir_value(ob->f, id);
	v->def = ob->op;
	v->def_index = ob->outs.n;
	vec_push(a, &ob->outs, id);
	return id;
}

void ob_attr(OpBuild *ob, const char *name, const Lit *l)
{
	Attr at = { fe_intern(ob->f->module, name, strlen(name)), l };
	vec_push(ob_arena(ob), &ob->attrs, at);
}

void ob_block(OpBuild *ob, Block *blk)
{
	vec_push(ob_arena(ob), &ob->blocks, blk);
}

Op *ob_finish(OpBuild *ob)
{
	Op *op = ob->op;
	op->nargs = ob->args.n;
	op->args = ob->args.v;
	op->nouts = ob->outs.n;
	op->outs = ob->outs.v;
	ir_op_set_attrs(op, ob->attrs.n, ob->attrs.v);
	op->nblocks = ob->blocks.n;
	op->blocks = ob->blocks.v;
	return op;
}

void blk_done(Arena *a, Block *b, OpList *l)
{
	/* ir_op_new appends each op to its block; the list only checks that
	 * the reader built what it meant to. */
	(void)a;
	IR_ASSERT(b->nops == l->ops.n);
	for (uint32_t i = 0; i < b->nops; i++)
		IR_ASSERT(b->ops[i] == l->ops.v[i]);
}

/* ------------------------------------------------------------ literals */

/* A literal of `kind` and type t in m's arena (its payload is the
 * caller's to fill). */
static Lit *lit_new(Module *m, LitKind kind, const Type *t)
{
	Lit *l = arena_alloc(m->arena, sizeof *l);
	l->kind = kind;
	l->type = t;
	return l;
}

const Lit *fe_lit_tensor(Module *m, const Type *t, int64_t count, const void *data)
{
	Lit *l = lit_new(m, LIT_TENSOR, t);
	l->u.tensor.count = count;
	l->u.tensor.data = data;
	return l;
}

const Lit *fe_lit_seq(Module *m, LitKind kind, const Type *t, uint32_t n, const Lit **items)
{
	Lit *l = lit_new(m, kind, t);
	l->u.seq.n = n;
	l->u.seq.items = items;
	return l;
}

static const Lit *scalar(Module *m, DType dt, const void *v, size_t size)
{
	void *p = arena_alloc(m->arena, size);
	memcpy(p, v, size);
	return fe_lit_tensor(m, type_scalar(m->types, dt), 1, p);
}

const Lit *fe_lit_scalar_i32(Module *m, int32_t v) { return scalar(m, DT_INT32, &v, sizeof v); }
const Lit *fe_lit_scalar_i64(Module *m, int64_t v) { return scalar(m, DT_INT64, &v, sizeof v); }
const Lit *fe_lit_scalar_f32(Module *m, float v) { return scalar(m, DT_FP32, &v, sizeof v); }

const Lit *fe_lit_scalar_bool(Module *m, bool v)
{
	uint8_t b = v;
	return scalar(m, DT_BOOL, &b, 1);
}

const Lit *fe_lit_scalar_str(Module *m, const char *s)
{
	const char *c = arena_strdup(m->arena, s);
	return scalar(m, DT_STRING, &c, sizeof c);
}

static const Type *vec_type(Module *m, DType dt, uint32_t n)
{
	Dim d = dim_const(n);
	return type_tensor(m->types, dt, 1, &d);
}

const Lit *fe_lit_vec_i32(Module *m, uint32_t n, const int64_t *v)
{
	int32_t *p = arena_array(m->arena, n ? n : 1, sizeof *p);
	for (uint32_t i = 0; i < n; i++)
		p[i] = (int32_t)v[i];
	return fe_lit_tensor(m, vec_type(m, DT_INT32, n), n, p);
}

const Lit *fe_lit_vec_i64(Module *m, uint32_t n, const int64_t *v)
{
	int64_t *p = arena_array(m->arena, n ? n : 1, sizeof *p);
	if (n)
		memcpy(p, v, n * sizeof *p);
	return fe_lit_tensor(m, vec_type(m, DT_INT64, n), n, p);
}

const Lit *fe_lit_vec_f32(Module *m, uint32_t n, const float *v)
{
	float *p = arena_array(m->arena, n ? n : 1, sizeof *p);
	if (n)
		memcpy(p, v, n * sizeof *p);
	return fe_lit_tensor(m, vec_type(m, DT_FP32, n), n, p);
}

const Lit *fe_lit_vec_str(Module *m, uint32_t n, const char *const *v)
{
	const char **p = arena_array(m->arena, n ? n : 1, sizeof *p);
	for (uint32_t i = 0; i < n; i++)
		p[i] = arena_strdup(m->arena, v[i]);
	return fe_lit_tensor(m, vec_type(m, DT_STRING, n), n, p);
}

/* ------------------------------------------------------------ features */

static Dim flex_dim(const FeatureDesc *fd, uint32_t i, int64_t dflt)
{
	if (fd->flex == FLEX_RANGE && i < fd->nranges) {
		DimRange r = fd->ranges[i];
		return r.lower == r.upper ? dim_const(r.lower) : dim_unknown();
	}
	if (fd->flex == FLEX_ENUMERATED) {
		for (uint32_t k = 0; k < fd->nshapes; k++)
			if (fd->shapes[k].rank != fd->shape.rank ||
			    (i < fd->shapes[k].rank && fd->shapes[k].dims[i] != dflt))
				return dim_unknown();
	}
	return dflt >= 0 ? dim_const(dflt) : dim_unknown();
}

static const Type *array_type(Module *m, const FeatureDesc *fd)
{
	DType dt = fd->dtype == DT_COUNT ? DT_FP32 : fd->dtype;
	uint32_t rank = fd->shape.rank;
	if (fd->flex == FLEX_RANGE && fd->nranges > rank)
		rank = fd->nranges;
	if (rank == 0)
		return type_tensor(m->types, dt, -1, NULL);
	Dim *d = arena_array(m->arena, rank, sizeof *d);
	for (uint32_t i = 0; i < rank; i++)
		d[i] = flex_dim(fd, i, i < fd->shape.rank ? fd->shape.dims[i] : -1);
	return type_tensor(m->types, dt, (int32_t)rank, d);
}

const Type *feature_ir_type(Module *m, const FeatureDesc *fd)
{
	TypeTable *t = m->types;
	switch (fd->kind) {
	case FEAT_MULTIARRAY:
		return array_type(m, fd);
	case FEAT_STATE:
		return type_state(t, array_type(m, fd));
	case FEAT_IMAGE: {
		bool gray = fd->color == COLOR_GRAYSCALE || fd->color == COLOR_GRAYSCALE_FP16;
		bool fixed = fd->size_flex == FLEX_NONE;
		Dim d[4] = { dim_const(1), dim_const(gray ? 1 : 3),
		             fixed && fd->height > 0 ? dim_const(fd->height) : dim_unknown(),
		             fixed && fd->width > 0 ? dim_const(fd->width) : dim_unknown() };
		return type_tensor(t, fd->color == COLOR_GRAYSCALE_FP16 ? DT_FP16 : DT_FP32, 4, d);
	}
	case FEAT_INT64:
		return type_scalar(t, DT_INT64);
	case FEAT_DOUBLE:
		return type_scalar(t, DT_FP64);
	case FEAT_STRING:
		return type_scalar(t, DT_STRING);
	case FEAT_DICTIONARY:
		return type_dict(t, type_scalar(t, fd->key_kind == FEAT_INT64 ? DT_INT64 : DT_STRING),
		                 type_scalar(t, DT_FP64));
	case FEAT_SEQUENCE: {
		const Type *e = type_scalar(t, fd->elem_kind == FEAT_INT64 ? DT_INT64 : DT_STRING);
		Dim len = fd->has_len_range && fd->len_range.lower == fd->len_range.upper
		          ? dim_const(fd->len_range.lower) : dim_unknown();
		return type_list(t, e, len);
	}
	default:
		return type_tensor(t, DT_FP32, -1, NULL);
	}
}

bool is_identifier(const char *s)
{
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++) {
		char c = *p;
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		bool ok = alpha || (p != s && ((c >= '0' && c <= '9') || c == '@'));
		if (!ok)
			return false;
	}
	return true;
}
