/* type.c - interned types.  Every constructor hashes the structure and
 * returns the one stored instance, so type equality is pointer equality
 * (cproc's typeint singletons, libfirm's modes). */
#include "ir/hash.h"

#include <stdlib.h>
#include <string.h>

struct TypeTable {
	Arena *arena;
	HashMap types;          /* key.ptr: the interned Type (its hash is Type.hash) */
	HashMap syms;           /* interned strings: dimension symbols, names */
};

static uint32_t mix(uint32_t h, uint64_t v)
{
	h ^= (uint32_t)v + 0x9e3779b9u + (h << 6) + (h >> 2);
	h ^= (uint32_t)(v >> 32) + 0x9e3779b9u + (h << 6) + (h >> 2);
	return h;
}

static uint32_t hash_dims(uint32_t h, uint32_t n, const Dim *d)
{
	for (uint32_t i = 0; i < n; i++) {
		h = mix(h, d[i].kind);
		h = mix(h, d[i].kind == DIM_CONST ? (uint64_t)d[i].size
		           : d[i].kind == DIM_SYM ? (uint64_t)(uintptr_t)d[i].sym : 0);
	}
	return h;
}

bool dim_equal(Dim a, Dim b)
{
	if (a.kind != b.kind)
		return false;
	if (a.kind == DIM_CONST)
		return a.size == b.size;
	if (a.kind == DIM_SYM)
		return a.sym == b.sym;  /* interned */
	return true;
}

static bool dims_equal(uint32_t n, const Dim *a, const Dim *b)
{
	for (uint32_t i = 0; i < n; i++)
		if (!dim_equal(a[i], b[i]))
			return false;
	return true;
}

static uint32_t type_hash(const Type *t)
{
	uint32_t h = mix(0, t->kind);
	switch (t->kind) {
	case TY_TENSOR:
		h = mix(mix(h, t->dt), (uint64_t)(int64_t)t->rank);
		return hash_dims(h, t->rank > 0 ? (uint32_t)t->rank : 0, t->dims);
	case TY_TENSOR_BUFFER:
		h = mix(h, t->dt);
		for (uint32_t i = 0; i < t->nfields; i++) {
			h = mix(h, (uintptr_t)t->fields[i].key);
			h = hash_dims(mix(h, t->fields[i].n), t->fields[i].n, t->fields[i].dims);
		}
		return h;
	case TY_LIST:
		return hash_dims(mix(h, (uintptr_t)t->elem), 1, &t->len);
	case TY_TUPLE:
		for (uint32_t i = 0; i < t->nelems; i++)
			h = mix(h, (uintptr_t)t->elems[i]);
		return mix(h, t->nelems);
	case TY_DICT:
		return mix(mix(h, (uintptr_t)t->key), (uintptr_t)t->elem);
	case TY_STATE:
		return mix(h, (uintptr_t)t->elem);
	}
	return h;
}

static bool type_same(const Type *a, const Type *b)
{
	if (a->kind != b->kind || a->hash != b->hash)
		return false;
	switch (a->kind) {
	case TY_TENSOR:
		return a->dt == b->dt && a->rank == b->rank &&
		       dims_equal(a->rank > 0 ? (uint32_t)a->rank : 0, a->dims, b->dims);
	case TY_TENSOR_BUFFER:
		if (a->dt != b->dt || a->nfields != b->nfields)
			return false;
		for (uint32_t i = 0; i < a->nfields; i++)
			if (a->fields[i].key != b->fields[i].key || a->fields[i].n != b->fields[i].n ||
			    !dims_equal(a->fields[i].n, a->fields[i].dims, b->fields[i].dims))
				return false;
		return true;
	case TY_LIST:
		return a->elem == b->elem && dim_equal(a->len, b->len);
	case TY_TUPLE:
		if (a->nelems != b->nelems)
			return false;
		for (uint32_t i = 0; i < a->nelems; i++)
			if (a->elems[i] != b->elems[i])
				return false;
		return true;
	case TY_DICT:
		return a->key == b->key && a->elem == b->elem;
	case TY_STATE:
		return a->elem == b->elem;
	}
	return false;
}

/* Look `proto` up; if absent, copy it (and its arrays) into the arena. */
static const Type *intern(TypeTable *t, Type *proto)
{
	proto->hash = type_hash(proto);
	HashSlot *s = hmap_probe(&t->types, proto->hash);
	for (; !hmap_slot_empty(s); s = hmap_probe_next(&t->types, s))
		if (type_same(s->key.ptr, proto))
			return s->key.ptr;
	hmap_claim(&t->types, s, proto->hash);
	Type *ty = arena_alloc(t->arena, sizeof *ty);
	*ty = *proto;
	if (ty->kind == TY_TENSOR && ty->rank > 0) {
		Dim *d = arena_array(t->arena, (size_t)ty->rank, sizeof *d);
		memcpy(d, proto->dims, (size_t)ty->rank * sizeof *d);
		ty->dims = d;
	} else if (ty->kind == TY_TENSOR && ty->rank <= 0) {
		ty->dims = NULL;
	}
	if (ty->kind == TY_TENSOR_BUFFER) {
		TypeField *f = arena_array(t->arena, ty->nfields, sizeof *f);
		for (uint32_t i = 0; i < ty->nfields; i++) {
			f[i] = proto->fields[i];
			Dim *d = arena_array(t->arena, f[i].n, sizeof *d);
			if (f[i].n)
				memcpy(d, proto->fields[i].dims, f[i].n * sizeof *d);
			f[i].dims = d;
			if (f[i].key == type_intern_sym(t, "shape", 5)) {
				ty->rank = (int32_t)f[i].n;
				ty->dims = d;
			}
		}
		ty->fields = f;
	}
	if (ty->kind == TY_TUPLE) {
		const Type **e = arena_array(t->arena, ty->nelems, sizeof *e);
		if (ty->nelems)
			memcpy(e, proto->elems, ty->nelems * sizeof *e);
		ty->elems = e;
	}
	s->key.ptr = ty;
	return ty;
}

/* The tables' slots live on the heap (freed by type_table_free), so growth
 * does not leave dead copies in the module arena. */
TypeTable *type_table_new(Arena *a)
{
	TypeTable *t = arena_alloc(a, sizeof *t);
	t->arena = a;
	hmap_init(&t->types, NULL);
	hmap_init(&t->syms, NULL);
	hmap_reserve(&t->types, 192);
	return t;
}

void type_table_free(TypeTable *t)
{
	if (!t)
		return;
	hmap_fini(&t->types);
	hmap_fini(&t->syms);
}

const char *type_intern_sym(TypeTable *t, const char *s, size_t len)
{
	bool added;
	HashSlot *slot = hmap_str(&t->syms, s, len, &added);
	if (added)
		slot->key.ptr = arena_strndup(t->arena, s, len);
	return slot->key.ptr;
}

const Type *type_tensor(TypeTable *t, DType dt, int32_t rank, const Dim *dims)
{
	Type p = { .kind = TY_TENSOR, .dt = dt, .rank = rank, .dims = dims };
	return intern(t, &p);
}

const Type *type_scalar(TypeTable *t, DType dt)
{
	return type_tensor(t, dt, 0, NULL);
}

const Type *type_tensor_buffer(TypeTable *t, DType dt, uint32_t nfields, const TypeField *fields)
{
	Type p = { .kind = TY_TENSOR_BUFFER, .dt = dt, .rank = -1,
	           .nfields = nfields, .fields = fields };
	return intern(t, &p);
}

const Type *type_list(TypeTable *t, const Type *elem, Dim len)
{
	Type p = { .kind = TY_LIST, .elem = elem, .len = len };
	return intern(t, &p);
}

const Type *type_tuple(TypeTable *t, uint32_t n, const Type *const *elems)
{
	Type p = { .kind = TY_TUPLE, .nelems = n, .elems = elems };
	return intern(t, &p);
}

const Type *type_dict(TypeTable *t, const Type *key, const Type *val)
{
	Type p = { .kind = TY_DICT, .key = key, .elem = val };
	return intern(t, &p);
}

const Type *type_state(TypeTable *t, const Type *wrapped)
{
	Type p = { .kind = TY_STATE, .elem = wrapped };
	return intern(t, &p);
}

int64_t type_numel(const Type *t)
{
	if ((t->kind != TY_TENSOR && t->kind != TY_TENSOR_BUFFER) || t->rank < 0)
		return -1;
	int64_t n = 1;
	for (int32_t i = 0; i < t->rank; i++) {
		if (t->dims[i].kind != DIM_CONST || t->dims[i].size < 0)
			return -1;
		if (t->dims[i].size && n > INT64_MAX / t->dims[i].size)
			return -1;
		n *= t->dims[i].size;
	}
	return n;
}

int64_t ir_tensor_bytes(const Type *t)
{
	if (t && t->kind == TY_STATE)
		t = t->elem;
	if (!t || (t->kind != TY_TENSOR && t->kind != TY_TENSOR_BUFFER))
		return -1;
	return ir_packed_bytes(type_numel(t), t->dt);
}
