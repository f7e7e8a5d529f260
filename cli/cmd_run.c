/*
 * cmd_run.c - `anelint run MODEL`: execute one function on the cpu device
 * (runtime/runtime.h) with inputs from .npy files or random, write the
 * outputs as .npy, and print per output its shape, dtype, range, mean and
 * non-finite counts, the first op that produced a NaN or Inf, and the time
 * of each stage.  Nothing is written to --out unless the run succeeded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "runtime/npy.h"
#include "runtime/runtime.h"

enum { RUN_MAX_BINDINGS = 64 };

typedef struct RunBinding {
	const char *name;
	const char *path;
} RunBinding;

typedef struct RunArgs {
	const char *model, *function, *out, *format;
	RunBinding inputs[RUN_MAX_BINDINGS], states[RUN_MAX_BINDINGS];
	int ninputs, nstates;
	bool random;
	uint64_t seed;
	RtOptions rt;
} RunArgs;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int add_binding(RunBinding *list, int *n, const char *flag, const char *arg)
{
	const char *eq = arg ? strchr(arg, '=') : NULL;
	if (!eq || eq == arg || !eq[1])
		return cli_usage_error("run", "%s wants NAME=FILE.npy, not '%s'", flag, arg ? arg : "");
	if (*n == RUN_MAX_BINDINGS)
		return cli_usage_error("run", "more than %d %s flags", RUN_MAX_BINDINGS, flag);
	char *name = strndup(arg, (size_t)(eq - arg));
	if (!name)
		return EXIT_UNUSABLE;
	list[*n].name = name;
	list[(*n)++].path = eq + 1;
	return EXIT_OK;
}

static int parse_u64(const char *flag, const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s || *s == '-')
		return cli_usage_error("run", "%s wants a number", flag);
	*v = strtoull(s, &end, 10);
	if (*end)
		return cli_usage_error("run", "%s wants a number, not '%s'", flag, s);
	return EXIT_OK;
}

static int parse_args(int argc, char **argv, RunArgs *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t v = 0;
		int rc = EXIT_OK;
		if (strcmp(arg, "--input") == 0) {
			rc = add_binding(a->inputs, &a->ninputs, arg, val), i++;
		} else if (strcmp(arg, "--state") == 0) {
			rc = add_binding(a->states, &a->nstates, arg, val), i++;
		} else if (strcmp(arg, "--function") == 0 && val) {
			a->function = val, i++;
		} else if (strcmp(arg, "--out") == 0 && val) {
			a->out = val, i++;
		} else if ((strcmp(arg, "-f") == 0 || strcmp(arg, "--format") == 0) && val) {
			a->format = val, i++;
		} else if (strcmp(arg, "--random-inputs") == 0) {
			rc = parse_u64(arg, val, &a->seed), a->random = true, i++;
		} else if (strcmp(arg, "--threads") == 0) {
			rc = parse_u64(arg, val, &v), a->rt.threads = (int)v, i++;
		} else if (strcmp(arg, "--max-memory") == 0) {
			rc = parse_u64(arg, val, &v), a->rt.max_memory = v, i++;
		} else if (strcmp(arg, "--loop-cap") == 0) {
			rc = parse_u64(arg, val, &v), a->rt.loop_cap = (uint32_t)v, i++;
		} else if (arg[0] == '-' && arg[1]) {
			return cli_usage_error("run", "unknown or incomplete option '%s'", arg);
		} else if (a->model) {
			return cli_usage_error("run", "one model at a time ('%s' and '%s')", a->model, arg);
		} else {
			a->model = arg;
		}
		if (rc != EXIT_OK)
			return rc;
	}
	if (!a->model)
		return cli_usage_error("run", "no model given (anelint help run)");
	if (a->format && strcmp(a->format, "text") && strcmp(a->format, "json"))
		return cli_usage_error("run", "-f wants text or json, not '%s'", a->format);
	return EXIT_OK;
}

/* The first error of dl as one line on stderr. */
static int report(const DiagList *dl, const char *fallback)
{
	for (uint32_t i = 0; i < dl->d.n; i++)
		if (dl->d.v[i].sev == SEV_ERROR) {
			char buf[1024];
			diag_format(&dl->d.v[i], buf, sizeof buf);
			fprintf(stderr, "anelint: %s\n", buf);
			return EXIT_UNUSABLE;
		}
	fprintf(stderr, "anelint: %s\n", fallback);
	return EXIT_UNUSABLE;
}

/* splitmix64: a small, seedable generator for --random-inputs. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Random values of the declared type: floats in [-1, 1), ints in [0, 10). */
static int random_input(RtProgram *p, uint32_t i, uint64_t *seed, DiagList *dl)
{
	const Type *t = rt_input_type(p, i);
	const char *name = rt_input_name(p, i);
	RtTensor x = { 0 };
	int64_t dims[RT_MAX_RANK];
	if (!t || t->kind != TY_TENSOR || t->rank < 0 || t->rank > RT_MAX_RANK) {
		fprintf(stderr, "anelint: input '%s': no tensor type to draw random values for\n", name);
		return -1;
	}
	for (int32_t d = 0; d < t->rank; d++) {
		if (t->dims[d].kind != DIM_CONST) {
			fprintf(stderr, "anelint: input '%s' has a flexible shape: give it with --input\n",
			        name);
			return -1;
		}
		dims[d] = t->dims[d].size;
	}
	if (rt_tensor_alloc(&x, t->dt, t->rank, dims) < 0)
		return -1;
	for (int64_t k = 0; k < x.numel; k++) {
		double u = (double)(next_random(seed) >> 11) / 9007199254740992.0;
		rt_tensor_set(&x, k, dtype_is_float(t->dt) ? 2 * u - 1 : floor(u * 10));
	}
	int rc = rt_set_input(p, name, &x, dl);
	rt_tensor_free(&x);
	return rc;
}

static int bind_files(RtProgram *p, const RunArgs *a, DiagList *dl)
{
	char err[512];
	for (int k = 0; k < a->ninputs + a->nstates; k++) {
		bool state = k >= a->ninputs;
		const RunBinding *b = state ? &a->states[k - a->ninputs] : &a->inputs[k];
		RtTensor t = { 0 };
		if (npy_read(b->path, &t, err, sizeof err) < 0) {
			fprintf(stderr, "anelint: %s\n", err);
			return -1;
		}
		int rc = state ? rt_set_state(p, b->name, &t, dl) : rt_set_input(p, b->name, &t, dl);
		rt_tensor_free(&t);
		if (rc < 0) {
			report(dl, "bad input");
			return -1;
		}
	}
	for (uint32_t i = 0; a->random && i < rt_num_inputs(p); i++) {
		bool given = rt_input_is_state(p, i);
		for (int k = 0; k < a->ninputs && !given; k++)
			given = strcmp(a->inputs[k].name, rt_input_name(p, i)) == 0;
		if (!given && random_input(p, i, (uint64_t[]){ a->seed + i }, dl) < 0) {
			if (dl->nerrors)
				report(dl, "bad input");
			return -1;
		}
	}
	return 0;
}

typedef struct Summary {
	double min, max, mean;
	int64_t nan, inf;
} Summary;

static Summary summarize(const RtTensor *t)
{
	Summary s = { INFINITY, -INFINITY, 0, 0, 0 };
	double sum = 0;
	int64_t finite = 0;
	for (int64_t i = 0; t->dt != DT_STRING && i < t->numel; i++) {
		double v = rt_tensor_get(t, i);
		if (isnan(v)) {
			s.nan++;
		} else if (isinf(v)) {
			s.inf++;
		} else {
			s.min = v < s.min ? v : s.min;
			s.max = v > s.max ? v : s.max;
			sum += v;
			finite++;
		}
	}
	s.mean = finite ? sum / (double)finite : NAN;
	if (!finite)
		s.min = s.max = NAN;
	return s;
}

static void shape_str(const RtTensor *t, char *buf, size_t n)
{
	size_t at = (size_t)snprintf(buf, n, "(");
	for (int32_t i = 0; i < t->rank && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%s%lld", i ? ", " : "", (long long)t->dims[i]);
	if (at < n)
		snprintf(buf + at, n - at, t->rank == 1 ? ",)" : ")");
}

/* A JSON number, or null for NaN / Inf (JSON has neither). */
static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
	else
		fputs("null", f);
}

static void print_results(const RtProgram *p, const RunArgs *a, const double *stage)
{
	const RtStats *st = rt_stats(p);
	const Func *f = NULL;
	const char *bad = NULL, *bad_kind = NULL;
	(void)f;
	if (st->first_nonfinite) {
		bad = st->first_nonfinite->name ? st->first_nonfinite->name : "?";
		bad_kind = st->first_nonfinite->kind;
	}
	bool json = a->format && strcmp(a->format, "json") == 0;
	if (json)
		printf("{\"model\": \"%s\", \"outputs\": [", a->model);
	for (uint32_t i = 0; i < rt_num_outputs(p); i++) {
		const RtTensor *t = rt_output(p, i);
		Summary s = summarize(t);
		char shape[256];
		shape_str(t, shape, sizeof shape);
		if (json) {
			printf("%s{\"name\": \"%s\", \"dtype\": \"%s\", \"shape\": [", i ? ", " : "",
			       rt_output_name(p, i), dtype_name(t->dt));
			for (int32_t d = 0; d < t->rank; d++)
				printf("%s%lld", d ? ", " : "", (long long)t->dims[d]);
			printf("], \"min\": ");
			json_num(stdout, s.min);
			printf(", \"max\": ");
			json_num(stdout, s.max);
			printf(", \"mean\": ");
			json_num(stdout, s.mean);
			printf(", \"nan\": %lld, \"inf\": %lld}", (long long)s.nan, (long long)s.inf);
			continue;
		}
		printf("%s: %s %s  min %.6g  max %.6g  mean %.6g", rt_output_name(p, i), shape,
		       dtype_name(t->dt), s.min, s.max, s.mean);
		if (s.nan || s.inf)
			printf("  NaN %lld  Inf %lld", (long long)s.nan, (long long)s.inf);
		printf("\n");
	}
	if (json) {
		printf("], \"first_nonfinite_op\": ");
		if (bad)
			printf("{\"name\": \"%s\", \"type\": \"%s\"}", bad, bad_kind);
		else
			printf("null");
		printf(", \"seconds\": {\"load\": %.6f, \"prepare\": %.6f, \"first_run\": %.6f}}\n",
		       stage[0], stage[1], stage[2]);
		return;
	}
	if (bad)
		printf("first non-finite value: op %s (%s)\n", bad, bad_kind);
	printf("time: load %.1f ms, prepare %.1f ms, first run %.1f ms\n", stage[0] * 1e3,
	       stage[1] * 1e3, stage[2] * 1e3);
}

/* Every output to DIR/<name>.npy in its declared dtype. */
static int write_outputs(const RtProgram *p, const char *dir)
{
	char err[512];
	if (mkdir(dir, 0777) < 0) {
		struct stat sb;
		if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			fprintf(stderr, "anelint: %s: cannot create the output folder\n", dir);
			return -1;
		}
	}
	for (uint32_t i = 0; i < rt_num_outputs(p); i++) {
		const char *name = rt_output_name(p, i);
		if (strchr(name, '/') || name[0] == '.') {
			fprintf(stderr, "anelint: output name '%s' is not a file name\n", name);
			return -1;
		}
		size_t n = strlen(dir) + strlen(name) + 8;
		char *path = malloc(n);
		if (!path)
			return -1;
		snprintf(path, n, "%s/%s.npy", dir, name);
		int rc = npy_write(path, rt_output(p, i), err, sizeof err);
		free(path);
		if (rc < 0) {
			fprintf(stderr, "anelint: %s\n", err);
			return -1;
		}
	}
	return 0;
}

static int run_model(const RunArgs *a)
{
	DiagList dl, rdl;
	diag_init(&dl);
	diag_init(&rdl);
	double stage[3], t0 = now();
	int rc = EXIT_UNUSABLE;
	PassCtx *ctx = NULL;
	RtProgram *p = NULL;
	Module *m = anelint_load(a->model, &dl);
	if (!m) {
		report(&dl, "the model cannot be read");
		goto out;
	}
	stage[0] = now() - t0;
	Func *f = ir_module_pick_func(m, a->function);
	if (!f) {
		fprintf(stderr, "anelint: %s: no function '%s'\n", a->model,
		        a->function ? a->function : "main");
		goto out;
	}
	t0 = now();
	PassOptions po;
	pass_options_init(&po);
	ctx = pass_ctx_new(m, &dl, &po);
	pass_run(ctx, PASS_PARTITION);      /* the segments; its findings are not ours to print */
	p = rt_program_new(m, ctx, f, &a->rt, &rdl);
	stage[1] = now() - t0;
	if (!p) {
		report(&rdl, "the function cannot be prepared");
		goto out;
	}
	if (bind_files(p, a, &rdl) < 0)
		goto out;
	t0 = now();
	if (rt_run(p, &rdl) < 0) {
		report(&rdl, "the run failed");
		goto out;
	}
	stage[2] = now() - t0;
	if (a->out && write_outputs(p, a->out) < 0)
		goto out;
	print_results(p, a, stage);
	rc = EXIT_OK;
out:
	rt_program_free(p);
	if (ctx)
		pass_ctx_free(ctx);
	if (m)
		ir_module_free(m);
	diag_fini(&dl);
	diag_fini(&rdl);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	RunArgs a = { 0 };
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(cli_usage_find("run")->usage, stdout);
			return EXIT_OK;
		}
	int rc = parse_args(argc, argv, &a);
	if (rc == EXIT_OK)
		rc = run_model(&a);
	for (int i = 0; i < a.ninputs; i++)
		free((char *)a.inputs[i].name);
	for (int i = 0; i < a.nstates; i++)
		free((char *)a.states[i].name);
	return rc;
}
