/* cmd_dump.c - `anelint dump MODEL`: the IR as MIL text.  With pass
 * flags (passes/pass.h) it runs the pipeline and prints the IR annotated by
 * the passes, before / after the passes asked for. */
#include "cli/cli.h"
#include "backend/findings.h"

int cmd_dump(int argc, char **argv)
{
	CliArgs a;
	int rc = cli_parse_args(&a, "dump", argc, argv, CLI_OUTPUT | CLI_PASSES, NULL, NULL);
	if (rc != EXIT_OK || a.done)
		return rc;
	const char *model = a.models[0], *out_path = a.out;
	PassOptions po = a.po;

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
				findings_text(&dl, first, 0, stderr, NULL);
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
