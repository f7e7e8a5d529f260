/* print.c - the MIL text printer.  It writes the model.mil syntax the
 * parser reads (spec/mil-text.md), so parse -> print -> parse is stable:
 * layout as Apple's compiler writes it (function header at 4 spaces,
 * statements at 12, the closing `} -> (...)` at 8), scalars spelled by the
 * module's syntax generation, floats as C99 hex floats (exact).
 *
 * Extensions the compiler never writes (documented in docs/mil-text.md):
 * nested blocks of cond / while_loop follow the op's attribute list as
 * `(params) { stmts } -> (outs)`, a tensor of unknown rank is
 * `tensor<T, *>`, and passes' annotations are trailing `//` comments. */
#include "ir/ir.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

typedef struct Printer {
	const Module *m;
	FILE *out;
	const PrintOpts *opts;
} Printer;

static void print_type(Printer *p, const Type *t);
static void print_elem(Printer *p, const Lit *l);

static void print_dim(FILE *out, Dim d)
{
	switch (d.kind) {
	case DIM_CONST: fprintf(out, "%" PRId64, d.size); break;
	case DIM_SYM: fputs(d.sym, out); break;
	case DIM_UNKNOWN: fputc('?', out); break;
	}
}

static void print_dims(FILE *out, uint32_t n, const Dim *d)
{
	fputc('[', out);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		print_dim(out, d[i]);
	}
	fputc(']', out);
}

static void print_type(Printer *p, const Type *t)
{
	FILE *out = p->out;
	switch (t->kind) {
	case TY_TENSOR:
		if (t->rank == 0 && p->m->syntax == MIL_SYNTAX_NEW) {
			fputs(dtype_name(t->dt), out);
			return;
		}
		fprintf(out, "tensor<%s, ", dtype_name(t->dt));
		if (t->rank < 0)
			fputc('*', out);
		else
			print_dims(out, (uint32_t)t->rank, t->dims);
		fputc('>', out);
		return;
	case TY_TENSOR_BUFFER:
		fprintf(out, "tensor_buffer<%s", dtype_name(t->dt));
		for (uint32_t i = 0; i < t->nfields; i++) {
			fprintf(out, ", %s=", t->fields[i].key);
			print_dims(out, t->fields[i].n, t->fields[i].dims);
		}
		fputc('>', out);
		return;
	case TY_LIST:
		fputs("list<", out);
		print_type(p, t->elem);
		fputs(", ", out);
		print_dim(out, t->len);
		fputc('>', out);
		return;
	case TY_TUPLE:
		fputs("tuple<", out);
		for (uint32_t i = 0; i < t->nelems; i++) {
			if (i)
				fputs(", ", out);
			print_type(p, t->elems[i]);
		}
		fputc('>', out);
		return;
	case TY_DICT:
		fputs("dict<", out);
		print_type(p, t->key);
		fputs(", ", out);
		print_type(p, t->elem);
		fputc('>', out);
		return;
	case TY_STATE:
		fputs("state<", out);
		print_type(p, t->elem);
		fputc('>', out);
		return;
	}
}

/* A double-quoted string with C escapes, as the lexer reads it back. */
static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				fprintf(out, "\\x%02x", *c);
			else
				fputc(*c, out);
		}
	}
	fputc('"', out);
}

static void print_float(FILE *out, double x)
{
	if (isnan(x))
		fputs("nan", out);
	else if (isinf(x))
		fputs(x < 0 ? "-inf" : "inf", out);
	else
		fprintf(out, "%a", x);
}

static void print_scalar(Printer *p, const Lit *l, int64_t i)
{
	DType dt = l->type->dt;
	switch (dtype_info[dt].cls) {
	case DTC_BOOL:
		fputs(lit_elem_i64(l, i) ? "true" : "false", p->out);
		return;
	case DTC_STRING:
		print_string(p->out, lit_elem_str(l, i));
		return;
	case DTC_FLOAT:
		print_float(p->out, lit_elem_f64(l, i));
		return;
	case DTC_UINT:
		if (dt == DT_UINT64) {
			uint64_t u;
			memcpy(&u, (const unsigned char *)l->u.tensor.data + (size_t)i * sizeof u, sizeof u);
			fprintf(p->out, "%" PRIu64, u);
			return;
		}
		/* fall through */
	case DTC_SINT:
		fprintf(p->out, "%" PRId64, lit_elem_i64(l, i));
		return;
	}
}

/* The payload of a literal without its type: what stands inside the
 * constructor's parentheses, or as an element of a container. */
static void print_elem(Printer *p, const Lit *l)
{
	FILE *out = p->out;
	switch (l->kind) {
	case LIT_TENSOR:
		if (l->type->rank == 0) {
			print_scalar(p, l, 0);
			return;
		}
		fputc('[', out);
		for (int64_t i = 0; i < l->u.tensor.count; i++) {
			if (i)
				fputs(", ", out);
			print_scalar(p, l, i);
		}
		fputc(']', out);
		return;
	case LIT_BLOB: {
		const Type *str = type_scalar(p->m->types, DT_STRING);
		const Type *u64 = type_scalar(p->m->types, DT_UINT64);
		fputs("BLOBFILE(path = ", out);
		print_type(p, str);
		fputc('(', out);
		print_string(out, l->u.blob.path);
		fputs("), offset = ", out);
		print_type(p, u64);
		fprintf(out, "(%" PRIu64 "))", l->u.blob.offset);
		return;
	}
	case LIT_LIST:
	case LIT_TUPLE:
		fputc(l->kind == LIT_LIST ? '[' : '(', out);
		for (uint32_t i = 0; i < l->u.seq.n; i++) {
			if (i)
				fputs(", ", out);
			print_elem(p, l->u.seq.items[i]);
		}
		fputc(l->kind == LIT_LIST ? ']' : ')', out);
		return;
	case LIT_DICT:
		fputc('{', out);
		for (uint32_t i = 0; i < l->u.seq.n; i++) {
			fputs(i ? ", {" : "{", out);
			print_elem(p, l->u.seq.items[2 * i]);
			fputs(", ", out);
			print_elem(p, l->u.seq.items[2 * i + 1]);
			fputc('}', out);
		}
		fputc('}', out);
		return;
	}
}

static void print_lit(Printer *p, const Lit *l)
{
	print_type(p, l->type);
	fputc('(', p->out);
	print_elem(p, l);
	fputc(')', p->out);
}

/* `[k = v, ...]`; an op's name goes back at the place it was read from. */
static void print_attrs(Printer *p, uint32_t n, const Attr *attrs, const char *name,
                        uint32_t name_at)
{
	if (!n && !name)
		return;
	const Type *str = name ? type_scalar(p->m->types, DT_STRING) : NULL;
	fputc('[', p->out);
	for (uint32_t i = 0, k = 0; i < n + (name != NULL); i++) {
		fputs(i ? ", " : "", p->out);
		if (name && i == name_at) {
			fputs("name = ", p->out);
			print_type(p, str);
			fputc('(', p->out);
			print_string(p->out, name);
			fputc(')', p->out);
			continue;
		}
		fprintf(p->out, "%s = ", attrs[k].name);
		print_lit(p, attrs[k].val);
		k++;
	}
	fputc(']', p->out);
}

static void print_binding(Printer *p, const Func *f, const Binding *b)
{
	if (b->kind == BIND_VALUE)
		fputs(b->value < f->values.n ? ir_value(f, b->value)->name : "<undef>", p->out);
	else
		print_lit(p, b->lit);
}

static void print_names(Printer *p, const Func *f, uint32_t n, const ValueId *ids)
{
	fputc('(', p->out);
	for (uint32_t i = 0; i < n; i++)
		fprintf(p->out, "%s%s", i ? ", " : "", ir_value(f, ids[i])->name);
	fputc(')', p->out);
}

static void print_params(Printer *p, const Func *f, const Block *b)
{
	fputc('(', p->out);
	for (uint32_t i = 0; i < b->nparams; i++) {
		const Value *v = ir_value(f, b->params[i]);
		if (i)
			fputs(", ", p->out);
		print_type(p, v->type);
		fprintf(p->out, " %s", v->name);
	}
	fputc(')', p->out);
}

static void print_block_body(Printer *p, const Func *f, const Block *b, int indent);

static void print_op(Printer *p, const Func *f, const Op *op, int indent)
{
	FILE *out = p->out;
	fprintf(out, "%*s", indent, "");
	for (uint32_t i = 0; i < op->nouts; i++) {
		const Value *v = ir_value(f, op->outs[i]);
		if (i)
			fputs(", ", out);
		print_type(p, v->type);
		fprintf(out, " %s", v->name);
	}
	if (op->nouts)
		fputs(" = ", out);
	fputs(op->kind, out);
	if (op->opset)
		fprintf(out, "<%s>", op->opset);
	fputc('(', out);
	for (uint32_t i = 0; i < op->nargs; i++) {
		const Operand *a = &op->args[i];
		fprintf(out, "%s%s = ", i ? ", " : "", a->name);
		if (a->is_tuple || a->n != 1)
			fputc('(', out);
		for (uint32_t j = 0; j < a->n; j++) {
			if (j)
				fputs(", ", out);
			print_binding(p, f, &a->b[j]);
		}
		if (a->is_tuple || a->n != 1)
			fputc(')', out);
	}
	fputc(')', out);
	print_attrs(p, op->nattrs, op->attrs, op->name, op->name_at);
	for (uint32_t i = 0; i < op->nblocks; i++) {
		const Block *b = op->blocks[i];
		fputc(' ', out);
		if (b->nparams) {
			print_params(p, f, b);
			fputc(' ', out);
		}
		fputc('{', out);
		if (i == 0 && p->opts && p->opts->annotate)
			p->opts->annotate(p->opts->annotate_ctx, f, op, out);
		fputc('\n', out);
		print_block_body(p, f, b, indent + 4);
		fprintf(out, "%*s} -> ", indent, "");
		print_names(p, f, b->nouts, b->outs);
	}
	fputc(';', out);
	if (op->nblocks == 0 && p->opts && p->opts->annotate)
		p->opts->annotate(p->opts->annotate_ctx, f, op, out);
	fputc('\n', out);
}

static void print_block_body(Printer *p, const Func *f, const Block *b, int indent)
{
	for (uint32_t i = 0; i < b->nops; i++)
		print_op(p, f, b->ops[i], indent);
}

static void print_func(Printer *p, const Func *f)
{
	FILE *out = p->out;
	fprintf(out, "    func %s<%s>", f->name, f->opset ? f->opset : "");
	print_params(p, f, f->body);
	if (f->nattrs) {
		fputc(' ', out);
		print_attrs(p, f->nattrs, f->attrs, NULL, 0);
	}
	fputs(" {\n", out);
	print_block_body(p, f, f->body, 12);
	fputs("        } -> ", out);
	print_names(p, f, f->body->nouts, f->body->outs);
	fputs(";\n", out);
}

void ir_print_module(const Module *m, FILE *out, const PrintOpts *opts)
{
	Printer p = { m, out, opts };
	fprintf(out, "program(%s)\n", m->version);
	if (m->nattrs) {
		print_attrs(&p, m->nattrs, m->attrs, NULL, 0);
		fputc('\n', out);
	}
	fputs("{\n", out);
	for (uint32_t i = 0; i < m->funcs.n; i++)
		print_func(&p, m->funcs.v[i]);
	fputs("}\n", out);
}

void ir_print_type(const Module *m, const Type *t, FILE *out)
{
	Printer p = { m, out, NULL };
	print_type(&p, t);
}

void ir_print_lit(const Module *m, const Lit *l, FILE *out)
{
	Printer p = { m, out, NULL };
	print_lit(&p, l);
}
