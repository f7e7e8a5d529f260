/* test_runtime.c - `anelint run` end to end: outputs written as .npy and
 * summarised, and every bad input of issue 10 item 8 a one-line error
 * naming the file, input or op, with exit status 2 and nothing written to
 * --out. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/npy.h"
#include "testutil.h"

static const char *const model_text =
	"program(1.3)\n{\n"
	"    func main<ios18>(tensor<fp32, [1, 3]> x, tensor<int32, [2]> i, "
	"state<tensor<fp32, [1, 3]>> s) {\n"
	"            tensor<fp32, [1, 3]> y = add(x = x, y = x)[name = string(\"y\")];\n"
	"            tensor<fp32, [1, 2]> g = gather(x = x, indices = i, axis = int32(1))[name = string(\"g\")];\n"
	"            tensor<fp32, [1, 3]> r = read_state(input = s)[name = string(\"r\")];\n"
	"            tensor<fp32, [1, 3]> e = exp(x = y)[name = string(\"e_op\")];\n"
	"            write_state(input = s, data = e)[name = string(\"w\")];\n"
	"        } -> (y, g, r, e);\n}\n";

typedef struct Fixture {
	char *dir;
	char model[512], out[512];
} Fixture;

static void write_npy(const Fixture *fx, const char *name, DType dt, int32_t rank,
                      const int64_t *dims, const double *vals)
{
	char path[700], err[256];
	RtTensor t = { 0 };
	snprintf(path, sizeof path, "%s/%s", fx->dir, name);
	assert_int_equal(rt_tensor_alloc(&t, dt, rank, dims), 0);
	for (int64_t k = 0; k < t.numel; k++)
		rt_tensor_set(&t, k, vals[k]);
	assert_int_equal(npy_write(path, &t, err, sizeof err), 0);
	rt_tensor_free(&t);
}

static int setup(void **state)
{
	Fixture *fx = calloc(1, sizeof *fx);
	fx->dir = tu_tmpdir();
	snprintf(fx->model, sizeof fx->model, "%s/m.mil", fx->dir);
	snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
	assert_int_equal(tu_write_file(fx->model, model_text, strlen(model_text)), 0);
	write_npy(fx, "x.npy", DT_FP32, 2, (int64_t[]){ 1, 3 }, (double[]){ 1, -2, 3 });
	write_npy(fx, "x_nan.npy", DT_FP32, 2, (int64_t[]){ 1, 3 }, (double[]){ 1, 0.0 / 0.0, 3 });
	write_npy(fx, "x_int.npy", DT_INT32, 2, (int64_t[]){ 1, 3 }, (double[]){ 1, 2, 3 });
	write_npy(fx, "x_shape.npy", DT_FP32, 2, (int64_t[]){ 3, 1 }, (double[]){ 1, 2, 3 });
	write_npy(fx, "i.npy", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ 2, 0 });
	write_npy(fx, "i_bad.npy", DT_INT32, 1, (int64_t[]){ 2 }, (double[]){ 3, 0 });
	write_npy(fx, "s.npy", DT_FP32, 2, (int64_t[]){ 1, 3 }, (double[]){ 7, 8, 9 });
	write_npy(fx, "s_bad.npy", DT_FP32, 1, (int64_t[]){ 3 }, (double[]){ 7, 8, 9 });
	/* a truncated copy of x.npy */
	char path[700];
	size_t len;
	snprintf(path, sizeof path, "%s/x.npy", fx->dir);
	char *raw = tu_read_file(path, &len);
	snprintf(path, sizeof path, "%s/x_short.npy", fx->dir);
	assert_int_equal(tu_write_file(path, raw, len - 4), 0);
	free(raw);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	Fixture *fx = *state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	tu_run(cmd, NULL, NULL);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Run `anelint run MODEL ARGS --out OUT` in the fixture folder. */
static int run(const Fixture *fx, const char *args, char **out, char **err)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cd '%s' && rm -rf out && '%s' run '%s' %s --out out", fx->dir,
	         tu_bin(), fx->model, args);
	int rc = tu_run(cmd, out, err);
	print_message("$ anelint run m.mil %s\n%s%s", args, out && *out ? *out : "",
	              err && *err ? *err : "");
	return rc;
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_runtime_run_writes_outputs(void **state)
{
	Fixture *fx = *state;
	char *out = NULL, *err = NULL;
	int rc = run(fx, "--input x=x.npy --input i=i.npy --state s=s.npy", &out, &err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "y: (1, 3) fp32  min -4  max 6  mean 1.33333"));
	assert_non_null(strstr(out, "g: (1, 2) fp32  min 1  max 3"));
	assert_non_null(strstr(out, "r: (1, 3) fp32  min 7  max 9"));
	assert_non_null(strstr(out, "time: load"));
	assert_int_equal(files_in(fx->out), 4);
	char path[700], msg[256];
	RtTensor t = { 0 };
	snprintf(path, sizeof path, "%s/g.npy", fx->out);
	assert_int_equal(npy_read(path, &t, msg, sizeof msg), 0);
	assert_true(((float *)t.data)[0] == 3.0f && ((float *)t.data)[1] == 1.0f);
	rt_tensor_free(&t);
	free(out);
	free(err);
	/* JSON */
	rc = run(fx, "--input x=x.npy --input i=i.npy -f json", &out, &err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"name\": \"g\", \"dtype\": \"fp32\", \"shape\": [1, 2]"));
	assert_non_null(strstr(out, "\"first_nonfinite_op\": null"));
	free(out);
	free(err);
}

static void test_runtime_nan_inputs_are_reported(void **state)
{
	Fixture *fx = *state;
	char *out = NULL, *err = NULL;
	int rc = run(fx, "--input x=x_nan.npy --input i=i.npy", &out, &err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "NaN 1"));
	assert_non_null(strstr(out, "first non-finite value: op y (add)"));
	free(out);
	free(err);
}

/* A bad input: exit 2, one line on stderr holding each of `texts`, and no
 * file under --out. */
static void expect_refusal(const Fixture *fx, const char *args, const char *t1, const char *t2)
{
	char *out = NULL, *err = NULL;
	int rc = run(fx, args, &out, &err);
	assert_int_equal(rc, 2);
	assert_non_null(err);
	assert_non_null(strstr(err, t1));
	if (t2)
		assert_non_null(strstr(err, t2));
	assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err));   /* one line */
	assert_int_equal(files_in(fx->out), 0);
	free(out);
	free(err);
}

static void test_runtime_bad_inputs_are_refused(void **state)
{
	Fixture *fx = *state;
	expect_refusal(fx, "--input x=x_int.npy --input i=i.npy", "input 'x'",
	               "dtype fp32 expected, int32 given");
	expect_refusal(fx, "--input x=x_shape.npy --input i=i.npy", "input 'x'",
	               "shape (1, 3) expected, (3, 1) given");
	expect_refusal(fx, "--input x=x.npy", "input 'i' of main is missing", NULL);
	expect_refusal(fx, "--input x=x.npy --input q=x.npy --input i=i.npy", "no input 'q'", NULL);
	expect_refusal(fx, "--input x=x_short.npy --input i=i.npy", "x_short.npy", "data is");
	expect_refusal(fx, "--input x=nowhere.npy --input i=i.npy", "nowhere.npy", NULL);
	expect_refusal(fx, "--input x=x.npy --input i=i_bad.npy", "R005", "index 3 out of range");
	expect_refusal(fx, "--input x=x.npy --input i=i.npy --state s=s_bad.npy", "state 's'",
	               "shape (1, 3) expected, (3,) given");
	expect_refusal(fx, "--input x=x.npy --input i=i.npy --max-memory 16", "R007",
	               "--max-memory");
	expect_refusal(fx, "--input x=x.npy --input i=i.npy --function other", "no function 'other'",
	               NULL);
	expect_refusal(fx, "--input x", "NAME=FILE.npy", NULL);
}

static void test_runtime_missing_weights_name_blob_and_offset(void **state)
{
	Fixture *fx = *state;
	const char *text =
		"program(1.3)\n{\n    func main<ios17>(tensor<fp32, [1, 3]> x) {\n"
		"            tensor<fp32, [1, 3]> w = const()[name = string(\"w\"), val = tensor<fp32, [1, 3]>"
		"(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64(64)))];\n"
		"            tensor<fp32, [1, 3]> y = add(x = x, y = w)[name = string(\"y\")];\n"
		"        } -> (y);\n}\n";
	Fixture blob = *fx;
	snprintf(blob.model, sizeof blob.model, "%s/blob.mil", fx->dir);
	assert_int_equal(tu_write_file(blob.model, text, strlen(text)), 0);
	expect_refusal(&blob, "--random-inputs 3", "R002", "weight.bin at offset 64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtime_run_writes_outputs),
		cmocka_unit_test(test_runtime_nan_inputs_are_reported),
		cmocka_unit_test(test_runtime_bad_inputs_are_refused),
		cmocka_unit_test(test_runtime_missing_weights_name_blob_and_offset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
