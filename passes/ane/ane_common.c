/* ane_common.c - names of devices, settings and confidences; the accessors
 * of passes/ane/ane.h over the results the ANE passes keep in the PassCtx; and
 * the formatting of reasons. */
#include "passes/ane/ane_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ names */

static const char *const device_names[DEV_COUNT] = {
	[DEV_NONE] = "-", [DEV_CPU] = "CPU", [DEV_GPU] = "GPU", [DEV_ANE] = "ANE",
};

const char *device_name(Device d)
{
	return (unsigned)d < DEV_COUNT ? device_names[d] : "?";
}

/* ORDER CU */
static const struct {
	const char *name, *swift, *alt;
	uint32_t devices;
} cu_info[CU_COUNT] = {
	[CU_CPU_ONLY] = { "CPU_ONLY", "cpuOnly", "cpu", DEVM(DEV_CPU) },
	[CU_CPU_AND_GPU] = { "CPU_AND_GPU", "cpuAndGPU", "cpu_gpu", DEVM(DEV_CPU) | DEVM(DEV_GPU) },
	[CU_CPU_AND_NE] = { "CPU_AND_NE", "cpuAndNeuralEngine", "cpu_ne",
	                    DEVM(DEV_CPU) | DEVM(DEV_ANE) },
	[CU_ALL] = { "ALL", "all", "all", DEVM_ALL },
};

const char *compute_units_name(ComputeUnits cu)
{
	return (unsigned)cu < CU_COUNT ? cu_info[cu].name : "?";
}

const char *compute_units_swift_name(ComputeUnits cu)
{
	return (unsigned)cu < CU_COUNT ? cu_info[cu].swift : "?";
}

uint32_t compute_units_devices(ComputeUnits cu)
{
	return (unsigned)cu < CU_COUNT ? cu_info[cu].devices : 0;
}

static bool same_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

int compute_units_from_name(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < CU_COUNT; i++)
		if (same_nocase(s, cu_info[i].name) || same_nocase(s, cu_info[i].swift) ||
		    same_nocase(s, cu_info[i].alt))
			return i;
	/* Core ML's own spelling of the enum case, as in MLComputeUnits.cpuAndNeuralEngine */
	if (same_nocase(s, "cpu_and_neural_engine"))
		return CU_CPU_AND_NE;
	return -1;
}

static const char *const conf_names[CONF_COUNT] = {
	[CONF_DOCUMENTED] = "documented",
	[CONF_OBSERVED] = "observed",
	[CONF_REVERSE_ENGINEERED] = "reverse-engineered",
	[CONF_INFERRED] = "inferred",
};

const char *confidence_name(Confidence c)
{
	return (unsigned)c < CONF_COUNT ? conf_names[c] : "?";
}

char confidence_letter(Confidence c)
{
	static const char letters[CONF_COUNT] = { 'D', 'O', 'R', 'I' };
	return (unsigned)c < CONF_COUNT ? letters[c] : '?';
}

const char *flex_mode_name(FlexMode m)
{
	switch (m) {
	case FLEXV_DEFAULT: return "default";
	case FLEXV_ENUMERATED: return "enumerated";
	case FLEXV_RANGE_LOWER: return "range-lower";
	case FLEXV_RANGE_UPPER: return "range-upper";
	case FLEXV_OVERRIDE: return "input-shape";
	}
	return "?";
}

/* ------------------------------------------------------------------ rules */

const AneRule *ane_rules(size_t *n)
{
	if (n)
		*n = ane_rule_table_n;
	return ane_rule_table;
}

const AneRule *ane_rule_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < ane_rule_table_n; i++)
		if (strcmp(ane_rule_table[i].code, code) == 0)
			return &ane_rule_table[i];
	return NULL;
}

/* ------------------------------------------------------------------ accessors */

AneFuncRes *ane_func_res(const PassCtx *ctx, const Func *f)
{
	if (!ctx || !ctx->legality || !f)
		return NULL;
	const struct AneLegality *lg = ctx->legality;
	for (uint32_t i = 0; i < lg->nfuncs; i++)
		if (lg->funcs[i].f == f)
			return &lg->funcs[i];
	return NULL;
}

const OpPlacement *ane_op_placement(const PassCtx *ctx, const Func *f, const Op *op)
{
	AneFuncRes *fr = ane_func_res(ctx, f);
	if (!fr || !op || op->index >= f->nops)
		return NULL;
	return &fr->ops[op->index];
}

const OpPlacement *ane_op_annotated(const PassCtx *ctx, const Func *f, const Op *op,
                                    const void *result)
{
	const OpPlacement *p = result ? ane_op_placement(ctx, f, op) : NULL;
	return p && !p->is_const ? p : NULL;
}

const AneReason *ane_op_reasons(const PassCtx *ctx, const Func *f, const Op *op, uint32_t *n)
{
	const OpPlacement *p = ane_op_placement(ctx, f, op);
	if (n)
		*n = p ? p->nreasons : 0;
	return p ? p->reasons : NULL;
}

const AneFuncPlan *ane_func_plan(const PassCtx *ctx, const Func *f, ComputeUnits cu)
{
	if ((unsigned)cu >= CU_COUNT || !ctx || !ctx->partition)
		return NULL;
	AneFuncRes *fr = ane_func_res(ctx, f);
	return fr ? &fr->plan[cu] : NULL;
}

const AneCounts *ane_counts(const PassCtx *ctx, const Func *f, ComputeUnits cu)
{
	if ((unsigned)cu >= CU_COUNT || !ctx || !ctx->placement)
		return NULL;
	if (!f)
		return ctx->partition ? &ctx->partition->counts[cu] : &ctx->placement->counts[cu];
	AneFuncRes *fr = ane_func_res(ctx, f);
	return fr ? &fr->counts[cu] : NULL;
}

const AneChip *ane_chip(const PassCtx *ctx)
{
	if (ctx && ctx->legality && ctx->legality->chip)
		return ctx->legality->chip;
	if (ctx && ctx->opts.chip)
		return ctx->opts.chip;
	return ane_chip_default();
}

ComputeUnits ane_lead_units(const PassCtx *ctx)
{
	if (ctx && ctx->opts.compute_units >= 0 && ctx->opts.compute_units < CU_COUNT)
		return (ComputeUnits)ctx->opts.compute_units;
	return CU_ALL;
}

const AneFlexVerdict *ane_flex_verdicts(const PassCtx *ctx, uint32_t *n)
{
	if (n)
		*n = ctx && ctx->flex ? ctx->flex->n : 0;
	return ctx && ctx->flex && ctx->flex->n ? ctx->flex->v : NULL;
}

/* ------------------------------------------------------------------ counts */

void ane_counts_sum(AneCounts *sum, const AneCounts *k)
{
	/* shares are recomputed from the counts; work shares weighted by ops */
	double w_old = sum->executable, w_new = k->executable;
	for (int d = 0; d < DEV_COUNT; d++) {
		sum->on[d] += k->on[d];
		if (w_old + w_new > 0)
			sum->work_share[d] = (sum->work_share[d] * w_old + k->work_share[d] * w_new) /
			                     (w_old + w_new);
	}
	sum->ops += k->ops;
	sum->consts += k->consts;
	sum->executable += k->executable;
	sum->segments += k->segments;
	sum->ane_segments += k->ane_segments;
	sum->switches += k->switches;
	sum->est_ms += k->est_ms;
	for (int d = 0; d < DEV_COUNT; d++)
		sum->share[d] = sum->executable ? (double)sum->on[d] / sum->executable : 0;
}

void ane_counts_sum_settings(AneCounts sum[CU_COUNT], const AneCounts k[CU_COUNT])
{
	for (int cu = 0; cu < CU_COUNT; cu++)
		ane_counts_sum(&sum[cu], &k[cu]);
}

/* ------------------------------------------------------------------ text */

/* snprintf that keeps appending: returns the new length (may exceed n). */
static size_t append(char *buf, size_t n, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t append(char *buf, size_t n, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, fmt, ap);
	va_end(ap);
	return len + (w > 0 ? (size_t)w : 0);
}

int ane_reason_message(const AneReason *r, char *buf, size_t n)
{
	if (!r || !r->rule)
		return snprintf(buf, n, "%s", "");
	if (r->detail && *r->detail)
		return snprintf(buf, n, "%s: %s", r->rule->reason, r->detail);
	return snprintf(buf, n, "%s", r->rule->reason);
}

int ane_reason_format(const AneReason *r, char *buf, size_t n)
{
	if (!r || !r->rule)
		return snprintf(buf, n, "%s", "");
	size_t len = append(buf, n, 0, "%s [%c] ", r->rule->code, confidence_letter(r->rule->conf));
	char msg[768];
	ane_reason_message(r, msg, sizeof msg);
	len = append(buf, n, len, "%s", msg);
	return (int)len;
}

int ane_op_why(const PassCtx *ctx, const Func *f, const Op *op, ComputeUnits cu, char *buf,
               size_t n)
{
	if (n)
		buf[0] = 0;
	const OpPlacement *p = ane_op_placement(ctx, f, op);
	if (!p || p->is_const || (unsigned)cu >= CU_COUNT || p->device[cu] == DEV_ANE)
		return 0;
	size_t len = 0;
	if (!(compute_units_devices(cu) & DEVM(DEV_ANE))) {
		len = append(buf, n, len, "%s excludes the ANE", compute_units_name(cu));
		return (int)len;
	}
	bool any = false;
	for (uint32_t i = 0; i < p->nreasons; i++) {
		const AneReason *r = &p->reasons[i];
		if (r->rule->kind != RULE_REFUSE || r->device != DEV_ANE)
			continue;
		char one[1024];
		ane_reason_format(r, one, sizeof one);
		len = append(buf, n, len, "%s%s", any ? "; " : "", one);
		any = true;
	}
	if (!any && p->not_preferred[cu]) {
		char one[1024];
		ane_reason_format(p->not_preferred[cu], one, sizeof one);
		len = append(buf, n, len, "%s", one);
	}
	return (int)len;
}
