/* test_ir.c - IR builders, walks, use lists, the verifier on IR built by
 * hand (what a buggy frontend or pass could leave), and the printer. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

typedef struct Fixture {
	Module *m;
	Func *f;
	const Type *t;
} Fixture;

static ValueId param(Fixture *x, const char *name)
{
	Block *b = x->f->body;
	ValueId id = ir_value_new(x->f, arena_strdup(x->m->arena, name), x->t, b, (SrcLoc){ 0 });
	ValueId *np = arena_array(x->m->arena, b->nparams + 1, sizeof *np);
	if (b->nparams)
		memcpy(np, b->params, b->nparams * sizeof *np);
	np[b->nparams++] = id;
	b->params = np;
	return id;
}

/* An op `kind(x = in)` with one output `out` in block b. */
static Op *unary(Fixture *x, Block *b, const char *kind, ValueId in, const char *out)
{
	Op *op = ir_op_new(x->f, b, kind, (SrcLoc){ .file = "t", .line = b->nops + 1, .col = 1 });
	op->nargs = 1;
	op->args = arena_alloc(x->m->arena, sizeof *op->args);
	op->args[0].name = "x";
	op->args[0].n = 1;
	op->args[0].b = arena_alloc(x->m->arena, sizeof(Binding));
	op->args[0].b[0] = (Binding){ .kind = BIND_VALUE, .value = in };
	op->nouts = 1;
	op->outs = arena_alloc(x->m->arena, sizeof *op->outs);
	op->outs[0] = ir_value_new(x->f, out, x->t, b, op->loc);
	ir_value(x->f, op->outs[0])->def = op;
	return op;
}

static void setup(Fixture *x)
{
	x->m = ir_module_new("t.mil");
	x->m->syntax = MIL_SYNTAX_NEW;
	x->m->version = "1.3";
	x->f = ir_func_new(x->m, "main", "ios17", (SrcLoc){ 0 });
	Dim d = dim_const(4);
	x->t = type_tensor(x->m->types, DT_FP32, 1, &d);
}

static int count_errors(Module *m, const char *code)
{
	DiagList dl;
	diag_init(&dl);
	ir_verify(m, &dl);
	int n = 0;
	for (uint32_t i = 0; i < dl.d.n; i++)
		if (!code || (dl.d.v[i].code && strcmp(dl.d.v[i].code, code) == 0))
			n++;
	diag_fini(&dl);
	return n;
}

static void test_ir_build_walk_uses(void **state)
{
	Fixture x;
	setup(&x);
	ValueId in = param(&x, "in");
	Op *a = unary(&x, x.f->body, "relu", in, "a");
	Op *b = unary(&x, x.f->body, "sigmoid", a->outs[0], "b");
	Op *c = unary(&x, x.f->body, "add", a->outs[0], "c");
	x.f->body->nouts = 1;
	x.f->body->outs = &c->outs[0];
	ir_fill_uses(x.f);
	assert_int_equal(ir_value(x.f, in)->nuses, 1);
	const Value *av = ir_value(x.f, a->outs[0]);
	assert_int_equal(av->nuses, 2);
	assert_ptr_equal(av->uses[0].op, b);
	assert_ptr_equal(av->uses[1].op, c);
	assert_int_equal(ir_value(x.f, b->outs[0])->nuses, 0);
	assert_int_equal(c->index, 2);
	assert_string_equal(ir_op_name(x.f, b), "b");      /* no name attr: first output */
	assert_ptr_equal(ir_op_operand(b, "x"), &b->args[0]);
	assert_null(ir_op_operand(b, "y"));
	assert_ptr_equal(ir_module_find_func(x.m, "main"), x.f);
	assert_null(ir_module_find_func(x.m, "other"));
	assert_int_equal(count_errors(x.m, NULL), 0);
	ir_module_free(x.m);
}

static void test_ir_verifier_catches_broken_ir(void **state)
{
	Fixture x;
	setup(&x);
	ValueId in = param(&x, "in");
	Op *a = unary(&x, x.f->body, "relu", in, "a");
	Op *b = unary(&x, x.f->body, "relu", in, "b");
	/* Use before definition: b's input is redirected to a later value. */
	Op *c = unary(&x, x.f->body, "relu", in, "c");
	b->args[0].b[0].value = c->outs[0];
	assert_int_equal(count_errors(x.m, "V005"), 1);
	b->args[0].b[0].value = a->outs[0];
	/* A binding that names no value. */
	c->args[0].b[0].value = 12345;
	assert_int_equal(count_errors(x.m, "V004"), 1);
	c->args[0].b[0].value = in;
	/* Double definition: the same value as two ops' output. */
	c->outs[0] = a->outs[0];
	assert_int_equal(count_errors(x.m, "V002"), 1);
	c->outs[0] = ir_value_new(x.f, "c2", NULL, x.f->body, (SrcLoc){ 0 });
	assert_int_equal(count_errors(x.m, "V003"), 1);  /* no type */
	ir_value(x.f, c->outs[0])->type = x.t;
	/* Block scoping: a value of a nested block used after it. */
	Op *cond = unary(&x, x.f->body, "cond", in, "r");
	Block *then = ir_op_add_block(cond, (SrcLoc){ 0 });
	Op *inner = unary(&x, then, "relu", in, "inner");
	then->nouts = 1;
	then->outs = &inner->outs[0];
	unary(&x, x.f->body, "relu", inner->outs[0], "leak");
	assert_int_equal(count_errors(x.m, "V006"), 1);
	assert_int_equal(count_errors(x.m, NULL), 1);
	ir_module_free(x.m);
}

static char *print_to_string(const Module *m, const Lit *l)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ir_print_lit(m, l, f);
	fclose(f);
	return buf;
}

static void test_ir_printer_literals(void **state)
{
	Fixture x;
	setup(&x);
	Lit l = { .kind = LIT_TENSOR, .type = type_scalar(x.m->types, DT_FP32) };
	float v = -0.5f;
	l.u.tensor.count = 1;
	l.u.tensor.data = &v;
	char *s = print_to_string(x.m, &l);
	assert_string_equal(s, "fp32(-0x1p-1)");
	free(s);
	x.m->syntax = MIL_SYNTAX_OLD;
	s = print_to_string(x.m, &l);
	assert_string_equal(s, "tensor<fp32, []>(-0x1p-1)");
	free(s);
	x.m->syntax = MIL_SYNTAX_NEW;
	const char *strs[] = { "a\"b\\c\n\x01" };
	Lit ls = { .kind = LIT_TENSOR, .type = type_scalar(x.m->types, DT_STRING) };
	ls.u.tensor.count = 1;
	ls.u.tensor.data = strs;
	s = print_to_string(x.m, &ls);
	assert_string_equal(s, "string(\"a\\\"b\\\\c\\n\\x01\")");
	free(s);
	Dim d = dim_const(3);
	int16_t iv[] = { -1, 0, 32767 };
	Lit li = { .kind = LIT_TENSOR, .type = type_tensor(x.m->types, DT_INT16, 1, &d) };
	li.u.tensor.count = 3;
	li.u.tensor.data = iv;
	s = print_to_string(x.m, &li);
	assert_string_equal(s, "tensor<int16, [3]>([-1, 0, 32767])");
	free(s);
	Lit lb = { .kind = LIT_BLOB, .type = x.t };
	lb.u.blob.path = "@model_path/weights/weight.bin";
	lb.u.blob.offset = 128;
	s = print_to_string(x.m, &lb);
	assert_string_equal(s, "tensor<fp32, [4]>(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64(128)))");
	free(s);
	const Type *unk = type_tensor(x.m->types, DT_FP16, -1, NULL);
	char *buf = NULL;
	size_t n;
	FILE *f = open_memstream(&buf, &n);
	ir_print_type(x.m, unk, f);
	fclose(f);
	assert_string_equal(buf, "tensor<fp16, *>");
	free(buf);
	ir_module_free(x.m);
}

static void test_ir_arena(void **state)
{
	Arena *a = arena_new();
	assert_null(arena_alloc(a, (size_t)1 << 62));          /* absurd size refused */
	assert_null(arena_array(a, SIZE_MAX / 2, 16));          /* overflow refused */
	char *p = arena_alloc(a, 1 << 20);                       /* big chunk of its own */
	assert_non_null(p);
	p[(1 << 20) - 1] = 1;
	for (int i = 0; i < 10000; i++) {
		unsigned char *q = arena_alloc(a, 24);
		assert_int_equal((uintptr_t)q % 8, 0);
		assert_int_equal(q[0] | q[23], 0);                   /* zeroed */
	}
	assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
	arena_reset(a);
	assert_non_null(arena_alloc(a, 100));
	arena_free(a);
}

/* Floats to integers saturate instead of invoking undefined behaviour. */
static void test_ir_i64_from_f64(void **state)
{
	(void)state;
	assert_int_equal(i64_from_f64(2.9), 2);
	assert_int_equal(i64_from_f64(-2.9), -2);
	assert_int_equal(i64_from_f64(1e30), INT64_MAX);
	assert_int_equal(i64_from_f64(-1e30), INT64_MIN);
	assert_int_equal(i64_from_f64(NAN), 0);
	assert_int_equal(i64_from_f64(INFINITY), INT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ir_build_walk_uses),
		cmocka_unit_test(test_ir_verifier_catches_broken_ir),
		cmocka_unit_test(test_ir_printer_literals),
		cmocka_unit_test(test_ir_arena),
		cmocka_unit_test(test_ir_i64_from_f64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
