/* estimate.c - the `estimate` analysis: the one per-op estimator, the
 * modelled work and time of every op on each device for the chip in use,
 * which placement (the cheapest path) and cost (latency) both read.
 *
 * Each op kind falls in a cost class.  For a class and a
 * device:
 *
 *     t = overhead + max(flops / rate, bytes / bandwidth)       (microseconds)
 *
 * flops and bytes come from the inferred shapes: bytes are every tensor the
 * op reads and writes (attention also writes and reads its score matrix),
 * weights at their stored size.  A weight behind a constexpr_* chain
 * (palettized, int8, blockwise, sparse) is stored compressed: the CPU reads
 * it decompressed (Core ML decompresses at load, I); the GPU reads it as
 * stored (I: [CT-OPT] aims per-block int4 at the GPU); the ANE streams it
 * as stored unless the chip folds the format to dense at compile time
 * (ane-legality.md G5: palettized streams on every generation, int8 affine
 * from A14-class, blockwise and sparse from A15-class).  Symbolic dims are
 * evaluated at the inputs' default shapes; anything still unknown leaves
 * the overhead only.
 *
 * The ANE rate is the chip's FP16 peak (ane_chips.c) times a class
 * efficiency.  Activations move at an effective 500 GB/s on M4 (they live
 * on chip; calibrated), scaled by the chip's ANE streaming bandwidth
 * relative to M4's; weights stream from DRAM at the chip's streaming
 * bandwidth itself (ane-hardware.md §2.4, [ASR]: M1 ~51, M5 ~145 GB/s).  The
 * CPU and GPU are modelled as M4-class on every chip (the spec gives no
 * per-chip CPU or GPU figures), except that weights stream at the chip's
 * DRAM bandwidth (§1.2; at most the device's own rate).  The class
 * constants are CALIBRATED so that the example estimates of
 * ane-legality.md §3 (M4, [STUDY-DISPATCH]) come out within a few percent
 * (tests/test_placement.c, test_placement_calibration, holds them to 25%):
 *
 *   example (1x64x32x32 fp16 unless named)   ANE us model/spec   CPU us model/spec
 *   conv 3x3 64->64                          4.67 / 4.67         100.06 / 100.06
 *   conv 1x1 64->64                          1.20 / 1.17          21.66 / 21.62
 *   matmul 128x256 by 256x128                2.24 / 2.24          11.12 / 11.12
 *   upsample_bilinear x2                     3.31 / 3.31         499.64 / 499.64
 *   concat on C (two inputs)                 2.62 / 2.62          22.79 / 22.79
 *   sdpa 1x8x128x64                          7.18 / 7.18           8.62 / 8.62
 *   softmax, layer_norm                      3.59 / 3.59           4.31 / 4.31
 *   relu                                     2.62 / 2.62           2.62 / 2.62
 *   transpose (H, W)                         3.81 / 3.81           3.00 / 3.00
 *
 * The spec has no Core ML GPU estimates.  Our choice (I): the GPU takes
 * 5 us + max(flops / 4 TFLOPS x eff, bytes / 250 GB/s) for every class: a
 * Metal dispatch per op (so an ANE-friendly network stays on the ANE under
 * ALL, where the GPU would otherwise look barely slower than the ANE's
 * per-op floors), and more bandwidth than the CPU, so that large ops the ANE
 * refuses (fp32 convolutions, big element-wise tensors) go to the GPU under
 * ALL while small ones stay on the CPU.  §3 saw "the GPU run most of the
 * refused ops" under ALL in its single-op models; we keep tiny refused ops
 * on the CPU instead, a deliberate deviation (docs/passes.md).  Placement
 * charges no GPU segment cost but 0.125 ms for a graph output produced on
 * the GPU, as for the ANE (tiny graphs stay on the CPU, [VX436]).
 *
 * Each op's estimate is a CostOp (passes/cost/cost.h) kept once, by Op.index, in
 * the function's legality record (AneFuncRes.est); its OpPlacement points
 * at it, and the cost pass completes the same records with the per-setting
 * figures.  Symbolic dims are evaluated at the inputs' default shapes
 * (legality's function facts).
 */
#include "passes/cost/estimate.h"

#include <math.h>
#include <string.h>

#include "ir/dim_expr.h"

/* Per class: ANE floor (us), efficiency (x FP16 peak), bandwidth factor
 * (x the ANE's 500 GB/s); CPU floor (us), rate (FLOP/s), bandwidth factor
 * (x 200 GB/s); GPU efficiency (x 4 TFLOPS). */
typedef struct ClassCost {
	double ane_floor, ane_eff, ane_bwf;
	double cpu_floor, cpu_rate, cpu_bwf;
	double gpu_eff;
} ClassCost;

static const ClassCost class_cost[OPC_COUNT] = {
	/* calibrated: relu */
	[OPC_ELEM] = { 2.096, 1.0, 1.0, 1.309, 0.2e12, 1.0, 1.0 },
	/* not in §3: element-wise constants (I) */
	[OPC_VIEW] = { 2.096, 1.0, 1.0, 1.309, 0.2e12, 1.0, 1.0 },
	/* calibrated: transpose */
	[OPC_MOVE] = { 3.286, 1.0, 1.0, 1.689, 0.2e12, 1.0, 1.0 },
	/* calibrated: concat */
	[OPC_CONCAT] = { 1.571, 1.0, 1.0, 20.17, 0.2e12, 1.0, 1.0 },
	/* calibrated: softmax / layer_norm */
	[OPC_NORM] = { 3.066, 1.0, 1.0, 2.672, 0.2e12, 1.0, 1.0 },
	/* calibrated: conv 3x3 and 1x1 */
	[OPC_CONV] = { 0.611, 1.0, 1.0, 11.86, 0.856e12, 1.0, 0.8 },
	/* calibrated: matmul */
	[OPC_MATMUL] = { 1.338, 0.5, 1.0, 2.731, 1.0e12, 1.0, 0.8 },
	/* calibrated: sdpa (memory-bound on both, as §3's ratios say) */
	[OPC_SDPA] = { 2.811, 1.0, 0.48, 3.377, 10e12, 1.0, 0.8 },
	/* calibrated: upsample_bilinear */
	[OPC_RESIZE] = { 2.0, 1.0, 1.0, 1.31, 4.208e9, 1.0, 1.0 },
	/* not in §3 (I): pooling as a cheap conv */
	[OPC_POOL] = { 2.0, 0.25, 1.0, 2.0, 0.1e12, 1.0, 0.5 },
	/* not in §3 (I): BNNS-class recurrent kernels */
	[OPC_RNN] = { 5.0, 0.25, 1.0, 5.0, 0.5e12, 1.0, 0.5 },
	/* not in §3 (I) */
	[OPC_CONTROL] = { 5.0, 1.0, 1.0, 5.0, 0.2e12, 1.0, 1.0 },
};

#define ANE_BW_M4 500e9         /* bytes/s, calibrated */
#define ANE_GBPS_M4 120.0       /* M4's streaming bandwidth in the chip table */
#define CPU_BW 200e9
#define GPU_RATE 4e12
#define GPU_BW 250e9
#define GPU_FLOOR_US 5.0

/* ------------------------------------------------------------------ shapes */

typedef struct EstCtx {
	const PassCtx *ctx;
	const Func *f;
	const Op *op;
	OpId id;
	const AneFuncFacts *facts;
	const AneChip *chip;
	bool nn;
} EstCtx;

static const Type *value_type(const EstCtx *x, ValueId id)
{
	const Type *t = infer_value_type(x->ctx, x->f, id);
	if (!t && id < x->f->values.n)
		t = ir_value(x->f, id)->type;
	if (t && t->kind == TY_STATE)
		t = t->elem;
	return t && t->kind == TY_TENSOR ? t : NULL;
}

/* A dim's value at the inputs' default shapes (the facts' symbol values);
 * -1 when unknown. */
static int64_t dim_value(const EstCtx *x, Dim d)
{
	if (d.kind == DIM_CONST)
		return d.size;
	if (!x->facts || !x->facts->nsyms)
		return -1;
	return dim_expr_eval(x->ctx->m->types, d, x->facts->nsyms, x->facts->sym_names,
	                     x->facts->sym_values);
}

static double numel(const EstCtx *x, const Type *t)
{
	if (!t || t->rank < 0)
		return -1;
	double n = 1;
	for (int32_t i = 0; i < t->rank; i++) {
		int64_t v = dim_value(x, t->dims[i]);
		if (v < 0)
			return -1;
		n *= (double)v;
	}
	return n;
}

static double dim_at(const EstCtx *x, const Type *t, int32_t i)
{
	if (!t || i < 0 || i >= t->rank)
		return -1;
	int64_t v = dim_value(x, t->dims[i]);
	return v < 0 ? -1 : (double)v;
}

static double elem_bytes(const EstCtx *x, const Type *t)
{
	/* legacy networks are fp32 on paper and run fp16 off the CPU */
	if (x->nn && dtype_is_float(t->dt))
		return 2;
	unsigned bits = dtype_info[t->dt].bits;
	return bits ? bits / 8.0 : 8;
}

static double tensor_bytes(const EstCtx *x, const Type *t)
{
	double n = numel(x, t);
	return n < 0 ? -1 : n * elem_bytes(x, t);
}

static const Type *operand_type(const EstCtx *x, const char *name)
{
	const Operand *o = ir_op_operand(x->op, name);
	if (!o || !o->n)
		return NULL;
	const Binding *b = &o->b[0];
	if (b->kind == BIND_LIT)
		return b->lit->type && b->lit->type->kind == TY_TENSOR ? b->lit->type : NULL;
	return value_type(x, b->value);
}

static const Type *out_type(const EstCtx *x, uint32_t i)
{
	return i < x->op->nouts ? value_type(x, x->op->outs[i]) : NULL;
}

/* ------------------------------------------------------------------ weights */

/* A weight behind a constexpr_* chain: the bytes of its stored literals
 * (packed to their dtypes' bits, ir_tensor_bytes) and whether the chip's
 * ANE folds the format to dense at compile time (ane-legality.md G5). */
typedef struct Chain {
	double stored;
	bool unknown;
	bool ane_folds;
} Chain;

/* Whether the chip's ANE streams the stored weight format op decodes
 * (ane-legality.md G5): by the op's catalogue id, every weight decoder
 * being in the catalogue. */
static bool ane_folds_format(const Op *op, const AneChip *chip)
{
	int capf = chip ? (int)chip->capf : CAPF_F5;
	switch (ir_op_id(op)) {
	case OPID_constexpr_lut_to_sparse:
	case OPID_constexpr_sparse_to_dense:
	case OPID_constexpr_sparse_blockwise_shift_scale:
	case OPID_constexpr_blockwise_shift_scale:
		return capf < CAPF_F4;      /* streams from A15-class */
	case OPID_constexpr_affine_dequantize:
		return capf < CAPF_F3;      /* int8 streams from A14-class */
	default:
		return false;               /* palettized streams on every generation */
	}
}

static void chain_lit(Chain *c, const Lit *l)
{
	if (!l || l->kind == LIT_LIST || l->kind == LIT_TUPLE || l->kind == LIT_DICT)
		return;
	const Type *t = l->type;
	if (!t || t->kind != TY_TENSOR || t->dt == DT_STRING)
		return;
	int64_t b = ir_tensor_bytes(t);
	if (b < 0)
		c->unknown = true;
	else
		c->stored += (double)b;
}

static void chain_walk(const EstCtx *x, const Op *op, int depth, Chain *c)
{
	if (!op || depth > 8) {
		c->unknown = true;
		return;
	}
	if (ane_folds_format(op, x->chip))
		c->ane_folds = true;
	bool any = false;
	for (uint32_t k = 0; k < op->nattrs; k++)
		if (op->attrs[k].val && strcmp(op->attrs[k].name, "name") != 0) {
			chain_lit(c, op->attrs[k].val);
			any = true;
		}
	for (uint32_t k = 0; k < op->nargs; k++)
		for (uint32_t j = 0; j < op->args[k].n; j++) {
			const Binding *b = &op->args[k].b[j];
			any = true;
			if (b->kind == BIND_LIT) {
				chain_lit(c, b->lit);
			} else if (b->value < x->f->values.n) {
				const Op *d = ir_value(x->f, b->value)->def;
				if (d && op_is_const(d))
					chain_walk(x, d, depth + 1, c);
			}
		}
	if (!any && op->nouts) {
		/* a printout's elided constant: its type is what is stored */
		double n = tensor_bytes(x, out_type(&(EstCtx){ x->ctx, x->f, op, x->id, x->facts,
		                                                x->chip, x->nn }, 0));
		if (n < 0)
			c->unknown = true;
		else
			c->stored += n;
	}
}

/* Bytes an op moves: activations read and written, weights as stored, as
 * decompressed, and as the chip's ANE reads them. */
typedef struct Io {
	double act, w_stored, w_dense, w_ane;
	bool unknown;
} Io;

static void io_bytes(const EstCtx *x, Io *io)
{
	memset(io, 0, sizeof *io);
	for (uint32_t i = 0; i < x->op->nargs; i++)
		for (uint32_t j = 0; j < x->op->args[i].n; j++) {
			const Binding *b = &x->op->args[i].b[j];
			const Type *t;
			const Op *def = NULL;
			bool weight;
			if (b->kind == BIND_LIT) {
				t = b->lit->type;
				if (!t || t->kind != TY_TENSOR)
					continue;
				/* small literal parameters (axes, strides) do not count */
				if (numel(x, t) <= 16)
					continue;
				weight = true;      /* an immediate weight */
			} else {
				t = value_type(x, b->value);
				if (!t)
					continue;
				def = b->value < x->f->values.n ? ir_value(x->f, b->value)->def : NULL;
				weight = def && op_is_const(def);
			}
			double n = tensor_bytes(x, t);
			if (n < 0) {
				io->unknown = true;
				continue;
			}
			if (!weight) {
				io->act += n;
				continue;
			}
			double stored = n, ane = n;
			if (def && ir_op_id(def) != OPID_const) {      /* constexpr_*: compressed */
				Chain c = { 0, false, false };
				chain_walk(x, def, 0, &c);
				if (!c.unknown)
					stored = c.stored;
				ane = c.ane_folds ? n : stored;
			}
			io->w_stored += stored;
			io->w_dense += n;
			io->w_ane += ane;
		}
	for (uint32_t i = 0; i < x->op->nouts; i++) {
		const Type *t = out_type(x, i);
		if (!t)
			continue;
		double n = tensor_bytes(x, t);
		if (n < 0)
			io->unknown = true;
		else
			io->act += n;
	}
}

/* ------------------------------------------------------------------ work */

static double out_numel(const EstCtx *x)
{
	double sum = 0;
	for (uint32_t i = 0; i < x->op->nouts; i++) {
		const Type *t = out_type(x, i);
		if (!t)
			continue;
		double n = numel(x, t);
		if (n < 0)
			return -1;
		sum += n;
	}
	return sum;
}

static double conv_flops(const EstCtx *x)
{
	const Type *w = operand_type(x, "weight");
	const Type *in = operand_type(x, "x"), *out = out_type(x, 0);
	double wn = numel(x, w);
	if (wn < 0 || !in || !out)
		return -1;
	/* conv: every output position multiplies the whole weight slice of its
	 * group: 2 * B * spatial_out * numel(weight); conv_transpose: per input
	 * position instead. */
	bool transposed = x->id == OPID_conv_transpose;
	const Type *pos = transposed ? in : out;
	double batch = dim_at(x, pos, 0);
	double spatial = 1;
	for (int32_t i = 2; i < pos->rank; i++) {
		double d = dim_at(x, pos, i);
		if (d < 0)
			return -1;
		spatial *= d;
	}
	if (batch < 0)
		return -1;
	return 2 * batch * spatial * wn;
}

/* A known bool operand (literal or const op), else false. */
static bool bool_operand(const EstCtx *x, const char *name)
{
	const Operand *o = ir_op_operand(x->op, name);
	if (o && o->n && o->b[0].kind == BIND_LIT && o->b[0].lit->kind == LIT_TENSOR &&
	    o->b[0].lit->u.tensor.count == 1)
		return lit_elem_i64(o->b[0].lit, 0) != 0;
	if (o && o->n && o->b[0].kind == BIND_VALUE) {
		const Op *d = ir_value(x->f, o->b[0].value)->def;
		const Lit *l = d && ir_op_id(d) == OPID_const ? ir_attr_find(d->nattrs, d->attrs, "val")
		                                               : NULL;
		return l && l->kind == LIT_TENSOR && l->u.tensor.count == 1 && lit_elem_i64(l, 0);
	}
	return false;
}

static double matmul_flops(const EstCtx *x)
{
	double on = numel(x, out_type(x, 0));
	const Type *in = operand_type(x, "x");
	if (on < 0 || !in || in->rank < 1)
		return -1;
	double inner;
	if (x->id == OPID_matmul) {
		bool tx = bool_operand(x, "transpose_x");
		inner = dim_at(x, in, tx && in->rank >= 2 ? in->rank - 2 : in->rank - 1);
	} else {
		/* linear; einsum: assume a contraction over x's last axis */
		inner = dim_at(x, in, in->rank - 1);
	}
	return inner < 0 ? -1 : 2 * on * inner;
}

/* Attention: q [.., L, E], k [.., S, E], v [.., S, Ev]. */
static void sdpa_work(const EstCtx *x, double *flops, double *scores)
{
	const Type *q = operand_type(x, "query"), *k = operand_type(x, "key"),
	           *v = operand_type(x, "value");
	*flops = *scores = -1;
	if (!q || !k || !v || q->rank < 2 || k->rank < 2 || v->rank < 2)
		return;
	double qn = numel(x, q), L = dim_at(x, q, q->rank - 2), E = dim_at(x, q, q->rank - 1);
	double S = dim_at(x, k, k->rank - 2), Ev = dim_at(x, v, v->rank - 1);
	if (qn < 0 || L <= 0 || E <= 0 || S < 0 || Ev < 0)
		return;
	double batch = qn / (L * E);
	*flops = 2 * batch * L * S * E + 2 * batch * L * S * Ev;
	*scores = batch * L * S * 2 * 2;    /* fp16 scores, written and read */
}

static double pool_flops(const EstCtx *x)
{
	double on = out_numel(x);
	const Operand *o = ir_op_operand(x->op, "kernel_sizes");
	double k = 1;
	if (o && o->n) {
		const Lit *l = o->b[0].kind == BIND_LIT ? o->b[0].lit : NULL;
		if (!l && o->b[0].kind == BIND_VALUE) {
			const Op *d = ir_value(x->f, o->b[0].value)->def;
			l = d && ir_op_id(d) == OPID_const ? ir_attr_find(d->nattrs, d->attrs, "val")
			                                   : NULL;
		}
		if (l && l->kind == LIT_TENSOR)
			for (int64_t i = 0; i < l->u.tensor.count && i < 8; i++)
				k *= (double)lit_elem_i64(l, i);
	}
	return on < 0 ? -1 : on * k;
}

static double rnn_flops(const EstCtx *x)
{
	const Type *in = operand_type(x, "x");
	double xn = numel(x, in), idim = in ? dim_at(x, in, in->rank - 1) : -1;
	if (xn < 0 || idim <= 0)
		return -1;
	double steps = xn / idim, w = 0;
	for (uint32_t i = 0; i < x->op->nargs; i++) {
		const Operand *o = &x->op->args[i];
		if (strncmp(o->name, "weight", 6) != 0 || !o->n)
			continue;
		const Type *t = o->b[0].kind == BIND_LIT ? o->b[0].lit->type
		                                          : value_type(x, o->b[0].value);
		double n = numel(x, t);
		if (n > 0)
			w += n;
	}
	return 2 * steps * w;
}

/* ------------------------------------------------------------------ the estimate */

/* DRAM bandwidth (bytes/s) weights stream at: the chip's DRAM figure,
 * else its ANE streaming bandwidth, else M4's 120 GB/s. */
double cost_dram_bw(const AneChip *chip)
{
	if (chip && chip->dram_gbps > 0)
		return chip->dram_gbps * 1e9;
	if (chip && chip->ane_gbps > 0)
		return chip->ane_gbps * 1e9;
	return COST_DEFAULT_GBPS * 1e9;
}

/* One device's time in microseconds, and its parts: the class overhead,
 * flops at the device's rate, and the bytes: activations (act) at the
 * device's calibrated rate, weights (w) streamed from DRAM (the ANE at the
 * chip's streaming bandwidth; the CPU and GPU at the chip's DRAM bandwidth,
 * at most their own rate). */
static double device_us(const ClassCost *k, const AneChip *chip, Device d, double fl,
                        double act, double w, double *over, double *comp, double *mem)
{
	double peak = (chip && chip->fp16_tflops > 0 ? chip->fp16_tflops : 18.6) * 1e12;
	double gbps = chip && chip->ane_gbps > 0 ? chip->ane_gbps : ANE_GBPS_M4;
	double dram = cost_dram_bw(chip);
	switch (d) {
	case DEV_ANE:
		*over = k->ane_floor;
		*comp = fl / (peak * k->ane_eff) * 1e6;
		*mem = act / (ANE_BW_M4 * gbps / ANE_GBPS_M4 * k->ane_bwf) * 1e6 + w / (gbps * 1e9) * 1e6;
		break;
	case DEV_CPU:
		*over = k->cpu_floor;
		*comp = fl / k->cpu_rate * 1e6;
		*mem = act / (CPU_BW * k->cpu_bwf) * 1e6 + w / fmin(CPU_BW, dram) * 1e6;
		break;
	case DEV_GPU:
		*over = GPU_FLOOR_US;
		*comp = fl / (GPU_RATE * k->gpu_eff) * 1e6;
		*mem = act / GPU_BW * 1e6 + w / fmin(GPU_BW, dram) * 1e6;
		break;
	default:
		*over = *comp = *mem = 0;
		return 0;
	}
	return *over + fmax(*comp, *mem);
}

void cost_estimate_op(const PassCtx *ctx, const Func *f, const Op *op, OpId id,
                      const AneChip *chip, const AneFuncFacts *facts, CostOp *e)
{
	EstCtx x = { ctx, f, op, id, facts, chip, facts && facts->nn };
	OpCostClass cls = op_cost_class(op);
	Io io;
	io_bytes(&x, &io);
	double flops = -1, scores = 0;
	switch (cls) {
	case OPC_CONV: flops = conv_flops(&x); break;
	case OPC_MATMUL: flops = matmul_flops(&x); break;
	case OPC_SDPA:
		sdpa_work(&x, &flops, &scores);
		if (scores < 0)
			io.unknown = true;
		break;
	case OPC_NORM: {
		double n = numel(&x, operand_type(&x, "x"));
		flops = n < 0 ? -1 : 5 * n;
		break;
	}
	case OPC_RESIZE: {
		double n = out_numel(&x);
		flops = n < 0 ? -1 : 8 * n;
		break;
	}
	case OPC_POOL: flops = pool_flops(&x); break;
	case OPC_RNN: flops = rnn_flops(&x); break;
	case OPC_CONCAT: case OPC_MOVE: case OPC_VIEW: flops = 0; break;
	case OPC_CONTROL:
		flops = 0;
		memset(&io, 0, sizeof io);
		break;
	case OPC_ELEM: default: flops = out_numel(&x); break;
	case OPC_COUNT: break;
	}
	memset(e, 0, sizeof *e);
	e->cost_class = op_cost_class_name(cls);
	e->known = flops >= 0 && !io.unknown;
	e->flops = flops >= 0 ? flops : -1;
	if (io.unknown) {
		e->bytes = e->activation_bytes = e->weight_bytes_stored = e->weight_bytes_dense = -1;
	} else {
		e->activation_bytes = io.act + (scores > 0 ? scores : 0);
		e->weight_bytes_stored = io.w_stored;
		e->weight_bytes_dense = io.w_dense;
		e->bytes = e->activation_bytes + io.w_stored;
	}
	e->intensity = e->known && e->bytes > 0 ? flops / e->bytes : -1;
	/* what stays unknown leaves the overheads only */
	double fl = e->known ? flops : 0, act = e->known ? e->activation_bytes : 0;
	double w[DEV_COUNT] = { 0 };
	if (e->known) {
		w[DEV_CPU] = io.w_dense;
		w[DEV_GPU] = io.w_stored;
		w[DEV_ANE] = io.w_ane;
	}
	const ClassCost *k = &class_cost[cls];
	for (int d = DEV_CPU; d < DEV_COUNT; d++) {
		double over, comp, mem;
		double us = device_us(k, chip, (Device)d, fl, act, w[d], &over, &comp, &mem);
		e->device_bytes[d] = e->known ? act + w[d] : -1;
		e->ms[d] = us / 1000.0;
		e->overhead_ms[d] = over / 1000.0;
		e->compute_ms[d] = comp / 1000.0;
		e->memory_ms[d] = mem / 1000.0;
		e->bound[d] = fmax(comp, mem) < over ? BOUND_OVERHEAD
		              : comp > mem ? BOUND_COMPUTE : BOUND_MEMORY;
	}
}

double cost_device_ms(const AneChip *chip, const char *cost_class, Device d, double flops,
                      double bytes)
{
	for (int c = 0; c < OPC_COUNT; c++)
		if (cost_class && strcmp(op_cost_class_name((OpCostClass)c), cost_class) == 0) {
			double over, comp, mem;
			return device_us(&class_cost[c], chip, d, flops, bytes, 0, &over, &comp, &mem) /
			       1000.0;
		}
	return -1;
}

const char *cost_bound_name(CostBound b)
{
	switch (b) {
	case BOUND_OVERHEAD: return "overhead";
	case BOUND_COMPUTE: return "compute";
	case BOUND_MEMORY: return "memory";
	}
	return "?";
}

/* ------------------------------------------------------------------ the analysis */

typedef struct EstRun {
	const PassCtx *ctx;
	AneFuncRes *fr;
	const AneChip *chip;
} EstRun;

static int estimate_one(Func *f, Op *op, void *vrun)
{
	EstRun *run = vrun;
	if (op->index >= f->nops)
		return 0;
	OpPlacement *p = &run->fr->ops[op->index];
	CostOp *e = &run->fr->est[op->index];
	p->est = e;
	if (!p->is_const)
		cost_estimate_op(run->ctx, f, op, (OpId)run->fr->ids[op->index], run->chip,
		                 &run->fr->facts, e);
	e->is_const = p->is_const;
	return 0;
}

int pass_estimate(Module *m, PassCtx *ctx)
{
	struct AneLegality *lg = ctx->legality;
	if (!lg)
		return 0;
	for (uint32_t i = 0; i < lg->nfuncs && i < m->funcs.n; i++) {
		Func *f = m->funcs.v[i];
		AneFuncRes *fr = &lg->funcs[i];
		fr->est = arena_array(ctx->arena, f->nops ? f->nops : 1, sizeof *fr->est);
		if (!fr->est)
			IR_DIE("out of memory");
		EstRun run = { ctx, fr, lg->chip };
		ir_walk_ops(f, estimate_one, &run);
	}
	return 0;
}
