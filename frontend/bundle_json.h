/*
 * bundle_json.h - the JSON files of model bundles (bundle_json.c), for
 * bundle.c: an .mlpackage's Manifest.json and an .mlmodelc's
 * metadata.json (declared in frontend.h).
 */
#ifndef ANELINT_FRONTEND_BUNDLE_JSON_H
#define ANELINT_FRONTEND_BUNDLE_JSON_H

#include "frontend/frontend.h"

struct json_object;

/* What a package's Manifest.json says, whichever parser read it.  A
 * string is NULL when its key is absent or holds no string. */
typedef struct ManItem {
	const char *id;
	bool is_object;
	const char *keys[4];    /* path, name, author, description */
} ManItem;

typedef struct Manifest {
	const char *version, *root;
	bool has_items;         /* itemInfoEntries is an object */
	ManItem *items;         /* malloc'd, in file order */
	size_t nitems;
	/* what the strings point into */
	char *fast_copy;
	struct json_object *json;
} Manifest;

/* The four string keys of every item, in ManItem.keys order. */
extern const char *const fe_manifest_item_keys[4];

/* Read Manifest.json's text (n bytes, NUL-terminated; mpath names it in
 * messages) into mf.  0, or -1 with a diagnostic.  fe_manifest_free
 * either way. */
int fe_manifest_read(const char *mpath, const char *text, size_t n, Manifest *mf,
                     DiagList *dl);
void fe_manifest_free(Manifest *mf);

#endif
