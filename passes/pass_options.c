/* pass_options.c - the flags of the pass manager and of the analysis
 * (PassOptions, pass.h): --passes, --print-before/after, --verify-each,
 * --time-passes, --list-passes, --chip, --compute-units, --input-shape.
 * Parsing only: what a flag means is read by the pass that uses it. */
#include "passes/pass.h"
#include "passes/ane/ane.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pass_options_init(PassOptions *o)
{
	memset(o, 0, sizeof *o);
	o->print_out = stdout;
	o->time_out = stderr;
	o->compute_units = -1;
}

static int analysis_flag_parse(PassOptions *o, const char *arg, FILE *err);

bool pass_options_active(const PassOptions *o)
{
	return o->selected || o->print_before || o->print_after || o->verify_each ||
	       o->time_passes;
}

/* "a,b,c" (or "all" when allow_all) into a PASS_BIT mask; -1 on an unknown name. */
static int parse_names(const char *flag, const char *list, bool allow_all, uint32_t *mask,
                       FILE *err)
{
	*mask = 0;
	if (!*list) {
		fprintf(err, "anelint: %s needs a pass name (see --list-passes)\n", flag);
		return -1;
	}
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char name[64];
		if (n == 0 || n >= sizeof name) {
			fprintf(err, "anelint: %s: empty or overlong pass name in '%s'\n", flag, list);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = 0;
		PassId id;
		if (allow_all && strcmp(name, "all") == 0) {
			*mask |= (1u << PASS_COUNT) - 1;
		} else if (pass_find(name, &id)) {
			*mask |= 1u << id;
		} else {
			fprintf(err, "anelint: %s: no pass '%s' (passes:", flag, name);
			for (int i = 0; i < PASS_COUNT; i++)
				fprintf(err, " %s", pass_table[i].name);
			fputs(")\n", err);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static const char *flag_value(const char *arg, const char *flag)
{
	size_t n = strlen(flag);
	if (strncmp(arg, flag, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

int pass_options_parse(PassOptions *o, const char *arg, FILE *err)
{
	const char *v;
	uint32_t mask;
	if ((v = flag_value(arg, "--passes"))) {
		if (parse_names("--passes", v, false, &mask, err))
			return -1;
		o->selected |= mask;
		return 1;
	}
	if ((v = flag_value(arg, "--print-before"))) {
		if (parse_names("--print-before", v, true, &mask, err))
			return -1;
		o->print_before |= mask;
		return 1;
	}
	if ((v = flag_value(arg, "--print-after"))) {
		if (parse_names("--print-after", v, true, &mask, err))
			return -1;
		o->print_after |= mask;
		return 1;
	}
	if (strcmp(arg, "--passes") == 0 || strcmp(arg, "--print-before") == 0 ||
	    strcmp(arg, "--print-after") == 0) {
		fprintf(err, "anelint: %s needs a value: %s=NAME[,NAME...]\n", arg, arg);
		return -1;
	}
	if (strcmp(arg, "--verify-each") == 0) {
		o->verify_each = true;
		return 1;
	}
	if (strcmp(arg, "--time-passes") == 0) {
		o->time_passes = true;
		return 1;
	}
	if (strcmp(arg, "--list-passes") == 0) {
		o->list_passes = true;
		return 1;
	}
	return analysis_flag_parse(o, arg, err);
}

/* ------------------------------------------------------------------ flags of the ANE analysis */


static int parse_shape(PassOptions *o, const char *v, FILE *err)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v) {
		fprintf(err, "anelint: --input-shape: expected NAME=D0,D1,... (e.g. x=1,3,256,256), "
		        "got '%s'\n", v);
		return -1;
	}
	size_t nlen = (size_t)(eq - v);
	if (nlen >= PASS_MAX_INPUT_NAME) {
		fprintf(err, "anelint: --input-shape: input name longer than %d bytes\n",
		        PASS_MAX_INPUT_NAME - 1);
		return -1;
	}
	if (o->ninput_shapes >= PASS_MAX_INPUT_SHAPES) {
		fprintf(err, "anelint: --input-shape: at most %d inputs\n", PASS_MAX_INPUT_SHAPES);
		return -1;
	}
	PassInputShape s = { .rank = 0 };
	memcpy(s.name, v, nlen);
	s.name[nlen] = 0;
	const char *p = eq + 1;
	for (;;) {
		if (!isdigit((unsigned char)*p)) {
			fprintf(err, "anelint: --input-shape: '%s': dims must be positive integers "
			        "separated by ',' (e.g. %s=1,3,256,256)\n", v, s.name);
			return -1;
		}
		errno = 0;
		char *end;
		long long d = strtoll(p, &end, 10);
		if (errno || d <= 0 || d > (1ll << 31)) {
			fprintf(err, "anelint: --input-shape: '%s': dim out of range (1..2^31)\n", v);
			return -1;
		}
		if (s.rank >= PASS_MAX_SHAPE_RANK) {
			fprintf(err, "anelint: --input-shape: '%s': more than %d dims\n", v,
			        PASS_MAX_SHAPE_RANK);
			return -1;
		}
		s.dims[s.rank++] = d;
		p = end;
		if (!*p)
			break;
		if (*p != ',' && *p != 'x') {
			fprintf(err, "anelint: --input-shape: '%s': unexpected '%c'\n", v, *p);
			return -1;
		}
		p++;
	}
	for (uint32_t i = 0; i < o->ninput_shapes; i++)
		if (strcmp(o->input_shapes[i].name, s.name) == 0) {
			o->input_shapes[i] = s;     /* the last one wins */
			return 1;
		}
	o->input_shapes[o->ninput_shapes++] = s;
	return 1;
}

/* The chip called `name`, or NULL after a message listing the chips. */
static const AneChip *known_chip(const char *name, FILE *err)
{
	const AneChip *c = ane_chip_find(name);
	if (!c) {
		fprintf(err, "anelint: --chip: unknown chip '%s'; ", name);
		ane_chip_list(err);
		fputc('\n', err);
	}
	return c;
}

/* --chip C: one chip; --chip all: the per-op results for the default chip
 * and the modelled latency compared across the ANE generations (one row
 * per family, H11..H18); --chip A,B,...: the per-op results for A, the
 * latency compared across the chips listed (the cost pass). */
static int parse_chips(PassOptions *o, const char *v, FILE *err)
{
	if (strcmp(v, "all") == 0) {
		size_t n;
		const AneChip *fam = ane_chip_families(&n);
		o->ncompare_chips = 0;
		for (size_t i = 0; i < n && i < PASS_MAX_COMPARE_CHIPS; i++)
			o->compare_chips[o->ncompare_chips++] = &fam[i];
		return 1;
	}
	const char *comma = strchr(v, ',');
	if (!comma) {
		const AneChip *c = known_chip(v, err);
		if (!c)
			return -1;
		o->chip = c;
		return 1;
	}
	o->ncompare_chips = 0;
	for (const char *p = v; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char name[32];
		if (n == 0 || n >= sizeof name) {
			fprintf(err, "anelint: --chip: empty or overlong chip name in '%s'\n", v);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = 0;
		const AneChip *c = known_chip(name, err);
		if (!c)
			return -1;
		if (o->ncompare_chips == PASS_MAX_COMPARE_CHIPS) {
			fprintf(err, "anelint: --chip: at most %d chips\n", PASS_MAX_COMPARE_CHIPS);
			return -1;
		}
		if (!o->ncompare_chips)
			o->chip = c;
		o->compare_chips[o->ncompare_chips++] = c;
		p += n;
		if (*p == ',')
			p++;
	}
	return 1;
}

static int analysis_flag_parse(PassOptions *o, const char *arg, FILE *err)
{
	const char *v;
	if ((v = flag_value(arg, "--chip")))
		return parse_chips(o, v, err);
	if ((v = flag_value(arg, "--compute-units"))) {
		int cu = compute_units_from_name(v);
		if (cu < 0) {
			fprintf(err, "anelint: --compute-units: unknown setting '%s' "
			        "(cpu_only, cpu_and_gpu, cpu_and_ne, all)\n", v);
			return -1;
		}
		o->compute_units = cu;
		return 1;
	}
	if ((v = flag_value(arg, "--input-shape")))
		return parse_shape(o, v, err);
	if (strcmp(arg, "--chip") == 0 || strcmp(arg, "--compute-units") == 0 ||
	    strcmp(arg, "--input-shape") == 0) {
		fprintf(err, "anelint: %s needs a value: %s=VALUE or %s VALUE\n", arg, arg, arg);
		return -1;
	}
	return 0;
}

/* An analysis flag with its value as the next argument (`--chip`, "M4"):
 * 1 when `flag` is one (consumed with its value), 0 otherwise. */
static int analysis_flag_pair(PassOptions *o, const char *flag, const char *value, FILE *err)
{
	if (strcmp(flag, "--chip") != 0 && strcmp(flag, "--compute-units") != 0 &&
	    strcmp(flag, "--input-shape") != 0)
		return 0;
	char buf[512];
	if ((size_t)snprintf(buf, sizeof buf, "%s=%s", flag, value) >= sizeof buf) {
		fprintf(err, "anelint: %s: value too long\n", flag);
		return -1;
	}
	return analysis_flag_parse(o, buf, err);
}

int pass_options_parse_argv(PassOptions *o, int argc, char **argv, int *i, FILE *err)
{
	const char *arg = argv[*i];
	if (*i + 1 < argc && argv[*i + 1][0] != '-') {
		int r = analysis_flag_pair(o, arg, argv[*i + 1], err);
		if (r > 0)
			(*i)++;
		if (r)
			return r;
	}
	return pass_options_parse(o, arg, err);
}
