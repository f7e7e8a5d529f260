/* costs_json.c - the ops by modelled cost as JSON (costs.h): the latency of
 * every setting (and chip compared), then the top ops one per line. */
#include "backend/costs.h"

#include "backend/json_writer.h"

static void latency(JsonWriter *w, const CostLatency *l)
{
	jw_object(w);
	for (int u = 0; u < CU_COUNT; u++) {
		jw_key(w, compute_units_name((ComputeUnits)u));
		jw_object(w);
		jw_knum(w, "modelled_ms", l->ms[u], 4);
		jw_kbool(w, "fastest", cost_is_fastest(l, (ComputeUnits)u));
		jw_end(w);
	}
	jw_end(w);
}

static void chips(JsonWriter *w, const PassCtx *ctx)
{
	uint32_t nchips = 0;
	const CostLatency *l = cost_chip_latencies(ctx, &nchips);
	jw_key(w, "chips");
	jw_array(w);
	for (uint32_t i = 0; l && i < nchips; i++) {
		jw_object(w);
		jw_kstr(w, "name", l[i].chip->name);
		jw_key(w, "latency");
		latency(w, &l[i]);
		jw_end(w);
	}
	jw_end(w);
}

static void op_row(JsonWriter *w, const ReportCostRow *x, ComputeUnits cu)
{
	jw_object(w);
	jw_kstr(w, "function", x->f->name);
	jw_kstr(w, "name", ir_op_name(x->f, x->op));
	jw_kstr(w, "type", x->op->kind);
	jw_kstr(w, "class", x->c->cost_class);
	jw_kstr(w, "device", x->dev > DEV_NONE ? device_name(x->dev) : NULL);
	jw_knum(w, "modelled_ms", x->c->placed_ms[cu], 5);
	jw_knum(w, "cost_weight", x->c->weight[cu], 6);
	jw_key(w, "flops");
	jw_num_or_null(w, x->c->flops, 0);
	jw_key(w, "bytes");
	jw_num_or_null(w, x->c->bytes, 0);
	jw_key(w, "intensity");
	jw_num_or_null(w, x->c->intensity, 3);
	jw_kstr(w, "bound", x->dev > DEV_NONE && x->dev < DEV_COUNT
	                    ? cost_bound_name(x->c->bound[x->dev]) : NULL);
	jw_end(w);
}

int costs_json(const ReportInput *in, const ReportCostRow *rows, uint32_t n, uint32_t top,
               FILE *out)
{
	const AneChip *chip = ane_chip(in->ctx);
	JsonWriter w;
	jw_init(&w, true);
	jw_object(&w);
	jw_kint(&w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_kstr(&w, "kind", "costs");
	report_json_tool(&w, in->tool_version);
	jw_kstr(&w, "model", in->path);
	jw_kstr(&w, "chip", chip ? chip->name : NULL);
	jw_kstr(&w, "compute_units", compute_units_name(in->units));
	jw_kstr(&w, "times", "modelled");
	jw_key(&w, "latency");
	latency(&w, cost_latency(in->ctx));
	chips(&w, in->ctx);
	jw_kint(&w, "executable_ops", n);
	jw_key(&w, "ops");
	jw_array(&w);
	int flat = jw_flat_begin(&w);
	uint32_t shown = top && top < n ? top : n;
	for (uint32_t i = 0; i < shown; i++)
		op_row(&w, &rows[i], in->units);
	jw_flat_end(&w, flat);
	jw_end(&w);
	jw_end(&w);
	int rc = jw_write(&w, out);
	jw_fini(&w);
	return rc;
}
