/* cost.c - the `cost` pass (passes/cost.h): per function and setting, each
 * op's time on the device placement chose and its weight (share of the
 * function's op time), each segment's launch (the chip's ANE dispatch
 * overhead), each boundary's transfer (COST_SWITCH_MS + bytes from other
 * segments / DRAM bandwidth), and the latency.  The per-op times are the
 * `estimate` analysis's (estimate.c), completed in place with the
 * per-setting figures.  Other chips (--chip all, or a list) are compared by
 * the caller, one run of the passes per chip (cost_chip_latency).  Every
 * figure is modelled; docs/calibration.md compares them with published
 * latencies.
 */
#include "passes/cost/estimate.h"

#include <string.h>

/* ------------------------------------------------------------------ the pass */

struct CostResult {
	uint32_t nfuncs;
	CostFunc *funcs;            /* parallel to m->funcs */
	CostLatency lat;
	uint32_t nchips;
	CostLatency *chips;
};

static double launch_ms(const AneChip *chip, Device d)
{
	if (d != DEV_ANE)
		return 0;
	return chip && chip->ane_dispatch_ms > 0 ? chip->ane_dispatch_ms : COST_ANE_LAUNCH_DEFAULT_MS;
}

/* The latency of one function's partition under one setting. */
static void plan_setting(PassCtx *ctx, const Func *f, CostPlan *cp, const AneFuncPlan *ap,
                         const AneChip *chip)
{
	memset(cp, 0, sizeof *cp);
	if (!ap || !ap->nsegments)
		return;
	CostSegment *segs = arena_array(ctx->arena, ap->nsegments, sizeof *segs);
	if (!segs)
		IR_DIE("out of memory");
	double bw = cost_dram_bw(chip);
	for (uint32_t i = 0; i < ap->nsegments; i++) {
		const AneSegment *s = &ap->segments[i];
		CostSegment *c = &segs[i];
		c->device = s->device;
		c->first = s->first;
		c->last = s->last;
		c->ops_ms = s->est_ms;
		c->launch_ms = launch_ms(chip, s->device);
		if (i > 0) {
			/* the tensors other segments produced (function inputs are free) */
			for (uint32_t j = 0; j < s->nin; j++) {
				ValueId v = s->ins[j].value;
				if (v >= f->values.n || !ir_value(f, v)->def)
					continue;
				if (s->ins[j].bytes < 0)
					c->transfer_unknown++;
				else
					c->transfer_bytes += s->ins[j].bytes;
			}
			c->transfer_ms = COST_SWITCH_MS + (double)c->transfer_bytes / bw * 1e3;
			cp->boundaries++;
			cp->boundary_bytes += c->transfer_bytes;
			cp->boundary_unknown += c->transfer_unknown;
		}
		c->ms = c->ops_ms + c->launch_ms + c->transfer_ms;
		cp->ops_ms += c->ops_ms;
		cp->launch_ms += c->launch_ms;
		cp->transfer_ms += c->transfer_ms;
		cp->ms += c->ms;
	}
	cp->segments = segs;
	cp->nsegments = ap->nsegments;
}

/* Per op and setting: its time on its device and its share of the
 * function's op time. */
static void weigh_ops(CostFunc *cf, const AneFuncRes *fr)
{
	CostOp *ops = (CostOp *)cf->ops;
	for (int cu = 0; cu < CU_COUNT; cu++) {
		double total = 0;
		for (uint32_t i = 0; i < cf->nops; i++) {
			if (ops[i].is_const)
				continue;
			Device d = fr->ops[i].device[cu];
			double ms = d > DEV_NONE && d < DEV_COUNT ? ops[i].ms[d] : 0;
			ops[i].placed_ms[cu] = ms > 0 ? ms : 0;
			total += ops[i].placed_ms[cu];
		}
		for (uint32_t i = 0; i < cf->nops; i++)
			ops[i].weight[cu] = total > 0 ? ops[i].placed_ms[cu] / total : 0;
	}
}

static void fastest(CostLatency *l)
{
	l->fastest = CU_CPU_ONLY;
	for (int cu = 1; cu < CU_COUNT; cu++)
		if (l->ms[cu] < l->ms[l->fastest] * (1 - 1e-9))
			l->fastest = (ComputeUnits)cu;
}

bool cost_is_fastest(const CostLatency *l, ComputeUnits cu)
{
	return l && l->ms[cu] <= l->ms[l->fastest] * (1 + 1e-9);
}

int pass_cost(Module *m, PassCtx *ctx)
{
	struct AneLegality *lg = ctx->legality;
	if (!lg || !ctx->partition)
		return 0;
	struct CostResult *r = arena_alloc(ctx->arena, sizeof *r);
	uint32_t nf = lg->nfuncs < m->funcs.n ? lg->nfuncs : m->funcs.n;
	r->funcs = arena_array(ctx->arena, nf ? nf : 1, sizeof *r->funcs);
	if (!r->funcs)
		IR_DIE("out of memory");
	r->nfuncs = nf;
	r->lat.chip = lg->chip;
	for (uint32_t i = 0; i < nf; i++) {
		const Func *f = m->funcs.v[i];
		AneFuncRes *fr = &lg->funcs[i];
		CostFunc *cf = &r->funcs[i];
		cf->func = f;
		cf->nops = f->nops;
		/* the estimate's records, completed in place */
		CostOp *ops = fr->est;
		if (!ops && !(ops = arena_array(ctx->arena, f->nops ? f->nops : 1, sizeof *ops)))
			IR_DIE("out of memory");
		for (uint32_t j = 0; j < f->nops; j++)
			ops[j].is_const = fr->ops[j].is_const;
		cf->ops = ops;
		weigh_ops(cf, fr);
		for (int cu = 0; cu < CU_COUNT; cu++) {
			CostPlan *cp = &cf->plan[cu];
			plan_setting(ctx, f, cp, ane_func_plan(ctx, f, (ComputeUnits)cu), lg->chip);
			r->lat.ms[cu] += cp->ms;
			r->lat.ops_ms[cu] += cp->ops_ms;
			r->lat.launch_ms[cu] += cp->launch_ms;
			r->lat.transfer_ms[cu] += cp->transfer_ms;
			r->lat.boundaries[cu] += cp->boundaries;
		}
	}
	for (int cu = 0; cu < CU_COUNT; cu++) {
		const AneCounts *k = ane_counts(ctx, NULL, (ComputeUnits)cu);
		r->lat.ane_share[cu] = k ? k->share[DEV_ANE] : 0;
	}
	fastest(&r->lat);
	ctx->cost = r;
	return 0;
}

/* ------------------------------------------------------------------ accessors */

const CostFunc *cost_func(const PassCtx *ctx, const Func *f)
{
	const struct CostResult *r = ctx ? ctx->cost : NULL;
	for (uint32_t i = 0; r && f && i < r->nfuncs; i++)
		if (r->funcs[i].func == f)
			return &r->funcs[i];
	return NULL;
}

const CostOp *cost_op(const PassCtx *ctx, const Func *f, const Op *op)
{
	const CostFunc *cf = cost_func(ctx, f);
	return cf && op && op->index < cf->nops ? &cf->ops[op->index] : NULL;
}

const CostLatency *cost_latency(const PassCtx *ctx)
{
	return ctx && ctx->cost ? &ctx->cost->lat : NULL;
}

const CostLatency *cost_chip_latencies(const PassCtx *ctx, uint32_t *n)
{
	const struct CostResult *r = ctx ? ctx->cost : NULL;
	*n = r ? r->nchips : 0;
	return r && r->nchips ? r->chips : NULL;
}

bool cost_set_chip_latencies(PassCtx *ctx, const CostLatency *rows, uint32_t n)
{
	struct CostResult *r = ctx ? ctx->cost : NULL;
	if (!r)
		return false;
	r->nchips = 0;
	r->chips = NULL;
	if (!n)
		return true;
	r->chips = arena_array(ctx->arena, n, sizeof *r->chips);
	if (!r->chips)
		IR_DIE("out of memory");
	memcpy(r->chips, rows, n * sizeof *rows);
	r->nchips = n;
	return true;
}

/* ------------------------------------------------------------------ dump annotation */

void pass_cost_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out)
{
	const CostOp *c = cost_op(ctx, f, op);
	if (!c || c->is_const)
		return;
	fputs(" // cost (modelled):", out);
	if (c->flops >= 0)
		fprintf(out, " %.0f FLOP", c->flops);
	if (c->bytes >= 0)
		fprintf(out, " %.0f B", c->bytes);
	if (c->intensity >= 0)
		fprintf(out, " %.2f FLOP/B", c->intensity);
	ComputeUnits cu = ane_lead_units(ctx);
	fprintf(out, "; weight %.4f (%s)", c->weight[cu], compute_units_name(cu));
}
