/* input_shapes.c - --input-shape against the module: the function inputs
 * it names, the type each then has, and whether the model declares that
 * shape (its description's flexible shapes).  The flag never writes the
 * IR: the context resolves it when made (pass_ctx_new), infer reads the
 * types for the function parameters, and every later pass reads types
 * through infer (pass.h).  The flex pass uses the
 * same description lookups for its modes (passes/ane/flex.c). */
#include "passes/pass.h"
#include "passes/ane/ane.h"
#include "ir/model_desc.h"

#include <string.h>

const FeatureDesc *pass_input_feature(const Func *f, const char *name)
{
	const FuncDesc *fd = ir_func_desc(f);
	if (!fd)
		return NULL;
	for (uint32_t i = 0; i < fd->ninputs; i++)
		if (fd->inputs[i].name && strcmp(fd->inputs[i].name, name) == 0)
			return &fd->inputs[i];
	return NULL;
}

bool pass_same_shape(const int64_t *a, uint32_t na, const int64_t *b, uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Whether the shape is one the description allows (true when it says nothing). */
static bool declared_shape(const FeatureDesc *fe, const PassInputShape *s)
{
	if (!fe)
		return true;
	if (fe->kind == FEAT_IMAGE) {
		if (s->rank < 2)
			return false;
		int64_t h = s->dims[s->rank - 2], w = s->dims[s->rank - 1];
		switch (fe->size_flex) {
		case FLEX_NONE: return w == fe->width && h == fe->height;
		case FLEX_ENUMERATED:
			for (uint32_t i = 0; i < fe->nsizes; i++)
				if (fe->sizes[i].width == w && fe->sizes[i].height == h)
					return true;
			return w == fe->width && h == fe->height;
		case FLEX_RANGE:
			return w >= fe->width_range.lower &&
			       (fe->width_range.upper < 0 || w <= fe->width_range.upper) &&
			       h >= fe->height_range.lower &&
			       (fe->height_range.upper < 0 || h <= fe->height_range.upper);
		}
		return true;
	}
	if (fe->kind != FEAT_MULTIARRAY)
		return true;
	switch (fe->flex) {
	case FLEX_NONE:
		return !fe->shape.rank || pass_same_shape(fe->shape.dims, fe->shape.rank, s->dims, s->rank);
	case FLEX_ENUMERATED:
		for (uint32_t i = 0; i < fe->nshapes; i++)
			if (pass_same_shape(fe->shapes[i].dims, fe->shapes[i].rank, s->dims, s->rank))
				return true;
		return pass_same_shape(fe->shape.dims, fe->shape.rank, s->dims, s->rank);
	case FLEX_RANGE:
		if (fe->nranges != s->rank)
			return false;
		for (uint32_t i = 0; i < s->rank; i++)
			if (s->dims[i] < fe->ranges[i].lower ||
			    (fe->ranges[i].upper >= 0 && s->dims[i] > fe->ranges[i].upper))
				return false;
		return true;
	}
	return true;
}

void pass_shape_text(const int64_t *d, uint32_t n, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < n && len < cap; i++) {
		int w = snprintf(buf + len, cap - len, "%s%lld", i ? "x" : "", (long long)d[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

const Type ***pass_input_shape_types(PassCtx *ctx)
{
	const PassOptions *o = &ctx->opts;
	if (!o->ninput_shapes)
		return NULL;
	Module *m = ctx->m;
	const Type ***types = arena_array(ctx->arena, m->funcs.n ? m->funcs.n : 1, sizeof *types);
	for (uint32_t fi = 0; fi < m->funcs.n; fi++) {
		uint32_t n = m->funcs.v[fi]->body->nparams;
		types[fi] = arena_array(ctx->arena, n ? n : 1, sizeof **types);
	}
	const AneRule *bad = ane_rule_find("ANE901"), *undeclared = ane_rule_find("ANE902");
	for (uint32_t k = 0; k < o->ninput_shapes; k++) {
		const PassInputShape *s = &o->input_shapes[k];
		char want[160];
		pass_shape_text(s->dims, s->rank, want, sizeof want);
		bool matched = false;
		for (uint32_t fi = 0; fi < m->funcs.n; fi++) {
			Func *f = m->funcs.v[fi];
			for (uint32_t i = 0; i < f->body->nparams; i++) {
				const Value *val = ir_value(f, f->body->params[i]);
				if (!val->name || strcmp(val->name, s->name) != 0)
					continue;
				matched = true;
				const Type *t = val->type;
				if (!t || t->kind != TY_TENSOR || (t->rank >= 0 && (uint32_t)t->rank != s->rank)) {
					ctx->input_shape_errors++;
					pass_diag(ctx, SEV_ERROR, bad->code, f, NULL, bad->hint,
					          "--input-shape %s=%s: input '%s' of function '%s' is %s%d; "
					          "not applied", s->name, want, s->name, f->name,
					          t && t->kind == TY_TENSOR ? "of rank " : "not a tensor, kind ",
					          t && t->kind == TY_TENSOR ? t->rank : t ? (int)t->kind : -1);
					continue;
				}
				const FeatureDesc *fe = pass_input_feature(f, s->name);
				if (!declared_shape(fe, s))
					pass_diag(ctx, SEV_WARNING, undeclared->code, f, NULL, undeclared->hint,
					          "--input-shape %s=%s: not a shape the model declares for input "
					          "'%s' of function '%s'", s->name, want, s->name, f->name);
				Dim dims[PASS_MAX_SHAPE_RANK];
				for (uint32_t d = 0; d < s->rank; d++)
					dims[d] = dim_const(s->dims[d]);
				types[fi][i] = type_tensor(m->types, t->dt, (int32_t)s->rank, dims);
			}
		}
		if (!matched) {
			ctx->input_shape_errors++;
			pass_diag(ctx, SEV_ERROR, bad->code, NULL, NULL, bad->hint,
			          "--input-shape %s=%s: no function input is called '%s'", s->name, want,
			          s->name);
		}
	}
	return types;
}
