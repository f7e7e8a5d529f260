/* test_hostile.c - hostile inputs of issue 17, each a regression test:
 * NUL runs in comments (once quadratic), junk after the error cap (once
 * lexed to the end), a FIFO as the model path (once a hang), junk on
 * standard input (once read to 4 GB), a shape past 2^53 elements (once
 * costed at 1.6e31 ms) and a symlink loop as a package's root item (once
 * "missing").  Times are bounds far above what the fixed code takes and far
 * below what the old code took, so they fail only on a regression. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "anelint.h"
#include "frontend/frontend.h"

static const char header[] =
	"program(1.0)\n{\n    func main<ios16>(tensor<fp32, [1, 4]> x) {\n"
	"        tensor<fp32, [1, 4]> y = relu(x = x)[name = string(\"y\")];\n"
	"    } -> (y);\n}\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parse prefix + n NUL bytes; returns the seconds it took. */
static double parse_with_nuls(const char *prefix, size_t n, DiagList *dl)
{
	size_t len = strlen(prefix);
	char *text = calloc(1, len + n);
	assert_non_null(text);
	memcpy(text, prefix, len);
	double t0 = now_s();
	Module *m = tu_parse_mil("hostile.mil", text, len + n, dl);
	double t = now_s() - t0;
	assert_null(m);
	free(text);
	return t;
}

/* `//` then 1 MB of NULs: the old lexer rescanned the comment at every NUL
 * (about 15 minutes); now the comment stops at the first NUL. */
static void test_nul_in_comment_is_linear(void **state)
{
	DiagList dl;
	diag_init(&dl);
	double t = parse_with_nuls("//", 1 << 20, &dl);
	assert_true(t < 5.0);
	char msg[512];
	assert_true(dl.nerrors >= 1);
	diag_format(&dl.d.v[0], msg, sizeof msg);
	assert_non_null(strstr(msg, "NUL byte in input"));
	diag_fini(&dl);
}

/* A valid program then 16 MB of NULs: lexing stops once the error cap is
 * passed, so the error count stays near the cap, not 16 million. */
static void test_lexing_stops_at_error_cap(void **state)
{
	DiagList dl;
	diag_init(&dl);
	double t = parse_with_nuls(header, 16 << 20, &dl);
	assert_true(t < 5.0);
	assert_true(dl.nerrors > dl.max_errors);
	assert_true(dl.nerrors <= dl.max_errors + 2);
	diag_fini(&dl);
}

/* A FIFO with no writer: opening it for reading would block for ever. */
static void test_fifo_refused_without_opening(void **state)
{
	char *dir = tu_tmpdir();
	char path[4200];
	snprintf(path, sizeof path, "%s/model.mlmodel", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(fe_detect(path), FE_FMT_UNKNOWN);
	DiagList dl;
	diag_init(&dl);
	assert_null(anelint_load(path, &dl));
	tu_assert_first_error(&dl, FE_E_READ, "a FIFO");
	diag_fini(&dl);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* Junk on standard input is refused from its first block: 64 MB of 0xff is
 * not read to the end (nor to the 4 GB cap). */
static void test_stdin_sniffed_from_first_bytes(void **state)
{
	char *dir = tu_tmpdir();
	char path[4200];
	snprintf(path, sizeof path, "%s/junk", dir);
	size_t n = 64 << 20;
	char *junk = malloc(n);
	assert_non_null(junk);
	memset(junk, 0xff, n);
	assert_int_equal(tu_write_file(path, junk, n), 0);
	free(junk);
	FILE *saved = stdin;
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	stdin = in;
	DiagList dl;
	diag_init(&dl);
	assert_null(anelint_load("-", &dl));
	stdin = saved;
	tu_assert_first_error(&dl, FE_E_NOT_MODEL, "first byte 0xff");
	/* Refused after the first block: most of the file is still unread. */
	assert_true(ftell(in) < (long)(1 << 20));
	fclose(in);
	diag_fini(&dl);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* 2^62 x 2^62 x 16 elements: no figure can hold it; the verifier refuses. */
static void test_absurd_shape_refused(void **state)
{
	static const char text[] =
		"program(1.0)\n{\n    func main<ios16>(tensor<fp32, [4611686018427387904, "
		"4611686018427387904, 16]> x) {\n"
		"        tensor<fp32, [4611686018427387904, 4611686018427387904, 16]> y = "
		"relu(x = x)[name = string(\"y\")];\n    } -> (y);\n}\n";
	char *dir = tu_tmpdir();
	char path[4200];
	snprintf(path, sizeof path, "%s/huge.mil", dir);
	assert_int_equal(tu_write_file(path, text, sizeof text - 1), 0);
	DiagList dl;
	diag_init(&dl);
	assert_null(anelint_load(path, &dl));
	tu_assert_first_error(&dl, "V009", "more than 2^53 elements or bytes");
	diag_fini(&dl);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* A package whose root item is a symbolic link to itself. */
static void test_symlink_loop_named(void **state)
{
	char *dir = tu_tmpdir();
	char path[4200], cmd[4400];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/m.mlpackage/Data/com.apple.CoreML' && "
	         "ln -s model.mlmodel '%s/m.mlpackage/Data/com.apple.CoreML/model.mlmodel'",
	         dir, dir);
	assert_int_equal(system(cmd), 0);
	static const char manifest[] =
		"{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"r\": {\"author\": "
		"\"com.apple.CoreML\", \"description\": \"d\", \"name\": \"model.mlmodel\", "
		"\"path\": \"com.apple.CoreML/model.mlmodel\"}}, \"rootModelIdentifier\": \"r\"}";
	snprintf(path, sizeof path, "%s/m.mlpackage/Manifest.json", dir);
	assert_int_equal(tu_write_file(path, manifest, sizeof manifest - 1), 0);
	snprintf(path, sizeof path, "%s/m.mlpackage", dir);
	DiagList dl;
	diag_init(&dl);
	assert_null(anelint_load(path, &dl));
	tu_assert_first_error(&dl, FE_E_ROOT_MISSING, "symbolic link loop");
	diag_fini(&dl);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nul_in_comment_is_linear),
		cmocka_unit_test(test_lexing_stops_at_error_cap),
		cmocka_unit_test(test_fifo_refused_without_opening),
		cmocka_unit_test(test_stdin_sniffed_from_first_bytes),
		cmocka_unit_test(test_absurd_shape_refused),
		cmocka_unit_test(test_symlink_loop_named),
	};
	return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
