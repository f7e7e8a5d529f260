/* common.c - fresh-process measurements and the Python reference parse
 * (common.h), shared by bench_load and bench_report. */
#include "common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

BenchResult bench_measure(char *const argv[])
{
	BenchResult res = { -1, 0 };
	int fds[2];
	if (pipe(fds) != 0)
		return res;
	pid_t pid = fork();
	if (pid < 0)
		return res;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	char buf[128] = "";
	size_t got = 0;
	ssize_t k;
	while (got + 1 < sizeof buf && (k = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = 0;
	close(fds[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return res;
	res.secs = strtod(buf, NULL);
	res.rss_kb = ru.ru_maxrss;
	return res;
}

BenchResult bench_wall(char *const argv[], int reps, int ok_status)
{
	BenchResult res = { -1, 0 };
	for (int r = 0; r < reps; r++) {
		double t0 = now();
		pid_t pid = fork();
		if (pid < 0)
			return (BenchResult){ -1, 0 };
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
				close(null);
			}
			execv(argv[0], argv);
			_exit(127);
		}
		int status;
		struct rusage ru;
		if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != ok_status)
			return (BenchResult){ -1, 0 };
		double t = now() - t0;
		if (res.secs < 0 || t < res.secs)
			res.secs = t;
		if (ru.ru_maxrss > res.rss_kb)
			res.rss_kb = ru.ru_maxrss;
	}
	return res;
}

static const char PY_SCRIPT[] =
	"import sys, time\n"
	"sys.path.insert(0, sys.argv[1])\n"
	"import Model_pb2\n"
	"data = open(sys.argv[2], 'rb').read()\n"
	"best = 1e30\n"
	"for _ in range(int(sys.argv[3])):\n"
	"    t = time.perf_counter()\n"
	"    m = Model_pb2.Model()\n"
	"    m.ParseFromString(data)\n"
	"    best = min(best, time.perf_counter() - t)\n"
	"    del m\n"
	"print('%.9f' % best)\n";

const char *bench_python_setup(const char *dir, const char *source_dir, char *script, size_t n)
{
	char cmd[4096];
	int k = snprintf(cmd, sizeof cmd, "protoc --python_out=%s -I%s/frontend/proto "
	                 "%s/frontend/proto/*.proto 2>/dev/null", dir, source_dir, source_dir);
	if (k < 0 || (size_t)k >= sizeof cmd)
		return "path too long";
	if (system(cmd) != 0)
		return "protoc (protobuf-compiler) is missing or failed";
	if (system(BENCH_PYTHON " -c 'import google.protobuf' 2>/dev/null") != 0)
		return BENCH_PYTHON " has no google.protobuf (python3-protobuf)";
	k = snprintf(script, n, "%s/parse.py", dir);
	if (k < 0 || (size_t)k >= n)
		return "path too long";
	FILE *f = fopen(script, "w");
	if (!f)
		return "cannot write the script";
	fputs(PY_SCRIPT, f);
	fclose(f);
	return NULL;
}

BenchResult bench_python_parse(const char *dir, const char *script, const char *mlmodel, int reps)
{
	char r[16];
	snprintf(r, sizeof r, "%d", reps);
	char *argv[] = { BENCH_PYTHON, (char *)script, (char *)dir, (char *)mlmodel, r, NULL };
	return bench_measure(argv);
}
