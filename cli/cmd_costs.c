/* cmd_costs.c - `anelint costs MODEL [--top N] [--chip C] [-f text|json]`:
 * the ops by modelled cost under the lead compute units, each with its
 * share of its function's modelled time (MLComputePlan's cost weight), its
 * device, FLOPs, bytes moved, arithmetic intensity and what bounds it, after
 * the modelled latency of every setting.  Every time is modelled
 * (passes/cost/cost.h), and says so.  Exit 0 when analysed, 2 when the model
 * cannot be used or a flag is wrong. */
#include "cli/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json_writer.h"
#include "passes/cost/cost.h"

enum { DEFAULT_TOP = 20 };

typedef struct Rows {
	ComputeUnits cu;
	ReportCostRow *v;           /* largest modelled time first */
	uint32_t n;
} Rows;

static void print_text(const CliAnalysis *an, const Rows *r, uint32_t top, FILE *out)
{
	const CostLatency *l = cost_latency(an->ctx);
	ComputeUnits cu = r->cu;
	const AneChip *chip = ane_chip(an->ctx);
	fprintf(out, "%s: chip %s", an->in.path, chip ? chip->name : "?");
	if (chip && chip->family && strcmp(chip->family, chip->name) != 0)
		fprintf(out, " (%s)", chip->family);
	fprintf(out, ", compute units %s\n", compute_units_name(cu));
	fputs("modelled latency (not measured):", out);
	for (int u = 0; u < CU_COUNT; u++)
		fprintf(out, "%s %s %.3f ms%s", u ? "," : "", compute_units_name((ComputeUnits)u),
		        l->ms[u], cost_is_fastest(l, (ComputeUnits)u) ? " (fastest)" : "");
	fputc('\n', out);
	fprintf(out, "  %s: ops %.3f ms + launches %.3f ms + %u boundaries %.3f ms\n",
	        compute_units_name(cu), l->ops_ms[cu], l->launch_ms[cu], l->boundaries[cu],
	        l->transfer_ms[cu]);
	report_text_chips(&an->in, out);
	double flops = 0, bytes = 0;
	uint32_t unknown = 0;
	for (uint32_t i = 0; i < r->n; i++) {
		if (!r->v[i].c->known)
			unknown++;
		if (r->v[i].c->flops > 0)
			flops += r->v[i].c->flops;
		if (r->v[i].c->bytes > 0)
			bytes += r->v[i].c->bytes;
	}
	uint32_t shown = top && top < r->n ? top : r->n;
	fprintf(out, "ops by modelled cost under %s (%u of %u executable ops; time and share are "
	        "modelled):\n", compute_units_name(cu), shown, r->n);
	fprintf(out, "  %4s  %-32s %-20s %-4s %10s %7s %10s %10s %8s  %s\n", "#", "op", "type", "dev",
	        "us", "share", "FLOPs", "bytes", "FLOP/B", "bound");
	bool many = an->m->funcs.n > 1;
	for (uint32_t i = 0; i < shown; i++) {
		const ReportCostRow *w = &r->v[i];
		char name[256], fl[32], by[32], it[32];
		snprintf(name, sizeof name, "%s%s%s", many ? w->f->name : "", many ? ":" : "",
		         ir_op_name(w->f, w->op));
		if (w->c->intensity >= 0)
			snprintf(it, sizeof it, "%.1f", w->c->intensity);
		else
			snprintf(it, sizeof it, "?");
		Device d = w->dev;
		fprintf(out, "  %4u  %-32s %-20s %-4s %10.2f %6.2f%% %10s %10s %8s  %s\n", i + 1, name,
		        w->op->kind, device_name(d), w->c->placed_ms[cu] * 1e3, w->c->weight[cu] * 100,
		        report_si(fl, sizeof fl, w->c->flops), report_si(by, sizeof by, w->c->bytes), it,
		        d > DEV_NONE && d < DEV_COUNT ? cost_bound_name(w->c->bound[d]) : "-");
	}
	if (shown < r->n)
		fprintf(out, "  ... %u more (--top 0 lists every op)\n", r->n - shown);
	char fl[32], by[32];
	fprintf(out, "total: %u executable ops, %sFLOP, %sB moved", r->n,
	        report_si(fl, sizeof fl, flops), report_si(by, sizeof by, bytes));
	if (unknown)
		fprintf(out, " (%u ops of unknown shape counted as their overhead only)", unknown);
	fputc('\n', out);
}

static void latency_json(JsonWriter *w, const CostLatency *l)
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

static int print_json(const CliAnalysis *an, const Rows *r, uint32_t top, FILE *out)
{
	const CostLatency *l = cost_latency(an->ctx);
	const AneChip *chip = ane_chip(an->ctx);
	JsonWriter w;
	jw_init(&w, true);
	jw_object(&w);
	jw_kint(&w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_kstr(&w, "kind", "costs");
	jw_key(&w, "tool");
	jw_object(&w);
	jw_kstr(&w, "name", "anelint");
	jw_kstr(&w, "version", cli_version());
	jw_end(&w);
	jw_kstr(&w, "model", an->in.path);
	jw_kstr(&w, "chip", chip ? chip->name : NULL);
	jw_kstr(&w, "compute_units", compute_units_name(r->cu));
	jw_kstr(&w, "times", "modelled");
	jw_key(&w, "latency");
	latency_json(&w, l);
	uint32_t nchips = 0;
	const CostLatency *chips = cost_chip_latencies(an->ctx, &nchips);
	jw_key(&w, "chips");
	jw_array(&w);
	for (uint32_t i = 0; chips && i < nchips; i++) {
		jw_object(&w);
		jw_kstr(&w, "name", chips[i].chip->name);
		jw_key(&w, "latency");
		latency_json(&w, &chips[i]);
		jw_end(&w);
	}
	jw_end(&w);
	jw_kint(&w, "executable_ops", r->n);
	jw_key(&w, "ops");
	jw_array(&w);
	int flat = jw_flat_begin(&w);
	uint32_t shown = top && top < r->n ? top : r->n;
	for (uint32_t i = 0; i < shown; i++) {
		const ReportCostRow *x = &r->v[i];
		jw_object(&w);
		jw_kstr(&w, "function", x->f->name);
		jw_kstr(&w, "name", ir_op_name(x->f, x->op));
		jw_kstr(&w, "type", x->op->kind);
		jw_kstr(&w, "class", x->c->cost_class);
		jw_kstr(&w, "device", x->dev > DEV_NONE ? device_name(x->dev) : NULL);
		jw_knum(&w, "modelled_ms", x->c->placed_ms[r->cu], 5);
		jw_knum(&w, "cost_weight", x->c->weight[r->cu], 6);
		jw_key(&w, "flops");
		if (x->c->flops < 0)
			jw_null(&w);
		else
			jw_num(&w, x->c->flops, 0);
		jw_key(&w, "bytes");
		if (x->c->bytes < 0)
			jw_null(&w);
		else
			jw_num(&w, x->c->bytes, 0);
		jw_key(&w, "intensity");
		if (x->c->intensity < 0)
			jw_null(&w);
		else
			jw_num(&w, x->c->intensity, 3);
		jw_kstr(&w, "bound", x->dev > DEV_NONE && x->dev < DEV_COUNT
		                     ? cost_bound_name(x->c->bound[x->dev]) : NULL);
		jw_end(&w);
	}
	jw_flat_end(&w, flat);
	jw_end(&w);
	jw_end(&w);
	int rc = jw_write(&w, out);
	jw_fini(&w);
	return rc;
}

static int costs_flag(void *vtop, CliArgs *a, int *i, int argc, char **argv)
{
	const char *arg = argv[*i], *v = NULL;
	if (strcmp(arg, "--top") == 0) {
		if (*i + 1 >= argc) {
			cli_usage_error(a->cmd, "--top needs a number");
			return -1;
		}
		v = argv[++*i];
	} else if (strncmp(arg, "--top=", 6) == 0) {
		v = arg + 6;
	} else {
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 1000000000L) {
		cli_usage_error(a->cmd, "--top: '%s' is not a count (0 lists every op)", v);
		return -1;
	}
	*(uint32_t *)vtop = (uint32_t)n;
	return 1;
}

typedef struct CostsOpts {
	uint32_t top;
	bool json;
} CostsOpts;

static int emit(CliAnalysis *an, FILE *out, void *vopts)
{
	const CostsOpts *o = vopts;
	/* the costs need the cost pass whatever --passes selected */
	pass_run(an->ctx, PASS_COST);
	if (!cost_latency(an->ctx)) {
		fprintf(stderr, "anelint: %s: no cost results\n", an->in.path);
		return -1;
	}
	Rows r = { .cu = an->in.units };
	if (report_cost_rows(&an->in, r.cu, &r.v, &r.n) != 0) {
		fprintf(stderr, "anelint: %s: out of memory\n", an->in.path);
		return -1;
	}
	int rc = 0;
	if (o->json)
		rc = print_json(an, &r, o->top, out);
	else
		print_text(an, &r, o->top, out);
	free(r.v);
	return rc;
}

int cmd_costs(int argc, char **argv)
{
	CostsOpts o = { .top = DEFAULT_TOP };
	CliArgs a;
	int rc = cli_parse_args(&a, "costs", argc, argv, CLI_OUTPUT | CLI_FORMAT | CLI_PASSES,
	                        costs_flag, &o.top);
	if (rc != EXIT_OK || a.done)
		return rc;
	if (a.format && strcmp(a.format, "json") == 0)
		o.json = true;
	else if (a.format && strcmp(a.format, "text") != 0)
		return cli_usage_error("costs", "unknown format '%s' (text or json)", a.format);
	return cli_analysis_write(&a, emit, &o);
}
