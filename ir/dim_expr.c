/* dim_expr.c - arithmetic on dims: known sizes, symbolic expressions and
 * unknowns; the one parser, printer and evaluator of symbolic dim text.
 *
 * A symbolic dim is an interned text such as "is0", "is0 + 2", "is0 * 4" or
 * "(is0 - 1) // 2 + 1".  To keep equal expressions equal, every result is
 * rebuilt from a canonical polynomial: a sum of terms coef * a1 * a2 ...,
 * where each atom is a symbol name or a floor division that does not divide
 * out, "(P) // k".  Terms are sorted by their atoms (text order), the
 * constant comes last, a coefficient follows its atoms ("is0 * 4"), and
 * integer offsets are folded into a floor division (floor((P)/k) + c is
 * floor((P + c*k)/k)).  The text parses back to the same polynomial, so
 * dims read from a model (`tensor<fp16, [is0]>`) join the same algebra.
 * Anything beyond the fixed term/atom budget, division by a non-constant
 * and overflow give an unknown dim, never a guess.
 *
 * Known sizes take a fast path; the polynomial work only runs when a
 * symbol is involved.
 */
#include "ir/dim_expr.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TERMS = 12, MAX_ATOMS = 4, MAX_TEXT = 512 };

typedef struct Term {
	int64_t c;
	uint8_t na;
	const char *a[MAX_ATOMS];       /* interned, sorted by strcmp */
} Term;

typedef struct Poly {
	uint8_t n;
	bool bad;
	Term t[MAX_TERMS];              /* sorted by monomial; constant (na == 0) last */
} Poly;

static int mono_cmp(const Term *x, const Term *y)
{
	if (x->na == 0 || y->na == 0)
		return (x->na == 0) - (y->na == 0);    /* constant last */
	for (uint8_t i = 0; i < x->na && i < y->na; i++) {
		if (x->a[i] != y->a[i]) {
			int c = strcmp(x->a[i], y->a[i]);
			if (c)
				return c;
		}
	}
	return (int)x->na - (int)y->na;
}

static void poly_const(Poly *p, int64_t c)
{
	p->bad = false;
	p->n = 0;
	if (c) {
		p->t[0] = (Term){ .c = c };
		p->n = 1;
	}
}

static void poly_atom(Poly *p, const char *atom)
{
	p->bad = false;
	p->n = 1;
	p->t[0] = (Term){ .c = 1, .na = 1, .a = { atom } };
}

static int64_t poly_constant(const Poly *p)
{
	return p->n && p->t[p->n - 1].na == 0 ? p->t[p->n - 1].c : 0;
}

static bool poly_is_const(const Poly *p)
{
	return !p->bad && (p->n == 0 || (p->n == 1 && p->t[0].na == 0));
}

/* Insert a term keeping the order; combine equal monomials. */
static void poly_add_term(Poly *p, const Term *t)
{
	if (p->bad || t->c == 0)
		return;
	uint8_t i = 0;
	int c = 1;
	while (i < p->n && (c = mono_cmp(&p->t[i], t)) < 0)
		i++;
	if (i < p->n && c == 0) {
		if (__builtin_add_overflow(p->t[i].c, t->c, &p->t[i].c)) {
			p->bad = true;
			return;
		}
		if (p->t[i].c == 0) {
			memmove(&p->t[i], &p->t[i + 1], (size_t)(p->n - i - 1) * sizeof *p->t);
			p->n--;
		}
		return;
	}
	if (p->n == MAX_TERMS) {
		p->bad = true;
		return;
	}
	memmove(&p->t[i + 1], &p->t[i], (size_t)(p->n - i) * sizeof *p->t);
	p->t[i] = *t;
	p->n++;
}

static void poly_add(Poly *r, const Poly *a, const Poly *b, int64_t sign)
{
	Poly out = *a;
	out.bad = a->bad || b->bad;
	for (uint8_t i = 0; i < b->n && !out.bad; i++) {
		Term t = b->t[i];
		if (__builtin_mul_overflow(t.c, sign, &t.c))
			out.bad = true;
		poly_add_term(&out, &t);
	}
	*r = out;
}

static bool mono_mul(const Term *x, const Term *y, Term *out)
{
	if (x->na + y->na > MAX_ATOMS)
		return false;
	if (__builtin_mul_overflow(x->c, y->c, &out->c))
		return false;
	uint8_t i = 0, j = 0, k = 0;
	while (i < x->na || j < y->na) {
		if (j == y->na || (i < x->na && strcmp(x->a[i], y->a[j]) <= 0))
			out->a[k++] = x->a[i++];
		else
			out->a[k++] = y->a[j++];
	}
	out->na = k;
	return true;
}

static void poly_mul(Poly *r, const Poly *a, const Poly *b)
{
	Poly out = { .bad = a->bad || b->bad };
	for (uint8_t i = 0; i < a->n && !out.bad; i++)
		for (uint8_t j = 0; j < b->n && !out.bad; j++) {
			Term t;
			if (!mono_mul(&a->t[i], &b->t[j], &t))
				out.bad = true;
			else
				poly_add_term(&out, &t);
		}
	*r = out;
}

static int64_t floordiv64(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* ------------------------------------------------------------------ text */

typedef struct Buf {
	char s[MAX_TEXT];
	size_t n;
	bool over;
} Buf;

static void put(Buf *b, const char *s)
{
	size_t k = strlen(s);
	if (b->n + k >= sizeof b->s) {
		b->over = true;
		return;
	}
	memcpy(b->s + b->n, s, k + 1);
	b->n += k;
}

static void put_i64(Buf *b, int64_t v)
{
	char t[32];
	snprintf(t, sizeof t, "%" PRId64, v);
	put(b, t);
}

static void poly_text(const Poly *p, Buf *b)
{
	if (p->n == 0) {
		put(b, "0");
		return;
	}
	for (uint8_t i = 0; i < p->n; i++) {
		const Term *t = &p->t[i];
		int64_t c = t->c;
		uint64_t mag = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
		if (i == 0)
			put(b, c < 0 ? "-" : "");
		else
			put(b, c < 0 ? " - " : " + ");
		if (t->na == 0) {
			char s[32];
			snprintf(s, sizeof s, "%" PRIu64, mag);
			put(b, s);
			continue;
		}
		for (uint8_t k = 0; k < t->na; k++) {
			bool wrap = t->a[k][0] == '(' && (k > 0 || (i == 0 && c < 0));
			if (k)
				put(b, " * ");
			put(b, wrap ? "(" : "");
			put(b, t->a[k]);
			put(b, wrap ? ")" : "");
		}
		if (mag != 1) {
			char s[32];
			snprintf(s, sizeof s, " * %" PRIu64, mag);
			put(b, s);
		}
	}
}

/* ------------------------------------------------------------------ parsing */

typedef struct Parser {
	TypeTable *types;
	const char *s;
	bool err;
} Parser;

static void p_expr(Parser *ps, Poly *out);
static void poly_floordiv(TypeTable *types, Poly *r, const Poly *a, int64_t k);

static void skip_ws(Parser *ps)
{
	while (*ps->s == ' ')
		ps->s++;
}

static void p_primary(Parser *ps, Poly *out)
{
	skip_ws(ps);
	const char *s = ps->s;
	if (isdigit((unsigned char)*s)) {
		int64_t v = 0;
		while (isdigit((unsigned char)*s)) {
			if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
				ps->err = true;
			s++;
		}
		ps->s = s;
		poly_const(out, v);
		return;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		const char *e = s;
		while (isalnum((unsigned char)*e) || *e == '_')
			e++;
		ps->s = e;
		poly_atom(out, type_intern_sym(ps->types, s, (size_t)(e - s)));
		return;
	}
	if (*s == '(') {
		ps->s++;
		p_expr(ps, out);
		skip_ws(ps);
		if (*ps->s != ')')
			ps->err = true;
		else
			ps->s++;
		return;
	}
	ps->err = true;
	poly_const(out, 0);
}

static void p_unary(Parser *ps, Poly *out)
{
	skip_ws(ps);
	if (*ps->s == '-') {
		ps->s++;
		Poly a, zero;
		p_unary(ps, &a);
		poly_const(&zero, 0);
		poly_add(out, &zero, &a, -1);
		return;
	}
	p_primary(ps, out);
}

static void p_term(Parser *ps, Poly *out)
{
	p_unary(ps, out);
	for (;;) {
		skip_ws(ps);
		if (ps->s[0] == '/' && ps->s[1] == '/') {
			ps->s += 2;
			Poly d;
			p_unary(ps, &d);
			if (!poly_is_const(&d) || poly_constant(&d) <= 0)
				ps->err = true;
			else
				poly_floordiv(ps->types, out, out, poly_constant(&d));
		} else if (ps->s[0] == '*') {
			ps->s++;
			Poly f;
			p_unary(ps, &f);
			poly_mul(out, out, &f);
		} else {
			return;
		}
		if (ps->err)
			return;
	}
}

static void p_expr(Parser *ps, Poly *out)
{
	p_term(ps, out);
	for (;;) {
		skip_ws(ps);
		int64_t sign = *ps->s == '+' ? 1 : *ps->s == '-' ? -1 : 0;
		if (!sign || ps->err)
			return;
		ps->s++;
		Poly t;
		p_term(ps, &t);
		poly_add(out, out, &t, sign);
	}
}

/* The polynomial of a symbolic text; an unparsable name is one atom. */
static void poly_of_text(TypeTable *types, const char *text, Poly *out)
{
	Parser ps = { types, text, false };
	p_expr(&ps, out);
	skip_ws(&ps);
	if (ps.err || *ps.s)
		poly_atom(out, type_intern_sym(types, text, strlen(text)));
}

static void poly_of_dim(TypeTable *types, Dim d, Poly *out)
{
	if (d.kind == DIM_CONST)
		poly_const(out, d.size);
	else if (d.kind == DIM_SYM)
		poly_of_text(types, d.sym, out);
	else
		out->bad = true, out->n = 0;
}

/* floor(P / k), k > 0. */
static void poly_floordiv(TypeTable *types, Poly *r, const Poly *a, int64_t k)
{
	if (a->bad || k <= 0) {
		r->bad = true;
		r->n = 0;
		return;
	}
	if (k == 1) {
		*r = *a;
		return;
	}
	/* P = Q + c: when k divides every coefficient of Q,
	 * floor(P/k) = Q/k + floor(c/k) exactly. */
	int64_t c = poly_constant(a);
	bool divides = true;
	for (uint8_t i = 0; i < a->n; i++)
		if (a->t[i].na && a->t[i].c % k)
			divides = false;
	if (divides) {
		Poly out = { 0 };
		for (uint8_t i = 0; i < a->n; i++) {
			if (!a->t[i].na)
				continue;
			Term t = a->t[i];
			t.c /= k;
			poly_add_term(&out, &t);
		}
		Term ct = { .c = floordiv64(c, k) };
		poly_add_term(&out, &ct);
		*r = out;
		return;
	}
	/* An atom "(P) // k" with the offset reduced into [0, k): the rest of
	 * the constant comes out as whole multiples. */
	Poly inner = *a;
	int64_t q = floordiv64(c, k), rem = c - q * k;
	Poly adj;
	poly_const(&adj, rem - c);
	poly_add(&inner, &inner, &adj, 1);
	Buf b = { .n = 0 };
	put(&b, "(");
	poly_text(&inner, &b);
	put(&b, ") // ");
	put_i64(&b, k);
	if (b.over || inner.bad) {
		r->bad = true;
		r->n = 0;
		return;
	}
	Poly out;
	poly_atom(&out, type_intern_sym(types, b.s, b.n));
	Term ct = { .c = q };
	poly_add_term(&out, &ct);
	*r = out;
}

static Dim dim_of_poly(TypeTable *types, const Poly *p)
{
	if (p->bad)
		return dim_unknown();
	if (poly_is_const(p))
		return dim_const(poly_constant(p));
	Buf b = { .n = 0 };
	poly_text(p, &b);
	if (b.over)
		return dim_unknown();
	return (Dim){ DIM_SYM, 0, type_intern_sym(types, b.s, b.n) };
}

/* ------------------------------------------------------------------ evaluation */

typedef struct Bindings {
	TypeTable *types;
	uint32_t n;
	const char *const *names;
	const int64_t *values;
} Bindings;

static bool eval_text(const Bindings *bs, const char *text, int depth, int64_t *out);

/* An atom's value: a bound symbol, or "(P) // k" evaluated. */
static bool eval_atom(const Bindings *bs, const char *atom, int depth, int64_t *out)
{
	if (atom[0] != '(') {
		for (uint32_t i = 0; i < bs->n; i++)
			if (strcmp(bs->names[i], atom) == 0) {
				*out = bs->values[i];
				return bs->values[i] >= 0;
			}
		return false;
	}
	/* the printer's form: "(" P ") // " k */
	const char *close = strrchr(atom, ')');
	if (!close || strncmp(close, ") // ", 5) != 0)
		return false;
	char *end;
	long long k = strtoll(close + 5, &end, 10);
	if (*end || k <= 0 || depth > 8)
		return false;
	int64_t v;
	const char *inner = type_intern_sym(bs->types, atom + 1, (size_t)(close - atom - 1));
	if (!eval_text(bs, inner, depth + 1, &v))
		return false;
	*out = floordiv64(v, k);
	return true;
}

static bool eval_poly(const Bindings *bs, const Poly *p, int depth, int64_t *out)
{
	if (p->bad)
		return false;
	int64_t sum = 0;
	for (uint8_t i = 0; i < p->n; i++) {
		int64_t term = p->t[i].c;
		for (uint8_t k = 0; k < p->t[i].na; k++) {
			int64_t a;
			if (!eval_atom(bs, p->t[i].a[k], depth, &a) || __builtin_mul_overflow(term, a, &term))
				return false;
		}
		if (__builtin_add_overflow(sum, term, &sum))
			return false;
	}
	*out = sum;
	return true;
}

static bool eval_text(const Bindings *bs, const char *text, int depth, int64_t *out)
{
	Parser ps = { bs->types, text, false };
	Poly p;
	p_expr(&ps, &p);
	skip_ws(&ps);
	return !ps.err && !*ps.s && eval_poly(bs, &p, depth, out);
}

/* ------------------------------------------------------------------ API */

Dim dim_expr_parse(TypeTable *types, const char *text)
{
	Poly p;
	poly_of_text(types, text, &p);
	return dim_of_poly(types, &p);
}

int64_t dim_expr_eval(TypeTable *types, Dim d, uint32_t nsyms, const char *const *names,
                      const int64_t *values)
{
	if (d.kind == DIM_CONST)
		return d.size;
	if (d.kind != DIM_SYM || !d.sym || !nsyms)
		return -1;
	Bindings bs = { types, nsyms, names, values };
	int64_t v;
	return eval_text(&bs, d.sym, 0, &v) && v >= 0 ? v : -1;
}

int dim_expr_format(Dim d, char *buf, size_t n)
{
	if (d.kind == DIM_CONST)
		return snprintf(buf, n, "%" PRId64, d.size);
	if (d.kind == DIM_SYM && d.sym)
		return snprintf(buf, n, "%s", d.sym);
	return snprintf(buf, n, "?");
}

static Dim binop(TypeTable *types, Dim a, Dim b, int op)
{
	Poly x, y, r;
	poly_of_dim(types, a, &x);
	poly_of_dim(types, b, &y);
	if (x.bad || y.bad)
		return dim_unknown();
	switch (op) {
	case '+': poly_add(&r, &x, &y, 1); break;
	case '-': poly_add(&r, &x, &y, -1); break;
	case '*': poly_mul(&r, &x, &y); break;
	default:
		if (!poly_is_const(&y) || poly_constant(&y) <= 0)
			return dim_unknown();
		poly_floordiv(types, &r, &x, poly_constant(&y));
		break;
	}
	return dim_of_poly(types, &r);
}

static bool is_const(Dim d, int64_t n) { return d.kind == DIM_CONST && d.size == n; }

/* a + b (sign 1) or a - b (sign -1). */
static Dim add_signed(TypeTable *types, Dim a, Dim b, int sign)
{
	int64_t r;
	if (a.kind == DIM_CONST && b.kind == DIM_CONST) {
		bool over = sign > 0 ? __builtin_add_overflow(a.size, b.size, &r)
		                     : __builtin_sub_overflow(a.size, b.size, &r);
		return over ? dim_unknown() : dim_const(r);
	}
	if (a.kind == DIM_UNKNOWN || b.kind == DIM_UNKNOWN)
		return dim_unknown();
	if (is_const(b, 0))
		return a;
	if (sign > 0 && is_const(a, 0))
		return b;
	return binop(types, a, b, sign > 0 ? '+' : '-');
}

Dim dim_expr_add(TypeTable *types, Dim a, Dim b)
{
	return add_signed(types, a, b, 1);
}

Dim dim_expr_sub(TypeTable *types, Dim a, Dim b)
{
	return add_signed(types, a, b, -1);
}

Dim dim_expr_mul(TypeTable *types, Dim a, Dim b)
{
	int64_t r;
	if (a.kind == DIM_CONST && b.kind == DIM_CONST)
		return __builtin_mul_overflow(a.size, b.size, &r) ? dim_unknown() : dim_const(r);
	if (is_const(a, 0) || is_const(b, 0))
		return dim_const(0);
	if (a.kind == DIM_UNKNOWN || b.kind == DIM_UNKNOWN)
		return dim_unknown();
	if (is_const(b, 1))
		return a;
	if (is_const(a, 1))
		return b;
	return binop(types, a, b, '*');
}

Dim dim_expr_floordiv(TypeTable *types, Dim a, Dim b)
{
	if (b.kind == DIM_CONST && b.size <= 0)
		return dim_unknown();
	if (a.kind == DIM_CONST && b.kind == DIM_CONST)
		return dim_const(floordiv64(a.size, b.size));
	if (a.kind == DIM_UNKNOWN || b.kind != DIM_CONST)
		return dim_unknown();
	if (b.size == 1)
		return a;
	return binop(types, a, b, '/');
}

Dim dim_expr_ceildiv(TypeTable *types, Dim a, Dim b)
{
	if (b.kind != DIM_CONST || b.size <= 0)
		return dim_unknown();
	if (a.kind == DIM_CONST)
		return dim_const(-floordiv64(-a.size, b.size));
	return dim_expr_floordiv(types, dim_expr_add(types, a, dim_const(b.size - 1)), b);
}

Dim dim_expr_mod(TypeTable *types, Dim a, Dim b)
{
	if (a.kind == DIM_CONST && b.kind == DIM_CONST && b.size > 0)
		return dim_const(a.size - floordiv64(a.size, b.size) * b.size);
	return dim_expr_sub(types, a, dim_expr_mul(types, dim_expr_floordiv(types, a, b), b));
}

/* max and min of two symbols are not polynomials: known only when equal. */
Dim dim_expr_max(Dim a, Dim b)
{
	if (a.kind == DIM_CONST && b.kind == DIM_CONST)
		return dim_const(a.size > b.size ? a.size : b.size);
	return a.kind != DIM_UNKNOWN && dim_equal(a, b) ? a : dim_unknown();
}

Dim dim_expr_min(Dim a, Dim b)
{
	if (a.kind == DIM_CONST && b.kind == DIM_CONST)
		return dim_const(a.size < b.size ? a.size : b.size);
	return a.kind != DIM_UNKNOWN && dim_equal(a, b) ? a : dim_unknown();
}

Dim dim_expr_prod(TypeTable *types, uint32_t n, const Dim *d)
{
	Dim p = dim_const(1);
	for (uint32_t i = 0; i < n; i++)
		p = dim_expr_mul(types, p, d[i]);
	return p;
}
