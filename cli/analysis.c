/* analysis.c - the command line's side of an analysis (analysis.h): the
 * library walks the model (driver/analysis.h); this file prints what went
 * wrong and writes the result to -o. */
#include "cli/analysis.h"

#ifndef ANELINT_VERSION
#define ANELINT_VERSION "0.0.0"
#endif

const char *cli_version(void)
{
	return ANELINT_VERSION;
}

/* The pass diagnostics at SEV_ERROR from `first` on (the loader's were
 * printed whole, warnings included). */
static void print_pass_errors(const DiagList *dl, uint32_t first)
{
	for (uint32_t i = first; i < dl->d.n; i++) {
		const Diag *d = &dl->d.v[i];
		if (d->sev != SEV_ERROR)
			continue;
		char buf[2048];
		diag_format(d, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
	}
}

int cli_analysis_run(CliAnalysis *an, const char *path, const PassOptions *po)
{
	AnalysisErrorCode e = analysis_load(an, path);
	diag_print_all(&an->dl, stderr);
	if (e != ANALYSIS_OK)
		return EXIT_UNUSABLE;
	uint32_t first = an->dl.d.n;
	e = analysis_run_passes(an, po, cli_version());
	print_pass_errors(&an->dl, first);
	if (e != ANALYSIS_OK) {
		if (an->error.message)
			fprintf(stderr, "anelint: %s: %s\n", an->error.loc.file, an->error.message);
		return EXIT_UNUSABLE;
	}
	return EXIT_OK;
}

void cli_analysis_fini(CliAnalysis *an)
{
	analysis_fini(an);
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
