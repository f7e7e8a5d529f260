/*
 * analysis.h - what analyze, report, costs, compat and check share: load
 * one model, run the pipeline through the ANE passes, hold the results for
 * the emitters (backend/report.h), and write them to -o.
 */
#ifndef ANELINT_CLI_ANALYSIS_H
#define ANELINT_CLI_ANALYSIS_H

#include "driver/analysis.h"
#include "cli/cli.h"

/* The analysis itself is the library's (driver/analysis.h). */
typedef Analysis CliAnalysis;

/* Load `path` and run the passes `po` selects plus everything up to
 * partition (and flex).  Returns EXIT_OK, or EXIT_UNUSABLE after a
 * one-line message on stderr when the model cannot be read or the IR is
 * broken (verify errors).  Pass errors go to stderr; the analysis goes
 * on.  Release with cli_analysis_fini in either case. */
int cli_analysis_run(CliAnalysis *an, const char *path, const PassOptions *po);
void cli_analysis_fini(CliAnalysis *an);

/* Writes the analysis to out; 0 when written (else it said why on stderr). */
typedef int (*CliEmit)(CliAnalysis *an, FILE *out, void *arg);

/* Analyse a->models[0] with a->po (cli_analysis_run), open a->out
 * (cli_output_open: stdout, or a file replaced only when all is written)
 * and write it with emit(an, out, arg).  Returns EXIT_OK, or EXIT_UNUSABLE
 * when the model cannot be used, emit fails or the output cannot be
 * written.  The body of analyze, report and costs. */
int cli_analysis_write(const CliArgs *a, CliEmit emit, void *arg);

/* The tool version every report carries. */
const char *cli_version(void);

#endif
