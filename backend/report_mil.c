/* report_mil.c - the annotated dump: the module as MIL text, each
 * executable op followed by a `//` comment with its device, segment,
 * supported devices and, when it is not on the ANE, why:
 *
 *   tensor<fp32, [1, 10]> probs = softmax(...)[name = string("probs")]; // ane[ALL]: CPU seg 2 of CPU/GPU/ANE; ANE031 ...
 *
 * Const ops get no comment.  Every comment stays on its line (newlines
 * in reason texts become spaces), so the dump parses back. */
#include "backend/report.h"

typedef struct MCtx {
	const ReportInput *in;
	Arena *a;
} MCtx;

/* s without line breaks. */
static void put_line(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void annotate(void *vctx, const Func *f, const Op *op, FILE *out)
{
	MCtx *c = vctx;
	ComputeUnits cu = c->in->units;
	const OpPlacement *p = ane_op_placement(c->in->ctx, f, op);
	if (!p || p->is_const)
		return;
	fprintf(out, " // ane[%s]: %s", compute_units_name(cu), device_name(p->device[cu]));
	if (p->segment[cu] >= 0)
		fprintf(out, " seg %d", p->segment[cu]);
	fputs(" of ", out);
	bool first = true;
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		if (p->supported & compute_units_devices(cu) & DEVM(d)) {
			fprintf(out, "%s%s", first ? "" : "/", device_name((Device)d));
			first = false;
		}
	if (p->device[cu] != DEV_ANE) {
		if (!(compute_units_devices(cu) & DEVM(DEV_ANE))) {
			fprintf(out, "; %s %s excludes the ANE", REPORT_CODE_UNITS, compute_units_name(cu));
		} else if (p->not_preferred[cu] && p->not_preferred[cu]->rule) {
			fprintf(out, "; %s ", p->not_preferred[cu]->rule->code);
			put_line(out, report_reason_message(c->a, p->not_preferred[cu]));
		}
	}
	/* refusals and advisories, whatever the device */
	for (uint32_t i = 0; i < p->nreasons; i++) {
		const AneReason *r = &p->reasons[i];
		if (!r->rule)
			continue;
		fprintf(out, "; %s ", r->rule->code);
		if (r->rule->kind == RULE_REFUSE && r->device > DEV_NONE && r->device < DEV_COUNT)
			fprintf(out, "(no %s) ", device_name(r->device));
		put_line(out, report_reason_message(c->a, r));
	}
}

void report_mil(const ReportInput *in, FILE *out)
{
	MCtx c = { in, arena_new() };
	const AneChip *chip = ane_chip(in->ctx);
	fprintf(out, "// anelint analyze: chip %s, compute units %s; per op: device, segment, "
	        "supported devices, reasons\n", chip ? chip->name : "?",
	        compute_units_name(in->units));
	PrintOpts po = { annotate, &c };
	ir_print_module(in->m, out, &po);
	arena_free(c.a);
}
