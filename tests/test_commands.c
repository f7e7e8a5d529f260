/* test_commands.c - analyze, compat and check as CI runs them: exit
 * statuses (compat 0/1/2/3, check 0/1/2, analyze 0/2), gates holding and
 * failing, --deny of a code present and absent, the baseline gate when one
 * op moves off the ANE, the formats each accepts, and output written
 * atomically with -o. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "report_fixtures.h"

static char *dir;

static int setup(void **state)
{
	dir = tu_tmpdir();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	int rc = system(cmd);
	free(dir);
	return rc;
}

static int vrun(char **out, char **err, const char *fmt, va_list ap)
{
	char args[6000], cmd[8192];
	vsnprintf(args, sizeof args, fmt, ap);
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", dir, tu_bin(), args);
	return tu_run(cmd, out, err);
}

static int run(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int run(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vrun(out, err, fmt, ap);
	va_end(ap);
	return rc;
}

/* Run and forget the output; returns the exit status. */
static int status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int status(const char *fmt, ...)
{
	char *out, *err;
	va_list ap;
	va_start(ap, fmt);
	int rc = vrun(&out, &err, fmt, ap);
	va_end(ap);
	free(out);
	free(err);
	return rc;
}

static void write_net(const char *name, RfNet n)
{
	char *text = rf_convnet(&n), path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	free(text);
}

static void write_text(const char *name, const char *text)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
}

/* Every op of a small int32 program leaves the ANE. */
static const char INT_ONLY[] =
	"program(1.3)\n{\n    func main<ios17>(tensor<int32, [1, 64]> a, tensor<int32, [1, 64]> b) {\n"
	"            tensor<int32, [1, 64]> c = add(x = a, y = b)[name = string(\"c\")];\n"
	"            tensor<int32, [1, 64]> d = mul(x = c, y = b)[name = string(\"d\")];\n"
	"        } -> (d);\n}\n";

/* ------------------------------------------------------------ analyze */

static void test_commands_analyze(void **state)
{
	write_net("ok.mil", (RfNet){ .nconv = 6 });
	char *out, *err;
	assert_int_equal(run(&out, &err, "analyze ok.mil"), 0);
	assert_non_null(strstr(out, "ops: "));
	assert_non_null(strstr(out, "ANE coverage: "));
	assert_non_null(strstr(out, "segments: "));
	free(out);
	free(err);
	/* every format; -o writes the file and leaves no temporary */
	static const char *const fmts[] = { "text", "json", "junit", "sarif", "dot", "mil" };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(run(&out, &err, "analyze -f %s -o report.out ok.mil", fmts[i]), 0);
		assert_string_equal(out, "");
		free(out);
		free(err);
		char path[1200];
		snprintf(path, sizeof path, "%s/report.out", dir);
		size_t n;
		char *text = tu_read_file(path, &n);
		assert_non_null(text);
		assert_true(n > 0);
		free(text);
	}
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q 'tmp'", dir);
	assert_int_not_equal(system(cmd), 0);
	/* the mil format parses back */
	assert_int_equal(status("analyze -f mil -o annotated.mil ok.mil"), 0);
	assert_int_equal(status("dump annotated.mil > /dev/null"), 0);
	/* unusable input and bad options: 2, one line */
	assert_int_equal(run(&out, &err, "analyze -f yaml ok.mil"), 2);
	assert_non_null(strstr(err, "unknown format 'yaml'"));
	free(out);
	free(err);
	assert_int_equal(status("analyze nosuch.mil"), 2);
	write_text("garbage.mil", "program(1.3) { func main<ios17>( {");
	assert_int_equal(status("analyze garbage.mil"), 2);
	assert_int_equal(status("analyze"), 2);
	assert_int_equal(status("analyze --compute-units=nope ok.mil"), 2);
	/* an --input-shape that fits no input of the model is a usage error */
	assert_int_equal(run(&out, &err, "analyze --input-shape nosuch=1,2 ok.mil"), 2);
	assert_non_null(strstr(err, "error[ANE901]"));
	free(out);
	free(err);
	/* a failed write keeps the old file */
	assert_int_equal(status("analyze -f json -o /nonexistent/dir/r.json ok.mil"), 2);
	assert_int_equal(run(&out, &err, "help analyze"), 0);
	assert_non_null(strstr(out, "usage: anelint analyze"));
	free(out);
	free(err);
}

/* ------------------------------------------------------------ compat */

static void test_commands_compat(void **state)
{
	write_net("full.mil", (RfNet){ .nconv = 6 });
	write_net("part.mil", (RfNet){ .nconv = 6, .int32_after = 3 });
	write_text("none.mil", INT_ONLY);
	write_text("bad.mil", "not a model");
	char *out, *err;
	assert_int_equal(run(&out, &err, "compat full.mil"), 0);
	assert_non_null(strstr(out, "fully ANE-compatible"));
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));   /* one line */
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "compat part.mil"), 1);
	assert_non_null(strstr(out, "partially ANE-compatible"));
	assert_non_null(strstr(out, "idx"));            /* the reason line names the op */
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "compat none.mil"), 2);
	assert_non_null(strstr(out, "not ANE-compatible"));
	free(out);
	free(err);
	/* the compute units decide too */
	assert_int_equal(status("compat --compute-units=cpu_only full.mil"), 2);
	assert_int_equal(status("compat bad.mil"), 3);
	assert_int_equal(status("compat nosuch.mil"), 3);
	assert_int_equal(status("compat --bogus full.mil"), 3);
	assert_int_equal(status("compat"), 3);
}

/* ------------------------------------------------------------ check */

static void test_commands_check_gates(void **state)
{
	write_net("full.mil", (RfNet){ .nconv = 6 });
	write_net("part.mil", (RfNet){ .nconv = 6, .int32_after = 3 });
	char *out, *err;
	assert_int_equal(run(&out, &err, "check full.mil"), 0);
	assert_non_null(strstr(out, "analyse"));
	free(out);
	free(err);
	assert_int_equal(status("check --min-ane 100 --max-switches 0 full.mil"), 0);
	assert_int_equal(run(&out, &err, "check --min-ane 100 part.mil"), 1);
	assert_non_null(strstr(out, "FAIL"));
	assert_non_null(strstr(out, "min-ane"));
	free(out);
	free(err);
	assert_int_equal(status("check --min-ane=50 part.mil"), 0);
	assert_int_equal(status("check --max-switches 0 part.mil"), 1);
	assert_int_equal(status("check --max-switches 100 part.mil"), 0);
	/* one failing model fails the run */
	assert_int_equal(status("check --min-ane 100 full.mil part.mil"), 1);
	/* bad values, unusable models: 2 */
	assert_int_equal(status("check --min-ane 101 full.mil"), 2);
	assert_int_equal(status("check --min-ane x full.mil"), 2);
	assert_int_equal(status("check --max-switches -1 full.mil"), 2);
	assert_int_equal(status("check --min-ane"), 2);
	assert_int_equal(status("check -f sarif full.mil"), 2);
	assert_int_equal(status("check --min-ane 0 full.mil nosuch.mil"), 2);
}

/* The code that sends the int32 cast off the ANE, from the JSON report. */
static char *reason_code(const char *model)
{
	char *out, *err;
	assert_int_equal(run(&out, &err, "analyze -f json %s", model), 0);
	json_object *r = json_tokener_parse(out);
	assert_non_null(r);
	json_object *ops, *reason, *code;
	char *found = NULL;
	assert_true(json_object_object_get_ex(r, "ops", &ops));
	for (size_t i = 0; i < json_object_array_length(ops) && !found; i++) {
		json_object *op = json_object_array_get_idx(ops, i), *name;
		json_object_object_get_ex(op, "name", &name);
		if (strcmp(json_object_get_string(name), "idx") == 0 &&
		    json_object_object_get_ex(op, "reason", &reason) && reason &&
		    json_object_object_get_ex(reason, "code", &code))
			found = strdup(json_object_get_string(code));
	}
	json_object_put(r);
	free(out);
	free(err);
	assert_non_null(found);
	return found;
}

static void test_commands_check_deny(void **state)
{
	write_net("full.mil", (RfNet){ .nconv = 6 });
	write_net("part.mil", (RfNet){ .nconv = 6, .int32_after = 3 });
	char *code = reason_code("part.mil");
	char *out, *err;
	assert_int_equal(run(&out, &err, "check --deny %s part.mil", code), 1);
	assert_non_null(strstr(out, code));
	assert_non_null(strstr(out, "idx"));
	free(out);
	free(err);
	assert_int_equal(status("check --deny %s full.mil", code), 0);
	/* a code no op has */
	assert_int_equal(status("check --deny ANE999 part.mil"), 0);
	assert_int_equal(status("check --deny not-a-code part.mil"), 2);
	/* JUnit: one case per gate, the failure carries the op */
	assert_int_equal(run(&out, &err, "check -f junit --min-ane 10 --deny %s part.mil", code), 1);
	xmlDocPtr doc = xmlReadMemory(out, (int)strlen(out), "j.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr suite = xmlDocGetRootElement(doc)->children;
	while (suite && suite->type != XML_ELEMENT_NODE)
		suite = suite->next;
	assert_non_null(suite);
	xmlChar *tests = xmlGetProp(suite, BAD_CAST "tests");
	xmlChar *failures = xmlGetProp(suite, BAD_CAST "failures");
	assert_string_equal((const char *)tests, "3");      /* analyse, min-ane, deny */
	assert_string_equal((const char *)failures, "1");
	xmlFree(tests);
	xmlFree(failures);
	bool seen = false;
	for (xmlNodePtr c = suite->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (xmlNodePtr f = c->children; f; f = f->next)
			if (f->type == XML_ELEMENT_NODE && strcmp((const char *)f->name, "failure") == 0) {
				xmlChar *body = xmlNodeGetContent(f);
				seen = strstr((const char *)body, "idx") != NULL;
				xmlFree(body);
			}
	}
	assert_true(seen);
	xmlFreeDoc(doc);
	free(out);
	free(err);
	/* JSON */
	assert_int_equal(run(&out, &err, "check -f json --deny %s part.mil", code), 1);
	json_object *r = json_tokener_parse(out), *v;
	assert_non_null(r);
	assert_true(json_object_object_get_ex(r, "passed", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(r, "status", &v));
	assert_int_equal(json_object_get_int(v), 1);
	json_object_put(r);
	free(out);
	free(err);
	free(code);
}

/* ------------------------------------------------------------ baseline */

static void baseline_case(const char *name, RfNet before, RfNet after, const char *moved)
{
	write_net("model.mil", before);
	char *out, *err;
	assert_int_equal(status("analyze -f json -o base.json model.mil"), 0);
	/* unchanged: the boundary holds */
	assert_int_equal(run(&out, &err, "check --baseline base.json model.mil"), 0);
	assert_non_null(strstr(out, "baseline"));
	free(out);
	free(err);
	/* one op moves off the ANE */
	write_net("model.mil", after);
	int rc = run(&out, &err, "check --baseline base.json model.mil");
	if (rc != 1)
		fail_msg("%s: check --baseline exits %d\n%s%s", name, rc, out, err);
	assert_non_null(strstr(out, "boundary moved"));
	assert_non_null(strstr(out, moved));
	free(out);
	free(err);
	/* JUnit carries it too */
	assert_int_equal(run(&out, &err, "check -f junit --baseline base.json model.mil"), 1);
	assert_non_null(strstr(out, "<failure"));
	assert_non_null(strstr(out, moved));
	free(out);
	free(err);
	/* and JSON names where the op was (read after the baseline is released) */
	assert_int_equal(run(&out, &err, "check -f json --baseline base.json model.mil"), 1);
	assert_non_null(strstr(out, "\"baseline_device\": \"ANE\""));
	assert_non_null(strstr(out, moved));
	free(out);
	free(err);
}

static void test_commands_check_baseline(void **state)
{
	/* a conv's kernel grows to 17x17 */
	baseline_case("kernel", (RfNet){ .nconv = 6 }, (RfNet){ .nconv = 6, .big_kernel_at = 4 },
	              "conv4");
	/* a cast to fp16 becomes a cast to int32 */
	baseline_case("int32", (RfNet){ .nconv = 6, .cast_after = 3 },
	              (RfNet){ .nconv = 6, .int32_after = 3 }, "idx");
	/* baselines that cannot be used */
	write_text("notjson.json", "{ nope");
	write_text("other.json", "{\"schema_version\": 1, \"something\": []}");
	assert_int_equal(status("check --baseline notjson.json model.mil"), 2);
	assert_int_equal(status("check --baseline other.json model.mil"), 2);
	assert_int_equal(status("check --baseline nosuch.json model.mil"), 2);
	assert_int_equal(status("check --baseline base.json model.mil model.mil"), 2);
	/* one baseline per model, in order */
	assert_int_equal(status("check --baseline base.json --baseline base.json model.mil model.mil"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commands_analyze, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_compat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_check_gates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_check_deny, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_check_baseline, setup, teardown),
	};
	return cmocka_run_group_tests_name("commands", tests, NULL, NULL);
}
