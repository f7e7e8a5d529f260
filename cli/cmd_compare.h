/*
 * cmd_compare.h - the engine `anelint compare` and `anelint test` share:
 * run a function of a model as the fp32 reference and under compute-unit
 * settings with each device's numerics, on the same inputs, and judge the
 * outputs against tolerance.
 */
#ifndef ANELINT_CMD_COMPARE_H
#define ANELINT_CMD_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "passes/ane/ane.h"
#include "runtime/compare.h"

enum { CMP_MAX_BINDINGS = 64 };

typedef struct CmpBinding {
	char name[128];
	const char *path;
} CmpBinding;

typedef struct CmpRequest {
	const char *cmd;            /* "compare" or "test": for messages */
	const char *model, *function;
	CmpBinding inputs[CMP_MAX_BINDINGS], states[CMP_MAX_BINDINGS];
	int ninputs, nstates;
	bool random;
	uint64_t seed;
	bool units[CU_COUNT];       /* the settings to run */
	bool all_units;             /* --all-units */
	RtTolerance tol;
	RtOptions rt;               /* placement and fp16 numerics */
	const char *format;         /* "text" or "json" */
	const char *out;            /* -o */
	bool quiet;                 /* test: only the one-line verdict */
} CmpRequest;

/* Defaults: every unit off, rtol 0.02, atol 1e-3, legal placement. */
void cmp_request_init(CmpRequest *r, const char *cmd);
/* One flag of the shared set (--input, --state, --function, --random-inputs,
 * --compute-units, --rtol, --atol, --placement, --fp16-nan,
 * --fp16-subnormal; unless quiet --all-units, -f, -o): 1 consumed (and *i advanced), 0 not ours, -1 after
 * a usage error. */
int cmp_parse_flag(CmpRequest *r, int argc, char **argv, int *i);
/* cmp_parse_args's status after printing --help. */
enum { CMP_HELP = -1 };
/* The command line: the flags above, and for compare (not quiet)
 * --all-units, -f and -o; --help; one MODEL.  EXIT_OK, EXIT_UNUSABLE after
 * a usage error, or CMP_HELP. */
int cmp_parse_args(CmpRequest *r, int argc, char **argv);
/* Run and report.  EXIT_OK within tolerance everywhere, EXIT_FINDINGS
 * beyond it (or non-finite outputs), EXIT_UNUSABLE for unusable input;
 * *why gets a one-line reason for `test` (a static or request-lived
 * buffer). */
int cmp_run(CmpRequest *r, char *why, size_t nwhy);

#endif
