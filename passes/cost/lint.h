/*
 * lint.h - the rules of the `lint` pass and its findings.
 *
 * The pass gives hints beyond placement: fp16 range risks (constants,
 * masks, exp and pow of unbounded values, unscaled attention), layout,
 * tensors large enough to fail an ANE compile, flexible-shape advice, integer
 * model inputs, and weights past the ANE's limits.  Each rule is a row of
 * the table (lint.c, LINT_RULES): a stable code, a one-line message, the fix
 * hint, how well it is founded and where the fact comes from.  Every finding
 * is a diagnostic with the rule's code and hint (docs/lint-rules.md).
 *
 * Constant values are read from immediate literals only; weight files are
 * never read, so values stored in a blob are not checked.
 *
 * Names here are an API for backend/ and cli/ (SARIF rule descriptions, the
 * HTML report): fields are added, never renamed; codes are never reused.
 */
#ifndef ANELINT_LINT_H
#define ANELINT_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "passes/ane/ane.h"     /* Confidence */
#include "passes/pass.h"

typedef struct LintRule {
	const char *code;           /* "L001": stable, never reused */
	const char *name;           /* "fp16-constant-overflow" */
	Severity sev;               /* of its findings */
	Confidence conf;            /* how well the risk is founded */
	const char *message;        /* one line: what the rule finds */
	const char *hint;           /* what to do about it (Diag.hint) */
	const char *source;         /* spec file, section and source keys */
	/* ANE rule codes (passes/ane/ane.h, space-separated; "" for none) that
	 * report the same fact: when `legality` has run and one of them fired on
	 * the op concerned (or on an op reading the value), the finding is kept
	 * in lint_findings but not repeated as a diagnostic. */
	const char *defers_to;
} LintRule;

/* Every rule, in code order; *n set. */
const LintRule *lint_rules(size_t *n);
/* The rule with this code, or NULL. */
const LintRule *lint_rule_find(const char *code);

/* One finding.  `op` is NULL for findings about a function input (then
 * `value` names it) or about the whole model. */
typedef struct LintFinding {
	const LintRule *rule;
	const Func *func;
	const Op *op;
	ValueId value;              /* the value concerned, or VALUE_NONE */
	uint32_t diag;              /* index of its diagnostic in ctx->dl (UINT32_MAX:
	                             * deferred, or past the diagnostic cap) */
	const char *deferred_to;    /* the ANE code that reported it instead, or NULL */
} LintFinding;

/* Every finding of the pass in report order, *n set; NULL when lint has
 * not run or found nothing. */
const LintFinding *lint_findings(const PassCtx *ctx, uint32_t *n);
/* Number of findings of one rule (code "L004"), deferred ones included; 0
 * when none or not run. */
uint32_t lint_count(const PassCtx *ctx, const char *code);

/* Thresholds (documented in docs/lint-rules.md). */
#define LINT_FP16_MAX           65504.0     /* largest finite fp16 */
#define LINT_LARGE_TENSOR_ELEMS (INT64_C(1) << 25)  /* 64 MiB at fp16 (L008) */
#define LINT_AXIS_CAP_OLD       INT64_C(16384)      /* A15-class and older (G2) */
#define LINT_AXIS_CAP           INT64_C(65536)      /* A16-class and later (G2) */
#define LINT_MAX_ENUMERATED     128                 /* EnumeratedShapes (G6) */
#define LINT_POW_MIN_EXPONENT   2.0                 /* L005 */

#endif
