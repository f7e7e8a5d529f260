/* test_pymil.c - coremltools' printed Program form (spec/mil-text.md §9):
 * functions, blocks, literals typed from context, elided constants,
 * errors with line:column, detection by content, the dump parsing back as
 * MIL text, and truncations / byte flips under the sanitizers. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/frontend.h"

static const char CONTROL_FLOW[] =
	"\n"
	"main[CoreML7](%x: (2, 3, fp16)(Tensor),\n"
	"              %n: (1,int32)(Tensor)) {\n"
	"  block59() {\n"
	"    %n_to_int16: (1,int16)(Tensor) = cast(x=%n, dtype=\"int16\", name=\"cast_11\")\n"
	"    %s: (int16)(Scalar) = squeeze(x=%n_to_int16, name=\"sq\")\n"
	"    %s32: (int32)(Scalar) = cast(x=%s, dtype=\"int32\", name=\"cast_10\")\n"
	"    %c0: (2, 3, fp32)(Tensor) = cast(x=%x, dtype=\"fp32\", name=\"cast_12\")\n"
	"    %i_0: (int32)(Scalar), %i_2: (2, 3, fp32)(Tensor) = while_loop(loop_vars=(%it, %c0), name=\"loop\")\n"
	"      x.37_cond_block(%a: (int32)(Scalar), %b: (2, 3, fp32)(Tensor)) {\n"
	"        %lt: (bool)(Scalar) = less(x=%a, y=%s32, name=\"lt\")\n"
	"        %and: (bool)(Scalar) = logical_and(x=True, y=%lt, name=\"and\")\n"
	"      } -> (%and)\n"
	"      x.37_body_block(%a: (int32)(Scalar), %b: (2, 3, fp32)(Tensor)) {\n"
	"        %h: (2, 3, fp16)(Tensor) = cast(x=%b, dtype=\"fp16\", name=\"cast_9\")\n"
	"        %m: (2, 3, fp16)(Tensor) = mul(x=%h, y=0.5, name=\"m\")\n"
	"        %inc: (int32)(Scalar) = add(x=%a, y=1, name=\"inc\")\n"
	"        %f: (2, 3, fp32)(Tensor) = cast(x=%m, dtype=\"fp32\", name=\"cast_8\")\n"
	"      } -> (%inc, %f)\n"
	"    %sum: (fp16)(Scalar) = reduce_sum(x=%x, axes=[-1, 0], keep_dims=False, name=\"sum\")\n"
	"    %w: (2, 3, fp16)(Tensor) = linear(x=%x, weight=%big_weight, bias=[0.25, -1.5, 1e-05], name=\"lin\")\n"
	"    %y: (2, 3, fp16)(Tensor) = cast(x=%i_2, dtype=\"fp16\", name=\"cast_2\")\n"
	"  } -> (%y)\n"
	"}\n";

static Module *parse(const char *text, DiagList *dl)
{
	return fe_parse_pymil_text("t.pymil", text, strlen(text), dl);
}

static const Op *find_op(const Func *f, const char *name)
{
	const Block *b = f->body;
	for (uint32_t i = 0; i < b->nops; i++)
		if (b->ops[i]->name && strcmp(b->ops[i]->name, name) == 0)
			return b->ops[i];
	return NULL;
}

static const Binding *arg(const Op *op, const char *name)
{
	const Operand *o = ir_op_operand(op, name);
	assert_non_null(o);
	return &o->b[0];
}

static void test_pymil_program(void **state)
{
	(void)state;
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(CONTROL_FLOW, &dl);
	assert_non_null(m);
	assert_int_equal(dl.nerrors, 0);
	assert_int_equal(ir_verify(m, &dl), 0);
	assert_int_equal(m->funcs.n, 1);
	Func *f = m->funcs.v[0];
	assert_string_equal(f->name, "main");
	assert_string_equal(f->opset, "CoreML7");
	assert_int_equal(f->body->nparams, 2);
	assert_string_equal(ir_value(f, f->body->params[1])->name, "n");
	assert_int_equal(ir_value(f, f->body->params[1])->type->dt, DT_INT32);
	assert_int_equal(ir_value(f, f->body->params[1])->type->rank, 1);

	/* the elided constants come first: %it (loop variable), %big_weight */
	const Op *c0 = f->body->ops[0], *c1 = f->body->ops[1];
	assert_string_equal(c0->kind, "const");
	assert_string_equal(c0->name, "it");
	assert_int_equal(c0->nattrs, 0);
	assert_true(type_is_scalar(ir_value(f, c0->outs[0])->type));    /* from the loop body */
	assert_int_equal(ir_value(f, c0->outs[0])->type->dt, DT_INT32);
	assert_string_equal(c1->name, "big_weight");
	assert_int_equal(ir_value(f, c1->outs[0])->type->dt, DT_FP16);  /* linear: T of x */
	assert_int_equal(ir_value(f, c1->outs[0])->type->rank, -1);

	/* op names, literal types from context */
	const Op *cast = find_op(f, "cast_11");
	assert_non_null(cast);
	assert_string_equal(cast->kind, "cast");
	assert_string_equal(lit_as_string(arg(cast, "dtype")->lit), "int16");
	assert_null(ir_op_operand(cast, "name"));

	const Op *loop = find_op(f, "loop");
	assert_int_equal(loop->nblocks, 2);
	assert_int_equal(loop->nouts, 2);
	const Op *mul = loop->blocks[1]->ops[1];
	assert_string_equal(mul->kind, "mul");
	const Lit *half = arg(mul, "y")->lit;
	assert_int_equal(half->type->dt, DT_FP16);
	assert_true(lit_elem_f64(half, 0) == 0.5);
	const Op *inc = loop->blocks[1]->ops[2];
	assert_int_equal(arg(inc, "y")->lit->type->dt, DT_INT32);
	const Op *and = loop->blocks[0]->ops[1];
	assert_int_equal(arg(and, "x")->lit->type->dt, DT_BOOL);

	const Op *sum = find_op(f, "sum");
	const Lit *axes = arg(sum, "axes")->lit;
	assert_int_equal(axes->type->dt, DT_INT32);
	assert_int_equal(axes->type->rank, 1);
	assert_int_equal(lit_elem_i64(axes, 0), -1);
	assert_int_equal(arg(sum, "keep_dims")->lit->type->dt, DT_BOOL);

	const Op *lin = find_op(f, "lin");
	const Lit *bias = arg(lin, "bias")->lit;
	assert_int_equal(bias->type->dt, DT_FP16);
	assert_int_equal(bias->u.tensor.count, 3);
	assert_true(lit_elem_f64(bias, 1) == -1.5);
	assert_int_equal(arg(lin, "weight")->kind, BIND_VALUE);

	/* walk order is the print order */
	assert_int_equal(f->body->ops[0]->index, 0);
	assert_int_equal(and->index, loop->index + 2);
	ir_module_free(m);
	diag_fini(&dl);
}

/* The dump is MIL text that parses back to the same dump. */
static void test_pymil_dump_parses_back(void **state)
{
	(void)state;
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(CONTROL_FLOW, &dl);
	assert_non_null(m);
	char *buf = tu_print_module(m);
	Module *m2 = tu_parse_mil("dump.mil", buf, strlen(buf), &dl);
	assert_non_null(m2);
	assert_int_equal(ir_verify(m2, &dl), 0);
	char *buf2 = tu_print_module(m2);
	assert_string_equal(buf, buf2);
	free(buf);
	free(buf2);
	ir_module_free(m);
	ir_module_free(m2);
	diag_fini(&dl);
}

static void test_pymil_types(void **state)
{
	(void)state;
	DiagList dl;
	diag_init(&dl);
	Module *m = parse(
		"main[CoreML8](%x: (1, 3, is14, is15, fp16)(Tensor), %k: (1, 32, 64, fp16)(State)) {\n"
		"  block0() {\n"
		"    %r: (1, 32, 64, fp16)(Tensor) = read_state(input=%k, name=\"r\")\n"
		"    %c: (3,int32)*(Tensor) = shape(x=%r, name=\"c\")\n"
		"    %s: (4,int32)^(Tensor) = shape(x=%x, name=\"s\")\n"
		"    %l: (string)(Scalar), %p: (dict)(Scalar) = classify(probabilities=%x, "
		"classes=<coremltools.converters.mil.mil.operation.mil_list object at 0x7fd0>, name=\"classify_0\")\n"
		"  } -> (%r, %l, %p)\n"
		"}\n", &dl);
	assert_non_null(m);
	Func *f = m->funcs.v[0];
	const Type *x = ir_value(f, f->body->params[0])->type;
	assert_int_equal(x->dims[2].kind, DIM_SYM);
	assert_string_equal(x->dims[2].sym, "is14");
	const Type *k = ir_value(f, f->body->params[1])->type;
	assert_int_equal(k->kind, TY_STATE);
	assert_int_equal(k->elem->dt, DT_FP16);
	const Op *cls = find_op(f, "classify_0");
	assert_int_equal(ir_value(f, cls->outs[1])->type->kind, TY_DICT);
	assert_int_equal(ir_value(f, cls->outs[1])->type->key->dt, DT_STRING);
	/* the opaque object is an elided constant named after op and operand */
	const Binding *b = arg(cls, "classes");
	assert_int_equal(b->kind, BIND_VALUE);
	assert_string_equal(ir_value(f, b->value)->name, "classify_0_classes");
	assert_int_equal(ir_value(f, b->value)->type->kind, TY_LIST);
	assert_int_equal(ir_verify(m, &dl), 0);
	ir_module_free(m);
	diag_fini(&dl);
}

typedef struct BadCase {
	const char *text;
	const char *err;        /* expected diagnostic, "t.pymil:L:C: error: ..." */
} BadCase;

#define HDR "main[CoreML7](%x: (2, fp16)(Tensor)) {\n  block0() {\n"
#define END "  } -> (%x)\n}\n"

static void test_pymil_errors(void **state)
{
	(void)state;
	static const BadCase cases[] = {
		{ "main[CoreML7](", "t.pymil:1:15: error: expected a variable, found end of input" },
		{ HDR "    %y: (2, fp17)(Tensor) = relu(x=%x, name=\"y\")\n" END,
		  "t.pymil:3:13: error: unknown dtype 'fp17'" },
		{ HDR "    %y: (2, fp16)(Thing) = relu(x=%x, name=\"y\")\n" END,
		  "t.pymil:3:19: error: unknown type tag '(Thing)' (want Tensor, Scalar, State or List)" },
		{ HDR "    %y: (2, fp16)(Tensor) = relu(x=%x, name=\"y)\n" END,
		  "t.pymil:3:45: error: unterminated string" },
		{ HDR "    %y: (2, fp16)(Tensor) = relu(x=%x, name=\"y\")\n"
		      "    %y: (2, fp16)(Tensor) = relu(x=%x, name=\"z\")\n" END,
		  "t.pymil:4:5: error: '%y' is defined twice (first at 3:5)" },
		{ HDR "    %y: (2, fp16)(Tensor) = add(x=%x, y=%z, name=\"y\")\n"
		      "    %z: (2, fp16)(Tensor) = relu(x=%x, name=\"z\")\n" END,
		  "t.pymil:4:5: error: '%z' is defined here but used before, at 3:41" },
		{ HDR "    %y: (2, fp16)(Tensor) = add(x=%x, y=[[1, 2], [3]], name=\"y\")\n" END,
		  "t.pymil:3:50: error: ragged list literal" },
		{ HDR "    %y: (2, fp16)(Tensor) = add(x=%x, y=99999999999999999999999, name=\"y\")\n" END,
		  "t.pymil:3:41: error: integer out of range" },
		{ HDR "    %y: (2, int8)(Tensor) = add(x=%q, y=[1, 300], name=\"y\")\n" END,
		  "t.pymil:3:45: error: 300 is out of range for int8" },
		{ HDR "    %y: (2, fp16)(Tensor) = add(x=%x, x=%x, name=\"y\")\n" END,
		  "t.pymil:3:39: error: argument 'x' given twice" },
		{ HDR "    %y: (2, fp16)(Tensor) = relu(x=%x, name=\"y\")\n  }\n}\n",
		  "t.pymil:5:1: error: expected '->' after a block, found '}'" },
		{ HDR "    %y: (2, fp16)(Tensor) = relu(x=%x, name=\"y\") \x01\n" END,
		  "t.pymil:3:50: error: unexpected byte 0x01" },
		{ "main[CoreML7]() {\n  block0(%p: (fp16)(Scalar)) {\n  } -> ()\n}\n",
		  "t.pymil:2:9: error: the function's block declares parameters" },
		{ "main[CoreML7]() {\n  block0() {\n  } -> ()\n}\n"
		  "main[CoreML7]() {\n  block0() {\n  } -> ()\n}\n",
		  "t.pymil:5:1: error: function 'main' is defined twice" },
		{ "   \n", "t.pymil:1:1: error: no function in the printout" },
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		DiagList dl;
		diag_init(&dl);
		Module *m = parse(cases[i].text, &dl);
		char buf[512] = "";
		if (dl.d.n)
			diag_format(&dl.d.v[0], buf, sizeof buf);
		if (m || dl.d.n != 1 || strcmp(buf, cases[i].err) != 0) {
			print_message("case %zu (%u diagnostics):\n  got  %s\n  want %s\n", i,
			              dl.d.n, buf, cases[i].err);
			failures++;
		}
		ir_module_free(m);
		diag_fini(&dl);
	}
	assert_int_equal(failures, 0);
}

/* Every prefix and many byte flips: a module that verifies, or errors;
 * never a crash or a leak (the sanitizers watch). */
static void fuzz_one(const char *text, size_t len, unsigned *ok, unsigned *bad)
{
	char *copy = malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = 0;
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_parse_pymil_text("fuzz", copy, len, &dl);
	if (m) {
		(void)ir_verify(m, &dl);
		FILE *null = fopen("/dev/null", "w");
		ir_print_module(m, null, NULL);
		fclose(null);
		ir_module_free(m);
		++*ok;
	} else {
		assert_true(dl.nerrors > 0);
		++*bad;
	}
	diag_fini(&dl);
	free(copy);
}

static void test_pymil_fuzz(void **state)
{
	(void)state;
	const char *text = CONTROL_FLOW;
	size_t len = strlen(text);
	unsigned ok = 0, bad = 0;
	for (size_t n = 0; n <= len; n++)
		fuzz_one(text, n, &ok, &bad);
	static const char flips[] = { 0, '(', ')', '[', ']', '{', '}', ',', '%', '"', '<', '-',
	                              '9', 'x', '\n', '=', '*', (char)0xff };
	char *buf = malloc(len + 1);
	unsigned seed = 12345;
	for (int iter = 0; iter < 4000; iter++) {
		memcpy(buf, text, len + 1);
		int nflip = 1 + iter % 3;
		for (int k = 0; k < nflip; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			buf[at] = flips[(seed >> 8) % sizeof flips];
		}
		fuzz_one(buf, len, &ok, &bad);
	}
	free(buf);
	print_message("fuzz: %u inputs read, %u refused\n", ok, bad);
	assert_true(ok > 0 && bad > 0);
}

static void test_pymil_detect_and_cli(void **state)
{
	(void)state;
	assert_true(fe_is_pymil(CONTROL_FLOW, strlen(CONTROL_FLOW)));
	assert_false(fe_is_pymil("program(1.0)\n{", 14));
	assert_false(fe_is_pymil("main", 4));
	char *dir = tu_tmpdir();
	char path[512], cmd[1200];
	snprintf(path, sizeof path, "%s/prog.txt", dir);
	assert_int_equal(tu_write_file(path, CONTROL_FLOW, strlen(CONTROL_FLOW)), 0);
	assert_int_equal(fe_detect(path), FE_FMT_PYMIL);
	char *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd, "%s dump %s", tu_bin(), path);
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "func main<CoreML7>("));
	free(out);
	free(err);
	/* malformed: one located error line, exit 2 */
	static const char bad[] = HDR "    %y: (2, fp16)(Tensor) = relu(x=%x name=\"y\")\n" END;
	assert_int_equal(tu_write_file(path, bad, strlen(bad)), 0);
	assert_int_equal(tu_run(cmd, &out, &err), 2);
	char want[600];
	snprintf(want, sizeof want, "%s:3:39: error: expected ',' or ')' after an argument, "
	         "found 'name'\n", path);
	assert_string_equal(err, want);
	free(out);
	free(err);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* Every converted model's printout reads and verifies. */
static void test_pymil_corpus(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	size_t n;
	char **files = tu_corpus_find("converted", ".milprog.txt", &n);
	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		DiagList dl;
		diag_init(&dl);
		Module *m = fe_load(files[i], &dl);
		if (!m || ir_verify(m, &dl) != 0) {
			diag_print_all(&dl, stderr);
			fail_msg("%s does not read", files[i]);
		}
		ir_module_free(m);
		diag_fini(&dl);
	}
	print_message("%zu printouts read\n", n);
	tu_free_list(files, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pymil_program),
		cmocka_unit_test(test_pymil_dump_parses_back),
		cmocka_unit_test(test_pymil_types),
		cmocka_unit_test(test_pymil_errors),
		cmocka_unit_test(test_pymil_fuzz),
		cmocka_unit_test(test_pymil_detect_and_cli),
		cmocka_unit_test(test_pymil_corpus),
	};
	return cmocka_run_group_tests_name("pymil", tests, NULL, NULL);
}
