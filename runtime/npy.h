/*
 * npy.h - NumPy .npy files (format versions 1.0, 2.0 and 3.0) to and from
 * RtTensor.  The reader is strict: magic, version, header length, a
 * header dict of exactly 'descr', 'fortran_order' and 'shape', a
 * little-endian numeric or bool dtype, C order, and a data size equal to
 * what the shape needs.  Errors are one line, without the file name (the
 * caller prefixes it).
 */
#ifndef ANELINT_NPY_H
#define ANELINT_NPY_H

#include <stddef.h>

#include "runtime/runtime.h"

/* Parse n bytes of a .npy file into out (its data malloc'd in the file's
 * dtype: fp16 as bit patterns).  0, or -1 with a message in err. */
int npy_parse(const void *bytes, size_t n, RtTensor *out, char *err, size_t errn);
/* Read a file: "PATH: message" in err on failure. */
int npy_read(const char *path, RtTensor *out, char *err, size_t errn);
/* Write t (numeric, bool, or DT_STRING as a '<U' text array) as .npy
 * version 1.0.  0, or -1 with "PATH: message" in err. */
int npy_write(const char *path, const RtTensor *t, char *err, size_t errn);

#endif
