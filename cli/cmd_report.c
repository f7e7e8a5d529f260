/* cmd_report.c - `anelint report MODEL -o report.html`: the analysis as one
 * self-contained HTML page (backend/html.c): the summary, the modelled
 * latency of every setting (and chip), device shares, the segment timeline,
 * the top-cost ops, activation memory along the op order, every reason with
 * its ops and the lint findings.  Exit 0 when written, 2 when the model
 * cannot be used, a flag is wrong or the file cannot be written. */
#include "cli/analysis.h"

#include <string.h>

int cmd_report(int argc, char **argv)
{
	CliArgs a;
	int rc = cli_parse_args(&a, "report", argc, argv, CLI_OUTPUT | CLI_FORMAT | CLI_PASSES,
	                        NULL, NULL);
	if (rc != EXIT_OK || a.done)
		return rc;
	if (a.format && strcmp(a.format, "html") != 0)
		return cli_usage_error("report", "unknown format '%s' (html; 'analyze -f' writes the "
		                       "others)", a.format);
	CliAnalysis an;
	int status = cli_analysis_run(&an, a.models[0], &a.po);
	if (status != EXIT_OK) {
		cli_analysis_fini(&an);
		return status;
	}
	CliOutput o;
	if (cli_output_open(&o, a.out) != 0) {
		cli_analysis_fini(&an);
		return EXIT_UNUSABLE;
	}
	int ok = report_html(&an.in, o.f);
	status = cli_output_close(&o, ok == 0) == 0 ? EXIT_OK : EXIT_UNUSABLE;
	cli_analysis_fini(&an);
	return status;
}
