/* cmd_lint.c - `anelint lint MODEL`: run the pass pipeline and print its
 * findings.  Exit 0 when nothing reaches error severity, 1 when something
 * does, 2 when the model cannot be read or the flags are wrong. */
#include "cli/cli.h"
#include "backend/findings.h"

#include <string.h>

int cmd_lint(int argc, char **argv)
{
	CliSwitch stats = { "--stats", false };
	CliArgs a;
	int rc = cli_parse_args(&a, "lint", argc, argv, CLI_PASSES, cli_switch_flag, &stats);
	if (rc != EXIT_OK || a.done)
		return rc;
	const char *model = a.models[0];
	PassOptions po = a.po;

	DiagList dl;
	diag_init(&dl);
	Module *m = cli_load(model, &dl);
	if (!m) {
		diag_fini(&dl);
		return EXIT_UNUSABLE;
	}
	uint32_t first = dl.d.n, load_errors = dl.nerrors;
	PassCtx *ctx = pass_ctx_new(m, &dl, &po);
	pass_run_pipeline(ctx);
	FindingCounts counts = { { 0 } };
	findings_text(&dl, first, FINDINGS_HINTS | FINDINGS_MORE, stdout, &counts);
	uint32_t errors = dl.nerrors - load_errors;
	if (stats.on)
		findings_infer_stats(ctx, model, stdout);
	findings_summary(model, errors, &counts, stderr);
	int status = errors ? EXIT_FINDINGS : EXIT_OK;
	if (fflush(stdout) != 0)
		status = EXIT_UNUSABLE;
	pass_ctx_free(ctx);
	ir_module_free(m);
	diag_fini(&dl);
	return status;
}
