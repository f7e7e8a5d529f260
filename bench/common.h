/* common.h - what the benchmarks share: running a command in a fresh
 * process and reading its figure, and Python's protobuf parse of a model
 * as the reference point (Debian's python3-protobuf with classes that
 * `protoc --python_out` generates from frontend/proto at run time). */
#ifndef ANELINT_BENCH_COMMON_H
#define ANELINT_BENCH_COMMON_H

#include <stddef.h>

typedef struct BenchResult {
	double secs;            /* < 0: failed or skipped */
	long rss_kb;            /* the child's peak RSS */
} BenchResult;

/* Run argv in a fresh process; its first output line is the seconds. */
BenchResult bench_measure(char *const argv[]);

/* Run argv (output discarded) `reps` times; the best wall time of a whole
 * run, fork to exit, and the largest peak RSS.  Fails (secs < 0) when a
 * run exits with a status other than ok_status. */
BenchResult bench_wall(char *const argv[], int reps, int ok_status);

#define BENCH_PYTHON "/usr/bin/python3"

/* Generate the Python classes into dir and write the parse script beside
 * them (its path into script).  Returns why the Python column must be
 * skipped, or NULL. */
const char *bench_python_setup(const char *dir, const char *source_dir, char *script, size_t n);

/* Model.ParseFromString of the file's bytes (read before timing), the
 * best of reps, in a fresh python3 process. */
BenchResult bench_python_parse(const char *dir, const char *script, const char *mlmodel, int reps);

#endif
