/*
 * pb_desc.c - a Model's description (inputs, outputs, states, training
 * inputs, metadata, functions of a multifunction model, the parts of a
 * pipeline) -> Module.desc, the ModelDesc every later stage reads.
 *
 * Facts: spec/protobuf.md (ModelDescription, FeatureType), spec/protobuf-other-models.md.
 */
#include "frontend/pb_spec.h"

#include <string.h>

/* The name of the set field of a oneof, from the schema. */
const char *pbr_oneof_name(const ProtobufCMessageDescriptor *d, unsigned number)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, number);
	return f ? f->name : "unknown";
}
static DType array_dtype(int v)
{
	switch (v) {
	case SPECC(ARRAY_FEATURE_TYPE__ARRAY_DATA_TYPE__FLOAT32): return DT_FP32;
	case SPECC(ARRAY_FEATURE_TYPE__ARRAY_DATA_TYPE__DOUBLE): return DT_FP64;
	case SPECC(ARRAY_FEATURE_TYPE__ARRAY_DATA_TYPE__INT32): return DT_INT32;
	case SPECC(ARRAY_FEATURE_TYPE__ARRAY_DATA_TYPE__INT8): return DT_INT8;
	case SPECC(ARRAY_FEATURE_TYPE__ARRAY_DATA_TYPE__FLOAT16): return DT_FP16;
	default: return DT_COUNT;
	}
}

static DimRange size_range(const SPEC(SizeRange) *s)
{
	if (!s)
		return (DimRange){ 0, -1 };
	int64_t lo = s->lowerbound > INT64_MAX ? INT64_MAX : (int64_t)s->lowerbound;
	return (DimRange){ lo, s->upperbound < 0 ? -1 : s->upperbound };
}

static FeatShape feat_shape(Rd *r, size_t n, const int64_t *dims)
{
	FeatShape s = { (uint32_t)n, NULL };
	if (n) {
		int64_t *d = arena_array(r->a, n, sizeof *d);
		memcpy(d, dims, n * sizeof *d);
		s.dims = d;
	}
	return s;
}

static void read_array_feature(Rd *r, const SPEC(ArrayFeatureType) *at, FeatureDesc *fd)
{
	fd->dtype = array_dtype(at->datatype);
	fd->shape = feat_shape(r, at->n_shape, at->shape);
	switch (at->shape_flexibility_case) {
	case SPECC(ARRAY_FEATURE_TYPE__SHAPE_FLEXIBILITY_ENUMERATED_SHAPES): {
		const SPEC(ArrayFeatureType__EnumeratedShapes) *es = at->enumeratedshapes;
		fd->flex = FLEX_ENUMERATED;
		fd->nshapes = (uint32_t)es->n_shapes;
		FeatShape *s = arena_array(r->a, es->n_shapes ? es->n_shapes : 1, sizeof *s);
		for (size_t i = 0; i < es->n_shapes; i++)
			s[i] = feat_shape(r, es->shapes[i]->n_shape, es->shapes[i]->shape);
		fd->shapes = s;
		break;
	}
	case SPECC(ARRAY_FEATURE_TYPE__SHAPE_FLEXIBILITY_SHAPE_RANGE): {
		const SPEC(ArrayFeatureType__ShapeRange) *sr = at->shaperange;
		fd->flex = FLEX_RANGE;
		fd->nranges = (uint32_t)sr->n_sizeranges;
		DimRange *d = arena_array(r->a, sr->n_sizeranges ? sr->n_sizeranges : 1, sizeof *d);
		for (size_t i = 0; i < sr->n_sizeranges; i++)
			d[i] = size_range(sr->sizeranges[i]);
		fd->ranges = d;
		break;
	}
	default:
		break;
	}
}

static FeatureKind simple_kind(int case_)
{
	return case_ == 1 ? FEAT_INT64 : case_ == 2 || case_ == 3 ? FEAT_STRING : FEAT_INVALID;
}

static void read_feature(Rd *r, const SPEC(FeatureDescription) *pf, FeatureDesc *fd)
{
	memset(fd, 0, sizeof *fd);
	fd->name = pbr_dup(r, pf->name);
	fd->short_desc = pbr_dup(r, pf->shortdescription);
	fd->dtype = DT_COUNT;
	const SPEC(FeatureType) *t = pf->type;
	if (!t)
		return;
	fd->optional = t->isoptional;
	switch (t->type_case) {
	case SPECC(FEATURE_TYPE__TYPE_INT64_TYPE): fd->kind = FEAT_INT64; break;
	case SPECC(FEATURE_TYPE__TYPE_DOUBLE_TYPE): fd->kind = FEAT_DOUBLE; break;
	case SPECC(FEATURE_TYPE__TYPE_STRING_TYPE): fd->kind = FEAT_STRING; break;
	case SPECC(FEATURE_TYPE__TYPE_MULTI_ARRAY_TYPE):
		fd->kind = FEAT_MULTIARRAY;
		read_array_feature(r, t->multiarraytype, fd);
		break;
	case SPECC(FEATURE_TYPE__TYPE_STATE_TYPE):
		fd->kind = FEAT_STATE;
		if (t->statetype->type_case == SPECC(STATE_FEATURE_TYPE__TYPE_ARRAY_TYPE))
			read_array_feature(r, t->statetype->arraytype, fd);
		break;
	case SPECC(FEATURE_TYPE__TYPE_IMAGE_TYPE): {
		const SPEC(ImageFeatureType) *it = t->imagetype;
		fd->kind = FEAT_IMAGE;
		fd->width = it->width;
		fd->height = it->height;
		fd->color = (ColorSpace)it->colorspace;
		if (it->size_flexibility_case == SPECC(IMAGE_FEATURE_TYPE__SIZE_FLEXIBILITY_ENUMERATED_SIZES)) {
			const SPEC(ImageFeatureType__EnumeratedImageSizes) *es = it->enumeratedsizes;
			fd->size_flex = FLEX_ENUMERATED;
			fd->nsizes = (uint32_t)es->n_sizes;
			ImageSize *s = arena_array(r->a, es->n_sizes ? es->n_sizes : 1, sizeof *s);
			for (size_t i = 0; i < es->n_sizes; i++)
				s[i] = (ImageSize){ (int64_t)(es->sizes[i]->width & INT64_MAX),
				                    (int64_t)(es->sizes[i]->height & INT64_MAX) };
			fd->sizes = s;
		} else if (it->size_flexibility_case == SPECC(IMAGE_FEATURE_TYPE__SIZE_FLEXIBILITY_IMAGE_SIZE_RANGE)) {
			fd->size_flex = FLEX_RANGE;
			fd->width_range = size_range(it->imagesizerange->widthrange);
			fd->height_range = size_range(it->imagesizerange->heightrange);
		}
		break;
	}
	case SPECC(FEATURE_TYPE__TYPE_DICTIONARY_TYPE):
		fd->kind = FEAT_DICTIONARY;
		fd->key_kind = simple_kind(t->dictionarytype->key_type_case);
		break;
	case SPECC(FEATURE_TYPE__TYPE_SEQUENCE_TYPE):
		fd->kind = FEAT_SEQUENCE;
		fd->elem_kind = simple_kind(t->sequencetype->type_case);
		if (t->sequencetype->sizerange) {
			fd->has_len_range = true;
			fd->len_range = size_range(t->sequencetype->sizerange);
		}
		break;
	default:
		break;
	}
}

static const FeatureDesc *read_features(Rd *r, size_t n, SPEC(FeatureDescription) **pf)
{
	FeatureDesc *fd = arena_array(r->a, n ? n : 1, sizeof *fd);
	for (size_t i = 0; i < n; i++)
		read_feature(r, pf[i], &fd[i]);
	return fd;
}

static const char *opt_str(Rd *r, const char *s)
{
	return s && *s ? pbr_dup(r, s) : NULL;
}

/* The model kind: the name of the Model.Type oneof field set. */
const char *pbr_model_kind(const PbModel *pm)
{
	if (pm->type_case == SPECC(MODEL__TYPE__NOT_SET))
		return "none";
	return pbr_oneof_name(&SPECD(model), pm->type_case);
}

/* The pipeline of a pipeline kind (plain, classifier, regressor), else NULL. */
const SPEC(Pipeline) *pbr_model_pipeline(const PbModel *pm)
{
	switch (pm->type_case) {
	case SPECC(MODEL__TYPE_PIPELINE): return pm->pipeline;
	case SPECC(MODEL__TYPE_PIPELINE_CLASSIFIER): return pm->pipelineclassifier->pipeline;
	case SPECC(MODEL__TYPE_PIPELINE_REGRESSOR): return pm->pipelineregressor->pipeline;
	default: return NULL;
	}
}

static const SubModelDesc *read_submodels(Rd *r, const SPEC(Pipeline) *p, uint32_t *n)
{
	*n = 0;
	if (!p)
		return NULL;
	SubModelDesc *s = arena_array(r->a, p->n_models ? p->n_models : 1, sizeof *s);
	for (size_t i = 0; i < p->n_models; i++) {
		s[i].name = i < p->n_names && p->names[i][0] ? pbr_dup(r, p->names[i])
		            : arena_printf(r->a, "model%zu", i);
		s[i].kind = pbr_model_kind(p->models[i]);
		s[i].desc = pbr_read_desc(r, p->models[i], "pipeline part");
	}
	*n = (uint32_t)p->n_models;
	return s;
}

ModelDesc *pbr_read_desc(Rd *r, const PbModel *pm, const char *format)
{
	ModelDesc *d = arena_alloc(r->a, sizeof *d);
	const SPEC(ModelDescription) *pd = pm->description;
	d->format = format;
	d->spec_version = pm->specificationversion;
	d->min_os = model_min_os(pm->specificationversion);
	d->kind = pbr_model_kind(pm);
	d->is_updatable = pm->isupdatable;
	if (pd && pd->n_functions) {
		FuncDesc *f = arena_array(r->a, pd->n_functions, sizeof *f);
		for (size_t i = 0; i < pd->n_functions; i++) {
			const SPEC(FunctionDescription) *pf = pd->functions[i];
			f[i].name = pbr_dup(r, pf->name);
			f[i].ninputs = (uint32_t)pf->n_input;
			f[i].inputs = read_features(r, pf->n_input, pf->input);
			f[i].noutputs = (uint32_t)pf->n_output;
			f[i].outputs = read_features(r, pf->n_output, pf->output);
			f[i].nstates = (uint32_t)pf->n_state;
			f[i].states = read_features(r, pf->n_state, pf->state);
			f[i].predicted_feature = opt_str(r, pf->predictedfeaturename);
			f[i].predicted_probs = opt_str(r, pf->predictedprobabilitiesname);
		}
		d->nfuncs = (uint32_t)pd->n_functions;
		d->funcs = f;
		d->default_func = pd->defaultfunctionname[0] ? pbr_dup(r, pd->defaultfunctionname)
		                  : f[0].name;
	} else {
		FuncDesc *f = arena_alloc(r->a, sizeof *f);
		f->name = "main";
		if (pm->type_case == SPECC(MODEL__TYPE_ML_PROGRAM) &&
		    pm->mlprogram->n_functions == 1)
			f->name = pbr_dup(r, pm->mlprogram->functions[0]->key);
		if (pd) {
			f->ninputs = (uint32_t)pd->n_input;
			f->inputs = read_features(r, pd->n_input, pd->input);
			f->noutputs = (uint32_t)pd->n_output;
			f->outputs = read_features(r, pd->n_output, pd->output);
			f->nstates = (uint32_t)pd->n_state;
			f->states = read_features(r, pd->n_state, pd->state);
			f->predicted_feature = opt_str(r, pd->predictedfeaturename);
			f->predicted_probs = opt_str(r, pd->predictedprobabilitiesname);
		}
		d->nfuncs = 1;
		d->funcs = f;
		d->default_func = pbr_model_pipeline(pm) ? NULL : f->name;
	}
	if (pd) {
		d->ntraining = (uint32_t)pd->n_traininginput;
		d->training_inputs = read_features(r, pd->n_traininginput, pd->traininginput);
		const SPEC(Metadata) *md = pd->metadata;
		if (md) {
			d->meta.short_desc = opt_str(r, md->shortdescription);
			d->meta.version = opt_str(r, md->versionstring);
			d->meta.author = opt_str(r, md->author);
			d->meta.license = opt_str(r, md->license);
			KeyValue *kv = arena_array(r->a, md->n_userdefined ? md->n_userdefined : 1,
			                           sizeof *kv);
			for (size_t i = 0; i < md->n_userdefined; i++)
				kv[i] = (KeyValue){ pbr_dup(r, md->userdefined[i]->key),
				                    pbr_dup(r, md->userdefined[i]->value) };
			d->meta.nuser = (uint32_t)md->n_userdefined;
			d->meta.user = kv;
		}
	}
	d->submodels = read_submodels(r, pbr_model_pipeline(pm), &d->nsubmodels);
	return d;
}
