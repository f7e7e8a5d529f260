/*
 * test_ane_device.c - the fp16 numerics (bit patterns computed by hand),
 * the ane device (the overflow model's first non-finite op and rows, the
 * legality refusal at compile, weights baked at compile), the gpu device,
 * and `anelint compare` / `anelint test` on the hand-made models of
 * ane-numerics.md's field failures (issue 11).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anelint.h"
#include "passes/ane/ane.h"
#include "runtime/compare.h"
#include "runtime/fp16.h"
#include "runtime/npy.h"
#include "runtime/rt_int.h"
#include "testutil.h"

/* ------------------------------------------------------------------ fp16 */

static void test_fp16_bit_patterns(void **state)
{
	(void)state;
	assert_int_equal(fp16_from_f32(1.0f), 0x3c00);
	assert_int_equal(fp16_from_f32(-2.0f), 0xc000);
	assert_int_equal(fp16_from_f32(65504.0f), 0x7bff);
	assert_int_equal(fp16_from_f32(65519.0f), 0x7bff);   /* below the halfway point */
	assert_int_equal(fp16_from_f32(65520.0f), 0x7c00);   /* halfway: ties to even = 2^16 = inf */
	assert_int_equal(fp16_from_f32(-1e6f), 0xfc00);
	assert_int_equal(fp16_from_f32(1.0f + 0x1p-11f), 0x3c00);        /* tie, to even */
	assert_int_equal(fp16_from_f32(1.0f + 3 * 0x1p-11f), 0x3c02);    /* tie, to even (up) */
	assert_int_equal(fp16_from_f32(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);
	assert_int_equal(fp16_from_f32(0x1p-14f), 0x0400);  /* smallest normal */
	assert_int_equal(fp16_from_f32(0x1p-24f), 0x0001);  /* smallest subnormal */
	assert_int_equal(fp16_from_f32(0x1p-25f), 0x0000);  /* tie, to even (zero) */
	assert_int_equal(fp16_from_f32(3 * 0x1p-25f), 0x0002);
	assert_int_equal(fp16_from_f32(-0.0f), 0x8000);
	assert_int_equal(fp16_from_f32(INFINITY), 0x7c00);
	assert_int_equal(fp16_from_f32(NAN) & 0x7e00, 0x7e00);
	assert_true(fp16_to_f32(0x0001) == 0x1p-24f);
	assert_true(fp16_to_f32(0x7bff) == 65504.0f);
	assert_true(fp16_to_f32(0x3555) == 0x1.554p-2f);
	assert_true(isinf(fp16_to_f32(0xfc00)) && fp16_to_f32(0xfc00) < 0);
	assert_true(isnan(fp16_to_f32(0x7e00)));
	assert_true(fp16_round(0.1f) == 0x1.998p-4f);       /* 0.0999755859375 */
	assert_true(fp16_round(65536.0f) == INFINITY);
}

/* Every binary16 pattern survives the round trip; rounding is idempotent. */
static void test_fp16_every_pattern_round_trips(void **state)
{
	(void)state;
	for (uint32_t h = 0; h < 0x10000; h++) {
		float f = fp16_to_f32((uint16_t)h);
		if (isnan(f))
			continue;
		assert_int_equal(fp16_from_f32(f), h);
		assert_true(fp16_round(f) == f || (f == 0 && fp16_round(f) == 0));
	}
}

/* The array rounding (two passes) agrees with the scalar one everywhere:
 * normals, ties, the subnormal range, overflow, zeros of both signs. */
static void test_fp16_array_matches_scalar(void **state)
{
	(void)state;
	enum { N = 4096 };
	float v[N], want[N];
	uint32_t s = 12345;
	for (int i = 0; i < N; i++) {
		s = s * 1664525u + 1013904223u;
		float x = ldexpf((float)(s >> 8) / 16777216.0f, (int)(s % 64) - 30);
		v[i] = i % 7 == 0 ? -x : i % 11 == 0 ? 0x1p-25f * (float)(i % 5) : x;
		want[i] = fp16_round(v[i]);
	}
	v[0] = -0.0f, want[0] = -0.0f;
	fp16_round_array(v, N, false, false);
	for (int i = 0; i < N; i++)
		assert_memory_equal(&v[i], &want[i], sizeof v[i]);
}

static void test_fp16_modes(void **state)
{
	(void)state;
	float v[4] = { 0x1p-20f, -0x1p-16f, NAN, 70000.0f };
	assert_true(fp16_round_array(v, 4, true, true));
	assert_true(v[0] == 0 && !signbit(v[0]));
	assert_true(v[1] == 0 && signbit(v[1]));        /* flushed to a signed zero */
	assert_true(v[2] == 0);                         /* NaN -> +0 (ane-guide) */
	assert_true(isinf(v[3]));
	float w[2] = { 0x1p-20f, NAN };
	assert_true(fp16_round_array(w, 2, false, false));
	assert_true(w[0] == 0x1p-20f && isnan(w[1]));   /* kept */
	assert_int_equal(fp16_nan_mode_from_name("zero"), FP16_NAN_ZERO);
	assert_int_equal(fp16_subnormal_mode_from_name("flush"), FP16_SUBNORMAL_FLUSH_MAC);
	assert_int_equal(fp16_nan_mode_from_name("saturate"), -1);
}

/* ------------------------------------------------------------------ models */

typedef struct Loaded {
	DiagList dl;
	Module *m;
	PassCtx *ctx;
} Loaded;

static void load(Loaded *l, const char *path)
{
	l->m = tu_load_ok(path, &l->dl);        /* initialises l->dl */
	PassOptions po;
	pass_options_init(&po);
	l->ctx = pass_ctx_new(l->m, &l->dl, &po);
	pass_run(l->ctx, PASS_PARTITION);
}

static void unload(Loaded *l)
{
	pass_ctx_free(l->ctx);
	ir_module_free(l->m);
	diag_fini(&l->dl);
}

static RtProgram *run_on(Loaded *l, int cu, const char *input, const char *npy)
{
	DiagList dl;
	diag_init(&dl);
	RtOptions o = { .compute_units = cu, .placement = RT_PLACE_LEGAL };
	RtProgram *p = rt_program_new(l->m, l->ctx, l->m->funcs.v[0], &o, &dl);
	assert_non_null(p);
	RtTensor x = { 0 };
	char err[256];
	assert_int_equal(npy_read(npy, &x, err, sizeof err), 0);
	assert_int_equal(rt_set_input(p, input, &x, &dl), 0);
	assert_int_equal(rt_run(p, &dl), 0);
	rt_tensor_free(&x);
	diag_fini(&dl);
	return p;
}

#define CORPUS(buf, model, rest) \
	snprintf(buf, sizeof buf, "%s/corpus/converted/%s/%s", tu_shared_dir(), model, rest)

/* Issue 11 item 6: exp is the first op to overflow; rows 1-3 of y are
 * non-finite and row 0 finite, as the README's numpy fp16 simulation. */
static void test_overflow_model_first_nonfinite_is_exp(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char pkg[4096], x[4096], sim[4096];
	CORPUS(pkg, "fp16_overflow_exp_ios17", "fp16_overflow_exp_ios17.mlpackage");
	CORPUS(x, "fp16_overflow_exp_ios17", "inputs/x.npy");
	CORPUS(sim, "fp16_overflow_exp_ios17", "fp16_numpy_simulation/y.npy");
	Loaded l;
	load(&l, pkg);
	RtProgram *ref = run_on(&l, CU_CPU_ONLY, "x", x);
	RtProgram *ane = run_on(&l, CU_CPU_AND_NE, "x", x);
	assert_null(rt_stats(ref)->first_nonfinite);
	const Op *bad = rt_stats(ane)->first_nonfinite;
	assert_non_null(bad);
	assert_string_equal(bad->name, "e_cast_fp16");
	assert_string_equal(rt_stats(ane)->segments[0].device, "ane");
	RtOpFinding div, nf;
	rt_compare_ops(ref, ane, (RtTolerance){ 0.02, 1e-3 }, &div, &nf);
	assert_ptr_equal(div.op, bad);
	assert_ptr_equal(nf.op, bad);
	assert_true(nf.out.inf > 0 && nf.ref_out.inf == 0);
	/* y row by row against the numpy fp16 simulation */
	const RtTensor *y = rt_output(ane, 0);
	RtTensor want = { 0 };
	char err[256];
	assert_int_equal(npy_read(sim, &want, err, sizeof err), 0);
	assert_int_equal(want.numel, y->numel);
	int64_t row = y->dims[2];
	for (int64_t i = 0; i < y->numel; i++) {
		double g = rt_tensor_get(y, i), w = rt_tensor_get(&want, i);
		assert_int_equal(isfinite(g), isfinite(w));
		if (isfinite(w))
			assert_true(fabs(g - w) <= 1e-3);
	}
	for (int64_t r = 0; r < y->dims[1]; r++) {
		RtTensor one = *y;
		one.numel = row;
		one.data = (char *)y->data + r * row * rt_dtype_size(y->dt);
		RtRange g = rt_range(&one);
		assert_true(r == 0 ? g.nan + g.inf == 0 : g.nan + g.inf > 0);
	}
	/* lifecycle: measured and modelled figures of the ANE segment */
	const RtSegmentStat *s = &rt_stats(ane)->segments[0];
	assert_true(s->model_compile_ms >= 11.0 && s->model_load_ms >= 1.7);
	assert_true(s->hw_execution_ms > 0 && s->calls == 1);
	rt_tensor_free(&want);
	rt_program_free(ref);
	rt_program_unload(ane);
	assert_true(rt_stats(ane)->segments[0].unload_seconds >= 0);
	DiagList dl;
	diag_init(&dl);
	assert_int_equal(rt_run(ane, &dl), -1);            /* unloaded: no longer runs */
	diag_fini(&dl);
	rt_program_free(ane);
	unload(&l);
}

/* compile refuses what legality refuses for the ANE, with the rule code. */
static void test_ane_compile_refuses_fp32_ops(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char pkg[4096];
	CORPUS(pkg, "ln_softmax_gelu_matmul_fp32_ios17", "ln_softmax_gelu_matmul_fp32_ios17.mlpackage");
	Loaded l;
	load(&l, pkg);
	DiagList dl;
	diag_init(&dl);
	RtProgram *p = rt_program_new(l.m, l.ctx, l.m->funcs.v[0], NULL, &dl);
	assert_non_null(p);
	RtOp *first = NULL;
	for (uint32_t i = 0; i < p->body.nops && !first; i++)
		first = p->body.ops[i].folded ? NULL : &p->body.ops[i];
	assert_non_null(first);
	RtCompileEnv env = { .p = p, .ctx = l.ctx };
	assert_null(rt_device_ane.compile(&first, 1, &env, &dl));
	assert_true(dl.nerrors == 1);
	assert_string_equal(dl.d.v[0].code, RT_E_ANE_REFUSED);
	assert_non_null(strstr(dl.d.v[0].msg, "ANE004"));   /* fp32 compute */
	/* the gpu device takes it, and in fp32 it computes as the cpu does */
	RtSegProgram *sp = rt_device_gpu.compile(&first, 1, &env, &dl);
	assert_non_null(sp);
	rt_device_gpu.unload(sp);
	rt_program_free(p);
	diag_fini(&dl);
	unload(&l);
}

static int copy_tree(const char *from, const char *to)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", from, to);
	return system(cmd);
}

/* Negate every fp16 blob of a weight file (MIL blob v2: 64-byte metadata
 * records starting 0xDEADBEEF, then data type, size and offset). */
static void negate_weights(const char *path)
{
	size_t n;
	unsigned char *b = (unsigned char *)tu_read_file(path, &n);
	assert_non_null(b);
	int changed = 0;
	for (size_t at = 64; at + 64 <= n; at += 64) {
		uint32_t sentinel;
		uint64_t size, offset;
		memcpy(&sentinel, b + at, 4);
		if (sentinel != 0xdeadbeefu)
			continue;
		memcpy(&size, b + at + 8, 8);
		memcpy(&offset, b + at + 16, 8);
		for (uint64_t k = offset + 1; k < offset + size && k < n; k += 2)
			b[k] ^= 0x80;       /* the sign bit of each little-endian fp16 */
		changed++;
	}
	assert_true(changed > 0);
	assert_int_equal(tu_write_file(path, b, n), 0);
	free(b);
}

/* Weights are baked at compile: a new weight file changes nothing until
 * the program is compiled again (ane-hardware.md 1.3). */
static void test_ane_weights_baked_at_compile(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char src[4096], x[4096], pkg[4096], wfile[4200];
	CORPUS(src, "flexible_enumerated_ios17", "flexible_enumerated_ios17.mlpackage");
	CORPUS(x, "flexible_enumerated_ios17", "inputs/x.npy");
	char *dir = tu_tmpdir();
	snprintf(pkg, sizeof pkg, "%s/m.mlpackage", dir);
	assert_int_equal(copy_tree(src, pkg), 0);
	snprintf(wfile, sizeof wfile, "%s/Data/com.apple.CoreML/weights/weight.bin", pkg);
	Loaded l;
	load(&l, pkg);
	RtProgram *before = run_on(&l, CU_CPU_AND_NE, "x", x);
	RtTensor out1 = { 0 };
	assert_int_equal(rt_tensor_convert(&out1, rt_output(before, 0), DT_COUNT), 0);
	negate_weights(wfile);
	DiagList dl;
	diag_init(&dl);
	assert_int_equal(rt_run(before, &dl), 0);
	const RtTensor *out2 = rt_output(before, 0);
	assert_memory_equal(out1.data, out2->data, out1.numel * rt_dtype_size(out1.dt));
	Loaded again;               /* recompile: the module and program again */
	load(&again, pkg);
	RtProgram *after = run_on(&again, CU_CPU_AND_NE, "x", x);
	const RtTensor *out3 = rt_output(after, 0);
	assert_int_equal(out3->numel, out1.numel);
	assert_true(memcmp(out1.data, out3->data, out1.numel * rt_dtype_size(out1.dt)) != 0);
	rt_program_free(after);
	rt_program_free(before);
	rt_tensor_free(&out1);
	diag_fini(&dl);
	unload(&again);
	unload(&l);
	free(dir);
}

/* ------------------------------------------------------------------ commands */

static int anelint(const char *args, char **out)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", tu_source_dir(), tu_bin(), args);
	char *err = NULL;
	int rc = tu_run(cmd, out, &err);
	free(err);
	return rc;
}

/* Each field failure of ane-numerics.md caught at the right op. */
static void test_compare_catches_field_failures(void **state)
{
	(void)state;
	static const struct {
		const char *model, *op, *nonfinite, *predicted;
	} cases[] = {
		{ "softplus_past_10_4", "first divergent op: sp (softplus) on ane",
		  "first non-finite op: none", "predicted by: L004" },
		{ "logsumexp_32_channels", "first divergent op: lse (reduce_log_sum_exp) on ane",
		  "first non-finite op: the same op (lse)", "predicted by: L004" },
		/* the square written as a product: L005 since the cross-check */
		{ "large_activation", "first divergent op: square (mul) on ane",
		  "first non-finite op: the same op (square)", "predicted by: L005" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char args[1024], *out = NULL;
		snprintf(args, sizeof args, "compare tests/fixtures/numerics/%s.mil --random-inputs 1 "
		         "--compute-units cpu_and_ne", cases[i].model);
		assert_int_equal(anelint(args, &out), 1);
		if (!strstr(out, cases[i].op))
			print_message("%s\n", out);
		assert_non_null(strstr(out, cases[i].op));
		assert_non_null(strstr(out, cases[i].nonfinite));
		assert_non_null(strstr(out, cases[i].predicted));
		free(out);
		/* the cpu alone is the reference: within tolerance */
		snprintf(args, sizeof args, "compare tests/fixtures/numerics/%s.mil --random-inputs 1 "
		         "--compute-units cpu_only -f json", cases[i].model);
		assert_int_equal(anelint(args, &out), 0);
		assert_non_null(strstr(out, "\"within_tolerance\": true"));
		free(out);
	}
}

static void test_test_command(void **state)
{
	(void)state;
	char *out = NULL;
	assert_int_equal(anelint("test tests/fixtures/numerics/softplus_past_10_4.mil "
	                         "--compute-units cpu_only", &out), 0);
	assert_non_null(strstr(out, "PASS"));
	free(out);
	assert_int_equal(anelint("test tests/fixtures/numerics/softplus_past_10_4.mil "
	                         "--compute-units cpu_and_ne", &out), 1);
	assert_non_null(strstr(out, "FAIL"));
	assert_non_null(strstr(out, "sp on ane"));
	free(out);
	assert_int_equal(anelint("test tests/fixtures/numerics/softplus_past_10_4.mil", &out), 2);
	free(out);
	assert_int_equal(anelint("compare tests/fixtures/numerics/softplus_past_10_4.mil", &out), 2);
	free(out);                  /* no input given, none random */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fp16_bit_patterns),
		cmocka_unit_test(test_fp16_every_pattern_round_trips),
		cmocka_unit_test(test_fp16_array_matches_scalar),
		cmocka_unit_test(test_fp16_modes),
		cmocka_unit_test(test_overflow_model_first_nonfinite_is_exp),
		cmocka_unit_test(test_ane_compile_refuses_fp32_ops),
		cmocka_unit_test(test_ane_weights_baked_at_compile),
		cmocka_unit_test(test_compare_catches_field_failures),
		cmocka_unit_test(test_test_command),
	};
	return cmocka_run_group_tests_name("ane_device", tests, NULL, NULL);
}
