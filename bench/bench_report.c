/* bench_report.c - the whole analysis of a model, in process and as a
 * command, next to Debian's python3-protobuf merely parsing the same
 * model.mlmodel.
 *
 *   bench_report [-n REPS] [--corpus DIR] [--bin ANELINT]
 *
 * Models: every converted .mlpackage of the corpus, and the example.
 * Columns:
 *   load, passes, json   in this process, the best of REPS runs of each
 *             stage: anelint_load; every pass (verify .. partition, flex);
 *             the JSON report built and printed to memory
 *   in-proc   the best of REPS runs of the three together
 *   process   `anelint analyze -f json MODEL` (output to /dev/null), fork
 *             to exit, best of REPS: what CI waits for per model
 *   python    Model.ParseFromString in /usr/bin/python3 (common.h), the
 *             best of REPS inside one python process; skipped, saying so,
 *             when protoc or python3-protobuf is absent
 * Targets (issue "ANE legality, placement ... and the reports CI reads"):
 * in process at least 4x faster than Python's parse alone; every converted
 * model analysed by a whole process in under 5 ms.  Build Release:
 *   cmake -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel --target benches anelint
 *   build-rel/bench/bench_report
 * Prints a table; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "anelint.h"
#include "backend/report.h"
#include "common.h"

#ifndef ANELINT_SOURCE_DIR
#define ANELINT_SOURCE_DIR "."
#endif

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct InProc {
	double load, passes, json, total;   /* best seconds; < 0: failed */
	unsigned ops;
	size_t report_bytes;
} InProc;

static void keep(double *best, double t)
{
	if (*best < 0 || t < *best)
		*best = t;
}

static InProc in_process(const char *path, int reps)
{
	InProc r = { -1, -1, -1, -1, 0, 0 };
	for (int i = 0; i < reps; i++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = now();
		Module *m = anelint_load(path, &dl);
		double t1 = now();
		if (!m) {
			diag_print_all(&dl, stderr);
			diag_fini(&dl);
			return (InProc){ -1, -1, -1, -1, 0, 0 };
		}
		PassOptions po;
		pass_options_init(&po);
		PassCtx *ctx = pass_ctx_new(m, &dl, &po);
		pass_run_pipeline(ctx);
		pass_run(ctx, PASS_PARTITION);
		pass_run(ctx, PASS_FLEX);
		double t2 = now();
		ReportInput in;
		report_input_init(&in, m, ctx, path, NULL, "bench");
		char *json = report_json_string(&in, &r.report_bytes);
		double t3 = now();
		keep(&r.load, t1 - t0);
		keep(&r.passes, t2 - t1);
		keep(&r.json, t3 - t2);
		keep(&r.total, t3 - t0);
		r.ops = 0;
		for (uint32_t f = 0; f < m->funcs.n; f++)
			r.ops += m->funcs.v[f]->nops;
		free(json);
		pass_ctx_free(ctx);
		ir_module_free(m);
		diag_fini(&dl);
	}
	return r;
}

static void ms(double s)
{
	if (s < 0)
		printf(" %8s", "-");
	else
		printf(" %6.2fms", s * 1e3);
}

typedef struct Row {
	char name[64];
	char path[4096], mlmodel[4200];
} Row;

int main(int argc, char **argv)
{
	int reps = 20;
	char corpus[2048], bin[4096];
	snprintf(corpus, sizeof corpus, "%s/../shared/corpus/converted", ANELINT_SOURCE_DIR);
	/* the anelint beside this bench (build/bench/bench_report -> build/anelint) */
	ssize_t sl = readlink("/proc/self/exe", bin, sizeof bin - 16);
	if (sl <= 0)
		return 1;
	bin[sl] = 0;
	char *slash = strrchr(bin, '/');
	if (slash) {
		*slash = 0;
		slash = strrchr(bin, '/');
		if (slash)
			strcpy(slash + 1, "anelint");
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
			snprintf(corpus, sizeof corpus, "%s", argv[++i]);
		else if (strcmp(argv[i], "--bin") == 0 && i + 1 < argc)
			snprintf(bin, sizeof bin, "%s", argv[++i]);
		else {
			fprintf(stderr, "usage: bench_report [-n REPS] [--corpus DIR] [--bin ANELINT]\n");
			return 2;
		}
	}
	if (reps < 1)
		reps = 1;
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "bench_report: no anelint at %s (build it, or give --bin)\n", bin);
		return 2;
	}

	char tmp[] = "/tmp/anelint-bench-report-XXXXXX";
	if (!mkdtemp(tmp))
		return 1;
	char script[4200];
	const char *py_skip = bench_python_setup(tmp, ANELINT_SOURCE_DIR, script, sizeof script);

	Row *rows = NULL;
	size_t nrows = 0;
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "ls -d '%s'/*/*.mlpackage 2>/dev/null | sort", corpus);
	FILE *ls = popen(cmd, "r");
	char line[4096];
	while (ls && fgets(line, sizeof line, ls)) {
		line[strcspn(line, "\n")] = 0;
		Row *nr = realloc(rows, (nrows + 1) * sizeof *rows);
		if (!nr)
			break;
		rows = nr;
		Row *r = &rows[nrows++];
		memset(r, 0, sizeof *r);
		snprintf(r->path, sizeof r->path, "%s", line);
		const char *base = strrchr(line, '/');
		snprintf(r->name, sizeof r->name, "%.*s", (int)(strlen(base + 1) - strlen(".mlpackage")),
		         base + 1);
		snprintf(r->mlmodel, sizeof r->mlmodel, "%s/Data/com.apple.CoreML/model.mlmodel", line);
	}
	if (ls)
		pclose(ls);
	if (!nrows)
		fprintf(stderr, "bench_report: no corpus models under %s (the example only)\n", corpus);
	Row *nr = realloc(rows, (nrows + 1) * sizeof *rows);
	if (!nr)
		return 1;
	rows = nr;
	memset(&rows[nrows], 0, sizeof *rows);
	snprintf(rows[nrows].name, sizeof rows[nrows].name, "examples/tiny_convnet.mil");
	snprintf(rows[nrows].path, sizeof rows[nrows].path, "%s/examples/tiny_convnet.mil",
	         ANELINT_SOURCE_DIR);
	nrows++;

	printf("bench_report: best of %d runs per cell; in-proc = load + every pass + JSON report to "
	       "memory;\nprocess = `%s analyze -f json MODEL > /dev/null`, fork to exit\n\n", reps, bin);
	printf("%-38s %5s | %8s %8s %8s %8s | %8s %6s | %8s %7s\n", "model", "ops", "load", "passes",
	       "json", "in-proc", "process", "<5ms", "python", "py/in");
	double worst_py = 1e30, worst_proc = 0;
	const char *worst_py_name = "", *worst_proc_name = "";
	unsigned over5 = 0, converted = 0;
	for (size_t i = 0; i < nrows; i++) {
		Row *r = &rows[i];
		InProc ip = in_process(r->path, reps);
		char *pargv[] = { bin, "analyze", "-f", "json", r->path, NULL };
		BenchResult pr = bench_wall(pargv, reps, 0);
		BenchResult py = { -1, 0 };
		if (!py_skip && r->mlmodel[0])
			py = bench_python_parse(tmp, script, r->mlmodel, reps);
		printf("%-38.38s %5u |", r->name, ip.ops);
		ms(ip.load);
		ms(ip.passes);
		ms(ip.json);
		ms(ip.total);
		printf(" |");
		ms(pr.secs);
		printf(" %6s |", pr.secs < 0 ? "fail" : pr.secs < 0.005 ? "yes" : "NO");
		ms(py.secs);
		if (py.secs > 0 && ip.total > 0)
			printf(" %6.1fx", py.secs / ip.total);
		else
			printf(" %7s", "-");
		printf("\n");
		if (r->mlmodel[0]) {
			converted++;
			if (pr.secs < 0 || pr.secs >= 0.005)
				over5++;
			if (pr.secs > worst_proc) {
				worst_proc = pr.secs;
				worst_proc_name = r->name;
			}
			if (py.secs > 0 && ip.total > 0 && py.secs / ip.total < worst_py) {
				worst_py = py.secs / ip.total;
				worst_py_name = r->name;
			}
		}
	}
	printf("\ntargets: in process >= 4x faster than Python's parse alone ");
	if (py_skip)
		printf("(Python column skipped: %s)\n", py_skip);
	else
		printf("(worst: %.1fx, %s)\n", worst_py, worst_py_name);
	printf("         every converted model analysed by a whole process in < 5 ms: %u of %u over "
	       "(slowest %.2f ms, %s)\n", over5, converted, worst_proc * 1e3, worst_proc_name);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_report: could not remove %s\n", tmp);
	free(rows);
	return 0;
}
