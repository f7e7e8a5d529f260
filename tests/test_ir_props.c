/* test_ir_props.c - every op's catalogue row resolved once (ir_resolve_ops,
 * also through the loader), the per-op facts read from it, the Op.index ->
 * Op table and the one lookup of a function's model description. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anelint.h"
#include "ir/model_desc.h"
#include "ir/op_catalogue.h"

static const char model[] =
	"program(1.3)\n"
	"{\n"
	"    func main<ios16>(tensor<fp32, [2, 3]> x) {\n"
	"            tensor<fp32, [2, 3]> c = const()[name = string(\"c\"), val = tensor<fp32, [2, 3]>([1, 2, 3, 4, 5, 6])];\n"
	"            tensor<fp32, [2, 3]> a = add(x = x, y = c)[name = string(\"a\")];\n"
	"            tensor<bool, [2, 3]> g = greater(x = a, y = fp32(0x0p+0))[name = string(\"g\")];\n"
	"            tensor<fp32, [2, 3]> s = select(cond = g, a = a, b = x)[name = string(\"s\")];\n"
	"            tensor<fp32, [3, 2]> t = transpose(perm = tensor<int32, [2]>([1, 0]), x = s)[name = string(\"t\")];\n"
	"            tensor<fp32, [3, 2]> r = reshape<ios17>(shape = tensor<int32, [2]>([3, 2]), x = t)[name = string(\"r\")];\n"
	"            tensor<fp32, [3, 2]> n = scatter_future(x = r)[name = string(\"n\")];\n"
	"            tensor<fp32, [3, 2]> k = constexpr_future()[name = string(\"k\")];\n"
	"            tensor<fp32, [3, 2]> m = constexpr_blockwise_shift_scale(data = k)[name = string(\"m\")];\n"
	"            bool p = reduce_any_future(x = g)[name = string(\"p\")];\n"
	"            tensor<fp32, [3, 2]> y = cond(pred = p)[name = string(\"branch\")] {\n"
	"                tensor<fp32, [3, 2]> up = relu(x = n)[name = string(\"up\")];\n"
	"            } -> (up) {\n"
	"                tensor<fp32, [3, 2]> down = nn.batchnorm(x = m)[name = string(\"down\")];\n"
	"            } -> (down);\n"
	"        } -> (y);\n"
	"}\n";

static Op *find_op(Func *f, const char *name)
{
	Op *const *ops = ir_func_op_table(f);
	for (uint32_t i = 0; i < f->nops; i++)
		if (strcmp(ir_op_name(f, ops[i]), name) == 0)
			return ops[i];
	fail_msg("no op %s", name);
	return NULL;
}

/* The model parsed (not loaded: no resolution), its main's uses filled. */
static Module *parse_model(DiagList *dl)
{
	diag_init(dl);
	Module *m = tu_parse_mil("t.mil", model, sizeof model - 1, dl);
	assert_non_null(m);
	ir_fill_uses(m->funcs.v[0]);
	return m;
}

static void release(Module *m, DiagList *dl)
{
	ir_module_free(m);
	diag_fini(dl);
}

static void check_resolved(Module *m)
{
	Func *f = m->funcs.v[0];
	ir_fill_uses(f);
	Op *add = find_op(f, "a");
	assert_non_null(add->info);
	assert_int_equal(ir_op_id(add), OPID_add);
	assert_int_equal(add->info->since, OPSET_IOS15);
	/* an op's own opset wins over its function's */
	assert_int_equal(find_op(f, "r")->info->since, OPSET_IOS17);
	assert_int_equal(find_op(f, "t")->info->since, OPSET_IOS15);
	assert_int_equal(ir_op_id(find_op(f, "r")), OPID_reshape);
	/* an op newer than the function keeps its first row (infer reports it) */
	Op *bss = find_op(f, "m");
	assert_non_null(bss->info);
	assert_int_equal(bss->info->since, OPSET_IOS18);
	/* unknown ops: no row, their kind kept */
	Op *unknown = find_op(f, "n");
	assert_null(unknown->info);
	assert_int_equal(ir_op_id(unknown), OPID_UNKNOWN);
	assert_string_equal(unknown->kind, "scatter_future");
	/* nested blocks are resolved too */
	assert_non_null(find_op(f, "up")->info);
	assert_int_equal(ir_op_id(find_op(f, "up")), OPID_relu);
	assert_null(find_op(f, "down")->info);
}

static void test_ir_props_resolve(void **state)
{
	(void)state;
	DiagList dl;
	Module *m = parse_model(&dl);
	Func *f = m->funcs.v[0];
	/* before resolution the facts still answer (tests build IR by hand) */
	assert_null(find_op(f, "a")->info);
	assert_int_equal(ir_op_id(find_op(f, "a")), OPID_add);
	ir_resolve_ops(m);
	check_resolved(m);
	ir_resolve_ops(m);              /* idempotent */
	check_resolved(m);
	release(m, &dl);
}

/* The loader resolves every model it returns. */
static void test_ir_props_loader_resolves(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/model.mil", dir);
	assert_int_equal(tu_write_file(path, model, sizeof model - 1), 0);
	DiagList dl;
	diag_init(&dl);
	Module *m = anelint_load(path, &dl);
	assert_non_null(m);
	check_resolved(m);
	release(m, &dl);
	remove(path);
	remove(dir);
	free(dir);
}

static void test_ir_props_facts(void **state)
{
	(void)state;
	DiagList dl;
	Module *m = parse_model(&dl);
	ir_resolve_ops(m);
	Func *f = m->funcs.v[0];
	assert_true(op_is_const(find_op(f, "c")));
	assert_true(op_is_const(find_op(f, "m")));
	assert_true(op_is_const(find_op(f, "k")));      /* unknown constexpr_*: by spelling */
	assert_false(op_is_const(find_op(f, "a")));
	assert_false(op_is_const(find_op(f, "n")));
	assert_true(op_is_comparison(find_op(f, "g")));
	assert_false(op_is_comparison(find_op(f, "a")));
	assert_false(op_is_comparison(find_op(f, "n")));
	assert_true(op_is_elementwise(find_op(f, "a")));
	assert_true(op_is_elementwise(find_op(f, "s")));
	assert_true(op_is_elementwise(find_op(f, "up")));
	assert_false(op_is_elementwise(find_op(f, "r")));
	assert_false(op_is_elementwise(find_op(f, "t")));
	assert_true(op_is_data_movement(find_op(f, "t")));
	assert_false(op_is_data_movement(find_op(f, "a")));
	assert_int_equal(op_cost_class(find_op(f, "t")), OPC_MOVE);
	assert_int_equal(op_cost_class(find_op(f, "branch")), OPC_CONTROL);
	assert_int_equal(op_cost_class(find_op(f, "down")), OPC_NORM);   /* nn.batchnorm */
	assert_int_equal(op_cost_class(find_op(f, "n")), OPC_ELEM);
	assert_false(op_operand_is_weight(find_op(f, "a"), "y"));
	assert_true(op_operand_is_weight(find_op(f, "n"), "weight"));  /* unknown: by spelling */
	assert_true(op_operand_is_weight(find_op(f, "n"), "bias_ih"));
	assert_false(op_operand_is_weight(find_op(f, "n"), "x"));
	release(m, &dl);
}

/* ir_fill_uses keeps the Op.index -> Op table in step with the ops. */
static void test_ir_props_op_table(void **state)
{
	(void)state;
	DiagList dl;
	Module *m = parse_model(&dl);
	Func *f = m->funcs.v[0];
	assert_int_equal(f->nops, 13);
	Op *const *ops = ir_func_op_table(f);
	for (uint32_t i = 0; i < f->nops; i++)
		assert_int_equal(ops[i]->index, i);
	assert_string_equal(ops[0]->kind, "const");
	/* walk order: the cond, then its blocks' ops */
	assert_string_equal(ops[10]->kind, "cond");
	assert_string_equal(ops[11]->kind, "relu");
	assert_string_equal(ops[12]->kind, "nn.batchnorm");
	/* an op added later appears after the next fill */
	Op *extra = ir_op_new(f, f->body, "identity", (SrcLoc){ 0 });
	ir_fill_uses(f);
	assert_int_equal(f->nops, 14);
	assert_ptr_equal(ir_func_op_table(f)[13], extra);
	for (uint32_t i = 0; i < f->nops; i++)
		assert_int_equal(ir_func_op_table(f)[i]->index, i);
	release(m, &dl);
}

static void test_ir_props_func_desc(void **state)
{
	(void)state;
	Module *m = ir_module_new("t");
	Func *main_f = ir_func_new(m, "main", "ios17", (SrcLoc){ 0 });
	assert_null(ir_func_desc(main_f));              /* bare MIL text */
	assert_null(ir_func_model_desc(main_f));
	FuncDesc one[] = { { .name = "main" } };
	ModelDesc d = { .nfuncs = 1, .funcs = one, .kind = "mlProgram" };
	m->desc = &d;
	assert_ptr_equal(ir_func_desc(main_f), &one[0]);
	assert_ptr_equal(ir_func_model_desc(main_f), &d);
	/* one function each side: the name need not match */
	one[0].name = "infer";
	assert_ptr_equal(ir_func_desc(main_f), &one[0]);
	Func *second = ir_func_new(m, "second", "ios17", (SrcLoc){ 0 });
	assert_null(ir_func_desc(main_f));
	assert_null(ir_func_desc(second));

	/* a pipeline: each part's function is named after the part */
	FuncDesc pa[] = { { .name = "main" } }, pb[] = { { .name = "main" } };
	ModelDesc da = { .nfuncs = 1, .funcs = pa, .kind = "neuralNetwork" };
	ModelDesc db = { .nfuncs = 1, .funcs = pb, .kind = "mlProgram" };
	SubModelDesc parts[] = { { .name = "encoder", .desc = &da }, { .name = "2nd", .desc = &db } };
	FuncDesc top[] = { { .name = "main" } };
	ModelDesc pipe = { .nfuncs = 1, .funcs = top, .kind = "pipeline", .nsubmodels = 2,
	                   .submodels = parts };
	Module *p = ir_module_new("p");
	p->desc = &pipe;
	Func *enc = ir_func_new(p, "encoder", "ios17", (SrcLoc){ 0 });
	Func *dec = ir_func_new(p, "model1", "ios17", (SrcLoc){ 0 });
	Func *stray = ir_func_new(p, "stray", "ios17", (SrcLoc){ 0 });
	assert_ptr_equal(ir_func_model_desc(enc), &da);
	assert_ptr_equal(ir_func_desc(enc), &pa[0]);
	assert_ptr_equal(ir_func_model_desc(dec), &db);    /* "2nd" is no identifier */
	assert_ptr_equal(ir_func_desc(dec), &pb[0]);
	assert_null(ir_func_model_desc(stray));
	assert_null(ir_func_desc(stray));
	m->desc = NULL;
	p->desc = NULL;
	ir_module_free(p);
	ir_module_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ir_props_resolve),
		cmocka_unit_test(test_ir_props_loader_resolves),
		cmocka_unit_test(test_ir_props_facts),
		cmocka_unit_test(test_ir_props_op_table),
		cmocka_unit_test(test_ir_props_func_desc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
