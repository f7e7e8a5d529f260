/* pipeline.c - the pipeline and the reruns passes ask for (pipeline.h). */
#include "driver/pipeline.h"
#include "passes/ane/flex.h"
#include "passes/cost/cost.h"

/* The options of any rerun: the caller's analysis flags, only the passes
 * through `last`, no dumps, no timing, no chips to compare. */
static PassOptions quiet_options(const PassOptions *base, PassId last)
{
	PassOptions o = *base;
	o.selected = 1u << last;
	o.print_before = o.print_after = 0;
	o.verify_each = o.time_passes = o.list_passes = false;
	o.ncompare_chips = 0;
	return o;
}

/* A flexible-shape rerun: through partition, at these input shapes. */
static PassOptions rerun_options(const PassOptions *base, const FlexRerun *r)
{
	PassOptions o = quiet_options(base, PASS_PARTITION);
	o.ninput_shapes = r->nshapes;
	for (uint32_t i = 0; i < r->nshapes; i++)
		o.input_shapes[i] = r->shapes[i];
	return o;
}

/* --chip all / A,B: the modelled latency of the same model on other
 * chips.  Per chip, legality .. cost in a context of its own, borrowing
 * the types infer gave the lead context (infer does not depend on the
 * chip); the chip's latency row is kept (cost_set_chip_latencies), the
 * lead context's per-op results stay those of its own chip. */
void driver_compare_chips(PassCtx *ctx)
{
	uint32_t n = ctx ? ctx->opts.ncompare_chips : 0;
	if (!n || !ctx->infer || !cost_latency(ctx))
		return;
	CostLatency rows[PASS_MAX_COMPARE_CHIPS];
	uint32_t kept = 0;
	for (uint32_t i = 0; i < n && i < PASS_MAX_COMPARE_CHIPS; i++) {
		PassOptions o = quiet_options(&ctx->opts, PASS_COST);
		o.chip = ctx->opts.compare_chips[i];
		DiagList dl;
		diag_init(&dl);
		PassCtx *sub = pass_ctx_new(ctx->m, &dl, &o);
		sub->infer = ctx->infer;
		sub->done = PASS_BIT(VERIFY) | PASS_BIT(INFER);
		pass_run(sub, PASS_COST);
		const CostLatency *l = cost_latency(sub);
		if (l)
			rows[kept++] = *l;
		pass_ctx_free(sub);
		diag_fini(&dl);
	}
	cost_set_chip_latencies(ctx, rows, kept);
}

static void flex_reruns(PassCtx *ctx)
{
	uint32_t n;
	const FlexRerun *runs = ane_flex_reruns(ctx, &n);
	for (uint32_t i = 0; i < n; i++) {
		PassOptions o = rerun_options(&ctx->opts, &runs[i]);
		/* the rerun's findings are its verdict's error count, not the
		 * model's diagnostics */
		DiagList dl;
		diag_init(&dl);
		dl.max_errors = 0;
		PassCtx *sub = pass_ctx_new(ctx->m, &dl, &o);
		pass_run_pipeline(sub);
		ane_flex_record(ctx, &runs[i], sub, (int)dl.nerrors);
		pass_ctx_free(sub);
		diag_fini(&dl);
	}
}

void driver_reruns(PassCtx *ctx)
{
	driver_compare_chips(ctx);      /* --chip all / A,B: nothing unless cost ran */
	if (ctx->done & PASS_BIT(FLEX))
		flex_reruns(ctx);
}

int driver_run_pipeline(PassCtx *ctx)
{
	int errors = pass_run_pipeline(ctx);
	driver_reruns(ctx);
	return errors;
}
