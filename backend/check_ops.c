/* check_ops.c - a gate, the ops it names and their text lines (check.h). */
#include "backend/check_int.h"

#include <stdlib.h>

CheckGate *check_new_gate(CheckModel *mr, Arena *a, const char *type, const char *name)
{
	CheckGate g = { 0 };
	g.type = type;
	g.name = name;
	g.passed = true;
	vec_push(a, &mr->gates, g);
	return &mr->gates.v[mr->gates.n - 1];
}

bool check_model_passed(const CheckModel *mr)
{
	for (uint32_t i = 0; i < mr->gates.n; i++)
		if (!mr->gates.v[i].passed)
			return false;
	return true;
}

CheckOp check_op_ref(const CheckCtx *c, const Func *f, const Op *op, const OpPlacement *p)
{
	/* copies: the module dies before the results are printed */
	CheckOp g = { 0 };
	g.function = arena_strdup(c->a, f->name);
	g.name = arena_strdup(c->a, ir_op_name(f, op));
	g.type = arena_strdup(c->a, op->kind);
	if (p && !p->is_const)
		g.device = device_name(p->device[c->cu]);
	if (p) {
		const AneReason *r = report_main_reason(p, c->cu);
		if (r) {
			g.code = r->rule->code;
			g.message = report_reason_message(c->a, r);
		} else if (p->device[c->cu] != DEV_ANE && !p->is_const &&
		           !(compute_units_devices(c->cu) & DEVM(DEV_ANE))) {
			g.code = REPORT_CODE_UNITS;
			g.message = arena_printf(c->a, "%s excludes the ANE", compute_units_name(c->cu));
		}
	}
	return g;
}

FILE *check_text_open(CheckText *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f;
}

const char *check_text_take(CheckText *t, Arena *a)
{
	if (t->f)
		fclose(t->f);
	const char *s = arena_strdup(a, t->buf ? t->buf : "");
	free(t->buf);
	t->buf = NULL;
	t->f = NULL;
	return s;
}

const char *check_ops_details(Arena *a, const CheckOp *ops, uint32_t n, const char *head)
{
	CheckText t;
	FILE *f = check_text_open(&t);
	if (!f)
		return "";
	if (head)
		fprintf(f, "%s\n", head);
	for (uint32_t i = 0; i < n && i < CHECK_SHOWN_OPS; i++) {
		const CheckOp *o = &ops[i];
		fprintf(f, "%s (%s in %s)", o->name, o->type, o->function);
		if (o->was)
			fprintf(f, " %s -> %s", o->was, o->device ? o->device : "-");
		else if (o->device)
			fprintf(f, " on %s", o->device);
		if (o->code)
			fprintf(f, ": %s %s", o->code, o->message ? o->message : "");
		fputc('\n', f);
	}
	if (n > CHECK_SHOWN_OPS)
		fprintf(f, "... and %u more\n", n - CHECK_SHOWN_OPS);
	return check_text_take(&t, a);
}
