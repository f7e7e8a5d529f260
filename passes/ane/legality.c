/* legality.c - the `legality` pass: every rule row (ane_rules_*.def) over
 * every op, for the chip in use (--chip, default M4).
 *
 * For each op it records which devices can run it (CPU always) and, for
 * each device that cannot, the rule and the figures (OpPlacement.reasons);
 * advisories go with them.  Every refusal and advisory is also a warning
 * diagnostic with the rule's code and hint, so `anelint lint` shows them.
 * Function-level refusals (a RangeDim input, a model above 1 GB) are
 * reported once per function, though recorded on every op.
 *
 * Rule selection is precomputed once per run: a bitset of the rows that
 * apply to each catalogue op id (rows without an op list apply to all),
 * filtered by the chip's gates; ops outside the catalogue (nn.*, unknown)
 * match rows by name. */
#include "passes/ane/ane_int.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------------ operand access */

const Type *ac_value_type(const AneCheck *c, ValueId id)
{
	const Type *t = infer_value_type(c->ctx, c->f, id);
	if (!t && id < c->f->values.n)
		t = ir_value(c->f, id)->type;
	return t;
}

/* The operand as an op operand, else as an attribute (constexpr ops of
 * iOS16/17 serialise every operand as an attribute). */
static const Binding *first_binding(const AneCheck *c, const char *name, const Lit **attr)
{
	*attr = NULL;
	const Operand *o = ir_op_operand(c->op, name);
	if (o && o->n)
		return &o->b[0];
	if (!o)
		*attr = ir_attr_find(c->op->nattrs, c->op->attrs, name);
	return NULL;
}

bool ac_has(const AneCheck *c, const char *operand)
{
	const Lit *a;
	return first_binding(c, operand, &a) || a;
}

const Type *ac_type(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	if (a)
		return a->type;
	if (!b)
		return NULL;
	return b->kind == BIND_LIT ? b->lit->type : ac_value_type(c, b->value);
}

const Type *ac_out_type(const AneCheck *c, uint32_t i)
{
	return i < c->op->nouts ? ac_value_type(c, c->op->outs[i]) : NULL;
}

OpId ane_op_id(const Op *op)
{
	if (op->info)
		return op->info->id;
	const OpInfo *info = op_catalogue_first(op->kind);
	return info ? info->id : OPID_COUNT;
}

bool ane_op_is_const(const Op *op)
{
	if (op->info)
		return (op->info->flags & OPF_CONSTEXPR) != 0;
	if (op->kind[0] != 'c')
		return false;
	return strcmp(op->kind, "const") == 0 || strncmp(op->kind, "constexpr_", 10) == 0;
}

const Lit *ac_value_lit(const AneCheck *c, ValueId id)
{
	if (id >= c->f->values.n)
		return NULL;
	const Op *d = ir_value(c->f, id)->def;
	if (!d || strcmp(d->kind, "const") != 0)
		return NULL;
	return ir_attr_find(d->nattrs, d->attrs, "val");
}

static const Lit *binding_lit(const AneCheck *c, const Binding *b)
{
	return b->kind == BIND_LIT ? b->lit : ac_value_lit(c, b->value);
}

static bool value_known(const AneCheck *c, ValueId id)
{
	if (id >= c->f->values.n)
		return false;
	const Op *d = ir_value(c->f, id)->def;
	if (d && ane_op_is_const(d))
		return true;
	uint32_t n;
	const Dim *v = infer_value_ints(c->ctx, c->f, id, &n);
	if (!v)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (v[i].kind != DIM_CONST)
			return false;
	return true;
}

bool ac_known(const AneCheck *c, const char *operand)
{
	const Operand *o = ir_op_operand(c->op, operand);
	if (!o)
		return true;
	for (uint32_t i = 0; i < o->n; i++)
		if (o->b[i].kind == BIND_VALUE && !value_known(c, o->b[i].value))
			return false;
	return true;
}

bool ac_ints(const AneCheck *c, const char *operand, int64_t *v, uint32_t max, uint32_t *n)
{
	*n = 0;
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	const Lit *l = a;
	if (b && b->kind == BIND_VALUE) {
		uint32_t k;
		const Dim *d = infer_value_ints(c->ctx, c->f, b->value, &k);
		if (d) {
			if (k > max)
				return false;
			for (uint32_t i = 0; i < k; i++) {
				if (d[i].kind != DIM_CONST)
					return false;
				v[i] = d[i].size;
			}
			*n = k;
			return true;
		}
	}
	if (b)
		l = binding_lit(c, b);
	if (!l || l->kind != LIT_TENSOR || !dtype_is_int(l->type->dt) || l->u.tensor.count > max)
		return false;
	for (int64_t i = 0; i < l->u.tensor.count; i++)
		v[i] = lit_elem_i64(l, i);
	*n = (uint32_t)l->u.tensor.count;
	return true;
}

const char *ac_str(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	const Lit *l = b ? binding_lit(c, b) : a;
	return l && l->kind == LIT_TENSOR ? lit_as_string(l) : NULL;
}

static const Lit *operand_lit(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	const Lit *l = b ? binding_lit(c, b) : a;
	return l && l->kind == LIT_TENSOR && l->u.tensor.count == 1 ? l : NULL;
}

bool ac_bool(const AneCheck *c, const char *operand, bool dflt)
{
	const Lit *l = operand_lit(c, operand);
	return l ? lit_elem_i64(l, 0) != 0 : dflt;
}

bool ac_f64(const AneCheck *c, const char *operand, double *v)
{
	const Lit *l = operand_lit(c, operand);
	if (!l || (!dtype_is_float(l->type->dt) && !dtype_is_int(l->type->dt)))
		return false;
	*v = lit_elem_f64(l, 0);
	return true;
}

const Op *ac_def(const AneCheck *c, const char *operand)
{
	const Lit *a;
	const Binding *b = first_binding(c, operand, &a);
	if (!b || b->kind != BIND_VALUE || b->value >= c->f->values.n)
		return NULL;
	return ir_value(c->f, b->value)->def;
}

bool ac_op_is(const AneCheck *c, const char *kind)
{
	return strcmp(c->op->kind, kind) == 0;
}

int64_t ac_numel(const Type *t)
{
	return t && t->kind == TY_TENSOR ? type_numel(t) : -1;
}

int64_t ane_type_bytes(const Type *t)
{
	if (!t)
		return -1;
	if (t->kind == TY_STATE)
		t = t->elem;
	if (!t || t->kind != TY_TENSOR)
		return -1;
	int64_t n = type_numel(t);
	if (n < 0)
		return -1;
	unsigned bits = dtype_info[t->dt].bits;
	if (!bits)
		bits = 64;      /* strings: a pointer per element, a guess kept out of sums */
	if (n > INT64_MAX / bits)
		return -1;
	return (n * (int64_t)bits + 7) / 8;
}

const char *ac_shape_text(const Type *t, char *buf, size_t n)
{
	size_t len = 0;
	if (n)
		buf[0] = 0;
	if (!t || t->kind != TY_TENSOR || t->rank < 0) {
		snprintf(buf, n, "?");
		return buf;
	}
	if (t->rank == 0) {
		snprintf(buf, n, "scalar");
		return buf;
	}
	for (int32_t i = 0; i < t->rank && len < n; i++) {
		const Dim *d = &t->dims[i];
		int w;
		if (d->kind == DIM_CONST)
			w = snprintf(buf + len, n - len, "%s%lld", i ? "x" : "", (long long)d->size);
		else if (d->kind == DIM_SYM)
			w = snprintf(buf + len, n - len, "%s%s", i ? "x" : "", d->sym);
		else
			w = snprintf(buf + len, n - len, "%s?", i ? "x" : "");
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

AneCheck ac_at(const AneCheck *c, const Op *op)
{
	AneCheck d = *c;
	d.op = op;
	d.id = ane_op_id(op);
	d.is_const = ane_op_is_const(op);
	d.nested = op->parent && op->parent->parent_op != NULL;
	return d;
}

bool ac_any_tensor(const AneCheck *c, unsigned flags, AcTensorFn fn, void *arg)
{
	const Op *op = c->op;
	char what[192];
	for (uint32_t i = 0; i < op->nargs; i++) {
		const Operand *o = &op->args[i];
		for (uint32_t j = 0; j < o->n; j++) {
			const Binding *b = &o->b[j];
			const Type *t;
			bool konst;
			if (b->kind == BIND_LIT) {
				t = b->lit->type;
				konst = true;
			} else {
				t = ac_value_type(c, b->value);
				const Op *d = b->value < c->f->values.n ? ir_value(c->f, b->value)->def : NULL;
				konst = d && ane_op_is_const(d);
			}
			if (!t || !(flags & (konst ? AC_CONSTS : AC_RUNTIME)))
				continue;
			if (o->n > 1)
				snprintf(what, sizeof what, "operand '%s[%u]'", o->name, j);
			else
				snprintf(what, sizeof what, "operand '%s'", o->name);
			if (fn(c, t, what, arg))
				return true;
		}
	}
	if (flags & AC_OUTPUTS)
		for (uint32_t i = 0; i < op->nouts; i++) {
			const Type *t = ac_value_type(c, op->outs[i]);
			if (!t)
				continue;
			snprintf(what, sizeof what, "output '%s'", ir_value(c->f, op->outs[i])->name);
			if (fn(c, t, what, arg))
				return true;
		}
	return false;
}

static void note_tensor(AneOpSummary *s, const Type *t, bool runtime)
{
	if (t->kind == TY_STATE) {
		s->any_state = true;
		t = t->elem;
		if (!t)
			return;
	}
	if (t->kind != TY_TENSOR)
		return;
	if (t->rank > s->max_rank)
		s->max_rank = t->rank;
	int64_t n = 1;
	bool known = t->rank >= 0;
	for (int32_t i = 0; i < t->rank; i++) {
		if (t->dims[i].kind != DIM_CONST) {
			known = false;
			continue;
		}
		int64_t d = t->dims[i].size;
		if (d > s->max_dim)
			s->max_dim = d;
		n = d > 0 && n <= INT64_MAX / d ? n * d : n;
	}
	if (runtime) {
		s->rt_dtypes |= 1u << t->dt;
		if (!known)
			s->rt_unknown = true;
		else if (n > s->rt_max_numel)
			s->rt_max_numel = n;
	} else if (known && n > s->const_max_numel) {
		s->const_max_numel = n;
	}
}

static void summarise(AneCheck *c)
{
	AneOpSummary *s = &c->sum;
	memset(s, 0, sizeof *s);
	const Op *op = c->op;
	for (uint32_t i = 0; i < op->nargs; i++)
		for (uint32_t j = 0; j < op->args[i].n; j++) {
			const Binding *b = &op->args[i].b[j];
			if (b->kind == BIND_LIT) {
				s->const_lit = true;
				note_tensor(s, b->lit->type, false);
				continue;
			}
			const Type *t = ac_value_type(c, b->value);
			const Op *d = b->value < c->f->values.n ? ir_value(c->f, b->value)->def : NULL;
			bool konst = d && ane_op_is_const(d);
			s->const_lit |= konst;
			if (t)
				note_tensor(s, t, !konst);
		}
	for (uint32_t i = 0; i < op->nouts; i++) {
		const Type *t = ac_value_type(c, op->outs[i]);
		if (t)
			note_tensor(s, t, true);
	}
}

/* ------------------------------------------------------------------ function facts */

static const FuncDesc *func_desc(const Module *m, const Func *f)
{
	if (!m->desc || !m->desc->nfuncs)
		return NULL;
	for (uint32_t i = 0; i < m->desc->nfuncs; i++)
		if (m->desc->funcs[i].name && f->name && strcmp(m->desc->funcs[i].name, f->name) == 0)
			return &m->desc->funcs[i];
	return m->desc->nfuncs == 1 && m->funcs.n == 1 ? &m->desc->funcs[0] : NULL;
}

static const FeatureDesc *input_desc(const FuncDesc *fd, const char *name)
{
	if (!fd || !name)
		return NULL;
	for (uint32_t i = 0; i < fd->ninputs; i++)
		if (fd->inputs[i].name && strcmp(fd->inputs[i].name, name) == 0)
			return &fd->inputs[i];
	return NULL;
}

static ShapeFlex input_flex(const FeatureDesc *fe)
{
	if (!fe)
		return FLEX_NONE;
	return fe->kind == FEAT_IMAGE ? fe->size_flex : fe->flex;
}

/* The default value of dim k of an input (image: [.., C, H, W]). */
static int64_t default_dim(const FeatureDesc *fe, const Type *t, int32_t k)
{
	if (!fe)
		return -1;
	if (fe->kind == FEAT_IMAGE) {
		if (k == t->rank - 1)
			return fe->width > 0 ? fe->width : -1;
		if (k == t->rank - 2)
			return fe->height > 0 ? fe->height : -1;
		return -1;
	}
	if (fe->shape.rank == (uint32_t)t->rank && k >= 0)
		return fe->shape.dims[k];
	return -1;
}

static const char *range_text(Arena *a, const FeatureDesc *fe, const Type *t)
{
	char buf[256];
	size_t len = 0;
	len += (size_t)snprintf(buf, sizeof buf, "[");
	for (int32_t i = 0; i < t->rank && len < sizeof buf; i++) {
		const char *sep = i ? ", " : "";
		int w;
		if (fe && fe->kind == FEAT_MULTIARRAY && fe->flex == FLEX_RANGE &&
		    (uint32_t)i < fe->nranges) {
			const DimRange *r = &fe->ranges[i];
			if (r->lower == r->upper)
				w = snprintf(buf + len, sizeof buf - len, "%s%lld", sep, (long long)r->lower);
			else if (r->upper < 0)
				w = snprintf(buf + len, sizeof buf - len, "%s%lld..", sep, (long long)r->lower);
			else
				w = snprintf(buf + len, sizeof buf - len, "%s%lld..%lld", sep,
				             (long long)r->lower, (long long)r->upper);
		} else if (t->dims[i].kind == DIM_CONST) {
			w = snprintf(buf + len, sizeof buf - len, "%s%lld", sep, (long long)t->dims[i].size);
		} else {
			w = snprintf(buf + len, sizeof buf - len, "%s?", sep);
		}
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len < sizeof buf)
		snprintf(buf + len, sizeof buf - len, "]");
	return arena_strdup(a, buf);
}

static void func_facts(PassCtx *ctx, const Func *f, AneFuncFacts *ff)
{
	memset(ff, 0, sizeof *ff);
	ff->f = f;
	ff->nn = infer_func_is_nn(ctx, f);
	ff->level = f->opset ? opset_level(f->opset) : 0;
	if (!ff->level)
		ff->level = OPSET_NEWEST;
	const FuncDesc *fd = func_desc(ctx->m, f);
	const Block *body = f->body;
	uint32_t nsym = 0;
	const Type *state = NULL;
	for (uint32_t i = 0; i < body->nparams; i++) {
		ValueId p = body->params[i];
		const Type *t = infer_value_type(ctx, f, p);
		if (!t)
			t = ir_value(f, p)->type;
		if (!t)
			continue;
		if (t->kind == TY_STATE) {
			if (state && state != t)
				ff->state_shapes_differ = true;
			state = t;
			continue;
		}
		if (t->kind != TY_TENSOR)
			continue;
		bool variable = t->rank < 0;
		for (int32_t k = 0; k < t->rank; k++)
			if (t->dims[k].kind != DIM_CONST) {
				variable = true;
				if (t->dims[k].kind == DIM_SYM)
					nsym++;
			}
		if (!variable)
			continue;
		const FeatureDesc *fe = input_desc(fd, ir_value(f, p)->name);
		if (input_flex(fe) == FLEX_ENUMERATED) {
			ff->enumerated = true;
		} else if (!ff->ranged) {
			ff->ranged = true;
			ff->range_input = ir_value(f, p)->name;
			ff->range_text = t->rank < 0 ? "rank unknown" : range_text(ctx->arena, fe, t);
		}
	}
	if (!nsym)
		return;
	ff->sym_names = arena_array(ctx->arena, nsym, sizeof *ff->sym_names);
	ff->sym_values = arena_array(ctx->arena, nsym, sizeof *ff->sym_values);
	for (uint32_t i = 0; i < body->nparams; i++) {
		ValueId p = body->params[i];
		const Type *t = infer_value_type(ctx, f, p);
		if (!t || t->kind != TY_TENSOR)
			continue;
		const FeatureDesc *fe = input_desc(fd, ir_value(f, p)->name);
		for (int32_t k = 0; k < t->rank && ff->nsyms < nsym; k++)
			if (t->dims[k].kind == DIM_SYM) {
				ff->sym_names[ff->nsyms] = t->dims[k].sym;
				ff->sym_values[ff->nsyms++] = default_dim(fe, t, k);
			}
	}
}

/* ------------------------------------------------------------------ rule selection */

enum { RULE_WORDS = 2 };
typedef struct RuleSet { uint64_t w[RULE_WORDS]; } RuleSet;
static_assert(RULE_WORDS * 64 >= 128, "rule bitset");

typedef struct Legality {
	PassCtx *ctx;
	struct AneLegality *lg;
	const AneChip *chip;
	RuleSet any;                /* rows without an op list, gates passed */
	RuleSet *by_id;             /* [OPID_COUNT] rows naming the op, gates passed */
	RuleSet gated;              /* every row whose chip gate passes */
	int errors;
} Legality;

static void set_bit(RuleSet *s, size_t i) { s->w[i / 64] |= 1ull << (i % 64); }
static bool has_bit(const RuleSet *s, size_t i) { return (s->w[i / 64] >> (i % 64)) & 1; }

static bool chip_gate(const AneGate *g, const AneChip *chip)
{
	if (g->h_min && chip->h < g->h_min)
		return false;
	if (g->h_max && chip->h > g->h_max)
		return false;
	if (g->capf_min && (int)chip->capf < g->capf_min)
		return false;
	if (g->capf_max && (int)chip->capf > g->capf_max)
		return false;
	return true;
}

static bool opset_gate(const AneGate *g, int level)
{
	return (!g->opset_min || level >= g->opset_min) && (!g->opset_max || level <= g->opset_max);
}

/* Rows only placement and flex report (RULE_PREFER, usage and mode rows). */
static bool reported_elsewhere(const AneRule *r)
{
	return r->kind == RULE_PREFER || r->check == chk_never;
}

static void select_rules(Legality *L)
{
	IR_ASSERT(ane_rule_table_n <= RULE_WORDS * 64);
	L->by_id = arena_array(L->ctx->arena, OPID_COUNT, sizeof *L->by_id);
	for (size_t i = 0; i < ane_rule_table_n; i++) {
		const AneRule *r = &ane_rule_table[i];
		if (reported_elsewhere(r) || !chip_gate(&r->gate, L->chip))
			continue;
		set_bit(&L->gated, i);
		if (!r->ops) {
			set_bit(&L->any, i);
			continue;
		}
		for (const char *const *k = r->ops; *k; k++) {
			const OpInfo *info = op_catalogue_first(*k);
			if (info)
				set_bit(&L->by_id[info->id], i);
		}
	}
}

static bool rule_names(const AneRule *r, const char *kind)
{
	for (const char *const *k = r->ops; *k; k++)
		if (strcmp(*k, kind) == 0)
			return true;
	return false;
}

/* Function-level rows: recorded on every op, reported once per function. */
static bool once_per_func(const AneRule *r)
{
	return r->check == g_range_input || r->check == g_model_1gb;
}

/* ------------------------------------------------------------------ the pass */

typedef struct FuncRun {
	Legality *L;
	AneFuncRes *fr;
	VEC(AneReason) reasons;     /* scratch per op, copied into the arena */
	RuleSet reported;           /* once_per_func rows already reported */
	Arena *scratch;
} FuncRun;

static void add_reason(FuncRun *fx, const AneRule *r, Device d, const char *detail)
{
	AneReason x = { .rule = r, .device = d, .detail = detail };
	vec_push(fx->scratch, &fx->reasons, x);
}

static void report(FuncRun *fx, const Func *f, const Op *op, size_t ri, const char *detail)
{
	const AneRule *r = &ane_rule_table[ri];
	if (once_per_func(r)) {
		if (has_bit(&fx->reported, ri))
			return;
		set_bit(&fx->reported, ri);
	}
	fx->L->lg->nfindings++;
	if (*detail)
		pass_diag(fx->L->ctx, SEV_WARNING, r->code, f, op, r->hint, "%s: %s", r->reason, detail);
	else
		pass_diag(fx->L->ctx, SEV_WARNING, r->code, f, op, r->hint, "%s", r->reason);
}

static int visit_op(Func *f, Op *op, void *vctx)
{
	FuncRun *fx = vctx;
	Legality *L = fx->L;
	if (op->index >= f->nops)
		return 0;
	OpPlacement *p = &fx->fr->ops[op->index];
	AneCheck c = {
		.ctx = L->ctx, .f = f, .op = op, .chip = L->chip, .facts = &fx->fr->facts,
		.weight_bytes = L->lg->weight_bytes,
		.nested = op->parent && op->parent->parent_op != NULL,
		.is_const = ane_op_is_const(op),
		.id = ane_op_id(op),
	};
	fx->fr->ids[op->index] = (uint16_t)c.id;
	summarise(&c);
	p->is_const = c.is_const;
	p->nested = c.nested;
	p->supported = DEVM_ALL;
	for (int cu = 0; cu < CU_COUNT; cu++) {
		p->device[cu] = DEV_NONE;
		p->segment[cu] = -1;
	}
	fx->reasons.n = 0;
	RuleSet want = L->any;
	bool catalogued = c.id != OPID_COUNT;
	if (catalogued) {
		for (int w = 0; w < RULE_WORDS; w++)
			want.w[w] |= L->by_id[c.id].w[w];
	}
	for (size_t i = 0; i < ane_rule_table_n; i++) {
		const AneRule *r = &ane_rule_table[i];
		if (!has_bit(&want, i)) {
			/* ops outside the catalogue match rows by name */
			if (catalogued || !r->ops || !has_bit(&L->gated, i) || !rule_names(r, op->kind))
				continue;
		}
		if (c.is_const && r->kind == RULE_REFUSE)
			continue;
		if (!opset_gate(&r->gate, fx->fr->facts.level))
			continue;
		char detail[512];
		detail[0] = 0;
		if (!r->check(&c, detail, sizeof detail))
			continue;
		const char *d = *detail ? arena_strdup(L->ctx->arena, detail) : "";
		if (r->kind == RULE_REFUSE) {
			for (int dev = DEV_CPU; dev < DEV_COUNT; dev++)
				if (r->excludes & DEVM(dev)) {
					add_reason(fx, r, (Device)dev, d);
					p->supported &= ~DEVM(dev);
				}
		} else {
			add_reason(fx, r, DEV_ANE, d);
		}
		report(fx, f, op, i, detail);
	}
	p->supported |= DEVM(DEV_CPU);
	if (fx->reasons.n) {
		AneReason *v = arena_array(L->ctx->arena, fx->reasons.n, sizeof *v);
		memcpy(v, fx->reasons.v, fx->reasons.n * sizeof *v);
		p->reasons = v;
		p->nreasons = fx->reasons.n;
	}
	return 0;
}

/* Bytes of every constant in the module: const values and literal operands
 * of constexpr ops (as stored: compressed formats count compressed). */
typedef struct WeightSum {
	uint64_t bytes;
} WeightSum;

static void add_lit_bytes(WeightSum *w, const Lit *l)
{
	if (!l || (l->kind != LIT_TENSOR && l->kind != LIT_BLOB))
		return;
	int64_t b = ane_type_bytes(l->type);
	if (b > 0)
		w->bytes += (uint64_t)b;
}

static int weigh_op(Func *f, Op *op, void *vctx)
{
	(void)f;
	WeightSum *w = vctx;
	if (!ane_op_is_const(op))
		return 0;
	for (uint32_t i = 0; i < op->nattrs; i++)
		add_lit_bytes(w, op->attrs[i].val);
	for (uint32_t i = 0; i < op->nargs; i++)
		for (uint32_t j = 0; j < op->args[i].n; j++)
			if (op->args[i].b[j].kind == BIND_LIT)
				add_lit_bytes(w, op->args[i].b[j].lit);
	return 0;
}

int pass_legality(Module *m, PassCtx *ctx)
{
	Legality L = { .ctx = ctx };
	L.chip = ctx->opts.chip ? ctx->opts.chip : ane_chip_default();
	struct AneLegality *lg = arena_alloc(ctx->arena, sizeof *lg);
	lg->chip = L.chip;
	lg->lead = ane_lead_units(ctx);
	lg->nfuncs = m->funcs.n;
	lg->funcs = arena_array(ctx->arena, m->funcs.n ? m->funcs.n : 1, sizeof *lg->funcs);
	L.lg = lg;
	WeightSum ws = { 0 };
	for (uint32_t i = 0; i < m->funcs.n; i++)
		ir_walk_ops(m->funcs.v[i], weigh_op, &ws);
	lg->weight_bytes = ws.bytes;
	ctx->legality = lg;
	select_rules(&L);

	Arena *scratch = arena_new();
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		Func *f = m->funcs.v[i];
		AneFuncRes *fr = &lg->funcs[i];
		fr->f = f;
		fr->ops = arena_array(ctx->arena, f->nops ? f->nops : 1, sizeof *fr->ops);
		fr->ids = arena_array(ctx->arena, f->nops ? f->nops : 1, sizeof *fr->ids);
		func_facts(ctx, f, &fr->facts);
		FuncRun fx = { .L = &L, .fr = fr, .scratch = scratch };
		ir_walk_ops(f, visit_op, &fx);
		arena_reset(scratch);
	}
	arena_free(scratch);
	return L.errors;
}

/* ------------------------------------------------------------------ dump annotation */

void pass_legality_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out)
{
	const OpPlacement *p = ane_op_placement(ctx, f, op);
	if (!p || p->is_const)
		return;
	if (p->supported & DEVM(DEV_ANE)) {
		fputs(" // legality: ANE ok", out);
	} else {
		fputs(" // legality: not ANE", out);
		const char *sep = " (";
		for (uint32_t i = 0; i < p->nreasons; i++)
			if (p->reasons[i].device == DEV_ANE && p->reasons[i].rule->kind == RULE_REFUSE) {
				fprintf(out, "%s%s", sep, p->reasons[i].rule->code);
				sep = ", ";
			}
		if (*sep == ',')
			fputs(")", out);
	}
	if (!(p->supported & DEVM(DEV_GPU)))
		fputs(", not GPU", out);
}
