/*
 * analysis.h - what analyze, compat and check share: load one model, run
 * the pipeline through the ANE passes, and hold the results for the
 * emitters (backend/report.h).
 */
#ifndef ANELINT_CLI_ANALYSIS_H
#define ANELINT_CLI_ANALYSIS_H

#include "backend/report.h"
#include "cli/cli.h"

typedef struct CliAnalysis {
	DiagList dl;
	Module *m;
	PassCtx *ctx;
	ReportInput in;
	double seconds;             /* load + passes, wall time */
} CliAnalysis;

/* Load `path` and run the passes `po` selects plus everything up to
 * partition (and flex).  Returns EXIT_OK, or EXIT_UNUSABLE after a
 * one-line message on stderr when the model cannot be read or the IR is
 * broken (verify errors).  Pass errors go to stderr; the analysis goes
 * on.  Release with cli_analysis_fini in either case. */
int cli_analysis_run(CliAnalysis *an, const char *path, const PassOptions *po);
void cli_analysis_fini(CliAnalysis *an);

/* The tool version every report carries. */
const char *cli_version(void);

#endif
