/*
 * fuzz_util.h - what every libFuzzer harness of fuzz/ shares.
 *
 * Each harness hands the fuzzer's bytes to one reader, then finishes the
 * module the way anelint_load does (resolve op rows, verify) and renders
 * every diagnostic, so a reader's output is checked by the IR verifier and
 * the diagnostic printer, not only its return value.  Sanitizers (ASan,
 * UBSan, LSan) turn any crash, overflow or leak into a finding.
 */
#ifndef ANELINT_FUZZ_UTIL_H
#define ANELINT_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

/* libFuzzer's entry point, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A reader of the fuzzer's bytes: a module, or NULL with diagnostics. */
typedef Module *(*FuzzReader)(const uint8_t *data, size_t size, DiagList *dl);

/* Run read over the bytes with a fresh diagnostic list, then resolve and
 * verify the module it makes, format every diagnostic and free both. */
void fuzz_read(FuzzReader read, const uint8_t *data, size_t size);

/* The bytes as MIL text read from a stream, as `anelint` reads a file. */
Module *fuzz_read_mil(const uint8_t *data, size_t size, DiagList *dl);

/* The bytes as a NUL-terminated heap copy (readers that take C strings). */
char *fuzz_cstring(const uint8_t *data, size_t size);

#endif
