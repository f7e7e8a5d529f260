/* partition.c - the `partition` pass: for each function and compute-unit
 * setting, the segments of consecutive executable ops on one device in
 * program (walk) order, the device switches between them, and the tensors
 * crossing each boundary with their bytes (ggml's scheduler splits:
 * {device, first, last, inputs}).
 *
 * Const ops belong to no segment and their values never cross a boundary
 * (they are baked into whichever segment reads them).  Ops in cond and
 * while_loop bodies follow their parent (same device, same segment).  A
 * tensor crosses into a segment when an op of the segment reads a value
 * defined outside it (a function input, or an op of another segment); it
 * crosses out when a value defined inside is read by another segment or is
 * a function result.  Bytes come from the inferred types; a dim not known
 * at compile time makes the bytes unknown (-1), never a guess. */
#include "passes/ane/ane_int.h"

#include <string.h>

typedef struct PartRun {
	PassCtx *ctx;
	Func *f;
	AneFuncRes *fr;
	Op *const *by_index;    /* [nops]: the IR's op table (ir_func_op_table) */
	int32_t *value_seg;     /* [nvalues]: segment of the definition; -1 none
	                         * (const), -2 a function input */
	uint32_t *mark_in, *mark_out;   /* [nvalues]: segment+1 that listed it */
	VEC(AneTensorRef) refs;
	Arena *scratch;
} PartRun;

static int64_t value_bytes(PartRun *pr, ValueId v)
{
	const Type *t = infer_value_type(pr->ctx, pr->f, v);
	if (!t)
		t = ir_value(pr->f, v)->type;
	/* A string has no size in the IR (ir_tensor_bytes: unknown); crossing a
	 * boundary it costs a pointer per element, the guess partition has
	 * always reported for classifier labels and text inputs. */
	if (t && t->kind == TY_TENSOR && t->dt == DT_STRING) {
		int64_t n = type_numel(t);
		return n < 0 || n > INT64_MAX / 8 ? -1 : n * 8;
	}
	return ir_tensor_bytes(t);
}

static AneTensorRef *finish_refs(PartRun *pr, uint32_t *n, int64_t *sum)
{
	*n = pr->refs.n;
	*sum = 0;
	if (!pr->refs.n)
		return NULL;
	AneTensorRef *v = arena_array(pr->ctx->arena, pr->refs.n, sizeof *v);
	memcpy(v, pr->refs.v, pr->refs.n * sizeof *v);
	for (uint32_t i = 0; i < pr->refs.n; i++) {
		if (v[i].bytes < 0 || *sum < 0)
			*sum = -1;
		else
			*sum += v[i].bytes;
	}
	pr->refs.n = 0;
	return v;
}

static void add_ref(PartRun *pr, uint32_t *mark, ValueId v, uint32_t seg)
{
	if (mark[v] == seg + 1)
		return;
	mark[v] = seg + 1;
	AneTensorRef r = { v, ir_value(pr->f, v)->name, value_bytes(pr, v) };
	vec_push(pr->scratch, &pr->refs, r);
}

static bool is_result(const Func *f, ValueId v)
{
	for (uint32_t j = 0; j < f->body->nouts; j++)
		if (f->body->outs[j] == v)
			return true;
	return false;
}

static int32_t op_seg(const PartRun *pr, const Op *op, ComputeUnits cu)
{
	return op && op->index < pr->f->nops ? pr->fr->ops[op->index].segment[cu] : -1;
}

/* ------------------------------------------------------------------ segments */

typedef VEC(AneSegment) SegVec;

static void assign_segments(PartRun *pr, ComputeUnits cu, SegVec *segs)
{
	Device cur = DEV_NONE;
	for (uint32_t i = 0; i < pr->f->nops; i++) {
		Op *op = pr->by_index[i];
		OpPlacement *p = &pr->fr->ops[i];
		if (!op || p->is_const)
			continue;
		Device d = p->device[cu];
		bool nested = op->parent && op->parent->parent_op;
		if (!segs->n || (d != cur && !nested)) {
			AneSegment s = { .device = d, .first = i };
			vec_push(pr->scratch, segs, s);
			cur = d;
		}
		AneSegment *s = &segs->v[segs->n - 1];
		s->last = i;
		s->nops++;
		s->est_ms += p->est->ms[s->device];
		p->segment[cu] = (int32_t)(segs->n - 1);
	}
}

static void value_segments(PartRun *pr, ComputeUnits cu)
{
	Func *f = pr->f;
	for (uint32_t v = 0; v < f->values.n; v++) {
		const Value *val = ir_value(f, v);
		if (val->def)
			pr->value_seg[v] = op_seg(pr, val->def, cu);
		else if (val->block == f->body)
			pr->value_seg[v] = -2;
		else   /* a nested body's parameter: inside its op's segment */
			pr->value_seg[v] = val->block ? op_seg(pr, val->block->parent_op, cu) : -1;
	}
}

static void boundaries(PartRun *pr, ComputeUnits cu, AneSegment *segs, uint32_t nsegs)
{
	Func *f = pr->f;
	memset(pr->mark_in, 0, f->values.n * sizeof *pr->mark_in);
	memset(pr->mark_out, 0, f->values.n * sizeof *pr->mark_out);
	for (uint32_t s = 0; s < nsegs; s++) {
		AneSegment *sg = &segs[s];
		/* in: read here, defined by an input or another segment */
		for (uint32_t i = sg->first; i <= sg->last; i++) {
			Op *op = pr->by_index[i];
			if (!op || op_seg(pr, op, cu) != (int32_t)s)
				continue;
			for (uint32_t a = 0; a < op->nargs; a++)
				for (uint32_t j = 0; j < op->args[a].n; j++) {
					const Binding *b = &op->args[a].b[j];
					if (b->kind != BIND_VALUE || b->value >= f->values.n)
						continue;
					int32_t from = pr->value_seg[b->value];
					if (from != -1 && from != (int32_t)s)
						add_ref(pr, pr->mark_in, b->value, s);
				}
		}
		sg->ins = finish_refs(pr, &sg->nin, &sg->in_bytes);
		/* out: defined here, read by another segment or returned */
		for (uint32_t i = sg->first; i <= sg->last; i++) {
			Op *op = pr->by_index[i];
			if (!op || op_seg(pr, op, cu) != (int32_t)s)
				continue;
			for (uint32_t o = 0; o < op->nouts; o++) {
				ValueId v = op->outs[o];
				if (v >= f->values.n)
					continue;
				bool crosses = op->parent == f->body && is_result(f, v);
				const Value *val = ir_value(f, v);
				for (uint32_t u = 0; u < val->nuses && !crosses; u++) {
					int32_t to = op_seg(pr, val->uses[u].op, cu);
					crosses = to >= 0 && to != (int32_t)s;
				}
				if (crosses)
					add_ref(pr, pr->mark_out, v, s);
			}
		}
		sg->outs = finish_refs(pr, &sg->nout, &sg->out_bytes);
	}
}

static void partition_setting(PartRun *pr, ComputeUnits cu)
{
	SegVec segs = { 0 };
	assign_segments(pr, cu, &segs);
	AneFuncPlan *plan = &pr->fr->plan[cu];
	memset(plan, 0, sizeof *plan);
	plan->func = pr->f;
	plan->est_ms = pr->fr->path_ms[cu];
	if (!segs.n)
		return;
	AneSegment *v = arena_array(pr->ctx->arena, segs.n, sizeof *v);
	memcpy(v, segs.v, segs.n * sizeof *v);
	plan->segments = v;
	plan->nsegments = segs.n;
	for (uint32_t i = 0; i < segs.n; i++) {
		if (i && v[i].device != v[i - 1].device)
			plan->switches++;
		if (v[i].device == DEV_ANE)
			plan->ane_segments++;
	}
	value_segments(pr, cu);
	boundaries(pr, cu, v, segs.n);
	AneCounts *k = &pr->fr->counts[cu];
	k->segments = plan->nsegments;
	k->ane_segments = plan->ane_segments;
	k->switches = plan->switches;
}

int pass_partition(Module *m, PassCtx *ctx)
{
	struct AneLegality *lg = ctx->legality;
	if (!lg || !ctx->placement)
		return 0;
	struct AnePartition *pt = arena_alloc(ctx->arena, sizeof *pt);
	Arena *scratch = arena_new();
	for (uint32_t i = 0; i < lg->nfuncs && i < m->funcs.n; i++) {
		Func *f = m->funcs.v[i];
		PartRun pr = { .ctx = ctx, .f = f, .fr = &lg->funcs[i], .scratch = scratch };
		size_t nv = f->values.n ? f->values.n : 1;
		pr.by_index = ir_func_op_table(f);
		pr.value_seg = arena_array(scratch, nv, sizeof *pr.value_seg);
		pr.mark_in = arena_array(scratch, nv, sizeof *pr.mark_in);
		pr.mark_out = arena_array(scratch, nv, sizeof *pr.mark_out);
		for (int cu = 0; cu < CU_COUNT; cu++)
			partition_setting(&pr, (ComputeUnits)cu);
		ane_counts_sum_settings(pt->counts, lg->funcs[i].counts);
		arena_reset(scratch);
	}
	arena_free(scratch);
	ctx->partition = pt;
	return 0;
}

/* ------------------------------------------------------------------ dump annotation */

void pass_partition_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out)
{
	const OpPlacement *p = ane_op_annotated(ctx, f, op, ctx->partition);
	if (!p)
		return;
	ComputeUnits cu = ane_lead_units(ctx);
	fprintf(out, " // partition: %s segment %d", compute_units_name(cu), p->segment[cu]);
}
