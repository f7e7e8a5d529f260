/*
 * report.h - the analysis reports: what the ANE passes found, for a
 * terminal, for CI and for other tools.
 *
 *   ReportInput (module + PassCtx after legality/placement/partition)
 *     ├─ report_text    summary: counts, shares, coverage band, segments,
 *     │                 the ops that leave the ANE grouped by reason + hint
 *     ├─ report_json    JSON, schema docs/report-json.md
 *     │                 (docs/report.schema.json), streamed
 *     ├─ report_sarif   SARIF 2.1.0: one result per op that leaves the ANE
 *     ├─ report_dot     Graphviz: ops coloured by device, segments as clusters
 *     ├─ report_mil     MIL text with device, segment and reasons as trailing
 *     │                 `//` comments (parses back)
 *     ├─ report_html    one self-contained HTML page with SVG charts (html.c)
 *     └─ report_junit_case  the model as one JUnit test case (junit.h)
 *
 * Emitters only read: the IR, and the passes' results through
 * passes/ane/ane.h.  The compute-unit setting a report leads with is
 * ane_lead_units(ctx) unless ReportInput.units says otherwise; the JSON
 * report carries all four settings.
 */
#ifndef ANELINT_BACKEND_REPORT_H
#define ANELINT_BACKEND_REPORT_H

#include <stdio.h>

#include <json-c/json.h>

#include "backend/junit.h"
#include "ir/ir.h"
#include "passes/ane/ane.h"
#include "passes/cost/cost.h"
#include "passes/pass.h"

/* docs/report-json.md: the value of the report's "schema_version". */
#define REPORT_SCHEMA_VERSION 1

typedef enum ReportFormat {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_JUNIT,
	REPORT_SARIF,
	REPORT_DOT,
	REPORT_MIL,             /* the annotated dump */
	REPORT_FORMAT_COUNT
} ReportFormat;

/* "text", "json", "junit", "sarif", "dot", "mil". */
const char *report_format_name(ReportFormat f);
/* -1 when not a format name. */
int report_format_from_name(const char *s);

typedef struct ReportInput {
	const Module *m;
	const PassCtx *ctx;
	const char *path;           /* the model as the user named it */
	const char *format;         /* input form: "mlpackage", "mil", ... (m->desc wins) */
	const char *tool_version;
	ComputeUnits units;         /* the setting the report leads with */
	uint32_t diag_first;        /* the diagnostics to report: dl->d.v[diag_first..] */
} ReportInput;

/* Fill the fields every report needs from ctx (units = ane_lead_units). */
void report_input_init(ReportInput *in, const Module *m, const PassCtx *ctx, const char *path,
                       const char *format, const char *tool_version);

/* ------------------------------------------------------------------ reasons */

/* The coverage bands of the ANE share of executable ops. */
typedef enum CoverageBand {
	BAND_EXCELLENT,         /* over 95 % */
	BAND_GOOD,              /* 80 - 95 % */
	BAND_MIXED,             /* 50 - 80 % */
	BAND_POOR,              /* under 50 % */
} CoverageBand;

CoverageBand report_band(double ane_share);
/* "excellent", "good", "mixed", "poor". */
const char *report_band_name(CoverageBand b);
/* "over 95%", "80-95%", ... */
const char *report_band_range(CoverageBand b);

/* The code a group of ops is keyed by when the setting itself excludes
 * the ANE (CPU_ONLY, CPU_AND_GPU); no rule fires for that. */
#define REPORT_CODE_UNITS "UNITS"

/* Ops that leave the ANE under one setting, grouped by their main reason:
 * the first rule that refuses the ANE, else the rule that made the
 * placement prefer another device, else the setting. */
typedef struct ReportGroup {
	const char *code;           /* rule code or REPORT_CODE_UNITS */
	const char *reason;         /* the rule's one-line reason */
	const char *hint;           /* its fix hint ("" when none) */
	const AneRule *rule;        /* NULL for REPORT_CODE_UNITS */
	uint32_t devices;           /* DEVM mask of where the ops went */
	double cost_share;          /* sum of the ops' cost weights */
	uint32_t nops;
	const Func **funcs;         /* nops entries, program order */
	const Op **ops;
} ReportGroup;

/* The groups, largest first (ties: code order), in arena a; *n set. */
ReportGroup *report_groups(const ReportInput *in, ComputeUnits cu, Arena *a, uint32_t *n);

/* The reason an op that is not on the ANE under cu is grouped by: its
 * first refusal of the ANE, else the not-preferred reason of the setting.
 * NULL when it is on the ANE, is a const, or the setting excludes the ANE
 * (and nothing refuses it). */
const AneReason *report_main_reason(const OpPlacement *p, ComputeUnits cu);
/* The rule of report_main_reason, or NULL. */
const AneRule *report_main_rule(const OpPlacement *p, ComputeUnits cu);

/* The op's modelled time under cu: its estimate on the device it is
 * placed on (0 for const ops). */
double report_op_ms(const OpPlacement *p, ComputeUnits cu);
/* The sum of report_op_ms over every op of the module.  An op's
 * `cost_weight` is its time over this total (its estimated time share). */
double report_total_ms(const ReportInput *in, ComputeUnits cu);

/* "reason: detail" (or the reason alone) for one AneReason, in a. */
const char *report_reason_message(Arena *a, const AneReason *r);

/* "refuse", "prefer", "advise". */
const char *report_rule_kind_name(AneRuleKind k);
/* "note", "warning", "error". */
const char *report_severity_name(Severity s);

/* v with an SI prefix into buf: "1.23 G", "340.00 M", "12.0 k", "512";
 * "?" when v < 0 (unknown).  Returns buf. */
const char *report_si(char *buf, size_t n, double v);
/* Bytes the same way: "1.23 GB", "340.00 MB", "12.0 KB", "512 B", "?". */
const char *report_bytes(char *buf, size_t n, double bytes);

/* The op of f at Op.index `index` (the IR's op table), or NULL when out
 * of range (segments name ops by index). */
const Op *report_op_at(const Func *f, uint32_t index);

/* An executable op with its modelled cost under one setting (the cost pass,
 * passes/cost/cost.h), for the tables of top-cost ops. */
typedef struct ReportCostRow {
	const Func *f;
	const Op *op;
	const CostOp *c;
	Device dev;                 /* the op's device under the setting */
	double ms;                  /* its modelled time there */
	uint32_t fi;                /* the function's position in the module */
} ReportCostRow;

/* Every op that is not a const and has cost and placement results,
 * largest modelled time under cu first (ties: module order), malloc'd into
 * *rows (NULL when none), *n set.  Returns -1 when memory runs out. */
int report_cost_rows(const ReportInput *in, ComputeUnits cu, ReportCostRow **rows, uint32_t *n);

/* ------------------------------------------------------------------ emitters */

void report_text(const ReportInput *in, FILE *out);
/* The modelled latency per setting and chip (--chip all: one column per ANE
 * generation; --chip A,B: one per chip), as report_text prints it; nothing
 * when no chips were compared. */
void report_text_chips(const ReportInput *in, FILE *out);

/* The report as pretty JSON with a trailing newline; 0 on success.  It is
 * streamed (json_writer.h), not built as a json-c tree. */
int report_json(const ReportInput *in, FILE *out);
/* The same text in memory: malloc'd, NUL-terminated, *len set (without the
 * trailing newline); NULL when memory runs out. */
char *report_json_string(const ReportInput *in, size_t *len);
/* The `"tool": {"name": "anelint", "version": ..}` member every JSON
 * report carries. */
struct JsonWriter;
void report_json_tool(struct JsonWriter *w, const char *version);
/* A json-c tree printed the way reports are (SARIF, check results). */
int report_print_json(json_object *report, FILE *out);

/* SARIF 2.1.0 for one model; 0 on success. */
int report_sarif(const ReportInput *in, FILE *out);

/* Graphviz DOT of every function; 0 on success. */
int report_dot(const ReportInput *in, FILE *out);

/* The annotated dump; parses back with `anelint dump`. */
void report_mil(const ReportInput *in, FILE *out);

/* The HTML report (html.c): one self-contained page (inline CSS and SVG,
 * no script, no external reference) with the summary, the modelled latency
 * per setting (and chip), device shares, the segment timeline, the top-cost
 * ops, activation memory along the op order, every reason with its ops and
 * the lint findings.  Every text from the model is escaped.  0 on success. */
int report_html(const ReportInput *in, FILE *out);

/* The model as one JUnit test case: it fails when ops leave the ANE under
 * in->units, with the reason groups as details.  Strings live in a. */
JunitCase report_junit_case(const ReportInput *in, Arena *a);

#endif
