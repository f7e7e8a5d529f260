/* json_writer.c - streaming JSON into a buffer (json_writer.h). */
#include "backend/json_writer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

void jw_init(JsonWriter *w, bool pretty)
{
	memset(w, 0, sizeof *w);
	w->pretty = pretty;
	w->flat = JW_MAX_DEPTH;
}

enum { FLUSH_AT = 64 * 1024 };

void jw_init_file(JsonWriter *w, bool pretty, FILE *out)
{
	jw_init(w, pretty);
	w->sink = out;
}

void jw_fini(JsonWriter *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static bool grow(JsonWriter *w, size_t n)
{
	if (w->failed)
		return false;
	if (w->sink && w->len) {
		if (fwrite(w->buf, 1, w->len, w->sink) != w->len)
			w->failed = true;
		w->len = 0;
		if (n + 1 <= w->cap)
			return !w->failed;
	}
	size_t cap = w->cap ? w->cap : w->sink ? FLUSH_AT : 4096;
	while (cap < w->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			w->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *b = realloc(w->buf, cap);
	if (!b) {
		w->failed = true;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

/* Room for n more bytes and a NUL. */
static inline bool reserve(JsonWriter *w, size_t n)
{
	return w->len + n + 1 <= w->cap || grow(w, n);
}

static inline void put(JsonWriter *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc_(JsonWriter *w, char c)
{
	if (!reserve(w, 1))
		return;
	w->buf[w->len++] = c;
}

/* Between items: a newline and the indent, or (inside a flat container)
 * a space. */
static void newline(JsonWriter *w, bool first)
{
	if (!w->pretty)
		return;
	if (w->depth > w->flat) {
		if (!first)
			putc_(w, ' ');
		return;
	}
	if (!reserve(w, 1 + 2 * (size_t)w->depth))
		return;
	w->buf[w->len++] = '\n';
	memset(w->buf + w->len, ' ', 2 * (size_t)w->depth);
	w->len += 2 * (size_t)w->depth;
}

int jw_flat_begin(JsonWriter *w)
{
	int old = w->flat;
	if (w->depth < w->flat)
		w->flat = w->depth;
	return old;
}

void jw_flat_end(JsonWriter *w, int old)
{
	w->flat = old;
}

/* Before any value: the separator and indent, or nothing after a key. */
static void begin_value(JsonWriter *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	IR_ASSERT(!w->is_object[w->depth - 1]);     /* a value in an object needs a key */
	bool first = !w->has_items[w->depth - 1];
	if (!first)
		putc_(w, ',');
	w->has_items[w->depth - 1] = true;
	newline(w, first);
}

static void open_(JsonWriter *w, char c, bool obj)
{
	begin_value(w);
	IR_ASSERT(w->depth < JW_MAX_DEPTH);
	putc_(w, c);
	w->has_items[w->depth] = false;
	w->is_object[w->depth] = obj;
	w->depth++;
}

void jw_object(JsonWriter *w) { open_(w, '{', true); }
void jw_array(JsonWriter *w) { open_(w, '[', false); }

void jw_end(JsonWriter *w)
{
	IR_ASSERT(w->depth > 0 && !w->after_key);
	w->depth--;
	bool obj = w->is_object[w->depth];
	if (w->has_items[w->depth] && w->depth + 1 <= w->flat)
		newline(w, false);
	putc_(w, obj ? '}' : ']');
}

static void string(JsonWriter *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc_(w, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		/* a run of plain ASCII in one copy */
		const unsigned char *q = p;
		while (*q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
			q++;
		if (q > p) {
			put(w, (const char *)p, (size_t)(q - p));
			p = q;
			continue;
		}
		unsigned c = *p;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(w, e, 2);
			p++;
		} else if (c < 0x20) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			if (c == '\n')
				put(w, "\\n", 2);
			else if (c == '\t')
				put(w, "\\t", 2);
			else if (c == '\r')
				put(w, "\\r", 2);
			else
				put(w, e, 6);
			p++;
		} else {
			/* a UTF-8 sequence, checked */
			size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
			unsigned cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
			bool ok = n != 0;
			for (size_t i = 1; ok && i < n; i++) {
				ok = (p[i] & 0xC0) == 0x80;
				cp = (cp << 6) | (p[i] & 0x3F);
			}
			static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
			if (ok && (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
				ok = false;
			if (ok) {
				put(w, (const char *)p, n);
				p += n;
			} else {
				put(w, "\xEF\xBF\xBD", 3);
				p++;
			}
		}
	}
	putc_(w, '"');
}

void jw_key(JsonWriter *w, const char *key)
{
	IR_ASSERT(w->depth > 0 && w->is_object[w->depth - 1] && !w->after_key);
	bool first = !w->has_items[w->depth - 1];
	if (!first)
		putc_(w, ',');
	w->has_items[w->depth - 1] = true;
	newline(w, first);
	/* keys are the report's own ASCII names: no escaping to do */
	size_t n = strlen(key);
	if (reserve(w, n + 4)) {
		w->buf[w->len++] = '"';
		memcpy(w->buf + w->len, key, n);
		w->len += n;
		w->buf[w->len++] = '"';
		w->buf[w->len++] = ':';
		if (w->pretty)
			w->buf[w->len++] = ' ';
	}
	w->after_key = true;
}

void jw_null(JsonWriter *w)
{
	begin_value(w);
	put(w, "null", 4);
}

void jw_bool(JsonWriter *w, bool v)
{
	begin_value(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

static size_t utoa(uint64_t v, char *end)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return (size_t)(end - p);
}

void jw_int(JsonWriter *w, int64_t v)
{
	begin_value(w);
	char buf[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = utoa(u, buf + sizeof buf);
	if (v < 0)
		putc_(w, '-');
	put(w, buf + sizeof buf - n, n);
}

void jw_num(JsonWriter *w, double v, int prec)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	begin_value(w);
	if (prec < 0)
		prec = 0;
	if (prec > 9)
		prec = 9;
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	double scaled = fabs(v) * p10[prec];
	if (scaled >= 9e15) {
		/* too large for the integer path */
		char buf[400];
		int n = snprintf(buf, sizeof buf, "%.*f", prec, v);
		if (n > 0)
			put(w, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
		return;
	}
	uint64_t u = (uint64_t)llround(scaled);
	uint64_t ip = u / (uint64_t)p10[prec], fp = u % (uint64_t)p10[prec];
	if (v < 0 && u != 0)
		putc_(w, '-');
	char buf[24];
	size_t n = utoa(ip, buf + sizeof buf);
	put(w, buf + sizeof buf - n, n);
	if (prec) {
		char frac[10];
		for (int i = prec - 1; i >= 0; i--) {
			frac[i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		putc_(w, '.');
		put(w, frac, (size_t)prec);
	}
}

void jw_str(JsonWriter *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	begin_value(w);
	string(w, s);
}

void jw_num_or_null(JsonWriter *w, double v, int prec)
{
	if (v < 0)
		jw_null(w);
	else
		jw_num(w, v, prec);
}

void jw_int_or_null(JsonWriter *w, int64_t v)
{
	if (v < 0)
		jw_null(w);
	else
		jw_int(w, v);
}

char *jw_take(JsonWriter *w, size_t *len)
{
	if (w->failed || !reserve(w, 0)) {
		jw_fini(w);
		return NULL;
	}
	w->buf[w->len] = 0;
	char *b = w->buf;
	if (len)
		*len = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return b;
}

int jw_write(JsonWriter *w, FILE *out)
{
	if (w->failed)
		return -1;
	if (w->len && fwrite(w->buf, 1, w->len, out) != w->len)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}
