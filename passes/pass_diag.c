/* pass_diag.c - the diagnostics a pass reports (pass_diag, pass.h): the op
 * and its MIL name prefix the message, the location is the op's.  The one
 * file every pass calls; it calls nothing of passes/. */
#include "passes/pass.h"

#include <stdarg.h>

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
