/* test_blob.c - the MIL weight blob reader: format checks, lazy mapping,
 * path safety, type agreement.  Fixtures are written at run time. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/blob.h"
#include "frontend/frontend.h"

/* ---- building blob files ---- */

typedef struct BlobSpec {
	uint32_t dtype;
	uint64_t size;          /* size field */
	uint32_t data_len;      /* bytes actually written */
	uint32_t sentinel;
	int64_t data_offset;    /* -1: right after the record */
} BlobSpec;

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Returns a malloc'd file image; *len set. */
static uint8_t *make_blob_file(uint32_t version, uint32_t n, const BlobSpec *b, size_t *len)
{
	size_t cap = 64;
	for (uint32_t i = 0; i < n; i++)
		cap += 64 + (b[i].data_len + 63) / 64 * 64;
	uint8_t *p = calloc(1, cap);
	put32(p, n);
	put32(p + 4, version);
	size_t off = 64;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *r = p + off;
		put32(r, b[i].sentinel ? b[i].sentinel : 0xDEADBEEF);
		put32(r + 4, b[i].dtype);
		put64(r + 8, b[i].size);
		put64(r + 16, b[i].data_offset >= 0 ? (uint64_t)b[i].data_offset : off + 64);
		for (uint32_t k = 0; k < b[i].data_len; k++)
			r[64 + k] = (uint8_t)(k + 1);
		off += 64 + (b[i].data_len + 63) / 64 * 64;
	}
	*len = cap;
	return p;
}

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* A model folder with weights/weight.bin holding `img`. */
static char *model_dir_with(const uint8_t *img, size_t len)
{
	char *dir = tu_tmpdir();
	char *w = path_in(dir, "weights");
	mkdir(w, 0755);
	char *f = path_in(w, "weight.bin");
	assert_int_equal(tu_write_file(f, img, len), 0);
	free(f);
	free(w);
	return dir;
}

static Lit blob_lit(Module *m, DType dt, int rank, const int64_t *dims, const char *path,
                    uint64_t off)
{
	Dim d[8];
	for (int i = 0; i < rank; i++)
		d[i] = dim_const(dims[i]);
	Lit l = { .kind = LIT_BLOB, .type = type_tensor(m->types, dt, rank, d) };
	l.u.blob.path = path;
	l.u.blob.offset = off;
	return l;
}

/* Resolve one blob; returns the bytes or NULL, and the first diagnostic. */
static const void *resolve(const char *dir, DType dt, int rank, const int64_t *dims,
                           const char *path, uint64_t off, uint64_t *n, char *msg, size_t msgn,
                           const char **code)
{
	Module *m = ir_module_new("test.mlmodel");
	m->model_path = dir;
	blob_install(m);
	Lit l = blob_lit(m, dt, rank, dims, path, off);
	DiagList dl;
	diag_init(&dl);
	const void *p = ir_blob_bytes(m, &l, n, &dl);
	static uint8_t copy[256];
	if (p && *n <= sizeof copy) {
		memcpy(copy, p, *n);
		p = copy;
	}
	msg[0] = 0;
	*code = NULL;
	if (dl.d.n) {
		diag_format(&dl.d.v[0], msg, msgn);
		*code = dl.d.v[0].code;
	}
	assert_true(p ? dl.nerrors == 0 : dl.nerrors == 1);
	diag_fini(&dl);
	ir_module_free(m);
	return p;
}

static void rm_tree(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- tests ---- */

static void test_blob_resolve_ok(void **state)
{
	(void)state;
	BlobSpec b[2] = { { .dtype = 1, .size = 8, .data_len = 8, .data_offset = -1 },
	                  { .dtype = 11, .size = 2, .data_len = 2, .data_offset = -1 } };
	size_t len;
	uint8_t *img = make_blob_file(2, 2, b, &len);
	char *dir = model_dir_with(img, len);
	char msg[512];
	const char *code;
	uint64_t n;
	int64_t dims[2] = { 2, 2 };
	const uint8_t *p = resolve(dir, DT_FP16, 2, dims, "@model_path/weights/weight.bin", 64,
	                           &n, msg, sizeof msg, &code);
	assert_non_null(p);
	assert_int_equal(n, 8);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[7], 8);
	/* uint4 x 3 packs into ceil(12/8) = 2 bytes; the record is at 192 */
	int64_t three = 3;
	p = resolve(dir, DT_UINT4, 1, &three, "@model_path/weights/weight.bin", 192, &n, msg,
	            sizeof msg, &code);
	assert_non_null(p);
	assert_int_equal(n, 2);
	rm_tree(dir);
	free(dir);
	free(img);
}

static void expect_error(const uint8_t *img, size_t len, DType dt, int rank,
                         const int64_t *dims, const char *path, uint64_t off,
                         const char *want_code, const char *want_text)
{
	char *dir = model_dir_with(img, len);
	char msg[512];
	const char *code;
	uint64_t n = 99;
	const void *p = resolve(dir, dt, rank, dims, path, off, &n, msg, sizeof msg, &code);
	assert_null(p);
	assert_int_equal(n, 0);
	print_message("  %s\n", msg);
	assert_non_null(code);
	assert_string_equal(code, want_code);
	assert_non_null(strstr(msg, want_text));
	rm_tree(dir);
	free(dir);
}

static void test_blob_wrong_sentinel(void **state)
{
	(void)state;
	BlobSpec b = { .dtype = 2, .size = 16, .data_len = 16, .sentinel = 0xCAFEBABE,
	               .data_offset = -1 };
	size_t len;
	uint8_t *img = make_blob_file(2, 1, &b, &len);
	int64_t four = 4;
	expect_error(img, len, DT_FP32, 1, &four, "@model_path/weights/weight.bin", 64,
	             FE_E_BLOB_RECORD, "sentinel 0xcafebabe");
	free(img);
}

static void test_blob_wrong_version(void **state)
{
	(void)state;
	BlobSpec b = { .dtype = 2, .size = 16, .data_len = 16, .data_offset = -1 };
	size_t len;
	uint8_t *img = make_blob_file(1, 1, &b, &len);
	int64_t four = 4;
	expect_error(img, len, DT_FP32, 1, &four, "@model_path/weights/weight.bin", 64,
	             FE_E_BLOB_FILE, "version 1, expected 2");
	free(img);
}

static void test_blob_offset_past_end(void **state)
{
	(void)state;
	BlobSpec b = { .dtype = 2, .size = 16, .data_len = 16, .data_offset = -1 };
	size_t len;
	uint8_t *img = make_blob_file(2, 1, &b, &len);
	int64_t four = 4;
	expect_error(img, len, DT_FP32, 1, &four, "@model_path/weights/weight.bin", 4096,
	             FE_E_BLOB_RECORD, "outside the file");
	/* a record whose data runs past the end */
	BlobSpec big = { .dtype = 2, .size = 1 << 20, .data_len = 16, .data_offset = -1 };
	uint8_t *img2 = make_blob_file(2, 1, &big, &len);
	expect_error(img2, len, DT_FP32, 1, &four, "@model_path/weights/weight.bin", 64,
	             FE_E_BLOB_RECORD, "runs past the end");
	/* data offset pointing into the far distance (overflow-safe) */
	BlobSpec far = { .dtype = 2, .size = 16, .data_len = 16, .data_offset = INT64_MAX };
	uint8_t *img3 = make_blob_file(2, 1, &far, &len);
	expect_error(img3, len, DT_FP32, 1, &four, "@model_path/weights/weight.bin", 64,
	             FE_E_BLOB_RECORD, "runs past the end");
	free(img);
	free(img2);
	free(img3);
}

static void test_blob_type_mismatch(void **state)
{
	(void)state;
	BlobSpec b = { .dtype = 2, .size = 16, .data_len = 16, .data_offset = -1 };
	size_t len;
	uint8_t *img = make_blob_file(2, 1, &b, &len);
	int64_t five = 5, four = 4;
	expect_error(img, len, DT_FP32, 1, &five, "@model_path/weights/weight.bin", 64,
	             FE_E_BLOB_TYPE, "holds 16 bytes, but tensor<fp32, [5]> needs 20");
	expect_error(img, len, DT_FP16, 1, &four, "@model_path/weights/weight.bin", 64,
	             FE_E_BLOB_TYPE, "holds fp32 data, but the literal is declared tensor<fp16, [4]>");
	free(img);
}

static void test_blob_bad_files(void **state)
{
	(void)state;
	int64_t four = 4;
	static const char lfs[] = "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n";
	expect_error((const uint8_t *)lfs, sizeof lfs - 1, DT_FP32, 1, &four,
	             "@model_path/weights/weight.bin", 64, FE_E_BLOB_FILE, "Git LFS pointer");
	expect_error((const uint8_t *)"", 0, DT_FP32, 1, &four,
	             "@model_path/weights/weight.bin", 64, FE_E_BLOB_FILE, "is empty");
	uint8_t hdr[64] = { 200, 0, 0, 0, 2 };
	expect_error(hdr, sizeof hdr, DT_FP32, 1, &four,
	             "@model_path/weights/weight.bin", 64, FE_E_BLOB_FILE, "header says 200 blobs");
	/* the file is missing: only the consumer hears of it, by name */
	expect_error(hdr, sizeof hdr, DT_FP32, 1, &four,
	             "@model_path/weights/other.bin", 64, FE_E_BLOB_FILE,
	             "other.bin: error[E131]: cannot open weight file");
}

static void test_blob_paths_refused(void **state)
{
	(void)state;
	BlobSpec b = { .dtype = 2, .size = 16, .data_len = 16, .data_offset = -1 };
	size_t len;
	uint8_t *img = make_blob_file(2, 1, &b, &len);
	int64_t four = 4;
	expect_error(img, len, DT_FP32, 1, &four, "@model_path/../weights/weight.bin", 64,
	             FE_E_BLOB_PATH, "leaves the model folder");
	expect_error(img, len, DT_FP32, 1, &four, "/etc/passwd", 64, FE_E_BLOB_PATH, "is absolute");
	/* a symbolic link inside the folder that points outside it */
	char *outside = tu_tmpdir();
	char *target = path_in(outside, "w.bin");
	assert_int_equal(tu_write_file(target, img, len), 0);
	char *dir = model_dir_with(img, len);
	char *link = path_in(dir, "evil.bin");
	assert_int_equal(symlink(target, link), 0);
	char msg[512];
	const char *code;
	uint64_t n;
	assert_null(resolve(dir, DT_FP32, 1, &four, "@model_path/evil.bin", 64, &n, msg,
	                    sizeof msg, &code));
	assert_string_equal(code, FE_E_BLOB_FILE);
	assert_non_null(strstr(msg, "outside the model folder"));
	/* any file name and a plain relative path work */
	assert_non_null(resolve(dir, DT_FP32, 1, &four, "weights/./weight.bin", 64, &n, msg,
	                        sizeof msg, &code));
	rm_tree(dir);
	rm_tree(outside);
	free(link);
	free(dir);
	free(target);
	free(outside);
	free(img);
}

static int count_rec(const BlobRecord *r, void *ctx)
{
	int *n = ctx;
	if (*n == 0) {
		assert_int_equal(r->dt, DT_FP16);
		assert_int_equal(r->size, 1152);
		assert_int_equal(r->data_offset, 128);
	}
	if (*n == 2) {
		assert_int_equal(r->meta_offset, 1472);
		assert_int_equal(r->size, 73728);
	}
	(*n)++;
	return 0;
}

static void test_blob_corpus_superpoint(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char path[4096];
	snprintf(path, sizeof path, "%s/corpus/public/superpoint/superpoint.mlpackage/Data/"
	         "com.apple.CoreML/weights/weight.bin", tu_shared_dir());
	size_t len;
	uint8_t *d = (uint8_t *)tu_read_file(path, &len);
	if (!d) {
		print_message("SKIP: %s is absent\n", path);
		skip();
	}
	char err[256];
	int n = 0;
	assert_int_equal(blob_walk(d, len, count_rec, &n, err, sizeof err), 0);
	assert_int_equal(n, 24);
	free(d);
}

/* Every blob a corpus model names resolves, with the declared type. */
static int check_blobs(Func *f, Op *op, void *ctx)
{
	DiagList *dl = ctx;
	Module *m = f->module;
	for (uint32_t i = 0; i < op->nattrs; i++) {
		const Lit *l = op->attrs[i].val;
		if (l->kind != LIT_BLOB)
			continue;
		uint64_t n;
		assert_non_null(ir_blob_bytes(m, l, &n, dl));
		assert_true(n > 0);
	}
	for (uint32_t i = 0; i < op->nargs; i++)
		for (uint32_t j = 0; j < op->args[i].n; j++) {
			const Binding *b = &op->args[i].b[j];
			uint64_t n;
			if (b->kind == BIND_LIT && b->lit->kind == LIT_BLOB)
				assert_non_null(ir_blob_bytes(m, b->lit, &n, dl));
		}
	return 0;
}

static void test_blob_corpus_models_resolve(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	static const char *const models[] = {
		"public/superpoint/superpoint.mlpackage",
		"public/dtln_aec_128_p1/DTLN_AEC_128_Part1.mlpackage",
		"converted/resnet18_int4_blockwise_ios18/resnet18_int4_blockwise_ios18.mlpackage",
		"converted/resnet18_palettized3bit_grouped_ios18/resnet18_palettized3bit_grouped_ios18.mlpackage",
		"converted/stateful_kvcache_ios18/stateful_kvcache_ios18.mlpackage",
	};
	for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/corpus/%s", tu_shared_dir(), models[i]);
		DiagList dl;
		diag_init(&dl);
		Module *m = fe_load(path, &dl);
		if (!m)
			diag_print_all(&dl, stderr);
		assert_non_null(m);
		for (uint32_t k = 0; k < m->funcs.n; k++)
			ir_walk_ops(m->funcs.v[k], check_blobs, &dl);
		if (dl.nerrors)
			diag_print_all(&dl, stderr);
		assert_int_equal(dl.nerrors, 0);
		ir_module_free(m);
		diag_fini(&dl);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blob_resolve_ok),
		cmocka_unit_test(test_blob_wrong_sentinel),
		cmocka_unit_test(test_blob_wrong_version),
		cmocka_unit_test(test_blob_offset_past_end),
		cmocka_unit_test(test_blob_type_mismatch),
		cmocka_unit_test(test_blob_bad_files),
		cmocka_unit_test(test_blob_paths_refused),
		cmocka_unit_test(test_blob_corpus_superpoint),
		cmocka_unit_test(test_blob_corpus_models_resolve),
	};
	return cmocka_run_group_tests_name("blob", tests, NULL, NULL);
}
