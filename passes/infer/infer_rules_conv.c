/* infer_rules_conv.c - typing rules for convolution and pooling, linear
 * algebra (linear, matmul, einsum), image resizing and sampling, and
 * scaled dot-product attention.  ops.md "Global conventions: Spatial output
 * size", "Convolution and pooling", "Linear algebra", "Image resizing",
 * "Transformers"; legacy layers: nn-layers.md §1.3, A1, A3, B1, B2. */
#include "passes/infer/infer_int.h"

#include <math.h>
#include <string.h>

Dim conv_out_dim(IOp *io, Dim d, int64_t k_eff, int64_t stride, const char *pad_type,
                 int64_t pad_before, int64_t pad_after, bool ceil_mode)
{
	Infer *in = io->in;
	if (stride <= 0)
		return dim_unknown();
	if (strcmp(pad_type, "same") == 0 || strcmp(pad_type, "same_lower") == 0)
		return dim_ceildiv(in, d, dim_const(stride));
	int64_t total = strcmp(pad_type, "custom") == 0 ? pad_before + pad_after : 0;
	Dim span = dim_addc(in, d, total - k_eff);
	Dim out;
	if (!ceil_mode) {
		out = dim_addc(in, dim_floordiv(in, span, dim_const(stride)), 1);
	} else {
		out = dim_addc(in, dim_ceildiv(in, span, dim_const(stride)), 1);
		/* the last window must start inside the input and its left pad */
		if (total > 0) {
			if (out.kind == DIM_CONST && d.kind == DIM_CONST) {
				if ((out.size - 1) * stride >= d.size + pad_before)
					out.size--;
			} else {
				out = dim_unknown();
			}
		}
	}
	if (out.kind == DIM_CONST && out.size < 1) {
		io_err(io, I_SHAPE, "spatial size %lld with kernel %lld, stride %lld and %lld padding "
		       "gives an empty output", (long long)d.size, (long long)k_eff, (long long)stride,
		       (long long)total);
		return dim_unknown();
	}
	return out;
}

/* A vector parameter of length n with a default fill value. */
static bool param_vec(IOp *io, const char *name, uint32_t n, int64_t dflt, int64_t *v)
{
	uint32_t got;
	if (!io_has(io, name)) {
		for (uint32_t i = 0; i < n; i++)
			v[i] = dflt;
		return true;
	}
	if (!io_ints(io, name, v, INFER_MAX_RANK * 2, &got))
		return false;
	if (got == 1 && n > 1) {
		for (uint32_t i = 1; i < n; i++)
			v[i] = v[0];
		got = n;
	}
	if (got != n) {
		io_err(io, I_SHAPE, "'%s' has %u entries; %u expected", name, got, n);
		return false;
	}
	return true;
}

static const char *pad_type_of(IOp *io)
{
	const char *p = io_str(io, "pad_type");
	if (!p)
		p = "valid";
	if (strcmp(p, "valid") && strcmp(p, "same") && strcmp(p, "same_lower") &&
	    strcmp(p, "custom")) {
		io_diag(io, SEV_ERROR, I_PARAM, "use valid, same, same_lower or custom",
		        "pad_type \"%s\" is not a padding mode", p);
		return NULL;
	}
	if (strcmp(p, "same_lower") == 0 && io->level == OPSET_IOS15 && !io->nn)
		io_diag(io, SEV_ERROR, I_PARAM, "use pad_type custom, or target iOS16 or newer",
		        "pad_type \"same_lower\" is rejected at ios15");
	return p;
}

/* Spatial layout: x is [lead..., C, D1..DS]. */
typedef struct Spatial {
	int32_t rank, caxis, s;         /* rank of x, channel axis, spatial dims */
} Spatial;

static bool spatial_of(IOp *io, const Type *x, Spatial *sp)
{
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK)
		return false;
	sp->rank = x->rank;
	if (io->nn) {
		/* legacy layers are 2-D over the last two axes, whatever the rank */
		if (x->rank < 3)
			return false;
		sp->s = 2;
		sp->caxis = x->rank - 3;
	} else {
		if (x->rank < 3)
			return false;
		sp->s = x->rank - 2;
		sp->caxis = 1;
	}
	return true;
}

/* The spatial output dims of conv / pool from the op's parameters. */
static bool spatial_out(IOp *io, const Type *x, const Spatial *sp, const int64_t *kernel,
                        bool dilated, bool ceil_mode, Dim *out)
{
	int64_t strides[INFER_MAX_RANK], dil[INFER_MAX_RANK], pad[2 * INFER_MAX_RANK];
	const char *pt = pad_type_of(io);
	if (!pt)
		return false;
	if (!param_vec(io, "strides", (uint32_t)sp->s, 1, strides) ||
	    (dilated && !param_vec(io, "dilations", (uint32_t)sp->s, 1, dil)))
		return false;
	if (!dilated)
		for (int32_t i = 0; i < sp->s; i++)
			dil[i] = 1;
	if (!param_vec(io, "pad", (uint32_t)(2 * sp->s), 0, pad))
		return false;
	for (int32_t i = 0; i < sp->s; i++) {
		if (strides[i] <= 0 || dil[i] <= 0 || kernel[i] <= 0) {
			io_err(io, I_PARAM, "kernel, strides and dilations must be positive (dim %d: "
			       "%lld, %lld, %lld)", i, (long long)kernel[i], (long long)strides[i],
			       (long long)dil[i]);
			return false;
		}
		if (pad[2 * i] < 0 || pad[2 * i + 1] < 0) {
			io_err(io, I_PARAM, "pad entries must not be negative");
			return false;
		}
		int64_t keff = (kernel[i] - 1) * dil[i] + 1;
		out[i] = conv_out_dim(io, x->dims[sp->rank - sp->s + i], keff, strides[i], pt,
		                      pad[2 * i], pad[2 * i + 1], ceil_mode);
		if (io->failed)
			return false;       /* one report per op */
	}
	return true;
}

void rule_CONV(IOp *io)
{
	const Type *x = io_type(io, "x"), *w = io_type(io, "weight");
	Spatial sp;
	if (!spatial_of(io, x, &sp) || !type_ranked(w) || w->rank != sp.s + 2) {
		if (!io->failed && type_ranked(x) && type_ranked(w) && w->rank != (io->nn ? 4 : x->rank))
			io_err(io, I_SHAPE, "weight has rank %d; x of rank %d needs %d", w->rank, x->rank,
			       io->nn ? 4 : x->rank);
		io_out_unknown(io, 0);
		return;
	}
	int64_t groups = io_int_or(io, "groups", 1);
	if (groups <= 0) {
		io_err(io, I_PARAM, "groups must be positive, found %lld", (long long)groups);
		return;
	}
	Dim cin = x->dims[sp.caxis], cout = w->dims[0];
	Dim per = w->dims[1];
	if (cin.kind == DIM_CONST && per.kind == DIM_CONST && cin.size != per.size * groups)
		io_diag(io, SEV_ERROR, I_SHAPE, "the weight's second dim must be C_in / groups",
		        "x has %lld input channels but weight expects %lld x %lld groups",
		        (long long)cin.size, (long long)per.size, (long long)groups);
	if (cout.kind == DIM_CONST && cout.size % groups)
		io_err(io, I_SHAPE, "%lld output channels do not split into %lld groups",
		       (long long)cout.size, (long long)groups);
	const Type *b = io_type(io, "bias");
	if (type_ranked(b) && b->rank == 1 && !dim_may_equal(b->dims[0], cout))
		io_err(io, I_SHAPE, "bias has %lld entries for %lld output channels",
		       (long long)b->dims[0].size, (long long)cout.size);
	int64_t k[INFER_MAX_RANK];
	for (int32_t i = 0; i < sp.s; i++) {
		Dim kd = w->dims[2 + i];
		if (kd.kind != DIM_CONST) {
			io_out_unknown(io, 0);
			return;
		}
		k[i] = kd.size;
	}
	Dim d[INFER_MAX_RANK];
	for (int32_t i = 0; i < x->rank; i++)
		d[i] = x->dims[i];
	d[sp.caxis] = cout;
	if (!spatial_out(io, x, &sp, k, true, false, d + x->rank - sp.s))
		return;
	io_out(io, 0, x->rank, d);
}

void rule_CONV_TRANSPOSE(IOp *io)
{
	const Type *x = io_type(io, "x"), *w = io_type(io, "weight");
	Spatial sp;
	if (!spatial_of(io, x, &sp) || !type_ranked(w) || w->rank != sp.s + 2) {
		io_out_unknown(io, 0);
		return;
	}
	Infer *in = io->in;
	int64_t groups = io_int_or(io, "groups", 1);
	if (groups <= 0) {
		io_err(io, I_PARAM, "groups must be positive, found %lld", (long long)groups);
		return;
	}
	Dim cin = x->dims[sp.caxis];
	if (!dim_may_equal(cin, w->dims[0]))
		io_err(io, I_SHAPE, "x has %lld input channels; weight's first dim is %lld",
		       (long long)cin.size, (long long)w->dims[0].size);
	Dim cout = dim_mulc(in, w->dims[1], groups);
	Dim d[INFER_MAX_RANK];
	for (int32_t i = 0; i < x->rank; i++)
		d[i] = x->dims[i];
	d[sp.caxis] = cout;
	int64_t os[INFER_MAX_RANK];
	uint32_t nos;
	if (io_has(io, "output_shape") && io_ints(io, "output_shape", os, INFER_MAX_RANK, &nos)) {
		if ((int32_t)nos == x->rank) {
			for (int32_t i = 0; i < x->rank; i++)
				d[i] = dim_const(os[i]);
		} else if ((int32_t)nos == sp.s) {
			for (int32_t i = 0; i < sp.s; i++)
				d[x->rank - sp.s + i] = dim_const(os[i]);
		} else {
			io_err(io, I_SHAPE, "output_shape has %u entries; %d or %d expected", nos,
			       x->rank, sp.s);
			return;
		}
		io_out(io, 0, x->rank, d);
		return;
	}
	const char *pt = pad_type_of(io);
	int64_t strides[INFER_MAX_RANK], dil[INFER_MAX_RANK], pad[2 * INFER_MAX_RANK];
	if (!pt || !param_vec(io, "strides", (uint32_t)sp.s, 1, strides) ||
	    !param_vec(io, "dilations", (uint32_t)sp.s, 1, dil) ||
	    !param_vec(io, "pad", (uint32_t)(2 * sp.s), 0, pad))
		return;
	for (int32_t i = 0; i < sp.s; i++) {
		Dim kd = w->dims[2 + i], di = x->dims[x->rank - sp.s + i];
		if (kd.kind != DIM_CONST || strides[i] <= 0) {
			d[x->rank - sp.s + i] = dim_unknown();
			continue;
		}
		int64_t keff = (kd.size - 1) * dil[i] + 1;
		Dim o;
		if (strcmp(pt, "same") == 0 || strcmp(pt, "same_lower") == 0)
			o = dim_mulc(in, di, strides[i]);
		else {
			o = dim_addc(in, dim_mulc(in, dim_addc(in, di, -1), strides[i]), keff);
			if (strcmp(pt, "custom") == 0)
				o = dim_addc(in, o, -(pad[2 * i] + pad[2 * i + 1]));
		}
		d[x->rank - sp.s + i] = o;
	}
	io_out(io, 0, x->rank, d);
}

void rule_POOL(IOp *io)
{
	const Type *x = io_type(io, "x");
	Spatial sp;
	if (!spatial_of(io, x, &sp)) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t k[INFER_MAX_RANK];
	uint32_t nk;
	if (!io_ints(io, "kernel_sizes", k, INFER_MAX_RANK, &nk)) {
		io_out_unknown(io, 0);
		return;
	}
	if ((int32_t)nk != sp.s) {
		io_err(io, I_SHAPE, "kernel_sizes has %u entries for %d spatial dims", nk, sp.s);
		return;
	}
	Dim d[INFER_MAX_RANK];
	for (int32_t i = 0; i < x->rank; i++)
		d[i] = x->dims[i];
	if (!spatial_out(io, x, &sp, k, false, io_bool_or(io, "ceil_mode", false),
	                 d + x->rank - sp.s))
		return;
	io_out(io, 0, x->rank, d);
}

void rule_LINEAR(IOp *io)
{
	const Type *x = io_type(io, "x"), *w = io_type(io, "weight");
	if (!type_ranked(x) || !type_ranked(w) || w->rank != 2 || x->rank < 1 ||
	    x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	Dim dout = w->dims[0], din = w->dims[1];
	const Type *b = io_type(io, "bias");
	if (type_ranked(b) && b->rank == 1 && !dim_may_equal(b->dims[0], dout))
		io_err(io, I_SHAPE, "bias has %lld entries for %lld outputs",
		       (long long)b->dims[0].size, (long long)dout.size);
	Dim d[INFER_MAX_RANK];
	for (int32_t i = 0; i < x->rank; i++)
		d[i] = x->dims[i];
	Dim last = x->dims[x->rank - 1];
	if (io->nn && x->rank >= 4 && !dim_same(last, din)) {
		/* innerProduct on rank 4/5: the last three dims are the input
		 * vector; out (x1, Cout, 1, 1) or (x1, x2, Cout, 1, 1) */
		Dim flat = dims_prod(io->in, 3, x->dims + x->rank - 3);
		if (dim_may_equal(flat, din)) {
			d[x->rank - 3] = dout;
			d[x->rank - 2] = d[x->rank - 1] = dim_const(1);
			io_out(io, 0, x->rank, d);
			return;
		}
	}
	if (!dim_may_equal(last, din))
		io_diag(io, SEV_ERROR, I_SHAPE, "the weight is [D_out, D_in]",
		        "x's last dim is %lld but weight takes %lld inputs", (long long)last.size,
		        (long long)din.size);
	d[x->rank - 1] = dout;
	io_out(io, 0, x->rank, d);
}

void rule_MATMUL(IOp *io)
{
	const Type *x = io_type(io, "x"), *y = io_type(io, "y");
	if (io->out_dt[0] == DT_COUNT && type_is_tensor(x) && type_is_tensor(y)) {
		/* iOS17: the non-const operand's dtype */
		const Operand *ox = io_operand(io, "x");
		bool xc = ox && ox->n == 1 && io_bind_is_const(io, &ox->b[0]);
		const Operand *oy = io_operand(io, "y");
		bool yc = oy && oy->n == 1 && io_bind_is_const(io, &oy->b[0]);
		if (x->dt != y->dt && xc == yc)
			io_err(io, I_TYPEVAR, "x is %s and y is %s; they may differ only when exactly one "
			       "is a constant", dtype_name(x->dt), dtype_name(y->dt));
		io->out_dt[0] = xc && !yc ? y->dt : x->dt;
	}
	if (!type_ranked(x) || !type_ranked(y) || x->rank > INFER_MAX_RANK ||
	    y->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	if (x->rank == 0 || y->rank == 0) {
		io_err(io, I_OPERAND_RANK, "operands must have rank 1 or more");
		return;
	}
	bool tx = io_bool_or(io, "transpose_x", false), ty = io_bool_or(io, "transpose_y", false);
	Dim a[INFER_MAX_RANK + 1], b[INFER_MAX_RANK + 1];
	int32_t ra = x->rank, rb = y->rank;
	copy_dims(a, x->dims, ra);
	copy_dims(b, y->dims, rb);
	bool xvec = ra == 1, yvec = rb == 1;
	if (xvec) {
		a[1] = a[0], a[0] = dim_const(1), ra = 2;
	} else if (tx) {
		Dim t = a[ra - 1];
		a[ra - 1] = a[ra - 2], a[ra - 2] = t;
	}
	if (yvec) {
		b[1] = dim_const(1), rb = 2;
	} else if (ty) {
		Dim t = b[rb - 1];
		b[rb - 1] = b[rb - 2], b[rb - 2] = t;
	}
	if (!dim_may_equal(a[ra - 1], b[rb - 2])) {
		io_diag(io, SEV_ERROR, I_SHAPE, "check transpose_x / transpose_y",
		        "inner dims differ: x gives %lld, y gives %lld", (long long)a[ra - 1].size,
		        (long long)b[rb - 2].size);
		return;
	}
	int32_t batch = (ra > rb ? ra : rb) - 2;
	Dim d[INFER_MAX_RANK + 2];
	for (int32_t i = 0; i < batch; i++) {
		int32_t ia = i - (batch - (ra - 2)), ib = i - (batch - (rb - 2));
		Dim da = ia >= 0 ? a[ia] : dim_const(1), db = ib >= 0 ? b[ib] : dim_const(1);
		if (!dim_broadcast(da, db, &d[i])) {
			io_err(io, I_SHAPE, "batch dims do not broadcast (%lld vs %lld)",
			       (long long)da.size, (long long)db.size);
			return;
		}
	}
	int32_t r = batch;
	if (!xvec || io->nn)
		d[r++] = a[ra - 2];
	if (!yvec || io->nn)
		d[r++] = b[rb - 1];
	io_out(io, 0, r, d);
}

void rule_EINSUM(IOp *io)
{
	const Operand *v = io_operand(io, "values");
	const char *eq = io_str(io, "equation");
	if (!v || v->n != 2) {
		io_err(io, I_OPERAND_ARITY, "values must hold exactly two tensors");
		return;
	}
	const Type *x = io_bind_type(io, &v->b[0]), *y = io_bind_type(io, &v->b[1]);
	if (type_is_tensor(x) && type_is_tensor(y)) {
		if (x->dt != y->dt)
			io_err(io, I_TYPEVAR, "the two values have dtypes %s and %s", dtype_name(x->dt),
			       dtype_name(y->dt));
		io->out_dt[0] = x->dt;
	}
	if (!type_ranked(x) || !type_ranked(y)) {
		io_out_unknown(io, 0);
		return;
	}
	if (x->rank != y->rank || (x->rank != 3 && x->rank != 4) || !eq || !strstr(eq, "->")) {
		io_diag(io, SEV_ERROR, I_PARAM, "only \"nchw,nwhu->nchu\" and \"chw,whr->chr\" exist",
		        "einsum supports two rank-3 or rank-4 operands with one of two equations");
		return;
	}
	Dim d[4];
	if (x->rank == 4) {
		/* [B,C,H,W1] x [B,W1,H,W2] -> [B,C,H,W2] */
		if (!dim_broadcast(x->dims[0], y->dims[0], &d[0]) ||
		    !dim_broadcast(x->dims[2], y->dims[2], &d[2]) ||
		    !dim_may_equal(x->dims[3], y->dims[1])) {
			io_err(io, I_SHAPE, "operand shapes do not fit the equation \"%s\"", eq);
			return;
		}
		d[1] = x->dims[1], d[3] = y->dims[3];
	} else {
		/* [C,H,W1] x [W1,H,W2] -> [C,H,W2] */
		if (!dim_broadcast(x->dims[1], y->dims[1], &d[1]) || !dim_may_equal(x->dims[2], y->dims[0])) {
			io_err(io, I_SHAPE, "operand shapes do not fit the equation \"%s\"", eq);
			return;
		}
		d[0] = x->dims[0], d[2] = y->dims[2];
	}
	io_out(io, 0, x->rank, d);
}

/* floor(D * scale) for a known or symbolic D. */
/* d = x's dims when x is ranked with a spatial pair (rank 3 ..
 * INFER_MAX_RANK) for the resizers to change; else the output is unknown
 * and false. */
static bool spatial_dims(IOp *io, const Type *x, Dim *d)
{
	if (!type_ranked(x) || x->rank < 3 || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return false;
	}
	copy_dims(d, x->dims, x->rank);
	return true;
}

static Dim scale_dim(IOp *io, Dim d, double s)
{
	if (!(s > 0) || !isfinite(s)) {
		io_err(io, I_PARAM, "scale factor %g must be positive", s);
		return dim_unknown();
	}
	if (s == floor(s) && s < 1e9)
		return dim_mulc(io->in, d, (int64_t)s);
	if (d.kind == DIM_CONST)
		return dim_const((int64_t)floor((double)d.size * s));
	return dim_unknown();
}

static bool scale_of(IOp *io, const char *name, double *s)
{
	*s = 1;
	if (!io_has(io, name))
		return true;
	return io_f64(io, name, s);
}

void rule_UPSAMPLE(IOp *io)
{
	const Type *x = io_type(io, "x");
	double sh, sw;
	Dim d[INFER_MAX_RANK];
	if (!spatial_dims(io, x, d))
		return;
	if (scale_of(io, "scale_factor_height", &sh))
		d[x->rank - 2] = scale_dim(io, x->dims[x->rank - 2], sh);
	else
		d[x->rank - 2] = dim_unknown();
	if (scale_of(io, "scale_factor_width", &sw))
		d[x->rank - 1] = scale_dim(io, x->dims[x->rank - 1], sw);
	else
		d[x->rank - 1] = dim_unknown();
	io_out(io, 0, x->rank, d);
}

static Dim target(IOp *io, const char *name)
{
	int64_t v = io_int_or(io, name, 1);
	if (!io_has(io, name) || io_int(io, name, &v)) {
		if (v <= 0) {
			io_err(io, I_PARAM, "%s must be positive, found %lld", name, (long long)v);
			return dim_unknown();
		}
		return dim_const(v);
	}
	return dim_unknown();
}

void rule_RESIZE_TO_TARGET(IOp *io)
{
	const Type *x = io_type(io, "x");
	Dim d[INFER_MAX_RANK];
	if (!spatial_dims(io, x, d))
		return;
	d[x->rank - 2] = target(io, "target_size_height");
	d[x->rank - 1] = target(io, "target_size_width");
	io_out(io, 0, x->rank, d);
}

void rule_RESIZE(IOp *io)
{
	const Type *x = io_type(io, "x"), *s = io_type(io, "shape");
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t rd;
	Dim d[INFER_MAX_RANK];
	copy_dims(d, x->dims, x->rank);
	if (!io_int(io, "resized_dims", &rd)) {
		io_out_unknown(io, 0);
		return;
	}
	uint32_t slen = type_ranked(s) && s->rank == 1 && s->dims[0].kind == DIM_CONST
	                ? (uint32_t)s->dims[0].size : 0;
	if (rd < 0 || rd > x->rank || (slen && (rd > (int64_t)slen || slen > (uint32_t)x->rank))) {
		io_err(io, I_PARAM, "resized_dims %lld does not fit x of rank %d and a shape of %u "
		       "entries", (long long)rd, x->rank, slen);
		return;
	}
	const IVal *sv = io_ival(io, "shape");
	if (sv && (sv->n < (uint32_t)rd || sv->n > (uint32_t)x->rank)) {
		io_err(io, I_PARAM, "resized_dims %lld does not fit a shape of %u entries for x of "
		       "rank %d", (long long)rd, sv->n, x->rank);
		return;
	}
	for (int64_t i = 0; i < rd; i++) {
		int32_t xi = x->rank - (int32_t)rd + (int32_t)i;
		if (!sv) {
			d[xi] = dim_unknown();
			continue;
		}
		Dim e = sv->e[sv->n - (uint32_t)rd + (uint32_t)i];
		d[xi] = dim_is(e, 0) ? x->dims[xi] : e;
	}
	io_out(io, 0, x->rank, d);
}

/* x ranked with rank xr and y with rank yr; else the output is unknown
 * and false. */
static bool ranks_are(IOp *io, const Type *x, int32_t xr, const Type *y, int32_t yr)
{
	if (type_ranked(x) && x->rank == xr && type_ranked(y) && y->rank == yr)
		return true;
	io_out_unknown(io, 0);
	return false;
}

/* The output [n, c, <operand h>, <operand w>] of the samplers. */
static void out_nc_hw(IOp *io, Dim n, Dim c, const char *h, const char *w)
{
	Dim d[4] = { n, c, target(io, h), target(io, w) };
	io_out(io, 0, 4, d);
}

/* An error "<what>, found <size><unit>" unless d may be `size`. */
static void expect_dim(IOp *io, Dim d, int64_t size, const char *what, const char *unit)
{
	if (!dim_may_equal(d, dim_const(size)))
		io_err(io, I_SHAPE, "%s, found %lld%s", what, (long long)d.size, unit);
}

void rule_CROP_RESIZE_V15(IOp *io)
{
	const Type *x = io_type(io, "x"), *roi = io_type(io, "roi");
	if (!ranks_are(io, x, 4, roi, 5))
		return;
	if (roi->dims[2].kind == DIM_CONST && roi->dims[2].size != 4 && roi->dims[2].size != 5)
		io_err(io, I_SHAPE, "roi's third dim must be 4 or 5, found %lld",
		       (long long)roi->dims[2].size);
	Dim d[5] = { roi->dims[0], x->dims[0], x->dims[1], target(io, "target_height"),
	             target(io, "target_width") };
	io_out(io, 0, 5, d);
}

void rule_CROP_RESIZE_V17(IOp *io)
{
	const Type *x = io_type(io, "x"), *boxes = io_type(io, "boxes");
	if (!ranks_are(io, x, 4, boxes, 2))
		return;
	expect_dim(io, boxes->dims[1], 4, "boxes must be [N, 4]", " columns");
	const Type *bi = io_type(io, "box_indices");
	if (type_ranked(bi) && bi->rank == 1 && !dim_may_equal(bi->dims[0], boxes->dims[0]))
		io_err(io, I_SHAPE, "box_indices has %lld entries for %lld boxes",
		       (long long)bi->dims[0].size, (long long)boxes->dims[0].size);
	out_nc_hw(io, boxes->dims[0], x->dims[1], "target_height", "target_width");
}

void rule_CROP(IOp *io)
{
	const Type *x = io_type(io, "x");
	Dim d[INFER_MAX_RANK];
	if (!spatial_dims(io, x, d))
		return;
	static const char *const names[] = { "crop_height", "crop_width" };
	for (int k = 0; k < 2; k++) {
		int64_t c[2];
		uint32_t n;
		int32_t ax = x->rank - 2 + k;
		if (!io_ints(io, names[k], c, 2, &n) || n != 2) {
			d[ax] = dim_unknown();
			continue;
		}
		d[ax] = dim_addc(io->in, x->dims[ax], -(c[0] + c[1]));
		if (d[ax].kind == DIM_CONST && d[ax].size < 1)
			io_err(io, I_SHAPE, "%s removes all of a dim of %lld", names[k],
			       (long long)x->dims[ax].size);
	}
	io_out(io, 0, x->rank, d);
}

void rule_AFFINE(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank != 4) {
		io_out_unknown(io, 0);
		return;
	}
	out_nc_hw(io, x->dims[0], x->dims[1], "output_height", "output_width");
}

void rule_RESAMPLE(IOp *io)
{
	const Type *x = io_type(io, "x"), *c = io_type(io, "coordinates");
	if (!ranks_are(io, x, 4, c, 4))
		return;
	expect_dim(io, c->dims[3], 2, "coordinates must end in a dim of 2", "");
	Dim d[4] = { x->dims[0], x->dims[1], c->dims[1], c->dims[2] };
	io_out(io, 0, 4, d);
}

void rule_SCALED_DOT_PRODUCT_ATTENTION(IOp *io)
{
	const Type *q = io_type(io, "query"), *k = io_type(io, "key"), *v = io_type(io, "value");
	if (!type_ranked(q) || !type_ranked(k) || !type_ranked(v) || q->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int32_t r = q->rank;
	if (r < 2) {
		io_out_unknown(io, 0);
		return;
	}
	if (k->rank != r || v->rank != r) {
		io_err(io, I_SHAPE, "query, key and value must share a rank (%d, %d, %d)", q->rank,
		       k->rank, v->rank);
		return;
	}
	if (!dim_may_equal(q->dims[r - 1], k->dims[r - 1]) ||
	    !dim_may_equal(k->dims[r - 2], v->dims[r - 2]))
		io_err(io, I_SHAPE, "query/key embedding sizes or key/value lengths differ");
	Dim d[INFER_MAX_RANK];
	copy_dims(d, q->dims, r);
	d[r - 1] = v->dims[r - 1];
	io_out(io, 0, r, d);
}
