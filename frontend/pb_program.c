/*
 * pb_program.c - a serialized MILSpec.Program straight from the protobuf
 * wire format into IR: the one reader of ML programs, top-level ones and
 * those inside pipelines (pb_elide.c hands over their bytes).
 *
 * An ML program is nearly all of an .mlmodel's bytes: thousands of small
 * messages (ops, named value types, dimensions, immediate values).
 * protobuf-c's generic unpack would build a struct for each, descriptor-
 * driven, and the IR would then be built from those structs: twice the
 * work and twice the memory.  This file walks the bytes once and builds
 * the IR directly.
 *
 * Wire format: each field is a varint key (number << 3 | wire type) then
 * a varint (0), 8 bytes (1), a varint length and that many bytes (2), or
 * 4 bytes (5).  Unknown fields are skipped; a known field with the wrong
 * wire type, a truncated field or a group is malformed, as for protobuf-c;
 * a field given twice counts once, the last (protobuf-c would merge two
 * messages).  Nesting of blocks, composite types and values is bounded
 * here (too_deep); the rest of the model was bounded before
 * (pb_elide.c).
 *
 * Facts: spec/protobuf.md (MILSpec).
 */
#include "frontend/pb_int.h"
#include "ir/hash.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_RANK = 64 };

typedef struct W {
	const uint8_t *p, *end;
} W;

typedef struct Field {
	uint32_t num, wt;
	uint64_t v;             /* wire types 0, 1, 5 */
	const uint8_t *p;       /* wire type 2 */
	size_t n;
} Field;

typedef struct Dec {
	Rd *r;
	bool bad;               /* malformed bytes seen (reported once) */
	bool quiet;             /* do not report (a pre-scan) */
	int depth;              /* nested blocks */
	/* a ValueType's bytes seen before -> the type they read as: a program
	 * spells the same few types thousands of times (keys: the program's
	 * bytes; heap) */
	HashMap memo;
	PbBytes last;           /* the type read last, and what it read as: a */
	const Type *last_type;  /* run of ops often repeats it (no hash then) */
} Dec;

static W wire(const uint8_t *p, size_t n)
{
	return (W){ p, p + n };
}

static bool varint(W *w, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0; w->p < w->end && shift < 64; shift += 7) {
		uint8_t b = *w->p++;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

/* The next field: 1, 0 at the end, -1 when malformed.  Keys and lengths
 * of one byte (nearly all of them) take the short way. */
static inline int next(W *w, Field *f)
{
	if (w->p >= w->end)
		return 0;
	uint64_t key = *w->p;
	if (key < 0x80 && key >= 8 && (key & 7) == 2 && w->end - w->p >= 2 && w->p[1] < 0x80) {
		size_t len = w->p[1];
		if (len > (size_t)(w->end - w->p - 2))
			return -1;
		f->num = (uint32_t)(key >> 3);
		f->wt = 2;
		f->p = w->p + 2;
		f->n = len;
		w->p += 2 + len;
		return 1;
	}
	if (!varint(w, &key) || key >> 3 == 0 || key >> 3 > 0x1fffffff)
		return -1;
	f->num = (uint32_t)(key >> 3);
	f->wt = (uint32_t)(key & 7);
	f->p = NULL;
	f->n = 0;
	switch (f->wt) {
	case 0:
		return varint(w, &f->v) ? 1 : -1;
	case 1:
	case 5: {
		size_t k = f->wt == 1 ? 8 : 4;
		if ((size_t)(w->end - w->p) < k)
			return -1;
		f->v = 0;
		memcpy(&f->v, w->p, k);
		f->p = w->p;
		f->n = k;
		w->p += k;
		return 1;
	}
	case 2: {
		uint64_t len;
		if (!varint(w, &len) || len > (uint64_t)(w->end - w->p))
			return -1;
		f->p = w->p;
		f->n = (size_t)len;
		w->p += len;
		return 1;
	}
	default:
		return -1;      /* groups: protobuf-c refuses them too */
	}
}

static void malformed(Dec *d)
{
	if (!d->bad && !d->quiet)
		RD_ERR(d->r, FE_E_PROTOBUF, pbr_floc(d->r), "does not decode as a Core ML model "
		       "protobuf (its ML program is truncated or malformed)");
	d->bad = true;
}

/* The next field of a message, reporting malformed bytes; false at the
 * end, on error, and once anything was malformed. */
static inline bool step(Dec *d, W *w, Field *f)
{
	if (d->bad)
		return false;
	int rc = next(w, f);
	if (rc < 0)
		malformed(d);
	return rc > 0;
}

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
/* for each field f of the message at p[0..n) */
#define FOR_FIELDS(d, p, n, f) \
	for (W CAT(w_, __LINE__) = wire((p), (n)); step((d), &CAT(w_, __LINE__), &(f));)

/* Known fields must have their wire type: length-delimited, varint. */
static bool want_len(Dec *d, const Field *f)
{
	if (f->wt == 2)
		return true;
	malformed(d);
	return false;
}

static bool want_varint(Dec *d, const Field *f)
{
	if (f->wt == 0)
		return true;
	malformed(d);
	return false;
}

static char *str(Dec *d, const Field *f)
{
	return arena_strndup(d->r->a, (const char *)f->p, f->n);
}

/* A map entry {1: key (string), 2: value (message)}. */
static bool map_entry(Dec *d, const Field *e, const uint8_t **kp, size_t *kn,
                      const uint8_t **vp, size_t *vn, bool *has_value)
{
	*kp = (const uint8_t *)"";
	*kn = 0;
	*has_value = false;
	Field f;
	FOR_FIELDS(d, e->p, e->n, f) {
		if (f.num == 1 && want_len(d, &f)) {
			*kp = f.p;
			*kn = f.n;
		} else if (f.num == 2 && want_len(d, &f)) {
			*vp = f.p;
			*vn = f.n;
			*has_value = true;
		}
	}
	return !d->bad;
}

/* Whether one more level of nesting (a block, a composite type or value)
 * would pass PBR_MAX_DEPTH; reported. */
static bool too_deep(Dec *d, SrcLoc loc)
{
	if (PBR_PROGRAM_DEPTH + 2 * (d->depth + 1) <= PBR_MAX_DEPTH)
		return false;
	RD_ERR(d->r, FE_E_PROTOBUF, loc, "protobuf nests messages deeper than %d levels; refused",
	       PBR_MAX_DEPTH);
	return true;
}

/* A length-delimited field of a message: where its bytes are, if any. */
typedef struct Sub {
	const uint8_t *p;
	size_t n;
	bool present;
} Sub;

/* The last field 1 and field 2 of p[0..n) (ListType, DictionaryType,
 * StateType, KeyValuePair); false on malformed bytes. */
static bool two_subs(Dec *d, const uint8_t *p, size_t n, Sub s[2])
{
	s[0] = s[1] = (Sub){ NULL, 0, false };
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if ((f.num == 1 || f.num == 2) && want_len(d, &f))
			s[f.num - 1] = (Sub){ f.p, f.n, true };
	}
	return !d->bad;
}

/* The last of the length-delimited fields 1..last of p[0..n) (a oneof of
 * messages): its number, 0 when none is set; false on malformed bytes. */
static bool oneof_msg(Dec *d, const uint8_t *p, size_t n, uint32_t last, uint32_t *which,
                      Sub *sub)
{
	*which = 0;
	*sub = (Sub){ NULL, 0, false };
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num >= 1 && f.num <= last && want_len(d, &f)) {
			*which = f.num;
			*sub = (Sub){ f.p, f.n, true };
		}
	}
	return !d->bad;
}

/* ------------------------------------------------------------ types */

/* Dimension {1: constant {1: size}, 2: unknown}; false after a report. */
static bool dimension(Dec *d, const uint8_t *p, size_t n, SrcLoc loc, Dim *out)
{
	*out = dim_unknown();
	Field g;
	FOR_FIELDS(d, p, n, g) {
		if (g.num == 1 && want_len(d, &g)) {
			uint64_t size = 0;
			Field h;
			FOR_FIELDS(d, g.p, g.n, h) {
				if (h.num == 1 && want_varint(d, &h))
					size = h.v;
			}
			if (size > (uint64_t)INT64_MAX) {
				RD_ERR(d->r, FE_E_VALUE_TYPE, loc, "dimension %llu is out of range",
				       (unsigned long long)size);
				return false;
			}
			*out = dim_const((int64_t)size);
		} else if (g.num == 2 && want_len(d, &g)) {
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
		if (f.num == 1 && want_varint(d, &f)) {
			datatype = f.v;
		} else if (f.num == 2 && want_varint(d, &f)) {
			rank_raw = f.v;
		} else if (f.num == 3 && want_len(d, &f)) {
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
static int count_fields(Dec *d, const uint8_t *p, size_t n, uint32_t num);

/* A ValueType; present == false when the enclosing message has none.
 * Bytes that read as a type once read as the same type again (memo). */
static const Type *vtype(Dec *d, const uint8_t *p, size_t n, bool present, SrcLoc loc)
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
	if (!oneof_msg(d, p, n, 5, &which, &sub))
		return NULL;
	const uint8_t *tp = sub.p;
	size_t tn = sub.n;
	if (which == 1)
		return tensor_type(d, tp, tn, loc);
	if (which == 0) {
		RD_ERR(d->r, FE_E_VALUE_TYPE, loc, "value type is empty");
		return NULL;
	}
	if (too_deep(d, loc))
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
		uint32_t count = (uint32_t)count_fields(d, p, n, 1);
		const Type **e = arena_array(d->r->a, count ? count : 1, sizeof *e);
		uint32_t k = 0;
		Field f;
		FOR_FIELDS(d, p, n, f) {
			if (f.num == 1 && want_len(d, &f) && !(e[k++] = vtype(d, f.p, f.n, true, loc)))
				return NULL;
		}
		return d->bad ? NULL : type_tuple(types, k, e);
	}
	Sub s[2];
	if (!two_subs(d, p, n, s))
		return NULL;
	const Type *first = vtype(d, s[0].p, s[0].n, s[0].present, loc);
	if (!first)
		return NULL;
	if (which == 2) {
		Dim len;
		return dimension(d, s[1].p, s[1].n, loc, &len) ? type_list(types, first, len) : NULL;
	}
	if (which == 4) {
		const Type *v = vtype(d, s[1].p, s[1].n, s[1].present, loc);
		return v ? type_dict(types, first, v) : NULL;
	}
	return type_state(types, first);
}

/* ------------------------------------------------------------ values */

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
		case 1:         /* float: fixed32, packed or not */
			if (f.wt == 5)
				count++;
			else if (f.wt == 2 && f.n % 4 == 0)
				count += f.n / 4;
			else
				malformed(d);
			break;
		case 6:         /* double: fixed64 */
			if (f.wt == 1)
				count++;
			else if (f.wt == 2 && f.n % 8 == 0)
				count += f.n / 8;
			else
				malformed(d);
			break;
		case 2: case 3: case 5:         /* varints, packed or not */
			if (f.wt == 0) {
				count++;
			} else if (f.wt == 2) {
				for (size_t i = 0; i < f.n; i++)
					count += !(f.p[i] & 0x80);
			} else {
				malformed(d);
			}
			break;
		case 4:
			if (want_len(d, &f))
				count++;
			break;
		case 7:
			if (want_len(d, &f)) {
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
		malformed(d);
		return false;
	}
	size_t k = 0;
	FOR_FIELDS(d, p, n, f) {
		if (f.num != 1)
			continue;
		if (which == 4) {
			char *s = str(d, &f);
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
				malformed(d);
				return false;
			}
			if (k >= count) {
				malformed(d);
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
		malformed(d);
		return false;
	}
	tp->v = out;
	tp->n = count;
	return true;
}

static const Lit *value(Dec *d, const uint8_t *p, size_t n, SrcLoc loc);

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
	if (too_deep(d, loc))
		return NULL;
	uint32_t per = kind == LIT_DICT ? 2 : 1;
	uint32_t count = (uint32_t)count_fields(d, p, n, 1);
	const Lit **items = arena_array(r->a, count ? (size_t)count * per : 1, sizeof *items);
	uint32_t k = 0;
	Field f;
	d->depth++;
	FOR_FIELDS(d, p, n, f) {
		if (f.num != 1 || !want_len(d, &f))
			continue;
		Sub s[2] = { { f.p, f.n, true } };
		if (per == 2 && !two_subs(d, f.p, f.n, s))
			break;
		for (uint32_t side = 0; side < per; side++) {
			if (!s[side].present)
				RD_ERR(r, FE_E_IMMEDIATE, loc, "missing value");
			else
				items[k] = value(d, s[side].p, s[side].n, loc);
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

static const Lit *value(Dec *d, const uint8_t *p, size_t n, SrcLoc loc)
{
	Rd *r = d->r;
	const uint8_t *typ = NULL, *vp = NULL;
	size_t typn = 0, vn = 0;
	bool has_type = false;
	uint32_t which = 0;
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num == 2 && want_len(d, &f)) {
			typ = f.p;
			typn = f.n;
			has_type = true;
		} else if ((f.num == 3 || f.num == 5) && want_len(d, &f)) {
			which = f.num;
			vp = f.p;
			vn = f.n;
		}
	}
	if (d->bad)
		return NULL;
	const Type *t = vtype(d, typ, typn, has_type, loc);
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
			if (f.num == 1 && want_len(d, &f))
				/* one copy per file: every const names the same few */
				l->u.blob.path = fe_intern(r->m, (const char *)f.p, strnlen((const char *)f.p, f.n));
			else if (f.num == 2 && want_varint(d, &f))
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
	if (!oneof_msg(d, vp, vn, 4, &kind, &imm))
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
			if (f.num >= 1 && f.num <= 7 && want_len(d, &f) &&
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
static bool attr(Dec *d, const Field *e, SrcLoc loc, Attr *out)
{
	const uint8_t *kp, *vp = NULL;
	size_t kn, vn = 0;
	bool has;
	if (!want_len(d, e) || !map_entry(d, e, &kp, &kn, &vp, &vn, &has))
		return false;
	if (!has) {
		RD_ERR(d->r, FE_E_IMMEDIATE, loc, "missing value");
		return false;
	}
	const Lit *l = value(d, vp, vn, loc);
	if (!l)
		return false;
	*out = (Attr){ fe_intern(d->r->m, (const char *)kp, kn), l };
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
static const char *name_value(Dec *d, const uint8_t *p, size_t n)
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
			const char *sv = name_value(d, side ? vp : kp, side ? vn : kn);
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
static void attrs(Dec *d, const uint8_t *p, size_t n, uint32_t num, SrcLoc loc,
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
		if (f.num == num && attr(d, &f, loc, &a[k]))
			k++;
	}
	*nout = k;
	*out = a;
}

/* ------------------------------------------------------------ blocks and ops */

/* A name looked up without a copy when it is short. */
static ValueId lookup(Dec *d, const uint8_t *p, size_t n)
{
	char buf[256];
	if (n < sizeof buf) {
		memcpy(buf, p, n);
		buf[n] = 0;
		return nt_lookup(&d->r->syms, buf);
	}
	char *s = arena_strndup(d->r->a, (const char *)p, n);
	return nt_lookup(&d->r->syms, s);
}

/* NamedValueType {1: name, 2: type} */
static bool named_type(Dec *d, const uint8_t *p, size_t n, SrcLoc loc, const char **name,
                       const Type **t)
{
	const uint8_t *tp = NULL;
	size_t tn = 0;
	bool has_type = false;
	*name = "";
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num == 1 && want_len(d, &f)) {
			*name = str(d, &f);
		} else if (f.num == 2 && want_len(d, &f)) {
			tp = f.p;
			tn = f.n;
			has_type = true;
		}
	}
	if (d->bad)
		return false;
	*t = vtype(d, tp, tn, has_type, loc);
	return *t != NULL;
}

static ValueId add_param(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, uint32_t index,
                         SrcLoc loc)
{
	const char *name;
	const Type *t;
	if (!named_type(d, p, n, loc, &name, &t))
		return VALUE_NONE;
	ValueId id = ir_value_new(f, name, t, b, loc);
	ir_value(f, id)->def_index = index;
	nt_define(&d->r->syms, name, id);
	return id;
}

static int count_fields(Dec *d, const uint8_t *p, size_t n, uint32_t num)
{
	int k = 0;
	Field f;
	FOR_FIELDS(d, p, n, f) {
		k += f.num == num;
	}
	return k;
}

static int block(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body);
static int block_in(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body,
                    SrcLoc loc);

/* Operation {1: type, 2: inputs, 3: outputs, 4: blocks, 5: attributes}:
 * one pass notes the fields, then they are read in the order the IR needs
 * (inputs, blocks, attributes, outputs). */
static Op *op(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n)
{
	Rd *r = d->r;
	SrcLoc loc = { .file = r->file, .func = f->name, .col = f->nops };
	Field local[48], *fs = local, fl;
	size_t nfs = 0, cap = sizeof local / sizeof local[0];
	const uint8_t *kind_p = (const uint8_t *)"";
	size_t kind_n = 0;
	uint32_t nin = 0, nout = 0, nattr = 0;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num < 1 || fl.num > 5 || !want_len(d, &fl))
			continue;
		if (fl.num == 1) {
			kind_p = fl.p;
			kind_n = fl.n;
			continue;
		}
		nin += fl.num == 2;
		nout += fl.num == 3;
		nattr += fl.num == 5;
		if (nfs == cap) {
			Field *nf = arena_array(r->a, cap * 2, sizeof *nf);
			memcpy(nf, fs, nfs * sizeof *nf);
			fs = nf;
			cap *= 2;
		}
		fs[nfs++] = fl;
	}
	if (d->bad)
		return NULL;
	/* the kind as a C string (it may hold a NUL: then it ends there) */
	const char *kind = fe_intern(r->m, (const char *)kind_p, strnlen((const char *)kind_p, kind_n));
	OpBuild ob;
	ob_start(&ob, f, b, kind, loc);
	ob_reserve(&ob, nin, nout);
	for (size_t i = 0; i < nfs; i++) {
		if (fs[i].num != 2)
			continue;
		const uint8_t *kp, *ap = NULL;
		size_t kn, an = 0;
		bool has;
		if (!map_entry(d, &fs[i], &kp, &kn, &ap, &an, &has))
			return NULL;
		const char *argname = fe_intern(r->m, (const char *)kp, strnlen((const char *)kp, kn));
		uint32_t nb = has ? (uint32_t)count_fields(d, ap, an, 1) : 0;
		Binding *bs = arena_array(r->a, nb ? nb : 1, sizeof *bs);
		uint32_t j = 0;
		Field g;
		if (has)
			FOR_FIELDS(d, ap, an, g) {
				if (g.num != 1 || !want_len(d, &g))
					continue;
				Binding *bd = &bs[j++];
				bd->value = VALUE_NONE;
				uint32_t which;
				Sub bind;
				if (!oneof_msg(d, g.p, g.n, 2, &which, &bind))
					return NULL;
				const uint8_t *bp = bind.p;
				size_t bn = bind.n;
				if (which == 1) {
					bd->kind = BIND_VALUE;
					bd->value = lookup(d, bp, bn);
					if (bd->value == VALUE_NONE)
						RD_ERR(r, FE_E_NAME, loc, "op '%s' argument '%s' names '%.*s', which "
						       "is not defined before it", kind, argname, (int)bn,
						       (const char *)bp);
				} else if (which == 2) {
					bd->kind = BIND_LIT;
					bd->lit = value(d, bp, bn, loc);
					if (!bd->lit)
						return NULL;
				} else {
					RD_ERR(r, FE_E_NAME, loc, "op '%s' argument '%s' has an empty binding",
					       kind, argname);
					return NULL;
				}
			}
		if (d->bad)
			return NULL;
		Operand o = { argname, nb != 1, nb, bs };
		vec_push(r->a, &ob.args, o);
	}
	/* nested blocks, attributes, then the outputs come into scope */
	for (size_t i = 0; i < nfs; i++) {
		if (fs[i].num != 4)
			continue;
		Block *nb = ir_block_new(f, ob.op, loc);
		if (block(d, f, nb, fs[i].p, fs[i].n, false))
			return NULL;
		ob_block(&ob, nb);
	}
	/* The op's name: the first `name` attribute, read directly when it is
	 * spelled the usual way (then it is also the first string-valued one,
	 * the one ir_op_set_attrs would take). */
	Attr *at = NULL;
	uint32_t k = 0, name_at = 0;
	const char *name = NULL;
	bool seen_name = false;
	if (nattr) {
		at = arena_array(r->a, nattr, sizeof *at);
		for (size_t i = 0; i < nfs; i++) {
			if (fs[i].num != 5)
				continue;
			const uint8_t *kp, *vp = NULL;
			size_t kn, vn = 0;
			bool has;
			if (!seen_name && map_entry(d, &fs[i], &kp, &kn, &vp, &vn, &has) && has &&
			    kn == 4 && memcmp(kp, "name", 4) == 0) {
				seen_name = true;
				if ((name = name_value(d, vp, vn))) {
					name_at = k;
					continue;
				}
			}
			if (attr(d, &fs[i], loc, &at[k]))
				k++;
		}
		if (d->bad)
			return NULL;
	}
	for (size_t i = 0; i < nfs; i++) {
		if (fs[i].num != 3)
			continue;
		const char *vname;
		const Type *t;
		if (!named_type(d, fs[i].p, fs[i].n, loc, &vname, &t))
			return NULL;
		ValueId id = ob_out_kept(&ob, vname, t);     /* vname is an arena copy */
		nt_define(&r->syms, vname, id);
	}
	Op *o = ob_finish(&ob);
	if (name) {
		o->attrs = at;
		o->nattrs = k;
		o->name = name;
		o->name_at = name_at;
	} else {
		ir_op_set_attrs(o, k, at);
	}
	return o;
}

static int resolve_outs(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, SrcLoc loc)
{
	Rd *r = d->r;
	uint32_t count = (uint32_t)count_fields(d, p, n, 2);
	b->nouts = count;
	b->outs = arena_array(r->a, count ? count : 1, sizeof *b->outs);
	b->out_locs = arena_array(r->a, count ? count : 1, sizeof *b->out_locs);
	uint32_t i = 0;
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num != 2 || !want_len(d, &fl))
			continue;
		b->out_locs[i] = loc;
		b->outs[i] = lookup(d, fl.p, fl.n);
		if (b->outs[i] == VALUE_NONE) {
			RD_ERR(r, FE_E_NAME, loc, "block output '%.*s' is not defined in %s", (int)fl.n,
			       (const char *)fl.p, f->name);
			return -1;
		}
		i++;
	}
	return d->bad ? -1 : 0;
}

/* Block {1: inputs, 2: outputs, 3: operations, 4: attributes}.  A
 * function body's parameters are the function's inputs, already there. */
static int block(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body)
{
	Rd *r = d->r;
	SrcLoc loc = pbr_floc(r);
	if (too_deep(d, loc))
		return -1;
	d->depth++;
	int rc = block_in(d, f, b, p, n, is_body, loc);
	d->depth--;
	return rc;
}

static int block_in(Dec *d, Func *f, Block *b, const uint8_t *p, size_t n, bool is_body,
                    SrcLoc loc)
{
	Rd *r = d->r;
	uint32_t mark = is_body ? 0 : nt_mark(&r->syms);
	if (!is_body) {
		uint32_t np = (uint32_t)count_fields(d, p, n, 1);
		b->nparams = np;
		b->params = arena_array(r->a, np ? np : 1, sizeof *b->params);
		uint32_t i = 0;
		Field fl;
		FOR_FIELDS(d, p, n, fl) {
			if (fl.num != 1 || !want_len(d, &fl))
				continue;
			if ((b->params[i] = add_param(d, f, b, fl.p, fl.n, i, loc)) == VALUE_NONE)
				return -1;
			i++;
		}
	}
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num == 3 && want_len(d, &fl) && !op(d, f, b, fl.p, fl.n))
			return -1;
	}
	if (d->bad)
		return -1;
	int rc = resolve_outs(d, f, b, p, n, loc);
	if (!is_body)
		nt_pop(&r->syms, mark);
	return rc;
}

/* Function {1: inputs, 2: opset, 3: block_specializations, 4: attributes} */
static int function(Dec *d, const char *name, const uint8_t *p, size_t n)
{
	Rd *r = d->r;
	SrcLoc loc = pbr_floc(r);
	const char *opset = "";
	Field fl;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num == 2 && want_len(d, &fl))
			opset = str(d, &fl);
	}
	const uint8_t *bp = NULL;
	size_t bn = 0;
	bool found = false;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num != 3 || !want_len(d, &fl))
			continue;
		const uint8_t *kp, *vp = NULL;
		size_t kn, vn = 0;
		bool has;
		if (!map_entry(d, &fl, &kp, &kn, &vp, &vn, &has))
			return -1;
		if (kn == strlen(opset) && memcmp(kp, opset, kn) == 0) {
			found = has;
			bp = vp;
			bn = vn;
		}
	}
	if (d->bad)
		return -1;
	if (!found) {
		RD_ERR(r, FE_E_PROGRAM, loc, "function '%s' has no block for its opset '%s'", name, opset);
		return -1;
	}
	Func *f = ir_func_new(r->m, name, opset, loc);
	attrs(d, p, n, 4, loc, &f->nattrs, &f->attrs);
	uint32_t mark = nt_mark(&r->syms);
	Block *b = f->body;
	uint32_t np = (uint32_t)count_fields(d, p, n, 1);
	b->nparams = np;
	b->params = arena_array(r->a, np ? np : 1, sizeof *b->params);
	uint32_t i = 0;
	FOR_FIELDS(d, p, n, fl) {
		if (fl.num != 1 || !want_len(d, &fl))
			continue;
		if ((b->params[i] = add_param(d, f, b, fl.p, fl.n, i, loc)) == VALUE_NONE)
			return -1;
		i++;
	}
	if (d->bad)
		return -1;
	if (count_fields(d, bp, bn, 1)) {
		RD_ERR(r, FE_E_PROGRAM, loc, "the body block of '%s' declares its own inputs", name);
		return -1;
	}
	int rc = block(d, f, b, bp, bn, true);
	nt_pop(&r->syms, mark);
	return rc;
}

int pbw_program_function_names(Arena *a, const uint8_t *p, size_t n, uint32_t *count,
                               const char ***names)
{
	Rd r = { .a = a };
	Dec d = { .r = &r, .quiet = true };
	uint32_t k = (uint32_t)count_fields(&d, p, n, 2);
	const char **v = arena_array(a, k ? k : 1, sizeof *v);
	uint32_t i = 0;
	Field fl;
	FOR_FIELDS(&d, p, n, fl) {
		if (fl.num != 2 || fl.wt != 2)
			continue;
		const uint8_t *kp, *vp = NULL;
		size_t kn, vn = 0;
		bool has;
		if (!map_entry(&d, &fl, &kp, &kn, &vp, &vn, &has))
			break;
		v[i++] = arena_strndup(a, (const char *)kp, kn);
	}
	*count = i;
	*names = v;
	return d.bad ? -1 : 0;
}

static int read_program(Dec *dp, const uint8_t *p, size_t n, const char *prefix);

int pbw_read_program(Rd *r, const uint8_t *p, size_t n, const char *prefix)
{
	Dec d = { .r = r };
	hmap_init(&d.memo, NULL);
	int rc = read_program(&d, p, n, prefix);
	hmap_fini(&d.memo);
	return rc;
}

static int read_program(Dec *dp, const uint8_t *p, size_t n, const char *prefix)
{
	Rd *r = dp->r;
	SrcLoc loc = pbr_floc(r);
	/* coremltools writes about 120 bytes per op, one name each: size the
	 * name table once instead of doubling it a dozen times */
	nt_reserve(&r->syms, n / 128 > (1u << 19) ? (1u << 19) : (uint32_t)(n / 128));
	if (!prefix)
		attrs(dp, p, n, 4, loc, &r->m->nattrs, &r->m->attrs);
	uint32_t nf = (uint32_t)count_fields(dp, p, n, 2);
	if (dp->bad)
		return -1;
	if (!nf) {
		RD_ERR(r, FE_E_PROGRAM, loc, "ML program has no functions");
		return -1;
	}
	Field fl;
	FOR_FIELDS(dp, p, n, fl) {
		if (fl.num != 2 || !want_len(dp, &fl))
			continue;
		const uint8_t *kp, *vp = NULL;
		size_t kn, vn = 0;
		bool has;
		if (!map_entry(dp, &fl, &kp, &kn, &vp, &vn, &has))
			return -1;
		const char *key = arena_strndup(r->a, (const char *)kp, kn);
		const char *name = !prefix ? key
		                   : nf == 1 ? prefix
		                   : arena_printf(r->a, "%s_%s", prefix, key);
		if (!has) {
			RD_ERR(r, FE_E_PROGRAM, loc, "function '%s' is empty", key);
			return -1;
		}
		if (function(dp, pbr_func_name(r, name), vp, vn))
			return -1;
	}
	return dp->bad ? -1 : 0;
}
