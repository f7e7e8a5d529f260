/* infer.c - the `infer` pass: dtype and shape of every value of every
 * function, nested blocks included, from the op catalogue's rows.
 *
 * Per op, in program order:
 *   1. the catalogue row in force at the op's opset (its `<ios17>` suffix or
 *      the function's); unknown kinds keep their declared types (I001);
 *   2. operand checks against the row (infer_check.c): presence, dtype,
 *      rank, const-ness, type variables;
 *   3. output dtypes from the row (type variable, fixed, dtype operand);
 *   4. the row's rule (infer_rules_*.c) computes the output shapes;
 *   5. each output is compared with the type the model declares (I040);
 *   6. known integer contents are folded (infer_fold.c).
 *
 * Results live in side tables by ValueId (InferFunc), never in the IR: a
 * later pass reads infer_value_type().  Where the declared type is less
 * precise (a `?` dim, unknown rank) the inferred one is kept; where the two
 * conflict the conflict is reported once and the declared type is carried
 * on, so that one wrong declaration gives one finding, not a cascade.
 * Unknown (`?`) dims of function inputs become symbols is0, is1, ... so that
 * flexible shapes propagate as expressions ("is0 + 2"). */
#include "passes/infer/infer_int.h"
#include "ir/model_desc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void walk_block(Infer *in, Block *b);

/* ------------------------------------------------------------------ dispatch */

static const RuleFn rules[RULE_COUNT] = {
#define RULE(id, name) [RULE_##id] = rule_##id,
#include "ir/op_rules.def"
#undef RULE
};

/* ------------------------------------------------------------------ output dtypes */

/* The dtype a default expression stands for ("0." fp32, "1" int32, "True"
 * bool); DT_COUNT when it names none. */
static DType default_dtype(const char *def)
{
	if (!def || !*def)
		return DT_COUNT;
	if (strcmp(def, "True") == 0 || strcmp(def, "False") == 0)
		return DT_BOOL;
	const char *p = def;
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return DT_COUNT;
	return strpbrk(def, ".eE") ? DT_FP32 : DT_INT32;
}

static void output_dtypes(IOp *io)
{
	const OpInfo *info = io->info;
	for (uint32_t i = 0; i < io->op->nouts; i++) {
		io->out_dt[i] = DT_COUNT;
		if (!info->noutputs)
			continue;
		uint32_t oix = i < info->noutputs ? i : (uint32_t)info->noutputs - 1;
		const OpOutputInfo *oi = &info->outputs[oix];
		switch (oi->rule) {
		case OUTDT_FIXED:
			io->out_dt[i] = oi->dt;
			break;
		case OUTDT_TVAR: {
			DType dt = io->tv[oi->tvar];
			for (uint8_t k = 0; dt == DT_COUNT && k < info->noperands; k++)
				if (info->operands[k].tvar == oi->tvar)
					dt = default_dtype(info->operands[k].def);
			io->out_dt[i] = dt;
			break;
		}
		case OUTDT_OPERAND: {
			const char *s = io_str(io, oi->operand);
			if (!s && !io_has(io, oi->operand)) {
				const OpOperandInfo *od = op_info_operand(info, oi->operand);
				if (od && od->def && od->def[0] == '"')
					s = od->def + 1;
			}
			if (s) {
				size_t n = strlen(s);
				if (n && s[n - 1] == '"')
					n--;
				DType dt = dtype_from_name(s, n);
				if (dt == DT_COUNT)
					io_err(io, I_PARAM, "%s \"%.*s\" names no dtype", oi->operand, (int)n, s);
				io->out_dt[i] = dt;
			}
			break;
		}
		case OUTDT_RULE:
			break;
		}
	}
}

/* ------------------------------------------------------------------ agreement */

typedef enum Agree {
	AG_UNTYPED,     /* nothing declared to compare with */
	AG_SAME,
	AG_REFINES,     /* compatible; inference knows more */
	AG_VAGUER,      /* compatible; the declaration knows more */
	AG_DIFFERS,
} Agree;

static Agree worse(Agree a, Agree b)
{
	return a > b ? a : b;
}

static Agree compare_dims(uint32_t n, const Dim *decl, const Dim *inf)
{
	Agree r = AG_SAME;
	for (uint32_t i = 0; i < n; i++) {
		Dim d = decl[i], x = inf[i];
		if (dim_same(d, x))
			continue;
		if (d.kind == DIM_CONST && x.kind == DIM_CONST)
			return AG_DIFFERS;
		if (d.kind == DIM_UNKNOWN)
			r = worse(r, x.kind == DIM_UNKNOWN ? AG_SAME : AG_REFINES);
		else if (d.kind == DIM_SYM && x.kind == DIM_CONST)
			r = worse(r, AG_REFINES);
		else if (d.kind == DIM_SYM && x.kind == DIM_SYM)
			r = worse(r, AG_SAME);      /* names are not comparable */
		else
			r = worse(r, AG_VAGUER);
	}
	return r;
}

static Agree compare_types(const Type *decl, const Type *inf)
{
	if (!decl)
		return AG_UNTYPED;
	if (!inf)
		return AG_VAGUER;
	if (decl == inf)
		return AG_SAME;
	if (decl->kind != inf->kind)
		return AG_DIFFERS;
	switch (decl->kind) {
	case TY_TENSOR:
	case TY_TENSOR_BUFFER:
		if (decl->dt != inf->dt)
			return AG_DIFFERS;
		if (decl->rank < 0)
			return inf->rank < 0 ? AG_SAME : AG_REFINES;
		if (inf->rank < 0)
			return AG_VAGUER;
		if (decl->rank != inf->rank)
			return AG_DIFFERS;
		return compare_dims((uint32_t)decl->rank, decl->dims, inf->dims);
	case TY_LIST: {
		/* A list's declared length is its initial length; a list written in
		 * a loop has a data-dependent one, which inference leaves unknown. */
		Agree r = compare_types(decl->elem, inf->elem);
		if (inf->len.kind == DIM_UNKNOWN)
			return r;
		return worse(r, compare_dims(1, &decl->len, &inf->len));
	}
	case TY_STATE:
		return compare_types(decl->elem, inf->elem);
	case TY_DICT:
		return worse(compare_types(decl->key, inf->key), compare_types(decl->elem, inf->elem));
	case TY_TUPLE: {
		if (decl->nelems != inf->nelems)
			return AG_DIFFERS;
		Agree r = AG_SAME;
		for (uint32_t i = 0; i < decl->nelems; i++)
			r = worse(r, compare_types(decl->elems[i], inf->elems[i]));
		return r;
	}
	}
	return AG_DIFFERS;
}

/* Declarations that say nothing to compare: no type, or a tensor of
 * unknown rank (legacy neural networks declare every layer output so). */
static bool declared_typed(const Type *t)
{
	return t && !(t->kind == TY_TENSOR && t->rank < 0);
}

/* The more precise of two compatible tensor types, dim by dim. */
static const Type *meet(Infer *in, const Type *decl, const Type *inf)
{
	if (!inf)
		return decl;
	if (!decl || decl->kind != TY_TENSOR || inf->kind != TY_TENSOR || decl->rank < 0)
		return inf;
	if (inf->rank < 0)
		return decl;
	if (inf->rank != decl->rank)
		return inf;
	Dim d[INFER_MAX_RANK];
	if (decl->rank > INFER_MAX_RANK)
		return inf;
	bool changed = false;
	for (int32_t i = 0; i < decl->rank; i++) {
		Dim x = inf->dims[i], y = decl->dims[i];
		d[i] = x;
		if ((x.kind == DIM_UNKNOWN && y.kind != DIM_UNKNOWN) ||
		    (x.kind == DIM_SYM && y.kind == DIM_CONST)) {
			d[i] = y;
			changed = true;
		}
	}
	return changed ? type_tensor(in->types, inf->dt, inf->rank, d) : inf;
}

/* Compare, report, choose what flows on, count. */
static void settle_output(IOp *io, uint32_t i, Agree *op_agree)
{
	Infer *in = io->in;
	ValueId id = io->op->outs[i];
	const Type *decl = ir_value(io->f, id)->type;
	const Type *inf = io->out[i];
	Agree a = declared_typed(decl) ? compare_types(decl, inf) : AG_UNTYPED;
	const Type *keep = inf ? inf : decl;
	if (io->failed) {
		/* the op is broken: carry the declaration on, count no agreement */
		if (declared_typed(decl)) {
			a = AG_VAGUER;
			keep = decl;
		}
	} else switch (a) {
	case AG_DIFFERS: {
		char dt[256], it[256];
		infer_type_text(in->m, decl, "(none)", dt, sizeof dt);
		infer_type_text(in->m, inf, "(none)", it, sizeof it);
		io_diag(io, SEV_WARNING, I_DECLARED_TYPE,
		        "the runtime infers the type itself; regenerate the model or fix the declaration",
		        "output '%s' is declared %s but the op computes %s", ir_value(io->f, id)->name,
		        dt, it);
		keep = decl;
		break;
	}
	case AG_VAGUER: {
		keep = meet(in, decl, inf ? inf : decl);
		char dt[256], it[256];
		infer_type_text(in->m, decl, "(none)", dt, sizeof dt);
		infer_type_text(in->m, inf, "(none)", it, sizeof it);
		io_diag(io, SEV_NOTE, I_DECLARED_VAGUE, NULL,
		        "output '%s': inference gives %s, less precise than the declared %s; "
		        "the declaration is used", ir_value(io->f, id)->name, it, dt);
		break;
	}
	case AG_REFINES:
	case AG_SAME:
		keep = meet(in, decl, inf);
		break;
	case AG_UNTYPED:
		break;
	}
	if (id < in->fr->nvalues) {
		in->fr->type[id] = keep;
		in->fr->computed[id] = inf;
	}
	if (in->quiet)
		return;
	InferStats *s = &in->res->stats;
	s->outputs++;
	if (a != AG_UNTYPED) {
		s->typed_outputs++;
		if (a == AG_SAME || a == AG_REFINES)
			s->agreeing_outputs++;
		if (a == AG_REFINES)
			s->refined_outputs++;
	}
	if (a != AG_UNTYPED)
		*op_agree = worse(*op_agree == AG_UNTYPED ? AG_SAME : *op_agree, a);
}

/* ------------------------------------------------------------------ ops */

static bool warn_once(Infer *in, const char *kind)
{
	for (uint32_t i = 0; i < in->warned.n; i++)
		if (strcmp(in->warned.v[i], kind) == 0)
			return false;
	vec_push(in->arena, &in->warned, kind);
	return true;
}

/* Outputs of an op that cannot be typed: the declarations, and the nested
 * blocks with their declared parameter types. */
static void keep_declared(IOp *io)
{
	for (uint32_t i = 0; i < io->op->nouts; i++)
		io->out[i] = ir_value(io->f, io->op->outs[i])->type;
	for (uint32_t k = 0; k < io->op->nblocks; k++)
		walk_block(io->in, io->op->blocks[k]);
}

static const OpInfo *resolve(IOp *io)
{
	Infer *in = io->in;
	Op *op = io->op;
	int level = in->fr->level;
	if (op->opset) {
		int l = opset_level(op->opset);
		if (l)
			level = l;
	}
	io->level = level;
	/* the row the loader resolved (Op.info, ir_resolve_ops) when it is in
	 * force at this level; a module built without the loader is looked up */
	const OpInfo *info = op->info;
	if (!info)
		info = op_catalogue_lookup(op->kind, level);
	else if (info->since > level || op_info_until(info) < level)
		info = NULL;
	if (info)
		return info;
	if (strncmp(op->kind, "nn.", 3) == 0 || strncmp(op->kind, "model.", 6) == 0) {
		if (!in->quiet && warn_once(in, op->kind))
			pass_diag(in->ctx, SEV_NOTE, I_OPAQUE_OP, io->f, op, NULL,
			          "'%s' has no MIL counterpart; its outputs keep their declared types "
			          "(reported once per kind)", op->kind);
		return NULL;
	}
	const OpInfo *first = op_catalogue_first(op->kind);
	if (first) {
		io_diag(io, SEV_ERROR, I_NEWER_OPSET, "raise the deployment target or avoid the op",
		        "'%s' needs opset %s or newer; the function is %s", op->kind,
		        opset_name(first->since), opset_name(level) ? opset_name(level) : "older");
		io->failed = false;     /* still type it with its first row */
		return first;
	}
	if (!in->quiet && warn_once(in, op->kind))
		pass_diag(in->ctx, SEV_WARNING, I_UNKNOWN_OP, io->f, op,
		          "check the op name; a custom layer needs the CPU at run time",
		          "'%s' is not a MIL op at %s; its outputs keep their declared types "
		          "(reported once per kind)", op->kind,
		          opset_name(level) ? opset_name(level) : "this opset");
	return NULL;
}

static void check_structure(IOp *io)
{
	const OpInfo *info = io->info;
	Op *op = io->op;
	if (op->nouts < info->nout_min ||
	    (info->nout_max != OP_OUTS_VARIADIC && op->nouts > info->nout_max && !io->nn)) {
		if (info->nout_max == OP_OUTS_VARIADIC)
			io_err(io, I_OUTPUT_COUNT, "has %u outputs; at least %u expected", op->nouts,
			       info->nout_min);
		else if (info->nout_min == info->nout_max)
			io_err(io, I_OUTPUT_COUNT, "has %u outputs; %u expected", op->nouts,
			       info->nout_min);
		else
			io_err(io, I_OUTPUT_COUNT, "has %u outputs; %u to %u expected", op->nouts,
			       info->nout_min, info->nout_max);
	}
	if (op->nblocks != info->nblocks)
		io_err(io, I_BLOCK_COUNT, "has %u nested blocks; %u expected", op->nblocks,
		       info->nblocks);
}

static void infer_op(Infer *in, Op *op)
{
	IOp io;
	io.in = in;
	io.f = in->f;
	io.op = op;
	io.info = NULL;
	io.level = 0;
	io.nn = in->fr->nn;
	io.failed = false;
	io.indexed = false;
	for (int i = 0; i < TV_COUNT; i++)
		io.tv[i] = DT_COUNT;
	const Type *out_local[8] = { 0 };
	DType dt_local[8] = { 0 };
	if (op->nouts <= 8) {
		io.out = out_local;
		io.out_dt = dt_local;
	} else {
		io.out = arena_array(in->scratch, op->nouts, sizeof *io.out);
		io.out_dt = arena_array(in->scratch, op->nouts, sizeof *io.out_dt);
	}
	if (!in->quiet)
		in->res->stats.ops++;

	io.info = resolve(&io);
	io_index_row(&io);
	bool typed = io.info != NULL;
	if (!typed) {
		if (!in->quiet)
			in->res->stats.unknown_ops++;
		keep_declared(&io);
	} else {
		check_structure(&io);
		bool complete = infer_check_operands(&io);
		output_dtypes(&io);
		if (complete) {
			rules[io.info->rule](&io);
		} else {
			for (uint32_t k = 0; k < op->nblocks; k++)
				walk_block(in, op->blocks[k]);
		}
		for (uint32_t i = 0; i < op->nouts; i++)
			if (!io.out[i])
				io_out_unknown(&io, i);
	}
	Agree op_agree = AG_UNTYPED;
	for (uint32_t i = 0; i < op->nouts; i++)
		settle_output(&io, i, &op_agree);
	if (typed && !in->quiet && op_agree != AG_UNTYPED) {
		in->res->stats.typed_ops++;
		if (op_agree == AG_SAME || op_agree == AG_REFINES)
			in->res->stats.agreeing_ops++;
	}
	if (typed) {
		/* fold from what flows on */
		for (uint32_t i = 0; i < op->nouts; i++)
			io.out[i] = infer_get_type(in, op->outs[i]);
		infer_fold(&io);
	}
}

static void walk_block(Infer *in, Block *b)
{
	for (uint32_t i = 0; i < b->nparams; i++)
		if (b->params[i] < in->fr->nvalues && !in->fr->type[b->params[i]])
			in->fr->type[b->params[i]] = in->fr->computed[b->params[i]] =
				ir_value(in->f, b->params[i])->type;
	for (uint32_t i = 0; i < b->nops; i++) {
		/* nested blocks allocate in scratch too: keep a mark per op */
		infer_op(in, b->ops[i]);
		if (!b->parent_op)
			arena_reset(in->scratch);
	}
}

/* ------------------------------------------------------------------ functions */

static bool nn_kind(const char *kind)
{
	return kind && strncmp(kind, "neuralNetwork", 13) == 0;
}

static bool type_uses_sym(const Type *t, const char *name)
{
	if (!t)
		return false;
	if (t->kind == TY_STATE || t->kind == TY_LIST)
		return type_uses_sym(t->elem, name);
	if (t->kind != TY_TENSOR || t->rank < 0)
		return false;
	for (int32_t i = 0; i < t->rank; i++)
		if (t->dims[i].kind == DIM_SYM && strcmp(t->dims[i].sym, name) == 0)
			return true;
	return false;
}

/* The type function fi's parameter i comes in with: the one --input-shape
 * gives it, else its declaration. */
static const Type *input_type(const Infer *in, uint32_t fi, uint32_t i)
{
	const Func *f = in->m->funcs.v[fi];
	const Type *t = in->input_types ? in->input_types[fi][i] : NULL;
	return t ? t : ir_value(f, f->body->params[i])->type;
}

/* A fresh symbol name: is<N>, skipping names the module's parameters use. */
static const char *fresh_sym(Infer *in, uint32_t *nsym)
{
	char name[32];
	for (;;) {
		snprintf(name, sizeof name, "is%u", (*nsym)++);
		bool taken = false;
		for (uint32_t f = 0; f < in->m->funcs.n && !taken; f++) {
			const Func *fn = in->m->funcs.v[f];
			for (uint32_t i = 0; i < fn->body->nparams && !taken; i++)
				taken = type_uses_sym(input_type(in, f, i), name);
		}
		if (!taken)
			return type_intern_sym(in->types, name, strlen(name));
	}
}

/* A function parameter's type as the function body sees it: `?` dims
 * become symbols; in a legacy neural network every array is fp32, and in
 * rank-5 mode [C] and [C, H, W] arrays and images are [S, B, C, H, W]. */
static const Type *param_type(Infer *in, const Type *t, uint32_t *nsym)
{
	if (!t)
		return t;
	if (t->kind == TY_STATE && t->elem) {
		const Type *e = param_type(in, t->elem, nsym);
		return e == t->elem ? t : type_state(in->types, e);
	}
	if (t->kind != TY_TENSOR || t->rank < 0 || t->rank > INFER_MAX_RANK)
		return t;
	Dim d[INFER_MAX_RANK + 4];
	int32_t rank = t->rank, off = 0;
	int32_t tail = 0;
	if (in->fr->nn_rank5 && (rank == 1 || rank == 3 || rank == 4)) {
		/* [C] -> [1, 1, C, 1, 1]; [C, H, W] -> [1, 1, C, H, W];
		 * image [1, C, H, W] -> [1, 1, C, H, W] */
		off = rank == 4 ? 1 : 2;
		tail = rank == 1 ? 2 : 0;
		for (int32_t i = 0; i < off; i++)
			d[i] = dim_const(1);
		for (int32_t i = 0; i < tail; i++)
			d[off + rank + i] = dim_const(1);
	}
	for (int32_t i = 0; i < rank; i++) {
		d[off + i] = t->dims[i];
		if (t->dims[i].kind == DIM_UNKNOWN)
			d[off + i] = (Dim){ DIM_SYM, 0, fresh_sym(in, nsym) };
	}
	DType dt = t->dt;
	if (in->fr->nn && (dtype_is_float(dt) || dtype_is_int(dt)))
		dt = DT_FP32;
	return type_tensor(in->types, dt, rank + off + tail, d);
}

static void infer_func(Infer *in, uint32_t fi, uint32_t *nsym)
{
	Func *f = in->m->funcs.v[fi];
	InferFunc *fr = &in->res->funcs[fi];
	in->f = f;
	in->fr = fr;
	fr->nvalues = f->values.n;
	fr->type = arena_array(in->arena, fr->nvalues ? fr->nvalues : 1, sizeof *fr->type);
	fr->ival = arena_array(in->arena, fr->nvalues ? fr->nvalues : 1, sizeof *fr->ival);
	fr->computed = arena_array(in->arena, fr->nvalues ? fr->nvalues : 1, sizeof *fr->computed);
	fr->level = f->opset ? opset_level(f->opset) : 0;
	if (!fr->level) {
		pass_diag(in->ctx, SEV_WARNING, I_UNKNOWN_OPSET, f, NULL,
		          "write the opset as ios15..ios18 (or CoreML5..CoreML9)",
		          "function '%s': opset '%s' is not known; ops are checked against %s",
		          f->name, f->opset ? f->opset : "", opset_name(OPSET_NEWEST));
		fr->level = OPSET_NEWEST;
	}
	const ModelDesc *d = ir_func_model_desc(f);
	fr->nn = d && nn_kind(d->kind);
	fr->nn_rank5 = fr->nn && d->spec_version > 0 && d->spec_version <= 3;
	Block *body = f->body;
	for (uint32_t i = 0; i < body->nparams; i++) {
		ValueId p = body->params[i];
		if (p < fr->nvalues)
			fr->type[p] = fr->computed[p] = param_type(in, input_type(in, fi, i), nsym);
	}
	walk_block(in, body);
}

int pass_infer(Module *m, PassCtx *ctx)
{
	Infer in = { .ctx = ctx, .m = m, .types = m->types, .arena = ctx->arena,
	            .walk_block = walk_block };
	in.scratch = arena_new();
	in.res = arena_alloc(ctx->arena, sizeof *in.res);
	in.res->nfuncs = m->funcs.n;
	in.res->funcs = arena_array(ctx->arena, m->funcs.n ? m->funcs.n : 1, sizeof *in.res->funcs);
	ctx->infer = in.res;
	in.input_types = ctx->input_types;
	uint32_t nsym = 0;
	for (uint32_t i = 0; i < m->funcs.n; i++)
		infer_func(&in, i, &nsym);
	arena_free(in.scratch);
	return in.errors;
}

/* ------------------------------------------------------------------ queries */

static const InferFunc *func_result(const PassCtx *ctx, const Func *f)
{
	if (!ctx || !ctx->infer)
		return NULL;
	for (uint32_t i = 0; i < ctx->m->funcs.n && i < ctx->infer->nfuncs; i++)
		if (ctx->m->funcs.v[i] == f)
			return &ctx->infer->funcs[i];
	return NULL;
}

const Type *infer_value_type(const PassCtx *ctx, const Func *f, ValueId id)
{
	const InferFunc *fr = func_result(ctx, f);
	return fr && id < fr->nvalues ? fr->type[id] : NULL;
}

const Type *infer_value_computed(const PassCtx *ctx, const Func *f, ValueId id)
{
	const InferFunc *fr = func_result(ctx, f);
	return fr && id < fr->nvalues ? fr->computed[id] : NULL;
}

const Dim *infer_value_ints(const PassCtx *ctx, const Func *f, ValueId id, uint32_t *n)
{
	const InferFunc *fr = func_result(ctx, f);
	if (!fr || id >= fr->nvalues || !fr->ival[id])
		return NULL;
	*n = fr->ival[id]->n;
	return fr->ival[id]->e;
}

const InferStats *infer_stats(const PassCtx *ctx)
{
	static const InferStats none;
	return ctx && ctx->infer ? &ctx->infer->stats : &none;
}

bool infer_func_is_nn(const PassCtx *ctx, const Func *f)
{
	const InferFunc *fr = func_result(ctx, f);
	return fr && fr->nn;
}

/* ------------------------------------------------------------------ dumps */

void pass_infer_annotate(const PassCtx *ctx, const Func *f, const Op *op, FILE *out)
{
	if (!op->nouts)
		return;
	fputs(" // infer: ", out);
	for (uint32_t i = 0; i < op->nouts; i++) {
		const Type *t = infer_value_type(ctx, f, op->outs[i]);
		if (i)
			fputs(", ", out);
		if (t)
			ir_print_type(ctx->m, t, out);
		else
			fputs("(not reached)", out);
	}
}
