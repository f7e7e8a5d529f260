/* flex.c - flexible inputs: the `flex` pass (a placement verdict per input
 * shape mode), the --input-shape override, and the flags of the ANE passes
 * (--chip, --compute-units, --input-shape).
 *
 * How a verdict is made: the pipeline (verify .. partition) is rerun in a
 * fresh PassCtx over the same module with the function's flexible inputs
 * fixed to one shape.  Fixing works through PassOptions.input_shapes, which
 * the manager applies to the function inputs' types just for the infer pass
 * (ane_input_shapes_apply) and restores right after: passes read types
 * through infer, so nothing else sees the change, and the module is left as
 * it was read.  Modes, per function with flexible inputs:
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

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { FLEX_MAX_RUNS = 32 };    /* reruns per function */

/* ------------------------------------------------------------------ flags */

static const char *flag_value(const char *arg, const char *flag)
{
	size_t n = strlen(flag);
	if (strncmp(arg, flag, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

static int parse_shape(PassOptions *o, const char *v, FILE *err)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v) {
		fprintf(err, "anelint: --input-shape: expected NAME=D0,D1,... (e.g. x=1,3,256,256), "
		        "got '%s'\n", v);
		return -1;
	}
	size_t nlen = (size_t)(eq - v);
	if (nlen >= PASS_MAX_INPUT_NAME) {
		fprintf(err, "anelint: --input-shape: input name longer than %d bytes\n",
		        PASS_MAX_INPUT_NAME - 1);
		return -1;
	}
	if (o->ninput_shapes >= PASS_MAX_INPUT_SHAPES) {
		fprintf(err, "anelint: --input-shape: at most %d inputs\n", PASS_MAX_INPUT_SHAPES);
		return -1;
	}
	PassInputShape s = { .rank = 0 };
	memcpy(s.name, v, nlen);
	s.name[nlen] = 0;
	const char *p = eq + 1;
	for (;;) {
		if (!isdigit((unsigned char)*p)) {
			fprintf(err, "anelint: --input-shape: '%s': dims must be positive integers "
			        "separated by ',' (e.g. %s=1,3,256,256)\n", v, s.name);
			return -1;
		}
		errno = 0;
		char *end;
		long long d = strtoll(p, &end, 10);
		if (errno || d <= 0 || d > (1ll << 31)) {
			fprintf(err, "anelint: --input-shape: '%s': dim out of range (1..2^31)\n", v);
			return -1;
		}
		if (s.rank >= PASS_MAX_SHAPE_RANK) {
			fprintf(err, "anelint: --input-shape: '%s': more than %d dims\n", v,
			        PASS_MAX_SHAPE_RANK);
			return -1;
		}
		s.dims[s.rank++] = d;
		p = end;
		if (!*p)
			break;
		if (*p != ',' && *p != 'x') {
			fprintf(err, "anelint: --input-shape: '%s': unexpected '%c'\n", v, *p);
			return -1;
		}
		p++;
	}
	for (uint32_t i = 0; i < o->ninput_shapes; i++)
		if (strcmp(o->input_shapes[i].name, s.name) == 0) {
			o->input_shapes[i] = s;     /* the last one wins */
			return 1;
		}
	o->input_shapes[o->ninput_shapes++] = s;
	return 1;
}

/* --chip C: one chip; --chip all: the per-op results for the default chip
 * and the modelled latency compared across the ANE generations (one row
 * per family, H11..H18); --chip A,B,...: the per-op results for A, the
 * latency compared across the chips listed (the cost pass). */
static int parse_chips(PassOptions *o, const char *v, FILE *err)
{
	if (strcmp(v, "all") == 0) {
		size_t n;
		const AneChip *fam = ane_chip_families(&n);
		o->ncompare_chips = 0;
		for (size_t i = 0; i < n && i < PASS_MAX_COMPARE_CHIPS; i++)
			o->compare_chips[o->ncompare_chips++] = &fam[i];
		return 1;
	}
	const char *comma = strchr(v, ',');
	if (!comma) {
		const AneChip *c = ane_chip_find(v);
		if (!c) {
			fprintf(err, "anelint: --chip: unknown chip '%s'; ", v);
			ane_chip_list(err);
			fputc('\n', err);
			return -1;
		}
		o->chip = c;
		return 1;
	}
	o->ncompare_chips = 0;
	for (const char *p = v; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char name[32];
		if (n == 0 || n >= sizeof name) {
			fprintf(err, "anelint: --chip: empty or overlong chip name in '%s'\n", v);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = 0;
		const AneChip *c = ane_chip_find(name);
		if (!c) {
			fprintf(err, "anelint: --chip: unknown chip '%s'; ", name);
			ane_chip_list(err);
			fputc('\n', err);
			return -1;
		}
		if (o->ncompare_chips == PASS_MAX_COMPARE_CHIPS) {
			fprintf(err, "anelint: --chip: at most %d chips\n", PASS_MAX_COMPARE_CHIPS);
			return -1;
		}
		if (!o->ncompare_chips)
			o->chip = c;
		o->compare_chips[o->ncompare_chips++] = c;
		p += n;
		if (*p == ',')
			p++;
	}
	return 1;
}

int ane_options_parse(PassOptions *o, const char *arg, FILE *err)
{
	const char *v;
	if ((v = flag_value(arg, "--chip")))
		return parse_chips(o, v, err);
	if ((v = flag_value(arg, "--compute-units"))) {
		int cu = compute_units_from_name(v);
		if (cu < 0) {
			fprintf(err, "anelint: --compute-units: unknown setting '%s' "
			        "(cpu_only, cpu_and_gpu, cpu_and_ne, all)\n", v);
			return -1;
		}
		o->compute_units = cu;
		return 1;
	}
	if ((v = flag_value(arg, "--input-shape")))
		return parse_shape(o, v, err);
	if (strcmp(arg, "--chip") == 0 || strcmp(arg, "--compute-units") == 0 ||
	    strcmp(arg, "--input-shape") == 0) {
		fprintf(err, "anelint: %s needs a value: %s=VALUE or %s VALUE\n", arg, arg, arg);
		return -1;
	}
	return 0;
}

int ane_options_parse_pair(PassOptions *o, const char *flag, const char *value, FILE *err)
{
	if (strcmp(flag, "--chip") != 0 && strcmp(flag, "--compute-units") != 0 &&
	    strcmp(flag, "--input-shape") != 0)
		return 0;
	char buf[512];
	if ((size_t)snprintf(buf, sizeof buf, "%s=%s", flag, value) >= sizeof buf) {
		fprintf(err, "anelint: %s: value too long\n", flag);
		return -1;
	}
	return ane_options_parse(o, buf, err);
}

int pass_options_parse_argv(PassOptions *o, int argc, char **argv, int *i, FILE *err)
{
	const char *arg = argv[*i];
	if (*i + 1 < argc && argv[*i + 1][0] != '-') {
		int r = ane_options_parse_pair(o, arg, argv[*i + 1], err);
		if (r > 0)
			(*i)++;
		if (r)
			return r;
	}
	return pass_options_parse(o, arg, err);
}

/* ------------------------------------------------------------------ --input-shape */

typedef struct Saved {
	uint32_t n;
	Value *vals[PASS_MAX_INPUT_SHAPES * 8];
	const Type *old[PASS_MAX_INPUT_SHAPES * 8];
} Saved;

static const FeatureDesc *feature_of(const Module *m, const Func *f, const char *name)
{
	if (!m->desc)
		return NULL;
	const FuncDesc *fd = NULL;
	for (uint32_t i = 0; i < m->desc->nfuncs; i++)
		if (m->desc->funcs[i].name && strcmp(m->desc->funcs[i].name, f->name) == 0)
			fd = &m->desc->funcs[i];
	if (!fd && m->desc->nfuncs == 1 && m->funcs.n == 1)
		fd = &m->desc->funcs[0];
	if (!fd)
		return NULL;
	for (uint32_t i = 0; i < fd->ninputs; i++)
		if (fd->inputs[i].name && strcmp(fd->inputs[i].name, name) == 0)
			return &fd->inputs[i];
	return NULL;
}

static bool same_shape(const int64_t *a, uint32_t na, const int64_t *b, uint32_t nb)
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
		return !fe->shape.rank || same_shape(fe->shape.dims, fe->shape.rank, s->dims, s->rank);
	case FLEX_ENUMERATED:
		for (uint32_t i = 0; i < fe->nshapes; i++)
			if (same_shape(fe->shapes[i].dims, fe->shapes[i].rank, s->dims, s->rank))
				return true;
		return same_shape(fe->shape.dims, fe->shape.rank, s->dims, s->rank);
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

static void shape_text(const int64_t *d, uint32_t n, char *buf, size_t cap)
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

void *ane_input_shapes_apply(PassCtx *ctx)
{
	const PassOptions *o = &ctx->opts;
	if (!o->ninput_shapes)
		return NULL;
	Module *m = ctx->m;
	Saved *sv = arena_alloc(ctx->arena, sizeof *sv);
	const AneRule *bad = ane_rule_find("ANE901"), *undeclared = ane_rule_find("ANE902");
	for (uint32_t k = 0; k < o->ninput_shapes; k++) {
		const PassInputShape *s = &o->input_shapes[k];
		char want[160];
		shape_text(s->dims, s->rank, want, sizeof want);
		bool matched = false;
		for (uint32_t fi = 0; fi < m->funcs.n; fi++) {
			Func *f = m->funcs.v[fi];
			for (uint32_t i = 0; i < f->body->nparams; i++) {
				Value *val = ir_value(f, f->body->params[i]);
				if (!val->name || strcmp(val->name, s->name) != 0)
					continue;
				matched = true;
				const Type *t = val->type;
				if (!t || t->kind != TY_TENSOR || (t->rank >= 0 && (uint32_t)t->rank != s->rank)) {
					pass_diag(ctx, SEV_ERROR, bad->code, f, NULL, bad->hint,
					          "--input-shape %s=%s: input '%s' of function '%s' is %s%d; "
					          "not applied", s->name, want, s->name, f->name,
					          t && t->kind == TY_TENSOR ? "of rank " : "not a tensor, kind ",
					          t && t->kind == TY_TENSOR ? t->rank : t ? (int)t->kind : -1);
					continue;
				}
				const FeatureDesc *fe = feature_of(m, f, s->name);
				if (!declared_shape(fe, s))
					pass_diag(ctx, SEV_WARNING, undeclared->code, f, NULL, undeclared->hint,
					          "--input-shape %s=%s: not a shape the model declares for input "
					          "'%s' of function '%s'", s->name, want, s->name, f->name);
				if (sv->n >= sizeof sv->vals / sizeof *sv->vals)
					continue;
				Dim dims[PASS_MAX_SHAPE_RANK];
				for (uint32_t d = 0; d < s->rank; d++)
					dims[d] = dim_const(s->dims[d]);
				sv->vals[sv->n] = val;
				sv->old[sv->n++] = t;
				val->type = type_tensor(m->types, t->dt, (int32_t)s->rank, dims);
			}
		}
		if (!matched)
			pass_diag(ctx, SEV_ERROR, bad->code, NULL, NULL, bad->hint,
			          "--input-shape %s=%s: no function input is called '%s'", s->name, want,
			          s->name);
	}
	return sv;
}

void ane_input_shapes_restore(PassCtx *ctx, void *token)
{
	(void)ctx;
	Saved *sv = token;
	if (!sv)
		return;
	for (uint32_t i = sv->n; i-- > 0;)
		sv->vals[i]->type = sv->old[i];
}

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

static void rerun(FlexRun *fr, AneFlexVerdict *v, const PassInputShape *shapes, uint32_t n)
{
	PassOptions o = fr->ctx->opts;
	o.selected = PASS_BIT(PARTITION);
	o.print_before = o.print_after = 0;
	o.verify_each = o.time_passes = o.list_passes = false;
	o.ninput_shapes = n;
	memcpy(o.input_shapes, shapes, n * sizeof *shapes);
	DiagList dl;
	diag_init(&dl);
	dl.max_errors = 0;
	PassCtx *sub = pass_ctx_new(fr->ctx->m, &dl, &o);
	pass_run_pipeline(sub);
	v->ran = true;
	v->errors = (int)dl.nerrors;
	for (int cu = 0; cu < CU_COUNT; cu++) {
		const AneCounts *k = ane_counts(sub, fr->f, (ComputeUnits)cu);
		if (k)
			v->counts_if_fixed[cu] = *k;
	}
	pass_ctx_free(sub);
	diag_fini(&dl);
	fr->runs++;
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
			shape_text(s->dims, s->rank, one, sizeof one);
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
		rerun(fr, &v, shapes, fr->nin);
	if (fr->ranged) {
		const char *name = NULL;
		for (uint32_t i = 0; i < fr->nin && !name; i++)
			if (fr->in[i].flex == FLEX_RANGE)
				name = fr->in[i].name;
		char d[256];
		snprintf(d, sizeof d, "input '%s' is range-shaped", name ? name : "?");
		v.mode_reason = mode_reason(fr, ANE_R_FLEX_RANGE, d);
		/* with the ANE out, CPU_AND_NE places like CPU_ONLY and ALL like CPU_AND_GPU */
		v.counts[CU_CPU_ONLY] = v.counts_if_fixed[CU_CPU_ONLY];
		v.counts[CU_CPU_AND_GPU] = v.counts_if_fixed[CU_CPU_AND_GPU];
		v.counts[CU_CPU_AND_NE] = v.counts_if_fixed[CU_CPU_ONLY];
		v.counts[CU_ALL] = v.counts_if_fixed[CU_CPU_AND_GPU];
	} else {
		if (mode == FLEXV_ENUMERATED && vary >= 0 &&
		    !same_shape(dims, fr->in[vary].rank, fr->in[vary].def, fr->in[vary].rank)) {
			char d[1024], def[160];
			shape_text(fr->in[vary].def, fr->in[vary].rank, def, sizeof def);
			snprintf(d, sizeof d, "input '%s' at %s, the default is %s", fr->in[vary].name,
			         text, def);
			v.mode_reason = mode_reason(fr, ANE_R_FLEX_NONDEFAULT, d);
		}
		memcpy(v.counts, v.counts_if_fixed, sizeof v.counts);
	}
	vec_push(fr->ctx->arena, &fr->out, v);
}

static void flex_func(FlexRun *fr)
{
	Func *f = fr->f;
	Module *m = fr->ctx->m;
	fr->nin = 0;
	fr->ranged = false;
	for (uint32_t i = 0; i < f->body->nparams && fr->nin < PASS_MAX_INPUT_SHAPES; i++) {
		const Value *val = ir_value(f, f->body->params[i]);
		const FeatureDesc *fe = val->name ? feature_of(m, f, val->name) : NULL;
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
				shape_text(s->dims, s->rank, one, sizeof one);
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
				const FeatureDesc *fe = feature_of(m, m->funcs.v[i], ctx->opts.input_shapes[k].name);
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
	return 0;
}
