/* test_infer_corpus.c - the infer pass agrees with Apple's converter on
 * every model of ../shared/corpus.
 *
 *  1. stored types: every model file (.mlpackage, .mlmodel[.gz], .mlmodelc,
 *     .mil) is loaded and run through verify + infer; every typed op's
 *     inferred output types must agree with the types the model declares,
 *     no pass may report an error and no declared type may conflict (I040).
 *  2. optypes.tsv: for converted models, every row (function, output name,
 *     coremltools' inferred type in pymil notation) is compared with the
 *     inferred type of the value of that name: dtype and shape, symbolic
 *     dims up to a consistent renaming (each of coremltools' symbols stands
 *     for one of ours).  Constants the serialiser folded into literal
 *     operands have no value of their own and are counted apart.
 *  3. reference outputs: the shapes of outputs/NAME.npy (and extra_cases,
 *     functions/) must equal the inferred shapes of the function results,
 *     with symbolic dims evaluated from the shapes of the inputs.
 *  4. coremltools' printed programs (*.milprog.txt) are typed too; their
 *     large constants are left out of the text, so outputs that depend on
 *     them cannot be confirmed, but none may conflict.
 * The counts are printed; any mismatch fails. */
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "anelint.h"
#include "passes/pass.h"

typedef struct Totals {
	unsigned models, unusable, typed_ops, agreeing_ops, conflicts, errors;
	unsigned py_models, py_typed, py_agreeing, py_conflicts, py_errors;
	unsigned tsv_rows, tsv_agree, tsv_inlined, tsv_missing, tsv_mismatch;
	unsigned npy_checked, npy_agree;
	unsigned shown;
} Totals;

#define REPORT(t, ...) do { if ((t)->shown++ < 40) print_message(__VA_ARGS__); } while (0)

/* ------------------------------------------------------------------ pymil types */

typedef struct PyType {
	char tag[16];           /* Tensor, Scalar, State, List */
	char dt[16];
	int rank;
	char dims[16][48];
	long long list_len;
	bool dict;
} PyType;

/* "(1, 3, is0, fp16)(Tensor)", "(int32)*(Scalar)", "List[1000, str](List)",
 * "(dict)(Scalar)". */
static bool parse_pytype(const char *s, PyType *t)
{
	memset(t, 0, sizeof *t);
	t->list_len = -1;
	if (strncmp(s, "List[", 5) == 0) {
		t->list_len = strtoll(s + 5, NULL, 10);
		const char *c = strchr(s, ',');
		if (!c)
			return false;
		sscanf(c + 1, " %15[a-z0-9]", t->dt);
		snprintf(t->tag, sizeof t->tag, "List");
		return true;
	}
	if (*s != '(')
		return false;
	const char *e = strchr(s, ')');
	if (!e)
		return false;
	char items[32][16];
	int n = 0;
	const char *p = s + 1;
	while (p < e && n < 32) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (q < e && *q != ',')
			q++;
		size_t len = (size_t)(q - p);
		if (len >= sizeof items[0])
			return false;
		memcpy(items[n], p, len);
		items[n][len] = 0;
		while (len && items[n][len - 1] == ' ')
			items[n][--len] = 0;
		if (len)
			n++;
		p = q + 1;
	}
	if (n == 0)
		return false;
	snprintf(t->dt, sizeof t->dt, "%s", items[n - 1]);
	t->dict = strcmp(t->dt, "dict") == 0;
	t->rank = n - 1;
	for (int i = 0; i < t->rank && i < 16; i++) {
		size_t k = strlen(items[i]);
		if (k >= sizeof t->dims[i])
			k = sizeof t->dims[i] - 1;
		memcpy(t->dims[i], items[i], k);
		t->dims[i][k] = 0;
	}
	const char *tag = strchr(e + 1, '(');
	if (tag)
		sscanf(tag + 1, "%15[A-Za-z]", t->tag);
	return true;
}

/* coremltools' symbols and the dims of ours they stand for. */
typedef struct SymMap {
	char names[64][48];
	Dim dims[64];
	int n;
} SymMap;

static bool sym_consistent(SymMap *sm, const char *name, Dim d)
{
	for (int i = 0; i < sm->n; i++)
		if (strcmp(sm->names[i], name) == 0)
			return dim_equal(sm->dims[i], d);
	if (sm->n == 64)
		return false;
	snprintf(sm->names[sm->n], sizeof sm->names[0], "%s", name);
	sm->dims[sm->n++] = d;
	return true;
}

static DType py_dtype(const char *s)
{
	if (strcmp(s, "str") == 0)
		return DT_STRING;
	return dtype_from_name(s, strlen(s));
}

/* NULL when equal, else what differs. */
static const char *compare_pytype(const PyType *p, const Type *t, SymMap *sm)
{
	if (!t)
		return "no inferred type";
	if (strcmp(p->tag, "State") == 0) {
		if (t->kind != TY_STATE)
			return "not a state";
		t = t->elem;
	}
	if (strcmp(p->tag, "List") == 0) {
		if (t->kind != TY_LIST)
			return "not a list";
		if (!t->elem || t->elem->kind != TY_TENSOR || t->elem->dt != py_dtype(p->dt))
			return "list element dtype";
		if (p->list_len >= 0 && !dim_equal(t->len, dim_const(p->list_len)))
			return "list length";
		return NULL;
	}
	if (p->dict)
		return t->kind == TY_DICT ? NULL : "not a dict";
	if (t->kind != TY_TENSOR)
		return "not a tensor";
	if (t->dt != py_dtype(p->dt))
		return "dtype";
	if (t->rank != p->rank)
		return "rank";
	for (int i = 0; i < p->rank; i++) {
		const char *d = p->dims[i];
		if (isdigit((unsigned char)d[0])) {
			if (!dim_equal(t->dims[i], dim_const(strtoll(d, NULL, 10))))
				return "dim";
		} else if (t->dims[i].kind != DIM_SYM || !sym_consistent(sm, d, t->dims[i])) {
			return "symbolic dim";
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ name lookup */

typedef struct NameIdx {
	const char *name;
	ValueId id;
} NameIdx;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const NameIdx *)a)->name, ((const NameIdx *)b)->name);
}

typedef struct FuncIdx {
	const Func *f;
	NameIdx *v;
	uint32_t n;
} FuncIdx;

static void index_func(FuncIdx *fx, const Func *f)
{
	fx->f = f;
	fx->n = f->values.n;
	fx->v = calloc(fx->n ? fx->n : 1, sizeof *fx->v);
	assert_non_null(fx->v);
	for (uint32_t i = 0; i < fx->n; i++)
		fx->v[i] = (NameIdx){ ir_value(f, i)->name, i };
	qsort(fx->v, fx->n, sizeof *fx->v, cmp_name);
}

static ValueId lookup(const FuncIdx *fx, const char *name)
{
	NameIdx key = { name, 0 };
	NameIdx *r = bsearch(&key, fx->v, fx->n, sizeof *fx->v, cmp_name);
	return r ? r->id : VALUE_NONE;
}

static void compare_tsv(const PassCtx *ctx, const char *tsv, Totals *t)
{
	size_t len;
	char *text = tu_read_file(tsv, &len);
	assert_non_null(text);
	const Module *m = ctx->m;
	FuncIdx fx[16];
	uint32_t nf = m->funcs.n < 16 ? m->funcs.n : 16;
	for (uint32_t i = 0; i < nf; i++)
		index_func(&fx[i], m->funcs.v[i]);
	SymMap sm = { .n = 0 };
	char *save = NULL;
	bool header = true;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (header) {
			header = false;
			continue;
		}
		char *col[6] = { 0 };
		int nc = 0;
		for (char *p = line; nc < 6; nc++) {
			col[nc] = p;
			char *tab = strchr(p, '\t');
			if (!tab) {
				nc++;
				break;
			}
			*tab = 0;
			p = tab + 1;
		}
		if (nc < 5)
			continue;
		const FuncIdx *f = NULL;
		for (uint32_t i = 0; i < nf; i++)
			if (strcmp(fx[i].f->name, col[0]) == 0)
				f = &fx[i];
		ValueId id = f ? lookup(f, col[3]) : VALUE_NONE;
		if (id == VALUE_NONE) {
			if (strcmp(col[2], "const") == 0) {
				t->tsv_inlined++;
			} else {
				t->tsv_missing++;
				REPORT(t, "%s: %s '%s' (%s): no value of that name\n", tsv, col[0], col[3], col[2]);
			}
			continue;
		}
		t->tsv_rows++;
		PyType pt;
		const Type *inf = infer_value_computed(ctx, f->f, id);
		const char *why = parse_pytype(col[4], &pt) ? compare_pytype(&pt, inf, &sm)
		                  : "unparsable TSV type";
		if (!why) {
			t->tsv_agree++;
		} else {
			char it[256];
			tu_type_str(m, inf, it, sizeof it);
			t->tsv_mismatch++;
			REPORT(t, "%s: %s '%s' (%s): coremltools %s, anelint %s (%s)\n", tsv, col[0],
			       col[3], col[2], col[4], it, why);
		}
	}
	for (uint32_t i = 0; i < nf; i++)
		free(fx[i].v);
	free(text);
}

/* ------------------------------------------------------------------ .npy shapes */

/* Shape of a .npy file; -1 when unreadable. */
static int npy_shape(const char *path, long long *dims, int cap)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char h[10];
	char hdr[4096];
	int rank = -1;
	if (fread(h, 1, 10, f) == 10 && memcmp(h, "\x93NUMPY", 6) == 0) {
		size_t hl = h[6] == 1 ? (size_t)(h[8] | h[9] << 8) : 0;
		if (h[6] != 1) {
			unsigned char x[2];
			if (fread(x, 1, 2, f) == 2)
				hl = (size_t)h[8] | (size_t)h[9] << 8 | (size_t)x[0] << 16 | (size_t)x[1] << 24;
		}
		if (hl < sizeof hdr && fread(hdr, 1, hl, f) == hl) {
			hdr[hl] = 0;
			const char *s = strstr(hdr, "'shape': (");
			if (s) {
				s += 10;
				rank = 0;
				while (*s && *s != ')' && rank < cap) {
					while (*s == ' ' || *s == ',')
						s++;
					if (*s == ')')
						break;
					dims[rank++] = strtoll(s, (char **)&s, 10);
				}
			}
		}
	}
	fclose(f);
	return rank;
}

/* Bindings of our symbols to sizes, from the input shapes. */
typedef struct Bind {
	const char *sym[32];
	long long val[32];
	int n;
} Bind;

typedef struct Ev {
	const char *s;
	const Bind *b;
	bool err;
} Ev;

static long long ev_expr(Ev *e);

static long long floordiv(long long a, long long b)
{
	long long q = a / b;
	return (a % b && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static long long ev_atom(Ev *e)
{
	while (*e->s == ' ')
		e->s++;
	if (*e->s == '(') {
		e->s++;
		long long v = ev_expr(e);
		while (*e->s == ' ')
			e->s++;
		if (*e->s++ != ')')
			e->err = true;
		return v;
	}
	if (*e->s == '-') {
		e->s++;
		return -ev_atom(e);
	}
	if (isdigit((unsigned char)*e->s))
		return strtoll(e->s, (char **)&e->s, 10);
	const char *p = e->s;
	while (isalnum((unsigned char)*e->s) || *e->s == '_')
		e->s++;
	for (int i = 0; i < e->b->n; i++)
		if (strlen(e->b->sym[i]) == (size_t)(e->s - p) && !strncmp(e->b->sym[i], p, (size_t)(e->s - p)))
			return e->b->val[i];
	e->err = true;
	return 0;
}

static long long ev_term(Ev *e)
{
	long long v = ev_atom(e);
	for (;;) {
		while (*e->s == ' ')
			e->s++;
		if (e->s[0] == '/' && e->s[1] == '/') {
			e->s += 2;
			long long d = ev_atom(e);
			if (d == 0)
				e->err = true;
			else
				v = floordiv(v, d);
		} else if (*e->s == '*') {
			e->s++;
			v *= ev_atom(e);
		} else {
			return v;
		}
	}
}

static long long ev_expr(Ev *e)
{
	long long v = ev_term(e);
	for (;;) {
		while (*e->s == ' ')
			e->s++;
		if (*e->s == '+')
			e->s++, v += ev_term(e);
		else if (*e->s == '-')
			e->s++, v -= ev_term(e);
		else
			return v;
	}
}

static bool dim_value(Dim d, const Bind *b, long long *v)
{
	if (d.kind == DIM_CONST) {
		*v = d.size;
		return true;
	}
	if (d.kind != DIM_SYM)
		return false;
	Ev e = { d.sym, b, false };
	*v = ev_expr(&e);
	return !e.err && !*e.s;
}

/* One set of inputs/ and outputs/ folders against function f. */
static void check_case(const PassCtx *ctx, const Func *f, const char *dir, Totals *t)
{
	char path[4096];
	Bind b = { .n = 0 };
	const Block *body = f->body;
	for (uint32_t i = 0; i < body->nparams; i++) {
		const Value *v = ir_value(f, body->params[i]);
		const Type *ty = infer_value_type(ctx, f, body->params[i]);
		if (ty && ty->kind == TY_STATE)
			ty = ty->elem;
		long long dims[16];
		snprintf(path, sizeof path, "%s/inputs/%s.npy", dir, v->name);
		int r = npy_shape(path, dims, 16);
		if (r < 0 || !ty || ty->kind != TY_TENSOR || ty->rank != r)
			continue;
		for (int k = 0; k < r; k++)
			if (ty->dims[k].kind == DIM_SYM && b.n < 32) {
				b.sym[b.n] = ty->dims[k].sym;
				b.val[b.n++] = dims[k];
			}
	}
	for (uint32_t i = 0; i < body->nouts; i++) {
		const Value *v = ir_value(f, body->outs[i]);
		const Type *ty = infer_value_computed(ctx, f, body->outs[i]);
		long long dims[16];
		snprintf(path, sizeof path, "%s/outputs/%s.npy", dir, v->name);
		int r = npy_shape(path, dims, 16);
		if (r < 0 || !ty || ty->kind != TY_TENSOR || ty->dt == DT_STRING)
			continue;
		t->npy_checked++;
		bool ok = ty->rank == r;
		for (int k = 0; ok && k < r; k++) {
			long long x;
			ok = dim_value(ty->dims[k], &b, &x) && x == dims[k];
		}
		if (ok) {
			t->npy_agree++;
		} else {
			char it[256];
			tu_type_str(ctx->m, ty, it, sizeof it);
			REPORT(t, "%s: output '%s': inferred %s does not give the reference shape "
			       "(rank %d, first dim %lld)\n", path, v->name, it, r, r > 0 ? dims[0] : 0);
		}
	}
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void check_reference(const PassCtx *ctx, const char *dir, Totals *t)
{
	const Module *m = ctx->m;
	char sub[4096];
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		const Func *f = m->funcs.v[i];
		int k = snprintf(sub, sizeof sub, "%s/functions/%s", dir, f->name);
		if (k > 0 && (size_t)k < sizeof sub && is_dir(sub)) {
			check_case(ctx, f, sub, t);
			continue;
		}
		if (m->funcs.n > 1 && strcmp(f->name, "main") != 0)
			continue;
		check_case(ctx, f, dir, t);
		k = snprintf(sub, sizeof sub, "%s/extra_cases", dir);
		DIR *d = k > 0 && (size_t)k < sizeof sub ? opendir(sub) : NULL;
		for (struct dirent *e; d && (e = readdir(d));) {
			if (e->d_name[0] == '.')
				continue;
			char c[4096 + 256];
			snprintf(c, sizeof c, "%s/%s", sub, e->d_name);
			check_case(ctx, f, c, t);
		}
		if (d)
			closedir(d);
	}
}

/* ------------------------------------------------------------------ per model */

static void run_model(const char *path, Totals *t, bool printout)
{
	DiagList dl;
	diag_init(&dl);
	dl.max_errors = 0;
	Module *m = anelint_load(path, &dl);
	if (!m) {
		t->unusable++;
		print_message("unusable (the frontend refuses it): %s\n", path);
		diag_fini(&dl);
		return;
	}
	PassCtx *ctx = pass_ctx_new(m, &dl, NULL);
	uint32_t first = dl.d.n;
	pass_run_pipeline(ctx);
	for (uint32_t i = first; i < dl.d.n; i++) {
		const Diag *d = &dl.d.v[i];
		bool conflict = d->code && strcmp(d->code, "I040") == 0;
		if (!conflict && d->sev != SEV_ERROR)
			continue;
		char buf[2048];
		diag_format(d, buf, sizeof buf);
		REPORT(t, "%s\n", buf);
		if (conflict)
			printout ? t->py_conflicts++ : t->conflicts++;
		else
			printout ? t->py_errors++ : t->errors++;
	}
	const InferStats *s = infer_stats(ctx);
	if (printout) {
		t->py_models++;
		t->py_typed += s->typed_ops;
		t->py_agreeing += s->agreeing_ops;
	} else {
		t->models++;
		t->typed_ops += s->typed_ops;
		t->agreeing_ops += s->agreeing_ops;
		if (s->agreeing_ops != s->typed_ops)
			REPORT(t, "%s: %u of %u typed ops agree with their declared types\n", path,
			       s->agreeing_ops, s->typed_ops);
		/* converted/<name>/<name>.mlpackage: the TSV and the references */
		const char *conv = strstr(path, "/converted/");
		const char *slash = strrchr(path, '/');
		if (conv && slash && strstr(path, ".mlpackage")) {
			char dir[4096], tsv[4096 + 64];
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
			const char *base = slash + 1;
			const char *dot = strstr(base, ".mlpackage");
			snprintf(tsv, sizeof tsv, "%s/%.*s.optypes.tsv", dir, (int)(dot - base), base);
			FILE *tf = fopen(tsv, "r");
			if (tf) {
				fclose(tf);
				compare_tsv(ctx, tsv, t);
			}
			check_reference(ctx, dir, t);
		}
	}
	pass_ctx_free(ctx);
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_infer_corpus_agreement(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	Totals t = { 0 };
	size_t n;
	char **files = tu_corpus_models("", NULL, 0, &n);
	for (size_t i = 0; i < n; i++)
		run_model(files[i], &t, false);
	tu_free_list(files, n);
	files = tu_corpus_find("", ".milprog.txt", &n);
	for (size_t i = 0; i < n; i++)
		run_model(files[i], &t, true);
	tu_free_list(files, n);

	print_message("infer corpus: %u model files (%u more unusable by the frontend)\n",
	              t.models, t.unusable);
	print_message("  stored types:  %u/%u typed ops agree; %u conflicts, %u errors\n",
	              t.agreeing_ops, t.typed_ops, t.conflicts, t.errors);
	print_message("  optypes.tsv:   %u/%u outputs agree; %u constants folded into operands "
	              "(no value), %u rows without a value\n", t.tsv_agree, t.tsv_rows,
	              t.tsv_inlined, t.tsv_missing);
	print_message("  reference outputs (.npy shapes): %u/%u agree\n", t.npy_agree, t.npy_checked);
	print_message("  pymil printouts (%u): %u/%u typed ops confirmed (large constants are "
	              "left out of the text); %u conflicts, %u errors\n", t.py_models, t.py_agreeing,
	              t.py_typed, t.py_conflicts, t.py_errors);
	assert_true(t.models > 0);
	assert_int_equal(t.agreeing_ops, t.typed_ops);
	assert_int_equal(t.conflicts + t.errors, 0);
	assert_true(t.tsv_rows > 0);
	assert_int_equal(t.tsv_agree, t.tsv_rows);
	assert_int_equal(t.tsv_missing, 0);
	assert_int_equal(t.npy_agree, t.npy_checked);
	assert_int_equal(t.py_conflicts + t.py_errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_infer_corpus_agreement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
