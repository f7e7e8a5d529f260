/* test_memory.c - the `memory` pass: liveness and peak activation memory on
 * small hand-written programs with hand-computed bytes (a chain, a fan-out
 * kept live, a concat of many inputs, a nested cond, unknown dims, states),
 * weight bytes of every constexpr form (stored and decompressed), the 1 GB
 * iPhone limit from BLOBFILE types alone, working sets, and the corpus. */
#include "testutil.h"
#include "infer_util.h"

#include <dirent.h>
#include <inttypes.h>

#include "anelint.h"
#include "passes/ane/ane.h"
#include "passes/cost/memory.h"

#define BLOB(ty, off) ty "(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), " \
	"offset = uint64(" #off ")))"

static const MemFunc *mf0(Run *r)
{
	const MemFunc *mf = mem_func(r->ctx, r->m->funcs.v[0]);
	assert_non_null(mf);
	return mf;
}

static const Op *op_named(Run *r, const char *name)
{
	const MemFunc *mf = mf0(r);
	for (uint32_t i = 0; i < mf->nops; i++)
		if (mf->ops[i] && strcmp(ir_op_name(r->m->funcs.v[0], mf->ops[i]), name) == 0)
			return mf->ops[i];
	fail_msg("no op '%s'", name);
	return NULL;
}

static int64_t live_at(Run *r, const char *op)
{
	MemSize s = mem_op_live(r->ctx, r->m->funcs.v[0], op_named(r, op));
	assert_int_equal(s.unknown, 0);
	return s.bytes;
}

/* The names of the values live at the peak, sorted, comma-separated. */
static const char *peak_names(Run *r)
{
	const MemFunc *mf = mf0(r);
	const char *names[64];
	uint32_t n = mf->npeak_live < 64 ? mf->npeak_live : 64;
	for (uint32_t i = 0; i < n; i++)
		names[i] = ir_value(r->m->funcs.v[0], mf->peak_live[i])->name;
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	size_t o = 0;
	r->buf[0] = 0;
	for (uint32_t i = 0; i < n && o < sizeof r->buf; i++)
		o += (size_t)snprintf(r->buf + o, sizeof r->buf - o, "%s%s", i ? "," : "", names[i]);
	return r->buf;
}

/* ------------------------------------------------------------------ liveness */

static void test_memory_chain(void **state)
{
	(void)state;
	Run r;
	/* 64 fp16 = 128 bytes each; each op holds its input and its output */
	run_prog(&r, "ios17", "tensor<fp16, [1, 64]> x",
	         S("tensor<fp16, [1, 64]> a = relu(x = x)[name = string(\"a\")]")
	         S("tensor<fp16, [1, 64]> b = relu(x = a)[name = string(\"b\")]")
	         S("tensor<fp16, [1, 64]> c = relu(x = b)[name = string(\"c\")]"), "c");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(live_at(&r, "a"), 256);
	assert_int_equal(live_at(&r, "b"), 256);
	assert_int_equal(live_at(&r, "c"), 256);
	const MemFunc *mf = mf0(&r);
	assert_int_equal(mf->peak.bytes, 256);
	assert_int_equal(mf->peak.unknown, 0);
	assert_ptr_equal(mf->peak_op, op_named(&r, "a"));   /* the first op at the peak */
	assert_string_equal(peak_names(&r), "a,x");
	assert_int_equal(mf->inputs.bytes, 128);
	assert_int_equal(mf->outputs.bytes, 128);
	assert_int_equal(mf->nops, 3);
	assert_ptr_equal(mem_module_peak(r.ctx), mf);
	done(&r);
}

static void test_memory_fanout_kept_live(void **state)
{
	(void)state;
	Run r;
	/* 1024 fp16 = 2048 bytes; `a` stays live until `d` reads it again */
	run_prog(&r, "ios17", "tensor<fp16, [1, 1024]> x",
	         S("tensor<fp16, [1, 1024]> a = relu(x = x)[name = string(\"a\")]")
	         S("tensor<fp16, [1, 1024]> b = relu(x = a)[name = string(\"b\")]")
	         S("tensor<fp16, [1, 1024]> c = relu(x = b)[name = string(\"c\")]")
	         S("tensor<fp16, [1, 1024]> d = add(x = a, y = c)[name = string(\"d\")]"), "d");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(live_at(&r, "a"), 4096);      /* x, a */
	assert_int_equal(live_at(&r, "b"), 4096);      /* a, b */
	assert_int_equal(live_at(&r, "c"), 6144);      /* a, b, c */
	assert_int_equal(live_at(&r, "d"), 6144);      /* a, c, d */
	const MemFunc *mf = mf0(&r);
	assert_int_equal(mf->peak.bytes, 6144);
	assert_ptr_equal(mf->peak_op, op_named(&r, "c"));
	assert_string_equal(peak_names(&r), "a,b,c");
	done(&r);
}

static void test_memory_concat_many_inputs(void **state)
{
	(void)state;
	Run r;
	/* eight inputs of 16 fp16 (32 bytes) live from the start; the concat
	 * holds seven of them, relu's output and its own 256-byte result */
	run_prog(&r, "ios17",
	         "tensor<fp16, [1, 16]> x0, tensor<fp16, [1, 16]> x1, tensor<fp16, [1, 16]> x2, "
	         "tensor<fp16, [1, 16]> x3, tensor<fp16, [1, 16]> x4, tensor<fp16, [1, 16]> x5, "
	         "tensor<fp16, [1, 16]> x6, tensor<fp16, [1, 16]> x7",
	         S("tensor<fp16, [1, 16]> r = relu(x = x0)[name = string(\"r\")]")
	         S("tensor<fp16, [1, 128]> y = concat(values = (r, x1, x2, x3, x4, x5, x6, x7), "
	           "axis = int32(1))[name = string(\"y\")]")
	         S("tensor<fp16, [1, 128]> z = relu(x = y)[name = string(\"z\")]"), "z");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(live_at(&r, "r"), 8 * 32 + 32);
	assert_int_equal(live_at(&r, "y"), 7 * 32 + 32 + 256);
	assert_int_equal(live_at(&r, "z"), 512);
	const MemFunc *mf = mf0(&r);
	assert_int_equal(mf->peak.bytes, 512);
	assert_ptr_equal(mf->peak_op, op_named(&r, "y"));
	assert_string_equal(peak_names(&r), "r,x1,x2,x3,x4,x5,x6,x7,y");
	assert_int_equal(mf->inputs.bytes, 256);
	done(&r);
}

static void test_memory_nested_cond(void **state)
{
	(void)state;
	Run r;
	/* x: 200 bytes, p: 1, every other tensor 200.  Around the cond: x, p
	 * (read inside) and y = 401; inside, y does not exist yet: 201 plus the
	 * branch's own peak (a, b: 400) = 601 at b. */
	run_prog(&r, "ios17", "tensor<fp16, [1, 100]> x, bool p",
	         S("tensor<fp16, [1, 100]> y = cond(pred = p)[name = string(\"y\")] {\n"
	           "                tensor<fp16, [1, 100]> a = relu(x = x)[name = string(\"a\")];\n"
	           "                tensor<fp16, [1, 100]> b = relu(x = a)[name = string(\"b\")];\n"
	           "            } -> (b) {\n"
	           "                tensor<fp16, [1, 100]> c = relu(x = x)[name = string(\"c\")];\n"
	           "            } -> (c)")
	         S("tensor<fp16, [1, 100]> z = relu(x = y)[name = string(\"z\")]"), "z");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(live_at(&r, "y"), 401);
	assert_int_equal(live_at(&r, "a"), 401);
	assert_int_equal(live_at(&r, "b"), 601);
	assert_int_equal(live_at(&r, "c"), 401);
	assert_int_equal(live_at(&r, "z"), 400);
	const MemFunc *mf = mf0(&r);
	assert_int_equal(mf->peak.bytes, 601);
	assert_ptr_equal(mf->peak_op, op_named(&r, "b"));
	assert_string_equal(peak_names(&r), "a,b,p,x");
	done(&r);
}

static void test_memory_while_loop(void **state)
{
	(void)state;
	Run r;
	/* loop vars i (4 bytes) and s (64 fp32 = 256); the body holds its
	 * parameters and t */
	run_prog(&r, "ios17", "tensor<fp32, [64]> x",
	         S("int32 i0 = const()[name = string(\"i0\"), val = int32(0)]")
	         S("int32 i_out, tensor<fp32, [64]> s_out = while_loop(loop_vars = (i0, x))"
	           "[name = string(\"loop\")] (int32 i, tensor<fp32, [64]> s) {\n"
	           "                bool go = less(x = i, y = int32(3))[name = string(\"go\")];\n"
	           "            } -> (go) (int32 i, tensor<fp32, [64]> s) {\n"
	           "                tensor<fp32, [64]> t = relu(x = s)[name = string(\"t\")];\n"
	           "                int32 i1 = add(x = i, y = int32(1))[name = string(\"i1\")];\n"
	           "            } -> (i1, t)"), "s_out");
	assert_int_equal(nerrors(&r), 0);
	/* around the loop: x (256, a loop var) and the outputs 4 + 256 */
	assert_int_equal(live_at(&r, "loop"), 516);
	/* inside: x 256 around, parameters 260, t 256 */
	assert_int_equal(live_at(&r, "t"), 256 + 260 + 256);
	assert_int_equal(mf0(&r)->peak.bytes, 772);
	done(&r);
}

static void test_memory_unknown_dims(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [1, ?]> x, tensor<fp16, [1, 8]> w",
	         S("tensor<fp16, [1, ?]> y = relu(x = x)[name = string(\"y\")]")
	         S("tensor<fp16, [1, 8]> v = relu(x = w)[name = string(\"v\")]"), "y, v");
	assert_int_equal(nerrors(&r), 0);
	const MemFunc *mf = mf0(&r);
	/* at y: x and y unknown, w known (16); at v: y unknown, w and v known */
	MemSize s = mem_op_live(r.ctx, r.m->funcs.v[0], op_named(&r, "y"));
	assert_int_equal(s.bytes, 16);
	assert_int_equal(s.unknown, 2);
	assert_int_equal(mf->peak.bytes, 32);
	assert_int_equal(mf->peak.unknown, 1);
	char buf[160];
	mem_format_size(mf->peak, buf, sizeof buf);
	assert_string_equal(buf, "at least 32 bytes (1 value of unknown size)");
	mem_format_size((MemSize){ 0, 3 }, buf, sizeof buf);
	assert_string_equal(buf, "unknown (3 values of unknown size)");
	mem_format_size((MemSize){ 1234567, 0 }, buf, sizeof buf);
	assert_string_equal(buf, "1,234,567 bytes (1.2 MB)");
	mem_format_size((MemSize){ 999, 0 }, buf, sizeof buf);
	assert_string_equal(buf, "999 bytes");
	assert_int_equal(mf->inputs.bytes, 16);
	assert_int_equal(mf->inputs.unknown, 1);
	done(&r);
}

static void test_memory_states_apart(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios18", "tensor<fp16, [1, 32]> x, state<tensor<fp16, [1, 32]>> k",
	         S("tensor<fp16, [1, 32]> kv = read_state(input = k)[name = string(\"kv\")]")
	         S("tensor<fp16, [1, 32]> y = add(x = x, y = kv)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	const MemFunc *mf = mf0(&r);
	assert_int_equal(mf->states.bytes, 64);
	assert_int_equal(mf->inputs.bytes, 64);
	/* at y: x, kv, y; the state itself is not an activation */
	assert_int_equal(mf->peak.bytes, 192);
	done(&r);
}

static void test_memory_type_sizes(void **state)
{
	(void)state;
	Module *m = ir_module_new("t");
	Dim d3[] = { dim_const(10), dim_const(3) };
	assert_int_equal(mem_type_size(type_tensor(m->types, DT_UINT3, 2, d3)).bytes, 12);
	assert_int_equal(mem_type_size(type_tensor(m->types, DT_UINT1, 2, d3)).bytes, 4);
	assert_int_equal(mem_type_size(type_tensor(m->types, DT_INT4, 2, d3)).bytes, 15);
	assert_int_equal(mem_type_size(type_tensor(m->types, DT_BOOL, 2, d3)).bytes, 30);
	assert_int_equal(mem_type_size(type_scalar(m->types, DT_FP32)).bytes, 4);
	const Type *el[] = { type_scalar(m->types, DT_FP16), type_tensor(m->types, DT_INT32, 2, d3) };
	assert_int_equal(mem_type_size(type_tuple(m->types, 2, el)).bytes, 122);
	MemSize l = mem_type_size(type_list(m->types, el[0], dim_const(3)));
	assert_int_equal(l.unknown, 1);
	Dim huge[] = { dim_const(INT64_C(1) << 40), dim_const(INT64_C(1) << 40) };
	assert_int_equal(mem_type_size(type_tensor(m->types, DT_FP32, 2, huge)).unknown, 1);
	MemSize sat = mem_size_add((MemSize){ INT64_MAX, 0 }, (MemSize){ 5, 1 });
	assert_int_equal(sat.bytes, INT64_MAX);
	assert_int_equal(sat.unknown, 1);
	ir_module_free(m);
}

/* ------------------------------------------------------------------ weights */

static void test_memory_weights_int8_affine(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios16", "tensor<fp16, [1, 32]> x",
	         S("tensor<fp16, [64, 32]> w = constexpr_affine_dequantize()[quantized_data = "
	           BLOB("tensor<int8, [64, 32]>", 64) ", zero_point = " BLOB("tensor<int8, [64]>", 2176)
	           ", scale = " BLOB("tensor<fp16, [64]>", 2304) ", axis = int32(0), "
	           "name = string(\"w\")]")
	         S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	const MemWeights *w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_INT8], 64 * 32 + 64);
	assert_int_equal(w->nstored[DT_INT8], 2);
	assert_int_equal(w->stored[DT_FP16], 128);
	assert_int_equal(w->stored[DT_INT32], 4);          /* the axis */
	assert_int_equal(w->stored_total.bytes, 2048 + 64 + 128 + 4);
	assert_int_equal(w->decompressed[DT_FP16], 4096);
	assert_int_equal(w->decompressed[DT_INT8], 0);
	assert_int_equal(w->decompressed_total.bytes, 4096);
	assert_int_equal(w->constexpr_ops, 1);
	/* the weight is no activation: at y only x and y (64 + 128) */
	assert_int_equal(mf0(&r)->peak.bytes, 192);
	done(&r);
}

static void test_memory_weights_palettized(void **state)
{
	(void)state;
	Run r;
	/* iOS18: 4-bit indices with the output's shape (2048 x 4 bits = 1024
	 * bytes), a 16-entry fp16 LUT; 3-bit indices [10, 3] = 90 bits = 12 bytes */
	run_prog(&r, "ios18", "tensor<fp16, [1, 32]> x, tensor<fp16, [1, 3]> x3",
	         S("tensor<fp16, [64, 32]> w = constexpr_lut_to_dense(indices = "
	           BLOB("tensor<uint4, [64, 32]>", 64) ", lut = " BLOB("tensor<fp16, [1, 1, 16, 1]>", 1152)
	           ")[name = string(\"w\")]")
	         S("tensor<fp16, [10, 3]> w3 = constexpr_lut_to_dense(indices = "
	           BLOB("tensor<uint3, [10, 3]>", 1280) ", lut = " BLOB("tensor<fp16, [1, 1, 8, 1]>", 1344)
	           ")[name = string(\"w3\")]")
	         S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]")
	         S("tensor<fp16, [1, 10]> y3 = linear(x = x3, weight = w3)[name = string(\"y3\")]"),
	         "y, y3");
	assert_int_equal(nerrors(&r), 0);
	const MemWeights *w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_UINT4], 1024);
	assert_int_equal(w->stored[DT_UINT3], 12);
	assert_int_equal(w->stored[DT_FP16], 32 + 16);
	assert_int_equal(w->decompressed[DT_FP16], 4096 + 60);
	assert_int_equal(w->ndecompressed[DT_FP16], 2);
	done(&r);

	/* iOS16: indices packed into uint8 (2048 x 4 bits = 1024), a fp32 LUT,
	 * the shape as an immediate uint32 pair */
	run_prog(&r, "ios16", "tensor<fp32, [1, 32]> x",
	         S("tensor<fp32, [64, 32]> w = constexpr_lut_to_dense()[indices = "
	           BLOB("tensor<uint8, [1024]>", 64) ", lut = " BLOB("tensor<fp32, [16]>", 1152)
	           ", shape = tensor<uint32, [2]>([64, 32]), name = string(\"w\")]")
	         S("tensor<fp32, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_UINT8], 1024);
	assert_int_equal(w->stored[DT_FP32], 64);
	assert_int_equal(w->stored[DT_UINT32], 8);
	assert_int_equal(w->decompressed[DT_FP32], 8192);
	assert_int_equal(w->decompressed_total.bytes, 8192);
	done(&r);
}

static void test_memory_weights_sparse(void **state)
{
	(void)state;
	Run r;
	/* iOS16: 500 fp16 non-zeros, a bit mask of 2048 bits (256 bytes) */
	run_prog(&r, "ios16", "tensor<fp16, [1, 32]> x",
	         S("tensor<fp16, [64, 32]> w = constexpr_sparse_to_dense()[nonzero_data = "
	           BLOB("tensor<fp16, [500]>", 64) ", mask = " BLOB("tensor<uint8, [256]>", 1152)
	           ", shape = tensor<uint32, [2]>([64, 32]), name = string(\"w\")]")
	         S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	const MemWeights *w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_FP16], 1000);
	assert_int_equal(w->stored[DT_UINT8], 256);
	assert_int_equal(w->stored_total.bytes, 1000 + 256 + 8);
	assert_int_equal(w->decompressed[DT_FP16], 4096);
	done(&r);

	/* iOS18: a uint1 mask with the dense shape (256 bytes), and the chain
	 * lut_to_sparse -> sparse_to_dense: only the dense result is read */
	run_prog(&r, "ios18", "tensor<fp16, [1, 32]> x",
	         S("tensor<uint1, [64, 32]> m, tensor<fp16, [500]> nz = constexpr_lut_to_sparse("
	           "indices_mask = " BLOB("tensor<uint1, [64, 32]>", 64) ", indices_nonzero_data = "
	           BLOB("tensor<uint4, [500]>", 384) ", lut = " BLOB("tensor<fp16, [1, 1, 16, 1]>", 704)
	           ")[name = string(\"lts\")]")
	         S("tensor<fp16, [64, 32]> w = constexpr_sparse_to_dense(nonzero_data = nz, mask = m)"
	           "[name = string(\"w\")]")
	         S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_UINT1], 256);
	assert_int_equal(w->stored[DT_UINT4], 250);
	assert_int_equal(w->stored[DT_FP16], 32);
	assert_int_equal(w->decompressed[DT_FP16], 4096);
	assert_int_equal(w->ndecompressed[DT_FP16], 1);
	assert_int_equal(w->decompressed[DT_UINT1], 0);
	assert_int_equal(w->constexpr_ops, 2);
	done(&r);
}

static void test_memory_weights_blockwise(void **state)
{
	(void)state;
	Run r;
	/* int4 data (2048 x 4 bits = 1024 bytes), fp16 scales per block of 16
	 * along axis 1 ([64, 2] = 256 bytes), int4 offsets ([64, 2]: 64 bytes) */
	run_prog(&r, "ios18", "tensor<fp16, [1, 32]> x",
	         S("tensor<fp16, [64, 32]> w = constexpr_blockwise_shift_scale(data = "
	           BLOB("tensor<int4, [64, 32]>", 64) ", scale = " BLOB("tensor<fp16, [64, 2]>", 1152)
	           ", offset = " BLOB("tensor<int4, [64, 2]>", 1472) ")[name = string(\"w\")]")
	         S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	const MemWeights *w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_INT4], 1024 + 64);
	assert_int_equal(w->nstored[DT_INT4], 2);
	assert_int_equal(w->stored[DT_FP16], 256);
	assert_int_equal(w->decompressed[DT_FP16], 4096);
	done(&r);
}

static void test_memory_weights_shared_and_immediates(void **state)
{
	(void)state;
	Run r;
	/* two const ops on the same blob record count once; an immediate read
	 * by compute counts as stored and as decompressed */
	run_prog(&r, "ios17", "tensor<fp16, [1, 32]> x",
	         S("tensor<fp16, [64, 32]> w1 = const()[name = string(\"w1\"), val = "
	           BLOB("tensor<fp16, [64, 32]>", 64) "]")
	         S("tensor<fp16, [64, 32]> w2 = const()[name = string(\"w2\"), val = "
	           BLOB("tensor<fp16, [64, 32]>", 64) "]")
	         S("tensor<fp16, [1, 64]> y1 = linear(x = x, weight = w1)[name = string(\"y1\")]")
	         S("tensor<fp16, [1, 64]> y2 = linear(x = x, weight = w2)[name = string(\"y2\")]")
	         S("tensor<fp16, [1, 64]> z = add(x = y1, y = tensor<fp16, [1]>([2]))"
	           "[name = string(\"z\")]"), "y2, z");
	const MemWeights *w = &mf0(&r)->weights;
	assert_int_equal(w->stored[DT_FP16], 4096 + 2);
	assert_int_equal(w->shared_refs, 1);
	assert_int_equal(w->decompressed[DT_FP16], 4096 + 2);
	const MemWeights *mw = mem_module_weights(r.ctx);
	assert_non_null(mw);
	assert_int_equal(mw->stored_total.bytes, 4096 + 2);
	done(&r);
}

/* ------------------------------------------------------------------ the 1 GB limit */

static void test_memory_one_gigabyte(void **state)
{
	(void)state;
	Run r;
	/* 32768 x 16384 fp16 = 1,073,741,824 bytes, from the BLOBFILE type alone */
	run_prog(&r, "ios17", "tensor<fp16, [1, 16384]> x",
	         S("tensor<fp16, [32768, 16384]> w = const()[name = string(\"w\"), val = "
	           BLOB("tensor<fp16, [32768, 16384]>", 64) "]")
	         S("tensor<fp16, [1, 32768]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(ncode(&r, "M001"), 1);
	assert_int_equal(ncode(&r, "M002"), 0);
	assert_non_null(strstr(diag_text(&r, "M001"), "1,073,741,824 bytes (1.1 GB)"));
	assert_non_null(strstr(diag_text(&r, "M001"), "G10"));
	for (uint32_t i = 0; i < r.dl.d.n; i++)
		if (r.dl.d.v[i].code && strcmp(r.dl.d.v[i].code, "M001") == 0) {
			assert_int_equal(r.dl.d.v[i].sev, SEV_WARNING);
			assert_non_null(r.dl.d.v[i].hint);
		}
	assert_int_equal(mem_module_weights(r.ctx)->stored_total.bytes, INT64_C(1073741824));
	done(&r);

	/* for an iPhone chip the legality pass reports it (ANE012); memory does
	 * not repeat it */
	static const char *const a17pro[] = { "--chip=a17pro", NULL };
	run_prog_flags(&r, "ios17", "tensor<fp16, [1, 16384]> x",
	               S("tensor<fp16, [32768, 16384]> w = const()[name = string(\"w\"), val = "
	                 BLOB("tensor<fp16, [32768, 16384]>", 64) "]")
	               S("tensor<fp16, [1, 32768]> y = linear(x = x, weight = w)[name = string(\"y\")]"),
	               "y", a17pro);
	assert_true(ncode(&r, "ANE012") >= 1);
	assert_int_equal(ncode(&r, "M001"), 0);
	done(&r);

	/* the neighbour: half of it stays under */
	run_prog(&r, "ios17", "tensor<fp16, [1, 16384]> x",
	         S("tensor<fp16, [16384, 16384]> w = const()[name = string(\"w\"), val = "
	           BLOB("tensor<fp16, [16384, 16384]>", 64) "]")
	         S("tensor<fp16, [1, 16384]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(ncode(&r, "M001"), 0);
	assert_int_equal(ncode(&r, "M002"), 0);
	done(&r);

	/* int8 under 1 GB as stored, over it once dequantized to fp16 */
	run_prog(&r, "ios16", "tensor<fp16, [1, 20000]> x",
	         S("tensor<fp16, [30000, 20000]> w = constexpr_affine_dequantize()[quantized_data = "
	           BLOB("tensor<int8, [30000, 20000]>", 64) ", zero_point = int8(0), "
	           "scale = fp16(0x1p-7), "
	           "axis = int32(0), name = string(\"w\")]")
	         S("tensor<fp16, [1, 30000]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y");
	assert_int_equal(nerrors(&r), 0);
	assert_int_equal(ncode(&r, "M001"), 0);
	assert_int_equal(ncode(&r, "M002"), 1);
	assert_non_null(strstr(diag_text(&r, "M002"), "1,200,000,000 bytes"));
	done(&r);
}

/* ------------------------------------------------------------------ working sets */

static void test_memory_working_set(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [1, 32]> x",
	         S("tensor<fp16, [64, 32]> w = const()[name = string(\"w\"), val = "
	           BLOB("tensor<fp16, [64, 32]>", 64) "]")
	         S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]")
	         S("tensor<int8, [64, 64]> q = const()[name = string(\"q\"), val = "
	           BLOB("tensor<int8, [64, 64]>", 4224) "]")
	         S("tensor<fp16, [64, 64]> v = constexpr_affine_dequantize(quantized_data = q, "
	           "zero_point = int8(0), scale = fp16(0x1p-7), axis = int32(0))[name = string(\"v\")]")
	         S("tensor<fp16, [1, 64]> z = linear(x = y, weight = v)[name = string(\"z\")]"), "z");
	assert_int_equal(nerrors(&r), 0);
	const Func *f = r.m->funcs.v[0];
	const Op *y = op_named(&r, "y"), *z = op_named(&r, "z");
	MemWorkingSet ws;
	assert_true(mem_working_set(r.ctx, f, y->index, y->index, &ws));
	assert_int_equal(ws.activations.bytes, 64 + 128);
	assert_int_equal(ws.weights_decompressed.bytes, 4096);
	assert_int_equal(ws.weights_stored.bytes, 4096);
	assert_int_equal(ws.total.bytes, 64 + 128 + 4096);
	/* z reads v: dense 8192, stored 4096 int8 + the op's immediates (1 + 2 + 4) */
	assert_true(mem_working_set(r.ctx, f, z->index, z->index, &ws));
	assert_int_equal(ws.activations.bytes, 256);
	assert_int_equal(ws.weights_decompressed.bytes, 8192);
	assert_int_equal(ws.weights_stored.bytes, 4096 + 7);
	assert_ptr_equal(ws.peak_op, z);
	/* the whole function */
	assert_true(mem_working_set(r.ctx, f, 0, f->nops - 1, &ws));
	assert_int_equal(ws.weights_decompressed.bytes, 4096 + 8192);
	assert_int_equal(ws.activations.bytes, 256);
	assert_false(mem_working_set(r.ctx, f, 3, 2, &ws));
	assert_false(mem_working_set(r.ctx, f, 0, f->nops, &ws));
	done(&r);
}

/* Each segment of the partition: its working set; every weight is read in
 * one segment, so the segments' dense weights add up to the function's. */
static void test_memory_segments(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [1, 64, 1, 16]> x, tensor<int32, [1, 16]> ids",
	         S("tensor<fp16, [64, 64, 1, 1]> w1 = const()[name = string(\"w1\"), val = "
	           BLOB("tensor<fp16, [64, 64, 1, 1]>", 64) "]")
	         S("tensor<fp16, [1, 64, 1, 16]> a = conv(x = x, weight = w1)[name = string(\"a\")]")
	         S("tensor<int32, [1, 16]> i2 = add(x = ids, y = int32(1))[name = string(\"i2\")]")
	         S("tensor<fp16, [1, 16]> f = cast(x = i2, dtype = string(\"fp16\"))"
	           "[name = string(\"f\")]")
	         S("tensor<fp16, [1, 64, 1, 16]> b = add(x = a, y = f)[name = string(\"b\")]")
	         S("tensor<fp16, [64, 64, 1, 1]> w2 = const()[name = string(\"w2\"), val = "
	           BLOB("tensor<fp16, [64, 64, 1, 1]>", 8320) "]")
	         S("tensor<fp16, [1, 64, 1, 16]> c = conv(x = b, weight = w2)[name = string(\"c\")]"),
	         "c");
	assert_int_equal(nerrors(&r), 0);
	const Func *f = r.m->funcs.v[0];
	const AneFuncPlan *plan = ane_func_plan(r.ctx, f, CU_ALL);
	assert_non_null(plan);
	assert_true(plan->nsegments >= 1);
	const MemFunc *mf = mf0(&r);
	int64_t dense = 0;
	for (uint32_t i = 0; i < plan->nsegments; i++) {
		MemWorkingSet ws;
		assert_true(mem_segment_working_set(r.ctx, f, &plan->segments[i], &ws));
		assert_true(ws.activations.bytes <= mf->peak.bytes);
		assert_int_equal(ws.total.bytes, ws.activations.bytes + ws.weights_decompressed.bytes);
		dense += ws.weights_decompressed.bytes;
	}
	/* w1, w2 (8192 each) and the immediates 1 (int32) */
	assert_int_equal(dense, mf->weights.decompressed_total.bytes);
	assert_false(mem_segment_working_set(r.ctx, f, NULL, &(MemWorkingSet){ 0 }));
	done(&r);
}

static void test_memory_not_run(void **state)
{
	(void)state;
	static const char *const flags[] = { "--passes=infer", NULL };
	Run r;
	run_prog_flags(&r, "ios17", "tensor<fp16, [2]> x", S("tensor<fp16, [2]> y = relu(x = x)"), "y",
	               flags);
	assert_null(mem_func(r.ctx, r.m->funcs.v[0]));
	assert_null(mem_module_weights(r.ctx));
	MemWorkingSet ws;
	assert_false(mem_working_set(r.ctx, r.m->funcs.v[0], 0, 0, &ws));
	done(&r);
}

static void test_memory_dump_annotation(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [1, 64]> x",
	         S("tensor<fp16, [1, 64]> a = relu(x = x)[name = string(\"a\")]"), "a");
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	pass_print_module(r.ctx, f);
	fclose(f);
	assert_non_null(strstr(out, "// memory: live 256 B (peak)"));
	free(out);
	done(&r);
}

/* ------------------------------------------------------------------ corpus */

static void corpus_dir(const char *sub, bool table)
{
	static const char *const kinds[] = { ".mlpackage", ".mlmodel", ".mlmodelc", ".mil" };
	size_t n;
	char **paths = tu_corpus_models(sub, kinds, sizeof kinds / sizeof *kinds, &n);
	if (table)
		print_message("%-42s %14s %14s %14s  %s\n", "model", "peak act. B", "stored B",
		              "dense B", "peak op");
	for (size_t i = 0; i < n; i++) {
		const char *path = paths[i];
		PassOptions o;
		pass_options_init(&o);
		assert_int_equal(pass_options_parse(&o, "--passes=memory", stderr), 1);
		Run r;
		if (!run_load(&r, path, &o))
			continue;   /* unusable inputs are the frontend tests' business */
		const Module *m = r.m;
		const PassCtx *ctx = r.ctx;
		assert_true(ctx->done & PASS_BIT(MEMORY));
		const MemWeights *w = mem_module_weights(ctx);
		const MemFunc *pk0 = mem_module_peak(ctx);
		assert_non_null(w);
		for (uint32_t k = 0; k < m->funcs.n; k++) {
			const MemFunc *mf = mem_func(ctx, m->funcs.v[k]);
			assert_non_null(mf);
			assert_int_equal(mf->nops, m->funcs.v[k]->nops);
			if (mf->nops)
				assert_non_null(mf->peak_op);
			/* every op's live bytes are at most the peak (known part) */
			for (uint32_t j = 0; j < mf->nops; j++)
				assert_true(mf->op_live[j].bytes <= mf->peak.bytes);
		}
		if (table && pk0) {
			const char *base = strrchr(path, '/');
			char name[64];
			snprintf(name, sizeof name, "%s", base ? base + 1 : path);
			char *dot = strrchr(name, '.');
			if (dot)
				*dot = 0;
			char peak[48];
			snprintf(peak, sizeof peak, "%" PRId64 "%s", pk0->peak.bytes,
			         pk0->peak.unknown ? "+?" : "");
			print_message("%-42s %14s %14" PRId64 " %14" PRId64 "  %s\n", name, peak,
			              w->stored_total.bytes, w->decompressed_total.bytes,
			              pk0->peak_op ? ir_op_name(pk0->func, pk0->peak_op) : "-");
		}
		done(&r);
	}
	tu_free_list(paths, n);
}

static void test_memory_corpus(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	corpus_dir("converted", true);
	corpus_dir("public", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_chain),
		cmocka_unit_test(test_memory_fanout_kept_live),
		cmocka_unit_test(test_memory_concat_many_inputs),
		cmocka_unit_test(test_memory_nested_cond),
		cmocka_unit_test(test_memory_while_loop),
		cmocka_unit_test(test_memory_unknown_dims),
		cmocka_unit_test(test_memory_states_apart),
		cmocka_unit_test(test_memory_type_sizes),
		cmocka_unit_test(test_memory_weights_int8_affine),
		cmocka_unit_test(test_memory_weights_palettized),
		cmocka_unit_test(test_memory_weights_sparse),
		cmocka_unit_test(test_memory_weights_blockwise),
		cmocka_unit_test(test_memory_weights_shared_and_immediates),
		cmocka_unit_test(test_memory_one_gigabyte),
		cmocka_unit_test(test_memory_working_set),
		cmocka_unit_test(test_memory_segments),
		cmocka_unit_test(test_memory_not_run),
		cmocka_unit_test(test_memory_dump_annotation),
		cmocka_unit_test(test_memory_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
