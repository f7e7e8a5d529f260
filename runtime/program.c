/*
 * program.c - a function made ready to run (rt_program_new): every op's
 * catalogue row and kernel resolved once (an op without a kernel refused
 * with its name, opset and location), literal operands and const ops
 * decoded, constexpr ops and casts of constants evaluated once, and the
 * top-level ops grouped by the partition's segments, each compiled by its
 * device.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "passes/ane/ane.h"
#include "runtime/rt_int.h"
#include "runtime/rt_weights.h"

typedef struct Builder {
	RtProgram *p;
	const PassCtx *ctx;
	DiagList *dl;
	uint32_t nconst_cap;
	int errors;
} Builder;

static void *xcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

static RtTensor *new_const(Builder *bd)
{
	RtProgram *p = bd->p;
	if (p->nconsts == bd->nconst_cap) {
		uint32_t cap = bd->nconst_cap ? bd->nconst_cap * 2 : 64;
		RtTensor **v = realloc(p->consts, cap * sizeof *v);
		if (!v)
			return NULL;
		p->consts = v;
		bd->nconst_cap = cap;
	}
	RtTensor *t = calloc(1, sizeof *t);
	if (t)
		p->consts[p->nconsts++] = t;
	return t;
}

static const OpInfo *op_row(const Func *f, const Op *op)
{
	if (op->info)
		return op->info;
	int level = opset_level(op->opset ? op->opset : f->opset);
	return op_catalogue_lookup(op->kind, level ? level : OPSET_NEWEST);
}

static void refuse(Builder *bd, const Op *op, const char *fmt, const char *what)
{
	const Func *f = bd->p->f;
	const char *opset = op->opset ? op->opset : f->opset ? f->opset : "?";
	Diag *d = diag_add(bd->dl, SEV_ERROR, RT_E_NO_KERNEL, op->loc, fmt,
	                   ir_op_name(f, op) ? ir_op_name(f, op) : "?", op->kind, opset, what);
	if (d)
		diag_set_op(bd->dl, d, f, op);
	bd->errors++;
}

/* One operand's bindings: values point at their slot, literals are
 * decoded now into constants of the program. */
static int bind_operand(Builder *bd, RtArg *a, const char *name, uint32_t n,
                        const Binding *b, SrcLoc loc)
{
	a->name = name;
	a->n = n;
	a->t = xcalloc(n, sizeof *a->t);
	if (!a->t)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (b[i].kind == BIND_VALUE) {
			if (b[i].value >= bd->p->nvals)
				return -1;
			a->t[i] = &bd->p->vals[b[i].value];
			continue;
		}
		RtTensor *t = new_const(bd);
		if (!t || rt_decode_lit(bd->p->m, b[i].lit, t, bd->dl, loc) < 0)
			return -1;
		a->t[i] = t;
	}
	return 0;
}

static int build_block(Builder *bd, RtBlock *rb, const Block *b);

/* Attributes that are operands of the op's row (const.val; constexpr ops
 * of iOS16/17 serialize every operand as an attribute) become operands. */
static int bind_args(Builder *bd, RtOp *o, const OpInfo *info)
{
	const Op *op = o->op;
	o->args = xcalloc(op->nargs + op->nattrs, sizeof *o->args);
	if (!o->args)
		return -1;
	for (uint32_t i = 0; i < op->nargs; i++)
		if (bind_operand(bd, &o->args[o->nargs++], op->args[i].name, op->args[i].n,
		                 op->args[i].b, op->loc) < 0)
			return -1;
	for (uint32_t i = 0; i < op->nattrs; i++) {
		if (!op_info_operand(info, op->attrs[i].name) || rt_arg(o, op->attrs[i].name))
			continue;
		Binding lit = { .kind = BIND_LIT, .lit = op->attrs[i].val };
		if (bind_operand(bd, &o->args[o->nargs++], op->attrs[i].name, 1, &lit, op->loc) < 0)
			return -1;
	}
	return 0;
}

static bool all_inputs_const(const Builder *bd, const RtOp *o)
{
	for (uint32_t i = 0; i < o->op->nargs; i++)
		for (uint32_t j = 0; j < o->op->args[i].n; j++) {
			const Binding *b = &o->op->args[i].b[j];
			if (b->kind == BIND_VALUE && !bd->p->is_const[b->value])
				return false;
		}
	return true;
}

/* Evaluate a constant op now; its outputs become weights of the program. */
static int fold(Builder *bd, RtOp *o)
{
	RtCtx c = { .p = bd->p, .dl = bd->dl, .loop_cap = 0 };
	if (rt_op_run(&c, o) < 0)
		return -1;
	o->folded = true;
	for (uint32_t i = 0; i < o->nouts; i++) {
		bd->p->is_const[o->out_ids[i]] = true;
		bd->p->stats.weight_bytes += (uint64_t)o->outs[i]->numel * rt_dtype_size(o->outs[i]->dt);
	}
	return 0;
}

/* A const op's literal decoded straight into its value: one copy of each
 * weight, not a constant plus its copy. */
static int decode_const(Builder *bd, RtOp *o, const Op *op, const Lit *val)
{
	ValueId out = op->outs[0];
	if (out >= bd->p->nvals || rt_decode_lit(bd->p->m, val, &bd->p->vals[out], bd->dl, op->loc) < 0)
		return -1;
	o->folded = true;
	bd->p->is_const[out] = true;
	bd->p->stats.weight_bytes += (uint64_t)bd->p->vals[out].numel * rt_dtype_size(bd->p->vals[out].dt);
	return 0;
}

static int build_op(Builder *bd, RtOp *o, const Op *op)
{
	RtProgram *p = bd->p;
	o->op = op;
	const OpInfo *info = op_row(p->f, op);
	if (!info) {
		refuse(bd, op, "op %s (%s, opset %s) is not in the op catalogue%s", "");
		return 0;
	}
	o->info = info;
	o->id = info->id;
	const Operand *val_arg = ir_op_operand(op, "val");
	const Lit *val = ir_attr_find(op->nattrs, op->attrs, "val");
	if (!val && val_arg && val_arg->n == 1 && val_arg->b[0].kind == BIND_LIT)
		val = val_arg->b[0].lit;
	if (info->id == OPID_const && op->nouts == 1 && val)
		return decode_const(bd, o, op, val);
	o->fn = rt_kernel_for(info->id);
	if (!o->fn) {
		refuse(bd, op, "op %s (%s, opset %s) has no kernel on the %s device", rt_device_cpu.name);
		return 0;
	}
	o->nouts = op->nouts;
	o->outs = xcalloc(op->nouts, sizeof *o->outs);
	o->out_ids = xcalloc(op->nouts, sizeof *o->out_ids);
	o->blocks = xcalloc(op->nblocks, sizeof *o->blocks);
	if (!o->outs || !o->out_ids || !o->blocks || bind_args(bd, o, info) < 0)
		return -1;
	for (uint32_t i = 0; i < op->nouts; i++) {
		if (op->outs[i] >= p->nvals)
			return -1;
		o->out_ids[i] = op->outs[i];
		o->outs[i] = &p->vals[op->outs[i]];
	}
	for (uint32_t i = 0; i < op->nblocks; i++) {
		o->blocks[i] = calloc(1, sizeof *o->blocks[i]);
		if (!o->blocks[i] || build_block(bd, o->blocks[i], op->blocks[i]) < 0)
			return -1;
		o->nblocks++;
	}
	if (bd->errors)
		return 0;
	bool constant = (info->flags & OPF_CONSTEXPR) ||
	                (info->id == OPID_cast && all_inputs_const(bd, o));
	if (constant)
		return fold(bd, o);
	if (p->nstat < p->f->nops) {
		o->stat = &p->opstats[p->nstat++];
		o->stat->op = op;
	}
	return 0;
}

static int build_block(Builder *bd, RtBlock *rb, const Block *b)
{
	rb->b = b;
	rb->ops = xcalloc(b->nops, sizeof *rb->ops);
	rb->params = xcalloc(b->nparams, sizeof *rb->params);
	rb->outs = xcalloc(b->nouts, sizeof *rb->outs);
	if (!rb->ops || !rb->params || !rb->outs)
		return -1;
	for (uint32_t i = 0; i < b->nparams; i++)
		rb->params[i] = &bd->p->vals[b->params[i]];
	rb->nparams = b->nparams;
	for (uint32_t i = 0; i < b->nouts; i++)
		rb->outs[i] = &bd->p->vals[b->outs[i]];
	rb->nouts = b->nouts;
	for (uint32_t i = 0; i < b->nops; i++) {
		rb->nops++;
		if (build_op(bd, &rb->ops[i], b->ops[i]) < 0)
			return -1;
	}
	return 0;
}

/* The CPU_ONLY plan's segment holding op index `index`, or -1. */
static int32_t plan_segment(const AneFuncPlan *plan, uint32_t index)
{
	for (uint32_t s = 0; plan && s < plan->nsegments; s++)
		if (index >= plan->segments[s].first && index <= plan->segments[s].last)
			return (int32_t)s;
	return -1;
}

/* Group the executable top-level ops into runs of one plan segment; each
 * run is compiled by its device (only `cpu` in this version). */
static int build_segments(Builder *bd)
{
	RtProgram *p = bd->p;
	const AneFuncPlan *plan = bd->ctx ? ane_func_plan(bd->ctx, p->f, CU_CPU_ONLY) : NULL;
	RtBlock *body = &p->body;
	RtOp **run = xcalloc(body->nops, sizeof *run);
	p->segs = xcalloc(body->nops, sizeof *p->segs);
	p->segstats = xcalloc(body->nops, sizeof *p->segstats);
	if (!run || !p->segs || !p->segstats) {
		free(run);
		return -1;
	}
	uint32_t i = 0;
	while (i < body->nops) {
		if (body->ops[i].folded) {
			i++;
			continue;
		}
		int32_t seg = plan_segment(plan, body->ops[i].op->index);
		uint32_t n = 0, first = body->ops[i].op->index, last = first;
		for (; i < body->nops; i++) {
			RtOp *o = &body->ops[i];
			if (o->folded)
				continue;
			if (plan_segment(plan, o->op->index) != seg)
				break;
			run[n++] = o;
			last = o->op->index;
		}
		RtSeg *s = &p->segs[p->nsegs];
		s->dev = &rt_device_cpu;
		s->prog = s->dev->compile(run, n, bd->dl);
		if (!s->prog || s->dev->load(s->prog, bd->dl) < 0) {
			free(run);
			return -1;
		}
		s->stat.device = s->dev->name;
		s->stat.first = first;
		s->stat.last = last;
		p->nsegs++;
	}
	free(run);
	return 0;
}

static uint64_t default_max_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
	if (pages <= 0 || size <= 0)
		return UINT64_C(4) << 30;
	return (uint64_t)pages * (uint64_t)size / 2;
}

/* State inputs start as zeros of their wrapped tensor type. */
static int init_states(Builder *bd)
{
	RtProgram *p = bd->p;
	const Block *body = p->f->body;
	for (uint32_t i = 0; i < body->nparams; i++) {
		const Type *t = ir_value(p->f, body->params[i])->type;
		if (!t || t->kind != TY_STATE)
			continue;
		const Type *w = t->elem;
		int64_t dims[RT_MAX_RANK];
		if (!w || w->kind != TY_TENSOR || w->rank < 0 || w->rank > RT_MAX_RANK)
			return -1;
		for (int32_t d = 0; d < w->rank; d++)
			dims[d] = w->dims[d].kind == DIM_CONST ? w->dims[d].size : 0;
		RtTensor *st = &p->vals[body->params[i]];
		if (rt_tensor_alloc(st, rt_storage_dtype(w->dt), w->rank, dims) < 0)
			return -1;
		memset(st->data, 0, st->cap);
		p->input_set[i] = true;
	}
	return 0;
}

RtProgram *rt_program_new(Module *m, const PassCtx *ctx, Func *f, const RtOptions *opts,
                          DiagList *dl)
{
	double t0 = rt_now_seconds();
	if (!ctx)
		ir_fill_uses(f);        /* Op.index, which the passes fill otherwise */
	RtProgram *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->m = m;
	p->f = f;
	if (opts)
		p->opts = *opts;
	if (p->opts.threads > 0)
		openblas_set_num_threads(p->opts.threads);   /* BLAS's own pool, not ours */
	if (!p->opts.loop_cap)
		p->opts.loop_cap = 1000000;
	if (!p->opts.max_memory)
		p->opts.max_memory = default_max_memory();
	p->nvals = f->values.n;
	p->vals = xcalloc(p->nvals, sizeof *p->vals);
	p->is_const = xcalloc(p->nvals, sizeof *p->is_const);
	p->opstats = xcalloc(f->nops, sizeof *p->opstats);
	p->outputs = xcalloc(f->body->nouts, sizeof *p->outputs);
	p->input_set = xcalloc(f->body->nparams, sizeof *p->input_set);
	Builder bd = { .p = p, .ctx = ctx, .dl = dl };
	int rc = -1;
	if (p->vals && p->is_const && p->opstats && p->outputs && p->input_set) {
		rc = build_block(&bd, &p->body, f->body);
		if (rc == 0 && !bd.errors)
			rc = build_segments(&bd);
		if (rc == 0 && !bd.errors)
			rc = init_states(&bd);
	}
	if (rc < 0 || bd.errors) {
		if (rc < 0 && !dl->nerrors)
			diag_add(dl, SEV_ERROR, RT_E_OP, f->loc, "function %s cannot be prepared", f->name);
		rt_program_free(p);
		return NULL;
	}
	p->stats.nops = p->nstat;
	p->stats.ops = p->opstats;
	p->stats.nsegments = p->nsegs;
	p->stats.segments = p->segstats;
	p->stats.load_seconds = rt_now_seconds() - t0;
	return p;
}

static void free_block(RtBlock *rb)
{
	for (uint32_t i = 0; i < rb->nops; i++) {
		RtOp *o = &rb->ops[i];
		for (uint32_t a = 0; a < o->nargs; a++)
			free(o->args[a].t);
		for (uint32_t b = 0; b < o->nblocks; b++) {
			free_block(o->blocks[b]);
			free(o->blocks[b]);
		}
		free(o->args);
		free(o->outs);
		free(o->out_ids);
		free(o->blocks);
	}
	free(rb->ops);
	free(rb->params);
	free(rb->outs);
}

void rt_program_free(RtProgram *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nsegs; i++)
		p->segs[i].dev->unload(p->segs[i].prog);
	free_block(&p->body);
	for (uint32_t i = 0; i < p->nconsts; i++) {
		rt_tensor_free(p->consts[i]);
		free(p->consts[i]);
	}
	for (uint32_t i = 0; p->vals && i < p->nvals; i++)
		rt_tensor_free(&p->vals[i]);
	for (uint32_t i = 0; p->outputs && i < p->f->body->nouts; i++)
		rt_tensor_free(&p->outputs[i]);
	free(p->consts);
	free(p->vals);
	free(p->is_const);
	free(p->opstats);
	free(p->segs);
	free(p->segstats);
	free(p->outputs);
	free(p->input_set);
	free(p);
}
