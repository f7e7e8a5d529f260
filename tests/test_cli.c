/* test_cli.c - the anelint command as a user runs it: help, version, dump
 * to stdout / a file / from stdin, and exit status 2 with one located line
 * for bad flags and bad input. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run(const char *args, char **out, char **err)
{
	char cmd[8192];
	int n = snprintf(cmd, sizeof cmd, "'%s' %s", tu_bin(), args);
	assert_true(n > 0 && (size_t)n < sizeof cmd);
	return tu_run(cmd, out, err);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_cli_help_and_version(void **state)
{
	char *out, *err;
	assert_int_equal(run("--help", &out, &err), 0);
	assert_non_null(strstr(out, "usage: anelint"));
	assert_non_null(strstr(out, "dump"));
	free(out); free(err);
	assert_int_equal(run("--version", &out, &err), 0);
	assert_true(strncmp(out, "anelint ", 8) == 0);
	free(out); free(err);
	assert_int_equal(run("help dump", &out, &err), 0);
	assert_non_null(strstr(out, "usage: anelint dump"));
	free(out); free(err);
	assert_int_equal(run("help nosuch", &out, &err), 2);
	assert_non_null(strstr(err, "no command 'nosuch'"));
	free(out); free(err);
	assert_int_equal(run("", &out, &err), 2);
	free(out); free(err);
}

/* The help text (cli/usage.c) and the dispatch table (cli/main.c) are two
 * tables: every command --help lists must answer `COMMAND --help` with its
 * own usage. */
static void test_cli_every_command_has_help(void **state)
{
	(void)state;
	char *list, *err, *out, *e;
	assert_int_equal(run("--help", &list, &err), 0);
	free(err);
	const char *p = strstr(list, "commands:\n");
	assert_non_null(p);
	int n = 0;
	for (p = strchr(p, '\n') + 1; strncmp(p, "  ", 2) == 0; p = strchr(p, '\n') + 1) {
		char name[32], args[64];
		assert_int_equal(sscanf(p, " %31s", name), 1);
		if (strcmp(name, "help") == 0)
			continue;
		snprintf(args, sizeof args, "%s --help", name);
		assert_int_equal(run(args, &out, &e), 0);
		char want[64];
		snprintf(want, sizeof want, "usage: anelint %s", name);
		assert_non_null(strstr(out, want));
		free(out); free(e);
		n++;
	}
	assert_true(n >= 11);
	free(list);
}

static void test_cli_bad_flags(void **state)
{
	char *out, *err;
	assert_int_equal(run("frobnicate x.mil", &out, &err), 2);
	assert_string_equal(err, "anelint: unknown command 'frobnicate' (see 'anelint --help')\n");
	free(out); free(err);
	assert_int_equal(run("dump --bogus x.mil", &out, &err), 2);
	assert_string_equal(err, "anelint: unknown option '--bogus' (see 'anelint help dump')\n");
	free(out); free(err);
	assert_int_equal(run("dump -o", &out, &err), 2);
	assert_non_null(strstr(err, "-o needs a value"));
	free(out); free(err);
	assert_int_equal(run("dump", &out, &err), 2);
	assert_non_null(strstr(err, "no model given"));
	free(out); free(err);
}

static void test_cli_dump_file_and_stdin(void **state)
{
	char *dir = tu_tmpdir();
	char in[1024], outp[1024], cmd[8192];
	snprintf(in, sizeof in, "%s/m.mil", dir);
	snprintf(outp, sizeof outp, "%s/out.mil", dir);
	const char *text =
		"program(1.3)\n{\n    func main<ios17>(tensor<fp32, [1]> x) {\n"
		"            tensor<fp32, [1]> y = relu(x = x)[name = string(\"y\")];\n"
		"        } -> (y);\n}\n";
	assert_int_equal(tu_write_file(in, text, strlen(text)), 0);
	char *out, *err;
	snprintf(cmd, sizeof cmd, "dump '%s'", in);
	assert_int_equal(run(cmd, &out, &err), 0);
	assert_string_equal(out, text);
	assert_string_equal(err, "");
	free(out); free(err);

	snprintf(cmd, sizeof cmd, "dump -o '%s' '%s'", outp, in);
	assert_int_equal(run(cmd, &out, &err), 0);
	assert_string_equal(out, "");
	struct stat ost;
	assert_int_equal(stat(outp, &ost), 0);
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(ost.st_mode & 0777, 0666 & ~mask);   /* as a plain create */
	char *written = tu_read_file(outp, NULL);
	assert_non_null(written);
	assert_string_equal(written, text);
	free(written); free(out); free(err);

	snprintf(cmd, sizeof cmd, "dump - < '%s'", in);
	assert_int_equal(run(cmd, &out, &err), 0);
	assert_string_equal(out, text);
	free(out); free(err);

	/* A device is written in place, never replaced by a rename. */
	snprintf(cmd, sizeof cmd, "dump -o /dev/null '%s'", in);
	assert_int_equal(run(cmd, &out, &err), 0);
	struct stat st;
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	free(out); free(err);

	/* A failed dump leaves no output file behind. */
	snprintf(cmd, sizeof cmd, "rm -f '%s'; printf 'program(' > '%s'; '%s' dump -o '%s' '%s'",
	         outp, in, tu_bin(), outp, in);
	assert_int_equal(tu_run(cmd, &out, &err), 2);
	assert_int_not_equal(access(outp, F_OK), 0);
	free(out); free(err);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	free(dir);
}

/* Each bad input: exit 2, and the first line names file:line:col. */
static void expect_bad(const char *dir, const char *name, const void *data, size_t n,
                       const char *want)
{
	char path[4096], cmd[8192];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(tu_write_file(path, data, n), 0);
	snprintf(cmd, sizeof cmd, "dump '%s'", path);
	char *out, *err;
	int rc = run(cmd, &out, &err);
	if (rc != 2 || strncmp(err, path, strlen(path)) != 0 || !strstr(err, want))
		fail_msg("%s: exit %d, stderr:\n%s(wanted '%s')", name, rc, err, want);
	assert_string_equal(out, "");
	assert_true(count_lines(err) >= 1);
	free(out); free(err);
}

static void test_cli_bad_input(void **state)
{
	char *dir = tu_tmpdir();
	expect_bad(dir, "empty.mil", "", 0, "error[E101]: file is empty");
	expect_bad(dir, "trunc.mil", "program(1.3) { func main<ios17>(fp32 x) { fp32 y = re", 53,
	           "found end of file");
	expect_bad(dir, "str.mil", "program(1.3) { func main<ios17>(fp32 x) { string s = const()[val = string(\"ab\n", 76,
	           "unterminated string");
	expect_bad(dir, "nul.mil", "program(1.3)\0{}", 15, ":1:13: error: NUL byte in input");
	expect_bad(dir, "utf8.mil", "program(1.3) { func main<ios17>(fp32 \xc3\x28) { } -> (x); }", 52,
	           "invalid UTF-8 in name");
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "dump '%s/does-not-exist.mil'", dir);
	char *out, *err;
	assert_int_equal(run(cmd, &out, &err), 2);
	assert_non_null(strstr(err, "does-not-exist.mil"));
	assert_int_equal(count_lines(err), 1);
	free(out); free(err);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_help_and_version),
		cmocka_unit_test(test_cli_every_command_has_help),
		cmocka_unit_test(test_cli_bad_flags),
		cmocka_unit_test(test_cli_dump_file_and_stdin),
		cmocka_unit_test(test_cli_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
