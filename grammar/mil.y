/* mil.y - the MIL text grammar (model.mil, both syntax generations, and the
 * hand-written variants of spec/mil-text.md).  Pure and reentrant, with
 * locations; `error ';'` lets one run report several errors.  Actions only
 * collect syntax; frontend/mil_text.c gives it meaning. */
%code requires {
#include "frontend/mil_parse.h"
#define MIL_YYLTYPE_IS_DECLARED 1
typedef MilLoc MIL_YYLTYPE;
/* A rule is where its first symbol is (an empty one: where the previous
 * symbol is). */
#define YYLLOC_DEFAULT(Cur, Rhs, N) ((Cur) = YYRHSLOC((Rhs), (N) ? 1 : 0))
}

%code {
#include <string.h>
static void mil_yyerror(MIL_YYLTYPE *l, MilParser *p, const char *msg);
int mil_yylex(MIL_YYSTYPE *lval, MIL_YYLTYPE *lloc, void *scanner);
#define mil_yylex(v, l, p) mil_yylex((v), (l), (p)->scanner)
#define L(l) (l)
static RawLit *raw(MilParser *p, RawKind k, MIL_YYLTYPE l)
{
	RawLit *r = mil_scratch(p, sizeof *r);
	r->kind = k;
	r->loc = L(l);
	return r;
}
static RawLit *raw_seq(MilParser *p, RawKind k, RawSeq s, MIL_YYLTYPE l)
{
	RawLit *r = raw(p, k, l);
	r->n = s.n;
	r->items = s.v;
	return r;
}
}

%define api.pure full
%define api.prefix {mil_yy}
%define parse.error custom
%locations
%parse-param {MilParser *p}
%lex-param {MilParser *p}
%initial-action {
	@$.line = 1;
	@$.col = 1;
}

%union {
	MilStr str;
	MilInt ival;
	double fval;
	TyExpr *ty;
	TyArg *tyarg;
	struct { uint32_t n, cap; TyArg *v; } tyargs;
	struct { uint32_t n, cap; Dim *v; } dims;
	Dim dim;
	RawLit *raw;
	RawSeq seq;
	RawArg *arg;
	struct { RawArg *head, *tail; } args;
	ArgItem *item;
	struct { uint32_t n, cap; ArgItem *v; } items;
	const Lit *lit;
	const Type *type;
	AttrNode *attr;
	struct { AttrNode *head, *tail; } attrs;
	Decl *decl;
	struct { Decl *head, *tail; } decls;
	NameRef *name;
	struct { NameRef *head, *tail; } names;
	Op *op;
}

%token <str> IDENT "identifier" STRING "string"
%token <ival> INT "integer"
%token <fval> FLOAT "number"
%token ARROW "'->'"
%token <type> TYPE "type"
%token <str> STRLIT "string literal"
%token <raw> NUMLIST "list of numbers"

%type <ty> tyexpr
%type <tyarg> tyarg
%type <tyargs> tyargs
%type <dims> dims dims_opt
%type <dim> dim
%type <raw> elem ctorarg
%type <seq> elems elems_opt dict_entries dict_opt
%type <lit> literal
%type <arg> arg
%type <args> args args_opt
%type <item> argitem
%type <items> argitems
%type <attr> attr
%type <attrs> attr_list attrs_opt
%type <decl> decl
%type <decls> decls params_opt results
%type <name> name
%type <names> names names_opt
%type <op> stmt_head
%type <str> version

%%

program
	: IDENT '(' version ')' attrs_opt
	                    { mil_program(p, $1, $3, L(@1), $5.head); }
	  '{' funcs '}'     { mil_program_end(p); }
	;

version
	: INT               { $$ = (MilStr){ mil_intern(p, p->num_text, strlen(p->num_text)), 0 }; }
	| FLOAT             { $$ = (MilStr){ mil_intern(p, p->num_text, strlen(p->num_text)), 0 }; }
	;

funcs
	: %empty
	| funcs func
	;

func
	: IDENT IDENT '<' IDENT '>' '(' params_opt ')' attrs_opt
	                    { mil_func_begin(p, $1, $2, $4, $7.head, $9.head, L(@2)); }
	  '{' stmts '}' ARROW '(' names_opt ')' ';'
	                    { mil_func_end(p, $16.head, L(@13)); }
	;

params_opt
	: %empty            { $$.head = $$.tail = NULL; }
	| decls
	;

decls
	: decl              { $$.head = $$.tail = $1; }
	| decls ',' decl    { $$ = $1; $$.tail->next = $3; $$.tail = $3; }
	;

decl
	: tyexpr IDENT      { $$ = mil_decl(p, $1, $2, L(@2)); }
	;

stmts
	: %empty
	| stmts stmt
	;

stmt
	: stmt_head blocks ';'
	                    { mil_op_end(p, $1, L(@1)); }
	| error ';'         { mil_stmt_error(p); yyerrok; }
	;

/* The op is built before its nested blocks are read, so that they can
 * attach to it; its outputs become visible after the blocks. */
stmt_head
	: results '=' tyexpr '(' args_opt ')' attrs_opt
	                    { $$ = mil_op_begin(p, $1.head, $3, $5.head, $7.head, L(@3)); }
	| tyexpr '(' args_opt ')' attrs_opt
	                    { $$ = mil_op_begin(p, NULL, $1, $3.head, $5.head, L(@1)); }
	;

results
	: decl              { $$.head = $$.tail = $1; }
	| results ',' decl  { $$ = $1; $$.tail->next = $3; $$.tail = $3; }
	;

blocks
	: %empty
	| blocks block
	;

block
	: block_head '{' stmts '}' ARROW '(' names_opt ')'
	                    { mil_block_end(p, $7.head, L(@5)); }
	;

block_head
	: %empty            { mil_block_begin(p, NULL, NULL, L(@$)); }
	| '(' params_opt ')'
	                    { mil_block_begin(p, NULL, $2.head, L(@1)); }
	;

names_opt
	: %empty            { $$.head = $$.tail = NULL; }
	| names
	;

names
	: name              { $$.head = $$.tail = $1; }
	| names ',' name    { $$ = $1; $$.tail->next = $3; $$.tail = $3; }
	;

name
	: IDENT             {
		$$ = mil_scratch(p, sizeof *$$);
		$$->name = $1.s;
		$$->loc = L(@1);
	}
	;

args_opt
	: %empty            { $$.head = $$.tail = NULL; }
	| args
	;

args
	: arg               { $$.head = $$.tail = $1; }
	| args ',' arg      { $$ = $1; $$.tail->next = $3; $$.tail = $3; }
	;

arg
	: IDENT '=' argitem {
		$$ = mil_scratch(p, sizeof *$$);
		$$->name = $1.s;
		$$->loc = L(@1);
		$$->n = 1;
		$$->items = $3;
	}
	| IDENT '=' '(' argitems ')' {
		$$ = mil_scratch(p, sizeof *$$);
		$$->name = $1.s;
		$$->loc = L(@1);
		$$->is_tuple = true;
		$$->n = $4.n;
		$$->items = $4.v;
	}
	;

argitems
	: argitem           {
		$$.n = 0; $$.cap = 0; $$.v = NULL;
		vec_grow_(p->scratch, (void **)&$$.v, &$$.cap, sizeof *$$.v);
		$$.v[$$.n++] = *$1;
	}
	| argitems ',' argitem {
		$$ = $1;
		if ($$.n == $$.cap)
			vec_grow_(p->scratch, (void **)&$$.v, &$$.cap, sizeof *$$.v);
		$$.v[$$.n++] = *$3;
	}
	;

argitem
	: IDENT             {
		$$ = mil_scratch(p, sizeof *$$);
		*$$ = (ArgItem){ .ref = $1.s, .loc = L(@1) };
	}
	| literal           {
		$$ = mil_scratch(p, sizeof *$$);
		*$$ = (ArgItem){ .is_lit = true, .lit = $1, .loc = L(@1) };
	}
	;

attrs_opt
	: %empty            { $$.head = $$.tail = NULL; }
	| '[' ']'           { $$.head = $$.tail = NULL; }
	| '[' attr_list ']' { $$ = $2; }
	;

attr_list
	: attr              { $$.head = $$.tail = $1; }
	| attr_list ',' attr
	                    { $$ = $1; $$.tail->next = $3; $$.tail = $3; }
	;

/* An op's `name` literal is only read for its string (Op.name), so it is
 * built in scratch memory: one allocation less per op. */
attr
	: IDENT '='         { p->lit_scratch = p->func && strcmp($1.s, "name") == 0; }
	  literal           { p->lit_scratch = false; $$ = mil_attr(p, $1, $4, L(@1)); }
	;

/* Anything shaped `name` or `name<args>`: a type, an op with an opset
 * suffix, a literal's constructor. */
tyexpr
	: TYPE              {
		$$ = mil_scratch(p, sizeof *$$);
		$$->resolved = $1;
		$$->name = "tensor";
		$$->loc = L(@1);
		$$->has_args = true;
	}
	| IDENT             {
		$$ = mil_scratch(p, sizeof *$$);
		$$->name = $1.s;
		$$->loc = L(@1);
	}
	| IDENT '<' tyargs '>' {
		$$ = mil_scratch(p, sizeof *$$);
		$$->name = $1.s;
		$$->loc = L(@1);
		$$->has_args = true;
		$$->nargs = $3.n;
		$$->args = $3.v;
	}
	;

tyargs
	: tyarg             {
		$$.n = 0; $$.cap = 0; $$.v = NULL;
		vec_grow_(p->scratch, (void **)&$$.v, &$$.cap, sizeof *$$.v);
		$$.v[$$.n++] = *$1;
	}
	| tyargs ',' tyarg  {
		$$ = $1;
		if ($$.n == $$.cap)
			vec_grow_(p->scratch, (void **)&$$.v, &$$.cap, sizeof *$$.v);
		$$.v[$$.n++] = *$3;
	}
	;

tyarg
	: tyexpr            { $$ = mil_scratch(p, sizeof *$$); $$->kind = TA_TYPE; $$->type = $1; $$->loc = L(@1); }
	| '[' dims_opt ']'  { $$ = mil_scratch(p, sizeof *$$); $$->kind = TA_DIMS; $$->ndims = $2.n; $$->dims = $2.v; $$->loc = L(@1); }
	| INT               { $$ = mil_scratch(p, sizeof *$$); $$->kind = TA_INT; $$->i = $1; $$->loc = L(@1); }
	| '?'               { $$ = mil_scratch(p, sizeof *$$); $$->kind = TA_UNKNOWN; $$->loc = L(@1); }
	| '*'               { $$ = mil_scratch(p, sizeof *$$); $$->kind = TA_STAR; $$->loc = L(@1); }
	| IDENT '=' '[' dims_opt ']' {
		$$ = mil_scratch(p, sizeof *$$);
		$$->kind = TA_FIELD;
		$$->key = $1.s;
		$$->ndims = $4.n;
		$$->dims = $4.v;
		$$->loc = L(@1);
	}
	;

dims_opt
	: %empty            { $$.n = 0; $$.cap = 0; $$.v = NULL; }
	| dims
	;

dims
	: dim               {
		$$.n = 0; $$.cap = 0; $$.v = NULL;
		vec_grow_(p->scratch, (void **)&$$.v, &$$.cap, sizeof *$$.v);
		$$.v[$$.n++] = $1;
	}
	| dims ',' dim      {
		$$ = $1;
		if ($$.n == $$.cap)
			vec_grow_(p->scratch, (void **)&$$.v, &$$.cap, sizeof *$$.v);
		$$.v[$$.n++] = $3;
	}
	;

dim
	: INT               {
		if ($1.neg || $1.overflow || $1.mag > (uint64_t)INT64_MAX) {
			mil_error(p, L(@1), "dimension '%s' is not a size", p->num_text);
			$$ = dim_unknown();
		} else {
			$$ = dim_const((int64_t)$1.mag);
		}
	}
	| '?'               { $$ = dim_unknown(); }
	| IDENT             { $$ = (Dim){ DIM_SYM, 0, type_intern_sym(p->m->types, $1.s, $1.len) }; }
	;

literal
	: tyexpr '(' ctorarg ')'
	                    { $$ = mil_literal(p, $1, $3, L(@1)); }
	| STRLIT            { $$ = mil_string_literal(p, $1, L(@1)); }
	| tyexpr NUMLIST    { $$ = mil_literal(p, $1, $2, L(@1)); }
	;

ctorarg
	: elem
	| IDENT '(' args_opt ')' {
		$$ = raw(p, RAW_BLOB, @1);
		$$->s = $1.s;
		$$->blob_args = $3.head;
	}
	;

elem
	: INT               { $$ = raw(p, RAW_INT, @1); $$->i = $1; }
	| FLOAT             { $$ = raw(p, RAW_FLOAT, @1); $$->f = $1; }
	| STRING            { $$ = raw(p, RAW_STRING, @1); $$->s = $1.s; }
	| IDENT             { $$ = raw(p, RAW_WORD, @1); $$->s = $1.s; }
	| '[' elems_opt ']' { $$ = raw_seq(p, RAW_LIST, $2, @1); }
	| '(' elems ')'     { $$ = raw_seq(p, RAW_TUPLE, $2, @1); }
	| '{' dict_opt '}'  { $$ = raw_seq(p, RAW_DICT, $2, @1); }
	;

elems_opt
	: %empty            { $$ = (RawSeq){ 0 }; }
	| elems
	;

elems
	: elem              { $$ = (RawSeq){ 0 }; rawseq_push(p, &$$, $1); }
	| elems ',' elem    { $$ = $1; rawseq_push(p, &$$, $3); }
	;

dict_opt
	: %empty            { $$ = (RawSeq){ 0 }; }
	| dict_entries
	;

dict_entries
	: '{' elem ',' elem '}'
	                    { $$ = (RawSeq){ 0 }; rawseq_push(p, &$$, $2); rawseq_push(p, &$$, $4); }
	| dict_entries ',' '{' elem ',' elem '}'
	                    { $$ = $1; rawseq_push(p, &$$, $4); rawseq_push(p, &$$, $6); }
	;

%%

static const char *token_text(MilParser *p, yysymbol_kind_t k, char *buf, size_t n)
{
	if (k == YYSYMBOL_YYEOF)
		return "end of file";
	int len = p->last_len > 40 ? 40 : p->last_len;
	const char *more = p->last_len > 40 ? "..." : "";
	if (k == YYSYMBOL_IDENT || k == YYSYMBOL_INT || k == YYSYMBOL_FLOAT)
		snprintf(buf, n, "%s '%.*s%s'", yysymbol_name(k), len, p->last_tok, more);
	else if (k == YYSYMBOL_STRING)
		snprintf(buf, n, "string %.*s%s", len, p->last_tok, more);
	else
		snprintf(buf, n, "%s", yysymbol_name(k));
	return buf;
}

/* "expected ';' or ',', found identifier 'foo'" */
static int yyreport_syntax_error(const yypcontext_t *ctx, MilParser *p)
{
	if (p->fatal)
		return 0;
	enum { MAX_EXPECTED = 6 };
	yysymbol_kind_t expected[MAX_EXPECTED];
	int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
	yysymbol_kind_t found = yypcontext_token(ctx);
	const MIL_YYLTYPE *l = yypcontext_location(ctx);
	char buf[128], exp[256] = "";
	const char *what = token_text(p, found, buf, sizeof buf);
	if (found == YYSYMBOL_YYEOF && l->line == 1 && l->col == 1) {
		mil_error(p, L(*l), "empty input: expected 'program(VERSION) { ... }'");
		return 0;
	}
	for (int i = 0; i < n && n > 0; i++) {
		size_t len = strlen(exp);
		snprintf(exp + len, sizeof exp - len, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
		         yysymbol_name(expected[i]));
	}
	if (n > 0)
		mil_error(p, L(*l), "expected %s, found %s", exp, what);
	else
		mil_error(p, L(*l), "unexpected %s", what);
	return 0;
}

static void mil_yyerror(MIL_YYLTYPE *l, MilParser *p, const char *msg)
{
	if (!p->fatal)
		mil_error(p, L(*l), "%s", strcmp(msg, "memory exhausted") == 0
		          ? "input nested too deeply" : msg);
}
