/* test_ir_dim_expr.c - symbolic dim algebra (ir/dim_expr.h): canonical
 * forms, folding of floor division, evaluation under symbol values,
 * unknowns on overflow, and the printer. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "ir/dim_expr.h"

static Module *mod;

static int setup(void **state)
{
	(void)state;
	mod = ir_module_new("t");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ir_module_free(mod);
	return 0;
}

static Dim sym(const char *text)
{
	return dim_expr_parse(mod->types, text);
}

static void assert_dim_text(Dim d, const char *want)
{
	char buf[128];
	dim_expr_format(d, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_ir_dim_expr_canonical_forms(void **state)
{
	(void)state;
	TypeTable *t = mod->types;
	Dim s = sym("is0");
	assert_int_equal(s.kind, DIM_SYM);
	/* equal expressions are one interned text, whatever the spelling */
	assert_true(dim_equal(sym("2 + is0"), sym("is0+2")));
	assert_true(dim_equal(dim_expr_add(t, s, dim_const(2)), sym("is0 + 2")));
	assert_dim_text(dim_expr_mul(t, dim_const(4), s), "is0 * 4");
	assert_dim_text(dim_expr_sub(t, dim_expr_add(t, s, sym("is1")), s), "is1");
	/* constants fold; a symbol minus itself is a known 0 */
	assert_int_equal(sym("2 * 3 + 1").size, 7);
	assert_int_equal(sym("2 * 3 + 1").kind, DIM_CONST);
	Dim zero = dim_expr_sub(t, s, s);
	assert_int_equal(zero.kind, DIM_CONST);
	assert_int_equal(zero.size, 0);
	/* floor division divides out when every coefficient allows */
	assert_dim_text(dim_expr_floordiv(t, sym("is0 * 4 + 6"), dim_const(2)), "is0 * 2 + 3");
	/* ... and otherwise becomes an atom with its offset reduced */
	Dim q = dim_expr_floordiv(t, sym("is0 + 5"), dim_const(2));
	assert_dim_text(q, "(is0 + 1) // 2 + 2");
	assert_true(dim_equal(sym("(is0 + 1) // 2 + 2"), q));   /* the text parses back */
	assert_dim_text(dim_expr_ceildiv(t, s, dim_const(4)), "(is0 + 3) // 4");
	assert_dim_text(dim_expr_mod(t, dim_const(-7), dim_const(3)), "2");
	assert_dim_text(dim_expr_prod(t, 0, NULL), "1");
}

static void test_ir_dim_expr_unknowns(void **state)
{
	(void)state;
	TypeTable *t = mod->types;
	Dim s = sym("is0"), u = dim_unknown();
	assert_int_equal(dim_expr_add(t, s, u).kind, DIM_UNKNOWN);
	assert_int_equal(dim_expr_mul(t, u, dim_const(0)).size, 0);    /* 0 * anything */
	assert_int_equal(dim_expr_floordiv(t, s, sym("is1")).kind, DIM_UNKNOWN);
	assert_int_equal(dim_expr_floordiv(t, s, dim_const(0)).kind, DIM_UNKNOWN);
	assert_int_equal(dim_expr_add(t, dim_const(INT64_MAX), dim_const(1)).kind, DIM_UNKNOWN);
	assert_int_equal(dim_expr_mul(t, sym("is0 * 4611686018427387904"), dim_const(4)).kind,
	                 DIM_UNKNOWN);
	/* max/min of symbols: known only when equal */
	assert_true(dim_equal(dim_expr_max(s, s), s));
	assert_int_equal(dim_expr_max(s, sym("is1")).kind, DIM_UNKNOWN);
	assert_int_equal(dim_expr_min(u, u).kind, DIM_UNKNOWN);
	assert_int_equal(dim_expr_min(dim_const(3), dim_const(-2)).size, -2);
	/* text that is no expression is one opaque symbol */
	Dim odd = sym("a b");
	assert_int_equal(odd.kind, DIM_SYM);
	assert_string_equal(odd.sym, "a b");
	assert_dim_text(u, "?");
}

static void test_ir_dim_expr_eval(void **state)
{
	(void)state;
	TypeTable *t = mod->types;
	const char *names[] = { "is0", "is1" };
	const int64_t values[] = { 10, 3 };
	assert_int_equal(dim_expr_eval(t, sym("is0 * 4 + is1"), 2, names, values), 43);
	assert_int_equal(dim_expr_eval(t, sym("(is0 - 1) // 2 + 1"), 2, names, values), 5);
	Dim q = dim_expr_floordiv(t, dim_expr_add(t, sym("is0"), sym("is1")), dim_const(4));
	assert_int_equal(dim_expr_eval(t, q, 2, names, values), 3);
	assert_int_equal(dim_expr_eval(t, dim_const(9), 0, NULL, NULL), 9);
	/* unbound symbol, negative result, unknown dim */
	assert_int_equal(dim_expr_eval(t, sym("is2"), 2, names, values), -1);
	assert_int_equal(dim_expr_eval(t, sym("is1 - is0"), 2, names, values), -1);
	assert_int_equal(dim_expr_eval(t, dim_unknown(), 2, names, values), -1);
	const int64_t negative[] = { -1, 3 };
	assert_int_equal(dim_expr_eval(t, sym("is1 + is0"), 2, names, negative), -1);
	const int64_t huge[] = { INT64_MAX / 2, 3 };
	assert_int_equal(dim_expr_eval(t, sym("is0 * 4"), 2, names, huge), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ir_dim_expr_canonical_forms),
		cmocka_unit_test(test_ir_dim_expr_unknowns),
		cmocka_unit_test(test_ir_dim_expr_eval),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
