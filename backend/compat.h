/*
 * compat.h - the verdict of `anelint compat`: is the model fully,
 * partially or not ANE-compatible under in->units, as MLComputePlan's
 * preferred devices would show it, in one line and a line per reason group.
 */
#ifndef ANELINT_BACKEND_COMPAT_H
#define ANELINT_BACKEND_COMPAT_H

#include "backend/report.h"

/* The values are the exit statuses of `anelint compat` (3: unusable). */
typedef enum CompatVerdict {
	COMPAT_FULL,            /* every executable op on the ANE */
	COMPAT_PARTIAL,
	COMPAT_NONE,            /* no op on the ANE */
} CompatVerdict;

CompatVerdict compat_verdict(const ReportInput *in);
/* The verdict line, then each reason group with its first ops. */
void compat_text(const ReportInput *in, FILE *out);

#endif
