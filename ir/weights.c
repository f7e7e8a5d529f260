/* weights.c - the one walk that weighs a model's weights, stored and
 * decompressed (weights.h). */
#include "ir/weights.h"

#include <string.h>

#include "ir/op_catalogue.h"

/* ------------------------------------------------------------------ sums */

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

int64_t weight_bytes_stored_dt(const WeightBytes *w, DType dt)
{
	int64_t s = 0;
	for (int k = 0; k < WSRC_COUNT; k++)
		s = sat_add(s, w->stored[k][dt]);
	return s;
}

int64_t weight_bytes_stored_total(const WeightBytes *w)
{
	int64_t s = 0;
	for (int d = 0; d < DT_COUNT; d++)
		if (d != DT_STRING)
			s = sat_add(s, weight_bytes_stored_dt(w, (DType)d));
	return s;
}

int64_t weight_bytes_decompressed_total(const WeightBytes *w)
{
	int64_t s = 0;
	for (int d = 0; d < DT_COUNT; d++)
		s = sat_add(s, w->decompressed[d]);
	return s;
}

static void add_stored(WeightBytes *w, WeightSource src, DType dt, int64_t bytes)
{
	if (bytes < 0) {
		w->stored_unknown++;
		return;
	}
	w->stored[src][dt] = sat_add(w->stored[src][dt], bytes);
	w->nstored[src][dt]++;
}

static void add_decompressed(WeightBytes *w, const Type *t, int64_t bytes)
{
	if (bytes < 0 || !t || (t->kind != TY_TENSOR && t->kind != TY_TENSOR_BUFFER)) {
		w->decompressed_unknown++;
		return;
	}
	w->decompressed[t->dt] = sat_add(w->decompressed[t->dt], bytes);
	w->ndecompressed[t->dt]++;
}

/* ------------------------------------------------------------------ seen sets */

void weight_seen_init(WeightSeen *s)
{
	s->arena = arena_new();
	hmap_init(&s->keys, s->arena);
	hmap_init(&s->paths, s->arena);
}

void weight_seen_fini(WeightSeen *s)
{
	arena_free(s->arena);
	memset(s, 0, sizeof *s);
}

typedef struct SeenKey {
	const char *path;
	uint64_t offset;
	uint32_t tag;
} SeenKey;

/* The path's FNV-1a, hashed once per path pointer. */
static uint64_t path_hash(WeightSeen *s, const char *path)
{
	bool added;
	HashSlot *slot = hmap_ptr(&s->paths, path, &added);
	if (added)
		slot->val.u64 = hash_fnv1a64(HASH_FNV64_OFFSET, path, strlen(path));
	return slot->val.u64;
}

/* True when (path, offset, tag) was not in s (it is now).  tag 0: a stored
 * blob record; 1 + i: output i of a weight chain whose records hash to
 * `offset`.  Paths compare by content (equal paths need not be one pointer). */
static bool seen_first(WeightSeen *s, const char *path, uint64_t offset, uint32_t tag)
{
	uint64_t h64 = hash_u64(path_hash(s, path) ^ hash_u64(offset ^ ((uint64_t)tag << 56)));
	uint32_t h = (uint32_t)h64 ^ (uint32_t)(h64 >> 32);
	HashSlot *slot = hmap_probe(&s->keys, h);
	for (; !hmap_slot_empty(slot); slot = hmap_probe_next(&s->keys, slot)) {
		const SeenKey *k = slot->key.ptr;
		if (hmap_slot_hash_is(slot, h) && k->offset == offset && k->tag == tag &&
		    (k->path == path || strcmp(k->path, path) == 0))
			return false;
	}
	SeenKey *k = arena_alloc_raw(s->arena, sizeof *k);
	*k = (SeenKey){ path, offset, tag };
	hmap_claim(&s->keys, slot, h);
	slot->key.ptr = k;
	return true;
}

/* ------------------------------------------------------------------ the walk */

typedef struct Walk {
	const Func *f;
	ValueTypeFn type_of;
	void *ctx;
	WeightBytes *fw, *mw;
	WeightSeen fseen, *mseen;
	const bool *returned;   /* by ValueId: returned by some block */
	int64_t *op_stored;
} Walk;

static const Type *value_type(const Walk *w, ValueId id)
{
	const Type *t = w->type_of ? w->type_of(w->ctx, w->f, id) : NULL;
	return t ? t : ir_value(w->f, id)->type;
}

static bool is_aggregate(const Lit *l)
{
	return l->kind == LIT_LIST || l->kind == LIT_TUPLE || l->kind == LIT_DICT;
}

/* The stored bytes of one literal; -1 when not known. */
static int64_t lit_bytes(const Lit *l)
{
	if (l->kind == LIT_BLOB)
		return l->type->kind == TY_TENSOR ? ir_tensor_bytes(l->type) : -1;
	return ir_packed_bytes(l->u.tensor.count, l->type->dt);
}

static void add_both(Walk *w, WeightSource src, DType dt, int64_t bytes)
{
	add_stored(w->fw, src, dt, bytes);
	add_stored(w->mw, src, dt, bytes);
}

/* Count a literal as stored; returns the bytes it adds to its function (0
 * for a blob record the function already counted). */
static int64_t weigh_lit(Walk *w, const Lit *l)
{
	if (is_aggregate(l)) {
		uint32_t n = l->kind == LIT_DICT ? 2 * l->u.seq.n : l->u.seq.n;
		int64_t sum = 0;
		for (uint32_t i = 0; i < n; i++) {
			int64_t b = weigh_lit(w, l->u.seq.items[i]);
			sum = sat_add(sum, b > 0 ? b : 0);
		}
		return sum;
	}
	if (l->kind == LIT_TENSOR && l->type->dt == DT_STRING) {
		int64_t text = 0;
		for (int64_t i = 0; i < l->u.tensor.count; i++) {
			const char *s = lit_elem_str(l, i);
			text = sat_add(text, s ? (int64_t)strlen(s) : 0);
		}
		add_both(w, WSRC_INLINE, DT_STRING, text);
		return 0;
	}
	int64_t b = lit_bytes(l);
	DType dt = l->type->kind == TY_TENSOR ? l->type->dt : DT_FP32;
	if (l->kind != LIT_BLOB) {
		add_both(w, WSRC_INLINE, dt, b);
		return b > 0 ? b : 0;
	}
	const char *path = l->u.blob.path ? l->u.blob.path : "";
	bool ffirst = seen_first(&w->fseen, path, l->u.blob.offset, 0);
	bool mfirst = seen_first(w->mseen, path, l->u.blob.offset, 0);
	if (ffirst)
		add_stored(w->fw, WSRC_BLOB, dt, b);
	else
		w->fw->shared_refs++;
	if (mfirst)
		add_stored(w->mw, WSRC_BLOB, dt, b);
	else
		w->mw->shared_refs++;
	return ffirst && b > 0 ? b : 0;
}

/* A hash of every blob record behind a weight op (its literals, then the
 * weight ops it reads), so that one decompressed weight read twice (or from
 * two functions) counts once.  False when no record is a blob. */
static bool chain_hash(const Func *f, const Op *op, uint64_t *h, int depth)
{
	bool any = false;
	if (!op || depth > 16)
		return false;
	for (uint32_t k = 0; k < op->nattrs + op->nargs; k++) {
		uint32_t nb = k < op->nattrs ? 1 : op->args[k - op->nattrs].n;
		for (uint32_t j = 0; j < nb; j++) {
			const Lit *l = NULL;
			const Binding *b = k < op->nattrs ? NULL : &op->args[k - op->nattrs].b[j];
			if (!b)
				l = op->attrs[k].val;
			else if (b->kind == BIND_LIT)
				l = b->lit;
			else if (b->value < f->values.n && op_is_const(ir_value(f, b->value)->def))
				any |= chain_hash(f, ir_value(f, b->value)->def, h, depth + 1);
			if (!l || l->kind != LIT_BLOB)
				continue;
			any = true;
			*h = (*h ^ l->u.blob.offset) * HASH_FNV64_PRIME;
			const char *path = l->u.blob.path ? l->u.blob.path : "";
			*h = hash_fnv1a64(*h, path, strlen(path));
		}
	}
	return any;
}

/* A weight value compute reads: used by a non-constant op, or returned. */
static bool weight_is_read(const Walk *w, ValueId id)
{
	const Value *v = ir_value(w->f, id);
	if (w->returned[id])
		return true;
	for (uint32_t u = 0; u < v->nuses; u++)
		if (!op_is_const(v->uses[u].op))
			return true;
	return false;
}

static bool is_elided_const(const Op *op)
{
	return ir_op_id(op) == OPID_const && !ir_attr_find(op->nattrs, op->attrs, "val") &&
	       !ir_op_operand(op, "val") && op->nouts == 1;
}

/* A printout's elided constant: its declared type is what is stored. */
static int64_t weigh_elided(Walk *w, const Op *op)
{
	const Type *t = value_type(w, op->outs[0]);
	w->fw->elided++;
	w->mw->elided++;
	if (t && t->kind == TY_TENSOR && t->dt == DT_STRING)
		return 0;
	int64_t b = t ? ir_tensor_bytes(t) : -1;
	add_both(w, WSRC_ELIDED, t && t->kind == TY_TENSOR ? t->dt : DT_FP32, b);
	return b > 0 ? b : 0;
}

/* An immediate operand of a compute op: read as it is stored. */
static void weigh_immediate_read(Walk *w, const Lit *l)
{
	if (is_aggregate(l) || l->type->kind != TY_TENSOR || l->type->dt == DT_STRING)
		return;
	int64_t b = lit_bytes(l);
	add_decompressed(w->fw, l->type, b);
	add_decompressed(w->mw, l->type, b);
}

static void weigh_outputs(Walk *w, const Op *op)
{
	for (uint32_t k = 0; k < op->nouts; k++) {
		ValueId id = op->outs[k];
		if (id >= w->f->values.n || !weight_is_read(w, id))
			continue;
		const Type *t = value_type(w, id);
		if (t && t->kind == TY_TENSOR && t->dt == DT_STRING)
			continue;
		int64_t b = t ? ir_tensor_bytes(t) : -1;
		uint64_t h = HASH_FNV64_OFFSET;
		bool blob = chain_hash(w->f, op, &h, 0);
		if (!blob || seen_first(&w->fseen, "", h, 1 + k))
			add_decompressed(w->fw, t, b);
		if (!blob || seen_first(w->mseen, "", h, 1 + k))
			add_decompressed(w->mw, t, b);
	}
}

static void weigh_block(Walk *w, const Block *b)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		bool weight = op_is_const(op);
		int64_t own = 0;
		if (weight && ir_op_id(op) != OPID_const) {
			w->fw->constexpr_ops++;
			w->mw->constexpr_ops++;
		}
		if (is_elided_const(op))
			own = weigh_elided(w, op);
		for (uint32_t k = 0; k < op->nattrs; k++)
			if (op->attrs[k].val)
				own = sat_add(own, weigh_lit(w, op->attrs[k].val));
		for (uint32_t k = 0; k < op->nargs; k++)
			for (uint32_t j = 0; j < op->args[k].n; j++) {
				const Binding *bd = &op->args[k].b[j];
				if (bd->kind != BIND_LIT || !bd->lit)
					continue;
				own = sat_add(own, weigh_lit(w, bd->lit));
				if (!weight)
					weigh_immediate_read(w, bd->lit);
			}
		if (w->op_stored && op->index < w->f->nops)
			w->op_stored[op->index] = own;
		if (weight)
			weigh_outputs(w, op);
		for (uint32_t k = 0; k < op->nblocks; k++)
			weigh_block(w, op->blocks[k]);
	}
}

static void mark_returned(const Block *b, bool *returned, uint32_t nv)
{
	for (uint32_t i = 0; i < b->nouts; i++)
		if (b->outs[i] < nv)
			returned[b->outs[i]] = true;
	for (uint32_t i = 0; i < b->nops; i++)
		for (uint32_t k = 0; k < b->ops[i]->nblocks; k++)
			mark_returned(b->ops[i]->blocks[k], returned, nv);
}

void ir_weight_bytes_func(const Func *f, ValueTypeFn type_of, void *ctx,
                          WeightSeen *module_seen, WeightBytes *fw, WeightBytes *mw,
                          int64_t *op_stored)
{
	IR_ASSERT(fw != mw);
	Walk w = { .f = f, .type_of = type_of, .ctx = ctx, .fw = fw, .mw = mw,
	           .mseen = module_seen, .op_stored = op_stored };
	weight_seen_init(&w.fseen);
	uint32_t nv = f->values.n;
	bool *returned = arena_array(w.fseen.arena, nv ? nv : 1, sizeof *returned);
	if (!returned)
		IR_DIE("out of memory");
	mark_returned(f->body, returned, nv);
	w.returned = returned;
	weigh_block(&w, f->body);
	weight_seen_fini(&w.fseen);
}

void ir_weight_bytes(const Module *m, WeightBytes *out)
{
	memset(out, 0, sizeof *out);
	WeightSeen seen;
	weight_seen_init(&seen);
	WeightBytes fw;
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		memset(&fw, 0, sizeof fw);
		ir_weight_bytes_func(m->funcs.v[i], NULL, NULL, &seen, &fw, out, NULL);
	}
	weight_seen_fini(&seen);
}
