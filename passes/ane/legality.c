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

#include <string.h>

#include "ir/weights.h"

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
			bool konst = d && op_is_const(d);
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
	const FuncDesc *fd = ir_func_desc(f);
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


static void select_rules(Legality *L)
{
	IR_ASSERT(ane_rule_table_n <= RULE_WORDS * 64);
	L->by_id = arena_array(L->ctx->arena, OPID_COUNT, sizeof *L->by_id);
	for (size_t i = 0; i < ane_rule_table_n; i++) {
		const AneRule *r = &ane_rule_table[i];
		if (r->scope == SCOPE_ELSEWHERE || !chip_gate(&r->gate, L->chip))
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

/* ------------------------------------------------------------------ the pass */

typedef struct FuncRun {
	Legality *L;
	AneFuncRes *fr;
	VEC(AneReason) reasons;     /* scratch per op, copied into the arena */
	RuleSet reported;           /* SCOPE_FUNC rows already reported */
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
	if (r->scope == SCOPE_FUNC) {
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
		.is_const = op_is_const(op),
		.id = ir_op_id(op),
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
	/* G10: the model's weights as stored, by the one weight walk (the memory
	 * pass's figure) */
	WeightBytes wb;
	ir_weight_bytes(m, &wb);
	lg->weight_bytes = (uint64_t)weight_bytes_stored_total(&wb);
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
	const OpPlacement *p = ane_op_annotated(ctx, f, op, ctx->legality);
	if (!p)
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
