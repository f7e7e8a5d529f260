/* check_json.c - the gates of `anelint check` as JSON (check.h,
 * docs/report-json.md "check results"). */
#include "backend/check.h"

static json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

int check_json(const CheckModel *mr, uint32_t n, int status, const char *tool_version,
               FILE *out)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "schema_version", json_object_new_int(REPORT_SCHEMA_VERSION));
	json_object_object_add(r, "kind", json_object_new_string("check"));
	json_object *tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string("anelint"));
	json_object_object_add(tool, "version", json_object_new_string(tool_version));
	json_object_object_add(r, "tool", tool);
	json_object_object_add(r, "passed", json_object_new_boolean(status == 0));
	json_object_object_add(r, "status", json_object_new_int(status));
	json_object *models = json_object_new_array();
	for (uint32_t m = 0; m < n; m++) {
		json_object *mo = json_object_new_object();
		json_object_object_add(mo, "path", json_object_new_string(mr[m].path));
		json_object_object_add(mo, "usable", json_object_new_boolean(mr[m].usable));
		json_object_object_add(mo, "passed", json_object_new_boolean(check_model_passed(&mr[m])));
		if (mr[m].usable) {
			char s[32];
			snprintf(s, sizeof s, "%.4f", mr[m].ane_share);
			json_object_object_add(mo, "compute_units",
			                       json_object_new_string(compute_units_name(mr[m].units)));
			json_object_object_add(mo, "ane_share", json_object_new_double_s(mr[m].ane_share, s));
			json_object_object_add(mo, "executable", json_object_new_int64(mr[m].executable));
			json_object_object_add(mo, "on_ane", json_object_new_int64(mr[m].on_ane));
			json_object_object_add(mo, "switches", json_object_new_int64(mr[m].switches));
		}
		json_object *gates = json_object_new_array();
		for (uint32_t i = 0; i < mr[m].gates.n; i++) {
			const CheckGate *g = &mr[m].gates.v[i];
			json_object *go = json_object_new_object();
			json_object_object_add(go, "gate", json_object_new_string(g->type));
			json_object_object_add(go, "name", json_object_new_string(g->name));
			json_object_object_add(go, "passed", json_object_new_boolean(g->passed));
			json_object_object_add(go, "error", json_object_new_boolean(g->error));
			json_object_object_add(go, "message", jstr_or_null(g->message));
			json_object *ops = json_object_new_array();
			for (uint32_t j = 0; j < g->ops.n; j++) {
				const CheckOp *o = &g->ops.v[j];
				json_object *oo = json_object_new_object();
				json_object_object_add(oo, "function", json_object_new_string(o->function));
				json_object_object_add(oo, "name", json_object_new_string(o->name));
				json_object_object_add(oo, "type", json_object_new_string(o->type));
				json_object_object_add(oo, "device", jstr_or_null(o->device));
				json_object_object_add(oo, "baseline_device", jstr_or_null(o->was));
				json_object_object_add(oo, "code", jstr_or_null(o->code));
				json_object_object_add(oo, "message", jstr_or_null(o->message));
				json_object_array_add(ops, oo);
			}
			json_object_object_add(go, "ops", ops);
			json_object_array_add(gates, go);
		}
		json_object_object_add(mo, "gates", gates);
		json_object_array_add(models, mo);
	}
	json_object_object_add(r, "models", models);
	int rc = report_print_json(r, out);
	json_object_put(r);
	return rc;
}
