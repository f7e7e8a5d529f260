/* placement.c - the `placement` pass: a device for every op under each
 * compute-unit setting, the way Core ML's segmenter chooses
 * (ane-legality.md §3):
 *
 *   1. supported devices come from legality (the CPU runs everything);
 *      the setting keeps only its devices (CPU_AND_NE: CPU and ANE, ...);
 *   2. each op's estimated runtime per device is the `estimate` analysis's
 *      (estimate.c, the one estimator);
 *   3. the cheapest path over the function's ops in program order wins,
 *      with the backend as the state: the sum of the op estimates, plus
 *      0.125 ms for every ANE segment opened, 0.125 ms for every change of
 *      backend between neighbouring ops, and 0.125 ms when a graph output is
 *      produced on the ANE (I: and on the GPU, see cost.c).  Inputs are
 *      free.  Ties keep the previous op's device.
 *
 * Const ops get no device and do not break segments.  A cond/while_loop is
 * one step of the path on the CPU, its bodies' estimates included; ops in
 * its bodies go to the CPU with it.
 *
 * For an op the ANE supports (and the setting allows) that the path puts
 * elsewhere, the reason names the figures: no faster on the ANE (ANE302),
 * too little work to pay for a segment (ANE301), or switching costs around
 * a neighbour the ANE refuses (ANE303).  A backward pass over the same
 * costs gives, for each op, the cost of the best path that forces it onto
 * the ANE. */
#include "passes/ane/ane_int.h"

#include <math.h>
#include <string.h>

enum { NS = 3 };    /* path states: CPU, GPU, ANE */
static const Device state_dev[NS] = { DEV_CPU, DEV_GPU, DEV_ANE };
#define INF 1e300
#define TIE 1e-12

typedef struct Step {
	Op *op;
	uint32_t allowed[CU_COUNT];     /* DEVM mask */
	double ms[DEV_COUNT];           /* incl. nested ops (control flow) */
	bool output;                    /* defines a function result */
} Step;

typedef struct PlaceRun {
	PassCtx *ctx;
	const AneRule *why[3];          /* ANE301, ANE302, ANE303 */
	const AneChip *chip;
	AneFuncRes *fr;
	Func *f;
	Step *steps;
	uint32_t n;
	double *F, *B;                  /* [n][NS] forward and backward costs */
	int8_t *prev;                   /* [n][NS] */
} PlaceRun;

static double trans(int p, int d)
{
	double c = 0;
	if (p >= 0 && p != d)
		c += ANE_SWITCH_MS;
	if (state_dev[d] == DEV_ANE && (p < 0 || state_dev[p] != DEV_ANE))
		c += ANE_SEGMENT_MS;
	return c;
}

static double opcost(const Step *s, int d, ComputeUnits cu)
{
	Device dev = state_dev[d];
	if (!(s->allowed[cu] & DEVM(dev)))
		return INF;
	double c = s->ms[dev];
	if (s->output)
		c += dev == DEV_ANE ? ANE_OUTPUT_MS : dev == DEV_GPU ? GPU_OUTPUT_MS : 0;
	return c;
}

/* ------------------------------------------------------------------ estimates */

typedef struct NestSum {
	PlaceRun *pr;
	double ms[DEV_COUNT];
} NestSum;

static void estimate_into(PlaceRun *pr, Op *op, double ms[DEV_COUNT])
{
	const CostOp *e = &pr->fr->est[op->index];
	for (int d = 0; d < DEV_COUNT; d++)
		ms[d] = e->ms[d];
}

/* The estimates of every op of a nested block, added to ms. */
static void estimate_block(PlaceRun *pr, Block *b, double ms[DEV_COUNT])
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		if (op->index >= pr->f->nops || pr->fr->ops[op->index].is_const)
			continue;
		double own[DEV_COUNT];
		estimate_into(pr, op, own);
		for (uint32_t k = 0; k < op->nblocks; k++)
			estimate_block(pr, op->blocks[k], own);
		for (int d = 0; d < DEV_COUNT; d++)
			ms[d] += own[d];
	}
}

static bool is_result(const Func *f, const Op *op)
{
	const Block *body = f->body;
	for (uint32_t i = 0; i < op->nouts; i++)
		for (uint32_t j = 0; j < body->nouts; j++)
			if (op->outs[i] == body->outs[j])
				return true;
	return false;
}

static void build_steps(PlaceRun *pr)
{
	Block *body = pr->f->body;
	pr->steps = arena_array(pr->ctx->arena, body->nops ? body->nops : 1, sizeof *pr->steps);
	if (!pr->steps)
		IR_DIE("out of memory");
	pr->n = 0;
	for (uint32_t i = 0; i < body->nops; i++) {
		Op *op = body->ops[i];
		if (op->index >= pr->f->nops)
			continue;
		OpPlacement *p = &pr->fr->ops[op->index];
		if (p->is_const)
			continue;
		Step *s = &pr->steps[pr->n++];
		s->op = op;
		estimate_into(pr, op, s->ms);
		for (uint32_t k = 0; k < op->nblocks; k++)
			estimate_block(pr, op->blocks[k], s->ms);
		s->output = is_result(pr->f, op);
		for (int cu = 0; cu < CU_COUNT; cu++)
			s->allowed[cu] = (p->supported | DEVM(DEV_CPU)) & compute_units_devices((ComputeUnits)cu);
	}
}

/* ------------------------------------------------------------------ the path */

#define AT(a, i, s) (a)[(size_t)(i) * NS + (size_t)(s)]

static double solve(PlaceRun *pr, ComputeUnits cu, int *last)
{
	uint32_t n = pr->n;
	for (uint32_t i = 0; i < n; i++)
		for (int d = 0; d < NS; d++) {
			double oc = opcost(&pr->steps[i], d, cu);
			double best = INF;
			int bp = -1;
			if (i == 0) {
				best = oc >= INF ? INF : trans(-1, d) + oc;
			} else if (oc < INF) {
				for (int p = 0; p < NS; p++) {
					double c = AT(pr->F, i - 1, p);
					if (c >= INF)
						continue;
					c += trans(p, d) + oc;
					if (c < best - TIE || (fabs(c - best) <= TIE && p == d)) {
						best = c;
						bp = p;
					}
				}
			}
			AT(pr->F, i, d) = best;
			AT(pr->prev, i, d) = (int8_t)bp;
		}
	/* backward: the cheapest completion after op i when op i is on d */
	for (uint32_t i = n; i-- > 0;)
		for (int d = 0; d < NS; d++) {
			if (i == n - 1) {
				AT(pr->B, i, d) = 0;
				continue;
			}
			double best = INF;
			for (int e = 0; e < NS; e++) {
				double oc = opcost(&pr->steps[i + 1], e, cu);
				if (oc >= INF || AT(pr->B, i + 1, e) >= INF)
					continue;
				double c = trans(d, e) + oc + AT(pr->B, i + 1, e);
				if (c < best)
					best = c;
			}
			AT(pr->B, i, d) = best;
		}
	if (!n) {
		*last = -1;
		return 0;
	}
	double best = INF;
	*last = 0;
	for (int d = 0; d < NS; d++)    /* ties: CPU before GPU before ANE */
		if (AT(pr->F, n - 1, d) < best - TIE) {
			best = AT(pr->F, n - 1, d);
			*last = d;
		}
	return best;
}

/* ------------------------------------------------------------------ reasons */

static double best_other(const Step *s, ComputeUnits cu)
{
	double m = INF;
	for (int d = DEV_CPU; d < DEV_ANE; d++)
		if (s->allowed[cu] & DEVM(d))
			m = fmin(m, s->ms[d]);
	return m;
}

/* The maximal runs of neighbouring steps the ANE could take, per setting:
 * what an ANE segment over the run would save and whether it ends in a
 * function result or already holds ANE ops. */
typedef struct Run {
	uint32_t a, b;
	double saves;
	bool output, partial;
} Run;

/* v with `dec` decimals, as "%.*f" writes it, without the cost of %f. */
static const char *fixed(char *buf, double v, int dec)
{
	static const long long scale[] = { 1, 10, 100, 1000, 10000 };
	if (!(fabs(v) < 1e12)) {
		snprintf(buf, 32, "%.*f", dec, v);
		return buf;
	}
	long long k = llround(fabs(v) * (double)scale[dec]);
	const char *sign = v < 0 && k ? "-" : "";
	if (dec)
		snprintf(buf, 32, "%s%lld.%0*lld", sign, k / scale[dec], dec, k % scale[dec]);
	else
		snprintf(buf, 32, "%s%lld", sign, k);
	return buf;
}

static const AneReason *not_preferred(PlaceRun *pr, ComputeUnits cu, uint32_t i,
                                      const int *chosen, double total, const Run *run)
{
	const Step *s = &pr->steps[i];
	Device dev = state_dev[chosen[i]];
	double ane = s->ms[DEV_ANE], here = s->ms[dev];
	char buf[400];
	const AneRule *rule;
	if (ane >= here - TIE) {
		rule = pr->why[1];
		char a1[32], a2[32];
		snprintf(buf, sizeof buf, "%s us on the ANE vs %s us on the %s", fixed(a1, ane * 1e3, 2),
		         fixed(a2, here * 1e3, 2), device_name(dev));
	} else {
		uint32_t a = run->a, b = run->b;
		bool inside = a > 0 || b + 1 < pr->n;
		double needs = ANE_SEGMENT_MS + (a > 0 ? ANE_SWITCH_MS : 0) +
		               (b + 1 < pr->n ? ANE_SWITCH_MS : 0) + (run->output ? ANE_OUTPUT_MS : 0);
		if (run->partial) {
			double forced = AT(pr->F, i, 2) + AT(pr->B, i, 2) - total;
			rule = pr->why[0];
			char a1[32], a2[32];
			snprintf(buf, sizeof buf, "the ANE saves %s ms on this op, but moving it there "
			         "adds %s ms to the path (switch and output costs)",
			         fixed(a1, best_other(s, cu) - ane, 4), fixed(a2, forced > 0 ? forced : 0, 4));
		} else if (inside && run->saves > ANE_SEGMENT_MS + (run->output ? ANE_OUTPUT_MS : 0)) {
			rule = pr->why[2];
			char a1[32], a2[32];
			snprintf(buf, sizeof buf, "the ANE saves %s ms on the %u op(s) it can run here; "
			         "with the switches around them an ANE segment needs %s ms",
			         fixed(a1, run->saves, 4), b - a + 1, fixed(a2, needs, 4));
		} else {
			rule = pr->why[0];
			char a1[32], a2[32];
			snprintf(buf, sizeof buf, "the ANE saves %s ms on the %u op(s) it can run here, "
			         "an ANE segment there needs %s ms", fixed(a1, run->saves, 4), b - a + 1,
			         fixed(a2, needs, 4));
		}
	}
	AneReason *r = arena_alloc(pr->ctx->arena, sizeof *r);
	r->rule = rule;
	r->device = DEV_ANE;
	r->detail = arena_strdup(pr->ctx->arena, buf);
	return r;
}

/* ------------------------------------------------------------------ assignment */

static void set_nested(PlaceRun *pr, Block *b, ComputeUnits cu, Device d)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		Op *op = b->ops[i];
		if (op->index >= pr->f->nops)
			continue;
		OpPlacement *p = &pr->fr->ops[op->index];
		if (!p->is_const)
			p->device[cu] = d;
		for (uint32_t k = 0; k < op->nblocks; k++)
			set_nested(pr, op->blocks[k], cu, d);
	}
}

static void place_setting(PlaceRun *pr, ComputeUnits cu)
{
	int last;
	double total = solve(pr, cu, &last);
	pr->fr->path_ms[cu] = total;
	if (!pr->n)
		return;
	int *chosen = arena_array(pr->ctx->arena, pr->n, sizeof *chosen);
	int d = last;
	for (uint32_t i = pr->n; i-- > 0;) {
		chosen[i] = d;
		d = AT(pr->prev, i, d);
		if (d < 0 && i > 0)
			IR_DIE("placement path broken at step %u", i);
	}
	Run run = { 0 };
	bool in_run = false;
	for (uint32_t i = 0; i < pr->n; i++) {
		Step *s = &pr->steps[i];
		OpPlacement *p = &pr->fr->ops[s->op->index];
		Device dev = state_dev[chosen[i]];
		p->device[cu] = dev;
		for (uint32_t k = 0; k < s->op->nblocks; k++)
			set_nested(pr, s->op->blocks[k], cu, dev);
		if (!(s->allowed[cu] & DEVM(DEV_ANE))) {
			in_run = false;
			continue;
		}
		if (!in_run) {
			/* a new run: sum it up once for all its ops */
			in_run = true;
			run = (Run){ .a = i, .b = i };
			for (uint32_t j = i; j < pr->n && (pr->steps[j].allowed[cu] & DEVM(DEV_ANE)); j++) {
				run.b = j;
				run.saves += best_other(&pr->steps[j], cu) - pr->steps[j].ms[DEV_ANE];
				run.partial |= state_dev[chosen[j]] == DEV_ANE;
				run.output |= pr->steps[j].output;
			}
		}
		if (dev != DEV_ANE)
			p->not_preferred[cu] = not_preferred(pr, cu, i, chosen, total, &run);
	}
}

/* ------------------------------------------------------------------ counts */

static void count_func(PlaceRun *pr)
{
	for (int cu = 0; cu < CU_COUNT; cu++) {
		AneCounts *k = &pr->fr->counts[cu];
		memset(k, 0, sizeof *k);
		double flops[DEV_COUNT] = { 0 }, total = 0;
		for (uint32_t i = 0; i < pr->f->nops; i++) {
			const OpPlacement *p = &pr->fr->ops[i];
			k->ops++;
			if (p->is_const) {
				k->consts++;
				continue;
			}
			k->executable++;
			k->on[p->device[cu]]++;
			double fl = pr->fr->est[i].flops;
			if (fl > 0) {
				flops[p->device[cu]] += fl;
				total += fl;
			}
		}
		for (int d = DEV_CPU; d < DEV_COUNT; d++) {
			k->share[d] = k->executable ? (double)k->on[d] / k->executable : 0;
			k->work_share[d] = total > 0 ? flops[d] / total : 0;
		}
		k->est_ms = pr->fr->path_ms[cu];
	}
}

int pass_placement(Module *m, PassCtx *ctx)
{
	struct AneLegality *lg = ctx->legality;
	if (!lg)
		return 0;
	struct AnePlacement *pl = arena_alloc(ctx->arena, sizeof *pl);
	for (uint32_t i = 0; i < lg->nfuncs && i < m->funcs.n; i++) {
		AneFuncRes *fr = &lg->funcs[i];
		PlaceRun pr = { .ctx = ctx, .chip = lg->chip, .fr = fr, .f = m->funcs.v[i],
		                .why = { ane_rule_find(ANE_R_SIZE_FLOOR), ane_rule_find(ANE_R_NOT_FASTER),
		                         ane_rule_find(ANE_R_SANDWICHED) } };
		IR_ASSERT(pr.why[0] && pr.why[1] && pr.why[2]);
		build_steps(&pr);
		size_t cells = (size_t)(pr.n ? pr.n : 1) * NS;
		pr.F = arena_array(ctx->arena, cells, sizeof *pr.F);
		pr.B = arena_array(ctx->arena, cells, sizeof *pr.B);
		pr.prev = arena_array(ctx->arena, cells, sizeof *pr.prev);
		for (int cu = 0; cu < CU_COUNT; cu++)
			place_setting(&pr, (ComputeUnits)cu);
		count_func(&pr);
		ane_counts_sum_settings(pl->counts, fr->counts);
	}
	ctx->placement = pl;
	return 0;
}

/* ------------------------------------------------------------------ dump annotation */

void pass_placement_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out)
{
	const OpPlacement *p = ane_op_annotated(ctx, f, op, ctx->placement);
	if (!p)
		return;
	static const char *const shortname[CU_COUNT] = { "CPU_ONLY", "CPU_AND_GPU", "CPU_AND_NE",
	                                                 "ALL" };
	fputs(" // placement:", out);
	for (int cu = CU_COUNT; cu-- > 0;)
		fprintf(out, " %s=%s", shortname[cu], device_name(p->device[cu]));
	const CostOp *e = p->est;
	fprintf(out, "; modelled us ANE %.2f CPU %.2f GPU %.2f%s", e->ms[DEV_ANE] * 1e3,
	        e->ms[DEV_CPU] * 1e3, e->ms[DEV_GPU] * 1e3, e->known ? "" : " (shape unknown)");
}
