/* cost_chips.c - --chip all / A,B: the modelled latency of the same model
 * on other chips (cost.h cost_compare_chips).  Not a pass: the analysis
 * driver calls it after the pipeline.  Per chip it runs legality .. cost in
 * a context of its own, borrowing the types infer gave the lead context
 * (infer does not depend on the chip), and keeps the chip's latency row;
 * the lead context's per-op results stay those of its own chip. */
#include "passes/cost/cost.h"

void cost_compare_chips(PassCtx *ctx)
{
	uint32_t n = ctx ? ctx->opts.ncompare_chips : 0;
	if (!n || !ctx->infer || !cost_latency(ctx))
		return;
	CostLatency rows[PASS_MAX_COMPARE_CHIPS];
	uint32_t kept = 0;
	for (uint32_t i = 0; i < n && i < PASS_MAX_COMPARE_CHIPS; i++) {
		PassOptions o = ctx->opts;
		o.chip = ctx->opts.compare_chips[i];
		o.ncompare_chips = 0;
		o.selected = PASS_BIT(COST);
		o.print_before = o.print_after = 0;
		o.verify_each = o.time_passes = o.list_passes = false;
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
