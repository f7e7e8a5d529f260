/* test_bundle.c - finding the model: .mlpackage manifests, .mlmodelc
 * folders, gzip, content sniffing, and every corpus bundle loading. */
#include "testutil.h"
#include "pbwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "frontend/frontend.h"

static char *cat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

static void rm_tree(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void mkdirs(const char *path)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* The smallest model: spec 1, empty description, kind identity (900). */
static PbBuf tiny_model(void)
{
	PbBuf b = { 0 }, d = { 0 }, id = { 0 };
	pbw_uint(&b, 1, 1);
	pbw_msg(&b, 2, &d);
	pbw_msg(&b, 900, &id);
	return b;
}

/* Load and expect failure with this code and text in the first error. */
static void expect_load_error(const char *path, const char *code, const char *text)
{
	DiagList dl;
	diag_init(&dl);
	Module *m = fe_load(path, &dl);
	assert_null(m);
	tu_assert_first_error(&dl, code, text);
	diag_fini(&dl);
}

/* ---- .mlpackage ---- */

static const char manifest_fmt[] =
	"{\n \"fileFormatVersion\": \"%s\",\n \"itemInfoEntries\": {\n"
	"  \"A1\": {\"author\": \"com.apple.CoreML\", \"description\": \"CoreML Model Specification\","
	" \"name\": \"model.mlmodel\", \"path\": \"%s\"%s}\n },\n \"rootModelIdentifier\": \"A1\"\n}\n";

/* pkg/Manifest.json with the given version, root path and extra keys (or a
 * verbatim manifest), and the tiny model at Data/com.apple.CoreML/. */
static char *make_pkg(const char *version, const char *root_path, const char *verbatim)
{
	char *tmp = tu_tmpdir();
	char *pkg = cat(tmp, "m.mlpackage");
	char *data = cat(pkg, "Data/com.apple.CoreML");
	mkdirs(data);
	char man[2048];
	if (verbatim)
		snprintf(man, sizeof man, "%s", verbatim);
	else
		snprintf(man, sizeof man, manifest_fmt, version, root_path, "");
	char *mp = cat(pkg, "Manifest.json");
	assert_int_equal(tu_write_file(mp, man, strlen(man)), 0);
	PbBuf b = tiny_model();
	char *model = cat(data, "model.mlmodel");
	assert_int_equal(tu_write_file(model, b.p, b.n), 0);
	free(b.p);
	free(model);
	free(mp);
	free(data);
	free(tmp);
	return pkg;
}

static void drop_pkg(char *pkg)
{
	char *dir = strdup(pkg);
	*strrchr(dir, '/') = 0;
	rm_tree(dir);
	free(dir);
	free(pkg);
}

static void test_bundle_mlpackage_ok(void **state)
{
	(void)state;
	char *pkg = make_pkg("1.0.0", "com.apple.CoreML/model.mlmodel", NULL);
	DiagList dl;
	Module *m = tu_load_ok(pkg, &dl);
	assert_non_null(m->desc);
	assert_string_equal(m->desc->format, "mlpackage");
	assert_string_equal(m->desc->kind, "identity");
	assert_int_equal(m->desc->spec_version, 1);
	assert_string_equal(m->desc->min_os.ios, "11.0");
	assert_int_equal(m->funcs.n, 1);
	assert_string_equal(m->funcs.v[0]->body->ops[0]->kind, "model.identity");
	assert_non_null(m->model_path);
	assert_non_null(strstr(m->model_path, "Data/com.apple.CoreML"));
	ir_module_free(m);
	diag_fini(&dl);
	drop_pkg(pkg);
}

static void test_bundle_manifest_missing_keys(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "{\"itemInfoEntries\": {}, \"rootModelIdentifier\": \"A1\"}", "'fileFormatVersion'" },
		{ "{\"fileFormatVersion\": \"1.0.0\", \"itemInfoEntries\": {}}", "'rootModelIdentifier'" },
		{ "{\"fileFormatVersion\": \"1.0.0\", \"rootModelIdentifier\": \"A1\"}", "'itemInfoEntries'" },
		{ "{\"fileFormatVersion\": \"1.0.0\", \"rootModelIdentifier\": \"A1\", \"itemInfoEntries\": "
		  "{\"A1\": {\"path\": \"com.apple.CoreML/model.mlmodel\", \"name\": \"m\", "
		  "\"description\": \"d\"}}}", "item 'A1' lacks the string key 'author'" },
		{ "{\"fileFormatVersion\": \"1.0.0\", \"rootModelIdentifier\": \"B2\", \"itemInfoEntries\": "
		  "{\"A1\": {\"path\": \"com.apple.CoreML/model.mlmodel\", \"name\": \"m\", "
		  "\"author\": \"a\", \"description\": \"d\"}}}", "'B2' names no entry" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *pkg = make_pkg(NULL, NULL, cases[i][0]);
		expect_load_error(pkg, FE_E_MANIFEST_KEY, cases[i][1]);
		drop_pkg(pkg);
	}
	char *pkg = make_pkg(NULL, NULL, "{ not json");
	expect_load_error(pkg, FE_E_MANIFEST, "Manifest.json: error[E110]: not a JSON object");
	drop_pkg(pkg);
	pkg = make_pkg("2.0.0", "com.apple.CoreML/model.mlmodel", NULL);
	expect_load_error(pkg, FE_E_MANIFEST_VER, "'2.0.0' is not supported");
	drop_pkg(pkg);
	pkg = make_pkg("1.0.0", "com.apple.CoreML/absent.mlmodel", NULL);
	expect_load_error(pkg, FE_E_ROOT_MISSING, "absent.mlmodel: error[E114]");
	drop_pkg(pkg);
}

static void test_bundle_manifest_unsafe_paths(void **state)
{
	(void)state;
	char *pkg = make_pkg("1.0.0", "../../outside.mlmodel", NULL);
	expect_load_error(pkg, FE_E_UNSAFE_PATH, "'../../outside.mlmodel' leaves the package");
	drop_pkg(pkg);
	pkg = make_pkg("1.0.0", "com.apple.CoreML/../../x.mlmodel", NULL);
	expect_load_error(pkg, FE_E_UNSAFE_PATH, "leaves the package");
	drop_pkg(pkg);
	pkg = make_pkg("1.0.0", "/etc/passwd", NULL);
	expect_load_error(pkg, FE_E_UNSAFE_PATH, "'/etc/passwd' is absolute");
	drop_pkg(pkg);
	/* a root model that is a symbolic link to a file outside the package */
	pkg = make_pkg("1.0.0", "com.apple.CoreML/link.mlmodel", NULL);
	char *outside = tu_tmpdir();
	char *target = cat(outside, "real.mlmodel");
	PbBuf b = tiny_model();
	assert_int_equal(tu_write_file(target, b.p, b.n), 0);
	free(b.p);
	char *link = cat(pkg, "Data/com.apple.CoreML/link.mlmodel");
	assert_int_equal(symlink(target, link), 0);
	expect_load_error(pkg, FE_E_UNSAFE_PATH, "outside the package");
	rm_tree(outside);
	free(outside);
	free(target);
	free(link);
	drop_pkg(pkg);
}

/* ---- folders that are no model, compiled bundles ---- */

static void test_bundle_not_a_bundle(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *f = cat(dir, "README.txt");
	assert_int_equal(tu_write_file(f, "hi", 2), 0);
	expect_load_error(dir, FE_E_NOT_BUNDLE, "folder is no Core ML model bundle");
	char *absent = cat(dir, "no-such-model.mlpackage");
	expect_load_error(absent, FE_E_READ, "cannot open");
	rm_tree(dir);
	free(absent);
	free(f);
	free(dir);
}

static void test_bundle_mlmodelc_nn_unsupported(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *c = cat(dir, "m.mlmodelc");
	mkdirs(c);
	char *f = cat(c, "coremldata.bin");
	static const uint8_t hdr[8] = { 0xf4, 0x01, 0, 0, 3, 0, 0, 0 };
	assert_int_equal(tu_write_file(f, hdr, sizeof hdr), 0);
	char *e = cat(c, "model.espresso.net");
	assert_int_equal(tu_write_file(e, "{}", 2), 0);
	expect_load_error(c, FE_E_MLMODELC_NN, "compiled model without model.mil");
	rm_tree(dir);
	free(e);
	free(f);
	free(c);
	free(dir);
}

static void test_bundle_mlmodelc_pipeline(void **state)
{
	(void)state;
	static const char part0[] =
		"program(1.0)\n[buildInfo = dict<tensor<string, []>, tensor<string, []>>({{\"k\", \"{v}\"}})]\n"
		"{\n    func main<ios16>(tensor<fp16, [1, 10]> x) {\n"
		"            tensor<fp16, [1, 10]> w = const()[name = tensor<string, []>(\"w\"), val = "
		"tensor<fp16, [1, 10]>(BLOBFILE(path = tensor<string, []>(\"@model_path/weights/w.bin\"), "
		"offset = tensor<uint64, []>(64)))];\n"
		"            tensor<fp16, [1, 10]> y = add(x = x, y = w)[name = tensor<string, []>(\"y\")];\n"
		"        } -> (y);\n}\n";
	static const char part1[] =
		"program(1.0)\n{\n    func main<ios16>(tensor<fp16, [1, 10]> y) {\n"
		"            tensor<fp16, [1, 10]> z = sigmoid(x = y)[name = tensor<string, []>(\"z\")];\n"
		"        } -> (z);\n}\n";
	char *dir = tu_tmpdir();
	char *c = cat(dir, "p.mlmodelc");
	char *m0 = cat(c, "model0"), *m1 = cat(c, "model1");
	mkdirs(m0);
	mkdirs(m1);
	char *f0 = cat(m0, "model.mil"), *f1 = cat(m1, "model.mil");
	assert_int_equal(tu_write_file(f0, part0, sizeof part0 - 1), 0);
	assert_int_equal(tu_write_file(f1, part1, sizeof part1 - 1), 0);
	DiagList dl;
	Module *m = tu_load_ok(c, &dl);
	assert_int_equal(m->funcs.n, 2);
	assert_string_equal(m->funcs.v[0]->name, "model0");
	assert_string_equal(m->funcs.v[1]->name, "model1");
	assert_string_equal(m->model_path, c);
	/* each part's weights live in its own folder */
	const Op *w = m->funcs.v[0]->body->ops[0];
	const Lit *wl = ir_attr_find(w->nattrs, w->attrs, "val");
	assert_int_equal(wl->kind, LIT_BLOB);
	assert_string_equal(wl->u.blob.path, "@model_path/model0/weights/w.bin");
	ir_module_free(m);
	diag_fini(&dl);
	rm_tree(dir);
	free(f0);
	free(f1);
	free(m0);
	free(m1);
	free(c);
	free(dir);
}

/* ---- single files ---- */

static void test_bundle_bad_files(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *empty = cat(dir, "empty.mlmodel");
	assert_int_equal(tu_write_file(empty, "", 0), 0);
	expect_load_error(empty, FE_E_EMPTY, "file is empty");
	/* garbage that looks like a model's first bytes */
	static const uint8_t garbage[] = { 0x08, 0x05, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01 };
	char *g = cat(dir, "garbage.mlmodel");
	assert_int_equal(tu_write_file(g, garbage, sizeof garbage), 0);
	expect_load_error(g, FE_E_PROTOBUF, "does not decode as a Core ML model");
	/* binary that is no model form at all */
	static const uint8_t png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
	char *p = cat(dir, "image.mlmodel");
	assert_int_equal(tu_write_file(p, png, sizeof png), 0);
	expect_load_error(p, FE_E_NOT_MODEL, "not a Core ML model");
	/* a valid protobuf with no model kind */
	static const uint8_t nokind[] = { 0x08, 0x04, 0x12, 0x00 };
	char *nk = cat(dir, "nokind.mlmodel");
	assert_int_equal(tu_write_file(nk, nokind, sizeof nokind), 0);
	expect_load_error(nk, FE_E_MODEL, "no model kind is set");
	/* truncated: a real model cut short */
	PbBuf b = { 0 }, d = { 0 }, in = { 0 }, id = { 0 };
	pbw_str(&in, 1, "a_feature_name_long_enough");
	pbw_msg(&d, 1, &in);
	pbw_uint(&b, 1, 4);
	pbw_msg(&b, 2, &d);
	pbw_msg(&b, 900, &id);
	char *t = cat(dir, "truncated.mlmodel");
	assert_int_equal(tu_write_file(t, b.p, b.n - 12), 0);
	expect_load_error(t, FE_E_PROTOBUF, "truncated");
	/* a truncated gzip stream */
	char *gz = cat(dir, "model.mlmodel.gz");
	gzFile zf = gzopen(gz, "wb");
	gzwrite(zf, b.p, (unsigned)b.n);
	gzclose(zf);
	size_t gzlen;
	char *gzdata = tu_read_file(gz, &gzlen);
	assert_int_equal(tu_write_file(gz, gzdata, gzlen - 10), 0);
	expect_load_error(gz, FE_E_GZIP, "gzip data is");
	free(gzdata);
	free(b.p);
	rm_tree(dir);
	free(gz);
	free(t);
	free(nk);
	free(p);
	free(g);
	free(empty);
	free(dir);
}

static void test_bundle_gzip_ok(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *gz = cat(dir, "anything.bin");
	PbBuf b = tiny_model();
	gzFile zf = gzopen(gz, "wb");
	gzwrite(zf, b.p, (unsigned)b.n);
	gzclose(zf);
	free(b.p);
	assert_int_equal(fe_detect(gz), FE_FMT_GZIP);
	DiagList dl;
	Module *m = tu_load_ok(gz, &dl);
	assert_string_equal(m->desc->format, "mlmodel.gz");
	ir_module_free(m);
	diag_fini(&dl);
	rm_tree(dir);
	free(gz);
	free(dir);
}

/* ---- the corpus ---- */

static bool is_compiled_nn(const char *path)
{
	return strstr(path, "s4tf_model_retrained.mlmodelc") != NULL;
}

static void test_bundle_corpus_all_load(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	static const char *const suffixes[] = { ".mlpackage", ".mlmodelc", ".mlmodel", ".mlmodel.gz" };
	size_t total = 0;
	for (size_t s = 0; s < 4; s++) {
		size_t n;
		char **list = tu_corpus_find("", suffixes[s], &n);
		for (size_t i = 0; i < n; i++) {
			if (is_compiled_nn(list[i])) {
				expect_load_error(list[i], FE_E_MLMODELC_NN, "compiled model without model.mil");
				continue;
			}
			DiagList dl;
			diag_init(&dl);
			Module *m = fe_load(list[i], &dl);
			if (!m || dl.nerrors) {
				print_message("FAIL: %s\n", list[i]);
				diag_print_all(&dl, stderr);
			}
			assert_non_null(m);
			assert_int_equal(dl.nerrors, 0);
			assert_true(m->funcs.n >= 1);
			ir_module_free(m);
			diag_fini(&dl);
			total++;
		}
		tu_free_list(list, n);
	}
	print_message("  %zu corpus models loaded\n", total);
	assert_true(total >= 80);
}

static void test_bundle_corpus_mlmodelc_metadata(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char path[4096];
	snprintf(path, sizeof path, "%s/corpus/public/coremltools_add_model/add_model.mlmodelc",
	         tu_shared_dir());
	assert_int_equal(fe_detect(path), FE_FMT_MLMODELC);
	DiagList dl;
	Module *m = tu_load_ok(path, &dl);
	const ModelDesc *d = m->desc;
	assert_non_null(d);
	assert_string_equal(d->format, "mlmodelc");
	assert_string_equal(d->kind, "mlProgram");
	assert_int_equal(d->spec_version, 7);
	assert_string_equal(d->min_os.macos, "13.0");
	const FuncDesc *f = model_desc_func(d, NULL);
	assert_int_equal(f->ninputs, 2);
	assert_string_equal(f->inputs[1].name, "y");
	assert_int_equal(f->inputs[0].dtype, DT_FP16);
	assert_int_equal(f->inputs[0].shape.rank, 2);
	assert_int_equal(f->inputs[0].shape.dims[1], 10);
	assert_int_equal(f->noutputs, 1);
	assert_string_equal(f->outputs[0].name, "var_3");
	assert_int_equal(d->meta.nuser, 3);
	ir_module_free(m);
	diag_fini(&dl);
}

static void test_bundle_corpus_gzip_same_as_plain(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%s/corpus/public/improveai_happy_sunday/model.mlmodel", tu_shared_dir());
	snprintf(b, sizeof b, "%s/corpus/public/improveai_happy_sunday/model.mlmodel.gz",
	         tu_shared_dir());
	assert_int_equal(fe_detect(a), FE_FMT_PROTOBUF);
	assert_int_equal(fe_detect(b), FE_FMT_GZIP);
	DiagList da, db;
	Module *ma = tu_load_ok(a, &da), *mb = tu_load_ok(b, &db);
	assert_string_equal(ma->desc->kind, mb->desc->kind);
	assert_string_equal(mb->desc->format, "mlmodel.gz");
	assert_int_equal(ma->desc->funcs[0].ninputs, mb->desc->funcs[0].ninputs);
	assert_int_equal(ma->funcs.v[0]->nops, mb->funcs.v[0]->nops);
	ir_module_free(ma);
	ir_module_free(mb);
	diag_fini(&da);
	diag_fini(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle_mlpackage_ok),
		cmocka_unit_test(test_bundle_manifest_missing_keys),
		cmocka_unit_test(test_bundle_manifest_unsafe_paths),
		cmocka_unit_test(test_bundle_not_a_bundle),
		cmocka_unit_test(test_bundle_mlmodelc_nn_unsupported),
		cmocka_unit_test(test_bundle_mlmodelc_pipeline),
		cmocka_unit_test(test_bundle_bad_files),
		cmocka_unit_test(test_bundle_gzip_ok),
		cmocka_unit_test(test_bundle_corpus_all_load),
		cmocka_unit_test(test_bundle_corpus_mlmodelc_metadata),
		cmocka_unit_test(test_bundle_corpus_gzip_same_as_plain),
	};
	return cmocka_run_group_tests_name("bundle", tests, NULL, NULL);
}
