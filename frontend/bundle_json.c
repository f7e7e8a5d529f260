/*
 * bundle_json.c - the JSON files of model bundles: an .mlpackage's
 * Manifest.json (read in place when it is the usual simple object, else by
 * json-c, which also names what is malformed) and an .mlmodelc's
 * metadata.json (json-c) -> the model description.
 * Facts: spec/bundles-and-blobs.md §1-3.
 */
#include "frontend/bundle_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

enum { METADATA_CAP = 64 << 20 };

static SrcLoc at(const char *file)
{
	return (SrcLoc){ .file = file };
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* text[0..n) parsed by json-c; NULL, or not an object, on error (*err). */
static json_object *json_parse(const char *text, size_t n, enum json_tokener_error *err)
{
	json_tokener *tok = json_tokener_new();
	if (!tok)
		IR_DIE("out of memory");
	json_object *j = json_tokener_parse_ex(tok, text, (int)n);
	*err = json_tokener_get_error(tok);
	json_tokener_free(tok);
	return j;
}

/* ------------------------------------------------------------ Manifest.json */

const char *const fe_manifest_item_keys[4] = { "path", "name", "author", "description" };

static void man_add(Manifest *mf, ManItem it)
{
	ManItem *n = realloc(mf->items, (mf->nitems + 1) * sizeof *n);
	if (!n)
		IR_DIE("out of memory");
	mf->items = n;
	mf->items[mf->nitems++] = it;
}

/* The usual Manifest.json - objects and plain strings only - read in place
 * (strings end where their quote was).  json-c took ~40K instructions for
 * a 600-byte manifest, a fixed part of every package's load.  False for
 * anything else (escapes, control bytes, numbers, arrays, a repeated item
 * or trailing bytes): then json-c reads it and says what is wrong. */
typedef struct Jp {
	char *p, *end;
} Jp;

static void jp_ws(Jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool jp_char(Jp *j, char c)
{
	jp_ws(j);
	if (j->p >= j->end || *j->p != c)
		return false;
	j->p++;
	return true;
}

static char *jp_str(Jp *j)
{
	jp_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return NULL;
	char *s = ++j->p;
	for (; j->p < j->end && *j->p != '"'; j->p++)
		if ((unsigned char)*j->p < 0x20 || *j->p == '\\')
			return NULL;
	if (j->p >= j->end)
		return NULL;
	*j->p++ = 0;
	return s;
}

/* An object's members: each key, then its value through `member` (which
 * reads it, or returns false); an empty object is fine. */
typedef bool (*JpMember)(Jp *j, const char *key, void *ctx);

static bool jp_object(Jp *j, JpMember member, void *ctx, int depth);

static bool jp_skip(Jp *j, const char *key, void *ctx)
{
	(void)key;
	jp_ws(j);
	if (j->p < j->end && *j->p == '{')
		return jp_object(j, jp_skip, NULL, (int)(intptr_t)ctx + 1);
	return jp_str(j) != NULL;
}

static bool jp_object(Jp *j, JpMember member, void *ctx, int depth)
{
	if (depth > 16 || !jp_char(j, '{'))
		return false;
	if (jp_char(j, '}'))
		return true;
	for (;;) {
		char *key = jp_str(j);
		if (!key || !jp_char(j, ':') ||
		    !member(j, key, member == jp_skip ? (void *)(intptr_t)depth : ctx))
			return false;
		if (jp_char(j, '}'))
			return true;
		if (!jp_char(j, ','))
			return false;
	}
}

/* a string value, or NULL for an object (skipped); false when neither */
static bool jp_str_or_skip(Jp *j, const char **out, int depth)
{
	jp_ws(j);
	if (j->p < j->end && *j->p == '{') {
		*out = NULL;
		return jp_object(j, jp_skip, NULL, depth);
	}
	return (*out = jp_str(j)) != NULL;
}

static bool jp_item_member(Jp *j, const char *key, void *ctx)
{
	ManItem *it = ctx;
	for (int k = 0; k < 4; k++)
		if (strcmp(key, fe_manifest_item_keys[k]) == 0)
			return jp_str_or_skip(j, &it->keys[k], 3);
	return jp_skip(j, key, (void *)(intptr_t)3);
}

static bool jp_items_member(Jp *j, const char *key, void *ctx)
{
	Manifest *mf = ctx;
	for (size_t i = 0; i < mf->nitems; i++)
		if (strcmp(mf->items[i].id, key) == 0)
			return false;   /* json-c keeps the first place, the last value */
	ManItem it = { .id = key };
	jp_ws(j);
	if (j->p < j->end && *j->p == '{') {
		it.is_object = true;
		if (!jp_object(j, jp_item_member, &it, 2))
			return false;
	} else if (!jp_str(j)) {
		return false;
	}
	man_add(mf, it);
	return true;
}

static bool jp_top_member(Jp *j, const char *key, void *ctx)
{
	Manifest *mf = ctx;
	if (strcmp(key, "fileFormatVersion") == 0)
		return jp_str_or_skip(j, &mf->version, 1);
	if (strcmp(key, "rootModelIdentifier") == 0)
		return jp_str_or_skip(j, &mf->root, 1);
	if (strcmp(key, "itemInfoEntries") == 0) {
		if (mf->has_items || mf->nitems)
			return false;   /* given twice: json-c's last one wins */
		jp_ws(j);
		if (j->p < j->end && *j->p == '{') {
			mf->has_items = true;
			return jp_object(j, jp_items_member, mf, 1);
		}
		return jp_str(j) != NULL;
	}
	return jp_skip(j, key, (void *)(intptr_t)1);
}

static bool manifest_fast(char *text, size_t n, Manifest *mf)
{
	Jp j = { text, text + n };
	if (!jp_object(&j, jp_top_member, mf, 0))
		return false;
	jp_ws(&j);
	return j.p == j.end;
}

static void manifest_from_json(json_object *j, Manifest *mf)
{
	mf->version = json_str(j, "fileFormatVersion");
	mf->root = json_str(j, "rootModelIdentifier");
	json_object *items = NULL;
	if (!json_object_object_get_ex(j, "itemInfoEntries", &items) ||
	    !json_object_is_type(items, json_type_object))
		return;
	mf->has_items = true;
	json_object_object_foreach(items, id, item) {
		ManItem it = { .id = id, .is_object = json_object_is_type(item, json_type_object) };
		for (int k = 0; it.is_object && k < 4; k++)
			it.keys[k] = json_str(item, fe_manifest_item_keys[k]);
		man_add(mf, it);
	}
}

int fe_manifest_read(const char *mpath, const char *text, size_t n, Manifest *mf,
                     DiagList *dl)
{
	memset(mf, 0, sizeof *mf);
	/* the fast reader writes into its copy: json-c may need the text whole */
	mf->fast_copy = malloc(n + 1);
	if (!mf->fast_copy)
		IR_DIE("out of memory");
	memcpy(mf->fast_copy, text, n + 1);
	if (manifest_fast(mf->fast_copy, n, mf))
		return 0;
	/* the general reader: json-c, which also names what is malformed */
	free(mf->items);
	mf->items = NULL;
	mf->nitems = 0;
	mf->version = mf->root = NULL;
	mf->has_items = false;
	enum json_tokener_error jerr;
	json_object *j = json_parse(text, n, &jerr);
	mf->json = j;
	if (!j || jerr != json_tokener_success || !json_object_is_type(j, json_type_object)) {
		diag_add(dl, SEV_ERROR, FE_E_MANIFEST, at(mpath), "not a JSON object%s%s",
		         jerr != json_tokener_success ? ": " : "",
		         jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "");
		return -1;
	}
	manifest_from_json(j, mf);
	return 0;
}

void fe_manifest_free(Manifest *mf)
{
	if (mf->json)
		json_object_put(mf->json);
	free(mf->items);
	free(mf->fast_copy);
	memset(mf, 0, sizeof *mf);
}

/* ------------------------------------------------------------ metadata.json */

static const char *jdup(Module *m, json_object *o, const char *key)
{
	const char *s = json_str(o, key);
	return s ? arena_strdup(m->arena, s) : NULL;
}

static DType meta_dtype(const char *s)
{
	static const struct { const char *name; DType dt; } t[] = {
		{ "Float32", DT_FP32 }, { "Float16", DT_FP16 }, { "Double", DT_FP64 },
		{ "Float64", DT_FP64 }, { "Int32", DT_INT32 }, { "Int8", DT_INT8 },
	};
	for (size_t i = 0; s && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].dt;
	return DT_COUNT;
}

/* "[1, 10]" -> dims */
static FeatShape meta_shape(Module *m, const char *s)
{
	FeatShape fs = { 0, NULL };
	if (!s)
		return fs;
	int64_t d[64];
	uint32_t n = 0;
	for (const char *p = s; *p && n < 64;) {
		if ((*p >= '0' && *p <= '9') || *p == '-') {
			char *e;
			long long v = strtoll(p, &e, 10);
			d[n++] = v;
			p = e;
		} else {
			p++;
		}
	}
	if (n) {
		int64_t *dims = arena_array(m->arena, n, sizeof *dims);
		memcpy(dims, d, n * sizeof *dims);
		fs = (FeatShape){ n, dims };
	}
	return fs;
}

static const FeatureDesc *meta_features(Module *m, json_object *o, const char *key, uint32_t *n)
{
	json_object *a;
	*n = 0;
	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return NULL;
	size_t cnt = json_object_array_length(a);
	FeatureDesc *fd = arena_array(m->arena, cnt ? cnt : 1, sizeof *fd);
	uint32_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_object))
			continue;
		FeatureDesc *f = &fd[k++];
		f->name = jdup(m, e, "name");
		if (!f->name)
			f->name = "";
		f->short_desc = jdup(m, e, "shortDescription");
		if (!f->short_desc)
			f->short_desc = "";
		const char *type = json_str(e, "type");
		const char *opt = json_str(e, "isOptional");
		f->optional = opt && strcmp(opt, "1") == 0;
		f->dtype = meta_dtype(json_str(e, "dataType"));
		if (!type || strcmp(type, "MultiArray") == 0) {
			f->kind = FEAT_MULTIARRAY;
			f->shape = meta_shape(m, json_str(e, "shape"));
		} else if (strcmp(type, "State") == 0) {
			f->kind = FEAT_STATE;
			f->shape = meta_shape(m, json_str(e, "shape"));
		} else if (strcmp(type, "Image") == 0) {
			f->kind = FEAT_IMAGE;
		} else if (strcmp(type, "Int64") == 0) {
			f->kind = FEAT_INT64;
		} else if (strcmp(type, "Double") == 0) {
			f->kind = FEAT_DOUBLE;
		} else if (strcmp(type, "String") == 0) {
			f->kind = FEAT_STRING;
		} else if (strcmp(type, "Dictionary") == 0) {
			f->kind = FEAT_DICTIONARY;
		} else if (strcmp(type, "Sequence") == 0) {
			f->kind = FEAT_SEQUENCE;
		}
	}
	*n = k;
	return fd;
}

int fe_read_mlmodelc_metadata(Module *m, const char *json_path, DiagList *dl)
{
	size_t n;
	char *text = fe_read_file(json_path, METADATA_CAP, &n, dl);
	if (!text)
		return -1;
	enum json_tokener_error jerr;
	json_object *j = json_parse(text, n, &jerr);
	free(text);
	json_object *o = j;
	if (j && json_object_is_type(j, json_type_array) && json_object_array_length(j) > 0)
		o = json_object_array_get_idx(j, 0);
	if (!o || jerr != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		diag_add(dl, SEV_ERROR, FE_E_METADATA, at(json_path), "not a JSON array of one object");
		if (j)
			json_object_put(j);
		return -1;
	}
	ModelDesc *d = arena_alloc(m->arena, sizeof *d);
	d->format = "mlmodelc";
	json_object *v;
	if (json_object_object_get_ex(o, "specificationVersion", &v))
		d->spec_version = json_object_get_int(v);
	d->min_os = model_min_os(d->spec_version);
	d->kind = "mlProgram";
	json_object *mt;
	if (json_object_object_get_ex(o, "modelType", &mt) && json_str(mt, "name")) {
		const char *k = json_str(mt, "name");
		d->kind = arena_strdup(m->arena, strncmp(k, "MLModelType_", 12) == 0 ? k + 12 : k);
	}
	const char *upd = json_str(o, "isUpdatable");
	d->is_updatable = upd && strcmp(upd, "1") == 0;
	FuncDesc *f = arena_alloc(m->arena, sizeof *f);
	f->name = m->funcs.n ? m->funcs.v[0]->name : "main";
	f->inputs = meta_features(m, o, "inputSchema", &f->ninputs);
	f->outputs = meta_features(m, o, "outputSchema", &f->noutputs);
	f->states = meta_features(m, o, "stateSchema", &f->nstates);
	d->nfuncs = 1;
	d->funcs = f;
	d->default_func = f->name;
	json_object *ud;
	if (json_object_object_get_ex(o, "userDefinedMetadata", &ud) &&
	    json_object_is_type(ud, json_type_object)) {
		size_t cnt = (size_t)json_object_object_length(ud), k = 0;
		KeyValue *kv = arena_array(m->arena, cnt ? cnt : 1, sizeof *kv);
		json_object_object_foreach(ud, key, val) {
			if (k < cnt && json_object_is_type(val, json_type_string))
				kv[k++] = (KeyValue){ arena_strdup(m->arena, key),
				                      arena_strdup(m->arena, json_object_get_string(val)) };
		}
		d->meta.nuser = (uint32_t)k;
		d->meta.user = kv;
	}
	d->meta.short_desc = jdup(m, o, "shortDescription");
	d->meta.author = jdup(m, o, "author");
	d->meta.license = jdup(m, o, "license");
	d->meta.version = jdup(m, o, "version");
	m->desc = d;
	json_object_put(j);
	return 0;
}
