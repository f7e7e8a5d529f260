/* check_int.h - what the gate files of backend/ share (check.h). */
#ifndef ANELINT_BACKEND_CHECK_INT_H
#define ANELINT_BACKEND_CHECK_INT_H

#include "backend/check.h"

/* How many ops a gate's details name before "... and N more". */
enum { CHECK_SHOWN_OPS = 10 };

typedef struct CheckCtx {
	const ReportInput *in;
	const DiagList *dl;
	Arena *a;
	ComputeUnits cu;
} CheckCtx;

/* check_ops.c */

/* The op as a gate names it (copies in c->a), with the reason that keeps
 * it off the ANE under c->cu, if any. */
CheckOp check_op_ref(const CheckCtx *c, const Func *f, const Op *op, const OpPlacement *p);
/* Text lines for ops[0..n), CHECK_SHOWN_OPS at most, after `head` (when
 * not NULL), in a. */
const char *check_ops_details(Arena *a, const CheckOp *ops, uint32_t n, const char *head);

/* Text written with stdio into memory, then copied into an arena. */
typedef struct CheckText {
	char *buf;
	size_t len;
	FILE *f;                        /* NULL when memory ran out */
} CheckText;

FILE *check_text_open(CheckText *t);
/* The text in a ("" when none); closes and frees t. */
const char *check_text_take(CheckText *t, Arena *a);

/* check_baseline.c */

/* The baseline gate of mr against base (check_baseline_load). */
void check_gate_baseline(const CheckCtx *c, CheckModel *mr, const char *path, json_object *base);

#endif
