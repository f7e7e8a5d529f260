/*
 * estimate.h - the per-op estimator (estimate.c), shared by the `estimate`
 * analysis and the cost pass.  Placement and cost read the estimates
 * through AneFuncRes.est / OpPlacement.est, never by calling it.
 */
#ifndef ANELINT_ESTIMATE_H
#define ANELINT_ESTIMATE_H

#include "passes/ane/ane_int.h"
#include "passes/cost/cost.h"

/* Modelled runtime of one op on each device for `chip` (CostOp: work,
 * bytes, ms per device with its parts; the per-setting fields are left 0).
 * Nested ops of a control-flow op are not included (they are estimated
 * themselves).  Symbolic dims are evaluated at the default shape
 * (facts->sym_values); what stays unknown gives flops/bytes -1 and the
 * per-op overheads only. */
void cost_estimate_op(const PassCtx *ctx, const Func *f, const Op *op, OpId id,
                      const AneChip *chip, const AneFuncFacts *facts, CostOp *e);

/* DRAM bandwidth (bytes/s) weights and boundary tensors move at: the chip's
 * DRAM figure, else its ANE streaming bandwidth, else COST_DEFAULT_GBPS. */
double cost_dram_bw(const AneChip *chip);

#endif
