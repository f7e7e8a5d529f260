/*
 * pb_reader.c - CoreML.Specification.Model protobuf -> IR.
 *
 * The only file that includes the protobuf-c generated headers (STYLE.md
 * point 16).  protobuf-c unpacks into the module arena (its allocator is
 * backed by arena_alloc, free is a no-op), so weights held inline in the
 * protobuf become tensor literals without a copy.
 *
 *   Model ─ description         -> Module.desc (ModelDesc)
 *         ├ mlProgram           -> functions, op for op (read_program)
 *         ├ neuralNetwork[...]  -> one function, layer by layer (nn_*)
 *         ├ pipeline[...]       -> one function per sub-model
 *         └ anything else       -> one function with one opaque op
 *
 * Facts: spec/protobuf.md, protobuf-neuralnetwork.md, nn-layers.md,
 * protobuf-other-models.md.
 */
#include "frontend/frontend.h"
#include "frontend/blob.h"
#include "frontend/irbuild.h"
#include "frontend/pb_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "Model.pb-c.h"

#define SPEC(x) CoreML__Specification__##x
#define SPECC(x) CORE_ML__SPECIFICATION__##x
#define MILS(x) CoreML__Specification__MILSpec__##x
#define MILC(x) CORE_ML__SPECIFICATION__MILSPEC__##x
#define SPECD(x) core_ml__specification__##x##__descriptor
#define MILD(x) core_ml__specification__milspec__##x##__descriptor

typedef SPEC(Model) PbModel;

enum { MAX_DEPTH = PBR_MAX_DEPTH, MAX_RANK = 64 };

/* ------------------------------------------------------------ allocation */

static void *pb_alloc(void *arena, size_t size)
{
	return arena_alloc(arena, size);
}

static void pb_free(void *arena, void *p)
{
	(void)arena;
	(void)p;
}

/* protobuf-c recurses once per nested message; a hostile file could nest
 * deep enough to exhaust the stack.  Walk the wire format with the schema
 * first and refuse nesting beyond MAX_DEPTH.  Malformed bytes are left for
 * the real unpack to report.  Returns the depth reached, -1 past the cap. */
static int wire_depth(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                      int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	size_t i = 0;
	while (i < n) {
		uint64_t key = 0, len = 0;
		int shift = 0;
		do {
			if (i >= n || shift > 63)
				return 0;
			key |= (uint64_t)(p[i] & 0x7f) << shift;
			shift += 7;
		} while (p[i++] & 0x80);
		switch (key & 7) {
		case 0:
			while (i < n && (p[i] & 0x80))
				i++;
			if (i++ >= n)
				return 0;
			break;
		case 1:
			if (n - i < 8)
				return 0;
			i += 8;
			break;
		case 5:
			if (n - i < 4)
				return 0;
			i += 4;
			break;
		case 2: {
			shift = 0;
			do {
				if (i >= n || shift > 63)
					return 0;
				len |= (uint64_t)(p[i] & 0x7f) << shift;
				shift += 7;
			} while (p[i++] & 0x80);
			if (len > n - i)
				return 0;
			uint32_t fno = (uint32_t)(key >> 3);
			const ProtobufCFieldDescriptor *f =
				fno == key >> 3 ? protobuf_c_message_descriptor_get_field(d, fno) : NULL;
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
			    wire_depth(f->descriptor, p + i, (size_t)len, depth + 1) < 0)
				return -1;
			i += (size_t)len;
			break;
		}
		default:
			return 0;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ reader state */

/* Where a function-level problem is: the file (messages name the
 * function; SrcLoc.func would print as an op position). */
static SrcLoc floc(const Rd *r, const char *func)
{
	(void)func;
	return pbr_floc(r);
}

static const char *dup(Rd *r, const char *s)
{
	return arena_strdup(r->a, s ? s : "");
}

static bool name_taken(Rd *r, const char *n)
{
	for (uint32_t i = 0; i < r->fnames.n; i++)
		if (strcmp(r->fnames.v[i], n) == 0)
			return true;
	return false;
}

/* A function name not used yet in this module. */
const char *pbr_func_name(Rd *r, const char *want)
{
	const char *n = want && *want ? dup(r, want) : "main";
	for (uint32_t k = 1; name_taken(r, n); k++)
		n = arena_printf(r->a, "%s_%u", want && *want ? want : "main", k);
	vec_push(r->a, &r->fnames, n);
	return n;
}

/* A value name for a neural-network blob or a feature: the name itself
 * when it is a MIL identifier, else with every other character turned
 * into '_' (and a leading '_' before a digit), so the printed IR parses
 * back.  Lookups keep using the original names. */
static const char *vname(Rd *r, const char *orig)
{
	if (is_identifier(orig))
		return orig;
	size_t n = strlen(orig);
	char *s = arena_alloc(r->a, n + 2), *p = s;
	if (!n || (orig[0] >= '0' && orig[0] <= '9') || orig[0] == '@')
		*p++ = '_';
	for (size_t i = 0; i < n; i++) {
		char c = orig[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_' || c == '@';
		*p++ = ok ? c : '_';
	}
	*p = 0;
	return s;
}

/* The name of the set field of a oneof, from the schema. */
static const char *oneof_name(const ProtobufCMessageDescriptor *d, unsigned number)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, number);
	return f ? f->name : "unknown";
}

/* ------------------------------------------------------------ model description */

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
	fd->name = dup(r, pf->name);
	fd->short_desc = dup(r, pf->shortdescription);
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
	return s && *s ? dup(r, s) : NULL;
}

static const char *model_kind(const PbModel *pm)
{
	if (pm->type_case == SPECC(MODEL__TYPE__NOT_SET))
		return "none";
	return oneof_name(&SPECD(model), pm->type_case);
}

static const SPEC(Pipeline) *model_pipeline(const PbModel *pm)
{
	switch (pm->type_case) {
	case SPECC(MODEL__TYPE_PIPELINE): return pm->pipeline;
	case SPECC(MODEL__TYPE_PIPELINE_CLASSIFIER): return pm->pipelineclassifier->pipeline;
	case SPECC(MODEL__TYPE_PIPELINE_REGRESSOR): return pm->pipelineregressor->pipeline;
	default: return NULL;
	}
}

static ModelDesc *read_desc(Rd *r, const PbModel *pm, const char *format);

static const SubModelDesc *read_submodels(Rd *r, const SPEC(Pipeline) *p, uint32_t *n)
{
	*n = 0;
	if (!p)
		return NULL;
	SubModelDesc *s = arena_array(r->a, p->n_models ? p->n_models : 1, sizeof *s);
	for (size_t i = 0; i < p->n_models; i++) {
		s[i].name = i < p->n_names && p->names[i][0] ? dup(r, p->names[i])
		            : arena_printf(r->a, "model%zu", i);
		s[i].kind = model_kind(p->models[i]);
		s[i].desc = read_desc(r, p->models[i], "pipeline part");
	}
	*n = (uint32_t)p->n_models;
	return s;
}

static ModelDesc *read_desc(Rd *r, const PbModel *pm, const char *format)
{
	ModelDesc *d = arena_alloc(r->a, sizeof *d);
	const SPEC(ModelDescription) *pd = pm->description;
	d->format = format;
	d->spec_version = pm->specificationversion;
	d->min_os = model_min_os(pm->specificationversion);
	d->kind = model_kind(pm);
	d->is_updatable = pm->isupdatable;
	if (pd && pd->n_functions) {
		FuncDesc *f = arena_array(r->a, pd->n_functions, sizeof *f);
		for (size_t i = 0; i < pd->n_functions; i++) {
			const SPEC(FunctionDescription) *pf = pd->functions[i];
			f[i].name = dup(r, pf->name);
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
		d->default_func = pd->defaultfunctionname[0] ? dup(r, pd->defaultfunctionname)
		                  : f[0].name;
	} else {
		FuncDesc *f = arena_alloc(r->a, sizeof *f);
		f->name = "main";
		if (pm->type_case == SPECC(MODEL__TYPE_ML_PROGRAM) &&
		    pm->mlprogram->n_functions == 1)
			f->name = dup(r, pm->mlprogram->functions[0]->key);
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
		d->default_func = model_pipeline(pm) ? NULL : f->name;
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
				kv[i] = (KeyValue){ dup(r, md->userdefined[i]->key),
				                    dup(r, md->userdefined[i]->value) };
			d->meta.nuser = (uint32_t)md->n_userdefined;
			d->meta.user = kv;
		}
	}
	d->submodels = read_submodels(r, model_pipeline(pm), &d->nsubmodels);
	return d;
}

/* ------------------------------------------------------------ ML program: types */

static const Type *read_vtype(Rd *r, const MILS(ValueType) *vt, SrcLoc loc);

static bool read_dim(Rd *r, const MILS(Dimension) *pd, Dim *out, SrcLoc loc)
{
	if (pd && pd->dimension_case == MILC(DIMENSION__DIMENSION_CONSTANT)) {
		uint64_t s = pd->constant->size;
		if (s > (uint64_t)INT64_MAX) {
			RD_ERR(r, FE_E_VALUE_TYPE, loc, "dimension %llu is out of range",
			       (unsigned long long)s);
			return false;
		}
		*out = dim_const((int64_t)s);
	} else {
		*out = dim_unknown();
	}
	return true;
}

static const Type *read_tensor_type(Rd *r, const MILS(TensorType) *tt, SrcLoc loc)
{
	DType dt = dtype_from_pb(tt->datatype);
	if (dt == DT_COUNT) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "tensor type has unknown data type %d",
		       (int)tt->datatype);
		return NULL;
	}
	int64_t rank = tt->rank;
	if (rank == 0 && tt->n_dimensions)
		rank = (int64_t)tt->n_dimensions;   /* rank left out, dims given */
	if (rank < -1 || rank > MAX_RANK) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "tensor rank %lld is out of range",
		       (long long)tt->rank);
		return NULL;
	}
	if (rank == -1)
		return type_tensor(r->m->types, dt, -1, NULL);
	if ((size_t)rank != tt->n_dimensions) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "tensor of rank %lld lists %zu dimensions",
		       (long long)rank, tt->n_dimensions);
		return NULL;
	}
	Dim d[MAX_RANK];
	for (int64_t i = 0; i < rank; i++)
		if (!read_dim(r, tt->dimensions[i], &d[i], loc))
			return NULL;
	return type_tensor(r->m->types, dt, (int32_t)rank, d);
}

static const Type *read_vtype(Rd *r, const MILS(ValueType) *vt, SrcLoc loc)
{
	TypeTable *t = r->m->types;
	if (!vt) {
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "value has no type");
		return NULL;
	}
	switch (vt->type_case) {
	case MILC(VALUE_TYPE__TYPE_TENSOR_TYPE):
		return read_tensor_type(r, vt->tensortype, loc);
	case MILC(VALUE_TYPE__TYPE_LIST_TYPE): {
		const Type *e = read_vtype(r, vt->listtype->type, loc);
		Dim len;
		if (!e || !read_dim(r, vt->listtype->length, &len, loc))
			return NULL;
		return type_list(t, e, len);
	}
	case MILC(VALUE_TYPE__TYPE_TUPLE_TYPE): {
		size_t n = vt->tupletype->n_types;
		const Type **e = arena_array(r->a, n ? n : 1, sizeof *e);
		for (size_t i = 0; i < n; i++)
			if (!(e[i] = read_vtype(r, vt->tupletype->types[i], loc)))
				return NULL;
		return type_tuple(t, (uint32_t)n, e);
	}
	case MILC(VALUE_TYPE__TYPE_DICTIONARY_TYPE): {
		const Type *k = read_vtype(r, vt->dictionarytype->keytype, loc);
		const Type *v = k ? read_vtype(r, vt->dictionarytype->valuetype, loc) : NULL;
		return v ? type_dict(t, k, v) : NULL;
	}
	case MILC(VALUE_TYPE__TYPE_STATE_TYPE): {
		const Type *w = read_vtype(r, vt->statetype->wrappedtype, loc);
		return w ? type_state(t, w) : NULL;
	}
	default:
		RD_ERR(r, FE_E_VALUE_TYPE, loc, "value type is empty");
		return NULL;
	}
}

/* ------------------------------------------------------------ ML program: values */

/* A float as an integer, saturating (no undefined conversion). */
static int64_t f64_to_i64(double x)
{
	if (isnan(x))
		return 0;
	if (x >= 9.2e18)
		return INT64_MAX;
	if (x <= -9.2e18)
		return INT64_MIN;
	return (int64_t)x;
}

/* Convert `count` numbers from src (an array of `from`) into the element
 * storage of dt.  from: 'f' float, 'd' double, 'i' int32, 'l' int64, 'b' bool (one byte each). */
static void *convert_numbers(Rd *r, DType dt, const void *src, size_t count, char from)
{
	size_t es = dtype_info[dt].elem_size;
	uint8_t *out = arena_array(r->a, count ? count : 1, es);
	for (size_t i = 0; i < count; i++) {
		double x = 0;
		int64_t k = 0;
		switch (from) {
		case 'f': x = ((const float *)src)[i]; k = f64_to_i64(x); break;
		case 'd': x = ((const double *)src)[i]; k = f64_to_i64(x); break;
		case 'i': k = ((const int32_t *)src)[i]; x = (double)k; break;
		case 'l': k = ((const int64_t *)src)[i]; x = (double)k; break;
		case 'b': k = ((const uint8_t *)src)[i] != 0; x = (double)k; break;
		}
		void *p = out + i * es;
		switch (dt) {
		case DT_FP16: { uint16_t h = fp16_from_f64(x); memcpy(p, &h, 2); break; }
		case DT_BF16: { uint16_t h = bf16_from_f64(x); memcpy(p, &h, 2); break; }
		case DT_FP32: { float f = (float)x; memcpy(p, &f, 4); break; }
		case DT_FP64: memcpy(p, &x, 8); break;
		case DT_FP8E4M3FN: *(uint8_t *)p = fp8e4m3fn_from_f64(x); break;
		case DT_FP8E5M2: *(uint8_t *)p = fp8e5m2_from_f64(x); break;
		case DT_BOOL: *(uint8_t *)p = k != 0; break;
		default: {
			unsigned bits = dtype_info[dt].bits;
			uint64_t u = (uint64_t)k;
			if (bits < 8)
				u &= (1u << bits) - 1;
			memcpy(p, &u, es);   /* little-endian low bytes */
			break;
		}
		}
	}
	return out;
}

const Lit *pbr_tensor_value(Rd *r, const Type *t, const PbTensorPayload *tp, SrcLoc loc)
{
	if (t->kind != TY_TENSOR) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value bound to a non-tensor type");
		return NULL;
	}
	int64_t numel = type_numel(t);
	if (numel < 0) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "immediate tensor value has a type of unknown shape");
		return NULL;
	}
	DType dt = t->dt;
	size_t have = tp->n;
	const void *src = tp->v;
	static const char from_of[8] = { 0, 'f', 'i', 'b', 0, 'l', 'd', 0 };
	char from = tp->field >= 0 && tp->field < 8 ? from_of[tp->field] : 0;
	switch (tp->field) {
	case 1: case 2: case 3: case 5: case 6:
		break;
	case 4: {
		if (dt != DT_STRING) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "strings given for a %s tensor", dtype_name(dt));
			return NULL;
		}
		if ((int64_t)tp->n != numel) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value holds %zu strings, its type needs %lld",
			       tp->n, (long long)numel);
			return NULL;
		}
		return fe_lit_tensor(r->m, t, numel, tp->v);
	}
	case 7: {
		const uint8_t *data = tp->v;
		if (dt == DT_STRING) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "raw bytes given for a string tensor");
			return NULL;
		}
		unsigned bits = dtype_info[dt].bits;
		uint64_t want = ((uint64_t)numel * bits + 7) / 8;
		if ((uint64_t)numel > UINT64_MAX / 64 || tp->n != want) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value holds %zu bytes, %s needs %llu",
			       tp->n, dtype_name(dt), (unsigned long long)want);
			return NULL;
		}
		if (bits >= 8)
			return fe_lit_tensor(r->m, t, numel, data);
		/* sub-byte: unpack LSB-first, one element per byte */
		uint8_t *u = arena_array(r->a, numel ? (size_t)numel : 1, 1);
		for (int64_t i = 0; i < numel; i++) {
			uint64_t bit = (uint64_t)i * bits;
			unsigned v = 0;
			for (unsigned k = 0; k < bits; k++, bit++)
				v |= ((data[bit / 8] >> (bit % 8)) & 1u) << k;
			u[i] = (uint8_t)v;
		}
		return fe_lit_tensor(r->m, t, numel, u);
	}
	default:
		if (numel == 0)
			return fe_lit_tensor(r->m, t, 0, arena_alloc(r->a, 1));
		RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value is empty but its type has %lld elements",
		       (long long)numel);
		return NULL;
	}
	if (dt == DT_STRING) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "numbers given for a string tensor");
		return NULL;
	}
	if ((int64_t)have != numel) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "tensor value holds %zu values, its type %s needs %lld",
		       have, dtype_name(dt), (long long)numel);
		return NULL;
	}
	if ((from == 'f' && dt == DT_FP32) || (from == 'd' && dt == DT_FP64) ||
	    (from == 'i' && dt == DT_INT32) || (from == 'l' && (dt == DT_INT64 || dt == DT_UINT64)))
		return fe_lit_tensor(r->m, t, numel, src);
	return fe_lit_tensor(r->m, t, numel, convert_numbers(r, dt, src, have, from));
}

static const Lit *read_tensor_value(Rd *r, const Type *t, const MILS(TensorValue) *tv,
                                    SrcLoc loc)
{
	PbTensorPayload tp = { 0, 0, NULL };
	switch (tv ? tv->value_case : MILC(TENSOR_VALUE__VALUE__NOT_SET)) {
	case MILC(TENSOR_VALUE__VALUE_FLOATS):
		tp = (PbTensorPayload){ 1, tv->floats->n_values, tv->floats->values }; break;
	case MILC(TENSOR_VALUE__VALUE_INTS):
		tp = (PbTensorPayload){ 2, tv->ints->n_values, tv->ints->values }; break;
	case MILC(TENSOR_VALUE__VALUE_BOOLS): {
		size_t n = tv->bools->n_values;
		uint8_t *b = arena_array(r->a, n ? n : 1, 1);
		for (size_t i = 0; i < n; i++)
			b[i] = tv->bools->values[i] != 0;
		tp = (PbTensorPayload){ 3, n, b };
		break;
	}
	case MILC(TENSOR_VALUE__VALUE_STRINGS):
		tp = (PbTensorPayload){ 4, tv->strings->n_values, tv->strings->values }; break;
	case MILC(TENSOR_VALUE__VALUE_LONG_INTS):
		tp = (PbTensorPayload){ 5, tv->longints->n_values, tv->longints->values }; break;
	case MILC(TENSOR_VALUE__VALUE_DOUBLES):
		tp = (PbTensorPayload){ 6, tv->doubles->n_values, tv->doubles->values }; break;
	case MILC(TENSOR_VALUE__VALUE_BYTES):
		tp = (PbTensorPayload){ 7, tv->bytes->values.len, tv->bytes->values.data }; break;
	default:
		break;
	}
	return pbr_tensor_value(r, t, &tp, loc);
}

static const Lit *read_value(Rd *r, const MILS(Value) *v, SrcLoc loc);

static const Lit *read_seq(Rd *r, LitKind kind, const Type *t, size_t n,
                           MILS(Value) *const *vals, SrcLoc loc)
{
	const Lit **items = arena_array(r->a, n ? n : 1, sizeof *items);
	for (size_t i = 0; i < n; i++)
		if (!(items[i] = read_value(r, vals[i], loc)))
			return NULL;
	Lit *l = arena_alloc(r->a, sizeof *l);
	l->kind = kind;
	l->type = t;
	l->u.seq.n = (uint32_t)n;
	l->u.seq.items = items;
	return l;
}

static const Lit *read_value(Rd *r, const MILS(Value) *v, SrcLoc loc)
{
	if (!v) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "missing value");
		return NULL;
	}
	const Type *t = read_vtype(r, v->type, loc);
	if (!t)
		return NULL;
	if (v->value_case == MILC(VALUE__VALUE_BLOB_FILE_VALUE)) {
		if (t->kind != TY_TENSOR) {
			RD_ERR(r, FE_E_IMMEDIATE, loc, "weight blob bound to a non-tensor type");
			return NULL;
		}
		Lit *l = arena_alloc(r->a, sizeof *l);
		l->kind = LIT_BLOB;
		l->type = t;
		l->u.blob.path = dup(r, v->blobfilevalue->filename);
		l->u.blob.offset = v->blobfilevalue->offset;
		return l;
	}
	if (v->value_case != MILC(VALUE__VALUE_IMMEDIATE_VALUE)) {
		RD_ERR(r, FE_E_IMMEDIATE, loc, "value holds neither an immediate nor a weight blob");
		return NULL;
	}
	const MILS(Value__ImmediateValue) *iv = v->immediatevalue;
	switch (iv->value_case) {
	case MILC(VALUE__IMMEDIATE_VALUE__VALUE_TENSOR):
		return read_tensor_value(r, t, iv->tensor, loc);
	case MILC(VALUE__IMMEDIATE_VALUE__VALUE_LIST):
		if (t->kind != TY_LIST)
			break;
		return read_seq(r, LIT_LIST, t, iv->list->n_values, iv->list->values, loc);
	case MILC(VALUE__IMMEDIATE_VALUE__VALUE_TUPLE):
		if (t->kind != TY_TUPLE)
			break;
		return read_seq(r, LIT_TUPLE, t, iv->tuple->n_values, iv->tuple->values, loc);
	case MILC(VALUE__IMMEDIATE_VALUE__VALUE_DICTIONARY): {
		if (t->kind != TY_DICT)
			break;
		size_t n = iv->dictionary->n_values;
		if (n > UINT32_MAX / 2)
			break;
		MILS(Value) **kv = arena_array(r->a, n ? 2 * n : 1, sizeof *kv);
		for (size_t i = 0; i < n; i++) {
			kv[2 * i] = iv->dictionary->values[i]->key;
			kv[2 * i + 1] = iv->dictionary->values[i]->value;
		}
		Lit *l = (Lit *)read_seq(r, LIT_DICT, t, 2 * n, kv, loc);
		if (l)
			l->u.seq.n = (uint32_t)n;      /* dict: n counts pairs */
		return l;
	}
	default:
		if (t->kind == TY_TENSOR)
			return read_tensor_value(r, t, NULL, loc);
		break;
	}
	RD_ERR(r, FE_E_IMMEDIATE, loc, "immediate value does not match its declared type");
	return NULL;
}

/* The rare parts of a program the wire decoder (pb_program.c) hands back:
 * unpacked with protobuf-c into the module arena, then read as above. */
const Type *pbr_vtype_bytes(Rd *r, const uint8_t *p, size_t n, SrcLoc loc)
{
	ProtobufCAllocator alloc = { pb_alloc, pb_free, r->a };
	if (wire_depth(&MILD(value_type), p, n, PBR_PROGRAM_DEPTH) < 0) {
		RD_ERR(r, FE_E_PROTOBUF, loc, "protobuf nests messages deeper than %d levels; refused",
		       MAX_DEPTH);
		return NULL;
	}
	MILS(ValueType) *vt = core_ml__specification__milspec__value_type__unpack(&alloc, n, p);
	if (!vt) {
		RD_ERR(r, FE_E_PROTOBUF, loc, "a value type does not decode");
		return NULL;
	}
	return read_vtype(r, vt, loc);
}

const Lit *pbr_value_bytes(Rd *r, const uint8_t *p, size_t n, SrcLoc loc)
{
	ProtobufCAllocator alloc = { pb_alloc, pb_free, r->a };
	if (wire_depth(&MILD(value), p, n, PBR_PROGRAM_DEPTH) < 0) {
		RD_ERR(r, FE_E_PROTOBUF, loc, "protobuf nests messages deeper than %d levels; refused",
		       MAX_DEPTH);
		return NULL;
	}
	MILS(Value) *v = core_ml__specification__milspec__value__unpack(&alloc, n, p);
	if (!v) {
		RD_ERR(r, FE_E_PROTOBUF, loc, "a value does not decode");
		return NULL;
	}
	return read_value(r, v, loc);
}

/* ------------------------------------------------------------ ML program: ops */

static int read_block(Rd *r, Func *f, Block *b, const MILS(Block) *pb);

/* Attribute maps (program, function, op) as Attr arrays.  A macro: each
 * map has its own generated entry type. */
#define READ_ATTRS(r, n, entries, loc, nout, out) do { \
	Attr *a_ = arena_array((r)->a, (n) ? (n) : 1, sizeof *a_); \
	uint32_t k_ = 0; \
	for (size_t i_ = 0; i_ < (n); i_++) { \
		const Lit *l_ = read_value((r), (entries)[i_]->value, (loc)); \
		if (l_) \
			a_[k_++] = (Attr){ dup((r), (entries)[i_]->key), l_ }; \
	} \
	*(nout) = k_; \
	(out) = a_; \
} while (0)

static Op *read_op(Rd *r, Func *f, Block *b, const MILS(Operation) *po)
{
	SrcLoc loc = { .file = r->file, .func = f->name, .col = f->nops };
	OpBuild ob;
	ob_start(&ob, f, b, po->type ? po->type : "", loc);
	for (size_t i = 0; i < po->n_inputs; i++) {
		const char *an = po->inputs[i]->key;
		const MILS(Argument) *arg = po->inputs[i]->value;
		size_t n = arg ? arg->n_arguments : 0;
		Binding *bs = arena_array(r->a, n ? n : 1, sizeof *bs);
		for (size_t j = 0; j < n; j++) {
			const MILS(Argument__Binding) *pb = arg->arguments[j];
			bs[j].value = VALUE_NONE;
			if (pb->binding_case == MILC(ARGUMENT__BINDING__BINDING_NAME)) {
				bs[j].kind = BIND_VALUE;
				bs[j].value = nt_lookup(&r->syms, pb->name);
				if (bs[j].value == VALUE_NONE)
					RD_ERR(r, FE_E_NAME, loc, "op '%s' argument '%s' names '%s', which "
					       "is not defined before it", po->type, an, pb->name);
			} else if (pb->binding_case == MILC(ARGUMENT__BINDING__BINDING_VALUE)) {
				bs[j].kind = BIND_LIT;
				bs[j].lit = read_value(r, pb->value, loc);
				if (!bs[j].lit)
					return NULL;
			} else {
				RD_ERR(r, FE_E_NAME, loc, "op '%s' argument '%s' has an empty binding",
				       po->type, an);
				return NULL;
			}
		}
		Operand o = { dup(r, an), n != 1, (uint32_t)n, bs };
		vec_push(r->a, &ob.args, o);
	}
	for (size_t i = 0; i < po->n_blocks; i++) {
		Block *nb = ir_block_new(f, ob.op, loc);
		if (read_block(r, f, nb, po->blocks[i]))
			return NULL;
		ob_block(&ob, nb);
	}
	uint32_t na;
	Attr *at;
	READ_ATTRS(r, po->n_attributes, po->attributes, loc, &na, at);
	for (uint32_t i = 0; i < na; i++)
		vec_push(r->a, &ob.attrs, at[i]);
	for (size_t i = 0; i < po->n_outputs; i++) {
		const Type *t = read_vtype(r, po->outputs[i]->type, loc);
		if (!t)
			return NULL;
		ValueId id = ob_out(&ob, po->outputs[i]->name, t);
		nt_define(&r->syms, ir_value(f, id)->name, id);
	}
	return ob_finish(&ob);
}

static ValueId add_param(Rd *r, Func *f, Block *b, const MILS(NamedValueType) *nv,
                         uint32_t index, SrcLoc loc)
{
	const Type *t = read_vtype(r, nv->type, loc);
	if (!t)
		return VALUE_NONE;
	ValueId id = ir_value_new(f, dup(r, nv->name), t, b, loc);
	ir_value(f, id)->def_index = index;
	nt_define(&r->syms, ir_value(f, id)->name, id);
	return id;
}

static int resolve_outs(Rd *r, Func *f, Block *b, size_t n, char *const *names, SrcLoc loc)
{
	b->nouts = (uint32_t)n;
	b->outs = arena_array(r->a, n ? n : 1, sizeof *b->outs);
	b->out_locs = arena_array(r->a, n ? n : 1, sizeof *b->out_locs);
	for (size_t i = 0; i < n; i++) {
		b->outs[i] = nt_lookup(&r->syms, names[i]);
		b->out_locs[i] = loc;
		if (b->outs[i] == VALUE_NONE) {
			RD_ERR(r, FE_E_NAME, loc, "block output '%s' is not defined in %s",
			       names[i], f->name);
			return -1;
		}
	}
	return 0;
}

static int read_block(Rd *r, Func *f, Block *b, const MILS(Block) *pb)
{
	SrcLoc loc = floc(r, f->name);
	uint32_t mark = nt_mark(&r->syms);
	b->nparams = (uint32_t)pb->n_inputs;
	b->params = arena_array(r->a, pb->n_inputs ? pb->n_inputs : 1, sizeof *b->params);
	for (size_t i = 0; i < pb->n_inputs; i++)
		if ((b->params[i] = add_param(r, f, b, pb->inputs[i], (uint32_t)i, loc)) == VALUE_NONE)
			return -1;
	OpList ol = { 0 };
	for (size_t i = 0; i < pb->n_operations; i++) {
		Op *op = read_op(r, f, b, pb->operations[i]);
		if (!op)
			return -1;
		vec_push(r->a, &ol.ops, op);
	}
	blk_done(r->a, b, &ol);
	int rc = resolve_outs(r, f, b, pb->n_outputs, pb->outputs, loc);
	nt_pop(&r->syms, mark);
	return rc;
}

static int read_function(Rd *r, const char *name, const MILS(Function) *pf)
{
	SrcLoc loc = floc(r, name);
	const MILS(Block) *body = NULL;
	for (size_t i = 0; i < pf->n_block_specializations; i++)
		if (strcmp(pf->block_specializations[i]->key, pf->opset) == 0)
			body = pf->block_specializations[i]->value;
	if (!body) {
		RD_ERR(r, FE_E_PROGRAM, loc, "function '%s' has no block for its opset '%s'",
		       name, pf->opset);
		return -1;
	}
	Func *f = ir_func_new(r->m, name, pf->opset, loc);
	READ_ATTRS(r, pf->n_attributes, pf->attributes, loc, &f->nattrs, f->attrs);
	/* the function's inputs are its body's parameters */
	uint32_t mark = nt_mark(&r->syms);
	Block *b = f->body;
	b->nparams = (uint32_t)pf->n_inputs;
	b->params = arena_array(r->a, pf->n_inputs ? pf->n_inputs : 1, sizeof *b->params);
	for (size_t i = 0; i < pf->n_inputs; i++)
		if ((b->params[i] = add_param(r, f, b, pf->inputs[i], (uint32_t)i, loc)) == VALUE_NONE)
			return -1;
	if (body->n_inputs) {
		RD_ERR(r, FE_E_PROGRAM, loc, "the body block of '%s' declares its own inputs", name);
		return -1;
	}
	OpList ol = { 0 };
	for (size_t i = 0; i < body->n_operations; i++) {
		Op *op = read_op(r, f, b, body->operations[i]);
		if (!op)
			return -1;
		vec_push(r->a, &ol.ops, op);
	}
	blk_done(r->a, b, &ol);
	int rc = resolve_outs(r, f, b, body->n_outputs, body->outputs, loc);
	nt_pop(&r->syms, mark);
	return rc;
}

/* A program's functions; `prefix` names them inside a pipeline. */
static int read_program(Rd *r, const MILS(Program) *pp, const char *prefix)
{
	if (!prefix) {
		READ_ATTRS(r, pp->n_attributes, pp->attributes, floc(r, NULL), &r->m->nattrs,
		           r->m->attrs);
	}
	if (!pp->n_functions) {
		RD_ERR(r, FE_E_PROGRAM, floc(r, NULL), "ML program has no functions");
		return -1;
	}
	for (size_t i = 0; i < pp->n_functions; i++) {
		const char *key = pp->functions[i]->key;
		const char *name = !prefix ? key
		                   : pp->n_functions == 1 ? prefix
		                   : arena_printf(r->a, "%s_%s", prefix, key);
		if (!pp->functions[i]->value) {
			RD_ERR(r, FE_E_PROGRAM, floc(r, key), "function '%s' is empty", key);
			return -1;
		}
		if (read_function(r, pbr_func_name(r, name), pp->functions[i]->value))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ opaque models */

/* The opset a non-program function is written in: the MIL opset of the
 * model's specification version (protobuf.md §5), iOS15 at the least,
 * since the ops these functions hold map to iOS15 MIL ops. */
static const char *spec_opset(const ModelDesc *d)
{
	switch (d ? d->spec_version : 0) {
	case 7: return "ios16";
	case 8: return "ios17";
	case 9: return "ios18";
	case 10: return "ios26";
	default: return "ios15";
	}
}

/* Function parameters from a description's inputs; defines their names. */
static void desc_params(Rd *r, Func *f, const FuncDesc *fd)
{
	Block *b = f->body;
	uint32_t n = fd ? fd->ninputs + fd->nstates : 0;
	b->nparams = n;
	b->params = arena_array(r->a, n ? n : 1, sizeof *b->params);
	for (uint32_t i = 0; i < n; i++) {
		const FeatureDesc *in = i < fd->ninputs ? &fd->inputs[i] : &fd->states[i - fd->ninputs];
		ValueId id = ir_value_new(f, vname(r, in->name), feature_ir_type(r->m, in), b, f->loc);
		ir_value(f, id)->def_index = i;
		b->params[i] = id;
		nt_define(&r->syms, in->name, id);
	}
}

/* Non-neural kinds: one op "model.<kind>" from the inputs to the outputs. */
static int read_opaque(Rd *r, const PbModel *pm, const ModelDesc *d, const char *fname)
{
	const FuncDesc *fd = &d->funcs[0];
	Func *f = ir_func_new(r->m, fname, spec_opset(d), floc(r, fname));
	uint32_t mark = nt_mark(&r->syms);
	desc_params(r, f, fd);
	SrcLoc loc = { .file = r->file, .func = f->name, .col = f->nops };
	OpBuild ob;
	ob_start(&ob, f, f->body, arena_printf(r->a, "model.%s", model_kind(pm)), loc);
	if (f->body->nparams)
		ob_values(&ob, "inputs", f->body->nparams, f->body->params);
	ob_attr(&ob, "name", fe_lit_scalar_str(r->m, model_kind(pm)));
	for (uint32_t i = 0; i < fd->noutputs; i++)
		ob_out(&ob, vname(r, fd->outputs[i].name), feature_ir_type(r->m, &fd->outputs[i]));
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

/* ------------------------------------------------------------ neural networks */

/* Each legacy layer becomes the MIL op that does the same (nn-layers.md
 * §5); the parameters that decide shape and cost become literal operands.
 * Layers without a MIL counterpart stay as "nn.<layerKind>" ops.  The
 * ops are iOS15 MIL ops; the function's opset follows the spec version. */

typedef SPEC(NeuralNetworkLayer) PbLayer;
typedef SPEC(WeightParams) PbWeights;
#define LAYER(x) SPECC(NEURAL_NETWORK_LAYER__LAYER_##x)

typedef struct Nn {
	Rd *r;
	Func *f;
	Block *b;
	OpList *ol;
	const PbLayer *layer;
	SrcLoc loc;
	int failed;
} Nn;

static ValueId nn_in(Nn *nn, size_t i)
{
	const PbLayer *l = nn->layer;
	if (i >= l->n_input) {
		RD_ERR(nn->r, FE_E_NAME, nn->loc, "layer '%s' needs input %zu but lists %zu",
		       l->name, i + 1, l->n_input);
		nn->failed = 1;
		return VALUE_NONE;
	}
	ValueId v = nt_lookup(&nn->r->syms, l->input[i]);
	if (v == VALUE_NONE) {
		RD_ERR(nn->r, FE_E_NAME, nn->loc, "layer '%s' reads '%s', which no earlier layer "
		       "or input defines", l->name, l->input[i]);
		nn->failed = 1;
	}
	return v;
}

static const Type *nn_tensor_type(Nn *nn, const SPEC(Tensor) *t)
{
	if (t && t->rank > 0 && t->rank <= MAX_RANK && t->n_dimvalue == t->rank) {
		Dim d[MAX_RANK];
		for (uint32_t i = 0; i < t->rank; i++)
			d[i] = t->dimvalue[i] >= 0 ? dim_const(t->dimvalue[i]) : dim_unknown();
		return type_tensor(nn->r->m->types, DT_FP32, (int32_t)t->rank, d);
	}
	return type_tensor(nn->r->m->types, DT_FP32, -1, NULL);
}

static void nn_start(Nn *nn, OpBuild *ob, const char *kind)
{
	nn->loc.col = nn->f->nops;
	ob_start(ob, nn->f, nn->b, kind, nn->loc);
}

static void nn_push(Nn *nn, OpBuild *ob, const char *name)
{
	ob_attr(ob, "name", fe_lit_scalar_str(nn->r->m, name));
	vec_push(nn->r->a, &nn->ol->ops, ob_finish(ob));
}

/* Finish an op whose outputs are the layer's outputs. */
static void nn_finish(Nn *nn, OpBuild *ob)
{
	const PbLayer *l = nn->layer;
	for (size_t i = 0; i < l->n_output; i++) {
		const Type *t = nn_tensor_type(nn, i < l->n_outputtensor ? l->outputtensor[i] : NULL);
		ValueId id = ob_out(ob, vname(nn->r, l->output[i]), t);
		nt_define(&nn->r->syms, dup(nn->r, l->output[i]), id);
	}
	nn_push(nn, ob, l->name);
}

/* An intermediate op of a layer that takes several MIL ops. */
static ValueId nn_step(Nn *nn, OpBuild *ob, const char *suffix)
{
	const char *name = arena_printf(nn->r->a, "%s_%s", nn->layer->name, suffix);
	ValueId id = ob_out(ob, vname(nn->r, name), type_tensor(nn->r->m->types, DT_FP32, -1, NULL));
	nn_push(nn, ob, name);
	return id;
}

static int64_t prod(int rank, const int64_t *shape)
{
	int64_t n = 1;
	for (int i = 0; i < rank; i++) {
		if (shape[i] < 0 || (shape[i] && n > INT64_MAX / shape[i]))
			return -1;
		n *= shape[i];
	}
	return n;
}

/* A weight tensor as a literal of the given shape; NULL when the weight
 * holds no data.  A size that does not fit the shape is an error. */
static const Lit *nn_weight(Nn *nn, const PbWeights *w, int rank, const int64_t *shape,
                            const char *what)
{
	Rd *r = nn->r;
	if (!w)
		return NULL;
	DType dt;
	int64_t have;
	const void *data;
	if (w->n_floatvalue) {
		dt = DT_FP32, have = (int64_t)w->n_floatvalue, data = w->floatvalue;
	} else if (w->float16value.len) {
		dt = DT_FP16, have = (int64_t)(w->float16value.len / 2), data = w->float16value.data;
	} else if (w->int8rawvalue.len) {
		dt = DT_INT8, have = (int64_t)w->int8rawvalue.len, data = w->int8rawvalue.data;
	} else if (w->rawvalue.len) {
		uint64_t bits = w->quantization ? w->quantization->numberofbits : 8;
		if (bits < 1 || bits > 8) {
			RD_ERR(r, FE_E_IMMEDIATE, nn->loc, "layer '%s': %s is quantized to %llu bits "
			       "(1 to 8 allowed)", nn->layer->name, what, (unsigned long long)bits);
			nn->failed = 1;
			return NULL;
		}
		static const DType by_bits[9] = { DT_COUNT, DT_UINT1, DT_UINT2, DT_UINT3, DT_UINT4,
		                                  DT_UINT8, DT_UINT6, DT_UINT8, DT_UINT8 };
		dt = by_bits[bits];
		int64_t want = prod(rank, shape);
		size_t len = w->rawvalue.len;
		have = (int64_t)(len * 8 / bits);
		if (want >= 0 && want <= have && (uint64_t)want * bits + 7 >= (uint64_t)len * 8)
			have = want;    /* the last byte is zero-padded */
		uint8_t *u = arena_array(r->a, have ? (size_t)have : 1, 1);
		/* MSB-first bit stream (nn-layers.md §1.5) */
		for (int64_t i = 0; i < have; i++) {
			unsigned v = 0;
			for (uint64_t k = 0, bit = (uint64_t)i * bits; k < bits; k++, bit++)
				v = v << 1 | ((w->rawvalue.data[bit >> 3] >> (7 - (bit & 7))) & 1u);
			u[i] = (uint8_t)v;
		}
		data = u;
	} else {
		return NULL;
	}
	int64_t want = prod(rank, shape);
	Dim d[MAX_RANK];
	if (want != have || rank > MAX_RANK) {
		RD_ERR(r, FE_E_IMMEDIATE, nn->loc, "layer '%s': %s holds %lld values, its shape "
		       "needs %lld", nn->layer->name, what, (long long)have, (long long)want);
		nn->failed = 1;
		return NULL;
	}
	for (int i = 0; i < rank; i++)
		d[i] = dim_const(shape[i]);
	return fe_lit_tensor(r->m, type_tensor(r->m->types, dt, rank, d), have, data);
}

static void nn_weight_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w,
                          int rank, const int64_t *shape)
{
	const Lit *l = nn_weight(nn, w, rank, shape, operand);
	if (l)
		ob_lit(ob, operand, l);
}

/* A weight of whatever length it has, as a rank-1 literal. */
static void nn_vector_arg(Nn *nn, OpBuild *ob, const char *operand, const PbWeights *w)
{
	if (!w)
		return;
	int64_t n = (int64_t)(w->n_floatvalue ? w->n_floatvalue : w->float16value.len / 2);
	if (!w->n_floatvalue && !w->float16value.len)
		n = (int64_t)(w->int8rawvalue.len ? w->int8rawvalue.len : w->rawvalue.len);
	if (w->rawvalue.len && w->quantization && w->quantization->numberofbits >= 1 &&
	    w->quantization->numberofbits <= 8)
		n = (int64_t)(w->rawvalue.len * 8 / w->quantization->numberofbits);
	nn_weight_arg(nn, ob, operand, w, 1, &n);
}

static void nn_ints(Nn *nn, OpBuild *ob, const char *operand, uint32_t n, const int64_t *v)
{
	ob_lit(ob, operand, fe_lit_vec_i32(nn->r->m, n, v));
}

static void nn_u64s(Nn *nn, OpBuild *ob, const char *operand, size_t n, const uint64_t *v,
                    int64_t dflt, size_t want)
{
	int64_t k[MAX_RANK];
	size_t m = n ? n : want;
	if (m > MAX_RANK)
		m = MAX_RANK;
	for (size_t i = 0; i < m; i++)
		k[i] = i < n ? (int64_t)(v[i] & INT64_MAX) : dflt;
	nn_ints(nn, ob, operand, (uint32_t)m, k);
}

static void nn_f32(Nn *nn, OpBuild *ob, const char *operand, float v)
{
	ob_lit(ob, operand, fe_lit_scalar_f32(nn->r->m, v));
}

static void nn_i32(Nn *nn, OpBuild *ob, const char *operand, int64_t v)
{
	ob_lit(ob, operand, fe_lit_scalar_i32(nn->r->m, (int32_t)v));
}

static void nn_str(Nn *nn, OpBuild *ob, const char *operand, const char *v)
{
	ob_lit(ob, operand, fe_lit_scalar_str(nn->r->m, v));
}

static void nn_bool(Nn *nn, OpBuild *ob, const char *operand, bool v)
{
	ob_lit(ob, operand, fe_lit_scalar_bool(nn->r->m, v));
}

/* Padding of conv and pool: ValidPadding amounts or SamePadding mode. */
static void nn_pad(Nn *nn, OpBuild *ob, const SPEC(ValidPadding) *valid,
                   const SPEC(SamePadding) *same)
{
	if (same) {
		nn_str(nn, ob, "pad_type", same->asymmetrymode ? "same_lower" : "same");
		return;
	}
	int64_t p[4] = { 0, 0, 0, 0 };
	const SPEC(BorderAmounts) *ba = valid ? valid->paddingamounts : NULL;
	for (size_t i = 0; ba && i < ba->n_borderamounts && i < 2; i++) {
		p[2 * i] = (int64_t)(ba->borderamounts[i]->startedgesize & INT32_MAX);
		p[2 * i + 1] = (int64_t)(ba->borderamounts[i]->endedgesize & INT32_MAX);
	}
	bool zero = !p[0] && !p[1] && !p[2] && !p[3];
	nn_str(nn, ob, "pad_type", zero ? "valid" : "custom");
	nn_ints(nn, ob, "pad", 4, p);
}

static void nn_conv(Nn *nn, OpBuild *ob)
{
	const SPEC(ConvolutionLayerParams) *c = nn->layer->convolution;
	int64_t kh = c->n_kernelsize > 0 ? (int64_t)c->kernelsize[0] : 3;
	int64_t kw = c->n_kernelsize > 1 ? (int64_t)c->kernelsize[1] : 3;
	int64_t g = c->ngroups ? (int64_t)c->ngroups : 1;
	int64_t cout = (int64_t)c->outputchannels, kc = (int64_t)c->kernelchannels;
	nn_start(nn, ob, c->isdeconvolution ? "conv_transpose" : "conv");
	ob_value(ob, "x", nn_in(nn, 0));
	if (nn->layer->n_input > 1) {
		ob_value(ob, "weight", nn_in(nn, 1));
	} else {
		int64_t ws[4] = { cout, kc, kh, kw };
		if (c->isdeconvolution)
			ws[0] = kc, ws[1] = g ? cout / g : cout;
		nn_weight_arg(nn, ob, "weight", c->weights, 4, ws);
	}
	if (c->hasbias)
		nn_weight_arg(nn, ob, "bias", c->bias, 1, &cout);
	nn_u64s(nn, ob, "strides", c->n_stride, c->stride, 1, 2);
	if (!c->isdeconvolution)
		nn_u64s(nn, ob, "dilations", c->n_dilationfactor, c->dilationfactor, 1, 2);
	nn_pad(nn, ob, c->convolution_padding_type_case ==
	       SPECC(CONVOLUTION_LAYER_PARAMS__CONVOLUTION_PADDING_TYPE_VALID) ? c->valid : NULL,
	       c->convolution_padding_type_case ==
	       SPECC(CONVOLUTION_LAYER_PARAMS__CONVOLUTION_PADDING_TYPE_SAME) ? c->same : NULL);
	nn_i32(nn, ob, "groups", g);
	if (c->isdeconvolution && c->n_outputshape)
		nn_u64s(nn, ob, "output_shape", c->n_outputshape, c->outputshape, 1, 0);
	nn_finish(nn, ob);
}

static void nn_pool(Nn *nn, OpBuild *ob)
{
	const SPEC(PoolingLayerParams) *p = nn->layer->pooling;
	static const char *const global[] = { "reduce_max", "reduce_mean", "reduce_l2_norm" };
	static const char *const local[] = { "max_pool", "avg_pool", "l2_pool" };
	unsigned t = (unsigned)p->type < 3 ? (unsigned)p->type : 0;
	if (p->globalpooling) {
		static const int64_t axes[] = { -2, -1 };
		nn_start(nn, ob, global[t]);
		ob_value(ob, "x", nn_in(nn, 0));
		nn_ints(nn, ob, "axes", 2, axes);
		nn_bool(nn, ob, "keep_dims", true);
		nn_finish(nn, ob);
		return;
	}
	nn_start(nn, ob, local[t]);
	ob_value(ob, "x", nn_in(nn, 0));
	nn_u64s(nn, ob, "kernel_sizes", p->n_kernelsize, p->kernelsize, 3, 2);
	nn_u64s(nn, ob, "strides", p->n_stride, p->stride, 1, 2);
	bool ceil_mode = false;
	switch (p->pooling_padding_type_case) {
	case SPECC(POOLING_LAYER_PARAMS__POOLING_PADDING_TYPE_SAME):
		nn_pad(nn, ob, NULL, p->same);
		break;
	case SPECC(POOLING_LAYER_PARAMS__POOLING_PADDING_TYPE_INCLUDE_LAST_PIXEL): {
		const SPEC(PoolingLayerParams__ValidCompletePadding) *v = p->includelastpixel;
		int64_t ph = v->n_paddingamounts > 0 ? (int64_t)(v->paddingamounts[0] & INT32_MAX) : 0;
		int64_t pw = v->n_paddingamounts > 1 ? (int64_t)(v->paddingamounts[1] & INT32_MAX) : 0;
		int64_t pad[4] = { ph, ph, pw, pw };
		nn_str(nn, ob, "pad_type", "custom");
		nn_ints(nn, ob, "pad", 4, pad);
		ceil_mode = true;
		break;
	}
	default:
		nn_pad(nn, ob, p->valid, NULL);
		break;
	}
	nn_bool(nn, ob, "ceil_mode", ceil_mode);
	if (t == 1)
		nn_bool(nn, ob, "exclude_padding_from_average", p->avgpoolexcludepadding);
	nn_finish(nn, ob);
}

static void nn_activation(Nn *nn, OpBuild *ob)
{
	const SPEC(ActivationParams) *a = nn->layer->activation;
	unsigned c = a->nonlinearity_type_case;
	const char *kind = c == SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE__NOT_SET) ? "nn.activation"
	                   : NULL;
	switch (c) {
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LINEAR): kind = "linear_activation"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_RE_LU): kind = "relu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LEAKY_RE_LU): kind = "leaky_relu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_THRESHOLDED_RE_LU): kind = "thresholded_relu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PRE_LU): kind = "prelu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_TANH): kind = "tanh"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SCALED_TANH): kind = "scaled_tanh"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID): kind = "sigmoid"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID_HARD): kind = "sigmoid_hard"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_ELU): kind = "elu"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SOFTSIGN): kind = "softsign"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SOFTPLUS): kind = "softplus"; break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PARAMETRIC_SOFTPLUS):
		kind = "softplus_parametric";
		break;
	}
	nn_start(nn, ob, kind);
	ob_value(ob, "x", nn_in(nn, 0));
	switch (c) {
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LINEAR):
		nn_f32(nn, ob, "alpha", a->linear->alpha);
		nn_f32(nn, ob, "beta", a->linear->beta);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LEAKY_RE_LU):
		nn_f32(nn, ob, "alpha", a->leakyrelu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_THRESHOLDED_RE_LU):
		nn_f32(nn, ob, "alpha", a->thresholdedrelu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PRE_LU):
		nn_vector_arg(nn, ob, "alpha", a->prelu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SCALED_TANH):
		nn_f32(nn, ob, "alpha", a->scaledtanh->alpha);
		nn_f32(nn, ob, "beta", a->scaledtanh->beta);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID_HARD):
		nn_f32(nn, ob, "alpha", a->sigmoidhard->alpha);
		nn_f32(nn, ob, "beta", a->sigmoidhard->beta);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_ELU):
		nn_f32(nn, ob, "alpha", a->elu->alpha);
		break;
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_PARAMETRIC_SOFTPLUS):
		nn_vector_arg(nn, ob, "alpha", a->parametricsoftplus->alpha);
		nn_vector_arg(nn, ob, "beta", a->parametricsoftplus->beta);
		break;
	}
	nn_finish(nn, ob);
}

/* An MIL activation name for recurrent layers. */
static const char *rnn_activation(const SPEC(ActivationParams) *a, const char *dflt)
{
	switch (a ? a->nonlinearity_type_case : 0) {
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_LINEAR): return "LINEAR";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_RE_LU): return "RELU";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_TANH): return "TANH";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SCALED_TANH): return "SCALED_TANH";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID): return "SIGMOID";
	case SPECC(ACTIVATION_PARAMS__NONLINEARITY_TYPE_SIGMOID_HARD): return "SIGMOID_HARD";
	default: return dflt;
	}
}

/* The four gate matrices of an LSTM, stacked in MIL order (input, forget,
 * output, cell); NULL unless all four are plain fp32 or fp16 of n values. */
static const Lit *lstm_stack(Nn *nn, const PbWeights *const g[4], int64_t rows, int64_t cols)
{
	int64_t n = rows * cols;
	bool f32 = g[0] && g[0]->n_floatvalue;
	for (int i = 0; i < 4; i++) {
		if (!g[i] || (f32 ? (int64_t)g[i]->n_floatvalue != n
		                  : (int64_t)g[i]->float16value.len != 2 * n))
			return NULL;
	}
	size_t es = f32 ? 4 : 2;
	uint8_t *p = arena_array(nn->r->a, (size_t)(4 * n), es);
	if (!p)
		return NULL;
	for (int i = 0; i < 4; i++)
		memcpy(p + (size_t)(i * n) * es,
		       f32 ? (const void *)g[i]->floatvalue : (const void *)g[i]->float16value.data,
		       (size_t)n * es);
	Dim d[2] = { dim_const(4 * rows), dim_const(cols) };
	const Type *t = type_tensor(nn->r->m->types, f32 ? DT_FP32 : DT_FP16, cols ? 2 : 1, d);
	return fe_lit_tensor(nn->r->m, t, 4 * n, p);
}

static bool lstm_weights(Nn *nn, OpBuild *ob, const SPEC(LSTMWeightParams) *w, int64_t in,
                         int64_t out, bool bias, const char *suffix)
{
	if (!w)
		return false;
	const PbWeights *ih[4] = { w->inputgateweightmatrix, w->forgetgateweightmatrix,
	                           w->outputgateweightmatrix, w->blockinputweightmatrix };
	const PbWeights *hh[4] = { w->inputgaterecursionmatrix, w->forgetgaterecursionmatrix,
	                           w->outputgaterecursionmatrix, w->blockinputrecursionmatrix };
	const PbWeights *b[4] = { w->inputgatebiasvector, w->forgetgatebiasvector,
	                          w->outputgatebiasvector, w->blockinputbiasvector };
	const Lit *lih = lstm_stack(nn, ih, out, in), *lhh = lstm_stack(nn, hh, out, out);
	const Lit *lb = bias ? lstm_stack(nn, b, out, 1) : NULL;
	if (!lih || !lhh || (bias && !lb))
		return false;
	ob_lit(ob, arena_printf(nn->r->a, "weight_ih%s", suffix), lih);
	ob_lit(ob, arena_printf(nn->r->a, "weight_hh%s", suffix), lhh);
	if (lb)
		ob_lit(ob, arena_printf(nn->r->a, "bias%s", suffix), lb);
	return true;
}

static bool nn_lstm(Nn *nn, OpBuild *ob, bool bidi)
{
	const PbLayer *l = nn->layer;
	const SPEC(LSTMParams) *p;
	int64_t in, out;
	SPEC(ActivationParams) *const *acts;
	size_t nacts;
	if (bidi) {
		const SPEC(BiDirectionalLSTMLayerParams) *b = l->bidirectionallstm;
		p = b->params, in = (int64_t)b->inputvectorsize, out = (int64_t)b->outputvectorsize;
		acts = b->activationsforwardlstm, nacts = b->n_activationsforwardlstm;
		if (b->n_weightparams != 2)
			return false;
	} else {
		const SPEC(UniDirectionalLSTMLayerParams) *u = l->unidirectionallstm;
		p = u->params, in = (int64_t)u->inputvectorsize, out = (int64_t)u->outputvectorsize;
		acts = u->activations, nacts = u->n_activations;
	}
	if (in < 0 || out < 0 || in > INT32_MAX || out > INT32_MAX)
		return false;
	bool bias = p && p->hasbiasvectors;
	nn_start(nn, ob, "lstm");
	ob_value(ob, "x", nn_in(nn, 0));
	if (l->n_input > 1 && l->input[1][0])
		ob_value(ob, "initial_h", nn_in(nn, 1));
	if (l->n_input > 2 && l->input[2][0])
		ob_value(ob, "initial_c", nn_in(nn, 2));
	bool ok = bidi ? lstm_weights(nn, ob, l->bidirectionallstm->weightparams[0], in, out, bias, "")
	                 && lstm_weights(nn, ob, l->bidirectionallstm->weightparams[1], in, out,
	                                 bias, "_back")
	               : lstm_weights(nn, ob, l->unidirectionallstm->weightparams, in, out, bias, "");
	if (!ok)
		return false;   /* the op is dropped: ir ops are arena objects */
	nn_str(nn, ob, "direction", bidi ? "bidirectional"
	       : l->unidirectionallstm->reverseinput ? "reverse" : "forward");
	nn_bool(nn, ob, "output_sequence", p && p->sequenceoutput);
	nn_str(nn, ob, "recurrent_activation", rnn_activation(nacts > 0 ? acts[0] : NULL, "SIGMOID"));
	nn_str(nn, ob, "cell_activation", rnn_activation(nacts > 1 ? acts[1] : NULL, "TANH"));
	nn_str(nn, ob, "activation", rnn_activation(nacts > 2 ? acts[2] : NULL, "TANH"));
	if (p && p->cellclipthreshold > 0)
		nn_f32(nn, ob, "clip", p->cellclipthreshold);
	nn_finish(nn, ob);
	return true;
}

/* Legacy add / multiply / max / min / average over n inputs, as a chain
 * of binary MIL ops. */
static void nn_fold(Nn *nn, OpBuild *ob, const char *kind, float alpha, bool has_alpha,
                    bool average)
{
	const PbLayer *l = nn->layer;
	size_t n = l->n_input;
	ValueId acc = nn_in(nn, 0);
	if (n <= 1) {
		nn_start(nn, ob, kind);
		ob_value(ob, "x", acc);
		if (has_alpha)
			nn_f32(nn, ob, "y", alpha);
		else
			ob_value(ob, "y", acc);
		nn_finish(nn, ob);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		nn_start(nn, ob, kind);
		ob_value(ob, "x", acc);
		ob_value(ob, "y", nn_in(nn, i));
		if (i + 1 == n && !average) {
			nn_finish(nn, ob);
			return;
		}
		acc = nn_step(nn, ob, arena_printf(nn->r->a, "%s%zu", kind, i));
	}
	nn_start(nn, ob, "mul");
	ob_value(ob, "x", acc);
	nn_f32(nn, ob, "y", 1.0f / (float)n);
	nn_finish(nn, ob);
}

static void nn_values(Nn *nn, OpBuild *ob, const char *operand)
{
	size_t n = nn->layer->n_input;
	ValueId *v = arena_array(nn->r->a, n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = nn_in(nn, i);
	ob_values(ob, operand, (uint32_t)n, v);
}

/* Anything without a MIL counterpart here: "nn.<kind>" over the inputs. */
static void nn_opaque(Nn *nn, OpBuild *ob, const char *kind)
{
	nn_start(nn, ob, arena_printf(nn->r->a, "nn.%s", kind));
	if (nn->layer->n_input == 1)
		ob_value(ob, "x", nn_in(nn, 0));
	else if (nn->layer->n_input > 1)
		nn_values(nn, ob, "values");
	nn_finish(nn, ob);
}

typedef struct NnMap {
	unsigned layer;
	const char *op;
} NnMap;

static const NnMap nn_unary_map[] = {
	{ LAYER(CEIL), "ceil" }, { LAYER(FLOOR), "floor" }, { LAYER(SIGN), "sign" },
	{ LAYER(ROUND), "round" }, { LAYER(EXP2), "exp2" }, { LAYER(SIN), "sin" },
	{ LAYER(COS), "cos" }, { LAYER(TAN), "tan" }, { LAYER(ASIN), "asin" },
	{ LAYER(ACOS), "acos" }, { LAYER(ATAN), "atan" }, { LAYER(SINH), "sinh" },
	{ LAYER(COSH), "cosh" }, { LAYER(TANH), "tanh" }, { LAYER(ATANH), "atanh" },
	{ LAYER(ERF), "erf" }, { LAYER(LOGICAL_NOT), "logical_not" },
	{ LAYER(GET_SHAPE), "shape" }, { LAYER(COPY), "identity" },
	{ LAYER(WHERE_NON_ZERO), "non_zero" },
};

static const NnMap nn_binary_map[] = {
	{ LAYER(ADD_BROADCASTABLE), "add" }, { LAYER(SUBTRACT_BROADCASTABLE), "sub" },
	{ LAYER(MULTIPLY_BROADCASTABLE), "mul" }, { LAYER(DIVIDE_BROADCASTABLE), "real_div" },
	{ LAYER(FLOOR_DIV_BROADCASTABLE), "floor_div" }, { LAYER(MOD_BROADCASTABLE), "mod" },
	{ LAYER(POW_BROADCASTABLE), "pow" }, { LAYER(MAX_BROADCASTABLE), "maximum" },
	{ LAYER(MIN_BROADCASTABLE), "minimum" }, { LAYER(EQUAL), "equal" },
	{ LAYER(NOT_EQUAL), "not_equal" }, { LAYER(LESS_THAN), "less" },
	{ LAYER(LESS_EQUAL), "less_equal" }, { LAYER(GREATER_THAN), "greater" },
	{ LAYER(GREATER_EQUAL), "greater_equal" }, { LAYER(LOGICAL_AND), "logical_and" },
	{ LAYER(LOGICAL_OR), "logical_or" }, { LAYER(LOGICAL_XOR), "logical_xor" },
};

static const NnMap nn_reduce_map[] = {
	{ LAYER(REDUCE_L1), "reduce_l1_norm" }, { LAYER(REDUCE_L2), "reduce_l2_norm" },
	{ LAYER(REDUCE_MAX), "reduce_max" }, { LAYER(REDUCE_MIN), "reduce_min" },
	{ LAYER(REDUCE_SUM), "reduce_sum" }, { LAYER(REDUCE_PROD), "reduce_prod" },
	{ LAYER(REDUCE_MEAN), "reduce_mean" }, { LAYER(REDUCE_LOG_SUM), "reduce_log_sum" },
	{ LAYER(REDUCE_SUM_SQUARE), "reduce_sum_square" },
	{ LAYER(REDUCE_LOG_SUM_EXP), "reduce_log_sum_exp" },
};

static const char *nn_find(const NnMap *map, size_t n, unsigned layer)
{
	for (size_t i = 0; i < n; i++)
		if (map[i].layer == layer)
			return map[i].op;
	return NULL;
}

/* The comparison layers' constant, used when they have one input. */
static float nn_cmp_alpha(const PbLayer *l)
{
	switch (l->layer_case) {
	case LAYER(EQUAL): return l->equal->alpha;
	case LAYER(NOT_EQUAL): return l->notequal->alpha;
	case LAYER(LESS_THAN): return l->lessthan->alpha;
	case LAYER(LESS_EQUAL): return l->lessequal->alpha;
	case LAYER(GREATER_THAN): return l->greaterthan->alpha;
	case LAYER(GREATER_EQUAL): return l->greaterequal->alpha;
	default: return 0;
	}
}

static void nn_layers(Rd *r, Func *f, Block *b, OpList *ol, size_t n,
                      SPEC(NeuralNetworkLayer) *const *layers, int depth);

static void nn_subnet(Nn *nn, OpBuild *ob, const SPEC(NeuralNetwork) *net, int depth)
{
	Block *blk = ir_block_new(nn->f, ob->op, nn->loc);
	OpList ol = { 0 };
	if (net)
		nn_layers(nn->r, nn->f, blk, &ol, net->n_layers, net->layers, depth + 1);
	blk_done(nn->r->a, blk, &ol);
	blk->out_locs = NULL;
	ob_block(ob, blk);
}

static void nn_layer(Nn *nn, int depth)
{
	const PbLayer *l = nn->layer;
	Module *m = nn->r->m;
	OpBuild ob;
	unsigned c = l->layer_case;
	const char *kind = c ? oneof_name(&SPECD(neural_network_layer), c) : "empty";
	const char *op;
	if ((op = nn_find(nn_unary_map, sizeof nn_unary_map / sizeof *nn_unary_map, c))) {
		nn_start(nn, &ob, op);
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_finish(nn, &ob);
		return;
	}
	if ((op = nn_find(nn_binary_map, sizeof nn_binary_map / sizeof *nn_binary_map, c))) {
		nn_start(nn, &ob, op);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (l->n_input > 1)
			ob_value(&ob, "y", nn_in(nn, 1));
		else
			nn_f32(nn, &ob, "y", nn_cmp_alpha(l));
		nn_finish(nn, &ob);
		return;
	}
	if ((op = nn_find(nn_reduce_map, sizeof nn_reduce_map / sizeof *nn_reduce_map, c))) {
		/* every ND reduce params message has this layout: read it through
		 * the reduceSum member's fields */
		const SPEC(ReduceSumLayerParams) *p = l->reducesum;
		nn_start(nn, &ob, op);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (!p->reduceall && p->n_axes)
			nn_ints(nn, &ob, "axes", (uint32_t)(p->n_axes < MAX_RANK ? p->n_axes : MAX_RANK),
			        p->axes);
		nn_bool(nn, &ob, "keep_dims", p->keepdims);
		nn_finish(nn, &ob);
		return;
	}
	switch (c) {
	case LAYER(CONVOLUTION):
		nn_conv(nn, &ob);
		return;
	case LAYER(POOLING):
		nn_pool(nn, &ob);
		return;
	case LAYER(ACTIVATION):
		nn_activation(nn, &ob);
		return;
	case LAYER(INNER_PRODUCT): {
		const SPEC(InnerProductLayerParams) *p = l->innerproduct;
		int64_t ws[2] = { (int64_t)p->outputchannels, (int64_t)p->inputchannels };
		nn_start(nn, &ob, "linear");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(BATCHED_MATMUL): {
		const SPEC(BatchedMatMulLayerParams) *p = l->batchedmatmul;
		if (l->n_input > 1) {
			nn_start(nn, &ob, "matmul");
			ob_value(&ob, "x", nn_in(nn, 0));
			ob_value(&ob, "y", nn_in(nn, 1));
			nn_bool(nn, &ob, "transpose_x", p->transposea);
			nn_bool(nn, &ob, "transpose_y", p->transposeb);
		} else {
			int64_t ws[2] = { (int64_t)p->weightmatrixseconddimension,
			                  (int64_t)p->weightmatrixfirstdimension };
			nn_start(nn, &ob, "linear");
			ob_value(&ob, "x", nn_in(nn, 0));
			nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
			if (p->hasbias)
				nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		}
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(BATCHNORM): {
		const SPEC(BatchnormLayerParams) *p = l->batchnorm;
		int64_t ch = (int64_t)p->channels;
		bool inorm = p->computemeanvar && p->instancenormalization;
		nn_start(nn, &ob, inorm ? "instance_norm" : p->computemeanvar ? "nn.batchnorm"
		                                                               : "batch_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (!p->computemeanvar) {
			nn_weight_arg(nn, &ob, "mean", p->mean, 1, &ch);
			nn_weight_arg(nn, &ob, "variance", p->variance, 1, &ch);
		}
		nn_weight_arg(nn, &ob, "gamma", p->gamma, 1, &ch);
		nn_weight_arg(nn, &ob, "beta", p->beta, 1, &ch);
		nn_f32(nn, &ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-5f);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(EMBEDDING): {
		const SPEC(EmbeddingLayerParams) *p = l->embedding;
		int64_t ws[2] = { (int64_t)p->outputchannels, (int64_t)p->inputdim };
		nn_start(nn, &ob, "nn.embedding");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(EMBEDDING_ND): {
		const SPEC(EmbeddingNDLayerParams) *p = l->embeddingnd;
		int64_t ws[2] = { (int64_t)p->embeddingsize, (int64_t)p->vocabsize };
		nn_start(nn, &ob, "nn.embeddingND");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "weight", p->weights, 2, ws);
		if (p->hasbias)
			nn_weight_arg(nn, &ob, "bias", p->bias, 1, ws);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(SOFTMAX):
	case LAYER(SOFTMAX_ND):
		nn_start(nn, &ob, "softmax");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", c == LAYER(SOFTMAX) ? -3 : l->softmaxnd->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(L2NORMALIZE):
		nn_start(nn, &ob, "l2_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "epsilon", l->l2normalize->epsilon != 0 ? l->l2normalize->epsilon : 1e-6f);
		nn_finish(nn, &ob);
		return;
	case LAYER(LRN):
		nn_start(nn, &ob, "local_response_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "size", (int64_t)(l->lrn->localsize & INT32_MAX));
		nn_f32(nn, &ob, "alpha", l->lrn->alpha);
		nn_f32(nn, &ob, "beta", l->lrn->beta);
		nn_f32(nn, &ob, "k", l->lrn->k != 0 ? l->lrn->k : 1.0f);
		nn_finish(nn, &ob);
		return;
	case LAYER(LAYER_NORMALIZATION): {
		const SPEC(LayerNormalizationLayerParams) *p = l->layernormalization;
		size_t k = p->n_normalizedshape < MAX_RANK ? p->n_normalizedshape : MAX_RANK;
		int64_t axes[MAX_RANK];
		for (size_t i = 0; i < k; i++)
			axes[i] = (int64_t)i - (int64_t)k;
		nn_start(nn, &ob, "layer_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "axes", (uint32_t)k, axes);
		nn_weight_arg(nn, &ob, "gamma", p->gamma, (int)k, p->normalizedshape);
		nn_weight_arg(nn, &ob, "beta", p->beta, (int)k, p->normalizedshape);
		nn_f32(nn, &ob, "epsilon", p->eps);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(MVN): {
		const SPEC(MeanVarianceNormalizeLayerParams) *p = l->mvn;
		static const int64_t axes[] = { -3, -2, -1 };
		if (!p->normalizevariance)
			break;
		nn_start(nn, &ob, "layer_norm");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "axes", p->acrosschannels ? 3 : 2, p->acrosschannels ? axes : axes + 1);
		nn_f32(nn, &ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-6f);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(ADD):
		nn_fold(nn, &ob, "add", l->add->alpha, true, false);
		return;
	case LAYER(MULTIPLY):
		nn_fold(nn, &ob, "mul", l->multiply->alpha, true, false);
		return;
	case LAYER(MAX):
		nn_fold(nn, &ob, "maximum", 0, false, false);
		return;
	case LAYER(MIN):
		nn_fold(nn, &ob, "minimum", 0, false, false);
		return;
	case LAYER(AVERAGE):
		nn_fold(nn, &ob, "add", 0, false, true);
		return;
	case LAYER(SCALE): {
		const SPEC(ScaleLayerParams) *p = l->scale;
		int64_t s[MAX_RANK], bsh[MAX_RANK];
		size_t ns = p->n_shapescale < MAX_RANK ? p->n_shapescale : MAX_RANK;
		size_t nb = p->n_shapebias < MAX_RANK ? p->n_shapebias : MAX_RANK;
		for (size_t i = 0; i < ns; i++)
			s[i] = (int64_t)(p->shapescale[i] & INT64_MAX);
		for (size_t i = 0; i < nb; i++)
			bsh[i] = (int64_t)(p->shapebias[i] & INT64_MAX);
		nn_start(nn, &ob, "mul");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "y", p->scale, (int)ns, s);
		if (!p->hasbias) {
			nn_finish(nn, &ob);
			return;
		}
		ValueId scaled = nn_step(nn, &ob, "scaled");
		nn_start(nn, &ob, "add");
		ob_value(&ob, "x", scaled);
		nn_weight_arg(nn, &ob, "y", p->bias, (int)nb, bsh);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(BIAS): {
		const SPEC(BiasLayerParams) *p = l->bias;
		int64_t s[MAX_RANK];
		size_t ns = p->n_shape < MAX_RANK ? p->n_shape : MAX_RANK;
		for (size_t i = 0; i < ns; i++)
			s[i] = (int64_t)(p->shape[i] & INT64_MAX);
		nn_start(nn, &ob, "add");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_weight_arg(nn, &ob, "y", p->bias, (int)ns, s);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(CONCAT):
	case LAYER(CONCAT_ND):
		nn_start(nn, &ob, "concat");
		nn_values(nn, &ob, "values");
		nn_i32(nn, &ob, "axis", c == LAYER(CONCAT_ND) ? l->concatnd->axis
		                        : l->concat->sequenceconcat ? -5 : -3);
		nn_bool(nn, &ob, "interleave", c == LAYER(CONCAT_ND) && l->concatnd->interleave);
		nn_finish(nn, &ob);
		return;
	case LAYER(RESHAPE):
	case LAYER(RESHAPE_STATIC):
	case LAYER(RANK_PRESERVING_RESHAPE): {
		size_t n = c == LAYER(RESHAPE) ? l->reshape->n_targetshape
		           : c == LAYER(RESHAPE_STATIC) ? l->reshapestatic->n_targetshape
		           : l->rankpreservingreshape->n_targetshape;
		const int64_t *s = c == LAYER(RESHAPE) ? l->reshape->targetshape
		                   : c == LAYER(RESHAPE_STATIC) ? l->reshapestatic->targetshape
		                   : l->rankpreservingreshape->targetshape;
		nn_start(nn, &ob, "reshape");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "shape", (uint32_t)(n < MAX_RANK ? n : MAX_RANK), s);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(RESHAPE_DYNAMIC):
		nn_start(nn, &ob, "reshape");
		ob_value(&ob, "x", nn_in(nn, 0));
		ob_value(&ob, "shape", nn_in(nn, 1));
		nn_finish(nn, &ob);
		return;
	case LAYER(FLATTEN): {
		ValueId x = nn_in(nn, 0);
		const Type *t = x != VALUE_NONE ? ir_value(nn->f, x)->type : NULL;
		if (!t || t->kind != TY_TENSOR || t->rank < 3 || l->flatten->mode != 0)
			break;
		int64_t s[MAX_RANK] = { 0 };
		s[t->rank - 3] = -1, s[t->rank - 2] = 1, s[t->rank - 1] = 1;
		nn_start(nn, &ob, "reshape");
		ob_value(&ob, "x", x);
		nn_ints(nn, &ob, "shape", (uint32_t)t->rank, s);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(FLATTEN_TO2_D):
		nn_start(nn, &ob, "flatten2d");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", l->flattento2d->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(PERMUTE): {
		const SPEC(PermuteLayerParams) *p = l->permute;
		static const int64_t map[4] = { 0, 2, 3, 4 };
		if (p->n_axis != 4)
			break;
		int64_t perm[5] = { map[p->axis[0] & 3], 1, map[p->axis[1] & 3],
		                    map[p->axis[2] & 3], map[p->axis[3] & 3] };
		nn_start(nn, &ob, "transpose");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "perm", 5, perm);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(TRANSPOSE):
		nn_start(nn, &ob, "transpose");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_u64s(nn, &ob, "perm", l->transpose->n_axes, l->transpose->axes, 0, 0);
		nn_finish(nn, &ob);
		return;
	case LAYER(SQUEEZE):
		nn_start(nn, &ob, "squeeze");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (!l->squeeze->squeezeall)
			nn_ints(nn, &ob, "axes", (uint32_t)(l->squeeze->n_axes < MAX_RANK
			        ? l->squeeze->n_axes : MAX_RANK), l->squeeze->axes);
		nn_finish(nn, &ob);
		return;
	case LAYER(EXPAND_DIMS):
		nn_start(nn, &ob, "expand_dims");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "axes", (uint32_t)(l->expanddims->n_axes < MAX_RANK
		        ? l->expanddims->n_axes : MAX_RANK), l->expanddims->axes);
		nn_finish(nn, &ob);
		return;
	case LAYER(SPLIT):
		nn_start(nn, &ob, "split");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "num_splits", l->split->noutputs ? (int64_t)(l->split->noutputs & INT32_MAX)
		                              : (int64_t)l->n_output);
		nn_i32(nn, &ob, "axis", -3);
		nn_finish(nn, &ob);
		return;
	case LAYER(SPLIT_ND): {
		const SPEC(SplitNDLayerParams) *p = l->splitnd;
		nn_start(nn, &ob, "split");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (p->n_splitsizes)
			nn_u64s(nn, &ob, "split_sizes", p->n_splitsizes, p->splitsizes, 0, 0);
		else
			nn_i32(nn, &ob, "num_splits", p->numsplits ? (int64_t)(p->numsplits & INT32_MAX)
			                               : (int64_t)l->n_output);
		nn_i32(nn, &ob, "axis", p->axis);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(PADDING): {
		const SPEC(PaddingLayerParams) *p = l->padding;
		static const char *const modes[] = { "constant", "constant", "reflect", "replicate" };
		int64_t pad[4] = { 0, 0, 0, 0 };
		const SPEC(BorderAmounts) *ba = p->paddingamounts;
		for (size_t i = 0; ba && i < ba->n_borderamounts && i < 2; i++) {
			pad[2 * i] = (int64_t)(ba->borderamounts[i]->startedgesize & INT32_MAX);
			pad[2 * i + 1] = (int64_t)(ba->borderamounts[i]->endedgesize & INT32_MAX);
		}
		nn_start(nn, &ob, "pad");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "pad", 4, pad);
		nn_str(nn, &ob, "mode", modes[p->padding_type_case < 4 ? p->padding_type_case : 0]);
		nn_f32(nn, &ob, "constant_val", p->padding_type_case ==
		       SPECC(PADDING_LAYER_PARAMS__PADDING_TYPE_CONSTANT) ? p->constant->value : 0.0f);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(CONSTANT_PAD): {
		const SPEC(ConstantPaddingLayerParams) *p = l->constantpad;
		if (p->padtogivenoutputsizemode)
			break;
		nn_start(nn, &ob, "pad");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_u64s(nn, &ob, "pad", p->n_padamounts, p->padamounts, 0, 0);
		nn_str(nn, &ob, "mode", "constant");
		nn_f32(nn, &ob, "constant_val", p->value);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(UPSAMPLE): {
		const SPEC(UpsampleLayerParams) *p = l->upsample;
		float sh = 1, sw = 1;
		if (p->n_fractionalscalingfactor >= 2)
			sh = p->fractionalscalingfactor[0], sw = p->fractionalscalingfactor[1];
		else if (p->n_scalingfactor >= 2)
			sh = (float)p->scalingfactor[0], sw = (float)p->scalingfactor[1];
		nn_start(nn, &ob, p->mode ? "upsample_bilinear" : "upsample_nearest_neighbor");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "scale_factor_height", sh);
		nn_f32(nn, &ob, "scale_factor_width", sw);
		if (p->mode)
			nn_bool(nn, &ob, "align_corners", p->linearupsamplemode == 1);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(RESIZE_BILINEAR): {
		const SPEC(ResizeBilinearLayerParams) *p = l->resizebilinear;
		nn_start(nn, &ob, "resize_bilinear");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "target_size_height",
		       p->n_targetsize > 0 ? (int64_t)(p->targetsize[0] & INT32_MAX) : 1);
		nn_i32(nn, &ob, "target_size_width",
		       p->n_targetsize > 1 ? (int64_t)(p->targetsize[1] & INT32_MAX) : 1);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(REORGANIZE_DATA): {
		static const char *const ops[] = { "space_to_depth", "depth_to_space", "pixel_shuffle" };
		unsigned mode = (unsigned)l->reorganizedata->mode;
		if (mode > 2)
			break;
		nn_start(nn, &ob, ops[mode]);
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, mode == 2 ? "upscale_factor" : "block_size",
		       (int64_t)(l->reorganizedata->blocksize & INT32_MAX));
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(UNARY): {
		static const char *const ops[] = { "sqrt", "rsqrt", "inverse", "pow", "exp", "log",
		                                   "abs", "threshold" };
		const SPEC(UnaryFunctionLayerParams) *p = l->unary;
		unsigned t = (unsigned)p->type;
		if (t > 7)
			break;
		nn_start(nn, &ob, ops[t]);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (t == 1 || t == 2 || t == 5)
			nn_f32(nn, &ob, "epsilon", p->epsilon != 0 ? p->epsilon : 1e-6f);
		if (t == 3)
			nn_f32(nn, &ob, "y", p->alpha);
		if (t == 7)
			nn_f32(nn, &ob, "alpha", p->alpha);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(REDUCE): {
		static const char *const ops[] = { "reduce_sum", "reduce_mean", "reduce_prod",
		                                   "reduce_log_sum", "reduce_sum_square",
		                                   "reduce_l1_norm", "reduce_l2_norm", "reduce_max",
		                                   "reduce_min", "reduce_argmax" };
		static const int64_t axes[][3] = { { -3, -2, -1 }, { -2, -1 }, { -3 }, { -2 }, { -1 } };
		static const uint32_t naxes[] = { 3, 2, 1, 1, 1 };
		const SPEC(ReduceLayerParams) *p = l->reduce;
		unsigned mode = (unsigned)p->mode, ax = (unsigned)p->axis;
		if (mode > 9 || ax > 4)
			break;
		nn_start(nn, &ob, ops[mode]);
		ob_value(&ob, "x", nn_in(nn, 0));
		if (mode == 9)
			nn_i32(nn, &ob, "axis", axes[ax][0]);
		else
			nn_ints(nn, &ob, "axes", naxes[ax], axes[ax]);
		nn_bool(nn, &ob, "keep_dims", true);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(ARG_MAX):
	case LAYER(ARG_MIN): {
		bool mx = c == LAYER(ARG_MAX);
		nn_start(nn, &ob, mx ? "reduce_argmax" : "reduce_argmin");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", mx ? l->argmax->axis : l->argmin->axis);
		nn_bool(nn, &ob, "keep_dims", !(mx ? l->argmax->removedim : l->argmin->removedim));
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(TOP_K):
		nn_start(nn, &ob, "topk");
		ob_value(&ob, "x", nn_in(nn, 0));
		if (l->n_input > 1)
			ob_value(&ob, "k", nn_in(nn, 1));
		else
			nn_i32(nn, &ob, "k", (int64_t)(l->topk->k & INT32_MAX));
		nn_i32(nn, &ob, "axis", l->topk->axis);
		nn_bool(nn, &ob, "ascending", l->topk->usebottomk);
		nn_finish(nn, &ob);
		return;
	case LAYER(ARG_SORT):
		nn_start(nn, &ob, "argsort");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", l->argsort->axis);
		nn_bool(nn, &ob, "ascending", !l->argsort->descending);
		nn_finish(nn, &ob);
		return;
	case LAYER(CUM_SUM):
		nn_start(nn, &ob, "cumsum");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "axis", l->cumsum->axis);
		nn_bool(nn, &ob, "exclusive", l->cumsum->excludefinalsum);
		nn_bool(nn, &ob, "reverse", l->cumsum->reverse);
		nn_finish(nn, &ob);
		return;
	case LAYER(CLAMPED_RE_LU):
		nn_start(nn, &ob, "clamped_relu");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "alpha", l->clampedrelu->alpha);
		nn_f32(nn, &ob, "beta", l->clampedrelu->beta);
		nn_finish(nn, &ob);
		return;
	case LAYER(GELU): {
		static const char *const modes[] = { "EXACT", "TANH_APPROXIMATION",
		                                     "SIGMOID_APPROXIMATION" };
		nn_start(nn, &ob, "gelu");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_str(nn, &ob, "mode", modes[(unsigned)l->gelu->mode < 3 ? l->gelu->mode : 0]);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(CLIP):
		nn_start(nn, &ob, "clip");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_f32(nn, &ob, "alpha", l->clip->minval);
		nn_f32(nn, &ob, "beta", l->clip->maxval);
		nn_finish(nn, &ob);
		return;
	case LAYER(WHERE_BROADCASTABLE):
		nn_start(nn, &ob, "select");
		ob_value(&ob, "cond", nn_in(nn, 0));
		ob_value(&ob, "a", nn_in(nn, 1));
		ob_value(&ob, "b", nn_in(nn, 2));
		nn_finish(nn, &ob);
		return;
	case LAYER(LOAD_CONSTANT):
	case LAYER(LOAD_CONSTANT_ND): {
		size_t n = c == LAYER(LOAD_CONSTANT) ? l->loadconstant->n_shape
		           : l->loadconstantnd->n_shape;
		const uint64_t *s = c == LAYER(LOAD_CONSTANT) ? l->loadconstant->shape
		                    : l->loadconstantnd->shape;
		int64_t shape[MAX_RANK];
		n = n < MAX_RANK ? n : MAX_RANK;
		for (size_t i = 0; i < n; i++)
			shape[i] = (int64_t)(s[i] & INT64_MAX);
		const Lit *v = nn_weight(nn, c == LAYER(LOAD_CONSTANT) ? l->loadconstant->data
		                                                        : l->loadconstantnd->data,
		                         (int)n, shape, "data");
		if (!v)
			break;
		nn_start(nn, &ob, "const");
		ob_attr(&ob, "val", v);
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(TILE):
		nn_start(nn, &ob, "tile");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_u64s(nn, &ob, "reps", l->tile->n_reps, l->tile->reps, 1, 0);
		nn_finish(nn, &ob);
		return;
	case LAYER(STACK):
		nn_start(nn, &ob, "stack");
		nn_values(nn, &ob, "values");
		nn_i32(nn, &ob, "axis", l->stack->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(GATHER):
	case LAYER(GATHER_ALONG_AXIS):
		nn_start(nn, &ob, c == LAYER(GATHER) ? "gather" : "gather_along_axis");
		ob_value(&ob, "x", nn_in(nn, 0));
		ob_value(&ob, "indices", nn_in(nn, 1));
		nn_i32(nn, &ob, "axis", c == LAYER(GATHER) ? l->gather->axis : l->gatheralongaxis->axis);
		nn_finish(nn, &ob);
		return;
	case LAYER(GATHER_ND):
		nn_start(nn, &ob, "gather_nd");
		ob_value(&ob, "x", nn_in(nn, 0));
		ob_value(&ob, "indices", nn_in(nn, 1));
		nn_finish(nn, &ob);
		return;
	case LAYER(MATRIX_BAND_PART):
		nn_start(nn, &ob, "band_part");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_i32(nn, &ob, "lower", l->matrixbandpart->numlower);
		nn_i32(nn, &ob, "upper", l->matrixbandpart->numupper);
		nn_finish(nn, &ob);
		return;
	case LAYER(SLICE_STATIC): {
		const SPEC(SliceStaticLayerParams) *p = l->slicestatic;
		size_t n = p->n_beginids < MAX_RANK ? p->n_beginids : MAX_RANK;
		if (p->n_endids != p->n_beginids || p->n_strides != p->n_beginids)
			break;
		nn_start(nn, &ob, "slice_by_index");
		ob_value(&ob, "x", nn_in(nn, 0));
		nn_ints(nn, &ob, "begin", (uint32_t)n, p->beginids);
		nn_ints(nn, &ob, "end", (uint32_t)n, p->endids);
		nn_ints(nn, &ob, "stride", (uint32_t)n, p->strides);
		/* the masks, when given per axis (nn-layers.md L19) */
		const protobuf_c_boolean *masks[3] = { p->beginmasks, p->endmasks, p->squeezemasks };
		size_t nmasks[3] = { p->n_beginmasks, p->n_endmasks, p->n_squeezemasks };
		static const char *const mask_names[3] = { "begin_mask", "end_mask", "squeeze_mask" };
		for (int k = 0; k < 3; k++) {
			if (nmasks[k] != n)
				continue;
			uint8_t *v = arena_array(nn->r->a, n ? n : 1, 1);
			for (size_t i = 0; i < n; i++)
				v[i] = masks[k][i] != 0;
			Dim d = dim_const((int64_t)n);
			ob_lit(&ob, mask_names[k], fe_lit_tensor(m, type_tensor(m->types, DT_BOOL, 1, &d),
			                                         (int64_t)n, v));
		}
		nn_finish(nn, &ob);
		return;
	}
	case LAYER(UNI_DIRECTIONAL_LSTM):
	case LAYER(BI_DIRECTIONAL_LSTM):
		if (nn_lstm(nn, &ob, c == LAYER(BI_DIRECTIONAL_LSTM)))
			return;
		nn->f->nops--;   /* the abandoned op is the block's last */
		nn->b->nops--;
		break;
	case LAYER(CUSTOM):
		nn_start(nn, &ob, "nn.custom");
		if (l->n_input)
			nn_values(nn, &ob, "values");
		ob_attr(&ob, "className", fe_lit_scalar_str(m, l->custom->classname));
		nn_finish(nn, &ob);
		return;
	case LAYER(BRANCH):
		nn_start(nn, &ob, "nn.branch");
		ob_value(&ob, "cond", nn_in(nn, 0));
		if (depth < MAX_DEPTH) {
			nn_subnet(nn, &ob, l->branch->ifbranch, depth);
			nn_subnet(nn, &ob, l->branch->elsebranch, depth);
		}
		nn_finish(nn, &ob);
		return;
	case LAYER(LOOP):
		nn_start(nn, &ob, "nn.loop");
		if (l->n_input)
			nn_values(nn, &ob, "values");
		nn_i32(nn, &ob, "max_iterations", (int64_t)(l->loop->maxloopiterations & INT32_MAX));
		if (depth < MAX_DEPTH) {
			nn_subnet(nn, &ob, l->loop->conditionnetwork, depth);
			nn_subnet(nn, &ob, l->loop->bodynetwork, depth);
		}
		nn_finish(nn, &ob);
		return;
	default:
		break;
	}
	nn_opaque(nn, &ob, kind);
}

static void nn_layers(Rd *r, Func *f, Block *b, OpList *ol, size_t n,
                      SPEC(NeuralNetworkLayer) *const *layers, int depth)
{
	for (size_t i = 0; i < n; i++) {
		Nn nn = { r, f, b, ol, layers[i], { .file = r->file, .func = f->name }, 0 };
		nn_layer(&nn, depth);
	}
}

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
		ValueId id = ob_out(&ob, vname(r, names[k]), t);
		nt_define(&r->syms, names[k], id);
	}
	nn_push(&nn, &ob, "classify");
}

static int nn_read(Rd *r, size_t n, SPEC(NeuralNetworkLayer) *const *layers, size_t npre,
                   SPEC(NeuralNetworkPreprocessing) *const *pre,
                   const SPEC(NeuralNetworkClassifier) *nc, const ModelDesc *d, const char *fname)
{
	const FuncDesc *fd = &d->funcs[0];
	Func *f = ir_func_new(r->m, fname, spec_opset(d), floc(r, fname));
	uint32_t mark = nt_mark(&r->syms), nerr = r->nerr;
	desc_params(r, f, fd);
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

/* ------------------------------------------------------------ models */

static int read_model(Rd *r, const PbModel *pm, const ModelDesc *d, const char *prefix,
                      int depth);

static int read_pipeline(Rd *r, const SPEC(Pipeline) *p, const ModelDesc *d,
                         const char *prefix, int depth)
{
	if (!p || !p->n_models) {
		RD_ERR(r, FE_E_MODEL, floc(r, NULL), "pipeline has no models");
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
		RD_ERR(r, FE_E_MODEL, floc(r, NULL), "pipelines nest too deep");
		return -1;
	}
	switch (pm->type_case) {
	case SPECC(MODEL__TYPE__NOT_SET):
		RD_ERR(r, FE_E_MODEL, floc(r, prefix), "%s holds no model (no model kind is set)",
		       prefix ? prefix : "the file");
		return -1;
	case SPECC(MODEL__TYPE_ML_PROGRAM):
		if (r->wire_stub && (const void *)pm->mlprogram == r->wire_stub)
			return pbw_read_program(r, r->wire_prog, r->wire_len, prefix);
		return read_program(r, pm->mlprogram, prefix);
	case SPECC(MODEL__TYPE_PIPELINE):
	case SPECC(MODEL__TYPE_PIPELINE_CLASSIFIER):
	case SPECC(MODEL__TYPE_PIPELINE_REGRESSOR):
		return read_pipeline(r, model_pipeline(pm), d, prefix, depth);
	case SPECC(MODEL__TYPE_NEURAL_NETWORK):
		return nn_read(r, pm->neuralnetwork->n_layers, pm->neuralnetwork->layers,
		               pm->neuralnetwork->n_preprocessing, pm->neuralnetwork->preprocessing,
		               NULL, d, pbr_func_name(r, prefix ? prefix : "main"));
	case SPECC(MODEL__TYPE_NEURAL_NETWORK_REGRESSOR): {
		const SPEC(NeuralNetworkRegressor) *nn = pm->neuralnetworkregressor;
		return nn_read(r, nn->n_layers, nn->layers, nn->n_preprocessing, nn->preprocessing,
		               NULL, d, pbr_func_name(r, prefix ? prefix : "main"));
	}
	case SPECC(MODEL__TYPE_NEURAL_NETWORK_CLASSIFIER): {
		const SPEC(NeuralNetworkClassifier) *nn = pm->neuralnetworkclassifier;
		return nn_read(r, nn->n_layers, nn->layers, nn->n_preprocessing, nn->preprocessing,
		               nn, d, pbr_func_name(r, prefix ? prefix : "main"));
	}
	default:
		return read_opaque(r, pm, d, pbr_func_name(r, prefix ? prefix : "main"));
	}
}

/* The top-level Model's mlProgram field (502): where its bytes are, and
 * the whole field (key and length included); false unless it occurs
 * exactly once, length-delimited, in a well-formed top level. */
static bool find_program(const uint8_t *p, size_t n, size_t *field_at, size_t *field_end,
                         size_t *prog_at, size_t *prog_len)
{
	unsigned seen = 0;
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		uint64_t key = 0, v = 0;
		for (unsigned shift = 0;; shift += 7) {
			if (i >= n || shift > 63)
				return false;
			key |= (uint64_t)(p[i] & 0x7f) << shift;
			if (!(p[i++] & 0x80))
				break;
		}
		unsigned wt = (unsigned)(key & 7);
		if (wt == 0) {
			while (i < n && (p[i] & 0x80))
				i++;
			if (i++ >= n)
				return false;
		} else if (wt == 1 || wt == 5) {
			size_t k = wt == 1 ? 8 : 4;
			if (n - i < k)
				return false;
			i += k;
		} else if (wt == 2) {
			for (unsigned shift = 0;; shift += 7) {
				if (i >= n || shift > 63)
					return false;
				v |= (uint64_t)(p[i] & 0x7f) << shift;
				if (!(p[i++] & 0x80))
					break;
			}
			if (v > n - i)
				return false;
			if (key >> 3 == SPECC(MODEL__TYPE_ML_PROGRAM)) {
				seen++;
				*field_at = start;
				*field_end = i + (size_t)v;
				*prog_at = i;
				*prog_len = (size_t)v;
			}
			i += (size_t)v;
		} else {
			return false;
		}
	}
	return seen == 1;
}

/* Unpack the Model.  A top-level ML program is left out of protobuf-c's
 * unpack and decoded from the wire later (pb_program.c): pm->mlprogram is
 * then a stub that holds only the function names (what read_desc needs). */
static PbModel *unpack_model(Rd *r, ProtobufCAllocator *alloc, const uint8_t *data, size_t len,
                             bool allow_wire, bool *too_deep)
{
	size_t at, end, pat, plen;
	uint32_t nf;
	const char **names;
	if (!allow_wire || !find_program(data, len, &at, &end, &pat, &plen) ||
	    pbw_program_function_names(r->a, data + pat, plen, &nf, &names) != 0) {
		/* protobuf-c reads it all: bound its recursion first */
		if (wire_depth(&SPECD(model), data, len, 0) < 0) {
			*too_deep = true;
			return NULL;
		}
		return core_ml__specification__model__unpack(alloc, len, data);
	}
	size_t rest_len = len - (end - at);
	uint8_t *rest = malloc(rest_len ? rest_len : 1);
	if (!rest)
		IR_DIE("out of memory");
	memcpy(rest, data, at);
	memcpy(rest + at, data + end, len - end);
	PbModel *pm = NULL;
	if (wire_depth(&SPECD(model), rest, rest_len, 0) < 0)
		*too_deep = true;
	else
		pm = core_ml__specification__model__unpack(alloc, rest_len, rest);
	free(rest);
	if (!pm)
		return NULL;
	MILS(Program) *stub = arena_alloc(r->a, sizeof *stub);
	core_ml__specification__milspec__program__init(stub);
	stub->n_functions = nf;
	stub->functions = arena_array(r->a, nf ? nf : 1, sizeof *stub->functions);
	for (uint32_t i = 0; i < nf; i++) {
		stub->functions[i] = arena_alloc(r->a, sizeof *stub->functions[i]);
		core_ml__specification__milspec__program__functions_entry__init(stub->functions[i]);
		stub->functions[i]->key = (char *)names[i];
	}
	pm->type_case = SPECC(MODEL__TYPE_ML_PROGRAM);
	pm->mlprogram = stub;
	r->wire_stub = stub;
	r->wire_prog = data + pat;
	r->wire_len = plen;
	return pm;
}

static Module *read_protobuf(const char *file, const void *data, size_t len,
                             const char *model_path, const char *format, DiagList *dl,
                             bool allow_wire);

Module *fe_read_protobuf(const char *file, const void *data, size_t len,
                         const char *model_path, const char *format, DiagList *dl)
{
	return read_protobuf(file, data, len, model_path, format, dl, true);
}

Module *pbr_read_protobuf_unpacked(const char *file, const void *data, size_t len,
                                   const char *model_path, const char *format, DiagList *dl)
{
	return read_protobuf(file, data, len, model_path, format, dl, false);
}

static Module *read_protobuf(const char *file, const void *data, size_t len,
                             const char *model_path, const char *format, DiagList *dl,
                             bool allow_wire)
{
	SrcLoc loc = { .file = file };
	if (len == 0) {
		diag_add(dl, SEV_ERROR, FE_E_EMPTY, loc, "file is empty, not a Core ML model");
		return NULL;
	}
	Module *m = ir_module_new(file);
	ProtobufCAllocator alloc = { pb_alloc, pb_free, m->arena };
	Rd r = { .m = m, .a = m->arena, .dl = dl, .file = m->file };
	bool too_deep = false;
	PbModel *pm = unpack_model(&r, &alloc, data, len, allow_wire, &too_deep);
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
	m->desc = read_desc(&r, pm, format ? format : "mlmodel");
	if (read_model(&r, pm, m->desc, NULL, 0) || r.nerr) {
		if (!r.nerr)
			diag_add(dl, SEV_ERROR, FE_E_MODEL, loc, "model could not be read");
		ir_module_free(m);
		return NULL;
	}
	blob_install(m);
	return m;
}
