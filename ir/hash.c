/* hash.c - FNV-1a, a word-at-a-time string hash, and the open-addressing
 * map every table of the library is built on (hash.h). */
#include "ir/hash.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ hashes */

uint32_t hash_fnv1a(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = HASH_FNV32_OFFSET;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * HASH_FNV32_PRIME;
	return h;
}

uint32_t hash_fnv1a_str(const char *s)
{
	uint32_t h = HASH_FNV32_OFFSET;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * HASH_FNV32_PRIME;
	return h;
}

uint64_t hash_fnv1a64(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * HASH_FNV64_PRIME;
	return h;
}

uint32_t hash_bytes(const void *p, size_t n)
{
	const char *s = p;
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 29;
	return (uint32_t)h;
}

uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* ------------------------------------------------------------------ storage */

enum { HMAP_MIN_CAP = 16, HMAP_MAX_CAP = 1u << 30 };

static HashSlot *slots_new(const HashMap *m, uint32_t cap)
{
	HashSlot *s = m->arena ? arena_array(m->arena, cap, sizeof *s) : calloc(cap, sizeof *s);
	if (!s)
		IR_DIE("hash table of %u slots: out of memory", cap);
	return s;
}

static void rehash(HashMap *m, uint32_t ncap)
{
	if (ncap > HMAP_MAX_CAP)
		IR_DIE("hash table over %u slots", (unsigned)HMAP_MAX_CAP);
	HashSlot *ns = slots_new(m, ncap);
	for (uint32_t i = 0; i < m->cap; i++) {
		const HashSlot *s = &m->slots[i];
		if (hmap_slot_empty(s))
			continue;
		uint32_t j = s->hash & (ncap - 1);
		while (!hmap_slot_empty(&ns[j]))
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	if (!m->arena)
		free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

void hmap_init(HashMap *m, Arena *a)
{
	*m = (HashMap){ .arena = a };
}

void hmap_fini(HashMap *m)
{
	if (!m->arena)
		free(m->slots);
	*m = (HashMap){ .arena = m->arena };
}

/* Keep the load at most 3/4: linear probing stays short. */
static bool fits(uint32_t n, uint32_t cap)
{
	return (uint64_t)n * 4 <= (uint64_t)cap * 3;
}

void hmap_reserve(HashMap *m, uint32_t n)
{
	uint32_t cap = m->cap ? m->cap : HMAP_MIN_CAP;
	while (!fits(n, cap)) {
		if (cap >= HMAP_MAX_CAP)
			IR_DIE("hash table of %u entries", n);
		cap *= 2;
	}
	if (cap != m->cap)
		rehash(m, cap);
}

/* ------------------------------------------------------------------ probing */

HashSlot *hmap_probe(HashMap *m, uint32_t hash)
{
	if (!fits(m->n + 1, m->cap))
		hmap_reserve(m, m->n + 1);
	return &m->slots[(hash | HMAP_USED) & (m->cap - 1)];
}

void hmap_claim(HashMap *m, HashSlot *s, uint32_t hash)
{
	s->hash = hash | HMAP_USED;
	s->len = 0;
	s->key.u64 = 0;
	s->val.u64 = 0;
	m->n++;
}

/* Where a lookup of an absent key would stop; NULL for an empty map. */
static const HashSlot *first_slot(const HashMap *m, uint32_t hash)
{
	return m->cap ? &m->slots[(hash | HMAP_USED) & (m->cap - 1)] : NULL;
}

static bool str_is(const HashSlot *s, uint32_t h, const char *k, size_t len)
{
	return hmap_slot_hash_is(s, h) && s->len == len && memcmp(s->key.ptr, k, len) == 0;
}

HashSlot *hmap_str_find(const HashMap *m, const char *k, size_t len)
{
	uint32_t h = hash_bytes(k, len);
	const HashSlot *s = first_slot(m, h);
	for (; s && !hmap_slot_empty(s); s = hmap_probe_next(m, (HashSlot *)s))
		if (str_is(s, h, k, len))
			return (HashSlot *)s;
	return NULL;
}

HashSlot *hmap_str(HashMap *m, const char *k, size_t len, bool *added)
{
	if (len >= UINT32_MAX)
		IR_DIE("hash key of %zu bytes", len);
	uint32_t h = hash_bytes(k, len);
	HashSlot *s = hmap_probe(m, h);
	for (; !hmap_slot_empty(s); s = hmap_probe_next(m, s))
		if (str_is(s, h, k, len)) {
			*added = false;
			return s;
		}
	hmap_claim(m, s, h);
	s->key.ptr = k;
	s->len = (uint32_t)len;
	*added = true;
	return s;
}

HashSlot *hmap_u64_find(const HashMap *m, uint64_t key)
{
	uint32_t h = (uint32_t)hash_u64(key);
	const HashSlot *s = first_slot(m, h);
	for (; s && !hmap_slot_empty(s); s = hmap_probe_next(m, (HashSlot *)s))
		if (hmap_slot_hash_is(s, h) && s->key.u64 == key)
			return (HashSlot *)s;
	return NULL;
}

HashSlot *hmap_u64(HashMap *m, uint64_t key, bool *added)
{
	uint32_t h = (uint32_t)hash_u64(key);
	HashSlot *s = hmap_probe(m, h);
	for (; !hmap_slot_empty(s); s = hmap_probe_next(m, s))
		if (hmap_slot_hash_is(s, h) && s->key.u64 == key) {
			*added = false;
			return s;
		}
	hmap_claim(m, s, h);
	s->key.u64 = key;
	*added = true;
	return s;
}

HashSlot *hmap_ptr_find(const HashMap *m, const void *key)
{
	return hmap_u64_find(m, (uint64_t)(uintptr_t)key);
}

HashSlot *hmap_ptr(HashMap *m, const void *key, bool *added)
{
	return hmap_u64(m, (uint64_t)(uintptr_t)key, added);
}
