/* infer_rules_tensor.c - typing rules for tensor-creating and index ops:
 * fill / random_* / range_1d / one_hot, topk, non_maximum_suppression,
 * non_zero, and the gather / scatter families.  ops.md "Tensor operation",
 * "Scatter / gather", "Random". */
#include "passes/infer/infer_int.h"

#include <string.h>

static void unknown_dims(Dim *d, int32_t n)
{
	for (int32_t i = 0; i < n; i++)
		d[i] = dim_unknown();
}

void rule_SHAPE_OPERAND(IOp *io)
{
	const IVal *s = io_ival(io, "shape");
	const Type *st = io_type(io, "shape");
	Dim d[INFER_MAX_RANK];
	if (s && s->n <= INFER_MAX_RANK) {
		for (uint32_t i = 0; i < s->n; i++) {
			d[i] = s->e[i];
			if (d[i].kind == DIM_CONST && d[i].size < 0) {
				io_err(io, I_PARAM, "shape entry %u is %lld", i, (long long)d[i].size);
				return;
			}
		}
		io_out(io, 0, (int32_t)s->n, d);
	} else if (type_ranked(st) && st->rank == 1 && st->dims[0].kind == DIM_CONST &&
	           st->dims[0].size <= INFER_MAX_RANK) {
		/* runtime shape: the rank is its length */
		unknown_dims(d, (int32_t)st->dims[0].size);
		io_out(io, 0, (int32_t)st->dims[0].size, d);
	} else {
		io_out_unknown(io, 0);
	}
}

void rule_FILL_LIKE(IOp *io)
{
	io_out_like(io, 0, io_type(io, "ref_tensor"));
}

void rule_RANDOM_CATEGORICAL(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank < 1 || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	Dim d[INFER_MAX_RANK];
	copy_dims(d, x->dims, x->rank);
	int64_t size = io_int_or(io, "size", 1);
	d[x->rank - 1] = io_has(io, "size") && !io_int(io, "size", &size) ? dim_unknown()
	                 : dim_const(size);
	io_out(io, 0, x->rank, d);
}

static Dim max_boxes(IOp *io)
{
	int64_t m;
	return io_int(io, "max_boxes", &m) ? dim_const(m) : dim_unknown();
}

/* boxes and scores, both of rank 3; where either is not, every output
 * is unknown and the rule has nothing more to do. */
static bool nms_inputs(IOp *io, const Type **boxes, const Type **scores)
{
	*boxes = io_type(io, "boxes");
	*scores = io_type(io, "scores");
	if (type_ranked(*boxes) && (*boxes)->rank == 3 && type_ranked(*scores) &&
	    (*scores)->rank == 3)
		return true;
	io_outs_unknown(io);
	return false;
}

void rule_NMS_V15(IOp *io)
{
	const Type *b, *s;
	if (!nms_inputs(io, &b, &s))
		return;
	if (!dim_may_equal(b->dims[2], dim_const(4)) || !dim_may_equal(b->dims[1], s->dims[1]))
		io_err(io, I_SHAPE, "boxes must be [n, B, 4] and scores [n, B, K]");
	Dim n = b->dims[0], m = max_boxes(io);
	Dim o0[3] = { n, m, dim_const(4) }, o1[3] = { n, m, s->dims[2] }, o2[2] = { n, m };
	io_out(io, 0, 3, o0);
	io_out(io, 1, 3, o1);
	io_out(io, 2, 2, o2);
	io_out(io, 3, 1, &n);
}

void rule_NMS_V17(IOp *io)
{
	const Type *b, *s;
	if (!nms_inputs(io, &b, &s))
		return;
	if (!dim_may_equal(b->dims[1], dim_const(4)) || !dim_may_equal(b->dims[2], s->dims[2]))
		io_err(io, I_SHAPE, "boxes must be [n, 4, B] and scores [n, K, B]");
	Dim n = b->dims[0], m = max_boxes(io);
	Dim o0[3] = { n, dim_const(4), m }, o1[3] = { n, s->dims[1], m }, o2[2] = { n, m };
	io_out(io, 0, 3, o0);
	io_out(io, 1, 3, o1);
	io_out(io, 2, 2, o2);
}

void rule_NON_ZERO(IOp *io)
{
	const Type *x = io_type(io, "x");
	/* the row count depends on the data: never a guess */
	Dim d[2] = { dim_unknown(), type_ranked(x) ? dim_const(x->rank) : dim_unknown() };
	io_out(io, 0, 2, d);
}

void rule_ONE_HOT(IOp *io)
{
	const Type *ind = io_type(io, "indices");
	if (!type_ranked(ind) || ind->rank >= INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int32_t r = ind->rank + 1;
	int64_t ax;
	if (!io_axis(io, "axis", io_int_or(io, "axis", -1), r, &ax))
		return;
	int64_t size;
	Dim sd = io_int(io, "one_hot_vector_size", &size) ? dim_const(size) : dim_unknown();
	Dim d[INFER_MAX_RANK];
	for (int32_t i = 0, k = 0; i < r; i++)
		d[i] = i == ax ? sd : ind->dims[k++];
	io_out(io, 0, r, d);
}

void rule_RANGE_1D(IOp *io)
{
	const IVal *s = io_ival(io, "start"), *e = io_ival(io, "end"), *st = io_ival(io, "step");
	double fs, fe, fst;
	Dim len = dim_unknown();
	if (s && e && st && s->n == 1 && e->n == 1 && st->n == 1 && dim_known(st->e[0])) {
		int64_t step = st->e[0].size;
		if (step == 0) {
			io_err(io, I_PARAM, "step is 0");
			return;
		}
		Dim span = dim_sub(io->in, e->e[0], s->e[0]);
		if (span.kind == DIM_CONST) {
			int64_t n = step > 0 ? (span.size + step - 1) / step : (span.size + step + 1) / step;
			len = dim_const(n > 0 ? n : 0);
		} else if (step > 0) {
			len = dim_ceildiv(io->in, span, dim_const(step));
		}
	} else if (io_f64(io, "start", &fs) && io_f64(io, "end", &fe) && io_f64(io, "step", &fst) &&
	           fst != 0) {
		double n = (fe - fs) / fst;
		int64_t k = (int64_t)n;
		if ((double)k < n)
			k++;
		len = dim_const(k > 0 ? k : 0);
	}
	io_out(io, 0, 1, &len);
}

void rule_TOPK(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank == 0 || x->rank > INFER_MAX_RANK) {
		io_outs_unknown(io);
		return;
	}
	int64_t ax;
	if (!io_axis(io, "axis", io_int_or(io, "axis", -1), x->rank, &ax))
		return;
	Dim d[INFER_MAX_RANK];
	copy_dims(d, x->dims, x->rank);
	int64_t k = io_int_or(io, "k", 1);
	if (io_has(io, "k") && !io_int(io, "k", &k)) {
		d[ax] = dim_unknown();
	} else if (k == -1 && io->level >= OPSET_IOS17) {
		/* all elements */
	} else if (k <= 0) {
		io_err(io, I_PARAM, "k is %lld", (long long)k);
		return;
	} else {
		if (x->dims[ax].kind == DIM_CONST && k > x->dims[ax].size)
			io_err(io, I_SHAPE, "k = %lld exceeds the axis size %lld", (long long)k,
			       (long long)x->dims[ax].size);
		d[ax] = dim_const(k);
	}
	bool indices = io_bool_or(io, "return_indices", true);
	if (!indices && io->op->nouts > 1)
		io_err(io, I_OUTPUT_COUNT, "return_indices is false but the op has an indices output");
	if (indices && io->op->nouts < 2 && io->level >= OPSET_IOS16 && io_has(io, "return_indices"))
		io_err(io, I_OUTPUT_COUNT, "return_indices is true but the op has one output");
	for (uint32_t i = 0; i < io->op->nouts && i < 2; i++)
		io_out(io, i, x->rank, d);
}

/* ------------------------------------------------------------------ gather / scatter */

void rule_GATHER(IOp *io)
{
	const Type *x = io_type(io, "x"), *ind = io_type(io, "indices");
	if (!type_ranked(x) || !type_ranked(ind) || x->rank + ind->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	if (x->rank == 0) {
		io_err(io, I_OPERAND_RANK, "x must have rank 1 or more");
		return;
	}
	int64_t ax, bd = io_int_or(io, "batch_dims", 0);
	if (!io_axis(io, "axis", io_int_or(io, "axis", 0), x->rank, &ax))
		return;
	if (bd < 0)
		bd += ind->rank;
	if (bd < 0 || bd > ind->rank || bd >= x->rank || ax < bd) {
		io_err(io, I_PARAM, "batch_dims %lld needs batch_dims <= axis (%lld), < rank(x) %d and "
		       "<= rank(indices) %d", (long long)bd, (long long)ax, x->rank, ind->rank);
		return;
	}
	for (int64_t i = 0; i < bd; i++)
		if (!dim_may_equal(x->dims[i], ind->dims[i]))
			io_err(io, I_SHAPE, "batch dim %lld differs between x and indices", (long long)i);
	Dim d[INFER_MAX_RANK];
	int32_t r = 0;
	for (int64_t i = 0; i < ax; i++)
		d[r++] = x->dims[i];
	for (int32_t i = (int32_t)bd; i < ind->rank; i++)
		d[r++] = ind->dims[i];
	for (int32_t i = (int32_t)ax + 1; i < x->rank; i++)
		d[r++] = x->dims[i];
	io_out(io, 0, r, d);
}

/* indices / updates match x off the axis. */
static void along_axis_check(IOp *io, const Type *x, const Type *t, const char *what, int64_t ax)
{
	if (!type_ranked(t))
		return;
	if (t->rank != x->rank) {
		io_err(io, I_SHAPE, "%s has rank %d; x has %d", what, t->rank, x->rank);
		return;
	}
	for (int32_t i = 0; i < x->rank; i++)
		if (i != ax && !dim_may_equal(t->dims[i], x->dims[i])) {
			io_err(io, I_SHAPE, "%s differs from the data along dim %d (%lld vs %lld)", what, i,
			       (long long)t->dims[i].size, (long long)x->dims[i].size);
			return;
		}
}

void rule_GATHER_ALONG_AXIS(IOp *io)
{
	const Type *x = io_type(io, "x"), *ind = io_type(io, "indices");
	io_out_like(io, 0, ind);
	int64_t ax;
	if (!type_ranked(x) || !type_ranked(ind) ||
	    !io_axis(io, "axis", io_int_or(io, "axis", 0), x->rank, &ax))
		return;
	along_axis_check(io, x, ind, "indices", ax);
}

void rule_GATHER_ND(IOp *io)
{
	const Type *x = io_type(io, "x"), *ind = io_type(io, "indices");
	if (!type_ranked(x) || !type_ranked(ind) || ind->rank < 1 ||
	    x->rank + ind->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	Dim kd = ind->dims[ind->rank - 1];
	int64_t bd = io_int_or(io, "batch_dims", 0);
	if (kd.kind != DIM_CONST) {
		io_out_unknown(io, 0);
		return;
	}
	if (kd.size + bd > x->rank || bd < 0) {
		io_err(io, I_SHAPE, "indices address %lld dims after %lld batch dims; x has %d",
		       (long long)kd.size, (long long)bd, x->rank);
		return;
	}
	Dim d[INFER_MAX_RANK];
	int32_t r = 0;
	for (int32_t i = 0; i < ind->rank - 1; i++)
		d[r++] = ind->dims[i];
	for (int64_t i = bd + kd.size; i < x->rank; i++)
		d[r++] = x->dims[i];
	io_out(io, 0, r, d);
}

void rule_SCATTER(IOp *io)
{
	const Type *x = io_type(io, "data"), *ind = io_type(io, "indices"),
	           *up = io_type(io, "updates");
	io_out_like(io, 0, x);
	int64_t ax;
	if (!type_ranked(x) || !io_axis(io, "axis", io_int_or(io, "axis", 0), x->rank, &ax))
		return;
	if (!type_ranked(ind) || !type_ranked(up) || ind->rank != 1)
		return;
	bool ok = up->rank == x->rank;
	for (int32_t i = 0; ok && i < x->rank; i++)
		ok = dim_may_equal(up->dims[i], i == ax ? ind->dims[0] : x->dims[i]);
	if (!ok)
		io_err(io, I_SHAPE, "updates must be data's shape with the axis dim replaced by "
		       "len(indices)");
}

void rule_SCATTER_ALONG_AXIS(IOp *io)
{
	const Type *x = io_type(io, "data");
	io_out_like(io, 0, x);
	int64_t ax;
	if (!type_ranked(x) || !io_axis(io, "axis", io_int_or(io, "axis", 0), x->rank, &ax))
		return;
	const Type *ind = io_type(io, "indices"), *up = io_type(io, "updates");
	along_axis_check(io, x, ind, "indices", ax);
	if (type_ranked(ind) && type_ranked(up)) {
		bool ok = ind->rank == up->rank;
		for (int32_t i = 0; ok && i < ind->rank; i++)
			ok = dim_may_equal(ind->dims[i], up->dims[i]);
		if (!ok)
			io_err(io, I_SHAPE, "indices and updates must have the same shape");
	}
}

void rule_SCATTER_ND(IOp *io)
{
	const Type *x = io_type(io, "data"), *ind = io_type(io, "indices"),
	           *up = io_type(io, "updates");
	io_out_like(io, 0, x);
	if (!type_ranked(x) || !type_ranked(ind) || !type_ranked(up) || ind->rank < 1)
		return;
	Dim kd = ind->dims[ind->rank - 1];
	if (kd.kind != DIM_CONST)
		return;
	if (kd.size > x->rank) {
		io_err(io, I_SHAPE, "indices address %lld dims; data has %d", (long long)kd.size, x->rank);
		return;
	}
	int32_t want = ind->rank - 1 + x->rank - (int32_t)kd.size;
	bool ok = up->rank == want;
	for (int32_t i = 0; ok && i < ind->rank - 1; i++)
		ok = dim_may_equal(up->dims[i], ind->dims[i]);
	for (int32_t i = 0; ok && i < x->rank - (int32_t)kd.size; i++)
		ok = dim_may_equal(up->dims[ind->rank - 1 + i], x->dims[kd.size + i]);
	if (!ok)
		io_err(io, I_SHAPE, "updates must be indices.shape[:-1] + data.shape[k:]");
}
