/* verify.c - the `verify` pass: the IR verifier (ir/verify.c) as the first
 * step of the pipeline, so that later passes see well-formed SSA: every
 * value defined once, before its uses, visible where used, and typed.
 * Diagnostics V001.. come from ir_verify. */
#include "passes/pass.h"

int pass_verify(Module *m, PassCtx *ctx)
{
	if (ctx->opts.ir_verified)
		return 0;   /* verified once, when loaded; passes never write the IR */
	return ir_verify(m, ctx->dl);
}
