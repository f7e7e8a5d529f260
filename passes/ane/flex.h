/*
 * flex.h - what the flex pass asks of the driver: the pipeline rerun with
 * a function's flexible inputs fixed to one shape, once per verdict that
 * needs it (driver/pipeline.c).  A pass never builds a PassCtx of its own
 * (pass.h); the flex pass lists the reruns, the driver makes them and
 * hands each finished context back.
 */
#ifndef ANELINT_FLEX_H
#define ANELINT_FLEX_H

#include "passes/pass.h"

typedef struct FlexRerun {
	uint32_t verdict;               /* index into ane_flex_verdicts */
	uint32_t nshapes;
	const PassInputShape *shapes;   /* the --input-shape set of the rerun */
} FlexRerun;

/* The reruns the flex pass asks for (after it has run), *n set. */
const FlexRerun *ane_flex_reruns(const PassCtx *ctx, uint32_t *n);
/* Record what rerun `r` gave (a context that ran through partition, with
 * `errors` errors): the verdict's counts_if_fixed and its prediction. */
void ane_flex_record(PassCtx *ctx, const FlexRerun *r, const PassCtx *rerun, int errors);

#endif
