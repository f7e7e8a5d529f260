/*
 * irbuild.h - helpers the frontend readers share to build IR: a scoped
 * name table, an op builder that collects operands, outputs and
 * attributes, and constructors for common literals.  No protobuf here.
 */
#ifndef ANELINT_FRONTEND_IRBUILD_H
#define ANELINT_FRONTEND_IRBUILD_H

#include "ir/hash.h"
#include "ir/ir.h"
#include "ir/model_desc.h"

/* ---- scoped names: define, look up, and drop back to a mark ---- */

typedef struct NameEnt {
	const char *name;
	ValueId id;
	int32_t prev;           /* the entry this one shadows, or -1 */
} NameEnt;

typedef struct NameTab {
	Arena *a;
	VEC(NameEnt) stack;
	HashMap visible;        /* name -> 1 + stack index of its visible entry (0: none) */
} NameTab;

void nt_init(NameTab *s, Arena *a);
/* Room for about n names without growing (a hint; may be ignored). */
void nt_reserve(NameTab *s, uint32_t n);
void nt_define(NameTab *s, const char *name, ValueId id);
ValueId nt_lookup(const NameTab *s, const char *name);     /* VALUE_NONE */
static inline uint32_t nt_mark(const NameTab *s) { return s->stack.n; }
void nt_pop(NameTab *s, uint32_t mark);

/* ---- building one op ---- */

typedef struct OpBuild {
	Func *f;
	Block *b;
	Op *op;
	VEC(Operand) args;
	VEC(ValueId) outs;
	VEC(Attr) attrs;
	VEC(Block *) blocks;
} OpBuild;

/* s[0..n) interned in the module (type_intern_sym): equal strings, one
 * pointer.  Op kinds, operand and attribute names are stored so. */
const char *fe_intern(Module *m, const char *s, size_t n);

/* Start an op in block b (ir_op_new appends it; ob_finish fills it in). */
void ob_start(OpBuild *ob, Func *f, Block *b, const char *kind, SrcLoc loc);
/* Room for nargs operands and nouts outputs (exact sizes, when known). */
void ob_reserve(OpBuild *ob, uint32_t nargs, uint32_t nouts);
void ob_value(OpBuild *ob, const char *name, ValueId v);
void ob_lit(OpBuild *ob, const char *name, const Lit *l);
/* A tuple-bound operand `name = (v0, v1, ...)`. */
void ob_values(OpBuild *ob, const char *name, uint32_t n, const ValueId *v);
/* A new output value; returns its id. */
ValueId ob_out(OpBuild *ob, const char *name, const Type *t);
/* The same for a name already in the module arena (not copied). */
ValueId ob_out_kept(OpBuild *ob, const char *name, const Type *t);
void ob_attr(OpBuild *ob, const char *name, const Lit *l);
void ob_block(OpBuild *ob, Block *blk);
/* Store the collected arrays in the op and return it; the caller appends
 * it to its block's op list. */
Op *ob_finish(OpBuild *ob);

/* The ops a reader made for a block, in order; blk_done checks them
 * against the block (ir_op_new appends ops to their block). */
typedef struct OpList {
	VEC(Op *) ops;
} OpList;
void blk_done(Arena *a, Block *b, OpList *l);

/* ---- literals (all in the module arena) ---- */

const Lit *fe_lit_tensor(Module *m, const Type *t, int64_t count, const void *data);
/* A list, tuple or dict literal (dict: n counts pairs, items alternate
 * key and value). */
const Lit *fe_lit_seq(Module *m, LitKind kind, const Type *t, uint32_t n, const Lit **items);
const Lit *fe_lit_scalar_i32(Module *m, int32_t v);
const Lit *fe_lit_scalar_i64(Module *m, int64_t v);
const Lit *fe_lit_scalar_f32(Module *m, float v);
const Lit *fe_lit_scalar_bool(Module *m, bool v);
const Lit *fe_lit_scalar_str(Module *m, const char *s);
const Lit *fe_lit_vec_i32(Module *m, uint32_t n, const int64_t *v);
const Lit *fe_lit_vec_f32(Module *m, uint32_t n, const float *v);
const Lit *fe_lit_vec_str(Module *m, uint32_t n, const char *const *v);
const Lit *fe_lit_vec_i64(Module *m, uint32_t n, const int64_t *v);

/* ---- model interface -> IR types ---- */

/* The tensor type a feature stands for: multiarray by its default shape
 * (flexible dims unknown), image as [1, C, H, W], int64/double/string as
 * scalars, dictionary, sequence (list) and state types. */
const Type *feature_ir_type(Module *m, const FeatureDesc *fd);

/* A name that is a MIL identifier ([A-Za-z_][A-Za-z0-9_@]*). */
bool is_identifier(const char *s);

#endif
