/* cmd_compat.c - `anelint compat MODEL`: one verdict, in the exit status
 * and in one line: fully (0), partially (1) or not (2) ANE-compatible
 * under the lead compute units (default ALL), 3 when the model cannot be
 * used (backend/compat.h prints the verdict). */
#include "cli/analysis.h"
#include "backend/compat.h"

/* The exit status after the verdicts (compat.h). */
enum { COMPAT_UNUSABLE = 3 };

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
	int verdict = (int)compat_verdict(&an.in);
	compat_text(&an.in, stdout);
	if (fflush(stdout) != 0)
		verdict = COMPAT_UNUSABLE;
	cli_analysis_fini(&an);
	return verdict;
}
