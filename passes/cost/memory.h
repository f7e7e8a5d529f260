/*
 * memory.h - the results of the `memory` pass, as emitters and commands read
 * them: weight bytes (as stored, and as the compute ops see them once the
 * constexpr ops have decompressed them), peak activation memory from
 * liveness over the op order, the op where it peaks and the values live
 * there, activation bytes live at every op, and the working set of any
 * range of ops (a partition segment).
 *
 *   weights       every literal of the function: const values, constexpr
 *                 operands, immediates.  Stored = the literal's type packed
 *                 to its dtype's bits (uint4: 2 per byte, uint3 across
 *                 bytes), never read from the weight file.  Decompressed =
 *                 the weight values compute ops read (a const's value, the
 *                 last constexpr output of a chain), by their dtype.
 *   activations   function inputs (live from the start), op outputs that
 *                 are not weights (live from their op to their last use;
 *                 results to the end).  Nested blocks: while a cond or
 *                 while_loop runs, the peak inside its blocks counts.
 *   states        state inputs are resident for the whole call; they are
 *                 reported apart and are not part of the activation peak.
 *
 * A size is a MemSize: known bytes plus a count of values whose size is not
 * known (a `?` or symbolic dim).  Such a value adds nothing to `bytes`; the
 * figure reads "at least N bytes (K values of unknown size)", never a guess
 * (mem_format_size).
 *
 * Everything lives in the PassCtx arena and is read after the `memory`
 * pass (pass_run(ctx, PASS_MEMORY)); accessors return NULL / false before.
 * Names here are an API for backend/ and cli/: fields are added, never
 * renamed or removed.
 */
#ifndef ANELINT_MEMORY_H
#define ANELINT_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "passes/pass.h"

/* Diagnostic codes of the memory pass (docs/diagnostics.md; never reused). */
#define M_MODEL_OVER_1GB      "M001"  /* stored weights over 1 GB: iPhone ANE limit (G10) */
#define M_FOLDED_OVER_1GB     "M002"  /* decompressed weights over 1 GB (note) */

/* 1 GB (10^9 bytes): Apple's limit for a model meant for the Neural Engine
 * on iPhone (ane-legality.md G10, [CT-UTIL]). */
#define MEM_ANE_IPHONE_LIMIT  INT64_C(1000000000)

/* Known bytes, and how many values of unknown size were left out. */
typedef struct MemSize {
	int64_t bytes;
	uint32_t unknown;
} MemSize;

/* Weight bytes by dtype.  Blob records referenced more than once (the same
 * path and offset) count once. */
typedef struct MemWeights {
	int64_t stored[DT_COUNT];       /* by the stored literal's dtype */
	uint32_t nstored[DT_COUNT];     /* literal tensors */
	int64_t decompressed[DT_COUNT]; /* by the dtype compute ops read */
	uint32_t ndecompressed[DT_COUNT];
	MemSize stored_total;           /* unknown: literals of unknown size */
	MemSize decompressed_total;
	uint32_t constexpr_ops;         /* constexpr_* ops (compressed weights) */
	uint32_t shared_refs;           /* blob references counted once */
	uint32_t elided;                /* const ops without a value (printouts): their
	                                 * declared type is counted as stored */
} MemWeights;

typedef struct MemFunc {
	const Func *func;
	/* Peak activation memory over the op order and where it is: the op
	 * running then (the innermost, for nested blocks) and the values live
	 * there (ValueIds, the op's operands and outputs included). */
	MemSize peak;
	const Op *peak_op;              /* NULL when the function has no op */
	uint32_t npeak_live;
	const ValueId *peak_live;
	MemSize inputs;                 /* function inputs, states apart */
	MemSize states;                 /* state inputs (resident, not in the peak) */
	MemSize outputs;                /* function results */
	MemWeights weights;
	/* By Op.index (f->nops entries, walk order): activation bytes live
	 * while the op runs (its operands and outputs included); ops inside a
	 * nested block add to what is live around their parent op. */
	uint32_t nops;
	const MemSize *op_live;
	const Op *const *ops;           /* the op of each index */
} MemFunc;

/* The function's results, or NULL (memory not run, f not in the module). */
const MemFunc *mem_func(const PassCtx *ctx, const Func *f);
/* Module totals: weights (blob records shared between functions count
 * once), and the largest peak of any function.  NULL before the pass. */
const MemWeights *mem_module_weights(const PassCtx *ctx);
const MemFunc *mem_module_peak(const PassCtx *ctx);

/* Activation bytes live while `op` runs; {0, 0} when not known. */
MemSize mem_op_live(const PassCtx *ctx, const Func *f, const Op *op);
/* The size of a value of type t: tensors (sub-byte dtypes packed), tuples
 * summed; lists, dicts, strings and unknown dims count as unknown.  A state
 * counts its wrapped tensor. */
MemSize mem_type_size(const Type *t);
/* The size of value id (its inferred type when infer has run). */
MemSize mem_value_size(const PassCtx *ctx, const Func *f, ValueId id);
/* True when the value is a weight: the output of a const or constexpr_* op. */
bool mem_value_is_weight(const Func *f, ValueId id);
/* True for const and constexpr_* ops. */
bool mem_op_is_weight(const Op *op);

/* The working set of the ops with Op.index in [first, last] (a segment of
 * passes/ane/ane.h): the largest activation bytes live at any of them, and the
 * weights they read (each once; stored = the literals of the constexpr
 * chain behind each, decompressed = what the ops read).  total =
 * activations + decompressed weights.  False when memory has not run or the
 * range is empty or out of bounds. */
typedef struct MemWorkingSet {
	MemSize activations;
	const Op *peak_op;              /* where the activations peak in the range */
	MemSize weights_stored;
	MemSize weights_decompressed;
	MemSize total;
} MemWorkingSet;
bool mem_working_set(const PassCtx *ctx, const Func *f, uint32_t first, uint32_t last,
                     MemWorkingSet *out);

/* The working set of one partition segment (passes/ane/ane.h AneSegment, from
 * ane_func_plan): mem_working_set over [seg->first, seg->last]. */
struct AneSegment;
bool mem_segment_working_set(const PassCtx *ctx, const Func *f, const struct AneSegment *seg,
                             MemWorkingSet *out);

/* "1,234,567 bytes (1.2 MB)", "at least 4,096 bytes (4.1 KB) (2 values of
 * unknown size)", "unknown (3 values of unknown size)".  Returns the length
 * as snprintf does. */
int mem_format_size(MemSize s, char *buf, size_t n);
/* Saturating sum. */
MemSize mem_size_add(MemSize a, MemSize b);

#endif
