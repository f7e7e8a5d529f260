/* check_gates.c - the gates min-ane, max-switches and deny, and the
 * evaluation of every gate of one model (check.h). */
#include "backend/check_int.h"

#include <math.h>
#include <string.h>

typedef struct DenyWalk {
	const CheckCtx *c;
	CheckGate *g;
	const char *code;
} DenyWalk;

static int deny_op(Func *f, Op *op, void *vctx)
{
	DenyWalk *w = vctx;
	const OpPlacement *p = ane_op_placement(w->c->in->ctx, f, op);
	if (!p)
		return 0;
	ComputeUnits cu = w->c->cu;
	const AneReason *hit = NULL;
	for (uint32_t i = 0; i < p->nreasons && !hit; i++)
		if (p->reasons[i].rule && strcmp(p->reasons[i].rule->code, w->code) == 0)
			hit = &p->reasons[i];
	if (!hit && p->not_preferred[cu] && p->not_preferred[cu]->rule &&
	    strcmp(p->not_preferred[cu]->rule->code, w->code) == 0)
		hit = p->not_preferred[cu];
	bool units = !hit && strcmp(w->code, REPORT_CODE_UNITS) == 0 && !p->is_const &&
	             !(compute_units_devices(cu) & DEVM(DEV_ANE));
	if (!hit && !units)
		return 0;
	CheckOp g = check_op_ref(w->c, f, op, p);
	g.code = w->code;
	g.message = hit ? report_reason_message(w->c->a, hit)
	                : arena_printf(w->c->a, "%s excludes the ANE", compute_units_name(cu));
	vec_push(w->c->a, &w->g->ops, g);
	return 0;
}

static void gate_deny(const CheckCtx *c, CheckModel *mr, const char *code)
{
	CheckGate *g = check_new_gate(mr, c->a, "deny", arena_printf(c->a, "deny %s", code));
	DenyWalk w = { c, g, code };
	for (uint32_t i = 0; i < c->in->m->funcs.n; i++)
		ir_walk_ops(c->in->m->funcs.v[i], deny_op, &w);
	uint32_t ndiag = 0;
	const DiagList *dl = c->dl;
	const char *first_diag = NULL;
	for (uint32_t i = 0; i < dl->d.n; i++)
		if (dl->d.v[i].code && strcmp(dl->d.v[i].code, code) == 0) {
			if (!ndiag++)
				first_diag = dl->d.v[i].msg;
		}
	g->passed = !g->ops.n && !ndiag;
	if (g->passed) {
		g->message = arena_printf(c->a, "no op has %s", code);
	} else if (g->ops.n) {
		g->message = arena_printf(c->a, "%u op%s ha%s %s", g->ops.n, g->ops.n == 1 ? "" : "s",
		                          g->ops.n == 1 ? "s" : "ve", code);
		g->details = check_ops_details(c->a, g->ops.v, g->ops.n, NULL);
	} else {
		g->message = arena_printf(c->a, "%u diagnostic%s %s: %s", ndiag, ndiag == 1 ? "" : "s",
		                          code, first_diag ? first_diag : "");
	}
}

/* The reason groups of the ops off the ANE, and those ops. */
static void min_ane_details(const CheckCtx *c, CheckGate *g)
{
	uint32_t ng;
	ReportGroup *gr = report_groups(c->in, c->cu, c->a, &ng);
	CheckText t;
	FILE *f = check_text_open(&t);
	for (uint32_t i = 0; f && i < ng; i++) {
		fprintf(f, "%s %s (%u op%s)", gr[i].code, gr[i].reason, gr[i].nops,
		        gr[i].nops == 1 ? "" : "s");
		for (uint32_t j = 0; j < gr[i].nops && j < CHECK_SHOWN_OPS; j++)
			fprintf(f, "%s%s", j ? ", " : ": ", ir_op_name(gr[i].funcs[j], gr[i].ops[j]));
		fputc('\n', f);
		if (gr[i].hint[0])
			fprintf(f, "  hint: %s\n", gr[i].hint);
		for (uint32_t j = 0; j < gr[i].nops; j++) {
			const OpPlacement *p = ane_op_placement(c->in->ctx, gr[i].funcs[j], gr[i].ops[j]);
			vec_push(c->a, &g->ops, check_op_ref(c, gr[i].funcs[j], gr[i].ops[j], p));
		}
	}
	g->details = check_text_take(&t, c->a);
}

static void gate_min_ane(const CheckCtx *c, CheckModel *mr, const AneCounts *k, double min_ane)
{
	CheckGate *g = check_new_gate(mr, c->a, "min-ane", arena_printf(c->a, "min-ane %g%%", min_ane));
	double pct = k->share[DEV_ANE] * 100;
	/* compare at the precision printed, so 79.96% never "fails 80%" while showing 80.0 */
	g->passed = round(pct * 100) >= round(min_ane * 100);
	g->message = arena_printf(c->a, "ANE share %.2f%% %s %g%%", pct, g->passed ? ">=" : "<",
	                          min_ane);
	if (!g->passed)
		min_ane_details(c, g);
}

static void gate_max_switches(const CheckCtx *c, CheckModel *mr, const AneCounts *k,
                              unsigned long max)
{
	CheckGate *g = check_new_gate(mr, c->a, "max-switches",
	                              arena_printf(c->a, "max-switches %lu", max));
	g->passed = k->switches <= max;
	g->message = arena_printf(c->a, "%u device switch%s %s %lu (%u segments)", k->switches,
	                          k->switches == 1 ? "" : "es", g->passed ? "<=" : ">", max,
	                          k->segments);
	if (g->passed)
		return;
	const Module *m = c->in->m;
	CheckText t;
	FILE *f = check_text_open(&t);
	for (uint32_t i = 0; f && i < m->funcs.n; i++) {
		const Func *fn = m->funcs.v[i];
		const AneFuncPlan *pl = ane_func_plan(c->in->ctx, fn, c->cu);
		for (uint32_t s = 0; pl && s < pl->nsegments; s++)
			fprintf(f, "%s segment %u: %s, %u ops\n", fn->name, s,
			        device_name(pl->segments[s].device), pl->segments[s].nops);
	}
	g->details = check_text_take(&t, c->a);
}

void check_evaluate(const ReportInput *in, const DiagList *dl, const CheckGates *o,
                    json_object *base, const char *base_path, CheckModel *mr, Arena *a)
{
	CheckCtx c = { in, dl, a, in->units };
	const AneCounts *k = ane_counts(in->ctx, NULL, c.cu);
	mr->units = c.cu;
	mr->ane_share = k->share[DEV_ANE];
	mr->switches = k->switches;
	mr->executable = k->executable;
	mr->on_ane = k->on[DEV_ANE];
	CheckGate *g0 = &mr->gates.v[0];
	g0->message = arena_printf(a, "%u of %u executable ops on the ANE (%.1f%%) under %s",
	                           k->on[DEV_ANE], k->executable, k->share[DEV_ANE] * 100,
	                           compute_units_name(c.cu));
	if (o->has_min_ane)
		gate_min_ane(&c, mr, k, o->min_ane);
	if (o->has_max_switches)
		gate_max_switches(&c, mr, k, o->max_switches);
	for (uint32_t i = 0; i < o->ndeny; i++)
		gate_deny(&c, mr, o->deny[i]);
	if (base)
		check_gate_baseline(&c, mr, base_path, base);
}
