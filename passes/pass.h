/*
 * pass.h - the passes' internal header: the pass table, the pass context
 * that owns every pass's results, and the manager's options.
 *
 * The pipeline, in PASS_LIST order (each pass one file, one function
 * `int pass_<name>(Module *, PassCtx *)`; a pass reads only the results of
 * the passes it requires, or reads when they ran):
 *
 *     verify ── infer ─┬─ legality ── estimate ── placement ── partition ─┬─ flex
 *                      │                                                 └─ cost
 *                      ├─ memory      (reads legality when it ran)
 *                      └─ lint        (reads legality when it ran)
 *
 *   pass       room / file        requires            reads     results (accessors)
 *   verify     verify.c           -                   -         the IR checked once (V001..)
 *   infer      infer/             verify              -         infer_value_type, .. (below)
 *   legality   ane/legality.c     infer               -         ane_op_reasons (ane/ane.h)
 *   estimate   cost/estimate.c    legality            -         per-op modelled work and time,
 *                                                               the one estimator placement
 *                                                               and cost read
 *   placement  ane/placement.c    legality, estimate  -         ane_op_placement, ane_func_plan
 *   partition  ane/partition.c    placement, estimate -         segments, ane_counts
 *   flex       ane/flex.c         partition           -         ane_flex_verdicts; asks reruns
 *   cost       cost/cost.c        partition, estimate -         cost_op, cost_latency (cost/cost.h)
 *   memory     cost/memory.c      infer               legality  mem_func, .. (cost/memory.h)
 *   lint       cost/lint.c        infer               legality  lint_findings (cost/lint.h)
 *
 * Above the manager, the driver (driver/pipeline.h) reruns the pipeline in
 * a fresh PassCtx where a pass asks for it (flex: per input shape; cost:
 * per chip compared, cost_compare_chips): a pass never builds a context or
 * runs the pipeline itself.  Beside the manager, at the top of passes/:
 * pass_ctx.c (the context), pass_options.c (the flags), input_shapes.c
 * (--input-shape as the types infer reads for the function inputs) and
 * pass_diag.c (what every pass reports through).  No pass calls the
 * manager.
 *
 * The manager (manager.c) runs the selected passes in table order, adds the
 * passes each one `requires`, computes def-use (ir_fill_uses) before the
 * first pass that asks for it (passes never write the IR, so it stays
 * valid), and offers --passes, --list-passes, --print-before,
 * --print-after, --verify-each and --time-passes.  Passes never write into
 * the IR: their results are side tables indexed by Op.index or ValueId,
 * allocated in the PassCtx arena and freed with it (pass_ctx_free).  Every
 * finding is a diagnostic in the shared DiagList (ir/ir.h) with a stable code
 * from docs/diagnostics.md.
 *
 * Adding a pass is one row in PASS_LIST, one line in the drawing above, and
 * one file defining pass_<name> (and, if it annotates dumps,
 * pass_<name>_annotate).
 */
#ifndef ANELINT_PASS_H
#define ANELINT_PASS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"

typedef struct PassCtx PassCtx;

/* What a pass needs recomputed before it runs (libfirm's irg properties). */
typedef enum PassAnalysis {
	ANA_USES = 1u << 0,     /* Value.uses and Op.index (ir_fill_uses) */
} PassAnalysis;

#define PASS_BIT(id) (1u << PASS_##id)

/* X(ID, name, requires, reads, analyses (ANA_ mask), annotate, summary) in
 * pipeline order.  `requires` (PASS_BIT mask): the passes whose results it
 * needs, run first; `reads`: the passes whose results it reads when they
 * ran, without running them (memory and lint do not repeat what legality
 * reported).  Both name earlier rows only (manager.c checks).
 * ORDER PASS: the table in manager.c expands this list.
 * `annotate` prints the pass's per-op results as a trailing comment in
 * dumps (declared below), or NULL. */
#define PASS_LIST(X) \
	X(VERIFY, verify, 0, 0, ANA_USES, NULL, \
	  "check the IR: single definitions, scoping, every value typed") \
	X(INFER, infer, PASS_BIT(VERIFY), 0, ANA_USES, pass_infer_annotate, \
	  "infer dtype and shape of every value, check operands against the op catalogue") \
	X(LEGALITY, legality, PASS_BIT(INFER), 0, 0, pass_legality_annotate, \
	  "ANE rules per chip generation: which devices can run each op, and why not") \
	X(ESTIMATE, estimate, PASS_BIT(LEGALITY), 0, 0, NULL, \
	  "modelled work and time of every op on each device (the one per-op estimator)") \
	X(PLACEMENT, placement, PASS_BIT(LEGALITY) | PASS_BIT(ESTIMATE), 0, 0, pass_placement_annotate, \
	  "estimated runtime per op and device; the cheapest device path per compute-unit setting") \
	X(PARTITION, partition, PASS_BIT(PLACEMENT) | PASS_BIT(ESTIMATE), 0, 0, pass_partition_annotate, \
	  "segments of consecutive ops on one device, switches, tensors and bytes crossing") \
	X(FLEX, flex, PASS_BIT(PARTITION), 0, 0, NULL, \
	  "a placement verdict per flexible input shape (default, enumerated, range bounds)") \
	X(COST, cost, PASS_BIT(PARTITION) | PASS_BIT(ESTIMATE), 0, 0, pass_cost_annotate, \
	  "FLOPs, bytes, modelled time per op and device; latency per setting and chip (modelled)") \
	X(MEMORY, memory, PASS_BIT(INFER), PASS_BIT(LEGALITY), ANA_USES, pass_memory_annotate, \
	  "weight bytes stored and decompressed, peak activation memory by liveness, 1 GB limit") \
	X(LINT, lint, PASS_BIT(INFER), PASS_BIT(LEGALITY), ANA_USES, NULL, \
	  "hints beyond placement: fp16 range, attention scale, layout, sizes, shapes, dtypes")

typedef enum PassId {
#define X(id, name, req, reads, ana, annot, summary) PASS_##id,
	PASS_LIST(X)
#undef X
	PASS_COUNT
} PassId;

/* Each pass: returns its number of errors (diagnostics at SEV_ERROR). */
#define X(id, name, req, reads, ana, annot, summary) int pass_##name(Module *m, PassCtx *ctx);
PASS_LIST(X)
#undef X

/* Annotators named in PASS_LIST. */
void pass_infer_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);
void pass_legality_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);
void pass_placement_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);
void pass_partition_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);
void pass_cost_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);
void pass_memory_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);

typedef struct PassInfo {
	const char *name;
	const char *summary;
	uint32_t requires;      /* PASS_BIT mask: passes whose results it needs */
	uint32_t reads;         /* PASS_BIT mask: passes it reads when they ran */
	uint32_t analyses;      /* PassAnalysis mask recomputed before it runs */
	int (*run)(Module *m, PassCtx *ctx);
	/* Appends " // <name>: ..." for one op; NULL when the pass has no
	 * per-op results to show. */
	void (*annotate)(const PassCtx *ctx, const Func *f, const Op *op, FILE *out);
} PassInfo;

extern const PassInfo pass_table[PASS_COUNT];

/* The pass called `name`, or NULL. */
const PassInfo *pass_find(const char *name, PassId *id);
/* One line per pass, pipeline order, with what it requires (--list-passes). */
void pass_list(FILE *out);

/* ------------------------------------------------------------------ options */

/* --input-shape NAME=D0,D1,...: a function input fixed to a concrete shape. */
enum { PASS_MAX_INPUT_SHAPES = 16, PASS_MAX_SHAPE_RANK = 8, PASS_MAX_INPUT_NAME = 128,
       PASS_MAX_COMPARE_CHIPS = 48 };
typedef struct PassInputShape {
	char name[PASS_MAX_INPUT_NAME];
	uint32_t rank;
	int64_t dims[PASS_MAX_SHAPE_RANK];
} PassInputShape;

struct AneChip;

typedef struct PassOptions {
	uint32_t selected;      /* PASS_BIT mask from --passes (0: the whole pipeline) */
	uint32_t print_before;  /* PASS_BIT mask: dump the IR before these passes */
	uint32_t print_after;   /* PASS_BIT mask: dump the IR after these passes */
	bool verify_each;       /* ir_verify after every pass */
	bool ir_verified;       /* the loader verified the IR (anelint_load): the
	                         * verify pass does not repeat it */
	bool time_passes;       /* wall time per pass on time_out */
	bool list_passes;       /* --list-passes was given (the caller prints) */
	FILE *print_out;        /* dumps (default stdout) */
	FILE *time_out;         /* timing table (default stderr) */
	/* ANE analysis (passes/ane/ane.h) */
	const struct AneChip *chip;     /* --chip (the first of a list); NULL: ane_chip_default() */
	int compute_units;      /* --compute-units: a ComputeUnits, -1: ALL (report lead) */
	uint32_t ninput_shapes; /* --input-shape, applied to function inputs before infer */
	PassInputShape input_shapes[PASS_MAX_INPUT_SHAPES];
	/* --chip all (the ANE generations H11..H18) or --chip A,B,..: the chips
	 * whose modelled latency the cost pass compares (passes/cost/cost.h) */
	uint32_t ncompare_chips;
	const struct AneChip *compare_chips[PASS_MAX_COMPARE_CHIPS];
} PassOptions;

void pass_options_init(PassOptions *o);
/* Consume one command-line argument if it is a pass-manager flag:
 *   --passes=a,b  --list-passes  --print-before=P  --print-after=P
 *   --verify-each  --time-passes    (P is a pass name or "all")
 *   --chip=C  --compute-units=U  --input-shape=NAME=D0,D1,..  (pass_options.c;
 *   pass_options_parse_argv also takes these three as two arguments, `--chip C`)
 * Returns 1 when consumed, 0 when `arg` is no pass flag, -1 on a bad value
 * (a one-line message naming the flag is written to `err`). */
int pass_options_parse(PassOptions *o, const char *arg, FILE *err);
/* pass_options_parse over argv[*i], also taking a flag's value from the next
 * argument (`--chip M4`); advances *i past what it consumed.  Same returns. */
int pass_options_parse_argv(PassOptions *o, int argc, char **argv, int *i, FILE *err);
/* True when any flag asks the manager to run passes or print. */
bool pass_options_active(const PassOptions *o);

/* --input-shape against the module (input_shapes.c).  Per function
 * (parallel to m->funcs) and parameter, the type the flag gives it, NULL
 * where it gives none; NULL when there is no --input-shape.  Reports
 * ANE901 (no such input, not a tensor of that rank) and ANE902 (a shape the
 * model does not declare).  pass_ctx_new calls it once (PassCtx.input_types)
 * and infer reads the result; the IR keeps the declared types. */
const Type ***pass_input_shape_types(PassCtx *ctx);
/* The description of function f's input `name` (ir/model_desc.h), or NULL. */
const struct FeatureDesc *pass_input_feature(const Func *f, const char *name);
bool pass_same_shape(const int64_t *a, uint32_t na, const int64_t *b, uint32_t nb);
/* "1x3x256x256" */
void pass_shape_text(const int64_t *d, uint32_t n, char *buf, size_t cap);

/* ------------------------------------------------------------------ context */

struct PassCtx {
	Module *m;
	DiagList *dl;
	PassOptions opts;
	Arena *arena;           /* every pass result; freed by pass_ctx_free */
	uint32_t done;          /* PASS_BIT mask of passes that have run */
	bool uses_ready;        /* ANA_USES computed in this context (the IR is never
	                         * written by passes, so it stays valid) */
	uint32_t nprinted;      /* dumps written so far */
	const Type ***input_types;      /* --input-shape: pass_input_shape_types */
	uint32_t input_shape_errors;    /* --input-shape that fit no input (ANE901,
	                                 * pass_input_shape_types): a usage error */
	double seconds[PASS_COUNT];
	int errors[PASS_COUNT];
	/* Pass results, owned by the passes' files (opaque here). */
	struct InferResult *infer;
	struct AneLegality *legality;   /* passes/ane/ane.h accessors */
	struct AnePlacement *placement;
	struct AnePartition *partition;
	struct AneFlex *flex;
	struct CostResult *cost;        /* passes/cost/cost.h accessors */
	struct MemResult *memory;       /* passes/cost/memory.h accessors */
	struct LintResult *lint;        /* passes/cost/lint.h accessors */
};

PassCtx *pass_ctx_new(Module *m, DiagList *dl, const PassOptions *opts);
void pass_ctx_free(PassCtx *ctx);

/* Run the selected passes (and what they require) in pipeline order.
 * Returns the number of errors the passes reported. */
int pass_run_pipeline(PassCtx *ctx);
/* Run one pass and, first, the passes it requires that have not run. */
int pass_run(PassCtx *ctx, PassId id);

/* Print the module as MIL text with the annotations of every pass that has
 * run, as trailing `// pass: ...` comments; the text parses back. */
void pass_print_module(const PassCtx *ctx, FILE *out);

/* A diagnostic from a pass: code, severity, the op (its location and MIL
 * name prefix the message), an optional fix hint.  Returns the Diag (NULL
 * past the error cap). */
Diag *pass_diag(PassCtx *ctx, Severity sev, const char *code, const Func *f, const Op *op,
                const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* ------------------------------------------------------------------ infer results */

/* Counts kept by the infer pass (per module; see docs/passes.md). */
typedef struct InferStats {
	uint32_t ops;           /* ops visited, nested blocks included */
	uint32_t unknown_ops;   /* ops outside the catalogue (kept as declared) */
	uint32_t typed_ops;     /* ops with at least one output whose declared type is known */
	uint32_t agreeing_ops;  /* typed ops whose every output agrees with its declared type */
	uint32_t outputs;       /* op outputs */
	uint32_t typed_outputs; /* outputs with a declared type to compare */
	uint32_t agreeing_outputs;
	uint32_t refined_outputs;   /* agreeing, and more precise than declared (`?` known) */
} InferStats;

/* The type of a value after inference, as later passes should see it: the
 * inferred type, more precise than the declaration where that has `?` dims
 * or no rank; where the two conflict (I040), the declaration.  NULL when
 * infer has not run or the value is out of range. */
const Type *infer_value_type(const PassCtx *ctx, const Func *f, ValueId id);
/* The type the op's rule computed for the value, before it was checked
 * against the declaration (function parameters: as the body sees them). */
const Type *infer_value_computed(const PassCtx *ctx, const Func *f, ValueId id);
/* The known integer contents of a value (shape arithmetic folded at compile
 * time): *n elements as dims (known size, symbol or unknown).  NULL when the
 * contents are not known. */
const Dim *infer_value_ints(const PassCtx *ctx, const Func *f, ValueId id, uint32_t *n);
const InferStats *infer_stats(const PassCtx *ctx);
/* True when the function is a legacy neural network read from protobuf. */
bool infer_func_is_nn(const PassCtx *ctx, const Func *f);

#endif
