/* findings.c - diagnostics and inference statistics as text (findings.h). */
#include "backend/findings.h"

void findings_text(const DiagList *dl, uint32_t first, unsigned flags, FILE *out,
                   FindingCounts *counts)
{
	char buf[2048];
	for (uint32_t i = first; i < dl->d.n; i++) {
		const Diag *d = &dl->d.v[i];
		if (counts)
			counts->n[d->sev]++;
		diag_format(d, buf, sizeof buf);
		fprintf(out, "%s\n", buf);
		if ((flags & FINDINGS_HINTS) && d->hint)
			fprintf(out, "  hint: %s\n", d->hint);
	}
	if ((flags & FINDINGS_MORE) && dl->max_errors && dl->nerrors > dl->max_errors)
		fprintf(out, "anelint: %u more errors not shown\n", dl->nerrors - dl->max_errors);
}

void findings_infer_stats(const PassCtx *ctx, const char *model, FILE *out)
{
	const InferStats *s = infer_stats(ctx);
	fprintf(out, "%s: infer: %u ops (%u outside the catalogue), %u/%u typed ops agree with "
	        "their declared types (%u/%u outputs, %u more precise than declared)\n", model,
	        s->ops, s->unknown_ops, s->agreeing_ops, s->typed_ops, s->agreeing_outputs,
	        s->typed_outputs, s->refined_outputs);
}

static const char *plural(uint32_t n)
{
	return n == 1 ? "" : "s";
}

void findings_summary(const char *model, uint32_t errors, const FindingCounts *c, FILE *out)
{
	fprintf(out, "%s: %u error%s, %u warning%s, %u note%s\n", model, errors, plural(errors),
	        c->n[SEV_WARNING], plural(c->n[SEV_WARNING]), c->n[SEV_NOTE], plural(c->n[SEV_NOTE]));
}
