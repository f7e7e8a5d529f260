/* module.c - building and walking the IR: modules, functions, blocks,
 * values and ops. */
#include "ir/ir.h"

#include <string.h>

Module *ir_module_new(const char *file)
{
	Arena *a = arena_new();
	Module *m = arena_alloc(a, sizeof *m);
	m->arena = a;
	m->types = type_table_new(a);
	m->file = arena_strdup(a, file ? file : "<input>");
	m->version = "1.0";
	m->syntax = MIL_SYNTAX_OLD;
	return m;
}

void ir_module_free(Module *m)
{
	if (!m)
		return;
	for (uint32_t i = m->finalizers.n; i-- > 0;)
		m->finalizers.v[i].fn(m->finalizers.v[i].ctx);
	type_table_free(m->types);
	arena_free(m->arena);
}

void ir_module_on_free(Module *m, void (*fn)(void *), void *ctx)
{
	vec_push(m->arena, &m->finalizers, ((Finalizer){ fn, ctx }));
}

Func *ir_module_find_func(const Module *m, const char *name)
{
	for (uint32_t i = 0; i < m->funcs.n; i++)
		if (strcmp(m->funcs.v[i]->name, name) == 0)
			return m->funcs.v[i];
	return NULL;
}

Func *ir_func_new(Module *m, const char *name, const char *opset, SrcLoc loc)
{
	Func *f = arena_alloc(m->arena, sizeof *f);
	f->name = arena_strdup(m->arena, name);
	f->opset = opset ? arena_strdup(m->arena, opset) : NULL;
	f->loc = loc;
	f->module = m;
	f->body = ir_block_new(f, NULL, loc);
	vec_push(m->arena, &m->funcs, f);
	return f;
}

Block *ir_block_new(Func *f, Op *parent_op, SrcLoc loc)
{
	Block *b = arena_alloc(f->module->arena, sizeof *b);
	b->func = f;
	b->parent_op = parent_op;
	b->loc = loc;
	return b;
}

ValueId ir_value_new(Func *f, const char *name, const Type *type, Block *b, SrcLoc loc)
{
	Arena *a = f->module->arena;
	ValueId id = f->values.n;
	if (id == UINT32_MAX - 1)
		IR_DIE("too many values");
	if ((id & (VALUE_CHUNK - 1)) == 0) {
		uint32_t k = id >> VALUE_CHUNK_BITS;
		if (k == f->values.nchunks)
			vec_grow_(a, (void **)&f->values.chunks, &f->values.nchunks, sizeof(Value *));
		/* not cleared: each Value is written whole below, and pages of the
		 * chunk no value reaches are never touched */
		f->values.chunks[k] = arena_alloc_raw(a, VALUE_CHUNK * sizeof(Value));
	}
	f->values.n++;
	*ir_value(f, id) = (Value){ .name = name, .type = type, .block = b,
	                            .line = loc.line, .col = loc.col };
	return id;
}

SrcLoc ir_value_loc(const Func *f, ValueId id)
{
	const Value *v = ir_value(f, id);
	if (v->def && !v->line)
		return v->def->loc;
	return (SrcLoc){ .file = f->module->file, .func = v->line ? NULL : f->name,
	                 .line = v->line, .col = v->col };
}

Op *ir_op_new(Func *f, Block *b, const char *kind, SrcLoc loc)
{
	Op *op = arena_alloc(f->module->arena, sizeof *op);
	op->kind = kind;
	op->parent = b;
	op->loc = loc;
	op->index = f->nops++;
	if (b) {
		if (b->nops == b->ops_cap)
			vec_grow_(f->module->arena, (void **)&b->ops, &b->ops_cap, sizeof *b->ops);
		b->ops[b->nops++] = op;
	}
	return op;
}

Block *ir_op_add_block(Op *op, SrcLoc loc)
{
	Func *f = op->parent->func;
	Block *b = ir_block_new(f, op, loc);
	Block **nb = arena_array(f->module->arena, op->nblocks + 1, sizeof *nb);
	for (uint32_t i = 0; i < op->nblocks; i++)
		nb[i] = op->blocks[i];
	nb[op->nblocks++] = b;
	op->blocks = nb;
	return b;
}

void ir_op_set_attrs(Op *op, uint32_t n, Attr *attrs)
{
	op->name = NULL;
	op->name_at = 0;
	for (uint32_t i = 0; i < n; i++) {
		const char *s = strcmp(attrs[i].name, "name") == 0 ? lit_as_string(attrs[i].val) : NULL;
		if (!s || op->name)
			continue;
		op->name = s;
		op->name_at = i;
		memmove(&attrs[i], &attrs[i + 1], (n - i - 1) * sizeof *attrs);
		n--;
		i--;
	}
	op->nattrs = n;
	op->attrs = attrs;
}

/* Names compared first by their first byte: most differ there, and the
 * lookups below run for every operand a pass asks about. */
static inline bool same_name(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

const Lit *ir_attr_find(uint32_t n, const Attr *attrs, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (same_name(attrs[i].name, name))
			return attrs[i].val;
	return NULL;
}

const Operand *ir_op_operand(const Op *op, const char *name)
{
	for (uint32_t i = 0; i < op->nargs; i++)
		if (same_name(op->args[i].name, name))
			return &op->args[i];
	return NULL;
}

const char *ir_op_name(const Func *f, const Op *op)
{
	if (op->name)
		return op->name;
	if (op->nouts)
		return ir_value(f, op->outs[0])->name;
	return op->kind;
}

static int walk_block(Func *f, Block *b, OpVisitor fn, void *ctx)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		int r = fn(f, op, ctx);
		if (r)
			return r;
		for (uint32_t j = 0; j < op->nblocks; j++)
			if ((r = walk_block(f, op->blocks[j], fn, ctx)))
				return r;
	}
	return 0;
}

int ir_walk_ops(Func *f, OpVisitor fn, void *ctx)
{
	return walk_block(f, f->body, fn, ctx);
}

/* Def-use in two walks: count every value's uses (numbering the ops),
 * then fill one array holding all of them, sliced per value in value
 * order, instead of an allocation per used value. */
static void count_uses(Func *f, Block *b, uint32_t *index, uint32_t *total)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		op->index = (*index)++;
		if (op->index < f->op_table_cap)
			f->op_table[op->index] = op;
		for (uint32_t k = 0; k < op->nargs; k++)
			for (uint32_t j = 0; j < op->args[k].n; j++) {
				const Binding *bd = &op->args[k].b[j];
				if (bd->kind == BIND_VALUE && bd->value < f->values.n) {
					ir_value(f, bd->value)->nuses++;
					(*total)++;
				}
			}
		for (uint32_t k = 0; k < op->nblocks; k++)
			count_uses(f, op->blocks[k], index, total);
	}
}

/* Fill the op table after it grew (count_uses fills it when it fits). */
static void fill_op_table(Func *f, Block *b, uint32_t *index)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		f->op_table[(*index)++] = op;
		for (uint32_t k = 0; k < op->nblocks; k++)
			fill_op_table(f, op->blocks[k], index);
	}
}

static void fill_uses(Func *f, Block *b)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		for (uint32_t k = 0; k < op->nargs; k++)
			for (uint32_t j = 0; j < op->args[k].n; j++) {
				const Binding *bd = &op->args[k].b[j];
				if (bd->kind != BIND_VALUE || bd->value >= f->values.n)
					continue;
				Value *v = ir_value(f, bd->value);
				v->uses[v->nuses++] = (Use){ op, k };
			}
		for (uint32_t k = 0; k < op->nblocks; k++)
			fill_uses(f, op->blocks[k]);
	}
}

void ir_fill_uses(Func *f)
{
	for (uint32_t i = 0; i < f->values.n; i++)
		ir_value(f, i)->nuses = 0;
	uint32_t index = 0, total = 0;
	count_uses(f, f->body, &index, &total);
	f->nops = index;
	if (index > f->op_table_cap) {
		/* the first fill (or ops were added): size the table, then fill it */
		f->op_table = arena_array(f->module->arena, index, sizeof *f->op_table);
		if (!f->op_table)
			IR_DIE("too many ops");
		f->op_table_cap = index;
		index = 0;
		fill_op_table(f, f->body, &index);
	}
	Use *all = total ? arena_array(f->module->arena, total, sizeof *all) : NULL;
	if (total && !all)
		IR_DIE("too many uses");
	for (uint32_t i = 0; i < f->values.n; i++) {
		Value *v = ir_value(f, i);
		v->uses = NULL;
		if (v->nuses) {
			v->uses = all;
			all += v->nuses;
		}
		v->nuses = 0;
	}
	fill_uses(f, f->body);
}
