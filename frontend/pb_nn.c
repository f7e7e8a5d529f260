/*
 * pb_nn.c - legacy neural networks (NeuralNetwork, its classifier and
 * regressor) -> IR, layer by layer.
 *
 * The layers go through the layer table (pb_nn_layers.c), each built as
 * one or a few MIL ops (pb_nn_build.c); this file adds the image
 * preprocessing before them and the classifier's outputs after them.
 * Facts: spec/protobuf-neuralnetwork.md, nn-layers.md.
 */
#include "frontend/pb_nn_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Image preprocessing: scale then per-channel bias, or mean subtraction,
 * applied to the input before the first layer (nn-layers.md §4). */
static void nn_preprocess(Rd *r, Func *f, OpList *ol, size_t n,
                          SPEC(NeuralNetworkPreprocessing) *const *pp, const FuncDesc *fd)
{
	for (size_t i = 0; i < n; i++) {
		const char *in = pp[i]->featurename;
		ValueId x = nt_lookup(&r->syms, in);
		if (x == VALUE_NONE && fd && fd->ninputs == 1)
			in = fd->inputs[0].name, x = nt_lookup(&r->syms, in);
		if (x == VALUE_NONE)
			continue;
		PbLayer fake = SPECC(NEURAL_NETWORK_LAYER__INIT);
		fake.name = (char *)arena_printf(r->a, "%s_preprocess", in);
		Nn nn = { r, f, f->body, ol, &fake, { .file = r->file, .func = f->name }, 0 };
		OpBuild ob;
		if (pp[i]->preprocessor_case == SPECC(NEURAL_NETWORK_PREPROCESSING__PREPROCESSOR_SCALER)) {
			const SPEC(NeuralNetworkImageScaler) *s = pp[i]->scaler;
			const Type *t = ir_value(f, x)->type;
			bool gray = t->kind == TY_TENSOR && t->rank >= 3 && t->dims[t->rank - 3].kind == DIM_CONST
			            && t->dims[t->rank - 3].size == 1;
			float bias[3] = { s->redbias, s->greenbias, s->bluebias };
			nn_start(&nn, &ob, "mul");
			ob_value(&ob, "x", x);
			nn_f32(&nn, &ob, "y", s->channelscale);
			ValueId y = nn_step(&nn, &ob, "scaled");
			nn_start(&nn, &ob, "add");
			ob_value(&ob, "x", y);
			if (gray) {
				nn_f32(&nn, &ob, "y", s->graybias);
			} else {
				Dim d[3] = { dim_const(3), dim_const(1), dim_const(1) };
				float *p = arena_array(r->a, 3, sizeof *p);
				memcpy(p, bias, sizeof bias);
				ob_lit(&ob, "y", fe_lit_tensor(r->m, type_tensor(r->m->types, DT_FP32, 3, d), 3, p));
			}
			x = nn_step(&nn, &ob, "biased");
		} else if (pp[i]->preprocessor_case ==
		           SPECC(NEURAL_NETWORK_PREPROCESSING__PREPROCESSOR_MEAN_IMAGE)) {
			const SPEC(NeuralNetworkMeanImage) *mi = pp[i]->meanimage;
			nn_start(&nn, &ob, "sub");
			ob_value(&ob, "x", x);
			ob_lit(&ob, "y", fe_lit_vec_f32(r->m, (uint32_t)mi->n_meanimage, mi->meanimage));
			x = nn_step(&nn, &ob, "centered");
		} else {
			continue;
		}
		nt_define(&r->syms, in, x);
	}
}

/* The classifier's final step: labels and scores from the probabilities. */
static void nn_classify(Rd *r, Func *f, OpList *ol, const SPEC(NeuralNetworkClassifier) *nc,
                        const FuncDesc *fd, ValueId last)
{
	if (!fd || !fd->predicted_feature || nt_lookup(&r->syms, fd->predicted_feature) != VALUE_NONE)
		return;
	ValueId probs = nc->labelprobabilitylayername[0]
	                ? nt_lookup(&r->syms, nc->labelprobabilitylayername) : last;
	if (probs == VALUE_NONE)
		return;
	const Lit *classes;
	if (nc->class_labels_case == SPECC(NEURAL_NETWORK_CLASSIFIER__CLASS_LABELS_STRING_CLASS_LABELS))
		classes = fe_lit_vec_str(r->m, (uint32_t)nc->stringclasslabels->n_vector,
		                      (const char *const *)nc->stringclasslabels->vector);
	else if (nc->class_labels_case == SPECC(NEURAL_NETWORK_CLASSIFIER__CLASS_LABELS_INT64_CLASS_LABELS))
		classes = fe_lit_vec_i64(r->m, (uint32_t)nc->int64classlabels->n_vector,
		                      nc->int64classlabels->vector);
	else
		return;
	PbLayer fake = SPECC(NEURAL_NETWORK_LAYER__INIT);
	fake.name = "classify";
	Nn nn = { r, f, f->body, ol, &fake, { .file = r->file, .func = f->name }, 0 };
	OpBuild ob;
	nn_start(&nn, &ob, "classify");
	ob_value(&ob, "probabilities", probs);
	ob_lit(&ob, "classes", classes);
	const char *names[2] = { fd->predicted_feature, fd->predicted_probs };
	for (int k = 0; k < 2; k++) {
		if (!names[k])
			continue;
		const FeatureDesc *out = NULL;
		for (uint32_t i = 0; i < fd->noutputs; i++)
			if (strcmp(fd->outputs[i].name, names[k]) == 0)
				out = &fd->outputs[i];
		const Type *t = out ? feature_ir_type(r->m, out)
		                : type_tensor(r->m->types, DT_FP32, -1, NULL);
		ValueId id = ob_out(&ob, pbr_vname(r, names[k]), t);
		nt_define(&r->syms, names[k], id);
	}
	nn_push(&nn, &ob, "classify");
}

int pbr_nn_read(Rd *r, size_t n, SPEC(NeuralNetworkLayer) *const *layers, size_t npre,
                SPEC(NeuralNetworkPreprocessing) *const *pre,
                const SPEC(NeuralNetworkClassifier) *nc, const ModelDesc *d, const char *fname)
{
	const FuncDesc *fd = &d->funcs[0];
	Func *f = ir_func_new(r->m, fname, pbr_spec_opset(d), pbr_floc(r));
	uint32_t mark = nt_mark(&r->syms), nerr = r->nerr;
	pbr_desc_params(r, f, fd);
	OpList ol = { 0 };
	nn_preprocess(r, f, &ol, npre, pre, fd);
	nn_layers(r, f, f->body, &ol, n, layers, 0);
	ValueId last = VALUE_NONE;
	if (n && layers[n - 1]->n_output)
		last = nt_lookup(&r->syms, layers[n - 1]->output[0]);
	if (nc)
		nn_classify(r, f, &ol, nc, fd, last);
	blk_done(r->a, f->body, &ol);
	/* the function's results are the described outputs */
	Block *b = f->body;
	b->outs = arena_array(r->a, fd->noutputs ? fd->noutputs : 1, sizeof *b->outs);
	b->out_locs = arena_array(r->a, fd->noutputs ? fd->noutputs : 1, sizeof *b->out_locs);
	for (uint32_t i = 0; i < fd->noutputs; i++) {
		ValueId v = nt_lookup(&r->syms, fd->outputs[i].name);
		b->out_locs[b->nouts] = f->loc;
		if (v == VALUE_NONE)
			RD_ERR(r, FE_E_NAME, f->loc, "model output '%s' is produced by no layer",
			       fd->outputs[i].name);
		else
			b->outs[b->nouts++] = v;
	}
	nt_pop(&r->syms, mark);
	return r->nerr > nerr ? -1 : 0;
}
