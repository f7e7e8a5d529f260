/* test_lint.c - the `lint` pass: the rule table (codes, hints, sources,
 * docs), and for every rule a minimal program that trips it next to a
 * neighbour that does not; then the corpus: fp16_overflow_exp_ios17 trips
 * the exp rule on `e_cast_fp16`, the kv-cache model's -1e4 masks do not trip
 * the mask rule, and every model runs lint without a crash. */
#include "testutil.h"
#include "infer_util.h"

#include <inttypes.h>

#include "anelint.h"
#include "ir/model_desc.h"
#include "passes/cost/lint.h"

#define BLOB(ty, off) ty "(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), " \
	"offset = uint64(" #off ")))"

/* Run infer and lint alone (`--passes=lint`: no legality to defer to) over
 * a one-function program; returns the number of findings of `code`. */
static int lint_prog(Run *r, const char *opset, const char *params, const char *body,
                     const char *outs, const char *code)
{
	static const char *const flags[] = { "--passes=lint", NULL };
	run_prog_flags(r, opset, params, body, outs, flags);
	assert_int_equal(nerrors(r), 0);
	int n = ncode(r, code);
	assert_int_equal((uint32_t)n, lint_count(r->ctx, code));
	return n;
}

/* Trips (want findings) or not, and frees the run. */
static void expect(const char *code, int want, const char *opset, const char *params,
                   const char *body, const char *outs, const char *needle)
{
	Run r;
	int n = lint_prog(&r, opset, params, body, outs, code);
	if (n != want) {
		diag_print_all(&r.dl, stderr);
		fail_msg("%s: %d findings, want %d, in:\n%s", code, n, want, body);
	}
	if (needle && !strstr(diag_text(&r, code), needle))
		fail_msg("%s: '%s' not in '%s'", code, needle, diag_text(&r, code));
	done(&r);
}

/* The op the first finding of `code` is about. */
static const char *finding_op(Run *r, const char *code)
{
	uint32_t n;
	const LintFinding *f = lint_findings(r->ctx, &n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(f[i].rule->code, code) == 0)
			return f[i].op ? ir_op_name(f[i].func, f[i].op) : "(none)";
	return "(no finding)";
}

/* ------------------------------------------------------------------ the table */

static void test_lint_rule_table(void **state)
{
	(void)state;
	size_t n;
	const LintRule *rules = lint_rules(&n);
	assert_int_equal(n, 14);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof want, "L%03u", (unsigned)(i + 1));
		assert_string_equal(rules[i].code, want);
		assert_ptr_equal(lint_rule_find(want), &rules[i]);
		assert_true(rules[i].name && strlen(rules[i].name) > 3);
		assert_true(rules[i].message && strlen(rules[i].message) > 20);
		assert_true(rules[i].hint && strlen(rules[i].hint) > 20);
		assert_non_null(strstr(rules[i].source, ".md"));
		assert_true(rules[i].conf < CONF_COUNT);
		assert_true(rules[i].sev == SEV_WARNING || rules[i].sev == SEV_NOTE);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(rules[i].name, rules[j].name);
	}
	assert_null(lint_rule_find("L999"));
	assert_null(lint_rule_find(NULL));
}

/* Every code is documented in docs/lint-rules.md and docs/diagnostics.md. */
static void test_lint_documented(void **state)
{
	(void)state;
	char path[4096];
	snprintf(path, sizeof path, "%s/docs/lint-rules.md", tu_source_dir());
	char *rules_md = tu_read_file(path, NULL);
	snprintf(path, sizeof path, "%s/docs/diagnostics.md", tu_source_dir());
	char *diag_md = tu_read_file(path, NULL);
	assert_non_null(rules_md);
	assert_non_null(diag_md);
	size_t n;
	const LintRule *rules = lint_rules(&n);
	char missing[256] = "";
	for (size_t i = 0; i < n && !missing[0]; i++) {
		char row[32];
		snprintf(row, sizeof row, "| %s |", rules[i].code);
		if (!strstr(diag_md, row))
			snprintf(missing, sizeof missing, "%s is not in docs/diagnostics.md", rules[i].code);
		snprintf(row, sizeof row, "## %s %s", rules[i].code, rules[i].name);
		if (!strstr(rules_md, row))
			snprintf(missing, sizeof missing, "'%s' is not a heading of docs/lint-rules.md", row);
		if (*rules[i].defers_to && !strstr(rules_md, rules[i].defers_to))
			snprintf(missing, sizeof missing, "docs/lint-rules.md does not say %s defers to %s",
			         rules[i].code, rules[i].defers_to);
	}
	free(rules_md);
	free(diag_md);
	if (missing[0])
		fail_msg("%s", missing);
}

/* Findings carry the rule's code, severity, hint and the op's location. */
static void test_lint_findings_are_diagnostics(void **state)
{
	(void)state;
	Run r;
	lint_prog(&r, "ios17", "tensor<fp16, [1, 4]> x",
	          S("tensor<fp16, [1, 4]> e = exp(x = x)[name = string(\"e\")]"), "e", "L004");
	uint32_t n;
	const LintFinding *f = lint_findings(r.ctx, &n);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].rule->code, "L004");
	assert_non_null(f[0].op);
	assert_true(f[0].diag < r.dl.d.n);
	const Diag *d = &r.dl.d.v[f[0].diag];
	assert_string_equal(d->code, "L004");
	assert_int_equal(d->sev, SEV_WARNING);
	assert_ptr_equal(d->op, f[0].op);
	assert_string_equal(d->hint, f[0].rule->hint);
	assert_int_equal(d->loc.line, 4);
	assert_non_null(strstr(d->msg, "exp 'e': input 'x' in fp16 comes from input 'x', nothing "
	                       "bounds it; exp(x) is inf in fp16 for x > 11.09"));
	done(&r);
}

/* ------------------------------------------------------------------ constants */

static void test_lint_fp16_constant_overflow(void **state)
{
	(void)state;
	const char *const body =
		S("tensor<fp32, [4]> c = const()[name = string(\"c\"), val = tensor<fp32, [4]>(%s)]")
		S("tensor<fp16, [4]> c16 = cast(x = c, dtype = string(\"fp16\"))[name = string(\"c16\")]")
		S("tensor<fp16, [4]> y = mul(x = x, y = c16)[name = string(\"y\")]");
	char b[1024];
	snprintf(b, sizeof b, body, "[1, 2, 3, 100000]");
	expect("L001", 1, "ios17", "tensor<fp16, [4]> x", b, "y", "constant value 100000 (an fp32 "
	       "constant used in fp16) is beyond fp16's +-65504 and becomes inf");
	snprintf(b, sizeof b, body, "[1, 2, 3, 60000]");
	expect("L001", 0, "ios17", "tensor<fp16, [4]> x", b, "y", NULL);
	/* fp32 compute: the range is fine */
	expect("L001", 0, "ios17", "tensor<fp32, [4]> x",
	       S("tensor<fp32, [4]> y = mul(x = x, y = tensor<fp32, [4]>([1, 2, 3, 100000]))"
	         "[name = string(\"y\")]"), "y", NULL);
	/* an immediate +inf in fp16 */
	expect("L001", 1, "ios17", "tensor<fp16, [2]> x",
	       S("tensor<fp16, [2]> y = maximum(x = x, y = tensor<fp16, [2]>([inf, 1]))"
	         "[name = string(\"y\")]"), "y", "+inf");
}

static void test_lint_fp16_mask(void **state)
{
	(void)state;
	expect("L002", 1, "ios17", "tensor<fp16, [1, 4]> s",
	       S("tensor<fp16, [1, 4]> m = const()[name = string(\"m\"), val = "
	         "tensor<fp16, [1, 4]>([0, 0, -inf, -inf])]")
	       S("tensor<fp16, [1, 4]> y = add(x = s, y = m)[name = string(\"y\")]"), "y",
	       "const 'm': mask value -inf");
	/* -1e9 in fp32, cast to fp16 before the add */
	expect("L002", 1, "ios17", "tensor<fp16, [1, 4]> s",
	       S("tensor<fp32, [1, 4]> m = const()[name = string(\"m\"), val = "
	         "tensor<fp32, [1, 4]>([0, 0, -1e9, -1e9])]")
	       S("tensor<fp16, [1, 4]> m16 = cast(x = m, dtype = string(\"fp16\"))"
	         "[name = string(\"m16\")]")
	       S("tensor<fp16, [1, 4]> y = add(x = s, y = m16)[name = string(\"y\")]"), "y",
	       "mask value -1e+09 (an fp32 constant used in fp16) becomes -inf");
	/* fp16's lowest */
	expect("L002", 1, "ios17", "tensor<fp16, [1, 4]> s",
	       S("tensor<fp16, [1, 4]> y = add(x = s, y = tensor<fp16, [1, 4]>([0, 0, -65504, -65504]))"
	         "[name = string(\"y\")]"), "y", "-65504 (fp16's lowest)");
	/* the neighbours: -1e4 masks, -inf as a pad value */
	expect("L002", 0, "ios17", "tensor<fp16, [1, 4]> s",
	       S("tensor<fp16, [1, 4]> m = const()[name = string(\"m\"), val = "
	         "tensor<fp16, [1, 4]>([0, 0, -10000, -10000])]")
	       S("tensor<fp16, [1, 4]> y = add(x = s, y = m)[name = string(\"y\")]"), "y", NULL);
	Run r;
	lint_prog(&r, "ios17", "tensor<fp16, [1, 4]> s",
	          S("tensor<fp16, [1, 6]> y = pad(x = s, pad = tensor<int32, [2]>([1, 1]), "
	            "mode = string(\"constant\"), constant_val = fp16(-inf))[name = string(\"y\")]"),
	          "y", "L002");
	assert_int_equal(ncode(&r, "L002"), 0);
	assert_int_equal(ncode(&r, "L001"), 0);
	done(&r);
}

static void test_lint_fp16_underflow(void **state)
{
	(void)state;
	const char *const body =
		S("fp32 eps = const()[name = string(\"eps\"), val = fp32(%s)]")
		S("fp16 e16 = cast(x = eps, dtype = string(\"fp16\"))[name = string(\"e16\")]")
		S("tensor<fp16, [4]> y = add(x = x, y = e16)[name = string(\"y\")]");
	char b[1024];
	snprintf(b, sizeof b, body, "1e-12");
	expect("L003", 1, "ios17", "tensor<fp16, [4]> x", b, "y", "constant value 1e-12");
	snprintf(b, sizeof b, body, "1e-5");
	expect("L003", 0, "ios17", "tensor<fp16, [4]> x", b, "y", NULL);
}

/* ------------------------------------------------------------------ numerics */

static void test_lint_exp_unbounded(void **state)
{
	(void)state;
	const char *p = "tensor<fp16, [1, 8]> x";
	expect("L004", 1, "ios17", p, S("tensor<fp16, [1, 8]> e = exp(x = x)[name = string(\"e\")]"),
	       "e", "nothing bounds it");
	expect("L004", 1, "ios17", p,
	       S("tensor<fp16, [1, 8]> s = mul(x = x, y = fp16(1000))[name = string(\"s\")]")
	       S("tensor<fp16, [1, 8]> e = exp(x = s)[name = string(\"e\")]"), "e",
	       "comes from mul 's'");
	/* bounded, but not enough: tanh * 1000, clip to 100 */
	expect("L004", 1, "ios17", p,
	       S("tensor<fp16, [1, 8]> t = tanh(x = x)[name = string(\"t\")]")
	       S("tensor<fp16, [1, 8]> s = mul(x = t, y = fp16(1000))[name = string(\"s\")]")
	       S("tensor<fp16, [1, 8]> e = exp(x = s)[name = string(\"e\")]"), "e",
	       "bounded only by 1000");
	expect("L004", 1, "ios17", p,
	       S("tensor<fp16, [1, 8]> c = clip(x = x, alpha = fp16(0), beta = fp16(100))"
	         "[name = string(\"c\")]")
	       S("tensor<fp16, [1, 8]> e = exp(x = c)[name = string(\"e\")]"), "e",
	       "bounded only by 100");
	expect("L004", 1, "ios17", p,
	       S("tensor<fp16, [1, 8]> e = softplus(x = x)[name = string(\"e\")]"), "e", "softplus");
	expect("L004", 1, "ios17", p,
	       S("tensor<fp16, [1]> e = reduce_log_sum_exp(x = x, axes = tensor<int32, [1]>([1]))"
	         "[name = string(\"e\")]"), "e", "log-sum-exp");
	/* neighbours: bounded inputs, fp32 */
	expect("L004", 0, "ios17", p,
	       S("tensor<fp16, [1, 8]> s = sigmoid(x = x)[name = string(\"s\")]")
	       S("tensor<fp16, [1, 8]> e = exp(x = s)[name = string(\"e\")]"), "e", NULL);
	expect("L004", 0, "ios17", p,
	       S("tensor<fp16, [1, 1]> m = reduce_max(x = x, axes = tensor<int32, [1]>([1]), "
	         "keep_dims = bool(true))[name = string(\"m\")]")
	       S("tensor<fp16, [1, 8]> d = sub(x = x, y = m)[name = string(\"d\")]")
	       S("tensor<fp16, [1, 8]> e = exp(x = d)[name = string(\"e\")]"), "e", NULL);
	expect("L004", 0, "ios17", p,
	       S("tensor<fp16, [1, 8]> c = clip(x = x, alpha = fp16(-10), beta = fp16(10))"
	         "[name = string(\"c\")]")
	       S("tensor<fp16, [1, 8]> r = reshape(x = c, shape = tensor<int32, [2]>([2, 4]))"
	         "[name = string(\"r\")]")
	       S("tensor<fp16, [2, 4]> e = exp(x = r)[name = string(\"e\")]"), "e", NULL);
	expect("L004", 0, "ios17", p,
	       S("tensor<fp16, [1, 8]> l = layer_norm(x = x, axes = tensor<int32, [1]>([1]))"
	         "[name = string(\"l\")]")
	       S("tensor<fp16, [1, 8]> e = exp(x = l)[name = string(\"e\")]"), "e", NULL);
	expect("L004", 0, "ios17", "tensor<fp32, [1, 8]> x",
	       S("tensor<fp32, [1, 8]> e = exp(x = x)[name = string(\"e\")]"), "e", NULL);
}

static void test_lint_pow(void **state)
{
	(void)state;
	const char *p = "tensor<fp16, [1, 8]> x";
	expect("L005", 1, "ios17", p,
	       S("tensor<fp16, [1, 8]> y = pow(x = x, y = fp16(2))[name = string(\"y\")]"), "y",
	       "x^2 in fp16 is inf for |x| > 255.9");
	expect("L005", 0, "ios17", p,
	       S("tensor<fp16, [1, 8]> t = tanh(x = x)[name = string(\"t\")]")
	       S("tensor<fp16, [1, 8]> y = pow(x = t, y = fp16(2))[name = string(\"y\")]"), "y", NULL);
	expect("L005", 0, "ios17", p,
	       S("tensor<fp16, [1, 8]> y = pow(x = x, y = fp16(0.5))[name = string(\"y\")]"), "y", NULL);
}

static void test_lint_attention_unscaled(void **state)
{
	(void)state;
	const char *p = "tensor<fp16, [1, 8, 64]> q, tensor<fp16, [1, 8, 64]> k, "
	                "tensor<fp16, [1, 8, 8]> m";
	const char *mm = S("tensor<fp16, [1, 8, 8]> s = matmul(x = %s, y = k, transpose_x = bool(false), "
	                   "transpose_y = bool(true))[name = string(\"s\")]");
	char b[2048], m1[512];
	snprintf(m1, sizeof m1, mm, "q");
	snprintf(b, sizeof b, "%s%s", m1,
	         S("tensor<fp16, [1, 8, 8]> a = softmax(x = s, axis = int32(-1))[name = string(\"a\")]"));
	expect("L006", 1, "ios17", p, b, "a",
	       "matmul 's': scores of 'q' x 'k' reach softmax 'a' in fp16 with no 1/sqrt(d) scale "
	       "(d = 64: scale by 0.125)");
	/* a mask added in between does not hide it */
	snprintf(b, sizeof b, "%s%s%s", m1,
	         S("tensor<fp16, [1, 8, 8]> sm = add(x = s, y = m)[name = string(\"sm\")]"),
	         S("tensor<fp16, [1, 8, 8]> a = softmax(x = sm, axis = int32(-1))[name = string(\"a\")]"));
	expect("L006", 1, "ios17", p, b, "a", NULL);
	/* neighbours: the scores scaled, or Q scaled first */
	snprintf(b, sizeof b, "%s%s%s", m1,
	         S("tensor<fp16, [1, 8, 8]> ss = mul(x = s, y = fp16(0.125))[name = string(\"ss\")]"),
	         S("tensor<fp16, [1, 8, 8]> a = softmax(x = ss, axis = int32(-1))[name = string(\"a\")]"));
	expect("L006", 0, "ios17", p, b, "a", NULL);
	snprintf(m1, sizeof m1, mm, "qs");
	snprintf(b, sizeof b, "%s%s%s",
	         S("tensor<fp16, [1, 8, 64]> qs = mul(x = q, y = fp16(0.125))[name = string(\"qs\")]"),
	         m1, S("tensor<fp16, [1, 8, 8]> a = softmax(x = s, axis = int32(-1))"
	               "[name = string(\"a\")]"));
	expect("L006", 0, "ios17", p, b, "a", NULL);
	/* fp32 attention */
	expect("L006", 0, "ios17", "tensor<fp32, [1, 8, 64]> q, tensor<fp32, [1, 8, 64]> k",
	       S("tensor<fp32, [1, 8, 8]> s = matmul(x = q, y = k, transpose_y = bool(true))"
	         "[name = string(\"s\")]")
	       S("tensor<fp32, [1, 8, 8]> a = softmax(x = s, axis = int32(-1))[name = string(\"a\")]"),
	       "a", NULL);
}

/* ------------------------------------------------------------------ shapes */

static void test_lint_layout_rank3(void **state)
{
	(void)state;
	Run r;
	lint_prog(&r, "ios17", "tensor<fp16, [1, 16, 64]> x",
	          S("tensor<fp16, [64, 64]> w = const()[name = string(\"w\"), val = "
	            BLOB("tensor<fp16, [64, 64]>", 64) "]")
	          S("tensor<fp16, [1, 16, 64]> a = linear(x = x, weight = w)[name = string(\"a\")]")
	          S("tensor<fp16, [1, 16, 64]> b = softmax(x = a, axis = int32(-1))"
	            "[name = string(\"b\")]"),
	          "b", "L007");
	assert_int_equal(ncode(&r, "L007"), 1);     /* once per function */
	assert_non_null(strstr(diag_text(&r, "L007"), "rank-3 input 'x' [1, 16, 64]; 2 matmul / "
	                       "linear / softmax ops in 'main' take rank-3 sequence tensors"));
	assert_string_equal(finding_op(&r, "L007"), "a");
	done(&r);
	/* the ANE layout (B, C, 1, S) */
	expect("L007", 0, "ios17", "tensor<fp16, [1, 64, 1, 16]> x",
	       S("tensor<fp16, [1, 64, 1, 16]> b = softmax(x = x, axis = int32(1))[name = string(\"b\")]"),
	       "b", NULL);
}

static void test_lint_tensor_too_large(void **state)
{
	(void)state;
	Run r;
	lint_prog(&r, "ios17", "tensor<fp16, [1, 3, 5568, 5568]> x",
	          S("tensor<fp16, [1, 3, 5568, 5568]> y = relu(x = x)[name = string(\"y\")]"), "y",
	          "L008");
	assert_int_equal(ncode(&r, "L008"), 2);     /* the input and relu's output */
	assert_non_null(strstr(diag_text(&r, "L008"), "input 'x': [1, 3, 5568, 5568] has 93,007,872 "
	                       "elements (186,015,744 bytes in fp16)"));
	done(&r);
	expect("L008", 0, "ios17", "tensor<fp16, [1, 3, 2048, 2048]> x",
	       S("tensor<fp16, [1, 3, 2048, 2048]> y = relu(x = x)[name = string(\"y\")]"), "y", NULL);
}

/* ------------------------------------------------------------------ interface */

typedef struct FlexSpec {
	ShapeFlex flex;
	uint32_t nshapes;
} FlexSpec;

/* Parse, give input `x` of `main` a description, run the pipeline. */
static void run_with_desc(Run *r, const char *text, FlexSpec spec)
{
	run_parse(r, text);
	Arena *a = r->m->arena;
	FeatureDesc *x = arena_alloc(a, sizeof *x);
	x->name = "x";
	x->kind = FEAT_MULTIARRAY;
	x->dtype = DT_FP16;
	x->flex = spec.flex;
	static const int64_t dims[] = { 1, 64 };
	x->shape = (FeatShape){ 2, dims };
	if (spec.flex == FLEX_ENUMERATED) {
		FeatShape *sh = arena_array(a, spec.nshapes, sizeof *sh);
		for (uint32_t i = 0; i < spec.nshapes; i++)
			sh[i] = x->shape;
		x->nshapes = spec.nshapes;
		x->shapes = sh;
	} else if (spec.flex == FLEX_RANGE) {
		DimRange *rg = arena_array(a, 2, sizeof *rg);
		rg[0] = (DimRange){ 1, 1 };
		rg[1] = (DimRange){ 1, 64 };
		x->nranges = 2;
		x->ranges = rg;
	}
	FuncDesc *fd = arena_alloc(a, sizeof *fd);
	fd->name = "main";
	fd->ninputs = 1;
	fd->inputs = x;
	ModelDesc *d = arena_alloc(a, sizeof *d);
	d->format = "mlpackage";
	d->nfuncs = 1;
	d->funcs = fd;
	d->default_func = "main";
	r->m->desc = d;
	PassOptions o;
	pass_options_init(&o);
	assert_int_equal(pass_options_parse(&o, "--passes=lint", stderr), 1);
	run_passes(r, &o);
}

static void test_lint_flexible_shapes(void **state)
{
	(void)state;
	/* bare MIL: a `?` dim */
	expect("L009", 1, "ios17", "tensor<fp16, [1, ?]> x",
	       S("tensor<fp16, [1, ?]> y = relu(x = x)[name = string(\"y\")]"), "y",
	       "input 'x': shape [1, is0] is not fixed");
	expect("L009", 0, "ios17", "tensor<fp16, [1, 64]> x",
	       S("tensor<fp16, [1, 64]> y = relu(x = x)[name = string(\"y\")]"), "y", NULL);
	/* described: range, a few enumerated shapes, too many */
	char *t = prog("ios17", "tensor<fp16, [1, 64]> x",
	               S("tensor<fp16, [1, 64]> y = relu(x = x)[name = string(\"y\")]"), "y");
	Run r;
	run_with_desc(&r, t, (FlexSpec){ FLEX_RANGE, 0 });
	assert_int_equal(ncode(&r, "L009"), 1);
	assert_non_null(strstr(diag_text(&r, "L009"), "input 'x': range shape (dim 1 in [1, 64])"));
	done(&r);
	run_with_desc(&r, t, (FlexSpec){ FLEX_ENUMERATED, 3 });
	assert_int_equal(ncode(&r, "L009"), 0);
	assert_int_equal(ncode(&r, "L010"), 0);
	done(&r);
	run_with_desc(&r, t, (FlexSpec){ FLEX_ENUMERATED, 128 });
	assert_int_equal(ncode(&r, "L010"), 0);
	done(&r);
	run_with_desc(&r, t, (FlexSpec){ FLEX_ENUMERATED, 129 });
	assert_int_equal(ncode(&r, "L010"), 1);
	assert_non_null(strstr(diag_text(&r, "L010"), "129 enumerated shapes, over 128"));
	done(&r);
	free(t);
}

static void test_lint_int_inputs(void **state)
{
	(void)state;
	expect("L011", 1, "ios17", "tensor<int32, [1, 8]> n, tensor<fp16, [1, 8]> x",
	       S("tensor<fp16, [1, 8]> f = cast(x = n, dtype = string(\"fp16\"))[name = string(\"f\")]")
	       S("tensor<fp16, [1, 8]> y = add(x = x, y = f)[name = string(\"y\")]"), "y",
	       "input 'n': int32 [1, 8] feeds cast 'f' as data (compute, not an embedding index)");
	/* an embedding index, through the converter's index arithmetic */
	const char *emb = S("tensor<fp16, [100, 16]> table = const()[name = string(\"table\"), val = "
	                    BLOB("tensor<fp16, [100, 16]>", 64) "]")
	                  S("tensor<bool, [1, 8]> ge = greater_equal(x = ids, y = int32(0))"
	                    "[name = string(\"ge\")]")
	                  S("tensor<int32, [1, 8]> wr = add(x = ids, y = int32(100))"
	                    "[name = string(\"wr\")]")
	                  S("tensor<int32, [1, 8]> ix = select(cond = ge, a = ids, b = wr)"
	                    "[name = string(\"ix\")]")
	                  S("tensor<fp16, [1, 8, 16]> e = gather(x = table, indices = ix, axis = int32(0))"
	                    "[name = string(\"e\")]");
	expect("L011", 0, "ios17", "tensor<int32, [1, 8]> ids", emb, "e", NULL);
	/* int16 is an ANE lane */
	expect("L011", 0, "ios17", "tensor<int16, [1, 8]> n, tensor<fp16, [1, 8]> x",
	       S("tensor<fp16, [1, 8]> f = cast(x = n, dtype = string(\"fp16\"))[name = string(\"f\")]")
	       S("tensor<fp16, [1, 8]> y = add(x = x, y = f)[name = string(\"y\")]"), "y", NULL);
}

/* ------------------------------------------------------------------ weights */

static void test_lint_weight_axes(void **state)
{
	(void)state;
	expect("L012", 1, "ios17", "tensor<fp16, [1, 64]> x",
	       S("tensor<fp16, [70000, 64]> w = const()[name = string(\"w\"), val = "
	         BLOB("tensor<fp16, [70000, 64]>", 64) "]")
	       S("tensor<fp16, [1, 70000]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y",
	       "const 'w': weight 'w' [70000, 64] has axis 0 = 70,000 > 65,536");
	expect("L013", 1, "ios17", "tensor<fp16, [1, 64]> x",
	       S("tensor<fp16, [20000, 64]> w = const()[name = string(\"w\"), val = "
	         BLOB("tensor<fp16, [20000, 64]>", 64) "]")
	       S("tensor<fp16, [1, 20000]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y",
	       "axis 0 = 20,000 > 16,384");
	expect("L013", 0, "ios17", "tensor<fp16, [1, 64]> x",
	       S("tensor<fp16, [16384, 64]> w = const()[name = string(\"w\"), val = "
	         BLOB("tensor<fp16, [16384, 64]>", 64) "]")
	       S("tensor<fp16, [1, 16384]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y",
	       NULL);
	/* an embedding table is read by a gather, off the ANE anyway */
	expect("L012", 0, "ios17", "tensor<int32, [1, 4]> ids",
	       S("tensor<fp16, [70000, 64]> w = const()[name = string(\"w\"), val = "
	         BLOB("tensor<fp16, [70000, 64]>", 64) "]")
	       S("tensor<fp16, [1, 4, 64]> e = gather(x = w, indices = ids, axis = int32(0))"
	         "[name = string(\"e\")]"), "e", NULL);
}

static void test_lint_weight_formats(void **state)
{
	(void)state;
	const char *aff = S("tensor<fp16, [64, 32]> %s = constexpr_affine_dequantize()[quantized_data = "
	                    BLOB("tensor<int8, [64, 32]>", %d) ", zero_point = int8(0), scale = "
	                    "fp16(0x1p-7), axis = int32(0), name = string(\"%s\")]");
	char a1[512], a2[512], b[2048];
	snprintf(a1, sizeof a1, aff, "w1", 64, "w1");
	snprintf(a2, sizeof a2, aff, "w2", 2176, "w2");
	snprintf(b, sizeof b, "%s%s%s%s", a1, a2,
	         S("tensor<fp16, [1, 64]> y1 = linear(x = x, weight = w1)[name = string(\"y1\")]"),
	         S("tensor<fp16, [1, 64]> y2 = linear(x = x, weight = w2)[name = string(\"y2\")]"));
	expect("L014", 1, "ios16", "tensor<fp16, [1, 32]> x", b, "y1, y2",
	       "2 int8-affine (constexpr_affine_dequantize) weights (8,192 bytes (8.2 kB) dense) "
	       "stream compressed from A14-class ANEs; A13-class (M1) and older fold them");
	expect("L014", 1, "ios18", "tensor<fp16, [1, 32]> x",
	       S("tensor<fp16, [64, 32]> w = constexpr_blockwise_shift_scale(data = "
	         BLOB("tensor<int4, [64, 32]>", 64) ", scale = " BLOB("tensor<fp16, [64, 2]>", 1152)
	         ")[name = string(\"w\")]")
	       S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y",
	       "blockwise shift-scale");
	/* palettization streams compressed on every generation */
	expect("L014", 0, "ios18", "tensor<fp16, [1, 32]> x",
	       S("tensor<fp16, [64, 32]> w = constexpr_lut_to_dense(indices = "
	         BLOB("tensor<uint4, [64, 32]>", 64) ", lut = " BLOB("tensor<fp16, [1, 1, 16, 1]>", 1152)
	         ")[name = string(\"w\")]")
	       S("tensor<fp16, [1, 64]> y = linear(x = x, weight = w)[name = string(\"y\")]"), "y", NULL);
}

/* With the whole pipeline, findings the legality pass reports too (the
 * rule's defers_to) are kept but not repeated as diagnostics. */
static void test_lint_defers_to_legality(void **state)
{
	(void)state;
	Run r;
	run_prog(&r, "ios17", "tensor<fp16, [1, 3, 5568, 5568]> x, tensor<fp16, [1, 64]> v",
	         S("tensor<fp16, [1, 3, 5568, 5568]> y = relu(x = x)[name = string(\"y\")]")
	         S("tensor<fp16, [70000, 64]> w = const()[name = string(\"w\"), val = "
	           BLOB("tensor<fp16, [70000, 64]>", 64) "]")
	         S("tensor<fp16, [1, 70000]> l = linear(x = v, weight = w)[name = string(\"l\")]")
	         S("tensor<fp16, [1, 64]> m = add(x = v, y = tensor<fp16, [1]>([-inf]))"
	           "[name = string(\"m\")]")
	         S("tensor<fp16, [1, 8]> e = exp(x = v)[name = string(\"e\")]"), "y, l, m, e");
	assert_true(r.ctx->done & PASS_BIT(LEGALITY));
	assert_int_equal(lint_count(r.ctx, "L008"), 2);
	assert_int_equal(ncode(&r, "L008"), 0);
	assert_true(ncode(&r, "ANE013") >= 1);
	assert_int_equal(lint_count(r.ctx, "L012"), 1);
	assert_int_equal(ncode(&r, "L012"), 0);
	assert_int_equal(lint_count(r.ctx, "L002"), 1);
	assert_int_equal(ncode(&r, "L002"), 0);
	/* no ANE rule says it: reported */
	assert_int_equal(ncode(&r, "L004"), 1);
	uint32_t n;
	const LintFinding *f = lint_findings(r.ctx, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(f[i].rule->code, "L004") == 0) {
			assert_null(f[i].deferred_to);
			assert_true(f[i].diag < r.dl.d.n);
		} else {
			assert_non_null(f[i].deferred_to);
			assert_int_equal(f[i].diag, UINT32_MAX);
			assert_non_null(strstr(f[i].rule->defers_to, f[i].deferred_to));
		}
	}
	done(&r);
}

static void test_lint_not_run(void **state)
{
	(void)state;
	static const char *const flags[] = { "--passes=infer", NULL };
	Run r;
	run_prog_flags(&r, "ios17", "tensor<fp16, [2]> x", S("tensor<fp16, [2]> y = exp(x = x)"), "y",
	               flags);
	uint32_t n = 7;
	assert_null(lint_findings(r.ctx, &n));
	assert_int_equal(n, 0);
	assert_int_equal(lint_count(r.ctx, "L004"), 0);
	done(&r);
}

/* ------------------------------------------------------------------ corpus */

/* Load a model and run the lint pass (and what it requires). */
static bool lrun(Run *r, const char *path)
{
	PassOptions o;
	pass_options_init(&o);
	assert_int_equal(pass_options_parse(&o, "--passes=lint", stderr), 1);
	if (!run_load(r, path, &o))
		return false;
	assert_true(r->ctx->done & PASS_BIT(LINT));
	return true;
}

static void test_lint_corpus_exp_overflow(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char path[4096];
	snprintf(path, sizeof path, "%s/corpus/converted/fp16_overflow_exp_ios17/"
	         "fp16_overflow_exp_ios17.mlpackage", tu_shared_dir());
	Run l;
	assert_true(lrun(&l, path));
	uint32_t n;
	const LintFinding *f = lint_findings(l.ctx, &n);
	bool found = false;
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(f[i].rule->code, "L004") == 0) {
			assert_non_null(f[i].op);
			assert_string_equal(ir_op_name(f[i].func, f[i].op), "e_cast_fp16");
			assert_string_equal(f[i].op->kind, "exp");
			found = true;
		}
	assert_true(found);
	assert_int_equal(lint_count(l.ctx, "L004"), 1);
	done(&l);
}

static void test_lint_corpus_kvcache_masks(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char path[4096];
	snprintf(path, sizeof path, "%s/corpus/converted/stateful_kvcache_ios18/"
	         "stateful_kvcache_ios18.mlpackage", tu_shared_dir());
	Run l;
	assert_true(lrun(&l, path));
	assert_int_equal(lint_count(l.ctx, "L002"), 0);
	assert_int_equal(lint_count(l.ctx, "L001"), 0);
	/* its scores are scaled by 0.125 before the mask and the softmax */
	assert_int_equal(lint_count(l.ctx, "L006"), 0);
	done(&l);
}

static void corpus_counts(const char *sub, uint32_t *totals, size_t *models)
{
	size_t nr;
	const LintRule *rules = lint_rules(&nr);
	size_t n;
	char **list = tu_corpus_models(sub, NULL, 0, &n);
	for (size_t i = 0; i < n; i++) {
		Run l;
		if (!lrun(&l, list[i]))
			continue;
		(*models)++;
		for (size_t k = 0; k < nr; k++)
			totals[k] += lint_count(l.ctx, rules[k].code);
		done(&l);
	}
	tu_free_list(list, n);
}

static void test_lint_corpus_runs(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	size_t nr;
	const LintRule *rules = lint_rules(&nr);
	uint32_t conv[32] = { 0 }, pub[32] = { 0 };
	size_t nconv = 0, npub = 0;
	corpus_counts("converted", conv, &nconv);
	corpus_counts("public", pub, &npub);
	assert_true(nconv >= 20);
	print_message("lint findings over the corpus (%zu converted, %zu public models):\n", nconv,
	              npub);
	for (size_t k = 0; k < nr; k++)
		print_message("  %s %-26s %4u converted %4u public\n", rules[k].code, rules[k].name,
		              conv[k], pub[k]);
	/* facts of the converted corpus */
	assert_int_equal(conv[3], 1);       /* L004: fp16_overflow_exp_ios17 only */
	assert_int_equal(conv[1], 0);       /* L002: no -inf masks */
	assert_true(conv[8] >= 2);          /* L009: the two rangedim models */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_rule_table),
		cmocka_unit_test(test_lint_documented),
		cmocka_unit_test(test_lint_findings_are_diagnostics),
		cmocka_unit_test(test_lint_fp16_constant_overflow),
		cmocka_unit_test(test_lint_fp16_mask),
		cmocka_unit_test(test_lint_fp16_underflow),
		cmocka_unit_test(test_lint_exp_unbounded),
		cmocka_unit_test(test_lint_pow),
		cmocka_unit_test(test_lint_attention_unscaled),
		cmocka_unit_test(test_lint_layout_rank3),
		cmocka_unit_test(test_lint_tensor_too_large),
		cmocka_unit_test(test_lint_flexible_shapes),
		cmocka_unit_test(test_lint_int_inputs),
		cmocka_unit_test(test_lint_weight_axes),
		cmocka_unit_test(test_lint_weight_formats),
		cmocka_unit_test(test_lint_defers_to_legality),
		cmocka_unit_test(test_lint_not_run),
		cmocka_unit_test(test_lint_corpus_exp_overflow),
		cmocka_unit_test(test_lint_corpus_kvcache_masks),
		cmocka_unit_test(test_lint_corpus_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
