/* test_equivalence.c - two readers, one program.
 *
 * For every converted model, the IR read from <name>.mlpackage (protobuf)
 * and from <name>.milprog.txt (coremltools' printout of the same program)
 * must describe the same program.  Both are first normalised:
 *
 *   - `const` ops are dropped; a binding to a const op's value becomes a
 *     constant binding {value name, its `val`}.  The printout inlines small
 *     constants (a literal binding: {no name, literal}) and names large
 *     ones without defining them (an elided constant: {name, no value}).
 *   - attributes other than `name` are operands bound to a constant (the
 *     iOS16/17 constexpr ops keep their operands as attributes in the
 *     protobuf, the printout lists them as arguments).
 *   - a symbolic dimension (`is0`) equals an unknown one (`?`): the
 *     protobuf does not name them.
 *
 * Then, function by function and block by block: the same non-const ops in
 * the same order, with the same kind, op name, output names and types,
 * operand names, and each operand bound to the same value names or equal
 * constants.  Two constants match when their names agree, or when both
 * values are known and equal (dtype, shape, every element; weight-file
 * values are read); a printout's elided constant against a nameless
 * protobuf literal cannot be checked and is counted as "opaque".
 *
 * Also: for the corpus .mlmodelc bundles, dump -> parse -> dump is
 * stable, and the bundle's model.mil parsed alone dumps the same. */
#include "testutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/frontend.h"

typedef struct Stats {
	unsigned models, funcs, ops, operands, values, literals, named_consts, opaque;
	unsigned folded, width_unknown;
	unsigned diffs;
	const char *model;
} Stats;

typedef struct NBind {
	bool is_const;
	const char *name;       /* value name, or NULL for a literal */
	const Lit *lit;         /* constant's value, NULL when elided */
	Module *m;
} NBind;

static void diff(Stats *s, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diff(Stats *s, const char *where, const char *fmt, ...)
{
	va_list ap;
	if (s->diffs < 40) {
		fprintf(stderr, "DIFF %s: %s: ", s->model, where);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	s->diffs++;
}

/* ---- normalisation ---- */

static bool is_const_op(const Op *op)
{
	return op && strcmp(op->kind, "const") == 0;
}

static NBind norm_binding(Module *m, const Func *f, const Binding *b)
{
	NBind n = { .m = m };
	if (b->kind == BIND_LIT) {
		n.is_const = true;
		n.lit = b->lit;
		return n;
	}
	const Value *v = ir_value(f, b->value);
	n.name = v->name;
	if (is_const_op(v->def)) {
		n.is_const = true;
		n.lit = ir_attr_find(v->def->nattrs, v->def->attrs, "val");
	}
	return n;
}

/* Operands plus attributes (as constant operands), looked up by name. */
typedef struct NOperand {
	const char *name;
	uint32_t n;
	NBind b[64];
	bool is_tuple;
} NOperand;

static bool norm_operand(Module *m, const Func *f, const Op *op, const char *name, NOperand *o)
{
	memset(o, 0, sizeof *o);
	o->name = name;
	const Operand *a = ir_op_operand(op, name);
	if (a) {
		o->n = a->n < 64 ? a->n : 64;
		o->is_tuple = a->is_tuple;
		for (uint32_t j = 0; j < o->n; j++)
			o->b[j] = norm_binding(m, f, &a->b[j]);
		return true;
	}
	const Lit *l = ir_attr_find(op->nattrs, op->attrs, name);
	if (!l)
		return false;
	o->n = 1;
	o->b[0] = (NBind){ true, NULL, l, m };
	return true;
}

/* ---- types and literals across modules ---- */

static bool dim_eq(Dim a, Dim b)
{
	if (a.kind == DIM_CONST || b.kind == DIM_CONST)
		return a.kind == b.kind && a.size == b.size;
	return true;    /* symbol or unknown on both sides */
}

static bool type_eq(const Type *a, const Type *b)
{
	if (!a || !b || a->kind != b->kind)
		return a == b;
	switch (a->kind) {
	case TY_TENSOR:
	case TY_TENSOR_BUFFER:
		if (a->dt != b->dt || a->rank != b->rank)
			return false;
		for (int32_t i = 0; i < a->rank; i++)
			if (!dim_eq(a->dims[i], b->dims[i]))
				return false;
		return true;
	case TY_LIST:
		return type_eq(a->elem, b->elem) && dim_eq(a->len, b->len);
	case TY_STATE:
		return type_eq(a->elem, b->elem);
	case TY_DICT:
		return type_eq(a->key, b->key) && type_eq(a->elem, b->elem);
	case TY_TUPLE:
		if (a->nelems != b->nelems)
			return false;
		for (uint32_t i = 0; i < a->nelems; i++)
			if (!type_eq(a->elems[i], b->elems[i]))
				return false;
		return true;
	}
	return false;
}

/* A literal's elements as a tensor literal: blobs read from the weights. */
static bool tensor_view(Module *m, const Lit *l, Lit *out)
{
	if (l->kind == LIT_TENSOR) {
		*out = *l;
		return true;
	}
	if (l->kind != LIT_BLOB)
		return false;
	DiagList dl;
	diag_init(&dl);
	uint64_t nb;
	const void *p = ir_blob_bytes(m, l, &nb, &dl);
	diag_fini(&dl);
	int64_t count = type_numel(l->type);
	if (!p || count < 0 || dtype_info[l->type->dt].bits < 8 ||
	    nb < (uint64_t)count * dtype_info[l->type->dt].elem_size)
		return false;
	*out = (Lit){ .kind = LIT_TENSOR, .type = l->type };
	out->u.tensor.count = count;
	out->u.tensor.data = p;
	return true;
}

/* The printout shows numbers, not their width: a literal it types by its
 * Python repr alone (int32, fp32) may stand for a constant of another
 * integer or float dtype (coremltools narrows gather indices to uint16, for
 * one).  Same shape and same values, then; counted apart. */
static bool width_only(Stats *s, const Lit *a, const Lit *b)
{
	const Type *x = a->type, *y = b->type;
	if (x->kind != TY_TENSOR || y->kind != TY_TENSOR || x->rank != y->rank ||
	    !((x->dt == DT_INT32 && dtype_is_int(y->dt)) ||
	      (x->dt == DT_FP32 && dtype_is_float(y->dt))))
		return false;
	for (int32_t i = 0; i < x->rank; i++)
		if (!dim_eq(x->dims[i], y->dims[i]))
			return false;
	s->width_unknown++;
	return true;
}

static bool lit_eq(Stats *s, Module *ma, const Lit *a, Module *mb, const Lit *b, char *why,
                   size_t n)
{
	if (!type_eq(a->type, b->type) && !width_only(s, a, b)) {
		char ta[128], tb[128];
		tu_type_str(ma, a->type, ta, sizeof ta);
		tu_type_str(mb, b->type, tb, sizeof tb);
		snprintf(why, n, "types differ: %s vs %s", ta, tb);
		return false;
	}
	if ((a->kind == LIT_LIST || a->kind == LIT_TUPLE || a->kind == LIT_DICT) ||
	    (b->kind == LIT_LIST || b->kind == LIT_TUPLE || b->kind == LIT_DICT)) {
		if (a->kind != b->kind || a->u.seq.n != b->u.seq.n) {
			snprintf(why, n, "containers differ");
			return false;
		}
		uint32_t items = a->kind == LIT_DICT ? 2 * a->u.seq.n : a->u.seq.n;
		for (uint32_t i = 0; i < items; i++)
			if (!lit_eq(s, ma, a->u.seq.items[i], mb, b->u.seq.items[i], why, n))
				return false;
		return true;
	}
	Lit ta, tb;
	if (!tensor_view(ma, a, &ta) || !tensor_view(mb, b, &tb)) {
		snprintf(why, n, "weights cannot be read to compare");
		return false;
	}
	if (ta.u.tensor.count != tb.u.tensor.count) {
		snprintf(why, n, "element counts differ");
		return false;
	}
	DType dt = tb.type->dt;
	for (int64_t i = 0; i < ta.u.tensor.count; i++) {
		bool same;
		if (dt == DT_STRING) {
			same = strcmp(lit_elem_str(&ta, i), lit_elem_str(&tb, i)) == 0;
		} else if (dtype_is_float(dt) || dtype_is_float(ta.type->dt)) {
			double x = lit_elem_f64(&ta, i), y = lit_elem_f64(&tb, i);
			same = x == y || (isnan(x) && isnan(y));
		} else {
			same = lit_elem_i64(&ta, i) == lit_elem_i64(&tb, i);
		}
		if (!same) {
			snprintf(why, n, "element %lld differs", (long long)i);
			return false;
		}
	}
	return true;
}

/* ---- comparison: a is the printout, b the protobuf ---- */

static void cmp_bind(Stats *s, const char *where, const NBind *a, const NBind *b)
{
	char why[300];
	if (!a->is_const || !b->is_const) {
		if (a->is_const != b->is_const || strcmp(a->name, b->name) != 0)
			diff(s, where, "bound to %s%s vs %s%s", a->is_const ? "constant " : "",
			     a->name ? a->name : "(literal)", b->is_const ? "constant " : "",
			     b->name ? b->name : "(literal)");
		else
			s->values++;
		return;
	}
	if (a->name && b->name) {
		if (strcmp(a->name, b->name) != 0)
			diff(s, where, "constant %s vs %s", a->name, b->name);
		else if (a->lit && b->lit && !lit_eq(s, a->m, a->lit, b->m, b->lit, why, sizeof why))
			diff(s, where, "constant %s: %s", a->name, why);
		else
			s->named_consts++;
		return;
	}
	if (a->lit && b->lit) {
		if (!lit_eq(s, a->m, a->lit, b->m, b->lit, why, sizeof why))
			diff(s, where, "literal vs constant %s: %s", b->name ? b->name : "(literal)", why);
		else
			s->literals++;
		return;
	}
	if (!a->lit && !b->name) {
		s->opaque++;        /* elided in the printout, inline in the protobuf */
		return;
	}
	diff(s, where, "constant %s vs %s cannot be matched", a->name ? a->name : "(literal)",
	     b->name ? b->name : "(literal)");
}

static void cmp_op(Stats *s, Module *ma, const Func *fa, const Op *a,
                   Module *mb, const Func *fb, const Op *b, const char *path);

static bool op_is(const Op *op, const char *kind)
{
	return strcmp(op->kind, kind) == 0;
}

/* `write_state(input = s, data = v)[name = "N_write_state"]` followed by
 * `N = read_state(input = s)[name = "N"]` is how coremltools serialises
 * `N = coreml_update_state(state = s, value = v)`: fold the pair back. */
static const Op *fold_update_state(Stats *s, Arena *a, const Op *w, const Op *r)
{
	if (!op_is(w, "write_state") || !op_is(r, "read_state") || !w->name || !r->name)
		return NULL;
	size_t n = strlen(r->name);
	if (strncmp(w->name, r->name, n) != 0 || strcmp(w->name + n, "_write_state") != 0)
		return NULL;
	const Operand *in = ir_op_operand(w, "input"), *data = ir_op_operand(w, "data");
	const Operand *rin = ir_op_operand(r, "input");
	if (!in || !data || !rin || in->n != 1 || rin->n != 1 ||
	    in->b[0].kind != BIND_VALUE || rin->b[0].kind != BIND_VALUE ||
	    in->b[0].value != rin->b[0].value)
		return NULL;
	Op *op = arena_alloc(a, sizeof *op);
	*op = *r;
	op->kind = "coreml_update_state";
	op->args = arena_array(a, 2, sizeof *op->args);
	op->args[0] = *in;
	op->args[0].name = "state";
	op->args[1] = *data;
	op->args[1].name = "value";
	op->nargs = 2;
	s->folded++;
	return op;
}

/* The block's ops after normalisation: no const ops, state updates folded. */
static uint32_t real_ops(Stats *s, Arena *a, const Block *blk, const Op **out, uint32_t cap)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < blk->nops; i++) {
		const Op *op = blk->ops[i];
		if (is_const_op(op))
			continue;
		const Op *folded = NULL;
		for (uint32_t j = i + 1; j < blk->nops && !folded; j++) {
			if (is_const_op(blk->ops[j]))
				continue;
			folded = fold_update_state(s, a, op, blk->ops[j]);
			if (folded)
				i = j;
			break;
		}
		if (n < cap)
			out[n] = folded ? folded : op;
		n++;
	}
	return n;
}

static void cmp_values(Stats *s, const char *where, const char *what, Module *ma, const Func *fa,
                       uint32_t na, const ValueId *va, Module *mb, const Func *fb, uint32_t nb,
                       const ValueId *vb)
{
	if (na != nb) {
		diff(s, where, "%u %s vs %u", na, what, nb);
		return;
	}
	for (uint32_t i = 0; i < na; i++) {
		const Value *x = ir_value(fa, va[i]), *y = ir_value(fb, vb[i]);
		if (strcmp(x->name, y->name) != 0)
			diff(s, where, "%s %u: %s vs %s", what, i, x->name, y->name);
		else if (!type_eq(x->type, y->type)) {
			char ta[128], tb[128];
			tu_type_str(ma, x->type, ta, sizeof ta);
			tu_type_str(mb, y->type, tb, sizeof tb);
			diff(s, where, "%s %s: type %s vs %s", what, x->name, ta, tb);
		}
	}
}

static void cmp_block(Stats *s, Module *ma, const Func *fa, const Block *a,
                      Module *mb, const Func *fb, const Block *b, const char *path)
{
	cmp_values(s, path, "parameter", ma, fa, a->nparams, a->params, mb, fb, b->nparams, b->params);
	enum { CAP = 8192 };
	const Op **oa = malloc(CAP * sizeof *oa), **ob = malloc(CAP * sizeof *ob);
	Arena *scratch = arena_new();
	uint32_t na = real_ops(s, scratch, a, oa, CAP), nb = real_ops(s, scratch, b, ob, CAP);
	if (na != nb || na > CAP)
		diff(s, path, "%u ops vs %u", na, nb);
	for (uint32_t i = 0; i < na && i < nb && i < CAP; i++)
		cmp_op(s, ma, fa, oa[i], mb, fb, ob[i], path);
	free(oa);
	free(ob);
	arena_free(scratch);
	/* block results: same names (constants by name too) */
	if (a->nouts != b->nouts) {
		diff(s, path, "%u results vs %u", a->nouts, b->nouts);
		return;
	}
	for (uint32_t i = 0; i < a->nouts; i++)
		if (strcmp(ir_value(fa, a->outs[i])->name, ir_value(fb, b->outs[i])->name) != 0)
			diff(s, path, "result %u: %s vs %s", i, ir_value(fa, a->outs[i])->name,
			     ir_value(fb, b->outs[i])->name);
}

static void cmp_op(Stats *s, Module *ma, const Func *fa, const Op *a,
                   Module *mb, const Func *fb, const Op *b, const char *path)
{
	char where[512];
	snprintf(where, sizeof where, "%s: op %s \"%s\"", path, a->kind, a->name ? a->name : "");
	s->ops++;
	if (strcmp(a->kind, b->kind) != 0) {
		diff(s, where, "kind %s vs %s (\"%s\")", a->kind, b->kind, b->name ? b->name : "");
		return;
	}
	if (!a->name || !b->name || strcmp(a->name, b->name) != 0)
		diff(s, where, "op name vs \"%s\"", b->name ? b->name : "(none)");
	cmp_values(s, where, "output", ma, fa, a->nouts, a->outs, mb, fb, b->nouts, b->outs);

	/* operand names: the printout's arguments == protobuf inputs + attributes */
	uint32_t nb_names = b->nargs + b->nattrs;
	if (a->nargs + a->nattrs != nb_names)
		diff(s, where, "%u operands vs %u", a->nargs + a->nattrs, nb_names);
	static NOperand xa, xb;
	for (uint32_t i = 0; i < b->nargs + b->nattrs; i++) {
		const char *name = i < b->nargs ? b->args[i].name : b->attrs[i - b->nargs].name;
		char w2[600];
		snprintf(w2, sizeof w2, "%s: operand %s", where, name);
		if (!norm_operand(ma, fa, a, name, &xa)) {
			diff(s, w2, "missing in the printout");
			continue;
		}
		norm_operand(mb, fb, b, name, &xb);
		s->operands++;
		if (xa.n != xb.n) {
			diff(s, w2, "%u bindings vs %u", xa.n, xb.n);
			continue;
		}
		for (uint32_t j = 0; j < xa.n; j++)
			cmp_bind(s, w2, &xa.b[j], &xb.b[j]);
	}
	if (a->nblocks != b->nblocks) {
		diff(s, where, "%u blocks vs %u", a->nblocks, b->nblocks);
		return;
	}
	for (uint32_t i = 0; i < a->nblocks; i++) {
		char w3[600];
		snprintf(w3, sizeof w3, "%s: block %u", where, i);
		cmp_block(s, ma, fa, a->blocks[i], mb, fb, b->blocks[i], w3);
	}
}

static void cmp_modules(Stats *s, Module *ma, Module *mb)
{
	if (ma->funcs.n != mb->funcs.n)
		diff(s, "module", "%u functions vs %u", ma->funcs.n, mb->funcs.n);
	for (uint32_t i = 0; i < ma->funcs.n; i++) {
		Func *fa = ma->funcs.v[i];
		Func *fb = ir_module_find_func(mb, fa->name);
		if (!fb) {
			diff(s, "module", "function %s missing from the protobuf", fa->name);
			continue;
		}
		if (i < mb->funcs.n && mb->funcs.v[i] != fb)
			diff(s, "module", "function %s at another position", fa->name);
		if (strcmp(fa->opset, fb->opset) != 0)
			diff(s, fa->name, "opset %s vs %s", fa->opset, fb->opset);
		s->funcs++;
		cmp_block(s, ma, fa, fa->body, mb, fb, fb->body, fa->name);
	}
}

static Module *load(const char *path)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_load(path, &dl);
	if (m && ir_verify(m, &dl) != 0) {
		ir_module_free(m);
		m = NULL;
	}
	if (!m)
		diag_print_all(&dl, stderr);
	diag_fini(&dl);
	return m;
}

static void test_equivalence_converted(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	size_t n;
	char **files = tu_corpus_find("converted", ".milprog.txt", &n);
	assert_true(n >= 20);
	Stats s = { 0 };
	for (size_t i = 0; i < n; i++) {
		char pkg[1024];
		size_t len = strlen(files[i]) - strlen(".milprog.txt");
		snprintf(pkg, sizeof pkg, "%.*s.mlpackage", (int)len, files[i]);
		const char *slash = strrchr(files[i], '/');
		s.model = slash ? slash + 1 : files[i];
		Module *ma = load(files[i]), *mb = load(pkg);
		assert_non_null(ma);
		assert_non_null(mb);
		s.models++;
		unsigned before = s.diffs;
		cmp_modules(&s, ma, mb);
		if (s.diffs != before)
			fprintf(stderr, "  %s: %u differences\n", s.model, s.diffs - before);
		ir_module_free(ma);
		ir_module_free(mb);
	}
	tu_free_list(files, n);
	print_message("equivalence: %u models, %u functions, %u ops, %u operands compared: "
	              "%u value bindings, %u literals equal to their const, %u named constants, "
	              "%u opaque, %u literals whose width the printout does not show; "
	              "%u state updates folded; %u differences\n", s.models, s.funcs, s.ops,
	              s.operands, s.values, s.literals, s.named_consts, s.opaque, s.width_unknown,
	              s.folded, s.diffs);
	assert_int_equal(s.diffs, 0);
	assert_true(s.ops > 1000);
}

/* The comparison sees a changed literal, a renamed value, a changed type. */
static void test_equivalence_detects_differences(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char a[512], b[512];
	snprintf(a, sizeof a, "%s/corpus/converted/control_flow_ios17/control_flow_ios17.milprog.txt",
	         tu_shared_dir());
	snprintf(b, sizeof b, "%s/corpus/converted/control_flow_ios17/control_flow_ios17.mlpackage",
	         tu_shared_dir());
	Module *ma = load(a), *mb = load(b);
	assert_non_null(ma);
	assert_non_null(mb);
	Stats s = { .model = "control_flow (expected)" };
	cmp_modules(&s, ma, mb);
	assert_int_equal(s.diffs, 0);

	Func *f = ma->funcs.v[0];
	Binding *lit = NULL;
	for (uint32_t i = 0; i < f->body->nops && !lit; i++) {
		Op *op = f->body->ops[i];
		for (uint32_t k = 0; k < op->nargs && !lit; k++)
			if (op->args[k].b[0].kind == BIND_LIT &&
			    op->args[k].b[0].lit->type->dt == DT_INT32)
				lit = &op->args[k].b[0];
	}
	if (!lit) {     /* the loop's `y = 1` */
		Op *loop = NULL;
		for (uint32_t i = 0; i < f->body->nops; i++)
			if (strcmp(f->body->ops[i]->kind, "while_loop") == 0)
				loop = f->body->ops[i];
		assert_non_null(loop);
		lit = &loop->blocks[1]->ops[3]->args[1].b[0];
	}
	assert_int_equal(lit->lit->type->dt, DT_INT32);
	Lit *changed = arena_alloc(ma->arena, sizeof *changed);
	*changed = *lit->lit;
	int32_t *v = arena_alloc(ma->arena, sizeof *v);
	*v = 7;
	changed->u.tensor.data = v;
	lit->lit = changed;
	Op *last = f->body->ops[f->body->nops - 1];
	ir_value(f, last->outs[0])->name = "renamed";
	ir_value(f, f->body->params[0])->type = type_scalar(ma->types, DT_FP32);
	s.model = "control_flow (changed)";
	cmp_modules(&s, ma, mb);
	assert_true(s.diffs >= 3);
	print_message("a changed literal, name and type give %u differences\n", s.diffs);
	ir_module_free(ma);
	ir_module_free(mb);
}

/* ---- compiled bundles: dump -> parse -> dump, bundle vs model.mil ---- */

static Module *parse_text(const char *name, const char *text)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = tu_parse_mil(name, text, strlen(text), &dl);
	if (!m)
		diag_print_all(&dl, stderr);
	diag_fini(&dl);
	return m;
}

static void test_equivalence_mlmodelc(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	size_t n;
	char **bundles = tu_corpus_find("", ".mlmodelc", &n);
	unsigned checked = 0;
	for (size_t i = 0; i < n; i++) {
		char mil[1024];
		snprintf(mil, sizeof mil, "%s/model.mil", bundles[i]);
		if (access(mil, R_OK) != 0)
			continue;       /* the compiled neural network: test_corpus_models */
		Module *mb = load(bundles[i]), *mm = load(mil);
		assert_non_null(mb);
		assert_non_null(mm);
		char *d1 = tu_print_module(mb), *d2 = tu_print_module(mm);
		assert_string_equal(d1, d2);
		Module *again = parse_text("dump.mil", d1);
		assert_non_null(again);
		char *d3 = tu_print_module(again);
		assert_string_equal(d1, d3);
		free(d1);
		free(d2);
		free(d3);
		ir_module_free(mb);
		ir_module_free(mm);
		ir_module_free(again);
		checked++;
	}
	tu_free_list(bundles, n);
	print_message("mlmodelc: %u bundles with model.mil: stable dumps, same as model.mil alone\n",
	              checked);
	assert_true(checked >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equivalence_converted),
		cmocka_unit_test(test_equivalence_detects_differences),
		cmocka_unit_test(test_equivalence_mlmodelc),
	};
	return cmocka_run_group_tests_name("equivalence", tests, NULL, NULL);
}
