/* bytebuf.c - a growing byte buffer (bytebuf.h). */
#include "frontend/bytebuf.h"
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

void bb_put(ByteBuf *b, const void *s, size_t n)
{
	if (b->cap - b->n <= n) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->n <= n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			IR_DIE("out of memory");
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}
