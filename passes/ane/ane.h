/*
 * ane.h - the results of the ANE passes, as the emitters and commands read
 * them: legality (rules per chip generation), placement (a device per op and
 * compute-unit setting, with a reason for every op that is not on the ANE),
 * partition (segments, device switches, boundary tensors and bytes) and the
 * flexible-input verdicts.
 *
 *   legality ─── placement ─── partition ─── flex
 *   rule rows     cost.c:        segments of     a verdict per input-shape
 *   (ane_rules_*  ms per op and  consecutive     mode: default, each
 *   .c) fire per  device; the    ops on one      enumerated shape, range
 *   op: refusal,  cheapest path  device; the     bounds (the pipeline rerun
 *   preference,   (spec §3 cost  tensors and     with the inputs fixed)
 *   advisory      model)         bytes crossing
 *
 * Everything here is read through the accessors below, which take the
 * PassCtx the passes ran in; results live in the PassCtx arena.  The types
 * are data: emitters print them, they never recompute them.  Spec sections
 * cited are those of ../shared/spec/ane-legality.md (legality) and
 * ane-hardware.md (chips); docs/ane-rules.md lists every rule.
 *
 * Stability: names here are an API (backend/ and cli/ use them).  Fields and
 * functions are added, never renamed or removed; rule codes are never
 * reused.
 */
#ifndef ANELINT_ANE_H
#define ANELINT_ANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "passes/pass.h"

/* ------------------------------------------------------------------ devices */

/* The backends Core ML places ops on.  Const ops (const, constexpr_*) are
 * not scheduled and get DEV_NONE (MLComputePlan reports no device). */
typedef enum Device {
	DEV_NONE,
	DEV_CPU,
	DEV_GPU,
	DEV_ANE,
	DEV_COUNT
} Device;

#define DEVM(d) (1u << (d))
#define DEVM_ALL (DEVM(DEV_CPU) | DEVM(DEV_GPU) | DEVM(DEV_ANE))

/* "CPU", "GPU", "ANE" (MLComputePlan's device names); "-" for DEV_NONE. */
const char *device_name(Device d);

/* MLComputeUnits.  ORDER CU: names below and every [CU_COUNT] array. */
typedef enum ComputeUnits {
	CU_CPU_ONLY,
	CU_CPU_AND_GPU,
	CU_CPU_AND_NE,
	CU_ALL,
	CU_COUNT
} ComputeUnits;

/* "CPU_ONLY", "CPU_AND_GPU", "CPU_AND_NE", "ALL" (coremltools' ct.ComputeUnit). */
const char *compute_units_name(ComputeUnits cu);
/* "cpuOnly", "cpuAndGPU", "cpuAndNeuralEngine", "all" (Swift MLComputeUnits). */
const char *compute_units_swift_name(ComputeUnits cu);
/* Case-insensitive: cpu_only|cpu_and_gpu|cpu_and_ne|all (also the ct and
 * Swift spellings).  -1 when not a setting. */
int compute_units_from_name(const char *s);
/* The devices a setting lets Core ML use (DEVM mask). */
uint32_t compute_units_devices(ComputeUnits cu);

/* ------------------------------------------------------------------ confidence */

/* How well a rule is founded (ane-legality.md "How to read this"). */
typedef enum Confidence {
	CONF_DOCUMENTED,            /* D: Apple documentation or Apple engineers */
	CONF_OBSERVED,              /* O: seen with Core ML (MLComputePlan, Xcode, Instruments) */
	CONF_REVERSE_ENGINEERED,    /* R: the ANE compiler/hardware on the direct route */
	CONF_INFERRED,              /* I: inferred from the above */
	CONF_COUNT
} Confidence;

/* "documented", "observed", "reverse-engineered", "inferred". */
const char *confidence_name(Confidence c);
/* 'D', 'O', 'R', 'I'. */
char confidence_letter(Confidence c);

/* ------------------------------------------------------------------ chips */

/* Capability families of ANEForge's op catalogue ([AF-CAT]): f2 = A13-class
 * (M1), f3 = A14-class (M2), f4 = A15-class (M3), f5 = A16/A17-class (M4, M5).
 * 0: older than f2 (A11, A12). */
typedef enum AneCapFamily {
	CAPF_PRE = 0,
	CAPF_F2 = 2,
	CAPF_F3 = 3,
	CAPF_F4 = 4,
	CAPF_F5 = 5,
} AneCapFamily;

/* One row of the chip table (ane_chips.c).  A row is a chip (A14, M4 Pro)
 * or a family (H13..H18, the generation's representative values).  0 in a
 * numeric field means "not sourced". */
typedef struct AneChip {
	const char *name;           /* "M4", "A17 Pro", "H16" */
	const char *key;            /* --chip spelling: "m4", "a17pro", "h16" */
	bool is_family;             /* an H-number row */
	int h;                      /* ANE generation H11..H18 (best-supported mapping, I) */
	const char *family;         /* "H16" */
	AneCapFamily capf;          /* capability family (ANEForge ladder) */
	int cores;                  /* ANE cores */
	double rated_tops;          /* Apple's rating; 0 when not disclosed */
	bool rated_int8;            /* the rating counts INT8 (A17 Pro, M4 and later) */
	double fp16_tflops;         /* FP16 peak used by the cost model */
	bool fp16_measured;         /* measured (else derived from the rating) */
	double dram_gbps;           /* SoC DRAM bandwidth; 0: n/s */
	double ane_gbps;            /* ANE streaming bandwidth used by the cost model */
	int64_t axis_cap;           /* spatial/contraction axis cap: 16384 or 65536 (G2) */
	int64_t channel_cap;        /* channel axis cap: 65536 */
	int conv_kernel_w_max;      /* fp16 conv kernel width cap: 13 (<= A15) or 15 */
	double working_set_mb;      /* on-chip working set the compiler tiles for */
	const char *source;         /* spec section and source keys of the figures */
	const char *note;           /* disputes, caveats; "" when none */
	bool mac;                   /* a Mac chip (M-series); A-series are iPhone/iPad */
	double ane_dispatch_ms;     /* measured overhead of one ANE evaluation (the cost
	                             * pass's launch cost per ANE segment); 0: n/s */
} AneChip;

/* The chip rows (A12 .. M5 Max), *n set. */
const AneChip *ane_chips(size_t *n);
/* The family rows (H11 .. H18), *n set. */
const AneChip *ane_chip_families(size_t *n);
/* Case-insensitive lookup of a chip or family ("M4", "a17pro", "A17 Pro",
 * "h16"); NULL when unknown. */
const AneChip *ane_chip_find(const char *name);
/* The default chip when --chip is not given: M4 (H16).  Section 3 of
 * ane-legality.md, the newest and most direct placement evidence, was
 * measured on M4, and the cost model is calibrated against it. */
const AneChip *ane_chip_default(void);
/* Write "valid chips: A12, A13, ..., H11, ..., H18" (for a bad --chip). */
void ane_chip_list(FILE *out);

/* ------------------------------------------------------------------ rules */

/* What firing a rule means for the op. */
typedef enum AneRuleKind {
	RULE_REFUSE,                /* the devices in `excludes` cannot run the op */
	RULE_PREFER,                /* supported, but the cost model prefers another device
	                             * (the "supported but not preferred" reasons) */
	RULE_ADVISE,                /* runs, but worth a warning (perf, numerics) */
} AneRuleKind;

/* Gates: a rule applies only on chips/opsets inside these bounds
 * (0 = unbounded). */
typedef struct AneGate {
	int h_min, h_max;           /* ANE generation, e.g. h_max = 15: up to A16/M3 */
	int capf_min, capf_max;     /* capability family */
	int opset_min, opset_max;   /* the function's opset level (Opset) */
} AneGate;

/* Which pass reports a rule's findings, and how often (a column of the rule
 * rows, so no pass needs to know the rows by their predicates). */
typedef enum AneRuleScope {
	SCOPE_OP,                   /* legality: on every op it fires on */
	SCOPE_FUNC,                 /* legality: a fact of the function (a RangeDim input,
	                             * the model's size), recorded on every op, reported
	                             * once per function */
	SCOPE_ELSEWHERE,            /* not tested by legality: placement (RULE_PREFER
	                             * rows) or flex and --input-shape report it */
} AneRuleScope;

typedef struct AneCheck AneCheck;   /* the op under test (ane_int.h) */

/* A rule's predicate: true when the rule fires for the op; then it writes
 * the figures to `detail` ("kernel 17x17 > 16x16"). */
typedef bool (*AneRuleFn)(const AneCheck *c, char *detail, size_t n);

/* A rule is a row: adding a rule is adding a row (ane_rules_*.c). */
typedef struct AneRule {
	const char *code;           /* "ANE012": stable, never reused */
	const char *spec;           /* the spec row it encodes: "G2", "§2.1 conv", "§3 size limits" */
	AneRuleKind kind;
	uint32_t excludes;          /* RULE_REFUSE: devices refused (DEVM mask) */
	const char *const *ops;     /* op kinds it applies to, NULL-terminated; NULL: every op */
	AneGate gate;
	AneRuleFn check;            /* NULL: fires for every op it applies to */
	AneRuleScope scope;
	const char *reason;         /* one line: why */
	const char *hint;           /* what to do about it */
	Confidence conf;
	const char *source;         /* "ane-legality.md §3 [STUDY-DISPATCH]" */
} AneRule;

/* Every rule, in code order; *n set. */
const AneRule *ane_rules(size_t *n);
/* The rule with this code, or NULL. */
const AneRule *ane_rule_find(const char *code);

/* ------------------------------------------------------------------ per op */

/* Why a device does not get the op.  For RULE_REFUSE the device cannot run
 * it; for RULE_PREFER it can, and `detail` names the figures ("ANE saves
 * 0.09 ms, an ANE segment needs 0.25 ms"). */
typedef struct AneReason {
	const AneRule *rule;
	Device device;              /* the device concerned */
	const char *detail;         /* the figures; "" when the rule says it all */
} AneReason;

typedef struct OpPlacement {
	bool is_const;              /* const / constexpr_*: no device, not scheduled */
	bool nested;                /* inside a cond / while_loop body */
	uint32_t supported;         /* DEVM mask of devices that can run it (CPU always) */
	/* Refusals (why each unsupported device is unsupported) and advisories,
	 * in rule order. */
	uint32_t nreasons;
	const AneReason *reasons;
	/* Per setting: the preferred device (DEV_NONE for const ops), and when
	 * the ANE is supported and in the setting but not chosen, why (a
	 * RULE_PREFER reason naming the figures; NULL otherwise). */
	Device device[CU_COUNT];
	const AneReason *not_preferred[CU_COUNT];
	int32_t segment[CU_COUNT];  /* index into the function's segments; -1 for const ops */
	/* The op's estimate (the `estimate` analysis, passes/cost.h CostOp):
	 * modelled runtime per device in ms (ms[DEV_NONE] = 0) and the work it
	 * was estimated from; flops/bytes < 0 when shapes are unknown (the
	 * estimate then uses a floor and `known` is false).  All 0 for const
	 * ops.  Set for every op once `estimate` has run, NULL before. */
	const struct CostOp *est;
} OpPlacement;

/* The op's results, or NULL (legality/placement not run, op not in ctx). */
const OpPlacement *ane_op_placement(const PassCtx *ctx, const Func *f, const Op *op);
/* Legality alone: the reasons (refusals and advisories) of an op, *n set.
 * Available after `legality`, before placement. */
const AneReason *ane_op_reasons(const PassCtx *ctx, const Func *f, const Op *op, uint32_t *n);
/* One line saying why the op is not on the ANE under `cu` ("" when it is,
 * or is a const): the refusal reasons with their figures, the setting
 * ("CPU_ONLY excludes the ANE"), or the not-preferred reason.  Returns the
 * length as snprintf does. */
int ane_op_why(const PassCtx *ctx, const Func *f, const Op *op, ComputeUnits cu, char *buf,
               size_t n);
/* Format one reason: "ANE012 [O] conv kernel too large for the ANE: kernel 17x17 > 16x16". */
int ane_reason_format(const AneReason *r, char *buf, size_t n);
/* The message alone, without code and confidence: "reason: detail". */
int ane_reason_message(const AneReason *r, char *buf, size_t n);

/* ------------------------------------------------------------------ segments */

/* A value crossing a segment boundary. */
typedef struct AneTensorRef {
	ValueId value;
	const char *name;
	int64_t bytes;              /* -1: unknown (a dim not known), never guessed */
} AneTensorRef;

typedef struct AneSegment {
	Device device;
	uint32_t first, last;       /* Op.index of the first and last op (walk order) */
	uint32_t nops;              /* executable ops in it (nested ops included) */
	uint32_t nin, nout;
	const AneTensorRef *ins;    /* values defined outside, used inside */
	const AneTensorRef *outs;   /* values defined inside, used outside or returned */
	int64_t in_bytes, out_bytes;    /* sums; -1 when any is unknown */
	double est_ms;              /* sum of its ops' estimates on its device */
} AneSegment;

typedef struct AneFuncPlan {
	const Func *func;
	uint32_t nsegments;
	const AneSegment *segments;
	uint32_t switches;          /* device changes between neighbouring segments */
	uint32_t ane_segments;
	double est_ms;              /* path cost: ops + segment/switch/output costs */
} AneFuncPlan;

/* Counts over one function or the module, for one setting. */
typedef struct AneCounts {
	uint32_t ops;               /* every op, nested included */
	uint32_t consts;            /* const / constexpr_* ops (no device) */
	uint32_t executable;        /* ops - consts */
	uint32_t on[DEV_COUNT];     /* executable ops per device (on[DEV_NONE] = 0) */
	double share[DEV_COUNT];    /* on[d] / executable (0 when none) */
	double work_share[DEV_COUNT];   /* share of estimated FLOPs */
	uint32_t segments;
	uint32_t ane_segments;
	uint32_t switches;
	double est_ms;              /* modelled total */
} AneCounts;

/* The partition of one function under one setting, or NULL. */
const AneFuncPlan *ane_func_plan(const PassCtx *ctx, const Func *f, ComputeUnits cu);
/* Counts for one function (f) or the whole module (f == NULL); NULL when
 * placement has not run.  Segments/switches need the partition pass. */
const AneCounts *ane_counts(const PassCtx *ctx, const Func *f, ComputeUnits cu);

/* ------------------------------------------------------------------ context */

/* The chip the passes ran for (--chip, else ane_chip_default()). */
const AneChip *ane_chip(const PassCtx *ctx);
/* The setting the text report leads with (--compute-units, default CU_ALL);
 * all four are computed whatever it is. */
ComputeUnits ane_lead_units(const PassCtx *ctx);

/* ------------------------------------------------------------------ flexible inputs */

/* Which input shape a verdict is for. */
typedef enum FlexMode {
	FLEXV_DEFAULT,              /* the default shape of every input */
	FLEXV_ENUMERATED,           /* one enumerated shape of one input */
	FLEXV_RANGE_LOWER,          /* every ranged dim at its lower bound */
	FLEXV_RANGE_UPPER,          /* every ranged dim at its upper bound (unbounded: lower) */
	FLEXV_OVERRIDE,             /* --input-shape */
} FlexMode;

typedef struct AneFlexVerdict {
	const Func *func;
	const char *input;          /* the input varied; NULL for FLEXV_DEFAULT */
	FlexMode mode;
	uint32_t index;             /* FLEXV_ENUMERATED: which shape */
	const char *shape;          /* "1x3x128x128" */
	/* The input mode's own finding: a RangeDim input keeps the whole
	 * function off the ANE (G6, RULE_REFUSE); a non-default enumerated
	 * shape gets an advisory.  NULL when the mode says nothing. */
	const AneReason *mode_reason;
	bool ran;                   /* the pipeline was rerun for this shape */
	int errors;                 /* errors of that rerun (infer on the fixed shape) */
	/* The function's placement summary per setting: the prediction (the
	 * mode's reason applied: a RangeDim input keeps every op off the ANE)
	 * and, apart, what the same shape gives as a fixed-shape model. */
	AneCounts counts[CU_COUNT];
	AneCounts counts_if_fixed[CU_COUNT];
} AneFlexVerdict;

/* Every verdict (after the `flex` pass), *n set; NULL when the model has
 * no flexible inputs and no --input-shape. */
const AneFlexVerdict *ane_flex_verdicts(const PassCtx *ctx, uint32_t *n);
const char *flex_mode_name(FlexMode m);

#endif
