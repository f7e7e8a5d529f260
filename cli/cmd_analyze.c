/* cmd_analyze.c - `anelint analyze MODEL`: the ANE analysis of one model
 * in one of the report formats (backend/report.h).  Exit 0 when the
 * analysis is done (whatever it found), 2 when the model cannot be used
 * or a flag is wrong. */
#include "cli/analysis.h"

#include <string.h>

static int emit(CliAnalysis *an, FILE *out, void *vfmt)
{
	switch (*(const ReportFormat *)vfmt) {
	case REPORT_TEXT:
		report_text(&an->in, out);
		return 0;
	case REPORT_JSON:
		return report_json(&an->in, out);
	case REPORT_JUNIT: {
		Arena *ar = arena_new();
		JunitCase c = report_junit_case(&an->in, ar);
		c.seconds = an->seconds;
		JunitSuite s = { "anelint analyze", an->seconds, 1, &c };
		int rc = junit_write(&s, out);
		arena_free(ar);
		return rc;
	}
	case REPORT_SARIF:
		return report_sarif(&an->in, out);
	case REPORT_DOT:
		return report_dot(&an->in, out);
	case REPORT_MIL:
		report_mil(&an->in, out);
		return 0;
	case REPORT_FORMAT_COUNT:
		break;
	}
	return 0;
}

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
	ReportFormat f = (ReportFormat)fmt;
	return cli_analysis_write(&a, emit, &f);
}
