/* test_infer_diag.c - the infer pass's diagnostics: wrong dtypes, ranks,
 * const-ness, type variables, missing and unknown operands, output counts,
 * unknown ops, declared types that conflict.  Each names the op, the
 * operand, what was expected and what was found, at the op's location,
 * with a stable code and a fix hint. */
#include "testutil.h"
#include "infer_util.h"

static const Diag *find(const Run *r, const char *code)
{
	for (uint32_t i = 0; i < r->dl.d.n; i++)
		if (r->dl.d.v[i].code && strcmp(r->dl.d.v[i].code, code) == 0)
			return &r->dl.d.v[i];
	return NULL;
}

static void test_infer_diag_wrong_dtype(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<int32, [2, 3]> x",
	         S("tensor<int32, *> y = exp(x = x)"), "y");
	const Diag *d = find(&r, "I012");
	assert_non_null(d);
	assert_int_equal(d->sev, SEV_ERROR);
	/* file:line:col of the op, the op's kind and name, operand, found, allowed */
	assert_non_null(strstr(diag_text(&r, "I012"), "t.mil:4:"));
	assert_non_null(strstr(diag_text(&r, "I012"),
	                       ": error[I012]: exp 'y': operand 'x' has dtype int32; allowed: fp16, fp32"));
	assert_non_null(d->hint);
	assert_non_null(d->op);
	done(&r);
}

static void test_infer_diag_wrong_rank(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, [4, 3, 3, 3]> w = const()[val = tensor<fp32, [4, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w)"), "y");
	assert_non_null(strstr(diag_text(&r, "I013"), "conv 'y': operand 'x' has rank 2; expected 3 to 5"));
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [1, 3, 8]> x",
	         S("tensor<fp32, [4, 3, 3, 3]> w = const()[val = tensor<fp32, [4, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w)"), "y");
	assert_non_null(strstr(diag_text(&r, "I013"),
	                       "operand 'weight' has rank 4; expected the rank of 'x', 3"));
	done(&r);
}

static void test_infer_diag_missing_operand(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, *> y = add(x = x)"), "y");
	assert_int_equal(ncode(&r, "I010"), 1);
	assert_non_null(strstr(diag_text(&r, "I010"), "add 'y': required operand 'y' is missing"));
	/* the output stays as declared, no further findings */
	assert_int_equal(nerrors(&r), 1);
	done(&r);
}

static void test_infer_diag_unknown_operand(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, *> y = relu(x = x, alpha = fp32(0x1p+0))"), "y");
	const Diag *d = find(&r, "I011");
	assert_non_null(d);
	assert_int_equal(d->sev, SEV_WARNING);
	assert_non_null(strstr(diag_text(&r, "I011"), "relu 'y': has no operand 'alpha' at ios17"));
	assert_int_equal(nerrors(&r), 0);
	assert_type(&r, "y", "tensor<fp32, [2, 3]>");
	done(&r);
}

static void test_infer_diag_const_required(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x, tensor<int32, [1]> ax",
	         S("tensor<fp32, *> y = reduce_sum(x = x, axes = ax)"), "y");
	assert_non_null(strstr(diag_text(&r, "I014"),
	                       "operand 'axes' must be a compile-time constant"));
	done(&r);
}

static void test_infer_diag_type_variable(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x, tensor<fp16, [2, 3]> z",
	         S("tensor<fp32, *> y = add(x = x, y = z)"), "y");
	assert_non_null(strstr(diag_text(&r, "I015"),
	                       "error[I015]: add 'y': operand 'y' has dtype fp16 but 'x' has fp32; "
	                       "both are T"));
	done(&r);
}

static void test_infer_diag_tuple_arity(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, *> y = relu(x = (x, x))"), "y");
	assert_non_null(strstr(diag_text(&r, "I016"), "operand 'x' takes one value, found a tuple of 2"));
	done(&r);
}

static void test_infer_diag_output_count(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, *> y, tensor<fp32, *> z = relu(x = x)"), "y");
	assert_non_null(strstr(diag_text(&r, "I020"), "has 2 outputs; 1 expected"));
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [2, 10]> x",
	         S("tensor<fp32, *> a, tensor<fp32, *> b = split(x = x, num_splits = int32(3), axis = int32(1))"),
	         "a");
	assert_non_null(strstr(diag_text(&r, "I020"), "num_splits is 3 but the op has 2 outputs"));
	done(&r);
}

static void test_infer_diag_unknown_op_once(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, [2, 3]> y = frobnicate(x = x)")
	         S("tensor<fp32, [2, 3]> z = frobnicate(x = y)")
	         S("tensor<fp32, *> w = relu(x = z)"), "w");
	assert_int_equal(ncode(&r, "I001"), 1);
	assert_non_null(strstr(diag_text(&r, "I001"), "'frobnicate' is not a MIL op at ios17"));
	/* the unknown op's declared type flows on */
	assert_type(&r, "w", "tensor<fp32, [2, 3]>");
	assert_int_equal(infer_stats(r.ctx)->unknown_ops, 2);
	done(&r);
}

static void test_infer_diag_declared_conflict(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, [3, 2]> y = relu(x = x)")
	         S("tensor<fp32, [3, 2]> z = relu(x = y)"), "z");
	/* one report at the root; the declaration flows on */
	assert_int_equal(ncode(&r, "I040"), 1);
	assert_non_null(strstr(diag_text(&r, "I040"),
	                       "warning[I040]: relu 'y': output 'y' is declared tensor<fp32, [3, 2]> "
	                       "but the op computes tensor<fp32, [2, 3]>"));
	assert_type(&r, "z", "tensor<fp32, [3, 2]>");
	const InferStats *s = infer_stats(r.ctx);
	assert_int_equal(s->typed_ops, 2);
	assert_int_equal(s->agreeing_ops, 1);
	done(&r);
	/* a `?` declaration is refined, not a conflict */
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, [?, 3]> y = relu(x = x)"), "y");
	assert_int_equal(ncode(&r, "I040"), 0);
	assert_int_equal(infer_stats(r.ctx)->refined_outputs, 1);
	assert_int_equal(infer_stats(r.ctx)->agreeing_ops, 1);
	done(&r);
	/* a dtype that differs */
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp16, [2, 3]> y = relu(x = x)"), "y");
	assert_int_equal(ncode(&r, "I040"), 1);
	done(&r);
}

static void test_infer_diag_unknown_opset(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios99", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, *> y = relu(x = x)"), "y");
	assert_non_null(strstr(diag_text(&r, "I003"), "opset 'ios99' is not known"));
	assert_type(&r, "y", "tensor<fp32, [2, 3]>");
	done(&r);
}

static void test_infer_diag_location_and_hint_printed(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<int32, [2]> x",
	         S("tensor<int32, *> y = sqrt(x = x)"), "y");
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	diag_print_all(&r.dl, f);
	fclose(f);
	assert_non_null(strstr(out, ": error[I012]: sqrt 'y'"));
	assert_non_null(strstr(out, "  hint: cast the operand to an allowed dtype"));
	free(out);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_infer_diag_wrong_dtype),
		cmocka_unit_test(test_infer_diag_wrong_rank),
		cmocka_unit_test(test_infer_diag_missing_operand),
		cmocka_unit_test(test_infer_diag_unknown_operand),
		cmocka_unit_test(test_infer_diag_const_required),
		cmocka_unit_test(test_infer_diag_type_variable),
		cmocka_unit_test(test_infer_diag_tuple_arity),
		cmocka_unit_test(test_infer_diag_output_count),
		cmocka_unit_test(test_infer_diag_unknown_op_once),
		cmocka_unit_test(test_infer_diag_declared_conflict),
		cmocka_unit_test(test_infer_diag_unknown_opset),
		cmocka_unit_test(test_infer_diag_location_and_hint_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
