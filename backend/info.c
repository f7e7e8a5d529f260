/* info.c - the `anelint info` report (docs/info-json.md): the model's form,
 * spec version and the OS releases it needs, its functions and their
 * interfaces (flexible shapes spelled out), op counts, weight bytes by
 * dtype and metadata.  Built as a json-c tree in a fixed key order; the
 * text form prints the same tree. */
#include "backend/info.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ir/op_catalogue.h"
#include "ir/weights.h"

/* ------------------------------------------------------------ helpers */

static void put(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *bound(int64_t v)
{
	return v < 0 ? json_object_new_string("inf") : json_object_new_int64(v);
}

static json_object *range_json(DimRange r)
{
	json_object *o = json_object_new_object();
	put(o, "lower", json_object_new_int64(r.lower));
	put(o, "upper", bound(r.upper));
	return o;
}

static json_object *shape_json(FeatShape s)
{
	if (!s.rank)
		return NULL;
	json_object *a = json_object_new_array();
	for (uint32_t i = 0; i < s.rank; i++)
		json_object_array_add(a, json_object_new_int64(s.dims[i]));
	return a;
}

static const char *flex_name(ShapeFlex f)
{
	switch (f) {
	case FLEX_ENUMERATED: return "enumerated";
	case FLEX_RANGE: return "range";
	default: return "none";
	}
}

static const char *color_name(ColorSpace c)
{
	switch (c) {
	case COLOR_GRAYSCALE: return "GRAYSCALE";
	case COLOR_RGB: return "RGB";
	case COLOR_BGR: return "BGR";
	case COLOR_GRAYSCALE_FP16: return "GRAYSCALE_FLOAT16";
	default: return "INVALID";
	}
}

/* ------------------------------------------------------------ interfaces */

static json_object *feature_json(const FeatureDesc *fd)
{
	json_object *o = json_object_new_object();
	put(o, "name", json_object_new_string(fd->name ? fd->name : ""));
	put(o, "kind", json_object_new_string(feature_kind_name(fd->kind)));
	switch (fd->kind) {
	case FEAT_MULTIARRAY:
	case FEAT_STATE:
		put(o, "dtype", fd->dtype < DT_COUNT ? json_object_new_string(dtype_name(fd->dtype))
		                                      : NULL);
		put(o, "shape", shape_json(fd->shape));
		put(o, "flexibility", json_object_new_string(flex_name(fd->flex)));
		if (fd->flex == FLEX_ENUMERATED) {
			json_object *a = json_object_new_array();
			for (uint32_t i = 0; i < fd->nshapes; i++)
				json_object_array_add(a, shape_json(fd->shapes[i]));
			put(o, "enumerated_shapes", a);
		} else if (fd->flex == FLEX_RANGE) {
			json_object *a = json_object_new_array();
			for (uint32_t i = 0; i < fd->nranges; i++)
				json_object_array_add(a, range_json(fd->ranges[i]));
			put(o, "ranges", a);
		}
		break;
	case FEAT_IMAGE:
		put(o, "width", json_object_new_int64(fd->width));
		put(o, "height", json_object_new_int64(fd->height));
		put(o, "color_space", json_object_new_string(color_name(fd->color)));
		put(o, "flexibility", json_object_new_string(flex_name(fd->size_flex)));
		if (fd->size_flex == FLEX_ENUMERATED) {
			json_object *a = json_object_new_array();
			for (uint32_t i = 0; i < fd->nsizes; i++) {
				json_object *s = json_object_new_object();
				put(s, "width", json_object_new_int64(fd->sizes[i].width));
				put(s, "height", json_object_new_int64(fd->sizes[i].height));
				json_object_array_add(a, s);
			}
			put(o, "enumerated_sizes", a);
		} else if (fd->size_flex == FLEX_RANGE) {
			put(o, "width_range", range_json(fd->width_range));
			put(o, "height_range", range_json(fd->height_range));
		}
		break;
	case FEAT_DICTIONARY:
		put(o, "key_kind", json_object_new_string(feature_kind_name(fd->key_kind)));
		break;
	case FEAT_SEQUENCE:
		put(o, "element_kind", json_object_new_string(feature_kind_name(fd->elem_kind)));
		put(o, "length_range", fd->has_len_range ? range_json(fd->len_range) : NULL);
		break;
	default:
		break;
	}
	put(o, "optional", json_object_new_boolean(fd->optional));
	put(o, "description", json_object_new_string(fd->short_desc ? fd->short_desc : ""));
	return o;
}

static json_object *features_json(uint32_t n, const FeatureDesc *fd)
{
	json_object *a = json_object_new_array();
	for (uint32_t i = 0; i < n; i++)
		json_object_array_add(a, feature_json(&fd[i]));
	return a;
}

static json_object *dims_json(const Type *t)
{
	if (t->rank < 0)
		return NULL;
	json_object *a = json_object_new_array();
	for (int32_t i = 0; i < t->rank; i++) {
		Dim d = t->dims[i];
		json_object_array_add(a, d.kind == DIM_CONST ? json_object_new_int64(d.size)
		                         : json_object_new_string(d.kind == DIM_SYM ? d.sym : "?"));
	}
	return a;
}

static const char *type_kind_name(TypeKind k)
{
	switch (k) {
	case TY_TENSOR: return "tensor";
	case TY_LIST: return "list";
	case TY_TUPLE: return "tuple";
	case TY_DICT: return "dict";
	case TY_STATE: return "state";
	case TY_TENSOR_BUFFER: return "tensor_buffer";
	}
	return "?";
}

/* An interface entry from a value of the function's signature. */
static json_object *value_json(const Module *m, const Value *v)
{
	json_object *o = json_object_new_object();
	const Type *t = v->type;
	put(o, "name", json_object_new_string(v->name));
	put(o, "kind", json_object_new_string(type_kind_name(t->kind)));
	const Type *tensor = t->kind == TY_STATE || t->kind == TY_LIST ? t->elem : t;
	if (tensor && (tensor->kind == TY_TENSOR || tensor->kind == TY_TENSOR_BUFFER)) {
		put(o, "dtype", json_object_new_string(dtype_name(tensor->dt)));
		put(o, "shape", dims_json(tensor));
	}
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (f) {
		ir_print_type(m, t, f);
		fclose(f);
		put(o, "type", json_object_new_string(buf ? buf : ""));
	}
	free(buf);
	return o;
}

static json_object *values_json(const Module *m, const Func *f, uint32_t n, const ValueId *ids,
                                bool states)
{
	json_object *a = json_object_new_array();
	for (uint32_t i = 0; i < n; i++) {
		const Value *v = ir_value(f, ids[i]);
		if ((v->type->kind == TY_STATE) == states)
			json_object_array_add(a, value_json(m, v));
	}
	return a;
}

/* The description of function f: by name, or a pipeline part's own. */
static const FuncDesc *func_desc(const ModelDesc *d, const Func *f)
{
	if (!d)
		return NULL;
	for (uint32_t i = 0; i < d->nfuncs; i++)
		if (d->funcs[i].name && strcmp(d->funcs[i].name, f->name) == 0)
			return &d->funcs[i];
	for (uint32_t i = 0; i < d->nsubmodels; i++)
		if (d->submodels[i].name && strcmp(d->submodels[i].name, f->name) == 0 &&
		    d->submodels[i].desc && d->submodels[i].desc->nfuncs)
			return &d->submodels[i].desc->funcs[0];
	return NULL;
}

/* inputs, outputs, states (+ predicted names) of a function, into o */
static void interface_json(json_object *o, const Module *m, const Func *f, const FuncDesc *fd)
{
	if (fd) {
		put(o, "interface_source", json_object_new_string("description"));
		put(o, "inputs", features_json(fd->ninputs, fd->inputs));
		put(o, "outputs", features_json(fd->noutputs, fd->outputs));
		put(o, "states", features_json(fd->nstates, fd->states));
		if (fd->predicted_feature)
			put(o, "predicted_feature", json_object_new_string(fd->predicted_feature));
		if (fd->predicted_probs)
			put(o, "predicted_probabilities", json_object_new_string(fd->predicted_probs));
		return;
	}
	const Block *b = f->body;
	put(o, "interface_source", json_object_new_string("signature"));
	put(o, "inputs", values_json(m, f, b->nparams, b->params, false));
	put(o, "outputs", values_json(m, f, b->nouts, b->outs, false));
	put(o, "states", values_json(m, f, b->nparams, b->params, true));
}

/* ------------------------------------------------------------ op counts */

typedef struct KindCount {
	const char *kind;
	uint64_t n;
} KindCount;

typedef struct Counts {
	VEC(const char *) kinds;        /* every op's kind, for sorting */
	Arena *a;
} Counts;

static void count_block(Counts *c, const Block *b)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		vec_push(c->a, &c->kinds, op->kind);
		for (uint32_t k = 0; k < op->nblocks; k++)
			count_block(c, op->blocks[k]);
	}
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* {kind: count} sorted by kind, from a list of kinds (sorted in place). */
static json_object *counts_json(const char **kinds, uint32_t n)
{
	qsort(kinds, n, sizeof *kinds, cmp_str);
	json_object *o = json_object_new_object();
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		while (j < n && strcmp(kinds[j], kinds[i]) == 0)
			j++;
		put(o, kinds[i], json_object_new_int64(j - i));
		i = j;
	}
	return o;
}

/* ------------------------------------------------------------ weights */

/* What info says about weights besides their bytes: the blob files the
 * literals reference (first use first), and the elided constants whose
 * declared type has no size.  ir_weight_bytes counts the latter among its
 * unknown sizes; info has always named elided constants apart and counted
 * only the literals of unknown size as unknown. */
typedef struct BlobFiles {
	HashMap seen;
	VEC(const char *) v;
	uint32_t elided_unknown;
	Arena *a;
} BlobFiles;

/* ir/weights.c's elided constant with no size: a const without its value
 * whose declared type (not a string) cannot be sized. */
static bool elided_unknown(const Func *f, const Op *op)
{
	if (ir_op_id(op) != OPID_const || op->nouts != 1 ||
	    ir_attr_find(op->nattrs, op->attrs, "val") || ir_op_operand(op, "val"))
		return false;
	const Type *t = ir_value(f, op->outs[0])->type;
	if (t && t->kind == TY_TENSOR && t->dt == DT_STRING)
		return false;
	return !t || ir_tensor_bytes(t) < 0;
}

static void lit_files(BlobFiles *bf, const Lit *l)
{
	if (l->kind == LIT_LIST || l->kind == LIT_TUPLE || l->kind == LIT_DICT) {
		uint32_t n = l->kind == LIT_DICT ? 2 * l->u.seq.n : l->u.seq.n;
		for (uint32_t i = 0; i < n; i++)
			lit_files(bf, l->u.seq.items[i]);
		return;
	}
	if (l->kind != LIT_BLOB || !l->u.blob.path)
		return;
	bool added;
	hmap_str(&bf->seen, l->u.blob.path, strlen(l->u.blob.path), &added);
	if (added)
		vec_push(bf->a, &bf->v, l->u.blob.path);
}

static void block_files(BlobFiles *bf, const Func *f, const Block *b)
{
	for (uint32_t i = 0; i < b->nops; i++) {
		const Op *op = b->ops[i];
		bf->elided_unknown += elided_unknown(f, op);
		for (uint32_t k = 0; k < op->nattrs; k++)
			if (op->attrs[k].val)
				lit_files(bf, op->attrs[k].val);
		for (uint32_t k = 0; k < op->nargs; k++)
			for (uint32_t j = 0; j < op->args[k].n; j++)
				if (op->args[k].b[j].kind == BIND_LIT && op->args[k].b[j].lit)
					lit_files(bf, op->args[k].b[j].lit);
		for (uint32_t k = 0; k < op->nblocks; k++)
			block_files(bf, f, op->blocks[k]);
	}
}

/* Stored weights by dtype (ir/weights.h: blob records and inline
 * literals; a printout's elided constants are counted, not weighed). */
static json_object *weights_json(const Module *m)
{
	WeightBytes w;
	ir_weight_bytes(m, &w);
	const int64_t *blob = w.stored[WSRC_BLOB], *inl = w.stored[WSRC_INLINE];
	const uint32_t *nblob = w.nstored[WSRC_BLOB], *ninl = w.nstored[WSRC_INLINE];
	json_object *o = json_object_new_object();
	int64_t tb = 0, ti = 0;
	for (int d = 0; d < DT_COUNT; d++) {
		tb += blob[d];
		ti += inl[d];
	}
	put(o, "total_bytes", json_object_new_int64(tb + ti));
	put(o, "blob_bytes", json_object_new_int64(tb));
	put(o, "inline_bytes", json_object_new_int64(ti));
	json_object *by = json_object_new_object();
	for (int d = 0; d < DT_COUNT; d++) {
		if (!nblob[d] && !ninl[d])
			continue;
		json_object *e = json_object_new_object();
		put(e, "bytes", json_object_new_int64(blob[d] + inl[d]));
		put(e, "blob_bytes", json_object_new_int64(blob[d]));
		put(e, "inline_bytes", json_object_new_int64(inl[d]));
		put(e, "blob_tensors", json_object_new_int64(nblob[d]));
		put(e, "inline_tensors", json_object_new_int64(ninl[d]));
		put(by, dtype_name((DType)d), e);
	}
	put(o, "by_dtype", by);
	BlobFiles bf = { .a = arena_new() };
	hmap_init(&bf.seen, bf.a);
	for (uint32_t i = 0; i < m->funcs.n; i++)
		block_files(&bf, m->funcs.v[i], m->funcs.v[i]->body);
	json_object *files = json_object_new_array();
	for (uint32_t i = 0; i < bf.v.n; i++)
		json_object_array_add(files, json_object_new_string(bf.v.v[i]));
	arena_free(bf.a);
	put(o, "blob_files", files);
	put(o, "shared_blob_references", json_object_new_int64(w.shared_refs));
	put(o, "unknown_size_tensors", json_object_new_int64(w.stored_unknown - bf.elided_unknown));
	put(o, "elided_constants", json_object_new_int64(w.elided));
	return o;
}

/* ------------------------------------------------------------ the report */

static const Func *default_func(const Module *m)
{
	const ModelDesc *d = m->desc;
	if (d && d->default_func) {
		const Func *f = ir_module_find_func(m, d->default_func);
		if (f)
			return f;
	}
	if (d && d->nsubmodels)
		return NULL;        /* a pipeline: no part is the default */
	const Func *f = ir_module_find_func(m, "main");
	return f ? f : m->funcs.n ? m->funcs.v[0] : NULL;
}

/* The OS releases: the spec version's, else those of the newest opset. */
static json_object *min_os_json(const Module *m)
{
	int32_t spec = m->desc ? m->desc->spec_version : 0;
	const char *from = "spec_version";
	if (spec <= 0) {
		int newest = 0;
		for (uint32_t i = 0; i < m->funcs.n; i++) {
			int l = m->funcs.v[i]->opset ? opset_level(m->funcs.v[i]->opset) : 0;
			if (l > newest)
				newest = l;
		}
		spec = newest == OPSET_IOS26 ? 10 : newest >= OPSET_IOS15 ? newest - 9 : 0;
		from = "opset";
	}
	MinOS os = model_min_os(spec);
	if (!os.ios)
		return NULL;
	json_object *o = json_object_new_object();
	put(o, "implied_by", json_object_new_string(from));
	put(o, "iOS", json_object_new_string(os.ios));
	put(o, "macOS", json_object_new_string(os.macos));
	put(o, "tvOS", json_object_new_string(os.tvos));
	put(o, "watchOS", json_object_new_string(os.watchos));
	return o;
}

static json_object *metadata_json(const ModelDesc *d)
{
	json_object *o = json_object_new_object();
	put(o, "short_description", str_or_null(d ? d->meta.short_desc : NULL));
	put(o, "author", str_or_null(d ? d->meta.author : NULL));
	put(o, "license", str_or_null(d ? d->meta.license : NULL));
	put(o, "version", str_or_null(d ? d->meta.version : NULL));
	json_object *u = json_object_new_object();
	for (uint32_t i = 0; d && i < d->meta.nuser; i++)
		put(u, d->meta.user[i].key, json_object_new_string(d->meta.user[i].value));
	put(o, "user_defined", u);
	return o;
}

json_object *info_report(const Module *m, const char *path, const char *format)
{
	const ModelDesc *d = m->desc;
	json_object *r = json_object_new_object();
	put(r, "schema", json_object_new_string("anelint-info"));
	put(r, "schema_version", json_object_new_int(INFO_SCHEMA_VERSION));
	put(r, "file", json_object_new_string(path ? path : m->file));
	put(r, "format", json_object_new_string(d && d->format ? d->format
	                                        : format ? format : "unknown"));
	put(r, "kind", json_object_new_string(d && d->kind ? d->kind : "mlProgram"));
	put(r, "spec_version", d && d->spec_version > 0 ? json_object_new_int(d->spec_version) : NULL);
	put(r, "min_os", min_os_json(m));
	put(r, "updatable", json_object_new_boolean(d && d->is_updatable));
	const Func *df = default_func(m);
	put(r, "default_function", df ? json_object_new_string(df->name) : NULL);

	/* the model's interface: the description's, or the default function's */
	json_object *iface = json_object_new_object();
	const FuncDesc *top = d ? model_desc_func(d, NULL) : NULL;
	if (top || df)
		interface_json(iface, m, df, top);
	json_object *v;
	const char *keys[] = { "interface_source", "inputs", "outputs", "states" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		put(r, keys[i], json_object_object_get_ex(iface, keys[i], &v) ? json_object_get(v)
		                : i ? json_object_new_array() : json_object_new_string("none"));
	put(r, "predicted_feature", json_object_object_get_ex(iface, "predicted_feature", &v)
	                            ? json_object_get(v) : NULL);
	put(r, "predicted_probabilities",
	    json_object_object_get_ex(iface, "predicted_probabilities", &v) ? json_object_get(v)
	                                                                    : NULL);
	json_object_put(iface);

	Counts all = { .a = arena_new() };
	json_object *funcs = json_object_new_array();
	for (uint32_t i = 0; i < m->funcs.n; i++) {
		const Func *f = m->funcs.v[i];
		json_object *o = json_object_new_object();
		put(o, "name", json_object_new_string(f->name));
		put(o, "opset", str_or_null(f->opset));
		put(o, "default", json_object_new_boolean(f == df));
		interface_json(o, m, f, func_desc(d, f));
		Counts c = { .a = all.a };
		count_block(&c, f->body);
		put(o, "ops", json_object_new_int64(c.kinds.n));
		for (uint32_t k = 0; k < c.kinds.n; k++)
			vec_push(all.a, &all.kinds, c.kinds.v[k]);
		put(o, "op_counts", counts_json(c.kinds.v, c.kinds.n));
		json_object_array_add(funcs, o);
	}
	put(r, "functions", funcs);
	json_object *parts = json_object_new_array();
	for (uint32_t i = 0; d && i < d->nsubmodels; i++) {
		json_object *o = json_object_new_object();
		put(o, "name", json_object_new_string(d->submodels[i].name));
		put(o, "kind", json_object_new_string(d->submodels[i].kind));
		json_object_array_add(parts, o);
	}
	put(r, "pipeline", parts);
	put(r, "training_inputs", features_json(d ? d->ntraining : 0, d ? d->training_inputs : NULL));
	put(r, "ops", json_object_new_int64(all.kinds.n));
	put(r, "op_counts", counts_json(all.kinds.v, all.kinds.n));
	arena_free(all.a);
	put(r, "weights", weights_json(m));
	put(r, "metadata", metadata_json(d));
	return r;
}

void info_print_json(json_object *report, FILE *out)
{
	fputs(json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY |
	                                     JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	fputc('\n', out);
}

/* ------------------------------------------------------------ text */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The string at key, "" when absent or not a string (never NULL). */
static const char *gets(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	const char *s = v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	return s ? s : "";
}

static void print_shape(FILE *out, json_object *a)
{
	if (!a) {
		fputs("(shape not stated)", out);
		return;
	}
	fputc('[', out);
	for (size_t i = 0; i < json_object_array_length(a); i++)
		fprintf(out, "%s%s", i ? ", " : "", json_object_get_string(json_object_array_get_idx(a, i)));
	fputc(']', out);
}

static void print_range(FILE *out, json_object *r)
{
	fprintf(out, "%s..%s", json_object_get_string(get(r, "lower")),
	        json_object_get_string(get(r, "upper")));
}

static void print_size(FILE *out, json_object *s)
{
	fprintf(out, " %sx%s", json_object_get_string(get(s, "width")),
	        json_object_get_string(get(s, "height")));
}

/* One line under a feature for the array a (nothing when NULL): label,
 * the items between sep, then end. */
static void print_list(FILE *out, const char *indent, json_object *a, const char *label,
                       const char *sep, void (*item)(FILE *, json_object *), const char *end)
{
	if (!a)
		return;
	fprintf(out, "%s%-24s   %s", indent, "", label);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		fputs(i ? sep : "", out);
		item(out, json_object_array_get_idx(a, i));
	}
	fputs(end, out);
}

static void print_feature(FILE *out, json_object *f, const char *indent)
{
	const char *kind = gets(f, "kind");
	fprintf(out, "%s%-24s %s", indent, gets(f, "name"), kind);
	if (strcmp(kind, "image") == 0) {
		fprintf(out, " %s", gets(f, "color_space"));
		print_size(out, f);
	} else if (get(f, "dtype") || get(f, "shape")) {
		fprintf(out, " %s ", *gets(f, "dtype") ? gets(f, "dtype") : "(dtype not stated)");
		print_shape(out, get(f, "shape"));
	} else if (get(f, "type")) {
		fprintf(out, " %s", gets(f, "type"));
	}
	if (*gets(f, "key_kind"))
		fprintf(out, " of %s keys", gets(f, "key_kind"));
	if (*gets(f, "element_kind"))
		fprintf(out, " of %s", gets(f, "element_kind"));
	if (get(f, "optional") && json_object_get_boolean(get(f, "optional")))
		fputs(" (optional)", out);
	fputc('\n', out);
	print_list(out, indent, get(f, "enumerated_shapes"), "enumerated shapes: ", " | ",
	           print_shape, "\n");
	print_list(out, indent, get(f, "ranges"), "ranges: [", ", ", print_range, "]\n");
	print_list(out, indent, get(f, "enumerated_sizes"), "enumerated sizes:", "", print_size,
	           "\n");
	if (get(f, "width_range")) {
		fprintf(out, "%s%-24s   width ", indent, "");
		print_range(out, get(f, "width_range"));
		fputs(", height ", out);
		print_range(out, get(f, "height_range"));
		fputc('\n', out);
	}
	if (get(f, "length_range")) {
		fprintf(out, "%s%-24s   length ", indent, "");
		print_range(out, get(f, "length_range"));
		fputc('\n', out);
	}
	const char *desc = gets(f, "description");
	if (*desc)
		fprintf(out, "%s%-24s   \"%s\"\n", indent, "", desc);
}

static void print_features(FILE *out, json_object *o, const char *key, const char *title,
                           const char *indent)
{
	json_object *a = get(o, key);
	size_t n = a ? json_object_array_length(a) : 0;
	if (!n && strcmp(key, "states") == 0)
		return;
	fprintf(out, "%s%s:%s\n", indent, title, n ? "" : " none");
	char deeper[32];
	snprintf(deeper, sizeof deeper, "%s  ", indent);
	for (size_t i = 0; i < n; i++)
		print_feature(out, json_object_array_get_idx(a, i), deeper);
}

static int cmp_count(const void *x, const void *y)
{
	const KindCount *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->kind, b->kind);
}

static void print_counts(FILE *out, json_object *counts, const char *indent)
{
	size_t n = (size_t)json_object_object_length(counts), k = 0;
	KindCount *kc = calloc(n ? n : 1, sizeof *kc);
	if (!kc)
		IR_DIE("out of memory");
	json_object_object_foreach(counts, key, val) {
		kc[k++] = (KindCount){ key, (uint64_t)json_object_get_int64(val) };
	}
	qsort(kc, n, sizeof *kc, cmp_count);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%-32s %6" PRIu64 "\n", indent, kc[i].kind, kc[i].n);
	free(kc);
}

static void print_bytes(FILE *out, int64_t b)
{
	if (b >= 1 << 20)
		fprintf(out, "%.1f MiB (%" PRId64 " bytes)", (double)b / (1 << 20), b);
	else if (b >= 1 << 10)
		fprintf(out, "%.1f KiB (%" PRId64 " bytes)", (double)b / (1 << 10), b);
	else
		fprintf(out, "%" PRId64 " bytes", b);
}

void info_print_text(json_object *r, FILE *out)
{
	fprintf(out, "model:         %s\n", gets(r, "file"));
	fprintf(out, "format:        %s\n", gets(r, "format"));
	fprintf(out, "kind:          %s%s\n", gets(r, "kind"),
	        json_object_get_boolean(get(r, "updatable")) ? " (updatable)" : "");
	json_object *os = get(r, "min_os");
	if (get(r, "spec_version"))
		fprintf(out, "spec version:  %d\n", json_object_get_int(get(r, "spec_version")));
	else
		fputs("spec version:  none (MIL text)\n", out);
	if (os)
		fprintf(out, "minimum OS:    iOS %s, macOS %s, tvOS %s, watchOS %s (from the %s)\n",
		        gets(os, "iOS"), gets(os, "macOS"), gets(os, "tvOS"), gets(os, "watchOS"),
		        strcmp(gets(os, "implied_by"), "opset") == 0 ? "opset" : "spec version");
	json_object *parts = get(r, "pipeline");
	if (json_object_array_length(parts)) {
		fputs("pipeline:     ", out);
		for (size_t i = 0; i < json_object_array_length(parts); i++) {
			json_object *p = json_object_array_get_idx(parts, i);
			fprintf(out, "%s %s (%s)", i ? "," : "", gets(p, "name"), gets(p, "kind"));
		}
		fputc('\n', out);
	}
	json_object *funcs = get(r, "functions");
	size_t nf = json_object_array_length(funcs);
	fputs("functions:    ", out);
	for (size_t i = 0; i < nf; i++) {
		json_object *f = json_object_array_get_idx(funcs, i);
		fprintf(out, "%s %s (%s%s)", i ? "," : "", gets(f, "name"),
		        *gets(f, "opset") ? gets(f, "opset") : "no opset",
		        json_object_get_boolean(get(f, "default")) ? ", default" : "");
	}
	fputc('\n', out);
	fprintf(out, "interface:     from the %s\n",
	        strcmp(gets(r, "interface_source"), "description") == 0
	        ? "model description" : "function signature");
	print_features(out, r, "inputs", "inputs", "");
	print_features(out, r, "outputs", "outputs", "");
	print_features(out, r, "states", "states", "");
	if (*gets(r, "predicted_feature"))
		fprintf(out, "predicted feature:       %s\n", gets(r, "predicted_feature"));
	if (*gets(r, "predicted_probabilities"))
		fprintf(out, "predicted probabilities: %s\n", gets(r, "predicted_probabilities"));
	json_object *tr = get(r, "training_inputs");
	if (json_object_array_length(tr))
		print_features(out, r, "training_inputs", "training inputs", "");
	for (size_t i = 0; i < nf && nf > 1; i++) {
		json_object *f = json_object_array_get_idx(funcs, i);
		fprintf(out, "function %s:\n", gets(f, "name"));
		print_features(out, f, "inputs", "inputs", "  ");
		print_features(out, f, "outputs", "outputs", "  ");
		print_features(out, f, "states", "states", "  ");
		fprintf(out, "  ops: %" PRId64 "\n", json_object_get_int64(get(f, "ops")));
		print_counts(out, get(f, "op_counts"), "    ");
	}
	fprintf(out, "ops:           %" PRId64 "%s\n", json_object_get_int64(get(r, "ops")),
	        nf > 1 ? " (all functions)" : "");
	print_counts(out, get(r, "op_counts"), "  ");

	json_object *w = get(r, "weights");
	fputs("weights:       ", out);
	print_bytes(out, json_object_get_int64(get(w, "total_bytes")));
	fputs(": blob ", out);
	print_bytes(out, json_object_get_int64(get(w, "blob_bytes")));
	fputs(", inline ", out);
	print_bytes(out, json_object_get_int64(get(w, "inline_bytes")));
	fputc('\n', out);
	json_object_object_foreach(get(w, "by_dtype"), dt, e) {
		fprintf(out, "  %-10s ", dt);
		print_bytes(out, json_object_get_int64(get(e, "bytes")));
		fprintf(out, " in %" PRId64 " blob + %" PRId64 " inline tensors\n",
		        json_object_get_int64(get(e, "blob_tensors")),
		        json_object_get_int64(get(e, "inline_tensors")));
	}
	json_object *files = get(w, "blob_files");
	for (size_t i = 0; i < json_object_array_length(files); i++)
		fprintf(out, "  weight file: %s (not read)\n",
		        json_object_get_string(json_object_array_get_idx(files, i)));
	int64_t el = json_object_get_int64(get(w, "elided_constants"));
	if (el)
		fprintf(out, "  %" PRId64 " constants left out by the printout (sizes unknown)\n", el);
	int64_t us = json_object_get_int64(get(w, "unknown_size_tensors"));
	if (us)
		fprintf(out, "  %" PRId64 " weight tensors of unknown shape (not counted)\n", us);

	json_object *md = get(r, "metadata");
	fputs("metadata:\n", out);
	static const char *const mk[][2] = { { "short_description", "description" },
	                                     { "author", "author" }, { "license", "license" },
	                                     { "version", "version" } };
	bool any = false;
	for (size_t i = 0; i < sizeof mk / sizeof mk[0]; i++)
		if (*gets(md, mk[i][0])) {
			fprintf(out, "  %-12s %s\n", mk[i][1], gets(md, mk[i][0]));
			any = true;
		}
	json_object_object_foreach(get(md, "user_defined"), key, val) {
		fprintf(out, "  %s: %s\n", key, json_object_get_string(val));
		any = true;
	}
	if (!any)
		fputs("  none\n", out);
}
