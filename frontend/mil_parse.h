/*
 * mil_parse.h - what the MIL text grammar (grammar/mil.y), its lexer
 * (grammar/mil.l) and the IR builders behind them (frontend/mil_text.c)
 * share.  Private to those three files.
 *
 * The grammar is deliberately loose about types and literals: it builds a
 * small syntax tree (TyExpr for anything that looks like `name<args>`,
 * RawLit for the payload inside a constructor's parentheses) in a scratch
 * arena, and the builders give it meaning with proper messages
 * ("unknown dtype 'fp17'", "tensor<fp32, [4]> literal has 3 elements").
 * That keeps the LALR(1) grammar free of conflicts between types, op calls
 * with an opset suffix and context-sensitive keywords (`state`, `list`,
 * `tensor` are also legal value names).
 */
#ifndef ANELINT_MIL_PARSE_H
#define ANELINT_MIL_PARSE_H

#include "ir/hash.h"
#include "ir/ir.h"

/* Where a token or rule starts (bison's location type, kept to two ints:
 * every location is copied on each shift and reduction). */
typedef struct MilLoc {
	int line, col;
} MilLoc;

/* Deepest nesting of brackets, parentheses, braces and angle brackets the
 * parser accepts; deeper input is refused before any recursion. */
enum { MIL_MAX_DEPTH = 256 };

typedef struct MilInt {
	uint64_t mag;
	bool neg;
	bool overflow;
} MilInt;

typedef struct MilStr {
	const char *s;          /* interned (identifiers) or arena copy (strings) */
	uint32_t len;
} MilStr;

/* `name`, `name<arg, ...>`: a type or an op's head before the arguments. */
typedef enum TyArgKind { TA_TYPE, TA_DIMS, TA_INT, TA_UNKNOWN, TA_STAR, TA_FIELD } TyArgKind;

typedef struct TyExpr TyExpr;
typedef struct TyArg {
	TyArgKind kind;
	MilLoc loc;
	TyExpr *type;           /* TA_TYPE */
	MilInt i;               /* TA_INT */
	const char *key;        /* TA_FIELD: key=[dims] */
	uint32_t ndims;         /* TA_DIMS, TA_FIELD */
	Dim *dims;
} TyArg;

struct TyExpr {
	const Type *resolved;   /* set when the lexer read the whole type (TYPE) */
	const char *name;
	MilLoc loc;
	bool has_args;          /* `name<...>` rather than `name` */
	uint32_t nargs;
	TyArg *args;
};

typedef enum RawKind {
	RAW_INT, RAW_FLOAT, RAW_STRING, RAW_WORD,   /* WORD: true, false, inf, nan */
	RAW_LIST, RAW_TUPLE, RAW_DICT, RAW_BLOB,
} RawKind;

typedef struct RawLit RawLit;
typedef struct RawArg RawArg;

struct RawLit {                 /* kept small: one per scalar of a literal */
	RawKind kind;
	MilLoc loc;
	union {
		MilInt i;                       /* RAW_INT */
		double f;                       /* RAW_FLOAT */
		struct {
			const char *s;          /* RAW_STRING, RAW_WORD, RAW_BLOB's name */
			RawArg *blob_args;      /* RAW_BLOB: path = ..., offset = ... */
		};
		struct {
			uint32_t n;             /* items (dict: 2 per entry) */
			RawLit **items;
		};
	};
};

/* One `name = value` inside an op call or BLOBFILE(...). */
typedef struct ArgItem {
	bool is_lit;
	const char *ref;        /* a value name */
	const Lit *lit;
	MilLoc loc;
} ArgItem;

struct RawArg {
	const char *name;
	MilLoc loc;
	bool is_tuple;
	uint32_t n;
	ArgItem *items;
	RawArg *next;
};

typedef struct AttrNode {
	Attr attr;
	MilLoc loc;
	struct AttrNode *next;
} AttrNode;

/* `T name` in results and parameter lists. */
typedef struct Decl {
	const Type *type;
	const char *name;
	MilLoc loc;
	struct Decl *next;
} Decl;

typedef struct NameRef {
	const char *name;
	MilLoc loc;
	struct NameRef *next;
} NameRef;

/* Scratch sequences built by left-recursive rules: items appended in order. */
typedef struct RawSeq {
	uint32_t n, cap;
	RawLit **v;
} RawSeq;

typedef struct MilParser {
	Module *m;
	DiagList *dl;
	const char *file;
	Arena *scratch;         /* syntax trees; reset after each statement */
	Func *func;             /* function being parsed */
	Block *block;           /* innermost open block */
	Op *cur_op;             /* the op whose nested blocks are being read */
	uint32_t block_errors;  /* blocks opened without an op (after errors) */
	HashMap syms;           /* interned name -> ValueId (u32), current function */
	HashMap tcache;         /* interned `tensor<fp16, [1, 64]>` spelling -> type */
	uint32_t nerrors;
	bool fatal;             /* stop: nesting too deep, input not text */
	bool saw_bare_scalar;   /* new-generation scalar spelling seen */
	bool lit_scratch;       /* build the next literal's tensor in scratch */
	int depth;              /* open brackets, for MIL_MAX_DEPTH */
	const char *last_tok;   /* the last token, for "found ..." (flex's buffer) */
	int last_len;
	int line, col;          /* the lexer's position: where the next token starts */
	char num_text[32];      /* the last number's spelling (program version) */
	const char *dtype_names[DT_COUNT];  /* interned, to look dtypes up by pointer */
	void *scanner;
} MilParser;

/* Set up a parser for module m (fe_parse_mil_text's first step). */
void mil_parser_init(MilParser *p, Module *m, DiagList *dl);
void mil_parser_fini(MilParser *p);

/* Error at a location (counts toward nerrors). */
void mil_error(MilParser *p, MilLoc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
SrcLoc mil_srcloc(const MilParser *p, MilLoc loc);

/* Builders called from grammar actions (frontend/mil_text.c). */
void mil_program(MilParser *p, MilStr kw, MilStr version, MilLoc loc, AttrNode *attrs);
void mil_program_end(MilParser *p);
void mil_func_begin(MilParser *p, MilStr kw, MilStr name, MilStr opset, Decl *params,
                    AttrNode *attrs, MilLoc loc);
void mil_func_end(MilParser *p, NameRef *outs, MilLoc loc);
Op *mil_op_begin(MilParser *p, Decl *results, TyExpr *head, RawArg *args,
                 AttrNode *attrs, MilLoc loc);
void mil_op_end(MilParser *p, Op *op, MilLoc loc);
void mil_block_begin(MilParser *p, Op *op, Decl *params, MilLoc loc);
void mil_block_end(MilParser *p, NameRef *outs, MilLoc loc);
void mil_stmt_error(MilParser *p);

const Type *mil_type(MilParser *p, TyExpr *t);
const Lit *mil_literal(MilParser *p, TyExpr *t, RawLit *raw, MilLoc loc);
/* `string("...")` read as one token. */
const Lit *mil_string_literal(MilParser *p, MilStr s, MilLoc loc);
AttrNode *mil_attr(MilParser *p, MilStr name, const Lit *val, MilLoc loc);
Decl *mil_decl(MilParser *p, TyExpr *t, MilStr name, MilLoc loc);
const char *mil_intern(MilParser *p, const char *s, size_t len);
/* A plain tensor type read as one token; NULL (reported) if malformed. */
const Type *mil_tensor_token(MilParser *p, const char *text, size_t len, MilLoc loc);

void *mil_scratch(MilParser *p, size_t n);
void rawseq_push(MilParser *p, RawSeq *s, RawLit *x);

#endif
