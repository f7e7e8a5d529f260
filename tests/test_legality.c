/* test_legality.c - one test per rule of the ANE rule table: a minimal MIL
 * program that trips the rule and a neighbour that does not (another
 * shape, another parameter, or another chip), each run through the whole
 * pipeline.  The test named after each code checks that the reason is on
 * the op (with its device taken out of the supported set for refusals),
 * that a warning with the code and hint went out, and that the neighbour is
 * free of it.  test_legality_every_rule_tested holds the table complete.
 *
 * Placement reasons (ANE301..303) are made by the cost model, the flexible
 * input reasons (ANE401, ANE402) by the flex pass over a model description,
 * the usage codes (ANE901, ANE902) by --input-shape: their rows name a
 * custom check. */
#include "testutil.h"
#include "ane_testutil.h"

#include "ir/model_desc.h"

#define F16(shape) "tensor<fp16, [" shape "]>"
#define F32(shape) "tensor<fp32, [" shape "]>"
#define I32(shape) "tensor<int32, [" shape "]>"

typedef struct Case Case;
typedef void (*Setup)(Module *m, const Case *c);
typedef void (*Custom)(const Case *c);

struct Case {
	const char *code;
	const char *chip;           /* trip (NULL: default M4) */
	const char *opset;
	const char *params, *body, *outs, *op;
	/* the neighbour: NULL fields are the trip's */
	const char *nchip, *nparams, *nbody, *nouts, *nop;
	Setup setup;                /* applied to the module before the pipeline */
	Custom custom;              /* the whole check, for rows made elsewhere */
};

/* ------------------------------------------------------------------ running */

static void run_case(Run *r, const Case *c, bool neighbour)
{
	const char *chip = neighbour && c->nchip ? c->nchip : c->chip;
	const char *params = neighbour && c->nparams ? c->nparams : c->params;
	const char *body = neighbour && c->nbody ? c->nbody : c->body;
	const char *outs = neighbour && c->nouts ? c->nouts : c->outs;
	char *text = prog(c->opset ? c->opset : "ios17", params, body, outs);
	run_parse(r, text);
	free(text);
	if (c->setup)
		c->setup(r->m, c);
	PassOptions o;
	pass_options_init(&o);
	if (chip) {
		o.chip = ane_chip_find(chip);
		assert_non_null(o.chip);
	}
	run_passes(r, &o);
}

static void test_rule(void **state)
{
	const Case *c = *state;
	if (c->custom) {
		c->custom(c);
		return;
	}
	const AneRule *rule = ane_rule_find(c->code);
	assert_non_null(rule);
	Run r;
	run_case(&r, c, false);
	const OpPlacement *p = placed(&r, c->op);
	const AneReason *why = reason_of(p, c->code);
	if (!why) {
		diag_print_all(&r.dl, stderr);
		fail_msg("%s: the rule does not fire on '%s'", c->code, c->op);
	}
	assert_ptr_equal(why->rule, rule);
	if (rule->kind == RULE_REFUSE)
		assert_int_equal(p->supported & rule->excludes, 0);
	if (rule->kind != RULE_PREFER) {
		assert_true(ncode(&r, c->code) >= 1);
		const char *text = diag_text(&r, c->code);
		assert_non_null(strstr(text, "warning["));
		assert_non_null(strstr(text, rule->reason));
		for (uint32_t i = 0; i < r.dl.d.n; i++)
			if (r.dl.d.v[i].code && strcmp(r.dl.d.v[i].code, c->code) == 0)
				assert_string_equal(r.dl.d.v[i].hint, rule->hint);
	}
	print_message("  %s fires: %s\n", c->code, why->detail);
	done(&r);

	run_case(&r, c, true);
	const OpPlacement *q = placed(&r, c->nop ? c->nop : c->op);
	if (reason_of(q, c->code)) {
		diag_print_all(&r.dl, stderr);
		fail_msg("%s: the rule fires on the neighbour too", c->code);
	}
	assert_int_equal(ncode(&r, c->code), 0);
	done(&r);
}

/* ------------------------------------------------------------------ model descriptions */

/* A description whose one function "main" has input x with two
 * enumerated shapes (default first), or range dims. */
static void desc_flex(Module *m, ShapeFlex flex, const char *kind)
{
	ModelDesc *d = arena_alloc(m->arena, sizeof *d);
	FuncDesc *fd = arena_alloc(m->arena, sizeof *fd);
	FeatureDesc *in = arena_alloc(m->arena, sizeof *in);
	static const int64_t def[4] = { 1, 8, 16, 16 }, big[4] = { 1, 8, 32, 32 };
	FeatShape *shapes = arena_array(m->arena, 2, sizeof *shapes);
	shapes[0] = (FeatShape){ 4, def };
	shapes[1] = (FeatShape){ 4, big };
	DimRange *ranges = arena_array(m->arena, 4, sizeof *ranges);
	ranges[0] = (DimRange){ 1, 1 };
	ranges[1] = (DimRange){ 8, 8 };
	ranges[2] = ranges[3] = (DimRange){ 16, 64 };
	*in = (FeatureDesc){ .name = "x", .short_desc = "", .kind = FEAT_MULTIARRAY,
	                     .dtype = DT_FP16, .shape = { 4, def }, .flex = flex };
	if (flex == FLEX_ENUMERATED) {
		in->nshapes = 2;
		in->shapes = shapes;
	} else if (flex == FLEX_RANGE) {
		in->nranges = 4;
		in->ranges = ranges;
	}
	*fd = (FuncDesc){ .name = "main", .ninputs = 1, .inputs = in };
	*d = (ModelDesc){ .format = "mlpackage", .spec_version = 8, .kind = kind, .nfuncs = 1,
	                  .funcs = fd, .default_func = "main" };
	m->desc = d;
}

static void setup_enumerated(Module *m, const Case *c)
{
	(void)c;
	desc_flex(m, FLEX_ENUMERATED, "mlProgram");
}

static void setup_nn(Module *m, const Case *c)
{
	(void)c;
	desc_flex(m, FLEX_NONE, "neuralNetwork");
}

/* ------------------------------------------------------------------ custom checks */

static const AneFlexVerdict *verdict_of(const Run *r, FlexMode mode, uint32_t *n)
{
	const AneFlexVerdict *v = ane_flex_verdicts(r->ctx, n);
	for (uint32_t i = 0; v && i < *n; i++)
		if (v[i].mode == mode)
			return &v[i];
	return NULL;
}

/* relu of an input x [1, 8, ?, ?] with this flexibility, under opts (may be
 * NULL). */
static void run_flex(Run *r, ShapeFlex flex, const PassOptions *opts)
{
	const char *text = "program(1.3)\n{\n    func main<ios17>(tensor<fp16, [1, 8, ?, ?]> x) {\n"
	                   S(F16("1, 8, ?, ?") " y = relu(x = x)") "        } -> (y);\n}\n";
	run_parse(r, text);
	desc_flex(r->m, flex, "mlProgram");
	run_passes(r, opts);
}

/* ANE401: a RangeDim input keeps the function off the ANE in every mode;
 * enumerated shapes do not. */
static void custom_flex_range(const Case *c)
{
	Run r;
	run_flex(&r, FLEX_RANGE, NULL);
	uint32_t n;
	const AneFlexVerdict *v = verdict_of(&r, FLEXV_DEFAULT, &n);
	assert_non_null(v);
	assert_int_equal(n, 3);     /* default, range-lower, range-upper */
	assert_non_null(v->mode_reason);
	assert_string_equal(v->mode_reason->rule->code, c->code);
	assert_int_equal(v->counts[CU_ALL].on[DEV_ANE], 0);
	assert_int_equal(v->counts[CU_CPU_AND_NE].on[DEV_ANE], 0);
	/* the per-op form of the same rule (G6) in the main run */
	assert_non_null(reason_of(placed(&r, "y"), "ANE007"));
	print_message("  %s: %s\n", c->code, v->mode_reason->detail);
	done(&r);
	run_flex(&r, FLEX_ENUMERATED, NULL);
	v = verdict_of(&r, FLEXV_DEFAULT, &n);
	assert_non_null(v);
	assert_int_equal(n, 3);     /* default and the two enumerated shapes */
	assert_null(v->mode_reason);
	assert_null(reason_of(placed(&r, "y"), "ANE007"));
	done(&r);
}

/* ANE402: a non-default enumerated shape gets the advisory, the default
 * shape does not. */
static void custom_flex_nondefault(const Case *c)
{
	Run r;
	run_flex(&r, FLEX_ENUMERATED, NULL);
	uint32_t n;
	const AneFlexVerdict *v = ane_flex_verdicts(r.ctx, &n);
	int hits = 0;
	for (uint32_t i = 0; i < n; i++) {
		assert_true(v[i].ran);
		if (v[i].mode == FLEXV_ENUMERATED && v[i].index == 1) {
			assert_non_null(v[i].mode_reason);
			assert_string_equal(v[i].mode_reason->rule->code, c->code);
			assert_string_equal(v[i].shape, "1x8x32x32");
			hits++;
		} else {
			assert_null(v[i].mode_reason);
		}
	}
	assert_int_equal(hits, 1);
	done(&r);
}

/* ANE901 / ANE902: --input-shape naming no input; a shape the model does
 * not declare. */
static void custom_input_shape(const Case *c)
{
	bool unknown = strcmp(c->code, "ANE901") == 0;
	for (int neighbour = 0; neighbour < 2; neighbour++) {
		PassOptions o;
		pass_options_init(&o);
		const char *flag = unknown ? (neighbour ? "--input-shape=x=1,8,16,16"
		                                        : "--input-shape=nope=1,8,16,16")
		                           : (neighbour ? "--input-shape=x=1,8,32,32"
		                                        : "--input-shape=x=1,8,99,99");
		assert_int_equal(pass_options_parse(&o, flag, stderr), 1);
		Run r;
		run_flex(&r, FLEX_ENUMERATED, &o);
		assert_int_equal(ncode(&r, c->code), neighbour ? 0 : 1);
		if (!neighbour)
			print_message("  %s: %s\n", c->code, diag_text(&r, c->code));
		done(&r);
	}
}

/* ------------------------------------------------------------------ the cases */

#define CONV_W(T) S(T " w = const()[name = string(\"w\"), val = " BLOB(T) "]")

static const Case cases[] = {
	/* ---- G rules ---- */
	{ "ANE001", NULL, NULL, F16("1, 1, 1, 1, 2, 2") " x",
	  S(F16("1, 1, 1, 1, 2, 2") " y = relu(x = x)"), "y", "y",
	  .nparams = F16("1, 1, 1, 2, 2") " x", .nbody = S(F16("1, 1, 1, 2, 2") " y = relu(x = x)") },
	{ "ANE002", NULL, NULL, F16("1, 65537") " x", S(F16("1, 65537") " y = relu(x = x)"), "y", "y",
	  .nparams = F16("1, 65536") " x", .nbody = S(F16("1, 65536") " y = relu(x = x)") },
	{ "ANE003", "M1", NULL, F16("1, 4, 16385") " x", S(F16("1, 4, 16385") " y = relu(x = x)"), "y", "y",
	  .nchip = "M4" },
	{ "ANE004", NULL, NULL, F32("1, 64") " x", S(F32("1, 64") " y = relu(x = x)"), "y", "y",
	  .nparams = F16("1, 64") " x", .nbody = S(F16("1, 64") " y = relu(x = x)") },
	{ "ANE005", NULL, NULL, I32("8") " x", S(I32("8") " y = add(x = x, y = x)"), "y", "y",
	  .nparams = F16("8") " x", .nbody = S(F16("8") " y = add(x = x, y = x)") },
	{ "ANE006", NULL, NULL, "tensor<int64, [8]> x", S("tensor<int64, [8]> y = identity(x = x)"), "y", "y",
	  .nparams = F16("8") " x", .nbody = S(F16("8") " y = identity(x = x)") },
	{ "ANE007", NULL, NULL, F16("1, 8, ?, ?") " x", S(F16("1, 8, ?, ?") " y = relu(x = x)"), "y", "y",
	  .nparams = F16("1, 8, 16, 16") " x", .nbody = S(F16("1, 8, 16, 16") " y = relu(x = x)") },
	{ "ANE008", NULL, NULL, F16("4, 4") " x",
	  S(I32("?, 2") " nz = non_zero(x = x)")
	  S(F16("?") " g = gather_nd(x = x, indices = nz)")
	  S(F16("?") " y = relu(x = g)"), "y", "y",
	  .nbody = S(F16("4, 4") " y = relu(x = x)") },
	{ "ANE009", NULL, NULL, F16("8, 4") " x, " I32("2") " i",
	  S(F16("2, 4") " y = gather(x = x, indices = i, axis = int32(0))"), "y", "y",
	  .nbody = S(F16("2, 4") " y = gather(x = x, indices = " I32("2") "([0, 1]), axis = int32(0))") },
	{ "ANE010", NULL, "ios18", "state<" F16("1, 4, 270") "> s", S(F16("1, 4, 270") " y = read_state(input = s)"),
	  "y", "y", .nparams = "state<" F16("1, 4, 256") "> s",
	  .nbody = S(F16("1, 4, 256") " y = read_state(input = s)") },
	{ "ANE011", NULL, NULL, F16("4, 100") " a, " F16("100, 4") " b", S(F16("4, 4") " y = matmul(x = a, y = b)"),
	  "y", "y", .nparams = F16("4, 128") " a, " F16("128, 4") " b" },
	{ "ANE012", "A17Pro", NULL, F16("1, 16384") " x",
	  CONV_W(F16("40000, 16384")) S(F16("1, 40000") " y = linear(x = x, weight = w)"), "y", "y",
	  .nchip = "M4" },
	{ "ANE013", NULL, NULL, F16("1, 3, 5568, 5568") " x", S(F16("1, 3, 5568, 5568") " y = relu(x = x)"), "y", "y",
	  .nparams = F16("1, 3, 224, 224") " x", .nbody = S(F16("1, 3, 224, 224") " y = relu(x = x)") },
	{ "ANE014", NULL, NULL, F16("1, 8192") " x",
	  CONV_W(F16("8192, 8192")) S(F16("1, 8192") " y = linear(x = x, weight = w)"), "y", "y",
	  .nparams = F16("1, 4096") " x",
	  .nbody = CONV_W(F16("4096, 4096")) S(F16("1, 4096") " y = linear(x = x, weight = w)") },
	{ "ANE015", NULL, NULL, F16("4") " x", S(F16("4") " y = frobnicate(x = x)"), "y", "y",
	  .nbody = S(F16("4") " y = relu(x = x)") },
	{ "ANE016", "M1", "ios16", F16("4, 4") " x",
	  S(F16("4, 4") " w = constexpr_affine_dequantize()[quantized_data = tensor<int8, [4, 4]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), zero_point = int8(0), scale = fp16(0x1p+0), axis = int32(0)]")
	  S(F16("4, 4") " y = add(x = x, y = w)"), "y", "w", .nchip = "M2" },
	{ "ANE017", "M2", "ios17", F16("3, 5") " x",
	  S(F16("3, 5") " w = constexpr_sparse_to_dense()[nonzero_data = " F16("4") "([0x1p+0, 0x1p+0, 0x1p+0, 0x1p+0]), mask = tensor<uint8, [2]>([15, 0]), shape = tensor<uint32, [2]>([3, 5])]")
	  S(F16("3, 5") " y = add(x = x, y = w)"), "y", "w", .nchip = "M3" },
	{ "ANE018", NULL, "ios18", F16("8, 64") " x",
	  S(F16("8, 64") " w = constexpr_blockwise_shift_scale(data = tensor<int4, [8, 64]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), scale = " F16("8, 2") "(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))))")
	  S(F16("8, 64") " y = add(x = x, y = w)"), "y", "w",
	  .nbody = S(F16("8, 64") " w = constexpr_blockwise_shift_scale(data = tensor<int8, [8, 64]>(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))), scale = " F16("8, 2") "(BLOBFILE(path = string(\"@model_path/w.bin\"), offset = uint64(64))))")
	  S(F16("8, 64") " y = add(x = x, y = w)") },
	{ "ANE019", NULL, NULL, F16("4") " x", S(F16("4") " y = add(x = x, y = fp16(-inf))"), "y", "y",
	  .nbody = S(F16("4") " y = add(x = x, y = fp16(-0x1.388p+13))") },

	/* ---- placement: supported but not preferred ---- */
	{ "ANE301", NULL, NULL, F16("1, 64, 32, 32") " x",
	  CONV_W(F16("64, 64, 1, 1")) S(F16("1, 64, 32, 32") " y = conv(x = x, weight = w)"), "y", "y",
	  .nparams = F16("1, 64, 256, 256") " x",
	  .nbody = CONV_W(F16("64, 64, 3, 3"))
	  S(F16("1, 64, 256, 256") " y = conv(x = x, weight = w, pad_type = string(\"same\"))") },
	{ "ANE302", NULL, NULL, F16("1, 64, 32, 32") " x",
	  S(F16("1, 64, 32, 32") " y = transpose(x = x, perm = " I32("4") "([0, 1, 3, 2]))"), "y", "y",
	  .nparams = F16("1, 64, 256, 256") " x",
	  .nbody = CONV_W(F16("64, 64, 3, 3"))
	  S(F16("1, 64, 256, 256") " c = conv(x = x, weight = w, pad_type = string(\"same\"))")
	  S(F16("1, 64, 256, 256") " t = transpose(x = c, perm = " I32("4") "([0, 1, 3, 2]))")
	  S(F16("1, 64, 256, 256") " y = conv(x = t, weight = w, pad_type = string(\"same\"))"),
	  .nop = "t" },
	{ "ANE303", NULL, NULL, F16("1, 64, 64, 64") " x",
	  S(F16("1, 64, 64, 64") " a = mod(x = x, y = fp16(0x1p+1))")
	  CONV_W(F16("64, 64, 3, 3"))
	  S(F16("1, 64, 64, 64") " y = conv(x = a, weight = w, pad_type = string(\"same\"))")
	  S(F16("1, 64, 64, 64") " z = mod(x = y, y = fp16(0x1p+1))"), "z", "y",
	  .nbody = CONV_W(F16("64, 64, 3, 3"))
	  S(F16("1, 64, 64, 64") " y = conv(x = x, weight = w, pad_type = string(\"same\"))")
	  S(F16("1, 64, 64, 64") " z = relu(x = y)") },

	/* ---- flexible inputs, --input-shape ---- */
	{ "ANE401", .custom = custom_flex_range },
	{ "ANE402", .custom = custom_flex_nondefault },
	{ "ANE901", .custom = custom_input_shape },
	{ "ANE902", .custom = custom_input_shape },

	/* ---- per op: §2, §3 ---- */
	{ "ANE101", NULL, NULL, F16("4") " x", S(F16("4") " y = mod(x = x, y = x)"), "y", "y",
	  .nbody = S(F16("4") " y = sub(x = x, y = x)") },
	{ "ANE102", NULL, NULL, "tensor<bool, [4]> x", S("tensor<bool, [4]> y = logical_and(x = x, y = x)"), "y", "y",
	  .nbody = S("tensor<bool, [4]> y = logical_not(x = x)") },
	{ "ANE103", NULL, NULL, F16("5, 1, 4") " x, " F16("1, 8") " h0, " F16("32, 4") " wi, " F16("32, 8") " wh",
	  S(F16("5, 1, 8") " y, " F16("1, 8") " h, " F16("1, 8") " c = lstm(x = x, initial_h = h0, initial_c = h0, weight_ih = wi, weight_hh = wh)"),
	  "y, h, c", "y", .nparams = F16("5, 1, 4") " x", .nbody = S(F16("5, 1, 4") " y = tanh(x = x)"),
	  .nouts = "y" },
	{ "ANE104", NULL, NULL, F16("2, 3") " x, bool p",
	  "            " F16("2, 3") " y = cond(pred = p) {\n"
	  "                " F16("2, 3") " a = add(x = x, y = fp16(0x1p+0));\n"
	  "            } -> (a) {\n"
	  "                " F16("2, 3") " b = sub(x = x, y = fp16(0x1p+0));\n"
	  "            } -> (b);\n", "y", "y",
	  .nbody = S(F16("2, 3") " y = add(x = x, y = fp16(0x1p+0))") },
	{ "ANE105", NULL, NULL, F16("2, 3") " x, bool p",
	  "            " F16("2, 3") " y = cond(pred = p) {\n"
	  "                " F16("2, 3") " a = add(x = x, y = fp16(0x1p+0));\n"
	  "            } -> (a) {\n"
	  "                " F16("2, 3") " b = sub(x = x, y = fp16(0x1p+0));\n"
	  "            } -> (b);\n", "y", "a",
	  .nbody = S(F16("2, 3") " a = add(x = x, y = fp16(0x1p+0))"), .nouts = "a" },
	{ "ANE106", NULL, NULL, F16("2") " x",
	  S("list<tensor<fp16, [2]>, 4> y = make_list(init_length = int32(4), elem_shape = (int32(2)), dtype = string(\"fp16\"))"),
	  "y", "y", .nbody = S(F16("2") " y = relu(x = x)") },
	{ "ANE107", NULL, NULL, F16("4, 4") " x", S(I32("?, 2") " y = non_zero(x = x)"), "y", "y",
	  .nbody = S(F16("4, 4") " y = relu(x = x)") },
	{ "ANE108", "M2", NULL, F16("4") " x", S(F16("4") " y = sin(x = x)"), "y", "y", .nchip = "M3" },
	{ "ANE109", "M2", NULL, F16("4, 4") " x", S(I32("4") " y = reduce_argmin(x = x, axis = int32(0))"), "y", "y",
	  .nchip = "M3" },
	{ "ANE110", "M2", NULL, F16("2") " x",
	  S(F16("2, 2") " y = random_uniform(shape = " I32("2") "([2, 2]), low = fp16(0x0p+0), high = fp16(0x1p+0))"),
	  "y", "y", .nchip = "M3" },
	{ "ANE111", "M1", NULL, F16("1, 1, 3, 8, 8") " x, " F16("1, 1, 1, 4, 1") " roi",
	  S(F16("1, 1, 3, 4, 4") " y = crop_resize(x = x, roi = roi, target_height = int32(4), target_width = int32(4))"),
	  "y", "y", .nchip = "A14" },
	{ "ANE112", NULL, NULL, F16("1, 8, 16, 16") " x",
	  S(F16("1, 8, 64, 64") " y = upsample_nearest_neighbor(x = x, scale_factor_height = fp32(0x1p+2), scale_factor_width = fp32(0x1p+2))"),
	  "y", "y",
	  .nbody = S(F16("1, 8, 32, 32") " y = upsample_nearest_neighbor(x = x, scale_factor_height = fp32(0x1p+1), scale_factor_width = fp32(0x1p+1))") },
	{ "ANE113", "M1", NULL, F16("1, 8, 16, 16") " x",
	  S(F16("1, 8, 18, 18") " y = pad(x = x, pad = " I32("4") "([1, 1, 1, 1]), mode = string(\"reflect\"))"), "y", "y",
	  .nbody = S(F16("1, 8, 18, 18") " y = pad(x = x, pad = " I32("4") "([1, 1, 1, 1]), mode = string(\"constant\"))") },
	{ "ANE114", NULL, NULL, F16("1, 8, 64, 64") " x",
	  CONV_W(F16("8, 8, 17, 17")) S(F16("1, 8, 64, 64") " y = conv(x = x, weight = w, pad_type = string(\"same\"))"),
	  "y", "y",
	  .nbody = CONV_W(F16("8, 8, 16, 16")) S(F16("1, 8, 64, 64") " y = conv(x = x, weight = w, pad_type = string(\"same\"))") },
	{ "ANE115", "M1", NULL, F16("1, 8, 64, 64") " x",
	  CONV_W(F16("8, 8, 3, 15")) S(F16("1, 8, 64, 64") " y = conv(x = x, weight = w, pad_type = string(\"same\"))"),
	  "y", "y",
	  .nbody = CONV_W(F16("8, 8, 3, 13")) S(F16("1, 8, 64, 64") " y = conv(x = x, weight = w, pad_type = string(\"same\"))") },
	{ "ANE116", NULL, NULL, F16("1, 8, 16, 16") " x, " F16("8, 4, 3, 3") " w",
	  S(F16("1, 8, 16, 16") " y = conv(x = x, weight = w, groups = int32(2), pad_type = string(\"same\"))"), "y", "y",
	  .nparams = F16("1, 8, 16, 16") " x, " F16("8, 8, 3, 3") " w",
	  .nbody = S(F16("1, 8, 16, 16") " y = conv(x = x, weight = w, pad_type = string(\"same\"))") },
	{ "ANE117", NULL, NULL, F16("1, 8, 32, 32") " x",
	  CONV_W(F16("8, 8, 3, 3")) S(F16("1, 8, 24, 24") " y = conv(x = x, weight = w, dilations = " I32("2") "([4, 4]))"),
	  "y", "y",
	  .nbody = CONV_W(F16("8, 8, 3, 3")) S(F16("1, 8, 28, 28") " y = conv(x = x, weight = w, dilations = " I32("2") "([2, 2]))") },
	{ "ANE118", NULL, NULL, F16("1, 4, 8, 8, 8") " x",
	  CONV_W(F16("4, 4, 3, 3, 3")) S(F16("1, 4, 6, 6, 6") " y = conv(x = x, weight = w)"), "y", "y",
	  .nparams = F16("1, 4, 8, 8") " x",
	  .nbody = CONV_W(F16("4, 4, 3, 3")) S(F16("1, 4, 6, 6") " y = conv(x = x, weight = w)") },
	{ "ANE119", NULL, NULL, F16("1, 8, 32, 32") " x",
	  S(F16("1, 8, 32, 24") " y = max_pool(x = x, kernel_sizes = " I32("2") "([1, 9]), strides = " I32("2") "([1, 1]), pad_type = string(\"valid\"))"),
	  "y", "y",
	  .nbody = S(F16("1, 8, 24, 32") " y = max_pool(x = x, kernel_sizes = " I32("2") "([9, 1]), strides = " I32("2") "([1, 1]), pad_type = string(\"valid\"))") },
	{ "ANE120", "M1", NULL, F16("1, 8, 64, 64") " x",
	  S(F16("1, 8, 35, 35") " y = avg_pool(x = x, kernel_sizes = " I32("2") "([30, 30]), strides = " I32("2") "([1, 1]), pad_type = string(\"valid\"))"),
	  "y", "y",
	  .nbody = S(F16("1, 8, 36, 36") " y = avg_pool(x = x, kernel_sizes = " I32("2") "([29, 29]), strides = " I32("2") "([1, 1]), pad_type = string(\"valid\"))") },
	{ "ANE121", NULL, NULL, F16("1, 32769") " a, " F16("32769, 4") " b", S(F16("1, 4") " y = matmul(x = a, y = b)"),
	  "y", "y", .nparams = F16("1, 32768") " a, " F16("32768, 4") " b" },
	{ "ANE122", NULL, "ios18", F16("1, 8, 16") " q, " F16("1, 8, 8") " m",
	  S(F16("1, 8, 16") " y = scaled_dot_product_attention(query = q, key = q, value = q, attn_mask = m)"), "y", "y",
	  .nbody = S(F16("1, 8, 16") " y = scaled_dot_product_attention(query = q, key = q, value = q)") },
	{ "ANE123", NULL, NULL, F16("1, 8") " x", S(F16("1, 40") " y = tile(x = x, reps = " I32("2") "([1, 5]))"), "y", "y",
	  .nbody = S(F16("1, 32") " y = tile(x = x, reps = " I32("2") "([1, 4]))") },
	{ "ANE124", NULL, NULL, F16("1, 4, 10, 10") " x",
	  S(F16("25, 4, 2, 2") " y = space_to_batch(x = x, block_shape = " I32("2") "([5, 5]), paddings = tensor<int32, [2, 2]>([0, 0, 0, 0]))"),
	  "y", "y",
	  .nbody = S(F16("4, 4, 5, 5") " y = space_to_batch(x = x, block_shape = " I32("2") "([2, 2]), paddings = tensor<int32, [2, 2]>([0, 0, 0, 0]))") },
	{ "ANE125", "M1", NULL, F16("4, 4") " x",
	  S(F16("2") " y = gather_nd(x = x, indices = tensor<int32, [2, 2]>([0, 0, 1, 1]))"), "y", "y", .nchip = "A14" },
	{ "ANE126", NULL, NULL, F16("1, 16") " x", S(F16("1, 4") " y, " I32("1, 4") " i = topk(x = x, k = int32(4))"),
	  "y, i", "y", .nbody = S(F16("1") " y = reduce_max(x = x, axes = " I32("1") "([1]))"), .nouts = "y" },
	{ "ANE127", NULL, NULL, I32("4") " p, " F16("4") " a, " F16("4") " b",
	  S("tensor<bool, [4]> c = greater(x = p, y = int32(0))")
	  S(F16("4") " y = select(cond = c, a = a, b = b)"), "y", "y",
	  .nbody = S("tensor<bool, [4]> c = greater(x = a, y = fp16(0x0p+0))")
	  S(F16("4") " y = select(cond = c, a = a, b = b)") },
	{ "ANE128", NULL, NULL, F16("4") " x", S("tensor<int16, [4]> y = cast(x = x, dtype = string(\"int16\"))"), "y", "y",
	  .nbody = S(F32("4") " y = cast(x = x, dtype = string(\"fp32\"))") },
	{ "ANE129", NULL, NULL, F16("2, 8") " x, " I32("2") " s", S(F16("4, 4") " y = reshape(x = x, shape = s)"), "y", "y",
	  .nbody = S(F16("4, 4") " y = reshape(x = x, shape = " I32("2") "([4, 4]))") },
	{ "ANE130", NULL, NULL, F16("1, 8") " x, " F16("4, 8") " w", S(F16("1, 4") " y = linear(x = x, weight = w)"), "y", "y",
	  .nparams = F16("1, 8") " x", .nbody = CONV_W(F16("4, 8")) S(F16("1, 4") " y = linear(x = x, weight = w)") },
	{ "ANE131", NULL, NULL, F16("2, 4") " x", S(F16("2, 4") " y = prelu(x = x, alpha = " F16("4") "([0x1p-2, 0x1p-2, 0x1p-2, 0x1p-2]))"), "y", "y",
	  .nparams = F16("1, 4, 2") " x", .nbody = S(F16("1, 4, 2") " y = prelu(x = x, alpha = " F16("4") "([0x1p-2, 0x1p-2, 0x1p-2, 0x1p-2]))") },
	{ "ANE132", NULL, NULL, F16("4") " x, " F16("4") " e", S(F16("4") " y = pow(x = x, y = e)"), "y", "y",
	  .nbody = S(F16("4") " y = pow(x = x, y = fp16(0x1p+1))") },
	{ "ANE133", NULL, NULL, F16("1, 8, ?, ?") " x", S(F16("1, 8, ?, ?") " y = layer_norm(x = x, axes = " I32("1") "([1]))"),
	  "y", "y", .setup = setup_enumerated,
	  .nbody = S(F16("1, 8, ?, ?") " y = relu(x = x)") },
	{ "ANE134", "M1", "ios18", "state<" F16("1, 4, 32") "> s, state<" F16("1, 8, 32") "> t",
	  S(F16("1, 4, 32") " y = read_state(input = s)"), "y", "y", .nchip = "M4" },
	{ "ANE135", "M2", NULL, F16("4, 8") " x",
	  S(F16("4, 4") " y = slice_by_size(x = x, begin = " I32("2") "([0, 4]), size = " I32("2") "([4, 4]))"), "y", "y",
	  .nbody = S(F16("4, 4") " y = slice_by_size(x = x, begin = " I32("2") "([0, 0]), size = " I32("2") "([4, 4]))") },
	{ "ANE136", NULL, NULL, F16("1, 2, 3, 4") " a, " F16("1, 4, 3, 5") " b",
	  S(F16("1, 2, 3, 5") " y = einsum(values = (a, b), equation = string(\"nchw,nwhu->nchu\"))"), "y", "y",
	  .nparams = F16("2, 4") " a, " F16("4, 5") " b", .nbody = S(F16("2, 5") " y = matmul(x = a, y = b)") },
	{ "ANE137", NULL, NULL, F16("1") " x",
	  CONV_W(F16("70000, 4")) S(F16("2, 4") " y = gather(x = w, indices = " I32("2") "([0, 1]), axis = int32(0))"), "y", "y",
	  .nbody = CONV_W(F16("1000, 4")) S(F16("2, 4") " y = gather(x = w, indices = " I32("2") "([0, 1]), axis = int32(0))") },
	{ "ANE138", NULL, NULL, F16("1, 8, 4") " b, " F16("1, 8, 2") " s",
	  S(F16("1, 2, 4") " ob, " F16("1, 2, 2") " os, " I32("1, 2") " oi, " I32("1") " on = non_maximum_suppression(boxes = b, scores = s, iou_threshold = fp32(0x1p-1), score_threshold = fp32(0x0p+0), max_boxes = int32(2), per_class_suppression = bool(false))"),
	  "ob, os, oi, on", "ob",
	  .nparams = F16("1, 8, 4") " b", .nbody = S(F16("1, 8, 4") " ob = relu(x = b)"), .nouts = "ob" },

	/* ---- legacy neural networks ---- */
	{ "ANE201", NULL, NULL, F32("8, 4") " x",
	  S(F32("2, 4") " y = gather(x = x, indices = " I32("2") "([0, 1]), axis = int32(0))"), "y", "y",
	  .setup = setup_nn, .nbody = S(F32("8, 4") " y = relu(x = x)") },
	{ "ANE202", NULL, NULL, F32("1, 8, 32, 32") " x",
	  CONV_W(F32("8, 8, 3, 3")) S(F32("1, 8, 28, 28") " y = conv(x = x, weight = w, dilations = " I32("2") "([2, 2]))"),
	  "y", "y", .setup = setup_nn,
	  .nbody = CONV_W(F32("8, 8, 3, 3")) S(F32("1, 8, 30, 30") " y = conv(x = x, weight = w)") },
	{ "ANE203", NULL, NULL, F32("1, 8, 32, 32") " x",
	  S(F32("1, 8, 10, 10") " y = max_pool(x = x, kernel_sizes = " I32("2") "([3, 3]), strides = " I32("2") "([3, 3]), pad_type = string(\"valid\"))"),
	  "y", "y", .setup = setup_nn,
	  .nbody = S(F32("1, 8, 15, 15") " y = max_pool(x = x, kernel_sizes = " I32("2") "([3, 3]), strides = " I32("2") "([2, 2]), pad_type = string(\"valid\"))") },
	{ "ANE204", NULL, NULL, F32("1, 8, 4, 4") " x, " F32("1, 8, 1, 1") " s", S(F32("1, 8, 4, 4") " y = mul(x = x, y = s)"),
	  "y", "y", .setup = setup_nn,
	  .nparams = F32("1, 8, 4, 4") " x, " F32("1, 8, 4, 4") " s" },
	{ "ANE205", NULL, NULL, F32("4") " x", S(F32("4") " y = nn.sequenceRepeat(x = x)"), "y", "y",
	  .setup = setup_nn, .nbody = S(F32("4") " y = relu(x = x)") },
};

static void test_legality_every_rule_tested(void **state)
{
	(void)state;
	size_t n;
	const AneRule *rules = ane_rules(&n);
	assert_true(n > 50);
	unsigned per_conf[CONF_COUNT] = { 0 };
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
			found |= strcmp(cases[k].code, rules[i].code) == 0;
		if (!found)
			fail_msg("rule %s has no test case", rules[i].code);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(rules[j].code, rules[i].code);
		assert_true(rules[i].reason && *rules[i].reason);
		assert_true(rules[i].hint && *rules[i].hint);
		assert_true(rules[i].source && *rules[i].source);
		assert_ptr_equal(ane_rule_find(rules[i].code), &rules[i]);
		per_conf[rules[i].conf]++;
	}
	print_message("%zu rules: %u documented, %u observed, %u reverse-engineered, %u inferred\n",
	              n, per_conf[CONF_DOCUMENTED], per_conf[CONF_OBSERVED],
	              per_conf[CONF_REVERSE_ENGINEERED], per_conf[CONF_INFERRED]);
}

/* Every code is documented: the generated table (scripts/gen_ane_rules_doc.py)
 * and the diagnostics page. */
static void test_legality_rules_documented(void **state)
{
	(void)state;
	static const char *const docs[] = { "docs/ane-rules.md", "docs/diagnostics.md" };
	size_t n;
	const AneRule *rules = ane_rules(&n);
	for (size_t d = 0; d < 2; d++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", tu_source_dir(), docs[d]);
		char *text = tu_read_file(path, NULL);
		assert_non_null(text);
		for (size_t i = 0; i < n; i++) {
			char row[32];
			snprintf(row, sizeof row, "| %s |", rules[i].code);
			if (!strstr(text, row))
				fail_msg("%s does not document %s (regenerate with scripts/gen_ane_rules_doc.py)",
				         docs[d], rules[i].code);
		}
		free(text);
	}
}

int main(void)
{
	enum { N = sizeof cases / sizeof *cases };
	struct CMUnitTest tests[N + 2];
	for (size_t i = 0; i < N; i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].code, .test_func = test_rule,
		                                .initial_state = (void *)&cases[i] };
	tests[N] = (struct CMUnitTest){ .name = "test_legality_every_rule_tested",
	                                .test_func = test_legality_every_rule_tested };
	tests[N + 1] = (struct CMUnitTest){ .name = "test_legality_rules_documented",
	                                    .test_func = test_legality_rules_documented };
	return _cmocka_run_group_tests("legality", tests, N + 2, NULL, NULL);
}
