/* cmd_costs.c - `anelint costs MODEL [--top N] [--chip C] [-f text|json]`:
 * the ops by modelled cost under the lead compute units (backend/costs.h
 * prints them).  Exit 0 when analysed, 2 when the model cannot be used or
 * a flag is wrong. */
#include "cli/analysis.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend/costs.h"

enum { DEFAULT_TOP = 20 };

static int costs_flag(void *vtop, CliArgs *a, int *i, int argc, char **argv)
{
	const char *arg = argv[*i], *v = NULL;
	if (strcmp(arg, "--top") == 0) {
		if (*i + 1 >= argc) {
			cli_usage_error(a->cmd, "--top needs a number");
			return -1;
		}
		v = argv[++*i];
	} else if (strncmp(arg, "--top=", 6) == 0) {
		v = arg + 6;
	} else {
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 1000000000L) {
		cli_usage_error(a->cmd, "--top: '%s' is not a count (0 lists every op)", v);
		return -1;
	}
	*(uint32_t *)vtop = (uint32_t)n;
	return 1;
}

typedef struct CostsOpts {
	uint32_t top;
	bool json;
} CostsOpts;

static int emit(CliAnalysis *an, FILE *out, void *vopts)
{
	const CostsOpts *o = vopts;
	/* the costs need the cost pass whatever --passes selected */
	pass_run(an->ctx, PASS_COST);
	if (!cost_latency(an->ctx)) {
		fprintf(stderr, "anelint: %s: no cost results\n", an->in.path);
		return -1;
	}
	ReportCostRow *rows;
	uint32_t n;
	if (report_cost_rows(&an->in, an->in.units, &rows, &n) != 0) {
		fprintf(stderr, "anelint: %s: out of memory\n", an->in.path);
		return -1;
	}
	int rc = 0;
	if (o->json)
		rc = costs_json(&an->in, rows, n, o->top, out);
	else
		costs_text(&an->in, rows, n, o->top, out);
	free(rows);
	return rc;
}

int cmd_costs(int argc, char **argv)
{
	CostsOpts o = { .top = DEFAULT_TOP };
	CliArgs a;
	int rc = cli_parse_args(&a, "costs", argc, argv, CLI_OUTPUT | CLI_FORMAT | CLI_PASSES,
	                        costs_flag, &o.top);
	if (rc != EXIT_OK || a.done)
		return rc;
	if (a.format && strcmp(a.format, "json") == 0)
		o.json = true;
	else if (a.format && strcmp(a.format, "text") != 0)
		return cli_usage_error("costs", "unknown format '%s' (text or json)", a.format);
	return cli_analysis_write(&a, emit, &o);
}
