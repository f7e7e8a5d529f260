/*
 * runtime.h - the runtime's public face: execute one function of a module
 * after the passes have partitioned it, on a device (this version: `cpu`).
 *
 *   rt_program_new   resolve every op's kernel (an op without one is refused
 *                    with its name, opset and location), decode weights and
 *                    evaluate constexpr ops and casts of constants once
 *   rt_set_input     bind a function input (any numeric dtype; converted)
 *   rt_set_state     initial contents of a state input (default zeros)
 *   rt_run           run every segment of the partition on its device
 *   rt_output        the results, in their declared dtype
 *   rt_program_free
 *
 * The runtime prints nothing: errors are diagnostics (codes R0xx, listed
 * in docs/runtime.md) and timings are RtStats that emitters print.
 * It includes ir/ and the passes' public headers only.
 */
#ifndef ANELINT_RUNTIME_H
#define ANELINT_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "passes/pass.h"

/* Diagnostic codes of the runtime (docs/runtime.md; never reused). */
#define RT_E_NO_KERNEL     "R001"  /* op without a kernel: refused at load */
#define RT_E_WEIGHTS       "R002"  /* weight bytes missing or truncated */
#define RT_E_INPUT         "R003"  /* input missing, unknown, wrong dtype or shape */
#define RT_E_OP            "R004"  /* an op's operands are unusable at run time */
#define RT_E_INDEX         "R005"  /* gather / scatter index out of range */
#define RT_E_LOOP_CAP      "R006"  /* while_loop past its iteration cap */
#define RT_E_MEMORY        "R007"  /* buffers over --max-memory */
#define RT_E_STATE         "R008"  /* state of the wrong shape */
#define RT_W_NONFINITE     "R100"  /* first op producing NaN or Inf (note) */

enum { RT_MAX_RANK = 8 };

/* A dense row-major tensor.  Inside the runtime floats are fp32, integers
 * int32 and bools one byte; at the edges (inputs, outputs, .npy) any
 * numeric dtype.  DT_STRING tensors hold `const char *` elements. */
typedef struct RtTensor {
	DType dt;
	int32_t rank;
	int64_t dims[RT_MAX_RANK];
	int64_t numel;
	void *data;             /* malloc'd and owned, unless borrowed */
	size_t cap;             /* bytes allocated (buffers are reused when they fit) */
	/* data points into memory the tensor does not own (an fp32 weight read
	 * in place from the mapped weight file): never written, never freed. */
	bool borrowed;
} RtTensor;

/* Allocate (or reuse) storage for dt x dims; 0, or -1 when the size
 * overflows or memory is exhausted.  Contents are not cleared. */
int rt_tensor_alloc(RtTensor *t, DType dt, int32_t rank, const int64_t *dims);
void rt_tensor_free(RtTensor *t);
/* Bytes of one element as stored in an RtTensor (fp16: 2, bool: 1). */
size_t rt_dtype_size(DType dt);
/* Element i as a double / store a double into element i (numeric dtypes). */
double rt_tensor_get(const RtTensor *t, int64_t i);
void rt_tensor_set(RtTensor *t, int64_t i, double v);
/* Copy src into dst converting to dt (DT_COUNT: keep src's dtype). */
int rt_tensor_convert(RtTensor *dst, const RtTensor *src, DType dt);

typedef struct RtOptions {
	int threads;            /* BLAS threads; 0: library default */
	uint32_t loop_cap;      /* while_loop iterations; 0: 1,000,000 */
	uint64_t max_memory;    /* activation bytes; 0: half the machine's RAM */
} RtOptions;

/* Time and count of one op, and of one segment (seconds, wall clock). */
typedef struct RtOpStat {
	const Op *op;
	uint64_t calls;
	double seconds;
} RtOpStat;

typedef struct RtSegmentStat {
	const char *device;
	uint32_t first, last;   /* Op.index range */
	uint32_t nops;
	uint64_t calls;
	double seconds;
} RtSegmentStat;

typedef struct RtStats {
	double load_seconds;    /* kernels resolved, weights decoded, constexpr folded */
	double run_seconds;     /* the last rt_run */
	uint64_t runs;
	uint32_t nops;
	const RtOpStat *ops;    /* executable ops, walk order */
	uint32_t nsegments;
	const RtSegmentStat *segments;
	uint64_t weight_bytes;  /* decoded weights held (fp32 / int32) */
	uint64_t activation_bytes;  /* activation buffers held */
	/* The first op (walk order) whose output held NaN or Inf in the last
	 * run, or NULL. */
	const Op *first_nonfinite;
} RtStats;

typedef struct RtProgram RtProgram;

/* Prepare function f of module m for execution.  ctx should have run the
 * partition pass (its CPU_ONLY plan gives the segments); without it the
 * function is one segment.  NULL with diagnostics when an op has no kernel
 * or a weight cannot be read. */
RtProgram *rt_program_new(Module *m, const PassCtx *ctx, Func *f, const RtOptions *opts,
                          DiagList *dl);
void rt_program_free(RtProgram *p);

uint32_t rt_num_inputs(const RtProgram *p);
/* Input i: its name, declared type and whether it is a state. */
const char *rt_input_name(const RtProgram *p, uint32_t i);
const Type *rt_input_type(const RtProgram *p, uint32_t i);
bool rt_input_is_state(const RtProgram *p, uint32_t i);
/* Bind input `name` (checked against the declared dtype and shape; a
 * flexible dim accepts any size).  -1 with a diagnostic naming the input. */
int rt_set_input(RtProgram *p, const char *name, const RtTensor *t, DiagList *dl);
/* Initial contents of state `name` (kept between runs; zeros unless set). */
int rt_set_state(RtProgram *p, const char *name, const RtTensor *t, DiagList *dl);
/* The current contents of state i (after runs), or NULL. */
const RtTensor *rt_state(const RtProgram *p, uint32_t input_index);

/* Run once.  0, or -1 with a diagnostic (the outputs are then invalid). */
int rt_run(RtProgram *p, DiagList *dl);

uint32_t rt_num_outputs(const RtProgram *p);
const char *rt_output_name(const RtProgram *p, uint32_t i);
/* Output i of the last successful run in its declared dtype, or NULL. */
const RtTensor *rt_output(const RtProgram *p, uint32_t i);

const RtStats *rt_stats(const RtProgram *p);

/* Which ops have a kernel: true when `name` can run on the cpu device. */
bool rt_op_has_kernel(const char *name);

#endif
