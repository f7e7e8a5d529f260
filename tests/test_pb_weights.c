/* test_pb_weights.c - neural-network weights are left in the model's
 * bytes (pb_reader.c elide_msg, pbr_weight): the values read are the
 * values written, whether the bytes are kept (fe_read_protobuf_kept:
 * literals point into them, at any alignment) or borrowed (copies); and
 * what the rewrite leaves to protobuf-c (a payload given twice, a message
 * given twice, a stray mark field, malformed bytes) reads as before. */
#include "testutil.h"
#include "pbwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

enum { ARRAY_FP32 = 65568, WEIGHT_MARK = 0x1fffffff };

static void feature(PbBuf *desc, unsigned field, const char *name)
{
	PbBuf fd = { 0 }, ft = { 0 }, at = { 0 };
	pbw_uint(&at, 2, ARRAY_FP32);
	pbw_msg(&ft, 5, &at);
	pbw_str(&fd, 1, name);
	pbw_msg(&fd, 3, &ft);
	pbw_msg(desc, field, &fd);
}

/* WeightParams{floatValue: f[0..n)} */
static PbBuf weights_f32(const float *f, size_t n)
{
	PbBuf w = { 0 };
	pbw_bytes(&w, 1, f, n * sizeof *f);
	return w;
}

/* Model{spec 4, description{x -> y}, neuralNetwork{layers{"fc": innerProduct
 * 3 -> 2, weights, bias}}}; `params` is the innerProduct message's bytes
 * (given whole, so that tests can repeat or split it). */
static PbBuf nn_model(const PbBuf *params, int copies)
{
	PbBuf desc = { 0 }, layer = { 0 }, net = { 0 }, model = { 0 };
	feature(&desc, 1, "x");
	feature(&desc, 10, "y");
	pbw_str(&layer, 1, "fc");
	pbw_str(&layer, 2, "x");
	pbw_str(&layer, 3, "y");
	for (int i = 0; i < copies; i++)
		pbw_bytes(&layer, 140, params[i].p, params[i].n);
	pbw_msg(&net, 1, &layer);
	pbw_uint(&model, 1, 4);
	pbw_msg(&model, 2, &desc);
	pbw_msg(&model, 500, &net);
	return model;
}

static const float W[6] = { 1.5f, -2.0f, 3.25f, 1e-3f, -0.0f, 65504.0f };
static const uint16_t B16[2] = { 0x3c00, 0xc000 };      /* 1.0, -2.0 in fp16 */

/* innerProduct{in 3, out 2, hasBias, weights w, bias b} (both taken) */
static PbBuf fc_params_with(PbBuf w, PbBuf b)
{
	PbBuf p = { 0 };
	pbw_uint(&p, 1, 3);
	pbw_uint(&p, 2, 2);
	pbw_uint(&p, 10, 1);
	pbw_msg(&p, 20, &w);
	pbw_msg(&p, 21, &b);
	return p;
}

/* The bias B16 as fp16. */
static PbBuf bias_f16(void)
{
	PbBuf b = { 0 };
	pbw_bytes(&b, 2, B16, sizeof B16);
	return b;
}

/* innerProduct{in 3, out 2, hasBias, weights W (fp32), bias B16 (fp16)} */
static PbBuf fc_params(void)
{
	return fc_params_with(weights_f32(W, 6), bias_f16());
}

static const Lit *operand_lit(const Module *m, const char *name)
{
	const Func *f = m->funcs.v[0];
	assert_int_equal(f->body->nops, 1);
	const Operand *o = ir_op_operand(f->body->ops[0], name);
	assert_non_null(o);
	assert_int_equal(o->b[0].kind, BIND_LIT);
	return o->b[0].lit;
}

static void expect_fc(const Module *m, const float *w, size_t nw)
{
	assert_non_null(m);
	const Lit *lw = operand_lit(m, "weight");
	assert_int_equal(lw->type->dt, DT_FP32);
	assert_int_equal(lw->u.tensor.count, (int64_t)nw);
	for (size_t i = 0; i < nw; i++)
		assert_true(lit_elem_f64(lw, (int64_t)i) == (double)w[i]);
	const Lit *lb = operand_lit(m, "bias");
	assert_int_equal(lb->type->dt, DT_FP16);
	assert_true(lit_elem_f64(lb, 0) == 1.0);
	assert_true(lit_elem_f64(lb, 1) == -2.0);
}

static Module *read_borrowed(const PbBuf *b, DiagList *dl)
{
	diag_init(dl);
	return fe_read_protobuf("w.mlmodel", b->p, b->n, NULL, "mlmodel", dl);
}

static int released;

static void count_release(void *ctx)
{
	free(ctx);
	released++;
}

static void test_pb_weights_kept_and_borrowed(void **state)
{
	(void)state;
	PbBuf params = fc_params();
	PbBuf model = nn_model(&params, 1);
	DiagList dl;
	Module *m = read_borrowed(&model, &dl);
	expect_fc(m, W, 6);
	/* borrowed bytes: the literals are copies */
	const Lit *lw = operand_lit(m, "weight");
	const uint8_t *d = lw->u.tensor.data;
	assert_true(d + 24 <= model.p || d >= model.p + model.n);
	ir_module_free(m);
	diag_fini(&dl);

	/* kept bytes, at an odd address: the literals point into them */
	for (size_t shift = 0; shift < 4; shift++) {
		uint8_t *buf = malloc(model.n + shift);
		memcpy(buf + shift, model.p, model.n);
		diag_init(&dl);
		released = 0;
		m = fe_read_protobuf_kept("w.mlmodel", buf + shift, model.n, NULL, "mlmodel", &dl,
		                          count_release, buf);
		expect_fc(m, W, 6);
		d = operand_lit(m, "weight")->u.tensor.data;
		assert_true(d >= buf + shift && d + 24 <= buf + shift + model.n);
		assert_int_equal(released, 0);
		ir_module_free(m);
		assert_int_equal(released, 1);
		diag_fini(&dl);
	}
	free(params.p);
	free(model.p);
}

static void test_pb_weights_left_to_protobuf_c(void **state)
{
	(void)state;
	DiagList dl;
	/* floatValue in two packed runs: protobuf-c joins them */
	PbBuf w = { 0 };
	pbw_bytes(&w, 1, W, 2 * sizeof *W);
	pbw_bytes(&w, 1, W + 2, 4 * sizeof *W);
	PbBuf p = fc_params_with(w, bias_f16());
	PbBuf model = nn_model(&p, 1);
	Module *m = read_borrowed(&model, &dl);
	expect_fc(m, W, 6);
	ir_module_free(m);
	diag_fini(&dl);
	free(model.p);
	free(p.p);

	/* the innerProduct message given twice (protobuf-c replaces or merges;
	 * the second sets every field, so either way it is the one read) */
	PbBuf two[2] = { { 0 }, fc_params() };
	pbw_uint(&two[0], 1, 7);
	pbw_uint(&two[0], 2, 9);
	model = nn_model(two, 2);
	m = read_borrowed(&model, &dl);
	expect_fc(m, W, 6);
	ir_module_free(m);
	diag_fini(&dl);
	free(model.p);
	free(two[0].p);
	free(two[1].p);

	/* a field numbered like the reader's mark inside the weights: ignored */
	w = weights_f32(W, 6);
	pbw_uint(&w, WEIGHT_MARK, 0);
	PbBuf b = { 0 };
	pbw_uint(&b, WEIGHT_MARK, 7);
	pbw_bytes(&b, 2, B16, sizeof B16);
	p = fc_params_with(w, b);
	model = nn_model(&p, 1);
	m = read_borrowed(&model, &dl);
	expect_fc(m, W, 6);
	ir_module_free(m);
	diag_fini(&dl);
	free(p.p);

	/* truncated: the plain unpack's message */
	model.n -= 3;
	m = read_borrowed(&model, &dl);
	assert_null(m);
	assert_int_equal(dl.nerrors, 1);
	assert_string_equal(dl.d.v[0].code, FE_E_PROTOBUF);
	assert_non_null(strstr(dl.d.v[0].msg, "does not decode"));
	diag_fini(&dl);
	free(model.p);

	/* weights of the wrong size: the reader's own message */
	p = (PbBuf){ 0 };
	w = weights_f32(W, 5);
	pbw_uint(&p, 1, 3);
	pbw_uint(&p, 2, 2);
	pbw_msg(&p, 20, &w);
	model = nn_model(&p, 1);
	m = read_borrowed(&model, &dl);
	assert_null(m);
	assert_string_equal(dl.d.v[0].code, FE_E_IMMEDIATE);
	assert_non_null(strstr(dl.d.v[0].msg, "holds 5 values, its shape needs 6"));
	diag_fini(&dl);
	free(model.p);
	free(p.p);
}

/* The corpus's neural networks read the same from a file (kept, mapped)
 * as from bytes in memory (borrowed): every literal equal. */
static void test_pb_weights_corpus_same_both_ways(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	static const char *const models[] = {
		"converted/squeezenet1_1_nn_ios14/squeezenet1_1_nn_ios14.mlpackage",
		"converted/lstm_2layer_nn/lstm_2layer_nn.mlpackage",
		"converted/flexible_rangedim_nn/flexible_rangedim_nn.mlpackage",
	};
	for (size_t k = 0; k < sizeof models / sizeof *models; k++) {
		char path[4096], mlmodel[4200];
		snprintf(path, sizeof path, "%s/corpus/%s", tu_shared_dir(), models[k]);
		snprintf(mlmodel, sizeof mlmodel, "%s/Data/com.apple.CoreML/model.mlmodel", path);
		DiagList da, db;
		diag_init(&da);
		Module *a = fe_load(path, &da);
		size_t n;
		char *bytes = tu_read_file(mlmodel, &n);
		assert_non_null(bytes);
		Module *b = read_borrowed(&(PbBuf){ (uint8_t *)bytes, n, n }, &db);
		free(bytes);
		assert_non_null(a);
		assert_non_null(b);
		uint64_t values = 0;
		for (uint32_t fi = 0; fi < a->funcs.n; fi++) {
			const Func *fa = a->funcs.v[fi], *fb = b->funcs.v[fi];
			assert_int_equal(fa->body->nops, fb->body->nops);
			for (uint32_t i = 0; i < fa->body->nops; i++) {
				const Op *oa = fa->body->ops[i], *ob = fb->body->ops[i];
				assert_int_equal(oa->nargs, ob->nargs);
				for (uint32_t j = 0; j < oa->nargs; j++) {
					const Binding *ba = oa->args[j].b, *bb = ob->args[j].b;
					if (oa->args[j].n != 1 || ba->kind != BIND_LIT ||
					    ba->lit->kind != LIT_TENSOR || ba->lit->type->dt == DT_STRING)
						continue;
					assert_int_equal(ba->lit->u.tensor.count, bb->lit->u.tensor.count);
					for (int64_t e = 0; e < ba->lit->u.tensor.count; e++)
						assert_true(lit_elem_f64(ba->lit, e) == lit_elem_f64(bb->lit, e) ||
						            (lit_elem_f64(ba->lit, e) != lit_elem_f64(ba->lit, e)));
					values += (uint64_t)ba->lit->u.tensor.count;
				}
			}
		}
		assert_true(values > 1000);
		ir_module_free(a);
		ir_module_free(b);
		diag_fini(&da);
		diag_fini(&db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_weights_kept_and_borrowed),
		cmocka_unit_test(test_pb_weights_left_to_protobuf_c),
		cmocka_unit_test(test_pb_weights_corpus_same_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
