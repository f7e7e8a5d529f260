/* test_emit.c - the emitters' building blocks: the JUnit writer (parsed
 * back with libxml2), the UTF-8 cleaning every text format relies on, the
 * streaming JSON writer, and the JSON Schema subset validator the report
 * tests use. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "backend/emit_util.h"
#include "backend/findings.h"
#include "backend/json_schema.h"
#include "backend/json_writer.h"
#include "backend/junit.h"
#include "backend/report.h"

/* ------------------------------------------------------------ helpers */

static char *junit_string(const JunitSuite *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	assert_int_equal(junit_write(s, f), 0);
	fclose(f);
	return buf;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static void assert_attr(xmlNodePtr n, const char *name, const char *want)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	assert_non_null(v);
	if (want)
		assert_string_equal((const char *)v, want);
	xmlFree(v);
}

/* ------------------------------------------------------------ JUnit */

static void test_emit_junit_parses_back(void **state)
{
	JunitCase cases[] = {
		{ .classname = "anelint.check.m.mil", .name = "min-ane 90%", .seconds = 0.25,
		  .failure = "ANE share 75.0% < 90%", .failure_type = "min-ane",
		  .details = "ANE031 cast to int32 (1 op): idx\n  hint: keep indices in int16 & <fp16>" },
		{ .classname = "anelint.check.m.mil", .name = "max-switches 4",
		  .system_out = "2 switches" },
	};
	JunitSuite s = { "anelint check", 0.5, 2, cases };
	char *xml = junit_string(&s);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "testsuites");
	assert_attr(root, "tests", "2");
	assert_attr(root, "failures", "1");
	xmlNodePtr suite = child(root, "testsuite");
	assert_non_null(suite);
	assert_attr(suite, "name", "anelint check");
	assert_attr(suite, "tests", "2");
	assert_attr(suite, "failures", "1");
	assert_attr(suite, "errors", "0");
	assert_attr(suite, "time", NULL);
	int ncases = 0, nfail = 0;
	for (xmlNodePtr c = suite->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		assert_string_equal((const char *)c->name, "testcase");
		assert_attr(c, "classname", "anelint.check.m.mil");
		assert_attr(c, "name", NULL);
		assert_attr(c, "time", NULL);
		ncases++;
		xmlNodePtr f = child(c, "failure");
		if (f) {
			nfail++;
			assert_attr(f, "message", "ANE share 75.0% < 90%");
			assert_attr(f, "type", "min-ane");
			xmlChar *body = xmlNodeGetContent(f);
			assert_non_null(strstr((const char *)body, "keep indices in int16 & <fp16>"));
			xmlFree(body);
		} else {
			xmlNodePtr so = child(c, "system-out");
			assert_non_null(so);
		}
	}
	assert_int_equal(ncases, 2);
	assert_int_equal(nfail, 1);
	xmlFreeDoc(doc);
	free(xml);
}

/* Names from a model may hold any bytes: the document stays well-formed. */
static void test_emit_junit_hostile_strings(void **state)
{
	JunitCase c = { .classname = "a\x01\x02<b>", .name = "op \xff\xfe name \"q\" ]]>",
	                .failure = "bad \xc3\x28 utf8 & \x1b[31m", .details = "\x80\x80 tail" };
	JunitSuite s = { "s\x7f", 0, 1, &c };
	char *xml = junit_string(&s);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "junit.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(doc);
	xmlNodePtr tc = child(child(xmlDocGetRootElement(doc), "testsuite"), "testcase");
	assert_non_null(tc);
	xmlChar *name = xmlGetProp(tc, BAD_CAST "name");
	assert_non_null(strstr((const char *)name, "\"q\" ]]>"));
	xmlFree(name);
	xmlFreeDoc(doc);
	free(xml);
}

/* A case that could not run is an <error>, counted apart from failures. */
static void test_emit_junit_error(void **state)
{
	JunitCase cases[] = {
		{ .classname = "m", .name = "analyse", .failure = "cannot be read", .error = true },
		{ .classname = "m", .name = "gate", .failure = "failed" },
	};
	JunitSuite s = { "errors", 0, 2, cases };
	char *xml = junit_string(&s);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr suite = child(xmlDocGetRootElement(doc), "testsuite");
	assert_attr(suite, "errors", "1");
	assert_attr(suite, "failures", "1");
	xmlNodePtr tc = child(suite, "testcase");
	assert_non_null(child(tc, "error"));
	assert_null(child(tc, "failure"));
	xmlFreeDoc(doc);
	free(xml);
}

static void test_emit_junit_empty_suite(void **state)
{
	JunitSuite s = { "empty", 0, 0, NULL };
	char *xml = junit_string(&s);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr suite = child(xmlDocGetRootElement(doc), "testsuite");
	assert_non_null(suite);
	assert_attr(suite, "tests", "0");
	xmlFreeDoc(doc);
	free(xml);
}

/* ------------------------------------------------------------ UTF-8 */

static void test_emit_utf8_clean(void **state)
{
	Arena *a = arena_new();
	const char *ok = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
	assert_ptr_equal(emit_clean_utf8(a, ok, true), ok);
	assert_string_equal(emit_clean_utf8(a, "a\xff" "b", false), "a\xef\xbf\xbd" "b");
	/* overlong, surrogate, truncated */
	assert_string_equal(emit_clean_utf8(a, "\xc0\xaf", false), "\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(emit_clean_utf8(a, "\xed\xa0\x80", false),
	                    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(emit_clean_utf8(a, "x\xe2\x82", false), "x\xef\xbf\xbd\xef\xbf\xbd");
	/* controls: kept for JSON (json-c escapes them), replaced for XML */
	assert_string_equal(emit_clean_utf8(a, "a\x01" "b", false), "a\x01" "b");
	assert_string_equal(emit_clean_utf8(a, "a\x01" "b\tc\n", true), "a\xef\xbf\xbd" "b\tc\n");
	assert_null(emit_clean_utf8(a, NULL, true));
	arena_free(a);
}

/* Written to a file as the buffer fills: the same text, whatever its size. */
static void test_emit_json_writer_file(void **state)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	JsonWriter w;
	jw_init_file(&w, true, f);
	jw_array(&w);
	char big[100000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	for (int i = 0; i < 20000; i++) {
		jw_object(&w);
		jw_kint(&w, "i", i);
		if (i == 7777)
			jw_kstr(&w, "big", big);   /* larger than the flush size at once */
		jw_end(&w);
	}
	jw_end(&w);
	assert_int_equal(jw_write(&w, f), 0);
	jw_fini(&w);
	fclose(f);
	json_object *o = json_tokener_parse(buf);
	assert_non_null(o);
	assert_int_equal(json_object_array_length(o), 20000);
	json_object *e = json_object_array_get_idx(o, 7777), *v;
	assert_true(json_object_object_get_ex(e, "big", &v));
	assert_int_equal(strlen(json_object_get_string(v)), sizeof big - 1);
	json_object_put(o);
	free(buf);
}

/* ------------------------------------------------------------ JSON Schema */

static const char SCHEMA[] =
	"{ \"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
	"  \"type\": \"object\", \"required\": [\"v\", \"ops\"],"
	"  \"properties\": {"
	"    \"v\": { \"const\": 1 },"
	"    \"ops\": { \"type\": \"array\", \"items\": { \"$ref\": \"#/$defs/op\" } },"
	"    \"dev\": { \"enum\": [\"CPU\", \"GPU\", \"ANE\", null] },"
	"    \"share\": { \"type\": \"number\", \"minimum\": 0, \"maximum\": 1 }"
	"  },"
	"  \"additionalProperties\": false,"
	"  \"$defs\": { \"op\": { \"type\": \"object\", \"required\": [\"name\"],"
	"    \"properties\": { \"name\": { \"type\": \"string\" },"
	"                      \"n\": { \"type\": [\"integer\", \"null\"] } } } } }";

static int check(const char *instance, char *err, size_t n)
{
	json_object *s = json_tokener_parse(SCHEMA), *i = json_tokener_parse(instance);
	assert_non_null(s);
	assert_non_null(i);
	int rc = json_schema_validate(s, i, err, n);
	json_object_put(s);
	json_object_put(i);
	return rc;
}

static void test_emit_json_schema_subset(void **state)
{
	char err[512];
	assert_int_equal(check("{\"v\": 1, \"ops\": [{\"name\": \"a\", \"n\": 3}, {\"name\": \"b\", "
	                       "\"n\": null}], \"dev\": \"ANE\", \"share\": 0.5}", err, sizeof err), 0);
	assert_int_equal(check("{\"v\": 1, \"ops\": [], \"dev\": null}", err, sizeof err), 0);
	assert_int_equal(check("{\"v\": 2, \"ops\": []}", err, sizeof err), -1);
	assert_non_null(strstr(err, "/v"));
	assert_int_equal(check("{\"v\": 1}", err, sizeof err), -1);
	assert_non_null(strstr(err, "\"ops\""));
	assert_int_equal(check("{\"v\": 1, \"ops\": [{\"name\": \"a\"}, {\"n\": 1}]}", err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "/ops/1"));
	assert_int_equal(check("{\"v\": 1, \"ops\": [{\"name\": \"a\", \"n\": 1.5}]}", err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "/ops/0/n"));
	assert_int_equal(check("{\"v\": 1, \"ops\": [], \"dev\": \"NPU\"}", err, sizeof err), -1);
	assert_int_equal(check("{\"v\": 1, \"ops\": [], \"extra\": 1}", err, sizeof err), -1);
	assert_non_null(strstr(err, "extra"));
	assert_int_equal(check("{\"v\": 1, \"ops\": [], \"share\": 1.5}", err, sizeof err), -1);
	/* an unsupported keyword is an error of the schema, not a silent pass */
	json_object *s = json_tokener_parse("{\"type\": \"object\", \"patternProperties\": {}}");
	json_object *i = json_tokener_parse("{}");
	assert_int_equal(json_schema_validate(s, i, err, sizeof err), -1);
	assert_non_null(strstr(err, "patternProperties"));
	json_object_put(s);
	json_object_put(i);
	/* anyOf: null or an object with a name */
	s = json_tokener_parse("{\"anyOf\": [{\"type\": \"null\"}, {\"type\": \"object\", "
	                       "\"required\": [\"name\"]}]}");
	i = json_tokener_parse("null");
	assert_int_equal(json_schema_validate(s, i, err, sizeof err), 0);
	json_object_put(i);
	i = json_tokener_parse("{\"name\": 1}");
	assert_int_equal(json_schema_validate(s, i, err, sizeof err), 0);
	json_object_put(i);
	i = json_tokener_parse("{}");
	assert_int_equal(json_schema_validate(s, i, err, sizeof err), -1);
	assert_non_null(strstr(err, "anyOf"));
	json_object_put(i);
	json_object_put(s);
}

/* ------------------------------------------------------------ JSON writer */

/* The writer's text parses back to what was written, pretty, flat and
 * compact, with hostile strings and fixed-decimal numbers. */
static void test_emit_json_writer(void **state)
{
	for (int mode = 0; mode < 3; mode++) {
		JsonWriter w;
		jw_init(&w, mode != 2);
		jw_object(&w);
		jw_kstr(&w, "s", "q\"b\\s/\n\t\x01 caf\xc3\xa9 bad\xff");
		jw_kint(&w, "neg", -9223372036854775807LL - 1);
		jw_knum(&w, "share", 0.75, 4);
		jw_knum(&w, "small", -0.00001, 4);
		jw_knum(&w, "big", 1e300, 2);
		jw_knum(&w, "nan", NAN, 2);
		jw_knull(&w, "none");
		jw_kbool(&w, "yes", true);
		jw_key(&w, "empty");
		jw_object(&w);
		jw_end(&w);
		jw_key(&w, "list");
		jw_array(&w);
		int flat = mode == 1 ? jw_flat_begin(&w) : 0;
		for (int i = 0; i < 3; i++) {
			jw_object(&w);
			jw_kint(&w, "i", i);
			jw_key(&w, "a");
			jw_array(&w);
			jw_end(&w);
			jw_end(&w);
		}
		if (mode == 1)
			jw_flat_end(&w, flat);
		jw_end(&w);
		jw_end(&w);
		size_t len;
		char *text = jw_take(&w, &len);
		assert_non_null(text);
		assert_int_equal(strlen(text), len);
		json_object *o = json_tokener_parse(text);
		if (!o)
			fail_msg("mode %d: not JSON:\n%s", mode, text);
		json_object *v;
		assert_true(json_object_object_get_ex(o, "s", &v));
		assert_string_equal(json_object_get_string(v), "q\"b\\s/\n\t\x01 caf\xc3\xa9 bad\xef\xbf\xbd");
		assert_true(json_object_object_get_ex(o, "neg", &v));
		assert_true(json_object_get_int64(v) == INT64_MIN);
		assert_non_null(strstr(text, "0.7500"));
		assert_non_null(strstr(text, mode == 2 ? "\"small\":0.0000" : "\"small\": 0.0000"));
		assert_true(json_object_object_get_ex(o, "nan", &v));
		assert_null(v);
		assert_true(json_object_object_get_ex(o, "list", &v));
		assert_int_equal(json_object_array_length(v), 3);
		if (mode == 1)      /* flat: one item per line */
			assert_non_null(strstr(text, "{\"i\": 1, \"a\": []}"));
		json_object_put(o);
		free(text);
		jw_fini(&w);
	}
}

/* Sizes and counts the analysis may not know are null, never -1. */
static void test_emit_json_writer_unknown(void **state)
{
	(void)state;
	JsonWriter w;
	jw_init(&w, false);
	jw_array(&w);
	jw_num_or_null(&w, -1, 2);
	jw_num_or_null(&w, 0, 2);
	jw_num_or_null(&w, 2.5, 1);
	jw_int_or_null(&w, -7);
	jw_int_or_null(&w, 0);
	jw_int_or_null(&w, INT64_MAX);
	jw_end(&w);
	char *text = jw_take(&w, NULL);
	assert_non_null(text);
	assert_string_equal(text, "[null,0.00,2.5,null,0,9223372036854775807]");
	free(text);
	jw_fini(&w);
}

/* Sizes with prefixes: SI numbers (FLOPs, "k") and bytes ("KB", a unit). */
static void test_emit_si_and_bytes(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(report_si(b, sizeof b, -1), "?");
	assert_string_equal(report_si(b, sizeof b, 512), "512");
	assert_string_equal(report_si(b, sizeof b, 12000), "12.0 k");
	assert_string_equal(report_si(b, sizeof b, 3.4e8), "340.00 M");
	assert_string_equal(report_si(b, sizeof b, 1.234e9), "1.23 G");
	assert_string_equal(report_bytes(b, sizeof b, -1), "?");
	assert_string_equal(report_bytes(b, sizeof b, 0), "0 B");
	assert_string_equal(report_bytes(b, sizeof b, 512), "512 B");
	assert_string_equal(report_bytes(b, sizeof b, 12000), "12.0 KB");
	assert_string_equal(report_bytes(b, sizeof b, 3.4e8), "340.00 MB");
	assert_string_equal(report_bytes(b, sizeof b, 1.234e9), "1.23 GB");
}

/* Diagnostics as text: from `first` on, hints and the "more errors" line
 * only when asked, counted by severity. */
static void test_emit_findings_text(void **state)
{
	(void)state;
	DiagList dl;
	diag_init(&dl);
	SrcLoc loc = { .file = "m.mil", .line = 3, .col = 5 };
	diag_add(&dl, SEV_NOTE, "X000", loc, "before first");
	Diag *d = diag_add(&dl, SEV_WARNING, "X001", loc, "a warning");
	d->hint = "do this";
	diag_add(&dl, SEV_ERROR, "X002", loc, "an error");
	dl.max_errors = 1;
	dl.nerrors = 3;                     /* two more were counted, not kept */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FindingCounts c = { { 0 } };
	findings_text(&dl, 1, 0, f, &c);
	fflush(f);
	assert_null(strstr(buf, "before first"));
	assert_non_null(strstr(buf, "a warning"));
	assert_null(strstr(buf, "hint:"));
	assert_null(strstr(buf, "not shown"));
	assert_int_equal(c.n[SEV_WARNING], 1);
	assert_int_equal(c.n[SEV_ERROR], 1);
	assert_int_equal(c.n[SEV_NOTE], 0);
	findings_text(&dl, 1, FINDINGS_HINTS | FINDINGS_MORE, f, NULL);
	fclose(f);
	assert_non_null(strstr(buf, "  hint: do this\n"));
	assert_non_null(strstr(buf, "anelint: 2 more errors not shown\n"));
	free(buf);
	diag_fini(&dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_junit_parses_back),
		cmocka_unit_test(test_emit_junit_hostile_strings),
		cmocka_unit_test(test_emit_junit_error),
		cmocka_unit_test(test_emit_junit_empty_suite),
		cmocka_unit_test(test_emit_utf8_clean),
		cmocka_unit_test(test_emit_json_schema_subset),
		cmocka_unit_test(test_emit_json_writer),
		cmocka_unit_test(test_emit_json_writer_file),
		cmocka_unit_test(test_emit_json_writer_unknown),
		cmocka_unit_test(test_emit_si_and_bytes),
		cmocka_unit_test(test_emit_findings_text),
	};
	return cmocka_run_group_tests_name("emit", tests, NULL, NULL);
}
