/* emit_util.h - helpers shared by the emitters of backend/. */
#ifndef ANELINT_BACKEND_EMIT_UTIL_H
#define ANELINT_BACKEND_EMIT_UTIL_H

#include <stdbool.h>

#include "ir/ir.h"

/* s with invalid UTF-8 (and, when xml, the C0 controls other than tab, CR
 * and LF) replaced by U+FFFD; s itself when it is clean, else a copy in a.
 * NULL stays NULL. */
const char *emit_clean_utf8(Arena *a, const char *s, bool xml);

#endif
