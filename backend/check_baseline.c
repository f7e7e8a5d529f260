/* check_baseline.c - the baseline gate (check.h): a report of `analyze -f
 * json` read back, and the ops whose device moved since, matched by
 * function + name. */
#include "backend/check_int.h"

#include <string.h>

json_object *check_baseline_load(const char *path)
{
	json_object *r = json_object_from_file(path);
	if (!r) {
		fprintf(stderr, "anelint: %s: cannot read the baseline: %s\n", path,
		        json_util_get_last_err() ? json_util_get_last_err() : "not JSON");
		return NULL;
	}
	json_object *v, *ops;
	const char *why = NULL;
	if (!json_object_object_get_ex(r, "schema_version", &v) || !json_object_is_type(v, json_type_int))
		why = "no schema_version (not a report of 'anelint analyze -f json')";
	else if (json_object_get_int(v) < 1 || json_object_get_int(v) > REPORT_SCHEMA_VERSION)
		why = "schema_version is not one this anelint reads";
	else if (!json_object_object_get_ex(r, "ops", &ops) || !json_object_is_type(ops, json_type_array))
		why = "no ops array";
	for (size_t i = 0; !why && i < json_object_array_length(ops); i++) {
		json_object *op = json_object_array_get_idx(ops, i), *f, *n;
		if (!json_object_is_type(op, json_type_object) ||
		    !json_object_object_get_ex(op, "function", &f) || !json_object_is_type(f, json_type_string) ||
		    !json_object_object_get_ex(op, "name", &n) || !json_object_is_type(n, json_type_string))
			why = "an op without function and name";
	}
	if (why) {
		fprintf(stderr, "anelint: %s: not a usable baseline: %s\n", path, why);
		json_object_put(r);
		return NULL;
	}
	return r;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The baseline op's device under cu (NULL: const or unknown), and whether
 * the op is known there. */
static const char *baseline_device(json_object *op, const char *lead, ComputeUnits cu)
{
	json_object *per, *s;
	if (json_object_object_get_ex(op, "compute_units", &per) &&
	    json_object_object_get_ex(per, compute_units_name(cu), &s))
		return jstr(s, "preferred_device");
	if (lead && strcmp(lead, compute_units_name(cu)) == 0)
		return jstr(op, "preferred_device");
	return NULL;
}

static bool baseline_has_code(json_object *op, ComputeUnits cu, const char *code)
{
	json_object *rs, *per, *s, *r;
	if (json_object_object_get_ex(op, "reasons", &rs) && json_object_is_type(rs, json_type_array))
		for (size_t i = 0; i < json_object_array_length(rs); i++) {
			const char *c = jstr(json_object_array_get_idx(rs, i), "code");
			if (c && strcmp(c, code) == 0)
				return true;
		}
	if (json_object_object_get_ex(op, "compute_units", &per) &&
	    json_object_object_get_ex(per, compute_units_name(cu), &s) &&
	    json_object_object_get_ex(s, "reason", &r)) {
		const char *c = jstr(r, "code");
		return c && strcmp(c, code) == 0;
	}
	return false;
}

typedef struct BaseWalk {
	const CheckCtx *c;
	CheckGate *g;
	json_object *index;             /* "function\x1fname" -> op */
	const char *lead;
	VEC(CheckOp) moved_on, new_reason, new_off;
} BaseWalk;

static int base_op(Func *f, Op *op, void *vctx)
{
	BaseWalk *w = vctx;
	const CheckCtx *c = w->c;
	const OpPlacement *p = ane_op_placement(c->in->ctx, f, op);
	if (!p || p->is_const)
		return 0;
	const char *name = ir_op_name(f, op);
	char *key = arena_printf(c->a, "%s\x1f%s", f->name, name);
	json_object *old;
	bool now_ane = p->device[c->cu] == DEV_ANE;
	if (!json_object_object_get_ex(w->index, key, &old)) {
		if (!now_ane)
			vec_push(c->a, &w->new_off, check_op_ref(c, f, op, p));
		return 0;
	}
	const char *was = baseline_device(old, w->lead, c->cu);
	if (!was)
		return 0;
	bool was_ane = strcmp(was, "ANE") == 0;
	CheckOp g = check_op_ref(c, f, op, p);
	/* a copy: the baseline is released before the results are printed */
	g.was = arena_strdup(c->a, was);
	if (was_ane && !now_ane)
		vec_push(c->a, &w->g->ops, g);
	else if (!was_ane && now_ane)
		vec_push(c->a, &w->moved_on, g);
	else if (!now_ane && g.code && !baseline_has_code(old, c->cu, g.code))
		vec_push(c->a, &w->new_reason, g);
	return 0;
}

void check_gate_baseline(const CheckCtx *c, CheckModel *mr, const char *path, json_object *base)
{
	CheckGate *g = check_new_gate(mr, c->a, "baseline", arena_printf(c->a, "baseline %s", path));
	BaseWalk w = { .c = c, .g = g, .index = json_object_new_object(),
	               .lead = jstr(base, "lead_compute_units") };
	json_object *ops;
	json_object_object_get_ex(base, "ops", &ops);
	for (size_t i = 0; i < json_object_array_length(ops); i++) {
		json_object *op = json_object_array_get_idx(ops, i);
		char *key = arena_printf(c->a, "%s\x1f%s", jstr(op, "function"), jstr(op, "name"));
		json_object_object_add(w.index, key, json_object_get(op));
	}
	for (uint32_t i = 0; i < c->in->m->funcs.n; i++)
		ir_walk_ops(c->in->m->funcs.v[i], base_op, &w);
	json_object_put(w.index);
	g->passed = g->ops.n == 0;
	g->message = g->passed
		? arena_printf(c->a, "no op left the ANE since the baseline (%u moved onto it)",
		               w.moved_on.n)
		: arena_printf(c->a, "the ANE boundary moved: %u op%s left the ANE since the baseline",
		               g->ops.n, g->ops.n == 1 ? "" : "s");
	/* the details: moved off, then new reasons, moved on, new ops off the ANE */
	CheckText t;
	FILE *f = check_text_open(&t);
	if (f) {
		if (g->ops.n)
			fputs(check_ops_details(c->a, g->ops.v, g->ops.n, "moved off the ANE:"), f);
		if (w.new_reason.n)
			fputs(check_ops_details(c->a, w.new_reason.v, w.new_reason.n,
			                        "off the ANE for a new reason:"), f);
		if (w.moved_on.n)
			fputs(check_ops_details(c->a, w.moved_on.v, w.moved_on.n, "moved onto the ANE:"), f);
		if (w.new_off.n)
			fputs(check_ops_details(c->a, w.new_off.v, w.new_off.n,
			                        "not in the baseline, off the ANE:"), f);
	}
	const char *details = check_text_take(&t, c->a);
	if (details[0])
		g->details = details;
	/* keep the new reasons with the gate for JSON */
	for (uint32_t i = 0; i < w.new_reason.n; i++) {
		CheckOp o = w.new_reason.v[i];
		o.was = arena_printf(c->a, "%s (new reason)", o.was);
		vec_push(c->a, &g->ops, o);
	}
}
