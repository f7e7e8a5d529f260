/* pbwrite.h - a few lines to write protobuf bytes by hand in tests, so
 * fixtures are built at run time instead of checked in as binaries. */
#ifndef ANELINT_TEST_PBWRITE_H
#define ANELINT_TEST_PBWRITE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct PbBuf {
	uint8_t *p;
	size_t n, cap;
} PbBuf;

static inline void pbw_raw(PbBuf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 16;
		b->p = realloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
}

static inline void pbw_varint(PbBuf *b, uint64_t v)
{
	do {
		uint8_t c = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			c |= 0x80;
		pbw_raw(b, &c, 1);
	} while (v);
}

static inline void pbw_uint(PbBuf *b, unsigned field, uint64_t v)
{
	pbw_varint(b, (uint64_t)field << 3);
	pbw_varint(b, v);
}

static inline void pbw_bytes(PbBuf *b, unsigned field, const void *d, size_t n)
{
	pbw_varint(b, (uint64_t)field << 3 | 2);
	pbw_varint(b, n);
	pbw_raw(b, d, n);
}

static inline void pbw_str(PbBuf *b, unsigned field, const char *s)
{
	pbw_bytes(b, field, s, strlen(s));
}

/* Append sub as a length-delimited field and free it. */
static inline void pbw_msg(PbBuf *b, unsigned field, PbBuf *sub)
{
	pbw_bytes(b, field, sub->p, sub->n);
	free(sub->p);
	memset(sub, 0, sizeof *sub);
}

#endif
