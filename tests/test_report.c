/* test_report.c - the analysis reports over real pass results: the JSON
 * report against docs/report.schema.json and its own sums, SARIF's
 * required structure, DOT well-formed (braces, nodes, one cluster per
 * segment), JUnit parsed back, the annotated dump parsing back to the same
 * program, the text summary.  Fixtures are MIL programs (report_fixtures.h),
 * the example, and every corpus model when ../shared is present. */
#include "testutil.h"
#include "driver/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "anelint.h"
#include "backend/json_schema.h"
#include "backend/report.h"
#include "report_fixtures.h"

/* ------------------------------------------------------------ analysis */

typedef struct An {
	DiagList dl;
	Module *m;
	PassCtx *ctx;
	ReportInput in;
	char *dir;
} An;

static bool analyse_path(An *an, const char *path, int units)
{
	memset(&an->dl, 0, sizeof an->dl);
	diag_init(&an->dl);
	an->m = anelint_load(path, &an->dl);
	an->ctx = NULL;
	if (!an->m)
		return false;
	PassOptions po;
	pass_options_init(&po);
	if (units >= 0)
		po.compute_units = units;
	an->ctx = pass_ctx_new(an->m, &an->dl, &po);
	pass_run_pipeline(an->ctx);
	pass_run(an->ctx, PASS_PARTITION);
	pass_run(an->ctx, PASS_FLEX);
	driver_reruns(an->ctx);
	report_input_init(&an->in, an->m, an->ctx, path, NULL, "test");
	return ane_counts(an->ctx, NULL, CU_ALL) != NULL;
}

static void analyse_text(An *an, const char *text, int units)
{
	an->dir = tu_tmpdir();
	char path[1024];
	snprintf(path, sizeof path, "%s/model.mil", an->dir);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	assert_true(analyse_path(an, path, units));
	/* the module keeps its own copy of the path */
	an->in.path = an->m->file;
}

static void an_free(An *an)
{
	if (an->ctx)
		pass_ctx_free(an->ctx);
	if (an->m)
		ir_module_free(an->m);
	diag_fini(&an->dl);
	if (an->dir) {
		char cmd[1200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", an->dir);
		assert_int_equal(system(cmd), 0);
		free(an->dir);
	}
	memset(an, 0, sizeof *an);
}

/* noinline: gcc -O2 takes the open_memstream buffer for a local once inlined */
__attribute__((noinline)) static char *emit(const An *an, ReportFormat fmt)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	int rc = 0;
	switch (fmt) {
	case REPORT_TEXT: report_text(&an->in, f); break;
	case REPORT_SARIF: rc = report_sarif(&an->in, f); break;
	case REPORT_DOT: rc = report_dot(&an->in, f); break;
	case REPORT_MIL: report_mil(&an->in, f); break;
	case REPORT_JSON: rc = report_json(&an->in, f); break;
	case REPORT_JUNIT: {
		Arena *a = arena_new();
		JunitCase c = report_junit_case(&an->in, a);
		JunitSuite s = { "anelint analyze", 0, 1, &c };
		rc = junit_write(&s, f);
		arena_free(a);
		break;
	}
	default: break;
	}
	fclose(f);
	assert_int_equal(rc, 0);
	return buf;
}

static json_object *schema(void)
{
	static json_object *s;
	if (!s) {
		char path[1024];
		snprintf(path, sizeof path, "%s/docs/report.schema.json", tu_source_dir());
		s = json_object_from_file(path);
		assert_non_null(s);
	}
	return s;
}

static json_object *get(json_object *o, const char *path)
{
	/* "a.b.c" */
	char key[128];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		json_object *v = NULL;
		if (json_object_is_type(o, json_type_array))
			v = json_object_array_get_idx(o, (size_t)atoi(key));
		else if (!json_object_object_get_ex(o, key, &v))
			return NULL;
		o = v;
		path += n + (path[n] == '.');
	}
	return o;
}

/* Off-ANE executable ops under the lead setting. */
static uint32_t off_ane(const An *an)
{
	const AneCounts *k = ane_counts(an->ctx, NULL, an->in.units);
	return k->executable - k->on[DEV_ANE];
}

/* ------------------------------------------------------------ JSON */

static void check_json(const An *an, const char *what)
{
	char *text = emit(an, REPORT_JSON);
	json_object *r = json_tokener_parse(text);
	assert_non_null(r);
	char err[1024];
	if (json_schema_validate(schema(), r, err, sizeof err) != 0)
		fail_msg("%s: the report does not conform to docs/report.schema.json: %s", what, err);
	/* the sums agree with the op list */
	json_object *ops = get(r, "ops");
	size_t nops = json_object_array_length(ops);
	const char *lead = json_object_get_string(get(r, "lead_compute_units"));
	json_object *setting = get(get(r, "compute_units"), lead);
	assert_int_equal(json_object_get_int64(get(setting, "ops")), nops);
	uint32_t on[DEV_COUNT] = { 0 }, consts = 0, off = 0, grouped = 0;
	double weight = 0;
	for (size_t i = 0; i < nops; i++) {
		json_object *op = json_object_array_get_idx(ops, i);
		assert_non_null(get(op, "name"));
		json_object *dev = get(op, "preferred_device");
		if (json_object_get_boolean(get(op, "const"))) {
			consts++;
			if (dev)
				fail_msg("%s: const op %s has a device", what, json_object_get_string(get(op, "name")));
			continue;
		}
		assert_non_null(dev);
		const char *d = json_object_get_string(dev);
		on[strcmp(d, "ANE") == 0 ? DEV_ANE : strcmp(d, "GPU") == 0 ? DEV_GPU : DEV_CPU]++;
		weight += json_object_get_double(get(op, "cost_weight"));
		if (strcmp(d, "ANE") != 0) {
			off++;
			/* every op that leaves the ANE says why */
			if (!get(op, "reason"))
				fail_msg("%s: op %s is on the %s without a reason", what,
				         json_object_get_string(get(op, "name")), d);
		}
	}
	assert_int_equal(json_object_get_int64(get(setting, "const")), consts);
	assert_int_equal(json_object_get_int64(get(setting, "devices.ANE")), on[DEV_ANE]);
	assert_int_equal(json_object_get_int64(get(setting, "devices.CPU")), on[DEV_CPU]);
	assert_int_equal(json_object_get_int64(get(setting, "devices.GPU")), on[DEV_GPU]);
	if (nops > consts && json_object_get_double(get(setting, "latency.ms")) > 0 &&
	    fabs(weight - 1.0) > 1e-3 * (double)nops)
		fail_msg("%s: cost weights sum to %f", what, weight);
	json_object *groups = get(r, "fallback_groups");
	for (size_t i = 0; i < json_object_array_length(groups); i++)
		grouped += (uint32_t)json_object_get_int(get(json_object_array_get_idx(groups, i), "count"));
	assert_int_equal(grouped, off);
	assert_int_equal(off, off_ane(an));
	json_object_put(r);
	free(text);
}

static void test_report_json_fixtures(void **state)
{
	static const RfNet nets[] = {
		{ .nconv = 4 },
		{ .nconv = 4, .int32_after = 2 },
		{ .nconv = 4, .big_kernel_at = 3 },
		{ .nconv = 1, .hw = 4 },
	};
	for (size_t i = 0; i < sizeof nets / sizeof *nets; i++) {
		char *text = rf_convnet(&nets[i]);
		for (int u = 0; u < CU_COUNT; u++) {
			An an = { 0 };
			analyse_text(&an, text, u);
			char what[64];
			snprintf(what, sizeof what, "fixture %zu, %s", i, compute_units_name((ComputeUnits)u));
			check_json(&an, what);
			an_free(&an);
		}
		free(text);
	}
}

static void test_report_json_example(void **state)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/examples/tiny_convnet.mil", tu_source_dir());
	An an = { 0 };
	assert_true(analyse_path(&an, path, -1));
	check_json(&an, "examples/tiny_convnet.mil");
	an_free(&an);
}

/* The int32 round trip leaves the ANE, with a reason code and a hint. */
static void test_report_json_reasons(void **state)
{
	RfNet n = { .nconv = 4, .int32_after = 2 };
	char *text = rf_convnet(&n);
	An an = { 0 };
	analyse_text(&an, text, -1);
	char *js = emit(&an, REPORT_JSON);
	json_object *r = json_tokener_parse(js);
	free(js);
	assert_non_null(r);
	json_object *ops = get(r, "ops");
	bool seen = false;
	for (size_t i = 0; i < json_object_array_length(ops); i++) {
		json_object *op = json_object_array_get_idx(ops, i);
		if (strcmp(json_object_get_string(get(op, "name")), "idx") != 0)
			continue;
		seen = true;
		assert_string_not_equal(json_object_get_string(get(op, "preferred_device")), "ANE");
		const char *code = json_object_get_string(get(op, "reason.code"));
		assert_non_null(code);
		assert_true(strlen(json_object_get_string(get(op, "reason.message"))) > 0);
		/* the ANE is not among the supported devices of any setting */
		json_object *sup = get(op, "compute_units.ALL.supported_devices");
		for (size_t j = 0; j < json_object_array_length(sup); j++)
			assert_string_not_equal(json_object_get_string(json_object_array_get_idx(sup, j)), "ANE");
		assert_string_equal(json_object_get_string(get(op, "function")), "main");
		assert_string_equal(json_object_get_string(get(op, "type")), "cast");
		assert_string_equal(json_object_get_string(get(op, "outputs.0.name")), "idx");
		assert_non_null(strstr(json_object_get_string(get(op, "outputs.0.type")), "int32"));
	}
	assert_true(seen);
	json_object_put(r);
	char *txt = emit(&an, REPORT_TEXT);
	assert_non_null(strstr(txt, "ANE coverage:"));
	assert_non_null(strstr(txt, "ops that leave the ANE"));
	assert_non_null(strstr(txt, "idx"));
	assert_non_null(strstr(txt, "hint:"));
	free(txt);
	an_free(&an);
	free(text);
}

/* ------------------------------------------------------------ SARIF */

static void check_sarif(const An *an, const char *what)
{
	char *text = emit(an, REPORT_SARIF);
	json_object *r = json_tokener_parse(text);
	assert_non_null(r);
	assert_string_equal(json_object_get_string(get(r, "version")), "2.1.0");
	assert_non_null(strstr(json_object_get_string(get(r, "$schema")), "sarif"));
	assert_int_equal(json_object_array_length(get(r, "runs")), 1);
	json_object *run = get(r, "runs.0");
	assert_string_equal(json_object_get_string(get(run, "tool.driver.name")), "anelint");
	json_object *rules = get(run, "tool.driver.rules");
	assert_true(json_object_array_length(rules) > 0);
	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		json_object *rule = json_object_array_get_idx(rules, i);
		assert_non_null(get(rule, "id"));
		assert_non_null(get(rule, "shortDescription.text"));
		assert_non_null(get(rule, "help.text"));
		assert_non_null(get(rule, "properties.confidence"));
	}
	json_object *results = get(run, "results");
	assert_int_equal(json_object_array_length(results), off_ane(an));
	for (size_t i = 0; i < json_object_array_length(results); i++) {
		json_object *res = json_object_array_get_idx(results, i);
		const char *id = json_object_get_string(get(res, "ruleId"));
		assert_non_null(id);
		json_object *rule = json_object_array_get_idx(rules, (size_t)json_object_get_int(get(res, "ruleIndex")));
		assert_non_null(rule);
		assert_string_equal(json_object_get_string(get(rule, "id")), id);
		assert_non_null(get(res, "level"));
		assert_non_null(get(res, "message.text"));
		json_object *loc = get(res, "locations.0");
		assert_non_null(loc);
		assert_non_null(get(loc, "physicalLocation.artifactLocation.uri"));
		assert_non_null(get(loc, "logicalLocations.0.fullyQualifiedName"));
		if (!get(loc, "physicalLocation.region") && !get(res, "properties.opIndex"))
			fail_msg("%s: a result has neither a region nor an op index", what);
	}
	json_object_put(r);
	free(text);
}

static void test_report_sarif(void **state)
{
	RfNet n = { .nconv = 4, .int32_after = 2, .big_kernel_at = 4 };
	char *text = rf_convnet(&n);
	An an = { 0 };
	analyse_text(&an, text, -1);
	assert_true(off_ane(&an) >= 2);
	check_sarif(&an, "fixture");
	/* MIL text: every result has a line */
	char *s = emit(&an, REPORT_SARIF);
	json_object *r = json_tokener_parse(s);
	json_object *results = get(r, "runs.0.results");
	for (size_t i = 0; i < json_object_array_length(results); i++)
		assert_true(json_object_get_int(get(json_object_array_get_idx(results, i),
		            "locations.0.physicalLocation.region.startLine")) > 0);
	json_object_put(r);
	free(s);
	an_free(&an);
	free(text);
}

/* ------------------------------------------------------------ DOT */

static void check_dot(const An *an, const char *what)
{
	char *dot = emit(an, REPORT_DOT);
	assert_true(strncmp(dot, "digraph ", 8) == 0);
	/* braces balance outside quoted strings, and never go negative */
	int depth = 0;
	bool q = false;
	for (const char *p = dot; *p; p++) {
		if (q) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				q = false;
			continue;
		}
		if (*p == '"')
			q = true;
		else if (*p == '{')
			depth++;
		else if (*p == '}')
			assert_true(--depth >= 0);
	}
	assert_false(q);
	assert_int_equal(depth, 0);
	/* every node used in an edge is declared */
	char *copy = strdup(dot);
	VEC(char *) declared = { 0 };
	Arena *a = arena_new();
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		while (*line == ' ')
			line++;
		if (strncmp(line, "f", 1) == 0 && strstr(line, " [") && !strstr(line, "->")) {
			char id[64];
			sscanf(line, "%63[^ ]", id);
			vec_push(a, &declared, arena_strdup(a, id));
		}
	}
	free(copy);
	copy = strdup(dot);
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		char src[64], dst[64];
		if (sscanf(line, " %63s -> %63[^;];", src, dst) != 2)
			continue;
		bool s = false, d = false;
		for (uint32_t i = 0; i < declared.n; i++) {
			s |= strcmp(declared.v[i], src) == 0;
			d |= strcmp(declared.v[i], dst) == 0;
		}
		if (!s || !d)
			fail_msg("%s: edge %s -> %s names an undeclared node", what, src, dst);
	}
	free(copy);
	/* one cluster per segment */
	uint32_t segs = 0;
	for (uint32_t i = 0; i < an->m->funcs.n; i++) {
		const AneFuncPlan *p = ane_func_plan(an->ctx, an->m->funcs.v[i], an->in.units);
		segs += p ? p->nsegments : 0;
	}
	uint32_t clusters = 0;
	for (const char *p = dot; (p = strstr(p, "subgraph cluster_f")); p++)
		clusters += strstr(p, "_s") && strchr(p, '{') && strstr(p, "_s") < strchr(p, '{');
	assert_int_equal(clusters, segs);
	arena_free(a);
	free(dot);
}

static void test_report_dot(void **state)
{
	RfNet n = { .nconv = 4, .int32_after = 2 };
	char *text = rf_convnet(&n);
	An an = { 0 };
	analyse_text(&an, text, -1);
	check_dot(&an, "fixture");
	an_free(&an);
	free(text);
}

/* ------------------------------------------------------------ annotated MIL */

static void check_mil(const An *an, const char *what)
{
	char *dump = emit(an, REPORT_MIL);
	char *dir = tu_tmpdir(), path[1024];
	snprintf(path, sizeof path, "%s/annotated.mil", dir);
	assert_int_equal(tu_write_file(path, dump, strlen(dump)), 0);
	DiagList dl;
	diag_init(&dl);
	Module *m2 = anelint_load(path, &dl);
	if (!m2) {
		diag_print_all(&dl, stderr);
		fail_msg("%s: the annotated dump does not parse back", what);
	}
	/* the same program: both print alike without annotations */
	char *a = tu_print_module(an->m), *b = tu_print_module(m2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	ir_module_free(m2);
	diag_fini(&dl);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
	free(dump);
}

static void test_report_mil(void **state)
{
	RfNet n = { .nconv = 3, .big_kernel_at = 2 };
	char *text = rf_convnet(&n);
	An an = { 0 };
	analyse_text(&an, text, -1);
	check_mil(&an, "fixture");
	char *dump = emit(&an, REPORT_MIL);
	/* each executable op line carries its device and segment */
	assert_non_null(strstr(dump, "conv2 = conv("));
	const char *line = strstr(dump, "conv2 = conv(");
	const char *eol = strchr(line, '\n');
	const char *c = strstr(line, "// ane[ALL]: ");
	assert_true(c && c < eol);
	assert_non_null(strstr(c, " seg "));
	free(dump);
	an_free(&an);
	free(text);
}

/* ------------------------------------------------------------ JUnit */

static void test_report_junit(void **state)
{
	RfNet n = { .nconv = 4, .int32_after = 2 };
	char *text = rf_convnet(&n);
	An an = { 0 };
	analyse_text(&an, text, -1);
	char *xml = emit(&an, REPORT_JUNIT);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr suite = NULL, tc = NULL, fail = NULL;
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !suite)
			suite = c;
	assert_non_null(suite);
	for (xmlNodePtr c = suite->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !tc)
			tc = c;
	assert_non_null(tc);
	assert_string_equal((const char *)tc->name, "testcase");
	for (xmlNodePtr c = tc->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "failure") == 0)
			fail = c;
	assert_non_null(fail);
	xmlChar *msg = xmlGetProp(fail, BAD_CAST "message");
	assert_non_null(strstr((const char *)msg, "leave the ANE"));
	xmlFree(msg);
	xmlChar *body = xmlNodeGetContent(fail);
	assert_non_null(strstr((const char *)body, "idx"));
	xmlFree(body);
	xmlFreeDoc(doc);
	free(xml);
	an_free(&an);
	free(text);
}

/* ------------------------------------------------------------ corpus */

static void test_report_corpus(void **state)
{
	TU_REQUIRE_SHARED();
	static const char *const suffixes[] = { ".mlpackage", ".mlmodel", ".mil" };
	size_t total, analysed = 0;
	char **list = tu_corpus_models("", suffixes, sizeof suffixes / sizeof *suffixes, &total);
	for (size_t i = 0; i < total; i++) {
		An an = { 0 };
		if (!analyse_path(&an, list[i], -1)) {
			an_free(&an);
			continue;
		}
		analysed++;
		check_json(&an, list[i]);
		check_sarif(&an, list[i]);
		check_dot(&an, list[i]);
		check_mil(&an, list[i]);
		an_free(&an);
	}
	tu_free_list(list, total);
	print_message("report corpus: %zu of %zu models analysed and reported\n", analysed, total);
	assert_true(analysed > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_json_fixtures),
		cmocka_unit_test(test_report_json_example),
		cmocka_unit_test(test_report_json_reasons),
		cmocka_unit_test(test_report_sarif),
		cmocka_unit_test(test_report_dot),
		cmocka_unit_test(test_report_mil),
		cmocka_unit_test(test_report_junit),
		cmocka_unit_test(test_report_corpus),
	};
	int rc = cmocka_run_group_tests_name("report", tests, NULL, NULL);
	json_object_put(schema());
	return rc;
}
