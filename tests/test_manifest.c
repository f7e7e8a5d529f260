/* test_manifest.c - Manifest.json read by the frontend's own reader
 * (bundle.c manifest_fast: objects and plain strings, read in place) or,
 * for anything else, by json-c: the outcome is the same either way.  Each
 * case is a manifest and what loading the package gives: success, or the
 * code and text of the first error. */
#include "testutil.h"
#include "pbwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

static char *cat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

static void run(const char *cmd_fmt, const char *arg)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, cmd_fmt, arg);
	assert_int_equal(system(cmd), 0);
}

/* The smallest model: spec 1, empty description, kind identity (900). */
static PbBuf tiny_model(void)
{
	PbBuf b = { 0 }, d = { 0 }, id = { 0 };
	pbw_uint(&b, 1, 1);
	pbw_msg(&b, 2, &d);
	pbw_msg(&b, 900, &id);
	return b;
}

/* The first error has this code and its line this text. */
static void expect_first_error(const DiagList *dl, const char *code, const char *text)
{
	const Diag *d = NULL;
	for (uint32_t i = 0; i < dl->d.n && !d; i++)
		if (dl->d.v[i].sev == SEV_ERROR)
			d = &dl->d.v[i];
	assert_non_null(d);
	assert_non_null(d->code);
	assert_string_equal(d->code, code);
	char line[2048];
	diag_format(d, line, sizeof line);
	if (!strstr(line, text))
		fail_msg("'%s' is not in '%s'", text, line);
}

#define ITEM(path) "{\"author\": \"a\", \"description\": \"d\", \"name\": \"n\", \"path\": " path "}"
#define MODEL "\"com.apple.CoreML/model.mlmodel\""

static const struct {
	const char *manifest;
	const char *code;       /* NULL: loads */
	const char *text;
} cases[] = {
	/* the usual spelling, two items, keys in any order */
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": " ITEM(MODEL) ", \"W\": "
	  ITEM("\"com.apple.CoreML/weights\"") "}, \"rootModelIdentifier\": \"A\"}", NULL, NULL },
	{ "\n  {\"rootModelIdentifier\": \"\xc3\xa9\", \"itemInfoEntries\": {\"\xc3\xa9\": " ITEM(MODEL)
	  "}, \"fileFormatVersion\": \"1.0.0\"}  \n", NULL, NULL },
	/* unknown keys, object-valued or nested, are skipped */
	{ "{\"x\": {\"y\": {\"z\": \"w\"}}, \"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": "
	  "{\"author\": \"a\", \"description\": \"d\", \"name\": \"n\", \"path\": " MODEL
	  ", \"extra\": {\"k\": \"v\"}}}, \"rootModelIdentifier\": \"A\"}", NULL, NULL },
	/* escapes: json-c unescapes */
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": "
	  ITEM("\"com.apple.CoreML\\/model.mlmodel\"") "}, \"rootModelIdentifier\": \"A\"}", NULL, NULL },
	/* a key given twice: the last value counts */
	{ "{\"fileFormatVersion\": \"9.0.0\", \"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": "
	  "{\"A\": " ITEM(MODEL) "}, \"rootModelIdentifier\": \"A\"}", NULL, NULL },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": {\"path\": \"x\"}, \"A\": "
	  ITEM(MODEL) "}, \"rootModelIdentifier\": \"A\"}", NULL, NULL },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": {\"author\": \"a\", "
	  "\"description\": \"d\", \"name\": \"n\", \"path\": " MODEL ", \"path\": {\"x\": \"y\"}}}, "
	  "\"rootModelIdentifier\": \"A\"}", FE_E_MANIFEST_KEY, "item 'A' lacks the string key 'path'" },
	/* mistyped values */
	{ "{\"fileFormatVersion\": 1, \"itemInfoEntries\": {\"A\": " ITEM(MODEL) "}, "
	  "\"rootModelIdentifier\": \"A\"}", FE_E_MANIFEST_KEY, "'fileFormatVersion'" },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": " ITEM(MODEL) "}, "
	  "\"rootModelIdentifier\": null}", FE_E_MANIFEST_KEY, "'rootModelIdentifier'" },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": [], \"rootModelIdentifier\": \"A\"}",
	  FE_E_MANIFEST_KEY, "'itemInfoEntries'" },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": \"x\"}, "
	  "\"rootModelIdentifier\": \"A\"}", FE_E_MANIFEST_KEY, "item 'A' is not an object" },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": {\"author\": \"a\", "
	  "\"description\": {\"o\": \"p\"}, \"name\": \"n\", \"path\": " MODEL "}}, "
	  "\"rootModelIdentifier\": \"A\"}", FE_E_MANIFEST_KEY, "lacks the string key 'description'" },
	/* checks after reading */
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {}, \"rootModelIdentifier\": \"A\"}",
	  FE_E_MANIFEST_KEY, "'A' names no entry" },
	{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {\"A\": " ITEM("\"../x\"") "}, "
	  "\"rootModelIdentifier\": \"A\"}", FE_E_UNSAFE_PATH, "leaves the package" },
	{ "{\"fileFormatVersion\": \"1.1.0\", \"itemInfoEntries\": {\"A\": " ITEM(MODEL) "}, "
	  "\"rootModelIdentifier\": \"A\"}", FE_E_MANIFEST_VER, "'1.1.0' is not supported" },
	/* no object at all */
	{ "{}", FE_E_MANIFEST_KEY, "'fileFormatVersion'" },
	{ "[]", FE_E_MANIFEST, "not a JSON object" },
	{ "{ \"fileFormatVersion\": ", FE_E_MANIFEST, "not a JSON object" },
};

static void test_manifest_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *tmp = tu_tmpdir();
		char *pkg = cat(tmp, "m.mlpackage");
		char *data = cat(pkg, "Data/com.apple.CoreML");
		run("mkdir -p '%s'", data);
		char *mp = cat(pkg, "Manifest.json"), *model = cat(data, "model.mlmodel");
		assert_int_equal(tu_write_file(mp, cases[i].manifest, strlen(cases[i].manifest)), 0);
		PbBuf b = tiny_model();
		assert_int_equal(tu_write_file(model, b.p, b.n), 0);
		free(b.p);
		DiagList dl;
		diag_init(&dl);
		Module *m = fe_load(pkg, &dl);
		if (!cases[i].code) {
			if (!m)
				diag_print_all(&dl, stderr);
			assert_non_null(m);
			assert_int_equal(dl.nerrors, 0);
			assert_string_equal(m->desc->format, "mlpackage");
			ir_module_free(m);
		} else {
			assert_null(m);
			expect_first_error(&dl, cases[i].code, cases[i].text);
		}
		diag_fini(&dl);
		run("rm -rf '%s'", tmp);
		free(model);
		free(mp);
		free(data);
		free(pkg);
		free(tmp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
