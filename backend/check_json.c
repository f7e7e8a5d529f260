/* check_json.c - the gates of `anelint check` as JSON (check.h,
 * docs/report-json.md "check results"). */
#include "backend/check.h"

static void put(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *op_json(const CheckOp *o)
{
	json_object *j = json_object_new_object();
	put(j, "function", json_object_new_string(o->function));
	put(j, "name", json_object_new_string(o->name));
	put(j, "type", json_object_new_string(o->type));
	put(j, "device", str_or_null(o->device));
	put(j, "baseline_device", str_or_null(o->was));
	put(j, "code", str_or_null(o->code));
	put(j, "message", str_or_null(o->message));
	return j;
}

static json_object *gate_json(const CheckGate *g)
{
	json_object *j = json_object_new_object();
	put(j, "gate", json_object_new_string(g->type));
	put(j, "name", json_object_new_string(g->name));
	put(j, "passed", json_object_new_boolean(g->passed));
	put(j, "error", json_object_new_boolean(g->error));
	put(j, "message", str_or_null(g->message));
	json_object *ops = json_object_new_array();
	for (uint32_t i = 0; i < g->ops.n; i++)
		json_object_array_add(ops, op_json(&g->ops.v[i]));
	put(j, "ops", ops);
	return j;
}

static json_object *model_json(const CheckModel *mr)
{
	json_object *j = json_object_new_object();
	put(j, "path", json_object_new_string(mr->path));
	put(j, "usable", json_object_new_boolean(mr->usable));
	put(j, "passed", json_object_new_boolean(check_model_passed(mr)));
	if (mr->usable) {
		char s[32];
		snprintf(s, sizeof s, "%.4f", mr->ane_share);
		put(j, "compute_units", json_object_new_string(compute_units_name(mr->units)));
		put(j, "ane_share", json_object_new_double_s(mr->ane_share, s));
		put(j, "executable", json_object_new_int64(mr->executable));
		put(j, "on_ane", json_object_new_int64(mr->on_ane));
		put(j, "switches", json_object_new_int64(mr->switches));
	}
	json_object *gates = json_object_new_array();
	for (uint32_t i = 0; i < mr->gates.n; i++)
		json_object_array_add(gates, gate_json(&mr->gates.v[i]));
	put(j, "gates", gates);
	return j;
}

int check_json(const CheckModel *mr, uint32_t n, int status, const char *tool_version,
               FILE *out)
{
	json_object *r = json_object_new_object();
	put(r, "schema_version", json_object_new_int(REPORT_SCHEMA_VERSION));
	put(r, "kind", json_object_new_string("check"));
	json_object *tool = json_object_new_object();
	put(tool, "name", json_object_new_string("anelint"));
	put(tool, "version", json_object_new_string(tool_version));
	put(r, "tool", tool);
	put(r, "passed", json_object_new_boolean(status == 0));
	put(r, "status", json_object_new_int(status));
	json_object *models = json_object_new_array();
	for (uint32_t m = 0; m < n; m++)
		json_object_array_add(models, model_json(&mr[m]));
	put(r, "models", models);
	int rc = report_print_json(r, out);
	json_object_put(r);
	return rc;
}
