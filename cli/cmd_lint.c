/* cmd_lint.c - `anelint lint MODEL`: run the pass pipeline through the
 * driver (driver/analysis.h) and print its findings.  Exit 0 when nothing
 * reaches error severity, 1 when something does, 2 when the model cannot be
 * read or the flags are wrong. */
#include "cli/analysis.h"
#include "backend/findings.h"

int cmd_lint(int argc, char **argv)
{
	CliSwitch stats = { "--stats", false };
	CliArgs a;
	int rc = cli_parse_args(&a, "lint", argc, argv, CLI_PASSES, cli_switch_flag, &stats);
	if (rc != EXIT_OK || a.done)
		return rc;
	const char *model = a.models[0];

	CliAnalysis an;
	if (cli_analysis_load(&an, model) != EXIT_OK) {
		cli_analysis_fini(&an);
		return EXIT_UNUSABLE;
	}
	uint32_t first = an.dl.d.n, load_errors = an.dl.nerrors;
	analysis_run_selected(&an, &a.po);
	FindingCounts counts = { { 0 } };
	findings_text(&an.dl, first, FINDINGS_HINTS | FINDINGS_MORE, stdout, &counts);
	uint32_t errors = an.dl.nerrors - load_errors;
	if (stats.on)
		findings_infer_stats(an.ctx, model, stdout);
	findings_summary(model, errors, &counts, stderr);
	int status = errors ? EXIT_FINDINGS : EXIT_OK;
	if (fflush(stdout) != 0)
		status = EXIT_UNUSABLE;
	cli_analysis_fini(&an);
	return status;
}
