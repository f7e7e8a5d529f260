/*
 * pymil_lex.h - the tokens of coremltools' printed Program form ("pymil",
 * spec/mil-text.md §9), for pymil_text.c's parser.
 */
#ifndef ANELINT_FRONTEND_PYMIL_LEX_H
#define ANELINT_FRONTEND_PYMIL_LEX_H

#include "ir/ir.h"

typedef enum TokKind {
	T_EOF, T_IDENT, T_VAR, T_INT, T_FLOAT, T_STRING, T_OPAQUE, T_ARROW, T_PUNCT,
} TokKind;

typedef struct Tok {
	TokKind kind;
	char c;                 /* T_PUNCT */
	const char *s;          /* IDENT, VAR (without '%'), OPAQUE: into the text;
	                         * STRING: decoded, NUL-terminated, module arena */
	size_t n;
	uint64_t mag;           /* T_INT magnitude */
	bool neg;
	double f;               /* T_FLOAT */
	uint32_t line, col;
} Tok;

/* The lexer over one printout held in memory; the first error stops it
 * (and the parser: `failed`). */
typedef struct PyLex {
	const char *file;
	DiagList *dl;
	Arena *arena;           /* decoded strings live here (the module's) */
	const char *src;
	size_t len;
	size_t pos;
	uint32_t line, col;
	Tok tok;                /* the current token */
	bool failed;
} PyLex;


/* The first error of a read, at line:col (later ones are dropped). */
void pyl_error(PyLex *lx, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define PYL_TOK_ERR(lx, ...) pyl_error((lx), (lx)->tok.line, (lx)->tok.col, __VA_ARGS__)

/* Advance to the next token (T_EOF at the end and after an error). */
void pyl_next(PyLex *lx);
/* The token after the current one, without consuming anything. */
Tok pyl_peek(PyLex *lx);
/* The current token, for messages. */
const char *pyl_tok_what(const PyLex *lx, char *buf, size_t n);
bool pyl_is_punct(const PyLex *lx, char c);
/* Consume punctuation c if it is the current token. */
bool pyl_accept(PyLex *lx, char c);
/* Consume punctuation c, or report what was found instead. */
bool pyl_expect(PyLex *lx, char c, const char *where);
bool pyl_tok_is_word(const PyLex *lx, const char *w);
/* A copy of the current IDENT / VAR text in the arena. */
const char *pyl_tok_name(PyLex *lx);

#endif
