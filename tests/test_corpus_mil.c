/* test_corpus_mil.c - every .mil file under ../shared/corpus parses,
 * verifies, and round-trips through the printer.  Files written by Apple's
 * compiler print back byte for byte (up to the final newline, which the
 * corpus copies lack). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

static char *print_file_text(const char *name, const char *text, size_t n)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = tu_parse_mil(name, text, n, &dl);
	if (!m || ir_verify(m, &dl) > 0) {
		diag_print_all(&dl, stderr);
		ir_module_free(m);
		diag_fini(&dl);
		return NULL;
	}
	char *out = tu_print_module(m);
	ir_module_free(m);
	diag_fini(&dl);
	return out;
}

static void test_corpus_mil_round_trip(void **state)
{
	TU_REQUIRE_SHARED();
	size_t n;
	char **files = tu_corpus_find("", ".mil", &n);
	assert_true(n > 0);
	int identical = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text = tu_read_file(files[i], &len);
		assert_non_null(text);
		char *once = print_file_text(files[i], text, len);
		if (!once)
			fail_msg("%s does not parse", files[i]);
		char *twice = print_file_text(files[i], once, strlen(once));
		assert_non_null(twice);
		if (strcmp(once, twice) != 0)
			fail_msg("%s: print(parse(print(parse(x)))) differs", files[i]);
		size_t ol = strlen(once);
		if (strncmp(once, text, ol - 1) == 0 && (len == ol || len == ol - 1))
			identical++;
		free(text); free(once); free(twice);
	}
	print_message("corpus: %zu .mil files round-trip, %d print back byte for byte\n", n, identical);
	tu_free_list(files, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_mil_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
