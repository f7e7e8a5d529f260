/* cmd_info.c - `anelint info MODEL [--json] [-o FILE]`: what a model is
 * (backend/info.c builds the report; docs/info-json.md is its schema). */
#include "cli/cli.h"
#include "backend/info.h"
#include "frontend/frontend.h"

#include <string.h>

int cmd_info(int argc, char **argv)
{
	const char *out_path = NULL, *model = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-o") == 0) {
			if (++i == argc)
				return cli_usage_error("info", "-o needs a file name");
			out_path = argv[i];
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(cli_find_command("info")->usage, stdout);
			return EXIT_OK;
		} else if (a[0] == '-' && a[1] != 0) {
			return cli_usage_error("info", "unknown option '%s'", a);
		} else if (model) {
			return cli_usage_error("info", "more than one model given ('%s', '%s')", model, a);
		} else {
			model = a;
		}
	}
	if (!model)
		return cli_usage_error("info", "no model given");

	DiagList dl;
	diag_init(&dl);
	Module *m = cli_load(model, &dl);
	int status = EXIT_UNUSABLE;
	if (m) {
		const char *format = strcmp(model, "-") == 0 ? "mil" : fe_format_name(fe_detect(model));
		json_object *r = info_report(m, model, format);
		CliOutput o;
		if (cli_output_open(&o, out_path) == 0) {
			if (json)
				info_print_json(r, o.f);
			else
				info_print_text(r, o.f);
			status = cli_output_close(&o, 1) == 0 ? EXIT_OK : EXIT_UNUSABLE;
		}
		json_object_put(r);
		ir_module_free(m);
	}
	diag_fini(&dl);
	return status;
}
