/* dot.c - Graphviz DOT of the placed graph: one cluster per function, and
 * inside it one cluster per segment of the lead setting; ops are boxes
 * filled by device (ANE green, GPU blue, CPU orange), function inputs are
 * ellipses, edges follow the values.  Const ops are left out (their count
 * is in the graph label): they are not scheduled and would drown the
 * picture.  Node ids are generated (f<F>_op<N>, f<F>_in<K>), so any op
 * name is safe; labels are escaped. */
#include "backend/report.h"

#include <string.h>

#include "backend/emit_util.h"

static const char *fill(Device d)
{
	switch (d) {
	case DEV_ANE: return "#9ed99e";
	case DEV_GPU: return "#9ec3ea";
	case DEV_CPU: return "#f5bd80";
	default: return "#e0e0e0";
	}
}

static const char *cluster_fill(Device d)
{
	switch (d) {
	case DEV_ANE: return "#eef8ee";
	case DEV_GPU: return "#eef4fb";
	case DEV_CPU: return "#fdf3e8";
	default: return "#f4f4f4";
	}
}

/* A DOT double-quoted string. */
static void qstr(FILE *out, Arena *a, const char *s)
{
	s = emit_clean_utf8(a, s ? s : "", true);
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else if (*s != '\r')
			fputc(*s, out);
	}
	fputc('"', out);
}

typedef struct DCtx {
	const ReportInput *in;
	FILE *out;
	Arena *a;
	uint32_t fi;                /* function number */
	const Func *f;
	int32_t nseg;
	/* ops per segment while collecting; index nseg: outside any segment */
	VEC(const Op *) *buckets;
	VEC(const Op *) all;        /* executable ops, program order */
	uint32_t nconst;
} DCtx;

static int collect(Func *f, Op *op, void *vctx)
{
	DCtx *c = vctx;
	const OpPlacement *p = ane_op_placement(c->in->ctx, f, op);
	if (p && p->is_const) {
		c->nconst++;
		return 0;
	}
	int32_t s = p ? p->segment[c->in->units] : -1;
	if (s < 0 || s >= c->nseg)
		s = c->nseg;
	vec_push(c->a, &c->buckets[s], op);
	vec_push(c->a, &c->all, op);
	return 0;
}

static void node(DCtx *c, const Op *op, const char *indent)
{
	const OpPlacement *p = ane_op_placement(c->in->ctx, c->f, op);
	Device d = p ? p->device[c->in->units] : DEV_NONE;
	fprintf(c->out, "%sf%u_op%u [label=", indent, c->fi, op->index);
	const char *label = arena_printf(c->a, "%s\n%s", op->kind, ir_op_name(c->f, op));
	if (d != DEV_ANE && d != DEV_NONE && p) {
		const AneRule *r = report_main_rule(p, c->in->units);
		label = arena_printf(c->a, "%s\n%s: %s", label, device_name(d),
		                     r ? r->code : REPORT_CODE_UNITS);
	}
	qstr(c->out, c->a, label);
	fprintf(c->out, ", fillcolor=\"%s\"", fill(d));
	if (p && p->nested)
		fputs(", style=\"rounded,filled,dashed\"", c->out);
	fputs("];\n", c->out);
}

/* The node a value comes from: an executable op, a function input, or
 * (block parameters) the op owning the block; NULL for const ops. */
static void source_id(DCtx *c, ValueId id, char *buf, size_t n)
{
	buf[0] = 0;
	const Value *v = ir_value(c->f, id);
	if (v->def) {
		const OpPlacement *p = ane_op_placement(c->in->ctx, c->f, v->def);
		if (!p || !p->is_const)
			snprintf(buf, n, "f%u_op%u", c->fi, v->def->index);
		return;
	}
	const Block *b = v->block;
	if (b == c->f->body) {
		snprintf(buf, n, "f%u_in%u", c->fi, v->def_index);
	} else if (b && b->parent_op) {
		snprintf(buf, n, "f%u_op%u", c->fi, b->parent_op->index);
	}
}

static void edges(DCtx *c, const Op *op)
{
	char prev[8][48];
	uint32_t nprev = 0;
	for (uint32_t i = 0; i < op->nargs; i++) {
		const Operand *o = &op->args[i];
		for (uint32_t j = 0; j < o->n; j++) {
			if (o->b[j].kind != BIND_VALUE)
				continue;
			char src[48];
			source_id(c, o->b[j].value, src, sizeof src);
			if (!src[0])
				continue;
			bool dup = false;
			for (uint32_t k = 0; k < nprev && !dup; k++)
				dup = strcmp(prev[k], src) == 0;
			if (dup)
				continue;
			if (nprev < 8)
				memcpy(prev[nprev++], src, sizeof src);
			fprintf(c->out, "  %s -> f%u_op%u;\n", src, c->fi, op->index);
		}
	}
}

static void function(DCtx *c)
{
	const Func *f = c->f;
	const AneFuncPlan *plan = ane_func_plan(c->in->ctx, f, c->in->units);
	c->nseg = plan ? (int32_t)plan->nsegments : 0;
	c->buckets = arena_array(c->a, (size_t)c->nseg + 1, sizeof *c->buckets);
	c->all.n = 0;
	c->nconst = 0;
	ir_walk_ops((Func *)f, collect, c);

	fprintf(c->out, "  subgraph cluster_f%u {\n    label=", c->fi);
	uint32_t ns = plan ? plan->nsegments : 0, nsw = plan ? plan->switches : 0;
	const char *label = arena_printf(c->a, "function %s: %u segment%s, %u switch%s, %u const "
	                                 "op%s not shown", f->name, ns, ns == 1 ? "" : "s", nsw,
	                                 nsw == 1 ? "" : "es", c->nconst, c->nconst == 1 ? "" : "s");
	qstr(c->out, c->a, label);
	fputs(";\n    style=\"rounded\";\n    color=\"#888888\";\n", c->out);
	for (uint32_t i = 0; i < f->body->nparams; i++) {
		const Value *v = ir_value(f, f->body->params[i]);
		fprintf(c->out, "    f%u_in%u [shape=ellipse, fillcolor=\"#ffffff\", label=", c->fi, i);
		qstr(c->out, c->a, v->name);
		fputs("];\n", c->out);
	}
	for (int32_t s = 0; s < c->nseg; s++) {
		const AneSegment *seg = &plan->segments[s];
		fprintf(c->out, "    subgraph cluster_f%u_s%d {\n      label=", c->fi, s);
		const char *sl = arena_printf(c->a, "segment %d: %s, %u op%s", s, device_name(seg->device),
		                              seg->nops, seg->nops == 1 ? "" : "s");
		qstr(c->out, c->a, sl);
		fprintf(c->out, ";\n      style=\"filled,rounded\";\n      fillcolor=\"%s\";\n"
		        "      color=\"%s\";\n", cluster_fill(seg->device), fill(seg->device));
		for (uint32_t i = 0; i < c->buckets[s].n; i++)
			node(c, c->buckets[s].v[i], "      ");
		fputs("    }\n", c->out);
	}
	for (uint32_t i = 0; i < c->buckets[c->nseg].n; i++)
		node(c, c->buckets[c->nseg].v[i], "    ");
	fputs("  }\n", c->out);
	for (uint32_t i = 0; i < c->all.n; i++)
		edges(c, c->all.v[i]);
}

int report_dot(const ReportInput *in, FILE *out)
{
	DCtx c = { .in = in, .out = out, .a = arena_new() };
	fputs("digraph anelint {\n", out);
	const AneChip *chip = ane_chip(in->ctx);
	const char *label = arena_printf(c.a, "%s - chip %s, compute units %s", in->path,
	                                 chip ? chip->name : "?", compute_units_name(in->units));
	fputs("  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, label=", out);
	qstr(out, c.a, label);
	fputs("];\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n"
	      "  edge [color=\"#666666\", arrowsize=0.6];\n", out);
	for (uint32_t i = 0; i < in->m->funcs.n; i++) {
		c.fi = i;
		c.f = in->m->funcs.v[i];
		function(&c);
	}
	fputs("}\n", out);
	arena_free(c.a);
	return ferror(out) ? -1 : 0;
}
