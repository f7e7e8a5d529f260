/* fuzz_blob.c - the weight blob (frontend/blob.c): header, every record the
 * way StorageReader walks them, and each record against a tensor type of
 * its own dtype, as the loader checks a BLOBFILE literal. */
#include "fuzz/fuzz_util.h"
#include "frontend/blob.h"

typedef struct Walk {
	TypeTable *types;
	uint32_t records;
} Walk;

static int check_record(const BlobRecord *r, void *ctx)
{
	Walk *w = ctx;
	char err[256];
	if (r->dt != DT_COUNT) {
		/* A shape the size implies, and one it does not (one element more). */
		Dim d = dim_const((int64_t)(r->size & 0xffff));
		blob_check_type(r, type_tensor(w->types, r->dt, 1, &d), err, sizeof err);
		d = dim_const((int64_t)(r->size & 0xffff) + 1);
		blob_check_type(r, type_tensor(w->types, r->dt, 1, &d), err, sizeof err);
	}
	return ++w->records > 4096;     /* enough for any input libFuzzer makes */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	uint32_t count;
	if (blob_check_header(data, size, &count, err, sizeof err) != 0)
		return 0;
	Module *m = ir_module_new("fuzz.bin");
	Walk w = { m->types, 0 };
	blob_walk(data, size, check_record, &w, err, sizeof err);
	/* Records named by offset, as BLOBFILE literals name them. */
	BlobRecord r;
	for (uint64_t off = 64; off < size && off < 64 * 64; off += 64)
		blob_read_record(data, size, off, &r, err, sizeof err);
	ir_module_free(m);
	return 0;
}
