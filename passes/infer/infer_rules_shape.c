/* infer_rules_shape.c - typing rules for shape manipulation: reshape,
 * transpose, squeeze, expand_dims, slicing, concat, split, stack, tile,
 * pad, flatten2d, shape, identity and the space/depth/batch
 * reorganisations.  ops.md "Tensor operation", "Tensor transformation";
 * legacy layers: nn-layers.md K1, L6, L8. */
#include "passes/infer/infer_int.h"

#include <string.h>

static void set_unknown_dims(Dim *d, int32_t n)
{
	for (int32_t i = 0; i < n; i++)
		d[i] = dim_unknown();
}

/* ------------------------------------------------------------------ reshape */

/* Out dims from the shape entries (0 and -1 already marked); -1 solved from
 * the element count. */
static void reshape_finish(IOp *io, const Type *x, uint32_t n, Dim *d, int32_t minus1)
{
	Infer *in = io->in;
	if (minus1 >= 0) {
		Dim known = dim_const(1);
		for (uint32_t i = 0; i < n; i++)
			if ((int32_t)i != minus1)
				known = dim_mul(in, known, d[i]);
		Dim total = type_ranked(x) ? dims_prod(in, (uint32_t)x->rank, x->dims) : dim_unknown();
		if (total.kind == DIM_CONST && known.kind == DIM_CONST) {
			if (known.size == 0 || total.size % known.size) {
				io_diag(io, SEV_ERROR, I_NUMEL, "fix the target shape",
				        "cannot reshape %lld elements: the other entries multiply to %lld",
				        (long long)total.size, (long long)known.size);
				return;
			}
			d[minus1] = dim_const(total.size / known.size);
		} else if (total.kind != DIM_UNKNOWN && known.kind != DIM_UNKNOWN &&
		           known.kind == DIM_CONST && known.size > 0) {
			Dim q = dim_floordiv(in, total, known);
			/* exact only when it multiplies back */
			d[minus1] = dim_same(dim_mul(in, q, known), total) ? q : dim_unknown();
		} else if (known.kind == DIM_SYM && total.kind == DIM_SYM) {
			d[minus1] = dim_unknown();
			/* a symbolic factor that matches exactly: total = known * c */
			for (int64_t c = 1; c <= 4096 && d[minus1].kind == DIM_UNKNOWN; c *= 2)
				if (dim_same(dim_mulc(in, known, c), total))
					d[minus1] = dim_const(c);
			if (dim_same(known, total))
				d[minus1] = dim_const(1);
		} else {
			d[minus1] = dim_unknown();
		}
	} else if (type_ranked(x)) {
		Dim total = dims_prod(in, (uint32_t)x->rank, x->dims);
		Dim got = dims_prod(in, n, d);
		if (total.kind == DIM_CONST && got.kind == DIM_CONST && total.size != got.size)
			io_diag(io, SEV_ERROR, I_NUMEL, "the element count must not change",
			        "cannot reshape %lld elements into %lld", (long long)total.size,
			        (long long)got.size);
	}
	io_out(io, 0, (int32_t)n, d);
}

static void reshape(IOp *io, bool v17)
{
	const Type *x = io_type(io, "x"), *st = io_type(io, "shape");
	const IVal *sv = io_ival(io, "shape");
	Dim d[INFER_MAX_RANK];
	if (!sv) {
		if (type_ranked(st) && st->rank == 1 && st->dims[0].kind == DIM_CONST &&
		    st->dims[0].size <= INFER_MAX_RANK) {
			set_unknown_dims(d, (int32_t)st->dims[0].size);
			io_out(io, 0, (int32_t)st->dims[0].size, d);
		} else {
			io_out_unknown(io, 0);
		}
		return;
	}
	if (sv->n > INFER_MAX_RANK) {
		io_err(io, I_PARAM, "shape has %u entries", sv->n);
		return;
	}
	uint32_t n = sv->n;
	int32_t minus1 = -1;
	/* legacy rank-5 reshape: [C,H,W] or [S,C,H,W] targets keep S and B */
	if (io->nn && io->in->fr->nn_rank5 && type_ranked(x) && x->rank == 5 && (n == 3 || n == 4)) {
		Dim t[5] = { x->dims[0], x->dims[1] };
		if (n == 4)
			t[0] = sv->e[0];
		for (uint32_t i = 0; i < 3; i++)
			t[2 + i] = sv->e[n - 3 + i];
		io_out(io, 0, 5, t);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		Dim e = sv->e[i];
		d[i] = e;
		if (e.kind != DIM_CONST)
			continue;
		if (e.size == -1) {
			if (minus1 >= 0) {
				io_err(io, I_PARAM, "shape has more than one -1 entry");
				return;
			}
			minus1 = (int32_t)i;
		} else if (e.size == 0) {
			if (!type_ranked(x)) {
				d[i] = dim_unknown();
			} else if (v17) {
				int32_t j = x->rank - (int32_t)n + (int32_t)i;
				d[i] = j >= 0 ? x->dims[j] : dim_const(1);
			} else if ((int32_t)n == x->rank) {
				d[i] = x->dims[i];
			} else {
				io_diag(io, SEV_ERROR, I_PARAM, "spell the size out, or target iOS17",
				        "shape entry %u is 0, which before iOS17 needs len(shape) == rank(x) "
				        "(%u vs %d)", i, n, x->rank);
				return;
			}
		} else if (e.size < -1) {
			io_err(io, I_PARAM, "shape entry %u is %lld", i, (long long)e.size);
			return;
		}
	}
	reshape_finish(io, x, n, d, minus1);
}

void rule_RESHAPE_V15(IOp *io) { reshape(io, false); }
void rule_RESHAPE_V17(IOp *io) { reshape(io, true); }

void rule_RESHAPE_LIKE(IOp *io)
{
	const Operand *refs = io_operand(io, "ref_tensors");
	const Operand *bs = io_operand(io, "begins"), *es = io_operand(io, "ends");
	const Operand *ms = io_operand(io, "end_masks");
	if (!refs || !bs || !es || !ms || bs->n != refs->n || es->n != refs->n || ms->n != refs->n) {
		io_err(io, I_OPERAND_ARITY, "ref_tensors, begins, ends and end_masks must have the "
		       "same length");
		return;
	}
	Dim d[INFER_MAX_RANK];
	uint32_t n = 0;
	for (uint32_t i = 0; i < refs->n; i++) {
		const Type *t = io_bind_type(io, &refs->b[i]);
		const IVal *b = io_bind_ival(io, &bs->b[i]), *e = io_bind_ival(io, &es->b[i]);
		const IVal *m = io_bind_ival(io, &ms->b[i]);
		if (!type_ranked(t) || !b || !e || !m || b->n != 1 || e->n != 1 || m->n != 1 ||
		    !dim_known(b->e[0]) || !dim_known(e->e[0]) || !dim_known(m->e[0])) {
			io_out_unknown(io, 0);
			return;
		}
		int64_t lo = b->e[0].size, hi = m->e[0].size ? t->rank : e->e[0].size;
		if (lo < 0)
			lo += t->rank;
		if (hi < 0)
			hi += t->rank;
		if (lo < 0 || hi > t->rank || lo > hi) {
			io_err(io, I_AXIS, "ref_tensors[%u][%lld:%lld] is out of range for rank %d", i,
			       (long long)b->e[0].size, (long long)hi, t->rank);
			return;
		}
		for (int64_t k = lo; k < hi; k++) {
			if (n == INFER_MAX_RANK)
				return;
			d[n++] = t->dims[k];
		}
	}
	reshape_finish(io, io_type(io, "x"), n, d, -1);
}

/* ------------------------------------------------------------------ transpose, squeeze, expand */

void rule_TRANSPOSE(IOp *io)
{
	const Type *x = io_type(io, "x");
	int64_t p[INFER_MAX_RANK];
	uint32_t n;
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK || !io_ints(io, "perm", p, INFER_MAX_RANK, &n)) {
		if (type_ranked(x) && x->rank <= INFER_MAX_RANK) {
			Dim d[INFER_MAX_RANK];
			set_unknown_dims(d, x->rank);
			io_out(io, 0, x->rank, d);
		} else {
			io_out_unknown(io, 0);
		}
		return;
	}
	if ((int32_t)n != x->rank) {
		io_err(io, I_AXIS, "perm has %u entries for x of rank %d", n, x->rank);
		return;
	}
	bool seen[INFER_MAX_RANK] = { false };
	Dim d[INFER_MAX_RANK];
	for (uint32_t i = 0; i < n; i++) {
		int64_t a;
		if (!io_axis(io, "perm entry", p[i], x->rank, &a))
			return;
		if (seen[a]) {
			io_err(io, I_AXIS, "perm names axis %lld twice", (long long)a);
			return;
		}
		seen[a] = true;
		d[i] = x->dims[a];
	}
	io_out(io, 0, x->rank, d);
}

void rule_SQUEEZE(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	bool drop[INFER_MAX_RANK] = { false };
	int64_t v[INFER_MAX_RANK];
	uint32_t n;
	if (io_has(io, "axes")) {
		if (!io_ints(io, "axes", v, INFER_MAX_RANK, &n)) {
			io_out_unknown(io, 0);
			return;
		}
		for (uint32_t i = 0; i < n; i++) {
			int64_t a;
			if (!io_axis(io, "axes entry", v[i], x->rank, &a))
				return;
			Dim d = x->dims[a];
			if (d.kind == DIM_CONST && d.size != 1) {
				if (!io->nn)
					continue;   /* PyTorch semantics: non-1 dims stay */
				io_err(io, I_SHAPE, "axis %lld has size %lld, not 1", (long long)a,
				       (long long)d.size);
				return;
			}
			drop[a] = true;
		}
	} else {
		for (int32_t i = 0; i < x->rank; i++) {
			if (x->dims[i].kind != DIM_CONST) {
				io_out_unknown(io, 0);      /* which dims are 1 is not known */
				return;
			}
			drop[i] = x->dims[i].size == 1;
		}
	}
	Dim d[INFER_MAX_RANK];
	int32_t r = 0;
	for (int32_t i = 0; i < x->rank; i++)
		if (!drop[i])
			d[r++] = x->dims[i];
	if (io->nn && r == 0)
		d[r++] = dim_const(1);      /* legacy squeeze keeps [1] */
	io_out(io, 0, r, d);
}

void rule_EXPAND_DIMS(IOp *io)
{
	const Type *x = io_type(io, "x");
	int64_t v[INFER_MAX_RANK];
	uint32_t n;
	if (!type_ranked(x) || !io_ints(io, "axes", v, INFER_MAX_RANK, &n)) {
		io_out_unknown(io, 0);
		return;
	}
	int32_t r = x->rank + (int32_t)n;
	if (r > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	bool ins[INFER_MAX_RANK] = { false };
	for (uint32_t i = 0; i < n; i++) {
		int64_t a;
		if (!io_axis(io, "axes entry", v[i], r, &a))
			return;
		if (ins[a]) {
			io_err(io, I_AXIS, "axes names position %lld twice", (long long)a);
			return;
		}
		ins[a] = true;
	}
	Dim d[INFER_MAX_RANK];
	for (int32_t i = 0, k = 0; i < r; i++)
		d[i] = ins[i] ? dim_const(1) : x->dims[k++];
	io_out(io, 0, r, d);
}

/* ------------------------------------------------------------------ slicing */

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Length of x[b:e:s] along a dim of size D (numpy), for known and
 * symbolic sizes. */
static Dim slice_len(IOp *io, Dim D, int64_t b, int64_t e, int64_t s, bool bm, bool em)
{
	Infer *in = io->in;
	if (D.kind == DIM_CONST) {
		int64_t n = D.size;
		if (bm)
			b = s > 0 ? 0 : n - 1;
		else {
			if (b < 0)
				b += n;
			b = s > 0 ? clamp64(b, 0, n) : clamp64(b, -1, n - 1);
		}
		if (em)
			e = s > 0 ? n : -1;
		else {
			if (e < 0)
				e += n;
			e = s > 0 ? clamp64(e, 0, n) : clamp64(e, -1, n - 1);
		}
		int64_t len = s > 0 ? (e - b + s - 1) / s : (b - e + (-s) - 1) / (-s);
		return dim_const(len > 0 ? len : 0);
	}
	if (D.kind == DIM_UNKNOWN || s <= 0)
		return dim_unknown();
	/* symbolic size: assume begin/end fall inside the dim, huge ends mean
	 * "to the end" */
	Dim bd = bm ? dim_const(0) : b < 0 ? dim_addc(in, D, b) : dim_const(b);
	Dim ed = em || e >= ((int64_t)1 << 30) ? D : e < 0 ? dim_addc(in, D, e) : dim_const(e);
	return dim_ceildiv(in, dim_sub(in, ed, bd), dim_const(s));
}

/* A mask / vector operand as flags (absent: all false). */
static bool flags_of(IOp *io, const char *name, int32_t rank, bool *f)
{
	int64_t v[INFER_MAX_RANK];
	uint32_t n;
	for (int32_t i = 0; i < rank; i++)
		f[i] = false;
	if (!io_has(io, name))
		return true;
	if (!io_ints(io, name, v, INFER_MAX_RANK, &n))
		return false;
	if ((int32_t)n != rank) {
		io_err(io, I_SHAPE, "'%s' has %u entries for x of rank %d", name, n, rank);
		return false;
	}
	for (uint32_t i = 0; i < n; i++)
		f[i] = v[i] != 0;
	return true;
}

bool slice_shape(IOp *io, const Type *x, int32_t *rank, Dim *d)
{
	int32_t r = x->rank;
	bool bm[INFER_MAX_RANK], em[INFER_MAX_RANK], sm[INFER_MAX_RANK];
	int64_t b[INFER_MAX_RANK], e[INFER_MAX_RANK], s[INFER_MAX_RANK];
	uint32_t n;
	if (r > INFER_MAX_RANK || !flags_of(io, "begin_mask", r, bm) ||
	    !flags_of(io, "end_mask", r, em) || !flags_of(io, "squeeze_mask", r, sm))
		return false;
	bool kb = io_ints(io, "begin", b, INFER_MAX_RANK, &n);
	if (kb && (int32_t)n != r) {
		io_err(io, I_SHAPE, "begin has %u entries for x of rank %d", n, r);
		return false;
	}
	bool ke = io_ints(io, "end", e, INFER_MAX_RANK, &n);
	if (ke && (int32_t)n != r) {
		io_err(io, I_SHAPE, "end has %u entries for x of rank %d", n, r);
		return false;
	}
	if (io_has(io, "stride")) {
		if (!io_ints(io, "stride", s, INFER_MAX_RANK, &n) || (int32_t)n != r) {
			if (io_ints(io, "stride", s, INFER_MAX_RANK, &n))
				io_err(io, I_SHAPE, "stride has %u entries for x of rank %d", n, r);
			return false;
		}
	} else {
		for (int32_t i = 0; i < r; i++)
			s[i] = 1;
	}
	int32_t k = 0;
	for (int32_t i = 0; i < r; i++) {
		if (sm[i])
			continue;
		if (s[i] == 0) {
			io_err(io, I_PARAM, "stride %d is 0", i);
			return false;
		}
		bool bknown = kb || bm[i], eknown = ke || em[i];
		if (!bknown || !eknown)
			d[k++] = dim_unknown();
		else
			d[k++] = slice_len(io, x->dims[i], kb ? b[i] : 0, ke ? e[i] : 0, s[i], bm[i], em[i]);
	}
	*rank = k;
	return true;
}

void rule_SLICE_BY_INDEX(IOp *io)
{
	const Type *x = io_type(io, "x");
	Dim d[INFER_MAX_RANK];
	int32_t r;
	if (!type_ranked(x)) {
		io_out_unknown(io, 0);
		return;
	}
	if (slice_shape(io, x, &r, d))
		io_out(io, 0, r, d);
}

void rule_SLICE_BY_SIZE(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t b[INFER_MAX_RANK], sz[INFER_MAX_RANK];
	uint32_t nb, ns;
	Dim d[INFER_MAX_RANK];
	bool kb = io_ints(io, "begin", b, INFER_MAX_RANK, &nb);
	if (!io_ints(io, "size", sz, INFER_MAX_RANK, &ns)) {
		set_unknown_dims(d, x->rank);
		io_out(io, 0, x->rank, d);
		return;
	}
	if ((int32_t)ns != x->rank || (kb && (int32_t)nb != x->rank)) {
		io_err(io, I_SHAPE, "begin and size need %d entries", x->rank);
		return;
	}
	for (int32_t i = 0; i < x->rank; i++) {
		if (sz[i] >= 0) {
			d[i] = dim_const(sz[i]);
			if (x->dims[i].kind == DIM_CONST && kb) {
				int64_t bi = b[i] < 0 ? b[i] + x->dims[i].size : b[i];
				if (bi < 0 || bi + sz[i] > x->dims[i].size)
					io_err(io, I_SHAPE, "slice [%lld, +%lld) leaves dim %d of size %lld",
					       (long long)b[i], (long long)sz[i], i, (long long)x->dims[i].size);
			}
		} else if (sz[i] == -1 && kb) {
			Dim D = x->dims[i];
			d[i] = b[i] < 0 ? dim_const(-b[i]) : dim_addc(io->in, D, -b[i]);
		} else if (sz[i] == -1) {
			d[i] = dim_unknown();
		} else {
			io_err(io, I_PARAM, "size entry %d is %lld", i, (long long)sz[i]);
			return;
		}
	}
	io_out(io, 0, x->rank, d);
}

void rule_SLICE_UPDATE(IOp *io)
{
	const Type *x = io_type(io, "x"), *u = io_type(io, "update");
	io_out_like(io, 0, x);
	Dim d[INFER_MAX_RANK];
	int32_t r;
	if (!type_ranked(x) || !type_ranked(u) || !slice_shape(io, x, &r, d))
		return;
	bool ok = u->rank == r;
	for (int32_t i = 0; ok && i < r; i++)
		ok = dim_may_equal(u->dims[i], d[i]);
	if (!ok) {
		Type t = { .kind = TY_TENSOR, .rank = r, .dims = d };
		(void)t;
		io_err(io, I_SHAPE, "update has rank %d and does not match the %d-d slice it replaces",
		       u->rank, r);
	}
}

/* ------------------------------------------------------------------ concat, split, stack */

static DType values_dtype(IOp *io, const Operand *v)
{
	DType dt = DT_COUNT;
	for (uint32_t i = 0; i < v->n; i++) {
		const Type *t = io_bind_type(io, &v->b[i]);
		if (!type_is_tensor(t))
			continue;
		if (dt == DT_COUNT)
			dt = t->dt;
		else if (t->dt != dt) {
			io_err(io, I_TYPEVAR, "values have different dtypes (%s and %s)", dtype_name(dt),
			       dtype_name(t->dt));
			return dt;
		}
	}
	return dt;
}

void rule_CONCAT(IOp *io)
{
	const Operand *v = io_operand(io, "values");
	if (!v || !v->n)
		return;
	if (io->out_dt[0] == DT_COUNT)
		io->out_dt[0] = values_dtype(io, v);
	int32_t rank = -1;
	for (uint32_t i = 0; i < v->n; i++) {
		const Type *t = io_bind_type(io, &v->b[i]);
		if (!type_ranked(t)) {
			io_out_unknown(io, 0);
			return;
		}
		int32_t r = t->rank ? t->rank : 1;
		if (rank >= 0 && r != rank) {
			io_err(io, I_SHAPE, "values have ranks %d and %d", rank, r);
			return;
		}
		rank = r;
	}
	if (rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t ax;
	if (!io_int(io, "axis", &ax)) {
		io_out_unknown(io, 0);
		return;
	}
	if (!io_axis(io, "axis", ax, rank, &ax))
		return;
	bool inter = io_bool_or(io, "interleave", false);
	Dim d[INFER_MAX_RANK];
	for (uint32_t i = 0; i < v->n; i++) {
		const Type *t = io_bind_type(io, &v->b[i]);
		const Dim one = dim_const(1);
		const Dim *td = t->rank ? t->dims : &one;
		for (int32_t k = 0; k < rank; k++) {
			if (i == 0) {
				d[k] = td[k];
				continue;
			}
			if (k == ax && !inter) {
				d[k] = dim_add(io->in, d[k], td[k]);
				continue;
			}
			if (!dim_may_equal(d[k], td[k])) {
				io_diag(io, SEV_ERROR, I_SHAPE, NULL,
				        "value %u has %lld along dim %d where value 0 has %lld%s", i,
				        (long long)td[k].size, k, (long long)d[k].size,
				        inter ? " (interleave needs identical shapes)" : "");
				return;
			}
			if (d[k].kind != DIM_CONST && td[k].kind == DIM_CONST)
				d[k] = td[k];
			else if (d[k].kind == DIM_SYM && td[k].kind == DIM_SYM && d[k].sym != td[k].sym)
				d[k] = dim_unknown();
		}
	}
	if (inter)
		d[ax] = dim_mulc(io->in, d[ax], v->n);
	io_out(io, 0, rank, d);
}

void rule_SPLIT(IOp *io)
{
	const Type *x = io_type(io, "x");
	uint32_t nout = io->op->nouts;
	if (!type_ranked(x) || x->rank == 0 || x->rank > INFER_MAX_RANK) {
		for (uint32_t i = 0; i < nout; i++)
			io_out_unknown(io, i);
		return;
	}
	int64_t ax;
	if (!io_axis(io, "axis", io_int_or(io, "axis", 0), x->rank, &ax))
		return;
	Dim D = x->dims[ax];
	Dim d[INFER_MAX_RANK];
	copy_dims(d, x->dims, x->rank);
	int64_t sizes[256];
	uint32_t ns;
	if (io_has(io, "split_sizes")) {
		if (!io_ints(io, "split_sizes", sizes, 256, &ns)) {
			for (uint32_t i = 0; i < nout; i++) {
				d[ax] = dim_unknown();
				io_out(io, i, x->rank, d);
			}
			return;
		}
		if (ns != nout) {
			io_err(io, I_OUTPUT_COUNT, "split_sizes has %u entries for %u outputs", ns, nout);
			return;
		}
		int64_t sum = 0;
		for (uint32_t i = 0; i < ns; i++) {
			if (sizes[i] < 0) {
				io_err(io, I_PARAM, "split_sizes entry %u is %lld", i, (long long)sizes[i]);
				return;
			}
			sum += sizes[i];
		}
		if (D.kind == DIM_CONST && sum != D.size)
			io_diag(io, SEV_ERROR, I_SHAPE, NULL,
			        "split_sizes add up to %lld but the axis has %lld", (long long)sum,
			        (long long)D.size);
		int64_t k;
		if (io_int(io, "num_splits", &k) && k != (int64_t)ns)
			io_err(io, I_PARAM, "num_splits %lld differs from len(split_sizes) %u",
			       (long long)k, ns);
		for (uint32_t i = 0; i < nout; i++) {
			d[ax] = dim_const(sizes[i]);
			io_out(io, i, x->rank, d);
		}
		return;
	}
	int64_t k = nout;
	if (io_has(io, "num_splits") && (!io_int(io, "num_splits", &k) || k <= 0)) {
		io_err(io, I_PARAM, "num_splits must be a positive constant");
		return;
	}
	if (k != (int64_t)nout) {
		io_err(io, I_OUTPUT_COUNT, "num_splits is %lld but the op has %u outputs", (long long)k,
		       nout);
		return;
	}
	if (D.kind == DIM_CONST && D.size % k)
		io_err(io, I_SHAPE, "axis of %lld does not split into %lld equal parts",
		       (long long)D.size, (long long)k);
	d[ax] = dim_floordiv(io->in, D, dim_const(k));
	for (uint32_t i = 0; i < nout; i++)
		io_out(io, i, x->rank, d);
}

void rule_STACK(IOp *io)
{
	const Operand *v = io_operand(io, "values");
	if (!v || !v->n)
		return;
	if (io->out_dt[0] == DT_COUNT)
		io->out_dt[0] = values_dtype(io, v);
	const Type *t0 = io_bind_type(io, &v->b[0]);
	if (!type_ranked(t0) || t0->rank >= INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	Dim d[INFER_MAX_RANK];
	copy_dims(d, t0->dims, t0->rank);
	for (uint32_t i = 1; i < v->n; i++) {
		const Type *t = io_bind_type(io, &v->b[i]);
		if (!type_ranked(t))
			continue;
		bool ok = t->rank == t0->rank;
		for (int32_t k = 0; ok && k < t->rank; k++) {
			ok = dim_may_equal(d[k], t->dims[k]);
			if (ok && d[k].kind != DIM_CONST && t->dims[k].kind == DIM_CONST)
				d[k] = t->dims[k];
		}
		if (!ok) {
			io_err(io, I_SHAPE, "value %u's shape differs from value 0's", i);
			return;
		}
	}
	int32_t r = t0->rank + 1;
	int64_t ax;
	if (!io_axis(io, "axis", io_int_or(io, "axis", 0), r, &ax))
		return;
	memmove(d + ax + 1, d + ax, (size_t)(t0->rank - ax) * sizeof(Dim));
	d[ax] = dim_const(v->n);
	io_out(io, 0, r, d);
}

/* ------------------------------------------------------------------ tile, pad, flatten, shape */

void rule_TILE(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	Dim d[INFER_MAX_RANK];
	const IVal *r = io_ival(io, "reps");
	if (!r) {
		set_unknown_dims(d, x->rank);
		io_out(io, 0, x->rank, d);
		return;
	}
	if (r->n != (uint32_t)x->rank && !(io->nn && r->n < (uint32_t)x->rank)) {
		io_err(io, I_SHAPE, "reps has %u entries for x of rank %d", r->n, x->rank);
		return;
	}
	uint32_t off = (uint32_t)x->rank - r->n;
	for (int32_t i = 0; i < x->rank; i++) {
		Dim rep = (uint32_t)i < off ? dim_const(1) : r->e[(uint32_t)i - off];
		if (rep.kind == DIM_CONST && rep.size <= 0) {
			io_err(io, I_PARAM, "reps entry %d is %lld; reps must be positive", i,
			       (long long)rep.size);
			return;
		}
		d[i] = dim_mul(io->in, x->dims[i], rep);
	}
	io_out(io, 0, x->rank, d);
}

void rule_PAD(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank > INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	Dim d[INFER_MAX_RANK];
	copy_dims(d, x->dims, x->rank);
	const IVal *p = io_ival(io, "pad");
	if (!p) {
		const Type *pt = io_type(io, "pad");
		/* a runtime pad must cover every dim */
		set_unknown_dims(d, x->rank);
		if (type_ranked(pt) && pt->rank == 1 && pt->dims[0].kind == DIM_CONST &&
		    pt->dims[0].size != 2 * x->rank)
			io_err(io, I_SHAPE, "a non-constant pad needs %d entries, found %lld",
			       2 * x->rank, (long long)pt->dims[0].size);
		io_out(io, 0, x->rank, d);
		return;
	}
	if (p->n % 2 || p->n > 2 * (uint32_t)x->rank) {
		io_err(io, I_SHAPE, "pad has %u entries; an even number up to %d expected", p->n,
		       2 * x->rank);
		return;
	}
	uint32_t np = p->n / 2;
	const char *mode = io_str(io, "mode");
	for (uint32_t i = 0; i < np; i++) {
		int32_t ax = x->rank - (int32_t)np + (int32_t)i;
		Dim b = p->e[2 * i], a = p->e[2 * i + 1];
		if ((b.kind == DIM_CONST && b.size < 0) || (a.kind == DIM_CONST && a.size < 0)) {
			io_err(io, I_PARAM, "pad amounts must not be negative");
			return;
		}
		if (mode && strcmp(mode, "reflect") == 0 && x->dims[ax].kind == DIM_CONST &&
		    ((b.kind == DIM_CONST && b.size > x->dims[ax].size - 1) ||
		     (a.kind == DIM_CONST && a.size > x->dims[ax].size - 1)))
			io_err(io, I_PARAM, "reflect padding of %lld/%lld exceeds dim %d of size %lld - 1",
			       (long long)b.size, (long long)a.size, ax, (long long)x->dims[ax].size);
		d[ax] = dim_add(io->in, dim_add(io->in, x->dims[ax], b), a);
	}
	io_out(io, 0, x->rank, d);
}

void rule_FLATTEN2D(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x)) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t ax = io_int_or(io, "axis", 1);
	if (ax < 0)
		ax += x->rank;
	if (ax < 0 || ax > x->rank) {
		io_err(io, I_AXIS, "axis %lld is out of range for rank %d", (long long)ax, x->rank);
		return;
	}
	Dim d[2] = { dims_prod(io->in, (uint32_t)ax, x->dims),
	             dims_prod(io->in, (uint32_t)(x->rank - ax), x->dims + ax) };
	io_out(io, 0, 2, d);
}

void rule_SHAPE(IOp *io)
{
	const Type *x = io_type(io, "x");
	Dim d = type_ranked(x) ? dim_const(x->rank) : dim_unknown();
	io_out(io, 0, 1, &d);
}

void rule_IDENTITY(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!x)
		return;
	if (x->kind == TY_TENSOR && io->nn)
		io_out_like(io, 0, x);
	else
		io_out_type(io, 0, x);
}

/* ------------------------------------------------------------------ reorganisation */

static bool factor_of(IOp *io, int64_t *f)
{
	static const char *const names[] = { "block_size", "upscale_factor", "downscale_factor" };
	for (int i = 0; i < 3; i++)
		if (io_has(io, names[i])) {
			if (!io_int(io, names[i], f))
				return false;
			if (*f <= 0) {
				io_err(io, I_PARAM, "%s must be positive, found %lld", names[i],
				       (long long)*f);
				return false;
			}
			return true;
		}
	return false;
}

static const Type *rank4(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank != 4) {
		io_out_unknown(io, 0);
		return NULL;
	}
	return x;
}

static Dim exact_div(IOp *io, Dim d, int64_t f, const char *what)
{
	if (d.kind == DIM_CONST && d.size % f) {
		io_err(io, I_SHAPE, "%s %lld is not divisible by %lld", what, (long long)d.size,
		       (long long)f);
		return dim_unknown();
	}
	return dim_floordiv(io->in, d, dim_const(f));
}

void rule_DEPTH_TO_SPACE(IOp *io)
{
	const Type *x = rank4(io);
	int64_t f;
	if (!x || !factor_of(io, &f))
		return;
	Dim d[4] = { x->dims[0], exact_div(io, x->dims[1], f * f, "channels"),
	             dim_mulc(io->in, x->dims[2], f), dim_mulc(io->in, x->dims[3], f) };
	io_out(io, 0, 4, d);
}

void rule_SPACE_TO_DEPTH(IOp *io)
{
	const Type *x = rank4(io);
	int64_t f;
	if (!x || !factor_of(io, &f))
		return;
	Dim d[4] = { x->dims[0], dim_mulc(io->in, x->dims[1], f * f),
	             exact_div(io, x->dims[2], f, "height"), exact_div(io, x->dims[3], f, "width") };
	io_out(io, 0, 4, d);
}

/* block_shape (two positive factors) and the four pads or crops named
 * `edges`; where either is missing, the output is unknown. */
static bool block_and_edges(IOp *io, const char *edges, int64_t b[2], int64_t e[4])
{
	uint32_t nb, ne;
	if (io_ints(io, "block_shape", b, 2, &nb) && nb == 2 && io_ints(io, edges, e, 4, &ne) &&
	    ne == 4 && b[0] > 0 && b[1] > 0)
		return true;
	io_out_unknown(io, 0);
	return false;
}

void rule_SPACE_TO_BATCH(IOp *io)
{
	const Type *x = rank4(io);
	int64_t b[2], p[4];
	if (!x || !block_and_edges(io, "paddings", b, p))
		return;
	Infer *in = io->in;
	Dim d[4] = { dim_mulc(in, x->dims[0], b[0] * b[1]), x->dims[1],
	             exact_div(io, dim_addc(in, x->dims[2], p[0] + p[1]), b[0], "padded height"),
	             exact_div(io, dim_addc(in, x->dims[3], p[2] + p[3]), b[1], "padded width") };
	io_out(io, 0, 4, d);
}

void rule_BATCH_TO_SPACE(IOp *io)
{
	const Type *x = rank4(io);
	int64_t b[2], c[4];
	if (!x || !block_and_edges(io, "crops", b, c))
		return;
	Infer *in = io->in;
	Dim d[4] = { exact_div(io, x->dims[0], b[0] * b[1], "batch"), x->dims[1],
	             dim_addc(in, dim_mulc(in, x->dims[2], b[0]), -(c[0] + c[1])),
	             dim_addc(in, dim_mulc(in, x->dims[3], b[1]), -(c[2] + c[3])) };
	io_out(io, 0, 4, d);
}

void rule_SLIDING_WINDOWS(IOp *io)
{
	const Type *x = io_type(io, "x");
	if (!type_ranked(x) || x->rank >= INFER_MAX_RANK) {
		io_out_unknown(io, 0);
		return;
	}
	int64_t ax, size, stride = io_int_or(io, "stride", 1);
	if (!io_int(io, "size", &size) || !io_int(io, "axis", &ax)) {
		io_out_unknown(io, 0);
		return;
	}
	if (!io_axis(io, "axis", ax, x->rank, &ax))
		return;
	if (size <= 0 || stride <= 0) {
		io_err(io, I_PARAM, "size and stride must be positive (%lld, %lld)", (long long)size,
		       (long long)stride);
		return;
	}
	Dim d[INFER_MAX_RANK];
	int32_t r = 0;
	for (int32_t i = 0; i < x->rank; i++) {
		if (i == ax) {
			d[r++] = dim_addc(io->in, dim_floordiv(io->in, dim_addc(io->in, x->dims[i], -size),
			                                       dim_const(stride)), 1);
			d[r++] = dim_const(size);
		} else {
			d[r++] = x->dims[i];
		}
	}
	if (d[ax].kind == DIM_CONST && d[ax].size < 1)
		io_err(io, I_SHAPE, "window of %lld is longer than the axis", (long long)size);
	io_out(io, 0, r, d);
}
