/* infer_rules_elem.c - typing rules for elementwise ops (unary, binary with
 * numpy broadcasting, comparisons, select), per-channel and normalisation
 * ops, reductions and runtime quantisation.  ops.md "Global conventions",
 * "Elementwise unary/binary", "Activations", "Normalization", "Reduction",
 * "Quantization". */
#include "passes/infer/infer_int.h"

#include <stdio.h>
#include <string.h>

static void dims_text(const Type *t, char *buf, size_t n)
{
	size_t k = 0;
	if (!t || t->kind != TY_TENSOR || t->rank < 0) {
		snprintf(buf, n, "*");
		return;
	}
	k += (size_t)snprintf(buf, n, "[");
	for (int32_t i = 0; i < t->rank && k < n; i++) {
		const Dim *d = &t->dims[i];
		if (d->kind == DIM_CONST)
			k += (size_t)snprintf(buf + k, n - k, "%s%lld", i ? ", " : "", (long long)d->size);
		else
			k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "",
			                      d->kind == DIM_SYM ? d->sym : "?");
	}
	if (k < n)
		snprintf(buf + k, n - k, "]");
}

/* numpy broadcasting of two tensor types into (rank, dims); false with a
 * diagnostic when incompatible, true with rank -1 when a rank is unknown. */
static bool bcast2(IOp *io, const Type *a, const char *an, const Type *b, const char *bn,
                   int32_t *rank, Dim *out)
{
	if (!type_ranked(a) || !type_ranked(b)) {
		*rank = -1;
		return true;
	}
	int32_t r = a->rank > b->rank ? a->rank : b->rank;
	if (r > INFER_MAX_RANK) {
		*rank = -1;
		return true;
	}
	for (int32_t i = 0; i < r; i++) {
		int32_t ia = i - (r - a->rank), ib = i - (r - b->rank);
		Dim da = ia >= 0 ? a->dims[ia] : dim_const(1);
		Dim db = ib >= 0 ? b->dims[ib] : dim_const(1);
		if (!dim_broadcast(da, db, &out[i])) {
			char sa[128], sb[128];
			dims_text(a, sa, sizeof sa);
			dims_text(b, sb, sizeof sb);
			io_diag(io, SEV_ERROR, I_SHAPE, "insert a reshape or fix the producer's shape",
			        "shapes of '%s' %s and '%s' %s do not broadcast (dim %d: %lld vs %lld)",
			        an, sa, bn, sb, i, (long long)da.size, (long long)db.size);
			return false;
		}
	}
	*rank = r;
	return true;
}

static const char *first_name(const IOp *io)
{
	return io->info->noperands ? io->info->operands[0].name : "x";
}

void rule_ELEMENTWISE_UNARY(IOp *io)
{
	io_out_like(io, 0, io_type(io, first_name(io)));
}

void rule_SAME_SHAPE_AXIS(IOp *io)
{
	const Type *x = io_type(io, "x");
	io_out_like(io, 0, x);
	if (!type_ranked(x))
		return;
	int64_t ax, v[INFER_MAX_RANK];
	uint32_t n;
	if (io_has(io, "axis")) {
		if (io_int(io, "axis", &ax) && (x->rank > 0 || ax != 0))
			io_axis(io, "axis", ax, x->rank, &ax);
	} else if (io_ints(io, "axes", v, INFER_MAX_RANK, &n)) {
		for (uint32_t i = 0; i < n; i++)
			if (!io_axis(io, "axes entry", v[i], x->rank, &ax))
				break;
	}
}

/* The channel axis of [N, C, *D] (legacy networks: the third from last). */
static int32_t channel_axis(const IOp *io, const Type *x)
{
	return io->nn && x->rank >= 3 ? x->rank - 3 : 1;
}

void rule_PER_CHANNEL(IOp *io)
{
	const Type *x = io_type(io, "x");
	io_out_like(io, 0, x);
	if (!type_ranked(x) || x->rank < 2)
		return;
	Dim c = x->dims[channel_axis(io, x)];
	for (uint8_t k = 0; k < io->info->noperands; k++) {
		const char *name = io->info->operands[k].name;
		if (strcmp(name, "x") == 0 || io->info->operands[k].rank_max != 1)
			continue;
		const Type *t = io_type(io, name);
		if (!type_ranked(t) || t->rank != 1)
			continue;
		if (!dim_may_equal(t->dims[0], c) && !dim_is(t->dims[0], 1))
			io_diag(io, SEV_ERROR, I_SHAPE, NULL,
			        "operand '%s' has %lld entries but x has %lld channels", name,
			        (long long)t->dims[0].size, (long long)c.size);
	}
}

void rule_LAYER_NORM(IOp *io)
{
	const Type *x = io_type(io, "x");
	io_out_like(io, 0, x);
	if (!type_ranked(x))
		return;
	bool norm[INFER_MAX_RANK] = { false };
	int64_t v[INFER_MAX_RANK];
	uint32_t n = 0;
	if (x->rank > INFER_MAX_RANK)
		return;
	if (io_has(io, "axes")) {
		if (!io_ints(io, "axes", v, INFER_MAX_RANK, &n))
			return;
		for (uint32_t i = 0; i < n; i++) {
			int64_t a;
			if (!io_axis(io, "axes entry", v[i], x->rank, &a))
				return;
			norm[a] = true;
		}
	} else {
		for (int32_t i = 0; i < x->rank; i++)
			norm[i] = true;
	}
	Dim want[INFER_MAX_RANK];
	int32_t nw = 0;
	for (int32_t i = 0; i < x->rank; i++)
		if (norm[i])
			want[nw++] = x->dims[i];
	static const char *const params[] = { "gamma", "beta" };
	for (int p = 0; p < 2; p++) {
		const Type *t = io_type(io, params[p]);
		if (!type_ranked(t))
			continue;
		bool ok = t->rank == nw;
		for (int32_t i = 0; ok && i < nw; i++)
			ok = dim_may_equal(t->dims[i], want[i]);
		if (!ok) {
			char s[128];
			dims_text(t, s, sizeof s);
			io_err(io, I_SHAPE, "operand '%s' has shape %s; expected the normalised dims of x",
			       params[p], s);
		}
	}
}

void rule_REVERSE_SEQUENCE(IOp *io)
{
	const Type *x = io_type(io, "x"), *len = io_type(io, "lengths");
	io_out_like(io, 0, x);
	if (!type_ranked(x) || !type_ranked(len) || len->rank != 1)
		return;
	int64_t b;
	if (!io_axis(io, "batch_axis", io_int_or(io, "batch_axis", 0), x->rank, &b))
		return;
	int64_t s;
	io_axis(io, "seq_axis", io_int_or(io, "seq_axis", 0), x->rank, &s);
	if (!dim_may_equal(len->dims[0], x->dims[b]))
		io_err(io, I_SHAPE, "lengths has %lld entries; x has %lld along batch_axis",
		       (long long)len->dims[0].size, (long long)x->dims[b].size);
}

void rule_BROADCAST_BINARY(IOp *io)
{
	int32_t r;
	Dim d[INFER_MAX_RANK];
	if (bcast2(io, io_type(io, "x"), "x", io_type(io, "y"), "y", &r, d))
		io_out(io, 0, r, r >= 0 ? d : NULL);
}

void rule_COMPARE(IOp *io)
{
	rule_BROADCAST_BINARY(io);
}

void rule_SELECT(IOp *io)
{
	int32_t r1, r2;
	Dim d1[INFER_MAX_RANK], d2[INFER_MAX_RANK];
	if (!bcast2(io, io_type(io, "a"), "a", io_type(io, "b"), "b", &r1, d1))
		return;
	if (r1 < 0) {
		io_out_unknown(io, 0);
		return;
	}
	const Type *ab = type_tensor(io->in->types, DT_FP32, r1, d1);
	if (bcast2(io, io_type(io, "cond"), "cond", ab, "a/b", &r2, d2))
		io_out(io, 0, r2, r2 >= 0 ? d2 : NULL);
}

/* Reduced axes as flags; false when not known. */
static bool reduced_axes(IOp *io, const Type *x, const char *operand, bool *red)
{
	int64_t v[INFER_MAX_RANK];
	uint32_t n;
	for (int32_t i = 0; i < x->rank; i++)
		red[i] = false;
	if (!io_has(io, operand)) {
		for (int32_t i = 0; i < x->rank; i++)
			red[i] = true;
		return true;
	}
	if (!io_ints(io, operand, v, INFER_MAX_RANK, &n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		int64_t a;
		if (!io_axis(io, "axes entry", v[i], x->rank, &a))
			return false;
		red[a] = true;
	}
	return true;
}

static void reduce_out(IOp *io, const Type *x, const bool *red, bool keep)
{
	Dim d[INFER_MAX_RANK];
	int32_t r = 0;
	for (int32_t i = 0; i < x->rank; i++) {
		if (!red[i])
			d[r++] = x->dims[i];
		else if (keep)
			d[r++] = dim_const(1);
	}
	io_out(io, 0, r, d);
}

void rule_REDUCE(IOp *io)
{
	const Type *x = io_type(io, "x");
	bool red[INFER_MAX_RANK];
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	bool keep = io_bool_or(io, "keep_dims", false);
	if (!reduced_axes(io, x, "axes", red)) {
		/* axes not known: with keep_dims the rank stays */
		Dim d[INFER_MAX_RANK];
		for (int32_t i = 0; i < x->rank; i++)
			d[i] = dim_unknown();
		if (keep)
			io_out(io, 0, x->rank, d);
		else
			io_out_unknown(io, 0);
		return;
	}
	reduce_out(io, x, red, keep);
}

void rule_REDUCE_ARG(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	bool red[INFER_MAX_RANK] = { false };
	int64_t a;
	if (x->rank == 0) {
		io_out(io, 0, 0, NULL);
		return;
	}
	if (!io_axis(io, "axis", io_int_or(io, "axis", -1), x->rank, &a))
		return;
	red[a] = true;
	reduce_out(io, x, red, io_bool_or(io, "keep_dims", false));
}

void rule_QUANTIZE(IOp *io)
{
	const Type *x = io_type(io, "input");
	io_out_like(io, 0, x);
	if (!type_ranked(x))
		return;
	bool has_axis = io_has(io, "axis");
	int64_t ax = 0;
	if (has_axis && !io_axis(io, "axis", io_int_or(io, "axis", 0), x->rank, &ax))
		return;
	static const char *const params[] = { "scale", "zero_point" };
	for (int p = 0; p < 2; p++) {
		const Type *t = io_type(io, params[p]);
		if (!type_ranked(t) || t->rank == 0)
			continue;
		if (!has_axis)
			io_err(io, I_SHAPE, "'%s' is a vector, which needs 'axis'", params[p]);
		else if (!dim_may_equal(t->dims[0], x->dims[ax]))
			io_err(io, I_SHAPE, "'%s' has %lld entries; input has %lld along axis %lld",
			       params[p], (long long)t->dims[0].size, (long long)x->dims[ax].size,
			       (long long)ax);
	}
}
