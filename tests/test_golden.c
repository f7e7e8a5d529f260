/* test_golden.c - tests/golden/X.mil paired with X.dump (expected printed
 * IR) or X.err (expected diagnostics, the file name replaced by FILE); every
 * fixture that parses must also round-trip: print(parse(print(parse(x))))
 * equals print(parse(x)). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

/* Parse MIL text held in memory and print it; NULL when it does not parse
 * (then *errs holds the diagnostics, file names replaced by FILE). */
static char *parse_print(const char *name, const char *text, size_t n, char **errs)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = tu_parse_mil(name, text, n, &dl);
	if (m && ir_verify(m, &dl) > 0) {
		ir_module_free(m);
		m = NULL;
	}
	char *out = NULL;
	if (m) {
		out = tu_print_module(m);
		ir_module_free(m);
	}
	if (errs) {
		size_t len;
		FILE *e = open_memstream(errs, &len);
		for (uint32_t i = 0; i < dl.d.n; i++) {
			char buf[2048];
			diag_format(&dl.d.v[i], buf, sizeof buf);
			const char *rest = strncmp(buf, name, strlen(name)) == 0 ? buf + strlen(name) : buf;
			fprintf(e, "FILE%s\n", rest);
		}
		fclose(e);
	}
	diag_fini(&dl);
	return out;
}

static char *sibling(const char *mil, const char *ext)
{
	size_t n = strlen(mil);
	char *p = malloc(n + 8);
	memcpy(p, mil, n - 4);
	strcpy(p + n - 4, ext);
	return p;
}

static void test_golden_fixtures(void **state)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/golden", tu_source_dir());
	size_t n;
	char **files = tu_find(dir, ".mil", &n);
	assert_true(n >= 8);
	int checked = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text = tu_read_file(files[i], &len);
		assert_non_null(text);
		char *errs = NULL;
		char *out = parse_print(files[i], text, len, &errs);
		char *dump_path = sibling(files[i], ".dump"), *err_path = sibling(files[i], ".err");
		char *want_dump = tu_read_file(dump_path, NULL);
		char *want_err = tu_read_file(err_path, NULL);
		if (!want_dump && !want_err)
			fail_msg("%s has neither a .dump nor an .err sibling", files[i]);
		if (want_dump) {
			if (!out)
				fail_msg("%s does not parse:\n%s", files[i], errs);
			if (strcmp(out, want_dump) != 0)
				fail_msg("%s: printed IR differs from %s:\n%s", files[i], dump_path, out);
			/* Round trip: the printed text prints the same again. */
			char *again = parse_print(files[i], out, strlen(out), NULL);
			assert_non_null(again);
			assert_string_equal(again, out);
			free(again);
		}
		if (want_err) {
			if (out)
				fail_msg("%s parsed but should fail with:\n%s", files[i], want_err);
			if (strcmp(errs, want_err) != 0)
				fail_msg("%s: diagnostics differ from %s:\n%s", files[i], err_path, errs);
		}
		checked++;
		free(text); free(out); free(errs); free(dump_path); free(err_path);
		free(want_dump); free(want_err);
	}
	print_message("golden: %d fixtures checked\n", checked);
	tu_free_list(files, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
