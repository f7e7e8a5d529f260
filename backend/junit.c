/* junit.c - JUnit XML through libxml2's xmlTextWriter (junit.h), libxml2 loaded on use
 * (xmlapi.h). */
#include "backend/junit.h"

#include <string.h>

#include "backend/emit_util.h"
#include "backend/xmlapi.h"

typedef struct JW {
	XmlApi x;
	xmlTextWriterPtr w;
	Arena *a;
} JW;

static int attr(JW *j, const char *name, const char *value)
{
	return j->x.xmlTextWriterWriteAttribute(j->w, BAD_CAST name,
	                                        BAD_CAST emit_clean_utf8(j->a, value ? value : "", true));
}

static int attr_u32(JW *j, const char *name, uint32_t v)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%u", v);
	return attr(j, name, buf);
}

static int attr_secs(JW *j, const char *name, double s)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%.6f", s < 0 ? 0.0 : s);
	return attr(j, name, buf);
}

static int text(JW *j, const char *s)
{
	return j->x.xmlTextWriterWriteString(j->w, BAD_CAST emit_clean_utf8(j->a, s, true));
}

static int start(JW *j, const char *name)
{
	return j->x.xmlTextWriterStartElement(j->w, BAD_CAST name);
}

static int end(JW *j)
{
	return j->x.xmlTextWriterEndElement(j->w);
}

int junit_write(const JunitSuite *s, FILE *out)
{
	JW j;
	const char *why = NULL;
	if (xml_api_open(&j.x, &why) != 0) {
		fprintf(stderr, "anelint: cannot write JUnit XML: %s\n", why);
		return -1;
	}
	xmlBufferPtr buf = j.x.xmlBufferCreate();
	if (!buf)
		return -1;
	j.w = j.x.xmlNewTextWriterMemory(buf, 0);
	if (!j.w) {
		j.x.xmlBufferFree(buf);
		return -1;
	}
	j.a = arena_new();
	uint32_t failures = 0, errors = 0;
	for (uint32_t i = 0; i < s->ncases; i++) {
		failures += s->cases[i].failure && !s->cases[i].error;
		errors += s->cases[i].failure && s->cases[i].error;
	}
	int rc = 0;
	j.x.xmlTextWriterSetIndent(j.w, 1);
	j.x.xmlTextWriterSetIndentString(j.w, BAD_CAST "  ");
	rc |= j.x.xmlTextWriterStartDocument(j.w, "1.0", "UTF-8", NULL) < 0;
	rc |= start(&j, "testsuites") < 0;
	rc |= attr(&j, "name", s->name) < 0;
	rc |= attr_u32(&j, "tests", s->ncases) < 0;
	rc |= attr_u32(&j, "failures", failures) < 0;
	rc |= attr_u32(&j, "errors", errors) < 0;
	rc |= attr_secs(&j, "time", s->seconds) < 0;
	rc |= start(&j, "testsuite") < 0;
	rc |= attr(&j, "name", s->name) < 0;
	rc |= attr_u32(&j, "tests", s->ncases) < 0;
	rc |= attr_u32(&j, "failures", failures) < 0;
	rc |= attr_u32(&j, "errors", errors) < 0;
	rc |= attr_u32(&j, "skipped", 0) < 0;
	rc |= attr_secs(&j, "time", s->seconds) < 0;
	for (uint32_t i = 0; i < s->ncases && !rc; i++) {
		const JunitCase *c = &s->cases[i];
		rc |= start(&j, "testcase") < 0;
		rc |= attr(&j, "classname", c->classname) < 0;
		rc |= attr(&j, "name", c->name) < 0;
		rc |= attr_secs(&j, "time", c->seconds) < 0;
		if (c->failure) {
			rc |= start(&j, c->error ? "error" : "failure") < 0;
			rc |= attr(&j, "message", c->failure) < 0;
			rc |= attr(&j, "type", c->failure_type ? c->failure_type : "failure") < 0;
			if (c->details)
				rc |= text(&j, c->details) < 0;
			rc |= end(&j) < 0;
		}
		if (c->system_out) {
			rc |= start(&j, "system-out") < 0;
			rc |= text(&j, c->system_out) < 0;
			rc |= end(&j) < 0;
		}
		rc |= end(&j) < 0;
	}
	rc |= j.x.xmlTextWriterEndDocument(j.w) < 0;     /* closes the open elements */
	j.x.xmlFreeTextWriter(j.w);
	size_t len = (size_t)j.x.xmlBufferLength(buf);
	if (!rc && fwrite(j.x.xmlBufferContent(buf), 1, len, out) != len)
		rc = 1;
	j.x.xmlBufferFree(buf);
	arena_free(j.a);
	xml_api_close(&j.x);
	return rc ? -1 : 0;
}
