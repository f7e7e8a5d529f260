/*
 * json_writer.h - JSON written straight into a growing buffer: no tree,
 * one allocation that doubles.  The analysis report goes through it (a
 * json-c tree of a 1,000-op model is ~60,000 small allocations, which cost
 * more than the analysis itself).  Output is pretty-printed with two-space
 * indents, or compact; strings are escaped and invalid UTF-8 becomes
 * U+FFFD.  Misuse (a value without a key inside an object, unbalanced
 * ends) is a bug: IR_ASSERT.
 */
#ifndef ANELINT_BACKEND_JSON_WRITER_H
#define ANELINT_BACKEND_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { JW_MAX_DEPTH = 64 };

typedef struct JsonWriter {
	char *buf;
	size_t len, cap;
	bool pretty;
	bool failed;                /* out of memory: the output is void */
	int depth;
	bool has_items[JW_MAX_DEPTH];
	bool is_object[JW_MAX_DEPTH];
	bool after_key;
	int flat;                   /* containers deeper than this are written on one line */
	FILE *sink;                 /* jw_init_file: the buffer is flushed here as it fills */
} JsonWriter;

void jw_init(JsonWriter *w, bool pretty);
/* Write to `out` as the buffer fills (64 KiB at a time), so that memory
 * stays small whatever the size; finish with jw_write. */
void jw_init_file(JsonWriter *w, bool pretty, FILE *out);
/* Release the buffer (unless taken). */
void jw_fini(JsonWriter *w);
/* The text, NUL-terminated, malloc'd (the writer forgets it); NULL after
 * an allocation failure.  *len set when not NULL. */
char *jw_take(JsonWriter *w, size_t *len);
/* Write the (rest of the) text and a newline; 0 on success. */
int jw_write(JsonWriter *w, FILE *out);

/* From here on, each item of the current container goes on one line of
 * its own (pretty output): `{"name": "conv1", "type": "conv", ...}`.
 * Returns what jw_flat_end restores. */
int jw_flat_begin(JsonWriter *w);
void jw_flat_end(JsonWriter *w, int old);

void jw_object(JsonWriter *w);
void jw_array(JsonWriter *w);
void jw_end(JsonWriter *w);             /* closes the innermost object or array */
/* A key: plain ASCII without quotes or backslashes (the caller's own names;
 * it is written as is). */
void jw_key(JsonWriter *w, const char *key);

void jw_null(JsonWriter *w);
void jw_bool(JsonWriter *w, bool v);
void jw_int(JsonWriter *w, int64_t v);
/* A number with `prec` decimals ("0.7500"); non-finite numbers are null. */
void jw_num(JsonWriter *w, double v, int prec);
/* A string; NULL writes null. */
void jw_str(JsonWriter *w, const char *s);
/* A count or size the analysis may not know: null when v < 0. */
void jw_num_or_null(JsonWriter *w, double v, int prec);
void jw_int_or_null(JsonWriter *w, int64_t v);

/* key + value in one call */
static inline void jw_kstr(JsonWriter *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
static inline void jw_kint(JsonWriter *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
static inline void jw_knum(JsonWriter *w, const char *k, double v, int prec)
{
	jw_key(w, k);
	jw_num(w, v, prec);
}
static inline void jw_kbool(JsonWriter *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }
static inline void jw_knull(JsonWriter *w, const char *k) { jw_key(w, k); jw_null(w); }

#endif
