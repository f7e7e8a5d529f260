/* cmd_dump.c - `anelint dump MODEL`: the IR as MIL text. */
#include "cli/cli.h"

#include <string.h>

int cmd_dump(int argc, char **argv)
{
	const char *out_path = NULL, *model = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-o") == 0) {
			if (++i == argc)
				return cli_usage_error("dump", "-o needs a file name");
			out_path = argv[i];
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(cli_find_command("dump")->usage, stdout);
			return EXIT_OK;
		} else if (a[0] == '-' && a[1] != 0) {
			return cli_usage_error("dump", "unknown option '%s'", a);
		} else if (model) {
			return cli_usage_error("dump", "more than one model given ('%s', '%s')", model, a);
		} else {
			model = a;
		}
	}
	if (!model)
		return cli_usage_error("dump", "no model given");

	DiagList dl;
	diag_init(&dl);
	Module *m = cli_load(model, &dl);
	int status = EXIT_UNUSABLE;
	if (m) {
		CliOutput o;
		if (cli_output_open(&o, out_path) == 0) {
			ir_print_module(m, o.f, NULL);
			status = cli_output_close(&o, 1) == 0 ? EXIT_OK : EXIT_UNUSABLE;
		}
		ir_module_free(m);
	}
	diag_fini(&dl);
	return status;
}
