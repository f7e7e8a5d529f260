/*
 * ir.h - the anelint SSA IR, shared by every folder of the library.
 *
 *   Module ─┬─ Arena            (everything below lives here; ir_module_free)
 *           ├─ TypeTable        (interned types: equal types are the same pointer)
 *           ├─ attrs[]          (program attributes, e.g. buildInfo)
 *           └─ Func[] ─┬─ values[]  (every value of the function, ValueId = index)
 *                      ├─ params[]  (ValueIds)
 *                      └─ Block ── Op[] ─┬─ Operand[] ── Binding[] (value or literal)
 *                                        ├─ outs[]    (ValueIds)
 *                                        ├─ attrs[]   (name = literal)
 *                                        └─ Block[]   (cond / while_loop bodies)
 *
 * Values are referred to by integer id into their function's values[] array
 * (QBE's Tmp, libfirm's node_nr).  Ops and blocks are arena objects referred
 * to by pointer.  Nothing here calls free() on IR objects: the module arena
 * is released in one call.  ir/ includes no other folder of the project.
 */
#ifndef ANELINT_IR_H
#define ANELINT_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ arena */

typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *a);
/* Forget everything allocated, keeping one chunk for reuse (scratch use). */
void arena_reset(Arena *a);
/* Zeroed, 8-byte aligned.  Returns NULL only when n is absurd (the caller
 * reports it); allocation failure of sane sizes aborts via ir_die. */
void *arena_alloc(Arena *a, size_t n);
/* The same, not cleared: for memory the caller fills at once. */
void *arena_alloc_raw(Arena *a, size_t n);
/* n * size with overflow check; NULL on overflow. */
void *arena_array(Arena *a, size_t n, size_t size);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Growable array stored in an arena.  Growth doubles and copies; the old
 * storage stays in the arena until the module dies (bounded by 2x). */
#define VEC(T) struct { T *v; uint32_t n, cap; }
void vec_grow_(Arena *a, void **v, uint32_t *cap, size_t elem);
#define vec_push(A, V, X) do { \
	if ((V)->n == (V)->cap) \
		vec_grow_((A), (void **)&(V)->v, &(V)->cap, sizeof *(V)->v); \
	(V)->v[(V)->n++] = (X); } while (0)

/* Internal invariant broken: print and abort.  Never for user errors. */
_Noreturn void ir_die(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define IR_DIE(...) ir_die(__FILE__, __LINE__, __VA_ARGS__)
#define IR_ASSERT(c) ((c) ? (void)0 : IR_DIE("assertion failed: %s", #c))

/* ------------------------------------------------------------------ dtypes */

/* X(enum, text name, bits, class, MIL.proto DataType number)
 * ORDER DTYPE: the proto numbers are facts from spec/protobuf.md §3. */
#define DTYPE_LIST(X) \
	X(DT_BOOL,      "bool",      8, DTC_BOOL,   1) \
	X(DT_STRING,    "string",    0, DTC_STRING, 2) \
	X(DT_FP16,      "fp16",     16, DTC_FLOAT, 10) \
	X(DT_FP32,      "fp32",     32, DTC_FLOAT, 11) \
	X(DT_FP64,      "fp64",     64, DTC_FLOAT, 12) \
	X(DT_BF16,      "bf16",     16, DTC_FLOAT, 13) \
	X(DT_INT8,      "int8",      8, DTC_SINT,  21) \
	X(DT_INT16,     "int16",    16, DTC_SINT,  22) \
	X(DT_INT32,     "int32",    32, DTC_SINT,  23) \
	X(DT_INT64,     "int64",    64, DTC_SINT,  24) \
	X(DT_INT4,      "int4",      4, DTC_SINT,  25) \
	X(DT_UINT8,     "uint8",     8, DTC_UINT,  31) \
	X(DT_UINT16,    "uint16",   16, DTC_UINT,  32) \
	X(DT_UINT32,    "uint32",   32, DTC_UINT,  33) \
	X(DT_UINT64,    "uint64",   64, DTC_UINT,  34) \
	X(DT_UINT4,     "uint4",     4, DTC_UINT,  35) \
	X(DT_UINT2,     "uint2",     2, DTC_UINT,  36) \
	X(DT_UINT1,     "uint1",     1, DTC_UINT,  37) \
	X(DT_UINT6,     "uint6",     6, DTC_UINT,  38) \
	X(DT_UINT3,     "uint3",     3, DTC_UINT,  39) \
	X(DT_FP8E4M3FN, "fp8e4m3fn", 8, DTC_FLOAT, 40) \
	X(DT_FP8E5M2,   "fp8e5m2",   8, DTC_FLOAT, 41)

typedef enum DType {
#define X(e, name, bits, cls, pb) e,
	DTYPE_LIST(X)
#undef X
	DT_COUNT
} DType;

typedef enum DTypeClass { DTC_BOOL, DTC_STRING, DTC_FLOAT, DTC_SINT, DTC_UINT } DTypeClass;

typedef struct DTypeInfo {
	const char *name;
	unsigned bits;          /* storage bits in a weight blob; 0 for string */
	DTypeClass cls;
	int pb;                 /* MIL.proto DataType number */
	unsigned elem_size;     /* bytes per element in an IR literal (sub-byte: 1) */
} DTypeInfo;

extern const DTypeInfo dtype_info[DT_COUNT];
/* Returns DT_COUNT when the name is not a dtype. */
DType dtype_from_name(const char *name, size_t len);
DType dtype_from_pb(int pb);
static inline const char *dtype_name(DType d) { return dtype_info[d].name; }
static inline bool dtype_is_float(DType d) { return dtype_info[d].cls == DTC_FLOAT; }
static inline bool dtype_is_int(DType d)
{
	return dtype_info[d].cls == DTC_SINT || dtype_info[d].cls == DTC_UINT;
}

/* ------------------------------------------------------------------ types */

typedef enum DimKind { DIM_CONST, DIM_SYM, DIM_UNKNOWN } DimKind;

/* A dimension: a known size, a symbol (an interned name or expression such
 * as "is0 + 2"), or unknown ("?"). */
typedef struct Dim {
	DimKind kind;
	int64_t size;           /* DIM_CONST */
	const char *sym;        /* DIM_SYM, interned in the type table */
} Dim;

typedef enum TypeKind {
	TY_TENSOR,              /* rank 0 is a scalar */
	TY_LIST,
	TY_TUPLE,
	TY_DICT,
	TY_STATE,
	TY_TENSOR_BUFFER,       /* runtime-specialised I/O, mil-text.md §6 */
} TypeKind;

typedef struct Type Type;

/* A tensor_buffer's `key=[dims]` lists, kept in source order. */
typedef struct TypeField {
	const char *key;
	uint32_t n;
	const Dim *dims;
} TypeField;

struct Type {
	TypeKind kind;
	uint32_t hash;
	/* TY_TENSOR, TY_TENSOR_BUFFER */
	DType dt;
	int32_t rank;           /* -1: unknown rank */
	const Dim *dims;        /* rank entries */
	/* TY_TENSOR_BUFFER: every field incl. shape (dims above mirror it) */
	uint32_t nfields;
	const TypeField *fields;
	/* TY_LIST: elem, len;  TY_STATE: elem;  TY_DICT: key, elem */
	const Type *elem;
	const Type *key;
	Dim len;
	/* TY_TUPLE */
	uint32_t nelems;
	const Type *const *elems;
};

typedef struct TypeTable TypeTable;

TypeTable *type_table_new(Arena *a);
/* Release the table's heap arrays (the types stay in the arena). */
void type_table_free(TypeTable *t);
/* Constructors intern: equal types come back as the same pointer.  Dims,
 * fields and elements are copied; TypeField keys and DIM_SYM names must
 * come from type_intern_sym. */
const Type *type_tensor(TypeTable *t, DType dt, int32_t rank, const Dim *dims);
const Type *type_scalar(TypeTable *t, DType dt);
const Type *type_tensor_buffer(TypeTable *t, DType dt, uint32_t nfields,
                               const TypeField *fields);
const Type *type_list(TypeTable *t, const Type *elem, Dim len);
const Type *type_tuple(TypeTable *t, uint32_t n, const Type *const *elems);
const Type *type_dict(TypeTable *t, const Type *key, const Type *val);
const Type *type_state(TypeTable *t, const Type *wrapped);
const char *type_intern_sym(TypeTable *t, const char *s, size_t len);
static inline Dim dim_const(int64_t n) { return (Dim){ DIM_CONST, n, NULL }; }
static inline Dim dim_unknown(void) { return (Dim){ DIM_UNKNOWN, 0, NULL }; }
bool dim_equal(Dim a, Dim b);
/* Element count of a tensor type, -1 if any dim is not known, or on overflow. */
int64_t type_numel(const Type *t);
/* Bytes of n elements of dt packed to dtype_info[dt].bits, as weight blobs
 * store them: ceil(n * bits / 8), so sub-byte dtypes share bytes
 * (bundles-and-blobs.md).  -1 when n < 0, for a dtype without a fixed size
 * (string), or on overflow. */
int64_t ir_packed_bytes(int64_t n, DType dt);
/* The storage bytes of a tensor or tensor_buffer type (a state: of its
 * tensor): ir_packed_bytes(type_numel(t), t->dt); -1 when t is none of
 * these, its shape is not known, or its dtype is string. */
int64_t ir_tensor_bytes(const Type *t);
static inline bool type_is_scalar(const Type *t)
{
	return t->kind == TY_TENSOR && t->rank == 0;
}

/* ------------------------------------------------------------------ locations */

/* file:line:col for text.  For protobuf, line is 0, `func` names the
 * function and col is the op's position in it: printed "file:func:op N". */
typedef struct SrcLoc {
	const char *file;
	const char *func;
	uint32_t line, col;
} SrcLoc;

/* ------------------------------------------------------------------ literals */

typedef enum LitKind {
	LIT_TENSOR,             /* immediate tensor (rank 0 = scalar) */
	LIT_BLOB,               /* BLOBFILE(path, offset) with a tensor type */
	LIT_LIST,
	LIT_TUPLE,
	LIT_DICT,
} LitKind;

/* A typed constant.  Tensor payloads are stored flat in row-major order in
 * the element storage of their dtype (dtype_info[].elem_size): fp16/bf16 as
 * IEEE bit patterns, sub-byte integers one per byte, bool as 0/1 bytes,
 * string as `const char *` (NUL-terminated, UTF-8).  The data may be
 * unaligned (it can point into a model file's bytes): read it with
 * lit_elem_* or memcpy. */
typedef struct Lit Lit;
struct Lit {
	LitKind kind;
	const Type *type;
	union {
		struct { int64_t count; const void *data; } tensor;
		struct { const char *path; uint64_t offset; } blob;
		/* list, tuple: n items; dict: n pairs as items[2i], items[2i+1] */
		struct { uint32_t n; const Lit *const *items; } seq;
	} u;
};

/* Element i of a tensor literal as a double / int64 (any numeric dtype). */
double lit_elem_f64(const Lit *l, int64_t i);
int64_t lit_elem_i64(const Lit *l, int64_t i);
const char *lit_elem_str(const Lit *l, int64_t i);
/* The scalar string in a rank-0 string literal, or NULL. */
const char *lit_as_string(const Lit *l);

/* Value conversions between host numbers and stored dtypes. */
uint16_t fp16_from_f64(double x);
double fp16_to_f64(uint16_t h);
uint16_t bf16_from_f64(double x);
double bf16_to_f64(uint16_t h);
uint8_t fp8e4m3fn_from_f64(double x);
double fp8e4m3fn_to_f64(uint8_t b);
uint8_t fp8e5m2_from_f64(double x);
double fp8e5m2_to_f64(uint8_t b);

/* ------------------------------------------------------------------ ops, values */

typedef uint32_t ValueId;
#define VALUE_NONE UINT32_MAX

typedef struct Op Op;
typedef struct Block Block;
typedef struct Func Func;
typedef struct Module Module;

typedef struct Use {
	Op *op;
	uint32_t operand;       /* index into op->args */
} Use;

typedef struct Value {
	const char *name;
	const Type *type;       /* as declared by the source; inference may refine */
	Op *def;                /* NULL for function and block parameters */
	uint32_t def_index;     /* output index in def, or parameter index */
	Block *block;           /* the block that defines it (params: its body) */
	uint32_t line, col;     /* where it is declared; see ir_value_loc */
	uint32_t nuses;         /* filled by ir_fill_uses */
	Use *uses;
} Value;

typedef enum BindingKind { BIND_VALUE, BIND_LIT } BindingKind;

typedef struct Binding {
	BindingKind kind;
	ValueId value;
	const Lit *lit;
} Binding;

/* `name = x`, `name = int32(1)` or `name = (a, b, c)`.  is_tuple records
 * the parenthesised form; protobuf arguments with n != 1 bindings set it. */
typedef struct Operand {
	const char *name;
	bool is_tuple;
	uint32_t n;
	Binding *b;
} Operand;

typedef struct Attr {
	const char *name;
	const Lit *val;
} Attr;

typedef struct OpInfo OpInfo;   /* the op catalogue's row (ir/op_catalogue) */

struct Op {
	const char *kind;       /* the MIL op type as written: "conv", "const", ... */
	const char *name;       /* its `name` attribute (a string), kept apart from
	                         * attrs[]; NULL when absent.  See ir_op_name. */
	const char *opset;      /* per-op `<ios17>` suffix, or NULL */
	const OpInfo *info;     /* catalogue row, or NULL when unknown / not resolved */
	Operand *args;
	ValueId *outs;
	Attr *attrs;
	Block **blocks;
	Block *parent;
	uint32_t nargs, nouts, nattrs, nblocks;
	uint32_t name_at;       /* where `name` stood among the attributes */
	uint32_t index;         /* position in the function, in walk order; passes
	                         * keep their annotations in side tables by index */
	SrcLoc loc;
};

struct Block {
	uint32_t nparams;
	ValueId *params;
	uint32_t nops, ops_cap;
	Op **ops;
	uint32_t nouts;
	ValueId *outs;
	SrcLoc *out_locs;       /* where each output name was written */
	Op *parent_op;          /* NULL for a function body */
	Func *func;
	SrcLoc loc;
};

struct Func {
	const char *name;
	const char *opset;      /* as written: "ios16", "CoreML8", ... */
	uint32_t nattrs;
	Attr *attrs;
	Block *body;            /* params are body->params, results body->outs */
	/* Every value, id = index; stored in fixed chunks so that growth never
	 * copies and a Value * stays valid.  Use ir_value(f, id). */
	struct { Value **chunks; uint32_t n, nchunks; } values;
	uint32_t nops;          /* ops in all blocks, walk order */
	Op **op_table;          /* by Op.index, nops entries: see ir_func_op_table */
	uint32_t op_table_cap;
	SrcLoc loc;
	Module *module;
};

/* Syntax generation of the MIL text, mil-text.md §3: it decides how the
 * printer spells scalar types (`tensor<int32, []>` vs `int32`). */
typedef enum MilSyntax { MIL_SYNTAX_OLD, MIL_SYNTAX_NEW } MilSyntax;

typedef struct ModelDesc ModelDesc;   /* ir/model_desc.h: the model's interface */
typedef struct DiagList DiagList;

/* Weight bytes are read lazily: the frontend that built the module installs
 * a resolver; passes and the runtime ask through ir_blob_bytes. */
typedef const void *(*BlobResolver)(Module *m, const Lit *blob, uint64_t *nbytes,
                                    DiagList *dl);

typedef struct Finalizer {
	void (*fn)(void *ctx);
	void *ctx;
} Finalizer;

struct Module {
	Arena *arena;
	TypeTable *types;
	const char *file;       /* where it was read from */
	const char *model_path; /* the folder `@model_path` names, or NULL */
	const char *version;    /* program(VERSION) as written */
	MilSyntax syntax;
	uint32_t nattrs;
	Attr *attrs;
	VEC(Func *) funcs;
	ModelDesc *desc;        /* NULL for bare MIL text */
	BlobResolver blob_resolver;
	void *blob_ctx;
	VEC(Finalizer) finalizers;  /* run by ir_module_free, last first */
};

Module *ir_module_new(const char *file);
void ir_module_free(Module *m);
/* Run fn(ctx) when the module is freed (unmapping files and the like). */
void ir_module_on_free(Module *m, void (*fn)(void *), void *ctx);
/* The bytes of a LIT_BLOB literal; NULL with a diagnostic when they cannot
 * be had (no resolver, file absent, bad record). */
const void *ir_blob_bytes(Module *m, const Lit *blob, uint64_t *nbytes, DiagList *dl);
Func *ir_module_find_func(const Module *m, const char *name);

/* Builders.  The frontends call these; names are interned in the arena. */
Func *ir_func_new(Module *m, const char *name, const char *opset, SrcLoc loc);
Block *ir_block_new(Func *f, Op *parent_op, SrcLoc loc);
ValueId ir_value_new(Func *f, const char *name, const Type *type, Block *b, SrcLoc loc);
enum { VALUE_CHUNK_BITS = 10, VALUE_CHUNK = 1u << VALUE_CHUNK_BITS };
static inline Value *ir_value(const Func *f, ValueId id)
{
	return &f->values.chunks[id >> VALUE_CHUNK_BITS][id & (VALUE_CHUNK - 1)];
}
/* A new op appended to block b (its ops are in order of creation). */
/* Where a value is declared, in the function's file. */
SrcLoc ir_value_loc(const Func *f, ValueId id);
Op *ir_op_new(Func *f, Block *b, const char *kind, SrcLoc loc);
/* A new nested block appended to op's blocks. */
Block *ir_op_add_block(Op *op, SrcLoc loc);

/* Give an op its attributes; a string `name` attribute becomes op->name
 * (printed back at its place).  attrs must live as long as the op. */
void ir_op_set_attrs(Op *op, uint32_t n, Attr *attrs);
/* Attribute lookup by name; NULL when absent (an op's `name` is op->name). */
const Lit *ir_attr_find(uint32_t n, const Attr *attrs, const char *name);
/* Operand lookup by name; NULL when absent. */
const Operand *ir_op_operand(const Op *op, const char *name);
/* The op's MIL name: its `name` attribute, else its first output's name. */
const char *ir_op_name(const Func *f, const Op *op);

/* Walk every op of a function in order, nested blocks after their op's
 * header (the printer's order).  Returns the first non-zero callback result. */
typedef int (*OpVisitor)(Func *f, Op *op, void *ctx);
int ir_walk_ops(Func *f, OpVisitor fn, void *ctx);

/* Recompute every value's use list, every op's walk index (Op.index) and
 * the function's op table. */
void ir_fill_uses(Func *f);
/* The function's ops by Op.index (f->nops entries, walk order), built by
 * ir_fill_uses: side tables indexed by Op.index map back to ops here.
 * NULL before the first ir_fill_uses or for a function without ops. */
static inline Op *const *ir_func_op_table(const Func *f)
{
	return f->nops ? f->op_table : NULL;
}

/* ------------------------------------------------------------------ diagnostics */

typedef enum Severity { SEV_NOTE, SEV_WARNING, SEV_ERROR } Severity;

typedef struct Diag {
	Severity sev;
	const char *code;       /* stable rule code, e.g. "E0102", or NULL */
	SrcLoc loc;
	const Op *op;           /* valid while the module lives; the copies below outlive it */
	const char *op_name;    /* the op's MIL name (ir_op_name), or NULL */
	const char *op_kind;    /* its type, e.g. "conv", or NULL */
	const char *func;       /* its function, or NULL */
	const char *msg;
	const char *hint;
} Diag;

/* Collected diagnostics; the strings live in the list's own arena, so the
 * list outlives any module it describes. */
struct DiagList {
	Arena *arena;
	VEC(Diag) d;
	uint32_t nerrors, nwarnings;
	uint32_t max_errors;    /* 0: unlimited; past it errors are counted only */
};

void diag_init(DiagList *dl);
void diag_fini(DiagList *dl);
Diag *diag_add(DiagList *dl, Severity sev, const char *code, SrcLoc loc,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Tie a diagnostic to an op: keeps the op and copies of its name, kind and
 * function name (for emitters that run after the module is gone). */
void diag_set_op(DiagList *dl, Diag *d, const Func *f, const Op *op);
/* Format one diagnostic as `file:line:col: error[CODE]: msg` into buf. */
int diag_format(const Diag *d, char *buf, size_t n);
void diag_print_all(const DiagList *dl, FILE *out);

/* ------------------------------------------------------------------ verifier, printer */

/* Single definition, defined before use, every name resolves, block
 * scoping, types present.  Adds diagnostics; returns the number of errors. */
int ir_verify(Module *m, DiagList *dl);

/* Annotation hook: the printer calls it after each op line to append a
 * trailing comment (passes use it); may be NULL. */
typedef void (*OpAnnotator)(void *ctx, const Func *f, const Op *op, FILE *out);

typedef struct PrintOpts {
	OpAnnotator annotate;
	void *annotate_ctx;
} PrintOpts;

/* Print the module as MIL text (model.mil syntax). */
void ir_print_module(const Module *m, FILE *out, const PrintOpts *opts);
void ir_print_type(const Module *m, const Type *t, FILE *out);
void ir_print_lit(const Module *m, const Lit *l, FILE *out);


#endif
