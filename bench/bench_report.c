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
#include <unistd.h>

#include "anelint.h"
#include "backend/report.h"
#include "common.h"

typedef struct InProc {
	double load, passes, json, total;   /* best seconds; < 0: failed */
	unsigned ops;
	size_t report_bytes;
} InProc;

static InProc in_process(const char *path, int reps)
{
	InProc r = { -1, -1, -1, -1, 0, 0 };
	for (int i = 0; i < reps; i++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = bench_now();
		Module *m = anelint_load(path, &dl);
		double t1 = bench_now();
		if (!m) {
			diag_print_all(&dl, stderr);
			diag_fini(&dl);
			return (InProc){ -1, -1, -1, -1, 0, 0 };
		}
		PassCtx *ctx = bench_run_passes(m, &dl, 0);
		double t2 = bench_now();
		ReportInput in;
		report_input_init(&in, m, ctx, path, NULL, "bench");
		char *json = report_json_string(&in, &r.report_bytes);
		double t3 = bench_now();
		bench_keep_best(&r.load, t1 - t0);
		bench_keep_best(&r.passes, t2 - t1);
		bench_keep_best(&r.json, t3 - t2);
		bench_keep_best(&r.total, t3 - t0);
		r.ops = bench_module_ops(m);
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
	BenchModel model;
	char mlmodel[4200];     /* "": not a package (no Python column) */
} Row;

int main(int argc, char **argv)
{
	int reps = 20;
	char corpus[2048], bin[4096];
	bench_corpus_dir(corpus, sizeof corpus, NULL);
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

	size_t nrows;
	BenchModel *models = bench_corpus_models(corpus, &nrows);
	if (!nrows)
		fprintf(stderr, "bench_report: no corpus models under %s (the example only)\n", corpus);
	Row *rows = calloc(nrows + 1, sizeof *rows);
	if (!rows)
		return 1;
	for (size_t i = 0; i < nrows; i++) {
		rows[i].model = models[i];
		snprintf(rows[i].mlmodel, sizeof rows[i].mlmodel, "%s/Data/com.apple.CoreML/model.mlmodel",
		         models[i].path);
	}
	free(models);
	snprintf(rows[nrows].model.name, sizeof rows[nrows].model.name, "examples/tiny_convnet.mil");
	snprintf(rows[nrows].model.path, sizeof rows[nrows].model.path, "%s/examples/tiny_convnet.mil",
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
		InProc ip = in_process(r->model.path, reps);
		char *pargv[] = { bin, "analyze", "-f", "json", r->model.path, NULL };
		BenchResult pr = bench_wall(pargv, reps, 0);
		BenchResult py = { -1, 0 };
		if (!py_skip && r->mlmodel[0])
			py = bench_python_parse(tmp, script, r->mlmodel, reps);
		printf("%-38.38s %5u |", r->model.name, ip.ops);
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
				worst_proc_name = r->model.name;
			}
			if (py.secs > 0 && ip.total > 0 && py.secs / ip.total < worst_py) {
				worst_py = py.secs / ip.total;
				worst_py_name = r->model.name;
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
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_report: could not remove %s\n", tmp);
	free(rows);
	return 0;
}
