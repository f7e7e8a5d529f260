/* memory.c - the `memory` pass: weight bytes as stored and as decompressed,
 * peak activation memory from liveness over the op order, activation bytes
 * live at every op, and the model size against the ANE's 1 GB iPhone limit
 * (ane-legality.md G10).  Weight files are never read: sizes come from the
 * literal types and from the inferred types of constexpr outputs.
 *
 * Liveness (per block, positions 0..n-1 of its ops):
 *   a function or block parameter is live from position 0, an op output
 *   from its op; both up to their last use, where a use inside a nested
 *   block counts at the op that owns the block; block results up to n-1.
 *   While an op with blocks runs, each block's own peak is added to what is
 *   live around the op (its operands, not yet its outputs: the block's
 *   results become them).  See passes/cost/memory.h for the results.
 */
#include "passes/cost/memory.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ir/op_catalogue.h"
#include "ir/weights.h"
#include "passes/ane/ane.h"

__extension__ typedef __int128 Wide;    /* sums that cannot overflow */

struct MemResult {
	uint32_t nfuncs;
	MemFunc *funcs;         /* parallel to m->funcs */
	const int64_t **op_stored;  /* per function, by Op.index: the op's own literal bytes */
	MemWeights module;
	const MemFunc *peak;
};

/* ------------------------------------------------------------------ sizes */

static int64_t clamp_wide(Wide w)
{
	return w > (Wide)INT64_MAX ? INT64_MAX : w < 0 ? 0 : (int64_t)w;
}

MemSize mem_size_add(MemSize a, MemSize b)
{
	return (MemSize){ clamp_wide((Wide)a.bytes + b.bytes), a.unknown + b.unknown };
}

MemSize mem_type_size(const Type *t)
{
	MemSize s = { 0, 0 };
	if (!t)
		return (MemSize){ 0, 1 };
	switch (t->kind) {
	case TY_TENSOR:
	case TY_TENSOR_BUFFER: {
		int64_t b = ir_packed_bytes(type_numel(t), t->dt);
		return b < 0 ? (MemSize){ 0, 1 } : (MemSize){ b, 0 };
	}
	case TY_STATE:
		return mem_type_size(t->elem);
	case TY_TUPLE:
		for (uint32_t i = 0; i < t->nelems; i++)
			s = mem_size_add(s, mem_type_size(t->elems[i]));
		return s;
	case TY_LIST:
	case TY_DICT:
		break;
	}
	return (MemSize){ 0, 1 };
}

static const Type *value_type(const PassCtx *ctx, const Func *f, ValueId id)
{
	const Type *t = ctx ? infer_value_type(ctx, f, id) : NULL;
	return t ? t : ir_value(f, id)->type;
}

MemSize mem_value_size(const PassCtx *ctx, const Func *f, ValueId id)
{
	if (id >= f->values.n)
		return (MemSize){ 0, 1 };
	return mem_type_size(value_type(ctx, f, id));
}

bool mem_op_is_weight(const Op *op)
{
	return op && op_is_const(op);
}

bool mem_value_is_weight(const Func *f, ValueId id)
{
	return id < f->values.n && mem_op_is_weight(ir_value(f, id)->def);
}

static int group(char *buf, size_t n, int64_t v)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%" PRId64, v);
	char out[48];
	int o = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
	return snprintf(buf, n, "%s", out);
}

static void human(char *buf, size_t n, int64_t v)
{
	static const char *const unit[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
	double x = (double)v;
	int u = -1;
	while (x >= 1000.0 && u < 5) {
		x /= 1000.0;
		u++;
	}
	snprintf(buf, n, "%.1f %s", x, unit[u < 0 ? 0 : u]);
}

int mem_format_size(MemSize s, char *buf, size_t n)
{
	char num[48], hum[32], unk[64] = "";
	if (s.unknown)
		snprintf(unk, sizeof unk, " (%u value%s of unknown size)", s.unknown,
		         s.unknown == 1 ? "" : "s");
	if (s.unknown && s.bytes == 0)
		return snprintf(buf, n, "unknown%s", unk);
	group(num, sizeof num, s.bytes);
	if (s.bytes >= 1000) {
		human(hum, sizeof hum, s.bytes);
		return snprintf(buf, n, "%s%s bytes (%s)%s", s.unknown ? "at least " : "", num, hum,
		                unk);
	}
	return snprintf(buf, n, "%s%s bytes%s", s.unknown ? "at least " : "", num, unk);
}

/* ------------------------------------------------------------------ weights */

/* The one weight walk (ir/weights.h) sees values at their inferred types. */
static const Type *walk_type(void *ctx, const Func *f, ValueId id)
{
	return value_type(ctx, f, id);
}

/* The walk's figures as MemWeights (sources summed; inline strings are no
 * weights and stay out). */
static void weights_from(MemWeights *m, const WeightBytes *w)
{
	memset(m, 0, sizeof *m);
	for (int d = 0; d < DT_COUNT; d++) {
		if (d == DT_STRING)
			continue;
		m->stored[d] = weight_bytes_stored_dt(w, (DType)d);
		for (int k = 0; k < WSRC_COUNT; k++)
			m->nstored[d] += w->nstored[k][d];
		m->decompressed[d] = w->decompressed[d];
		m->ndecompressed[d] = w->ndecompressed[d];
	}
	m->stored_total = (MemSize){ weight_bytes_stored_total(w), w->stored_unknown };
	m->decompressed_total = (MemSize){ weight_bytes_decompressed_total(w),
	                                   w->decompressed_unknown };
	m->constexpr_ops = w->constexpr_ops;
	m->shared_refs = w->shared_refs;
	m->elided = w->elided;
}

/* ------------------------------------------------------------------ liveness */

enum { VK_NONE, VK_ACT, VK_STATE };

typedef struct Live {
	PassCtx *ctx;
	Func *f;
	Arena *scratch;
	uint32_t *pos;          /* by Op.index: position in its block */
	const Op *const *ops;   /* by Op.index: the IR's op table */
	uint8_t *kind;          /* by ValueId: VK_* */
	MemSize *size;          /* by ValueId */
	int32_t *last;          /* by ValueId: last position in its defining block */
	MemSize *op_live;       /* by Op.index */
	MemSize peak;
	const Block *peak_block;
	int32_t peak_pos;       /* -1: an empty block (its parameters only) */
	bool have_peak;
} Live;

static void index_block(Live *L, const Block *b)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		if (op->index < L->f->nops)
			L->pos[op->index] = i;
		for (uint32_t k = 0; k < op->nblocks; k++)
			index_block(L, op->blocks[k]);
	}
}

/* The op of block `in` that contains `op` (op itself, or the op owning the
 * block it is nested in); NULL when op is not inside `in`. */
static const Op *ancestor_in(const Op *op, const Block *in)
{
	while (op && op->parent != in)
		op = op->parent ? op->parent->parent_op : NULL;
	return op;
}

static void note_use(Live *L, ValueId id, const Op *user)
{
	const Value *v = ir_value(L->f, id);
	const Op *a = ancestor_in(user, v->block);
	if (a && a->index < L->f->nops && (int32_t)L->pos[a->index] > L->last[id])
		L->last[id] = (int32_t)L->pos[a->index];
}

/* Block results: live to the end of their block, or, when defined outside
 * it, through the op that owns it. */
static void note_results(Live *L, const Block *b)
{
	for (uint32_t i = 0; i < b->nouts; i++) {
		ValueId id = b->outs[i];
		if (id >= L->f->values.n || L->kind[id] != VK_ACT)
			continue;
		const Value *v = ir_value(L->f, id);
		if (v->block == b)
			L->last[id] = INT32_MAX;
		else if (b->parent_op)
			note_use(L, id, b->parent_op);
	}
	for (uint32_t i = 0; i < b->nops; i++)
		for (uint32_t k = 0; k < b->ops[i]->nblocks; k++)
			note_results(L, b->ops[i]->blocks[k]);
}

static bool size_greater(MemSize a, MemSize b)
{
	return a.bytes > b.bytes || (a.bytes == b.bytes && a.unknown > b.unknown);
}

static void consider(Live *L, MemSize s, const Block *b, int32_t pos)
{
	if (!L->have_peak || size_greater(s, L->peak)) {
		L->peak = s;
		L->peak_block = b;
		L->peak_pos = pos;
		L->have_peak = true;
	}
}

typedef struct WideSize {
	Wide bytes;
	int64_t unknown;
} WideSize;

static MemSize from_wide(WideSize w)
{
	return (MemSize){ clamp_wide(w.bytes), w.unknown < 0 ? 0 : (uint32_t)w.unknown };
}

static int32_t clamp_last(const Live *L, ValueId id, int32_t def, uint32_t n)
{
	int32_t last = L->last[id];
	if (last < def)
		last = def;
	if (last > (int32_t)n - 1)
		last = (int32_t)n - 1;
	return last;
}

/* Liveness of block b with `base` live around it; updates op_live and the
 * peak. */
static void live_block(Live *L, const Block *b, WideSize base)
{
	const Func *f = L->f;
	uint32_t n = b->nops;
	if (n == 0) {
		WideSize s = base;
		for (uint32_t i = 0; i < b->nparams; i++)
			if (b->params[i] < f->values.n && L->kind[b->params[i]] == VK_ACT) {
				s.bytes += L->size[b->params[i]].bytes;
				s.unknown += L->size[b->params[i]].unknown;
			}
		consider(L, from_wide(s), b, -1);
		return;
	}
	/* calloc: the arena aligns to 8 bytes, __int128 wants 16 */
	WideSize *add = calloc(n, sizeof *add);
	WideSize *rem = calloc(n, sizeof *rem);
	if (!add || !rem)
		IR_DIE("out of memory");
	for (uint32_t i = 0; i < b->nparams; i++) {
		ValueId id = b->params[i];
		if (id >= f->values.n || L->kind[id] != VK_ACT)
			continue;
		int32_t last = clamp_last(L, id, 0, n);
		add[0].bytes += L->size[id].bytes, add[0].unknown += L->size[id].unknown;
		rem[last].bytes += L->size[id].bytes, rem[last].unknown += L->size[id].unknown;
	}
	for (uint32_t j = 0; j < n; j++) {
		const Op *op = b->ops[j];
		for (uint32_t k = 0; k < op->nouts; k++) {
			ValueId id = op->outs[k];
			if (id >= f->values.n || L->kind[id] != VK_ACT)
				continue;
			int32_t last = clamp_last(L, id, (int32_t)j, n);
			add[j].bytes += L->size[id].bytes, add[j].unknown += L->size[id].unknown;
			rem[last].bytes += L->size[id].bytes, rem[last].unknown += L->size[id].unknown;
		}
	}
	WideSize run = { 0, 0 };
	for (uint32_t j = 0; j < n; j++) {
		const Op *op = b->ops[j];
		run.bytes += add[j].bytes, run.unknown += add[j].unknown;
		WideSize cur = { base.bytes + run.bytes, base.unknown + run.unknown };
		if (op->index < f->nops)
			L->op_live[op->index] = from_wide(cur);
		consider(L, from_wide(cur), b, (int32_t)j);
		if (op->nblocks) {
			/* inside the blocks the op's outputs do not exist yet */
			WideSize inner = cur;
			for (uint32_t k = 0; k < op->nouts; k++) {
				ValueId id = op->outs[k];
				if (id < f->values.n && L->kind[id] == VK_ACT) {
					inner.bytes -= L->size[id].bytes;
					inner.unknown -= L->size[id].unknown;
				}
			}
			for (uint32_t k = 0; k < op->nblocks; k++)
				live_block(L, op->blocks[k], inner);
		}
		run.bytes -= rem[j].bytes, run.unknown -= rem[j].unknown;
	}
	free(add);
	free(rem);
}

typedef VEC(ValueId) ValueVec;

/* The activation values of block b live at position p (p = -1: an empty
 * block), leaving out the outputs of `skip`. */
static void collect_live(Live *L, const Block *b, int32_t p, const Op *skip, ValueVec *out)
{
	const Func *f = L->f;
	uint32_t n = b->nops;
	for (uint32_t i = 0; i < b->nparams; i++) {
		ValueId id = b->params[i];
		if (id < f->values.n && L->kind[id] == VK_ACT &&
		    (p < 0 || clamp_last(L, id, 0, n) >= p))
			vec_push(L->ctx->arena, out, id);
	}
	for (int32_t j = 0; j <= p && j < (int32_t)n; j++) {
		const Op *op = b->ops[j];
		if (op == skip)
			continue;
		for (uint32_t k = 0; k < op->nouts; k++) {
			ValueId id = op->outs[k];
			if (id < f->values.n && L->kind[id] == VK_ACT && clamp_last(L, id, j, n) >= p)
				vec_push(L->ctx->arena, out, id);
		}
	}
}

static void liveness(Live *L, MemFunc *mf)
{
	Func *f = L->f;
	uint32_t nv = f->values.n, nops = f->nops;
	L->pos = arena_array(L->scratch, nops ? nops : 1, sizeof *L->pos);
	L->ops = (const Op *const *)ir_func_op_table(f);
	L->kind = arena_array(L->scratch, nv ? nv : 1, sizeof *L->kind);
	L->size = arena_array(L->scratch, nv ? nv : 1, sizeof *L->size);
	L->last = arena_array(L->scratch, nv ? nv : 1, sizeof *L->last);
	L->op_live = arena_array(L->ctx->arena, nops ? nops : 1, sizeof *L->op_live);
	if (!L->pos || (nops && !L->ops) || !L->kind || !L->size || !L->last || !L->op_live)
		IR_DIE("out of memory");
	index_block(L, f->body);
	for (ValueId id = 0; id < nv; id++) {
		const Value *v = ir_value(f, id);
		L->last[id] = -1;
		if (!v->block)
			continue;
		const Type *t = value_type(L->ctx, f, id);
		if (v->def && mem_op_is_weight(v->def))
			continue;
		if (t && t->kind == TY_STATE) {
			L->kind[id] = VK_STATE;
			L->size[id] = mem_type_size(t);
			continue;
		}
		L->kind[id] = VK_ACT;
		L->size[id] = mem_type_size(t);
	}
	for (ValueId id = 0; id < nv; id++) {
		const Value *v = ir_value(f, id);
		if (L->kind[id] != VK_ACT)
			continue;
		for (uint32_t u = 0; u < v->nuses; u++)
			note_use(L, id, v->uses[u].op);
	}
	note_results(L, f->body);
	live_block(L, f->body, (WideSize){ 0, 0 });

	mf->nops = nops;
	mf->op_live = L->op_live;
	mf->ops = L->ops;
	if (L->have_peak) {
		mf->peak = L->peak;
		mf->peak_op = L->peak_pos >= 0 ? L->peak_block->ops[L->peak_pos]
		                               : L->peak_block->parent_op;
		ValueVec live = { 0 };
		collect_live(L, L->peak_block, L->peak_pos, NULL, &live);
		for (const Op *a = L->peak_block->parent_op; a && a->parent; a = a->parent->parent_op)
			collect_live(L, a->parent, (int32_t)L->pos[a->index], a, &live);
		mf->npeak_live = live.n;
		mf->peak_live = live.v;
	}
	for (uint32_t i = 0; i < f->body->nparams; i++) {
		ValueId id = f->body->params[i];
		if (id >= nv)
			continue;
		if (L->kind[id] == VK_STATE)
			mf->states = mem_size_add(mf->states, L->size[id]);
		else if (L->kind[id] == VK_ACT)
			mf->inputs = mem_size_add(mf->inputs, L->size[id]);
	}
	for (uint32_t i = 0; i < f->body->nouts; i++)
		if (f->body->outs[i] < nv)
			mf->outputs = mem_size_add(mf->outputs, mem_value_size(L->ctx, f, f->body->outs[i]));
}

/* ------------------------------------------------------------------ the pass */

/* True when `legality` has run and the ANE rule `code` fired on some op:
 * that rule then reports the same fact (ANE012: the 1 GB limit for the
 * chosen iPhone/iPad chip), and memory does not repeat it. */
static bool ane_reported(const PassCtx *ctx, const struct MemResult *r, const char *code)
{
	if (!(ctx->done & PASS_BIT(LEGALITY)))
		return false;
	for (uint32_t i = 0; i < r->nfuncs; i++) {
		const MemFunc *mf = &r->funcs[i];
		for (uint32_t j = 0; j < mf->nops; j++) {
			uint32_t n;
			const AneReason *rs = mf->ops[j] ? ane_op_reasons(ctx, mf->func, mf->ops[j], &n) : NULL;
			for (uint32_t k = 0; rs && k < n; k++)
				if (rs[k].rule && strcmp(rs[k].rule->code, code) == 0)
					return true;
		}
	}
	return false;
}

int pass_memory(Module *m, PassCtx *ctx)
{
	struct MemResult *r = arena_alloc(ctx->arena, sizeof *r);
	uint32_t nf = m->funcs.n;
	r->nfuncs = nf;
	r->funcs = arena_array(ctx->arena, nf ? nf : 1, sizeof *r->funcs);
	r->op_stored = arena_array(ctx->arena, nf ? nf : 1, sizeof *r->op_stored);
	if (!r->funcs || !r->op_stored)
		IR_DIE("out of memory");
	Arena *scratch = arena_new();
	WeightSeen mseen;
	weight_seen_init(&mseen);
	WeightBytes module = { 0 };
	for (uint32_t i = 0; i < nf; i++) {
		Func *f = m->funcs.v[i];
		MemFunc *mf = &r->funcs[i];
		mf->func = f;
		int64_t *op_stored = arena_array(ctx->arena, f->nops ? f->nops : 1, sizeof *op_stored);
		if (!op_stored)
			IR_DIE("out of memory");
		WeightBytes fw = { 0 };
		ir_weight_bytes_func(f, walk_type, ctx, &mseen, &fw, &module, op_stored);
		weights_from(&mf->weights, &fw);
		r->op_stored[i] = op_stored;
		Live L = { .ctx = ctx, .f = f, .scratch = scratch };
		liveness(&L, mf);
		if (!r->peak || size_greater(mf->peak, r->peak->peak))
			r->peak = mf;
	}
	arena_free(scratch);
	weights_from(&r->module, &module);
	weight_seen_fini(&mseen);
	ctx->memory = r;

	/* G10: the model against the 1 GB limit of the ANE on iPhone */
	const MemWeights *mw = &r->module;
	const Func *f0 = nf ? m->funcs.v[0] : NULL;
	char st[128], de[128];
	mem_format_size(mw->stored_total, st, sizeof st);
	mem_format_size(mw->decompressed_total, de, sizeof de);
	if (mw->stored_total.bytes > MEM_ANE_IPHONE_LIMIT && !ane_reported(ctx, r, "ANE012"))
		pass_diag(ctx, SEV_WARNING, M_MODEL_OVER_1GB, f0, NULL,
		          "split the model into chunks under 1 GB each (Anemll keeps them under "
		          "~950 MB), or compress the weights (palettize, int8); Macs and iPads with "
		          "M chips are not limited",
		          "the weights take %s as stored, over the 1 GB a model meant for the Neural "
		          "Engine on iPhone may take (G10); it may fail to load there or run off the "
		          "ANE (decompressed: %s)", st, de);
	else if (mw->decompressed_total.bytes > MEM_ANE_IPHONE_LIMIT)
		pass_diag(ctx, SEV_NOTE, M_FOLDED_OVER_1GB, f0, NULL,
		          "keep the stored size under 1 GB with a format that streams compressed on "
		          "the target (palettization on every ANE; int8 from A14-class; blockwise and "
		          "sparse from A15-class, G5), or split the model",
		          "the weights take %s as stored but %s decompressed; on chips where the "
		          "weight format is folded to dense at compile time (G5) the compiled model "
		          "exceeds the 1 GB iPhone limit (G10)", st, de);
	return 0;
}

/* ------------------------------------------------------------------ accessors */

static int func_slot(const PassCtx *ctx, const Func *f)
{
	const struct MemResult *r = ctx ? ctx->memory : NULL;
	if (!r || !f)
		return -1;
	for (uint32_t i = 0; i < r->nfuncs; i++)
		if (r->funcs[i].func == f)
			return (int)i;
	return -1;
}

const MemFunc *mem_func(const PassCtx *ctx, const Func *f)
{
	int i = func_slot(ctx, f);
	return i < 0 ? NULL : &ctx->memory->funcs[i];
}

const MemWeights *mem_module_weights(const PassCtx *ctx)
{
	return ctx && ctx->memory ? &ctx->memory->module : NULL;
}

const MemFunc *mem_module_peak(const PassCtx *ctx)
{
	return ctx && ctx->memory ? ctx->memory->peak : NULL;
}

MemSize mem_op_live(const PassCtx *ctx, const Func *f, const Op *op)
{
	const MemFunc *mf = mem_func(ctx, f);
	if (!mf || !op || op->index >= mf->nops || mf->ops[op->index] != op)
		return (MemSize){ 0, 0 };
	return mf->op_live[op->index];
}

/* Add the weight value id and the constexpr chain behind it, once each. */
static void ws_weight(const Func *f, const MemFunc *mf, const int64_t *op_stored, ValueId id,
                      bool *vseen, bool *oseen, MemWorkingSet *ws, const PassCtx *ctx)
{
	if (vseen[id])
		return;
	vseen[id] = true;
	ws->weights_decompressed = mem_size_add(ws->weights_decompressed,
	                                        mem_value_size(ctx, f, id));
	/* the ops behind it: a stack walk over the chain */
	const Op *stack[64];
	uint32_t sp = 0;
	stack[sp++] = ir_value(f, id)->def;
	while (sp) {
		const Op *op = stack[--sp];
		if (!op || op->index >= mf->nops || oseen[op->index])
			continue;
		oseen[op->index] = true;
		ws->weights_stored = mem_size_add(ws->weights_stored,
		                                  (MemSize){ op_stored[op->index], 0 });
		for (uint32_t k = 0; k < op->nargs; k++)
			for (uint32_t j = 0; j < op->args[k].n; j++) {
				const Binding *b = &op->args[k].b[j];
				if (b->kind == BIND_VALUE && b->value < f->values.n &&
				    mem_op_is_weight(ir_value(f, b->value)->def) && sp < 64)
					stack[sp++] = ir_value(f, b->value)->def;
			}
	}
}

bool mem_working_set(const PassCtx *ctx, const Func *f, uint32_t first, uint32_t last,
                     MemWorkingSet *out)
{
	int slot = func_slot(ctx, f);
	if (slot < 0 || !out)
		return false;
	const MemFunc *mf = &ctx->memory->funcs[slot];
	const int64_t *op_stored = ctx->memory->op_stored[slot];
	if (first > last || last >= mf->nops)
		return false;
	memset(out, 0, sizeof *out);
	bool *vseen = calloc(f->values.n ? f->values.n : 1, sizeof *vseen);
	bool *oseen = calloc(mf->nops, sizeof *oseen);
	if (!vseen || !oseen)
		IR_DIE("out of memory");
	bool have = false;
	for (uint32_t i = first; i <= last; i++) {
		const Op *op = mf->ops[i];
		if (!op)
			continue;
		if (!have || size_greater(mf->op_live[i], out->activations)) {
			out->activations = mf->op_live[i];
			out->peak_op = op;
			have = true;
		}
		if (mem_op_is_weight(op))
			continue;
		for (uint32_t k = 0; k < op->nargs; k++)
			for (uint32_t j = 0; j < op->args[k].n; j++) {
				const Binding *b = &op->args[k].b[j];
				if (b->kind == BIND_VALUE && b->value < f->values.n &&
				    mem_value_is_weight(f, b->value)) {
					ws_weight(f, mf, op_stored, b->value, vseen, oseen, out, ctx);
				} else if (b->kind == BIND_LIT && b->lit && b->lit->kind == LIT_TENSOR &&
				           b->lit->type->dt != DT_STRING) {
					int64_t lb = ir_packed_bytes(b->lit->u.tensor.count, b->lit->type->dt);
					MemSize s = lb < 0 ? (MemSize){ 0, 1 } : (MemSize){ lb, 0 };
					out->weights_stored = mem_size_add(out->weights_stored, s);
					out->weights_decompressed = mem_size_add(out->weights_decompressed, s);
				}
			}
	}
	free(vseen);
	free(oseen);
	out->total = mem_size_add(out->activations, out->weights_decompressed);
	return true;
}

bool mem_segment_working_set(const PassCtx *ctx, const Func *f, const struct AneSegment *seg,
                             MemWorkingSet *out)
{
	return seg && mem_working_set(ctx, f, seg->first, seg->last, out);
}

/* ------------------------------------------------------------------ dumps */

void pass_memory_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out)
{
	const MemFunc *mf = mem_func(ctx, f);
	if (!mf || mem_op_is_weight(op) || op->index >= mf->nops || mf->ops[op->index] != op)
		return;
	MemSize s = mf->op_live[op->index];
	fprintf(out, " // memory: live %s%" PRId64 " B", s.unknown ? ">= " : "", s.bytes);
	if (s.unknown)
		fprintf(out, " + %u of unknown size", s.unknown);
	if (op == mf->peak_op)
		fputs(" (peak)", out);
}
