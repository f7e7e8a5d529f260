/*
 * npy.c - the .npy format (NumPy's "NEP 1", format.py): magic "\x93NUMPY",
 * major and minor version, a little-endian header length (2 bytes in 1.0,
 * 4 in 2.0 / 3.0), an ASCII (3.0: UTF-8) Python dict literal padded with
 * spaces and ending in '\n', then the raw data.  Written by hand: the
 * format is a page, and the parser must refuse what it does not fully
 * understand rather than guess.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/npy.h"

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* descr strings: byte order, kind, size. */
static const struct { const char *descr; DType dt; } descrs[] = {
	{ "f2", DT_FP16 }, { "f4", DT_FP32 }, { "f8", DT_FP64 },
	{ "i1", DT_INT8 }, { "i2", DT_INT16 }, { "i4", DT_INT32 }, { "i8", DT_INT64 },
	{ "u1", DT_UINT8 }, { "u2", DT_UINT16 }, { "u4", DT_UINT32 }, { "u8", DT_UINT64 },
	{ "b1", DT_BOOL },
};

typedef struct Cursor {
	const char *p, *end;
} Cursor;

static void skip_space(Cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool eat(Cursor *c, char ch)
{
	skip_space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* A quoted Python string without escapes into buf. */
static bool read_str(Cursor *c, char *buf, size_t n)
{
	skip_space(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return false;
	char q = *c->p++;
	size_t len = 0;
	while (c->p < c->end && *c->p != q) {
		if (*c->p == '\\' || len + 1 >= n)
			return false;
		buf[len++] = *c->p++;
	}
	if (c->p >= c->end)
		return false;
	c->p++;
	buf[len] = 0;
	return true;
}

static int parse_descr(const char *s, DType *dt, char *err, size_t n)
{
	char order = s[0];
	if (order == '>')
		return fail(err, n, "big-endian dtype '%s' is not supported", s);
	if (order != '<' && order != '|' && order != '=')
		return fail(err, n, "dtype '%s' has no byte order", s);
	for (size_t i = 0; i < sizeof descrs / sizeof descrs[0]; i++)
		if (strcmp(s + 1, descrs[i].descr) == 0) {
			bool single = descrs[i].descr[1] == '1';
			if (order == '|' && !single)
				return fail(err, n, "dtype '%s': '|' for a multi-byte type", s);
			*dt = descrs[i].dt;
			return 0;
		}
	return fail(err, n, "dtype '%s' is not supported (numeric or bool only)", s);
}

static int parse_shape(Cursor *c, RtTensor *t, char *err, size_t n)
{
	if (!eat(c, '('))
		return fail(err, n, "shape is not a tuple");
	t->rank = 0;
	skip_space(c);
	while (!eat(c, ')')) {
		if (t->rank == RT_MAX_RANK)
			return fail(err, n, "shape has more than %d dims", RT_MAX_RANK);
		skip_space(c);
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return fail(err, n, "shape holds something other than a non-negative integer");
		int64_t v = 0;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (v > (INT64_MAX - 9) / 10)
				return fail(err, n, "shape dim too large");
			v = v * 10 + (*c->p++ - '0');
		}
		if (c->p < c->end && *c->p == 'L')     /* Python 2 longs */
			c->p++;
		t->dims[t->rank++] = v;
		if (!eat(c, ',')) {
			if (!eat(c, ')'))
				return fail(err, n, "shape tuple is malformed");
			if (t->rank == 1)
				return fail(err, n, "one-element shape without its comma");
			break;
		}
	}
	return 0;
}

static int parse_header(const char *h, size_t len, RtTensor *t, bool *fortran, char *err,
                        size_t n)
{
	Cursor c = { h, h + len };
	bool have_descr = false, have_order = false, have_shape = false;
	if (!eat(&c, '{'))
		return fail(err, n, "header is not a dict");
	while (!eat(&c, '}')) {
		char key[32], val[32];
		if (!read_str(&c, key, sizeof key) || !eat(&c, ':'))
			return fail(err, n, "header dict is malformed");
		if (strcmp(key, "descr") == 0 && !have_descr) {
			if (!read_str(&c, val, sizeof val))
				return fail(err, n, "descr is not a simple dtype string");
			if (parse_descr(val, &t->dt, err, n) < 0)
				return -1;
			have_descr = true;
		} else if (strcmp(key, "fortran_order") == 0 && !have_order) {
			skip_space(&c);
			if ((size_t)(c.end - c.p) >= 4 && memcmp(c.p, "True", 4) == 0)
				*fortran = true, c.p += 4;
			else if ((size_t)(c.end - c.p) >= 5 && memcmp(c.p, "False", 5) == 0)
				*fortran = false, c.p += 5;
			else
				return fail(err, n, "fortran_order is not True or False");
			have_order = true;
		} else if (strcmp(key, "shape") == 0 && !have_shape) {
			if (parse_shape(&c, t, err, n) < 0)
				return -1;
			have_shape = true;
		} else {
			return fail(err, n, "header key '%s' is unknown or repeated", key);
		}
		if (!eat(&c, ',')) {
			if (!eat(&c, '}'))
				return fail(err, n, "header dict is malformed");
			break;
		}
	}
	if (!have_descr || !have_order || !have_shape)
		return fail(err, n, "header lacks %s", !have_descr ? "descr" : !have_order ?
		            "fortran_order" : "shape");
	skip_space(&c);
	if (c.p != c.end - 1 || *c.p != '\n')
		return fail(err, n, "header does not end in spaces and a newline");
	return 0;
}

int npy_parse(const void *bytes, size_t n, RtTensor *out, char *err, size_t errn)
{
	const unsigned char *b = bytes;
	memset(out, 0, sizeof *out);
	if (n < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
		return fail(err, errn, "not a .npy file (no \\x93NUMPY magic)");
	unsigned major = b[6], minor = b[7];
	if (major < 1 || major > 3 || minor != 0)
		return fail(err, errn, ".npy version %u.%u is not supported", major, minor);
	size_t start = major == 1 ? 10 : 12;
	if (n < start)
		return fail(err, errn, "truncated header");
	size_t hlen = major == 1 ? (size_t)b[8] | (size_t)b[9] << 8
	                         : (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 |
	                           (size_t)b[11] << 24;
	if (hlen > n - start)
		return fail(err, errn, "header of %zu bytes runs past the end of the file", hlen);
	bool fortran = false;
	RtTensor t = { 0 };
	if (parse_header((const char *)b + start, hlen, &t, &fortran, err, errn) < 0)
		return -1;
	int64_t count = 1;
	for (int32_t i = 0; i < t.rank; i++) {
		if (t.dims[i] && count > INT64_MAX / t.dims[i])
			return fail(err, errn, "shape overflows");
		count *= t.dims[i];
	}
	if (fortran && t.rank > 1 && count > 1)
		return fail(err, errn, "fortran_order arrays are not supported");
	size_t es = rt_dtype_size(t.dt), data = n - start - hlen;
	if ((uint64_t)count > SIZE_MAX / es || (size_t)count * es != data)
		return fail(err, errn, "data is %zu bytes, shape needs %llu", data,
		            (unsigned long long)((uint64_t)count * es));
	int64_t dims[RT_MAX_RANK];
	memcpy(dims, t.dims, sizeof dims);
	if (rt_tensor_alloc(out, t.dt, t.rank, dims) < 0)
		return fail(err, errn, "out of memory for %lld elements", (long long)count);
	memcpy(out->data, b + start + hlen, data);
	if (t.dt == DT_BOOL)
		for (int64_t i = 0; i < count; i++)
			if (((uint8_t *)out->data)[i] > 1) {
				rt_tensor_free(out);
				return fail(err, errn, "bool element %lld is neither 0 nor 1", (long long)i);
			}
	return 0;
}

int npy_read(const char *path, RtTensor *out, char *err, size_t errn)
{
	char msg[256];
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errn, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		free(buf);
		return fail(err, errn, "%s: cannot be read", path);
	}
	int rc = npy_parse(buf, n, out, msg, sizeof msg);
	free(buf);
	if (rc < 0)
		return fail(err, errn, "%s: %s", path, msg);
	return 0;
}

static const char *descr_of(DType dt)
{
	for (size_t i = 0; i < sizeof descrs / sizeof descrs[0]; i++)
		if (descrs[i].dt == dt)
			return descrs[i].descr;
	return NULL;
}

/* The widest label of a string tensor (for '<U' arrays). */
static size_t max_chars(const RtTensor *t)
{
	size_t w = 1;
	for (int64_t i = 0; i < t->numel; i++) {
		size_t l = strlen(((const char *const *)t->data)[i]);
		if (l > w)
			w = l;
	}
	return w;
}

int npy_write(const char *path, const RtTensor *t, char *err, size_t errn)
{
	char descr[32], shape[RT_MAX_RANK * 24 + 8], header[512];
	size_t width = 0;
	if (t->dt == DT_STRING) {
		width = max_chars(t);
		snprintf(descr, sizeof descr, "<U%zu", width);
	} else {
		const char *d = descr_of(t->dt);
		if (!d)
			return fail(err, errn, "%s: dtype %s cannot be written", path, dtype_name(t->dt));
		snprintf(descr, sizeof descr, "%c%s", d[1] == '1' ? '|' : '<', d);
	}
	size_t at = (size_t)snprintf(shape, sizeof shape, "(");
	for (int32_t i = 0; i < t->rank; i++)
		at += (size_t)snprintf(shape + at, sizeof shape - at, "%lld,%s",
		                       (long long)t->dims[i], i + 1 < t->rank ? " " : "");
	snprintf(shape + at, sizeof shape - at, ")");
	int hl = snprintf(header, sizeof header,
	                  "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
	size_t total = 10 + (size_t)hl + 1, pad = (64 - total % 64) % 64;
	size_t hlen = (size_t)hl + pad + 1;
	FILE *f = fopen(path, "wb");
	if (!f)
		return fail(err, errn, "%s: %s", path, strerror(errno));
	unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
	                          (unsigned char)(hlen >> 8) };
	bool ok = fwrite(pre, 1, 10, f) == 10 && fwrite(header, 1, (size_t)hl, f) == (size_t)hl;
	for (size_t i = 0; ok && i < pad; i++)
		ok = fputc(' ', f) != EOF;
	ok = ok && fputc('\n', f) != EOF;
	if (t->dt == DT_STRING) {
		for (int64_t i = 0; ok && i < t->numel; i++) {
			const char *s = ((const char *const *)t->data)[i];
			for (size_t k = 0; ok && k < width; k++) {
				/* Labels are written as UCS-4 code units of their bytes: ASCII
				 * exactly; other UTF-8 would need decoding (not done). */
				uint32_t cp = k < strlen(s) ? (unsigned char)s[k] : 0;
				unsigned char le[4] = { cp & 0xff, 0, 0, 0 };
				ok = fwrite(le, 1, 4, f) == 4;
			}
		}
	} else {
		size_t bytes = (size_t)t->numel * rt_dtype_size(t->dt);
		ok = ok && fwrite(t->data, 1, bytes, f) == bytes;
	}
	if (fclose(f) != 0 || !ok) {
		remove(path);
		return fail(err, errn, "%s: write failed", path);
	}
	return 0;
}
