/* cmd_dump.c - `anelint dump MODEL`: the IR as MIL text.  With pass
 * flags (passes/pass.h) it runs the pipeline and prints the IR annotated by
 * the passes, before / after the passes asked for. */
#include "cli/cli.h"
#include "passes/pass.h"

#include <string.h>

int cmd_dump(int argc, char **argv)
{
	const char *out_path = NULL, *model = NULL;
	PassOptions po;
	pass_options_init(&po);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = pass_options_parse(&po, a, stderr);
		if (r < 0)
			return EXIT_UNUSABLE;
		if (r > 0)
			continue;
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
	if (po.list_passes) {
		pass_list(stdout);
		return EXIT_OK;
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
			if (pass_options_active(&po)) {
				uint32_t first = dl.d.n;
				po.print_out = o.f;
				PassCtx *ctx = pass_ctx_new(m, &dl, &po);
				pass_run_pipeline(ctx);
				if (!po.print_before && !po.print_after)
					pass_print_module(ctx, o.f);
				for (uint32_t i = first; i < dl.d.n; i++) {
					char buf[2048];
					diag_format(&dl.d.v[i], buf, sizeof buf);
					fprintf(stderr, "%s\n", buf);
				}
				pass_ctx_free(ctx);
			} else {
				ir_print_module(m, o.f, NULL);
			}
			status = cli_output_close(&o, 1) == 0 ? EXIT_OK : EXIT_UNUSABLE;
		}
		ir_module_free(m);
	}
	diag_fini(&dl);
	return status;
}
