/* arena.c - the module arena: chunked bump allocation, freed in one call.
 * arena_alloc clears what it hands out (only that: a chunk's untouched
 * pages stay untouched); arena_alloc_raw leaves it for callers that write
 * every byte at once (copies, strings, grown vectors). */
#include "ir/ir.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK_MIN = 64 * 1024, ALIGN = 8 };
/* Refuse single allocations beyond this: callers size things from input. */
#define ARENA_MAX_ALLOC ((size_t)1 << 40)

typedef struct Chunk {
	struct Chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];	/* chunk starts 16-aligned; objects 8 */
} Chunk;

struct Arena {
	Chunk *head;
};

_Noreturn void ir_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "anelint: internal error at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

Arena *arena_new(void)
{
	Arena *a = calloc(1, sizeof *a);
	if (!a)
		IR_DIE("out of memory");
	return a;
}

void arena_free(Arena *a)
{
	if (!a)
		return;
	for (Chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void arena_reset(Arena *a)
{
	Chunk *keep = NULL;
	for (Chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (!keep && c->cap == CHUNK_MIN)
			keep = c;
		else
			free(c);
	}
	a->head = keep;
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
}

void *arena_alloc(Arena *a, size_t n)
{
	void *p = arena_alloc_raw(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *arena_alloc_raw(Arena *a, size_t n)
{
	if (n > ARENA_MAX_ALLOC)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	Chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		/* Big requests get a chunk of their own, placed behind the
		 * current one so its free space is not lost. */
		size_t cap = n > CHUNK_MIN / 4 ? n : CHUNK_MIN;
		Chunk *nc = malloc(sizeof *nc + cap);
		if (!nc)
			IR_DIE("out of memory (%zu bytes)", cap);
		nc->used = 0;
		nc->cap = cap;
		if (c && cap == n) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
		}
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void *arena_array(Arena *a, size_t n, size_t size)
{
	if (size && n > ARENA_MAX_ALLOC / size)
		return NULL;
	return arena_alloc(a, n * size);
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	if (!p)
		IR_DIE("string of %zu bytes", n);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(Arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		IR_DIE("bad format");
	char *p = arena_alloc_raw(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}


void vec_grow_(Arena *a, void **v, uint32_t *cap, size_t elem)
{
	uint32_t ncap = *cap ? *cap * 2 : 8;
	if (ncap <= *cap)
		IR_DIE("vector too large");
	void *nv = (size_t)ncap > ARENA_MAX_ALLOC / elem ? NULL
	           : arena_alloc_raw(a, (size_t)ncap * elem);
	if (!nv)
		IR_DIE("vector too large");
	if (*cap)
		memcpy(nv, *v, (size_t)*cap * elem);
	*v = nv;
	*cap = ncap;
}
