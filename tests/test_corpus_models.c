/* test_corpus_models.c - every model under ../shared/corpus loads, dumps
 * and describes itself through the command (`dump`, `info`, `info --json`,
 * the JSON parsed back and its required keys checked), with exact values
 * checked against facts stated outside the model (the corpus manifests,
 * the pymil printouts, file sizes).  The one compiled neural network
 * gives the documented "unsupported" error and exit 2. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

static const char *const SUFFIXES[] = { ".mlmodel", ".mlmodel.gz", ".mlpackage", ".mlmodelc",
                                        ".mil", ".milprog.txt" };


static char *shell_quote(const char *s)
{
	size_t n = strlen(s);
	char *q = malloc(4 * n + 3), *d = q;
	*d++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(d, "'\\''", 4);
			d += 4;
		} else {
			*d++ = *s;
		}
	}
	*d++ = '\'';
	*d = 0;
	return q;
}

/* Run `anelint ARGS 'model'`; returns the exit status. */
static int run(const char *args, const char *model, char **out, char **err)
{
	char *q = shell_quote(model);
	size_t n = strlen(tu_bin()) + strlen(args) + strlen(q) + 8;
	char *cmd = malloc(n);
	snprintf(cmd, n, "%s %s %s", tu_bin(), args, q);
	int rc = tu_run(cmd, out, err);
	free(cmd);
	free(q);
	return rc;
}

static bool is_compiled_nn(const char *path)
{
	size_t n = strlen(path);
	if (n < 9 || strcmp(path + n - 9, ".mlmodelc") != 0)
		return false;
	char mil[1024], part[1024];
	snprintf(mil, sizeof mil, "%s/model.mil", path);
	snprintf(part, sizeof part, "%s/model0", path);
	struct stat st;
	return stat(mil, &st) != 0 && stat(part, &st) != 0;
}

static json_object *key(json_object *o, const char *k, json_type want, bool nullable)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("key '%s' missing", k);
	if (!v && nullable)
		return NULL;
	if (!v || !json_object_is_type(v, want))
		fail_msg("key '%s' has the wrong type", k);
	return v;
}

/* The keys docs/info-json.md marks "always", with their types, and the
 * sums that must agree. */
static void check_report(json_object *r)
{
	assert_string_equal(json_object_get_string(key(r, "schema", json_type_string, false)),
	                    "anelint-info");
	assert_int_equal(json_object_get_int(key(r, "schema_version", json_type_int, false)), 1);
	key(r, "file", json_type_string, false);
	key(r, "format", json_type_string, false);
	key(r, "kind", json_type_string, false);
	key(r, "spec_version", json_type_int, true);
	json_object *os = key(r, "min_os", json_type_object, true);
	if (os) {
		key(os, "implied_by", json_type_string, false);
		key(os, "iOS", json_type_string, false);
		key(os, "macOS", json_type_string, false);
	}
	key(r, "updatable", json_type_boolean, false);
	key(r, "default_function", json_type_string, true);
	key(r, "interface_source", json_type_string, false);
	json_object *ins = key(r, "inputs", json_type_array, false);
	key(r, "outputs", json_type_array, false);
	key(r, "states", json_type_array, false);
	for (size_t i = 0; i < json_object_array_length(ins); i++) {
		json_object *f = json_object_array_get_idx(ins, i);
		key(f, "name", json_type_string, false);
		key(f, "kind", json_type_string, false);
	}
	key(r, "pipeline", json_type_array, false);
	key(r, "training_inputs", json_type_array, false);
	json_object *funcs = key(r, "functions", json_type_array, false);
	assert_true(json_object_array_length(funcs) >= 1);
	int64_t ops = json_object_get_int64(key(r, "ops", json_type_int, false)), sum = 0, fsum = 0;
	json_object_object_foreach(key(r, "op_counts", json_type_object, false), k, v) {
		(void)k;
		sum += json_object_get_int64(v);
	}
	for (size_t i = 0; i < json_object_array_length(funcs); i++) {
		json_object *f = json_object_array_get_idx(funcs, i);
		key(f, "name", json_type_string, false);
		key(f, "default", json_type_boolean, false);
		key(f, "inputs", json_type_array, false);
		key(f, "op_counts", json_type_object, false);
		fsum += json_object_get_int64(key(f, "ops", json_type_int, false));
	}
	assert_int_equal(sum, ops);
	assert_int_equal(fsum, ops);
	json_object *w = key(r, "weights", json_type_object, false);
	int64_t total = json_object_get_int64(key(w, "total_bytes", json_type_int, false));
	int64_t blob = json_object_get_int64(key(w, "blob_bytes", json_type_int, false));
	int64_t inl = json_object_get_int64(key(w, "inline_bytes", json_type_int, false));
	assert_int_equal(total, blob + inl);
	key(w, "by_dtype", json_type_object, false);
	key(w, "blob_files", json_type_array, false);
	json_object *md = key(r, "metadata", json_type_object, false);
	key(md, "author", json_type_string, true);
	key(md, "user_defined", json_type_object, false);
}

static void test_corpus_models_all(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	size_t n;
	char **models = tu_corpus_models("", SUFFIXES, sizeof SUFFIXES / sizeof SUFFIXES[0], &n);
	assert_true(n >= 50);
	unsigned ok = 0, unsupported = 0;
	for (size_t i = 0; i < n; i++) {
		char *out = NULL, *err = NULL;
		if (is_compiled_nn(models[i])) {
			static const char *const cmds[] = { "dump", "info", "info --json" };
			for (size_t c = 0; c < 3; c++) {
				assert_int_equal(run(cmds[c], models[i], &out, &err), 2);
				assert_string_equal(out, "");
				assert_non_null(strstr(err, "error[E120]: compiled model without model.mil"));
				assert_non_null(strstr(err, "not supported"));
				free(out);
				free(err);
			}
			unsupported++;
			continue;
		}
		int rc = run("dump", models[i], &out, &err);
		if (rc != 0)
			fail_msg("dump %s: exit %d: %s", models[i], rc, err);
		assert_memory_equal(out, "program(", 8);
		free(out);
		free(err);
		rc = run("info", models[i], &out, &err);
		if (rc != 0)
			fail_msg("info %s: exit %d: %s", models[i], rc, err);
		assert_non_null(strstr(out, "\nformat:"));
		assert_non_null(strstr(out, "\nops:"));
		free(out);
		free(err);
		rc = run("info --json", models[i], &out, &err);
		if (rc != 0)
			fail_msg("info --json %s: exit %d: %s", models[i], rc, err);
		json_object *r = json_tokener_parse(out);
		if (!r)
			fail_msg("info --json %s: not JSON", models[i]);
		check_report(r);
		json_object_put(r);
		free(out);
		free(err);
		ok++;
	}
	print_message("%u models: dump, info and info --json; %u compiled neural network refused\n",
	              ok, unsupported);
	assert_int_equal(unsupported, 1);
	tu_free_list(models, n);
}

/* ---- exact values ---- */

static json_object *info_json(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/corpus/%s", tu_shared_dir(), rel);
	char *out = NULL, *err = NULL;
	int rc = run("info --json", path, &out, &err);
	if (rc != 0)
		fail_msg("%s: exit %d: %s", rel, rc, err);
	json_object *r = json_tokener_parse(out);
	assert_non_null(r);
	free(out);
	free(err);
	return r;
}

static json_object *at(json_object *o, const char *path)
{
	/* "inputs.0.ranges.2.upper" */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *tok = strtok(buf, "."); tok; tok = strtok(NULL, ".")) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(tok));
		else if (!json_object_object_get_ex(o, tok, &o))
			fail_msg("no '%s' in %s", tok, path);
	}
	return o;
}

static const char *s_at(json_object *o, const char *path)
{
	return json_object_get_string(at(o, path));
}

static int64_t i_at(json_object *o, const char *path)
{
	return json_object_get_int64(at(o, path));
}

/* Count of `= op(` in a printout: the non-const ops by type. */
static int64_t printout_count(const char *rel, const char *op)
{
	char path[1024], pat[64];
	snprintf(path, sizeof path, "%s/corpus/%s", tu_shared_dir(), rel);
	snprintf(pat, sizeof pat, "= %s(", op);
	char *text = tu_read_file(path, NULL);
	assert_non_null(text);
	int64_t n = 0;
	for (const char *p = text; (p = strstr(p, pat)); p++)
		n++;
	free(text);
	return n;
}

static void test_corpus_models_values(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	/* MANIFEST.tsv: x:1x3x64x64{enum:1x3x64x64|1x3x128x128|1x3x256x192}:FLOAT16 */
	json_object *r = info_json("converted/flexible_enumerated_ios17/flexible_enumerated_ios17.mlpackage");
	assert_string_equal(s_at(r, "inputs.0.flexibility"), "enumerated");
	assert_string_equal(s_at(r, "inputs.0.dtype"), "fp16");
	assert_string_equal(json_object_to_json_string_ext(at(r, "inputs.0.enumerated_shapes"),
	                                                   JSON_C_TO_STRING_PLAIN),
	                    "[[1,3,64,64],[1,3,128,128],[1,3,256,192]]");
	assert_string_equal(s_at(r, "min_os.iOS"), "17.0");
	json_object_put(r);

	/* MANIFEST.tsv: {range:[1,1],[3,3],[32,512],[32,512]} */
	r = info_json("converted/flexible_rangedim_ios16/flexible_rangedim_ios16.mlpackage");
	assert_string_equal(s_at(r, "inputs.0.flexibility"), "range");
	assert_string_equal(json_object_to_json_string_ext(at(r, "inputs.0.ranges"),
	                                                   JSON_C_TO_STRING_PLAIN),
	                    "[{\"lower\":1,\"upper\":1},{\"lower\":3,\"upper\":3},"
	                    "{\"lower\":32,\"upper\":512},{\"lower\":32,\"upper\":512}]");
	json_object_put(r);

	/* NMS pipeline: boxes x classes with an unbounded number of boxes */
	r = info_json("public/yolov8n_pipeline/yolov8n.mlpackage");
	assert_string_equal(s_at(r, "kind"), "pipeline");
	assert_string_equal(s_at(r, "outputs.0.name"), "confidence");
	assert_int_equal(i_at(r, "outputs.0.ranges.0.lower"), 0);
	assert_string_equal(s_at(r, "outputs.0.ranges.0.upper"), "inf");
	assert_int_equal(i_at(r, "outputs.0.ranges.1.upper"), 80);
	assert_string_equal(s_at(r, "pipeline.1.kind"), "nonMaximumSuppression");
	json_object_put(r);

	/* op counts against the printout of the same program; weights against
	 * the weight file's size (64-byte header + a 64-byte record per blob) */
	const char *prog = "converted/resnet18_ios16_fp32/resnet18_ios16_fp32.milprog.txt";
	r = info_json("converted/resnet18_ios16_fp32/resnet18_ios16_fp32.mlpackage");
	assert_int_equal(i_at(r, "op_counts.conv"), printout_count(prog, "conv"));
	assert_int_equal(i_at(r, "op_counts.conv"), 20);
	assert_int_equal(i_at(r, "op_counts.linear"), printout_count(prog, "linear"));
	assert_int_equal(i_at(r, "op_counts.relu"), printout_count(prog, "relu"));
	assert_int_equal(i_at(r, "op_counts.add"), printout_count(prog, "add"));
	char wpath[1024];
	snprintf(wpath, sizeof wpath, "%s/corpus/converted/resnet18_ios16_fp32/resnet18_ios16_fp32"
	         ".mlpackage/Data/com.apple.CoreML/weights/weight.bin", tu_shared_dir());
	struct stat st;
	assert_int_equal(stat(wpath, &st), 0);
	int64_t blob = i_at(r, "weights.by_dtype.fp32.blob_bytes");
	int64_t nblob = i_at(r, "weights.by_dtype.fp32.blob_tensors");
	assert_true(blob <= st.st_size - 64 - 64 * nblob);
	assert_true(blob > st.st_size - 64 - 128 * nblob);
	assert_string_equal(s_at(r, "weights.blob_files.0"), "@model_path/weights/weight.bin");
	json_object_put(r);

	/* the printout of the same model: signature, pymil form, same op counts */
	r = info_json(prog);
	assert_string_equal(s_at(r, "format"), "pymil");
	assert_string_equal(s_at(r, "interface_source"), "signature");
	assert_int_equal(i_at(r, "op_counts.conv"), 20);
	assert_string_equal(s_at(r, "min_os.implied_by"), "opset");
	assert_string_equal(s_at(r, "min_os.iOS"), "16.0");
	assert_true(i_at(r, "weights.elided_constants") > 0);
	json_object_put(r);

	/* image input, classifier */
	r = info_json("converted/mobilenet_v2_ios16_image_classifier/"
	              "mobilenet_v2_ios16_image_classifier.mlpackage");
	assert_string_equal(s_at(r, "inputs.0.kind"), "image");
	assert_string_equal(s_at(r, "inputs.0.color_space"), "RGB");
	assert_int_equal(i_at(r, "inputs.0.width"), 224);
	assert_int_equal(i_at(r, "inputs.0.height"), 224);
	assert_string_equal(s_at(r, "predicted_feature"), "classLabel");
	assert_string_equal(s_at(r, "outputs.1.kind"), "dictionary");
	json_object_put(r);
	/* the string label crossing the last boundary counts a pointer per
	 * element (partition), never unknown: it turned null once */
	{
		char path[1024], *out = NULL, *err = NULL;
		snprintf(path, sizeof path, "%s/corpus/converted/mobilenet_v2_ios16_image_classifier/"
		         "mobilenet_v2_ios16_image_classifier.mlpackage", tu_shared_dir());
		assert_int_equal(run("analyze -f json", path, &out, &err), 0);
		assert_non_null(strstr(out, "{\"name\": \"classLabel\", \"bytes\": 8}"));
		free(out);
		free(err);
	}

	/* states; multiple functions (MANIFEST.tsv) */
	r = info_json("converted/stateful_kvcache_ios18/stateful_kvcache_ios18.mlpackage");
	assert_int_equal(json_object_array_length(at(r, "states")), 2);
	assert_string_equal(s_at(r, "states.0.name"), "k_cache");
	assert_string_equal(s_at(r, "states.0.kind"), "state");
	assert_string_equal(json_object_to_json_string_ext(at(r, "states.0.shape"),
	                                                   JSON_C_TO_STRING_PLAIN), "[1,32,64]");
	assert_int_equal(i_at(r, "spec_version"), 9);
	assert_string_equal(s_at(r, "min_os.macOS"), "15.0");
	json_object_put(r);
	r = info_json("converted/multifunction_ios18/multifunction_ios18.mlpackage");
	assert_string_equal(s_at(r, "default_function"), "small");
	assert_string_equal(s_at(r, "functions.1.name"), "large");
	assert_false(json_object_get_boolean(at(r, "functions.1.default")));
	assert_string_equal(json_object_to_json_string_ext(at(r, "functions.1.inputs.0.shape"),
	                                                   JSON_C_TO_STRING_PLAIN), "[1,3,128,128]");
	assert_true(i_at(r, "weights.shared_blob_references") > 0);
	json_object_put(r);

	/* metadata; an updatable model with training inputs */
	r = info_json("public/s4tf_personalization/s4tf_model_personalization.mlmodel");
	assert_string_equal(s_at(r, "metadata.author"), "Jacopo Mangiavacchi");
	assert_string_equal(s_at(r, "metadata.license"), "MIT");
	assert_true(json_object_get_boolean(at(r, "updatable")));
	assert_int_equal(json_object_array_length(at(r, "training_inputs")), 2);
	json_object_put(r);

	/* bare MIL text: no description */
	r = info_json("public/rbk_flexible_multifunction_mil/model.mil");
	assert_string_equal(s_at(r, "format"), "mil");
	assert_true(json_object_get_type(at(r, "spec_version")) == json_type_null);
	assert_string_equal(s_at(r, "functions.0.name"), "first");
	assert_string_equal(s_at(r, "metadata.user_defined"), "{ }");
	json_object_put(r);
}

/* -o writes the file; a missing model is exit 2 with one message. */
static void test_corpus_models_cli(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char *dir = tu_tmpdir(), out_path[600], model[1024], args[700];
	snprintf(out_path, sizeof out_path, "%s/info.json", dir);
	snprintf(model, sizeof model, "%s/corpus/public/coremlit_identity/identity.mlmodel",
	         tu_shared_dir());
	snprintf(args, sizeof args, "info --json -o %s", out_path);
	char *out = NULL, *err = NULL;
	assert_int_equal(run(args, model, &out, &err), 0);
	assert_string_equal(out, "");
	free(out);
	free(err);
	char *text = tu_read_file(out_path, NULL);
	assert_non_null(text);
	json_object *r = json_tokener_parse(text);
	assert_non_null(r);
	check_report(r);
	json_object_put(r);
	free(text);
	remove(out_path);
	remove(dir);
	free(dir);
	assert_int_equal(run("info", "/nonexistent/model.mlpackage", &out, &err), 2);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "error[E100]"));
	free(out);
	free(err);
	assert_int_equal(run("info --bogus", "x", &out, &err), 2);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_models_all),
		cmocka_unit_test(test_corpus_models_values),
		cmocka_unit_test(test_corpus_models_cli),
	};
	return cmocka_run_group_tests_name("corpus_models", tests, NULL, NULL);
}
