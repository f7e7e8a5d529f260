/* common.h - what the benchmarks share: one clock and best/median of
 * repeated runs; the converted corpus; one generator of MIL text programs;
 * running every pass; running a command in a fresh process and reading its
 * figure; and Python's protobuf parse of a model as the reference point
 * (Debian's python3-protobuf with classes that `protoc --python_out`
 * generates from frontend/proto at run time). */
#ifndef ANELINT_BENCH_COMMON_H
#define ANELINT_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "passes/pass.h"

#ifndef ANELINT_SOURCE_DIR
#define ANELINT_SOURCE_DIR "."
#endif

/* ------------------------------------------------------------ timing */

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Sort n times ascending: t[0] is the best, t[n / 2] the median. */
void bench_sort(double *t, size_t n);

/* Keep the smaller time in *best; a *best below 0 holds none yet. */
void bench_keep_best(double *best, double t);

/* ------------------------------------------------------------ models */

/* The ops of every function of m. */
uint32_t bench_module_ops(const Module *m);

/* anelint_load of path, its diagnostics dropped; *ms (may be NULL) the
 * milliseconds it took.  NULL when the model does not load. */
Module *bench_load_model(const char *path, double *ms);

/* Every pass over m as `anelint analyze` runs them (selected 0), or the
 * PASS_BIT mask selected and what it requires.  The caller frees the ctx. */
PassCtx *bench_run_passes(Module *m, DiagList *dl, uint32_t selected);

/* reps runs of the passes `selected` (a PASS_BIT mask and what it
 * requires; 0: every pass) over m (bench_run_passes), in ns per op: the
 * pipeline's best and median wall time, and each pass's mean from the
 * manager's timer.  look (may be NULL) sees the first run's results before
 * they are freed. */
typedef struct BenchPasses {
	uint32_t ops;
	uint32_t errors;                /* of the first run */
	double best, median;
	double pass[PASS_COUNT];
} BenchPasses;
BenchPasses bench_time_passes(Module *m, uint32_t selected, int reps,
                              void (*look)(const PassCtx *ctx, void *arg), void *arg);

typedef struct BenchModel {
	char name[64];          /* the package's name without ".mlpackage" */
	char path[4096];        /* the .mlpackage */
} BenchModel;

/* The corpus's converted/ directory into buf: root/converted when a corpus
 * root is given (a command-line argument), else $ANELINT_SHARED/corpus/converted,
 * else shared/corpus/converted beside the source tree. */
void bench_corpus_dir(char *buf, size_t n, const char *root);

/* Every converted/<dir>/<name>.mlpackage, sorted by path; malloc'd, *n set
 * (NULL and 0 when there are none). */
BenchModel *bench_corpus_models(const char *converted, size_t *n);

/* ------------------------------------------------------------ generated programs */

/* What a generated MIL text program is made of.  Every program is one
 * function `main(x)` of blocks that keep x's shape, repeated until it has
 * the ops asked for; weights are blob-file consts whose file need not
 * exist (the passes only read their types). */
typedef enum BenchMix {
	/* bench_parse: a transformer in the ANE layout (B, C, 1, S) =
	 * [1, 768, 1, 64] as Apple's compiler writes it (buildInfo, ios18, every
	 * parameter its own named const, scalars in the new syntax, arguments
	 * in alphabetical order, op names "<x>_cast_fp16"): layer_norm, conv,
	 * mul, softmax, conv, residual add, conv, gelu; 32 ops a layer. */
	BENCH_MIX_TRANSFORMER,
	/* bench_infer: [1, 64, 1, 32] in the converter's style (every parameter
	 * its own const op): conv, relu, add, reshape, transpose, linear,
	 * matmul, softmax, matmul, layer_norm, transpose, reshape; 27 ops. */
	BENCH_MIX_SHAPES,
	/* bench_analyze: [1, 128, 1, 256] with literal parameters at sizes that
	 * put most of it on the ANE: conv 1x1, relu, layer_norm, an
	 * attention-style matmul/softmax pair, a residual add; every fourth
	 * block an fp32 island and an int32 index path feeding a gather (both
	 * refused), so every branch of legality, the path search and the
	 * boundary walk is exercised. */
	BENCH_MIX_ANE,
} BenchMix;

/* Write a program of at least `ops` ops to f; returns its op count. */
long bench_mil_write(FILE *f, BenchMix mix, long ops);

/* The same program parsed from memory as "generated.mil" (not verified):
 * NULL, with the diagnostics in dl, when it does not parse. */
Module *bench_mil_module(BenchMix mix, long ops, DiagList *dl);

/* ------------------------------------------------------------ fresh processes */

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
