/* verify.c - the IR verifier (QBE's ssacheck, libfirm's irverify): every
 * value defined exactly once, defined before every use and visible where it
 * is used (block scoping), every binding resolves, every value typed.  It
 * checks what frontends build and what passes leave behind; problems are
 * diagnostics with codes V001.. so a broken model never crashes a pass. */
#include "ir/ir.h"

#include <stdlib.h>

typedef struct Verifier {
	Func *f;
	DiagList *dl;
	uint8_t *state;         /* per value: 0 unseen, 1 defined and in scope, 2 out of scope */
	int errors;
} Verifier;

enum { UNSEEN, LIVE, DEAD };

static SrcLoc loc_of(const Verifier *v, const Op *op, SrcLoc fallback)
{
	return op ? op->loc : fallback;
}

/* 2^53: the largest count a double (costs, FLOPs, latency) holds exactly.
 * A tensor past it cannot exist on any device; figures for it would be
 * noise, so the model is refused instead (issue 17). */
#define IR_MAX_EXACT_COUNT 9007199254740992.0

static bool type_too_large(const Type *t)
{
	if (t->kind == TY_STATE)
		t = t->elem;
	if (!t || (t->kind != TY_TENSOR && t->kind != TY_TENSOR_BUFFER) || t->rank < 0)
		return false;
	double n = 1;
	for (int32_t i = 0; i < t->rank; i++)
		if (t->dims[i].kind == DIM_CONST && t->dims[i].size > 0)
			n *= (double)t->dims[i].size;
	unsigned bits = (unsigned)t->dt < DT_COUNT ? dtype_info[t->dt].bits : 0;
	return n > IR_MAX_EXACT_COUNT || n * bits / 8 > IR_MAX_EXACT_COUNT;
}

static void def_value(Verifier *v, ValueId id, const Op *op, SrcLoc loc)
{
	if (id >= v->f->values.n) {
		diag_add(v->dl, SEV_ERROR, "V001", loc_of(v, op, loc), "definition of a value id %u that does not exist", id);
		v->errors++;
		return;
	}
	Value *val = ir_value(v->f, id);
	if (v->state[id] != UNSEEN) {
		diag_add(v->dl, SEV_ERROR, "V002", ir_value_loc(v->f, id), "value '%s' is defined more than once", val->name);
		v->errors++;
	}
	if (!val->type) {
		diag_add(v->dl, SEV_ERROR, "V003", ir_value_loc(v->f, id), "value '%s' has no type", val->name);
		v->errors++;
	} else if (type_too_large(val->type)) {
		diag_add(v->dl, SEV_ERROR, "V009", ir_value_loc(v->f, id), "value '%s' has a shape of "
		         "more than 2^53 elements or bytes, past what sizes and costs can hold "
		         "exactly (the limit is fixed)", val->name);
		v->errors++;
	}
	v->state[id] = LIVE;
}

static void use_value(Verifier *v, ValueId id, const Op *op, SrcLoc loc, const char *what)
{
	if (id >= v->f->values.n) {
		diag_add(v->dl, SEV_ERROR, "V004", loc, "%s names no value", what);
		v->errors++;
		return;
	}
	const Value *val = ir_value(v->f, id);
	if (v->state[id] == UNSEEN) {
		diag_add(v->dl, SEV_ERROR, "V005", loc, "'%s' is used before it is defined", val->name);
		v->errors++;
	} else if (v->state[id] == DEAD) {
		diag_add(v->dl, SEV_ERROR, "V006", loc, "'%s' is used outside the block that defines it", val->name);
		v->errors++;
	}
}

static void verify_block(Verifier *v, Block *b);

static void verify_op(Verifier *v, Op *op)
{
	if (!op->kind || !*op->kind) {
		diag_add(v->dl, SEV_ERROR, "V007", op->loc, "op without a type name");
		v->errors++;
	}
	for (uint32_t i = 0; i < op->nargs; i++)
		for (uint32_t j = 0; j < op->args[i].n; j++) {
			const Binding *b = &op->args[i].b[j];
			if (b->kind == BIND_VALUE)
				use_value(v, b->value, op, op->loc, op->args[i].name);
			else if (!b->lit) {
				diag_add(v->dl, SEV_ERROR, "V008", op->loc, "operand '%s' has no value", op->args[i].name);
				v->errors++;
			}
		}
	for (uint32_t i = 0; i < op->nblocks; i++)
		verify_block(v, op->blocks[i]);
	for (uint32_t i = 0; i < op->nouts; i++)
		def_value(v, op->outs[i], op, op->loc);
}

static void verify_block(Verifier *v, Block *b)
{
	for (uint32_t i = 0; i < b->nparams; i++)
		def_value(v, b->params[i], NULL, b->loc);
	for (uint32_t i = 0; i < b->nops; i++)
		verify_op(v, b->ops[i]);
	for (uint32_t i = 0; i < b->nouts; i++)
		use_value(v, b->outs[i], NULL, b->out_locs ? b->out_locs[i] : b->loc, "block output");
	/* Leaving the block: what it defined goes out of scope. */
	for (uint32_t i = 0; i < b->nparams; i++)
		if (b->params[i] < v->f->values.n)
			v->state[b->params[i]] = DEAD;
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		for (uint32_t k = 0; k < op->nouts; k++)
			if (op->outs[k] < v->f->values.n)
				v->state[op->outs[k]] = DEAD;
	}
}

int ir_verify(Module *m, DiagList *dl)
{
	int errors = 0;
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		Func *f = m->funcs.v[i];
		Verifier v = { f, dl, calloc(f->values.n + 1, 1), 0 };
		if (!v.state)
			IR_DIE("out of memory");
		verify_block(&v, f->body);
		free(v.state);
		errors += v.errors;
	}
	return errors;
}
