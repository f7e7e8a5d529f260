/* bench_parse.c - MIL text frontend throughput and memory.
 *
 *   bench_parse [OPS] [FILE]
 *   bench_parse --parse-only FILE     (one parse, for valgrind --tool=callgrind)
 *
 * Writes a generated program of at least OPS ops (default 110,000; about
 * 18 MB: common.h's BENCH_MIX_TRANSFORMER, as Apple's compiler writes it)
 * to FILE (default a temporary file), then parses it and builds the IR in a
 * child process, five times, and prints the parse + IR build throughput in
 * MB/s (best and median) and the child's peak RSS next to the file size.
 * Targets (issue "Foundation"): at least 100 MB/s, peak RSS at most 3x the
 * file size.  Prints figures only; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "frontend/frontend.h"

/* Parse the file and build its IR once: seconds taken, ops built (0 when
 * it does not parse). */
static double parse_once(const char *path, unsigned *ops)
{
	DiagList dl;
	diag_init(&dl);
	double t0 = bench_now();
	FILE *in = fopen(path, "r");
	Module *m = in ? fe_parse_mil_text(path, in, &dl) : NULL;
	double t = bench_now() - t0;
	if (in)
		fclose(in);
	*ops = m ? m->funcs.v[0]->nops : 0;
	if (!m)
		diag_print_all(&dl, stderr);
	ir_module_free(m);
	diag_fini(&dl);
	return t;
}

/* Parse in a child so that its peak RSS is the frontend's alone. */
static int run_child(const char *path, double *secs, long *maxrss_kb, unsigned *ops)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		unsigned n;
		double t = parse_once(path, &n);
		if (write(pipefd[1], &t, sizeof t) != sizeof t || write(pipefd[1], &n, sizeof n) != sizeof n)
			_exit(3);
		_exit(n ? 0 : 2);
	}
	close(pipefd[1]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (read(pipefd[0], secs, sizeof *secs) != sizeof *secs || read(pipefd[0], ops, sizeof *ops) != sizeof *ops)
		return -1;
	close(pipefd[0]);
	*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--parse-only") == 0) {
		/* One parse in this process, for instruction counts:
		 *   valgrind --tool=callgrind bench_parse --parse-only FILE */
		unsigned n;
		double t = parse_once(argv[2], &n);
		printf("bench_parse: %u ops parsed in %.1f ms\n", n, t * 1e3);
		return n ? 0 : 1;
	}
	long ops = argc > 1 ? atol(argv[1]) : 110000;
	char tmpl[] = "/tmp/anelint-bench-XXXXXX.mil";
	const char *path = argc > 2 ? argv[2] : NULL;
	if (!path) {
		int fd = mkstemps(tmpl, 4);
		if (fd < 0)
			return 1;
		close(fd);
		path = tmpl;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		return 1;
	bench_mil_write(f, BENCH_MIX_TRANSFORMER, ops);
	fclose(f);
	struct stat st;
	stat(path, &st);
	double mb = st.st_size / 1e6;

	enum { RUNS = 5 };
	double t[RUNS];
	long rss = 0;
	unsigned nops = 0;
	for (int r = 0; r < RUNS; r++) {
		long k;
		if (run_child(path, &t[r], &k, &nops) != 0) {
			fprintf(stderr, "bench_parse: parse failed\n");
			return 1;
		}
		if (k > rss)
			rss = k;
	}
	bench_sort(t, RUNS);
	printf("bench_parse: %u ops, %.1f MB of MIL text (%s)\n", nops, mb, path);
	printf("  parse + IR build: best %.1f ms = %.0f MB/s, median %.1f ms = %.0f MB/s  (target >= 100 MB/s)\n",
	       t[0] * 1e3, mb / t[0], t[RUNS / 2] * 1e3, mb / t[RUNS / 2]);
	printf("  peak RSS: %.1f MB = %.2fx the file size  (target <= 3x)\n", rss / 1024.0,
	       rss * 1024.0 / st.st_size);
	if (argc <= 2)
		unlink(path);
	return 0;
}
