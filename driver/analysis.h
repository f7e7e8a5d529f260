/*
 * analysis.h - the library side of `anelint analyze` (and report, costs,
 * compat, check): one model through one straight walk,
 *
 *     load (the form sniffed once, the IR verified once) -> the pipeline
 *     and its reruns (driver/pipeline.h) -> the results the emitters read
 *     (backend/report.h)
 *
 * with no step back into the frontend.  What makes the model unusable is
 * a value (AnalysisError), never a diagnostic code to compare; the command
 * line (cli/analysis.c) prints it.
 */
#ifndef ANELINT_DRIVER_ANALYSIS_H
#define ANELINT_DRIVER_ANALYSIS_H

#include "backend/report.h"
#include "passes/pass.h"

typedef enum AnalysisErrorCode {
	ANALYSIS_OK,
	ANALYSIS_UNREADABLE,    /* the model cannot be read or does not verify
	                         * (the loader's diagnostics say why) */
	ANALYSIS_BAD_INPUT_SHAPE,   /* --input-shape fits no input (ANE901) */
	ANALYSIS_NO_PLACEMENT,  /* the passes left no placement to report */
} AnalysisErrorCode;

typedef struct AnalysisError {
	AnalysisErrorCode code;
	SrcLoc loc;             /* the model (file) it is about */
	const char *message;    /* one line for the user; NULL when the
	                         * diagnostics already say it all */
} AnalysisError;

typedef struct Analysis {
	DiagList dl;
	Module *m;
	PassCtx *ctx;
	ReportInput in;
	const char *format;     /* the form the loader read ("mlpackage", "mil", ...) */
	double seconds;         /* load + passes, wall time */
	AnalysisError error;
} Analysis;

/* Step 1: load and verify `path` into an (the loader's diagnostics are in
 * an->dl).  Returns the error code (ANALYSIS_UNREADABLE or ANALYSIS_OK). */
AnalysisErrorCode analysis_load(Analysis *an, const char *path);
/* Step 2: run the passes `po` selects, everything up to partition and
 * flex, and their reruns; fill an->in for the emitters.  Returns the error
 * code (also in an->error, with its message). */
AnalysisErrorCode analysis_run_passes(Analysis *an, const PassOptions *po,
                                      const char *tool_version);
/* Release everything (after either step, or none). */
void analysis_fini(Analysis *an);

#endif
