/* test_lexer.c - the flex scanner alone: token kinds, values and
 * line:column locations, number classification, and lexical errors. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "frontend/mil_parse.h"
#include "mil.tab.h"

void mil_yyset_in(FILE *in, void *scanner);
int mil_yylex(MIL_YYSTYPE *lval, MIL_YYLTYPE *lloc, void *scanner);

typedef struct Lexed {
	int tok;
	MIL_YYSTYPE val;
	MilLoc loc;
} Lexed;

typedef struct Lexer {
	MilParser p;
	DiagList dl;
	FILE *in;
} Lexer;

static void lex_open(Lexer *lx, const char *text, size_t n)
{
	memset(lx, 0, sizeof *lx);
	diag_init(&lx->dl);
	mil_parser_init(&lx->p, ir_module_new("t.mil"), &lx->dl);
	lx->in = fmemopen((void *)text, n, "r");
	mil_yyset_in(lx->in, lx->p.scanner);
}

static Lexed lex_next(Lexer *lx)
{
	Lexed t;
	memset(&t, 0, sizeof t);
	t.tok = mil_yylex(&t.val, &t.loc, lx->p.scanner);
	return t;
}

static void lex_close(Lexer *lx)
{
	Module *m = lx->p.m;
	mil_parser_fini(&lx->p);
	fclose(lx->in);
	ir_module_free(m);
	diag_fini(&lx->dl);
}

static void test_lexer_tokens_and_locations(void **state)
{
	const char *t = "program(1.3)\n  func main<ios17>(fp32 x) -> // note\n\"s\\n\"";
	Lexer lx;
	lex_open(&lx, t, strlen(t));
	Lexed a = lex_next(&lx);
	assert_int_equal(a.tok, IDENT);
	assert_string_equal(a.val.str.s, "program");
	assert_int_equal(a.loc.line, 1);
	assert_int_equal(a.loc.col, 1);
	assert_int_equal(lex_next(&lx).tok, '(');
	Lexed v = lex_next(&lx);
	assert_int_equal(v.tok, FLOAT);
	assert_true(v.val.fval == 1.3);
	assert_string_equal(lx.p.num_text, "1.3");
	assert_int_equal(lex_next(&lx).tok, ')');
	Lexed f = lex_next(&lx);
	assert_int_equal(f.tok, IDENT);
	assert_int_equal(f.loc.line, 2);
	assert_int_equal(f.loc.col, 3);
	Lexed m = lex_next(&lx);
	/* Identifiers are interned: the same text is the same pointer. */
	assert_ptr_equal(m.val.str.s, mil_intern(&lx.p, "main", 4));
	assert_int_equal(lex_next(&lx).tok, '<');
	assert_int_equal(lex_next(&lx).tok, IDENT);
	assert_int_equal(lex_next(&lx).tok, '>');
	assert_int_equal(lex_next(&lx).tok, '(');
	assert_int_equal(lex_next(&lx).tok, IDENT);
	Lexed x = lex_next(&lx);
	assert_int_equal(x.loc.col, 25);
	assert_int_equal(lex_next(&lx).tok, ')');
	Lexed arrow = lex_next(&lx);
	assert_int_equal(arrow.tok, ARROW);
	Lexed s = lex_next(&lx);           /* the comment is skipped */
	assert_int_equal(s.tok, STRING);
	assert_string_equal(s.val.str.s, "s\n");
	assert_int_equal(s.loc.line, 3);
	assert_int_equal(lex_next(&lx).tok, 0);
	assert_int_equal(lx.dl.nerrors, 0);
	lex_close(&lx);
}

static void test_lexer_numbers(void **state)
{
	const char *t = "-0x1.5p-17 0x0p+0 476.80945305249844 4.0960000000000001e-05 -inf nan "
	                "18446744073709551615 -9223372036854775808 1e999 12abc 99999999999999999999";
	Lexer lx;
	lex_open(&lx, t, strlen(t));
	Lexed a = lex_next(&lx);
	assert_int_equal(a.tok, FLOAT);
	assert_true(a.val.fval == -0x1.5p-17);
	Lexed z = lex_next(&lx);
	assert_true(z.val.fval == 0.0);
	assert_true(lex_next(&lx).val.fval == 476.80945305249844);
	assert_true(lex_next(&lx).val.fval == 4.0960000000000001e-05);
	Lexed ninf = lex_next(&lx);
	assert_int_equal(ninf.tok, FLOAT);
	assert_true(isinf(ninf.val.fval) && ninf.val.fval < 0);
	Lexed nan_ = lex_next(&lx);
	assert_int_equal(nan_.tok, IDENT);      /* a word: the literal decides */
	Lexed big = lex_next(&lx);
	assert_int_equal(big.tok, INT);
	assert_true(big.val.ival.mag == UINT64_MAX && !big.val.ival.neg && !big.val.ival.overflow);
	Lexed min = lex_next(&lx);
	assert_true(min.val.ival.neg && min.val.ival.mag == (uint64_t)INT64_MAX + 1 && !min.val.ival.overflow);
	assert_int_equal(lx.dl.nerrors, 0);
	lex_next(&lx);                           /* 1e999 */
	assert_int_equal(lx.dl.nerrors, 1);
	lex_next(&lx);                           /* 12abc */
	assert_int_equal(lx.dl.nerrors, 2);
	char buf[256];
	diag_format(&lx.dl.d.v[1], buf, sizeof buf);
	assert_string_equal(buf, "t.mil:1:118: error: malformed number '12abc'");
	Lexed of = lex_next(&lx);
	assert_int_equal(of.tok, INT);
	assert_true(of.val.ival.overflow);       /* the parser reports it */
	lex_close(&lx);
}

static void test_lexer_whole_tensor_type(void **state)
{
	const char *t = "tensor<fp16, [1, ?, 64]> tensor<fp16,[]> tensor<int32, [is0]>";
	Lexer lx;
	lex_open(&lx, t, strlen(t));
	Lexed a = lex_next(&lx);
	assert_int_equal(a.tok, TYPE);
	assert_int_equal(a.val.type->rank, 3);
	assert_int_equal(a.val.type->dims[1].kind, DIM_UNKNOWN);
	Lexed b = lex_next(&lx);
	assert_int_equal(b.tok, TYPE);
	assert_true(type_is_scalar(b.val.type));
	Lexed c = lex_next(&lx);                 /* symbolic dims: token by token */
	assert_int_equal(c.tok, IDENT);
	assert_string_equal(c.val.str.s, "tensor");
	lex_close(&lx);
}

static void test_lexer_number_list(void **state)
{
	const char *t = "([1, -0x1p-3,2]) ([1, inf]) ([])";
	Lexer lx;
	lex_open(&lx, t, strlen(t));
	Lexed a = lex_next(&lx);                 /* one token for the whole list */
	assert_int_equal(a.tok, NUMLIST);
	assert_int_equal(a.val.raw->n, 3);
	assert_int_equal(a.val.raw->items[0]->kind, RAW_INT);
	assert_true(a.val.raw->items[1]->kind == RAW_FLOAT && a.val.raw->items[1]->f == -0.125);
	assert_int_equal(a.val.raw->items[2]->loc.col, 14);
	Lexed b = lex_next(&lx);                 /* a word inside: token by token */
	assert_int_equal(b.tok, '(');
	assert_int_equal(b.loc.col, 18);
	assert_int_equal(lex_next(&lx).tok, '[');
	assert_int_equal(lex_next(&lx).tok, INT);
	assert_int_equal(lex_next(&lx).tok, ',');
	assert_int_equal(lex_next(&lx).tok, IDENT);
	assert_int_equal(lex_next(&lx).tok, ']');
	assert_int_equal(lex_next(&lx).tok, ')');
	Lexed e = lex_next(&lx);
	assert_int_equal(e.tok, NUMLIST);
	assert_int_equal(e.val.raw->n, 0);
	assert_int_equal(lx.dl.nerrors, 0);
	lex_close(&lx);
}

static void test_lexer_errors(void **state)
{
	static const char t[] = "\"open\n\x01 \"bad \\q\" \"\\xZZ\" a\xff b \0 @";
	Lexer lx;
	lex_open(&lx, t, sizeof t - 1);
	while (lex_next(&lx).tok != 0)
		;
	const char *want[] = {
		"t.mil:1:1: error: unterminated string",
		"t.mil:2:1: error: unexpected byte 0x01",
		"t.mil:2:3: error: unknown escape '\\q' in string",
		"t.mil:2:12: error: bad escape in string: \\x needs two hex digits",
		"t.mil:2:19: error: invalid UTF-8 in name",
		"t.mil:2:24: error: NUL byte in input",
		"t.mil:2:26: error: unexpected character '@'",
	};
	assert_int_equal(lx.dl.d.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		char buf[256];
		diag_format(&lx.dl.d.v[i], buf, sizeof buf);
		assert_string_equal(buf, want[i]);
	}
	lex_close(&lx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer_tokens_and_locations),
		cmocka_unit_test(test_lexer_numbers),
		cmocka_unit_test(test_lexer_whole_tensor_type),
		cmocka_unit_test(test_lexer_number_list),
		cmocka_unit_test(test_lexer_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
