/* model_desc.c - small lookups over the model interface (model_desc.h). */
#include "ir/model_desc.h"

#include <string.h>

const char *feature_kind_name(FeatureKind k)
{
	static const char *const names[FEAT_KIND_COUNT] = {
		[FEAT_INVALID] = "invalid", [FEAT_MULTIARRAY] = "multiArray",
		[FEAT_IMAGE] = "image", [FEAT_INT64] = "int64", [FEAT_DOUBLE] = "double",
		[FEAT_STRING] = "string", [FEAT_DICTIONARY] = "dictionary",
		[FEAT_SEQUENCE] = "sequence", [FEAT_STATE] = "state",
	};
	return (unsigned)k < FEAT_KIND_COUNT ? names[k] : "invalid";
}

/* spec/protobuf.md §5: specification version -> first OS releases. */
MinOS model_min_os(int32_t v)
{
	static const MinOS table[] = {
		[1] = { "11.0", "10.13", "11.0", "4.0" },
		[2] = { "11.2", "10.13.2", "11.2", "4.2" },
		[3] = { "12.0", "10.14", "12.0", "5.0" },
		[4] = { "13.0", "10.15", "13.0", "6.0" },
		[5] = { "14.0", "11.0", "14.0", "7.0" },
		[6] = { "15.0", "12.0", "15.0", "8.0" },
		[7] = { "16.0", "13.0", "16.0", "9.0" },
		[8] = { "17.0", "14.0", "17.0", "10.0" },
		[9] = { "18.0", "15.0", "18.0", "11.0" },
		[10] = { "26.0", "26.0", "26.0", "26.0" },
	};
	if (v < 1 || v >= (int32_t)(sizeof table / sizeof table[0]))
		return (MinOS){ 0 };
	return table[v];
}

const FuncDesc *model_desc_func(const ModelDesc *d, const char *name)
{
	if (!d || !d->nfuncs)
		return NULL;
	if (!name)
		name = d->default_func;
	if (name)
		for (uint32_t i = 0; i < d->nfuncs; i++)
			if (d->funcs[i].name && strcmp(d->funcs[i].name, name) == 0)
				return &d->funcs[i];
	return &d->funcs[0];
}

/* ------------------------------------------------------------------ a function's description */

/* A part name the reader uses as is; others become model<i>. */
static bool plain_identifier(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* The part of pipeline d whose function is called fname; prefix is the
 * enclosing parts' name (NULL at the top). */
static const ModelDesc *pipeline_part(const ModelDesc *d, const char *prefix, const char *fname,
                                      int depth)
{
	if (!d || depth > 16)
		return NULL;
	if (!d->nsubmodels)
		return !prefix || strcmp(prefix, fname) == 0 ? d : NULL;
	for (uint32_t i = 0; i < d->nsubmodels; i++) {
		const SubModelDesc *s = &d->submodels[i];
		char name[256];
		const char *sep = prefix ? "_" : "";
		int n = plain_identifier(s->name)
		        ? snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "", sep, s->name)
		        : snprintf(name, sizeof name, "%s%smodel%u", prefix ? prefix : "", sep, i);
		if (n < 0 || (size_t)n >= sizeof name)
			continue;
		const ModelDesc *r = pipeline_part(s->desc, name, fname, depth + 1);
		if (r)
			return r;
	}
	return NULL;
}

const ModelDesc *ir_func_model_desc(const Func *f)
{
	const ModelDesc *d = f->module ? f->module->desc : NULL;
	if (!d || !d->nsubmodels)
		return d;
	return f->name ? pipeline_part(d, NULL, f->name, 0) : NULL;
}

const FuncDesc *ir_func_desc(const Func *f)
{
	const ModelDesc *top = f->module ? f->module->desc : NULL;
	if (!top)
		return NULL;
	for (uint32_t i = 0; f->name && i < top->nfuncs; i++)
		if (top->funcs[i].name && strcmp(top->funcs[i].name, f->name) == 0)
			return &top->funcs[i];
	const ModelDesc *d = ir_func_model_desc(f);
	if (d && d != top)
		return model_desc_func(d, NULL);
	return top->nfuncs == 1 && f->module->funcs.n == 1 ? &top->funcs[0] : NULL;
}

Func *ir_module_pick_func(Module *m, const char *name)
{
	if (name)
		return ir_module_find_func(m, name);
	const FuncDesc *fd = m->desc ? model_desc_func(m->desc, NULL) : NULL;
	Func *f = fd ? ir_module_find_func(m, fd->name) : NULL;
	return f ? f : m->funcs.n ? m->funcs.v[0] : NULL;
}
