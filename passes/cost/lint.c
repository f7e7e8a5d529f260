/* lint.c - the `lint` pass: hints beyond placement, one table row per rule
 * (LINT_RULES), each finding a diagnostic with the rule's code and fix hint.
 *
 *   constants    L001 beyond fp16, L002 -inf / -1e9 masks, L003 flush to 0
 *   numerics     L004 exp-like ops on unbounded inputs, L005 pow, L006
 *                attention scores without 1/sqrt(d)
 *   shapes       L007 rank-3 sequence layout, L008 tensors too large to compile
 *   interface    L009 RangeDim inputs, L010 > 128 enumerated shapes, L011
 *                int32/int64 inputs feeding compute
 *   weights      L012/L013 an axis past the ANE's caps, L014 formats that
 *                fold on older ANEs
 *
 * Constants are read from immediate literals only (never weight files).
 * Whether a value is "bounded" is an upper bound propagated backwards over
 * the producing ops (lint_bounds.c): docs/lint-rules.md states the rule.
 */
#include "passes/cost/lint_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ir/model_desc.h"
#include "passes/cost/memory.h"

/* X(ID, code, name, severity, confidence, message, hint, source, defers_to) */
#define LINT_RULES(X) \
	X(FP16_CONST, "L001", "fp16-constant-overflow", SEV_WARNING, CONF_OBSERVED, \
	  "a constant beyond the fp16 range (|x| > 65504) reaches fp16 compute and becomes inf", \
	  "keep constants within +-65504 (clamp or rescale them); where the range is needed, " \
	  "keep that op in fp32 (compute_precision with an op selector)", \
	  "ane-legality.md §1 G15 [ANEMLL-FP16][JR-CU]; user-needs.md §C", "ANE019") \
	X(FP16_MASK, "L002", "fp16-mask-overflow", SEV_WARNING, CONF_OBSERVED, \
	  "a mask constant of -inf, -1e9 or fp16's lowest (-65504) reaches fp16 compute: masked " \
	  "scores become -inf and fully masked rows NaN", \
	  "use a large finite negative such as -1e4 for masks, not -inf, -1e9 or " \
	  "finfo(float16).min", \
	  "ane-legality.md §1 G15 [MDX-README][JR-CU]; user-needs.md item 14 (cactus PR #734)", \
	  "ANE019") \
	X(FP16_FLUSH, "L003", "fp16-constant-underflow", SEV_WARNING, CONF_INFERRED, \
	  "a non-zero constant below fp16's smallest subnormal rounds to 0 in fp16 (an epsilon " \
	  "of 1e-12, for example)", \
	  "use a value fp16 holds (an epsilon of 1e-5 or more; 6.1e-5 and above stay normal), " \
	  "or keep the op in fp32", \
	  "IEEE 754 binary16; ane-legality.md §1 G3 (the ANE computes in fp16)", "") \
	X(FP16_EXP, "L004", "fp16-exp-unbounded", SEV_WARNING, CONF_OBSERVED, \
	  "exp, exp2, softplus, sinh, cosh or reduce_log_sum_exp in fp16 on an input nothing " \
	  "before bounds: exp(x) is inf in fp16 for x > 11.09", \
	  "bound the input first (subtract the max as a stable softmax does, or clip it), use " \
	  "softmax / log_softmax instead of exp and a sum, or keep the op in fp32", \
	  "ane-legality.md §1 G15; user-needs.md item 15 (coremltools PR #2726, #2687)", "") \
	X(FP16_POW, "L005", "fp16-pow-overflow", SEV_WARNING, CONF_OBSERVED, \
	  "pow with a constant exponent of 2 or more in fp16 on an unbounded input: x^y is inf " \
	  "for |x| > 65504^(1/y) (256 for a square)", \
	  "scale the input down before the power (as Anemll's RMSNorm does), build RMS norms " \
	  "from layer_norm, or keep the op in fp32", \
	  "ane-legality.md §2.1 rms_norm composite [VOX-15][ANEMLL-CLAUDE][JR-CU], §1 G15", "") \
	X(FP16_ATTN, "L006", "fp16-attention-unscaled", SEV_WARNING, CONF_OBSERVED, \
	  "attention scores matmul(Q, K^T) reach softmax in fp16 without a 1/sqrt(d) scale; the " \
	  "scores can exceed 65504", \
	  "scale Q (or the scores) by 1/sqrt(d) before the softmax, or use " \
	  "scaled_dot_product_attention", \
	  "user-needs.md item 17 (apple/coreai-models PR #239); ane-legality.md §1 G15", "") \
	X(LAYOUT_RANK3, "L007", "layout-rank3-sequence", SEV_NOTE, CONF_DOCUMENTED, \
	  "rank-3 (B, S, C) sequence tensors feed matmul, linear or softmax; the ANE is kept " \
	  "busy by the channels-first (B, C, 1, S) layout", \
	  "lay sequence tensors out as (B, C, 1, S), express linear layers as 1x1 conv and take " \
	  "softmax over the channel axis (Apple's ml-ane-transformers)", \
	  "ane-legality.md §1 G1, §2.1 linear [APL-ART][APL-MAT]", "") \
	X(TENSOR_LARGE, "L008", "tensor-too-large", SEV_WARNING, CONF_INFERRED, \
	  "a single tensor over 2^25 elements (64 MiB in fp16) risks an ANE compile failure " \
	  "(ANECCompile FAILED on a 1x3x5568x5568 input)", \
	  "tile the input (crops or patches), lower the resolution, or split the op along a " \
	  "batch or channel axis so each piece stays under 2^25 elements", \
	  "ane-legality.md §1 G10 [CT-2247], §3 (\"can not fit the Kmem\") [STUDY-DISPATCH]; " \
	  "user-needs.md item 4", "ANE013") \
	X(FLEX_RANGE, "L009", "flex-range-input", SEV_WARNING, CONF_DOCUMENTED, \
	  "an input with a range (RangeDim) shape: Core ML keeps such models off the Neural " \
	  "Engine (iOS 17.4+ only with reshapeFrequency .infrequent)", \
	  "convert with ct.EnumeratedShapes (up to 128 shapes keep the ANE) or a fixed shape; " \
	  "on iOS 17.4+ set MLModelConfiguration.reshapeFrequency to .infrequent", \
	  "ane-legality.md §1 G6 [CT-FAQ][CT-FLEX][EILN-1021]; user-needs.md §D", "ANE007") \
	X(FLEX_MANY, "L010", "flex-too-many-shapes", SEV_WARNING, CONF_DOCUMENTED, \
	  "an input with more than 128 enumerated shapes; EnumeratedShapes keeps the ANE only " \
	  "up to 128", \
	  "keep at most 128 shapes (bucket the sizes), or split the model by shape family", \
	  "ane-legality.md §1 G6 [CT-FLEX]", "") \
	X(INT_INPUT, "L011", "int-input-compute", SEV_WARNING, CONF_OBSERVED, \
	  "an int32 or int64 model input feeds compute, not only indices; the ANE refuses int32 " \
	  "tensors, so that work runs on the CPU or GPU", \
	  "declare the input fp16 (or int16 where integers are needed) so the ops it feeds can " \
	  "stay on the ANE; int32 stays fine for embedding indices", \
	  "ane-legality.md §1 G4 [AF-CAT][ANEMLL-G3CONV], §3 (int32 refused) [STUDY-DISPATCH]", "") \
	X(WEIGHT_AXIS, "L012", "weight-axis-over-cap", SEV_WARNING, CONF_OBSERVED, \
	  "a weight has an axis over 65,536, past the ANE's limit on every generation", \
	  "split the weight and its op so no axis exceeds 65,536 (converters chunk LM heads)", \
	  "ane-legality.md §1 G2 [ANEMLL-AGENT][MDX-PR26], §3 size limits [STUDY-DISPATCH]", "ANE002") \
	X(WEIGHT_AXIS_OLD, "L013", "weight-axis-over-old-cap", SEV_NOTE, CONF_OBSERVED, \
	  "a weight has an axis over 16,384, past the limit of A15-class and older ANEs " \
	  "(A16-class and later take 65,536)", \
	  "for A15-class and older targets split the weight into chunks of at most 16,384 " \
	  "along that axis (the LM-head split)", \
	  "ane-legality.md §1 G2 [ANEMLL-LLAMA][ANEMLL-AGENT][AF-CAP]", "ANE003") \
	X(WEIGHT_FOLDS, "L014", "weight-format-folds", SEV_NOTE, CONF_REVERSE_ENGINEERED, \
	  "compressed weights in a format older ANEs fold to dense at compile time: int8 " \
	  "affine before A14-class, blockwise and sparse before A15-class", \
	  "for older targets prefer palettization (it streams compressed on every generation); " \
	  "per-block int4 is aimed at the GPU, use per-channel or palettized weights for the ANE", \
	  "ane-legality.md §1 G5, §2.7 [AF-CAT constexpr_*][CT-OPT][CT-QPERF][CT-PPERF]", \
	  "ANE016 ANE017")

typedef enum LintId {
#define X(id, code, name, sev, conf, msg, hint, src, defer) LINT_##id,
	LINT_RULES(X)
#undef X
	LINT_COUNT
} LintId;

static const LintRule rule_table[LINT_COUNT] = {
#define X(id, c, n, s, cf, msg, h, src, defer) \
	[LINT_##id] = { .code = c, .name = n, .sev = s, .conf = cf, .message = msg, .hint = h, \
	                .source = src, .defers_to = defer },
	LINT_RULES(X)
#undef X
};

const LintRule *lint_rules(size_t *n)
{
	if (n)
		*n = LINT_COUNT;
	return rule_table;
}

const LintRule *lint_rule_find(const char *code)
{
	for (int i = 0; code && i < LINT_COUNT; i++)
		if (strcmp(rule_table[i].code, code) == 0)
			return &rule_table[i];
	return NULL;
}

typedef VEC(LintFinding) FindingVec;

struct LintResult {
	FindingVec found;
	uint32_t count[LINT_COUNT];
};

const LintFinding *lint_findings(const PassCtx *ctx, uint32_t *n)
{
	const struct LintResult *r = ctx ? ctx->lint : NULL;
	if (n)
		*n = r ? r->found.n : 0;
	return r && r->found.n ? r->found.v : NULL;
}

uint32_t lint_count(const PassCtx *ctx, const char *code)
{
	const struct LintResult *r = ctx ? ctx->lint : NULL;
	const LintRule *rule = lint_rule_find(code);
	return r && rule ? r->count[rule - rule_table] : 0;
}

/* ------------------------------------------------------------------ state */

/* The code of an ANE rule among `codes` (space-separated) that fired on op. */
static const char *ane_fired(const Lint *L, const char *codes, const Op *op)
{
	uint32_t n;
	const AneReason *rs = op ? ane_op_reasons(L->ctx, L->f, op, &n) : NULL;
	for (uint32_t i = 0; rs && i < n; i++) {
		const char *c = rs[i].rule ? rs[i].rule->code : NULL;
		size_t len = c ? strlen(c) : 0;
		for (const char *p = codes; c && (p = strstr(p, c)); p += len)
			if ((p == codes || p[-1] == ' ') && (p[len] == 0 || p[len] == ' '))
				return c;
	}
	return NULL;
}

static const char *fired_on_users(const Lint *L, const char *codes, ValueId v)
{
	if (v >= L->f->values.n)
		return NULL;
	const Value *val = ir_value(L->f, v);
	for (uint32_t u = 0; u < val->nuses; u++) {
		const char *c = ane_fired(L, codes, val->uses[u].op);
		if (c)
			return c;
	}
	return NULL;
}

/* When legality has run and reported the same fact (the rule's defers_to)
 * on the op, on an op reading its outputs, or on an op reading the input,
 * the ANE code; else NULL. */
static const char *deferred_to(const Lint *L, const LintRule *r, const Op *op, ValueId v)
{
	if (!*r->defers_to || !(L->ctx->done & PASS_BIT(LEGALITY)))
		return NULL;
	const char *c = ane_fired(L, r->defers_to, op);
	for (uint32_t k = 0; !c && op && k < op->nouts; k++)
		c = fired_on_users(L, r->defers_to, op->outs[k]);
	if (!c && !op)
		c = fired_on_users(L, r->defers_to, v);
	return c;
}

static void report(Lint *L, LintId id, const Op *op, ValueId v, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(Lint *L, LintId id, const Op *op, ValueId v, const char *fmt, ...)
{
	const LintRule *r = &rule_table[id];
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	DiagList *dl = L->ctx->dl;
	const char *deferred = deferred_to(L, r, op, v);
	if (deferred) {
		LintFinding fd = { r, L->f, op, v, UINT32_MAX, deferred };
		vec_push(L->ctx->arena, &L->res->found, fd);
		L->res->count[id]++;
		return;
	}
	Diag *d;
	if (op || v == VALUE_NONE) {
		d = pass_diag(L->ctx, r->sev, r->code, L->f, op, r->hint, "%s", msg);
	} else {
		SrcLoc loc = ir_value_loc(L->f, v);
		if (!loc.file)
			loc.file = L->m->file;
		d = diag_add(dl, r->sev, r->code, loc, "input '%s': %s", ir_value(L->f, v)->name, msg);
		if (d)
			d->hint = arena_strdup(dl->arena, r->hint);
	}
	LintFinding fd = { r, L->f, op, v, d ? (uint32_t)(d - dl->d.v) : UINT32_MAX, NULL };
	vec_push(L->ctx->arena, &L->res->found, fd);
	L->res->count[id]++;
}

/* ------------------------------------------------------------------ helpers */

static const Type *vtype(const Lint *L, ValueId id)
{
	if (id >= L->f->values.n)
		return NULL;
	const Type *t = infer_value_type(L->ctx, L->f, id);
	return t ? t : ir_value(L->f, id)->type;
}

static bool is_tensor(const Type *t)
{
	return t && (t->kind == TY_TENSOR || t->kind == TY_TENSOR_BUFFER);
}

static bool type_is_fp16(const Type *t)
{
	return is_tensor(t) && t->dt == DT_FP16;
}

static const char *vname(const Lint *L, ValueId id)
{
	return id < L->f->values.n ? ir_value(L->f, id)->name : "?";
}

static void shape_text(const Type *t, char *buf, size_t n)
{
	size_t o = 0;
	if (!is_tensor(t) || t->rank < 0) {
		snprintf(buf, n, "[?]");
		return;
	}
	o += (size_t)snprintf(buf + o, n - o, "[");
	for (int32_t i = 0; i < t->rank && o < n; i++) {
		const Dim *d = &t->dims[i];
		if (d->kind == DIM_CONST)
			o += (size_t)snprintf(buf + o, n - o, "%s%" PRId64, i ? ", " : "", d->size);
		else
			o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "",
			                      d->kind == DIM_SYM ? d->sym : "?");
	}
	if (o < n)
		snprintf(buf + o, n - o, "]");
}

static void group_int(int64_t v, char *buf, size_t n)
{
	char d[32];
	int len = snprintf(d, sizeof d, "%" PRId64, v);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < n; i++) {
		if (i && d[i - 1] != '-' && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = 0;
}

/* "function input 'x'" / "mul 'op_3' (nothing bounds it)" for messages. */
static void describe_source(const Lint *L, ValueId v, char *buf, size_t n)
{
	ValueId s = lint_through(L, v);
	const Op *d = lint_def_of(L, s);
	if (!d)
		snprintf(buf, n, "input '%s'", vname(L, s));
	else
		snprintf(buf, n, "%s '%s'", d->kind, ir_op_name(L->f, d));
}

/* ------------------------------------------------------------------ L001-L003: constants */

static const OpId mask_consumers[] = { OPID_add, OPID_sub, OPID_select, OPID_mul, OPID_fill,
                                       OPID_fill_like, OPID_COUNT };

/* Does the constant reach fp16 compute through this consumer? */
static bool consumer_fp16(const Lint *L, const Op *u)
{
	if (!u || op_is_const(u))
		return false;
	if (lint_op_is(u, OPID_cast)) {
		const Binding *b = lint_arg(u, "dtype");
		const Lit *l = b && b->kind == BIND_LIT ? b->lit : NULL;
		if (!l && b && b->kind == BIND_VALUE) {
			const Op *d = lint_def_of(L, b->value);
			l = d ? ir_attr_find(d->nattrs, d->attrs, "val") : NULL;
		}
		const char *s = l ? lit_as_string(l) : NULL;
		if (s && strcmp(s, "fp16") == 0)
			return true;
	}
	for (uint32_t k = 0; k < u->nouts; k++)
		if (type_is_fp16(vtype(L, u->outs[k])))
			return true;
	return false;
}

static void check_constant(Lint *L, const Lit *l, const Op *at, const Op *const *users,
                           uint32_t nusers)
{
	if (!l || l->kind != LIT_TENSOR || !dtype_is_float(l->type->dt))
		return;
	bool lit16 = l->type->dt == DT_FP16;
	bool fp16 = lit16, mask_use = false;
	for (uint32_t i = 0; i < nusers; i++) {
		if (consumer_fp16(L, users[i]))
			fp16 = true;
		if (lint_op_in(users[i], mask_consumers))
			mask_use = true;
		/* a constant cast first (fp32 mask -> fp16): look at what the cast feeds */
		if (lint_op_is(users[i], OPID_cast) && users[i]->nouts == 1) {
			const Value *cv = ir_value(L->f, users[i]->outs[0]);
			for (uint32_t u = 0; u < cv->nuses; u++)
				if (lint_op_in(cv->uses[u].op, mask_consumers))
					mask_use = true;
		}
	}
	if (!fp16)
		return;
	double big = 0, most_neg = 0, tiny = 0;
	bool pos_inf = false, neg_inf = false, over_pos = false, over_neg = false, fp16_min = false;
	int64_t nbig = 0, ntiny = 0;
	int64_t n = l->u.tensor.count < (1 << 20) ? l->u.tensor.count : (1 << 20);
	for (int64_t i = 0; i < n; i++) {
		double x = lit_elem_f64(l, i);
		if (isnan(x))
			continue;
		if (isinf(x)) {
			if (x > 0)
				pos_inf = true;
			else
				neg_inf = true;
			continue;
		}
		if (x < most_neg)
			most_neg = x;
		if (x <= -LINT_FP16_MAX)
			fp16_min = true;
		if (fabs(x) > LINT_FP16_MAX) {
			nbig++;
			if (fabs(x) > fabs(big))
				big = x;
			if (x > 0)
				over_pos = true;
			else
				over_neg = true;
		}
		if (!lit16 && x != 0 && (fp16_from_f64(x) & 0x7fff) == 0) {
			ntiny++;
			if (tiny == 0)
				tiny = x;
		}
	}
	char where[96] = "";
	if (!lit16)
		snprintf(where, sizeof where, " (an %s constant used in fp16)", dtype_name(l->type->dt));
	bool masked = false;
	if (mask_use && (neg_inf || fp16_min) && !over_pos && !pos_inf) {
		if (neg_inf)
			report(L, LINT_FP16_MASK, at, VALUE_NONE,
			       "mask value -inf%s: scores plus -inf stay -inf, a fully masked row "
			       "gives NaN in softmax", where);
		else if (most_neg < -LINT_FP16_MAX)
			report(L, LINT_FP16_MASK, at, VALUE_NONE,
			       "mask value %g%s becomes -inf in fp16 (lowest finite: -65504)", most_neg,
			       where);
		else
			report(L, LINT_FP16_MASK, at, VALUE_NONE,
			       "mask value -65504 (fp16's lowest)%s: adding any negative score "
			       "overflows to -inf", where);
		masked = true;
	}
	if (!masked && (over_pos || over_neg || pos_inf)) {
		if (pos_inf && !over_pos && !over_neg)
			report(L, LINT_FP16_CONST, at, VALUE_NONE,
			       "the constant holds +inf%s (a value that overflowed at conversion?)", where);
		else
			report(L, LINT_FP16_CONST, at, VALUE_NONE,
			       "constant value %g%s is beyond fp16's +-65504 and becomes %sinf (%" PRId64
			       " of %" PRId64 " elements out of range)", big, where, big < 0 ? "-" : "",
			       nbig, l->u.tensor.count);
	}
	if (ntiny)
		report(L, LINT_FP16_FLUSH, at, VALUE_NONE,
		       "constant value %g%s rounds to 0 in fp16 (smallest subnormal 5.96e-08; %" PRId64
		       " of %" PRId64 " elements)", tiny, where, ntiny, l->u.tensor.count);
}

static void lint_constants(Lint *L, const Block *b)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		if (lint_op_is(op, OPID_const) && op->nouts == 1) {
			const Lit *l = ir_attr_find(op->nattrs, op->attrs, "val");
			const Value *v = ir_value(L->f, op->outs[0]);
			const Op *few[16];  /* most constants have a user or two */
			const Op **users = v->nuses <= 16 ? few : calloc(v->nuses, sizeof *users);
			if (!users)
				IR_DIE("out of memory");
			for (uint32_t u = 0; u < v->nuses; u++)
				users[u] = v->uses[u].op;
			check_constant(L, l, op, users, v->nuses);
			if (users != few)
				free(users);
		} else if (!op_is_const(op)) {
			for (uint32_t k = 0; k < op->nargs; k++)
				for (uint32_t j = 0; j < op->args[k].n; j++)
					if (op->args[k].b[j].kind == BIND_LIT)
						check_constant(L, op->args[k].b[j].lit, op, &op, 1);
		}
		for (uint32_t k = 0; k < op->nblocks; k++)
			lint_constants(L, op->blocks[k]);
	}
}

/* ------------------------------------------------------------------ L004-L006: numerics */

typedef struct ExpLike {
	OpId op;
	double limit;           /* input above which the fp16 result is inf */
	const char *what;
} ExpLike;

static const ExpLike exp_like[] = {
	{ OPID_exp, 11.09, "exp(x) is inf in fp16 for x > 11.09" },
	{ OPID_exp2, 15.99, "2^x is inf in fp16 for x > 15.99" },
	{ OPID_softplus, 11.09, "softplus computed as log(1 + exp(x)) overflows for x > 11.09" },
	{ OPID_softplus_parametric, 11.09,
	  "softplus computed as log(1 + exp(beta*x)) overflows for beta*x > 11.09" },
	{ OPID_reduce_log_sum_exp, 11.09,
	  "the ANE's log-sum-exp overflows once exp(x) passes 65504 (x > 11.09; seen at 7.63 "
	  "for 32 channels)" },
	{ OPID_sinh, 11.78, "sinh(x) is inf in fp16 for |x| > 11.78" },
	{ OPID_cosh, 11.78, "cosh(x) is inf in fp16 for |x| > 11.78" },
};

static void check_exp(Lint *L, const Op *op)
{
	for (size_t i = 0; i < sizeof exp_like / sizeof *exp_like; i++) {
		if (!lint_op_is(op, exp_like[i].op))
			continue;
		ValueId x = lint_arg_value(op, "x");
		if (x == VALUE_NONE || !type_is_fp16(vtype(L, x)))
			return;
		bool two = lint_op_is(op, OPID_sinh) || lint_op_is(op, OPID_cosh);
		double ub = lint_value_bound(L, x, two);
		if (ub <= exp_like[i].limit)
			return;
		char src[256], bound[64] = "nothing bounds it";
		describe_source(L, x, src, sizeof src);
		if (isfinite(ub))
			snprintf(bound, sizeof bound, "bounded only by %g", ub);
		report(L, LINT_FP16_EXP, op, VALUE_NONE,
		       "input '%s' in fp16 comes from %s, %s; %s", vname(L, x), src, bound,
		       exp_like[i].what);
		return;
	}
}

/* The exponent of a power: pow's constant y, or 2 for mul(x = v, y = v),
 * the square written as a product (the large-activation failure of
 * ane-numerics.md: compare found `square` overflowing with no finding).
 * NaN when the op is no power. */
static double power_exponent(const Lint *L, const Op *op, ValueId x)
{
	if (lint_op_is(op, OPID_pow)) {
		const Lit *y = lint_arg_lit(L, op, "y");
		return y ? lint_lit_max(y) : NAN;
	}
	if (lint_op_is(op, OPID_mul) && x != VALUE_NONE && lint_arg_value(op, "y") == x)
		return 2;
	return NAN;
}

static void check_pow(Lint *L, const Op *op)
{
	ValueId x = lint_arg_value(op, "x");
	double e = power_exponent(L, op, x);
	if (isnan(e) || x == VALUE_NONE || !type_is_fp16(vtype(L, x)))
		return;
	if (e < LINT_POW_MIN_EXPONENT)
		return;
	double limit = pow(LINT_FP16_MAX, 1.0 / e);
	double ab = lint_value_bound(L, x, true);
	if (ab <= limit)
		return;
	char src[256];
	describe_source(L, x, src, sizeof src);
	report(L, LINT_FP16_POW, op, VALUE_NONE,
	       "x^%g in fp16 is inf for |x| > %.4g (65504^(1/%g)); input '%s' comes from %s, %s",
	       e, limit, e, vname(L, x), src,
	       isfinite(ab) ? "bounded only loosely" : "nothing bounds it");
}

/* Does the value come from a scale (mul / real_div by a constant), looking
 * through layout ops? */
static bool scaled_before(const Lint *L, ValueId v, int depth)
{
	for (int guard = 0; guard < 32 && v < L->f->values.n; guard++) {
		const Op *d = lint_def_of(L, v);
		if (!d || op_is_const(d))
			return false;
		if ((lint_op_is(d, OPID_mul) || lint_op_is(d, OPID_real_div)) &&
		    (lint_binding_is_const(L, lint_arg(d, "x")) || lint_binding_is_const(L, lint_arg(d, "y"))))
			return true;
		if (!lint_op_in(d, lint_transparent_ops) || depth > 8)
			return false;
		v = lint_arg_value(d, "x");
	}
	return false;
}

/* Walk back from softmax's input to the matmul of two activations that
 * makes the scores; *scaled when a scale stands in between. */
static const Op *scores_matmul(const Lint *L, ValueId v, bool *scaled, int depth)
{
	if (depth > 12 || v >= L->f->values.n)
		return NULL;
	const Op *d = lint_def_of(L, v);
	if (!d || op_is_const(d))
		return NULL;
	if (lint_op_in(d, lint_transparent_ops))
		return scores_matmul(L, lint_arg_value(d, "x"), scaled, depth + 1);
	if (lint_op_is(d, OPID_mul) || lint_op_is(d, OPID_real_div)) {
		const Binding *x = lint_arg(d, "x"), *y = lint_arg(d, "y");
		if (lint_binding_is_const(L, y) || lint_binding_is_const(L, x)) {
			*scaled = true;
			return scores_matmul(L, lint_binding_is_const(L, y) ? x->value : y->value, scaled,
			                     depth + 1);
		}
		return NULL;
	}
	if (lint_op_is(d, OPID_add) || lint_op_is(d, OPID_sub) || lint_op_is(d, OPID_select)) {
		bool sel = lint_op_is(d, OPID_select);
		const char *a = sel ? "a" : "x", *b = sel ? "b" : "y";
		bool s1 = *scaled, s2 = *scaled;
		const Op *m = scores_matmul(L, lint_arg_value(d, a), &s1, depth + 1);
		if (m) {
			*scaled = s1;
			return m;
		}
		m = scores_matmul(L, lint_arg_value(d, b), &s2, depth + 1);
		if (m)
			*scaled = s2;
		return m;
	}
	if (lint_op_is(d, OPID_matmul)) {
		const Binding *x = lint_arg(d, "x"), *y = lint_arg(d, "y");
		if (x && y && x->kind == BIND_VALUE && y->kind == BIND_VALUE &&
		    !lint_binding_is_const(L, x) && !lint_binding_is_const(L, y))
			return d;
	}
	return NULL;
}

static void check_attention(Lint *L, const Op *op)
{
	if (!lint_op_is(op, OPID_softmax))
		return;
	ValueId x = lint_arg_value(op, "x");
	if (x == VALUE_NONE || !type_is_fp16(vtype(L, x)))
		return;
	bool scaled = false;
	const Op *mm = scores_matmul(L, x, &scaled, 0);
	if (!mm || scaled || L->reported[mm->index])
		return;
	ValueId q = lint_arg_value(mm, "x"), k = lint_arg_value(mm, "y");
	if (scaled_before(L, q, 0) || scaled_before(L, k, 0))
		return;
	L->reported[mm->index] = true;
	/* the contraction dim: x's last dim, or its second last when transposed */
	const Type *qt = vtype(L, q);
	const Lit *tx = lint_arg_lit(L, mm, "transpose_x");
	bool trx = tx && lit_elem_i64(tx, 0);
	char dtxt[96] = "";
	if (is_tensor(qt) && qt->rank >= 2) {
		const Dim *d = &qt->dims[qt->rank - (trx ? 2 : 1)];
		if (d->kind == DIM_CONST && d->size > 0)
			snprintf(dtxt, sizeof dtxt, " (d = %" PRId64 ": scale by %.6g)", d->size,
			         1.0 / sqrt((double)d->size));
	}
	report(L, LINT_FP16_ATTN, mm, VALUE_NONE,
	       "scores of '%s' x '%s' reach softmax '%s' in fp16 with no 1/sqrt(d) scale%s",
	       vname(L, q), vname(L, k), ir_op_name(L->f, op), dtxt);
}

/* ------------------------------------------------------------------ L007, L008: shapes */

typedef struct Rank3 {
	const Op *first;
	ValueId value;
	uint32_t count;
} Rank3;

static bool act_rank3(const Lint *L, ValueId v)
{
	const Type *t = vtype(L, v);
	return v != VALUE_NONE && !op_is_const(lint_def_of(L, v)) && is_tensor(t) && t->rank == 3;
}

static void check_rank3(Lint *L, const Op *op, Rank3 *r3)
{
	ValueId hit = VALUE_NONE;
	if (lint_op_is(op, OPID_linear) || lint_op_is(op, OPID_softmax)) {
		ValueId x = lint_arg_value(op, "x");
		if (act_rank3(L, x))
			hit = x;
	} else if (lint_op_is(op, OPID_matmul)) {
		ValueId x = lint_arg_value(op, "x"), y = lint_arg_value(op, "y");
		hit = act_rank3(L, x) ? x : act_rank3(L, y) ? y : VALUE_NONE;
	}
	if (hit == VALUE_NONE)
		return;
	if (!r3->count) {
		r3->first = op;
		r3->value = hit;
	}
	r3->count++;
}

static void check_large(Lint *L, const Op *op, ValueId v)
{
	const Type *t = vtype(L, v);
	if (!is_tensor(t))
		return;
	int64_t n = type_numel(t);
	if (n <= LINT_LARGE_TENSOR_ELEMS)
		return;
	char shape[160], num[40], bytes[40];
	shape_text(t, shape, sizeof shape);
	group_int(n, num, sizeof num);
	group_int(n > INT64_MAX / 2 ? INT64_MAX : n * 2, bytes, sizeof bytes);
	if (op)
		report(L, LINT_TENSOR_LARGE, op, VALUE_NONE,
		       "output '%s' %s has %s elements (%s bytes in fp16), over 2^25 = 33,554,432",
		       vname(L, v), shape, num, bytes);
	else
		report(L, LINT_TENSOR_LARGE, NULL, v,
		       "%s has %s elements (%s bytes in fp16), over 2^25 = 33,554,432", shape, num,
		       bytes);
}

/* ------------------------------------------------------------------ L012-L014: weights */

static const OpId gather_ops[] = { OPID_gather, OPID_gather_along_axis, OPID_gather_nd,
                                   OPID_COUNT };

/* A weight read by compute other than as a gather's table (embeddings run
 * off the ANE anyway). */
static bool weight_feeds_compute(const Lint *L, ValueId id)
{
	const Value *v = ir_value(L->f, id);
	for (uint32_t u = 0; u < v->nuses; u++) {
		const Op *op = v->uses[u].op;
		if (op_is_const(op))
			continue;
		if (lint_op_in(op, gather_ops) && strcmp(op->args[v->uses[u].operand].name, "x") == 0)
			continue;
		return true;
	}
	return false;
}

static void check_weight_axes(Lint *L, const Op *op)
{
	if (!op_is_const(op))
		return;
	for (uint32_t k = 0; k < op->nouts; k++) {
		ValueId id = op->outs[k];
		const Type *t = vtype(L, id);
		if (!is_tensor(t) || t->rank <= 0)
			continue;
		int32_t axis = -1;
		int64_t ext = 0;
		for (int32_t i = 0; i < t->rank; i++)
			if (t->dims[i].kind == DIM_CONST && t->dims[i].size > ext) {
				ext = t->dims[i].size;
				axis = i;
			}
		/* the common case first: no axis past a cap, nothing to look up */
		if (ext <= LINT_AXIS_CAP_OLD || !weight_feeds_compute(L, id))
			continue;
		char shape[160], num[40];
		shape_text(t, shape, sizeof shape);
		group_int(ext, num, sizeof num);
		if (ext > LINT_AXIS_CAP)
			report(L, LINT_WEIGHT_AXIS, op, VALUE_NONE,
			       "weight '%s' %s has axis %d = %s > 65,536", vname(L, id), shape, axis, num);
		else if (ext > LINT_AXIS_CAP_OLD)
			report(L, LINT_WEIGHT_AXIS_OLD, op, VALUE_NONE,
			       "weight '%s' %s has axis %d = %s > 16,384", vname(L, id), shape, axis, num);
	}
}

typedef struct Fold {
	const OpId *ops;
	const char *format;
	const char *from;
	const Op *first;
	uint32_t count;
	MemSize dense;
} Fold;

static const OpId fold_affine[] = { OPID_constexpr_affine_dequantize, OPID_COUNT };
static const OpId fold_blockwise[] = { OPID_constexpr_blockwise_shift_scale, OPID_COUNT };
static const OpId fold_sparse[] = { OPID_constexpr_sparse_to_dense, OPID_constexpr_lut_to_sparse,
                                    OPID_constexpr_sparse_blockwise_shift_scale, OPID_COUNT };

static void note_fold(Lint *L, const Op *op, Fold *folds, size_t n)
{
	/* one per compressed weight: the op of the chain that compute reads */
	bool read = false;
	for (uint32_t k = 0; k < op->nouts; k++)
		if (weight_feeds_compute(L, op->outs[k]))
			read = true;
	for (size_t i = 0; read && i < n; i++)
		if (lint_op_in(op, folds[i].ops)) {
			if (!folds[i].count)
				folds[i].first = op;
			folds[i].count++;
			if (op->nouts == 1)
				folds[i].dense = mem_size_add(folds[i].dense,
				                              mem_value_size(L->ctx, L->f, op->outs[0]));
		}
}

/* ------------------------------------------------------------------ L009-L011: inputs */

static const FeatureDesc *input_desc(const Lint *L, const char *name)
{
	const FuncDesc *fd = ir_func_desc(L->f);
	for (uint32_t i = 0; fd && i < fd->ninputs; i++)
		if (fd->inputs[i].name && strcmp(fd->inputs[i].name, name) == 0)
			return &fd->inputs[i];
	return NULL;
}

static void range_text(char *buf, size_t n, uint32_t nr, const DimRange *r)
{
	size_t o = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < nr && o < n; i++) {
		if (r[i].lower == r[i].upper)
			continue;
		if (r[i].upper < 0)
			o += (size_t)snprintf(buf + o, n - o, "%sdim %u in [%" PRId64 ", unbounded)",
			                      o ? ", " : "", i, r[i].lower);
		else
			o += (size_t)snprintf(buf + o, n - o, "%sdim %u in [%" PRId64 ", %" PRId64 "]",
			                      o ? ", " : "", i, r[i].lower, r[i].upper);
	}
}

/* Operands that take integers as indices or sizes, not as data. */
typedef struct IndexOperand {
	OpId op;
	const char *operand;
} IndexOperand;

static const IndexOperand index_operands[] = {
	{ OPID_gather, "indices" }, { OPID_gather_nd, "indices" },
	{ OPID_gather_along_axis, "indices" }, { OPID_scatter, "indices" },
	{ OPID_scatter_nd, "indices" }, { OPID_scatter_along_axis, "indices" },
	{ OPID_one_hot, "indices" }, { OPID_slice_by_index, "begin" },
	{ OPID_slice_by_index, "end" }, { OPID_slice_by_size, "begin" },
	{ OPID_slice_by_size, "size" }, { OPID_slice_update, "begin" },
	{ OPID_slice_update, "end" }, { OPID_reshape, "shape" }, { OPID_tile, "reps" },
	{ OPID_fill, "shape" }, { OPID_range_1d, "start" }, { OPID_range_1d, "end" },
	{ OPID_range_1d, "step" }, { OPID_pad, "pad" }, { OPID_topk, "k" },
	{ OPID_resize, "shape" }, { OPID_band_part, "lower" }, { OPID_band_part, "upper" },
	{ OPID_reverse_sequence, "lengths" }, { OPID_cond, "pred" },
	{ OPID_while_loop, "loop_vars" }, { OPID_list_read, "index" }, { OPID_list_write, "index" },
	{ OPID_list_gather, "indices" }, { OPID_list_scatter, "indices" },
};

static bool is_index_operand(const Op *op, const char *name)
{
	OpId id = ir_op_id(op);
	for (size_t i = 0; i < sizeof index_operands / sizeof *index_operands; i++)
		if (id == index_operands[i].op &&
		    strcmp(name, index_operands[i].operand) == 0)
			return true;
	return false;
}

static bool int_or_bool(const Type *t)
{
	return is_tensor(t) && (dtype_is_int(t->dt) || t->dt == DT_BOOL);
}

/* The first op that uses the integer value as data for float compute
 * (following integer plumbing: casts between ints, index arithmetic,
 * comparisons); NULL when it only ends in indices, control or outputs. */
static const Op *int_compute_use(Lint *L, ValueId v, int depth)
{
	if (v >= L->f->values.n || L->seen[v] || depth > 64)
		return NULL;
	L->seen[v] = true;
	const Value *val = ir_value(L->f, v);
	for (uint32_t u = 0; u < val->nuses; u++) {
		const Op *op = val->uses[u].op;
		if (is_index_operand(op, op->args[val->uses[u].operand].name))
			continue;
		bool plumbing = true;
		for (uint32_t k = 0; k < op->nouts; k++)
			if (!int_or_bool(vtype(L, op->outs[k])))
				plumbing = false;
		if (!plumbing)
			return op;
		for (uint32_t k = 0; k < op->nouts; k++) {
			const Op *r = int_compute_use(L, op->outs[k], depth + 1);
			if (r)
				return r;
		}
	}
	return NULL;
}

static void check_input(Lint *L, ValueId id)
{
	const Value *v = ir_value(L->f, id);
	const Type *t = vtype(L, id);
	const FeatureDesc *fd = input_desc(L, v->name);
	char shape[160];
	shape_text(t, shape, sizeof shape);
	/* L009 / L010: flexible shapes */
	if (fd) {
		char rt[256];
		if (fd->flex == FLEX_RANGE) {
			range_text(rt, sizeof rt, fd->nranges, fd->ranges);
			report(L, LINT_FLEX_RANGE, NULL, id, "range shape (%s)",
			       rt[0] ? rt : "every dim ranged");
		} else if (fd->kind == FEAT_IMAGE && fd->size_flex == FLEX_RANGE) {
			DimRange r[2] = { fd->height_range, fd->width_range };
			range_text(rt, sizeof rt, 2, r);
			report(L, LINT_FLEX_RANGE, NULL, id, "image size range (height/width: %s)",
			       rt[0] ? rt : "ranged");
		}
		uint32_t ne = fd->flex == FLEX_ENUMERATED ? fd->nshapes
		            : fd->kind == FEAT_IMAGE && fd->size_flex == FLEX_ENUMERATED ? fd->nsizes
		            : 0;
		if (ne > LINT_MAX_ENUMERATED)
			report(L, LINT_FLEX_MANY, NULL, id, "%u enumerated shapes, over %d", ne,
			       LINT_MAX_ENUMERATED);
	} else if (is_tensor(t) && !L->m->desc) {
		/* bare MIL: a dim that is not fixed makes the input flexible */
		bool flex = t->rank < 0;
		for (int32_t i = 0; i < t->rank; i++)
			if (t->dims[i].kind != DIM_CONST)
				flex = true;
		if (flex)
			report(L, LINT_FLEX_RANGE, NULL, id,
			       "shape %s is not fixed (no model description says it is enumerated)",
			       shape);
	}
	/* L011: integer inputs feeding compute */
	if (is_tensor(t) && (t->dt == DT_INT32 || t->dt == DT_INT64)) {
		memset(L->seen, 0, L->f->values.n * sizeof *L->seen);
		const Op *use = int_compute_use(L, id, 0);
		if (use)
			report(L, LINT_INT_INPUT, NULL, id,
			       "%s %s feeds %s '%s' as data (compute, not an embedding index)",
			       dtype_name(t->dt), shape, use->kind, ir_op_name(L->f, use));
	}
	/* L008 on the input itself */
	check_large(L, NULL, id);
}

/* ------------------------------------------------------------------ the pass */

typedef struct Walk {
	Rank3 r3;
	Fold folds[3];
} Walk;

static void walk_block(Lint *L, const Block *b, Walk *w)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		if (op_is_const(op)) {
			check_weight_axes(L, op);
			note_fold(L, op, w->folds, 3);
		} else {
			check_exp(L, op);
			check_pow(L, op);
			check_attention(L, op);
			check_rank3(L, op, &w->r3);
			for (uint32_t k = 0; k < op->nouts; k++)
				check_large(L, op, op->outs[k]);
		}
		for (uint32_t k = 0; k < op->nblocks; k++)
			walk_block(L, op->blocks[k], w);
	}
}

static void lint_func(Lint *L)
{
	Func *f = L->f;
	uint32_t nv = f->values.n ? f->values.n : 1;
	L->ub = malloc(nv * sizeof *L->ub);
	L->ab = malloc(nv * sizeof *L->ab);
	L->seen = calloc(nv, sizeof *L->seen);
	L->reported = calloc(f->nops ? f->nops : 1, sizeof *L->reported);
	if (!L->ub || !L->ab || !L->seen || !L->reported)
		IR_DIE("out of memory");
	for (uint32_t i = 0; i < nv; i++)
		L->ub[i] = L->ab[i] = NAN;

	for (uint32_t i = 0; i < f->body->nparams; i++)
		if (f->body->params[i] < f->values.n)
			check_input(L, f->body->params[i]);
	lint_constants(L, f->body);
	Walk w = { .folds = {
		{ fold_affine, "int8-affine (constexpr_affine_dequantize)",
		  "A14-class ANEs; A13-class (M1) and older fold them to dense at compile time",
		  NULL, 0, { 0, 0 } },
		{ fold_blockwise, "blockwise shift-scale (constexpr_blockwise_shift_scale)",
		  "A15-class ANEs; A14-class (M2) and older fold them to dense at compile time",
		  NULL, 0, { 0, 0 } },
		{ fold_sparse, "sparse (constexpr_sparse_to_dense)",
		  "A15-class ANEs; A14-class (M2) and older fold them to dense at compile time",
		  NULL, 0, { 0, 0 } },
	} };
	walk_block(L, f->body, &w);
	if (w.r3.count) {
		char shape[160];
		shape_text(vtype(L, w.r3.value), shape, sizeof shape);
		report(L, LINT_LAYOUT_RANK3, w.r3.first, VALUE_NONE,
		       "rank-3 input '%s' %s; %u matmul / linear / softmax op%s in '%s' take rank-3 "
		       "sequence tensors", vname(L, w.r3.value), shape, w.r3.count,
		       w.r3.count == 1 ? "" : "s", f->name);
	}
	for (size_t i = 0; i < 3; i++) {
		const Fold *fo = &w.folds[i];
		if (!fo->count)
			continue;
		char dense[128];
		mem_format_size(fo->dense, dense, sizeof dense);
		report(L, LINT_WEIGHT_FOLDS, fo->first, VALUE_NONE,
		       "%u %s weight%s (%s dense) stream compressed from %s", fo->count, fo->format,
		       fo->count == 1 ? "" : "s", dense, fo->from);
	}
	free(L->ub);
	free(L->ab);
	free(L->seen);
	free(L->reported);
}

int pass_lint(Module *m, PassCtx *ctx)
{
	struct LintResult *r = arena_alloc(ctx->arena, sizeof *r);
	ctx->lint = r;
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		Lint L = { .ctx = ctx, .m = m, .f = m->funcs.v[i], .res = r };
		lint_func(&L);
	}
	return 0;
}
