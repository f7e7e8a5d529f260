/*
 * bytebuf.h - a growing byte buffer on the heap, always NUL-terminated
 * (bytebuf.c): where a reader assembles bytes to hand on (pb_elide.c's
 * rewritten model, bundle.c's merged pipeline text).
 */
#ifndef ANELINT_FRONTEND_BYTEBUF_H
#define ANELINT_FRONTEND_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct ByteBuf {
	uint8_t *p;             /* malloc'd; NULL until something is put; free() it */
	size_t n, cap;
} ByteBuf;

/* Append n bytes of s (growth failure aborts). */
void bb_put(ByteBuf *b, const void *s, size_t n);

#endif
