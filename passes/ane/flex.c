/* flex.c - flexible inputs: the `flex` pass (a placement verdict per input
 * shape mode).
 *
 * How a verdict is made: the pass lists the shapes to try (FlexRerun,
 * flex.h) and the driver above the manager reruns the pipeline (verify ..
 * partition) in a fresh PassCtx over the same module with the function's
 * flexible inputs fixed to each (driver/pipeline.c), handing the result
 * back through ane_flex_record: a pass never builds a context itself.  Fixing works through PassOptions.input_shapes, which
 * infer reads for the function parameters (pass_input_shape_types): passes
 * read types through infer, and the IR is never written.  Modes, per
 * function with flexible inputs:
 *
 *   default          every flexible input at its default shape
 *   enumerated (i)   one input at its i-th enumerated shape, the others default
 *   range-lower/upper one input with every ranged dim at its bound (an
 *                    unbounded upper bound is not run)
 *
 * A RangeDim input keeps the whole function off the ANE in every mode (G6,
 * ANE401): `counts` then show the CPU/GPU placement and `counts_if_fixed`
 * what the same shape gives as a fixed-shape model.  With --input-shape the
 * pass reports that shape alone (FLEXV_OVERRIDE), from the main run. */
#include "passes/ane/ane_int.h"
#include "passes/ane/flex.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { FLEX_MAX_RUNS = 32 };    /* reruns per function */

/* ------------------------------------------------------------------ the flex pass */

/* One flexible input of a function and its shapes. */
typedef struct FlexInput {
	const char *name;
	const FeatureDesc *fe;
	const Type *type;           /* as declared */
	ShapeFlex flex;
	uint32_t rank;
	int64_t def[PASS_MAX_SHAPE_RANK];
} FlexInput;

typedef struct FlexRun {
	PassCtx *ctx;
	Func *f;
	FlexInput in[PASS_MAX_INPUT_SHAPES];
	uint32_t nin;
	bool ranged;
	VEC(AneFlexVerdict) out;
	VEC(FlexRerun) reruns;
	uint32_t runs;
} FlexRun;

/* The input's shape with spatial (image) or every (array) dim from `src`. */
static bool input_default(FlexInput *x)
{
	const FeatureDesc *fe = x->fe;
	const Type *t = x->type;
	if (!t || t->kind != TY_TENSOR || t->rank < 0 || t->rank > PASS_MAX_SHAPE_RANK)
		return false;
	x->rank = (uint32_t)t->rank;
	if (fe->kind == FEAT_IMAGE) {
		if (t->rank < 3)
			return false;
		for (int32_t i = 0; i < t->rank; i++)
			x->def[i] = t->dims[i].kind == DIM_CONST ? t->dims[i].size : 1;
		if (t->dims[t->rank - 3].kind != DIM_CONST)
			x->def[t->rank - 3] = fe->color == COLOR_GRAYSCALE ||
			                      fe->color == COLOR_GRAYSCALE_FP16 ? 1 : 3;
		x->def[t->rank - 2] = fe->height;
		x->def[t->rank - 1] = fe->width;
		return fe->height > 0 && fe->width > 0;
	}
	if (fe->shape.rank == x->rank) {
		memcpy(x->def, fe->shape.dims, x->rank * sizeof *x->def);
		return true;
	}
	for (int32_t i = 0; i < t->rank; i++) {
		if (t->dims[i].kind != DIM_CONST)
			return false;
		x->def[i] = t->dims[i].size;
	}
	return true;
}

/* Ask the driver to rerun the pipeline with these shapes for the verdict
 * about to be pushed (ane_flex_record fills it in). */
static void request_rerun(FlexRun *fr, const PassInputShape *shapes, uint32_t n)
{
	PassInputShape *copy = arena_array(fr->ctx->arena, n ? n : 1, sizeof *copy);
	memcpy(copy, shapes, n * sizeof *shapes);
	FlexRerun r = { .verdict = fr->out.n, .nshapes = n, .shapes = copy };
	vec_push(fr->ctx->arena, &fr->reruns, r);
	fr->runs++;
}

/* The prediction from what the shape gives as a fixed-shape model: a
 * RangeDim input keeps the ANE out, so CPU_AND_NE places like CPU_ONLY and
 * ALL like CPU_AND_GPU. */
static void settle(AneFlexVerdict *v)
{
	if (v->mode_reason && strcmp(v->mode_reason->rule->code, ANE_R_FLEX_RANGE) == 0) {
		v->counts[CU_CPU_ONLY] = v->counts_if_fixed[CU_CPU_ONLY];
		v->counts[CU_CPU_AND_GPU] = v->counts_if_fixed[CU_CPU_AND_GPU];
		v->counts[CU_CPU_AND_NE] = v->counts_if_fixed[CU_CPU_ONLY];
		v->counts[CU_ALL] = v->counts_if_fixed[CU_CPU_AND_GPU];
	} else {
		memcpy(v->counts, v->counts_if_fixed, sizeof v->counts);
	}
}

static const AneReason *mode_reason(FlexRun *fr, const char *code, const char *detail)
{
	AneReason *r = arena_alloc(fr->ctx->arena, sizeof *r);
	r->rule = ane_rule_find(code);
	r->device = DEV_ANE;
	r->detail = arena_strdup(fr->ctx->arena, detail);
	IR_ASSERT(r->rule);
	return r;
}

/* Make a verdict: input `vary` (or none) takes `dims`, the others default. */
static void verdict(FlexRun *fr, FlexMode mode, int vary, uint32_t index, const int64_t *dims,
                    bool run)
{
	PassInputShape shapes[PASS_MAX_INPUT_SHAPES];
	char text[512];
	size_t len = 0;
	text[0] = 0;
	for (uint32_t i = 0; i < fr->nin; i++) {
		PassInputShape *s = &shapes[i];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s", fr->in[i].name);
		s->rank = fr->in[i].rank;
		memcpy(s->dims, (int)i == vary ? dims : fr->in[i].def, s->rank * sizeof *s->dims);
		if (vary < 0 || (int)i == vary) {
			char one[160];
			pass_shape_text(s->dims, s->rank, one, sizeof one);
			int w = snprintf(text + len, sizeof text - len, "%s%s%s%s", len ? ", " : "",
			                 vary < 0 ? s->name : "", vary < 0 ? "=" : "", one);
			if (w > 0 && (size_t)w < sizeof text - len)
				len += (size_t)w;
		}
	}
	AneFlexVerdict v = { .func = fr->f, .mode = mode, .index = index };
	v.input = vary >= 0 ? fr->in[vary].name : NULL;
	v.shape = arena_strdup(fr->ctx->arena, text);
	if (run && fr->runs < FLEX_MAX_RUNS)
		request_rerun(fr, shapes, fr->nin);
	if (fr->ranged) {
		const char *name = NULL;
		for (uint32_t i = 0; i < fr->nin && !name; i++)
			if (fr->in[i].flex == FLEX_RANGE)
				name = fr->in[i].name;
		char d[256];
		snprintf(d, sizeof d, "input '%s' is range-shaped", name ? name : "?");
		v.mode_reason = mode_reason(fr, ANE_R_FLEX_RANGE, d);
	} else {
		if (mode == FLEXV_ENUMERATED && vary >= 0 &&
		    !pass_same_shape(dims, fr->in[vary].rank, fr->in[vary].def, fr->in[vary].rank)) {
			char d[1024], def[160];
			pass_shape_text(fr->in[vary].def, fr->in[vary].rank, def, sizeof def);
			snprintf(d, sizeof d, "input '%s' at %s, the default is %s", fr->in[vary].name,
			         text, def);
			v.mode_reason = mode_reason(fr, ANE_R_FLEX_NONDEFAULT, d);
		}
	}
	settle(&v);     /* as not run, until the driver records the rerun */
	vec_push(fr->ctx->arena, &fr->out, v);
}

static void flex_func(FlexRun *fr)
{
	Func *f = fr->f;
	fr->nin = 0;
	fr->ranged = false;
	for (uint32_t i = 0; i < f->body->nparams && fr->nin < PASS_MAX_INPUT_SHAPES; i++) {
		const Value *val = ir_value(f, f->body->params[i]);
		const FeatureDesc *fe = val->name ? pass_input_feature(f, val->name) : NULL;
		if (!fe)
			continue;
		ShapeFlex fx = fe->kind == FEAT_IMAGE ? fe->size_flex
		             : fe->kind == FEAT_MULTIARRAY ? fe->flex : FLEX_NONE;
		if (fx == FLEX_NONE)
			continue;
		FlexInput *x = &fr->in[fr->nin];
		memset(x, 0, sizeof *x);
		x->name = val->name;
		x->fe = fe;
		x->type = val->type;
		x->flex = fx;
		if (!input_default(x))
			continue;
		fr->ranged |= fx == FLEX_RANGE;
		fr->nin++;
	}
	if (!fr->nin)
		return;
	verdict(fr, FLEXV_DEFAULT, -1, 0, NULL, true);
	for (uint32_t k = 0; k < fr->nin; k++) {
		FlexInput *x = &fr->in[k];
		const FeatureDesc *fe = x->fe;
		int64_t dims[PASS_MAX_SHAPE_RANK];
		if (x->flex == FLEX_ENUMERATED) {
			uint32_t n = fe->kind == FEAT_IMAGE ? fe->nsizes : fe->nshapes;
			for (uint32_t j = 0; j < n; j++) {
				memcpy(dims, x->def, sizeof dims);
				if (fe->kind == FEAT_IMAGE) {
					dims[x->rank - 2] = fe->sizes[j].height;
					dims[x->rank - 1] = fe->sizes[j].width;
				} else {
					if (fe->shapes[j].rank != x->rank)
						continue;
					memcpy(dims, fe->shapes[j].dims, x->rank * sizeof *dims);
				}
				verdict(fr, FLEXV_ENUMERATED, (int)k, j, dims, true);
			}
			continue;
		}
		/* range bounds */
		for (int upper = 0; upper < 2; upper++) {
			memcpy(dims, x->def, sizeof dims);
			bool bounded = true;
			if (fe->kind == FEAT_IMAGE) {
				const DimRange *h = &fe->height_range, *w = &fe->width_range;
				dims[x->rank - 2] = upper ? h->upper : h->lower;
				dims[x->rank - 1] = upper ? w->upper : w->lower;
				bounded = !upper || (h->upper > 0 && w->upper > 0);
			} else {
				if (fe->nranges != x->rank)
					break;
				for (uint32_t i = 0; i < x->rank; i++) {
					const DimRange *r = &fe->ranges[i];
					dims[i] = upper ? r->upper : r->lower;
					if (dims[i] <= 0) {
						bounded = false;
						dims[i] = r->lower > 0 ? r->lower : 1;
					}
				}
			}
			verdict(fr, upper ? FLEXV_RANGE_UPPER : FLEXV_RANGE_LOWER, (int)k, 0, dims,
			        bounded);
		}
	}
}

int pass_flex(Module *m, PassCtx *ctx)
{
	struct AneFlex *fx = arena_alloc(ctx->arena, sizeof *fx);
	ctx->flex = fx;
	FlexRun fr = { .ctx = ctx };
	if (ctx->opts.ninput_shapes) {
		for (uint32_t i = 0; i < m->funcs.n; i++) {
			AneFlexVerdict v = { .func = m->funcs.v[i], .mode = FLEXV_OVERRIDE, .ran = true };
			char text[512];
			size_t len = 0;
			text[0] = 0;
			for (uint32_t k = 0; k < ctx->opts.ninput_shapes; k++) {
				const PassInputShape *s = &ctx->opts.input_shapes[k];
				char one[160];
				pass_shape_text(s->dims, s->rank, one, sizeof one);
				int w = snprintf(text + len, sizeof text - len, "%s%s=%s", len ? ", " : "",
				                 s->name, one);
				if (w > 0 && (size_t)w < sizeof text - len)
					len += (size_t)w;
			}
			v.input = ctx->opts.input_shapes[0].name;
			v.shape = arena_strdup(ctx->arena, text);
			v.errors = (int)ctx->dl->nerrors;
			for (int cu = 0; cu < CU_COUNT; cu++) {
				const AneCounts *k = ane_counts(ctx, m->funcs.v[i], (ComputeUnits)cu);
				if (k)
					v.counts[cu] = v.counts_if_fixed[cu] = *k;
			}
			/* a RangeDim input fixed by the flag: Core ML still keeps the model
			 * off the ANE (G6); the per-op results show the fixed-shape model */
			fr.ctx = ctx;
			for (uint32_t k = 0; k < ctx->opts.ninput_shapes && !v.mode_reason; k++) {
				const FeatureDesc *fe = pass_input_feature(m->funcs.v[i], ctx->opts.input_shapes[k].name);
				ShapeFlex fxk = !fe ? FLEX_NONE : fe->kind == FEAT_IMAGE ? fe->size_flex
				              : fe->kind == FEAT_MULTIARRAY ? fe->flex : FLEX_NONE;
				if (fxk != FLEX_RANGE)
					continue;
				char d[256];
				snprintf(d, sizeof d, "input '%s' is range-shaped", fe->name);
				v.mode_reason = mode_reason(&fr, ANE_R_FLEX_RANGE, d);
				v.counts[CU_CPU_AND_NE] = v.counts_if_fixed[CU_CPU_ONLY];
				v.counts[CU_ALL] = v.counts_if_fixed[CU_CPU_AND_GPU];
			}
			vec_push(ctx->arena, &fr.out, v);
		}
	} else {
		for (uint32_t i = 0; i < m->funcs.n; i++) {
			fr.f = m->funcs.v[i];
			fr.runs = 0;
			flex_func(&fr);
		}
	}
	fx->n = fr.out.n;
	fx->v = fr.out.v;
	fx->nreruns = fr.reruns.n;
	fx->reruns = fr.reruns.v;
	return 0;
}

/* ------------------------------------------------------------------ reruns (flex.h) */

const FlexRerun *ane_flex_reruns(const PassCtx *ctx, uint32_t *n)
{
	*n = ctx->flex ? ctx->flex->nreruns : 0;
	return *n ? ctx->flex->reruns : NULL;
}

void ane_flex_record(PassCtx *ctx, const FlexRerun *r, const PassCtx *rerun, int errors)
{
	AneFlexVerdict *v = &ctx->flex->v[r->verdict];
	v->ran = true;
	v->errors = errors;
	for (int cu = 0; cu < CU_COUNT; cu++) {
		const AneCounts *k = ane_counts(rerun, v->func, (ComputeUnits)cu);
		if (k)
			v->counts_if_fixed[cu] = *k;
	}
	settle(v);
}
