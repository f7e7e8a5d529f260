/* costs_text.c - the ops by modelled cost as a terminal table (costs.h). */
#include "backend/costs.h"

#include <string.h>

static void print_latency(const ReportInput *in, FILE *out)
{
	const CostLatency *l = cost_latency(in->ctx);
	ComputeUnits cu = in->units;
	const AneChip *chip = ane_chip(in->ctx);
	fprintf(out, "%s: chip %s", in->path, chip ? chip->name : "?");
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
	report_text_chips(in, out);
}

static void print_row(const ReportInput *in, const ReportCostRow *w, uint32_t rank, FILE *out)
{
	ComputeUnits cu = in->units;
	bool many = in->m->funcs.n > 1;
	char name[256], fl[32], by[32], it[32];
	snprintf(name, sizeof name, "%s%s%s", many ? w->f->name : "", many ? ":" : "",
	         ir_op_name(w->f, w->op));
	if (w->c->intensity >= 0)
		snprintf(it, sizeof it, "%.1f", w->c->intensity);
	else
		snprintf(it, sizeof it, "?");
	Device d = w->dev;
	fprintf(out, "  %4u  %-32s %-20s %-4s %10.2f %6.2f%% %10s %10s %8s  %s\n", rank, name,
	        w->op->kind, device_name(d), w->c->placed_ms[cu] * 1e3, w->c->weight[cu] * 100,
	        report_si(fl, sizeof fl, w->c->flops), report_si(by, sizeof by, w->c->bytes), it,
	        d > DEV_NONE && d < DEV_COUNT ? cost_bound_name(w->c->bound[d]) : "-");
}

void costs_text(const ReportInput *in, const ReportCostRow *rows, uint32_t n, uint32_t top,
                FILE *out)
{
	ComputeUnits cu = in->units;
	print_latency(in, out);
	double flops = 0, bytes = 0;
	uint32_t unknown = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!rows[i].c->known)
			unknown++;
		if (rows[i].c->flops > 0)
			flops += rows[i].c->flops;
		if (rows[i].c->bytes > 0)
			bytes += rows[i].c->bytes;
	}
	uint32_t shown = top && top < n ? top : n;
	fprintf(out, "ops by modelled cost under %s (%u of %u executable ops; time and share are "
	        "modelled):\n", compute_units_name(cu), shown, n);
	fprintf(out, "  %4s  %-32s %-20s %-4s %10s %7s %10s %10s %8s  %s\n", "#", "op", "type", "dev",
	        "us", "share", "FLOPs", "bytes", "FLOP/B", "bound");
	for (uint32_t i = 0; i < shown; i++)
		print_row(in, &rows[i], i + 1, out);
	if (shown < n)
		fprintf(out, "  ... %u more (--top 0 lists every op)\n", n - shown);
	char fl[32], by[32];
	fprintf(out, "total: %u executable ops, %sFLOP, %sB moved", n,
	        report_si(fl, sizeof fl, flops), report_si(by, sizeof by, bytes));
	if (unknown)
		fprintf(out, " (%u ops of unknown shape counted as their overhead only)", unknown);
	fputc('\n', out);
}
