/* report.c - what every analysis report shares (report.h): format names,
 * coverage bands, reason texts, modelled times, the grouping of the ops
 * that leave the ANE by reason and the ops ranked by modelled cost. */
#include "backend/report.h"

#include <stdlib.h>
#include <string.h>

#include "ir/model_desc.h"

static const char *const format_names[REPORT_FORMAT_COUNT] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_JUNIT] = "junit",
	[REPORT_SARIF] = "sarif",
	[REPORT_DOT] = "dot",
	[REPORT_MIL] = "mil",
};

const char *report_format_name(ReportFormat f)
{
	return (unsigned)f < REPORT_FORMAT_COUNT ? format_names[f] : "?";
}

int report_format_from_name(const char *s)
{
	for (int i = 0; i < REPORT_FORMAT_COUNT; i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

void report_input_init(ReportInput *in, const Module *m, const PassCtx *ctx, const char *path,
                       const char *format, const char *tool_version)
{
	memset(in, 0, sizeof *in);
	in->m = m;
	in->ctx = ctx;
	in->path = path ? path : m->file;
	in->format = m->desc && m->desc->format ? m->desc->format : format ? format : "mil";
	in->tool_version = tool_version ? tool_version : "0.0.0";
	in->units = ane_lead_units(ctx);
}

/* ------------------------------------------------------------ bands */

CoverageBand report_band(double share)
{
	if (share > 0.95)
		return BAND_EXCELLENT;
	if (share >= 0.80)
		return BAND_GOOD;
	if (share >= 0.50)
		return BAND_MIXED;
	return BAND_POOR;
}

const char *report_band_name(CoverageBand b)
{
	static const char *const n[] = { "excellent", "good", "mixed", "poor" };
	return n[b];
}

const char *report_band_range(CoverageBand b)
{
	static const char *const n[] = { "over 95%", "80-95%", "50-80%", "under 50%" };
	return n[b];
}

/* ------------------------------------------------------------ reasons, times */

const char *report_reason_message(Arena *a, const AneReason *r)
{
	const char *reason = r->rule && r->rule->reason ? r->rule->reason : "";
	if (!r->detail || !r->detail[0])
		return reason;
	return arena_printf(a, "%s: %s", reason, r->detail);
}

const AneReason *report_main_reason(const OpPlacement *p, ComputeUnits cu)
{
	if (p->is_const || p->device[cu] == DEV_ANE || p->device[cu] == DEV_NONE)
		return NULL;
	for (uint32_t i = 0; i < p->nreasons; i++) {
		const AneReason *r = &p->reasons[i];
		if (r->rule && r->rule->kind == RULE_REFUSE && r->device == DEV_ANE)
			return r;
	}
	if (!(compute_units_devices(cu) & DEVM(DEV_ANE)))
		return NULL;
	if (p->not_preferred[cu] && p->not_preferred[cu]->rule)
		return p->not_preferred[cu];
	return NULL;
}

const AneRule *report_main_rule(const OpPlacement *p, ComputeUnits cu)
{
	const AneReason *r = report_main_reason(p, cu);
	return r ? r->rule : NULL;
}

double report_op_ms(const OpPlacement *p, ComputeUnits cu)
{
	Device d = p->device[cu];
	if (p->is_const || d <= DEV_NONE || d >= DEV_COUNT)
		return 0;
	return p->est && p->est->ms[d] > 0 ? p->est->ms[d] : 0;
}

typedef struct SumCtx {
	const ReportInput *in;
	ComputeUnits cu;
	double sum;
} SumCtx;

static int sum_op(Func *f, Op *op, void *vctx)
{
	SumCtx *c = vctx;
	const OpPlacement *p = ane_op_placement(c->in->ctx, f, op);
	if (p)
		c->sum += report_op_ms(p, c->cu);
	return 0;
}

double report_total_ms(const ReportInput *in, ComputeUnits cu)
{
	SumCtx c = { in, cu, 0 };
	for (uint32_t i = 0; i < in->m->funcs.n; i++)
		ir_walk_ops(in->m->funcs.v[i], sum_op, &c);
	return c.sum;
}

const char *report_rule_kind_name(AneRuleKind k)
{
	switch (k) {
	case RULE_REFUSE: return "refuse";
	case RULE_PREFER: return "prefer";
	case RULE_ADVISE: return "advise";
	}
	return "?";
}

const char *report_severity_name(Severity s)
{
	switch (s) {
	case SEV_NOTE: return "note";
	case SEV_WARNING: return "warning";
	case SEV_ERROR: return "error";
	}
	return "?";
}

const char *report_si(char *buf, size_t n, double v)
{
	if (v < 0)
		snprintf(buf, n, "?");
	else if (v >= 1e9)
		snprintf(buf, n, "%.2f G", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, n, "%.2f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, n, "%.1f k", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
	return buf;
}

typedef struct ByIndex {
	const Op **v;
	uint32_t n;
} ByIndex;

static int index_op(Func *f, Op *op, void *vctx)
{
	(void)f;
	ByIndex *x = vctx;
	if (op->index < x->n)
		x->v[op->index] = op;
	return 0;
}

const Op **report_ops_by_index(const Func *f)
{
	ByIndex x = { calloc(f->nops ? f->nops : 1, sizeof *x.v), f->nops };
	if (x.v)
		ir_walk_ops((Func *)f, index_op, &x);
	return x.v;
}

/* ------------------------------------------------------------ ops by cost */

typedef struct CostRows {
	const PassCtx *ctx;
	ComputeUnits cu;
	uint32_t fi;                /* the function being walked */
	ReportCostRow *v;
	uint32_t n, cap;
} CostRows;

static int cost_row(Func *f, Op *op, void *vctx)
{
	CostRows *r = vctx;
	const CostOp *c = cost_op(r->ctx, f, op);
	const OpPlacement *p = ane_op_placement(r->ctx, f, op);
	if (!c || c->is_const || !p)
		return 0;
	if (r->n == r->cap) {
		uint32_t ncap = r->cap ? r->cap * 2 : 256;
		ReportCostRow *nv = realloc(r->v, ncap * sizeof *nv);
		if (!nv)
			return 1;
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n++] = (ReportCostRow){ f, op, c, p->device[r->cu], c->placed_ms[r->cu], r->fi };
	return 0;
}

/* Largest modelled time first; ties keep module order. */
static int cost_row_cmp(const void *pa, const void *pb)
{
	const ReportCostRow *a = pa, *b = pb;
	if (a->ms != b->ms)
		return a->ms > b->ms ? -1 : 1;
	if (a->fi != b->fi)
		return a->fi < b->fi ? -1 : 1;
	return (a->op->index > b->op->index) - (a->op->index < b->op->index);
}

int report_cost_rows(const ReportInput *in, ComputeUnits cu, ReportCostRow **rows, uint32_t *n)
{
	CostRows r = { .ctx = in->ctx, .cu = cu };
	for (r.fi = 0; r.fi < in->m->funcs.n; r.fi++)
		if (ir_walk_ops(in->m->funcs.v[r.fi], cost_row, &r) != 0) {
			free(r.v);
			*rows = NULL;
			*n = 0;
			return -1;
		}
	if (r.n > 1)
		qsort(r.v, r.n, sizeof *r.v, cost_row_cmp);
	*rows = r.v;
	*n = r.n;
	return 0;
}

/* ------------------------------------------------------------ groups */

typedef struct GroupBuild {
	const ReportInput *in;
	ComputeUnits cu;
	Arena *a;
	double total;
	VEC(ReportGroup) g;
	/* ops per group while collecting */
	VEC(struct GroupOps { VEC(const Func *) f; VEC(const Op *) o; }) ops;
} GroupBuild;

static int group_op(Func *f, Op *op, void *vctx)
{
	GroupBuild *b = vctx;
	const OpPlacement *p = ane_op_placement(b->in->ctx, f, op);
	if (!p || p->is_const || p->device[b->cu] == DEV_ANE || p->device[b->cu] == DEV_NONE)
		return 0;
	const AneRule *rule = report_main_rule(p, b->cu);
	uint32_t gi = 0;
	while (gi < b->g.n && b->g.v[gi].rule != rule)
		gi++;
	if (gi == b->g.n) {
		ReportGroup g = { 0 };
		g.rule = rule;
		if (rule) {
			g.code = rule->code;
			g.reason = rule->reason ? rule->reason : "";
			g.hint = rule->hint ? rule->hint : "";
		} else if (!(compute_units_devices(b->cu) & DEVM(DEV_ANE))) {
			g.code = REPORT_CODE_UNITS;
			g.reason = arena_printf(b->a, "the compute units %s exclude the ANE",
			                        compute_units_name(b->cu));
			g.hint = "load the model with CPU_AND_NE or ALL to use the ANE";
		} else {
			g.code = "?";
			g.reason = "placed off the ANE without a recorded reason";
			g.hint = "";
		}
		vec_push(b->a, &b->g, g);
		struct GroupOps empty = { { 0 }, { 0 } };
		vec_push(b->a, &b->ops, empty);
	}
	ReportGroup *g = &b->g.v[gi];
	g->nops++;
	g->devices |= DEVM(p->device[b->cu]);
	if (b->total > 0)
		g->cost_share += report_op_ms(p, b->cu) / b->total;
	vec_push(b->a, &b->ops.v[gi].f, f);
	vec_push(b->a, &b->ops.v[gi].o, op);
	return 0;
}

static int group_cmp(const void *pa, const void *pb)
{
	const ReportGroup *a = pa, *b = pb;
	if (a->nops != b->nops)
		return a->nops > b->nops ? -1 : 1;
	return strcmp(a->code, b->code);
}

ReportGroup *report_groups(const ReportInput *in, ComputeUnits cu, Arena *a, uint32_t *n)
{
	GroupBuild b = { .in = in, .cu = cu, .a = a };
	b.total = report_total_ms(in, cu);
	for (uint32_t i = 0; i < in->m->funcs.n; i++)
		ir_walk_ops(in->m->funcs.v[i], group_op, &b);
	for (uint32_t i = 0; i < b.g.n; i++) {
		b.g.v[i].funcs = b.ops.v[i].f.v;
		b.g.v[i].ops = b.ops.v[i].o.v;
	}
	if (b.g.n > 1)
		qsort(b.g.v, b.g.n, sizeof *b.g.v, group_cmp);
	*n = b.g.n;
	return b.g.v;
}

/* ------------------------------------------------------------ JUnit */

JunitCase report_junit_case(const ReportInput *in, Arena *a)
{
	JunitCase c = { 0 };
	ComputeUnits cu = in->units;
	const AneCounts *k = ane_counts(in->ctx, NULL, cu);
	c.classname = arena_printf(a, "anelint.analyze.%s", compute_units_name(cu));
	c.name = in->path;
	if (!k) {
		c.failure = "no placement results";
		c.failure_type = "analysis";
		return c;
	}
	double share = k->share[DEV_ANE];
	uint32_t off = k->executable - k->on[DEV_ANE];
	const char *summary = arena_printf(a, "%u of %u executable ops on the ANE (%.1f%%, %s), "
	                                   "%u segments, %u switches", k->on[DEV_ANE], k->executable,
	                                   share * 100, report_band_name(report_band(share)),
	                                   k->segments, k->switches);
	if (!off) {
		c.system_out = summary;
		return c;
	}
	c.failure = arena_printf(a, "%u of %u executable ops leave the ANE under %s; %s", off,
	                         k->executable, compute_units_name(cu), summary);
	c.failure_type = "ane-placement";
	uint32_t ng;
	ReportGroup *g = report_groups(in, cu, a, &ng);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return c;
	for (uint32_t i = 0; i < ng; i++) {
		fprintf(f, "%s %s (%u op%s):", g[i].code, g[i].reason, g[i].nops,
		        g[i].nops == 1 ? "" : "s");
		for (uint32_t j = 0; j < g[i].nops; j++)
			fprintf(f, " %s", ir_op_name(g[i].funcs[j], g[i].ops[j]));
		fputc('\n', f);
		if (g[i].hint[0])
			fprintf(f, "  hint: %s\n", g[i].hint);
	}
	fclose(f);
	c.details = arena_strdup(a, buf ? buf : "");
	free(buf);
	return c;
}
