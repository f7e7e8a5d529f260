/* blas.c - CBLAS from the system's OpenBLAS, loaded on first use.
 *
 * Why not linked: the runtime is the only part of anelint that multiplies
 * matrices, but linking libopenblas into the command made every process
 * (`analyze`, `lint`, `check` in CI loops) pay its ~12,000 symbol
 * relocations and its thread-pool start at exec: +8.4 M to +9.0 M
 * instructions per `anelint analyze -f json` (callgrind, efficientnet_b0,
 * mobilenet_v2 and the transformer, 2026-12-08), about half of the whole
 * command on small models.  So `run`, `compare`, `test` and `bench` open it
 * when they prepare a program, and nothing else does.
 *
 * The library's soname is not written here: CMake reads it from the
 * library pkg-config found (ANELINT_BLAS_SONAME, CMakeLists.txt), so the
 * build and the loader agree on one file.  cblas.h from the same package
 * gives the prototype.  Once loaded the library stays (dlclose would stop
 * its thread pool under a running program's feet); the pointer is written
 * once, under pthread_once. */
#include "runtime/blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#ifndef ANELINT_BLAS_SONAME
#error "ANELINT_BLAS_SONAME: the BLAS library's soname, set by CMakeLists.txt"
#endif

RtSgemmFn rt_sgemm;

typedef void (*SetThreadsFn)(int);

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static SetThreadsFn blas_set_threads;
static char blas_error[256];

static void blas_load(void)
{
	void *h = dlopen(ANELINT_BLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(blas_error, sizeof blas_error, "cannot load the BLAS library %s: %s",
		         ANELINT_BLAS_SONAME, dlerror());
		return;
	}
	/* POSIX's documented way to turn dlsym's object pointer into a
	 * function pointer: copy the representation. */
	void *sgemm = dlsym(h, "cblas_sgemm");
	void *threads = dlsym(h, "openblas_set_num_threads");
	if (!sgemm) {
		snprintf(blas_error, sizeof blas_error, "%s has no cblas_sgemm", ANELINT_BLAS_SONAME);
		return;
	}
	*(void **)&rt_sgemm = sgemm;
	if (threads)
		*(void **)&blas_set_threads = threads;
}

int rt_blas_open(int threads, char *err, size_t errlen)
{
	pthread_once(&blas_once, blas_load);
	if (!rt_sgemm) {
		snprintf(err, errlen, "%s", blas_error);
		return -1;
	}
	if (threads > 0 && blas_set_threads)
		blas_set_threads(threads);      /* BLAS's own pool, not ours */
	return 0;
}
