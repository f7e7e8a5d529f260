/* test_partition.c - the partition pass: segments of consecutive ops on one
 * device per setting, device switches, and the tensors and bytes crossing
 * each boundary; unknown dims give unknown bytes; const ops split nothing;
 * nested bodies stay in their op's segment. */
#include "testutil.h"
#include "ane_testutil.h"

#include "passes/cost/cost.h"

#define F16(shape) "tensor<fp16, [" shape "]>"
#define BIG F16("1, 256, 64, 64")
#define BIG_BYTES (256 * 64 * 64 * 2)
#define BIG_CONV(out, in) S(BIG " " out " = conv(x = " in ", weight = w, pad_type = string(\"same\"))")

static const AneTensorRef *find_ref(const AneTensorRef *v, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* conv (ANE) -> mod (CPU) -> conv (ANE), with the input also read by the
 * last segment and the first conv's output read by both later segments. */
static void test_partition_segments_and_bytes(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", BIG " x",
	        WEIGHT(F16("256, 256, 3, 3"), "w") BIG_CONV("a", "x")
	        S(BIG " m = mod(x = a, y = fp16(0x1p+1))")
	        WEIGHT(F16("256, 256, 3, 3"), "w2")
	        S(BIG " c = conv(x = m, weight = w2, pad_type = string(\"same\"))")
	        S(BIG " s = add(x = c, y = a)")
	        S(BIG " y = add(x = s, y = x)"), "y", NULL);
	const Func *f = r.m->funcs.v[0];
	const AneFuncPlan *plan = ane_func_plan(r.ctx, f, CU_CPU_AND_NE);
	assert_non_null(plan);
	assert_int_equal(plan->nsegments, 3);
	assert_int_equal(plan->switches, 2);
	assert_int_equal(plan->ane_segments, 2);
	const AneSegment *s0 = &plan->segments[0], *s1 = &plan->segments[1], *s2 = &plan->segments[2];
	assert_int_equal(s0->device, DEV_ANE);
	assert_int_equal(s1->device, DEV_CPU);
	assert_int_equal(s2->device, DEV_ANE);
	assert_int_equal(s0->nops, 1);
	assert_int_equal(s1->nops, 1);
	assert_int_equal(s2->nops, 3);
	assert_int_equal(s0->first, op_named(&r, "a")->index);
	assert_int_equal(s2->first, op_named(&r, "c")->index);
	assert_int_equal(s2->last, op_named(&r, "y")->index);
	/* segment 0: x in, a out (read by both later segments, listed once) */
	assert_int_equal(s0->nin, 1);
	assert_string_equal(s0->ins[0].name, "x");
	assert_int_equal(s0->ins[0].bytes, BIG_BYTES);
	assert_int_equal(s0->nout, 1);
	assert_string_equal(s0->outs[0].name, "a");
	assert_int_equal(s0->out_bytes, BIG_BYTES);
	/* segment 1: a in, m out */
	assert_int_equal(s1->nin, 1);
	assert_string_equal(s1->ins[0].name, "a");
	assert_int_equal(s1->nout, 1);
	assert_string_equal(s1->outs[0].name, "m");
	/* segment 2: m, a and x in (the weight w2 is baked in); y out, a result */
	assert_int_equal(s2->nin, 3);
	assert_non_null(find_ref(s2->ins, s2->nin, "m"));
	assert_non_null(find_ref(s2->ins, s2->nin, "a"));
	assert_non_null(find_ref(s2->ins, s2->nin, "x"));
	assert_null(find_ref(s2->ins, s2->nin, "w2"));
	assert_int_equal(s2->in_bytes, 3 * BIG_BYTES);
	assert_int_equal(s2->nout, 1);
	assert_string_equal(s2->outs[0].name, "y");
	/* every op knows its segment; const ops none */
	assert_int_equal(placed(&r, "a")->segment[CU_CPU_AND_NE], 0);
	assert_int_equal(placed(&r, "m")->segment[CU_CPU_AND_NE], 1);
	assert_int_equal(placed(&r, "y")->segment[CU_CPU_AND_NE], 2);
	assert_int_equal(placed(&r, "w2")->segment[CU_CPU_AND_NE], -1);
	/* the estimate of a segment is its ops' estimates on its device */
	double sum = placed(&r, "c")->est->ms[DEV_ANE] + placed(&r, "s")->est->ms[DEV_ANE] +
	             placed(&r, "y")->est->ms[DEV_ANE];
	assert_true(s2->est_ms > sum - 1e-12 && s2->est_ms < sum + 1e-12);
	/* path cost: ops + 2 ANE segments + 2 switches + the output on the ANE */
	double ops = s0->est_ms + s1->est_ms + s2->est_ms;
	assert_true(plan->est_ms > ops + 0.625 - 1e-9 && plan->est_ms < ops + 0.625 + 1e-9);

	/* CPU_ONLY: one segment from the input to the result */
	plan = ane_func_plan(r.ctx, f, CU_CPU_ONLY);
	assert_int_equal(plan->nsegments, 1);
	assert_int_equal(plan->switches, 0);
	assert_int_equal(plan->segments[0].nops, 5);
	assert_int_equal(plan->segments[0].nin, 1);
	assert_int_equal(plan->segments[0].nout, 1);
	assert_string_equal(plan->segments[0].outs[0].name, "y");
	/* module counts carry segments and switches */
	const AneCounts *k = ane_counts(r.ctx, NULL, CU_CPU_AND_NE);
	assert_int_equal(k->segments, 3);
	assert_int_equal(k->switches, 2);
	assert_int_equal(k->ane_segments, 2);
	assert_int_equal(k->on[DEV_ANE], 4);
	print_message("CPU_AND_NE: %u segments, %u switches; boundary bytes %lld in, %lld out\n",
	              k->segments, k->switches, (long long)(s0->in_bytes + s1->in_bytes + s2->in_bytes),
	              (long long)(s0->out_bytes + s1->out_bytes + s2->out_bytes));
	done(&r);
}

/* Unknown dims: the bytes are unknown (-1), never guessed. */
static void test_partition_unknown_bytes(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", F16("1, 8, ?, ?") " x", S(F16("1, 8, ?, ?") " y = relu(x = x)"), "y", NULL);
	const AneFuncPlan *plan = ane_func_plan(r.ctx, r.m->funcs.v[0], CU_ALL);
	assert_int_equal(plan->nsegments, 1);
	assert_int_equal(plan->segments[0].nin, 1);
	assert_int_equal(plan->segments[0].ins[0].bytes, -1);
	assert_int_equal(plan->segments[0].in_bytes, -1);
	assert_int_equal(plan->segments[0].out_bytes, -1);
	done(&r);
}

/* A cond's bodies are in the cond's segment; a function of only const ops
 * has no segments. */
static void test_partition_nested_and_empty(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", BIG " x, bool p",
	        WEIGHT(F16("256, 256, 3, 3"), "w") BIG_CONV("a", "x")
	        "            " BIG " y = cond(pred = p) {\n"
	        "                " BIG " b = relu(x = a);\n"
	        "            } -> (b) {\n"
	        "                " BIG " c = sigmoid(x = a);\n"
	        "            } -> (c);\n", "y", NULL);
	const AneFuncPlan *plan = ane_func_plan(r.ctx, r.m->funcs.v[0], CU_CPU_AND_NE);
	assert_int_equal(plan->nsegments, 2);
	assert_int_equal(plan->segments[0].device, DEV_ANE);
	assert_int_equal(plan->segments[1].device, DEV_CPU);
	assert_int_equal(plan->segments[1].nops, 3);
	assert_int_equal(placed(&r, "b")->segment[CU_CPU_AND_NE], 1);
	assert_int_equal(placed(&r, "c")->segment[CU_CPU_AND_NE], 1);
	/* the cond reads a (and p from the inputs); its bodies read a too: once */
	const AneSegment *s1 = &plan->segments[1];
	assert_int_equal(s1->nin, 2);
	assert_non_null(find_ref(s1->ins, s1->nin, "a"));
	assert_non_null(find_ref(s1->ins, s1->nin, "p"));
	assert_int_equal(s1->nout, 1);
	assert_string_equal(s1->outs[0].name, "y");
	done(&r);

	ane_run(&r, "ios17", BIG " x", WEIGHT(F16("4"), "w"), "w", NULL);
	plan = ane_func_plan(r.ctx, r.m->funcs.v[0], CU_ALL);
	assert_int_equal(plan->nsegments, 0);
	assert_int_equal(ane_counts(r.ctx, NULL, CU_ALL)->executable, 0);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partition_segments_and_bytes),
		cmocka_unit_test(test_partition_unknown_bytes),
		cmocka_unit_test(test_partition_nested_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
