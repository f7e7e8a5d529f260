/*
 * anelint.h - the one public header of libanelint.
 *
 * Read a model (any of .mil, .mlmodel[.gz], .mlpackage, .mlmodelc) into the
 * SSA IR, verify it, and print it.  The IR itself is described in ir/ir.h,
 * the model's interface in ir/model_desc.h.
 */
#ifndef ANELINT_H
#define ANELINT_H

#include "ir/ir.h"
#include "ir/model_desc.h"

/* Load and verify a model; "-" reads MIL text from standard input.
 * NULL with diagnostics in dl when the input is unusable. */
Module *anelint_load(const char *path, DiagList *dl);
/* The same, and the form it was read as ("mlpackage", "mil", "pymil", ...:
 * the description's, else the one the loader sniffed) in *format. */
Module *anelint_load_as(const char *path, DiagList *dl, const char **format);

#endif
