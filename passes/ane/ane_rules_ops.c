/* ane_rules_ops.c - predicates of the per-op rows (ane_rules_ops.def):
 * ane-legality.md §2 and the M4 size limits of §3. */
#include "passes/ane/ane_int.h"

#include <string.h>

static int64_t dimv(const Type *t, int32_t i)
{
	if (!t || t->kind != TY_TENSOR || i < 0 || i >= t->rank || t->dims[i].kind != DIM_CONST)
		return -1;
	return t->dims[i].size;
}

bool o_nested(const AneCheck *c, char *detail, size_t n)
{
	if (!c->nested)
		return false;
	const Op *parent = c->op->parent->parent_op;
	snprintf(detail, n, "in the body of %s '%s'", parent->kind, ir_op_name(c->f, parent));
	return true;
}

/* ------------------------------------------------------------------ resize */

bool o_resize_scale(const AneCheck *c, char *detail, size_t n)
{
	const Type *in = ac_type(c, "x"), *out = ac_out_type(c, 0);
	if (!in || !out || in->kind != TY_TENSOR || out->kind != TY_TENSOR || in->rank < 2 ||
	    out->rank != in->rank)
		return false;
	int64_t ih = dimv(in, in->rank - 2), iw = dimv(in, in->rank - 1);
	int64_t oh = dimv(out, out->rank - 2), ow = dimv(out, out->rank - 1);
	double sh = 0, sw = 0;
	if (ih > 0 && oh > 0)
		sh = (double)oh / (double)ih;
	if (iw > 0 && ow > 0)
		sw = (double)ow / (double)iw;
	if (!(ih > 0 && oh > 0) && !(iw > 0 && ow > 0)) {
		/* shapes unknown: read the scale operands */
		ac_f64(c, "scale_factor_height", &sh);
		ac_f64(c, "scale_factor_width", &sw);
	}
	if (sh <= 2.0 && sw <= 2.0)
		return false;
	snprintf(detail, n, "scale x%g by x%g (> 2)", sh, sw);
	return true;
}

bool o_pad_mode(const AneCheck *c, char *detail, size_t n)
{
	const char *m = ac_str(c, "mode");
	if (!m || (strcmp(m, "reflect") != 0 && strcmp(m, "replicate") != 0 &&
	           strcmp(m, "symmetric") != 0))
		return false;
	snprintf(detail, n, "mode '%s' on %s", m, c->chip->name);
	return true;
}

/* ------------------------------------------------------------------ conv */

/* Kernel height and width from the weight [O, I/g, (D,) (H,) W]; a 1-D
 * conv is 1xK.  False when unknown. */
static bool conv_kernel(const AneCheck *c, int64_t *kh, int64_t *kw)
{
	const Type *w = ac_type(c, "weight");
	if (!w || w->kind != TY_TENSOR || w->rank < 3)
		return false;
	*kw = dimv(w, w->rank - 1);
	*kh = w->rank >= 4 ? dimv(w, w->rank - 2) : 1;
	return *kw > 0 && *kh > 0;
}

bool o_conv_kernel_m4(const AneCheck *c, char *detail, size_t n)
{
	int64_t kh, kw;
	if (!conv_kernel(c, &kh, &kw))
		return false;
	if (kh == 1 && kw > 15) {
		snprintf(detail, n, "kernel 1x%lld: width %lld > 15", (long long)kw, (long long)kw);
		return true;
	}
	if (kw == 1 && kh > 31) {
		snprintf(detail, n, "kernel %lldx1: height %lld > 31", (long long)kh, (long long)kh);
		return true;
	}
	if (kh > 1 && kw > 1 && (kh > 16 || kw > 16)) {
		snprintf(detail, n, "kernel %lldx%lld > 16x16", (long long)kh, (long long)kw);
		return true;
	}
	return false;
}

bool o_conv_kernel_old(const AneCheck *c, char *detail, size_t n)
{
	int64_t kh, kw;
	int cap = c->chip->conv_kernel_w_max ? c->chip->conv_kernel_w_max : 13;
	if (!conv_kernel(c, &kh, &kw) || kw <= cap)
		return false;
	snprintf(detail, n, "kernel %lldx%lld: width %lld > %d on %s", (long long)kh, (long long)kw,
	         (long long)kw, cap, c->chip->name);
	return true;
}

bool o_conv_dynamic(const AneCheck *c, char *detail, size_t n)
{
	if (ac_known(c, "weight"))
		return false;
	int64_t groups[1];
	uint32_t k;
	int64_t g = ac_ints(c, "groups", groups, 1, &k) && k == 1 ? groups[0] : 1;
	int64_t batch = dimv(ac_type(c, "x"), 0);
	if (g <= 1 && batch == 1)
		return false;
	if (g > 1)
		snprintf(detail, n, "weights computed at run time with groups = %lld", (long long)g);
	else if (batch > 1)
		snprintf(detail, n, "weights computed at run time at batch %lld", (long long)batch);
	else
		snprintf(detail, n, "weights computed at run time, batch unknown");
	return true;
}

bool o_conv_dilation(const AneCheck *c, char *detail, size_t n)
{
	int64_t v[8];
	uint32_t k;
	if (!ac_ints(c, "dilations", v, 8, &k))
		return false;
	for (uint32_t i = 0; i < k; i++)
		if (v[i] < 1 || v[i] > 3) {
			snprintf(detail, n, "dilation %lld on spatial axis %u", (long long)v[i], i);
			return true;
		}
	return false;
}

bool o_conv3d(const AneCheck *c, char *detail, size_t n)
{
	const Type *w = ac_type(c, "weight");
	if (!w || w->kind != TY_TENSOR || w->rank != 5)
		return false;
	snprintf(detail, n, "weight rank 5");
	return true;
}

/* ------------------------------------------------------------------ pool */

static bool pool_kernel(const AneCheck *c, int64_t *v, uint32_t *k)
{
	return ac_ints(c, "kernel_sizes", v, 8, k) && *k >= 1;
}

bool o_maxpool_m4(const AneCheck *c, char *detail, size_t n)
{
	int64_t v[8];
	uint32_t k;
	if (!pool_kernel(c, v, &k))
		return false;
	int64_t w = v[k - 1];
	if (w <= 8 || w == 32)
		return false;
	snprintf(detail, n, "kernel width %lld (must be 1-8 or 32)", (long long)w);
	return true;
}

bool o_pool_window_old(const AneCheck *c, char *detail, size_t n)
{
	int64_t v[8];
	uint32_t k;
	if (!pool_kernel(c, v, &k))
		return false;
	int64_t cap = c->chip->capf <= CAPF_F2 ? 29 : 31;
	for (uint32_t i = 0; i < k; i++)
		if (v[i] > cap) {
			snprintf(detail, n, "window %lld > %lld on %s", (long long)v[i], (long long)cap,
			         c->chip->name);
			return true;
		}
	return false;
}

/* ------------------------------------------------------------------ matmul, attention */

bool o_matmul_inner(const AneCheck *c, char *detail, size_t n)
{
	int64_t k = ane_inner_dim(c);
	if (k <= 32768)
		return false;
	snprintf(detail, n, "inner dimension %lld > 32768", (long long)k);
	return true;
}

bool o_sdpa_mask(const AneCheck *c, char *detail, size_t n)
{
	if (!ac_has(c, "attn_mask"))
		return false;
	snprintf(detail, n, "attn_mask given");
	return true;
}

/* ------------------------------------------------------------------ tensor ops */

static bool factor_ok(int64_t f)
{
	return f == 1 || f == 2 || f == 3 || f == 4 || f == 8;
}

/* A known factor of the operand outside 1, 2, 3, 4, 8: "reps[1] = 5". */
static bool bad_factor(const AneCheck *c, const char *operand, char *detail, size_t n)
{
	int64_t v[8];
	uint32_t k;
	if (!ac_ints(c, operand, v, 8, &k))
		return false;
	for (uint32_t i = 0; i < k; i++)
		if (!factor_ok(v[i]))
			return ac_fire(detail, n, "%s[%u] = %lld", operand, i, (long long)v[i]);
	return false;
}

bool o_tile_reps(const AneCheck *c, char *detail, size_t n)
{
	if (c->chip->capf == CAPF_PRE)
		return ac_fire(detail, n, "no tile on %s", c->chip->name);
	return bad_factor(c, "reps", detail, n);
}

bool o_block_factors(const AneCheck *c, char *detail, size_t n)
{
	return bad_factor(c, "block_shape", detail, n);
}

bool o_select_int_cond(const AneCheck *c, char *detail, size_t n)
{
	const Op *d = ac_def(c, "cond");
	if (!d || !op_is_comparison(d))
		return false;
	AneCheck dc = ac_at(c, d);
	const Type *x = ac_type(&dc, "x");
	if (!x || x->kind != TY_TENSOR || !dtype_is_int(x->dt))
		return false;
	snprintf(detail, n, "cond comes from %s '%s' on %s", d->kind, ir_op_name(c->f, d),
	         dtype_name(x->dt));
	return true;
}

bool o_cast_int(const AneCheck *c, char *detail, size_t n)
{
	if (c->facts->nn)
		return false;
	const Type *out = ac_out_type(c, 0);
	if (!out || out->kind != TY_TENSOR || !dtype_is_int(out->dt))
		return false;
	snprintf(detail, n, "to %s", dtype_name(out->dt));
	return true;
}

bool o_reshape_dynamic(const AneCheck *c, char *detail, size_t n)
{
	if (!ac_has(c, "shape") || ac_known(c, "shape"))
		return false;
	const Op *d = ac_def(c, "shape");
	if (d)
		snprintf(detail, n, "shape computed by %s '%s'", d->kind, ir_op_name(c->f, d));
	else
		snprintf(detail, n, "shape is a run-time input");
	return true;
}

bool o_linear_dynamic(const AneCheck *c, char *detail, size_t n)
{
	return !ac_known(c, "weight") && ac_fire(detail, n, "weight computed at run time");
}

bool o_prelu_rank(const AneCheck *c, char *detail, size_t n)
{
	const Type *x = ac_type(c, "x");
	if (!x || x->kind != TY_TENSOR || x->rank < 0 || x->rank >= 3)
		return false;
	snprintf(detail, n, "x has rank %d", x->rank);
	return true;
}

bool o_pow_dynamic(const AneCheck *c, char *detail, size_t n)
{
	return !ac_known(c, "y") && ac_fire(detail, n, "exponent computed at run time");
}

bool o_ln_enumerated(const AneCheck *c, char *detail, size_t n)
{
	return c->facts->enumerated &&
	       ac_fire(detail, n, "the function has enumerated input shapes");
}

bool o_state_nonuniform(const AneCheck *c, char *detail, size_t n)
{
	return c->facts->state_shapes_differ &&
	       ac_fire(detail, n, "the function's states differ in shape (on %s)", c->chip->name);
}

bool o_slice_last_axis(const AneCheck *c, char *detail, size_t n)
{
	int64_t v[8];
	uint32_t k;
	if (!ac_ints(c, "begin", v, 8, &k) || !k || v[k - 1] == 0)
		return false;
	snprintf(detail, n, "begins at %lld on the last axis", (long long)v[k - 1]);
	return true;
}

bool o_gather_vocab(const AneCheck *c, char *detail, size_t n)
{
	const Type *x = ac_type(c, "x");
	if (!x || x->kind != TY_TENSOR || x->rank < 1)
		return false;
	int64_t v[1];
	uint32_t k;
	int64_t axis = ac_ints(c, "axis", v, 1, &k) && k == 1 ? v[0] : 0;
	if (axis < 0)
		axis += x->rank;
	int64_t rows = dimv(x, (int32_t)axis);
	if (rows <= 65535)
		return false;
	snprintf(detail, n, "%lld rows on axis %lld", (long long)rows, (long long)axis);
	return true;
}
