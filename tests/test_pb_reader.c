/* test_pb_reader.c - Core ML protobuf -> IR: ML programs op for op,
 * immediate values of every kind, neural networks, pipelines, other
 * model kinds, the model description; exact values from corpus models. */
#include "testutil.h"
#include "pbwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

/* ---- MIL protobuf by hand (field numbers: spec/protobuf.md §3) ---- */

enum { PB_FP16 = 10, PB_FP32 = 11, PB_FP64 = 12, PB_BOOL = 1, PB_STRING = 2, PB_INT32 = 23,
       PB_INT64 = 24, PB_UINT4 = 35 };

static PbBuf vt_tensor(int dt, int rank, const uint64_t *dims)
{
	PbBuf tt = { 0 }, vt = { 0 };
	pbw_uint(&tt, 1, (uint64_t)dt);
	if (rank)
		pbw_uint(&tt, 2, (uint64_t)(int64_t)rank);
	for (int i = 0; i < rank; i++) {
		PbBuf d = { 0 }, c = { 0 };
		pbw_uint(&c, 1, dims[i]);
		pbw_msg(&d, 1, &c);
		pbw_msg(&tt, 3, &d);
	}
	pbw_msg(&vt, 1, &tt);
	return vt;
}

/* Value{type, immediate{tensor{<field>{payload}}}} */
static PbBuf val_tensor(PbBuf vt, unsigned field, const PbBuf *payload)
{
	PbBuf v = { 0 }, iv = { 0 }, tv = { 0 }, rep = { 0 };
	pbw_raw(&rep, payload->p, payload->n);
	pbw_msg(&tv, field, &rep);
	pbw_msg(&iv, 1, &tv);
	pbw_msg(&v, 2, &vt);
	pbw_msg(&v, 3, &iv);
	return v;
}

static PbBuf val_bytes(int dt, int rank, const uint64_t *dims, const void *data, size_t n)
{
	PbBuf p = { 0 };
	pbw_bytes(&p, 1, data, n);
	PbBuf v = val_tensor(vt_tensor(dt, rank, dims), 7, &p);
	free(p.p);
	return v;
}

static PbBuf val_floats(int dt, int rank, const uint64_t *dims, const float *f, size_t n)
{
	PbBuf p = { 0 };
	pbw_bytes(&p, 1, f, n * sizeof *f);    /* packed float, little-endian host */
	PbBuf v = val_tensor(vt_tensor(dt, rank, dims), 1, &p);
	free(p.p);
	return v;
}

static PbBuf val_str(const char *s)
{
	PbBuf p = { 0 };
	pbw_str(&p, 1, s);
	PbBuf v = val_tensor(vt_tensor(PB_STRING, 0, NULL), 4, &p);
	free(p.p);
	return v;
}

static PbBuf val_blob(int dt, int rank, const uint64_t *dims, const char *file, uint64_t off)
{
	PbBuf v = { 0 }, b = { 0 }, vt = vt_tensor(dt, rank, dims);
	pbw_str(&b, 1, file);
	pbw_uint(&b, 2, off);
	pbw_msg(&v, 2, &vt);
	pbw_msg(&v, 5, &b);
	return v;
}

static void map_entry(PbBuf *b, unsigned field, const char *key, PbBuf *val)
{
	PbBuf e = { 0 };
	pbw_str(&e, 1, key);
	pbw_msg(&e, 2, val);
	pbw_msg(b, field, &e);
}

static void nvt(PbBuf *b, unsigned field, const char *name, PbBuf vt)
{
	PbBuf n = { 0 };
	pbw_str(&n, 1, name);
	pbw_msg(&n, 2, &vt);
	pbw_msg(b, field, &n);
}

/* const op: `out = const()[name = out, val = v]` */
static void op_const(PbBuf *blk, const char *out, PbBuf vt, PbBuf val)
{
	PbBuf op = { 0 }, nm = val_str(out);
	pbw_str(&op, 1, "const");
	nvt(&op, 3, out, vt);
	map_entry(&op, 5, "name", &nm);
	map_entry(&op, 5, "val", &val);
	pbw_msg(blk, 3, &op);
}

/* op with named inputs (each one variable) and one output */
static void op_call(PbBuf *blk, const char *type, const char *const *args, const char *const *vars,
                    int nargs, const char *out, PbBuf vt)
{
	PbBuf op = { 0 };
	pbw_str(&op, 1, type);
	for (int i = 0; i < nargs; i++) {
		PbBuf arg = { 0 }, bind = { 0 };
		pbw_str(&bind, 1, vars[i]);
		pbw_msg(&arg, 1, &bind);
		map_entry(&op, 2, args[i], &arg);
	}
	nvt(&op, 3, out, vt);
	pbw_msg(blk, 3, &op);
}

/* Model{spec 7, mlProgram{functions{main: inputs, opset, {opset: block}}}} */
static PbBuf program_model(PbBuf *block, const char *opset, const char *block_key, bool input)
{
	PbBuf fn = { 0 }, prog = { 0 }, model = { 0 }, desc = { 0 };
	static const uint64_t two[] = { 2 };
	if (input)
		nvt(&fn, 1, "x", vt_tensor(PB_FP16, 1, two));
	pbw_str(&fn, 2, opset);
	map_entry(&fn, 3, block_key, block);
	pbw_uint(&prog, 1, 1);
	map_entry(&prog, 2, "main", &fn);
	PbBuf bi = val_str("anelint-test");
	map_entry(&prog, 4, "buildInfo", &bi);
	pbw_uint(&model, 1, 7);
	pbw_msg(&model, 2, &desc);
	pbw_msg(&model, 502, &prog);
	return model;
}

static Module *load_bytes(const PbBuf *b, DiagList *dl)
{
	diag_init(dl);
	return fe_read_protobuf("hand.mlmodel", b->p, b->n, "/nonexistent", "mlmodel", dl);
}

/* The model read without an error (its bytes freed). */
static Module *load_ok(PbBuf *model, DiagList *dl)
{
	Module *m = load_bytes(model, dl);
	free(model->p);
	if (!m)
		diag_print_all(dl, stderr);
	assert_non_null(m);
	return m;
}

static const Op *find_op(const Func *f, const char *name)
{
	for (uint32_t i = 0; i < f->body->nops; i++)
		if (strcmp(ir_op_name(f, f->body->ops[i]), name) == 0)
			return f->body->ops[i];
	fail_msg("no op %s", name);
	return NULL;
}

static const Lit *const_val(const Func *f, const char *name)
{
	const Lit *l = ir_attr_find(find_op(f, name)->nattrs, find_op(f, name)->attrs, "val");
	assert_non_null(l);
	return l;
}

/* ---- tests ---- */

static void test_pb_reader_immediates(void **state)
{
	(void)state;
	static const uint64_t two[] = { 2 }, three[] = { 3 }, one[] = { 1 };
	PbBuf blk = { 0 };
	uint16_t h[2] = { 0x3c00, 0xc000 };                 /* 1.0, -2.0 */
	op_const(&blk, "c_fp16", vt_tensor(PB_FP16, 1, two), val_bytes(PB_FP16, 1, two, h, 4));
	uint8_t nib[2] = { 0x21, 0x0f };                    /* uint4 [1, 2, 15] LSB-first */
	op_const(&blk, "c_u4", vt_tensor(PB_UINT4, 1, three), val_bytes(PB_UINT4, 1, three, nib, 2));
	float f[2] = { 0.5f, 65504.0f };
	op_const(&blk, "c_f2h", vt_tensor(PB_FP16, 1, two), val_floats(PB_FP16, 1, two, f, 2));
	op_const(&blk, "c_f32", vt_tensor(PB_FP32, 1, two), val_floats(PB_FP32, 1, two, f, 2));
	op_const(&blk, "c_str", vt_tensor(PB_STRING, 0, NULL), val_str("same"));
	PbBuf ip = { 0 };
	pbw_varint(&ip, 0x0a);                              /* RepeatedInts{values: [7, -1]} */
	PbBuf packed = { 0 };
	pbw_varint(&packed, 7);
	pbw_varint(&packed, (uint64_t)-1);
	pbw_varint(&ip, packed.n);
	pbw_raw(&ip, packed.p, packed.n);
	free(packed.p);
	op_const(&blk, "c_i32", vt_tensor(PB_INT32, 1, two), val_tensor(vt_tensor(PB_INT32, 1, two), 2, &ip));
	free(ip.p);
	op_const(&blk, "c_blob", vt_tensor(PB_FP16, 1, one),
	         val_blob(PB_FP16, 1, one, "@model_path/weights/weight.bin", 64));
	static const char *const args[] = { "x", "y" }, *const vars[] = { "x", "c_fp16" };
	op_call(&blk, "add", args, vars, 2, "out", vt_tensor(PB_FP16, 1, two));
	pbw_str(&blk, 2, "out");
	PbBuf model = program_model(&blk, "CoreML6", "CoreML6", true);
	DiagList dl;
	Module *m = load_ok(&model, &dl);
	assert_int_equal(dl.nerrors, 0);
	assert_int_equal(m->syntax, MIL_SYNTAX_NEW);
	assert_string_equal(lit_as_string(ir_attr_find(m->nattrs, m->attrs, "buildInfo")),
	                    "anelint-test");
	Func *fn = m->funcs.v[0];
	assert_string_equal(fn->name, "main");
	assert_string_equal(fn->opset, "CoreML6");
	assert_int_equal(fn->body->nparams, 1);
	assert_int_equal(fn->body->nops, 8);
	const Lit *l = const_val(fn, "c_fp16");
	assert_int_equal(l->type->dt, DT_FP16);
	assert_true(lit_elem_f64(l, 1) == -2.0);
	l = const_val(fn, "c_u4");
	assert_int_equal(l->u.tensor.count, 3);
	assert_int_equal(lit_elem_i64(l, 0), 1);
	assert_int_equal(lit_elem_i64(l, 1), 2);
	assert_int_equal(lit_elem_i64(l, 2), 15);
	l = const_val(fn, "c_f2h");
	assert_true(lit_elem_f64(l, 0) == 0.5 && lit_elem_f64(l, 1) == 65504.0);
	l = const_val(fn, "c_f32");
	assert_int_equal(l->type->dt, DT_FP32);
	assert_true(lit_elem_f64(l, 1) == 65504.0);
	assert_string_equal(lit_as_string(const_val(fn, "c_str")), "same");
	l = const_val(fn, "c_i32");
	assert_int_equal(lit_elem_i64(l, 0), 7);
	assert_int_equal(lit_elem_i64(l, 1), -1);
	l = const_val(fn, "c_blob");
	assert_int_equal(l->kind, LIT_BLOB);
	assert_string_equal(l->u.blob.path, "@model_path/weights/weight.bin");
	assert_int_equal(l->u.blob.offset, 64);
	/* the add reads the parameter and the const by value id */
	const Op *add = find_op(fn, "out");
	assert_string_equal(add->kind, "add");
	const Operand *y = ir_op_operand(add, "y");
	assert_int_equal(y->b[0].kind, BIND_VALUE);
	assert_string_equal(ir_value(fn, y->b[0].value)->name, "c_fp16");
	assert_int_equal(add->loc.line, 0);
	assert_int_equal(add->loc.col, 7);
	assert_string_equal(add->loc.func, "main");
	assert_string_equal(ir_value(fn, fn->body->outs[0])->name, "out");
	/* a missing weight file is no error at load, only for a consumer */
	uint64_t n;
	assert_null(ir_blob_bytes(m, l, &n, &dl));
	assert_int_equal(dl.nerrors, 1);
	ir_module_free(m);
	diag_fini(&dl);
}

static void expect_pb_error(PbBuf *model, const char *code, const char *text)
{
	DiagList dl;
	Module *m = load_bytes(model, &dl);
	free(model->p);
	assert_null(m);
	tu_assert_first_error(&dl, code, text);
	diag_fini(&dl);
}

static void test_pb_reader_bad_programs(void **state)
{
	(void)state;
	static const uint64_t two[] = { 2 };
	float f3[3] = { 1, 2, 3 };
	/* immediate count vs type */
	PbBuf blk = { 0 };
	op_const(&blk, "c", vt_tensor(PB_FP32, 1, two), val_floats(PB_FP32, 1, two, f3, 3));
	PbBuf model = program_model(&blk, "CoreML6", "CoreML6", false);
	expect_pb_error(&model, FE_E_IMMEDIATE, "holds 3 values, its type fp32 needs 2");
	/* fp16 bytes of the wrong length */
	blk = (PbBuf){ 0 };
	op_const(&blk, "c", vt_tensor(PB_FP16, 1, two), val_bytes(PB_FP16, 1, two, f3, 3));
	model = program_model(&blk, "CoreML6", "CoreML6", false);
	expect_pb_error(&model, FE_E_IMMEDIATE, "holds 3 bytes, fp16 needs 4");
	/* a name that nothing defines */
	blk = (PbBuf){ 0 };
	static const char *const args[] = { "x" }, *const vars[] = { "ghost" };
	op_call(&blk, "relu", args, vars, 1, "out", vt_tensor(PB_FP16, 1, two));
	model = program_model(&blk, "CoreML6", "CoreML6", false);
	expect_pb_error(&model, FE_E_NAME, "names 'ghost', which is not defined");
	/* no block for the function's opset */
	blk = (PbBuf){ 0 };
	model = program_model(&blk, "CoreML7", "CoreML6", false);
	expect_pb_error(&model, FE_E_PROGRAM, "no block for its opset 'CoreML7'");
	/* unknown dtype */
	blk = (PbBuf){ 0 };
	op_const(&blk, "c", vt_tensor(99, 1, two), val_floats(PB_FP32, 1, two, f3, 2));
	model = program_model(&blk, "CoreML6", "CoreML6", false);
	expect_pb_error(&model, FE_E_VALUE_TYPE, "unknown data type 99");
	/* block output that is not defined */
	blk = (PbBuf){ 0 };
	pbw_str(&blk, 2, "nowhere");
	model = program_model(&blk, "CoreML6", "CoreML6", false);
	expect_pb_error(&model, FE_E_NAME, "block output 'nowhere' is not defined");
}

/* ---- composite types and values, and programs inside pipelines ---- */

/* ValueType{<which>: body} for the composite types (2 list, 3 tuple,
 * 4 dictionary, 5 state) */
static PbBuf vt_composite(unsigned which, PbBuf *body)
{
	PbBuf vt = { 0 };
	pbw_msg(&vt, which, body);
	return vt;
}

static PbBuf vt_list(PbBuf elem, bool with_length, uint64_t length)
{
	PbBuf lt = { 0 };
	pbw_msg(&lt, 1, &elem);
	if (with_length) {
		PbBuf d = { 0 }, c = { 0 };
		pbw_uint(&c, 1, length);
		pbw_msg(&d, 1, &c);
		pbw_msg(&lt, 2, &d);
	}
	return vt_composite(2, &lt);
}

static PbBuf vt_pair(unsigned which, PbBuf a, PbBuf *b)
{
	PbBuf m = { 0 };
	pbw_msg(&m, 1, &a);
	if (b)
		pbw_msg(&m, 2, b);
	return vt_composite(which, &m);
}

/* Value{type, immediate{<kind>: {values...}}} with kind 2 tuple, 3 list,
 * 4 dictionary; items are whole Values (dictionary: KeyValuePairs). */
static PbBuf val_seq(PbBuf vt, unsigned kind, PbBuf *items, int n)
{
	PbBuf v = { 0 }, iv = { 0 }, seq = { 0 };
	for (int i = 0; i < n; i++)
		pbw_msg(&seq, 1, &items[i]);
	pbw_msg(&iv, kind, &seq);
	pbw_msg(&v, 2, &vt);
	pbw_msg(&v, 3, &iv);
	return v;
}

static PbBuf key_value(PbBuf *k, PbBuf *v)
{
	PbBuf kv = { 0 };
	if (k)
		pbw_msg(&kv, 1, k);
	if (v)
		pbw_msg(&kv, 2, v);
	return kv;
}

static PbBuf val_i32(int32_t x)
{
	PbBuf ip = { 0 }, packed = { 0 };
	pbw_varint(&packed, (uint64_t)(int64_t)x);
	pbw_bytes(&ip, 1, packed.p, packed.n);
	free(packed.p);
	PbBuf v = val_tensor(vt_tensor(PB_INT32, 0, NULL), 2, &ip);
	free(ip.p);
	return v;
}

static void test_pb_reader_composite_types(void **state)
{
	(void)state;
	static const uint64_t two[] = { 2 };
	float f[2] = { 0.5f, 2.0f };
	PbBuf blk = { 0 };
	/* tuple<int32, fp32[2]> = (7, [0.5, 2]) */
	PbBuf tt = { 0 }, e1 = vt_tensor(PB_INT32, 0, NULL), e2 = vt_tensor(PB_FP32, 1, two);
	pbw_msg(&tt, 1, &e1);
	pbw_msg(&tt, 1, &e2);
	PbBuf tvt = vt_composite(3, &tt);
	PbBuf items[2] = { val_i32(7), val_floats(PB_FP32, 1, two, f, 2) };
	PbBuf tt2 = { 0 }, e3 = vt_tensor(PB_INT32, 0, NULL), e4 = vt_tensor(PB_FP32, 1, two);
	pbw_msg(&tt2, 1, &e3);
	pbw_msg(&tt2, 1, &e4);
	op_const(&blk, "c_tuple", tvt, val_seq(vt_composite(3, &tt2), 2, items, 2));
	/* dict<int32, int32> = {1: 10, 2: 20} */
	PbBuf dv = vt_tensor(PB_INT32, 0, NULL);
	PbBuf dvt = vt_pair(4, vt_tensor(PB_INT32, 0, NULL), &dv);
	PbBuf dv2 = vt_tensor(PB_INT32, 0, NULL);
	PbBuf k1 = val_i32(1), v1 = val_i32(10), k2 = val_i32(2), v2 = val_i32(20);
	PbBuf pairs[2] = { key_value(&k1, &v1), key_value(&k2, &v2) };
	op_const(&blk, "c_dict", dvt, val_seq(vt_pair(4, vt_tensor(PB_INT32, 0, NULL), &dv2), 4,
	                                      pairs, 2));
	/* list<fp32[2], 3> and list<int32, ?> as op outputs */
	static const char *const args[] = { "x" }, *const vars[] = { "x" };
	op_call(&blk, "make_list", args, vars, 1, "l3", vt_list(vt_tensor(PB_FP32, 1, two), true, 3));
	op_call(&blk, "make_list", args, vars, 1, "lq", vt_list(vt_tensor(PB_INT32, 0, NULL), false, 0));
	/* state<fp16[2]> */
	op_call(&blk, "make_state", args, vars, 1, "st",
	        vt_pair(5, vt_tensor(PB_FP16, 1, two), NULL));
	pbw_str(&blk, 2, "l3");
	PbBuf model = program_model(&blk, "CoreML6", "CoreML6", true);
	DiagList dl;
	Module *m = load_ok(&model, &dl);
	Func *fn = m->funcs.v[0];
	const Lit *l = const_val(fn, "c_tuple");
	assert_int_equal(l->kind, LIT_TUPLE);
	assert_int_equal(l->type->kind, TY_TUPLE);
	assert_int_equal(l->type->nelems, 2);
	assert_int_equal(l->type->elems[1]->dt, DT_FP32);
	assert_int_equal(l->u.seq.n, 2);
	assert_int_equal(lit_elem_i64(l->u.seq.items[0], 0), 7);
	assert_true(lit_elem_f64(l->u.seq.items[1], 1) == 2.0);
	l = const_val(fn, "c_dict");
	assert_int_equal(l->kind, LIT_DICT);
	assert_int_equal(l->type->key->dt, DT_INT32);
	assert_int_equal(l->u.seq.n, 2);                /* pairs */
	assert_int_equal(lit_elem_i64(l->u.seq.items[2], 0), 2);
	assert_int_equal(lit_elem_i64(l->u.seq.items[3], 0), 20);
	const Type *t = ir_value(fn, find_op(fn, "l3")->outs[0])->type;
	assert_int_equal(t->kind, TY_LIST);
	assert_int_equal(t->elem->rank, 1);
	assert_true(t->len.kind == DIM_CONST && t->len.size == 3);
	t = ir_value(fn, find_op(fn, "lq")->outs[0])->type;
	assert_int_equal(t->kind, TY_LIST);
	assert_int_equal(t->len.kind, DIM_UNKNOWN);
	t = ir_value(fn, find_op(fn, "st")->outs[0])->type;
	assert_int_equal(t->kind, TY_STATE);
	assert_int_equal(t->elem->dt, DT_FP16);
	ir_module_free(m);
	diag_fini(&dl);

	/* a dictionary pair without its key; a list type without its element */
	blk = (PbBuf){ 0 };
	PbBuf dv3 = vt_tensor(PB_INT32, 0, NULL), dv4 = vt_tensor(PB_INT32, 0, NULL);
	PbBuf v3 = val_i32(10);
	PbBuf half[1] = { key_value(NULL, &v3) };
	op_const(&blk, "c", vt_pair(4, vt_tensor(PB_INT32, 0, NULL), &dv3),
	         val_seq(vt_pair(4, vt_tensor(PB_INT32, 0, NULL), &dv4), 4, half, 1));
	model = program_model(&blk, "CoreML6", "CoreML6", false);
	expect_pb_error(&model, FE_E_IMMEDIATE, "missing value");
	blk = (PbBuf){ 0 };
	PbBuf empty_list = { 0 };
	pbw_uint(&empty_list, 3, 1);    /* an unknown field only */
	op_call(&blk, "make_list", args, vars, 1, "l", vt_composite(2, &empty_list));
	model = program_model(&blk, "CoreML6", "CoreML6", true);
	expect_pb_error(&model, FE_E_VALUE_TYPE, "value has no type");
}

/* Model{pipeline{models: [a, b], names: [...]}} of ML programs: each read
 * by the same reader as a top-level program, its functions named after the
 * part (and the function, when the part has several). */
static void test_pb_reader_pipeline_programs(void **state)
{
	(void)state;
	static const uint64_t two[] = { 2 };
	static const char *const args[] = { "x" }, *const vars[] = { "x" };
	PbBuf blk = { 0 };
	op_call(&blk, "relu", args, vars, 1, "y", vt_tensor(PB_FP16, 1, two));
	pbw_str(&blk, 2, "y");
	PbBuf a = program_model(&blk, "CoreML6", "CoreML6", true);
	PbBuf fn2 = { 0 }, blk2 = { 0 };
	op_call(&blk2, "sigmoid", args, vars, 1, "z", vt_tensor(PB_FP16, 1, two));
	pbw_str(&blk2, 2, "z");
	nvt(&fn2, 1, "x", vt_tensor(PB_FP16, 1, two));
	pbw_str(&fn2, 2, "CoreML6");
	map_entry(&fn2, 3, "CoreML6", &blk2);
	/* b: Model{program{main: tanh, second: sigmoid}} */
	PbBuf fn1 = { 0 }, prog = { 0 }, desc = { 0 }, blk3 = { 0 };
	op_call(&blk3, "tanh", args, vars, 1, "w", vt_tensor(PB_FP16, 1, two));
	pbw_str(&blk3, 2, "w");
	nvt(&fn1, 1, "x", vt_tensor(PB_FP16, 1, two));
	pbw_str(&fn1, 2, "CoreML6");
	map_entry(&fn1, 3, "CoreML6", &blk3);
	pbw_uint(&prog, 1, 1);
	map_entry(&prog, 2, "main", &fn1);
	map_entry(&prog, 2, "second", &fn2);
	PbBuf b = { 0 };
	pbw_uint(&b, 1, 7);
	pbw_msg(&b, 2, &desc);
	pbw_msg(&b, 502, &prog);
	PbBuf pipe = { 0 }, model = { 0 };
	pbw_msg(&pipe, 1, &a);
	pbw_msg(&pipe, 1, &b);
	pbw_str(&pipe, 2, "enc");
	pbw_str(&pipe, 2, "dec");
	pbw_uint(&model, 1, 7);
	pbw_msg(&model, 202, &pipe);
	DiagList dl;
	Module *m = load_ok(&model, &dl);
	assert_string_equal(m->desc->kind, "pipeline");
	assert_string_equal(m->desc->submodels[1].kind, "mlProgram");
	assert_int_equal(m->funcs.n, 3);
	assert_string_equal(m->funcs.v[0]->name, "enc");
	assert_string_equal(m->funcs.v[1]->name, "dec_main");
	assert_string_equal(m->funcs.v[2]->name, "dec_second");
	assert_string_equal(m->funcs.v[0]->body->ops[0]->kind, "relu");
	assert_string_equal(m->funcs.v[1]->body->ops[0]->kind, "tanh");
	assert_string_equal(m->funcs.v[2]->body->ops[0]->kind, "sigmoid");
	/* the part's description names its one function */
	assert_string_equal(m->desc->submodels[0].desc->funcs[0].name, "main");
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_pb_reader_deep_nesting(void **state)
{
	(void)state;
	/* pipelines inside pipelines, 300 deep: refused before unpacking */
	PbBuf inner = { 0 }, id = { 0 };
	pbw_uint(&inner, 1, 1);
	pbw_msg(&inner, 900, &id);
	for (int i = 0; i < 300; i++) {
		PbBuf pipe = { 0 }, outer = { 0 };
		pbw_msg(&pipe, 1, &inner);
		pbw_uint(&outer, 1, 1);
		pbw_msg(&outer, 202, &pipe);
		inner = outer;
	}
	expect_pb_error(&inner, FE_E_PROTOBUF, "nests messages deeper");
}

/* ---- corpus spot checks ---- */

static Module *load_corpus(const char *rel, DiagList *dl)
{
	if (!tu_shared_dir())
		return NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/corpus/%s", tu_shared_dir(), rel);
	return tu_load_ok(path, dl);
}

static void done(Module *m, DiagList *dl)
{
	ir_module_free(m);
	diag_fini(dl);
}

static uint32_t total_ops(const Module *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->funcs.n; i++)
		n += m->funcs.v[i]->nops;
	return n;
}

static void test_pb_reader_corpus_programs(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	DiagList dl;
	/* op counts agree with protoc --decode ("operations {" blocks) */
	Module *m = load_corpus("converted/resnet18_ios16_fp32/resnet18_ios16_fp32.mlpackage", &dl);
	assert_int_equal(m->funcs.n, 1);
	assert_string_equal(m->funcs.v[0]->opset, "CoreML6");
	assert_int_equal(total_ops(m), 187);
	assert_int_equal(m->desc->spec_version, 7);
	assert_string_equal(m->desc->kind, "mlProgram");
	assert_non_null(ir_attr_find(m->nattrs, m->attrs, "buildInfo"));
	done(m, &dl);

	m = load_corpus("converted/control_flow_ios17/control_flow_ios17.mlpackage", &dl);
	assert_int_equal(total_ops(m), 43);
	bool nested = false;
	for (uint32_t i = 0; i < m->funcs.v[0]->body->nops; i++)
		nested |= m->funcs.v[0]->body->ops[i]->nblocks > 0;
	assert_true(nested);
	done(m, &dl);

	m = load_corpus("converted/multifunction_ios18/multifunction_ios18.mlpackage", &dl);
	assert_int_equal(m->funcs.n, 2);
	assert_non_null(ir_module_find_func(m, "small"));
	assert_non_null(ir_module_find_func(m, "large"));
	assert_string_equal(ir_module_find_func(m, "small")->opset, "CoreML8");
	assert_int_equal(total_ops(m), 42);
	assert_int_equal(m->desc->nfuncs, 2);
	assert_string_equal(m->desc->default_func, "small");
	assert_string_equal(model_desc_func(m->desc, NULL)->name, "small");
	done(m, &dl);

	m = load_corpus("converted/flexible_rangedim_ios16/flexible_rangedim_ios16.mlpackage", &dl);
	assert_int_equal(total_ops(m), 21);
	const FeatureDesc *x = &m->desc->funcs[0].inputs[0];
	assert_string_equal(x->name, "x");
	assert_int_equal(x->kind, FEAT_MULTIARRAY);
	assert_int_equal(x->dtype, DT_FP16);
	assert_int_equal(x->shape.rank, 4);
	assert_int_equal(x->shape.dims[2], 64);
	assert_int_equal(x->flex, FLEX_RANGE);
	assert_int_equal(x->nranges, 4);
	assert_int_equal(x->ranges[1].lower, 3);
	assert_int_equal(x->ranges[2].lower, 32);
	assert_int_equal(x->ranges[2].upper, 512);
	assert_int_equal(m->desc->funcs[0].outputs[0].shape.rank, 0);
	assert_int_equal(m->desc->meta.nuser, 4);
	done(m, &dl);

	m = load_corpus("converted/stateful_kvcache_ios18/stateful_kvcache_ios18.mlpackage", &dl);
	assert_int_equal(total_ops(m), 69);
	const FuncDesc *fd = &m->desc->funcs[0];
	assert_int_equal(fd->nstates, 2);
	assert_string_equal(fd->states[0].name, "k_cache");
	assert_int_equal(fd->states[0].kind, FEAT_STATE);
	assert_int_equal(fd->states[0].dtype, DT_FP16);
	assert_int_equal(fd->states[0].shape.dims[1], 32);
	bool state_param = false;
	Func *f = m->funcs.v[0];
	for (uint32_t i = 0; i < f->body->nparams; i++)
		state_param |= ir_value(f, f->body->params[i])->type->kind == TY_STATE;
	assert_true(state_param);
	done(m, &dl);
}

static void test_pb_reader_corpus_neural_networks(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	DiagList dl;
	Module *m = load_corpus("converted/squeezenet1_1_nn_ios14/squeezenet1_1_nn_ios14.mlpackage", &dl);
	assert_string_equal(m->desc->kind, "neuralNetwork");
	Func *f = m->funcs.v[0];
	const Op *conv = f->body->ops[0];
	assert_string_equal(conv->kind, "conv");
	const Operand *w = ir_op_operand(conv, "weight");
	assert_non_null(w);
	assert_int_equal(w->b[0].kind, BIND_LIT);
	const Type *wt = w->b[0].lit->type;
	assert_int_equal(wt->dt, DT_FP32);
	assert_int_equal(wt->rank, 4);
	assert_int_equal(wt->dims[0].size, 64);
	assert_int_equal(wt->dims[1].size, 3);
	assert_int_equal(wt->dims[2].size, 3);
	assert_non_null(ir_op_operand(conv, "strides"));
	assert_non_null(ir_op_operand(conv, "pad_type"));
	done(m, &dl);

	m = load_corpus("converted/lstm_2layer_nn/lstm_2layer_nn.mlpackage", &dl);
	uint32_t lstms = 0;
	f = m->funcs.v[0];
	for (uint32_t i = 0; i < f->body->nops; i++)
		lstms += strcmp(f->body->ops[i]->kind, "lstm") == 0;
	assert_true(lstms >= 1);
	done(m, &dl);
}

static void test_pb_reader_corpus_pipelines(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	DiagList dl;
	Module *m = load_corpus("public/yolov8n_pipeline/yolov8n.mlpackage", &dl);
	assert_string_equal(m->desc->kind, "pipeline");
	assert_int_equal(m->desc->nsubmodels, 2);
	assert_string_equal(m->desc->submodels[0].kind, "mlProgram");
	assert_string_equal(m->desc->submodels[1].kind, "nonMaximumSuppression");
	assert_int_equal(m->funcs.n, 2);
	Func *nms = m->funcs.v[1];
	assert_string_equal(nms->body->ops[0]->kind, "model.nonMaximumSuppression");
	/* wired by name: the NMS inputs are the program's outputs */
	Func *prog = m->funcs.v[0];
	assert_string_equal(ir_value(nms, nms->body->params[0])->name,
	                    ir_value(prog, prog->body->outs[0])->name);
	const FeatureDesc *conf = NULL;
	for (uint32_t i = 0; i < m->desc->funcs[0].noutputs; i++)
		if (strcmp(m->desc->funcs[0].outputs[i].name, "confidence") == 0)
			conf = &m->desc->funcs[0].outputs[i];
	assert_non_null(conf);
	assert_int_equal(conf->flex, FLEX_RANGE);
	assert_int_equal(conf->ranges[0].lower, 0);
	assert_int_equal(conf->ranges[0].upper, -1);
	done(m, &dl);

	m = load_corpus("public/createml_image_classifier/ImageClassifier.mlmodel", &dl);
	assert_string_equal(m->desc->kind, "pipelineClassifier");
	assert_string_equal(m->desc->submodels[0].kind, "visionFeaturePrint");
	assert_string_equal(m->desc->submodels[1].kind, "glmClassifier");
	const FeatureDesc *img = &m->desc->funcs[0].inputs[0];
	assert_int_equal(img->kind, FEAT_IMAGE);
	assert_true(img->width > 0 && img->height > 0);
	assert_string_equal(m->funcs.v[1]->body->ops[0]->kind, "model.glmClassifier");
	done(m, &dl);

	m = load_corpus("public/createml_text_classification/TextClassification.mlmodel", &dl);
	assert_string_equal(m->desc->kind, "textClassifier");
	assert_string_equal(m->funcs.v[0]->body->ops[0]->kind, "model.textClassifier");
	done(m, &dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_reader_immediates),
		cmocka_unit_test(test_pb_reader_bad_programs),
		cmocka_unit_test(test_pb_reader_composite_types),
		cmocka_unit_test(test_pb_reader_pipeline_programs),
		cmocka_unit_test(test_pb_reader_deep_nesting),
		cmocka_unit_test(test_pb_reader_corpus_programs),
		cmocka_unit_test(test_pb_reader_corpus_neural_networks),
		cmocka_unit_test(test_pb_reader_corpus_pipelines),
	};
	return cmocka_run_group_tests_name("pb_reader", tests, NULL, NULL);
}
