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

/* Resolve and verify m (may be NULL), format every diagnostic, free both. */
void fuzz_finish(Module *m, DiagList *dl);

/* The bytes as a NUL-terminated heap copy (readers that take C strings). */
char *fuzz_cstring(const uint8_t *data, size_t size);

#endif
