/* test_pb_program.c - the wire decoder of ML programs (pb_program.c)
 * against protobuf-c's unpack (pb_reader.c read_program): the same dump
 * for every corpus model, and no crash or leak on truncated or flipped
 * bytes (the sanitizers watch).
 *
 * pbr_read_protobuf_unpacked is fe_read_protobuf without the wire path. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"
#include "frontend/pb_int.h"

static char *dump_bytes(const uint8_t *p, size_t n, const char *dir, unsigned *nerr, bool wire)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = wire ? fe_read_protobuf("m.mlmodel", p, n, dir, "mlmodel", &dl)
	                 : pbr_read_protobuf_unpacked("m.mlmodel", p, n, dir, "mlmodel", &dl);
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

static void test_pb_program_same_as_unpack(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char dir[512];
	snprintf(dir, sizeof dir, "%s/corpus", tu_shared_dir());
	size_t n;
	char **files = tu_find(dir, "model.mlmodel", &n);
	unsigned compared = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *data = tu_read_file(files[i], &len);
		assert_non_null(data);
		unsigned e1, e2;
		char *a = dump_bytes((const uint8_t *)data, len, dir, &e1, true);
		char *b = dump_bytes((const uint8_t *)data, len, dir, &e2, false);
		if (strcmp(a, b) != 0)
			fail_msg("%s: the wire decoder and protobuf-c disagree", files[i]);
		assert_int_equal(e1, 0);
		compared++;
		free(a);
		free(b);
		free(data);
	}
	tu_free_list(files, n);
	print_message("%u models: wire decoder == protobuf-c unpack\n", compared);
	assert_true(compared >= 20);
}

/* Truncations and byte flips of a real program: a module or errors. */
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
	uint8_t *buf = malloc(len);
	for (size_t k = 0; k < len; k += 3) {
		unsigned e;
		memcpy(buf, data, k);
		char *d = dump_bytes(buf, k, NULL, &e, true);
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
		char *d = dump_bytes(buf, len, NULL, &e, true);
		free(d);
		/* the two paths refuse and accept the same inputs */
		unsigned e2;
		d = dump_bytes(buf, len, NULL, &e2, false);
		assert_int_equal(e != 0, e2 != 0);
		if (e)
			bad++;
		else
			ok++;
		free(d);
	}
	free(buf);
	free(data);
	print_message("fuzz: %u read, %u refused\n", ok, bad);
	assert_true(bad > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_program_same_as_unpack),
		cmocka_unit_test(test_pb_program_fuzz),
	};
	return cmocka_run_group_tests_name("pb_program", tests, NULL, NULL);
}
