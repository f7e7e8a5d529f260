/*
 * cost.h - the results of the `cost` pass, as emitters and commands read
 * them: per op the work (FLOPs, bytes moved, arithmetic intensity) and a
 * modelled time on each device; per segment a launch cost and per boundary
 * a transfer cost; per op a relative weight in [0, 1] (its share of its
 * function's modelled op time, as MLComputePlan's estimatedCost.weight);
 * per model a modelled latency for each compute-unit setting, for the chip
 * the passes ran for and, with --chip all (or a list), for each chip.
 *
 * EVERY TIME HERE IS MODELLED, never measured: emitters label it so.
 *
 *   op time on a device     overhead + max(flops / rate, bytes / bandwidth)
 *                           (cost.c: cost classes calibrated on the
 *                           ane-legality.md §3 example estimates, M4; the ANE
 *                           rate and bandwidth scale with the chip's FP16 peak
 *                           and streaming bandwidth; CPU and GPU are M4-class
 *                           on every chip: the spec has no per-chip figures)
 *   segment                 its ops on its device + a launch: the chip's ANE
 *                           dispatch overhead per ANE segment (ane_chips.c),
 *                           0 for CPU and GPU segments
 *   boundary                COST_SWITCH_MS + the bytes the segment reads from
 *                           other segments / the chip's DRAM bandwidth
 *   latency (function, cu)  sum over its segments and boundaries
 *   latency (model, cu)     sum over the functions (one call of each)
 *
 * The same per-op estimator (cost_estimate_op, ane_int.h) gives placement
 * its per-op times: there is one estimator.  Placement minimises Core ML's
 * segmenter objective (its own 0.125 ms segment and switch weights, §3);
 * the latency here is our prediction of the time of a call, a different
 * figure for the same partition.
 *
 * Everything lives in the PassCtx arena; accessors return NULL before the
 * pass has run.  Names here are an API for backend/ and cli/: fields are
 * added, never renamed or removed.
 */
#ifndef ANELINT_COST_H
#define ANELINT_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "passes/ane/ane.h"
#include "passes/pass.h"

/* A device boundary (ane-hardware.md §2.2): [JR-REGION] measured ~0.72 ms
 * per extra ANE region on M4 (13 regions 13.19 ms, 1 region 4.60 ms); an
 * extra region adds one launch (0.095 ms on M4) and two boundaries, so a
 * boundary costs (0.72 - 0.095) / 2 ~ 0.31 ms (I).  The same for every
 * chip and every pair of devices (the spec has nothing finer). */
#define COST_SWITCH_MS 0.31
/* The ANE launch when the chip has no measured dispatch overhead: the
 * segmenter's per-segment cost (ane-legality.md §3, M4). */
#define COST_ANE_LAUNCH_DEFAULT_MS 0.125
/* Boundary bandwidth when the chip has no DRAM figure: its ANE streaming
 * bandwidth, else M4's 120 GB/s. */
#define COST_DEFAULT_GBPS 120.0

/* What limits an op's modelled time on a device. */
typedef enum CostBound {
	BOUND_OVERHEAD,             /* the fixed per-op overhead dominates */
	BOUND_COMPUTE,              /* flops / rate > bytes / bandwidth */
	BOUND_MEMORY,               /* bytes / bandwidth >= flops / rate */
} CostBound;

/* "overhead", "compute", "memory". */
const char *cost_bound_name(CostBound b);

/* One op.  Const and constexpr_* ops have no cost (is_const). */
typedef struct CostOp {
	bool is_const;
	bool known;                 /* every shape known: flops and bytes are counts */
	const char *cost_class;     /* "conv", "matmul", "attention", "elementwise", ... */
	double flops;               /* -1: unknown */
	/* Bytes moved: activations read and written (attention also writes and
	 * reads its score matrix) plus the weights at their stored size
	 * (compressed formats compressed); -1 when unknown. */
	double bytes;
	double activation_bytes;
	double weight_bytes_stored;
	double weight_bytes_dense;  /* the same weights decompressed */
	double intensity;           /* flops / bytes, FLOP per byte; -1: unknown */
	/* Per device (index by Device; [DEV_NONE] 0): the bytes it moves (the CPU
	 * reads decompressed weights; the ANE reads the stored format unless the
	 * chip folds it (ane-legality.md G5); the GPU the stored format (I)),
	 * and the modelled time in ms with its parts. */
	double device_bytes[DEV_COUNT];
	double ms[DEV_COUNT];           /* overhead + max(compute, memory) */
	double overhead_ms[DEV_COUNT];
	double compute_ms[DEV_COUNT];
	double memory_ms[DEV_COUNT];
	CostBound bound[DEV_COUNT];
	/* Per setting: the op's time on the device it is placed on, and its
	 * share of its function's modelled op time (0 for const ops; the
	 * weights of a function sum to 1 when it has executable ops). */
	double placed_ms[CU_COUNT];
	double weight[CU_COUNT];
} CostOp;

/* One segment of a function's partition under one setting
 * (passes/ane/ane.h AneSegment, same index). */
typedef struct CostSegment {
	Device device;
	uint32_t first, last;       /* Op.index range */
	double ops_ms;              /* its ops on its device */
	double launch_ms;           /* ANE: the chip's dispatch overhead; else 0 */
	/* The boundary in front of it (0 for the first segment): the switch
	 * and the bytes it reads that other segments produced. */
	double transfer_ms;
	int64_t transfer_bytes;
	uint32_t transfer_unknown;  /* tensors of unknown size left out of the bytes */
	double ms;                  /* ops + launch + transfer */
} CostSegment;

/* One function under one setting. */
typedef struct CostPlan {
	uint32_t nsegments;
	const CostSegment *segments;
	uint32_t boundaries;
	int64_t boundary_bytes;
	uint32_t boundary_unknown;
	double ops_ms, launch_ms, transfer_ms;
	double ms;                  /* the function's modelled latency */
} CostPlan;

typedef struct CostFunc {
	const Func *func;
	uint32_t nops;
	const CostOp *ops;          /* by Op.index */
	CostPlan plan[CU_COUNT];
} CostFunc;

/* A model's modelled latency per setting on one chip. */
typedef struct CostLatency {
	const AneChip *chip;
	double ms[CU_COUNT];
	double ops_ms[CU_COUNT], launch_ms[CU_COUNT], transfer_ms[CU_COUNT];
	uint32_t boundaries[CU_COUNT];
	double ane_share[CU_COUNT]; /* of executable ops, as ane_counts */
	ComputeUnits fastest;       /* the smallest ms (ties: the first in CU order) */
} CostLatency;

/* The function's results, or NULL. */
const CostFunc *cost_func(const PassCtx *ctx, const Func *f);
/* One op's results, or NULL. */
const CostOp *cost_op(const PassCtx *ctx, const Func *f, const Op *op);
/* The model's latency on the chip the passes ran for, or NULL. */
const CostLatency *cost_latency(const PassCtx *ctx);
/* The chips compared (--chip all: one per ANE generation H11..H18; --chip
 * A,B: the chips listed), *n set; NULL when none was asked for. */
const CostLatency *cost_chip_latencies(const PassCtx *ctx, uint32_t *n);

/* --chip all / A,B.  The latency of a chip needs legality .. cost run for
 * that chip: the caller (driver_compare_chips, driver/pipeline.c) runs them
 * once per chip of ctx->opts.compare_chips, each in a context of its own,
 * reads that chip's row with cost_latency(chip_ctx), and hands the rows to
 * the lead context here (copied into its arena; cost_chip_latencies reads
 * them back).  False when the cost pass has not run in ctx. */
bool cost_set_chip_latencies(PassCtx *ctx, const CostLatency *rows, uint32_t n);
/* True when setting cu is within a relative 1e-9 of the fastest. */
bool cost_is_fastest(const CostLatency *l, ComputeUnits cu);

/* The modelled time of `flops` and `bytes` of class `cost_class` on a
 * device of `chip` (what the per-op estimate computes once the work is
 * known); -1 for an unknown class.  For tests and what-if tools. */
double cost_device_ms(const AneChip *chip, const char *cost_class, Device d, double flops,
                      double bytes);

#endif
