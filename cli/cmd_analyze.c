/* cmd_analyze.c - `anelint analyze MODEL`: the ANE analysis of one model
 * in one of the report formats (backend/report.h); `anelint report MODEL
 * -o report.html`: the same analysis as one self-contained HTML page
 * (backend/html.c).  Exit 0 when the analysis is done (whatever it
 * found), 2 when the model cannot be used, a flag is wrong or the output
 * cannot be written. */
#include "cli/analysis.h"

#include <string.h>

/* The HTML page of `report`, which `analyze -f` does not write. */
enum { FORMAT_HTML = REPORT_FORMAT_COUNT };

static int emit(CliAnalysis *an, FILE *out, void *vfmt)
{
	switch ((int)*(const ReportFormat *)vfmt) {
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
	case FORMAT_HTML:
		return report_html(&an->in, out);
	}
	return 0;
}

/* The format -f names, or -1 after a usage error. */
typedef int (*FormatOf)(const char *format);

static int analysis_command(const char *cmd, int argc, char **argv, FormatOf format_of)
{
	CliArgs a;
	int rc = cli_parse_args(&a, cmd, argc, argv, CLI_OUTPUT | CLI_FORMAT | CLI_PASSES, NULL,
	                        NULL);
	if (rc != EXIT_OK || a.done)
		return rc;
	int fmt = format_of(a.format);
	if (fmt < 0)
		return EXIT_UNUSABLE;
	ReportFormat f = (ReportFormat)fmt;
	return cli_analysis_write(&a, emit, &f);
}

static int analyze_format(const char *format)
{
	int fmt = format ? report_format_from_name(format) : REPORT_TEXT;
	if (fmt < 0)
		cli_usage_error("analyze", "unknown format '%s' (text, json, junit, sarif, dot or mil)",
		                format);
	return fmt;
}

static int report_format(const char *format)
{
	if (format && strcmp(format, "html") != 0) {
		cli_usage_error("report", "unknown format '%s' (html; 'analyze -f' writes the others)",
		                format);
		return -1;
	}
	return FORMAT_HTML;
}

int cmd_analyze(int argc, char **argv)
{
	return analysis_command("analyze", argc, argv, analyze_format);
}

int cmd_report(int argc, char **argv)
{
	return analysis_command("report", argc, argv, report_format);
}
