/* test_parser.c - the MIL text frontend: both syntax generations, the
 * hand-written variants, literals of every kind, nested blocks, and the
 * located errors for bad input. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

static Module *parse(const char *text, DiagList *dl)
{
	return tu_parse_mil("t.mil", text, strlen(text), dl);
}

/* Parse text that must fail; return the first diagnostic line. */
static char *first_error(const char *text, size_t n)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = tu_parse_mil("t.mil", text, n, &dl);
	assert_null(m);
	assert_true(dl.nerrors > 0);
	char buf[1024];
	diag_format(&dl.d.v[0], buf, sizeof buf);
	diag_fini(&dl);
	return strdup(buf);
}

static void expect_error(const char *text, const char *want)
{
	char *got = first_error(text, strlen(text));
	if (!strstr(got, want))
		fail_msg("error '%s' does not contain '%s'", got, want);
	free(got);
}

static const Op *op_at(const Module *m, uint32_t fn, uint32_t i)
{
	return m->funcs.v[fn]->body->ops[i];
}

static void test_parser_old_generation(void **state)
{
	const char *t =
		"program(1.0)\n"
		"[buildInfo = dict<tensor<string, []>, tensor<string, []>>({{\"coremlc-version\", \"3402.4.1\"}})]\n"
		"{\n"
		"    func main<ios16>(tensor<fp16, [1, 10]> x, tensor<fp16, [1, 10]> y) {\n"
		"            tensor<int32, []> ax = const()[name = tensor<string, []>(\"ax\"), val = tensor<int32, []>(-1)];\n"
		"            tensor<fp16, [1, 10]> var_3 = mul(x = x, y = y)[name = tensor<string, []>(\"op_3_cast_fp16\")];\n"
		"        } -> (var_3);\n"
		"}\n";
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(t, &dl);
	assert_non_null(m);
	assert_int_equal(m->syntax, MIL_SYNTAX_OLD);
	assert_string_equal(m->version, "1.0");
	assert_int_equal(m->nattrs, 1);
	assert_int_equal(m->funcs.n, 1);
	Func *f = m->funcs.v[0];
	assert_string_equal(f->opset, "ios16");
	assert_int_equal(f->body->nparams, 2);
	assert_int_equal(f->body->nops, 2);
	const Op *c = op_at(m, 0, 0);
	const Lit *val = ir_attr_find(c->nattrs, c->attrs, "val");
	assert_non_null(val);
	assert_true(type_is_scalar(val->type));
	assert_int_equal(lit_elem_i64(val, 0), -1);
	const Op *mul = op_at(m, 0, 1);
	assert_string_equal(ir_op_name(f, mul), "op_3_cast_fp16");
	assert_int_equal(mul->nargs, 2);
	assert_int_equal(mul->args[0].b[0].value, f->body->params[0]);
	/* Interning: both parameters share one type pointer. */
	assert_ptr_equal(ir_value(f, f->body->params[0])->type, ir_value(f, f->body->params[1])->type);
	assert_int_equal(mul->loc.line, 6);
	assert_int_equal(mul->loc.col, 43);   /* the op name */
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_parser_new_generation_literals(void **state)
{
	const char *t =
		"program(1.3)\n"
		"{\n"
		"    func main<ios17>(tensor<fp32, [5]> input) {\n"
		"            tensor<fp16, [5]> half = const()[val = tensor<fp16, [5]>([0x1p-24, 0x1.5p-17, 0x1.ff8p-15, -inf, nan])];\n"
		"            tensor<fp32, [2, 2]> m2 = const()[val = tensor<fp32, [2, 2]>([[1.5, -2], [1e-3, 4.0960000000000001e-05]])];\n"
		"            uint64 big = const()[val = uint64(18446744073709551615)];\n"
		"            int64 small = const()[val = int64(-9223372036854775808)];\n"
		"            tensor<string, [2]> s = const()[val = tensor<string, [2]>([\"a\\tb\", \"q\\\"\\\\\\x41\"])];\n"
		"            tensor<bool, [2]> b = const()[val = tensor<bool, [2]>([true, false])];\n"
		"            fp32 one = const()[val = fp32(1)];\n"
		"        } -> (half);\n"
		"}\n";
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(t, &dl);
	assert_non_null(m);
	assert_int_equal(m->syntax, MIL_SYNTAX_NEW);
	const Lit *half = ir_attr_find(op_at(m, 0, 0)->nattrs, op_at(m, 0, 0)->attrs, "val");
	assert_int_equal(half->u.tensor.count, 5);
	assert_true(lit_elem_f64(half, 0) == ldexp(1, -24));   /* smallest fp16 subnormal */
	assert_true(lit_elem_f64(half, 2) == 0x1.ff8p-15);
	assert_true(isinf(lit_elem_f64(half, 3)) && lit_elem_f64(half, 3) < 0);
	assert_true(isnan(lit_elem_f64(half, 4)));
	const Lit *m2 = ir_attr_find(op_at(m, 0, 1)->nattrs, op_at(m, 0, 1)->attrs, "val");
	assert_int_equal(m2->u.tensor.count, 4);   /* nested lists are flattened */
	assert_true(lit_elem_f64(m2, 1) == -2.0);
	assert_true(lit_elem_f64(m2, 3) == (double)4.0960000000000001e-05f);
	const Lit *big = ir_attr_find(op_at(m, 0, 2)->nattrs, op_at(m, 0, 2)->attrs, "val");
	assert_true(*(const uint64_t *)big->u.tensor.data == UINT64_MAX);
	const Lit *small = ir_attr_find(op_at(m, 0, 3)->nattrs, op_at(m, 0, 3)->attrs, "val");
	assert_true(lit_elem_i64(small, 0) == INT64_MIN);
	const Lit *s = ir_attr_find(op_at(m, 0, 4)->nattrs, op_at(m, 0, 4)->attrs, "val");
	assert_string_equal(lit_elem_str(s, 0), "a\tb");
	assert_string_equal(lit_elem_str(s, 1), "q\"\\A");
	const Lit *b = ir_attr_find(op_at(m, 0, 5)->nattrs, op_at(m, 0, 5)->attrs, "val");
	assert_int_equal(lit_elem_i64(b, 0), 1);
	assert_int_equal(lit_elem_i64(b, 1), 0);
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_parser_handwritten_variants(void **state)
{
	const char *t =
		"program(1)\n"
		"{\n"
		"  func main<CoreML8>(state<tensor<fp16, [1, 8]>> cache,\n"
		"                     tensor<fp16, [?, 8]> x) {\n"
		"    tensor<fp16, [1, 8]> old = read_state(input = cache);\n"
		"    write_state(data = old, input = cache);\n"
		"    tensor<fp16, [?, 8]> y = relu<ios17>(x = x);\n"
		"    tensor<fp16, [?, 4]> v, tensor<int32, [?, 4]> i = topk(k = int32(4), x = y);\n"
		"    tensor<fp16, [?, 16]> c = concat(axis = int32(1), interleave = bool(false), values = (y, y));\n"
		"  } -> (c, i);\n"
		"  func other<ios26>(tensor<fp32, [is0]> a) { } -> (a);\n"
		"}\n";
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(t, &dl);
	assert_non_null(m);
	Func *f = m->funcs.v[0];
	assert_string_equal(f->opset, "CoreML8");
	assert_int_equal(ir_value(f, f->body->params[0])->type->kind, TY_STATE);
	assert_int_equal(op_at(m, 0, 1)->nouts, 0);                 /* write_state */
	assert_string_equal(op_at(m, 0, 2)->opset, "ios17");
	assert_int_equal(op_at(m, 0, 3)->nouts, 2);                 /* two results */
	const Operand *values = ir_op_operand(op_at(m, 0, 4), "values");
	assert_non_null(values);
	assert_true(values->is_tuple);
	assert_int_equal(values->n, 2);
	const Type *ty = ir_value(f, f->body->params[1])->type;
	assert_int_equal(ty->dims[0].kind, DIM_UNKNOWN);
	Func *g = m->funcs.v[1];
	const Type *sym = ir_value(g, g->body->params[0])->type;
	assert_int_equal(sym->dims[0].kind, DIM_SYM);
	assert_string_equal(sym->dims[0].sym, "is0");
	assert_int_equal(g->body->nouts, 1);
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_parser_nested_blocks(void **state)
{
	const char *t =
		"program(1.3)\n"
		"{\n"
		"    func main<ios17>(fp32 x, bool p) {\n"
		"            fp32 y = cond(pred = p) {\n"
		"                fp32 a = add(x = x, y = fp32(1));\n"
		"            } -> (a) {\n"
		"                fp32 b = sub(x = x, y = fp32(1));\n"
		"            } -> (b);\n"
		"            int32 n, fp32 z = while_loop(loop_vars = (int32(0), y)) (int32 i, fp32 v) {\n"
		"                bool go = less(x = i, y = int32(3));\n"
		"            } -> (go) (int32 j, fp32 w) {\n"
		"                int32 k = add(x = j, y = int32(1));\n"
		"            } -> (k, w);\n"
		"        } -> (z);\n"
		"}\n";
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(t, &dl);
	assert_non_null(m);
	Func *f = m->funcs.v[0];
	const Op *c = op_at(m, 0, 0);
	assert_int_equal(c->nblocks, 2);
	assert_int_equal(c->blocks[0]->nops, 1);
	assert_int_equal(c->blocks[0]->nouts, 1);
	assert_ptr_equal(c->blocks[0]->parent_op, c);
	const Op *w = op_at(m, 0, 1);
	assert_int_equal(w->nblocks, 2);
	assert_int_equal(w->blocks[1]->nparams, 2);
	assert_int_equal(w->blocks[1]->nouts, 2);
	assert_int_equal(f->nops, 6);
	assert_int_equal(ir_verify(m, &dl), 0);
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_parser_scoping_errors(void **state)
{
	/* A value of one branch is not visible in the other, nor after. */
	expect_error("program(1.3) { func main<ios17>(bool p) {\n"
	             " fp32 y = cond(pred = p) { fp32 a = const()[val = fp32(1)]; } -> (a)\n"
	             "                         { fp32 b = add(x = a, y = a); } -> (b);\n"
	             "} -> (y); }",
	             "t.mil:3:45: error: value 'a' (defined at 2:33) is not visible here");
	expect_error("program(1.3) { func main<ios17>(fp32 x) {\n fp32 x = relu(x = x);\n} -> (x); }",
	             "t.mil:2:7: error: duplicate definition of 'x' (first defined at 1:38)");
	expect_error("program(1.3) { func main<ios17>(fp32 x) {\n fp32 y = relu(x = q);\n} -> (y); }",
	             "t.mil:2:20: error: undefined value 'q'");
	expect_error("program(1.3) { func main<ios17>(fp32 x) { } -> (nope); }",
	             "error: undefined value 'nope'");
}

static void test_parser_bad_literals(void **state)
{
	expect_error("program(1.3) { func main<ios17>(fp17 x) { } -> (x); }", "unknown type 'fp17'");
	expect_error("program(1.3) { func main<ios17>(tensor<fp17, [1]> x) { } -> (x); }",
	             "t.mil:1:40: error: unknown dtype 'fp17'");
	expect_error("program(1.3) { func main<ios17>() { int8 c = const()[val = int8(128)]; } -> (c); }",
	             "integer 128 is out of range for int8");
	expect_error("program(1.3) { func main<ios17>() { int64 c = const()[val = int64(99999999999999999999)]; } -> (c); }",
	             "integer does not fit in 64 bits");
	expect_error("program(1.3) { func main<ios17>() { fp16 c = const()[val = fp16(70000)]; } -> (c); }",
	             "out of range for fp16");
	expect_error("program(1.3) { func main<ios17>() { tensor<int32, [3]> c = const()[val = tensor<int32, [3]>([1, 2])]; } -> (c); }",
	             "tensor literal has 2 elements, its type needs 3");
	expect_error("program(1.3) { func main<ios17>() { bool c = const()[val = bool(1)]; } -> (c); }",
	             "expected true or false, found an integer");
	expect_error("program(1.3) { func main<ios17>() { string c = const()[val = string(\"a\\qb\")]; } -> (c); }",
	             "unknown escape '\\q'");
	expect_error("program(1.3) { func main<ios17>() { tensor<fp32, [1]> c = const()[val = tensor<fp32, [1]>(WEIGHTS(path = string(\"x\"), offset = uint64(0)))]; } -> (c); }",
	             "expected BLOBFILE(...)");
}

static void test_parser_syntax_errors(void **state)
{
	expect_error("", "t.mil:1:1: error: empty input");
	expect_error("program(1.3) { func main<ios17>(fp32 x) { fp32 y = relu(x = x; } -> (y); }",
	             "expected ')', found ';'");
	expect_error("program(1.3) { func main<ios17>(fp32 x) { fp32 y = relu(x = x);",
	             "found end of file");
	expect_error("program(1.3) { func main<ios17>(fp32 x) { string s = const()[val = string(\"abc)]; } -> (x); }",
	             "unterminated string");
	expect_error("programme(1.3) { }", "expected 'program', found 'programme'");
}

static void test_parser_reports_several_errors(void **state)
{
	const char *t = "program(1.3) { func main<ios17>(fp32 x) {\n"
	                " fp32 a = relu(x = nope1);\n"
	                " fp32 b = relu(x = x;\n"
	                " fp32 c = relu(x = nope2);\n"
	                "} -> (x); }";
	DiagList dl;
	diag_init(&dl);
	assert_null(parse(t, &dl));
	assert_int_equal(dl.nerrors, 3);
	assert_int_equal(dl.d.v[0].loc.line, 2);
	assert_int_equal(dl.d.v[1].loc.line, 3);
	assert_int_equal(dl.d.v[2].loc.line, 4);
	diag_fini(&dl);
}

static void test_parser_hostile_input(void **state)
{
	/* NUL bytes, invalid UTF-8 in a name, deep nesting, a 10 MB line. */
	static const char nul[] = "program(1.3) { func main<ios17>(fp32 x) {\0} -> (x); }";
	char *e = first_error(nul, sizeof nul - 1);
	assert_non_null(strstr(e, "t.mil:1:42: error: NUL byte in input"));
	free(e);
	expect_error("program(1.3) { func main<ios17>(fp32 a\xff) { } -> (a); }",
	             "t.mil:1:38: error: invalid UTF-8 in name");

	size_t depth = 100000;
	const char *pre = "program(1.3) { func main<ios17>() { tensor<int32, [1]> c = const()[val = tensor<int32, [1]>(";
	size_t n = strlen(pre) + 2 * depth + 64;
	char *deep = malloc(n);
	char *q = deep + sprintf(deep, "%s", pre);
	memset(q, '[', depth);
	q += depth;
	*q++ = '1';
	memset(q, ']', depth);
	q += depth;
	strcpy(q, ")]; } -> (c); }");
	expect_error(deep, "nesting deeper than 256 levels");
	free(deep);

	size_t len = 10u << 20;
	char *line = malloc(len + 256);
	q = line + sprintf(line, "program(1.3) { func main<ios17>() { tensor<int32, [?]> c = const()[val = tensor<int32, [?]>([");
	while ((size_t)(q - line) < len)
		q += sprintf(q, "1, ");
	strcpy(q, "1)]; } -> (c); }");    /* unbalanced at the very end */
	expect_error(line, "expected ']', found ')'");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_old_generation),
		cmocka_unit_test(test_parser_new_generation_literals),
		cmocka_unit_test(test_parser_handwritten_variants),
		cmocka_unit_test(test_parser_nested_blocks),
		cmocka_unit_test(test_parser_scoping_errors),
		cmocka_unit_test(test_parser_bad_literals),
		cmocka_unit_test(test_parser_syntax_errors),
		cmocka_unit_test(test_parser_reports_several_errors),
		cmocka_unit_test(test_parser_hostile_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
