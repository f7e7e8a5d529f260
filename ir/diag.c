/* diag.c - the one diagnostics engine: every frontend and pass reports
 * here, and every emitter reads the same list (STYLE.md point 11). */
#include "ir/ir.h"

#include <stdarg.h>
#include <string.h>

static const char *const sev_names[] = { "note", "warning", "error" };

void diag_init(DiagList *dl)
{
	memset(dl, 0, sizeof *dl);
	dl->arena = arena_new();
	dl->max_errors = 50;
}

void diag_fini(DiagList *dl)
{
	arena_free(dl->arena);
	memset(dl, 0, sizeof *dl);
}

Diag *diag_add(DiagList *dl, Severity sev, const char *code, SrcLoc loc, const char *fmt, ...)
{
	if (sev == SEV_ERROR)
		dl->nerrors++;
	else if (sev == SEV_WARNING)
		dl->nwarnings++;
	if (sev == SEV_ERROR && dl->max_errors && dl->nerrors > dl->max_errors)
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* The list outlives the module: copy the strings it points at. */
	if (loc.file)
		loc.file = arena_strdup(dl->arena, loc.file);
	if (loc.func)
		loc.func = arena_strdup(dl->arena, loc.func);
	Diag d = { .sev = sev, .code = code, .loc = loc,
	           .msg = arena_strdup(dl->arena, buf) };
	vec_push(dl->arena, &dl->d, d);
	return &dl->d.v[dl->d.n - 1];
}

void diag_set_op(DiagList *dl, Diag *d, const Func *f, const Op *op)
{
	if (!d || !op)
		return;
	d->op = op;
	d->op_kind = arena_strdup(dl->arena, op->kind);
	if (f) {
		d->op_name = arena_strdup(dl->arena, ir_op_name(f, op));
		d->func = arena_strdup(dl->arena, f->name);
	}
}

int diag_format(const Diag *d, char *buf, size_t n)
{
	char where[512];
	const char *file = d->loc.file ? d->loc.file : "<input>";
	if (d->loc.line)
		snprintf(where, sizeof where, "%s:%u:%u", file, d->loc.line, d->loc.col);
	else if (d->loc.func)
		snprintf(where, sizeof where, "%s:%s:op %u", file, d->loc.func, d->loc.col);
	else
		snprintf(where, sizeof where, "%s", file);
	if (d->code)
		return snprintf(buf, n, "%s: %s[%s]: %s", where, sev_names[d->sev], d->code, d->msg);
	return snprintf(buf, n, "%s: %s: %s", where, sev_names[d->sev], d->msg);
}

void diag_print_all(const DiagList *dl, FILE *out)
{
	char buf[2048];
	for (uint32_t i = 0; i < dl->d.n; i++) {
		diag_format(&dl->d.v[i], buf, sizeof buf);
		fprintf(out, "%s\n", buf);
		if (dl->d.v[i].hint)
			fprintf(out, "  hint: %s\n", dl->d.v[i].hint);
	}
	if (dl->max_errors && dl->nerrors > dl->max_errors)
		fprintf(out, "anelint: %u more errors not shown\n", dl->nerrors - dl->max_errors);
}
