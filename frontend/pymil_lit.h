/*
 * pymil_lit.h - the Python literals of coremltools' printout (pymil_lit.c),
 * for pymil_text.c: read as written, then typed from context.
 */
#ifndef ANELINT_FRONTEND_PYMIL_LIT_H
#define ANELINT_FRONTEND_PYMIL_LIT_H

#include "frontend/pymil_lex.h"

enum {
	PYMIL_MAX_DEPTH = 64,   /* nested blocks, nested list literals */
	PYMIL_MAX_RANK = 32,
};

/* A Python literal as read, before it gets a dtype. */
typedef enum PyKind { PY_INT, PY_FLOAT, PY_BOOL, PY_STR, PY_LIST, PY_NONE } PyKind;

typedef struct PyLit PyLit;
struct PyLit {
	PyKind kind;
	uint32_t line, col;
	int64_t i;              /* PY_INT, PY_BOOL */
	double f;               /* PY_FLOAT */
	const char *s;          /* PY_STR */
	uint32_t n;             /* PY_LIST */
	PyLit **items;
};

/* The reader's state a literal needs: the lexer (errors stop it), the
 * module (types, arena), a scratch arena for the literal as read, and the
 * nesting depth shared with blocks. */
typedef struct PyLitCtx {
	PyLex *lx;
	Module *m;
	Arena *scratch;
	int *depth;
} PyLitCtx;

/* A literal at the current token: int, float, bool, string, None, or a
 * list / tuple of them; NULL after an error. */
PyLit *pylit_parse(PyLitCtx *c);
/* The IR literal of l: of dtype ctx when the context tells one (DT_COUNT:
 * it does not) and the values fit it, else of the repr's dtype kept
 * within the dtypes of mask (a bitset of DType; 0: any). */
const Lit *pylit_make(PyLitCtx *c, const PyLit *l, DType ctx, uint32_t mask);

#endif
