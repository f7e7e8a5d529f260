/*
 * check.h - the CI gates of `anelint check` over the ANE analysis of one
 * model (report.h's ReportInput), and their results for a terminal, for
 * JUnit and as JSON (docs/report-json.md, "check results").
 *
 *   analyse            the model loads and analyses (the caller's gate)
 *   min-ane PCT        the ANE share of executable ops is at least PCT
 *   max-switches N     at most N device switches
 *   deny CODE          no op carries reason CODE (no diagnostic has it)
 *   baseline FILE      no op that was on the ANE in FILE (a report of
 *                      `analyze -f json`) has left it: "the ANE boundary
 *                      moved"; ops are matched by function + name
 *
 * Every gate is evaluated under in->units.  Results are copied into an
 * arena: they outlive the module they were taken from.
 *
 *   check_ops.c       a gate, the ops it names and their text lines
 *   check_gates.c     min-ane, max-switches, deny; check_evaluate
 *   check_baseline.c  reading a baseline report and the baseline gate
 *   check_text.c, check_junit.c, check_json.c   the printers
 */
#ifndef ANELINT_BACKEND_CHECK_H
#define ANELINT_BACKEND_CHECK_H

#include "backend/report.h"

enum { CHECK_MAX_DENY = 64 };

/* The gates asked for (besides analyse and baseline). */
typedef struct CheckGates {
	bool has_min_ane, has_max_switches;
	double min_ane;                 /* percent */
	unsigned long max_switches;
	uint32_t ndeny;
	const char *deny[CHECK_MAX_DENY];
} CheckGates;

/* One op named by a gate. */
typedef struct CheckOp {
	const char *function, *name, *type;
	const char *device;             /* now; NULL for const */
	const char *was;                /* baseline device (baseline gate) */
	const char *code, *message;     /* the reason that matters here */
} CheckOp;

typedef struct CheckGate {
	const char *type;               /* "analyse", "min-ane", ... */
	const char *name;               /* "min-ane 90%" */
	bool passed, error;
	const char *message;            /* one line */
	const char *details;            /* lines, or NULL */
	VEC(CheckOp) ops;
	double seconds;
} CheckGate;

typedef struct CheckModel {
	const char *path;
	bool usable;
	ComputeUnits units;
	double ane_share;
	uint32_t switches, executable, on_ane;
	VEC(CheckGate) gates;
} CheckModel;

/* A new gate of mr that passes until told otherwise; strings live in a. */
CheckGate *check_new_gate(CheckModel *mr, Arena *a, const char *type, const char *name);
bool check_model_passed(const CheckModel *mr);

/* A report of `analyze -f json`, checked for what the baseline gate reads;
 * NULL after a one-line message on stderr.  Release with json_object_put. */
json_object *check_baseline_load(const char *path);

/* Fill mr from the analysis: its counts, the message of its first gate
 * (analyse, which the caller made), the gates of o and, when base is not
 * NULL, the baseline gate against it (named after base_path).  The deny
 * gate also reads dl's diagnostics. */
void check_evaluate(const ReportInput *in, const DiagList *dl, const CheckGates *o,
                    json_object *base, const char *base_path, CheckModel *mr, Arena *a);

/* The printers, over n models.  status is the command's exit status
 * (0: every gate held), which the JSON carries. */
void check_text(const CheckModel *mr, uint32_t n, FILE *out);
int check_junit(const CheckModel *mr, uint32_t n, FILE *out, Arena *a);
int check_json(const CheckModel *mr, uint32_t n, int status, const char *tool_version,
               FILE *out);

#endif
