/* pass_ctx.c - the pass context (PassCtx: the module, the options, the
 * arena holding every pass's results) and the diagnostics passes report
 * through it.  Every pass calls into this file and the manager's running
 * of passes does not: a pass never calls the manager (pass.h). */
#include "passes/pass.h"

#include <stdarg.h>
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
	return c;
}

void pass_ctx_free(PassCtx *ctx)
{
	if (!ctx)
		return;
	arena_free(ctx->arena);
	free(ctx);
}

Diag *pass_diag(PassCtx *ctx, Severity sev, const char *code, const Func *f, const Op *op,
                const char *hint, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	SrcLoc loc = op ? op->loc : f ? f->loc : (SrcLoc){ .file = ctx->m->file };
	if (!loc.file)
		loc.file = ctx->m->file;
	Diag *d;
	if (op && f)
		d = diag_add(ctx->dl, sev, code, loc, "%s '%s': %s", op->kind, ir_op_name(f, op), msg);
	else
		d = diag_add(ctx->dl, sev, code, loc, "%s", msg);
	if (d) {
		diag_set_op(ctx->dl, d, f, op);
		if (hint)
			d->hint = arena_strdup(ctx->dl->arena, hint);
	}
	return d;
}
