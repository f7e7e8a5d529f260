/* pass_ctx.c - the pass context (PassCtx: the module, the options, the
 * arena holding every pass's results): made and freed by whoever runs the
 * pipeline (the driver, tests), never by a pass (pass.h). */
#include "passes/pass.h"

#include <stdlib.h>

PassCtx *pass_ctx_new(Module *m, DiagList *dl, const PassOptions *opts)
{
	PassCtx *c = calloc(1, sizeof *c);
	if (!c)
		IR_DIE("out of memory");
	c->m = m;
	c->dl = dl;
	if (opts)
		c->opts = *opts;
	else
		pass_options_init(&c->opts);
	c->arena = arena_new();
	/* --input-shape checked against the module once, here: infer reads the
	 * types for the function inputs, and the check's diagnostics come
	 * before any pass's */
	c->input_types = pass_input_shape_types(c);
	return c;
}

void pass_ctx_free(PassCtx *ctx)
{
	if (!ctx)
		return;
	arena_free(ctx->arena);
	free(ctx);
}
