/*
 * cmd_test.c - `anelint test MODEL --compute-units U` (ane_profiler's
 * --test): random inputs (or given ones; states zero or given), a run under
 * U with its devices' numerics, and one line: exit 0 when it ran and its
 * outputs are finite and within tolerance of the fp32 reference, 1
 * otherwise, 2 when the model or the options are unusable.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_compare.h"

int cmd_test(int argc, char **argv)
{
	CmpRequest r;
	cmp_request_init(&r, "test");
	r.quiet = true;
	r.random = true;            /* inputs not given are drawn (seed 0 unless set) */
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int got = cmp_parse_flag(&r, argc, argv, &i);
		if (got < 0)
			return EXIT_UNUSABLE;
		if (got)
			continue;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(cli_find_command("test")->usage, stdout);
			return EXIT_OK;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_usage_error("test", "unknown or incomplete option '%s'", arg);
		} else if (r.model) {
			return cli_usage_error("test", "one model at a time ('%s' and '%s')", r.model, arg);
		} else {
			r.model = arg;
		}
	}
	int units = 0;
	for (int cu = 0; cu < CU_COUNT; cu++)
		units += r.units[cu];
	if (!r.model || units != 1)
		return cli_usage_error("test", "usage: anelint test MODEL --compute-units U");
	char why[1024];
	int rc = cmp_run(&r, why, sizeof why);
	printf("%s: %s: %s\n", rc == 0 ? "PASS" : rc == 1 ? "FAIL" : "ERROR", r.model, why);
	return rc;
}
