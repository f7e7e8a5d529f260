/* infer_rules_ctrl.c - typing rules for const, control flow (cond,
 * while_loop and their nested blocks), lists, state, classify and the
 * compile-time decompression (constexpr_*) ops.  ops.md "Control flow,
 * constants, lists", "State", "Classify", "Constexpr".
 *
 * Constexpr operands are attributes in iOS16/17 serialisations and inputs
 * from iOS18; io_type / io_ints read either form. */
#include "passes/infer/infer_int.h"

#include <string.h>

/* ------------------------------------------------------------------ const */

void rule_CONST(IOp *io)
{
	const Lit *l = io_lit(io, "val");
	if (!l) {
		/* an elided constant (coremltools' printed form leaves large
		 * constants out): only its declared type is known */
		io_out_type(io, 0, ir_value(io->f, io->op->outs[0])->type);
		return;
	}
	if (io->nn && l->type->kind == TY_TENSOR)
		io_out_like(io, 0, l->type);
	else
		io_out_type(io, 0, l->type);
}

/* ------------------------------------------------------------------ joins */

/* The type of two branches / iterations: equal dims stay, others become
 * unknown.  NULL when the kinds, dtypes or ranks disagree. */
static const Type *join(Infer *in, const Type *a, const Type *b)
{
	if (!a || !b)
		return a ? a : b;
	if (a == b)
		return a;
	if (a->kind != b->kind)
		return NULL;
	switch (a->kind) {
	case TY_TENSOR: {
		if (a->dt != b->dt)
			return NULL;
		if (a->rank < 0 || b->rank < 0)
			return type_tensor(in->types, a->dt, -1, NULL);
		if (a->rank != b->rank || a->rank > INFER_MAX_RANK)
			return a->rank != b->rank ? NULL : a;
		Dim d[INFER_MAX_RANK];
		for (int32_t i = 0; i < a->rank; i++)
			d[i] = dim_same(a->dims[i], b->dims[i]) ? a->dims[i] : dim_unknown();
		return type_tensor(in->types, a->dt, a->rank, d);
	}
	case TY_LIST: {
		const Type *e = join(in, a->elem, b->elem);
		if (!e)
			return NULL;
		return type_list(in->types, e, dim_same(a->len, b->len) ? a->len : dim_unknown());
	}
	default:
		return a;
	}
}

/* ------------------------------------------------------------------ cond */

void rule_COND(IOp *io)
{
	Infer *in = io->in;
	Op *op = io->op;
	if (op->nblocks != 2) {
		for (uint32_t k = 0; k < op->nblocks; k++)
			infer_block(in, op->blocks[k]);
		return;
	}
	Block *bt = op->blocks[0], *bf = op->blocks[1];
	if (bt->nparams || bf->nparams)
		io_err(io, I_CONTROL_FLOW, "cond branches take no inputs; found %u and %u",
		       bt->nparams, bf->nparams);
	infer_block(in, bt);
	infer_block(in, bf);
	if (bt->nouts != op->nouts || bf->nouts != op->nouts) {
		io_err(io, I_CONTROL_FLOW, "the branches return %u and %u values for %u outputs",
		       bt->nouts, bf->nouts, op->nouts);
		return;
	}
	for (uint32_t i = 0; i < op->nouts; i++) {
		const Type *a = infer_get_type(in, bt->outs[i]), *b = infer_get_type(in, bf->outs[i]);
		const Type *j = join(in, a, b);
		if (!j) {
			char sa[200], sb[200];
			infer_type_text(in->m, a, "", sa, sizeof sa);
			infer_type_text(in->m, b, "", sb, sizeof sb);
			io_diag(io, SEV_ERROR, I_CONTROL_FLOW, "make both branches return the same type",
			        "output %u is %s in the true branch and %s in the false branch", i, sa, sb);
			continue;
		}
		io_out_type(io, i, j);
	}
}

/* ------------------------------------------------------------------ while_loop */

enum { MAX_LOOP_VARS = 256, MAX_FIXPOINT = 6 };

static void set_params(Infer *in, Block *b, uint32_t n, const Type *const *t)
{
	for (uint32_t i = 0; i < n && i < b->nparams; i++)
		infer_set_value(in, b->params[i], t[i], NULL);
}

void rule_WHILE_LOOP(IOp *io)
{
	Infer *in = io->in;
	Op *op = io->op;
	const Operand *lv = io_operand(io, "loop_vars");
	if (op->nblocks != 2 || !lv || lv->n > MAX_LOOP_VARS) {
		for (uint32_t k = 0; k < op->nblocks; k++)
			infer_block(in, op->blocks[k]);
		return;
	}
	Block *bc = op->blocks[0], *bb = op->blocks[1];
	uint32_t n = lv->n;
	if (bc->nparams != n || bb->nparams != n || bb->nouts != n || op->nouts != n) {
		io_err(io, I_CONTROL_FLOW, "%u loop vars, but the cond block takes %u, the body takes "
		       "%u and returns %u, and the op has %u outputs", n, bc->nparams, bb->nparams,
		       bb->nouts, op->nouts);
		infer_block(in, bc);
		infer_block(in, bb);
		return;
	}
	const Type *t[MAX_LOOP_VARS];
	for (uint32_t i = 0; i < n; i++)
		t[i] = io_bind_type(io, &lv->b[i]);
	/* Iterate quietly until the carried types are stable: dims that change
	 * from one iteration to the next become unknown; lists written in the
	 * body have a data-dependent length. */
	bool stable = false;
	for (int it = 0; it < MAX_FIXPOINT && !stable; it++) {
		set_params(in, bc, n, t);
		set_params(in, bb, n, t);
		in->quiet++;
		infer_block(in, bb);
		in->quiet--;
		stable = true;
		for (uint32_t i = 0; i < n; i++) {
			const Type *o = infer_get_type(in, bb->outs[i]);
			const Type *j = join(in, t[i], o);
			if (j && j->kind == TY_LIST && bb->outs[i] != bb->params[i] &&
			    j->len.kind != DIM_UNKNOWN)
				j = type_list(in->types, j->elem, dim_unknown());
			if (!j)
				j = t[i];
			if (j != t[i]) {
				t[i] = j;
				stable = false;
			}
		}
	}
	if (!stable)
		for (uint32_t i = 0; i < n; i++)
			if (t[i] && t[i]->kind == TY_TENSOR)
				t[i] = type_tensor(in->types, t[i]->dt, -1, NULL);
	set_params(in, bc, n, t);
	set_params(in, bb, n, t);
	infer_block(in, bc);
	infer_block(in, bb);
	if (bc->nouts != 1) {
		io_err(io, I_CONTROL_FLOW, "the cond block returns %u values; one bool expected",
		       bc->nouts);
	} else {
		const Type *c = infer_get_type(in, bc->outs[0]);
		if (c && !(c->kind == TY_TENSOR && c->dt == DT_BOOL && (c->rank == 0 || c->rank < 0)))
			io_err(io, I_CONTROL_FLOW, "the cond block must return a bool scalar");
	}
	for (uint32_t i = 0; i < n; i++) {
		const Type *o = infer_get_type(in, bb->outs[i]);
		if (!join(in, t[i], o)) {
			char sa[200], sb[200];
			infer_type_text(in->m, t[i], "", sa, sizeof sa);
			infer_type_text(in->m, o, "", sb, sizeof sb);
			io_diag(io, SEV_ERROR, I_CONTROL_FLOW, "the body must return each loop var's type",
			        "loop var %u is %s but the body returns %s", i, sa, sb);
		}
		io_out_type(io, i, t[i]);
	}
}

/* ------------------------------------------------------------------ lists */

void rule_MAKE_LIST(IOp *io)
{
	const char *ds = io_str(io, "dtype");
	DType dt = ds ? dtype_from_name(ds, strlen(ds)) : DT_FP32;
	if (dt == DT_COUNT) {
		io_err(io, I_PARAM, "dtype \"%s\" names no dtype", ds);
		return;
	}
	Dim d[INFER_MAX_RANK];
	int32_t rank = -1;
	const Operand *es = io_operand(io, "elem_shape");
	if (es && es->n <= INFER_MAX_RANK) {
		rank = (int32_t)es->n;
		for (uint32_t i = 0; i < es->n; i++) {
			const IVal *v = io_bind_ival(io, &es->b[i]);
			/* a string entry is the converter's own symbol: unknown here */
			d[i] = v && v->n == 1 ? v->e[0] : dim_unknown();
		}
	}
	int64_t len;
	Dim ld = io_int(io, "init_length", &len) ? dim_const(len)
	         : io_has(io, "init_length") ? dim_unknown() : dim_const(1);
	const Type *elem = type_tensor(io->in->types, dt, rank, rank >= 0 ? d : NULL);
	io_out_type(io, 0, type_list(io->in->types, elem, ld));
}

static const Type *list_of(IOp *io)
{
	const Type *ls = io_type(io, "ls");
	if (ls && ls->kind != TY_LIST) {
		io_err(io, I_OPERAND_KIND, "'ls' is not a list");
		return NULL;
	}
	return ls;
}

void rule_LIST_LENGTH(IOp *io)
{
	list_of(io);
	io_out(io, 0, 0, NULL);
}

static void check_elem(IOp *io, const Type *ls, const Type *v, bool leading)
{
	const Type *e = ls->elem;
	if (!type_ranked(v) || !type_is_tensor(e))
		return;
	bool ok = v->dt == e->dt;
	if (ok && e->rank >= 0) {
		int32_t off = leading ? 1 : 0;
		ok = v->rank == e->rank + off;
		for (int32_t i = 0; ok && i < e->rank; i++)
			ok = dim_may_equal(v->dims[off + i], e->dims[i]);
	}
	if (!ok)
		io_err(io, I_SHAPE, "value does not match the list's element type");
}

void rule_LIST_WRITE(IOp *io)
{
	const Type *ls = list_of(io);
	if (!ls)
		return;
	check_elem(io, ls, io_type(io, "value"), false);
	io_out_type(io, 0, ls);
}

void rule_LIST_READ(IOp *io)
{
	const Type *ls = list_of(io);
	if (ls && ls->elem)
		io_out_type(io, 0, ls->elem);
}

void rule_LIST_GATHER(IOp *io)
{
	const Type *ls = list_of(io), *ind = io_type(io, "indices");
	if (!ls || !type_is_tensor(ls->elem))
		return;
	const Type *e = ls->elem;
	io->out_dt[0] = e->dt;
	if (e->rank < 0 || e->rank >= INFER_MAX_RANK || !type_ranked(ind) || ind->rank != 1) {
		io_out_unknown(io, 0);
		return;
	}
	Dim d[INFER_MAX_RANK];
	d[0] = ind->dims[0];
	copy_dims(d + 1, e->dims, e->rank);
	io_out(io, 0, e->rank + 1, d);
}

void rule_LIST_SCATTER(IOp *io)
{
	const Type *ls = list_of(io);
	if (!ls)
		return;
	check_elem(io, ls, io_type(io, "value"), true);
	io_out_type(io, 0, ls);
}

/* ------------------------------------------------------------------ state, classify */

void rule_READ_STATE(IOp *io)
{
	const Type *s = io_type(io, "input");
	if (s && s->kind == TY_STATE && s->elem)
		io_out_type(io, 0, s->elem);
}

void rule_WRITE_STATE(IOp *io)
{
	const Type *s = io_type(io, "input"), *d = io_type(io, "data");
	if (!s || s->kind != TY_STATE || !s->elem || !type_is_tensor(d))
		return;
	const Type *w = s->elem;
	bool ok = w->kind == TY_TENSOR && w->dt == d->dt &&
	          (w->rank < 0 || d->rank < 0 || w->rank == d->rank);
	for (int32_t i = 0; ok && w->rank >= 0 && d->rank >= 0 && i < w->rank; i++)
		ok = dim_may_equal(w->dims[i], d->dims[i]);
	if (!ok) {
		char sw[200], sd[200];
		infer_type_text(io->in->m, w, "", sw, sizeof sw);
		infer_type_text(io->in->m, d, "", sd, sizeof sd);
		io_diag(io, SEV_ERROR, I_SHAPE, "write exactly the state's type",
		        "data is %s but the state holds %s", sd, sw);
	}
}

void rule_CLASSIFY(IOp *io)
{
	const Lit *c = io_lit(io, "classes");
	const Type *p = io_type(io, "probabilities");
	DType cls = DT_STRING;
	int64_t count = -1;
	if (c && c->kind == LIT_LIST) {
		count = c->u.seq.n;
		if (c->u.seq.n && c->u.seq.items[0]->type->kind == TY_TENSOR)
			cls = c->u.seq.items[0]->type->dt;
	} else if (c && c->kind == LIT_TENSOR) {
		count = c->u.tensor.count;
		cls = c->type->dt;
	}
	if (cls != DT_STRING && cls != DT_INT64) {
		io_err(io, I_OPERAND_DTYPE, "classes must be strings or int64, found %s", dtype_name(cls));
		return;
	}
	if (type_ranked(p) && count >= 0) {
		int64_t n = type_numel(p);
		if (n >= 0 && n != count)
			io_err(io, I_SHAPE, "%lld classes for %lld probabilities", (long long)count,
			       (long long)n);
	}
	TypeTable *t = io->in->types;
	io_out_type(io, 0, type_scalar(t, cls));
	if (io->op->nouts > 1)
		io_out_type(io, 1, type_dict(t, type_scalar(t, cls), type_scalar(t, DT_FP64)));
}

/* ------------------------------------------------------------------ constexpr */

static const Type *ranked(IOp *io, const char *name)
{
	const Type *t = io_type(io, name);
	return type_ranked(t) ? t : NULL;
}

/* scale / zero_point / offset: a scalar, or a vector along `axis`. */
static void per_axis_check(IOp *io, const Type *data, const char *name, int64_t ax)
{
	const Type *t = ranked(io, name);
	if (!t || t->rank == 0)
		return;
	if (t->rank != 1 || !dim_may_equal(t->dims[0], data->dims[ax]))
		io_err(io, I_SHAPE, "'%s' must be a scalar or hold %lld values (the data's axis %lld)",
		       name, (long long)data->dims[ax].size, (long long)ax);
}

void rule_CONSTEXPR_AFFINE_DEQUANTIZE(IOp *io)
{
	const Type *q = ranked(io, "quantized_data");
	if (!q) {
		io_out_unknown(io, 0);
		return;
	}
	io_out_like(io, 0, q);
	int64_t ax;
	if (q->rank == 0 || !io_axis(io, "axis", io_int_or(io, "axis", 0), q->rank, &ax))
		return;
	per_axis_check(io, q, "scale", ax);
	per_axis_check(io, q, "zero_point", ax);
}

static int nbits_of(DType dt)
{
	switch (dt) {
	case DT_UINT1: return 1;
	case DT_UINT2: return 2;
	case DT_UINT3: return 3;
	case DT_UINT4: case DT_INT4: return 4;
	case DT_UINT6: return 6;
	case DT_UINT8: case DT_INT8: return 8;
	default: return 0;
	}
}

/* The output of an iOS16 op whose `shape` operand gives the dense shape. */
static bool shape_operand(IOp *io, int32_t *rank, Dim *d, int64_t *numel)
{
	int64_t s[INFER_MAX_RANK];
	uint32_t n;
	if (!io_ints(io, "shape", s, INFER_MAX_RANK, &n))
		return false;
	*numel = 1;
	for (uint32_t i = 0; i < n; i++) {
		d[i] = dim_const(s[i]);
		*numel = s[i] >= 0 && *numel <= INT64_MAX / (s[i] ? s[i] : 1) ? *numel * s[i] : -1;
	}
	*rank = (int32_t)n;
	return true;
}

void rule_CONSTEXPR_LUT_TO_DENSE_V16(IOp *io)
{
	Dim d[INFER_MAX_RANK];
	int32_t r;
	int64_t numel;
	if (!shape_operand(io, &r, d, &numel)) {
		io_out_unknown(io, 0);
		return;
	}
	io_out(io, 0, r, d);
	const Type *lut = ranked(io, "lut"), *ind = ranked(io, "indices");
	if (!lut || !ind || lut->rank != 1 || ind->rank != 1 || !dim_known(lut->dims[0]) ||
	    !dim_known(ind->dims[0]) || numel < 0)
		return;
	int64_t np = lut->dims[0].size, nbits = 0;
	while (nbits < 9 && (1ll << nbits) != np)
		nbits++;
	if (nbits == 0 || nbits > 8 || nbits == 3 || nbits == 5 || nbits == 7) {
		io_err(io, I_SHAPE, "lut has %lld entries; 2, 4, 16, 64 or 256 expected", (long long)np);
		return;
	}
	int64_t want = (nbits * numel + 7) / 8;
	if (ind->dims[0].size != want)
		io_diag(io, SEV_ERROR, I_NUMEL, NULL,
		        "indices hold %lld bytes; %lld %lld-bit indices need %lld",
		        (long long)ind->dims[0].size, (long long)numel, (long long)nbits,
		        (long long)want);
}

/* lut [*G, 2^nbits, VS] against data of shape S (rank r); *vs set. */
static bool lut_check(IOp *io, const Type *lut, const Type *idx_like, DType index_dt,
                      const char *what, int64_t *vs)
{
	int32_t r = idx_like->rank;
	*vs = 1;
	if (lut->rank != r + 2) {
		io_err(io, I_SHAPE, "lut has rank %d; %s of rank %d needs %d", lut->rank, what, r, r + 2);
		return false;
	}
	for (int32_t i = 0; i < r; i++) {
		Dim g = lut->dims[i], s = idx_like->dims[i];
		if (g.kind == DIM_CONST && s.kind == DIM_CONST && (g.size <= 0 || s.size % g.size)) {
			io_err(io, I_SHAPE, "%s dim %d (%lld) is not a multiple of lut's %lld", what, i,
			       (long long)s.size, (long long)g.size);
			return false;
		}
	}
	int nb = nbits_of(index_dt);
	Dim np = lut->dims[r];
	if (nb && np.kind == DIM_CONST && np.size != (1ll << nb))
		io_err(io, I_SHAPE, "lut has %lld palette entries; %d-bit indices need %lld",
		       (long long)np.size, nb, 1ll << nb);
	if (lut->dims[r + 1].kind == DIM_CONST)
		*vs = lut->dims[r + 1].size;
	else
		*vs = -1;
	return true;
}

/* Shape S with the vector_axis dim multiplied by vs. */
static bool vector_shape(IOp *io, const Type *s, int64_t vs, Dim *d)
{
	copy_dims(d, s->dims, s->rank);
	if (vs == 1)
		return true;
	int64_t ax;
	if (!io_has(io, "vector_axis")) {
		io_err(io, I_MISSING_OPERAND, "vector_axis is required when the lut holds vectors");
		return false;
	}
	if (!io_int(io, "vector_axis", &ax) || !io_axis(io, "vector_axis", ax, s->rank, &ax))
		return false;
	d[ax] = vs > 0 ? dim_mulc(io->in, d[ax], vs) : dim_unknown();
	return true;
}

void rule_CONSTEXPR_LUT_TO_DENSE_V18(IOp *io)
{
	const Type *ind = ranked(io, "indices"), *lut = ranked(io, "lut");
	if (!ind || ind->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t vs = 1;
	if (lut && !lut_check(io, lut, ind, ind->dt, "indices", &vs))
		return;
	Dim d[INFER_MAX_RANK];
	if (vector_shape(io, ind, vs, d))
		io_out(io, 0, ind->rank, d);
}

void rule_CONSTEXPR_SPARSE_TO_DENSE_V16(IOp *io)
{
	Dim d[INFER_MAX_RANK];
	int32_t r;
	int64_t numel;
	if (!shape_operand(io, &r, d, &numel)) {
		io_out_unknown(io, 0);
		return;
	}
	io_out(io, 0, r, d);
	const Type *mask = ranked(io, "mask");
	if (mask && mask->rank == 1 && dim_known(mask->dims[0]) && numel >= 0 &&
	    mask->dims[0].size != (numel + 7) / 8)
		io_diag(io, SEV_ERROR, I_NUMEL, NULL,
		        "mask holds %lld bytes; %lld elements need %lld", (long long)mask->dims[0].size,
		        (long long)numel, (long long)((numel + 7) / 8));
}

void rule_CONSTEXPR_SPARSE_TO_DENSE_V18(IOp *io)
{
	io_out_like(io, 0, ranked(io, "mask"));
}

static void blockwise_check(IOp *io, const Type *data, const char *name)
{
	const Type *t = ranked(io, name);
	if (!t)
		return;
	if (t->rank != data->rank) {
		io_err(io, I_SHAPE, "'%s' has rank %d; the data has %d", name, t->rank, data->rank);
		return;
	}
	for (int32_t i = 0; i < t->rank; i++) {
		Dim b = t->dims[i], s = data->dims[i];
		if (b.kind == DIM_CONST && s.kind == DIM_CONST && (b.size <= 0 || s.size % b.size)) {
			io_err(io, I_SHAPE, "data dim %d (%lld) is not a multiple of %s's %lld", i,
			       (long long)s.size, name, (long long)b.size);
			return;
		}
	}
}

void rule_CONSTEXPR_BLOCKWISE_SHIFT_SCALE(IOp *io)
{
	const Type *data = ranked(io, "data");
	if (!data) {
		io_out_unknown(io, 0);
		return;
	}
	io_out_like(io, 0, data);
	blockwise_check(io, data, "scale");
	blockwise_check(io, data, "offset");
	const Type *s = ranked(io, "scale"), *o = ranked(io, "offset");
	if (s && o && s->rank == o->rank)
		for (int32_t i = 0; i < s->rank; i++)
			if (!dim_may_equal(s->dims[i], o->dims[i])) {
				io_err(io, I_SHAPE, "offset's shape differs from scale's");
				break;
			}
}

/* Count of the values a 1-D operand holds. */
static Dim length_of(IOp *io, const char *name)
{
	const Type *t = ranked(io, name);
	if (!t || t->rank != 1) {
		if (t)
			io_err(io, I_OPERAND_RANK, "'%s' must be 1-D", name);
		return dim_unknown();
	}
	return t->dims[0];
}

void rule_CONSTEXPR_LUT_TO_SPARSE(IOp *io)
{
	const Type *mask = ranked(io, "indices_mask"), *lut = ranked(io, "lut");
	const Type *nz = ranked(io, "indices_nonzero_data");
	if (!mask || mask->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		io_out_unknown(io, 1);
		return;
	}
	int64_t vs = 1;
	if (lut && !lut_check(io, lut, mask, nz ? nz->dt : DT_COUNT, "indices_mask", &vs))
		return;
	Dim d[INFER_MAX_RANK];
	if (!vector_shape(io, mask, vs, d))
		return;
	io_out(io, 0, mask->rank, d);
	Dim n = length_of(io, "indices_nonzero_data");
	Dim v = vs > 0 ? dim_mulc(io->in, n, vs) : dim_unknown();
	io_out(io, 1, 1, &v);
}

void rule_CONSTEXPR_SPARSE_BLOCKWISE_SHIFT_SCALE(IOp *io)
{
	const Type *mask = ranked(io, "data_mask");
	if (!mask) {
		io_out_unknown(io, 0);
		io_out_unknown(io, 1);
		return;
	}
	io_out_like(io, 0, mask);
	blockwise_check(io, mask, "scale");
	blockwise_check(io, mask, "offset");
	Dim n = length_of(io, "nonzero_data");
	io_out(io, 1, 1, &n);
}
