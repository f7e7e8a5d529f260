/* analysis.c - load a model and run the ANE passes for analyze, report,
 * costs, compat and check, and write the result (analysis.h). */
#include "cli/analysis.h"

#include <string.h>
#include <time.h>

#include "frontend/frontend.h"

#ifndef ANELINT_VERSION
#define ANELINT_VERSION "0.0.0"
#endif

const char *cli_version(void)
{
	return ANELINT_VERSION;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cli_analysis_run(CliAnalysis *an, const char *path, const PassOptions *po)
{
	memset(an, 0, sizeof *an);
	diag_init(&an->dl);
	double t0 = now();
	an->m = cli_load(path, &an->dl);
	if (!an->m)
		return EXIT_UNUSABLE;
	uint32_t first = an->dl.d.n;
	an->ctx = pass_ctx_new(an->m, &an->dl, po);
	pass_run_pipeline(an->ctx);
	/* the reports need the partition whatever --passes selected */
	pass_run(an->ctx, PASS_PARTITION);
	cost_compare_chips(an->ctx);    /* --chip all / A,B */
	if (!po->selected || (po->selected & PASS_BIT(FLEX)))
		pass_run(an->ctx, PASS_FLEX);
	an->seconds = now() - t0;
	bool bad_shape = false;         /* --input-shape that fits no input: a usage error */
	for (uint32_t i = first; i < an->dl.d.n; i++) {
		const Diag *d = &an->dl.d.v[i];
		if (d->sev != SEV_ERROR)
			continue;
		bad_shape |= d->code && strcmp(d->code, "ANE901") == 0;
		char buf[2048];
		diag_format(d, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
	}
	if (bad_shape)
		return EXIT_UNUSABLE;
	if (an->ctx->errors[PASS_VERIFY]) {
		fprintf(stderr, "anelint: %s: the model's IR does not verify; nothing to analyse\n", path);
		return EXIT_UNUSABLE;
	}
	if (!ane_counts(an->ctx, NULL, CU_ALL)) {
		fprintf(stderr, "anelint: %s: no placement results\n", path);
		return EXIT_UNUSABLE;
	}
	/* the description names the form; only bare text is probed again */
	const char *format = an->m->desc || strcmp(path, "-") == 0 ? "mil"
	                     : fe_format_name(fe_detect(path));
	report_input_init(&an->in, an->m, an->ctx, path, format, cli_version());
	an->in.diag_first = first;
	return EXIT_OK;
}

void cli_analysis_fini(CliAnalysis *an)
{
	if (an->ctx)
		pass_ctx_free(an->ctx);
	if (an->m)
		ir_module_free(an->m);
	diag_fini(&an->dl);
	memset(an, 0, sizeof *an);
}

int cli_analysis_write(const CliArgs *a, CliEmit emit, void *arg)
{
	CliAnalysis an;
	int status = cli_analysis_run(&an, a->models[0], &a->po);
	CliOutput o;
	if (status == EXIT_OK && cli_output_open(&o, a->out) != 0)
		status = EXIT_UNUSABLE;
	if (status == EXIT_OK) {
		int ok = emit(&an, o.f, arg) == 0;
		status = cli_output_close(&o, ok) == 0 ? EXIT_OK : EXIT_UNUSABLE;
	}
	cli_analysis_fini(&an);
	return status;
}
