/* ane_rules_global.c - predicates of the global rows (ane_rules_global.def):
 * ane-legality.md §1, G1..G15.  Each returns true when its rule fires for
 * the op and writes the figures that made it fire. */
#include "passes/ane/ane_int.h"

#include <math.h>
#include <string.h>

/* Where a tensor visitor writes its finding. */
typedef struct Out {
	char *detail;
	size_t n;
	int64_t limit;
	bool skip_channel;      /* G2's spatial cap: not axis 1 of rank >= 3 run-time tensors */
	const char *word;       /* "dim", "axis": how the detail names it */
	DType dt;               /* has_dtype: the dtype looked for */
} Out;

#define SAY(o, ...) snprintf((o)->detail, (o)->n, __VA_ARGS__)

static const Type *tensor_of(const Type *t)
{
	if (t && t->kind == TY_STATE)
		t = t->elem;
	return t && t->kind == TY_TENSOR ? t : NULL;
}

/* ------------------------------------------------------------------ G1 rank */

static bool rank_above_5(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	(void)c;
	Out *o = arg;
	t = tensor_of(t);
	if (!t || t->rank <= 5)
		return false;
	SAY(o, "%s has rank %d (> 5)", what, t->rank);
	return true;
}

bool g_rank(const AneCheck *c, char *detail, size_t n)
{
	if (c->sum.max_rank <= 5)
		return false;
	Out o = { .detail = detail, .n = n };
	return ac_any_tensor(c, AC_ALL, rank_above_5, &o);
}

/* ------------------------------------------------------------------ G2 axis caps */

/* A dim above o->limit, on every axis, or (skip_channel) every axis but the
 * channel axis (axis 1) of rank >= 3 tensors: G2's spatial cap for
 * run-time tensors, while constant weights count on every axis (LLM
 * converters split LM heads for it). */
static bool axis_above(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	(void)c;
	Out *o = arg;
	t = tensor_of(t);
	if (!t)
		return false;
	for (int32_t i = 0; i < t->rank; i++) {
		if (o->skip_channel && t->rank >= 3 && i == 1)
			continue;
		if (t->dims[i].kind == DIM_CONST && t->dims[i].size > o->limit) {
			char shp[128];
			SAY(o, "%s (%s) has %s %d = %lld > %lld", what, ac_shape_text(t, shp, sizeof shp),
			    o->word, i, (long long)t->dims[i].size, (long long)o->limit);
			return true;
		}
	}
	return false;
}

bool g_dim_65536(const AneCheck *c, char *detail, size_t n)
{
	if (c->sum.max_dim <= (c->chip->channel_cap ? c->chip->channel_cap : 65536))
		return false;
	Out o = { .detail = detail, .n = n, .word = "dim",
	          .limit = c->chip->channel_cap ? c->chip->channel_cap : 65536 };
	return ac_any_tensor(c, AC_ALL, axis_above, &o);
}

bool g_axis_16384(const AneCheck *c, char *detail, size_t n)
{
	int64_t cap = c->chip->axis_cap ? c->chip->axis_cap : 16384;
	if (c->sum.max_dim <= cap)
		return false;
	Out o = { .detail = detail, .n = n, .limit = cap, .skip_channel = true, .word = "axis" };
	if (ac_any_tensor(c, AC_RUNTIME | AC_OUTPUTS, axis_above, &o))
		return true;
	o.skip_channel = false;
	return ac_any_tensor(c, AC_CONSTS, axis_above, &o);
}

/* ------------------------------------------------------------------ G3, G4 dtypes */

/* A tensor of dtype o->dt: "operand 'x' is fp32". */
static bool has_dtype(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	(void)c;
	Out *o = arg;
	t = tensor_of(t);
	if (!t || t->dt != o->dt)
		return false;
	SAY(o, "%s is %s", what, dtype_name(o->dt));
	return true;
}

bool g_fp32(const AneCheck *c, char *detail, size_t n)
{
	/* Legacy networks are fp32 on paper and fp16 on the ANE; casts between
	 * fp16 and fp32 run on the ANE (§2.7). */
	if (c->facts->nn || !(c->sum.rt_dtypes & DTM(FP32)) || c->id == OPID_cast)
		return false;
	Out o = { .detail = detail, .n = n, .dt = DT_FP32 };
	return ac_any_tensor(c, AC_RUNTIME | AC_OUTPUTS, has_dtype, &o);
}

bool g_int32(const AneCheck *c, char *detail, size_t n)
{
	if (c->facts->nn || !(c->sum.rt_dtypes & DTM(INT32)))
		return false;
	Out o = { .detail = detail, .n = n, .dt = DT_INT32 };
	return ac_any_tensor(c, AC_RUNTIME | AC_OUTPUTS, has_dtype, &o);
}

static bool is_other_dtype(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	Out *o = arg;
	t = tensor_of(t);
	if (!t)
		return false;
	switch (t->dt) {
	case DT_INT64: case DT_UINT32: case DT_UINT64: case DT_FP64: case DT_BF16: case DT_STRING:
	case DT_INT4: case DT_UINT4: case DT_UINT2: case DT_UINT1: case DT_UINT6: case DT_UINT3:
		break;
	case DT_FP8E4M3FN: case DT_FP8E5M2:
		if (c->chip->h >= 18)   /* fp8 datapath on H18 only [ASR] */
			return false;
		break;
	default:
		return false;
	}
	SAY(o, "%s is %s", what, dtype_name(t->dt));
	return true;
}

bool g_other_dtype(const AneCheck *c, char *detail, size_t n)
{
	const uint32_t other = DTM(INT64) | DTM(UINT32) | DTM(UINT64) | DTM(FP64) | DTM(BF16) |
	                       DTM(STRING) | DTM(INT4) | DTM(UINT4) | DTM(UINT2) | DTM(UINT1) |
	                       DTM(UINT6) | DTM(UINT3) | DTM(FP8E4M3FN) | DTM(FP8E5M2);
	if (c->facts->nn || !(c->sum.rt_dtypes & other))
		return false;
	Out o = { .detail = detail, .n = n };
	return ac_any_tensor(c, AC_RUNTIME | AC_OUTPUTS, is_other_dtype, &o);
}

/* ------------------------------------------------------------------ G6 shapes */

bool g_range_input(const AneCheck *c, char *detail, size_t n)
{
	if (!c->facts->ranged)
		return false;
	snprintf(detail, n, "input '%s' has shape %s", c->facts->range_input,
	         c->facts->range_text ? c->facts->range_text : "?");
	return true;
}

static bool has_unknown_dim(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	(void)c;
	Out *o = arg;
	t = tensor_of(t);
	if (!t)
		return false;
	bool unknown = t->rank < 0;
	for (int32_t i = 0; i < t->rank && !unknown; i++)
		unknown = t->dims[i].kind == DIM_UNKNOWN;
	if (!unknown)
		return false;
	char shp[128];
	SAY(o, "%s has shape %s", what, ac_shape_text(t, shp, sizeof shp));
	return true;
}

bool g_unknown_dims(const AneCheck *c, char *detail, size_t n)
{
	if (c->facts->ranged || !c->sum.rt_unknown)
		return false;   /* ranged: already refused for the whole function (ANE007) */
	Out o = { .detail = detail, .n = n };
	return ac_any_tensor(c, AC_RUNTIME | AC_OUTPUTS, has_unknown_dim, &o);
}

/* ------------------------------------------------------------------ G7 run-time indices */

/* Per op, the operands computed at compile time on the ANE. */
static const struct {
	OpId op;
	const char *operands[2];
} index_operands[] = {
	{ OPID_slice_by_index, { "begin", "end" } },
	{ OPID_slice_by_size, { "begin", "size" } },
	{ OPID_slice_update, { "begin", "end" } },
	{ OPID_gather, { "indices", NULL } },
	{ OPID_gather_along_axis, { "indices", NULL } },
	{ OPID_gather_nd, { "indices", NULL } },
	{ OPID_scatter, { "indices", NULL } },
	{ OPID_scatter_along_axis, { "indices", NULL } },
	{ OPID_scatter_nd, { "indices", NULL } },
	{ OPID_pad, { "pad", NULL } },
	{ OPID_tile, { "reps", NULL } },
};

bool g_runtime_index(const AneCheck *c, char *detail, size_t n)
{
	for (size_t i = 0; i < sizeof index_operands / sizeof *index_operands; i++) {
		if (c->id != index_operands[i].op)
			continue;
		for (int k = 0; k < 2 && index_operands[i].operands[k]; k++) {
			const char *name = index_operands[i].operands[k];
			if (!ac_has(c, name) || ac_known(c, name))
				continue;
			const Op *d = ac_def(c, name);
			if (d)
				snprintf(detail, n, "operand '%s' is computed at run time (by %s '%s')", name,
				         d->kind, ir_op_name(c->f, d));
			else
				snprintf(detail, n, "operand '%s' is a run-time input", name);
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ G8 alignment */

static bool state_not_32(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	(void)c;
	Out *o = arg;
	if (!t || t->kind != TY_STATE || !t->elem || t->elem->kind != TY_TENSOR || t->elem->rank < 1)
		return false;
	const Dim *w = &t->elem->dims[t->elem->rank - 1];
	if (w->kind != DIM_CONST || w->size % 32 == 0)
		return false;
	char shp[128];
	SAY(o, "%s is a state of %s: width %lld is not a multiple of 32", what,
	    ac_shape_text(t->elem, shp, sizeof shp), (long long)w->size);
	return true;
}

bool g_state_32(const AneCheck *c, char *detail, size_t n)
{
	if (!c->sum.any_state)
		return false;
	Out o = { .detail = detail, .n = n };
	return ac_any_tensor(c, AC_ALL, state_not_32, &o);
}

bool g_inner_32(const AneCheck *c, char *detail, size_t n)
{
	int64_t k = ane_inner_dim(c);
	if (k <= 0 || k % 32 == 0)
		return false;
	snprintf(detail, n, "inner dimension %lld", (long long)k);
	return true;
}

/* ------------------------------------------------------------------ G10 sizes */

bool g_model_1gb(const AneCheck *c, char *detail, size_t n)
{
	if (c->chip->mac || c->weight_bytes <= 1000000000ull)
		return false;
	snprintf(detail, n, "the model's weights are %.2f GB (on %s)", (double)c->weight_bytes / 1e9,
	         c->chip->name);
	return true;
}

enum { HUGE_BYTES = 64 << 20 };

static bool tensor_huge(const AneCheck *c, const Type *t, const char *what, void *arg)
{
	(void)c;
	Out *o = arg;
	t = tensor_of(t);
	int64_t nel = ac_numel(t);
	if (nel < 0 || nel > INT64_MAX / 2 || nel * 2 <= HUGE_BYTES)
		return false;
	char shp[128];
	SAY(o, "%s (%s) is %.0f MiB in fp16 > 64 MiB", what, ac_shape_text(t, shp, sizeof shp),
	    (double)nel * 2 / (1 << 20));
	return true;
}

bool g_huge_tensor(const AneCheck *c, char *detail, size_t n)
{
	if (c->sum.rt_max_numel <= HUGE_BYTES / 2)
		return false;
	Out o = { .detail = detail, .n = n };
	return ac_any_tensor(c, AC_RUNTIME | AC_OUTPUTS, tensor_huge, &o);
}

bool g_huge_weight(const AneCheck *c, char *detail, size_t n)
{
	if (c->sum.const_max_numel <= HUGE_BYTES / 2)
		return false;
	Out o = { .detail = detail, .n = n };
	return ac_any_tensor(c, AC_CONSTS, tensor_huge, &o);
}

/* ------------------------------------------------------------------ G13 custom */

bool g_custom(const AneCheck *c, char *detail, size_t n)
{
	const char *k = c->op->kind;
	if (strcmp(k, "nn.custom") == 0) {
		const Lit *cls = ir_attr_find(c->op->nattrs, c->op->attrs, "className");
		const char *s = cls ? lit_as_string(cls) : NULL;
		snprintf(detail, n, "custom layer class '%s'", s ? s : "?");
		return true;
	}
	if (c->id != OPID_COUNT || strncmp(k, "nn.", 3) == 0)
		return false;
	if (strncmp(k, "model.", 6) == 0)
		snprintf(detail, n, "'%s' is a non-neural model of a pipeline", k);
	else
		snprintf(detail, n, "'%s' is not a MIL op", k);
	return true;
}

/* ------------------------------------------------------------------ G5 weight formats */

bool g_int4_blockwise(const AneCheck *c, char *detail, size_t n)
{
	const Type *t = ac_type(c, "data");
	if (!t || t->kind != TY_TENSOR || (t->dt != DT_INT4 && t->dt != DT_UINT4))
		return false;
	snprintf(detail, n, "data is %s", dtype_name(t->dt));
	return true;
}

/* ------------------------------------------------------------------ G15 fp16 range */

/* Immediate constants only (weight files are not read), and not the big
 * weight tensors: the rule is about masks, offsets and scales. */
enum { FP16_SCAN_MAX = 4096 };

static bool lit_out_of_fp16(const Lit *l, double *bad)
{
	if (!l || l->kind != LIT_TENSOR || !dtype_is_float(l->type->dt) ||
	    l->u.tensor.count > FP16_SCAN_MAX)
		return false;
	for (int64_t i = 0; i < l->u.tensor.count; i++) {
		double x = lit_elem_f64(l, i);
		if (isinf(x) || fabs(x) > 65504.0) {
			*bad = x;
			return true;
		}
	}
	return false;
}

bool g_fp16_range(const AneCheck *c, char *detail, size_t n)
{
	if (c->is_const || !c->sum.const_lit)
		return false;
	const Type *out = ac_out_type(c, 0);
	if (!c->facts->nn && !(out && out->kind == TY_TENSOR && out->dt == DT_FP16))
		return false;
	const Op *op = c->op;
	for (uint32_t i = 0; i < op->nargs; i++)
		for (uint32_t j = 0; j < op->args[i].n; j++) {
			const char *nm = op->args[i].name;
			if (strncmp(nm, "weight", 6) == 0 || strncmp(nm, "bias", 4) == 0)
				continue;
			const Binding *b = &op->args[i].b[j];
			const Lit *l = b->kind == BIND_LIT ? b->lit : ac_value_lit(c, b->value);
			double bad;
			if (lit_out_of_fp16(l, &bad)) {
				snprintf(detail, n, "operand '%s' holds %g", op->args[i].name, bad);
				return true;
			}
		}
	return false;
}
