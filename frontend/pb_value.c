/*
 * pb_value.c - the types and values of an ML program, from their wire
 * bytes (pb_wire.h): tensor, list, tuple, dict and state types (a type's
 * bytes read once, then remembered), immediate values of every kind,
 * weight-blob references, attribute maps.
 *
 * Facts: spec/protobuf.md (MILSpec ValueType, Value).
 */
#include "frontend/pb_wire.h"

enum { MAX_RANK = 64 };

/* ------------------------------------------------------------ types */

/* Dimension {1: constant {1: size}, 2: unknown}; false after a report. */
static bool dimension(Dec *d, const uint8_t *p, size_t n, SrcLoc loc, Dim *out)
{
	*out = dim_unknown();
	Field g;
	FOR_FIELDS(d, p, n, g) {
		if (g.num == 1 && pw_want_len(d, &g)) {
			uint64_t size = 0;
			Field h;
			FOR_FIELDS(d, g.p, g.n, h) {
				if (h.num == 1 && pw_want_varint(d, &h))
					size = h.v;
			}
			if (size > (uint64_t)INT64_MAX) {
				RD_ERR(d->r, FE_E_VALUE_TYPE, loc, "dimension %llu is out of range",
				       (unsigned long long)size);
				return false;
			}
			*out = dim_const((int64_t)size);
		} else if (g.num == 2 && pw_want_len(d, &g)) {
			*out = dim_unknown();
		}
	}
	return !d->bad;
}

static const Type *tensor_type(Dec *d, const uint8_t *p, size_t n, SrcLoc loc)
{
	Rd *r = d->r;
	uint64_t datatype = 0, rank_raw = 0;
	size_t ndims = 0;
	const uint8_t *dimp[MAX_RANK + 1];
	size_t dimn[MAX_RANK + 1];
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num == 1 && pw_want_varint(d, &f)) {
			datatype = f.v;
		} else if (f.num == 2 && pw_want_varint(d, &f)) {
			rank_raw = f.v;
		} else if (f.num == 3 && pw_want_len(d, &f)) {
			if (ndims <= MAX_RANK) {
				dimp[ndims] = f.p;
				dimn[ndims] = f.n;
			}
			ndims++;
		}
	}
	if (d->bad)
		return NULL;
	int dtv = (int)(int32_t)(uint32_t)datatype;
	DType dt = dtype_from_pb(dtv);
	if (dt == DT_COUNT) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "tensor type has unknown data type %d", dtv);
		return NULL;
	}
	int64_t rank = (int64_t)rank_raw;
	if (rank == 0 && ndims)
		rank = (int64_t)ndims;          /* rank left out, dims given */
	if (rank < -1 || rank > MAX_RANK) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "tensor rank %lld is out of range",
		       (long long)(int64_t)rank_raw);
		return NULL;
	}
	if (rank == -1)
		return type_tensor(r->m->types, dt, -1, NULL);
	if ((size_t)rank != ndims) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "tensor of rank %lld lists %zu dimensions",
		       (long long)rank, ndims);
		return NULL;
	}
	Dim dims[MAX_RANK];
	for (size_t i = 0; i < ndims; i++)
		if (!dimension(d, dimp[i], dimn[i], loc, &dims[i]))
			return NULL;
	return type_tensor(r->m->types, dt, (int32_t)rank, dims);
}

static const Type *vtype_read(Dec *d, const uint8_t *p, size_t n, SrcLoc loc);
static const Type *composite_type(Dec *d, uint32_t which, const uint8_t *p, size_t n,
                                  SrcLoc loc);

/* A ValueType; present == false when the enclosing message has none.
 * Bytes that read as a type once read as the same type again (memo). */
const Type *pw_vtype(Dec *d, const uint8_t *p, size_t n, bool present, SrcLoc loc)
{
	if (!present) {
		RD_ERR(d->r, FE_E_VALUE_TYPE, loc, "value has no type");
		return NULL;
	}
	if (n > 256)
		return vtype_read(d, p, n, loc);
	if (n == d->last.n && d->last_type && memcmp(p, d->last.p, n) == 0)
		return d->last_type;
	const HashSlot *seen = hmap_str_find(&d->memo, (const char *)p, n);
	const Type *t = seen ? seen->val.cptr : vtype_read(d, p, n, loc);
	if (!seen && t && !d->bad) {
		bool added;
		hmap_str(&d->memo, (const char *)p, n, &added)->val.cptr = t;
	}
	if (t && !d->bad) {
		d->last = (PbBytes){ p, n };
		d->last_type = t;
	}
	return t;
}

static const Type *vtype_read(Dec *d, const uint8_t *p, size_t n, SrcLoc loc)
{
	uint32_t which;
	Sub sub;
	if (!pw_oneof_msg(d, p, n, 5, &which, &sub))
		return NULL;
	const uint8_t *tp = sub.p;
	size_t tn = sub.n;
	if (which == 1)
		return tensor_type(d, tp, tn, loc);
	if (which == 0) {
		RD_ERR(d->r, FE_E_VALUE_TYPE, loc, "value type is empty");
		return NULL;
	}
	if (pw_too_deep(d, loc))
		return NULL;
	d->depth++;
	const Type *t = composite_type(d, which, tp, tn, loc);
	d->depth--;
	return t;
}

/* TupleType {1: types}, and the two-field ListType {1: type, 2: length},
 * DictionaryType {1: keyType, 2: valueType}, StateType {1: wrappedType}. */
static const Type *composite_type(Dec *d, uint32_t which, const uint8_t *p, size_t n,
                                  SrcLoc loc)
{
	TypeTable *types = d->r->m->types;
	if (which == 3) {
		uint32_t count = (uint32_t)pw_count_fields(d, p, n, 1);
		const Type **e = arena_array(d->r->a, count ? count : 1, sizeof *e);
		uint32_t k = 0;
		Field f;
		FOR_FIELDS(d, p, n, f) {
			if (f.num == 1 && pw_want_len(d, &f) && !(e[k++] = pw_vtype(d, f.p, f.n, true, loc)))
				return NULL;
		}
		return d->bad ? NULL : type_tuple(types, k, e);
	}
	Sub s[2];
	if (!pw_two_subs(d, p, n, s))
		return NULL;
	const Type *first = pw_vtype(d, s[0].p, s[0].n, s[0].present, loc);
	if (!first)
		return NULL;
	if (which == 2) {
		Dim len;
		return dimension(d, s[1].p, s[1].n, loc, &len) ? type_list(types, first, len) : NULL;
	}
	if (which == 4) {
		const Type *v = pw_vtype(d, s[1].p, s[1].n, s[1].present, loc);
		return v ? type_dict(types, first, v) : NULL;
	}
	return type_state(types, first);
}

/* ------------------------------------------------------------ values */

/* How many fixed-width elements (`width` bytes each, of wire type `wt`
 * one a field, or packed in a length-delimited one) field f holds; 0,
 * malformed, where it is neither. */
static size_t fixed_elements(Dec *d, const Field *f, unsigned wt, size_t width)
{
	if (f->wt == wt)
		return 1;
	if (f->wt == 2 && f->n % width == 0)
		return f->n / width;
	pw_malformed(d);
	return 0;
}

/* The `values` (field 1) of a TensorValue.Repeated* message. */
static bool payload(Dec *d, int which, const uint8_t *p, size_t n, PbTensorPayload *tp)
{
	Arena *a = d->r->a;
	tp->field = which;
	tp->n = 0;
	tp->v = NULL;
	/* elements: count first, then fill */
	size_t count = 0;
	const uint8_t *bytes = NULL;
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num != 1)
			continue;
		switch (which) {
		case 1:         /* float: fixed32 */
			count += fixed_elements(d, &f, 5, 4);
			break;
		case 6:         /* double: fixed64 */
			count += fixed_elements(d, &f, 1, 8);
			break;
		case 2: case 3: case 5:         /* varints, packed or not */
			if (f.wt == 0) {
				count++;
			} else if (f.wt == 2) {
				for (size_t i = 0; i < f.n; i++)
					count += !(f.p[i] & 0x80);
			} else {
				pw_malformed(d);
			}
			break;
		case 4:
			if (pw_want_len(d, &f))
				count++;
			break;
		case 7:
			if (pw_want_len(d, &f)) {
				bytes = f.p;
				count = f.n;
			}
			break;
		}
	}
	if (d->bad)
		return false;
	if (which == 7) {
		uint8_t *b = arena_alloc(a, count ? count : 1);
		if (count)
			memcpy(b, bytes, count);
		tp->v = b;
		tp->n = count;
		return true;
	}
	static const size_t esize[8] = { 0, 4, 4, 1, sizeof(char *), 8, 8, 0 };
	uint8_t *out = arena_array(a, count ? count : 1, esize[which]);
	if (!out) {
		pw_malformed(d);
		return false;
	}
	size_t k = 0;
	FOR_FIELDS(d, p, n, f) {
		if (f.num != 1)
			continue;
		if (which == 4) {
			char *s = pw_str(d, &f);
			memcpy(out + k++ * sizeof s, &s, sizeof s);
			continue;
		}
		if (which == 1 || which == 6) {
			size_t es = esize[which];
			size_t bytes_n = f.wt == 2 ? f.n : es;
			memcpy(out + k * es, f.p, bytes_n);
			k += bytes_n / es;
			continue;
		}
		W v = { NULL, NULL };
		if (f.wt == 2)
			v = wire(f.p, f.n);
		uint64_t x = f.v;
		for (bool first = true; f.wt == 0 ? first : v.p < v.end; first = false) {
			if (f.wt == 2 && !varint(&v, &x)) {
				pw_malformed(d);
				return false;
			}
			if (k >= count) {
				pw_malformed(d);
				return false;
			}
			if (which == 2) {
				int32_t i32 = (int32_t)(uint32_t)x;
				memcpy(out + k * 4, &i32, 4);
			} else if (which == 3) {
				out[k] = x != 0;
			} else {
				int64_t i64 = (int64_t)x;
				memcpy(out + k * 8, &i64, 8);
			}
			k++;
		}
	}
	if (d->bad || k != count) {
		pw_malformed(d);
		return false;
	}
	tp->v = out;
	tp->n = count;
	return true;
}

const Lit *pw_value(Dec *d, const uint8_t *p, size_t n, SrcLoc loc);

/* TupleValue / ListValue {1: values (Value)} for a tuple / list type, and
 * DictionaryValue {1: values (KeyValuePair {1: key, 2: value})} for a
 * dict type: the items in order (a dict's key, value, key, value, ...). */
static const Lit *seq_value(Dec *d, LitKind kind, const Type *t, const uint8_t *p, size_t n,
                            SrcLoc loc)
{
	Rd *r = d->r;
	TypeKind want = kind == LIT_LIST ? TY_LIST : kind == LIT_TUPLE ? TY_TUPLE : TY_DICT;
	if (t->kind != want) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "immediate value does not match its declared type");
		return NULL;
	}
	if (pw_too_deep(d, loc))
		return NULL;
	uint32_t per = kind == LIT_DICT ? 2 : 1;
	uint32_t count = (uint32_t)pw_count_fields(d, p, n, 1);
	const Lit **items = arena_array(r->a, count ? (size_t)count * per : 1, sizeof *items);
	uint32_t k = 0;
	Field f;
	d->depth++;
	FOR_FIELDS(d, p, n, f) {
		if (f.num != 1 || !pw_want_len(d, &f))
			continue;
		Sub s[2] = { { f.p, f.n, true } };
		if (per == 2 && !pw_two_subs(d, f.p, f.n, s))
			break;
		for (uint32_t side = 0; side < per; side++) {
			if (!s[side].present)
				RD_ERR(r, FE_E_IMMEDIATE, loc, "missing value");
			else
				items[k] = pw_value(d, s[side].p, s[side].n, loc);
			if (!s[side].present || !items[k++]) {
				d->depth--;
				return NULL;
			}
		}
	}
	d->depth--;
	if (d->bad)
		return NULL;
	return fe_lit_seq(r->m, kind, t, k / per, items);
}

static const Lit *string_dict(Dec *d, const Type *t, const uint8_t *p, size_t n);

const Lit *pw_value(Dec *d, const uint8_t *p, size_t n, SrcLoc loc)
{
	Rd *r = d->r;
	const uint8_t *typ = NULL, *vp = NULL;
	size_t typn = 0, vn = 0;
	bool has_type = false;
	uint32_t which = 0;
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num == 2 && pw_want_len(d, &f)) {
			typ = f.p;
			typn = f.n;
			has_type = true;
		} else if ((f.num == 3 || f.num == 5) && pw_want_len(d, &f)) {
			which = f.num;
			vp = f.p;
			vn = f.n;
		}
	}
	if (d->bad)
		return NULL;
	const Type *t = pw_vtype(d, typ, typn, has_type, loc);
	if (!t)
		return NULL;
	if (which == 5) {
		if (t->kind != TY_TENSOR) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "weight blob bound to a non-tensor type");
			return NULL;
		}
		Lit *l = arena_alloc(r->a, sizeof *l);
		l->kind = LIT_BLOB;
		l->type = t;
		l->u.blob.path = "";
		FOR_FIELDS(d, vp, vn, f) {
			if (f.num == 1 && pw_want_len(d, &f))
				/* one copy per file: every const names the same few */
				l->u.blob.path = fe_intern(r->m, (const char *)f.p, strnlen((const char *)f.p, f.n));
			else if (f.num == 2 && pw_want_varint(d, &f))
				l->u.blob.offset = f.v;
		}
		return d->bad ? NULL : l;
	}
	if (which != 3) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "value holds neither an immediate nor a weight blob");
		return NULL;
	}
	uint32_t kind;
	Sub imm;
	if (!pw_oneof_msg(d, vp, vn, 4, &kind, &imm))
		return NULL;
	const uint8_t *ip = imm.p;
	size_t in = imm.n;
	if (kind == 4) {
		const Lit *l = string_dict(d, t, ip, in);
		return l ? l : seq_value(d, LIT_DICT, t, ip, in, loc);
	}
	if (kind == 2 || kind == 3)
		return seq_value(d, kind == 3 ? LIT_LIST : LIT_TUPLE, t, ip, in, loc);
	PbTensorPayload tp = { 0, 0, NULL };
	if (kind == 1) {
		FOR_FIELDS(d, ip, in, f) {
			if (f.num >= 1 && f.num <= 7 && pw_want_len(d, &f) &&
			    !payload(d, (int)f.num, f.p, f.n, &tp))
				return NULL;
		}
		if (d->bad)
			return NULL;
	} else if (t->kind != TY_TENSOR) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "immediate value does not match its declared type");
		return NULL;
	}
	return pbr_tensor_value(r, t, &tp, loc);
}

/* One map<string, Value> entry -> an attribute; false when the value
 * does not read (its diagnostics count) or the bytes are malformed. */
bool pw_attr(Dec *d, const Field *e, SrcLoc loc, Attr *out)
{
	MapEntry me;
	if (!pw_want_len(d, e) || !pw_map_entry(d, e, &me))
		return false;
	if (!me.has) {
		RD_ERR(d->r, FE_E_IMMEDIATE, loc, "missing value");
		return false;
	}
	const Lit *l = pw_value(d, me.val, me.nval, loc);
	if (!l)
		return false;
	*out = (Attr){ fe_intern(d->r->m, (const char *)me.key, me.nkey), l };
	return true;
}

/* The one field of message p[0..n): its number must be `num`, length-
 * delimited; false on anything else (no report: the caller falls back). */
static bool only_field(const uint8_t *p, size_t n, uint32_t num, const uint8_t **fp,
                       size_t *fn)
{
	W w = wire(p, n);
	Field f;
	if (next(&w, &f) != 1 || f.num != num || f.wt != 2 || w.p != w.end)
		return false;
	*fp = f.p;
	*fn = f.n;
	return true;
}

/* A message made of exactly two length-delimited fields, numbers a and b,
 * each present once (any order). */
static bool two_fields(const uint8_t *p, size_t n, uint32_t a, uint32_t b,
                       const uint8_t **ap, size_t *an, const uint8_t **bp, size_t *bn)
{
	*ap = *bp = NULL;
	W w = wire(p, n);
	Field f;
	int rc;
	while ((rc = next(&w, &f)) == 1) {
		if (f.wt != 2)
			return false;
		if (f.num == a && !*ap)
			*ap = f.p, *an = f.n;
		else if (f.num == b && !*bp)
			*bp = f.p, *bn = f.n;
		else
			return false;
	}
	return rc == 0 && *ap && *bp;
}

/* An op's `name` attribute value, when it is spelled the usual way -
 * Value{type: tensor<string, []>, immediate: {tensor: {strings: [s]}}} -
 * read without building the literal that ir_op_set_attrs would take the
 * string from.  NULL for any other spelling (read the general way). */
const char *pw_name_value(Dec *d, const uint8_t *p, size_t n)
{
	const uint8_t *tp, *ip, *q;
	size_t tn = 0, in = 0, qn;
	if (!two_fields(p, n, 2, 3, &tp, &tn, &ip, &in))
		return NULL;
	/* ValueType{tensorType{dataType: STRING}} (rank 0, no dimensions) */
	if (!only_field(tp, tn, 1, &q, &qn) || qn != 2 || q[0] != 0x08 || q[1] != 2)
		return NULL;
	/* ImmediateValue{tensor{strings{values: s}}} */
	if (!only_field(ip, in, 1, &q, &qn) || !only_field(q, qn, 4, &q, &qn) ||
	    !only_field(q, qn, 1, &q, &qn))
		return NULL;
	return arena_strndup(d->r->a, (const char *)q, qn);
}

/* A dictionary of strings (a program's buildInfo) whose keys and values are
 * all string scalars spelled the usual way (name_value): the literal the
 * general reader would make, without unpacking it with protobuf-c.  NULL
 * for anything else (read the general way). */
static const Lit *string_dict(Dec *d, const Type *t, const uint8_t *p, size_t n)
{
	Rd *r = d->r;
	const Type *str = type_scalar(r->m->types, DT_STRING);
	if (t->kind != TY_DICT || t->key != str || t->elem != str)
		return NULL;
	W w = wire(p, n);
	Field f;
	int rc;
	uint32_t npairs = 0;
	while ((rc = next(&w, &f)) == 1) {
		if (f.num != 1 || f.wt != 2)
			return NULL;
		npairs++;
	}
	if (rc || npairs > UINT32_MAX / 2)
		return NULL;
	const Lit **items = arena_array(r->a, npairs ? 2 * (size_t)npairs : 1, sizeof *items);
	uint32_t k = 0;
	w = wire(p, n);
	while (next(&w, &f) == 1) {
		const uint8_t *kp, *vp;
		size_t kn = 0, vn = 0;
		if (!two_fields(f.p, f.n, 1, 2, &kp, &kn, &vp, &vn))
			return NULL;
		for (int side = 0; side < 2; side++) {
			const char *sv = pw_name_value(d, side ? vp : kp, side ? vn : kn);
			if (!sv)
				return NULL;
			const char **slot = arena_alloc_raw(r->a, sizeof *slot);
			*slot = sv;
			items[k++] = fe_lit_tensor(r->m, str, 1, slot);
		}
	}
	return fe_lit_seq(r->m, LIT_DICT, t, npairs, items);
}

/* map<string, Value> entries (fields `num` of message p) -> attributes;
 * values that do not read are left out (their diagnostics count). */
void pw_attrs(Dec *d, const uint8_t *p, size_t n, uint32_t num, SrcLoc loc,
              uint32_t *nout, Attr **out)
{
	uint32_t count = 0;
	Field f;
	FOR_FIELDS(d, p, n, f) {
		count += f.num == num;
	}
	Attr *a = arena_array(d->r->a, count ? count : 1, sizeof *a);
	uint32_t k = 0;
	FOR_FIELDS(d, p, n, f) {
		if (f.num == num && pw_attr(d, &f, loc, &a[k]))
			k++;
	}
	*nout = k;
	*out = a;
}
