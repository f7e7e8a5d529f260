/* html.c - the HTML report (`anelint report MODEL -o report.html`): ONE
 * self-contained page, no script, no external reference (stylesheet
 * inline, system fonts, charts as inline SVG drawn here, svg.h).  Sections,
 * each a <div class="section" id=...> with an <h2>:
 *
 *   summary      the model, chip, op counts, ANE coverage, segments, the
 *                modelled latency, peak memory, weights, findings
 *   latency      every compute-unit setting's modelled latency and its
 *                parts, the fastest marked; per chip with --chip all / A,B
 *   devices      device shares per setting (ops, and modelled time): SVG bars
 *   timeline     the segments of every setting along the op order: SVG
 *   top-ops      the ops with the largest modelled time (lead setting)
 *   memory       activation bytes live along the op order (memory pass):
 *                SVG, the peak marked; weights by dtype
 *   reasons      why ops leave the ANE under the lead setting, every op of
 *                every group
 *   rules        every ANE rule that fired (refusals and advisories), with
 *                its ops
 *   lint         the lint pass's findings
 *
 * Every time shown is labelled modelled.  Every text from the model (op
 * names, paths, messages) goes through html_text: op names are untrusted
 * input. */
#include "backend/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/svg.h"
#include "ir/model_desc.h"
#include "passes/cost/cost.h"
#include "passes/cost/lint.h"
#include "passes/cost/memory.h"

enum {
	TOP_OPS = 25,           /* rows of the top-cost table */
	MAX_CHARTS = 8,         /* functions charted (timeline, memory) */
	CHART_W = 900,          /* plot width in px */
	LEFT = 140,             /* room for row labels */
};

typedef struct Html {
	const ReportInput *in;
	FILE *out;
	Arena *a;               /* scratch for cleaned text, reset per section */
	ComputeUnits cu;
} Html;

#define T(h, s) html_text((h)->out, (h)->a, (s))

static const char *const style =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;"
	"max-width:1180px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 10px;border-bottom:1px solid "
	"#ddd;padding-bottom:4px}\n"
	".sub{color:#666;margin:0 0 18px}.section{margin:0 0 28px}\n"
	"table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;text-align:left;"
	"vertical-align:top;border-bottom:1px solid #eee}th{background:#f6f6f6}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".note{color:#666;font-size:12px}.modelled{font-style:italic;color:#7a5a00}\n"
	".dev{display:inline-block;padding:0 6px;border-radius:3px}\n"
	".bar{display:inline-block;height:10px;background:#888;vertical-align:middle}\n"
	".ops{font-family:ui-monospace,monospace;font-size:12px;line-height:1.5}\n"
	".code{font-family:ui-monospace,monospace;font-weight:bold}\n"
	"svg{display:block;margin:6px 0 10px;font-size:11px}svg text{fill:#333}\n"
	".fastest{font-weight:bold;color:#1a7a30}\n";

/* ------------------------------------------------------------------ helpers */

static void dev_cell(Html *h, Device d)
{
	fprintf(h->out, "<span class=\"dev\" style=\"background:%s\">%s</span>", svg_device_fill(d),
	        device_name(d));
}

static void op_label(Html *h, const Func *f, const Op *op)
{
	if (h->in->m->funcs.n > 1) {
		T(h, f->name);
		fputc(':', h->out);
	}
	T(h, ir_op_name(f, op));
}

static void section(Html *h, const char *id, const char *title)
{
	arena_reset(h->a);
	fprintf(h->out, "<div class=\"section\" id=\"%s\">\n<h2>", id);
	T(h, title);
	fputs("</h2>\n", h->out);
}

static void section_end(Html *h)
{
	fputs("</div>\n", h->out);
}

/* A section with its note when its pass ran; else the section saying it
 * did not. */
static bool section_of_pass(Html *h, const char *id, const char *title, bool ran,
                            const char *pass, const char *note)
{
	section(h, id, title);
	if (!ran) {
		fprintf(h->out, "<p class=\"note\">The %s pass did not run.</p>\n", pass);
		section_end(h);
	} else {
		fprintf(h->out, "<p class=\"note\">%s</p>\n", note);
	}
	return ran;
}

/* ------------------------------------------------------------------ summary */

static void kv(Html *h, const char *key)
{
	fputs("<tr><th>", h->out);
	T(h, key);
	fputs("</th><td>", h->out);
}

static void summary(Html *h)
{
	const ReportInput *in = h->in;
	const PassCtx *ctx = in->ctx;
	const AneCounts *k = ane_counts(ctx, NULL, h->cu);
	const AneChip *chip = ane_chip(ctx);
	const CostLatency *l = cost_latency(ctx);
	section(h, "summary", "Summary");
	fputs("<table class=\"kv\">\n", h->out);
	kv(h, "model");
	T(h, in->path);
	html_printf(h->out, h->a, " (%s, %s)", in->format,
	            in->m->desc && in->m->desc->kind ? in->m->desc->kind : "mlProgram");
	fputs("</td></tr>\n", h->out);
	kv(h, "chip");
	if (chip) {
		T(h, chip->name);
		if (chip->family && strcmp(chip->family, chip->name) != 0)
			html_printf(h->out, h->a, " (%s)", chip->family);
	}
	html_printf(h->out, h->a, ", compute units %s", compute_units_name(h->cu));
	fputs("</td></tr>\n", h->out);
	if (k) {
		kv(h, "ops");
		fprintf(h->out, "%u total, %u const, %u executable: ANE %u, GPU %u, CPU %u</td></tr>\n",
		        k->ops, k->consts, k->executable, k->on[DEV_ANE], k->on[DEV_GPU], k->on[DEV_CPU]);
		CoverageBand band = report_band(k->share[DEV_ANE]);
		kv(h, "ANE coverage");
		fprintf(h->out, "%.1f%%, %s (%s)</td></tr>\n", k->share[DEV_ANE] * 100,
		        report_band_name(band), report_band_range(band));
		kv(h, "segments");
		fprintf(h->out, "%u (%u on the ANE), %u device switch%s</td></tr>\n", k->segments,
		        k->ane_segments, k->switches, k->switches == 1 ? "" : "es");
	}
	if (l) {
		kv(h, "latency (modelled)");
		fprintf(h->out, "%.3f ms under %s <span class=\"modelled\">(modelled, not measured)"
		        "</span>; fastest setting: <span class=\"fastest\">%s</span> %.3f ms</td></tr>\n",
		        l->ms[h->cu], compute_units_name(h->cu), compute_units_name(l->fastest),
		        l->ms[l->fastest]);
	}
	const MemFunc *peak = mem_module_peak(ctx);
	const MemWeights *mw = mem_module_weights(ctx);
	if (peak) {
		char buf[160];
		mem_format_size(peak->peak, buf, sizeof buf);
		kv(h, "peak activation memory");
		T(h, buf);
		if (peak->peak_op) {
			fputs(" at ", h->out);
			op_label(h, peak->func, peak->peak_op);
		}
		fputs("</td></tr>\n", h->out);
	}
	if (mw) {
		char s1[160], s2[160];
		mem_format_size(mw->stored_total, s1, sizeof s1);
		mem_format_size(mw->decompressed_total, s2, sizeof s2);
		kv(h, "weights");
		html_printf(h->out, h->a, "stored %s; decompressed %s", s1, s2);
		fputs("</td></tr>\n", h->out);
	}
	uint32_t nlint = 0;
	lint_findings(ctx, &nlint);
	const DiagList *dl = ctx->dl;
	uint32_t sev[3] = { 0, 0, 0 };
	for (uint32_t i = in->diag_first; dl && i < dl->d.n; i++)
		sev[dl->d.v[i].sev]++;
	kv(h, "findings");
	fprintf(h->out, "%u error%s, %u warning%s, %u note%s; %u lint finding%s</td></tr>\n",
	        sev[SEV_ERROR], sev[SEV_ERROR] == 1 ? "" : "s", sev[SEV_WARNING],
	        sev[SEV_WARNING] == 1 ? "" : "s", sev[SEV_NOTE], sev[SEV_NOTE] == 1 ? "" : "s", nlint,
	        nlint == 1 ? "" : "s");
	fputs("</table>\n", h->out);
	section_end(h);
}

/* ------------------------------------------------------------------ latency */

static void latency(Html *h)
{
	const PassCtx *ctx = h->in->ctx;
	const CostLatency *l = cost_latency(ctx);
	if (!section_of_pass(h, "latency", "Modelled latency per compute-unit setting", l, "cost",
	                     "Modelled by anelint's cost model, not measured: each op's modelled "
	                     "time on its device, a launch per ANE segment (the chip's measured "
	                     "dispatch overhead) and a switch plus transfer per device boundary. "
	                     "docs/calibration.md compares the model with published latencies."))
		return;
	fputs("<table>\n<tr><th>setting</th><th class=\"num\">ANE</th><th class=\"num\">GPU</th>"
	      "<th class=\"num\">CPU</th><th class=\"num\">segments</th><th class=\"num\">"
	      "boundaries</th><th class=\"num\">ops ms</th><th class=\"num\">launch ms</th>"
	      "<th class=\"num\">transfer ms</th><th class=\"num\">latency ms (modelled)</th>"
	      "<th></th></tr>\n", h->out);
	for (int u = 0; u < CU_COUNT; u++) {
		const AneCounts *k = ane_counts(ctx, NULL, (ComputeUnits)u);
		static const AneCounts zero;
		if (!k)
			k = &zero;
		bool fast = cost_is_fastest(l, (ComputeUnits)u);
		fprintf(h->out, "<tr><td>%s%s</td><td class=\"num\">%.1f%%</td><td class=\"num\">%.1f%%"
		        "</td><td class=\"num\">%.1f%%</td><td class=\"num\">%u</td><td class=\"num\">%u"
		        "</td><td class=\"num\">%.3f</td><td class=\"num\">%.3f</td><td class=\"num\">%.3f"
		        "</td><td class=\"num%s\">%.3f</td><td>%s</td></tr>\n",
		        compute_units_name((ComputeUnits)u), u == (int)h->cu ? " (lead)" : "",
		        k->share[DEV_ANE] * 100, k->share[DEV_GPU] * 100, k->share[DEV_CPU] * 100,
		        k->segments, l->boundaries[u], l->ops_ms[u], l->launch_ms[u], l->transfer_ms[u],
		        fast ? " fastest" : "", l->ms[u], fast ? "<span class=\"fastest\">fastest</span>" : "");
	}
	fputs("</table>\n", h->out);
	uint32_t n = 0;
	const CostLatency *c = cost_chip_latencies(ctx, &n);
	if (c && n) {
		fputs("<h3>By chip (modelled ms; bold: the fastest setting of each chip)</h3>\n"
		      "<table>\n<tr><th>setting</th>", h->out);
		for (uint32_t i = 0; i < n; i++) {
			fputs("<th class=\"num\">", h->out);
			T(h, c[i].chip->name);
			fputs("</th>", h->out);
		}
		fputs("</tr>\n", h->out);
		for (int u = 0; u < CU_COUNT; u++) {
			fprintf(h->out, "<tr><td>%s</td>", compute_units_name((ComputeUnits)u));
			for (uint32_t i = 0; i < n; i++)
				fprintf(h->out, "<td class=\"num%s\">%.3f</td>",
				        cost_is_fastest(&c[i], (ComputeUnits)u) ? " fastest" : "", c[i].ms[u]);
			fputs("</tr>\n", h->out);
		}
		fputs("<tr><td>ANE share (ALL)</td>", h->out);
		for (uint32_t i = 0; i < n; i++)
			fprintf(h->out, "<td class=\"num\">%.1f%%</td>", c[i].ane_share[CU_ALL] * 100);
		fputs("</tr>\n</table>\n", h->out);
	}
	section_end(h);
}

/* ------------------------------------------------------------------ devices */

typedef struct TimeShare {
	const PassCtx *ctx;
	double ms[CU_COUNT][DEV_COUNT];
} TimeShare;

static int time_share_op(Func *f, Op *op, void *vctx)
{
	TimeShare *t = vctx;
	const CostOp *c = cost_op(t->ctx, f, op);
	const OpPlacement *p = ane_op_placement(t->ctx, f, op);
	if (!c || !p || c->is_const)
		return 0;
	for (int u = 0; u < CU_COUNT; u++)
		if (p->device[u] > DEV_NONE && p->device[u] < DEV_COUNT)
			t->ms[u][p->device[u]] += c->placed_ms[u];
	return 0;
}

/* One stacked bar: the shares of ANE, GPU and CPU. */
static void share_bar(Html *h, double y, const char *label, const double share[DEV_COUNT],
                      const char *what)
{
	static const Device order[] = { DEV_ANE, DEV_GPU, DEV_CPU };
	svg_label(h->out, h->a, LEFT - 8, y + 13, "end", label);
	double x = LEFT, w = CHART_W - LEFT - 20;
	for (size_t i = 0; i < 3; i++) {
		Device d = order[i];
		double sw = share[d] * w;
		char title[160];
		snprintf(title, sizeof title, "%s: %s %.1f%% of %s", label, device_name(d),
		         share[d] * 100, what);
		if (sw > 0)
			svg_rect(h->out, h->a, x, y, sw, 18, svg_device_fill(d), title);
		x += sw;
	}
	if (x == LEFT)
		svg_rect(h->out, h->a, x, y, w, 18, svg_device_fill(DEV_NONE), "no executable ops");
}

static void devices(Html *h)
{
	const PassCtx *ctx = h->in->ctx;
	section(h, "devices", "Device share");
	TimeShare t = { .ctx = ctx };
	for (uint32_t i = 0; i < h->in->m->funcs.n; i++)
		ir_walk_ops(h->in->m->funcs.v[i], time_share_op, &t);
	double height = 24 + CU_COUNT * 2 * 26 + 10;
	svg_begin(h->out, h->a, CHART_W, height, "device share per compute-unit setting");
	static const Device order[] = { DEV_ANE, DEV_GPU, DEV_CPU };
	for (size_t i = 0; i < 3; i++) {
		svg_rect(h->out, h->a, LEFT + i * 90.0, 4, 12, 12, svg_device_fill(order[i]), NULL);
		svg_label(h->out, h->a, LEFT + i * 90.0 + 16, 14, "start", device_name(order[i]));
	}
	double y = 24;
	for (int u = 0; u < CU_COUNT; u++) {
		const AneCounts *k = ane_counts(ctx, NULL, (ComputeUnits)u);
		double ops[DEV_COUNT] = { 0 }, tm[DEV_COUNT] = { 0 }, total = 0;
		if (k)
			memcpy(ops, k->share, sizeof ops);
		for (int d = DEV_CPU; d < DEV_COUNT; d++)
			total += t.ms[u][d];
		for (int d = DEV_CPU; d < DEV_COUNT; d++)
			tm[d] = total > 0 ? t.ms[u][d] / total : 0;
		char label[64];
		snprintf(label, sizeof label, "%s ops", compute_units_name((ComputeUnits)u));
		share_bar(h, y, label, ops, "the executable ops");
		y += 26;
		snprintf(label, sizeof label, "%s time", compute_units_name((ComputeUnits)u));
		share_bar(h, y, label, tm, "the modelled op time");
		y += 26;
	}
	svg_end(h->out);
	fputs("<p class=\"note\">\"ops\": the share of executable ops per device; \"time\": the "
	      "share of the modelled op time (modelled, not measured).</p>\n", h->out);
	section_end(h);
}

/* ------------------------------------------------------------------ timeline */

static void timeline_func(Html *h, const Func *f)
{
	const PassCtx *ctx = h->in->ctx;
	double w = CHART_W - LEFT - 20, n = f->nops ? f->nops : 1;
	double height = 20 + CU_COUNT * 26 + 24;
	char label[300];
	snprintf(label, sizeof label, "segments of function %s along the op order", f->name);
	svg_begin(h->out, h->a, CHART_W, height, label);
	for (int u = 0; u < CU_COUNT; u++) {
		double y = 10 + u * 26;
		const AneFuncPlan *p = ane_func_plan(ctx, f, (ComputeUnits)u);
		const CostFunc *cf = cost_func(ctx, f);
		svg_label(h->out, h->a, LEFT - 8, y + 13, "end", compute_units_name((ComputeUnits)u));
		svg_rect(h->out, h->a, LEFT, y, w, 18, "#f2f2f2", NULL);
		for (uint32_t s = 0; p && s < p->nsegments; s++) {
			const AneSegment *sg = &p->segments[s];
			const Op *op0 = report_op_at(f, sg->first), *op1 = report_op_at(f, sg->last);
			const char *first = op0 ? ir_op_name(f, op0) : "?";
			const char *last = op1 ? ir_op_name(f, op1) : "?";
			double ms = cf && s < cf->plan[u].nsegments ? cf->plan[u].segments[s].ms : sg->est_ms;
			char title[1200];
			snprintf(title, sizeof title, "%s segment %u: %s, %u ops, %s .. %s, %.4f ms "
			         "(modelled)", compute_units_name((ComputeUnits)u), s, device_name(sg->device),
			         sg->nops, first, last, ms);
			double x0 = LEFT + sg->first / n * w, x1 = LEFT + (sg->last + 1) / n * w;
			svg_rect(h->out, h->a, x0, y, fmax(x1 - x0, 1), 18, svg_device_fill(sg->device), title);
		}
	}
	double ay = 10 + CU_COUNT * 26 + 2;
	svg_line(h->out, LEFT, ay, LEFT + w, ay, "#999");
	for (int t = 0; t <= 4; t++) {
		char tick[32];
		snprintf(tick, sizeof tick, "%.0f", (n - 1) * t / 4.0 > 0 ? (n - 1) * t / 4.0 : 0);
		svg_line(h->out, LEFT + w * t / 4, ay, LEFT + w * t / 4, ay + 4, "#999");
		svg_label(h->out, h->a, LEFT + w * t / 4, ay + 16, t == 0 ? "start" : t == 4 ? "end" : "middle",
		          tick);
	}
	svg_end(h->out);
}

static void timeline(Html *h)
{
	section(h, "timeline", "Segment timeline along the op order");
	fputs("<p class=\"note\">One row per compute-unit setting; x is the op's position in its "
	      "function (walk order, const ops included); each block is a segment, coloured by "
	      "device. Hover a block for its ops and modelled time.</p>\n", h->out);
	for (uint32_t i = 0; i < h->in->m->funcs.n && i < MAX_CHARTS; i++) {
		const Func *f = h->in->m->funcs.v[i];
		fputs("<h3>", h->out);
		html_printf(h->out, h->a, "function %s (%u ops)", f->name, f->nops);
		fputs("</h3>\n", h->out);
		timeline_func(h, f);
	}
	if (h->in->m->funcs.n > MAX_CHARTS)
		fprintf(h->out, "<p class=\"note\">%u more functions not charted.</p>\n",
		        h->in->m->funcs.n - MAX_CHARTS);
	section_end(h);
}

/* ------------------------------------------------------------------ top ops */

static void top_ops(Html *h)
{
	section(h, "top-ops", "Top-cost ops (modelled)");
	ReportCostRow *rows;
	uint32_t nrows;
	if (report_cost_rows(h->in, h->cu, &rows, &nrows) != 0) {
		section_end(h);
		return;
	}
	uint32_t shown = nrows < TOP_OPS ? nrows : TOP_OPS;
	html_printf(h->out, h->a, "The %u ops with the largest modelled time under %s; share is "
	            "the op's share of its function's modelled op time (as MLComputePlan's cost "
	            "weight). Modelled, not measured.", shown, compute_units_name(h->cu));
	fputs("\n<table>\n<tr><th class=\"num\">#</th><th>op</th><th>type</th><th>device</th>"
	      "<th class=\"num\">us (modelled)</th><th>share</th><th class=\"num\">FLOPs</th>"
	      "<th class=\"num\">bytes</th><th class=\"num\">FLOP/B</th><th>bound</th></tr>\n", h->out);
	for (uint32_t i = 0; i < shown; i++) {
		const ReportCostRow *r = &rows[i];
		char fl[32], by[32];
		report_si(fl, sizeof fl, r->c->flops);
		report_bytes(by, sizeof by, r->c->bytes);
		fprintf(h->out, "<tr><td class=\"num\">%u</td><td class=\"ops\">", i + 1);
		op_label(h, r->f, r->op);
		fputs("</td><td>", h->out);
		T(h, r->op->kind);
		fputs("</td><td>", h->out);
		dev_cell(h, r->dev);
		double share = r->c->weight[h->cu];
		fprintf(h->out, "</td><td class=\"num\">%.2f</td><td><span class=\"bar\" "
		        "style=\"width:%.0fpx\"></span> %.1f%%</td><td class=\"num\">%s</td><td "
		        "class=\"num\">%s</td><td class=\"num\">", r->ms * 1e3, share * 120, share * 100,
		        fl, by);
		if (r->c->intensity >= 0)
			fprintf(h->out, "%.1f", r->c->intensity);
		else
			fputc('?', h->out);
		fprintf(h->out, "</td><td>%s</td></tr>\n", r->dev > DEV_NONE && r->dev < DEV_COUNT
		        ? cost_bound_name(r->c->bound[r->dev]) : "-");
	}
	fputs("</table>\n", h->out);
	free(rows);
	section_end(h);
}

/* ------------------------------------------------------------------ memory */

static void memory_func(Html *h, const MemFunc *mf)
{
	double w = CHART_W - LEFT - 20, ph = 140, top = 10;
	uint32_t n = mf->nops;
	if (!n)
		return;
	/* at most one point per pixel column: the largest bytes live there */
	uint32_t cols = n < (uint32_t)w ? n : (uint32_t)w;
	double *xs = calloc(cols, sizeof *xs), *ys = calloc(cols, sizeof *ys);
	double *vals = calloc(cols, sizeof *vals);
	if (!xs || !ys || !vals) {
		free(xs);
		free(ys);
		free(vals);
		return;
	}
	double peak = mf->peak.bytes > 0 ? (double)mf->peak.bytes : 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = (uint32_t)((uint64_t)i * cols / n);
		vals[c] = fmax(vals[c], (double)mf->op_live[i].bytes);
	}
	for (uint32_t c = 0; c < cols; c++) {
		xs[c] = LEFT + (cols > 1 ? w * c / (cols - 1) : 0);
		ys[c] = top + ph - vals[c] / peak * ph;
	}
	char label[300], pk[160];
	snprintf(label, sizeof label, "activation bytes live along the op order of %s",
	         mf->func->name);
	svg_begin(h->out, h->a, CHART_W, ph + 40, label);
	svg_line(h->out, LEFT, top + ph, LEFT + w, top + ph, "#999");
	svg_line(h->out, LEFT, top, LEFT, top + ph, "#999");
	svg_path(h->out, xs, ys, cols, top + ph, "#3b73b9", "#cfe0f3");
	report_bytes(pk, sizeof pk, (double)mf->peak.bytes);
	svg_label(h->out, h->a, LEFT - 6, top + 10, "end", pk);
	svg_label(h->out, h->a, LEFT - 6, top + ph, "end", "0");
	if (mf->peak_op && mf->peak_op->index < n) {
		double px = LEFT + (double)mf->peak_op->index / (n > 1 ? n - 1 : 1) * w;
		char t[600];
		snprintf(t, sizeof t, "peak %s at op %s", pk, ir_op_name(mf->func, mf->peak_op));
		fprintf(h->out, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"#c0392b\"><title>", px, top);
		T(h, t);
		fputs("</title></circle>\n", h->out);
	}
	svg_label(h->out, h->a, LEFT, top + ph + 16, "start", "0");
	snprintf(label, sizeof label, "op %u", n - 1);
	svg_label(h->out, h->a, LEFT + w, top + ph + 16, "end", label);
	svg_end(h->out);
	free(xs);
	free(ys);
	free(vals);
}

static void memory(Html *h)
{
	const PassCtx *ctx = h->in->ctx;
	const MemWeights *mw = mem_module_weights(ctx);
	if (!section_of_pass(h, "memory", "Activation memory along the op order", mw, "memory",
	                     "Bytes of activations live while each op runs (its operands and "
	                     "outputs included), from liveness over the op order; sizes are never "
	                     "guessed: values of unknown size are left out and counted."))
		return;
	for (uint32_t i = 0; i < h->in->m->funcs.n && i < MAX_CHARTS; i++) {
		const MemFunc *mf = mem_func(ctx, h->in->m->funcs.v[i]);
		if (!mf)
			continue;
		char pk[160];
		mem_format_size(mf->peak, pk, sizeof pk);
		fputs("<h3>", h->out);
		html_printf(h->out, h->a, "function %s: peak %s", mf->func->name, pk);
		if (mf->peak_op) {
			fputs(" at ", h->out);
			T(h, ir_op_name(mf->func, mf->peak_op));
		}
		fputs("</h3>\n", h->out);
		memory_func(h, mf);
	}
	fputs("<h3>Weights by dtype</h3>\n<table>\n<tr><th>dtype</th><th class=\"num\">stored</th>"
	      "<th class=\"num\">tensors</th><th class=\"num\">decompressed</th>"
	      "<th class=\"num\">tensors</th></tr>\n", h->out);
	for (int d = 0; d < DT_COUNT; d++) {
		if (!mw->nstored[d] && !mw->ndecompressed[d])
			continue;
		char s1[32], s2[32];
		report_bytes(s1, sizeof s1, (double)mw->stored[d]);
		report_bytes(s2, sizeof s2, (double)mw->decompressed[d]);
		fprintf(h->out, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%u</td>"
		        "<td class=\"num\">%s</td><td class=\"num\">%u</td></tr>\n", dtype_name((DType)d),
		        s1, mw->nstored[d], s2, mw->ndecompressed[d]);
	}
	fputs("</table>\n", h->out);
	section_end(h);
}

/* ------------------------------------------------------------------ reasons */

static void op_list(Html *h, uint32_t n, const Func *const *funcs, const Op *const *ops)
{
	fputs("<div class=\"ops\">", h->out);
	for (uint32_t j = 0; j < n; j++) {
		if (j)
			fputs(", ", h->out);
		op_label(h, funcs[j], ops[j]);
	}
	fputs("</div>\n", h->out);
}

static void reasons(Html *h)
{
	section(h, "reasons", "Why ops leave the ANE");
	uint32_t n;
	ReportGroup *g = report_groups(h->in, h->cu, h->a, &n);
	if (!n) {
		html_printf(h->out, h->a, "Every executable op stays on the ANE under %s.",
		            compute_units_name(h->cu));
		section_end(h);
		return;
	}
	html_printf(h->out, h->a, "Under %s, by main reason; every op of every group.",
	            compute_units_name(h->cu));
	fputs("\n<table>\n<tr><th>code</th><th>reason</th><th class=\"num\">ops</th><th>devices</th>"
	      "<th class=\"num\">modelled time</th><th>ops and hint</th></tr>\n", h->out);
	for (uint32_t i = 0; i < n; i++) {
		fputs("<tr><td class=\"code\">", h->out);
		T(h, g[i].code);
		fputs("</td><td>", h->out);
		T(h, g[i].reason);
		if (g[i].rule)
			html_printf(h->out, h->a, " [%s]", confidence_name(g[i].rule->conf));
		fprintf(h->out, "</td><td class=\"num\">%u</td><td>", g[i].nops);
		for (int d = DEV_CPU; d < DEV_COUNT; d++)
			if (g[i].devices & DEVM(d))
				dev_cell(h, (Device)d);
		fprintf(h->out, "</td><td class=\"num\">%.1f%%</td><td>", g[i].cost_share * 100);
		op_list(h, g[i].nops, g[i].funcs, g[i].ops);
		if (g[i].hint && g[i].hint[0]) {
			fputs("<p class=\"note\">hint: ", h->out);
			T(h, g[i].hint);
			fputs("</p>", h->out);
		}
		fputs("</td></tr>\n", h->out);
	}
	fputs("</table>\n", h->out);
	section_end(h);
}

/* Every rule that fired on any op, with its ops (refusals and advisories). */
typedef struct RuleOps {
	const AneRule *rule;
	VEC(const Func *) f;
	VEC(const Op *) o;
} RuleOps;

typedef struct Rules {
	const PassCtx *ctx;
	Arena *a;
	VEC(RuleOps) v;
} Rules;

static int rule_op(Func *f, Op *op, void *vctx)
{
	Rules *r = vctx;
	const OpPlacement *p = ane_op_placement(r->ctx, f, op);
	for (uint32_t i = 0; p && i < p->nreasons; i++) {
		const AneRule *rule = p->reasons[i].rule;
		if (!rule)
			continue;
		uint32_t k = 0;
		while (k < r->v.n && r->v.v[k].rule != rule)
			k++;
		if (k == r->v.n) {
			RuleOps e = { .rule = rule };
			vec_push(r->a, &r->v, e);
		}
		RuleOps *e = &r->v.v[k];
		if (e->o.n && e->o.v[e->o.n - 1] == op)
			continue;   /* one line per op even when a rule fires twice */
		vec_push(r->a, &e->f, (const Func *)f);
		vec_push(r->a, &e->o, (const Op *)op);
	}
	return 0;
}

static int rule_cmp(const void *pa, const void *pb)
{
	const RuleOps *a = pa, *b = pb;
	return strcmp(a->rule->code, b->rule->code);
}

static void rules(Html *h)
{
	section(h, "rules", "Every ANE rule that fired");
	Arena *a = arena_new();
	Rules r = { .ctx = h->in->ctx, .a = a };
	for (uint32_t i = 0; i < h->in->m->funcs.n; i++)
		ir_walk_ops(h->in->m->funcs.v[i], rule_op, &r);
	if (!r.v.n) {
		fputs("<p>No ANE rule fired on any op.</p>\n", h->out);
	} else {
		if (r.v.n > 1)
			qsort(r.v.v, r.v.n, sizeof *r.v.v, rule_cmp);
		fputs("<p class=\"note\">Refusals (the ANE cannot run the op) and advisories, on the "
		      "chip analysed, whatever the setting.</p>\n<table>\n<tr><th>code</th><th>kind"
		      "</th><th>reason</th><th class=\"num\">ops</th><th>ops and hint</th></tr>\n", h->out);
		for (uint32_t i = 0; i < r.v.n; i++) {
			const RuleOps *e = &r.v.v[i];
			fputs("<tr><td class=\"code\">", h->out);
			T(h, e->rule->code);
			fprintf(h->out, "</td><td>%s</td><td>", report_rule_kind_name(e->rule->kind));
			T(h, e->rule->reason);
			html_printf(h->out, h->a, " [%s]", confidence_name(e->rule->conf));
			fprintf(h->out, "</td><td class=\"num\">%u</td><td>", e->o.n);
			op_list(h, e->o.n, e->f.v, e->o.v);
			if (e->rule->hint && e->rule->hint[0]) {
				fputs("<p class=\"note\">hint: ", h->out);
				T(h, e->rule->hint);
				fputs("</p>", h->out);
			}
			fputs("</td></tr>\n", h->out);
		}
		fputs("</table>\n", h->out);
	}
	arena_free(a);
	section_end(h);
}

/* ------------------------------------------------------------------ lint */

static void lint(Html *h)
{
	const PassCtx *ctx = h->in->ctx;
	section(h, "lint", "Lint findings");
	uint32_t n = 0;
	const LintFinding *lf = lint_findings(ctx, &n);
	if (!(ctx->done & PASS_BIT(LINT))) {
		fputs("<p class=\"note\">The lint pass did not run.</p>\n", h->out);
	} else if (!lf || !n) {
		fputs("<p>No lint finding.</p>\n", h->out);
	} else {
		fputs("<table>\n<tr><th>code</th><th>severity</th><th>where</th><th>finding</th>"
		      "<th>hint</th></tr>\n", h->out);
		for (uint32_t i = 0; i < n; i++) {
			const LintFinding *f = &lf[i];
			const Diag *d = ctx->dl && f->diag < ctx->dl->d.n ? &ctx->dl->d.v[f->diag] : NULL;
			fputs("<tr><td class=\"code\">", h->out);
			T(h, f->rule->code);
			fprintf(h->out, "</td><td>%s</td><td class=\"ops\">", report_severity_name(f->rule->sev));
			if (f->op && f->func)
				op_label(h, f->func, f->op);
			else if (f->func && f->value != VALUE_NONE && f->value < f->func->values.n)
				html_printf(h->out, h->a, "input %s", ir_value(f->func, f->value)->name);
			else
				fputs("model", h->out);
			fputs("</td><td>", h->out);
			T(h, d && d->msg ? d->msg : f->rule->message);
			if (f->deferred_to)
				html_printf(h->out, h->a, " (reported as %s)", f->deferred_to);
			fputs("</td><td>", h->out);
			T(h, f->rule->hint);
			fputs("</td></tr>\n", h->out);
		}
		fputs("</table>\n", h->out);
	}
	section_end(h);
}

/* ------------------------------------------------------------------ the page */

int report_html(const ReportInput *in, FILE *out)
{
	Html h = { in, out, arena_new(), in->units };
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
	      "anelint report: ", out);
	T(&h, in->path);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>anelint report</h1>\n"
	        "<p class=\"sub\">", style);
	T(&h, in->path);
	html_printf(out, h.a, " - anelint %s - every time on this page is modelled, not measured",
	            in->tool_version);
	fputs("</p>\n", out);
	summary(&h);
	latency(&h);
	devices(&h);
	timeline(&h);
	top_ops(&h);
	memory(&h);
	reasons(&h);
	rules(&h);
	lint(&h);
	fputs("<p class=\"note\">Generated by anelint. Placement, segments and reasons are "
	      "predictions from the ANE rules (docs/ane-rules.md); latencies and shares of time come "
	      "from the cost model (docs/passes.md, docs/calibration.md) and are modelled, never "
	      "measured.</p>\n</body>\n</html>\n", out);
	arena_free(h.a);
	return ferror(out) ? -1 : 0;
}
