/*
 * hash.h - the library's one hash table and its hash functions.
 *
 *   HashMap ── slots[cap]   open addressing, linear probing, cap a power of two,
 *                           at most 3/4 full; storage in an arena or on the heap
 *      HashSlot { hash, len, key (bytes | pointer | u64), val (pointer | u64 | u32) }
 *
 * Three ready-made key kinds: byte strings (hmap_str: compared by hash,
 * length and bytes), pointers (hmap_ptr) and 64-bit integers (hmap_u64).
 * Keys the map cannot compare itself (interned types, records) use the
 * probe loop directly:
 *
 *     uint32_t h = my_hash(proto);
 *     HashSlot *s = hmap_probe(m, h);             // room for one insert is made
 *     for (; !hmap_slot_empty(s); s = hmap_probe_next(m, s))
 *             if (hmap_slot_hash_is(s, h) && my_equal(s->key.ptr, proto))
 *                     return s->key.ptr;
 *     hmap_claim(m, s, h);                        // then fill s->key / s->val
 *
 * A map never shrinks and never deletes.  Keys are not copied: a string key
 * must outlive the map (intern it first, or set s->key.ptr to a durable copy
 * after an insert).  No global state: a map is a plain value its owner keeps.
 */
#ifndef ANELINT_HASH_H
#define ANELINT_HASH_H

#include "ir/ir.h"

/* ------------------------------------------------------------------ hashes */

/* 32-bit FNV-1a: short names and small records, where its byte loop is
 * cheap and its spread is enough for a power-of-two table. */
#define HASH_FNV32_OFFSET 2166136261u
#define HASH_FNV32_PRIME 16777619u
uint32_t hash_fnv1a(const void *p, size_t n);
uint32_t hash_fnv1a_str(const char *s);
/* 64-bit FNV-1a continuing from h (start with HASH_FNV64_OFFSET): hashes
 * built from several parts (a path, then an offset). */
#define HASH_FNV64_OFFSET UINT64_C(14695981039346656037)
#define HASH_FNV64_PRIME UINT64_C(1099511628211)
uint64_t hash_fnv1a64(uint64_t h, const void *p, size_t n);
/* Eight bytes at a time: identifiers and long keys on hot paths (interning
 * runs once per identifier of the input). */
uint32_t hash_bytes(const void *p, size_t n);
/* A 64-bit integer's bits spread over all 64 (murmur3's finaliser). */
uint64_t hash_u64(uint64_t x);

/* ------------------------------------------------------------------ map */

typedef struct HashSlot {
	uint32_t hash;          /* 0: empty; stored hashes carry HMAP_USED */
	uint32_t len;           /* string keys: their length in bytes */
	union {
		const void *ptr;    /* string bytes, or the pointer key */
		uint64_t u64;
	} key;
	union {
		void *ptr;
		const void *cptr;
		uint64_t u64;
		uint32_t u32;
	} val;
} HashSlot;

#define HMAP_USED 0x80000000u

typedef struct HashMap {
	HashSlot *slots;
	uint32_t cap, n;
	Arena *arena;           /* NULL: slots on the heap, freed by hmap_fini */
} HashMap;

/* An empty map whose slots live in arena a, or on the heap when a is NULL. */
void hmap_init(HashMap *m, Arena *a);
/* Release heap slots (nothing to do for an arena map); the map is empty. */
void hmap_fini(HashMap *m);
/* Make room for n entries without growing again. */
void hmap_reserve(HashMap *m, uint32_t n);

/* Find-or-insert.  *added tells which; a new slot has its key set and its
 * value zeroed.  NULL never: growth failure aborts (ir_die). */
HashSlot *hmap_str(HashMap *m, const char *s, size_t len, bool *added);
HashSlot *hmap_ptr(HashMap *m, const void *key, bool *added);
HashSlot *hmap_u64(HashMap *m, uint64_t key, bool *added);
/* Lookups: the slot, or NULL when the key is absent. */
HashSlot *hmap_str_find(const HashMap *m, const char *s, size_t len);
HashSlot *hmap_ptr_find(const HashMap *m, const void *key);
HashSlot *hmap_u64_find(const HashMap *m, uint64_t key);

/* The probe loop for caller-compared keys (see the top of this file). */
HashSlot *hmap_probe(HashMap *m, uint32_t hash);
void hmap_claim(HashMap *m, HashSlot *s, uint32_t hash);
static inline bool hmap_slot_empty(const HashSlot *s) { return s->hash == 0; }
static inline bool hmap_slot_hash_is(const HashSlot *s, uint32_t hash)
{
	return s->hash == (hash | HMAP_USED);
}
static inline HashSlot *hmap_probe_next(const HashMap *m, HashSlot *s)
{
	return s + 1 == m->slots + m->cap ? m->slots : s + 1;
}

#endif
