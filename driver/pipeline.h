/*
 * pipeline.h - the pipeline as the library runs it for one model: the
 * passes (passes/pass.h) and then the reruns they ask for, each in a fresh
 * PassCtx over the same module: per chip compared for the cost pass
 * (cost_compare_chips, passes/cost/cost.h) and per input shape for the flex
 * pass (passes/ane/flex.h).  The driver sits above the pass manager: passes
 * never run the pipeline themselves.
 */
#ifndef ANELINT_DRIVER_PIPELINE_H
#define ANELINT_DRIVER_PIPELINE_H

#include "passes/pass.h"

/* pass_run_pipeline, then the reruns the passes that ran ask for.
 * Returns the errors of the pipeline (a rerun's errors are its verdict's). */
int driver_run_pipeline(PassCtx *ctx);
/* The reruns alone, for a context whose passes have run (pass_run). */
void driver_reruns(PassCtx *ctx);

#endif
