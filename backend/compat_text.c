/* compat_text.c - the verdict of `anelint compat` for a terminal (compat.h). */
#include "backend/compat.h"

enum { SHOWN_OPS = 3 };

CompatVerdict compat_verdict(const ReportInput *in)
{
	const AneCounts *k = ane_counts(in->ctx, NULL, in->units);
	uint32_t on = k->on[DEV_ANE], ex = k->executable;
	return on == ex ? COMPAT_FULL : on ? COMPAT_PARTIAL : COMPAT_NONE;
}

static void print_groups(const ReportInput *in, FILE *out)
{
	Arena *ar = arena_new();
	uint32_t ng;
	ReportGroup *g = report_groups(in, in->units, ar, &ng);
	for (uint32_t i = 0; i < ng; i++) {
		fprintf(out, "  %s %s: %u op%s (", g[i].code, g[i].reason, g[i].nops,
		        g[i].nops == 1 ? "" : "s");
		for (uint32_t j = 0; j < g[i].nops && j < SHOWN_OPS; j++)
			fprintf(out, "%s%s", j ? ", " : "", ir_op_name(g[i].funcs[j], g[i].ops[j]));
		if (g[i].nops > SHOWN_OPS)
			fprintf(out, ", ... %u more", g[i].nops - SHOWN_OPS);
		fprintf(out, ")\n");
	}
	arena_free(ar);
}

void compat_text(const ReportInput *in, FILE *out)
{
	ComputeUnits cu = in->units;
	const AneCounts *k = ane_counts(in->ctx, NULL, cu);
	static const char *const words[] = {
		[COMPAT_FULL] = "fully", [COMPAT_PARTIAL] = "partially", [COMPAT_NONE] = "not",
	};
	fprintf(out, "%s: %s ANE-compatible (%s, %s): %u of %u executable ops on the ANE (%.1f%%)",
	        in->path, words[compat_verdict(in)], ane_chip(in->ctx)->name, compute_units_name(cu),
	        k->on[DEV_ANE], k->executable, k->share[DEV_ANE] * 100);
	if (k->segments)
		fprintf(out, ", %u segment%s, %u switch%s", k->segments, k->segments == 1 ? "" : "s",
		        k->switches, k->switches == 1 ? "" : "es");
	fprintf(out, "\n");
	print_groups(in, out);
}
