/* cmd_compat.c - `anelint compat MODEL`: one verdict, in the exit status
 * and in one line: fully (0), partially (1) or not (2) ANE-compatible
 * under the lead compute units (default ALL), 3 when the model cannot be
 * used.  The verdict follows the predicted placement, as MLComputePlan's
 * preferred devices would show it; a line per reason group follows. */
#include "cli/analysis.h"

#include <string.h>

enum {
	COMPAT_FULL = 0,
	COMPAT_PARTIAL = 1,
	COMPAT_NONE = 2,
	COMPAT_UNUSABLE = 3,
};

enum { SHOWN_OPS = 3 };

int cmd_compat(int argc, char **argv)
{
	CliArgs a;
	int rc = cli_parse_args(&a, "compat", argc, argv, CLI_PASSES, NULL, NULL);
	if (rc != EXIT_OK)
		return COMPAT_UNUSABLE;
	if (a.done)
		return EXIT_OK;
	CliAnalysis an;
	if (cli_analysis_run(&an, a.models[0], &a.po) != EXIT_OK) {
		cli_analysis_fini(&an);
		return COMPAT_UNUSABLE;
	}
	ComputeUnits cu = an.in.units;
	const AneCounts *k = ane_counts(an.ctx, NULL, cu);
	uint32_t on = k->on[DEV_ANE], ex = k->executable;
	int verdict = on == ex ? COMPAT_FULL : on ? COMPAT_PARTIAL : COMPAT_NONE;
	static const char *const words[] = { "fully", "partially", "not" };
	printf("%s: %s ANE-compatible (%s, %s): %u of %u executable ops on the ANE (%.1f%%)", a.models[0],
	       words[verdict], ane_chip(an.ctx)->name, compute_units_name(cu), on, ex,
	       k->share[DEV_ANE] * 100);
	if (k->segments)
		printf(", %u segment%s, %u switch%s", k->segments, k->segments == 1 ? "" : "s",
		       k->switches, k->switches == 1 ? "" : "es");
	printf("\n");
	Arena *ar = arena_new();
	uint32_t ng;
	ReportGroup *g = report_groups(&an.in, cu, ar, &ng);
	for (uint32_t i = 0; i < ng; i++) {
		printf("  %s %s: %u op%s (", g[i].code, g[i].reason, g[i].nops, g[i].nops == 1 ? "" : "s");
		for (uint32_t j = 0; j < g[i].nops && j < SHOWN_OPS; j++)
			printf("%s%s", j ? ", " : "", ir_op_name(g[i].funcs[j], g[i].ops[j]));
		if (g[i].nops > SHOWN_OPS)
			printf(", ... %u more", g[i].nops - SHOWN_OPS);
		printf(")\n");
	}
	arena_free(ar);
	if (fflush(stdout) != 0)
		verdict = COMPAT_UNUSABLE;
	cli_analysis_fini(&an);
	return verdict;
}
