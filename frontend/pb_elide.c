/*
 * pb_elide.c - the bytes of a Model handed to protobuf-c, rewritten so
 * that what is large is not unpacked: every ML program (top-level or in a
 * pipeline) and every neural-network weight payload.
 *
 * protobuf-c builds a struct for every message it meets, into the module
 * arena.  An ML program is read straight from its bytes by pb_program.c,
 * and weight payloads are referenced where they lie, so both are left out
 * of the unpack and replaced by a mark that says where they are.  What
 * this rewrite cannot handle (malformed bytes, a singular message given
 * twice, which protobuf-c merges) is unpacked as it is: a program is then
 * packed again from protobuf-c's struct for pb_program.c, and weights are
 * read from the struct (pbr_weight serves both).
 *
 * Facts: spec/protobuf.md, spec/protobuf-neuralnetwork.md.
 */
#include "frontend/bytebuf.h"
#include "frontend/pb_spec.h"

#include <stdlib.h>
#include <string.h>

/* protobuf-c initialises what it allocates (as over plain malloc). */
static void *pb_alloc(void *arena, size_t size)
{
	return arena_alloc_raw(arena, size);
}

static void pb_free(void *arena, void *p)
{
	(void)arena;
	(void)p;
}

/* The varint at p[*i..n), *i moved past it; false where the bytes end
 * inside it or it runs past 64 bits. */
static bool rd_varint(const uint8_t *p, size_t n, size_t *i, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0; *i < n && shift <= 63; shift += 7) {
		uint8_t b = p[(*i)++];
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

/* protobuf-c recurses once per nested message; a hostile file could nest
 * deep enough to exhaust the stack.  Walk the wire format with the schema
 * first and refuse nesting beyond MAX_DEPTH.  Malformed bytes are left for
 * the real unpack to report.  Returns the depth reached, -1 past the cap. */
static int wire_depth(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                      int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	size_t i = 0;
	while (i < n) {
		uint64_t key;
		if (!rd_varint(p, n, &i, &key))
			return 0;
		switch (key & 7) {
		case 0:
			while (i < n && (p[i] & 0x80))
				i++;
			if (i++ >= n)
				return 0;
			break;
		case 1:
			if (n - i < 8)
				return 0;
			i += 8;
			break;
		case 5:
			if (n - i < 4)
				return 0;
			i += 4;
			break;
		case 2: {
			uint64_t len;
			if (!rd_varint(p, n, &i, &len) || len > n - i)
				return 0;
			uint32_t fno = (uint32_t)(key >> 3);
			const ProtobufCFieldDescriptor *f =
				fno == key >> 3 ? protobuf_c_message_descriptor_get_field(d, fno) : NULL;
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
			    wire_depth(f->descriptor, p + i, (size_t)len, depth + 1) < 0)
				return -1;
			i += (size_t)len;
			break;
		}
		default:
			return 0;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ the rewrite
 *
 * A neural network's weights are nearly all of its bytes, and protobuf-c
 * would copy every WeightParams payload into the arena (megabytes of fresh
 * pages); an ML program is nearly all of an ML model's bytes.  So the
 * bytes handed to protobuf-c are first rewritten: each weight payload
 * (floatValue packed, float16Value, rawValue, int8RawValue) becomes an
 * unknown field MARK holding the index of a PbWeightRef that points at the
 * payload in the original bytes; each Model's mlProgram becomes a stub
 * Program that holds only its function names (what the description
 * needs) and a MARK holding the index of its bytes in r->progs.  The
 * rewrite walks every message field with the schema, so it also bounds
 * the nesting as wire_depth does.  Nested messages it rewrites get a
 * 5-byte length (a padded varint, which decoders accept). */
enum { MARK = 0x1fffffff };     /* the largest field number: no schema uses it */

typedef struct Elide {
	Rd *r;
	ByteBuf out;            /* the rewritten bytes */
	bool too_deep;
} Elide;

static void el_put(Elide *e, const void *p, size_t n)
{
	bb_put(&e->out, p, n);
}

static void el_varint(Elide *e, uint64_t v)
{
	uint8_t b[10];
	size_t k = 0;
	for (; v >= 0x80; v >>= 7)
		b[k++] = (uint8_t)(v | 0x80);
	b[k++] = (uint8_t)v;
	el_put(e, b, k);
}

/* A length-delimited body begins: room for its length, filled by el_close. */
static size_t el_open(Elide *e)
{
	static const uint8_t pad[5];
	size_t at = e->out.n;
	el_put(e, pad, sizeof pad);
	return at;
}

static int el_close(Elide *e, size_t at)
{
	size_t len = e->out.n - at - 5;
	if (len > INT32_MAX)
		return -1;
	for (int k = 0; k < 5; k++)
		e->out.p[at + k] = (uint8_t)(((len >> (7 * k)) & 0x7f) | (k < 4 ? 0x80 : 0));
	return 0;
}

/* In place of a Program's bytes: Program{functions: {name: (none)}...,
 * MARK: index of the bytes in r->progs}.  -1 when its function names do
 * not decode (the plain unpack says what is wrong). */
static int program_stub(Elide *e, const uint8_t *p, size_t n)
{
	Rd *r = e->r;
	uint32_t nf;
	const char **names;
	if (pbw_program_function_names(r->a, p, n, &nf, &names))
		return -1;
	for (uint32_t i = 0; i < nf; i++) {
		size_t len = strlen(names[i]);
		el_varint(e, 2 << 3 | 2);       /* functions: map entry */
		size_t at = el_open(e);
		el_varint(e, 1 << 3 | 2);       /* its key */
		el_varint(e, len);
		el_put(e, names[i], len);
		if (el_close(e, at))
			return -1;
	}
	PbBytes prog = { p, n };
	vec_push(r->a, &r->progs, prog);
	el_varint(e, (uint64_t)MARK << 3);
	el_varint(e, r->progs.n - 1);
	return 0;
}

/* The index an unknown field holds when it is one of our marks. */
static bool mark_index(const ProtobufCMessageUnknownField *u, size_t limit, size_t *idx)
{
	size_t k = 0;
	uint64_t v;
	if (u->tag != MARK || u->wire_type != PROTOBUF_C_WIRE_TYPE_VARINT ||
	    !rd_varint(u->data, u->len, &k, &v) || v >= limit)
		return false;
	*idx = (size_t)v;
	return true;
}

static bool is_payload(uint64_t fno)
{
	return fno == 1 || fno == 2 || fno == 30 || fno == 31;
}

/* A WeightParams whose payload fields occur at most once each: only its
 * payloads are left out (a repeated field joins or replaces). */
static bool payloads_once(const uint8_t *p, size_t n)
{
	unsigned seen = 0;
	size_t i = 0;
	while (i < n) {
		uint64_t key, v;
		if (!rd_varint(p, n, &i, &key))
			return false;
		switch (key & 7) {
		case 0:
			if (!rd_varint(p, n, &i, &v))
				return false;
			break;
		case 1:
		case 5: {
			size_t k = (key & 7) == 1 ? 8 : 4;
			if (n - i < k)
				return false;
			i += k;
			break;
		}
		case 2:
			if (!rd_varint(p, n, &i, &v) || v > n - i)
				return false;
			i += (size_t)v;
			break;
		default:
			return false;
		}
		if (is_payload(key >> 3)) {
			uint64_t f = key >> 3;
			unsigned bit = f == 1 ? 1 : f == 2 ? 2 : f == 30 ? 4 : 8;
			if (seen & bit)
				return false;
			seen |= bit;
		}
	}
	return true;
}

/* Copy the message p[0..n) of type d into e->out, payloads left out.
 * -1: not for this path (malformed, merged messages, too deep). */
static int elide_msg(Elide *e, const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                     int depth)
{
	if (depth > MAX_DEPTH) {
		e->too_deep = true;
		return -1;
	}
	bool weights = d == &SPECD(weight_params);
	bool elide = weights && payloads_once(p, n);
	uint32_t singular[32];
	unsigned nsingular = 0;
	size_t i = 0, run = 0;  /* p[run..) is copied as it is, when the next change comes */
	while (i < n) {
		size_t start = i;
		uint64_t key, v;
		if (!rd_varint(p, n, &i, &key))
			return -1;
		size_t key_end = i;
		uint64_t fno = key >> 3;
		switch (key & 7) {
		case 0:
			if (!rd_varint(p, n, &i, &v))
				return -1;
			break;
		case 1:
		case 5: {
			size_t k = (key & 7) == 1 ? 8 : 4;
			if (n - i < k)
				return -1;
			i += k;
			break;
		}
		case 2: {
			if (!rd_varint(p, n, &i, &v) || v > n - i)
				return -1;
			const uint8_t *body = p + i;
			i += (size_t)v;
			if (elide && is_payload(fno) && v && !(fno == 1 && v % 4)) {
				PbWeightRef ref = { body, (size_t)v, (uint32_t)fno };
				vec_push(e->r->a, &e->r->wrefs, ref);
				el_put(e, p + run, start - run);
				run = i;
				el_varint(e, (uint64_t)MARK << 3);
				el_varint(e, e->r->wrefs.n - 1);
				continue;
			}
			const ProtobufCFieldDescriptor *f =
				fno <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)fno)
				                  : NULL;
			if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
				break;
			if (f->label != PROTOBUF_C_LABEL_REPEATED) {
				for (unsigned k = 0; k < nsingular; k++)
					if (singular[k] == fno)
						return -1;
				if (nsingular == sizeof singular / sizeof *singular)
					return -1;
				singular[nsingular++] = (uint32_t)fno;
			}
			el_put(e, p + run, key_end - run);
			run = i;
			size_t at = el_open(e);
			bool program = d == &SPECD(model) && fno == SPECC(MODEL__TYPE_ML_PROGRAM);
			if (program ? program_stub(e, body, (size_t)v)
			            : elide_msg(e, f->descriptor, body, (size_t)v, depth + 1))
				return -1;
			if (el_close(e, at))
				return -1;
			continue;
		}
		default:
			return -1;
		}
		if (weights && fno == MARK) {
			el_put(e, p + run, start - run);    /* the input's own: ours are the only marks */
			run = i;
		}
	}
	el_put(e, p + run, n - run);
	return 0;
}

/* The payloads of w (see above). */
void pbr_weight(Rd *r, const SPEC(WeightParams) *w, PbWeight *out)
{
	*out = (PbWeight){ w->n_floatvalue, w->floatvalue, w->float16value, w->rawvalue,
	                   w->int8rawvalue, false };
	for (unsigned i = 0; i < w->base.n_unknown_fields; i++) {
		size_t idx;
		if (!mark_index(&w->base.unknown_fields[i], r->wrefs.n, &idx))
			continue;
		const PbWeightRef *ref = &r->wrefs.v[idx];
		const uint8_t *data = ref->p;
		out->in_place = true;
		ProtobufCBinaryData b = { ref->n, (uint8_t *)data };
		switch (ref->field) {
		case 1: out->nfloats = ref->n / 4; out->floats = data; break;
		case 2: out->f16 = b; break;
		case 30: out->raw = b; break;
		default: out->int8 = b; break;
		}
	}
}

const void *pbr_weight_keep(Rd *r, const PbWeight *pw, const void *data, size_t n)
{
	if (!pw->in_place || r->keep_bytes)
		return data;
	/* the caller's bytes die with the read: the literal needs a copy */
	void *c = arena_alloc(r->a, n);
	if (!c)
		IR_DIE("out of memory");
	memcpy(c, data, n);
	return c;
}
/* The bytes of a Model's ML program: where the rewrite found them, or
 * packed again from protobuf-c's struct (then *owned holds them). */
const uint8_t *pbr_program_bytes(Rd *r, const MILS(Program) *pp, size_t *n, uint8_t **owned)
{
	*owned = NULL;
	for (unsigned i = 0; i < pp->base.n_unknown_fields; i++) {
		size_t idx;
		if (mark_index(&pp->base.unknown_fields[i], r->progs.n, &idx)) {
			*n = r->progs.v[idx].n;
			return r->progs.v[idx].p;
		}
	}
	*n = protobuf_c_message_get_packed_size(&pp->base);
	*owned = malloc(*n ? *n : 1);
	if (!*owned)
		IR_DIE("out of memory");
	protobuf_c_message_pack(&pp->base, *owned);
	return *owned;
}

/* ------------------------------------------------------------ the unpack */

/* The Model, unpacked from the rewritten bytes, or (what the rewrite
 * leaves) from the bytes as they are; NULL when they do not decode, with
 * *too_deep when they nest past MAX_DEPTH. */
PbModel *pbr_unpack_model(Rd *r, const uint8_t *data, size_t len, bool *too_deep)
{
	ProtobufCAllocator alloc = { pb_alloc, pb_free, r->a };
	Elide e = { .r = r };
	PbModel *pm = NULL;
	if (elide_msg(&e, &SPECD(model), data, len, 0) == 0) {
		pm = core_ml__specification__model__unpack(&alloc, e.out.n, e.out.p ? e.out.p : data);
	} else if (e.too_deep) {
		*too_deep = true;
	} else {
		r->wrefs.n = 0;
		r->progs.n = 0;
		if (wire_depth(&SPECD(model), data, len, 0) < 0)
			*too_deep = true;
		else
			pm = core_ml__specification__model__unpack(&alloc, len, data);
	}
	free(e.out.p);
	return pm;
}
