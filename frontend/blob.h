/*
 * blob.h - the MIL weight blob file ("blob storage v2",
 * spec/bundles-and-blobs.md §4): a 64-byte header {count, version=2}, then
 * per blob a 64-byte metadata record {0xDEADBEEF, dtype, size, data offset,
 * padding bits} and its data.  BLOBFILE offsets point at the record.
 *
 * Files are mapped lazily: blob_install() only hooks the module's
 * BlobResolver; a weight file is opened and mmap'ed the first time a pass
 * or the runtime asks for bytes in it, once per file per module, and
 * unmapped when the module is freed.  Every offset and size is checked
 * against the file size before anything is read.
 */
#ifndef ANELINT_FRONTEND_BLOB_H
#define ANELINT_FRONTEND_BLOB_H

#include "ir/ir.h"

enum {
	BLOB_HEADER_SIZE = 64,
	BLOB_RECORD_SIZE = 64,
	BLOB_VERSION = 2,
};
#define BLOB_SENTINEL 0xDEADBEEFu

/* BlobDataType numbers (not MIL.proto's DataType numbers). */
DType blob_dtype_to_ir(uint32_t code);   /* DT_COUNT when unknown */
uint32_t blob_dtype_from_ir(DType dt);   /* 0 when the dtype has no code */

typedef struct BlobRecord {
	uint64_t meta_offset;   /* where the record is */
	uint32_t dtype_code;    /* as stored */
	DType dt;               /* DT_COUNT when the code is unknown */
	uint64_t size;          /* bytes of data */
	uint64_t data_offset;   /* absolute */
	uint64_t padding_bits;  /* meaningful for sub-byte dtypes only */
} BlobRecord;

/* Checks of a whole file image.  Each returns 0, or -1 with a one-line
 * reason (without the file name) in err. */
int blob_check_header(const uint8_t *base, uint64_t size, uint32_t *count,
                      char *err, size_t errn);
int blob_read_record(const uint8_t *base, uint64_t size, uint64_t meta_offset,
                     BlobRecord *r, char *err, size_t errn);
/* The record agrees with the literal's declared tensor type: same dtype,
 * and size == ceil(elements * bits / 8) when the shape is known. */
int blob_check_type(const BlobRecord *r, const Type *t, char *err, size_t errn);
/* Walk the records the way StorageReader does (from 64, each next record
 * at data_offset + size rounded up to 64).  Calls fn for each; stops on
 * the first bad record (returns -1 with err) or when fn returns non-zero. */
int blob_walk(const uint8_t *base, uint64_t size,
              int (*fn)(const BlobRecord *r, void *ctx), void *ctx,
              char *err, size_t errn);

/* Hook the lazy resolver into the module (m->blob_resolver/blob_ctx) and
 * register the unmapping with ir_module_on_free.  BLOBFILE paths
 * "@model_path/x" and plain relative paths resolve against m->model_path;
 * absolute paths and paths that leave that folder are refused. */
void blob_install(Module *m);

/* The resolved file name a BLOBFILE path designates (arena string), or
 * NULL with a reason in err. */
const char *blob_resolve_path(Module *m, const char *blob_path, char *err, size_t errn);

#endif
