/* junit.c - JUnit XML through libxml2's xmlTextWriter (junit.h). */
#include "backend/junit.h"

#include <libxml/xmlwriter.h>

#include "backend/emit_util.h"

static int attr(xmlTextWriterPtr w, Arena *a, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, BAD_CAST name,
	                                   BAD_CAST emit_clean_utf8(a, value ? value : "", true));
}

static int attr_u32(xmlTextWriterPtr w, const char *name, uint32_t v)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%u", v);
}

static int attr_secs(xmlTextWriterPtr w, const char *name, double s)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%.6f", s < 0 ? 0.0 : s);
}

static int text(xmlTextWriterPtr w, Arena *a, const char *s)
{
	return xmlTextWriterWriteString(w, BAD_CAST emit_clean_utf8(a, s, true));
}

int junit_write(const JunitSuite *s, FILE *out)
{
	xmlBufferPtr buf = xmlBufferCreate();
	if (!buf)
		return -1;
	xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
	if (!w) {
		xmlBufferFree(buf);
		return -1;
	}
	Arena *a = arena_new();
	uint32_t failures = 0;
	for (uint32_t i = 0; i < s->ncases; i++)
		failures += s->cases[i].failure != NULL;
	int rc = 0;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
	rc |= attr(w, a, "name", s->name) < 0;
	rc |= attr_u32(w, "tests", s->ncases) < 0;
	rc |= attr_u32(w, "failures", failures) < 0;
	rc |= attr_u32(w, "errors", 0) < 0;
	rc |= attr_secs(w, "time", s->seconds) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
	rc |= attr(w, a, "name", s->name) < 0;
	rc |= attr_u32(w, "tests", s->ncases) < 0;
	rc |= attr_u32(w, "failures", failures) < 0;
	rc |= attr_u32(w, "errors", 0) < 0;
	rc |= attr_u32(w, "skipped", 0) < 0;
	rc |= attr_secs(w, "time", s->seconds) < 0;
	for (uint32_t i = 0; i < s->ncases && !rc; i++) {
		const JunitCase *c = &s->cases[i];
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= attr(w, a, "classname", c->classname) < 0;
		rc |= attr(w, a, "name", c->name) < 0;
		rc |= attr_secs(w, "time", c->seconds) < 0;
		if (c->failure) {
			rc |= xmlTextWriterStartElement(w, BAD_CAST "failure") < 0;
			rc |= attr(w, a, "message", c->failure) < 0;
			rc |= attr(w, a, "type", c->failure_type ? c->failure_type : "failure") < 0;
			if (c->details)
				rc |= text(w, a, c->details) < 0;
			rc |= xmlTextWriterEndElement(w) < 0;
		}
		if (c->system_out) {
			rc |= xmlTextWriterStartElement(w, BAD_CAST "system-out") < 0;
			rc |= text(w, a, c->system_out) < 0;
			rc |= xmlTextWriterEndElement(w) < 0;
		}
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndDocument(w) < 0;   /* closes the open elements */
	xmlFreeTextWriter(w);
	if (!rc && fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out)
	           != (size_t)xmlBufferLength(buf))
		rc = 1;
	xmlBufferFree(buf);
	arena_free(a);
	return rc ? -1 : 0;
}
