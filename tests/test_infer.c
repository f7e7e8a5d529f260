/* test_infer.c - per-op typing of the infer pass from small MIL text
 * programs: broadcasting, padding modes, ceil_mode, negative axes, slice
 * masks, keep_dims, batch_dims, transposes, dynamic vs static operands,
 * opset signature changes, symbolic dims, shape folding, control flow,
 * lists, constexpr in both serialisations.  Declared result types are
 * `tensor<T, *>` (nothing to compare) unless a test says otherwise. */
#include "testutil.h"
#include "infer_util.h"

#include "passes/infer/infer_int.h"

/* ------------------------------------------------------------------ elementwise */

static void test_infer_broadcasting(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 1, 3]> a, tensor<fp32, [4, 1]> b, fp32 s",
	         S("tensor<fp32, *> c = add(x = a, y = b)")
	         S("tensor<fp32, *> d = mul(x = a, y = s)")
	         S("tensor<bool, *> e = less(x = b, y = a)")
	         S("tensor<fp32, *> f = sub(x = s, y = s)"), "c, d, e, f");
	assert_type(&r, "c", "tensor<fp32, [2, 4, 3]>");
	assert_type(&r, "d", "tensor<fp32, [2, 1, 3]>");
	assert_type(&r, "e", "tensor<bool, [2, 4, 3]>");
	assert_type(&r, "f", "fp32");
	assert_int_equal(nerrors(&r), 0);
	done(&r);

	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> a, tensor<fp32, [4, 3]> b",
	         S("tensor<fp32, *> c = add(x = a, y = b)"), "c");
	assert_int_equal(ncode(&r, "I030"), 1);
	assert_non_null(strstr(diag_text(&r, "I030"), "do not broadcast"));
	done(&r);
}

static void test_infer_select_three_way(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<bool, [5, 1, 1]> c, tensor<fp16, [1, 3]> a, tensor<fp16, [2, 1]> b",
	         S("tensor<fp16, *> y = select(cond = c, a = a, b = b)"), "y");
	assert_type(&r, "y", "tensor<fp16, [5, 2, 3]>");
	done(&r);
}

static void test_infer_cast_and_dtype_operand(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp16, *> h = cast(x = x, dtype = string(\"fp16\"))")
	         S("tensor<int8, *> q = cast(x = h, dtype = string(\"int8\"))"), "q");
	assert_type(&r, "h", "tensor<fp16, [2, 3]>");
	assert_type(&r, "q", "tensor<int8, [2, 3]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	/* iOS15 casts only to the T set: int8 is not a dtype x may have then,
	 * and int8 inputs are rejected */
	run_prog(&r, "ios15", "tensor<int8, [2]> x",
	         S("tensor<fp32, *> y = cast(x = x, dtype = string(\"fp32\"))"), "y");
	assert_int_equal(ncode(&r, "I012"), 1);
	done(&r);
}

/* ------------------------------------------------------------------ conv / pool */

static void conv_case(const char *opset, const char *x, const char *args, const char *want)
{
	char body[1024];
	snprintf(body, sizeof body,
	         S("tensor<fp32, [8, 3, 3, 3]> w = const()[val = tensor<fp32, [8, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w%s)"), args);
	char params[128];
	snprintf(params, sizeof params, "tensor<fp32, %s> x", x);
	Run r;
	run_prog(&r, opset, params, body, "y");
	assert_type(&r, "y", want);
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_conv_pad_types(void **state)
{
	(void)state;
	const char *x = "[1, 3, 10, 11]";
	conv_case("ios17", x, "", "tensor<fp32, [1, 8, 8, 9]>");
	conv_case("ios17", x, ", pad_type = string(\"valid\"), strides = tensor<int32, [2]>([2, 2])",
	          "tensor<fp32, [1, 8, 4, 5]>");
	conv_case("ios17", x, ", pad_type = string(\"same\"), strides = tensor<int32, [2]>([2, 2])",
	          "tensor<fp32, [1, 8, 5, 6]>");
	conv_case("ios17", x, ", pad_type = string(\"same_lower\"), strides = tensor<int32, [2]>([3, 3])",
	          "tensor<fp32, [1, 8, 4, 4]>");
	conv_case("ios17", x, ", pad_type = string(\"custom\"), pad = tensor<int32, [4]>([1, 2, 0, 3])",
	          "tensor<fp32, [1, 8, 11, 12]>");
	/* dilation 2: k_eff 5 */
	conv_case("ios17", x, ", dilations = tensor<int32, [2]>([2, 2])", "tensor<fp32, [1, 8, 6, 7]>");
	/* 1-D and 3-D convolution */
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [1, 4, 20]> x, tensor<fp32, [2, 1, 3, 3, 3]> v, "
	         "tensor<fp32, [1, 1, 5, 6, 7]> z",
	         S("tensor<fp32, [6, 2, 5]> w = const()[val = tensor<fp32, [6, 2, 5]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w, groups = int32(2), strides = tensor<int32, [1]>([3]))")
	         S("tensor<fp32, *> y3 = conv(x = z, weight = v, pad_type = string(\"same\"))"),
	         "y, y3");
	assert_type(&r, "y", "tensor<fp32, [1, 6, 6]>");
	assert_type(&r, "y3", "tensor<fp32, [1, 2, 5, 6, 7]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_conv_same_lower_ios15(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios15", "tensor<fp32, [1, 3, 8, 8]> x",
	         S("tensor<fp32, [4, 3, 3, 3]> w = const()[val = tensor<fp32, [4, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w, pad_type = string(\"same_lower\"))"),
	         "y");
	assert_int_equal(ncode(&r, "I032"), 1);
	done(&r);
	run_prog(&r, "ios16", "tensor<fp32, [1, 3, 8, 8]> x",
	         S("tensor<fp32, [4, 3, 3, 3]> w = const()[val = tensor<fp32, [4, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w, pad_type = string(\"same_lower\"))"),
	         "y");
	assert_int_equal(nerrors(&r), 0);
	assert_type(&r, "y", "tensor<fp32, [1, 4, 8, 8]>");
	done(&r);
}

static void test_infer_conv_channel_mismatch(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [1, 4, 8, 8]> x",
	         S("tensor<fp32, [4, 3, 3, 3]> w = const()[val = tensor<fp32, [4, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y = conv(x = x, weight = w)"), "y");
	assert_int_equal(ncode(&r, "I030"), 1);
	assert_non_null(strstr(diag_text(&r, "I030"), "4 input channels"));
	done(&r);
}

static void test_infer_conv_transpose(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [1, 4, 5, 6]> x",
	         S("tensor<fp32, [4, 2, 3, 3]> w = const()[val = tensor<fp32, [4, 2, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> a = conv_transpose(x = x, weight = w, strides = tensor<int32, [2]>([2, 2]))")
	         S("tensor<fp32, *> b = conv_transpose(x = x, weight = w, strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"same\"))")
	         S("tensor<fp32, *> c = conv_transpose(x = x, weight = w, strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"custom\"), pad = tensor<int32, [4]>([1, 1, 0, 1]), groups = int32(2))")
	         S("tensor<fp32, *> d = conv_transpose(x = x, weight = w, output_shape = tensor<int32, [4]>([1, 2, 11, 13]))"),
	         "a, b, c, d");
	assert_type(&r, "a", "tensor<fp32, [1, 2, 11, 13]>");
	assert_type(&r, "b", "tensor<fp32, [1, 2, 10, 12]>");
	assert_type(&r, "c", "tensor<fp32, [1, 4, 9, 12]>");
	assert_type(&r, "d", "tensor<fp32, [1, 2, 11, 13]>");
	done(&r);
}

static void test_infer_pool_ceil_mode(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [1, 64, 111, 111]> x, tensor<fp32, [1, 2, 6, 6]> z",
	         S("tensor<fp32, *> f = max_pool(x = x, kernel_sizes = tensor<int32, [2]>([3, 3]), strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"valid\"))")
	         S("tensor<fp32, *> c = max_pool(x = x, kernel_sizes = tensor<int32, [2]>([3, 3]), strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"custom\"), pad = tensor<int32, [4]>([0, 0, 0, 0]), ceil_mode = bool(true))")
	         /* last window would start in the right pad: dropped */
	         S("tensor<fp32, *> p = avg_pool(x = z, kernel_sizes = tensor<int32, [2]>([2, 2]), strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"custom\"), pad = tensor<int32, [4]>([1, 1, 1, 1]), ceil_mode = bool(true))")
	         S("tensor<fp32, *> s = l2_pool(x = z, kernel_sizes = tensor<int32, [2]>([3, 3]), strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"same\"))"),
	         "f, c, p, s");
	assert_type(&r, "f", "tensor<fp32, [1, 64, 55, 55]>");
	assert_type(&r, "c", "tensor<fp32, [1, 64, 55, 55]>");
	assert_type(&r, "p", "tensor<fp32, [1, 2, 4, 4]>");
	assert_type(&r, "s", "tensor<fp32, [1, 2, 3, 3]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [1, 2, 10, 10]> x",
	         S("tensor<fp32, *> c = max_pool(x = x, kernel_sizes = tensor<int32, [2]>([3, 3]), strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"valid\"), ceil_mode = bool(true))")
	         S("tensor<fp32, *> e = max_pool(x = x, kernel_sizes = tensor<int32, [2]>([11, 11]), pad_type = string(\"valid\"))"),
	         "c, e");
	assert_type(&r, "c", "tensor<fp32, [1, 2, 5, 5]>");
	assert_int_equal(ncode(&r, "I030"), 1);     /* empty output */
	done(&r);
}

/* ------------------------------------------------------------------ linear algebra */

static void test_infer_matmul_transpose_flags(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 1, 5, 3]> a, tensor<fp32, [4, 5, 7]> b, "
	         "tensor<fp32, [5]> v, tensor<fp32, [7, 3]> c",
	         S("tensor<fp32, *> m = matmul(x = a, y = b, transpose_x = bool(true))")
	         S("tensor<fp32, *> n = matmul(x = a, y = c, transpose_y = bool(true))")
	         S("tensor<fp32, *> p = matmul(x = v, y = b)")
	         S("tensor<fp32, *> q = matmul(x = v, y = v)"),
	         "m, n, p, q");
	assert_type(&r, "m", "tensor<fp32, [2, 4, 3, 7]>");
	assert_type(&r, "n", "tensor<fp32, [2, 1, 5, 7]>");
	assert_type(&r, "p", "tensor<fp32, [4, 7]>");
	assert_type(&r, "q", "fp32");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> a, tensor<fp32, [4, 5]> b",
	         S("tensor<fp32, *> m = matmul(x = a, y = b)"), "m");
	assert_int_equal(ncode(&r, "I030"), 1);
	done(&r);
}

static void test_infer_matmul_dtype_by_opset(void **state)
{
	(void)state;
	/* iOS17: a constant operand may differ; the output takes the other's */
	const char *body =
		S("tensor<fp16, [3, 4]> w = const()[val = tensor<fp16, [3, 4]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
		S("tensor<fp32, *> m = matmul(x = a, y = w)");
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> a", body, "m");
	assert_type(&r, "m", "tensor<fp32, [2, 4]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios15", "tensor<fp32, [2, 3]> a", body, "m");
	assert_int_equal(ncode(&r, "I015"), 1);
	done(&r);
}

static void test_infer_linear_and_einsum(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [2, 7, 16]> x, tensor<fp16, [2, 3, 4, 5]> a, "
	         "tensor<fp16, [1, 5, 4, 6]> b",
	         S("tensor<fp16, [8, 16]> w = const()[val = tensor<fp16, [8, 16]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp16, *> y = linear(x = x, weight = w)")
	         S("tensor<fp16, *> e = einsum(values = (a, b), equation = string(\"nchw,nwhu->nchu\"))"),
	         "y, e");
	assert_type(&r, "y", "tensor<fp16, [2, 7, 8]>");
	assert_type(&r, "e", "tensor<fp16, [2, 3, 4, 6]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

/* ------------------------------------------------------------------ reductions */

static void test_infer_reduce_keep_dims_negative_axes(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3, 4]> x",
	         S("tensor<fp32, *> a = reduce_sum(x = x, axes = tensor<int32, [1]>([-1]), keep_dims = bool(true))")
	         S("tensor<fp32, *> b = reduce_mean(x = x, axes = tensor<int32, [2]>([0, -2]))")
	         S("tensor<fp32, *> c = reduce_max(x = x)")
	         S("tensor<fp32, *> d = reduce_prod(x = x, keep_dims = bool(true))")
	         S("tensor<int32, *> e = reduce_argmax(x = x, axis = int32(-2))")
	         S("tensor<int32, *> f = reduce_argmin(x = x, axis = int32(1), keep_dims = bool(true))")
	         S("tensor<fp32, *> g = softmax(x = x, axis = int32(-1))"),
	         "a, b, c, d, e, f, g");
	assert_type(&r, "a", "tensor<fp32, [2, 3, 1]>");
	assert_type(&r, "b", "tensor<fp32, [4]>");
	assert_type(&r, "c", "fp32");
	assert_type(&r, "d", "tensor<fp32, [1, 1, 1]>");
	assert_type(&r, "e", "tensor<int32, [2, 4]>");
	assert_type(&r, "f", "tensor<int32, [2, 1, 4]>");
	assert_type(&r, "g", "tensor<fp32, [2, 3, 4]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [2, 3, 4]> x",
	         S("tensor<fp32, *> a = reduce_sum(x = x, axes = tensor<int32, [1]>([3]))"), "a");
	assert_int_equal(ncode(&r, "I031"), 1);
	assert_non_null(strstr(diag_text(&r, "I031"), "out of range for rank 3"));
	done(&r);
	/* iOS17 argmax output dtype */
	run_prog(&r, "ios17", "tensor<fp32, [5]> x",
	         S("tensor<uint16, *> a = reduce_argmax(x = x, output_dtype = string(\"uint16\"))"), "a");
	assert_type(&r, "a", "uint16");
	done(&r);
}

static void test_infer_layer_norm_per_channel(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [1, 4, 6]> x, tensor<fp16, [1, 3, 5, 5]> z",
	         S("tensor<fp16, [4, 6]> g = const()[val = tensor<fp16, [4, 6]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp16, *> y = layer_norm(x = x, axes = tensor<int32, [2]>([-2, -1]), gamma = g)")
	         S("tensor<fp16, [4]> m = const()[val = tensor<fp16, [4]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp16, *> b = batch_norm(x = z, mean = m, variance = m)"),
	         "y, b");
	assert_type(&r, "y", "tensor<fp16, [1, 4, 6]>");
	assert_int_equal(ncode(&r, "I030"), 2);     /* 4 entries (mean, variance), 3 channels */
	done(&r);
}

/* ------------------------------------------------------------------ shapes */

static void test_infer_slice_masks(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [4, 10, 6]> x",
	         S("tensor<fp32, *> a = slice_by_index(x = x, begin = tensor<int32, [3]>([1, 2, 0]), end = tensor<int32, [3]>([3, -1, 6]))")
	         S("tensor<fp32, *> b = slice_by_index(x = x, begin = tensor<int32, [3]>([0, 8, 5]), end = tensor<int32, [3]>([0, 0, 0]), stride = tensor<int32, [3]>([1, -2, -1]), begin_mask = tensor<bool, [3]>([true, false, false]), end_mask = tensor<bool, [3]>([true, true, true]))")
	         S("tensor<fp32, *> c = slice_by_index(x = x, begin = tensor<int32, [3]>([-1, 0, 0]), end = tensor<int32, [3]>([0, 100, 3]), squeeze_mask = tensor<bool, [3]>([true, false, false]), end_mask = tensor<bool, [3]>([false, false, false]))")
	         S("tensor<fp32, *> d = slice_by_index(x = x, begin = tensor<int32, [3]>([0, 0, 0]), end = tensor<int32, [3]>([4, 10, 6]), stride = tensor<int32, [3]>([3, 4, 5]))")
	         S("tensor<fp32, *> e = slice_by_size(x = x, begin = tensor<int32, [3]>([1, 2, -2]), size = tensor<int32, [3]>([2, -1, 2]))"),
	         "a, b, c, d, e");
	assert_type(&r, "a", "tensor<fp32, [2, 7, 6]>");
	assert_type(&r, "b", "tensor<fp32, [4, 5, 6]>");
	assert_type(&r, "c", "tensor<fp32, [10, 3]>");
	assert_type(&r, "d", "tensor<fp32, [2, 3, 2]>");
	assert_type(&r, "e", "tensor<fp32, [2, 8, 2]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_reshape_by_opset(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios16", "tensor<fp32, [2, 3, 4]> x",
	         S("tensor<fp32, *> a = reshape(x = x, shape = tensor<int32, [3]>([0, -1, 2]))")
	         S("tensor<fp32, *> b = reshape(x = x, shape = tensor<int32, [2]>([-1, 8]))"), "a, b");
	assert_type(&r, "a", "tensor<fp32, [2, 6, 2]>");
	assert_type(&r, "b", "tensor<fp32, [3, 8]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	/* 0 with len(shape) != rank(x): an error before iOS17, right-aligned after */
	const char *body = S("tensor<fp32, *> a = reshape(x = x, shape = tensor<int32, [2]>([-1, 0]))");
	run_prog(&r, "ios16", "tensor<fp32, [2, 3, 4]> x", body, "a");
	assert_int_equal(ncode(&r, "I032"), 1);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [2, 3, 4]> x", body, "a");
	assert_type(&r, "a", "tensor<fp32, [6, 4]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [2, 3, 4]> x",
	         S("tensor<fp32, *> a = reshape(x = x, shape = tensor<int32, [2]>([5, 5]))"), "a");
	assert_int_equal(ncode(&r, "I033"), 1);
	done(&r);
}

static void test_infer_dynamic_vs_static_operands(void **state)
{
	(void)state;
	Run r;
	/* a runtime shape: the rank is its length, the dims unknown */
	run_prog(&r, "ios17", "tensor<fp32, [2, 3, 4]> x, tensor<int32, [2]> s, tensor<int32, [3]> reps",
	         S("tensor<fp32, *> a = reshape(x = x, shape = s)")
	         S("tensor<fp32, *> b = fill(shape = s, value = fp32(0x1p+0))")
	         S("tensor<fp32, *> c = tile(x = x, reps = reps)")
	         S("tensor<fp32, *> d = tile(x = x, reps = tensor<int32, [3]>([2, 1, 3]))"),
	         "a, b, c, d");
	assert_type(&r, "a", "tensor<fp32, [?, ?]>");
	assert_type(&r, "b", "tensor<fp32, [?, ?]>");
	assert_type(&r, "c", "tensor<fp32, [?, ?, ?]>");
	assert_type(&r, "d", "tensor<fp32, [4, 3, 12]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_shape_folding(void **state)
{
	(void)state;
	/* shape -> gather -> mul -> concat -> reshape, and fill / range_1d */
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 3, 4]> x, tensor<fp32, [96]> v",
	         S("tensor<int32, *> s = shape(x = x)")
	         S("tensor<int32, *> g = gather(x = s, indices = tensor<int32, [2]>([1, 2]), axis = int32(0))")
	         S("tensor<int32, *> p = mul(x = g, y = int32(2))")
	         S("tensor<int32, *> q = slice_by_index(x = s, begin = tensor<int32, [1]>([0]), end = tensor<int32, [1]>([1]))")
	         S("tensor<int32, *> c = concat(values = (q, p), axis = int32(0))")
	         S("tensor<fp32, *> y = reshape(x = v, shape = c)")
	         S("tensor<fp32, *> z = fill(shape = c, value = fp32(0x0p+0))")
	         S("tensor<int32, *> n = range_1d(start = int32(0), end = int32(10), step = int32(3))")
	         S("tensor<int32, *> e = expand_dims(x = s, axes = tensor<int32, [1]>([0]))")
	         S("tensor<int32, *> k = squeeze(x = e)")
	         S("tensor<fp16, *> f = cast(x = k, dtype = string(\"fp16\"))")
	         S("tensor<int32, *> t = cast(x = f, dtype = string(\"int32\"))")
	         S("tensor<fp32, *> w = reshape(x = x, shape = t)"),
	         "y, z, n, w");
	assert_type(&r, "g", "tensor<int32, [2]>");
	assert_type(&r, "c", "tensor<int32, [3]>");
	assert_type(&r, "y", "tensor<fp32, [2, 6, 8]>");
	assert_type(&r, "z", "tensor<fp32, [2, 6, 8]>");
	assert_type(&r, "n", "tensor<int32, [4]>");
	assert_type(&r, "w", "tensor<fp32, [2, 3, 4]>");
	uint32_t n;
	const Func *f = r.m->funcs.v[0];
	const Dim *d = infer_value_ints(r.ctx, f, value_named(f, "c"), &n);
	assert_non_null(d);
	assert_int_equal(n, 3);
	assert_int_equal(d[2].size, 8);
	d = infer_value_ints(r.ctx, f, value_named(f, "n"), &n);
	assert_non_null(d);
	assert_int_equal(d[3].size, 9);
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_transpose_squeeze_expand(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [2, 1, 3, 1]> x",
	         S("tensor<fp32, *> t = transpose(x = x, perm = tensor<int32, [4]>([2, 0, -1, 1]))")
	         S("tensor<fp32, *> a = squeeze(x = x)")
	         S("tensor<fp32, *> b = squeeze(x = x, axes = tensor<int32, [1]>([-1]))")
	         S("tensor<fp32, *> c = expand_dims(x = x, axes = tensor<int32, [2]>([0, -1]))")
	         S("tensor<fp32, *> d = flatten2d(x = x, axis = int32(-2))"),
	         "t, a, b, c, d");
	assert_type(&r, "t", "tensor<fp32, [3, 2, 1, 1]>");
	assert_type(&r, "a", "tensor<fp32, [2, 3]>");
	assert_type(&r, "b", "tensor<fp32, [2, 1, 3]>");
	assert_type(&r, "c", "tensor<fp32, [1, 2, 1, 3, 1, 1]>");
	assert_type(&r, "d", "tensor<fp32, [2, 3]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp32, [2, 3]> x",
	         S("tensor<fp32, *> t = transpose(x = x, perm = tensor<int32, [2]>([0, 0]))"), "t");
	assert_int_equal(ncode(&r, "I031"), 1);
	done(&r);
}

static void test_infer_concat_split_stack(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [2, 3]> a, tensor<fp16, [2, 5]> b, tensor<fp16, [2, 10]> x",
	         S("tensor<fp16, *> c = concat(values = (a, b), axis = int32(-1))")
	         S("tensor<fp16, *> i = concat(values = (a, a, a), axis = int32(0), interleave = bool(true))")
	         S("tensor<fp16, *> s = stack(values = (a, a), axis = int32(-1))")
	         S("tensor<fp16, *> p, tensor<fp16, *> q = split(x = x, num_splits = int32(2), axis = int32(1))")
	         S("tensor<fp16, *> u, tensor<fp16, *> v, tensor<fp16, *> w = split(x = x, split_sizes = tensor<int32, [3]>([1, 2, 7]), axis = int32(-1))"),
	         "c, i, s, p, q, u, v, w");
	assert_type(&r, "c", "tensor<fp16, [2, 8]>");
	assert_type(&r, "i", "tensor<fp16, [6, 3]>");
	assert_type(&r, "s", "tensor<fp16, [2, 3, 2]>");
	assert_type(&r, "q", "tensor<fp16, [2, 5]>");
	assert_type(&r, "w", "tensor<fp16, [2, 7]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	run_prog(&r, "ios17", "tensor<fp16, [2, 3]> a, tensor<fp16, [3, 5]> b",
	         S("tensor<fp16, *> c = concat(values = (a, b), axis = int32(1))"), "c");
	assert_int_equal(ncode(&r, "I030"), 1);
	done(&r);
}

static void test_infer_gather_batch_dims_by_opset(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios16", "tensor<fp32, [2, 5, 7]> x, tensor<int32, [2, 3]> i",
	         S("tensor<fp32, *> a = gather(x = x, indices = i, axis = int32(1), batch_dims = int32(1))")
	         S("tensor<fp32, *> b = gather(x = x, indices = i, axis = int32(-1))")
	         S("tensor<fp32, *> c = gather_along_axis(x = x, indices = tensor<int32, [2, 5, 1]>([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), axis = int32(2))")
	         S("tensor<fp32, *> d = gather_nd(x = x, indices = tensor<int32, [4, 2]>([0, 0, 0, 0, 0, 0, 0, 0]))"),
	         "a, b, c, d");
	assert_type(&r, "a", "tensor<fp32, [2, 3, 7]>");
	assert_type(&r, "b", "tensor<fp32, [2, 5, 2, 3]>");
	assert_type(&r, "c", "tensor<fp32, [2, 5, 1]>");
	assert_type(&r, "d", "tensor<fp32, [4, 7]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	/* iOS15 gather has no batch_dims: an unknown operand, ignored */
	run_prog(&r, "ios15", "tensor<fp32, [2, 5, 7]> x, tensor<int32, [2, 3]> i",
	         S("tensor<fp32, *> a = gather(x = x, indices = i, axis = int32(1), batch_dims = int32(1))"),
	         "a");
	assert_int_equal(ncode(&r, "I011"), 1);
	assert_type(&r, "a", "tensor<fp32, [2, 2, 3, 7]>");
	done(&r);
}

static void test_infer_scatter_and_topk(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [4, 6]> d, tensor<int32, [3]> i, tensor<fp32, [4, 3]> u",
	         S("tensor<fp32, *> s = scatter(data = d, indices = i, updates = u, axis = int32(1))")
	         S("tensor<fp32, *> v, tensor<int32, *> k = topk(x = d, k = int32(2))")
	         S("tensor<fp32, *> w, tensor<int32, *> j = topk(x = d, k = int32(-1), axis = int32(0))"),
	         "s, v, k, w, j");
	assert_type(&r, "s", "tensor<fp32, [4, 6]>");
	assert_type(&r, "v", "tensor<fp32, [4, 2]>");
	assert_type(&r, "k", "tensor<int32, [4, 2]>");
	assert_type(&r, "w", "tensor<fp32, [4, 6]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_data_dependent_unknown(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [3, 4]> x",
	         S("tensor<int32, *> n = non_zero(x = x)")
	         S("tensor<fp32, *> o = one_hot(indices = tensor<int32, [2]>([0, 1]), one_hot_vector_size = int32(5), axis = int32(0))"),
	         "n, o");
	assert_type(&r, "n", "tensor<int32, [?, 2]>");
	assert_type(&r, "o", "tensor<int32, [5, 2]>");
	done(&r);
}

static void test_infer_pad_and_reorganise(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [1, 8, 4, 6]> x",
	         S("tensor<fp32, *> p = pad(x = x, pad = tensor<int32, [4]>([1, 2, 0, 3]), mode = string(\"reflect\"))")
	         S("tensor<fp32, *> d = depth_to_space(x = x, block_size = int32(2))")
	         S("tensor<fp32, *> s = space_to_depth(x = x, block_size = int32(2))")
	         S("tensor<fp32, *> b = space_to_batch(x = x, block_shape = tensor<int32, [2]>([2, 2]), paddings = tensor<int32, [2, 2]>([0, 0, 1, 1]))")
	         S("tensor<fp32, *> w = sliding_windows(x = x, axis = int32(-1), size = int32(3), stride = int32(2))")
	         S("tensor<fp32, *> u = upsample_nearest_neighbor(x = x, scale_factor_height = fp32(0x1p+1), scale_factor_width = fp32(0x1.8p+0))")
	         S("tensor<fp32, *> z = resize_bilinear(x = x, target_size_height = int32(7), target_size_width = int32(9))"),
	         "p, d, s, b, w, u, z");
	assert_type(&r, "p", "tensor<fp32, [1, 8, 7, 9]>");
	assert_type(&r, "d", "tensor<fp32, [1, 2, 8, 12]>");
	assert_type(&r, "s", "tensor<fp32, [1, 32, 2, 3]>");
	assert_type(&r, "b", "tensor<fp32, [4, 8, 2, 4]>");
	assert_type(&r, "w", "tensor<fp32, [1, 8, 4, 2, 3]>");
	assert_type(&r, "u", "tensor<fp32, [1, 8, 8, 9]>");
	assert_type(&r, "z", "tensor<fp32, [1, 8, 7, 9]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

static void test_infer_recurrent(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [7, 2, 5]> x, tensor<fp32, [2, 16]> h0, tensor<fp32, [2, 8]> g0",
	         S("tensor<fp32, [32, 5]> wi = const()[val = tensor<fp32, [32, 5]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, [32, 8]> wh = const()[val = tensor<fp32, [32, 8]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> y, tensor<fp32, *> h, tensor<fp32, *> c = lstm(x = x, initial_h = h0, initial_c = h0, weight_ih = wi, weight_hh = wh, output_sequence = bool(true), direction = string(\"bidirectional\"), weight_ih_back = wi, weight_hh_back = wh)")
	         S("tensor<fp32, [24, 5]> gi = const()[val = tensor<fp32, [24, 5]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, [24, 8]> gh = const()[val = tensor<fp32, [24, 8]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> gy, tensor<fp32, *> gs = gru(x = x, initial_h = g0, weight_ih = gi, weight_hh = gh)"),
	         "y, h, c, gy, gs");
	assert_type(&r, "y", "tensor<fp32, [7, 2, 16]>");
	assert_type(&r, "h", "tensor<fp32, [2, 16]>");
	assert_type(&r, "gy", "tensor<fp32, [1, 2, 8]>");
	assert_type(&r, "gs", "tensor<fp32, [2, 8]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
}

/* ------------------------------------------------------------------ symbolic dims */

static void test_infer_symbolic_dims(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [1, 3, ?, ?]> x, tensor<fp32, [?, 4]> v",
	         S("tensor<fp32, [8, 3, 3, 3]> w = const()[val = tensor<fp32, [8, 3, 3, 3]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64)))]")
	         S("tensor<fp32, *> c = conv(x = x, weight = w, strides = tensor<int32, [2]>([2, 2]), pad_type = string(\"custom\"), pad = tensor<int32, [4]>([1, 1, 1, 1]))")
	         S("tensor<fp32, *> u = upsample_nearest_neighbor(x = c, scale_factor_height = fp32(0x1p+1), scale_factor_width = fp32(0x1p+2))")
	         S("tensor<fp32, *> p = pad(x = x, pad = tensor<int32, [4]>([1, 1, 0, 0]))")
	         S("tensor<fp32, *> k = concat(values = (v, v), axis = int32(0))")
	         S("tensor<fp32, *> s = conv(x = x, weight = w, pad_type = string(\"same\"), strides = tensor<int32, [2]>([3, 1]))")
	         S("tensor<fp32, *> f = reshape(x = x, shape = tensor<int32, [2]>([3, -1]))")
	         S("tensor<fp32, *> g = reshape(x = v, shape = tensor<int32, [2]>([-1, 2]))"),
	         "u, p, k, s, f, g");
	assert_type(&r, "c", "tensor<fp32, [1, 8, (is0 + 1) // 2, (is1 + 1) // 2]>");
	assert_type(&r, "u", "tensor<fp32, [1, 8, (is0 + 1) // 2 * 2, (is1 + 1) // 2 * 4]>");
	assert_type(&r, "p", "tensor<fp32, [1, 3, is0 + 2, is1]>");
	assert_type(&r, "k", "tensor<fp32, [is2 * 2, 4]>");
	assert_type(&r, "s", "tensor<fp32, [1, 8, (is0 + 2) // 3, is1]>");
	assert_type(&r, "f", "tensor<fp32, [3, is0 * is1]>");
	assert_type(&r, "g", "tensor<fp32, [is2 * 2, 2]>");
	assert_int_equal(nerrors(&r), 0);
	/* equal expressions are one interned text */
	const Func *f = r.m->funcs.v[0];
	const Type *a = infer_value_computed(r.ctx, f, value_named(f, "k"));
	const Type *b = infer_value_computed(r.ctx, f, value_named(f, "g"));
	assert_ptr_equal(a->dims[0].sym, b->dims[0].sym);
	done(&r);
}

static void test_infer_dim_algebra(void **state)
{
	(void)state;
	Module *m = ir_module_new("t");
	Infer in = { .m = m, .types = m->types };
	Dim x = dim_sym(&in, "is0"), y = dim_sym(&in, "is1");
	Dim a = dim_addc(&in, dim_mulc(&in, x, 2), 3);
	Dim b = dim_add(&in, dim_const(3), dim_add(&in, x, x));
	assert_int_equal(a.kind, DIM_SYM);
	assert_string_equal(a.sym, "is0 * 2 + 3");
	assert_ptr_equal(a.sym, b.sym);
	/* x + y - x == y; (2x + 4) // 2 == x + 2; x * y == y * x */
	Dim c = dim_sub(&in, dim_add(&in, x, y), x);
	assert_ptr_equal(c.sym, y.sym);
	Dim d = dim_floordiv(&in, dim_addc(&in, dim_mulc(&in, x, 2), 4), dim_const(2));
	assert_string_equal(d.sym, "is0 + 2");
	assert_ptr_equal(dim_mul(&in, x, y).sym, dim_mul(&in, y, x).sym);
	/* floor((x - 1) / 2) + 1 == (x + 1) // 2, and it parses back to itself */
	Dim e = dim_addc(&in, dim_floordiv(&in, dim_addc(&in, x, -1), dim_const(2)), 1);
	assert_string_equal(e.sym, "(is0 + 1) // 2");
	assert_ptr_equal(dim_sym(&in, e.sym).sym, e.sym);
	assert_ptr_equal(dim_sym(&in, "1 + is0 // 1").sym, dim_addc(&in, x, 1).sym);
	/* x - x == 0; unknown stays unknown; ceil division */
	assert_true(dim_is(dim_sub(&in, x, x), 0));
	assert_int_equal(dim_add(&in, x, dim_unknown()).kind, DIM_UNKNOWN);
	assert_true(dim_is(dim_ceildiv(&in, dim_const(7), dim_const(2)), 4));
	assert_string_equal(dim_ceildiv(&in, x, dim_const(4)).sym, "(is0 + 3) // 4");
	/* a name that is no expression is one atom */
	Dim odd = dim_sym(&in, "s.1");
	assert_string_equal(dim_addc(&in, odd, 1).sym, "s.1 + 1");
	ir_module_free(m);
}

/* ------------------------------------------------------------------ control flow, lists */

static const char *const loop_prog =
	"program(1.3)\n{\n    func main<ios17>(tensor<fp32, [2, 3]> x, bool p) {\n"
	"            tensor<fp32, [2, 3]> y = cond(pred = p) {\n"
	"                tensor<fp32, [2, 3]> a = add(x = x, y = fp32(0x1p+0));\n"
	"            } -> (a) {\n"
	"                tensor<fp32, [2, 3]> b = sub(x = x, y = fp32(0x1p+0));\n"
	"            } -> (b);\n"
	"            int32 n, tensor<fp32, [?, 3]> z = while_loop(loop_vars = (k, x)) "
	"(int32 i, tensor<fp32, [?, 3]> v) {\n"
	"                bool c = less(x = i, y = int32(3));\n"
	"            } -> (c) (int32 j, tensor<fp32, [?, 3]> w) {\n"
	"                int32 j1 = add(x = j, y = int32(1));\n"
	"                tensor<fp32, [?, 3]> w1 = concat(values = (w, w), axis = int32(0));\n"
	"            } -> (j1, w1);\n"
	"        } -> (y, z);\n}\n";

static void test_infer_cond_and_loop_types(void **state)
{
	(void)state;
	char *text = strdup(loop_prog);
	/* the loop starts from a const counter */
	char *at = strstr(text, "            int32 n,");
	assert_non_null(at);
	size_t pre = (size_t)(at - text);
	const char *k = "            int32 k = const()[val = int32(0)];\n";
	char *full = malloc(strlen(text) + strlen(k) + 1);
	memcpy(full, text, pre);
	strcpy(full + pre, k);
	strcat(full, text + pre);
	Run r;
	run(&r, full);
	assert_type(&r, "y", "tensor<fp32, [2, 3]>");
	/* the carried tensor grows each iteration: its first dim is unknown,
	 * the counter is not a constant in the body */
	assert_type(&r, "z", "tensor<fp32, [?, 3]>");
	assert_type(&r, "n", "int32");
	assert_type(&r, "w1", "tensor<fp32, [?, 3]>");
	const Func *f = r.m->funcs.v[0];
	uint32_t n;
	assert_null(infer_value_ints(r.ctx, f, value_named(f, "j1"), &n));
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(ncode(&r, "I040"), 0);
	done(&r);
	free(full);
	free(text);
}

static void test_infer_cond_branches_disagree(void **state)
{
	(void)state;
	Run r;
	run(&r, "program(1.3)\n{\n    func main<ios17>(tensor<fp32, [2, 3]> x, bool p) {\n"
	    "            tensor<fp32, *> y = cond(pred = p) {\n"
	    "                tensor<fp32, *> a = add(x = x, y = fp32(0x1p+0));\n"
	    "            } -> (a) {\n"
	    "                tensor<int32, *> b = cast(x = x, dtype = string(\"int32\"));\n"
	    "            } -> (b);\n"
	    "        } -> (y);\n}\n");
	assert_int_equal(ncode(&r, "I034"), 1);
	done(&r);
}

static void test_infer_lists(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp32, [4, 2]> v",
	         S("list<tensor<fp32, [2]>, 4> l = make_list(init_length = int32(4), elem_shape = (int32(2)), dtype = string(\"fp32\"))")
	         S("list<tensor<fp32, [2]>, 4> l2 = list_scatter(ls = l, indices = tensor<int32, [4]>([0, 1, 2, 3]), value = v)")
	         S("tensor<fp32, *> e = list_read(ls = l2, index = int32(1))")
	         S("tensor<fp32, *> g = list_gather(ls = l2, indices = tensor<int32, [3]>([0, 1, 2]))")
	         S("int32 n = list_length(ls = l2)"),
	         "e, g, n");
	assert_type(&r, "l", "list<tensor<fp32, [2]>, 4>");
	assert_type(&r, "e", "tensor<fp32, [2]>");
	assert_type(&r, "g", "tensor<fp32, [3, 2]>");
	assert_type(&r, "n", "int32");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(ncode(&r, "I040"), 0);
	done(&r);
}

/* ------------------------------------------------------------------ constexpr, state */

static void test_infer_constexpr_attribute_and_operand_forms(void **state)
{
	(void)state;
	Run r;
	/* iOS16: operands are attributes */
	run_prog(&r, "ios16", "tensor<fp32, [1, 4]> x",
	         S("tensor<fp32, [4, 4]> w = constexpr_affine_dequantize()[quantized_data = tensor<int8, [4, 4]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), zero_point = int8(0), scale = tensor<fp32, [4]>([0x1p+0, 0x1p+0, 0x1p+0, 0x1p+0]), axis = int32(0)]")
	         S("tensor<fp32, [2, 8]> l = constexpr_lut_to_dense()[indices = tensor<uint8, [8]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), lut = tensor<fp32, [16]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), shape = tensor<uint32, [2]>([2, 8])]")
	         S("tensor<fp32, [3, 5]> s = constexpr_sparse_to_dense()[nonzero_data = tensor<fp32, [4]>([0x1p+0, 0x1p+0, 0x1p+0, 0x1p+0]), mask = tensor<uint8, [2]>([15, 0]), shape = tensor<uint32, [2]>([3, 5])]")
	         S("tensor<fp32, [1, 4]> y = linear(x = x, weight = w)"),
	         "y, l, s");
	assert_type(&r, "w", "tensor<fp32, [4, 4]>");
	assert_type(&r, "l", "tensor<fp32, [2, 8]>");
	assert_type(&r, "s", "tensor<fp32, [3, 5]>");
	assert_int_equal(nerrors(&r), 0);
	done(&r);
	/* iOS18: operands are inputs */
	run_prog(&r, "ios18", "tensor<fp32, [1, 64]> x",
	         S("tensor<fp16, [8, 64]> b = constexpr_blockwise_shift_scale(data = tensor<int4, [8, 64]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), scale = tensor<fp16, [8, 2]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))))")
	         S("tensor<fp32, [8, 64]> l = constexpr_lut_to_dense(indices = tensor<uint3, [8, 32]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), lut = tensor<fp32, [2, 1, 8, 2]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), vector_axis = int32(1))")
	         S("tensor<uint1, [8, 64]> m, tensor<fp32, [100]> v = constexpr_lut_to_sparse(indices_mask = tensor<uint1, [8, 64]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), indices_nonzero_data = tensor<uint4, [100]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), lut = tensor<fp32, [1, 1, 16, 1]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))))")
	         S("tensor<fp32, [8, 64]> d = constexpr_sparse_to_dense(mask = m, nonzero_data = v)"),
	         "b, l, d");
	assert_type(&r, "b", "tensor<fp16, [8, 64]>");
	assert_type(&r, "l", "tensor<fp32, [8, 64]>");
	assert_type(&r, "m", "tensor<uint1, [8, 64]>");
	assert_type(&r, "v", "tensor<fp32, [100]>");
	assert_type(&r, "d", "tensor<fp32, [8, 64]>");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(ncode(&r, "I040"), 0);
	done(&r);
	/* indices that do not fit the shape */
	run_prog(&r, "ios16", "tensor<fp32, [1, 4]> x",
	         S("tensor<fp32, [2, 8]> l = constexpr_lut_to_dense()[indices = tensor<uint8, [9]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), lut = tensor<fp32, [16]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), shape = tensor<uint32, [2]>([2, 8])]"),
	         "l");
	assert_int_equal(ncode(&r, "I033"), 1);
	done(&r);
}

static void test_infer_state(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios18", "state<tensor<fp16, [1, 4]>> s, tensor<fp16, [1, 4]> x, tensor<fp16, [1, 5]> z",
	         S("tensor<fp16, *> a = read_state(input = s)")
	         S("write_state(input = s, data = x)")
	         S("write_state(input = s, data = z)"),
	         "a");
	assert_type(&r, "a", "tensor<fp16, [1, 4]>");
	assert_int_equal(ncode(&r, "I030"), 1);
	done(&r);
	/* read_state is an iOS18 op */
	run_prog(&r, "ios17", "state<tensor<fp16, [1, 4]>> s",
	         S("tensor<fp16, *> a = read_state(input = s)"), "a");
	assert_int_equal(ncode(&r, "I002"), 1);
	assert_type(&r, "a", "tensor<fp16, [1, 4]>");
	done(&r);
}

static void test_infer_every_rule_has_a_function(void **state)
{
	(void)state;
	/* a row of each rule reaches its rule without crashing on operands of
	 * unknown rank */
	for (size_t i = 0; i < op_catalogue_nrows(); i++) {
		const OpInfo *info = op_catalogue_row(i);
		char body[4096] = "";
		size_t k = 0;
		bool ok = true;
		for (uint8_t j = 0; j < info->noperands && ok; j++) {
			const OpOperandInfo *oi = &info->operands[j];
			if (oi->optional || oi->kind == OPND_ATTR)
				continue;
			ok = oi->kind == OPND_TENSOR || oi->kind == OPND_TUPLE;
			k += (size_t)snprintf(body + k, sizeof body - k, "%s%s = %sx%s", k ? ", " : "",
			                      oi->name, oi->kind == OPND_TUPLE ? "(" : "",
			                      oi->kind == OPND_TUPLE ? ")" : "");
		}
		if (!ok || info->nblocks || info->nout_min == 0)
			continue;
		char stmt[4300];
		snprintf(stmt, sizeof stmt, "            tensor<fp32, *> y = %s<%s>(%s);\n", info->name,
		         opset_name(info->since), body);
		Run r;
		run_prog(&r, "ios18", "tensor<fp32, *> x", stmt, "y");
		done(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_infer_broadcasting),
		cmocka_unit_test(test_infer_select_three_way),
		cmocka_unit_test(test_infer_cast_and_dtype_operand),
		cmocka_unit_test(test_infer_conv_pad_types),
		cmocka_unit_test(test_infer_conv_same_lower_ios15),
		cmocka_unit_test(test_infer_conv_channel_mismatch),
		cmocka_unit_test(test_infer_conv_transpose),
		cmocka_unit_test(test_infer_pool_ceil_mode),
		cmocka_unit_test(test_infer_matmul_transpose_flags),
		cmocka_unit_test(test_infer_matmul_dtype_by_opset),
		cmocka_unit_test(test_infer_linear_and_einsum),
		cmocka_unit_test(test_infer_reduce_keep_dims_negative_axes),
		cmocka_unit_test(test_infer_layer_norm_per_channel),
		cmocka_unit_test(test_infer_slice_masks),
		cmocka_unit_test(test_infer_reshape_by_opset),
		cmocka_unit_test(test_infer_dynamic_vs_static_operands),
		cmocka_unit_test(test_infer_shape_folding),
		cmocka_unit_test(test_infer_transpose_squeeze_expand),
		cmocka_unit_test(test_infer_concat_split_stack),
		cmocka_unit_test(test_infer_gather_batch_dims_by_opset),
		cmocka_unit_test(test_infer_scatter_and_topk),
		cmocka_unit_test(test_infer_data_dependent_unknown),
		cmocka_unit_test(test_infer_pad_and_reorganise),
		cmocka_unit_test(test_infer_recurrent),
		cmocka_unit_test(test_infer_symbolic_dims),
		cmocka_unit_test(test_infer_dim_algebra),
		cmocka_unit_test(test_infer_cond_and_loop_types),
		cmocka_unit_test(test_infer_cond_branches_disagree),
		cmocka_unit_test(test_infer_lists),
		cmocka_unit_test(test_infer_constexpr_attribute_and_operand_forms),
		cmocka_unit_test(test_infer_state),
		cmocka_unit_test(test_infer_every_rule_has_a_function),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
