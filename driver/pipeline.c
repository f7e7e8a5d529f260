/* pipeline.c - the pipeline and the reruns passes ask for (pipeline.h). */
#include "driver/pipeline.h"
#include "passes/ane/flex.h"
#include "passes/cost/cost.h"

/* The options of a rerun: the caller's analysis flags, only the passes
 * through partition, no dumps or timing, these input shapes. */
static PassOptions rerun_options(const PassOptions *base, const FlexRerun *r)
{
	PassOptions o = *base;
	o.selected = PASS_BIT(PARTITION);
	o.print_before = o.print_after = 0;
	o.verify_each = o.time_passes = o.list_passes = false;
	o.ninput_shapes = r->nshapes;
	for (uint32_t i = 0; i < r->nshapes; i++)
		o.input_shapes[i] = r->shapes[i];
	return o;
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
	cost_compare_chips(ctx);        /* --chip all / A,B: nothing unless cost ran */
	if (ctx->done & PASS_BIT(FLEX))
		flex_reruns(ctx);
}

int driver_run_pipeline(PassCtx *ctx)
{
	int errors = pass_run_pipeline(ctx);
	driver_reruns(ctx);
	return errors;
}
