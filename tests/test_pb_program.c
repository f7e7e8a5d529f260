/* test_pb_program.c - the one reader of ML programs (pb_program.c), which
 * reads the bytes of every program: top-level, inside pipelines, with
 * several functions, nested blocks.
 *
 * Until commit aebab4f a second reader (protobuf-c's unpacked structs,
 * pb_reader.c read_program) read the same programs and a test held the
 * two equal on every corpus model and on every mutated input.  That
 * reader is gone; what the comparison guarded is kept as figures recorded
 * while the two agreed:
 *   - the dump of every corpus model.mlmodel (FNV-1a 64 of the printed
 *     IR, or of its diagnostics), one row per model, so a change names
 *     the model;
 *   - how many truncations and byte flips of a real program read and how
 *     many are refused, and a fingerprint of every dump and diagnostic
 *     (see FUZZ_FINGERPRINT).
 * Programs the corpus does not hold (composite types, dictionaries of
 * numbers, a program inside a pipeline) are built by hand below.  The
 * same programs against coremltools' own printouts: test_equivalence.c. */
#include "testutil.h"
#include "pbwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

static uint64_t fnv64(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

#define FNV64_START 14695981039346656037ull
/* Every dump and diagnostic of test_pb_program_fuzz.  At aebab4f it was
 * 0x7bb3e31ba727f0c8: 128 of the 5,046 inputs, all refused then and now,
 * had malformed bytes inside a list, tuple, dict or state value or type,
 * which protobuf-c reported as "a value (type) does not decode" and now
 * read as the rest of a program does. */
#define FUZZ_FINGERPRINT 0x91aa9adb8c84be72ull

static char *dump_bytes(const uint8_t *p, size_t n, const char *dir, unsigned *nerr)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_read_protobuf("m.mlmodel", p, n, dir, "mlmodel", &dl);
	char *buf = NULL;
	if (m) {
		buf = tu_print_module(m);
		ir_module_free(m);
	} else {
		char line[1024];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		for (uint32_t i = 0; i < dl.d.n; i++) {
			diag_format(&dl.d.v[i], line, sizeof line);
			fprintf(f, "%s\n", line);
		}
		fclose(f);
	}
	*nerr = dl.nerrors;
	diag_fini(&dl);
	return buf;
}

/* ---- the corpus, as both readers read it ---- */

typedef struct Fingerprint {
	const char *model;      /* below shared/corpus */
	uint64_t dump;
} Fingerprint;

static const Fingerprint corpus_dumps[] = {
#include "pb_program_fingerprints.h"
};

static void test_pb_program_corpus_dumps(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char dir[512];
	snprintf(dir, sizeof dir, "%s/corpus", tu_shared_dir());
	size_t n;
	char **files = tu_find(dir, "model.mlmodel", &n);
	const size_t nrows = sizeof corpus_dumps / sizeof corpus_dumps[0];
	unsigned compared = 0, changed = 0;
	bool print = getenv("ANELINT_PRINT_FINGERPRINTS") != NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *data = tu_read_file(files[i], &len);
		assert_non_null(data);
		unsigned nerr;
		char *text = dump_bytes((const uint8_t *)data, len, dir, &nerr);
		assert_int_equal(nerr, 0);
		const char *rel = files[i] + strlen(dir) + 1;
		uint64_t h = fnv64(FNV64_START, text);
		if (print)
			printf("\t{ \"%s\", 0x%016llxull },\n", rel, (unsigned long long)h);
		for (size_t k = 0; k < nrows; k++) {
			if (strcmp(corpus_dumps[k].model, rel) != 0)
				continue;
			compared++;
			if (corpus_dumps[k].dump != h) {
				print_error("%s: the dump differs from the one both readers made\n", rel);
				changed++;
			}
		}
		free(text);
		free(data);
	}
	tu_free_list(files, n);
	print_message("%u models: dumps as both readers made them\n", compared);
	assert_int_equal(changed, 0);
	assert_int_equal(compared, nrows);
}

/* Truncations and byte flips of a real program: a module or errors, as
 * many of each as when both readers refused and accepted the same ones. */
static void test_pb_program_fuzz(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char path[512];
	snprintf(path, sizeof path, "%s/corpus/converted/control_flow_ios17/control_flow_ios17"
	         ".mlpackage/Data/com.apple.CoreML/model.mlmodel", tu_shared_dir());
	size_t len;
	char *data = tu_read_file(path, &len);
	assert_non_null(data);
	unsigned ok = 0, bad = 0;
	uint64_t h = FNV64_START;
	uint8_t *buf = malloc(len);
	for (size_t k = 0; k < len; k += 3) {
		unsigned e;
		memcpy(buf, data, k);
		char *d = dump_bytes(buf, k, NULL, &e);
		h = fnv64(h, d);
		if (e)
			bad++;
		else
			ok++;
		free(d);
	}
	unsigned seed = 7;
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(buf, data, len);
		for (int f = 0; f < 1 + iter % 4; f++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			buf[at] = (uint8_t)(seed >> 16);
		}
		unsigned e;
		char *d = dump_bytes(buf, len, NULL, &e);
		h = fnv64(h, d);
		if (e)
			bad++;
		else
			ok++;
		free(d);
	}
	free(buf);
	free(data);
	print_message("fuzz: %u read, %u refused, fingerprint %016llx\n", ok, bad,
	              (unsigned long long)h);
	assert_int_equal(ok, 273);
	assert_int_equal(bad, 4773);
	assert_true(h == FUZZ_FINGERPRINT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_program_corpus_dumps),
		cmocka_unit_test(test_pb_program_fuzz),
	};
	return cmocka_run_group_tests_name("pb_program", tests, NULL, NULL);
}
