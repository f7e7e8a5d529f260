/* cmd_check.c - `anelint check MODEL... [gates]`: CI gates over the ANE
 * analysis of every model.
 *
 *   --min-ane PCT      the ANE share of executable ops is at least PCT
 *   --max-switches N   at most N device switches
 *   --deny CODE        no op carries reason CODE (no diagnostic has it)
 *   --baseline FILE    no op that was on the ANE in FILE (a report of
 *                      `analyze -f json`) has left it: "the ANE boundary
 *                      moved"; ops are matched by function + name
 *
 * Every model gets an "analyse" gate (it loads and analyses) and the gates
 * asked for, evaluated under the lead compute units.  Exit 0 when every
 * gate holds for every model, 1 when one fails, 2 when a model or a
 * baseline cannot be used or a flag is wrong.  Output: text (default),
 * junit (one test case per gate and model) or json (docs/report-json.md,
 * "check results"). */
#include "cli/analysis.h"
#include "backend/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct CheckOpts {
	CheckGates gates;
	uint32_t nbaseline;
	const char *baseline[CLI_MAX_MODELS];
} CheckOpts;

/* ------------------------------------------------------------ flags */

static int take(const char *cmd, int *i, int argc, char **argv, const char **val)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');
	if (eq) {
		*val = eq + 1;
		return 0;
	}
	if (*i + 1 == argc)
		return cli_usage_error(cmd, "%s needs a value", arg), -1;
	*val = argv[++*i];
	return 0;
}

static bool flag_is(const char *arg, const char *flag)
{
	size_t n = strlen(flag);
	return strncmp(arg, flag, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

static bool code_like(const char *s)
{
	if (strcmp(s, REPORT_CODE_UNITS) == 0)
		return true;
	size_t letters = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	return letters && s[letters] && strspn(s + letters, "0123456789") == strlen(s + letters);
}

static int set_min_ane(CheckOpts *o, const char *val)
{
	char *end;
	errno = 0;
	double v = strtod(val, &end);
	if (*end == '%')
		end++;
	if (errno || end == val || *end || !(v >= 0 && v <= 100))
		return cli_usage_error("check", "--min-ane takes a percentage 0-100, not '%s'", val), -1;
	o->gates.has_min_ane = true;
	o->gates.min_ane = v;
	return 1;
}

static int set_max_switches(CheckOpts *o, const char *val)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(val, &end, 10);
	if (errno || end == val || *end || val[0] == '-')
		return cli_usage_error("check", "--max-switches takes a count, not '%s'", val), -1;
	o->gates.has_max_switches = true;
	o->gates.max_switches = v;
	return 1;
}

static int add_deny(CheckOpts *o, const char *val)
{
	if (!code_like(val))
		return cli_usage_error("check", "--deny takes a rule code such as ANE012, not '%s'",
		                       val), -1;
	if (o->gates.ndeny == CHECK_MAX_DENY)
		return cli_usage_error("check", "too many --deny codes (at most %d)", CHECK_MAX_DENY), -1;
	if (!ane_rule_find(val) && strcmp(val, REPORT_CODE_UNITS) != 0)
		fprintf(stderr, "anelint: check: note: %s is no ANE rule code; it matches "
		        "diagnostics only\n", val);
	o->gates.deny[o->gates.ndeny++] = val;
	return 1;
}

static int add_baseline(CheckOpts *o, const char *val)
{
	if (o->nbaseline == CLI_MAX_MODELS)
		return cli_usage_error("check", "too many --baseline files"), -1;
	o->baseline[o->nbaseline++] = val;
	return 1;
}

/* The gate flags, each with a value (FLAG VALUE or FLAG=VALUE). */
static const struct {
	const char *flag;
	int (*set)(CheckOpts *o, const char *val);     /* 1, or -1 after a usage error */
} gate_flags[] = {
	{ "--min-ane", set_min_ane },
	{ "--max-switches", set_max_switches },
	{ "--deny", add_deny },
	{ "--baseline", add_baseline },
};

static int check_flag(void *vctx, CliArgs *a, int *i, int argc, char **argv)
{
	(void)a;
	for (size_t k = 0; k < sizeof gate_flags / sizeof *gate_flags; k++) {
		if (!flag_is(argv[*i], gate_flags[k].flag))
			continue;
		const char *val;
		if (take("check", i, argc, argv, &val))
			return -1;
		return gate_flags[k].set(vctx, val);
	}
	return 0;
}

/* ------------------------------------------------------------ the command */

int cmd_check(int argc, char **argv)
{
	CheckOpts o = { 0 };
	CliArgs a;
	int rc = cli_parse_args(&a, "check", argc, argv,
	                        CLI_OUTPUT | CLI_FORMAT | CLI_MANY_MODELS | CLI_PASSES, check_flag, &o);
	if (rc != EXIT_OK || a.done)
		return rc;
	int fmt = a.format ? report_format_from_name(a.format) : REPORT_TEXT;
	if (fmt != REPORT_TEXT && fmt != REPORT_JSON && fmt != REPORT_JUNIT)
		return cli_usage_error("check", "unknown format '%s' (text, junit or json)", a.format);
	if (o.nbaseline > 1 && o.nbaseline != (uint32_t)a.nmodels)
		return cli_usage_error("check", "%u baselines for %d models: give one baseline per model, "
		                       "in the order of the models", o.nbaseline, a.nmodels);
	if (o.nbaseline == 1 && a.nmodels > 1)
		return cli_usage_error("check", "one baseline for %d models: give one per model", a.nmodels);

	Arena *ar = arena_new();
	CheckModel *mr = arena_array(ar, (size_t)a.nmodels, sizeof *mr);
	int status = EXIT_OK;
	for (int m = 0; m < a.nmodels; m++) {
		mr[m].path = a.models[m];
		CheckGate *g0 = check_new_gate(&mr[m], ar, "analyse", "analyse");
		json_object *base = NULL;
		if (o.nbaseline && !(base = check_baseline_load(o.baseline[m]))) {
			g0->passed = false;
			g0->error = true;
			g0->message = arena_printf(ar, "the baseline %s cannot be used", o.baseline[m]);
			status = EXIT_UNUSABLE;
			continue;
		}
		CliAnalysis an;
		if (cli_analysis_run(&an, a.models[m], &a.po) != EXIT_OK) {
			g0->passed = false;
			g0->error = true;
			g0->message = "the model cannot be read or analysed";
			status = EXIT_UNUSABLE;
		} else {
			mr[m].usable = true;
			g0->seconds = an.seconds;
			check_evaluate(&an.in, &an.dl, &o.gates, base, base ? o.baseline[m] : NULL, &mr[m], ar);
			if (!check_model_passed(&mr[m]) && status == EXIT_OK)
				status = EXIT_FINDINGS;
		}
		cli_analysis_fini(&an);
		json_object_put(base);
	}
	CliOutput out;
	if (cli_output_open(&out, a.out) != 0) {
		arena_free(ar);
		return EXIT_UNUSABLE;
	}
	int wrc = 0;
	if (fmt == REPORT_JUNIT)
		wrc = check_junit(mr, (uint32_t)a.nmodels, out.f, ar);
	else if (fmt == REPORT_JSON)
		wrc = check_json(mr, (uint32_t)a.nmodels, status, cli_version(), out.f);
	else
		check_text(mr, (uint32_t)a.nmodels, out.f);
	if (cli_output_close(&out, wrc == 0) != 0)
		status = EXIT_UNUSABLE;
	arena_free(ar);
	return status;
}
