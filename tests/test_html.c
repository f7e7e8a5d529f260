/* test_html.c - the HTML report (backend/html.c, `anelint report`): parsed
 * with libxml2's HTML parser without errors, every section present (ids
 * and headings), inline SVG charts, no script and no external reference,
 * and hostile op names escaped.  libxml2's parser is an HTML 4 parser: it
 * reports the SVG element names (svg, rect, ...) as unknown tags
 * (XML_HTML_UNKNOWN_TAG); that one error is allowed for those names only. */
#include "testutil.h"
#include "ane_testutil.h"

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "anelint.h"
#include "backend/report.h"

#define F16(shape) "tensor<fp16, [" shape "]>"
#define ACT F16("1, 64, 32, 32")

static const char *const sections[] = {
	"summary", "latency", "devices", "timeline", "top-ops", "memory", "reasons", "rules", "lint",
};

static const char *const svg_tags[] = {
	"svg", "rect", "line", "polyline", "text", "circle",
};

typedef struct Errors {
	int n;
	char first[512];
} Errors;

static void on_error(void *vctx, xmlErrorPtr e)
{
	Errors *x = vctx;
	if (e->level < XML_ERR_ERROR && e->code != XML_HTML_UNKNOWN_TAG)
		return;     /* warnings */
	if (e->code == XML_HTML_UNKNOWN_TAG && e->str1)
		for (size_t i = 0; i < sizeof svg_tags / sizeof *svg_tags; i++)
			if (strcmp(e->str1, svg_tags[i]) == 0)
				return;
	if (!x->n++)
		snprintf(x->first, sizeof x->first, "line %d: code %d: %s", e->line, e->code,
		         e->message ? e->message : "?");
}

static htmlDocPtr parse(const char *html, size_t len)
{
	Errors errs = { 0, "" };
	htmlParserCtxtPtr pc = htmlNewParserCtxt();
	assert_non_null(pc);
	xmlSetStructuredErrorFunc(&errs, on_error);
	htmlDocPtr doc = htmlCtxtReadMemory(pc, html, (int)len, "report.html", "utf-8", HTML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	htmlFreeParserCtxt(pc);
	assert_non_null(doc);
	if (errs.n)
		fail_msg("%d HTML parse error(s), first: %s", errs.n, errs.first);
	return doc;
}

static int count(htmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr xc = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, xc);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(xc);
	return n;
}

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

/* Every structural property of a page. */
static htmlDocPtr check_page(const char *html, size_t len)
{
	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	/* self-contained: no script at all, nothing fetched */
	assert_false(contains_ci(html, "<script"));
	assert_false(contains_ci(html, "http://"));
	assert_false(contains_ci(html, "https://"));
	assert_false(contains_ci(html, "<link"));
	assert_false(contains_ci(html, "<img"));
	assert_false(contains_ci(html, "@import"));
	assert_false(contains_ci(html, "url("));
	htmlDocPtr doc = parse(html, len);
	assert_int_equal(count(doc, "//script"), 0);
	assert_int_equal(count(doc, "//head/style"), 1);
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
		char xp[128];
		snprintf(xp, sizeof xp, "//div[@class='section' and @id='%s']/h2", sections[i]);
		if (count(doc, xp) != 1)
			fail_msg("section '%s' missing or without its heading", sections[i]);
	}
	/* the charts: device shares, a timeline and a memory chart per function */
	assert_true(count(doc, "//div[@id='devices']//svg") >= 1);
	assert_true(count(doc, "//div[@id='timeline']//svg") >= 1);
	assert_true(count(doc, "//div[@id='memory']//svg") >= 1);
	assert_true(count(doc, "//svg//rect") >= 4);
	assert_true(count(doc, "//div[@id='memory']//svg//polyline") >= 1);
	/* every time is labelled modelled */
	assert_true(strstr(html, "modelled") != NULL);
	return doc;
}

static char *render(const Run *r, size_t *len)
{
	ReportInput in;
	report_input_init(&in, r->m, r->ctx, "t.mil", NULL, "test");
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	assert_int_equal(report_html(&in, f), 0);
	fclose(f);
	return buf;
}

#define HOSTILE "<script>alert(1)</script>"

static void test_html_sections_and_escaping(void **state)
{
	(void)state;
	Run r;
	/* a conv on the ANE, an int32 island the ANE refuses, and hostile names */
	ane_run(&r, "ios17", ACT " x",
	        WEIGHT(F16("64, 64, 3, 3"), "w")
	        S(ACT " a = conv(x = x, weight = w, pad_type = string(\"same\"))[name = string(\"" HOSTILE "\")]")
	        S("tensor<int32, [1, 64, 32, 32]> i = cast(x = a, dtype = string(\"int32\"))"
	          "[name = string(\"q&a'<b>\")]")
	        S(ACT " c = cast(x = i, dtype = string(\"fp16\"))")
	        S(ACT " y = relu(x = c)"), "y", NULL);
	assert_int_equal(nerrors(&r), 0);
	size_t len;
	char *html = render(&r, &len);
	htmlDocPtr doc = check_page(html, len);
	/* the names are text, escaped, never markup */
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "q&amp;a&#39;&lt;b&gt;"));
	assert_null(strstr(html, HOSTILE));
	assert_int_equal(count(doc, "//b"), 0);
	/* ... and they read back as the names */
	assert_true(count(doc, "//div[@id='timeline']//*[contains(text(), '" HOSTILE "')]") +
	            count(doc, "//div[@id='top-ops']//*[contains(text(), '" HOSTILE "')]") >= 1);
	/* the int32 island leaves the ANE: its reason lists its ops */
	assert_true(count(doc, "//div[@id='reasons']//td[@class='code']") >= 1);
	assert_true(count(doc, "//div[@id='reasons']//div[@class='ops' and contains(text(), \"q&a'<b>\")]") == 1);
	xmlFreeDoc(doc);
	free(html);
	done(&r);
}

static void test_html_command(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char cmd[4096], path[2048];
	snprintf(path, sizeof path, "%s/report.html", dir);
	snprintf(cmd, sizeof cmd, "'%s' report --chip all -o '%s' '%s/examples/tiny_convnet.mil'",
	         tu_bin(), path, tu_source_dir());
	char *out = NULL, *err = NULL;
	int rc = tu_run(cmd, &out, &err);
	if (rc != 0)
		fail_msg("exit %d: %s", rc, err ? err : "");
	size_t len;
	char *html = tu_read_file(path, &len);
	assert_non_null(html);
	htmlDocPtr doc = check_page(html, len);
	/* --chip all: one column per ANE generation in the latency section */
	assert_true(count(doc, "//div[@id='latency']//th[text()='H11']") == 1);
	assert_true(count(doc, "//div[@id='latency']//th[text()='H18']") == 1);
	xmlFreeDoc(doc);
	free(html);
	free(out);
	free(err);
	/* a bad format is a usage error */
	snprintf(cmd, sizeof cmd, "'%s' report -f pdf '%s/examples/tiny_convnet.mil'", tu_bin(),
	         tu_source_dir());
	out = err = NULL;
	assert_int_equal(tu_run(cmd, &out, &err), 2);
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	free(dir);
}

/* Every package of the corpus gives a page that parses. */
static void test_html_corpus(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	size_t n;
	char **paths = tu_corpus_find("", ".mlpackage", &n);
	size_t pages = 0;
	for (size_t i = 0; i < n; i++) {
		Run r;
		if (!run_load(&r, paths[i], NULL))
			continue;
		ReportInput in;
		report_input_init(&in, r.m, r.ctx, paths[i], NULL, "test");
		char *buf = NULL;
		size_t len;
		FILE *f = open_memstream(&buf, &len);
		assert_int_equal(report_html(&in, f), 0);
		fclose(f);
		xmlFreeDoc(check_page(buf, len));
		free(buf);
		pages++;
		done(&r);
	}
	tu_free_list(paths, n);
	print_message("%zu corpus pages parse, with every section\n", pages);
	assert_true(pages > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_sections_and_escaping),
		cmocka_unit_test(test_html_command),
		cmocka_unit_test(test_html_corpus),
	};
	int rc = cmocka_run_group_tests_name("html", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
