/* cmd_dump.c - `anelint dump MODEL`: the IR as MIL text.  With pass
 * flags (passes/pass.h) it runs the pipeline through the driver
 * (driver/analysis.h) and prints the IR annotated by the passes, before /
 * after the passes asked for. */
#include "cli/analysis.h"
#include "backend/findings.h"

int cmd_dump(int argc, char **argv)
{
	CliArgs a;
	int rc = cli_parse_args(&a, "dump", argc, argv, CLI_OUTPUT | CLI_PASSES, NULL, NULL);
	if (rc != EXIT_OK || a.done)
		return rc;
	PassOptions po = a.po;

	CliAnalysis an;
	int status = cli_analysis_load(&an, a.models[0]);
	CliOutput o;
	if (status == EXIT_OK && cli_output_open(&o, a.out) != 0)
		status = EXIT_UNUSABLE;
	if (status == EXIT_OK) {
		if (pass_options_active(&po)) {
			uint32_t first = an.dl.d.n;
			po.print_out = o.f;
			analysis_run_selected(&an, &po);
			if (!po.print_before && !po.print_after)
				pass_print_module(an.ctx, o.f);
			findings_text(&an.dl, first, 0, stderr, NULL);
		} else {
			ir_print_module(an.m, o.f, NULL);
		}
		status = cli_output_close(&o, 1) == 0 ? EXIT_OK : EXIT_UNUSABLE;
	}
	cli_analysis_fini(&an);
	return status;
}
