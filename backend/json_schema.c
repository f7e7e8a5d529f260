/* json_schema.c - the JSON Schema subset of json_schema.h. */
#include "backend/json_schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct Ctx {
	json_object *root;      /* the schema document, for $ref */
	char *err;
	size_t n;
	char path[1024];        /* JSON pointer of the instance being checked */
	int depth;
} Ctx;

static int fail(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(Ctx *c, const char *fmt, ...)
{
	if (!c->n)
		return -1;
	int k = snprintf(c->err, c->n, "%s: ", c->path[0] ? c->path : "/");
	if (k >= 0 && (size_t)k < c->n) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err + k, c->n - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_integer(json_object *v)
{
	if (json_object_is_type(v, json_type_int))
		return true;
	if (!json_object_is_type(v, json_type_double))
		return false;
	double d = json_object_get_double(v);
	return isfinite(d) && d == floor(d);
}

static bool type_matches(json_object *v, const char *t)
{
	json_type jt = json_object_get_type(v);
	if (strcmp(t, "null") == 0) return jt == json_type_null;
	if (strcmp(t, "boolean") == 0) return jt == json_type_boolean;
	if (strcmp(t, "object") == 0) return jt == json_type_object;
	if (strcmp(t, "array") == 0) return jt == json_type_array;
	if (strcmp(t, "string") == 0) return jt == json_type_string;
	if (strcmp(t, "number") == 0) return jt == json_type_int || jt == json_type_double;
	if (strcmp(t, "integer") == 0) return is_integer(v);
	return false;
}

static bool json_equal(json_object *a, json_object *b)
{
	json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
	bool na = ta == json_type_int || ta == json_type_double;
	bool nb = tb == json_type_int || tb == json_type_double;
	if (na && nb)
		return json_object_get_double(a) == json_object_get_double(b);
	if (ta != tb)
		return false;
	switch (ta) {
	case json_type_null: return true;
	case json_type_boolean: return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string: return strcmp(json_object_get_string(a), json_object_get_string(b)) == 0;
	default: return json_object_equal(a, b) != 0;
	}
}

/* Append "/seg" to the path; returns the old length to restore. */
static size_t push(Ctx *c, const char *seg)
{
	size_t len = strlen(c->path);
	snprintf(c->path + len, sizeof c->path - len, "/%s", seg);
	return len;
}

static int validate(Ctx *c, json_object *s, json_object *v);

static json_object *resolve_ref(Ctx *c, const char *ref)
{
	static const char *const prefixes[] = { "#/$defs/", "#/definitions/" };
	for (size_t i = 0; i < 2; i++) {
		size_t pl = strlen(prefixes[i]);
		if (strncmp(ref, prefixes[i], pl) != 0)
			continue;
		json_object *defs, *d;
		char key[32];
		snprintf(key, sizeof key, "%.*s", (int)(pl - 3), prefixes[i] + 2);
		if (json_object_object_get_ex(c->root, key, &defs) &&
		    json_object_object_get_ex(defs, ref + pl, &d))
			return d;
	}
	return NULL;
}

static int check_type(Ctx *c, json_object *t, json_object *v)
{
	if (json_object_is_type(t, json_type_string)) {
		if (!type_matches(v, json_object_get_string(t)))
			return fail(c, "expected %s, found %s", json_object_get_string(t),
			            json_type_to_name(json_object_get_type(v)));
		return 0;
	}
	if (!json_object_is_type(t, json_type_array))
		return fail(c, "schema: bad \"type\"");
	size_t n = json_object_array_length(t);
	for (size_t i = 0; i < n; i++)
		if (type_matches(v, json_object_get_string(json_object_array_get_idx(t, i))))
			return 0;
	return fail(c, "expected one of %s, found %s", json_object_to_json_string(t),
	            json_type_to_name(json_object_get_type(v)));
}

static int check_object(Ctx *c, json_object *s, json_object *v)
{
	json_object *req, *props = NULL, *addl = NULL;
	if (json_object_object_get_ex(s, "required", &req)) {
		size_t n = json_object_array_length(req);
		for (size_t i = 0; i < n; i++) {
			const char *k = json_object_get_string(json_object_array_get_idx(req, i));
			if (!json_object_object_get_ex(v, k, NULL))
				return fail(c, "required property \"%s\" missing", k);
		}
	}
	json_object_object_get_ex(s, "properties", &props);
	json_object_object_get_ex(s, "additionalProperties", &addl);
	json_object_object_foreach(v, key, val) {
		json_object *ps = NULL;
		if (props)
			json_object_object_get_ex(props, key, &ps);
		if (!ps && addl) {
			if (json_object_is_type(addl, json_type_boolean)) {
				if (!json_object_get_boolean(addl))
					return fail(c, "property \"%s\" not allowed", key);
			} else {
				ps = addl;
			}
		}
		if (ps) {
			size_t len = push(c, key);
			int rc = validate(c, ps, val);
			c->path[len] = 0;
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int check_array(Ctx *c, json_object *s, json_object *v)
{
	json_object *items, *min;
	size_t n = json_object_array_length(v);
	if (json_object_object_get_ex(s, "minItems", &min) && (int64_t)n < json_object_get_int64(min))
		return fail(c, "%zu items, at least %" PRId64 " required", n, json_object_get_int64(min));
	if (!json_object_object_get_ex(s, "items", &items))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char seg[24];
		snprintf(seg, sizeof seg, "%zu", i);
		size_t len = push(c, seg);
		int rc = validate(c, items, json_object_array_get_idx(v, i));
		c->path[len] = 0;
		if (rc)
			return rc;
	}
	return 0;
}

static int validate(Ctx *c, json_object *s, json_object *v)
{
	if (!json_object_is_type(s, json_type_object))
		return fail(c, "schema: a schema must be an object");
	if (++c->depth > 64) {
		c->depth--;
		return fail(c, "schema: $ref nesting too deep");
	}
	int rc = 0;
	json_object_object_foreach(s, kw, arg) {
		if (rc)
			break;
		if (strcmp(kw, "$ref") == 0) {
			json_object *t = resolve_ref(c, json_object_get_string(arg));
			rc = t ? validate(c, t, v) : fail(c, "schema: unresolved $ref %s",
			                                  json_object_get_string(arg));
		} else if (strcmp(kw, "type") == 0) {
			rc = check_type(c, arg, v);
		} else if (strcmp(kw, "enum") == 0) {
			size_t n = json_object_array_length(arg);
			bool found = false;
			for (size_t i = 0; i < n && !found; i++)
				found = json_equal(json_object_array_get_idx(arg, i), v);
			if (!found)
				rc = fail(c, "%s is not one of %s", json_object_to_json_string(v),
				          json_object_to_json_string(arg));
		} else if (strcmp(kw, "anyOf") == 0) {
			size_t n = json_object_array_length(arg);
			bool found = false;
			for (size_t i = 0; i < n && !found; i++) {
				Ctx sub = *c;
				sub.n = 0;      /* the alternatives' own errors are not the point */
				found = validate(&sub, json_object_array_get_idx(arg, i), v) == 0;
			}
			if (!found)
				rc = fail(c, "matches none of the anyOf alternatives");
		} else if (strcmp(kw, "const") == 0) {
			if (!json_equal(arg, v))
				rc = fail(c, "%s is not %s", json_object_to_json_string(v),
				          json_object_to_json_string(arg));
		} else if (strcmp(kw, "minimum") == 0 || strcmp(kw, "maximum") == 0) {
			json_type jt = json_object_get_type(v);
			if (jt == json_type_int || jt == json_type_double) {
				double x = json_object_get_double(v), b = json_object_get_double(arg);
				if (kw[1] == 'i' ? x < b : x > b)
					rc = fail(c, "%g is %s %g", x, kw[1] == 'i' ? "below the minimum" :
					          "above the maximum", b);
			}
		} else if (strcmp(kw, "required") == 0 || strcmp(kw, "properties") == 0 ||
		           strcmp(kw, "additionalProperties") == 0) {
			/* checked together below */
		} else if (strcmp(kw, "items") == 0 || strcmp(kw, "minItems") == 0) {
			/* checked together below */
		} else if (strcmp(kw, "$schema") == 0 || strcmp(kw, "$id") == 0 ||
		           strcmp(kw, "title") == 0 || strcmp(kw, "description") == 0 ||
		           strcmp(kw, "$defs") == 0 || strcmp(kw, "definitions") == 0 ||
		           strcmp(kw, "$comment") == 0) {
			/* annotations */
		} else {
			rc = fail(c, "schema: keyword \"%s\" is not supported by this validator", kw);
		}
	}
	if (!rc && json_object_is_type(v, json_type_object))
		rc = check_object(c, s, v);
	if (!rc && json_object_is_type(v, json_type_array))
		rc = check_array(c, s, v);
	c->depth--;
	return rc;
}

int json_schema_validate(json_object *schema, json_object *instance, char *err, size_t n)
{
	Ctx c = { .root = schema, .err = err, .n = n };
	if (n)
		err[0] = 0;
	return validate(&c, schema, instance);
}
