/* test_kernels.c - cpu kernels against values computed by hand, through
 * small MIL programs: conv and pooling geometry (stride > kernel, same
 * padding, groups, ceil_mode), reductions (empty, negative axes,
 * keep_dims), rank-0 broadcasting, exact integer arithmetic, indices out
 * of range, slicing with negative strides, matmul broadcasting, control
 * flow and the loop cap, and ops without a kernel refused at load. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/op_catalogue.h"
#include "runtime/runtime.h"
#include "testutil.h"

typedef struct Prog {
	DiagList dl;
	Module *m;
	RtProgram *p;
} Prog;

/* func main<opset>(params) { body } -> (outs) */
static bool load(Prog *g, const char *opset, const char *params, const char *body,
                 const char *outs, const RtOptions *opts)
{
	char text[8192];
	snprintf(text, sizeof text, "program(1.3)\n{\n    func main<%s>(%s) {\n%s        } -> (%s);\n}\n",
	         opset, params, body, outs);
	diag_init(&g->dl);
	g->m = tu_parse_mil("k.mil", text, strlen(text), &g->dl);
	if (!g->m) {
		diag_print_all(&g->dl, stderr);
		fail_msg("does not parse:\n%s", text);
	}
	g->p = rt_program_new(g->m, NULL, g->m->funcs.v[0], opts, &g->dl);
	return g->p != NULL;
}

static void done(Prog *g)
{
	rt_program_free(g->p);
	ir_module_free(g->m);
	diag_fini(&g->dl);
}

static void set(Prog *g, const char *name, DType dt, int32_t rank, const int64_t *dims,
                const double *vals)
{
	RtTensor t = { 0 };
	assert_int_equal(rt_tensor_alloc(&t, dt, rank, dims), 0);
	for (int64_t i = 0; i < t.numel; i++)
		rt_tensor_set(&t, i, vals[i]);
	int rc = rt_set_input(g->p, name, &t, &g->dl);
	if (rc < 0)
		diag_print_all(&g->dl, stderr);
	assert_int_equal(rc, 0);
	rt_tensor_free(&t);
}

static const RtTensor *run_ok(Prog *g)
{
	int rc = rt_run(g->p, &g->dl);
	if (rc < 0)
		diag_print_all(&g->dl, stderr);
	assert_int_equal(rc, 0);
	return rt_output(g->p, 0);
}

static void expect(const RtTensor *t, int32_t rank, const int64_t *dims, const double *vals)
{
	assert_int_equal(t->rank, rank);
	for (int32_t i = 0; i < rank; i++)
		assert_int_equal(t->dims[i], dims[i]);
	for (int64_t i = 0; i < t->numel; i++) {
		double v = rt_tensor_get(t, i);
		if (isnan(vals[i]))
			assert_true(isnan(v));
		else if (isinf(vals[i]))
			assert_true(v == vals[i]);
		else if (fabs(v - vals[i]) > 1e-5 * (1 + fabs(vals[i])))
			fail_msg("element %lld: %g, expected %g", (long long)i, v, vals[i]);
	}
}

static const char *first_error(const DiagList *dl, char *buf, size_t n)
{
	for (uint32_t i = 0; i < dl->d.n; i++)
		if (dl->d.v[i].sev == SEV_ERROR) {
			diag_format(&dl->d.v[i], buf, n);
			print_message("%s\n", buf);
			return buf;
		}
	return "";
}

static void test_kernels_conv_stride_over_kernel_and_same_pad(void **state)
{
	(void)state;
	Prog g;
	double x[25];
	for (int i = 0; i < 25; i++)
		x[i] = i;
	/* 1x1 kernel, stride 3 > kernel: picks x[0,0], x[0,3], x[3,0], x[3,3] */
	assert_true(load(&g, "ios17", "tensor<fp32, [1, 1, 5, 5]> x",
	                 "            tensor<fp32, [1, 1, 1, 1]> w = const()[val = tensor<fp32, [1, 1, 1, 1]>([2.0])];\n"
	                 "            tensor<fp32, [1, 1, 2, 2]> y = conv(x = x, weight = w, strides = tensor<int32, [2]>([3, 3]), pad_type = string(\"valid\"))[name = string(\"y\")];\n",
	                 "y", NULL));
	set(&g, "x", DT_FP32, 4, (int64_t[]){ 1, 1, 5, 5 }, x);
	expect(run_ok(&g), 4, (int64_t[]){ 1, 1, 2, 2 }, (double[]){ 0, 6, 30, 36 });
	done(&g);
	/* 3x3 ones, same padding over 3x3 ones: corners 4, edges 6, centre 9 */
	assert_true(load(&g, "ios17", "tensor<fp32, [1, 1, 3, 3]> x",
	                 "            tensor<fp32, [1, 1, 3, 3]> w = const()[val = tensor<fp32, [1, 1, 3, 3]>([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])];\n"
	                 "            tensor<fp32, [1, 1, 3, 3]> y = conv(x = x, weight = w, pad_type = string(\"same\"))[name = string(\"y\")];\n",
	                 "y", NULL));
	set(&g, "x", DT_FP32, 4, (int64_t[]){ 1, 1, 3, 3 }, (double[]){ 1, 1, 1, 1, 1, 1, 1, 1, 1 });
	expect(run_ok(&g), 4, (int64_t[]){ 1, 1, 3, 3 }, (double[]){ 4, 6, 4, 6, 9, 6, 4, 6, 4 });
	done(&g);
}

static void test_kernels_conv_groups_and_bias(void **state)
{
	(void)state;
	Prog g;
	/* two groups of one channel: channel c scaled by w[c], plus bias */
	assert_true(load(&g, "ios17", "tensor<fp32, [1, 2, 1, 2]> x",
	                 "            tensor<fp32, [2, 1, 1, 1]> w = const()[val = tensor<fp32, [2, 1, 1, 1]>([2.0, 3.0])];\n"
	                 "            tensor<fp32, [2]> b = const()[val = tensor<fp32, [2]>([0.5, -1.0])];\n"
	                 "            tensor<fp32, [1, 2, 1, 2]> y = conv(x = x, weight = w, bias = b, groups = int32(2), pad_type = string(\"valid\"))[name = string(\"y\")];\n",
	                 "y", NULL));
	set(&g, "x", DT_FP32, 4, (int64_t[]){ 1, 2, 1, 2 }, (double[]){ 1, 2, 3, 4 });
	expect(run_ok(&g), 4, (int64_t[]){ 1, 2, 1, 2 }, (double[]){ 2.5, 4.5, 8, 11 });
	done(&g);
}

static void test_kernels_pool_ceil_mode_and_padding(void **state)
{
	(void)state;
	Prog g;
	/* max 2x2 stride 2 over 1x3 rows, ceil_mode: the last window is cut */
	assert_true(load(&g, "ios17", "tensor<fp32, [1, 1, 3, 3]> x",
	                 "            tensor<fp32, [1, 1, 2, 2]> y = max_pool(x = x, kernel_sizes = tensor<int32, [2]>([2, 2]), strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"valid\"), ceil_mode = bool(true))[name = string(\"y\")];\n",
	                 "y", NULL));
	set(&g, "x", DT_FP32, 4, (int64_t[]){ 1, 1, 3, 3 }, (double[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9 });
	expect(run_ok(&g), 4, (int64_t[]){ 1, 1, 2, 2 }, (double[]){ 5, 6, 8, 9 });
	done(&g);
	/* avg 3x3 same: corners average 4 values, or 9 with padding counted */
	const char *body =
		"            tensor<fp32, [1, 1, 2, 2]> y = avg_pool(x = x, kernel_sizes = tensor<int32, [2]>([3, 3]), pad_type = string(\"same\"), exclude_padding_from_average = bool(%s))[name = string(\"y\")];\n";
	for (int excl = 0; excl < 2; excl++) {
		char b[512];
		snprintf(b, sizeof b, body, excl ? "true" : "false");
		assert_true(load(&g, "ios17", "tensor<fp32, [1, 1, 2, 2]> x", b, "y", NULL));
		set(&g, "x", DT_FP32, 4, (int64_t[]){ 1, 1, 2, 2 }, (double[]){ 1, 2, 3, 4 });
		double v = excl ? 2.5 : 10.0 / 9;
		expect(run_ok(&g), 4, (int64_t[]){ 1, 1, 2, 2 }, (double[]){ v, v, v, v });
		done(&g);
	}
}

static void test_kernels_reduce_empty_negative_axes_keep_dims(void **state)
{
	(void)state;
	Prog g;
	assert_true(load(&g, "ios17", "tensor<fp32, [0, 3]> x",
	                 "            tensor<fp32, [3]> s = reduce_sum(x = x, axes = tensor<int32, [1]>([-2]), keep_dims = bool(false))[name = string(\"s\")];\n"
	                 "            tensor<fp32, [3]> m = reduce_mean(x = x, axes = tensor<int32, [1]>([0]), keep_dims = bool(false))[name = string(\"m\")];\n"
	                 "            tensor<fp32, [1, 3]> x2 = reduce_max(x = x, axes = tensor<int32, [1]>([0]), keep_dims = bool(true))[name = string(\"x2\")];\n",
	                 "s, m, x2", NULL));
	set(&g, "x", DT_FP32, 2, (int64_t[]){ 0, 3 }, NULL);
	expect(run_ok(&g), 1, (int64_t[]){ 3 }, (double[]){ 0, 0, 0 });
	expect(rt_output(g.p, 1), 1, (int64_t[]){ 3 }, (double[]){ NAN, NAN, NAN });
	expect(rt_output(g.p, 2), 2, (int64_t[]){ 1, 3 }, (double[]){ -INFINITY, -INFINITY, -INFINITY });
	done(&g);
	assert_true(load(&g, "ios17", "tensor<fp32, [2, 3]> x",
	                 "            tensor<fp32, [2]> s = reduce_sum(x = x, axes = tensor<int32, [1]>([-1]))[name = string(\"s\")];\n",
	                 "s", NULL));
	set(&g, "x", DT_FP32, 2, (int64_t[]){ 2, 3 }, (double[]){ 1, 2, 3, 4, 5, 6 });
	expect(run_ok(&g), 1, (int64_t[]){ 2 }, (double[]){ 6, 15 });
	done(&g);
}

static void test_kernels_rank0_broadcast_and_exact_ints(void **state)
{
	(void)state;
	Prog g;
	assert_true(load(&g, "ios17", "tensor<fp32, [2, 3]> x, tensor<int32, [4]> a",
	                 "            tensor<fp32, [2, 3]> y = add(x = x, y = fp32(0x1p+0))[name = string(\"y\")];\n"
	                 "            tensor<int32, [4]> q = floor_div(x = a, y = int32(3))[name = string(\"q\")];\n"
	                 "            tensor<int32, [4]> r = mod(x = a, y = int32(3))[name = string(\"r\")];\n"
	                 "            tensor<int32, [4]> big = add(x = a, y = int32(2147483600))[name = string(\"big\")];\n",
	                 "y, q, r, big", NULL));
	set(&g, "x", DT_FP32, 2, (int64_t[]){ 2, 3 }, (double[]){ 0, 1, 2, 3, 4, 5 });
	set(&g, "a", DT_INT32, 1, (int64_t[]){ 4 }, (double[]){ -7, -1, 5, 40 });
	expect(run_ok(&g), 2, (int64_t[]){ 2, 3 }, (double[]){ 1, 2, 3, 4, 5, 6 });
	expect(rt_output(g.p, 1), 1, (int64_t[]){ 4 }, (double[]){ -3, -1, 1, 13 });
	expect(rt_output(g.p, 2), 1, (int64_t[]){ 4 }, (double[]){ 2, 2, 2, 1 });
	/* 2147483600 + 40 is past int32: kept in range (saturated), no UB */
	expect(rt_output(g.p, 3), 1, (int64_t[]){ 4 }, (double[]){ 2147483593, 2147483599, 2147483605, 2147483647 });
	done(&g);
}

static void test_kernels_gather_index_out_of_range_is_an_error(void **state)
{
	(void)state;
	Prog g;
	char buf[512];
	const char *body =
		"            tensor<fp32, [2]> y = gather(x = x, indices = i, axis = int32(0))[name = string(\"y\")];\n";
	/* iOS16 resolves negative indices; iOS17 refuses them; any opset refuses 2^31-1 */
	assert_true(load(&g, "ios16", "tensor<fp32, [3]> x, tensor<int32, [2]> i", body, "y", NULL));
	set(&g, "x", DT_FP32, 1, (int64_t[]){ 3 }, (double[]){ 10, 20, 30 });
	set(&g, "i", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ -1, 0 });
	expect(run_ok(&g), 1, (int64_t[]){ 2 }, (double[]){ 30, 10 });
	set(&g, "i", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ 2147483647, 0 });
	assert_int_equal(rt_run(g.p, &g.dl), -1);
	assert_non_null(strstr(first_error(&g.dl, buf, sizeof buf), "R005"));
	assert_non_null(strstr(buf, "2147483647"));
	assert_null(rt_output(g.p, 0));
	done(&g);
	assert_true(load(&g, "ios17", "tensor<fp32, [3]> x, tensor<int32, [2]> i", body, "y", NULL));
	set(&g, "x", DT_FP32, 1, (int64_t[]){ 3 }, (double[]){ 10, 20, 30 });
	set(&g, "i", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ -1, 0 });
	assert_int_equal(rt_run(g.p, &g.dl), -1);
	assert_non_null(strstr(first_error(&g.dl, buf, sizeof buf), "out of range"));
	done(&g);
}

static void test_kernels_scatter_and_gather_nd(void **state)
{
	(void)state;
	Prog g;
	char buf[512];
	assert_true(load(&g, "ios17", "tensor<fp32, [2, 3]> d, tensor<int32, [2]> i, tensor<int32, [2, 2]> n",
	                 "            tensor<fp32, [2, 2]> u = const()[val = tensor<fp32, [2, 2]>([10.0, 20.0, 30.0, 40.0])];\n"
	                 "            tensor<fp32, [2, 3]> s = scatter(data = d, indices = i, updates = u, axis = int32(1), mode = string(\"add\"))[name = string(\"s\")];\n"
	                 "            tensor<fp32, [2, 3]> a = scatter_along_axis(data = d, indices = n, updates = u, axis = int32(1), mode = string(\"update\"))[name = string(\"a\")];\n"
	                 "            tensor<fp32, [2]> gn = gather_nd(x = d, indices = n)[name = string(\"gn\")];\n"
	                 "            tensor<fp32, [2, 3]> sn = scatter_nd(data = d, indices = n, updates = tensor<fp32, [2]>([5.0, 6.0]), mode = string(\"max\"))[name = string(\"sn\")];\n",
	                 "s, a, gn, sn", NULL));
	set(&g, "d", DT_FP32, 2, (int64_t[]){ 2, 3 }, (double[]){ 1, 2, 3, 4, 5, 6 });
	set(&g, "i", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ 2, 0 });
	set(&g, "n", DT_INT32, 2, (int64_t[]){ 2, 2 }, (double[]){ 0, 1, 1, 2 });
	expect(run_ok(&g), 2, (int64_t[]){ 2, 3 }, (double[]){ 21, 2, 13, 44, 5, 36 });
	expect(rt_output(g.p, 1), 2, (int64_t[]){ 2, 3 }, (double[]){ 10, 20, 3, 4, 30, 40 });
	expect(rt_output(g.p, 2), 1, (int64_t[]){ 2 }, (double[]){ 2, 6 });
	expect(rt_output(g.p, 3), 2, (int64_t[]){ 2, 3 }, (double[]){ 1, 5, 3, 4, 5, 6 });
	/* an index past the dim: an error, never a write out of bounds */
	set(&g, "i", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ 3, 0 });
	assert_int_equal(rt_run(g.p, &g.dl), -1);
	assert_non_null(strstr(first_error(&g.dl, buf, sizeof buf), "R005"));
	assert_non_null(strstr(buf, "scatter"));
	done(&g);
}

static void test_kernels_slice_matmul_softmax_transpose(void **state)
{
	(void)state;
	Prog g;
	assert_true(load(&g, "ios17", "tensor<fp32, [2, 3]> x, tensor<fp32, [3, 2]> w",
	                 "            tensor<fp32, [2, 3]> r = slice_by_index(x = x, begin = tensor<int32, [2]>([0, -1]), end = tensor<int32, [2]>([2, 0]), stride = tensor<int32, [2]>([1, -1]), end_mask = tensor<bool, [2]>([false, true]))[name = string(\"r\")];\n"
	                 "            tensor<fp32, [2, 2]> p = matmul(x = x, y = w)[name = string(\"p\")];\n"
	                 "            tensor<fp32, [2, 2]> pt = matmul(x = w, y = x, transpose_x = bool(true), transpose_y = bool(true))[name = string(\"pt\")];\n"
	                 "            tensor<fp32, [2, 3]> s = softmax(x = x, axis = int32(-2))[name = string(\"s\")];\n"
	                 "            tensor<fp32, [3, 2]> t = transpose(x = x, perm = tensor<int32, [2]>([-1, 0]))[name = string(\"t\")];\n",
	                 "r, p, pt, s, t", NULL));
	set(&g, "x", DT_FP32, 2, (int64_t[]){ 2, 3 }, (double[]){ 1, 2, 3, 4, 5, 6 });
	set(&g, "w", DT_FP32, 2, (int64_t[]){ 3, 2 }, (double[]){ 1, 0, 0, 1, 1, 1 });
	expect(run_ok(&g), 2, (int64_t[]){ 2, 3 }, (double[]){ 3, 2, 1, 6, 5, 4 });
	expect(rt_output(g.p, 1), 2, (int64_t[]){ 2, 2 }, (double[]){ 4, 5, 10, 11 });
	/* (w^T x^T) = (x w)^T */
	expect(rt_output(g.p, 2), 2, (int64_t[]){ 2, 2 }, (double[]){ 4, 10, 5, 11 });
	double e = 1 / (1 + exp(3.0));
	expect(rt_output(g.p, 3), 2, (int64_t[]){ 2, 3 }, (double[]){ e, e, e, 1 - e, 1 - e, 1 - e });
	expect(rt_output(g.p, 4), 2, (int64_t[]){ 3, 2 }, (double[]){ 1, 4, 2, 5, 3, 6 });
	done(&g);
}

static const char *const loop_body =
	"            tensor<int32, []> k = const()[val = int32(0)];\n"
	"            tensor<int32, []> n = while_loop(loop_vars = (k)) (tensor<int32, []> i) {\n"
	"                tensor<bool, []> c = less(x = i, y = lim);\n"
	"            } -> (c) (tensor<int32, []> j) {\n"
	"                tensor<int32, []> j1 = add(x = j, y = int32(1));\n"
	"            } -> (j1);\n"
	"            tensor<int32, []> y = cond(pred = p) {\n"
	"                tensor<int32, []> a = mul(x = n, y = int32(10));\n"
	"            } -> (a) {\n"
	"                tensor<int32, []> b = sub(x = n, y = int32(1));\n"
	"            } -> (b);\n";

static void test_kernels_control_flow_and_loop_cap(void **state)
{
	(void)state;
	Prog g;
	char buf[512];
	RtOptions opts = { .loop_cap = 100 };
	assert_true(load(&g, "ios17", "tensor<int32, []> lim, tensor<bool, []> p", loop_body, "y", &opts));
	set(&g, "lim", DT_INT32, 0, NULL, (double[]){ 7 });
	set(&g, "p", DT_BOOL, 0, NULL, (double[]){ 1 });
	expect(run_ok(&g), 0, NULL, (double[]){ 70 });
	set(&g, "p", DT_BOOL, 0, NULL, (double[]){ 0 });
	set(&g, "lim", DT_INT32, 0, NULL, (double[]){ 0 });    /* zero iterations */
	expect(run_ok(&g), 0, NULL, (double[]){ -1 });
	set(&g, "lim", DT_INT32, 0, NULL, (double[]){ 1000 });
	assert_int_equal(rt_run(g.p, &g.dl), -1);
	assert_non_null(strstr(first_error(&g.dl, buf, sizeof buf), "R006"));
	assert_non_null(strstr(buf, "cap of 100"));
	done(&g);
}

static void test_kernels_op_without_kernel_refused_at_load(void **state)
{
	(void)state;
	Prog g;
	char buf[512];
	assert_false(load(&g, "ios17", "tensor<fp32, [1, 2, 4]> x",
	                  "            tensor<fp32, [1, 2, 4]> y = cumsum(x = x)[name = string(\"norm_7\")];\n",
	                  "y", NULL));
	first_error(&g.dl, buf, sizeof buf);
	assert_non_null(strstr(buf, "R001"));
	assert_non_null(strstr(buf, "norm_7"));
	assert_non_null(strstr(buf, "cumsum"));
	assert_non_null(strstr(buf, "ios17"));
	assert_non_null(strstr(buf, "k.mil:4"));
	done(&g);
}

static void test_kernels_constexpr_folded_at_load(void **state)
{
	(void)state;
	Prog g;
	/* iOS16 lut: 2-bit indices 0,1,2,3 packed LSB-first in one byte (0xE4) */
	assert_true(load(&g, "ios16", "tensor<fp32, [4]> x",
	                 "            tensor<fp32, [4]> w = constexpr_lut_to_dense()[indices = tensor<uint8, [1]>([228]), lut = tensor<fp32, [4]>([0.5, 1.5, 2.5, 3.5]), shape = tensor<uint32, [1]>([4]), name = string(\"w\")];\n"
	                 "            tensor<fp32, [4]> d = constexpr_affine_dequantize()[quantized_data = tensor<int8, [4]>([-2, 0, 2, 4]), zero_point = int8(2), scale = fp32(0x1p-1), axis = int32(0), name = string(\"d\")];\n"
	                 "            tensor<fp32, [4]> y = add(x = w, y = d)[name = string(\"y\")];\n",
	                 "y", NULL));
	set(&g, "x", DT_FP32, 1, (int64_t[]){ 4 }, (double[]){ 0, 0, 0, 0 });
	expect(run_ok(&g), 1, (int64_t[]){ 4 }, (double[]){ 0.5 - 2, 1.5 - 1, 2.5, 3.5 + 1 });
	/* the constexpr ops ran at load: only `add` is counted at run time */
	const RtStats *st = rt_stats(g.p);
	assert_int_equal(st->nops, 1);
	assert_int_equal(st->ops[0].calls, 1);
	done(&g);
}

static void test_kernels_layout_resampling_and_more(void **state)
{
	(void)state;
	Prog g;
	assert_true(load(&g, "ios17", "tensor<fp32, [1, 3]> x, tensor<fp32, [1, 8, 1, 1]> d",
	                 "            tensor<fp32, [1, 6]> pr = pad(x = x, pad = tensor<int32, [2]>([2, 1]), mode = string(\"reflect\"))[name = string(\"pr\")];\n"
	                 "            tensor<fp32, [1, 6]> pc = pad(x = x, pad = tensor<int32, [2]>([2, 1]), constant_val = fp32(9.0))[name = string(\"pc\")];\n"
	                 "            tensor<fp32, [1, 2]> sz = slice_by_size(x = x, begin = tensor<int32, [2]>([0, 1]), size = tensor<int32, [2]>([1, -1]))[name = string(\"sz\")];\n"
	                 "            tensor<fp32, [1, 3]> rv = reverse(x = x, axes = tensor<int32, [1]>([-1]))[name = string(\"rv\")];\n"
	                 "            tensor<fp32, [1, 2, 2, 2]> ds = depth_to_space(x = d, block_size = int32(2))[name = string(\"ds\")];\n"
	                 "            tensor<fp32, [1, 2, 2, 2]> ps = pixel_shuffle(x = d, upscale_factor = int32(2))[name = string(\"ps\")];\n"
	                 "            tensor<fp32, [1, 8, 1, 1]> sd = space_to_depth(x = ds, block_size = int32(2))[name = string(\"sd\")];\n"
	                 "            tensor<fp32, [1, 8, 1, 1]> pu = pixel_unshuffle(x = ps, downscale_factor = int32(2))[name = string(\"pu\")];\n",
	                 "pr, pc, sz, rv, ds, ps, sd, pu", NULL));
	set(&g, "x", DT_FP32, 2, (int64_t[]){ 1, 3 }, (double[]){ 1, 2, 3 });
	double seq[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	set(&g, "d", DT_FP32, 4, (int64_t[]){ 1, 8, 1, 1 }, seq);
	expect(run_ok(&g), 2, (int64_t[]){ 1, 6 }, (double[]){ 3, 2, 1, 2, 3, 2 });
	expect(rt_output(g.p, 1), 2, (int64_t[]){ 1, 6 }, (double[]){ 9, 9, 1, 2, 3, 9 });
	expect(rt_output(g.p, 2), 2, (int64_t[]){ 1, 2 }, (double[]){ 2, 3 });
	expect(rt_output(g.p, 3), 2, (int64_t[]){ 1, 3 }, (double[]){ 3, 2, 1 });
	/* DCR (depth_to_space) and CRD (pixel_shuffle) orderings, and their inverses */
	expect(rt_output(g.p, 4), 4, (int64_t[]){ 1, 2, 2, 2 }, (double[]){ 0, 2, 4, 6, 1, 3, 5, 7 });
	expect(rt_output(g.p, 5), 4, (int64_t[]){ 1, 2, 2, 2 }, seq);
	expect(rt_output(g.p, 6), 4, (int64_t[]){ 1, 8, 1, 1 }, seq);
	expect(rt_output(g.p, 7), 4, (int64_t[]){ 1, 8, 1, 1 }, seq);
	done(&g);
	assert_true(load(&g, "ios17", "tensor<fp32, [1, 1, 1, 2]> x, tensor<fp32, [2, 3]> m",
	                 "            tensor<fp32, [1, 1, 1, 4]> ac = upsample_bilinear(x = x, scale_factor_width = fp32(2.0), align_corners = bool(true))[name = string(\"ac\")];\n"
	                 "            tensor<fp32, [1, 1, 1, 4]> hp = upsample_bilinear(x = x, scale_factor_width = fp32(2.0), align_corners = bool(false))[name = string(\"hp\")];\n"
	                 "            tensor<int32, [2]> am = reduce_argmax(x = m, axis = int32(-1))[name = string(\"am\")];\n"
	                 "            tensor<int32, [2]> an = reduce_argmin(x = m, axis = int32(1))[name = string(\"an\")];\n"
	                 "            tensor<int32, [2]> r = range_1d(end = int32(5), start = int32(1), step = int32(2))[name = string(\"r\")];\n",
	                 "ac, hp, am, an, r", NULL));
	set(&g, "x", DT_FP32, 4, (int64_t[]){ 1, 1, 1, 2 }, (double[]){ 0, 1 });
	set(&g, "m", DT_FP32, 2, (int64_t[]){ 2, 3 }, (double[]){ 1, 3, 3, 5, 0, 2 });
	expect(run_ok(&g), 4, (int64_t[]){ 1, 1, 1, 4 }, (double[]){ 0, 1.0 / 3, 2.0 / 3, 1 });
	expect(rt_output(g.p, 1), 4, (int64_t[]){ 1, 1, 1, 4 }, (double[]){ 0, 0.25, 0.75, 1 });
	expect(rt_output(g.p, 2), 1, (int64_t[]){ 2 }, (double[]){ 1, 0 });
	expect(rt_output(g.p, 3), 1, (int64_t[]){ 2 }, (double[]){ 0, 1 });
	expect(rt_output(g.p, 4), 1, (int64_t[]){ 2 }, (double[]){ 1, 3 });
	done(&g);
	/* attention: equal scores average the values; a false mask bit removes one */
	assert_true(load(&g, "ios18", "tensor<fp32, [1, 1, 1]> q, tensor<fp32, [1, 2, 1]> k, tensor<fp32, [1, 2, 2]> v",
	                 "            tensor<fp32, [1, 1, 2]> a = scaled_dot_product_attention(query = q, key = k, value = v)[name = string(\"a\")];\n"
	                 "            tensor<fp32, [1, 1, 2]> b = scaled_dot_product_attention(query = q, key = k, value = v, attn_mask = tensor<bool, [2]>([true, false]))[name = string(\"b\")];\n",
	                 "a, b", NULL));
	set(&g, "q", DT_FP32, 3, (int64_t[]){ 1, 1, 1 }, (double[]){ 1 });
	set(&g, "k", DT_FP32, 3, (int64_t[]){ 1, 2, 1 }, (double[]){ 0, 0 });
	set(&g, "v", DT_FP32, 3, (int64_t[]){ 1, 2, 2 }, (double[]){ 1, 2, 3, 4 });
	expect(run_ok(&g), 3, (int64_t[]){ 1, 1, 2 }, (double[]){ 2, 3 });
	expect(rt_output(g.p, 1), 3, (int64_t[]){ 1, 1, 2 }, (double[]){ 1, 2 });
	done(&g);
}

/* docs/runtime.md lists exactly the ops that have a kernel, and counts. */
static void test_kernels_docs_list_matches_the_table(void **state)
{
	(void)state;
	char path[1024];
	snprintf(path, sizeof path, "%s/docs/runtime.md", tu_source_dir());
	char *doc = tu_read_file(path, NULL);
	assert_non_null(doc);
	char *start = strstr(doc, "## Ops with a kernel");
	assert_non_null(start);
	char *end = strstr(start, "Limits of this version");
	assert_non_null(end);
	*end = 0;
	start = strstr(start, "):");            /* after "(tests/...kernels.c):" */
	assert_non_null(start);
	int listed = 0, with_kernel = 0, ops = 0;
	const char *prev = "";
	for (size_t i = 0; i < op_catalogue_nrows(); i++) {
		const char *name = op_catalogue_row(i)->name;
		if (strcmp(name, prev) == 0)
			continue;
		prev = name;
		ops++;
		size_t len = strlen(name);
		bool in_doc = false;
		for (const char *at = start; (at = strstr(at, name)); at++)
			if ((at[-1] == ' ' || at[-1] == '\n') && (at[len] == ' ' || at[len] == '\n'))
				in_doc = true;
		with_kernel += rt_op_has_kernel(name);
		listed += in_doc;
		if (in_doc != rt_op_has_kernel(name))
			fail_msg("docs/runtime.md and the kernel table disagree on %s", name);
	}
	char count[64];
	snprintf(count, sizeof count, "%d of the catalogue's %d ops", with_kernel, ops);
	if (!strstr(doc, count))
		fail_msg("docs/runtime.md should say \"%s\"", count);
	assert_int_equal(listed, with_kernel);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernels_conv_stride_over_kernel_and_same_pad),
		cmocka_unit_test(test_kernels_conv_groups_and_bias),
		cmocka_unit_test(test_kernels_pool_ceil_mode_and_padding),
		cmocka_unit_test(test_kernels_reduce_empty_negative_axes_keep_dims),
		cmocka_unit_test(test_kernels_rank0_broadcast_and_exact_ints),
		cmocka_unit_test(test_kernels_gather_index_out_of_range_is_an_error),
		cmocka_unit_test(test_kernels_scatter_and_gather_nd),
		cmocka_unit_test(test_kernels_slice_matmul_softmax_transpose),
		cmocka_unit_test(test_kernels_control_flow_and_loop_cap),
		cmocka_unit_test(test_kernels_op_without_kernel_refused_at_load),
		cmocka_unit_test(test_kernels_constexpr_folded_at_load),
		cmocka_unit_test(test_kernels_layout_resampling_and_more),
		cmocka_unit_test(test_kernels_docs_list_matches_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
