/*
 * rt_int.h - the runtime's private header: the program a function becomes,
 * the kernel signature and dispatch table, and the device interface.
 *
 *   RtProgram ─┬─ vals[]      one RtTensor per ValueId (activations; weights
 *              │              decoded at load and kept)
 *              ├─ body        RtBlock: RtOp[] in walk order, nested RtBlocks
 *              │              for cond / while_loop
 *              └─ segs[]      the partition's segments, each compiled by its
 *                             device (RtDevice) into an RtSegProgram
 *
 * A kernel is `int rt_exec_<op>(RtCtx *, RtOp *)` (STYLE.md 19), found in
 * rt_kernel_table[OpId] (kernels.c).  It reads operands with rt_in /
 * rt_in_int / ..., writes its outputs (allocating them with rt_out), and
 * returns 0, or -1 after rt_fail with a message naming the problem.
 *
 * Buffers: until passes/memory.h exposes per-value first / last use, each
 * value has its own buffer, reused between runs (TEMPORARY: see
 * docs/runtime.md "Memory").
 */
#ifndef ANELINT_RT_INT_H
#define ANELINT_RT_INT_H

#include "ir/op_catalogue.h"
#include "runtime/runtime.h"

typedef struct RtCtx RtCtx;
typedef struct RtOp RtOp;
typedef struct RtBlock RtBlock;

typedef int (*RtKernel)(RtCtx *c, RtOp *o);

/* One operand: its name and n bound tensors (values or constants). */
typedef struct RtArg {
	const char *name;
	uint32_t n;
	RtTensor **t;
} RtArg;

struct RtOp {
	const Op *op;
	const OpInfo *info;     /* its catalogue row (defaults of absent operands) */
	OpId id;
	RtKernel fn;
	uint32_t nargs;
	RtArg *args;
	uint32_t nouts;
	RtTensor **outs;
	ValueId *out_ids;
	uint32_t nblocks;
	RtBlock **blocks;
	RtOpStat *stat;
	bool folded;            /* evaluated at load: skipped at run time */
};

struct RtBlock {
	const Block *b;
	uint32_t nops;
	RtOp *ops;
	uint32_t nparams;
	RtTensor **params;
	uint32_t nouts;
	RtTensor **outs;
};

struct RtCtx {
	RtProgram *p;
	DiagList *dl;
	const RtOp *cur;        /* the op running (for diagnostics) */
	/* Run a nested block (the executor's; kernels of control flow call it
	 * through this pointer, so no file of runtime/ calls back into exec.c). */
	int (*run_block)(RtCtx *c, RtBlock *b);
	uint32_t loop_cap;
};

/* ------------------------------------------------------------------ devices */

typedef struct RtSegProgram RtSegProgram;

/* One device (ggml's backend interface): compile a segment's ops into a
 * program, load it (weights), evaluate it, unload it, report its stats. */
typedef struct RtDevice {
	const char *name;
	bool (*supports)(const RtOp *o);
	RtSegProgram *(*compile)(RtOp **ops, uint32_t nops, DiagList *dl);
	int (*load)(RtSegProgram *sp, DiagList *dl);
	int (*eval)(RtSegProgram *sp, RtCtx *c);
	void (*unload)(RtSegProgram *sp);
	void (*stats)(const RtSegProgram *sp, RtSegmentStat *out);
} RtDevice;

extern const RtDevice rt_device_cpu;

/* ------------------------------------------------------------------ program */

typedef struct RtSeg {
	const RtDevice *dev;
	RtSegProgram *prog;
	RtSegmentStat stat;
} RtSeg;

struct RtProgram {
	Module *m;
	Func *f;
	RtOptions opts;
	uint32_t nvals;
	RtTensor *vals;
	bool *is_const;         /* by ValueId: decoded at load, kept */
	uint32_t nconsts;       /* literal operands decoded at load */
	RtTensor **consts;
	RtBlock body;
	uint32_t nsegs;
	RtSeg *segs;
	uint32_t nstat;
	RtOpStat *opstats;
	RtSegmentStat *segstats;
	RtTensor *outputs;      /* declared dtype */
	bool outputs_valid;
	/* A state input's contents live in vals[] under its ValueId: read_state
	 * copies them out, write_state in; they persist between runs. */
	bool *input_set;
	RtStats stats;
	uint64_t act_bytes;     /* activation buffers allocated */
};

/* ------------------------------------------------------------------ ops */

/* Run one op: its kernel, its counter and timer, the NaN / Inf watch
 * (op_run.c).  0, or -1 with a diagnostic. */
int rt_op_run(RtCtx *c, RtOp *o);
/* Monotonic wall clock in seconds. */
double rt_now_seconds(void);

/* ------------------------------------------------------------------ kernels */

/* The kernel of op id, or NULL (kernels.c). */
RtKernel rt_kernel_for(OpId id);

/* Operands: the first tensor bound to `name`, or NULL when absent. */
const RtTensor *rt_in(const RtOp *o, const char *name);
const RtArg *rt_arg(const RtOp *o, const char *name);
/* Scalars of constant operands.  When absent: the catalogue row's default
 * where it is a number or a bool (ops.tsv, one home for defaults), else
 * `def`. */
int64_t rt_in_int(const RtOp *o, const char *name, int64_t def);
double rt_in_float(const RtOp *o, const char *name, double def);
bool rt_in_bool(const RtOp *o, const char *name, bool def);
const char *rt_in_str(const RtOp *o, const char *name, const char *def);
/* An int32 vector operand into out[max]; returns its length, or -1 when
 * absent (or longer than max). */
int rt_in_ints(const RtOp *o, const char *name, int64_t *out, int max);
/* Allocate output i as dt x dims (counted against --max-memory). */
RtTensor *rt_out(RtCtx *c, RtOp *o, uint32_t i, DType dt, int32_t rank, const int64_t *dims);
/* A one-line error about the running op; returns -1. */
int rt_fail(RtCtx *c, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Resolve a possibly negative axis against rank; -1 (after rt_fail) when
 * out of range. */
int rt_axis(RtCtx *c, int64_t axis, int32_t rank);
/* Runtime storage dtype of a declared dtype: fp32, int32, bool or string. */
DType rt_storage_dtype(DType declared);
/* The float data of t (fp32 storage); NULL when t is not fp32. */
static inline const float *rt_f32(const RtTensor *t)
{
	return t && t->dt == DT_FP32 ? (const float *)t->data : NULL;
}

/* Row-major strides (in elements) of dims. */
void rt_row_strides(int32_t rank, const int64_t *dims, int64_t *strides);
/* The next multi-index over dims in row-major order (wraps to zeros). */
void rt_next_index(int32_t rank, const int64_t *dims, int64_t *idx);
/* dst[i] = src[base + idx(i) . sstride] for the n elements of dims in
 * row-major order, es bytes each (strides may be negative). */
void rt_gather_strided(const char *src, int64_t base, const int64_t *sstride, int32_t rank,
                       const int64_t *dims, int64_t n, size_t es, char *dst);

/* numpy broadcasting of a and b into out dims; -1 (after rt_fail) when
 * they do not broadcast. */
int rt_broadcast_shape(RtCtx *c, const RtTensor *a, const RtTensor *b, int32_t *rank,
                       int64_t *dims);
/* Strides (in elements) of t seen through the broadcast shape (0 where t
 * has size 1 or is missing the dim). */
void rt_broadcast_strides(const RtTensor *t, int32_t rank, const int64_t *dims,
                          int64_t *strides);

/* The elements slice_by_index selects (ops.md slice_by_index): over
 * dims[rank] (squeezed axes of size 1), offsets base + idx . strides in x;
 * the output shape without squeezed axes is odims[orank].  Shared by
 * slice_by_index (shape.c) and slice_update (gather.c). */
typedef struct RtSlice {
	int32_t rank, orank;
	int64_t base;
	int64_t dims[RT_MAX_RANK], strides[RT_MAX_RANK], odims[RT_MAX_RANK];
} RtSlice;
int rt_slice_geometry(RtCtx *c, const RtOp *o, const RtTensor *x, RtSlice *s);

/* Kernel families, one file each; kernels.c maps op ids to them.  A
 * family kernel serving several ops switches on o->id. */
int rt_exec_unary(RtCtx *c, RtOp *o);          /* elementwise.c */
int rt_exec_binary(RtCtx *c, RtOp *o);
int rt_exec_activation(RtCtx *c, RtOp *o);     /* activation.c */
int rt_exec_softmax(RtCtx *c, RtOp *o);
int rt_exec_cast(RtCtx *c, RtOp *o);
int rt_exec_select(RtCtx *c, RtOp *o);
int rt_exec_reduce(RtCtx *c, RtOp *o);         /* reduce.c */
int rt_exec_conv(RtCtx *c, RtOp *o);           /* conv.c */
int rt_exec_pool(RtCtx *c, RtOp *o);           /* pool.c */
int rt_exec_linear(RtCtx *c, RtOp *o);         /* matmul.c */
int rt_exec_matmul(RtCtx *c, RtOp *o);
int rt_exec_layer_norm(RtCtx *c, RtOp *o);     /* norm.c */
int rt_exec_batch_norm(RtCtx *c, RtOp *o);
int rt_exec_reshape(RtCtx *c, RtOp *o);        /* shape.c */
int rt_exec_transpose(RtCtx *c, RtOp *o);
int rt_exec_concat(RtCtx *c, RtOp *o);
int rt_exec_split(RtCtx *c, RtOp *o);
int rt_exec_slice_by_index(RtCtx *c, RtOp *o);
int rt_exec_tile(RtCtx *c, RtOp *o);
int rt_exec_stack(RtCtx *c, RtOp *o);
int rt_exec_identity(RtCtx *c, RtOp *o);
int rt_exec_shape(RtCtx *c, RtOp *o);
int rt_exec_gather(RtCtx *c, RtOp *o);         /* gather.c */
int rt_exec_gather_along_axis(RtCtx *c, RtOp *o);
int rt_exec_slice_update(RtCtx *c, RtOp *o);
int rt_exec_gather_nd(RtCtx *c, RtOp *o);
int rt_exec_scatter(RtCtx *c, RtOp *o);
int rt_exec_scatter_along_axis(RtCtx *c, RtOp *o);
int rt_exec_scatter_nd(RtCtx *c, RtOp *o);
int rt_exec_upsample_nearest(RtCtx *c, RtOp *o);   /* image.c */
int rt_exec_cond(RtCtx *c, RtOp *o);           /* control.c */
int rt_exec_while_loop(RtCtx *c, RtOp *o);
int rt_exec_read_state(RtCtx *c, RtOp *o);
int rt_exec_write_state(RtCtx *c, RtOp *o);
int rt_exec_const(RtCtx *c, RtOp *o);          /* constexpr.c */
int rt_exec_constexpr(RtCtx *c, RtOp *o);
int rt_exec_lstm(RtCtx *c, RtOp *o);           /* rnn.c */
int rt_exec_classify(RtCtx *c, RtOp *o);       /* classify.c */
int rt_exec_pad(RtCtx *c, RtOp *o);            /* layout.c */
int rt_exec_slice_by_size(RtCtx *c, RtOp *o);
int rt_exec_reverse(RtCtx *c, RtOp *o);
int rt_exec_flatten2d(RtCtx *c, RtOp *o);
int rt_exec_space_depth(RtCtx *c, RtOp *o);
int rt_exec_resize_nearest(RtCtx *c, RtOp *o); /* image.c */
int rt_exec_upsample_bilinear(RtCtx *c, RtOp *o);
int rt_exec_arg_reduce(RtCtx *c, RtOp *o);     /* reduce.c */
int rt_exec_fill(RtCtx *c, RtOp *o);           /* generate.c */
int rt_exec_fill_like(RtCtx *c, RtOp *o);
int rt_exec_range_1d(RtCtx *c, RtOp *o);
int rt_exec_instance_norm(RtCtx *c, RtOp *o);  /* norm.c */
int rt_exec_l2_norm(RtCtx *c, RtOp *o);
int rt_exec_prelu(RtCtx *c, RtOp *o);          /* activation.c */
int rt_exec_sdpa(RtCtx *c, RtOp *o);           /* attention.c */

#endif
