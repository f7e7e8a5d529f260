/* cmd_analyze.c - `anelint analyze MODEL`: the ANE analysis of one model
 * in one of the report formats (backend/report.h).  Exit 0 when the
 * analysis is done (whatever it found), 2 when the model cannot be used
 * or a flag is wrong. */
#include "cli/analysis.h"

#include <string.h>

int cmd_analyze(int argc, char **argv)
{
	CliArgs a;
	int rc = cli_parse_args(&a, "analyze", argc, argv, CLI_OUTPUT | CLI_FORMAT | CLI_PASSES,
	                        NULL, NULL);
	if (rc != EXIT_OK || a.done)
		return rc;
	int fmt = a.format ? report_format_from_name(a.format) : REPORT_TEXT;
	if (fmt < 0)
		return cli_usage_error("analyze", "unknown format '%s' (text, json, junit, sarif, dot "
		                       "or mil)", a.format);
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
	int ok = 0;
	switch ((ReportFormat)fmt) {
	case REPORT_TEXT:
		report_text(&an.in, o.f);
		break;
	case REPORT_JSON:
		ok = report_json(&an.in, o.f);
		break;
	case REPORT_JUNIT: {
		Arena *ar = arena_new();
		JunitCase c = report_junit_case(&an.in, ar);
		c.seconds = an.seconds;
		JunitSuite s = { "anelint analyze", an.seconds, 1, &c };
		ok = junit_write(&s, o.f);
		arena_free(ar);
		break;
	}
	case REPORT_SARIF:
		ok = report_sarif(&an.in, o.f);
		break;
	case REPORT_DOT:
		ok = report_dot(&an.in, o.f);
		break;
	case REPORT_MIL:
		report_mil(&an.in, o.f);
		break;
	case REPORT_FORMAT_COUNT:
		break;
	}
	status = cli_output_close(&o, ok == 0) == 0 ? EXIT_OK : EXIT_UNUSABLE;
	cli_analysis_fini(&an);
	return status;
}
