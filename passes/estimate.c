/* estimate.c - modelled runtime of one op on the ANE, the CPU and the GPU.
 *
 * Each op kind falls in a cost class.  For a class and a device:
 *
 *     t = floor + max(flops / rate, bytes / bandwidth)          (microseconds)
 *
 * flops and bytes come from the inferred shapes (bytes: every tensor the op
 * reads, constant weights included, and every tensor it writes; attention
 * also writes and reads its score matrix).  Symbolic dims are evaluated at
 * the inputs' default shapes; anything still unknown leaves the floor only.
 *
 * The ANE rate is the chip's FP16 peak (ane_chips.c) times a class
 * efficiency; its bandwidth is 500 GB/s scaled by the chip's streaming
 * bandwidth relative to M4's (activations live on chip; I).  The CPU and GPU
 * are modelled as M4-class for every chip (the spec gives no per-chip CPU or
 * GPU figures).  The class constants are CALIBRATED so that the example
 * estimates of ane-legality.md §3 (M4, [STUDY-DISPATCH]) come out within a
 * few percent (tests/test_placement.c, test_placement_calibration, holds
 * them to 25%):
 *
 *   example (1x64x32x32 fp16 unless named)   ANE us model/spec   CPU us model/spec
 *   conv 3x3 64->64                          4.67 / 4.67         100.06 / 100.06
 *   conv 1x1 64->64                          1.15 / 1.17          21.66 / 21.62
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
 */
#include "passes/ane_int.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

typedef enum EstClass {
	EC_ELEM,        /* element-wise, activations, casts, comparisons (default) */
	EC_VIEW,        /* reshape, squeeze, expand_dims, identity */
	EC_MOVE,        /* transpose and data movement (slice, gather, pad, pixel ops) */
	EC_CONCAT,      /* concat, split, stack, tile */
	EC_NORM,        /* softmax, normalisations, reductions */
	EC_CONV,        /* conv, conv_transpose */
	EC_MATMUL,      /* matmul, linear, einsum */
	EC_SDPA,        /* scaled_dot_product_attention */
	EC_RESIZE,      /* upsample, resize, crop_resize, resample */
	EC_POOL,        /* max/avg/l2 pool */
	EC_RNN,         /* lstm, gru, rnn */
	EC_CONTROL,     /* cond, while_loop and anything without a shape rule */
	EC_COUNT
} EstClass;

/* Per class: ANE floor (us), efficiency (x FP16 peak), bandwidth factor
 * (x the ANE's 500 GB/s); CPU floor (us), rate (FLOP/s), bandwidth factor
 * (x 200 GB/s); GPU efficiency (x 4 TFLOPS). */
typedef struct ClassCost {
	double ane_floor, ane_eff, ane_bwf;
	double cpu_floor, cpu_rate, cpu_bwf;
	double gpu_eff;
} ClassCost;

static const ClassCost class_cost[EC_COUNT] = {
	/* calibrated: relu */
	[EC_ELEM] = { 2.096, 1.0, 1.0, 1.309, 0.2e12, 1.0, 1.0 },
	/* not in §3: element-wise constants (I) */
	[EC_VIEW] = { 2.096, 1.0, 1.0, 1.309, 0.2e12, 1.0, 1.0 },
	/* calibrated: transpose */
	[EC_MOVE] = { 3.286, 1.0, 1.0, 1.689, 0.2e12, 1.0, 1.0 },
	/* calibrated: concat */
	[EC_CONCAT] = { 1.571, 1.0, 1.0, 20.17, 0.2e12, 1.0, 1.0 },
	/* calibrated: softmax / layer_norm */
	[EC_NORM] = { 3.066, 1.0, 1.0, 2.672, 0.2e12, 1.0, 1.0 },
	/* calibrated: conv 3x3 and 1x1 */
	[EC_CONV] = { 0.611, 1.0, 1.0, 11.86, 0.856e12, 1.0, 0.8 },
	/* calibrated: matmul */
	[EC_MATMUL] = { 1.338, 0.5, 1.0, 2.731, 1.0e12, 1.0, 0.8 },
	/* calibrated: sdpa (memory-bound on both, as §3's ratios say) */
	[EC_SDPA] = { 2.811, 1.0, 0.48, 3.377, 10e12, 1.0, 0.8 },
	/* calibrated: upsample_bilinear */
	[EC_RESIZE] = { 2.0, 1.0, 1.0, 1.31, 4.208e9, 1.0, 1.0 },
	/* not in §3 (I): pooling as a cheap conv */
	[EC_POOL] = { 2.0, 0.25, 1.0, 2.0, 0.1e12, 1.0, 0.5 },
	/* not in §3 (I): BNNS-class recurrent kernels */
	[EC_RNN] = { 5.0, 0.25, 1.0, 5.0, 0.5e12, 1.0, 0.5 },
	/* not in §3 (I) */
	[EC_CONTROL] = { 5.0, 1.0, 1.0, 5.0, 0.2e12, 1.0, 1.0 },
};

#define ANE_BW_M4 500e9         /* bytes/s, calibrated */
#define ANE_GBPS_M4 120.0       /* M4's streaming bandwidth in the chip table */
#define CPU_BW 200e9
#define GPU_RATE 4e12
#define GPU_BW 250e9
#define GPU_FLOOR_US 5.0

/* Catalogue ops by id; ops not named are element-wise (EC_ELEM = 0). */
#define C(op, cls) [OPID_##op] = cls
static const uint8_t class_by_id[OPID_COUNT] = {
	C(conv, EC_CONV), C(conv_transpose, EC_CONV), C(conv_quantized, EC_CONV),
	C(matmul, EC_MATMUL), C(linear, EC_MATMUL), C(einsum, EC_MATMUL),
	C(scaled_dot_product_attention, EC_SDPA),
	C(softmax, EC_NORM), C(layer_norm, EC_NORM), C(batch_norm, EC_NORM),
	C(instance_norm, EC_NORM), C(l2_norm, EC_NORM), C(local_response_norm, EC_NORM),
	C(reduce_argmax, EC_NORM), C(reduce_argmin, EC_NORM), C(reduce_l1_norm, EC_NORM),
	C(reduce_l2_norm, EC_NORM), C(reduce_log_sum, EC_NORM), C(reduce_log_sum_exp, EC_NORM),
	C(reduce_max, EC_NORM), C(reduce_mean, EC_NORM), C(reduce_min, EC_NORM),
	C(reduce_prod, EC_NORM), C(reduce_sum, EC_NORM), C(reduce_sum_square, EC_NORM),
	C(reshape, EC_VIEW), C(squeeze, EC_VIEW), C(expand_dims, EC_VIEW), C(identity, EC_VIEW),
	C(flatten2d, EC_VIEW), C(reshape_like, EC_VIEW),
	C(transpose, EC_MOVE), C(slice_by_index, EC_MOVE), C(slice_by_size, EC_MOVE),
	C(slice_update, EC_MOVE), C(gather, EC_MOVE), C(gather_along_axis, EC_MOVE),
	C(gather_nd, EC_MOVE), C(scatter, EC_MOVE), C(scatter_along_axis, EC_MOVE),
	C(scatter_nd, EC_MOVE), C(pad, EC_MOVE), C(crop, EC_MOVE), C(depth_to_space, EC_MOVE),
	C(space_to_depth, EC_MOVE), C(pixel_shuffle, EC_MOVE), C(pixel_unshuffle, EC_MOVE),
	C(space_to_batch, EC_MOVE), C(batch_to_space, EC_MOVE), C(reverse, EC_MOVE),
	C(sliding_windows, EC_MOVE),
	C(concat, EC_CONCAT), C(split, EC_CONCAT), C(stack, EC_CONCAT), C(tile, EC_CONCAT),
	C(upsample_nearest_neighbor, EC_RESIZE), C(upsample_bilinear, EC_RESIZE),
	C(resize_nearest_neighbor, EC_RESIZE), C(resize_bilinear, EC_RESIZE), C(resize, EC_RESIZE),
	C(crop_resize, EC_RESIZE), C(resample, EC_RESIZE), C(affine, EC_RESIZE),
	C(max_pool, EC_POOL), C(avg_pool, EC_POOL), C(l2_pool, EC_POOL),
	C(lstm, EC_RNN), C(gru, EC_RNN), C(rnn, EC_RNN),
	C(cond, EC_CONTROL), C(while_loop, EC_CONTROL),
};
#undef C
static_assert(EC_ELEM == 0, "unnamed ops are element-wise");

/* Ops outside the catalogue (legacy layers kept as nn.*). */
static const struct {
	const char *kind;
	EstClass cls;
} kind_classes[] = {
	{ "nn.batchnorm", EC_NORM }, { "nn.branch", EC_CONTROL }, { "nn.loop", EC_CONTROL },
	{ "nn.embedding", EC_MOVE }, { "nn.embeddingND", EC_MOVE }, { "call", EC_CONTROL },
};

static EstClass class_of(const Op *op, OpId id)
{
	if (id < OPID_COUNT)
		return (EstClass)class_by_id[id];
	for (size_t i = 0; i < sizeof kind_classes / sizeof *kind_classes; i++)
		if (strcmp(kind_classes[i].kind, op->kind) == 0)
			return kind_classes[i].cls;
	return EC_ELEM;
}

/* ------------------------------------------------------------------ symbolic dims */

typedef struct Expr {
	const char *s;
	const AneFuncFacts *facts;
	bool bad;
} Expr;

static int64_t expr_sum(Expr *e);

static void skip_ws(Expr *e)
{
	while (*e->s == ' ')
		e->s++;
}

static int64_t expr_atom(Expr *e)
{
	skip_ws(e);
	if (*e->s == '(') {
		e->s++;
		int64_t v = expr_sum(e);
		skip_ws(e);
		if (*e->s != ')')
			e->bad = true;
		else
			e->s++;
		return v;
	}
	if (*e->s == '-') {
		e->s++;
		return -expr_atom(e);
	}
	if (isdigit((unsigned char)*e->s)) {
		int64_t v = 0;
		while (isdigit((unsigned char)*e->s)) {
			if (v > INT64_MAX / 16)
				e->bad = true;
			v = v * 10 + (*e->s++ - '0');
		}
		return v;
	}
	if (isalpha((unsigned char)*e->s) || *e->s == '_') {
		const char *start = e->s;
		while (isalnum((unsigned char)*e->s) || *e->s == '_')
			e->s++;
		size_t n = (size_t)(e->s - start);
		for (uint32_t i = 0; e->facts && i < e->facts->nsyms; i++)
			if (strlen(e->facts->sym_names[i]) == n &&
			    strncmp(e->facts->sym_names[i], start, n) == 0) {
				if (e->facts->sym_values[i] < 0)
					e->bad = true;
				return e->facts->sym_values[i];
			}
		e->bad = true;
		return 0;
	}
	e->bad = true;
	return 0;
}

static int64_t expr_product(Expr *e)
{
	int64_t v = expr_atom(e);
	for (;;) {
		skip_ws(e);
		if (e->bad)
			return 0;
		if (e->s[0] == '/' && e->s[1] == '/') {
			e->s += 2;
			int64_t d = expr_atom(e);
			if (d <= 0) {
				e->bad = true;
				return 0;
			}
			v = v >= 0 ? v / d : -((-v + d - 1) / d);
		} else if (e->s[0] == '*') {
			e->s++;
			int64_t r = expr_atom(e);
			if (r && (v > INT64_MAX / (r < 0 ? -r : r) || v < -INT64_MAX / (r < 0 ? -r : r)))
				e->bad = true;
			else
				v *= r;
		} else {
			return v;
		}
	}
}

static int64_t expr_sum(Expr *e)
{
	int64_t v = expr_product(e);
	for (;;) {
		skip_ws(e);
		if (e->bad)
			return 0;
		if (*e->s == '+') {
			e->s++;
			v += expr_product(e);
		} else if (*e->s == '-') {
			e->s++;
			v -= expr_product(e);
		} else {
			return v;
		}
	}
}

int64_t ane_dim_value(Dim d, const AneFuncFacts *facts)
{
	if (d.kind == DIM_CONST)
		return d.size;
	if (d.kind != DIM_SYM || !d.sym || !facts || !facts->nsyms)
		return -1;
	Expr e = { d.sym, facts, false };
	int64_t v = expr_sum(&e);
	skip_ws(&e);
	return e.bad || *e.s || v < 0 ? -1 : v;
}

/* ------------------------------------------------------------------ shapes */

typedef struct EstCtx {
	const PassCtx *ctx;
	const Func *f;
	const Op *op;
	OpId id;
	const AneFuncFacts *facts;
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

static double numel(const EstCtx *x, const Type *t)
{
	if (!t || t->rank < 0)
		return -1;
	double n = 1;
	for (int32_t i = 0; i < t->rank; i++) {
		int64_t v = ane_dim_value(t->dims[i], x->facts);
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
	int64_t v = ane_dim_value(t->dims[i], x->facts);
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

/* Every tensor read (operands) and written (outputs); -1 when any is unknown. */
static double io_bytes(const EstCtx *x)
{
	double sum = 0;
	for (uint32_t i = 0; i < x->op->nargs; i++)
		for (uint32_t j = 0; j < x->op->args[i].n; j++) {
			const Binding *b = &x->op->args[i].b[j];
			const Type *t = b->kind == BIND_LIT ? b->lit->type : value_type(x, b->value);
			if (!t || t->kind != TY_TENSOR)
				continue;
			/* small literal parameters (axes, strides) do not count */
			if (b->kind == BIND_LIT && numel(x, t) <= 16)
				continue;
			double n = tensor_bytes(x, t);
			if (n < 0)
				return -1;
			sum += n;
		}
	for (uint32_t i = 0; i < x->op->nouts; i++) {
		const Type *t = out_type(x, i);
		if (!t)
			continue;
		double n = tensor_bytes(x, t);
		if (n < 0)
			return -1;
		sum += n;
	}
	return sum;
}

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

static double matmul_flops(const EstCtx *x)
{
	double on = numel(x, out_type(x, 0));
	const Type *in = operand_type(x, "x");
	if (on < 0 || !in || in->rank < 1)
		return -1;
	double inner;
	OpId id = x->id;
	if (id == OPID_matmul) {
		const Operand *o = ir_op_operand(x->op, "transpose_x");
		bool tx = false;
		if (o && o->n && o->b[0].kind == BIND_LIT && o->b[0].lit->kind == LIT_TENSOR &&
		    o->b[0].lit->u.tensor.count == 1)
			tx = lit_elem_i64(o->b[0].lit, 0) != 0;
		else if (o && o->n && o->b[0].kind == BIND_VALUE) {
			const Op *d = ir_value(x->f, o->b[0].value)->def;
			const Lit *l = d && strcmp(d->kind, "const") == 0
			               ? ir_attr_find(d->nattrs, d->attrs, "val") : NULL;
			tx = l && l->kind == LIT_TENSOR && l->u.tensor.count == 1 && lit_elem_i64(l, 0);
		}
		inner = dim_at(x, in, tx && in->rank >= 2 ? in->rank - 2 : in->rank - 1);
	} else if (id == OPID_linear) {
		inner = dim_at(x, in, in->rank - 1);
	} else {
		/* einsum: assume a contraction over x's last axis */
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
			l = d && strcmp(d->kind, "const") == 0 ? ir_attr_find(d->nattrs, d->attrs, "val")
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

void ane_estimate_op(const PassCtx *ctx, const Func *f, const Op *op, OpId id,
                     const AneChip *chip, const AneFuncFacts *facts, AneEstimate *e)
{
	EstCtx x = { ctx, f, op, id, facts, facts && facts->nn };
	EstClass cls = class_of(op, id);
	double flops = -1, bytes = io_bytes(&x);
	switch (cls) {
	case EC_CONV: flops = conv_flops(&x); break;
	case EC_MATMUL: flops = matmul_flops(&x); break;
	case EC_SDPA: {
		double scores;
		sdpa_work(&x, &flops, &scores);
		if (bytes >= 0)
			bytes = scores >= 0 ? bytes + scores : -1;
		break;
	}
	case EC_NORM: {
		const Type *in = operand_type(&x, "x");
		double n = numel(&x, in);
		flops = n < 0 ? -1 : 5 * n;
		break;
	}
	case EC_RESIZE: {
		double n = out_numel(&x);
		flops = n < 0 ? -1 : 8 * n;
		break;
	}
	case EC_POOL: flops = pool_flops(&x); break;
	case EC_RNN: flops = rnn_flops(&x); break;
	case EC_CONCAT: case EC_MOVE: case EC_VIEW: flops = 0; break;
	case EC_CONTROL: flops = 0; bytes = 0; break;
	case EC_ELEM: default: flops = out_numel(&x); break;
	case EC_COUNT: break;
	}
	const ClassCost *k = &class_cost[cls];
	e->flops = flops;
	e->bytes = bytes;
	e->known = flops >= 0 && bytes >= 0;
	double fl = flops > 0 ? flops : 0, by = bytes > 0 ? bytes : 0;
	if (!e->known)
		fl = by = 0;
	double peak = (chip->fp16_tflops > 0 ? chip->fp16_tflops : 18.6) * 1e12;
	double ane_bw = ANE_BW_M4 * (chip->ane_gbps > 0 ? chip->ane_gbps : ANE_GBPS_M4) / ANE_GBPS_M4;
	double us[DEV_COUNT] = { 0 };
	us[DEV_ANE] = k->ane_floor + fmax(fl / (peak * k->ane_eff) * 1e6,
	                                  by / (ane_bw * k->ane_bwf) * 1e6);
	us[DEV_CPU] = k->cpu_floor + fmax(fl / k->cpu_rate * 1e6, by / (CPU_BW * k->cpu_bwf) * 1e6);
	us[DEV_GPU] = GPU_FLOOR_US + fmax(fl / (GPU_RATE * k->gpu_eff) * 1e6, by / GPU_BW * 1e6);
	e->ms[DEV_NONE] = 0;
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		e->ms[d] = us[d] / 1000.0;
}
