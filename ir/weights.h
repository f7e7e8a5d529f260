/*
 * weights.h - how many bytes a model's weights take: as stored (in blob
 * files, inline in the model, or declared by a printout's elided constant)
 * and as decompressed (what compute ops read once constexpr_* chains have
 * run), by dtype.  One walk for every reader: the memory pass (with
 * inferred types), `anelint info` (declared types), legality and the
 * runtime.
 *
 *   stored        every literal of every op (attributes and immediate
 *                 operands, lists/tuples/dicts item by item, nested blocks
 *                 included); a blob record (file, offset) counts once per
 *                 function and once per module, further references are
 *                 shared_refs.  Inline strings are kept apart (DT_STRING
 *                 column: their text length) and left out of the totals.
 *   decompressed  each output of a const/constexpr_* op that compute reads
 *                 (a non-constant op uses it, or a block returns it), at its
 *                 type's size; the same chain of blob records read twice
 *                 counts once.  Immediates read by compute count as stored.
 *                 Needs the function's use lists (ir_fill_uses).
 */
#ifndef ANELINT_WEIGHTS_H
#define ANELINT_WEIGHTS_H

#include "ir/hash.h"

typedef enum WeightSource {
	WSRC_BLOB,              /* BLOBFILE records */
	WSRC_INLINE,            /* immediate literals in the model */
	WSRC_ELIDED,            /* a printout's const without its value: its declared type */
	WSRC_COUNT
} WeightSource;

typedef struct WeightBytes {
	int64_t stored[WSRC_COUNT][DT_COUNT];   /* bytes, saturating at INT64_MAX */
	uint32_t nstored[WSRC_COUNT][DT_COUNT]; /* literals counted */
	uint32_t stored_unknown;                /* literals whose size is not known */
	int64_t decompressed[DT_COUNT];         /* by the dtype compute reads */
	uint32_t ndecompressed[DT_COUNT];
	uint32_t decompressed_unknown;          /* weights read whose size is not known */
	uint32_t constexpr_ops;                 /* constexpr_* ops (compressed weights) */
	uint32_t shared_refs;                   /* blob references counted once */
	uint32_t elided;                        /* const ops without a value */
} WeightBytes;

/* Stored bytes of one dtype over every source, and of all dtypes (strings
 * excluded), saturating. */
int64_t weight_bytes_stored_dt(const WeightBytes *w, DType dt);
int64_t weight_bytes_stored_total(const WeightBytes *w);
int64_t weight_bytes_decompressed_total(const WeightBytes *w);

/* The type a walk gives value `id`: passes pass the inferred type; NULL
 * callback: the declared type (Value.type). */
typedef const Type *(*ValueTypeFn)(void *ctx, const Func *f, ValueId id);

/* Blob records and weight chains already counted in a module: keys
 * (path, offset, tag) in `keys`, and each path string's hash computed once
 * per path pointer in `paths` (a model has a handful of weight files and
 * thousands of records: hashing the path per record was most of the walk).
 * Paths are the module's strings: a seen set must not outlive its module. */
typedef struct WeightSeen {
	Arena *arena;
	HashMap keys;
	HashMap paths;
} WeightSeen;

void weight_seen_init(WeightSeen *s);
void weight_seen_fini(WeightSeen *s);

/* Add function f's weights to fw (the function's own figures) and mw (the
 * module's, deduplicated through module_seen across functions); fw and mw
 * may not be the same.  op_stored, when not NULL, has f->nops entries and
 * receives each op's own literal bytes by Op.index. */
void ir_weight_bytes_func(const Func *f, ValueTypeFn type_of, void *ctx,
                          WeightSeen *module_seen, WeightBytes *fw, WeightBytes *mw,
                          int64_t *op_stored);
/* The whole module at declared types, into *out (cleared first). */
void ir_weight_bytes(const Module *m, WeightBytes *out);

#endif
