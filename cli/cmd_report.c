/* cmd_report.c - `anelint report MODEL -o report.html`: the analysis as one
 * self-contained HTML page (backend/html.c): the summary, the modelled
 * latency of every setting (and chip), device shares, the segment timeline,
 * the top-cost ops, activation memory along the op order, every reason with
 * its ops and the lint findings.  Exit 0 when written, 2 when the model
 * cannot be used, a flag is wrong or the file cannot be written. */
#include "cli/analysis.h"

#include <string.h>

static int emit(CliAnalysis *an, FILE *out, void *arg)
{
	(void)arg;
	return report_html(&an->in, out);
}

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
	return cli_analysis_write(&a, emit, NULL);
}
