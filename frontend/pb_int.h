/*
 * pb_int.h - what the protobuf reader's two files share (private to
 * pb_reader.c and pb_program.c).
 *
 * pb_reader.c unpacks a Model with protobuf-c and builds IR from the
 * generated structs.  The ML program of a top-level mlProgram model (the
 * bulk of the bytes: every op, type and immediate value) is decoded
 * straight from the wire by pb_program.c instead, without protobuf-c's
 * intermediate structs; what is rare there (list/tuple/dict values and
 * types) goes back to pb_reader.c through the *_bytes functions below.
 * Both paths give the same IR and the same diagnostics.
 */
#ifndef ANELINT_FRONTEND_PB_INT_H
#define ANELINT_FRONTEND_PB_INT_H

#include "frontend/frontend.h"
#include "frontend/irbuild.h"

/* A neural-network weight payload left out of protobuf-c's unpack: where
 * it is in the model's bytes, and which WeightParams field it was (1
 * floatValue, 2 float16Value, 30 rawValue, 31 int8RawValue). */
typedef struct PbWeightRef {
	const uint8_t *p;
	size_t n;
	uint32_t field;
} PbWeightRef;

typedef struct Rd {
	Module *m;
	Arena *a;
	DiagList *dl;
	const char *file;
	uint32_t nerr;
	NameTab syms;
	VEC(const char *) fnames;       /* function names taken */
	/* the top-level model's ML program, decoded from the wire */
	const void *wire_stub;          /* pm->mlprogram stands for it */
	const uint8_t *wire_prog;
	size_t wire_len;
	/* weight payloads, referenced where they are (pb_reader.c pbr_weight) */
	VEC(PbWeightRef) wrefs;
	bool keep_bytes;                /* the bytes live as long as the module */
} Rd;

/* Deepest message nesting read (protobuf-c recurses per level).  The wire
 * decoder counts its own levels; a value or type inside a program starts
 * at about PBR_PROGRAM_DEPTH levels. */
enum { PBR_MAX_DEPTH = 200, PBR_PROGRAM_DEPTH = 8 };

#define RD_ERR(r, code, loc, ...) \
	((r)->nerr++, diag_add((r)->dl, SEV_ERROR, code, loc, __VA_ARGS__))

/* Where a function-level problem is: the file. */
static inline SrcLoc pbr_floc(const Rd *r)
{
	return (SrcLoc){ .file = r->file };
}

/* A function name not used yet in this module. */
const char *pbr_func_name(Rd *r, const char *want);

/* An immediate tensor's payload, whichever decoder found it: `field` is
 * the TensorValue oneof number (0: none, 1 floats, 2 ints, 3 bools,
 * 4 strings, 5 longInts, 6 doubles, 7 bytes); `v` points at n elements of
 * float, int32_t, uint8_t (0/1), const char *, int64_t, double, or at n
 * bytes.  The memory must live as long as the module (numbers may be
 * stored without a copy). */
typedef struct PbTensorPayload {
	int field;
	size_t n;
	const void *v;
} PbTensorPayload;

const Lit *pbr_tensor_value(Rd *r, const Type *t, const PbTensorPayload *tp, SrcLoc loc);
/* A serialized ValueType / Value, unpacked with protobuf-c and read. */
const Type *pbr_vtype_bytes(Rd *r, const uint8_t *p, size_t n, SrcLoc loc);
const Lit *pbr_value_bytes(Rd *r, const uint8_t *p, size_t n, SrcLoc loc);

/* fe_read_protobuf with every ML program read from protobuf-c's unpacked
 * structs (tests compare the two paths). */
Module *pbr_read_protobuf_unpacked(const char *file, const void *data, size_t len,
                                   const char *model_path, const char *format, DiagList *dl);

/* pb_program.c: a serialized MILSpec.Program into r->m, as read_program
 * does from the unpacked struct.  0, or -1 with diagnostics. */
int pbw_read_program(Rd *r, const uint8_t *p, size_t n, const char *prefix);
/* The keys of a serialized Program's functions map, in order (arena
 * strings); -1 when the bytes do not decode. */
int pbw_program_function_names(Arena *a, const uint8_t *p, size_t n, uint32_t *count,
                               const char ***names);

#endif
