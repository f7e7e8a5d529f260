/*
 * pb_reader.c - CoreML.Specification.Model protobuf -> IR.
 *
 * With pb_nn.c (legacy neural-network layers) the only files that see the
 * protobuf-c generated types (pb_spec.h; STYLE.md point 16).  protobuf-c
 * unpacks into the module arena (its allocator is backed by arena_alloc,
 * free is a no-op).  Neural-network weights are left out of the unpack and
 * referenced where they lie in the model's bytes (elide_msg, pbr_weight).
 *
 *   Model ─ description         -> Module.desc (ModelDesc)
 *         ├ mlProgram           -> functions, op for op (read_program)
 *         ├ neuralNetwork[...]  -> one function, layer by layer (pb_nn.c)
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
#include "frontend/pb_spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


typedef SPEC(Model) PbModel;


/* ------------------------------------------------------------ allocation */

/* protobuf-c initialises what it allocates (as over plain malloc). */
static void *pb_alloc(void *arena, size_t size)
{
	return arena_alloc_raw(arena, size);
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

/* ------------------------------------------------------------ weights left in place
 *
 * A neural network's weights are nearly all of its bytes, and protobuf-c
 * would copy every WeightParams payload into the arena (megabytes of fresh
 * pages).  So the bytes handed to protobuf-c are first rewritten: each
 * payload (floatValue packed, float16Value, rawValue, int8RawValue) becomes
 * an unknown field WEIGHT_MARK holding the index of a PbWeightRef that
 * points at the payload in the original bytes; pbr_weight reads a
 * WeightParams through both.  The rewrite walks every message field with
 * the schema, so it also bounds the nesting as wire_depth does.  What it
 * does not handle - malformed bytes, a singular message given twice
 * (protobuf-c merges those) - sends the reader back to the plain unpack,
 * which says what is wrong as before.  Nested messages it rewrites get
 * a 5-byte length (a padded varint, which decoders accept). */
enum { WEIGHT_MARK = 0x1fffffff };     /* the largest field number: no schema uses it */

typedef struct Elide {
	Rd *r;
	uint8_t *out;
	size_t n, cap;
	const uint8_t *skip;    /* a top-level field left out (the wire-read program) */
	bool too_deep;
} Elide;

static void el_put(Elide *e, const void *p, size_t n)
{
	if (e->cap - e->n < n) {
		size_t cap = e->cap ? e->cap : 4096;
		while (cap - e->n < n)
			cap *= 2;
		uint8_t *o = realloc(e->out, cap);
		if (!o)
			IR_DIE("out of memory");
		e->out = o;
		e->cap = cap;
	}
	memcpy(e->out + e->n, p, n);
	e->n += n;
}

static void el_varint(Elide *e, uint64_t v)
{
	uint8_t b[10];
	size_t k = 0;
	for (; v >= 0x80; v >>= 7)
		b[k++] = (uint8_t)(v | 0x80);
	b[k++] = (uint8_t)v;
	el_put(e, b, k);
}

static bool rd_varint(const uint8_t *p, size_t n, size_t *i, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0; *i < n && shift <= 63; shift += 7) {
		uint8_t b = p[(*i)++];
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

static bool is_payload(uint64_t fno)
{
	return fno == 1 || fno == 2 || fno == 30 || fno == 31;
}

/* A WeightParams whose payload fields occur at most once each: only its
 * payloads are left out (a repeated field joins or replaces). */
static bool payloads_once(const uint8_t *p, size_t n)
{
	unsigned seen = 0;
	size_t i = 0;
	while (i < n) {
		uint64_t key, v;
		if (!rd_varint(p, n, &i, &key))
			return false;
		switch (key & 7) {
		case 0:
			if (!rd_varint(p, n, &i, &v))
				return false;
			break;
		case 1:
		case 5: {
			size_t k = (key & 7) == 1 ? 8 : 4;
			if (n - i < k)
				return false;
			i += k;
			break;
		}
		case 2:
			if (!rd_varint(p, n, &i, &v) || v > n - i)
				return false;
			i += (size_t)v;
			break;
		default:
			return false;
		}
		if (is_payload(key >> 3)) {
			uint64_t f = key >> 3;
			unsigned bit = f == 1 ? 1 : f == 2 ? 2 : f == 30 ? 4 : 8;
			if (seen & bit)
				return false;
			seen |= bit;
		}
	}
	return true;
}

/* Copy the message p[0..n) of type d into e->out, payloads left out.
 * -1: not for this path (malformed, merged messages, too deep). */
static int elide_msg(Elide *e, const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
                     int depth)
{
	if (depth > MAX_DEPTH) {
		e->too_deep = true;
		return -1;
	}
	bool weights = d == &SPECD(weight_params);
	bool elide = weights && payloads_once(p, n);
	uint32_t singular[32];
	unsigned nsingular = 0;
	size_t i = 0, run = 0;  /* p[run..) is copied as it is, when the next change comes */
	while (i < n) {
		size_t start = i;
		uint64_t key, v;
		if (!rd_varint(p, n, &i, &key))
			return -1;
		size_t key_end = i;
		uint64_t fno = key >> 3;
		switch (key & 7) {
		case 0:
			if (!rd_varint(p, n, &i, &v))
				return -1;
			break;
		case 1:
		case 5: {
			size_t k = (key & 7) == 1 ? 8 : 4;
			if (n - i < k)
				return -1;
			i += k;
			break;
		}
		case 2: {
			if (!rd_varint(p, n, &i, &v) || v > n - i)
				return -1;
			const uint8_t *body = p + i;
			i += (size_t)v;
			if (p + start == e->skip) {
				el_put(e, p + run, start - run);
				run = i;
				continue;
			}
			if (elide && is_payload(fno) && v && !(fno == 1 && v % 4)) {
				PbWeightRef ref = { body, (size_t)v, (uint32_t)fno };
				vec_push(e->r->a, &e->r->wrefs, ref);
				el_put(e, p + run, start - run);
				run = i;
				el_varint(e, (uint64_t)WEIGHT_MARK << 3);
				el_varint(e, e->r->wrefs.n - 1);
				continue;
			}
			const ProtobufCFieldDescriptor *f =
				fno <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)fno)
				                  : NULL;
			if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
				break;
			if (f->label != PROTOBUF_C_LABEL_REPEATED) {
				for (unsigned k = 0; k < nsingular; k++)
					if (singular[k] == fno)
						return -1;
				if (nsingular == sizeof singular / sizeof *singular)
					return -1;
				singular[nsingular++] = (uint32_t)fno;
			}
			el_put(e, p + run, key_end - run);
			run = i;
			size_t at = e->n;
			static const uint8_t pad[5];
			el_put(e, pad, sizeof pad);
			if (elide_msg(e, f->descriptor, body, (size_t)v, depth + 1))
				return -1;
			size_t len = e->n - at - sizeof pad;
			if (len > INT32_MAX)
				return -1;
			for (int k = 0; k < 5; k++)
				e->out[at + k] = (uint8_t)(((len >> (7 * k)) & 0x7f) | (k < 4 ? 0x80 : 0));
			continue;
		}
		default:
			return -1;
		}
		if (weights && fno == WEIGHT_MARK) {
			el_put(e, p + run, start - run);    /* the input's own: ours are the only marks */
			run = i;
		}
	}
	el_put(e, p + run, n - run);
	return 0;
}

/* The payloads of w (see above). */
void pbr_weight(Rd *r, const SPEC(WeightParams) *w, PbWeight *out)
{
	*out = (PbWeight){ w->n_floatvalue, w->floatvalue, w->float16value, w->rawvalue,
	                   w->int8rawvalue, false };
	for (unsigned i = 0; i < w->base.n_unknown_fields; i++) {
		const ProtobufCMessageUnknownField *u = &w->base.unknown_fields[i];
		size_t k = 0;
		uint64_t idx;
		if (u->tag != WEIGHT_MARK || u->wire_type != PROTOBUF_C_WIRE_TYPE_VARINT ||
		    !rd_varint(u->data, u->len, &k, &idx) || idx >= r->wrefs.n)
			continue;
		const PbWeightRef *ref = &r->wrefs.v[idx];
		const uint8_t *data = ref->p;
		out->in_place = true;
		ProtobufCBinaryData b = { ref->n, (uint8_t *)data };
		switch (ref->field) {
		case 1: out->nfloats = ref->n / 4; out->floats = data; break;
		case 2: out->f16 = b; break;
		case 30: out->raw = b; break;
		default: out->int8 = b; break;
		}
	}
}

const void *pbr_weight_keep(Rd *r, const PbWeight *pw, const void *data, size_t n)
{
	if (!pw->in_place || r->keep_bytes)
		return data;
	/* the caller's bytes die with the read: the literal needs a copy */
	void *c = arena_alloc(r->a, n);
	if (!c)
		IR_DIE("out of memory");
	memcpy(c, data, n);
	return c;
}

/* ------------------------------------------------------------ reader state */

/* Where a function-level problem is: the file (messages name the
 * function; SrcLoc.func would print as an op position). */
static SrcLoc floc(const Rd *r, const char *func)
{
	(void)func;
	return pbr_floc(r);
}

const char *pbr_dup(Rd *r, const char *s)
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
	const char *n = want && *want ? pbr_dup(r, want) : "main";
	for (uint32_t k = 1; name_taken(r, n); k++)
		n = arena_printf(r->a, "%s_%u", want && *want ? want : "main", k);
	vec_push(r->a, &r->fnames, n);
	return n;
}

/* A value name for a neural-network blob or a feature: the name itself
 * when it is a MIL identifier, else with every other character turned
 * into '_' (and a leading '_' before a digit), so the printed IR parses
 * back.  Lookups keep using the original names. */
const char *pbr_vname(Rd *r, const char *orig)
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
const char *pbr_oneof_name(const ProtobufCMessageDescriptor *d, unsigned number)
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

static const char *model_kind(const PbModel *pm)
{
	if (pm->type_case == SPECC(MODEL__TYPE__NOT_SET))
		return "none";
	return pbr_oneof_name(&SPECD(model), pm->type_case);
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
		s[i].name = i < p->n_names && p->names[i][0] ? pbr_dup(r, p->names[i])
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
				kv[i] = (KeyValue){ pbr_dup(r, md->userdefined[i]->key),
				                    pbr_dup(r, md->userdefined[i]->value) };
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
		const char *fn = v->blobfilevalue->filename ? v->blobfilevalue->filename : "";
		l->u.blob.path = fe_intern(r->m, fn, strlen(fn));
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
			a_[k_++] = (Attr){ pbr_dup((r), (entries)[i_]->key), l_ }; \
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
		Operand o = { pbr_dup(r, an), n != 1, (uint32_t)n, bs };
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
	ValueId id = ir_value_new(f, pbr_dup(r, nv->name), t, b, loc);
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
const char *pbr_spec_opset(const ModelDesc *d)
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
void pbr_desc_params(Rd *r, Func *f, const FuncDesc *fd)
{
	Block *b = f->body;
	uint32_t n = fd ? fd->ninputs + fd->nstates : 0;
	b->nparams = n;
	b->params = arena_array(r->a, n ? n : 1, sizeof *b->params);
	for (uint32_t i = 0; i < n; i++) {
		const FeatureDesc *in = i < fd->ninputs ? &fd->inputs[i] : &fd->states[i - fd->ninputs];
		ValueId id = ir_value_new(f, pbr_vname(r, in->name), feature_ir_type(r->m, in), b, f->loc);
		ir_value(f, id)->def_index = i;
		b->params[i] = id;
		nt_define(&r->syms, in->name, id);
	}
}

/* Non-neural kinds: one op "model.<kind>" from the inputs to the outputs. */
static int read_opaque(Rd *r, const PbModel *pm, const ModelDesc *d, const char *fname)
{
	const FuncDesc *fd = &d->funcs[0];
	Func *f = ir_func_new(r->m, fname, pbr_spec_opset(d), floc(r, fname));
	uint32_t mark = nt_mark(&r->syms);
	pbr_desc_params(r, f, fd);
	SrcLoc loc = { .file = r->file, .func = f->name, .col = f->nops };
	OpBuild ob;
	ob_start(&ob, f, f->body, arena_printf(r->a, "model.%s", model_kind(pm)), loc);
	if (f->body->nparams)
		ob_values(&ob, "inputs", f->body->nparams, f->body->params);
	ob_attr(&ob, "name", fe_lit_scalar_str(r->m, model_kind(pm)));
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

/* Whether a Model's kind (a top-level field) can hold WeightParams: a
 * neural network, its classifier or regressor, or a pipeline. */
static bool may_hold_weights(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint64_t key, v;
		if (!rd_varint(p, n, &i, &key))
			return true;
		switch (key & 7) {
		case 0:
			if (!rd_varint(p, n, &i, &v))
				return true;
			break;
		case 1:
		case 5: {
			size_t k = (key & 7) == 1 ? 8 : 4;
			if (n - i < k)
				return true;
			i += k;
			break;
		}
		case 2:
			if (!rd_varint(p, n, &i, &v) || v > n - i)
				return true;
			i += (size_t)v;
			break;
		default:
			return true;
		}
		switch (key >> 3) {
		case SPECC(MODEL__TYPE_PIPELINE_CLASSIFIER):
		case SPECC(MODEL__TYPE_PIPELINE_REGRESSOR):
		case SPECC(MODEL__TYPE_PIPELINE):
		case SPECC(MODEL__TYPE_NEURAL_NETWORK_REGRESSOR):
		case SPECC(MODEL__TYPE_NEURAL_NETWORK_CLASSIFIER):
		case SPECC(MODEL__TYPE_NEURAL_NETWORK):
			return true;
		}
	}
	return false;
}

/* Unpack the Model.  A top-level ML program is left out of protobuf-c's
 * unpack and decoded from the wire later (pb_program.c): pm->mlprogram is
 * then a stub that holds only the function names (what read_desc needs).
 * Weight payloads are left out too, in the kinds that have them
 * (elide_msg). */
static PbModel *unpack_model(Rd *r, ProtobufCAllocator *alloc, const uint8_t *data, size_t len,
                             bool allow_wire, bool *too_deep)
{
	size_t at = 0, end = 0, pat = 0, plen = 0;
	uint32_t nf = 0;
	const char **names = NULL;
	bool wire = allow_wire && find_program(data, len, &at, &end, &pat, &plen) &&
	            pbw_program_function_names(r->a, data + pat, plen, &nf, &names) == 0;
	Elide e = { .r = r, .skip = wire ? data + at : NULL };
	PbModel *pm = NULL;
	if (may_hold_weights(data, len) && elide_msg(&e, &SPECD(model), data, len, 0) == 0) {
		pm = core_ml__specification__model__unpack(alloc, e.n, e.out ? e.out : data);
	} else if (e.too_deep) {
		*too_deep = true;
	} else {
		/* the plain unpack: no weights, or for what it reports */
		r->wrefs.n = 0;
		const uint8_t *in = data;
		size_t in_len = len;
		if (wire) {
			in_len = len - (end - at);
			e.n = 0;
			el_put(&e, data, at);
			el_put(&e, data + end, len - end);
			in = e.out ? e.out : data;
		}
		if (wire_depth(&SPECD(model), in, in_len, 0) < 0)
			*too_deep = true;
		else
			pm = core_ml__specification__model__unpack(alloc, in_len, in);
	}
	free(e.out);
	if (!pm || !wire)
		return pm;
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
                             bool allow_wire, bool keep);

Module *fe_read_protobuf(const char *file, const void *data, size_t len,
                         const char *model_path, const char *format, DiagList *dl)
{
	return read_protobuf(file, data, len, model_path, format, dl, true, false);
}

Module *fe_read_protobuf_kept(const char *file, const void *data, size_t len,
                              const char *model_path, const char *format, DiagList *dl,
                              void (*release)(void *), void *ctx)
{
	Module *m = read_protobuf(file, data, len, model_path, format, dl, true, true);
	if (m)
		ir_module_on_free(m, release, ctx);
	else
		release(ctx);
	return m;
}

Module *pbr_read_protobuf_unpacked(const char *file, const void *data, size_t len,
                                   const char *model_path, const char *format, DiagList *dl)
{
	return read_protobuf(file, data, len, model_path, format, dl, false, false);
}

static Module *read_protobuf(const char *file, const void *data, size_t len,
                             const char *model_path, const char *format, DiagList *dl,
                             bool allow_wire, bool keep)
{
	SrcLoc loc = { .file = file };
	if (len == 0) {
		diag_add(dl, SEV_ERROR, FE_E_EMPTY, loc, "file is empty, not a Core ML model");
		return NULL;
	}
	Module *m = ir_module_new(file);
	ProtobufCAllocator alloc = { pb_alloc, pb_free, m->arena };
	Rd r = { .m = m, .a = m->arena, .dl = dl, .file = m->file, .keep_bytes = keep };
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
