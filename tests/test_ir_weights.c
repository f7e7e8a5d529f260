/* test_ir_weights.c - the one tensor-byte function (packed sub-byte dtypes
 * included) and the one weight-bytes walk (ir/weights.h): stored by source
 * and dtype, blob records once per function and module, decompressed
 * weights as compute reads them, each op's own bytes. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "ir/op_catalogue.h"
#include "ir/weights.h"

static void test_ir_weights_packed_bytes(void **state)
{
	(void)state;
	assert_int_equal(ir_packed_bytes(10, DT_FP16), 20);
	assert_int_equal(ir_packed_bytes(3, DT_INT4), 2);       /* 12 bits */
	assert_int_equal(ir_packed_bytes(8, DT_UINT1), 1);
	assert_int_equal(ir_packed_bytes(9, DT_UINT1), 2);
	assert_int_equal(ir_packed_bytes(5, DT_UINT6), 4);      /* 30 bits */
	assert_int_equal(ir_packed_bytes(3, DT_UINT3), 2);      /* 9 bits */
	assert_int_equal(ir_packed_bytes(0, DT_FP32), 0);
	assert_int_equal(ir_packed_bytes(-1, DT_FP32), -1);
	assert_int_equal(ir_packed_bytes(4, DT_STRING), -1);
	assert_int_equal(ir_packed_bytes(INT64_MAX, DT_FP64), -1);
	/* the largest count that fits: 8 bits each */
	assert_int_equal(ir_packed_bytes(INT64_MAX, DT_UINT8), INT64_MAX);
	assert_int_equal(ir_packed_bytes(INT64_MAX, DT_UINT4), INT64_MAX / 2 + 1);

	Module *m = ir_module_new("t");
	Dim d[3] = { dim_const(2), dim_const(3), dim_const(5) };
	const Type *t = type_tensor(m->types, DT_UINT4, 3, d);
	assert_int_equal(ir_tensor_bytes(t), 15);
	assert_int_equal(ir_tensor_bytes(type_state(m->types, t)), 15);
	assert_int_equal(ir_tensor_bytes(type_scalar(m->types, DT_FP32)), 4);
	d[1] = dim_unknown();
	assert_int_equal(ir_tensor_bytes(type_tensor(m->types, DT_FP16, 3, d)), -1);
	assert_int_equal(ir_tensor_bytes(type_list(m->types, t, dim_const(2))), -1);
	assert_int_equal(ir_tensor_bytes(NULL), -1);
	ir_module_free(m);
}

#define BLOB(type, off) \
	type "(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64(" #off ")))"

static const char model[] =
	"program(1.3)\n"
	"{\n"
	"    func main<ios18>(tensor<fp16, [1, 8]> x) {\n"
	"            tensor<fp16, [8, 8]> w = const()[name = string(\"w\"), val = "
	BLOB("tensor<fp16, [8, 8]>", 64) "];\n"
	"            tensor<fp16, [8, 8]> w2 = const()[name = string(\"w2\"), val = "
	BLOB("tensor<fp16, [8, 8]>", 64) "];\n"
	"            tensor<uint4, [8, 8]> idx = const()[name = string(\"idx\"), val = "
	BLOB("tensor<uint4, [8, 8]>", 256) "];\n"
	"            tensor<fp16, [1, 1, 16, 1]> lut = const()[name = string(\"lut\"), val = "
	"tensor<fp16, [1, 1, 16, 1]>([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])];\n"
	"            tensor<fp16, [8, 8]> wp = constexpr_lut_to_dense(indices = idx, lut = lut)"
	"[name = string(\"wp\")];\n"
	"            tensor<fp16, [1, 8]> y = linear(weight = w, x = x)[name = string(\"y\")];\n"
	"            tensor<fp16, [1, 8]> z = linear(weight = w2, x = y)[name = string(\"z\")];\n"
	"            tensor<fp16, [1, 8]> v = linear(weight = wp, x = z)[name = string(\"v\")];\n"
	"            tensor<fp16, [1, 8]> o = add(x = v, y = tensor<fp16, [8]>([1, 2, 3, 4, 5, 6, 7, 8]))"
	"[name = string(\"o\")];\n"
	"            tensor<string, [2]> s = const()[name = string(\"s\"), val = "
	"tensor<string, [2]>([\"abc\", \"de\"])];\n"
	"        } -> (o);\n"
	"    func other<ios18>(tensor<fp16, [1, 8]> x) {\n"
	"            tensor<fp16, [8, 8]> w = const()[name = string(\"w\"), val = "
	BLOB("tensor<fp16, [8, 8]>", 64) "];\n"
	"        } -> (w);\n"
	"}\n";

static Module *load(DiagList *dl)
{
	Module *m = tu_parse_mil("t.mil", model, sizeof model - 1, dl);
	assert_non_null(m);
	ir_resolve_ops(m);
	for (uint32_t i = 0; i < m->funcs.n; i++)
		ir_fill_uses(m->funcs.v[i]);
	return m;
}

static int64_t op_bytes(const Func *f, const int64_t *op_stored, const char *name)
{
	Op *const *ops = ir_func_op_table(f);
	for (uint32_t i = 0; i < f->nops; i++)
		if (strcmp(ir_op_name(f, ops[i]), name) == 0)
			return op_stored[i];
	fail_msg("no op %s", name);
	return -1;
}

static void test_ir_weights_function_and_module(void **state)
{
	(void)state;
	DiagList dl;
	diag_init(&dl);
	Module *m = load(&dl);
	Func *f = m->funcs.v[0], *g = m->funcs.v[1];
	WeightSeen seen;
	weight_seen_init(&seen);
	WeightBytes fw = { 0 }, gw = { 0 }, mw = { 0 };
	int64_t op_stored[16];
	assert_true(f->nops <= 16);
	ir_weight_bytes_func(f, NULL, NULL, &seen, &fw, &mw, op_stored);

	/* stored: the 8x8 fp16 record once (w2 shares it), 64 uint4 = 32 bytes */
	assert_int_equal(fw.stored[WSRC_BLOB][DT_FP16], 128);
	assert_int_equal(fw.nstored[WSRC_BLOB][DT_FP16], 1);
	assert_int_equal(fw.stored[WSRC_BLOB][DT_UINT4], 32);
	assert_int_equal(fw.shared_refs, 1);
	/* inline: the lut (16 fp16) and add's immediate (8 fp16) */
	assert_int_equal(fw.stored[WSRC_INLINE][DT_FP16], 48);
	assert_int_equal(fw.nstored[WSRC_INLINE][DT_FP16], 2);
	/* strings: their text, kept out of the totals */
	assert_int_equal(fw.stored[WSRC_INLINE][DT_STRING], 5);
	assert_int_equal(weight_bytes_stored_total(&fw), 128 + 32 + 48);
	assert_int_equal(weight_bytes_stored_dt(&fw, DT_FP16), 176);
	assert_int_equal(fw.stored_unknown, 0);
	assert_int_equal(fw.constexpr_ops, 1);
	/* decompressed: w as read by y; w2 is the same record (once); wp's
	 * dense 8x8; the immediate as stored.  idx and lut feed only wp. */
	assert_int_equal(fw.decompressed[DT_FP16], 128 + 128 + 16);
	assert_int_equal(fw.ndecompressed[DT_FP16], 3);
	assert_int_equal(fw.decompressed[DT_UINT4], 0);
	assert_int_equal(weight_bytes_decompressed_total(&fw), 272);
	/* each op's own literal bytes */
	assert_int_equal(op_bytes(f, op_stored, "w"), 128);
	assert_int_equal(op_bytes(f, op_stored, "w2"), 0);
	assert_int_equal(op_bytes(f, op_stored, "idx"), 32);
	assert_int_equal(op_bytes(f, op_stored, "lut"), 32);
	assert_int_equal(op_bytes(f, op_stored, "wp"), 0);
	assert_int_equal(op_bytes(f, op_stored, "o"), 16);

	/* the second function reads the same record: its own figures count it,
	 * the module's do not count it again */
	ir_weight_bytes_func(g, NULL, NULL, &seen, &gw, &mw, NULL);
	assert_int_equal(gw.stored[WSRC_BLOB][DT_FP16], 128);
	assert_int_equal(gw.decompressed[DT_FP16], 128);      /* returned: read */
	assert_int_equal(mw.stored[WSRC_BLOB][DT_FP16], 128);
	assert_int_equal(mw.shared_refs, 2);
	assert_int_equal(mw.decompressed[DT_FP16], 272);
	weight_seen_fini(&seen);

	/* the module walk at declared types gives the module's figures */
	WeightBytes all;
	ir_weight_bytes(m, &all);
	assert_memory_equal(&all, &mw, sizeof all);
	ir_module_free(m);
	diag_fini(&dl);
}

/* The type callback: passes weigh at inferred types. */
static const Type *wider(void *ctx, const Func *f, ValueId id)
{
	const Type *t = ir_value(f, id)->type;
	if (t && t->kind == TY_TENSOR && t->dt == DT_FP16 && t->rank == 2)
		return type_tensor(f->module->types, DT_FP32, t->rank, t->dims);
	return NULL;
}

static void test_ir_weights_type_callback(void **state)
{
	(void)state;
	DiagList dl;
	diag_init(&dl);
	Module *m = load(&dl);
	WeightSeen seen;
	weight_seen_init(&seen);
	WeightBytes fw = { 0 }, mw = { 0 };
	ir_weight_bytes_func(m->funcs.v[0], wider, NULL, &seen, &fw, &mw, NULL);
	/* decompressed weights at the callback's types; stored as the literals say */
	assert_int_equal(fw.decompressed[DT_FP32], 256 + 256);
	assert_int_equal(fw.decompressed[DT_FP16], 16);
	assert_int_equal(fw.stored[WSRC_BLOB][DT_FP16], 128);
	weight_seen_fini(&seen);
	ir_module_free(m);
	diag_fini(&dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ir_weights_packed_bytes),
		cmocka_unit_test(test_ir_weights_function_and_module),
		cmocka_unit_test(test_ir_weights_type_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
