/* cmd_lint.c - `anelint lint MODEL`: run the pass pipeline and print its
 * findings.  Exit 0 when nothing reaches error severity, 1 when something
 * does, 2 when the model cannot be read or the flags are wrong. */
#include "cli/cli.h"
#include "passes/pass.h"

#include <string.h>

static void print_stats(const PassCtx *ctx, const char *model, FILE *out)
{
	const InferStats *s = infer_stats(ctx);
	fprintf(out, "%s: infer: %u ops (%u outside the catalogue), %u/%u typed ops agree with "
	        "their declared types (%u/%u outputs, %u more precise than declared)\n", model,
	        s->ops, s->unknown_ops, s->agreeing_ops, s->typed_ops, s->agreeing_outputs,
	        s->typed_outputs, s->refined_outputs);
}

static int lint_flag(void *ctx, CliArgs *a, int *i, int argc, char **argv)
{
	if (strcmp(argv[*i], "--stats") != 0)
		return 0;
	*(bool *)ctx = true;
	return 1;
}

int cmd_lint(int argc, char **argv)
{
	bool stats = false;
	CliArgs a;
	int rc = cli_parse_args(&a, "lint", argc, argv, CLI_PASSES, lint_flag, &stats);
	if (rc != EXIT_OK || a.done)
		return rc;
	const char *model = a.models[0];
	PassOptions po = a.po;

	DiagList dl;
	diag_init(&dl);
	Module *m = cli_load(model, &dl);
	if (!m) {
		diag_fini(&dl);
		return EXIT_UNUSABLE;
	}
	uint32_t first = dl.d.n, load_errors = dl.nerrors;
	PassCtx *ctx = pass_ctx_new(m, &dl, &po);
	pass_run_pipeline(ctx);
	char buf[2048];
	uint32_t counts[3] = { 0, 0, 0 };
	for (uint32_t i = first; i < dl.d.n; i++) {
		const Diag *d = &dl.d.v[i];
		counts[d->sev]++;
		diag_format(d, buf, sizeof buf);
		printf("%s\n", buf);
		if (d->hint)
			printf("  hint: %s\n", d->hint);
	}
	uint32_t errors = dl.nerrors - load_errors;
	if (dl.max_errors && dl.nerrors > dl.max_errors)
		printf("anelint: %u more errors not shown\n", dl.nerrors - dl.max_errors);
	if (stats)
		print_stats(ctx, model, stdout);
	fprintf(stderr, "%s: %u error%s, %u warning%s, %u note%s\n", model, errors,
	        errors == 1 ? "" : "s", counts[SEV_WARNING], counts[SEV_WARNING] == 1 ? "" : "s",
	        counts[SEV_NOTE], counts[SEV_NOTE] == 1 ? "" : "s");
	int status = errors ? EXIT_FINDINGS : EXIT_OK;
	if (fflush(stdout) != 0)
		status = EXIT_UNUSABLE;
	pass_ctx_free(ctx);
	ir_module_free(m);
	diag_fini(&dl);
	return status;
}
