/* sarif.c - SARIF 2.1.0 (OASIS), what code-scanning UIs read: the rules of
 * the legality table as tool.driver.rules (id = rule code, the reason as
 * shortDescription, the fix hint as help, the confidence as a property),
 * and one result per op that leaves the ANE under the lead setting.  A
 * result's location is the op: file, line and column for MIL text; for
 * models read from protobuf (no lines) the file and a logical location
 * naming the function and the op. */
#include "backend/report.h"

#include <string.h>

#include "backend/emit_util.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_URI "https://github.com/anelint/anelint"

typedef struct SCtx {
	const ReportInput *in;
	Arena *a;
	json_object *results;
	/* rule code -> index in the rules array */
	VEC(const char *) codes;
	json_object *rules;
	double total_ms;
} SCtx;

static void put(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *str(SCtx *c, const char *s)
{
	return json_object_new_string(emit_clean_utf8(c->a, s ? s : "", false));
}

static json_object *text_obj(SCtx *c, const char *s)
{
	json_object *o = json_object_new_object();
	put(o, "text", str(c, s));
	return o;
}

/* A relative or absolute path as a URI reference (RFC 3986): unreserved
 * characters and '/' kept, the rest percent-encoded. */
static const char *uri(SCtx *c, const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return "stdin";
	size_t n = strlen(path);
	char *out = arena_array(c->a, n + 8, 3);
	if (!out)
		return "";
	size_t k = 0;
	if (path[0] == '/') {
		memcpy(out, "file://", 7);      /* an absolute path: a file URI */
		k = 7;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			out[k++] = (char)*p;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			out[k++] = '%';
			out[k++] = hex[*p >> 4];
			out[k++] = hex[*p & 15];
		}
	}
	out[k] = 0;
	return out;
}

static const char *kind_name(AneRuleKind k)
{
	return k == RULE_REFUSE ? "refuse" : k == RULE_PREFER ? "prefer" : "advise";
}

static const char *level_of(const AneRule *r)
{
	return r && r->kind == RULE_REFUSE ? "warning" : "note";
}

static json_object *rule_json(SCtx *c, const char *code, const char *reason, const char *hint,
                              const AneRule *r)
{
	json_object *o = json_object_new_object();
	put(o, "id", str(c, code));
	put(o, "shortDescription", text_obj(c, reason));
	if (r && r->source) {
		const char *full = arena_printf(c->a, "%s (%s; source: %s)", reason,
		                                r->spec ? r->spec : "", r->source);
		put(o, "fullDescription", text_obj(c, full));
	}
	put(o, "help", text_obj(c, hint && hint[0] ? hint : reason));
	json_object *cfg = json_object_new_object();
	put(cfg, "level", json_object_new_string(level_of(r)));
	put(o, "defaultConfiguration", cfg);
	json_object *props = json_object_new_object();
	put(props, "confidence", json_object_new_string(r ? confidence_name(r->conf) : "documented"));
	if (r) {
		put(props, "kind", json_object_new_string(kind_name(r->kind)));
		put(props, "spec", str(c, r->spec));
		put(props, "source", str(c, r->source));
	}
	put(o, "properties", props);
	return o;
}

static uint32_t rule_index(SCtx *c, const char *code, const char *reason, const char *hint,
                           const AneRule *r)
{
	for (uint32_t i = 0; i < c->codes.n; i++)
		if (strcmp(c->codes.v[i], code) == 0)
			return i;
	json_object_array_add(c->rules, rule_json(c, code, reason, hint, r));
	vec_push(c->a, &c->codes, arena_strdup(c->a, code));
	return c->codes.n - 1;
}

static int result_op(Func *f, Op *op, void *vctx)
{
	SCtx *c = vctx;
	const ReportInput *in = c->in;
	ComputeUnits cu = in->units;
	const OpPlacement *p = ane_op_placement(in->ctx, f, op);
	if (!p || p->is_const || p->device[cu] == DEV_ANE || p->device[cu] == DEV_NONE)
		return 0;
	const AneRule *r = report_main_rule(p, cu);
	const char *code, *reason, *hint;
	if (r) {
		code = r->code;
		reason = r->reason ? r->reason : "";
		hint = r->hint ? r->hint : "";
	} else if (!(compute_units_devices(cu) & DEVM(DEV_ANE))) {
		code = REPORT_CODE_UNITS;
		reason = "the compute-unit setting excludes the ANE";
		hint = "load the model with CPU_AND_NE or ALL to use the ANE";
	} else {
		code = "?";
		reason = "placed off the ANE without a recorded reason";
		hint = "";
	}
	uint32_t ri = rule_index(c, code, reason, hint, r);
	char why[1024];
	ane_op_why(in->ctx, f, op, cu, why, sizeof why);
	const char *name = ir_op_name(f, op);
	json_object *res = json_object_new_object();
	put(res, "ruleId", str(c, code));
	put(res, "ruleIndex", json_object_new_int64(ri));
	put(res, "level", json_object_new_string(level_of(r)));
	put(res, "message", text_obj(c, arena_printf(c->a, "%s '%s' runs on the %s, not the ANE "
	                                             "(%s): %s", op->kind, name,
	                                             device_name(p->device[cu]),
	                                             compute_units_name(cu), why[0] ? why : reason)));
	json_object *loc = json_object_new_object();
	json_object *phys = json_object_new_object();
	json_object *art = json_object_new_object();
	bool text = op->loc.line > 0;
	put(art, "uri", str(c, uri(c, text && op->loc.file ? op->loc.file : in->path)));
	put(phys, "artifactLocation", art);
	if (text) {
		json_object *region = json_object_new_object();
		put(region, "startLine", json_object_new_int64(op->loc.line));
		put(region, "startColumn", json_object_new_int64(op->loc.col ? op->loc.col : 1));
		put(phys, "region", region);
	}
	put(loc, "physicalLocation", phys);
	json_object *logical = json_object_new_array();
	json_object *lf = json_object_new_object();
	put(lf, "name", str(c, name));
	put(lf, "fullyQualifiedName", str(c, arena_printf(c->a, "%s/%s", f->name, name)));
	put(lf, "kind", json_object_new_string("member"));
	json_object_array_add(logical, lf);
	put(loc, "logicalLocations", logical);
	json_object *locs = json_object_new_array();
	json_object_array_add(locs, loc);
	put(res, "locations", locs);
	json_object *props = json_object_new_object();
	put(props, "function", str(c, f->name));
	put(props, "op", str(c, name));
	put(props, "opType", str(c, op->kind));
	put(props, "device", json_object_new_string(device_name(p->device[cu])));
	put(props, "computeUnits", json_object_new_string(compute_units_name(cu)));
	if (!text)
		put(props, "opIndex", json_object_new_int64(op->loc.col));
	char w[32];
	double weight = c->total_ms > 0 ? report_op_ms(p, cu) / c->total_ms : 0;
	snprintf(w, sizeof w, "%.6f", weight);
	put(props, "costWeight", json_object_new_double_s(weight, w));
	put(res, "properties", props);
	json_object_array_add(c->results, res);
	return 0;
}

int report_sarif(const ReportInput *in, FILE *out)
{
	SCtx c = { .in = in, .a = arena_new() };
	c.rules = json_object_new_array();
	c.results = json_object_new_array();
	c.total_ms = report_total_ms(in, in->units);
	/* every rule of the table, in code order, so that rule indices are stable */
	size_t nrules;
	const AneRule *rules = ane_rules(&nrules);
	for (size_t i = 0; rules && i < nrules; i++)
		rule_index(&c, rules[i].code, rules[i].reason ? rules[i].reason : "",
		           rules[i].hint ? rules[i].hint : "", &rules[i]);
	for (uint32_t i = 0; i < in->m->funcs.n; i++)
		ir_walk_ops(in->m->funcs.v[i], result_op, &c);

	json_object *driver = json_object_new_object();
	put(driver, "name", json_object_new_string("anelint"));
	put(driver, "version", str(&c, in->tool_version));
	put(driver, "informationUri", json_object_new_string(TOOL_URI));
	put(driver, "rules", c.rules);
	json_object *tool = json_object_new_object();
	put(tool, "driver", driver);

	json_object *run = json_object_new_object();
	put(run, "tool", tool);
	json_object *arts = json_object_new_array();
	json_object *art = json_object_new_object();
	json_object *al = json_object_new_object();
	put(al, "uri", str(&c, uri(&c, in->path)));
	put(art, "location", al);
	json_object_array_add(arts, art);
	put(run, "artifacts", arts);
	put(run, "results", c.results);
	json_object *props = json_object_new_object();
	const AneChip *chip = ane_chip(in->ctx);
	put(props, "chip", str(&c, chip ? chip->name : "?"));
	put(props, "computeUnits", json_object_new_string(compute_units_name(in->units)));
	const AneCounts *k = ane_counts(in->ctx, NULL, in->units);
	if (k) {
		char s[32];
		snprintf(s, sizeof s, "%.4f", k->share[DEV_ANE]);
		put(props, "aneShare", json_object_new_double_s(k->share[DEV_ANE], s));
		put(props, "executableOps", json_object_new_int64(k->executable));
		put(props, "segments", json_object_new_int64(k->segments));
		put(props, "switches", json_object_new_int64(k->switches));
	}
	put(run, "properties", props);

	json_object *root = json_object_new_object();
	put(root, "$schema", json_object_new_string(SARIF_SCHEMA));
	put(root, "version", json_object_new_string("2.1.0"));
	json_object *runs = json_object_new_array();
	json_object_array_add(runs, run);
	put(root, "runs", runs);
	int rc = report_print_json(root, out);
	json_object_put(root);
	arena_free(c.a);
	return rc;
}
