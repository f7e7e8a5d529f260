/* report_text.c - the analysis summary for a terminal (`anelint analyze`):
 *
 *   MODEL (FORM, KIND): chip M4 (H16), compute units ALL
 *   ops: 22 total, 14 const, 8 executable
 *     ANE   6  75.0%     (work 98.1%)
 *     ...
 *   ANE coverage: 75.0% - mixed (50-80%)
 *   segments: 2 (1 on the ANE), 1 device switch; modelled latency 0.412 ms (modelled, not measured)
 *   every setting: ... one line each, the modelled latency (cost pass), the
 *                  fastest marked
 *   modelled latency by chip: with --chip all (one column per generation) or
 *                  --chip A,B (one per chip)
 *   ops that leave the ANE: 2, by reason
 *     ANE031 [observed] reason (1 op, CPU, 3.1% of modelled time)
 *       ops: a, b, c, d, e and 7 more
 *       hint: ...
 */
#include "backend/report.h"

#include <string.h>

#include "ir/model_desc.h"
#include "passes/cost/cost.h"

enum { SHOWN_OPS = 5 };

static const char *plural(uint32_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void devices_list(uint32_t mask, FILE *out)
{
	bool first = true;
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		if (mask & DEVM(d)) {
			fprintf(out, "%s%s", first ? "" : "/", device_name((Device)d));
			first = false;
		}
}

static void print_groups(const ReportInput *in, ComputeUnits cu, FILE *out)
{
	Arena *a = arena_new();
	uint32_t n;
	ReportGroup *g = report_groups(in, cu, a, &n);
	uint32_t total = 0;
	for (uint32_t i = 0; i < n; i++)
		total += g[i].nops;
	if (!n) {
		fprintf(out, "every executable op stays on the ANE under %s\n", compute_units_name(cu));
		arena_free(a);
		return;
	}
	fprintf(out, "ops that leave the ANE under %s: %u, by reason\n", compute_units_name(cu), total);
	for (uint32_t i = 0; i < n; i++) {
		fprintf(out, "  %s", g[i].code);
		if (g[i].rule)
			fprintf(out, " [%s]", confidence_name(g[i].rule->conf));
		fprintf(out, " %s (%u %s on ", g[i].reason, g[i].nops, plural(g[i].nops, "op", "ops"));
		devices_list(g[i].devices, out);
		fprintf(out, ", %.1f%% of modelled time)\n", g[i].cost_share * 100);
		fputs("    ops:", out);
		for (uint32_t j = 0; j < g[i].nops && j < SHOWN_OPS; j++) {
			const Func *f = g[i].funcs[j];
			fprintf(out, "%s ", j ? "," : "");
			if (in->m->funcs.n > 1)
				fprintf(out, "%s:", f->name);
			fputs(ir_op_name(f, g[i].ops[j]), out);
		}
		if (g[i].nops > SHOWN_OPS)
			fprintf(out, " and %u more", g[i].nops - SHOWN_OPS);
		fputc('\n', out);
		if (g[i].hint && g[i].hint[0])
			fprintf(out, "    hint: %s\n", g[i].hint);
	}
	arena_free(a);
}

static void print_flex(const ReportInput *in, FILE *out)
{
	uint32_t n = 0;
	const AneFlexVerdict *v = ane_flex_verdicts(in->ctx, &n);
	if (!v || !n)
		return;
	ComputeUnits cu = in->units;
	fprintf(out, "flexible inputs (%s):\n", compute_units_name(cu));
	for (uint32_t i = 0; i < n; i++) {
		const AneCounts *k = &v[i].counts[cu];
		fprintf(out, "  %-14s", flex_mode_name(v[i].mode));
		if (v[i].input)
			fprintf(out, " %s", v[i].input);
		if (v[i].shape)
			fprintf(out, " %s", v[i].shape);
		if (v[i].ran)
			fprintf(out, ": ANE %.1f%% (%s), %u %s", k->share[DEV_ANE] * 100,
			        report_band_name(report_band(k->share[DEV_ANE])), k->segments,
			        plural(k->segments, "segment", "segments"));
		else
			fputs(": not analysed", out);
		if (v[i].mode_reason && v[i].mode_reason->rule)
			fprintf(out, "; %s %s", v[i].mode_reason->rule->code, v[i].mode_reason->rule->reason);
		fputc('\n', out);
	}
}

/* --chip all / A,B: one column per chip (generation), one row per setting. */
void report_text_chips(const ReportInput *in, FILE *out)
{
	uint32_t n = 0;
	const CostLatency *c = cost_chip_latencies(in->ctx, &n);
	if (!c || !n)
		return;
	fputs("modelled latency by chip (ms, modelled, not measured; * fastest setting):\n", out);
	fprintf(out, "  %-12s", "");
	for (uint32_t i = 0; i < n; i++)
		fprintf(out, " %9s", c[i].chip->name);
	fputc('\n', out);
	for (int u = 0; u < CU_COUNT; u++) {
		fprintf(out, "  %-12s", compute_units_name((ComputeUnits)u));
		for (uint32_t i = 0; i < n; i++)
			fprintf(out, " %8.3f%c", c[i].ms[u], cost_is_fastest(&c[i], (ComputeUnits)u) ? '*' : ' ');
		fputc('\n', out);
	}
	fprintf(out, "  %-12s", "ANE share");
	for (uint32_t i = 0; i < n; i++)
		fprintf(out, " %8.1f%%", c[i].ane_share[CU_ALL] * 100);
	fputs("   (under ALL)\n", out);
}

void report_text(const ReportInput *in, FILE *out)
{
	const Module *m = in->m;
	ComputeUnits cu = in->units;
	const AneChip *chip = ane_chip(in->ctx);
	const char *kind = m->desc && m->desc->kind ? m->desc->kind : "mlProgram";
	fprintf(out, "%s (%s, %s): chip %s", in->path, in->format, kind, chip ? chip->name : "?");
	if (chip && chip->family && strcmp(chip->family, chip->name) != 0)
		fprintf(out, " (%s)", chip->family);
	fprintf(out, ", compute units %s\n", compute_units_name(cu));
	const AneCounts *k = ane_counts(in->ctx, NULL, cu);
	if (!k) {
		fputs("no placement results (the ANE passes did not run)\n", out);
		return;
	}
	fprintf(out, "ops: %u total, %u const, %u executable\n", k->ops, k->consts, k->executable);
	static const Device order[] = { DEV_ANE, DEV_GPU, DEV_CPU };
	for (size_t i = 0; i < 3; i++) {
		Device d = order[i];
		fprintf(out, "  %-4s %6u %6.1f%%   (%.1f%% of the estimated work)\n", device_name(d),
		        k->on[d], k->share[d] * 100, k->work_share[d] * 100);
	}
	CoverageBand band = report_band(k->share[DEV_ANE]);
	fprintf(out, "ANE coverage: %.1f%%, %s (%s)\n", k->share[DEV_ANE] * 100,
	        report_band_name(band), report_band_range(band));
	const CostLatency *lat = cost_latency(in->ctx);
	fprintf(out, "segments: %u (%u on the ANE), %u device %s; modelled latency %.3f ms "
	        "(modelled, not measured)\n", k->segments, k->ane_segments, k->switches,
	        plural(k->switches, "switch", "switches"), lat ? lat->ms[cu] : k->est_ms);
	fputs("every setting:   ANE    GPU    CPU  segments switches  latency ms (modelled)\n", out);
	for (int u = 0; u < CU_COUNT; u++) {
		const AneCounts *s = ane_counts(in->ctx, NULL, (ComputeUnits)u);
		if (!s)
			continue;
		fprintf(out, "  %-12s %5.1f%% %5.1f%% %5.1f%% %9u %8u %12.3f%s%s\n",
		        compute_units_name((ComputeUnits)u), s->share[DEV_ANE] * 100,
		        s->share[DEV_GPU] * 100, s->share[DEV_CPU] * 100, s->segments, s->switches,
		        lat ? lat->ms[u] : s->est_ms,
		        lat && cost_is_fastest(lat, (ComputeUnits)u) ? "  fastest" : "",
		        u == (int)cu ? "  <-" : "");
	}
	report_text_chips(in, out);
	print_groups(in, cu, out);
	print_flex(in, out);
}
