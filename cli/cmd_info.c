/* cmd_info.c - `anelint info MODEL [--json] [-o FILE]`: what a model is
 * (backend/info.c builds the report; docs/info-json.md is its schema). */
#include "cli/analysis.h"
#include "backend/info.h"

#include <string.h>

int cmd_info(int argc, char **argv)
{
	CliSwitch as_json = { "--json", false };
	CliArgs a;
	int rc = cli_parse_args(&a, "info", argc, argv, CLI_OUTPUT | CLI_FORMAT, cli_switch_flag,
	                        &as_json);
	if (rc != EXIT_OK || a.done)
		return rc;
	if (a.format && strcmp(a.format, "json") != 0 && strcmp(a.format, "text") != 0)
		return cli_usage_error("info", "unknown format '%s' (text or json)", a.format);
	bool json = as_json.on || (a.format && strcmp(a.format, "json") == 0);
	const char *model = a.models[0], *out_path = a.out;

	/* the form the driver's load read: sniffed once */
	CliAnalysis an;
	int status = cli_analysis_load(&an, model);
	if (status == EXIT_OK) {
		json_object *r = info_report(an.m, model, an.format);
		CliOutput o;
		status = EXIT_UNUSABLE;
		if (cli_output_open(&o, out_path) == 0) {
			if (json)
				info_print_json(r, o.f);
			else
				info_print_text(r, o.f);
			status = cli_output_close(&o, 1) == 0 ? EXIT_OK : EXIT_UNUSABLE;
		}
		json_object_put(r);
	}
	cli_analysis_fini(&an);
	return status;
}
