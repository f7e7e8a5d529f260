/*
 * compare.h - a run on an fp16 device against the fp32 reference run of
 * the same function on the same inputs (issue 11, `anelint compare`):
 * per output the error figures, and walking the top-level ops in program
 * order, the first op whose output diverges beyond tolerance and the first
 * op that produces Inf or NaN, with the value ranges of its operands and
 * outputs and the device it ran on.  Printing is the command's.
 *
 * Both programs must have run (rt_run) on the same inputs and be built from
 * the same function: the per-op walk reads every op's last output, which
 * the runtime keeps (one buffer per value).
 */
#ifndef ANELINT_RT_COMPARE_H
#define ANELINT_RT_COMPARE_H

#include "runtime/runtime.h"

/* Within tolerance: max_abs <= atol + rtol * scale (scale: the reference's
 * largest finite magnitude), and no Inf or NaN where the reference is
 * finite. */
typedef struct RtTolerance {
	double rtol, atol;
} RtTolerance;

/* Finite range and non-finite count of a tensor. */
typedef struct RtRange {
	double min, max;        /* over finite values; NaN when none */
	int64_t nan, inf;
} RtRange;

typedef struct RtDiff {
	double max_abs;         /* over elements finite in both */
	double max_rel;         /* max_abs / scale */
	double scale;
	double cosine;          /* over elements finite in both; 1 when both are zero */
	int64_t nonfinite, ref_nonfinite;
	int64_t new_nonfinite;  /* non-finite here, finite in the reference */
	bool within;
} RtDiff;

RtRange rt_range(const RtTensor *t);
/* got against ref (same element count; any numeric dtype). */
RtDiff rt_diff(const RtTensor *ref, const RtTensor *got, RtTolerance tol);

enum { RT_OPV_MAX_OPERANDS = 8 };

/* One op found by the walk. */
typedef struct RtOpFinding {
	const Op *op;           /* NULL: none found */
	const char *device;     /* the device its segment ran on */
	uint32_t output;        /* which of its outputs */
	RtDiff diff;            /* that output against the reference */
	RtRange out, ref_out;
	uint32_t noperands;     /* float operands that are not constants, in order */
	const char *operand_names[RT_OPV_MAX_OPERANDS];
	RtRange operands[RT_OPV_MAX_OPERANDS];
} RtOpFinding;

/* Walk the ops of dev and ref in program order; fill the first divergent
 * op and the first non-finite op of dev (op NULL when there is none). */
void rt_compare_ops(const RtProgram *ref, const RtProgram *dev, RtTolerance tol,
                    RtOpFinding *divergent, RtOpFinding *nonfinite);

#endif
