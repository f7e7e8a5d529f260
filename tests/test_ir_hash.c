/* test_ir_hash.c - the one hash table (ir/hash.h): FNV-1a against its
 * published test vectors, find-or-insert for each key kind, growth, arena
 * and heap storage, and the probe loop for caller-compared keys. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "ir/hash.h"

/* FNV-1a 32/64 reference values (the FNV authors' test suite). */
static void test_ir_hash_fnv1a_vectors(void **state)
{
	(void)state;
	assert_int_equal(hash_fnv1a("", 0), 0x811c9dc5u);
	assert_int_equal(hash_fnv1a("a", 1), 0xe40c292cu);
	assert_int_equal(hash_fnv1a("foobar", 6), 0xbf9cf968u);
	assert_int_equal(hash_fnv1a_str("foobar"), 0xbf9cf968u);
	assert_true(hash_fnv1a64(HASH_FNV64_OFFSET, "", 0) == UINT64_C(0xcbf29ce484222325));
	assert_true(hash_fnv1a64(HASH_FNV64_OFFSET, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(hash_fnv1a64(HASH_FNV64_OFFSET, "foobar", 6) == UINT64_C(0x85944171f73967e8));
	/* the 64-bit hash continues: two parts hash as their concatenation */
	uint64_t h = hash_fnv1a64(HASH_FNV64_OFFSET, "foo", 3);
	assert_true(hash_fnv1a64(h, "bar", 3) == hash_fnv1a64(HASH_FNV64_OFFSET, "foobar", 6));
	/* the word hash reads lengths that are not multiples of eight */
	assert_int_not_equal(hash_bytes("abcdefghi", 9), hash_bytes("abcdefghj", 9));
	assert_int_not_equal(hash_bytes("abc", 3), hash_bytes("abc", 2));
	assert_true(hash_u64(1) != hash_u64(2));
}

static void string_keys(Arena *a)
{
	HashMap m;
	hmap_init(&m, a);
	assert_null(hmap_str_find(&m, "x", 1));     /* an empty map finds nothing */
	char names[2000][12];
	bool added;
	for (int i = 0; i < 2000; i++) {
		snprintf(names[i], sizeof names[i], "v%d", i);
		HashSlot *s = hmap_str(&m, names[i], strlen(names[i]), &added);
		assert_true(added);
		s->val.u32 = (uint32_t)i;
	}
	assert_int_equal(m.n, 2000);
	assert_true(m.n * 4 <= m.cap * 3);
	for (int i = 0; i < 2000; i++) {
		char probe[12];
		snprintf(probe, sizeof probe, "v%d", i);    /* another pointer, same bytes */
		HashSlot *s = hmap_str_find(&m, probe, strlen(probe));
		assert_non_null(s);
		assert_int_equal(s->val.u32, i);
		assert_ptr_equal(hmap_str(&m, probe, strlen(probe), &added), s);
		assert_false(added);
	}
	/* a prefix is another key; the length is part of it */
	assert_null(hmap_str_find(&m, "v1", 1));
	assert_non_null(hmap_str(&m, "v1\0x", 4, &added));
	assert_true(added);
	assert_int_equal(hmap_str_find(&m, "v1", 2)->val.u32, 1);
	hmap_fini(&m);
}

static void test_ir_hash_string_keys_heap_and_arena(void **state)
{
	(void)state;
	string_keys(NULL);
	Arena *a = arena_new();
	string_keys(a);
	arena_free(a);
}

static void test_ir_hash_u64_and_pointer_keys(void **state)
{
	(void)state;
	HashMap m;
	hmap_init(&m, NULL);
	bool added;
	/* 0 is a key like any other (emptiness is in the hash word) */
	hmap_u64(&m, 0, &added)->val.u64 = 7;
	assert_true(added);
	for (uint64_t k = 1; k < 5000; k++)
		hmap_u64(&m, k << 20, &added)->val.u64 = k;
	assert_int_equal(hmap_u64_find(&m, 0)->val.u64, 7);
	assert_int_equal(hmap_u64_find(&m, UINT64_C(4999) << 20)->val.u64, 4999);
	assert_null(hmap_u64_find(&m, 3));
	hmap_fini(&m);

	int objs[64];
	hmap_init(&m, NULL);
	hmap_reserve(&m, 64);
	uint32_t cap = m.cap;
	for (int i = 0; i < 64; i++)
		hmap_ptr(&m, &objs[i], &added)->val.ptr = &objs[63 - i];
	assert_int_equal(m.cap, cap);    /* reserved: no growth */
	for (int i = 0; i < 64; i++)
		assert_ptr_equal(hmap_ptr_find(&m, &objs[i])->val.ptr, &objs[63 - i]);
	hmap_fini(&m);
	assert_null(m.slots);
}

/* Keys compared by the caller: records interned by content, as type.c does. */
typedef struct Rec { int a, b; } Rec;

static const Rec *intern_rec(HashMap *m, const Rec *proto)
{
	uint32_t h = hash_fnv1a(proto, sizeof *proto) & 0x7;   /* few hashes: long probes */
	HashSlot *s = hmap_probe(m, h);
	for (; !hmap_slot_empty(s); s = hmap_probe_next(m, s))
		if (hmap_slot_hash_is(s, h) && memcmp(s->key.ptr, proto, sizeof *proto) == 0)
			return s->key.ptr;
	hmap_claim(m, s, h);
	s->key.ptr = proto;
	return proto;
}

static void test_ir_hash_caller_compared_keys(void **state)
{
	(void)state;
	static Rec recs[300], copies[300];
	HashMap m;
	hmap_init(&m, NULL);
	for (int i = 0; i < 300; i++) {
		recs[i] = copies[i] = (Rec){ i, i * 3 };
		assert_ptr_equal(intern_rec(&m, &recs[i]), &recs[i]);
	}
	for (int i = 0; i < 300; i++)
		assert_ptr_equal(intern_rec(&m, &copies[i]), &recs[i]);
	assert_int_equal(m.n, 300);
	hmap_fini(&m);
}

/* Type interning runs on the map: equal types are one pointer, symbols
 * are interned by content. */
static void test_ir_hash_type_interning(void **state)
{
	(void)state;
	Module *mod = ir_module_new("t");
	TypeTable *t = mod->types;
	const Type *first[600];
	for (int i = 0; i < 600; i++) {
		Dim d[2] = { dim_const(i), dim_const(3) };
		first[i] = type_tensor(t, DT_FP16, 2, d);
	}
	for (int i = 0; i < 600; i++) {
		Dim d[2] = { dim_const(i), dim_const(3) };
		assert_ptr_equal(type_tensor(t, DT_FP16, 2, d), first[i]);
	}
	char buf[] = "is0";
	const char *sym = type_intern_sym(t, buf, 3);
	buf[0] = 'j';
	assert_string_equal(sym, "is0");                 /* a copy, not the caller's bytes */
	assert_ptr_equal(type_intern_sym(t, "is0 + 2", 3), sym);
	assert_ptr_not_equal(type_intern_sym(t, "is0 + 2", 7), sym);
	ir_module_free(mod);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ir_hash_fnv1a_vectors),
		cmocka_unit_test(test_ir_hash_string_keys_heap_and_arena),
		cmocka_unit_test(test_ir_hash_u64_and_pointer_keys),
		cmocka_unit_test(test_ir_hash_caller_compared_keys),
		cmocka_unit_test(test_ir_hash_type_interning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
