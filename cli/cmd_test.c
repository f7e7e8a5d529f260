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
	int rc = cmp_parse_args(&r, argc, argv);
	if (rc != EXIT_OK)
		return rc == CMP_HELP ? EXIT_OK : rc;
	int units = 0;
	for (int cu = 0; cu < CU_COUNT; cu++)
		units += r.units[cu];
	if (units != 1)
		return cli_usage_error("test", "usage: anelint test MODEL --compute-units U");
	char why[1024];
	rc = cmp_run(&r, why, sizeof why);
	printf("%s: %s: %s\n", rc == 0 ? "PASS" : rc == 1 ? "FAIL" : "ERROR", r.model, why);
	return rc;
}
