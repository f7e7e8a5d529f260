/* blas.h - the runtime's one door to CBLAS (runtime/blas.c).  Kernels call
 * rt_sgemm exactly as they would cblas_sgemm; rt_blas_open must have
 * succeeded first (rt_program_new opens it before any kernel can run). */
#ifndef ANELINT_RT_BLAS_H
#define ANELINT_RT_BLAS_H

#include <stdbool.h>
#include <stddef.h>

#include <cblas.h>

typedef void (*RtSgemmFn)(const enum CBLAS_ORDER, const enum CBLAS_TRANSPOSE,
                          const enum CBLAS_TRANSPOSE, const blasint, const blasint,
                          const blasint, const float, const float *, const blasint,
                          const float *, const blasint, const float, float *,
                          const blasint);

/* The library's cblas_sgemm; valid after rt_blas_open returned 0. */
extern RtSgemmFn rt_sgemm;

/* Load the BLAS library (once per process; later calls return at once) and
 * set its thread count when threads > 0.  0 when ready; -1 with a one-line
 * reason in err (the library's name and the loader's message). */
int rt_blas_open(int threads, char *err, size_t errlen);

#endif
