/*
 * pb_int.h - what the protobuf reader's files share (private to the pb_*.c
 * files); pb_spec.h adds what needs the protobuf-c generated types.
 *
 * pb_reader.c unpacks a Model with protobuf-c (pb_elide.c) and walks its
 * kinds.  Every ML program (the bulk of the bytes: every op, type and
 * immediate value) is left out of that unpack and decoded straight from
 * its bytes by pb_program.c, the one reader of ML programs.
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

/* Bytes of the model being read. */
typedef struct PbBytes {
	const uint8_t *p;
	size_t n;
} PbBytes;

typedef struct Rd {
	Module *m;
	Arena *a;
	DiagList *dl;
	const char *file;
	uint32_t nerr;
	NameTab syms;
	VEC(const char *) fnames;       /* function names taken */
	/* left out of protobuf-c's unpack (pb_elide.c): the ML programs and
	 * the weight payloads, referenced where they are in the model's bytes */
	VEC(PbBytes) progs;
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

/* pb_func.c: opening a function. */
const char *pbr_dup(Rd *r, const char *s);
/* A function name not used yet in this module. */
const char *pbr_func_name(Rd *r, const char *want);
/* A MIL identifier for a feature or layer name (e.g. "50" -> "_50"). */
const char *pbr_vname(Rd *r, const char *orig);
/* The MIL opset a model's spec version implies. */
const char *pbr_spec_opset(const ModelDesc *d);
/* The function's parameters from its described inputs. */
void pbr_desc_params(Rd *r, Func *f, const FuncDesc *fd);

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

/* pb_tensor.c */
const Lit *pbr_tensor_value(Rd *r, const Type *t, const PbTensorPayload *tp, SrcLoc loc);

/* pb_program.c: a serialized MILSpec.Program into r->m; `prefix` names
 * its functions inside a pipeline.  0, or -1 with diagnostics. */
int pbw_read_program(Rd *r, const uint8_t *p, size_t n, const char *prefix);
/* The keys of a serialized Program's functions map, in order (arena
 * strings); -1 when the bytes do not decode. */
int pbw_program_function_names(Arena *a, const uint8_t *p, size_t n, uint32_t *count,
                               const char ***names);

#endif
