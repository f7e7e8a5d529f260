/*
 * findings.h - the diagnostics of a run as text, one per line as
 * diag_format writes them (`file:line:col: error[CODE]: msg`), for `anelint
 * lint` (with fix hints, on stdout) and the commands that echo pass
 * diagnostics on stderr; the inference statistics of `lint --stats`.
 */
#ifndef ANELINT_BACKEND_FINDINGS_H
#define ANELINT_BACKEND_FINDINGS_H

#include <stdbool.h>
#include <stdio.h>

#include "passes/pass.h"

/* Severity counts, indexed by Severity. */
typedef struct FindingCounts {
	uint32_t n[3];
} FindingCounts;

/* What findings_text writes besides the diagnostics. */
enum {
	FINDINGS_HINTS = 1u << 0,       /* "  hint: .." after a diagnostic that has one */
	FINDINGS_MORE = 1u << 1,        /* "anelint: N more errors not shown" past dl->max_errors */
};

/* dl->d.v[first..] one per line, and what `flags` adds; counts them by
 * severity when counts is not NULL. */
void findings_text(const DiagList *dl, uint32_t first, unsigned flags, FILE *out,
                   FindingCounts *counts);
/* `MODEL: infer: N ops (..), ..` from the inference statistics. */
void findings_infer_stats(const PassCtx *ctx, const char *model, FILE *out);
/* `MODEL: E errors, W warnings, N notes`. */
void findings_summary(const char *model, uint32_t errors, const FindingCounts *c, FILE *out);

#endif
