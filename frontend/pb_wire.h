/*
 * pb_wire.h - reading protobuf wire format, for the ML-program reader
 * (pb_program.c: functions, blocks, ops; pb_value.c: types and values).
 *
 * Wire format: each field is a varint key (number << 3 | wire type) then
 * a varint (0), 8 bytes (1), a varint length and that many bytes (2), or
 * 4 bytes (5).  Unknown fields are skipped; a known field with the wrong
 * wire type, a truncated field or a group is malformed, as for protobuf-c;
 * a field given twice counts once, the last (protobuf-c would merge two
 * messages).  Nesting of blocks, composite types and values is bounded
 * (pw_too_deep); the rest of the model was bounded before (pb_elide.c).
 */
#ifndef ANELINT_FRONTEND_PB_WIRE_H
#define ANELINT_FRONTEND_PB_WIRE_H

#include "frontend/pb_int.h"
#include "ir/hash.h"

#include <string.h>

/* Bytes left to read. */
typedef struct W {
	const uint8_t *p, *end;
} W;

/* One field as read: its number, wire type and value or bytes. */
typedef struct Field {
	uint32_t num, wt;
	uint64_t v;             /* wire types 0, 1, 5 */
	const uint8_t *p;       /* wire type 2 */
	size_t n;
} Field;

/* The decoder of one program. */
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

/* A length-delimited field of a message: where its bytes are, if any. */
typedef struct Sub {
	const uint8_t *p;
	size_t n;
	bool present;
} Sub;

/* pb_wire.c */
void pw_malformed(Dec *d);
char *pw_str(Dec *d, const Field *f);
bool pw_too_deep(Dec *d, SrcLoc loc);

static inline W wire(const uint8_t *p, size_t n)
{
	return (W){ p, p + n };
}

static inline bool varint(W *w, uint64_t *v)
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

/* The next field of a message, reporting malformed bytes; false at the
 * end, on error, and once anything was malformed. */
static inline bool step(Dec *d, W *w, Field *f)
{
	if (d->bad)
		return false;
	int rc = next(w, f);
	if (rc < 0)
		pw_malformed(d);
	return rc > 0;
}

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
/* for each field f of the message at p[0..n) */
#define FOR_FIELDS(d, p, n, f) \
	for (W CAT(w_, __LINE__) = wire((p), (n)); step((d), &CAT(w_, __LINE__), &(f));)

/* Known fields must have their wire type: length-delimited, varint. */
static inline bool pw_want_len(Dec *d, const Field *f)
{
	if (f->wt == 2)
		return true;
	pw_malformed(d);
	return false;
}

static inline bool pw_want_varint(Dec *d, const Field *f)
{
	if (f->wt == 0)
		return true;
	pw_malformed(d);
	return false;
}

static inline int pw_count_fields(Dec *d, const uint8_t *p, size_t n, uint32_t num)
{
	int k = 0;
	Field f;
	FOR_FIELDS(d, p, n, f) {
		k += f.num == num;
	}
	return k;
}

/* A map entry {1: key (string), 2: value (message)}. */
static inline bool pw_map_entry(Dec *d, const Field *e, const uint8_t **kp, size_t *kn,
                  const uint8_t **vp, size_t *vn, bool *has_value)
{
	*kp = (const uint8_t *)"";
	*kn = 0;
	*has_value = false;
	Field f;
	FOR_FIELDS(d, e->p, e->n, f) {
		if (f.num == 1 && pw_want_len(d, &f)) {
			*kp = f.p;
			*kn = f.n;
		} else if (f.num == 2 && pw_want_len(d, &f)) {
			*vp = f.p;
			*vn = f.n;
			*has_value = true;
		}
	}
	return !d->bad;
}

/* The last field 1 and field 2 of p[0..n) (ListType, DictionaryType,
 * StateType, KeyValuePair); false on malformed bytes. */
static inline bool pw_two_subs(Dec *d, const uint8_t *p, size_t n, Sub s[2])
{
	s[0] = s[1] = (Sub){ NULL, 0, false };
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if ((f.num == 1 || f.num == 2) && pw_want_len(d, &f))
			s[f.num - 1] = (Sub){ f.p, f.n, true };
	}
	return !d->bad;
}

/* The last of the length-delimited fields 1..last of p[0..n) (a oneof of
 * messages): its number, 0 when none is set; false on malformed bytes. */
static inline bool pw_oneof_msg(Dec *d, const uint8_t *p, size_t n, uint32_t last, uint32_t *which,
                  Sub *sub)
{
	*which = 0;
	*sub = (Sub){ NULL, 0, false };
	Field f;
	FOR_FIELDS(d, p, n, f) {
		if (f.num >= 1 && f.num <= last && pw_want_len(d, &f)) {
			*which = f.num;
			*sub = (Sub){ f.p, f.n, true };
		}
	}
	return !d->bad;
}

/* pb_value.c: a ValueType (present: the enclosing message has one), a
 * Value, one map<string, Value> entry and the entries of fields `num` as
 * attributes, and an op name spelled the usual way (NULL otherwise). */
bool pw_attr(Dec *d, const Field *e, SrcLoc loc, Attr *out);
const Type *pw_vtype(Dec *d, const uint8_t *p, size_t n, bool present, SrcLoc loc);
const Lit *pw_value(Dec *d, const uint8_t *p, size_t n, SrcLoc loc);
const char *pw_name_value(Dec *d, const uint8_t *p, size_t n);
void pw_attrs(Dec *d, const uint8_t *p, size_t n, uint32_t num, SrcLoc loc,
              uint32_t *nout, Attr **out);

#endif
