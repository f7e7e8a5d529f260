/* test_cost.c - the cost pass (passes/cost/cost.h): hand-computed FLOPs and
 * bytes for conv, linear, matmul, attention, element-wise ops, pooling and
 * compressed weights (palettized, int8), and the PROPERTIES of the model,
 * never its fitted numbers: more work costs more time, more switches cost
 * more, a compute-bound op scales with the chip's peak rate and a
 * memory-bound one with its bandwidth, compressed weights move fewer
 * bytes, the weights of a function sum to 1, a latency is the sum of its
 * parts, and --chip all / A,B compare chips.  Nothing here reads a clock. */
#include "testutil.h"
#include "ane_testutil.h"

#include <math.h>

#include <json-c/json.h>

#include "anelint.h"
#include "passes/cost/cost.h"

#define F16(shape) "tensor<fp16, [" shape "]>"
#define I32(shape) "tensor<int32, [" shape "]>"
#define ACT F16("1, 64, 32, 32")
/* A blob literal of type T at an offset (the file need not exist). */
#define BLOBAT(T, off) T "(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64(" #off ")))"

static const CostOp *costed(const Run *r, const char *name)
{
	const CostOp *c = cost_op(r->ctx, r->m->funcs.v[0], op_named(r, name));
	assert_non_null(c);
	assert_false(c->is_const);
	return c;
}

static void assert_near(double got, double want, double rel)
{
	if (fabs(got - want) > rel * fabs(want) + 1e-12)
		fail_msg("got %.6g, want %.6g (within %.2g)", got, want, rel);
}

/* Run a program with pass options (flags as on the command line). */
static void run_flags(Run *r, const char *opset, const char *params, const char *body,
                      const char *outs, const char *const *flags)
{
	run_prog_flags(r, opset, params, body, outs, flags);
	assert_int_equal(nerrors(r), 0);
}

/* ------------------------------------------------------------------ FLOPs and bytes */

static void test_cost_conv(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", ACT " x",
	        WEIGHT(F16("64, 64, 3, 3"), "w")
	        S(ACT " y = conv(x = x, weight = w, pad_type = string(\"same\"))"), "y", NULL);
	const CostOp *c = costed(&r, "y");
	assert_true(c->known);
	assert_string_equal(c->cost_class, "conv");
	/* 2 x (32 x 32 outputs) x (64 x 64 x 3 x 3 weights) */
	assert_near(c->flops, 2.0 * 32 * 32 * 64 * 64 * 9, 0);
	/* x and y 64x32x32 fp16 each, the weight 64x64x3x3 fp16 */
	assert_near(c->activation_bytes, 2 * 65536.0 * 2, 0);
	assert_near(c->weight_bytes_stored, 36864.0 * 2, 0);
	assert_near(c->weight_bytes_dense, 36864.0 * 2, 0);
	assert_near(c->bytes, 262144.0 + 73728, 0);
	assert_near(c->intensity, 75497472.0 / 335872, 1e-12);
	for (int d = DEV_CPU; d < DEV_COUNT; d++) {
		assert_near(c->device_bytes[d], 335872, 0);
		assert_near(c->ms[d], c->overhead_ms[d] + fmax(c->compute_ms[d], c->memory_ms[d]), 1e-12);
	}
	assert_int_equal(c->bound[DEV_ANE], BOUND_COMPUTE);
	/* the estimate placement used is the same record */
	const OpPlacement *p = placed(&r, "y");
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		assert_true(p->est->ms[d] == c->ms[d]);
	assert_true(p->est == c);
	done(&r);
}

static void test_cost_linear(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", F16("1, 128, 768") " x",
	        WEIGHT(F16("3072, 768"), "w") WEIGHT(F16("3072"), "b")
	        S(F16("1, 128, 3072") " y = linear(x = x, weight = w, bias = b)"), "y", NULL);
	const CostOp *c = costed(&r, "y");
	assert_string_equal(c->cost_class, "matmul");
	assert_near(c->flops, 2.0 * 128 * 3072 * 768, 0);
	assert_near(c->activation_bytes, (128 * 768 + 128 * 3072) * 2.0, 0);
	assert_near(c->weight_bytes_stored, (3072 * 768 + 3072) * 2.0, 0);
	assert_near(c->bytes, (128 * 768 + 128 * 3072 + 3072 * 768 + 3072) * 2.0, 0);
	done(&r);
}

static void test_cost_matmul(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", F16("128, 256") " a, " F16("256, 128") " b, " F16("256, 128") " c",
	        S(F16("128, 128") " y = matmul(x = a, y = b)")
	        S(F16("128, 128") " z = matmul(x = c, y = b, transpose_x = bool(true))"), "y, z", NULL);
	const CostOp *y = costed(&r, "y");
	assert_near(y->flops, 2.0 * 128 * 128 * 256, 0);
	assert_near(y->bytes, (128 * 256 + 256 * 128 + 128 * 128) * 2.0, 0);
	assert_near(y->weight_bytes_stored, 0, 0);
	/* transpose_x: the contraction is x's second-to-last axis (256) */
	const CostOp *z = costed(&r, "z");
	assert_near(z->flops, 2.0 * 128 * 128 * 256, 0);
	done(&r);
}

static void test_cost_attention(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios18", F16("1, 8, 128, 64") " q, " F16("1, 8, 256, 64") " k, " F16("1, 8, 256, 32") " v",
	        S(F16("1, 8, 128, 32") " y = scaled_dot_product_attention(query = q, key = k, value = v)"),
	        "y", NULL);
	const CostOp *c = costed(&r, "y");
	assert_string_equal(c->cost_class, "attention");
	/* Q K^T: 2 B L S E; scores V: 2 B L S Ev (B = 8 heads, L 128, S 256, E 64, Ev 32) */
	assert_near(c->flops, 2.0 * 8 * 128 * 256 * 64 + 2.0 * 8 * 128 * 256 * 32, 0);
	/* q, k, v, y, and the fp16 score matrix written and read */
	double io = (8 * 128 * 64 + 8 * 256 * 64 + 8 * 256 * 32 + 8 * 128 * 32) * 2.0;
	assert_near(c->bytes, io + 8.0 * 128 * 256 * 2 * 2, 0);
	done(&r);
}

static void test_cost_elementwise(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", ACT " x, " ACT " z",
	        S(ACT " y = relu(x = x)") S(ACT " s = add(x = y, y = z)"), "s", NULL);
	const CostOp *c = costed(&r, "y");
	assert_string_equal(c->cost_class, "elementwise");
	assert_near(c->flops, 65536, 0);
	assert_near(c->bytes, 2 * 131072.0, 0);
	c = costed(&r, "s");
	assert_near(c->flops, 65536, 0);
	assert_near(c->bytes, 3 * 131072.0, 0);
	assert_int_equal(c->bound[DEV_CPU] == BOUND_COMPUTE, 0);
	done(&r);
}

static void test_cost_pooling(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", ACT " x",
	        S(F16("1, 64, 16, 16") " y = max_pool(x = x, kernel_sizes = " I32("2") "([2, 2]), "
	          "strides = " I32("2") "([2, 2]), pad_type = string(\"valid\"))")
	        S(F16("1, 64, 8, 8") " z = avg_pool(x = y, kernel_sizes = " I32("2") "([3, 3]), "
	          "strides = " I32("2") "([2, 2]), pad_type = string(\"same\"))"), "z", NULL);
	const CostOp *c = costed(&r, "y");
	assert_string_equal(c->cost_class, "pool");
	/* one comparison per window element per output; the kernel sizes are
	 * parameters, not bytes */
	assert_near(c->flops, 64.0 * 16 * 16 * 4, 0);
	assert_near(c->bytes, (65536 + 16384) * 2.0, 0);
	c = costed(&r, "z");
	assert_near(c->flops, 64.0 * 8 * 8 * 9, 0);
	assert_near(c->bytes, (16384 + 4096) * 2.0, 0);
	done(&r);
}

/* ------------------------------------------------------------------ compressed weights */

#define PAL16 \
	S(F16("64, 64, 1, 1") " w = constexpr_lut_to_dense()[indices = " \
	  BLOBAT("tensor<uint8, [2048]>", 64) ", lut = " BLOBAT("tensor<fp16, [16]>", 2176) \
	  ", shape = tensor<uint32, [4]>([64, 64, 1, 1]), name = string(\"w\")]")
#define INT8W \
	S(F16("64, 64, 1, 1") " w = constexpr_affine_dequantize()[quantized_data = " \
	  BLOBAT("tensor<int8, [64, 64, 1, 1]>", 64) ", zero_point = " BLOBAT("tensor<int8, [64]>", 4224) \
	  ", scale = " BLOBAT("tensor<fp16, [64]>", 4352) ", axis = int32(0), name = string(\"w\")]")
#define CONV1 S(ACT " y = conv(x = x, weight = w)")

static void test_cost_palettized_weights(void **state)
{
	(void)state;
	Run dense, pal;
	ane_run(&dense, "ios17", ACT " x", WEIGHT(F16("64, 64, 1, 1"), "w") CONV1, "y", NULL);
	ane_run(&pal, "ios16", ACT " x", PAL16 CONV1, "y", NULL);
	assert_int_equal(nerrors(&pal), 0);
	const CostOp *d = costed(&dense, "y"), *p = costed(&pal, "y");
	/* 4096 4-bit indices packed in 2048 uint8, a 16-entry fp16 LUT, the
	 * shape as four uint32 */
	assert_near(p->weight_bytes_stored, 2048 + 32 + 16, 0);
	assert_near(p->weight_bytes_dense, 64 * 64 * 2.0, 0);
	assert_near(p->bytes, 2 * 131072.0 + 2096, 0);
	assert_true(p->bytes < d->bytes);
	assert_near(p->flops, d->flops, 0);
	/* the CPU reads the weights decompressed, the ANE (palettized streams
	 * on every generation) and the GPU as stored */
	assert_near(p->device_bytes[DEV_CPU], d->device_bytes[DEV_CPU], 0);
	assert_near(p->device_bytes[DEV_ANE], p->bytes, 0);
	assert_near(p->device_bytes[DEV_GPU], p->bytes, 0);
	assert_true(p->memory_ms[DEV_ANE] < d->memory_ms[DEV_ANE]);
	assert_true(p->ms[DEV_ANE] <= d->ms[DEV_ANE]);
	done(&dense);
	done(&pal);
}

static void test_cost_int8_weights(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios16", ACT " x", INT8W CONV1, "y", "M4");
	assert_int_equal(nerrors(&r), 0);
	const CostOp *c = costed(&r, "y");
	/* int8 data, int8 zero points, fp16 scales, the int32 axis */
	double stored = 4096 + 64 + 128 + 4;
	assert_near(c->weight_bytes_stored, stored, 0);
	assert_near(c->weight_bytes_dense, 8192, 0);
	assert_near(c->device_bytes[DEV_ANE], 2 * 131072.0 + stored, 0);   /* streams on M4 */
	done(&r);
	/* M1 (A13 capability class) folds int8 to fp16 at compile time (G5):
	 * its ANE reads the dense weights */
	ane_run(&r, "ios16", ACT " x", INT8W CONV1, "y", "M1");
	c = costed(&r, "y");
	assert_near(c->weight_bytes_stored, stored, 0);
	assert_near(c->device_bytes[DEV_ANE], 2 * 131072.0 + 8192, 0);
	done(&r);
}

/* ------------------------------------------------------------------ properties */

static const char *const sizes[] = { "32, 32", "64, 64", "128, 128" };

static void test_cost_more_work_more_time(void **state)
{
	(void)state;
	double prev_ms[DEV_COUNT] = { 0 }, prev_lat[CU_COUNT] = { 0 };
	Device prev_y[CU_COUNT] = { DEV_NONE, DEV_NONE, DEV_NONE, DEV_NONE };
	Device prev_z[CU_COUNT] = { DEV_NONE, DEV_NONE, DEV_NONE, DEV_NONE };
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		char params[128], body[1024];
		snprintf(params, sizeof params, F16("1, 64, %s") " x", sizes[i]);
		snprintf(body, sizeof body, WEIGHT(F16("64, 64, 3, 3"), "w")
		         S(F16("1, 64, %s") " y = conv(x = x, weight = w, pad_type = string(\"same\"))")
		         S(F16("1, 64, %s") " z = relu(x = y)"), sizes[i], sizes[i]);
		Run r;
		ane_run(&r, "ios17", params, body, "z", NULL);
		const CostOp *c = costed(&r, "y");
		const CostLatency *l = cost_latency(r.ctx);
		assert_non_null(l);
		for (int d = DEV_CPU; d < DEV_COUNT; d++) {
			assert_true(c->ms[d] > prev_ms[d]);
			prev_ms[d] = c->ms[d];
		}
		/* the latency grows wherever the placement stays: the segmenter may
		 * move bigger ops to the ANE or the GPU, which then cost less than
		 * the CPU did (its objective is not our latency: docs/calibration.md) */
		for (int cu = 0; cu < CU_COUNT; cu++) {
			Device y = placed(&r, "y")->device[cu], z = placed(&r, "z")->device[cu];
			print_message("%s %-11s: y on %s, z on %s, %.4f ms (modelled)\n", sizes[i],
			              compute_units_name((ComputeUnits)cu), device_name(y),
			              device_name(z), l->ms[cu]);
			if (y == prev_y[cu] && z == prev_z[cu])
				assert_true(l->ms[cu] > prev_lat[cu]);
			prev_lat[cu] = l->ms[cu];
			prev_y[cu] = y;
			prev_z[cu] = z;
		}
		done(&r);
	}
}

/* The same ops, with two int32 islands (the ANE refuses int32) next to
 * each other or apart: apart, the ANE part splits in two and the
 * partition has two more boundaries and one more launch. */
#define BIG F16("1, 64, 128, 128")
#define CONVB(out, in) S(BIG " " out " = conv(x = " in ", weight = w, pad_type = string(\"same\"))")
#define ISLAND(out, in, n) \
	S("tensor<int32, [1, 64, 128, 128]> i" n " = cast(x = " in ", dtype = string(\"int32\"))") \
	S(BIG " " out " = cast(x = i" n ", dtype = string(\"fp16\"))")

static void test_cost_more_switches_cost_more(void **state)
{
	(void)state;
	const char *head = WEIGHT(F16("64, 64, 3, 3"), "w");
	char together[4096], apart[4096];
	snprintf(together, sizeof together, "%s%s%s%s%s%s%s", head, CONVB("a", "x"),
	         ISLAND("b", "a", "1"), ISLAND("c", "b", "2"), CONVB("d", "c"), CONVB("e", "d"),
	         CONVB("y", "e"));
	snprintf(apart, sizeof apart, "%s%s%s%s%s%s%s", head, CONVB("a", "x"),
	         ISLAND("b", "a", "1"), CONVB("d", "b"), CONVB("e", "d"), ISLAND("c", "e", "2"),
	         CONVB("y", "c"));
	Run r1, r2;
	ane_run(&r1, "ios17", BIG " x", together, "y", NULL);
	ane_run(&r2, "ios17", BIG " x", apart, "y", NULL);
	const CostLatency *l1 = cost_latency(r1.ctx), *l2 = cost_latency(r2.ctx);
	const CostFunc *f1 = cost_func(r1.ctx, r1.m->funcs.v[0]);
	const CostFunc *f2 = cost_func(r2.ctx, r2.m->funcs.v[0]);
	ComputeUnits cu = CU_CPU_AND_NE;
	print_message("islands together: %u boundaries %.4f ms; apart: %u boundaries %.4f ms "
	              "(modelled)\n", l1->boundaries[cu], l1->ms[cu], l2->boundaries[cu], l2->ms[cu]);
	assert_int_equal(l1->boundaries[cu], 2);
	assert_int_equal(l2->boundaries[cu], 4);
	assert_true(l2->ms[cu] > l1->ms[cu]);
	assert_true(l2->transfer_ms[cu] > l1->transfer_ms[cu]);
	assert_true(l2->launch_ms[cu] > l1->launch_ms[cu]);
	/* the ops' own time is the same either way */
	assert_near(l2->ops_ms[cu], l1->ops_ms[cu], 1e-9);
	/* every boundary costs at least the switch */
	for (uint32_t i = 1; i < f2->plan[cu].nsegments; i++)
		assert_true(f2->plan[cu].segments[i].transfer_ms >= COST_SWITCH_MS);
	assert_true(f1->plan[cu].segments[0].transfer_ms == 0);
	/* CPU_ONLY: one segment, no boundary, the same latency both ways */
	assert_int_equal(l1->boundaries[CU_CPU_ONLY], 0);
	assert_near(l1->ms[CU_CPU_ONLY], l2->ms[CU_CPU_ONLY], 1e-9);
	done(&r1);
	done(&r2);
}

static void test_cost_compute_bound_scales_with_peak(void **state)
{
	(void)state;
	const char *body = WEIGHT(F16("256, 256, 3, 3"), "w")
	                   S(F16("1, 256, 64, 64") " y = conv(x = x, weight = w, pad_type = string(\"same\"))");
	Run m1, m4;
	ane_run(&m1, "ios17", F16("1, 256, 64, 64") " x", body, "y", "M1");
	ane_run(&m4, "ios17", F16("1, 256, 64, 64") " x", body, "y", "M4");
	const CostOp *a = costed(&m1, "y"), *b = costed(&m4, "y");
	assert_int_equal(a->bound[DEV_ANE], BOUND_COMPUTE);
	assert_int_equal(b->bound[DEV_ANE], BOUND_COMPUTE);
	double ratio = ane_chip_find("M4")->fp16_tflops / ane_chip_find("M1")->fp16_tflops;
	assert_near(a->compute_ms[DEV_ANE] / b->compute_ms[DEV_ANE], ratio, 1e-9);
	assert_near((a->ms[DEV_ANE] - a->overhead_ms[DEV_ANE]) /
	            (b->ms[DEV_ANE] - b->overhead_ms[DEV_ANE]), ratio, 1e-9);
	/* the what-if entry point agrees */
	double x = cost_device_ms(ane_chip_find("M1"), "conv", DEV_ANE, 1e12, 1);
	double y = cost_device_ms(ane_chip_find("M4"), "conv", DEV_ANE, 1e12, 1);
	double floor = cost_device_ms(ane_chip_find("M4"), "conv", DEV_ANE, 0, 0);
	assert_near((x - floor) / (y - floor), ratio, 1e-9);
	assert_true(cost_device_ms(NULL, "no-such-class", DEV_ANE, 1, 1) < 0);
	done(&m1);
	done(&m4);
}

static void test_cost_memory_bound_scales_with_bandwidth(void **state)
{
	(void)state;
	/* a big element-wise op: memory-bound on the ANE */
	const char *body = S(F16("1, 256, 256, 256") " y = relu(x = x)");
	Run m1, m4;
	ane_run(&m1, "ios17", F16("1, 256, 256, 256") " x", body, "y", "M1");
	ane_run(&m4, "ios17", F16("1, 256, 256, 256") " x", body, "y", "M4");
	const CostOp *a = costed(&m1, "y"), *b = costed(&m4, "y");
	assert_int_equal(a->bound[DEV_ANE], BOUND_MEMORY);
	assert_int_equal(b->bound[DEV_ANE], BOUND_MEMORY);
	double ratio = ane_chip_find("M4")->ane_gbps / ane_chip_find("M1")->ane_gbps;
	assert_near(a->memory_ms[DEV_ANE] / b->memory_ms[DEV_ANE], ratio, 1e-9);
	assert_near(a->ms[DEV_ANE] - a->overhead_ms[DEV_ANE],
	            (b->ms[DEV_ANE] - b->overhead_ms[DEV_ANE]) * ratio, 1e-9);
	done(&m1);
	done(&m4);
	/* weights stream from DRAM: a batch-1 linear over 32 MB of weights on
	 * the CPU scales with the chip's DRAM bandwidth (M1 68, M4 120 GB/s) */
	body = WEIGHT(F16("4096, 4096"), "w") S(F16("1, 4096") " y = linear(x = x, weight = w)");
	ane_run(&m1, "ios17", F16("1, 4096") " x", body, "y", "M1");
	ane_run(&m4, "ios17", F16("1, 4096") " x", body, "y", "M4");
	a = costed(&m1, "y");
	b = costed(&m4, "y");
	assert_int_equal(a->bound[DEV_CPU], BOUND_MEMORY);
	double act = 2 * 4096 * 2.0, w = 4096 * 4096 * 2.0;
	assert_near(a->memory_ms[DEV_CPU], (act / 200e9 + w / 68e9) * 1e3, 1e-9);
	assert_near(b->memory_ms[DEV_CPU], (act / 200e9 + w / 120e9) * 1e3, 1e-9);
	assert_near(a->memory_ms[DEV_ANE] / b->memory_ms[DEV_ANE], 120.0 / 51, 1e-9);
	done(&m1);
	done(&m4);
}

static void check_weights(const PassCtx *ctx, const Module *m, const char *what)
{
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		const CostFunc *cf = cost_func(ctx, m->funcs.v[i]);
		assert_non_null(cf);
		for (int cu = 0; cu < CU_COUNT; cu++) {
			double sum = 0, placed = 0;
			uint32_t executable = 0;
			for (uint32_t j = 0; j < cf->nops; j++) {
				const CostOp *c = &cf->ops[j];
				assert_true(c->weight[cu] >= 0 && c->weight[cu] <= 1);
				if (c->is_const) {
					assert_true(c->weight[cu] == 0);
					continue;
				}
				executable++;
				sum += c->weight[cu];
				placed += c->placed_ms[cu];
			}
			if (executable && placed > 0 && fabs(sum - 1) > 1e-9)
				fail_msg("%s: function %s, %s: weights sum to %.12f", what,
				         m->funcs.v[i]->name, compute_units_name((ComputeUnits)cu), sum);
			/* the plan's op time is the placed ops' time */
			assert_near(cf->plan[cu].ops_ms, placed, 1e-9);
			assert_near(cf->plan[cu].ms, cf->plan[cu].ops_ms + cf->plan[cu].launch_ms +
			            cf->plan[cu].transfer_ms, 1e-9);
		}
	}
}

static void test_cost_weights_sum_to_one(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", ACT " x",
	        WEIGHT(F16("64, 64, 3, 3"), "w")
	        S(ACT " a = conv(x = x, weight = w, pad_type = string(\"same\"))")
	        S(ACT " b = relu(x = a)")
	        S("tensor<int32, [1, 64, 32, 32]> i = cast(x = b, dtype = string(\"int32\"))")
	        S(ACT " c = cast(x = i, dtype = string(\"fp16\"))")
	        S(ACT " y = softmax(x = c, axis = int32(1))"), "y", NULL);
	check_weights(r.ctx, r.m, "program");
	done(&r);
	/* every model of the corpus */
	if (!tu_shared_dir()) {
		print_message("SKIP: ../shared is absent; corpus weights not checked\n");
		return;
	}
	size_t n;
	char **paths = tu_corpus_find("", ".mlpackage", &n);
	size_t checked = 0;
	for (size_t i = 0; i < n; i++) {
		Run pkg;
		if (!run_load(&pkg, paths[i], NULL))
			continue;
		check_weights(pkg.ctx, pkg.m, paths[i]);
		const CostLatency *l = cost_latency(pkg.ctx);
		assert_non_null(l);
		for (int cu = 0; cu < CU_COUNT; cu++)
			assert_true(l->ms[cu] >= 0 && isfinite(l->ms[cu]));
		checked++;
		done(&pkg);
	}
	tu_free_list(paths, n);
	print_message("weights sum to 1 in every function of %zu corpus packages\n", checked);
	assert_true(checked > 0);
}

static void test_cost_latency_parts(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", BIG " x", WEIGHT(F16("64, 64, 3, 3"), "w") CONVB("y", "x"), "y", NULL);
	const CostOp *c = costed(&r, "y");
	const CostLatency *l = cost_latency(r.ctx);
	const AneChip *m4 = ane_chip_find("M4");
	assert_ptr_equal(l->chip, m4);
	/* CPU_ONLY: the op on the CPU, nothing else */
	assert_near(l->ms[CU_CPU_ONLY], c->ms[DEV_CPU], 1e-12);
	assert_near(c->placed_ms[CU_CPU_ONLY], c->ms[DEV_CPU], 1e-12);
	/* CPU_AND_NE: the op on the ANE plus one launch (M4's measured dispatch) */
	assert_int_equal(placed(&r, "y")->device[CU_CPU_AND_NE], DEV_ANE);
	assert_near(l->launch_ms[CU_CPU_AND_NE], m4->ane_dispatch_ms, 1e-12);
	assert_near(l->ms[CU_CPU_AND_NE], c->ms[DEV_ANE] + m4->ane_dispatch_ms, 1e-12);
	assert_near(l->ane_share[CU_CPU_AND_NE], 1, 0);
	/* the fastest: CPU_AND_NE (ALL ties with it and is marked too) */
	assert_int_equal(l->fastest, CU_CPU_AND_NE);
	assert_true(cost_is_fastest(l, CU_ALL));
	assert_false(cost_is_fastest(l, CU_CPU_ONLY));
	assert_null(cost_chip_latencies(r.ctx, &(uint32_t){ 0 }));
	done(&r);
	/* a chip without a measured dispatch: the segmenter's 0.125 ms */
	ane_run(&r, "ios17", BIG " x", WEIGHT(F16("64, 64, 3, 3"), "w") CONVB("y", "x"), "y", "A17Pro");
	l = cost_latency(r.ctx);
	assert_near(l->launch_ms[CU_CPU_AND_NE], COST_ANE_LAUNCH_DEFAULT_MS, 1e-12);
	done(&r);
}

static void test_cost_unknown_shapes(void **state)
{
	(void)state;
	Run r;
	ane_run(&r, "ios17", F16("1, 64, ?, ?") " x",
	        WEIGHT(F16("64, 64, 1, 1"), "w") S(F16("1, 64, ?, ?") " y = conv(x = x, weight = w)"),
	        "y", NULL);
	const CostOp *c = costed(&r, "y");
	assert_false(c->known);
	assert_true(c->flops < 0 && c->bytes < 0 && c->intensity < 0);
	/* the overhead alone */
	for (int d = DEV_CPU; d < DEV_COUNT; d++)
		assert_near(c->ms[d], c->overhead_ms[d], 1e-12);
	check_weights(r.ctx, r.m, "unknown shapes");
	done(&r);
}

static void test_cost_chip_comparison(void **state)
{
	(void)state;
	const char *body = WEIGHT(F16("64, 64, 3, 3"), "w") CONVB("y", "x");
	Run r;
	static const char *const all[] = { "--chip=all", NULL };
	run_flags(&r, "ios17", BIG " x", body, "y", all);
	uint32_t n;
	/* the harness runs the pipeline through the driver (driver_run_pipeline),
	 * which compares the chips after it */
	const CostLatency *c = cost_chip_latencies(r.ctx, &n);
	assert_non_null(c);
	size_t nfam;
	const AneChip *fam = ane_chip_families(&nfam);
	assert_int_equal(n, nfam);
	for (uint32_t i = 0; i < n; i++)
		assert_ptr_equal(c[i].chip, &fam[i]);
	/* the per-op results stay those of the default chip */
	assert_ptr_equal(ane_chip(r.ctx), ane_chip_default());
	/* a compute-bound conv: the H11 ANE (5 TFLOPS) is slower than H16's (18.6) */
	assert_string_equal(c[0].chip->name, "H11");
	assert_string_equal(c[5].chip->name, "H16");
	assert_true(c[0].ms[CU_CPU_AND_NE] > c[5].ms[CU_CPU_AND_NE]);
	/* the H16 column is the default chip's family: same ANE figures as M4 */
	assert_near(c[5].ms[CU_CPU_AND_NE], cost_latency(r.ctx)->ms[CU_CPU_AND_NE], 1e-9);
	done(&r);

	static const char *const two[] = { "--chip=m1,a17pro", NULL };
	run_flags(&r, "ios17", BIG " x", body, "y", two);
	c = cost_chip_latencies(r.ctx, &n);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].chip->name, "M1");
	assert_string_equal(c[1].chip->name, "A17 Pro");
	assert_string_equal(ane_chip(r.ctx)->name, "M1");
	assert_near(c[0].ms[CU_ALL], cost_latency(r.ctx)->ms[CU_ALL], 1e-12);
	done(&r);

	PassOptions o;
	pass_options_init(&o);
	assert_int_equal(pass_options_parse(&o, "--chip=m1,nosuch", stderr), -1);
	assert_int_equal(pass_options_parse(&o, "--chip=m1,,m4", stderr), -1);
}

/* The calibration networks (examples/calibration, docs/calibration.md)
 * analyse without errors and every compute-bound one is on the ANE under
 * CPU_AND_NE; their figures are the doc's business, not this test's. */
static void test_cost_calibration_networks(void **state)
{
	(void)state;
	char dir[2048];
	snprintf(dir, sizeof dir, "%s/examples/calibration", tu_source_dir());
	size_t n;
	char **paths = tu_find(dir, ".mil", &n);
	assert_true(n >= 7);
	for (size_t i = 0; i < n; i++) {
		Run r;
		if (!run_load(&r, paths[i], NULL))
			fail_msg("%s does not load", paths[i]);
		if (r.dl.nerrors)
			fail_msg("%s: %u errors", paths[i], r.dl.nerrors);
		const CostLatency *l = cost_latency(r.ctx);
		assert_non_null(l);
		check_weights(r.ctx, r.m, paths[i]);
		print_message("%-60s CPU_ONLY %9.3f  CPU_AND_NE %9.3f ms (modelled, M4)\n",
		              strrchr(paths[i], '/') + 1, l->ms[CU_CPU_ONLY], l->ms[CU_CPU_AND_NE]);
		if (strstr(paths[i], "chained_conv") || strstr(paths[i], "distilbert"))
			assert_true(l->ane_share[CU_CPU_AND_NE] > 0.99);
		done(&r);
	}
	tu_free_list(paths, n);
}

/* The commands: `costs` (text and JSON, --top), and analyze's latency table,
 * each time labelled modelled and the fastest setting marked. */
static void test_cost_commands(void **state)
{
	(void)state;
	char cmd[4096], model[2048];
	snprintf(model, sizeof model, "%s/examples/calibration/distilbert_ane.mil", tu_source_dir());
	char *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd, "'%s' costs --top 5 '%s'", tu_bin(), model);
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "modelled latency (not measured)"));
	assert_non_null(strstr(out, "(fastest)"));
	assert_non_null(strstr(out, "time and share are modelled"));
	assert_non_null(strstr(out, "... 595 more"));
	free(out);
	free(err);

	snprintf(cmd, sizeof cmd, "'%s' costs -f json --top 0 --chip all '%s'", tu_bin(), model);
	out = err = NULL;
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	json_object *r = json_tokener_parse(out);
	assert_non_null(r);
	json_object *v, *ops;
	assert_true(json_object_object_get_ex(r, "times", &v));
	assert_string_equal(json_object_get_string(v), "modelled");
	assert_true(json_object_object_get_ex(r, "chips", &v));
	assert_int_equal(json_object_array_length(v), 8);
	assert_true(json_object_object_get_ex(r, "ops", &ops));
	size_t n = json_object_array_length(ops);
	assert_int_equal(n, 600);
	double prev = 1e300, weights = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *op = json_object_array_get_idx(ops, i), *ms, *w;
		assert_true(json_object_object_get_ex(op, "modelled_ms", &ms));
		assert_true(json_object_object_get_ex(op, "cost_weight", &w));
		assert_true(json_object_get_double(ms) <= prev);   /* largest first */
		prev = json_object_get_double(ms);
		weights += json_object_get_double(w);
	}
	assert_true(fabs(weights - 1) < 1e-3);                  /* 6 decimals each */
	json_object_put(r);
	free(out);
	free(err);

	/* bad flags */
	snprintf(cmd, sizeof cmd, "'%s' costs --top x '%s'", tu_bin(), model);
	out = err = NULL;
	assert_int_equal(tu_run(cmd, &out, &err), 2);
	assert_non_null(strstr(err, "--top"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' costs -f sarif '%s'", tu_bin(), model);
	out = err = NULL;
	assert_int_equal(tu_run(cmd, &out, &err), 2);
	free(out);
	free(err);

	/* analyze: one table of every setting's modelled latency, the fastest marked */
	snprintf(cmd, sizeof cmd, "'%s' analyze --chip m1,m4 '%s'", tu_bin(), model);
	out = err = NULL;
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "latency ms (modelled)"));
	assert_non_null(strstr(out, "fastest"));
	assert_non_null(strstr(out, "modelled latency by chip (ms, modelled, not measured"));
	assert_non_null(strstr(out, "chip M1"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_conv),
		cmocka_unit_test(test_cost_linear),
		cmocka_unit_test(test_cost_matmul),
		cmocka_unit_test(test_cost_attention),
		cmocka_unit_test(test_cost_elementwise),
		cmocka_unit_test(test_cost_pooling),
		cmocka_unit_test(test_cost_palettized_weights),
		cmocka_unit_test(test_cost_int8_weights),
		cmocka_unit_test(test_cost_more_work_more_time),
		cmocka_unit_test(test_cost_more_switches_cost_more),
		cmocka_unit_test(test_cost_compute_bound_scales_with_peak),
		cmocka_unit_test(test_cost_memory_bound_scales_with_bandwidth),
		cmocka_unit_test(test_cost_weights_sum_to_one),
		cmocka_unit_test(test_cost_latency_parts),
		cmocka_unit_test(test_cost_unknown_shapes),
		cmocka_unit_test(test_cost_chip_comparison),
		cmocka_unit_test(test_cost_calibration_networks),
		cmocka_unit_test(test_cost_commands),
	};
	return cmocka_run_group_tests_name("cost", tests, NULL, NULL);
}
