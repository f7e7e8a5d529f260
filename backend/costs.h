/*
 * costs.h - the ops by modelled cost (`anelint costs`): each executable op
 * with its share of its function's modelled time (MLComputePlan's cost
 * weight), its device, FLOPs, bytes moved, arithmetic intensity and what
 * bounds it, after the modelled latency of every setting (and chip).
 * Every time is modelled (the cost pass), and the reports say so.
 *
 * The rows come from report_cost_rows (report.h) under in->units; `top`
 * caps how many are listed (0: every op).
 */
#ifndef ANELINT_BACKEND_COSTS_H
#define ANELINT_BACKEND_COSTS_H

#include "backend/report.h"

/* The table for a terminal. */
void costs_text(const ReportInput *in, const ReportCostRow *rows, uint32_t n, uint32_t top,
                FILE *out);
/* The same as JSON ("kind": "costs", docs/report-json.md); 0 when written. */
int costs_json(const ReportInput *in, const ReportCostRow *rows, uint32_t n, uint32_t top,
               FILE *out);

#endif
