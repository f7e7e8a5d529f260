/* test_report_golden.c - the JSON report of a few models, compared with
 * tests/golden/reports/<name>.json after the volatile fields are removed:
 * tool.version, model.path, the directories of location files, and the
 * modelled times (latency, modelled_ms, estimated_ms, cost weights and
 * shares, the cost section's launch, transfer, fastest and bound; numbers
 * inside messages become '#'), which the cost model's
 * calibration moves and its own tests hold.  What is compared is what CI
 * reads: devices, reasons, segments, boundary tensors and bytes, counts.  A
 * difference prints the first differing JSON pointer.  To accept a change
 * on purpose: ANELINT_UPDATE_GOLDEN=1 ctest -R test_report_golden, then
 * review the diff.  Corpus models are skipped, saying so, when ../shared
 * is absent; the example always runs. */
#include "testutil.h"
#include "driver/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "anelint.h"
#include "backend/report.h"

static const struct {
	const char *name;       /* golden file name */
	const char *path;       /* under ../shared/corpus, or "@" + a path in the source tree */
} models[] = {
	{ "tiny_convnet", "@examples/tiny_convnet.mil" },
	{ "fp16_overflow_exp_ios17", "converted/fp16_overflow_exp_ios17/fp16_overflow_exp_ios17.mlpackage" },
	{ "flexible_enumerated_ios17",
	  "converted/flexible_enumerated_ios17/flexible_enumerated_ios17.mlpackage" },
	{ "embedding_gather_ios17", "converted/embedding_gather_ios17/embedding_gather_ios17.mlpackage" },
	{ "control_flow_ios17", "converted/control_flow_ios17/control_flow_ios17.mlpackage" },
	{ "lstm_2layer_nn", "converted/lstm_2layer_nn/lstm_2layer_nn.mlpackage" },
	{ "fluidaudio_argmax_mil", "public/fluidaudio_argmax_mil/model.mil" },
};

static void base_name(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return;
	const char *s = json_object_get_string(v), *slash = strrchr(s, '/');
	if (slash)
		json_object_object_add(o, key, json_object_new_string(slash + 1));
}

static void strip_locations(json_object *arr)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *loc;
		if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "location", &loc) && loc)
			base_name(loc, "file");
	}
}

/* s with every occurrence of `from` removed (in place). */
static void remove_all(char *s, const char *from)
{
	size_t n = strlen(from);
	char *p;
	while (n && (p = strstr(s, from)))
		memmove(p, p + n, strlen(p + n) + 1);
}

static const char *const modelled_keys[] = {
	"latency", "modelled_ms", "estimated_ms", "cost_weight", "cost_share",
	/* the cost pass's modelled figures (its FLOPs and bytes are compared) */
	"ops_ms", "launch_ms", "transfer_ms", "fastest", "cost_weights", "bound", "ane_launch_ms",
};

/* Modelled times out, numbers in messages masked, at every depth. */
static void drop_modelled(json_object *o)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			drop_modelled(json_object_array_get_idx(o, i));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	for (size_t i = 0; i < sizeof modelled_keys / sizeof *modelled_keys; i++)
		json_object_object_del(o, modelled_keys[i]);
	json_object *m;
	if (json_object_object_get_ex(o, "message", &m) && json_object_is_type(m, json_type_string)) {
		const char *s = json_object_get_string(m);
		char *t = malloc(strlen(s) + 1), *q = t;
		for (const char *p = s; *p;) {
			if (*p >= '0' && *p <= '9') {
				*q++ = '#';
				while ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))
					p++;
			} else {
				*q++ = *p++;
			}
		}
		*q = 0;
		json_object_object_add(o, "message", json_object_new_string(t));
		free(t);
	}
	json_object_object_foreach(o, key, val) {
		(void)key;
		drop_modelled(val);
	}
}

/* The report without what differs between machines and checkouts. */
static void normalise(json_object *r)
{
	drop_modelled(r);
	json_object *v;
	if (json_object_object_get_ex(r, "tool", &v))
		json_object_object_del(v, "version");
	if (json_object_object_get_ex(r, "model", &v))
		json_object_object_del(v, "path");
	if (json_object_object_get_ex(r, "ops", &v))
		strip_locations(v);
	if (json_object_object_get_ex(r, "diagnostics", &v))
		strip_locations(v);
}

/* The first JSON pointer where a and b differ, into buf; false if equal. */
static bool first_diff(json_object *a, json_object *b, char *buf, size_t n, size_t at)
{
	if (json_object_equal(a, b))
		return false;
	if (json_object_get_type(a) == json_object_get_type(b)) {
		if (json_object_is_type(a, json_type_object)) {
			json_object_object_foreach(a, k, va) {
				json_object *vb;
				if (!json_object_object_get_ex(b, k, &vb)) {
					snprintf(buf + at, n - at, "/%s (only in the report)", k);
					return true;
				}
				int w = snprintf(buf + at, n - at, "/%s", k);
				if (w > 0 && at + (size_t)w < n && first_diff(va, vb, buf, n, at + (size_t)w))
					return true;
			}
			json_object_object_foreach(b, kb, vbb) {
				(void)vbb;
				if (!json_object_object_get_ex(a, kb, NULL)) {
					snprintf(buf + at, n - at, "/%s (only in the golden file)", kb);
					return true;
				}
			}
		} else if (json_object_is_type(a, json_type_array)) {
			size_t la = json_object_array_length(a), lb = json_object_array_length(b);
			for (size_t i = 0; i < la && i < lb; i++) {
				int w = snprintf(buf + at, n - at, "/%zu", i);
				if (w > 0 && at + (size_t)w < n &&
				    first_diff(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i), buf,
				               n, at + (size_t)w))
					return true;
			}
			snprintf(buf + at, n - at, " (%zu items, golden %zu)", la, lb);
			return true;
		}
	}
	snprintf(buf + at, n - at, ": %s, golden %s", json_object_to_json_string(a),
	         json_object_to_json_string(b));
	return true;
}

static void test_report_golden(void **state)
{
	bool update = getenv("ANELINT_UPDATE_GOLDEN") != NULL;
	size_t compared = 0, skipped = 0;
	for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
		char path[2048], golden[2048];
		if (models[i].path[0] == '@') {
			snprintf(path, sizeof path, "%s/%s", tu_source_dir(), models[i].path + 1);
		} else if (tu_shared_dir()) {
			snprintf(path, sizeof path, "%s/corpus/%s", tu_shared_dir(), models[i].path);
		} else {
			skipped++;
			continue;
		}
		snprintf(golden, sizeof golden, "%s/tests/golden/reports/%s.json", tu_source_dir(),
		         models[i].name);
		DiagList dl;
		diag_init(&dl);
		Module *m = anelint_load(path, &dl);
		if (!m)
			fail_msg("%s does not load", path);
		uint32_t first = dl.d.n;
		PassOptions po;
		pass_options_init(&po);
		PassCtx *ctx = pass_ctx_new(m, &dl, &po);
		pass_run_pipeline(ctx);
		pass_run(ctx, PASS_PARTITION);
		pass_run(ctx, PASS_FLEX);
		driver_reruns(ctx);
		ReportInput in;
		report_input_init(&in, m, ctx, models[i].path, NULL, "golden");
		in.path = models[i].path;
		in.diag_first = first;
		/* what a reader sees: the printed report, with the checkout's and the
		 * corpus's directories taken out of the location paths */
		char *text = report_json_string(&in, NULL);
		assert_non_null(text);
		char prefix[2100];
		if (tu_shared_dir()) {
			snprintf(prefix, sizeof prefix, "%s/", tu_shared_dir());
			remove_all(text, prefix);
		}
		snprintf(prefix, sizeof prefix, "%s/", tu_source_dir());
		remove_all(text, prefix);
		json_object *r = json_tokener_parse(text);
		assert_non_null(r);
		normalise(r);
		if (update) {
			/* written as the report is: one op per line */
			assert_int_equal(tu_write_file(golden, text, strlen(text)), 0);
			print_message("updated %s\n", golden);
		} else {
			json_object *g = json_object_from_file(golden);
			if (!g)
				fail_msg("%s: no golden report (ANELINT_UPDATE_GOLDEN=1 writes it)", golden);
			normalise(g);
			char where[4096] = "";
			if (first_diff(r, g, where, sizeof where, 0))
				fail_msg("%s differs from %s at %s", models[i].path, golden, where);
			json_object_put(g);
		}
		free(text);
		compared++;
		json_object_put(r);
		pass_ctx_free(ctx);
		ir_module_free(m);
		diag_fini(&dl);
	}
	if (skipped)
		print_message("SKIP: ../shared is absent; %zu corpus reports not compared\n", skipped);
	print_message("golden reports: %zu compared\n", compared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_golden),
	};
	return cmocka_run_group_tests_name("report_golden", tests, NULL, NULL);
}
