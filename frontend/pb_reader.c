/*
 * pb_reader.c - CoreML.Specification.Model protobuf -> IR.
 *
 * protobuf-c unpacks the Model into the module arena (its allocator is
 * backed by arena_alloc, free is a no-op), with its ML programs and
 * neural-network weights left out of the unpack (pb_elide.c); this file
 * walks the model kinds:
 *
 *   Model ─ description         -> Module.desc (pb_desc.c)
 *         ├ mlProgram           -> functions, op for op (pb_program.c)
 *         ├ neuralNetwork[...]  -> one function, layer by layer (pb_nn.c)
 *         ├ pipeline[...]       -> one function per sub-model
 *         └ anything else       -> one function with one opaque op
 *
 * With pb_desc.c, pb_elide.c and pb_nn.c the only files that see the
 * protobuf-c generated types (pb_spec.h; STYLE.md point 16).
 *
 * Facts: spec/protobuf.md, protobuf-neuralnetwork.md, nn-layers.md,
 * protobuf-other-models.md.
 */
#include "frontend/frontend.h"
#include "frontend/blob.h"
#include "frontend/irbuild.h"
#include "frontend/pb_int.h"
#include "frontend/pb_spec.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ opaque models */

/* Non-neural kinds: one op "model.<kind>" from the inputs to the outputs. */
static int read_opaque(Rd *r, const PbModel *pm, const ModelDesc *d, const char *fname)
{
	const FuncDesc *fd = &d->funcs[0];
	Func *f = ir_func_new(r->m, fname, pbr_spec_opset(d), pbr_floc(r));
	uint32_t mark = nt_mark(&r->syms);
	pbr_desc_params(r, f, fd);
	SrcLoc loc = { .file = r->file, .func = f->name, .col = f->nops };
	OpBuild ob;
	ob_start(&ob, f, f->body, arena_printf(r->a, "model.%s", pbr_model_kind(pm)), loc);
	if (f->body->nparams)
		ob_values(&ob, "inputs", f->body->nparams, f->body->params);
	ob_attr(&ob, "name", fe_lit_scalar_str(r->m, pbr_model_kind(pm)));
	for (uint32_t i = 0; i < fd->noutputs; i++)
		ob_out(&ob, pbr_vname(r, fd->outputs[i].name), feature_ir_type(r->m, &fd->outputs[i]));
	Op *op = ob_finish(&ob);
	OpList ol = { 0 };
	vec_push(r->a, &ol.ops, op);
	blk_done(r->a, f->body, &ol);
	f->body->nouts = op->nouts;
	f->body->outs = op->outs;
	f->body->out_locs = arena_array(r->a, op->nouts ? op->nouts : 1, sizeof(SrcLoc));
	nt_pop(&r->syms, mark);
	return 0;
}

/* ------------------------------------------------------------ models */

static int read_model(Rd *r, const PbModel *pm, const ModelDesc *d, const char *prefix,
                      int depth);

static int read_pipeline(Rd *r, const SPEC(Pipeline) *p, const ModelDesc *d,
                         const char *prefix, int depth)
{
	if (!p || !p->n_models) {
		RD_ERR(r, FE_E_MODEL, pbr_floc(r), "pipeline has no models");
		return -1;
	}
	for (size_t i = 0; i < p->n_models; i++) {
		const SubModelDesc *s = &d->submodels[i];
		const char *name = is_identifier(s->name) ? s->name : arena_printf(r->a, "model%zu", i);
		if (prefix)
			name = arena_printf(r->a, "%s_%s", prefix, name);
		if (read_model(r, p->models[i], s->desc, name, depth + 1))
			return -1;
	}
	return 0;
}

static int read_model(Rd *r, const PbModel *pm, const ModelDesc *d, const char *prefix,
                      int depth)
{
	if (depth > MAX_DEPTH) {
		RD_ERR(r, FE_E_MODEL, pbr_floc(r), "pipelines nest too deep");
		return -1;
	}
	switch (pm->type_case) {
	case SPECC(MODEL__TYPE__NOT_SET):
		RD_ERR(r, FE_E_MODEL, pbr_floc(r), "%s holds no model (no model kind is set)",
		       prefix ? prefix : "the file");
		return -1;
	case SPECC(MODEL__TYPE_ML_PROGRAM): {
		size_t n;
		uint8_t *owned;
		const uint8_t *p = pbr_program_bytes(r, pm->mlprogram, &n, &owned);
		int rc = pbw_read_program(r, p, n, prefix);
		free(owned);
		return rc;
	}
	case SPECC(MODEL__TYPE_PIPELINE):
	case SPECC(MODEL__TYPE_PIPELINE_CLASSIFIER):
	case SPECC(MODEL__TYPE_PIPELINE_REGRESSOR):
		return read_pipeline(r, pbr_model_pipeline(pm), d, prefix, depth);
	case SPECC(MODEL__TYPE_NEURAL_NETWORK):
		return pbr_nn_read(r, pm->neuralnetwork->n_layers, pm->neuralnetwork->layers,
		               pm->neuralnetwork->n_preprocessing, pm->neuralnetwork->preprocessing,
		               NULL, d, pbr_func_name(r, prefix ? prefix : "main"));
	case SPECC(MODEL__TYPE_NEURAL_NETWORK_REGRESSOR): {
		const SPEC(NeuralNetworkRegressor) *nn = pm->neuralnetworkregressor;
		return pbr_nn_read(r, nn->n_layers, nn->layers, nn->n_preprocessing, nn->preprocessing,
		               NULL, d, pbr_func_name(r, prefix ? prefix : "main"));
	}
	case SPECC(MODEL__TYPE_NEURAL_NETWORK_CLASSIFIER): {
		const SPEC(NeuralNetworkClassifier) *nn = pm->neuralnetworkclassifier;
		return pbr_nn_read(r, nn->n_layers, nn->layers, nn->n_preprocessing, nn->preprocessing,
		               nn, d, pbr_func_name(r, prefix ? prefix : "main"));
	}
	default:
		return read_opaque(r, pm, d, pbr_func_name(r, prefix ? prefix : "main"));
	}
}

static Module *read_protobuf(const char *file, const void *data, size_t len,
                             const char *model_path, const char *format, DiagList *dl,
                             bool keep);

Module *fe_read_protobuf(const char *file, const void *data, size_t len,
                         const char *model_path, const char *format, DiagList *dl)
{
	return read_protobuf(file, data, len, model_path, format, dl, false);
}

Module *fe_read_protobuf_kept(const char *file, const void *data, size_t len,
                              const char *model_path, const char *format, DiagList *dl,
                              void (*release)(void *), void *ctx)
{
	Module *m = read_protobuf(file, data, len, model_path, format, dl, true);
	if (m)
		ir_module_on_free(m, release, ctx);
	else
		release(ctx);
	return m;
}

static Module *read_protobuf(const char *file, const void *data, size_t len,
                             const char *model_path, const char *format, DiagList *dl,
                             bool keep)
{
	SrcLoc loc = { .file = file };
	if (len == 0) {
		diag_add(dl, SEV_ERROR, FE_E_EMPTY, loc, "file is empty, not a Core ML model");
		return NULL;
	}
	Module *m = ir_module_new(file);
	Rd r = { .m = m, .a = m->arena, .dl = dl, .file = m->file, .keep_bytes = keep };
	bool too_deep = false;
	PbModel *pm = pbr_unpack_model(&r, data, len, &too_deep);
	if (too_deep) {
		diag_add(dl, SEV_ERROR, FE_E_PROTOBUF, loc,
		         "protobuf nests messages deeper than %d levels; refused", MAX_DEPTH);
		ir_module_free(m);
		return NULL;
	}
	if (!pm) {
		diag_add(dl, SEV_ERROR, FE_E_PROTOBUF, loc, "does not decode as a Core ML model "
		         "protobuf (%zu bytes; truncated or not a model)", len);
		ir_module_free(m);
		return NULL;
	}
	m->syntax = MIL_SYNTAX_NEW;
	m->version = "1.3";
	m->model_path = model_path ? arena_strdup(m->arena, model_path) : NULL;
	nt_init(&r.syms, m->arena);
	m->desc = pbr_read_desc(&r, pm, format ? format : "mlmodel");
	if (read_model(&r, pm, m->desc, NULL, 0) || r.nerr) {
		if (!r.nerr)
			diag_add(dl, SEV_ERROR, FE_E_MODEL, loc, "model could not be read");
		ir_module_free(m);
		return NULL;
	}
	blob_install(m);
	return m;
}