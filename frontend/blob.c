/* blob.c - the MIL weight blob file reader: lazy mmap, bounds-checked
 * records, dtype and size checked against the declared tensor type.
 * Format facts: spec/bundles-and-blobs.md §4 (coremltools MILBlob
 * StorageFormat.hpp / StorageReader.cpp, verified on corpus files). */
#include "frontend/blob.h"
#include "frontend/frontend.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* BlobDataType (BlobDataType.hpp): the index is the stored code. */
static const DType blob_codes[] = {
	[0] = DT_COUNT,
	[1] = DT_FP16, [2] = DT_FP32, [3] = DT_UINT8, [4] = DT_INT8,
	[5] = DT_BF16, [6] = DT_INT16, [7] = DT_UINT16, [8] = DT_INT4,
	[9] = DT_UINT1, [10] = DT_UINT2, [11] = DT_UINT4, [12] = DT_UINT3,
	[13] = DT_UINT6, [14] = DT_INT32, [15] = DT_UINT32,
	[16] = DT_FP8E4M3FN, [17] = DT_FP8E5M2,
};
enum { NCODES = sizeof blob_codes / sizeof blob_codes[0] };

DType blob_dtype_to_ir(uint32_t code)
{
	return code < NCODES ? blob_codes[code] : DT_COUNT;
}

uint32_t blob_dtype_from_ir(DType dt)
{
	for (uint32_t c = 1; c < NCODES; c++)
		if (blob_codes[c] == dt)
			return c;
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

int blob_check_header(const uint8_t *base, uint64_t size, uint32_t *count,
                      char *err, size_t errn)
{
	static const char lfs[] = "version https://git-lfs";
	if (size >= sizeof lfs - 1 && memcmp(base, lfs, sizeof lfs - 1) == 0) {
		snprintf(err, errn, "is a Git LFS pointer file, not a weight blob file "
		         "(fetch the real file with git lfs pull)");
		return -1;
	}
	if (size == 0) {
		snprintf(err, errn, "is empty (a weight blob file starts with a %d-byte header)",
		         BLOB_HEADER_SIZE);
		return -1;
	}
	if (size < BLOB_HEADER_SIZE) {
		snprintf(err, errn, "is %llu bytes, too short for the %d-byte blob storage header",
		         (unsigned long long)size, BLOB_HEADER_SIZE);
		return -1;
	}
	uint32_t n = rd32(base), version = rd32(base + 4);
	if (version != BLOB_VERSION) {
		snprintf(err, errn, "has blob storage version %u, expected %d", version,
		         BLOB_VERSION);
		return -1;
	}
	uint64_t room = (size - BLOB_HEADER_SIZE) / BLOB_RECORD_SIZE;
	if (n > room) {
		snprintf(err, errn, "header says %u blobs, but the file has room for at most %llu",
		         n, (unsigned long long)room);
		return -1;
	}
	if (count)
		*count = n;
	return 0;
}

int blob_read_record(const uint8_t *base, uint64_t size, uint64_t off,
                     BlobRecord *r, char *err, size_t errn)
{
	if (off < BLOB_HEADER_SIZE || off > size || size - off < BLOB_RECORD_SIZE) {
		snprintf(err, errn, "blob offset %llu is outside the file (%llu bytes; records "
		         "lie between %d and the end)", (unsigned long long)off,
		         (unsigned long long)size, BLOB_HEADER_SIZE);
		return -1;
	}
	const uint8_t *p = base + off;
	uint32_t sentinel = rd32(p);
	if (sentinel != BLOB_SENTINEL) {
		snprintf(err, errn, "no blob record at offset %llu (sentinel 0x%08x, expected "
		         "0x%08x)", (unsigned long long)off, sentinel, BLOB_SENTINEL);
		return -1;
	}
	r->meta_offset = off;
	r->dtype_code = rd32(p + 4);
	r->dt = blob_dtype_to_ir(r->dtype_code);
	r->size = rd64(p + 8);
	r->data_offset = rd64(p + 16);
	r->padding_bits = rd64(p + 24);
	if (r->dt == DT_COUNT) {
		snprintf(err, errn, "blob at offset %llu has unknown dtype code %u",
		         (unsigned long long)off, r->dtype_code);
		return -1;
	}
	if (r->data_offset < BLOB_HEADER_SIZE || r->data_offset > size ||
	    r->size > size - r->data_offset) {
		snprintf(err, errn, "blob at offset %llu: data [%llu, +%llu) runs past the end "
		         "of the file (%llu bytes)", (unsigned long long)off,
		         (unsigned long long)r->data_offset, (unsigned long long)r->size,
		         (unsigned long long)size);
		return -1;
	}
	return 0;
}

static void type_text(const Type *t, char *buf, size_t n)
{
	size_t k = (size_t)snprintf(buf, n, "tensor<%s, [", dtype_name(t->dt));
	for (int32_t i = 0; i < t->rank && k < n; i++) {
		const Dim *d = &t->dims[i];
		if (d->kind == DIM_CONST)
			k += (size_t)snprintf(buf + k, n - k, "%s%lld", i ? ", " : "",
			                      (long long)d->size);
		else
			k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "",
			                      d->kind == DIM_SYM ? d->sym : "?");
	}
	if (k < n)
		snprintf(buf + k, n - k, "]>");
}

int blob_check_type(const BlobRecord *r, const Type *t, char *err, size_t errn)
{
	if (!t || t->kind != TY_TENSOR || t->rank < 0) {
		snprintf(err, errn, "blob at offset %llu is bound to a value that is not a "
		         "tensor of known rank", (unsigned long long)r->meta_offset);
		return -1;
	}
	char tt[256];
	type_text(t, tt, sizeof tt);
	if (r->dt != t->dt) {
		snprintf(err, errn, "blob at offset %llu holds %s data, but the literal is "
		         "declared %s", (unsigned long long)r->meta_offset, dtype_name(r->dt), tt);
		return -1;
	}
	int64_t count = type_numel(t);
	if (count < 0)
		return 0;       /* symbolic shape: nothing to compare */
	unsigned bits = dtype_info[t->dt].bits;
	if ((uint64_t)count > UINT64_MAX / bits) {
		snprintf(err, errn, "declared type %s is too large", tt);
		return -1;
	}
	uint64_t want = ((uint64_t)count * bits + 7) / 8;
	if (r->size != want) {
		snprintf(err, errn, "blob at offset %llu holds %llu bytes, but %s needs %llu",
		         (unsigned long long)r->meta_offset, (unsigned long long)r->size, tt,
		         (unsigned long long)want);
		return -1;
	}
	return 0;
}

int blob_walk(const uint8_t *base, uint64_t size,
              int (*fn)(const BlobRecord *r, void *ctx), void *ctx,
              char *err, size_t errn)
{
	uint32_t count;
	if (blob_check_header(base, size, &count, err, errn))
		return -1;
	uint64_t off = BLOB_HEADER_SIZE;
	for (uint32_t i = 0; i < count; i++) {
		BlobRecord r;
		if (blob_read_record(base, size, off, &r, err, errn))
			return -1;
		int rc = fn(&r, ctx);
		if (rc)
			return rc;
		uint64_t end = r.data_offset + r.size;   /* <= size, checked */
		off = (end + 63) / 64 * 64;
	}
	return 0;
}

/* ------------------------------------------------------------ lazy files */

typedef enum FileState { FILE_UNOPENED, FILE_MAPPED, FILE_FAILED } FileState;

typedef struct BlobFile {
	const char *written;    /* the BLOBFILE path as written */
	const char *path;       /* the resolved file name, NULL if unresolvable */
	FileState state;
	const char *error;      /* FILE_FAILED: the reason, without file name */
	const uint8_t *base;
	uint64_t size;
	void *map;
	size_t map_len;
} BlobFile;

typedef struct BlobCtx {
	Module *m;
	VEC(BlobFile *) files;
} BlobCtx;

static void blob_ctx_free(void *p)
{
	BlobCtx *c = p;
	for (uint32_t i = 0; i < c->files.n; i++) {
		BlobFile *f = c->files.v[i];
		if (f->map)
			munmap(f->map, f->map_len);
		f->map = NULL;
	}
}

/* True when the relative path climbs out of its root ("..", lexically). */
static bool climbs_out(const char *rel)
{
	int depth = 0;
	const char *p = rel;
	while (*p) {
		while (*p == '/')
			p++;
		const char *q = p;
		while (*q && *q != '/')
			q++;
		size_t n = (size_t)(q - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p = q;
	}
	return false;
}

const char *blob_resolve_path(Module *m, const char *blob_path, char *err, size_t errn)
{
	static const char prefix[] = "@model_path/";
	const char *rel = blob_path;
	if (strncmp(rel, prefix, sizeof prefix - 1) == 0)
		rel += sizeof prefix - 1;
	else if (strcmp(rel, "@model_path") == 0)
		rel = "";
	if (rel[0] == '/') {
		snprintf(err, errn, "weight path '%s' is absolute; only paths inside the model "
		         "folder are read", blob_path);
		return NULL;
	}
	if (!rel[0]) {
		snprintf(err, errn, "weight path '%s' names no file", blob_path);
		return NULL;
	}
	if (climbs_out(rel)) {
		snprintf(err, errn, "weight path '%s' leaves the model folder", blob_path);
		return NULL;
	}
	if (!m->model_path) {
		snprintf(err, errn, "weight path '%s': the model folder is not known", blob_path);
		return NULL;
	}
	return arena_printf(m->arena, "%s/%s", m->model_path, rel);
}

/* Map the file, once.  On failure the reason is kept for every consumer. */
static void map_file(BlobCtx *c, BlobFile *f)
{
	Arena *a = c->m->arena;
	char err[512];
	f->state = FILE_FAILED;
	char *real = realpath(f->path, NULL);
	if (!real) {
		f->error = arena_printf(a, "cannot open weight file: %s", strerror(errno));
		return;
	}
	char *root = realpath(c->m->model_path, NULL);
	size_t rn = root ? strlen(root) : 0;
	bool inside = root && strncmp(real, root, rn) == 0 &&
	              (real[rn] == '/' || (rn == 1 && root[0] == '/'));
	free(root);
	free(real);
	if (!inside) {
		f->error = arena_printf(a, "weight file resolves (through a symbolic link) to a "
		                        "place outside the model folder; refused");
		return;
	}
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		f->error = arena_printf(a, "cannot open weight file: %s", strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		f->error = arena_printf(a, "weight file is not a regular file");
		close(fd);
		return;
	}
	uint64_t size = (uint64_t)st.st_size;
	if (size > 0) {
		if (size > SIZE_MAX) {
			f->error = "weight file is too large to map";
			close(fd);
			return;
		}
		void *p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			f->error = arena_printf(a, "cannot map weight file: %s", strerror(errno));
			close(fd);
			return;
		}
		f->map = p;
		f->map_len = (size_t)size;
		f->base = p;
	} else {
		static const uint8_t none[1];
		f->base = none;
	}
	close(fd);
	f->size = size;
	if (blob_check_header(f->base, f->size, NULL, err, sizeof err)) {
		f->error = arena_printf(a, "weight file %s", err);
		return;
	}
	f->state = FILE_MAPPED;
}

static BlobFile *find_file(BlobCtx *c, const char *written)
{
	for (uint32_t i = 0; i < c->files.n; i++)
		if (strcmp(c->files.v[i]->written, written) == 0)
			return c->files.v[i];
	Arena *a = c->m->arena;
	BlobFile *f = arena_alloc(a, sizeof *f);
	f->written = arena_strdup(a, written);
	char err[512];
	f->path = blob_resolve_path(c->m, written, err, sizeof err);
	if (!f->path) {
		f->state = FILE_FAILED;
		f->error = arena_strdup(a, err);
	}
	vec_push(a, &c->files, f);
	return f;
}

static const void *blob_resolve(Module *m, const Lit *blob, uint64_t *nbytes, DiagList *dl)
{
	BlobCtx *c = m->blob_ctx;
	if (nbytes)
		*nbytes = 0;
	if (!blob || blob->kind != LIT_BLOB || !blob->u.blob.path)
		return NULL;
	BlobFile *f = find_file(c, blob->u.blob.path);
	SrcLoc loc = { .file = f->path ? f->path : m->file };
	if (f->state == FILE_UNOPENED)
		map_file(c, f);
	if (f->state == FILE_FAILED) {
		if (dl)
			diag_add(dl, SEV_ERROR, f->path ? FE_E_BLOB_FILE : FE_E_BLOB_PATH, loc,
			         "%s", f->error);
		return NULL;
	}
	char err[512];
	BlobRecord r;
	if (blob_read_record(f->base, f->size, blob->u.blob.offset, &r, err, sizeof err)) {
		if (dl)
			diag_add(dl, SEV_ERROR, FE_E_BLOB_RECORD, loc, "%s", err);
		return NULL;
	}
	if (blob_check_type(&r, blob->type, err, sizeof err)) {
		if (dl)
			diag_add(dl, SEV_ERROR, FE_E_BLOB_TYPE, loc, "%s", err);
		return NULL;
	}
	if (nbytes)
		*nbytes = r.size;
	return f->base + r.data_offset;
}

void blob_install(Module *m)
{
	if (m->blob_resolver == blob_resolve)
		return;
	BlobCtx *c = arena_alloc(m->arena, sizeof *c);
	c->m = m;
	m->blob_resolver = blob_resolve;
	m->blob_ctx = c;
	ir_module_on_free(m, blob_ctx_free, c);
}
