/* test_npy.c - the .npy reader refuses hostile files with one-line
 * messages, and what the writer writes reads back the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/npy.h"
#include "testutil.h"

/* A version-1.0 file: magic, header (padded to 64 bytes unless raw) and
 * data bytes. */
static size_t make_npy(unsigned char *buf, const char *header, const void *data, size_t ndata)
{
	size_t hl = strlen(header);
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (unsigned char)(hl & 0xff);
	buf[9] = (unsigned char)(hl >> 8);
	memcpy(buf + 10, header, hl);
	memcpy(buf + 10 + hl, data, ndata);
	return 10 + hl + ndata;
}

static void expect_error(const char *header, size_t ndata, const char *text)
{
	unsigned char buf[1024];
	float data[16] = { 0 };
	size_t n = make_npy(buf, header, data, ndata);
	RtTensor t = { 0 };
	char err[256] = "";
	int rc = npy_parse(buf, n, &t, err, sizeof err);
	print_message("%-70s -> %s\n", header, err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, text));
	assert_null(strchr(err, '\n'));
	rt_tensor_free(&t);
}

static void test_npy_parses_a_plain_header(void **state)
{
	(void)state;
	unsigned char buf[256];
	float data[6] = { 1, 2, 3, 4, 5, 6 };
	size_t n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }   \n",
	                    data, sizeof data);
	RtTensor t = { 0 };
	char err[256];
	assert_int_equal(npy_parse(buf, n, &t, err, sizeof err), 0);
	assert_int_equal(t.dt, DT_FP32);
	assert_int_equal(t.rank, 2);
	assert_int_equal(t.dims[1], 3);
	assert_true(((float *)t.data)[5] == 6.0f);
	rt_tensor_free(&t);
	/* a scalar, keys in another order, a 1-tuple */
	n = make_npy(buf, "{'shape': (), 'fortran_order': False, 'descr': '<i4'}\n", data, 4);
	assert_int_equal(npy_parse(buf, n, &t, err, sizeof err), 0);
	assert_int_equal(t.rank, 0);
	assert_int_equal(t.numel, 1);
	rt_tensor_free(&t);
	n = make_npy(buf, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n",
	             "\x01\x00\x01", 3);
	assert_int_equal(npy_parse(buf, n, &t, err, sizeof err), 0);
	assert_int_equal(t.dt, DT_BOOL);
	rt_tensor_free(&t);
}

static void test_npy_refuses_hostile_headers(void **state)
{
	(void)state;
	expect_error("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", 8, "big-endian");
	expect_error("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }\n", 16,
	             "not supported");
	expect_error("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", 16,
	             "fortran_order");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 20,
	             "data is 20 bytes, shape needs 24");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 28,
	             "data is 28 bytes");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n", 8,
	             "non-negative integer");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }\n", 8,
	             "without its comma");
	expect_error("{'descr': '<f4', 'fortran_order': False, }\n", 8, "lacks shape");
	expect_error("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\n",
	             8, "repeated");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", 8,
	             "unknown");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (9999999999, "
	             "9999999999, 9999999999), }\n", 8, "overflows");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "newline");
	expect_error("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }\n", 8,
	             "True or False");
	expect_error("['descr', '<f4']\n", 8, "not a dict");
	expect_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4, 5, 6, 7, 8, "
	             "9,), }\n", 8, "more than");
	/* a bool that is neither 0 nor 1, a truncated file, a short magic */
	unsigned char buf[256];
	RtTensor t = { 0 };
	char err[256];
	size_t n = make_npy(buf, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }\n",
	                    "\x01\x07", 2);
	assert_int_equal(npy_parse(buf, n, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "neither 0 nor 1"));
	assert_int_equal(npy_parse(buf, 30, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "past the end"));
	assert_int_equal(npy_parse("\x93NUMP", 5, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "magic"));
	buf[6] = 4;
	assert_int_equal(npy_parse(buf, n, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "version"));
}

/* Every prefix of a valid file is refused cleanly (ASan watches reads). */
static void test_npy_every_truncation_is_an_error(void **state)
{
	(void)state;
	unsigned char buf[256];
	float data[3] = { 1, 2, 3 };
	size_t n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n",
	                    data, sizeof data);
	for (size_t k = 0; k < n; k++) {
		unsigned char *copy = malloc(k ? k : 1);
		memcpy(copy, buf, k);
		RtTensor t = { 0 };
		char err[256];
		assert_int_equal(npy_parse(copy, k, &t, err, sizeof err), -1);
		free(copy);
	}
}

static void test_npy_write_reads_back(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char path[512], err[256];
	snprintf(path, sizeof path, "%s/a.npy", dir);
	int64_t dims[3] = { 2, 1, 3 };
	RtTensor t = { 0 }, back = { 0 };
	assert_int_equal(rt_tensor_alloc(&t, DT_FP16, 3, dims), 0);
	for (int i = 0; i < 6; i++)
		rt_tensor_set(&t, i, i * 0.5 - 1);
	assert_int_equal(npy_write(path, &t, err, sizeof err), 0);
	assert_int_equal(npy_read(path, &back, err, sizeof err), 0);
	assert_int_equal(back.dt, DT_FP16);
	assert_int_equal(back.rank, 3);
	assert_memory_equal(back.data, t.data, 12);
	size_t len;
	char *raw = tu_read_file(path, &len);
	assert_int_equal((len - 12) % 64, 0);   /* header padded to 64 bytes */
	free(raw);
	rt_tensor_free(&back);
	rt_tensor_free(&t);
	/* a missing file names itself */
	snprintf(path, sizeof path, "%s/none.npy", dir);
	assert_int_equal(npy_read(path, &back, err, sizeof err), -1);
	assert_non_null(strstr(err, "none.npy"));
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npy_parses_a_plain_header),
		cmocka_unit_test(test_npy_refuses_hostile_headers),
		cmocka_unit_test(test_npy_every_truncation_is_an_error),
		cmocka_unit_test(test_npy_write_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
