/*
 * pymil_lex.c - the tokens of coremltools' printed Program form ("pymil",
 * spec/mil-text.md §9): names, %variables, numbers as Python prints them
 * (inf, nan, exponents), Python string reprs with their escapes, '<...>'
 * object reprs, '->' and punctuation.  Nothing here trusts the input:
 * numbers are bounded in length and magnitude, escapes are checked.
 */
#include "frontend/frontend.h"
#include "frontend/pymil_lex.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NUM_TEXT = 64 };     /* characters of one number */

void pyl_error(PyLex *p, uint32_t line, uint32_t col, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	diag_add(p->dl, SEV_ERROR, NULL, (SrcLoc){ .file = p->file, .line = line, .col = col },
	         "%s", buf);
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_namechar(int c)
{
	return is_alpha(c) || is_digit(c) || c == '.' || c == '@';
}

static int cur(const PyLex *p, size_t k)
{
	size_t i = p->pos + k;
	return i < p->len ? (unsigned char)p->src[i] : -1;
}

static void adv(PyLex *p, size_t k)
{
	for (size_t i = 0; i < k && p->pos < p->len; i++) {
		if (p->src[p->pos] == '\n') {
			p->line++;
			p->col = 1;
		} else {
			p->col++;
		}
		p->pos++;
	}
}

/* Append one code point as UTF-8. */
static size_t put_utf8(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A Python string repr, '...' or "...", decoded into the module arena. */
static void lex_string(PyLex *p, Tok *t)
{
	int q = cur(p, 0);
	size_t start = p->pos + 1, end = start;
	while (end < p->len && p->src[end] != q && p->src[end] != '\n') {
		if (p->src[end] == '\\' && end + 1 < p->len && p->src[end + 1] != '\n')
			end++;
		end++;
	}
	if (end >= p->len || p->src[end] != q) {
		pyl_error(p, t->line, t->col, "unterminated string");
		return;
	}
	/* decoded text is never longer than the source (\U escapes: 10 -> 4) */
	char *d = arena_alloc(p->arena, end - start + 1);
	size_t k = 0;
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)p->src[i];
		if (c == 0) {
			pyl_error(p, t->line, t->col, "NUL byte in string");
			return;
		}
		if (c != '\\') {
			d[k++] = (char)c;
			continue;
		}
		unsigned char e = (unsigned char)p->src[++i];
		int ndig = 0;
		switch (e) {
		case 'n': d[k++] = '\n'; break;
		case 't': d[k++] = '\t'; break;
		case 'r': d[k++] = '\r'; break;
		case '0': d[k++] = 0; break;
		case '\\': case '\'': case '"': d[k++] = (char)e; break;
		case 'x': ndig = 2; break;
		case 'u': ndig = 4; break;
		case 'U': ndig = 8; break;
		default:
			d[k++] = '\\';
			d[k++] = (char)e;
			break;
		}
		if (ndig) {
			uint32_t cp = 0;
			for (int j = 0; j < ndig; j++) {
				int h = i + 1 < end ? hexval((unsigned char)p->src[i + 1]) : -1;
				if (h < 0) {
					pyl_error(p, t->line, t->col, "bad \\%c escape in string", e);
					return;
				}
				cp = cp * 16 + (uint32_t)h;
				i++;
			}
			if (cp > 0x10ffff || cp == 0) {
				pyl_error(p, t->line, t->col, "escape \\%c gives no valid character", e);
				return;
			}
			k += put_utf8(d + k, cp);
		}
	}
	d[k] = 0;
	if (strlen(d) != k) {
		pyl_error(p, t->line, t->col, "NUL character in string");
		return;
	}
	t->kind = T_STRING;
	t->s = d;
	t->n = k;
	adv(p, end + 1 - p->pos);
}

/* A Python int or float repr: -?[0-9]+ | -?[0-9]+.[0-9]*([eE][+-]?[0-9]+)? | -?[0-9]+e.. */
static void lex_number(PyLex *p, Tok *t)
{
	size_t i = p->pos, start = i;
	bool neg = false, is_float = false;
	if (p->src[i] == '-') {
		neg = true;
		i++;
	}
	while (i < p->len && is_digit(p->src[i]))
		i++;
	if (i < p->len && p->src[i] == '.') {
		is_float = true;
		i++;
		while (i < p->len && is_digit(p->src[i]))
			i++;
	}
	if (i < p->len && (p->src[i] == 'e' || p->src[i] == 'E')) {
		size_t j = i + 1;
		if (j < p->len && (p->src[j] == '+' || p->src[j] == '-'))
			j++;
		if (j < p->len && is_digit(p->src[j])) {
			is_float = true;
			i = j;
			while (i < p->len && is_digit(p->src[i]))
				i++;
		}
	}
	if (i < p->len && is_namechar((unsigned char)p->src[i]) && p->src[i] != '.') {
		pyl_error(p, t->line, t->col, "malformed number");
		return;
	}
	size_t n = i - start;
	if (is_float) {
		char buf[MAX_NUM_TEXT + 1];
		if (n > MAX_NUM_TEXT) {
			pyl_error(p, t->line, t->col, "number too long");
			return;
		}
		memcpy(buf, p->src + start, n);
		buf[n] = 0;
		t->kind = T_FLOAT;
		t->f = strtod(buf, NULL);
	} else {
		uint64_t mag = 0;
		for (size_t k = start + neg; k < i; k++) {
			unsigned dgt = (unsigned)(p->src[k] - '0');
			if (mag > (UINT64_MAX - dgt) / 10) {
				pyl_error(p, t->line, t->col, "integer out of range");
				return;
			}
			mag = mag * 10 + dgt;
		}
		t->kind = T_INT;
		t->mag = mag;
		t->neg = neg;
	}
	adv(p, n);
}

void pyl_next(PyLex *p)
{
	Tok *t = &p->tok;
	for (;;) {
		int c = cur(p, 0);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			adv(p, 1);
		else
			break;
	}
	memset(t, 0, sizeof *t);
	t->line = p->line;
	t->col = p->col;
	if (p->failed) {
		t->kind = T_EOF;
		return;
	}
	int c = cur(p, 0);
	if (c < 0) {
		t->kind = T_EOF;
		return;
	}
	if (is_alpha(c)) {
		size_t i = p->pos;
		while (i < p->len && is_namechar((unsigned char)p->src[i]))
			i++;
		t->kind = T_IDENT;
		t->s = p->src + p->pos;
		t->n = i - p->pos;
		adv(p, t->n);
		return;
	}
	if (c == '%') {
		size_t i = p->pos + 1;
		while (i < p->len && is_namechar((unsigned char)p->src[i]))
			i++;
		if (i == p->pos + 1) {
			pyl_error(p, t->line, t->col, "'%%' without a variable name");
			return;
		}
		t->kind = T_VAR;
		t->s = p->src + p->pos + 1;
		t->n = i - p->pos - 1;
		adv(p, i - p->pos);
		return;
	}
	if (is_digit(c) || (c == '-' && is_digit(cur(p, 1)))) {
		lex_number(p, t);
		return;
	}
	if (c == '-' && cur(p, 1) == '>') {
		t->kind = T_ARROW;
		adv(p, 2);
		return;
	}
	if (c == '-' && cur(p, 1) == 'i' && cur(p, 2) == 'n' && cur(p, 3) == 'f' &&
	    !is_namechar(cur(p, 4))) {
		t->kind = T_FLOAT;
		t->f = -INFINITY;
		adv(p, 4);
		return;
	}
	if (c == '"' || c == '\'') {
		lex_string(p, t);
		return;
	}
	if (c == '<') {
		size_t i = p->pos + 1;
		while (i < p->len && p->src[i] != '>' && p->src[i] != '\n' && p->src[i] != 0)
			i++;
		if (i >= p->len || p->src[i] != '>') {
			pyl_error(p, t->line, t->col, "unterminated '<...>' object");
			return;
		}
		t->kind = T_OPAQUE;
		t->s = p->src + p->pos;
		t->n = i + 1 - p->pos;
		adv(p, t->n);
		return;
	}
	if (strchr("()[]{},:=*^", c) && c != 0) {
		t->kind = T_PUNCT;
		t->c = (char)c;
		adv(p, 1);
		return;
	}
	if (c >= 0x20 && c < 0x7f)
		pyl_error(p, t->line, t->col, "unexpected character '%c'", c);
	else
		pyl_error(p, t->line, t->col, "unexpected byte 0x%02x", (unsigned)c);
}

const char *pyl_tok_what(const PyLex *p, char *buf, size_t n)
{
	const Tok *t = &p->tok;
	switch (t->kind) {
	case T_EOF: return "end of input";
	case T_IDENT: snprintf(buf, n, "'%.*s'", (int)(t->n > 40 ? 40 : t->n), t->s); return buf;
	case T_VAR: snprintf(buf, n, "'%%%.*s'", (int)(t->n > 40 ? 40 : t->n), t->s); return buf;
	case T_INT: case T_FLOAT: return "a number";
	case T_STRING: return "a string";
	case T_OPAQUE: return "a '<...>' object";
	case T_ARROW: return "'->'";
	case T_PUNCT: snprintf(buf, n, "'%c'", t->c); return buf;
	}
	return "?";
}

bool pyl_is_punct(const PyLex *p, char c)
{
	return p->tok.kind == T_PUNCT && p->tok.c == c;
}

bool pyl_accept(PyLex *p, char c)
{
	if (!pyl_is_punct(p, c))
		return false;
	pyl_next(p);
	return true;
}

bool pyl_expect(PyLex *p, char c, const char *where)
{
	if (pyl_accept(p, c))
		return true;
	char buf[64];
	PYL_TOK_ERR(p, "expected '%c' %s, found %s", c, where, pyl_tok_what(p, buf, sizeof buf));
	return false;
}

bool pyl_tok_is_word(const PyLex *p, const char *w)
{
	const Tok *t = &p->tok;
	return t->kind == T_IDENT && t->n == strlen(w) && memcmp(t->s, w, t->n) == 0;
}

const char *pyl_tok_name(PyLex *p)
{
	return arena_strndup(p->arena, p->tok.s, p->tok.n);
}

Tok pyl_peek(PyLex *p)
{
	size_t pos = p->pos;
	uint32_t line = p->line, col = p->col;
	Tok now = p->tok;
	pyl_next(p);
	Tok t = p->tok;
	p->pos = pos;
	p->line = line;
	p->col = col;
	p->tok = now;
	return t;
}

bool fe_is_pymil(const void *data, size_t n)
{
	const unsigned char *s = data;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i >= n || !is_alpha(s[i]))
		return false;
	while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i++] != '[')
		return false;
	while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
		i++;
	return i + 1 < n && s[i] == ']' && s[i + 1] == '(';
}
