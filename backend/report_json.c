/* report_json.c - the JSON analysis report (docs/report-json.md, schema
 * docs/report.schema.json): the model, the chip, a summary per compute-unit
 * setting (counts, shares, coverage, segments with their boundary tensors,
 * switches, modelled latency), every op with its placement per setting and
 * its reasons, the reason groups of the lead setting, the flexible-input
 * verdicts and the diagnostics.  Streamed through json_writer.h in a fixed
 * key order; ratios and times carry a fixed number of decimals so that
 * reports diff cleanly. */
#include "backend/report.h"

#include <stdlib.h>
#include <string.h>

#include "backend/json_writer.h"
#include "ir/model_desc.h"
#include "passes/cost/cost.h"
#include "passes/cost/lint.h"
#include "passes/cost/memory.h"

typedef struct JCtx {
	const ReportInput *in;
	JsonWriter *w;
	Arena *a;                   /* scratch: reason messages */
	double total_ms[CU_COUNT];
	/* the function being written: Op.index -> Op */
	const Op **by_index;
	uint32_t nby_index;
	/* scratch stream for printed types, and the printed types by Type
	 * (interned: one pointer per type), open addressing */
	FILE *ms;
	char *msbuf;
	size_t mslen;
	Arena *types;
	const Type **tkeys;
	const char **tvals;
	uint32_t tcap, tn;
	/* the last reason message (an op's main reason recurs per setting) */
	const AneReason *last_reason;
	const char *last_message;
} JCtx;

static void dev_or_null(JsonWriter *w, Device d)
{
	if (d > DEV_NONE && d < DEV_COUNT)
		jw_str(w, device_name(d));
	else
		jw_null(w);
}

static void devices(JsonWriter *w, uint32_t mask)
{
	jw_array(w);
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		if (mask & DEVM(d))
			jw_str(w, device_name((Device)d));
	jw_end(w);
}

static void bytes(JsonWriter *w, int64_t b)
{
	if (b < 0)
		jw_null(w);
	else
		jw_int(w, b);
}

static const char *print_type(JCtx *c, const Type *t)
{
	if (!c->ms)
		return NULL;
	rewind(c->ms);
	ir_print_type(c->in->m, t, c->ms);
	fputc(0, c->ms);
	fflush(c->ms);
	return c->msbuf;
}

static uint32_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

/* The type as MIL text, printed once per type. */
static const char *printed_type(JCtx *c, const Type *t)
{
	if (c->tn * 2 >= c->tcap) {
		uint32_t ncap = c->tcap ? c->tcap * 2 : 256;
		const Type **nk = arena_array(c->types, ncap, sizeof *nk);
		const char **nv = arena_array(c->types, ncap, sizeof *nv);
		if (!nk || !nv)
			return print_type(c, t);
		for (uint32_t i = 0; i < c->tcap; i++) {
			if (!c->tkeys[i])
				continue;
			uint32_t h = ptr_hash(c->tkeys[i]) & (ncap - 1);
			while (nk[h])
				h = (h + 1) & (ncap - 1);
			nk[h] = c->tkeys[i];
			nv[h] = c->tvals[i];
		}
		c->tkeys = nk;
		c->tvals = nv;
		c->tcap = ncap;
	}
	uint32_t h = ptr_hash(t) & (c->tcap - 1);
	while (c->tkeys[h] && c->tkeys[h] != t)
		h = (h + 1) & (c->tcap - 1);
	if (!c->tkeys[h]) {
		const char *s = print_type(c, t);
		c->tkeys[h] = t;
		c->tvals[h] = s ? arena_strdup(c->types, s) : NULL;
		c->tn++;
	}
	return c->tvals[h];
}

/* report_reason_message, remembered for the last reason asked. */
static const char *message(JCtx *c, const AneReason *r)
{
	if (r != c->last_reason) {
		c->last_reason = r;
		c->last_message = report_reason_message(c->a, r);
	}
	return c->last_message;
}

static void reason(JCtx *c, const AneReason *r)
{
	JsonWriter *w = c->w;
	const AneRule *rule = r->rule;
	jw_object(w);
	jw_kstr(w, "code", rule ? rule->code : "?");
	jw_kstr(w, "message", message(c, r));
	jw_kstr(w, "kind", rule ? report_rule_kind_name(rule->kind) : "?");
	jw_key(w, "device");
	dev_or_null(w, r->device);
	jw_kstr(w, "confidence", rule ? confidence_name(rule->conf) : NULL);
	jw_kstr(w, "hint", rule && rule->hint ? rule->hint : "");
	jw_end(w);
}

/* ------------------------------------------------------------ model, chip */

static void model(JCtx *c)
{
	JsonWriter *w = c->w;
	const ReportInput *in = c->in;
	const Module *m = in->m;
	jw_key(w, "model");
	jw_object(w);
	jw_kstr(w, "path", in->path);
	jw_kstr(w, "format", in->format);
	jw_kstr(w, "kind", m->desc && m->desc->kind ? m->desc->kind : "mlProgram");
	jw_key(w, "spec_version");
	if (m->desc && m->desc->spec_version)
		jw_int(w, m->desc->spec_version);
	else
		jw_null(w);
	jw_key(w, "functions");
	jw_array(w);
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		const Func *f = m->funcs.v[i];
		jw_object(w);
		jw_kstr(w, "name", f->name);
		jw_kstr(w, "opset", f->opset);
		jw_kint(w, "ops", f->nops);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void chip(JCtx *c)
{
	JsonWriter *w = c->w;
	const AneChip *chip = ane_chip(c->in->ctx);
	jw_key(w, "chip");
	if (!chip) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_kstr(w, "name", chip->name);
	jw_kstr(w, "key", chip->key);
	jw_kstr(w, "family", chip->family);
	jw_kint(w, "generation", chip->h);
	jw_kint(w, "capability_family", (int)chip->capf);
	jw_knum(w, "ane_launch_ms", chip->ane_dispatch_ms > 0 ? chip->ane_dispatch_ms
	                                                      : COST_ANE_LAUNCH_DEFAULT_MS, 4);
	jw_end(w);
}

/* ------------------------------------------------------------ segments, settings */

static void index_ops(JCtx *c, const Func *f)
{
	free(c->by_index);
	c->by_index = report_ops_by_index(f);
	c->nby_index = c->by_index ? f->nops : 0;
}

static void op_ref(JCtx *c, const Func *f, uint32_t index)
{
	if (index >= c->nby_index || !c->by_index[index])
		jw_null(c->w);
	else
		jw_str(c->w, ir_op_name(f, c->by_index[index]));
}

static void tensors(JsonWriter *w, uint32_t n, const AneTensorRef *t)
{
	jw_array(w);
	for (uint32_t i = 0; i < n; i++) {
		jw_object(w);
		jw_kstr(w, "name", t[i].name);
		jw_key(w, "bytes");
		bytes(w, t[i].bytes);
		jw_end(w);
	}
	jw_end(w);
}

static void plan(JCtx *c, const Func *f, const AneFuncPlan *p)
{
	JsonWriter *w = c->w;
	jw_object(w);
	jw_kstr(w, "name", f->name);
	jw_kint(w, "switches", p->switches);
	jw_kint(w, "ane_segments", p->ane_segments);
	jw_knum(w, "modelled_ms", p->est_ms, 4);
	jw_key(w, "segments");
	jw_array(w);
	int flat = jw_flat_begin(w);
	for (uint32_t i = 0; i < p->nsegments; i++) {
		const AneSegment *s = &p->segments[i];
		jw_object(w);
		jw_kint(w, "index", i);
		jw_key(w, "device");
		dev_or_null(w, s->device);
		jw_key(w, "first_op");
		op_ref(c, f, s->first);
		jw_key(w, "last_op");
		op_ref(c, f, s->last);
		jw_kint(w, "ops", s->nops);
		jw_key(w, "inputs");
		tensors(w, s->nin, s->ins);
		jw_key(w, "outputs");
		tensors(w, s->nout, s->outs);
		jw_key(w, "input_bytes");
		bytes(w, s->in_bytes);
		jw_key(w, "output_bytes");
		bytes(w, s->out_bytes);
		jw_knum(w, "modelled_ms", s->est_ms, 4);
		jw_end(w);
	}
	jw_flat_end(w, flat);
	jw_end(w);
	jw_end(w);
}

static void dev_counts(JsonWriter *w, const char *key, const uint32_t *on)
{
	jw_key(w, key);
	jw_object(w);
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		jw_kint(w, device_name((Device)d), on[d]);
	jw_end(w);
}

static void dev_shares(JsonWriter *w, const char *key, const double *share)
{
	jw_key(w, key);
	jw_object(w);
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		jw_knum(w, device_name((Device)d), share[d], 4);
	jw_end(w);
}

static void setting(JCtx *c, ComputeUnits cu)
{
	JsonWriter *w = c->w;
	const ReportInput *in = c->in;
	static const AneCounts zero;
	const AneCounts *k = ane_counts(in->ctx, NULL, cu);
	if (!k)
		k = &zero;
	jw_key(w, compute_units_name(cu));
	jw_object(w);
	jw_kstr(w, "swift_name", compute_units_swift_name(cu));
	jw_key(w, "allowed_devices");
	devices(w, compute_units_devices(cu));
	jw_kint(w, "ops", k->ops);
	jw_kint(w, "const", k->consts);
	jw_kint(w, "executable", k->executable);
	dev_counts(w, "devices", k->on);
	dev_shares(w, "shares", k->share);
	dev_shares(w, "work_shares", k->work_share);
	jw_key(w, "coverage");
	jw_object(w);
	jw_knum(w, "ane_share", k->share[DEV_ANE], 4);
	jw_kstr(w, "band", report_band_name(report_band(k->share[DEV_ANE])));
	jw_end(w);
	jw_kint(w, "segments", k->segments);
	jw_kint(w, "ane_segments", k->ane_segments);
	jw_kint(w, "switches", k->switches);
	jw_key(w, "latency");
	jw_object(w);
	const CostLatency *lat = cost_latency(in->ctx);
	if (lat) {
		jw_knum(w, "ms", lat->ms[cu], 4);
		jw_kstr(w, "kind", "modelled");
		jw_kstr(w, "source", "cost pass: each op's modelled time on its device, a launch per "
		        "ANE segment, a switch and transfer per boundary (docs/calibration.md); not a "
		        "measurement");
	} else {
		jw_knum(w, "ms", k->est_ms, 4);
		jw_kstr(w, "kind", "modelled");
		jw_kstr(w, "source", "placement estimates: per-op time on its device plus segment and "
		        "switch costs (ane-legality.md section 3); not a measurement");
	}
	jw_end(w);
	jw_key(w, "functions");
	jw_array(w);
	for (uint32_t i = 0; i < in->m->funcs.n; i++) {
		const Func *f = in->m->funcs.v[i];
		const AneFuncPlan *p = ane_func_plan(in->ctx, f, cu);
		if (!p)
			continue;
		index_ops(c, f);
		plan(c, f, p);
	}
	jw_end(w);
	jw_end(w);
}

/* ------------------------------------------------------------ ops */

static void op_cost(JCtx *c, const CostOp *k);
static void mem_size(JsonWriter *w, MemSize s);

static void location(JsonWriter *w, const SrcLoc *l)
{
	jw_object(w);
	jw_kstr(w, "file", l->file);
	if (l->line) {
		jw_kint(w, "line", l->line);
		jw_kint(w, "column", l->col);
	} else {
		jw_kstr(w, "function", l->func);
		jw_kint(w, "op_index", l->col);
	}
	jw_end(w);
}

/* The placement keys of one setting, into the open object. */
static void placement_keys(JCtx *c, const OpPlacement *p, ComputeUnits cu)
{
	JsonWriter *w = c->w;
	if (p->is_const) {
		jw_knull(w, "preferred_device");
		jw_knull(w, "supported_devices");
		jw_knull(w, "segment");
		jw_knum(w, "cost_weight", 0, 6);
		jw_knull(w, "reason");
		return;
	}
	jw_key(w, "preferred_device");
	dev_or_null(w, p->device[cu]);
	jw_key(w, "supported_devices");
	devices(w, p->supported & compute_units_devices(cu));
	jw_key(w, "segment");
	if (p->segment[cu] >= 0)
		jw_int(w, p->segment[cu]);
	else
		jw_null(w);
	double total = c->total_ms[cu];
	jw_knum(w, "cost_weight", total > 0 ? report_op_ms(p, cu) / total : 0, 6);
	/* why not the ANE, in one reason: the main rule's, or the setting's */
	jw_key(w, "reason");
	const AneReason *r = p->device[cu] != DEV_ANE ? report_main_reason(p, cu) : NULL;
	if (r) {
		jw_object(w);
		jw_kstr(w, "code", r->rule->code);
		jw_kstr(w, "message", message(c, r));
		jw_end(w);
	} else if (p->device[cu] != DEV_ANE && !(compute_units_devices(cu) & DEVM(DEV_ANE))) {
		jw_object(w);
		jw_kstr(w, "code", REPORT_CODE_UNITS);
		jw_kstr(w, "message", arena_printf(c->a, "the compute units %s exclude the ANE",
		                                   compute_units_name(cu)));
		jw_end(w);
	} else {
		jw_null(w);
	}
}

static int op_entry(Func *f, Op *op, void *vctx)
{
	JCtx *c = vctx;
	JsonWriter *w = c->w;
	const ReportInput *in = c->in;
	const OpPlacement *p = ane_op_placement(in->ctx, f, op);
	arena_reset(c->a);
	c->last_reason = NULL;
	jw_object(w);
	jw_kstr(w, "function", f->name);
	jw_kstr(w, "name", ir_op_name(f, op));
	jw_kstr(w, "type", op->kind);
	jw_kint(w, "index", op->index);
	jw_key(w, "location");
	location(w, &op->loc);
	jw_key(w, "outputs");
	jw_array(w);
	for (uint32_t i = 0; i < op->nouts; i++) {
		const Value *v = ir_value(f, op->outs[i]);
		const Type *t = infer_value_type(in->ctx, f, op->outs[i]);
		if (!t)
			t = v->type;
		jw_object(w);
		jw_kstr(w, "name", v->name);
		jw_kstr(w, "type", t ? printed_type(c, t) : NULL);
		jw_end(w);
	}
	jw_end(w);
	jw_kbool(w, "const", p && p->is_const);
	jw_kbool(w, "nested", p && p->nested);
	/* placement did not reach the op: the keys stay, with nulls */
	static const OpPlacement none = { .is_const = true };
	if (!p)
		p = &none;
	/* the lead setting at the top, for `jq '.ops[] | select(.preferred_device != "ANE")'` */
	placement_keys(c, p, in->units);
	jw_key(w, "reasons");
	jw_array(w);
	for (uint32_t i = 0; i < p->nreasons; i++)
		reason(c, &p->reasons[i]);
	jw_end(w);
	jw_key(w, "estimated_ms");
	jw_object(w);
	for (int d = DEV_CPU; d < DEV_COUNT; d++) {
		jw_key(w, device_name((Device)d));
		if (p->is_const)
			jw_null(w);
		else
			jw_num(w, p->est->ms[d], 5);
	}
	jw_end(w);
	jw_kbool(w, "estimate_known", p->est->known);
	jw_key(w, "flops");
	if (p->is_const || p->est->flops < 0)
		jw_null(w);
	else
		jw_num(w, p->est->flops, 0);
	jw_key(w, "bytes");
	if (p->is_const || p->est->bytes < 0)
		jw_null(w);
	else
		jw_num(w, p->est->bytes, 0);
	op_cost(c, cost_op(in->ctx, f, op));
	jw_key(w, "live");
	if (in->ctx->memory)
		mem_size(w, mem_op_live(in->ctx, f, op));
	else
		jw_null(w);
	jw_key(w, "compute_units");
	jw_object(w);
	for (int u = 0; u < CU_COUNT; u++) {
		jw_key(w, compute_units_name((ComputeUnits)u));
		jw_object(w);
		placement_keys(c, p, (ComputeUnits)u);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
	return 0;
}

/* ------------------------------------------------------------ groups, flex, diagnostics */

static void groups(JCtx *c)
{
	JsonWriter *w = c->w;
	Arena *a = arena_new();
	uint32_t n;
	ReportGroup *g = report_groups(c->in, c->in->units, a, &n);
	jw_key(w, "fallback_groups");
	jw_array(w);
	for (uint32_t i = 0; i < n; i++) {
		jw_object(w);
		jw_kstr(w, "code", g[i].code);
		jw_kstr(w, "reason", g[i].reason);
		jw_kstr(w, "hint", g[i].hint);
		jw_kstr(w, "confidence", g[i].rule ? confidence_name(g[i].rule->conf) : NULL);
		jw_key(w, "devices");
		devices(w, g[i].devices);
		jw_knum(w, "cost_share", g[i].cost_share, 4);
		jw_kint(w, "count", g[i].nops);
		jw_key(w, "ops");
		jw_array(w);
		int flat = jw_flat_begin(w);
		for (uint32_t j = 0; j < g[i].nops; j++) {
			jw_object(w);
			jw_kstr(w, "function", g[i].funcs[j]->name);
			jw_kstr(w, "name", ir_op_name(g[i].funcs[j], g[i].ops[j]));
			jw_end(w);
		}
		jw_flat_end(w, flat);
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	arena_free(a);
}

static void flex(JCtx *c)
{
	JsonWriter *w = c->w;
	uint32_t n = 0;
	const AneFlexVerdict *v = ane_flex_verdicts(c->in->ctx, &n);
	jw_key(w, "flexible_inputs");
	jw_array(w);
	for (uint32_t i = 0; v && i < n; i++) {
		jw_object(w);
		jw_kstr(w, "function", v[i].func ? v[i].func->name : NULL);
		jw_kstr(w, "input", v[i].input);
		jw_kstr(w, "mode", flex_mode_name(v[i].mode));
		jw_key(w, "index");
		if (v[i].mode == FLEXV_ENUMERATED)
			jw_int(w, v[i].index);
		else
			jw_null(w);
		jw_kstr(w, "shape", v[i].shape);
		jw_key(w, "mode_reason");
		if (v[i].mode_reason)
			reason(c, v[i].mode_reason);
		else
			jw_null(w);
		jw_kbool(w, "ran", v[i].ran);
		jw_kint(w, "errors", v[i].errors);
		jw_key(w, "compute_units");
		jw_object(w);
		for (int u = 0; u < CU_COUNT; u++) {
			const AneCounts *k = &v[i].counts[u];
			jw_key(w, compute_units_name((ComputeUnits)u));
			jw_object(w);
			jw_kint(w, "executable", k->executable);
			dev_counts(w, "devices", k->on);
			jw_knum(w, "ane_share", k->share[DEV_ANE], 4);
			jw_kstr(w, "band", report_band_name(report_band(k->share[DEV_ANE])));
			jw_kint(w, "segments", k->segments);
			jw_kint(w, "switches", k->switches);
			jw_end(w);
		}
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
}

static void diagnostics(JCtx *c)
{
	JsonWriter *w = c->w;
	const DiagList *dl = c->in->ctx->dl;
	jw_key(w, "diagnostics");
	jw_array(w);
	int flat = jw_flat_begin(w);
	for (uint32_t i = c->in->diag_first; dl && i < dl->d.n; i++) {
		const Diag *d = &dl->d.v[i];
		jw_object(w);
		jw_kstr(w, "severity", report_severity_name(d->sev));
		jw_kstr(w, "code", d->code);
		jw_kstr(w, "message", d->msg);
		jw_kstr(w, "hint", d->hint);
		jw_key(w, "location");
		location(w, &d->loc);
		jw_key(w, "op");
		if (d->op_name) {
			jw_object(w);
			jw_kstr(w, "function", d->func);
			jw_kstr(w, "name", d->op_name);
			jw_kstr(w, "type", d->op_kind);
			jw_end(w);
		} else {
			jw_null(w);
		}
		jw_end(w);
	}
	jw_flat_end(w, flat);
	jw_end(w);
}

/* ------------------------------------------------------------ cost, memory, lint */

static void num_or_null(JsonWriter *w, double v, int prec)
{
	if (v < 0)
		jw_null(w);
	else
		jw_num(w, v, prec);
}

static void mem_size(JsonWriter *w, MemSize s)
{
	jw_object(w);
	jw_kint(w, "bytes", s.bytes);
	jw_kint(w, "unknown", s.unknown);
	jw_end(w);
}

/* The op's "cost" object (passes/cost/cost.h); null for const ops. */
static void op_cost(JCtx *c, const CostOp *k)
{
	JsonWriter *w = c->w;
	jw_key(w, "cost");
	if (!k || k->is_const) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_kstr(w, "class", k->cost_class);
	jw_key(w, "activation_bytes");
	num_or_null(w, k->activation_bytes, 0);
	jw_key(w, "weight_bytes_stored");
	num_or_null(w, k->weight_bytes_stored, 0);
	jw_key(w, "weight_bytes_dense");
	num_or_null(w, k->weight_bytes_dense, 0);
	jw_key(w, "intensity");
	num_or_null(w, k->intensity, 3);
	jw_key(w, "bound");
	jw_object(w);
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		jw_kstr(w, device_name((Device)d), cost_bound_name(k->bound[d]));
	jw_end(w);
	jw_key(w, "cost_weights");
	jw_object(w);
	for (int u = 0; u < CU_COUNT; u++)
		jw_knum(w, compute_units_name((ComputeUnits)u), k->weight[u], 6);
	jw_end(w);
	jw_end(w);
}

static void latency_parts(JsonWriter *w, const CostLatency *l, ComputeUnits cu)
{
	jw_knum(w, "modelled_ms", l->ms[cu], 4);
	jw_knum(w, "ops_ms", l->ops_ms[cu], 4);
	jw_knum(w, "launch_ms", l->launch_ms[cu], 4);
	jw_knum(w, "transfer_ms", l->transfer_ms[cu], 4);
	jw_kint(w, "boundaries", l->boundaries[cu]);
	jw_knum(w, "ane_share", l->ane_share[cu], 4);
	jw_kbool(w, "fastest", cost_is_fastest(l, cu));
}

static void chip_ref(JsonWriter *w, const AneChip *chip)
{
	jw_kstr(w, "name", chip ? chip->name : NULL);
	jw_kstr(w, "key", chip ? chip->key : NULL);
	jw_kstr(w, "family", chip ? chip->family : NULL);
}

static void cost_plan(JsonWriter *w, const CostPlan *p)
{
	jw_object(w);
	jw_knum(w, "modelled_ms", p->ms, 4);
	jw_kint(w, "boundaries", p->boundaries);
	jw_kint(w, "boundary_bytes", p->boundary_bytes);
	jw_kint(w, "boundary_unknown", p->boundary_unknown);
	jw_key(w, "segments");
	jw_array(w);
	int flat = jw_flat_begin(w);
	for (uint32_t i = 0; i < p->nsegments; i++) {
		const CostSegment *s = &p->segments[i];
		jw_object(w);
		jw_kint(w, "index", i);
		jw_key(w, "device");
		dev_or_null(w, s->device);
		jw_knum(w, "ops_ms", s->ops_ms, 4);
		jw_knum(w, "launch_ms", s->launch_ms, 4);
		jw_knum(w, "transfer_ms", s->transfer_ms, 4);
		jw_kint(w, "transfer_bytes", s->transfer_bytes);
		jw_kint(w, "transfer_unknown", s->transfer_unknown);
		jw_knum(w, "modelled_ms", s->ms, 4);
		jw_end(w);
	}
	jw_flat_end(w, flat);
	jw_end(w);
	jw_end(w);
}

static void cost_section(JCtx *c)
{
	JsonWriter *w = c->w;
	const PassCtx *ctx = c->in->ctx;
	const CostLatency *l = cost_latency(ctx);
	jw_key(w, "cost");
	if (!l) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_kstr(w, "kind", "modelled");
	jw_kstr(w, "source", "cost pass (docs/passes.md, docs/calibration.md): per op "
	        "overhead + max(compute, memory) on its device, a launch per ANE segment, a switch "
	        "and transfer per boundary; not a measurement");
	jw_key(w, "chip");
	jw_object(w);
	chip_ref(w, l->chip);
	jw_end(w);
	jw_kstr(w, "fastest", compute_units_name(l->fastest));
	jw_key(w, "compute_units");
	jw_object(w);
	for (int u = 0; u < CU_COUNT; u++) {
		jw_key(w, compute_units_name((ComputeUnits)u));
		jw_object(w);
		latency_parts(w, l, (ComputeUnits)u);
		jw_end(w);
	}
	jw_end(w);
	uint32_t nchips = 0;
	const CostLatency *chips = cost_chip_latencies(ctx, &nchips);
	jw_key(w, "chips");
	jw_array(w);
	for (uint32_t i = 0; chips && i < nchips; i++) {
		jw_object(w);
		chip_ref(w, chips[i].chip);
		jw_kstr(w, "fastest", compute_units_name(chips[i].fastest));
		jw_key(w, "compute_units");
		jw_object(w);
		int flat = jw_flat_begin(w);
		for (int u = 0; u < CU_COUNT; u++) {
			jw_key(w, compute_units_name((ComputeUnits)u));
			jw_object(w);
			latency_parts(w, &chips[i], (ComputeUnits)u);
			jw_end(w);
		}
		jw_flat_end(w, flat);
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "functions");
	jw_array(w);
	for (uint32_t i = 0; i < c->in->m->funcs.n; i++) {
		const CostFunc *cf = cost_func(ctx, c->in->m->funcs.v[i]);
		if (!cf)
			continue;
		jw_object(w);
		jw_kstr(w, "name", cf->func->name);
		jw_key(w, "compute_units");
		jw_object(w);
		for (int u = 0; u < CU_COUNT; u++) {
			jw_key(w, compute_units_name((ComputeUnits)u));
			cost_plan(w, &cf->plan[u]);
		}
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void op_name_ref(JsonWriter *w, const Func *f, const Op *op)
{
	if (!op) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_kstr(w, "function", f->name);
	jw_kstr(w, "name", ir_op_name(f, op));
	jw_end(w);
}

static void weights(JsonWriter *w, const MemWeights *mw)
{
	jw_object(w);
	jw_key(w, "stored");
	mem_size(w, mw->stored_total);
	jw_key(w, "decompressed");
	mem_size(w, mw->decompressed_total);
	jw_kint(w, "constexpr_ops", mw->constexpr_ops);
	jw_key(w, "by_dtype");
	jw_array(w);
	int flat = jw_flat_begin(w);
	for (int d = 0; d < DT_COUNT; d++) {
		if (!mw->nstored[d] && !mw->ndecompressed[d])
			continue;
		jw_object(w);
		jw_kstr(w, "dtype", dtype_name((DType)d));
		jw_kint(w, "stored", mw->stored[d]);
		jw_kint(w, "stored_tensors", mw->nstored[d]);
		jw_kint(w, "decompressed", mw->decompressed[d]);
		jw_kint(w, "decompressed_tensors", mw->ndecompressed[d]);
		jw_end(w);
	}
	jw_flat_end(w, flat);
	jw_end(w);
	jw_end(w);
}

static void memory_section(JCtx *c)
{
	JsonWriter *w = c->w;
	const PassCtx *ctx = c->in->ctx;
	const MemWeights *mw = mem_module_weights(ctx);
	const MemFunc *peak = mem_module_peak(ctx);
	jw_key(w, "memory");
	if (!mw) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_key(w, "peak");
	if (peak)
		mem_size(w, peak->peak);
	else
		jw_null(w);
	jw_key(w, "peak_op");
	op_name_ref(w, peak ? peak->func : NULL, peak ? peak->peak_op : NULL);
	jw_key(w, "weights");
	weights(w, mw);
	jw_key(w, "functions");
	jw_array(w);
	for (uint32_t i = 0; i < c->in->m->funcs.n; i++) {
		const MemFunc *mf = mem_func(ctx, c->in->m->funcs.v[i]);
		if (!mf)
			continue;
		jw_object(w);
		jw_kstr(w, "name", mf->func->name);
		jw_key(w, "peak");
		mem_size(w, mf->peak);
		jw_key(w, "peak_op");
		op_name_ref(w, mf->func, mf->peak_op);
		jw_key(w, "inputs");
		mem_size(w, mf->inputs);
		jw_key(w, "outputs");
		mem_size(w, mf->outputs);
		jw_key(w, "states");
		mem_size(w, mf->states);
		jw_key(w, "weights");
		weights(w, &mf->weights);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void lint_section(JCtx *c)
{
	JsonWriter *w = c->w;
	const PassCtx *ctx = c->in->ctx;
	uint32_t n = 0;
	const LintFinding *lf = lint_findings(ctx, &n);
	jw_key(w, "lint");
	if (!(ctx->done & PASS_BIT(LINT))) {
		jw_null(w);
		return;
	}
	jw_array(w);
	int flat = jw_flat_begin(w);
	for (uint32_t i = 0; lf && i < n; i++) {
		const LintFinding *f = &lf[i];
		const LintRule *r = f->rule;
		const DiagList *dl = ctx->dl;
		const Diag *d = dl && f->diag < dl->d.n ? &dl->d.v[f->diag] : NULL;
		jw_object(w);
		jw_kstr(w, "code", r->code);
		jw_kstr(w, "name", r->name);
		jw_kstr(w, "severity", report_severity_name(r->sev));
		jw_kstr(w, "confidence", confidence_name(r->conf));
		jw_kstr(w, "message", d && d->msg ? d->msg : r->message);
		jw_kstr(w, "hint", r->hint);
		jw_kstr(w, "function", f->func ? f->func->name : NULL);
		jw_kstr(w, "op", f->op && f->func ? ir_op_name(f->func, f->op) : NULL);
		jw_kstr(w, "value", f->func && f->value != VALUE_NONE && f->value < f->func->values.n
		                    ? ir_value(f->func, f->value)->name : NULL);
		jw_kstr(w, "deferred_to", f->deferred_to);
		jw_end(w);
	}
	jw_flat_end(w, flat);
	jw_end(w);
}

/* ------------------------------------------------------------ the report */

static void build(const ReportInput *in, JsonWriter *w)
{
	JCtx c = { .in = in, .w = w, .a = arena_new(), .types = arena_new() };
	c.ms = open_memstream(&c.msbuf, &c.mslen);
	for (int u = 0; u < CU_COUNT; u++)
		c.total_ms[u] = report_total_ms(in, (ComputeUnits)u);
	jw_object(w);
	jw_kint(w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_key(w, "tool");
	jw_object(w);
	jw_kstr(w, "name", "anelint");
	jw_kstr(w, "version", in->tool_version);
	jw_end(w);
	model(&c);
	chip(&c);
	jw_kstr(w, "lead_compute_units", compute_units_name(in->units));
	jw_key(w, "compute_units");
	jw_object(w);
	for (int u = 0; u < CU_COUNT; u++)
		setting(&c, (ComputeUnits)u);
	jw_end(w);
	/* one op per line: reports diff and grep op by op */
	jw_key(w, "ops");
	jw_array(w);
	int flat = jw_flat_begin(w);
	for (uint32_t i = 0; i < in->m->funcs.n; i++)
		ir_walk_ops(in->m->funcs.v[i], op_entry, &c);
	jw_flat_end(w, flat);
	jw_end(w);
	groups(&c);
	flex(&c);
	diagnostics(&c);
	cost_section(&c);
	memory_section(&c);
	lint_section(&c);
	jw_end(w);
	if (c.ms)
		fclose(c.ms);
	free(c.msbuf);
	free(c.by_index);
	arena_free(c.a);
	arena_free(c.types);
}

char *report_json_string(const ReportInput *in, size_t *len)
{
	JsonWriter w;
	jw_init(&w, true);
	build(in, &w);
	return jw_take(&w, len);
}

int report_json(const ReportInput *in, FILE *out)
{
	JsonWriter w;
	jw_init_file(&w, true, out);
	build(in, &w);
	int rc = jw_write(&w, out);
	jw_fini(&w);
	return rc;
}

int report_print_json(json_object *report, FILE *out)
{
	const char *s = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
	                                               JSON_C_TO_STRING_SPACED |
	                                               JSON_C_TO_STRING_NOSLASHESCAPE);
	if (fputs(s, out) < 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}
