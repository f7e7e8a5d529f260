/*
 * bundle.c - finding the model in whatever was named: bare MIL text, a
 * .mlmodel protobuf (also gzip'd), an .mlpackage folder (Manifest.json) or
 * a compiled .mlmodelc folder (model.mil, modelN/ for pipelines,
 * metadata.json).  Told apart by content, not by name.
 * Facts: spec/bundles-and-blobs.md §1-3.
 */
#include "frontend/frontend.h"
#include "frontend/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

enum { MANIFEST_CAP = 16 << 20, METADATA_CAP = 64 << 20, MAX_PARTS = 64 };
#define GZIP_CAP ((size_t)2 << 30)

static SrcLoc at(const char *file)
{
	return (SrcLoc){ .file = file };
}

/* malloc'd "a/b" */
static char *join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 2);
	if (!p)
		IR_DIE("out of memory");
	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

/* malloc'd directory part of a path ("." when none) */
static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return strdup(".");
	if (s == path)
		return strdup("/");
	char *d = strndup(path, (size_t)(s - path));
	if (!d)
		IR_DIE("out of memory");
	return d;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_entry(const char *dir, const char *name, bool want_dir)
{
	char *p = join(dir, name);
	bool ok = want_dir ? is_dir(p) : is_file(p);
	free(p);
	return ok;
}

void *fe_read_file(const char *path, size_t cap, size_t *len, DiagList *dl)
{
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "not a regular file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > cap) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "file is %lld bytes, more than the "
		         "%zu this reader accepts", (long long)st.st_size, cap);
		close(fd);
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	char *buf = malloc(n + 1);
	if (!buf)
		IR_DIE("out of memory (%zu bytes)", n + 1);
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "read failed: %s",
			         k < 0 ? strerror(errno) : "file shrank while being read");
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)k;
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* ------------------------------------------------------------ sniffing */

FeFormat fe_sniff_bytes(const void *bytes, size_t n)
{
	const uint8_t *p = bytes;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return FE_FMT_GZIP;
	/* Model: field 1 varint (08 0N), then 12 (description); or a model
	 * that starts straight with its description or kind (spec §1). */
	if (n >= 3 && p[0] == 0x08 && p[1] < 0x80 && (p[2] == 0x12 || p[2] == 0x50 || p[2] >= 0x80))
		return FE_FMT_PROTOBUF;
	if (n >= 2 && p[0] == 0x12 && p[1] != 0)
		return FE_FMT_PROTOBUF;
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	if (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || p[i] == '/' ||
	              p[i] == '#')) {
		/* Text: the lexer reports stray bytes (NUL, bad UTF-8) with line:col.
		 * coremltools' printout starts `NAME[OPSET](`, MIL text `program(`. */
		return fe_is_pymil(p, n) ? FE_FMT_PYMIL : FE_FMT_MIL_TEXT;
	}
	if (n >= 1 && p[0] == 0x08)
		return FE_FMT_PROTOBUF;     /* let the decoder say what is wrong */
	return FE_FMT_UNKNOWN;
}

const char *fe_format_name(FeFormat f)
{
	switch (f) {
	case FE_FMT_MIL_TEXT: return "mil";
	case FE_FMT_PROTOBUF: return "mlmodel";
	case FE_FMT_GZIP: return "mlmodel.gz";
	case FE_FMT_MLPACKAGE: return "mlpackage";
	case FE_FMT_MLMODELC: return "mlmodelc";
	case FE_FMT_PYMIL: return "pymil";
	default: return "unknown";
	}
}

FeFormat fe_detect(const char *path)
{
	if (is_dir(path)) {
		if (has_entry(path, "Manifest.json", false))
			return FE_FMT_MLPACKAGE;
		if (has_entry(path, "model.mil", false) || has_entry(path, "coremldata.bin", false) ||
		    has_entry(path, "model0", true) || has_entry(path, "model.espresso.net", false))
			return FE_FMT_MLMODELC;
		return FE_FMT_UNKNOWN;
	}
	/* Only a regular file is opened: opening a FIFO would block until a
	 * writer comes, and a device may do something on open. */
	if (!is_file(path))
		return FE_FMT_UNKNOWN;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return FE_FMT_UNKNOWN;
	uint8_t buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	return n > 0 ? fe_sniff_bytes(buf, (size_t)n) : FE_FMT_UNKNOWN;
}

/* ------------------------------------------------------------ single files */

static Module *parse_mil_memory(const char *path, const char *text, size_t len,
                                const char *model_path, DiagList *dl)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	if (!f) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "cannot read: %s", strerror(errno));
		return NULL;
	}
	Module *m = fe_parse_mil_text(path, f, dl);
	fclose(f);
	if (m && !m->model_path && model_path)
		m->model_path = arena_strdup(m->arena, model_path);
	return m;
}

static void *gunzip(const char *path, const uint8_t *in, size_t n, size_t *outlen, DiagList *dl)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		IR_DIE("zlib init failed");
	size_t cap = n * 4 + 4096, len = 0;
	uint8_t *out = malloc(cap);
	if (!out)
		IR_DIE("out of memory");
	zs.next_in = (Bytef *)in;
	int rc = Z_OK;
	size_t left = n;
	while (rc != Z_STREAM_END) {
		if (len == cap) {
			if (cap >= GZIP_CAP) {
				diag_add(dl, SEV_ERROR, FE_E_GZIP, at(path), "decompresses to more than "
				         "%zu bytes; refused", GZIP_CAP);
				goto fail;
			}
			cap = cap * 2 > GZIP_CAP ? GZIP_CAP : cap * 2;
			uint8_t *nb = realloc(out, cap);
			if (!nb)
				IR_DIE("out of memory");
			out = nb;
		}
		uInt in_chunk = left > UINT_MAX ? UINT_MAX : (uInt)left;
		zs.avail_in = in_chunk;
		size_t room = cap - len;
		zs.next_out = out + len;
		zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		uInt before_out = zs.avail_out;
		rc = inflate(&zs, Z_NO_FLUSH);
		left -= in_chunk - zs.avail_in;
		len += before_out - zs.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && !(rc == Z_BUF_ERROR && len == cap)) {
			diag_add(dl, SEV_ERROR, FE_E_GZIP, at(path), "gzip data is %s",
			         rc == Z_BUF_ERROR ? "truncated" : zs.msg ? zs.msg : "corrupt");
			goto fail;
		}
	}
	inflateEnd(&zs);
	*outlen = len;
	return out;
fail:
	inflateEnd(&zs);
	free(out);
	return NULL;
}

/* MIL text is parsed as a stream: a large model.mil never sits in memory
 * next to its IR. */
static Module *load_mil_stream(const char *path, DiagList *dl)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "cannot open: %s", strerror(errno));
		return NULL;
	}
	Module *m = fe_parse_mil_text(path, f, dl);
	fclose(f);
	if (m && !m->model_path) {
		char *dir = dir_of(path);
		m->model_path = arena_strdup(m->arena, dir);
		free(dir);
	}
	return m;
}

/* A file's bytes, mapped or read (load_file), and how to let them go: a
 * protobuf module keeps them for its weights. */
typedef struct FileBytes {
	void *p;
	size_t n;
	bool mapped;
} FileBytes;

static void file_bytes_release(void *ctx)
{
	FileBytes *fb = ctx;
	if (fb->mapped)
		munmap(fb->p, fb->n);
	else
		free(fb->p);
	free(fb);
}

static void free_release(void *p)
{
	free(p);
}

static Module *load_bytes(const char *path, const void *bytes, size_t n, const char *dir,
                          const char *format_name, DiagList *dl, void (*release)(void *),
                          void *ctx);

/* A model file.  From MAP_MIN bytes on it is mapped, not copied, so that
 * what is not read (a neural network's weights) costs nothing; below, a
 * read into reused heap memory is cheaper than a fresh mapping. */
enum { MAP_MIN = 64 << 10 };

static Module *load_file(const char *path, const char *format_name, DiagList *dl)
{
	if (fe_detect(path) == FE_FMT_MIL_TEXT)
		return load_mil_stream(path, dl);
	FileBytes *fb = malloc(sizeof *fb);
	if (!fb)
		IR_DIE("out of memory");
	fb->p = NULL;
	fb->n = 0;
	fb->mapped = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= MAP_MIN &&
	    (uint64_t)st.st_size <= FE_MAX_FILE_BYTES) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			fb->p = p;
			fb->n = (size_t)st.st_size;
			fb->mapped = true;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!fb->mapped && !(fb->p = fe_read_file(path, FE_MAX_FILE_BYTES, &fb->n, dl))) {
		free(fb);
		return NULL;
	}
	char *dir = dir_of(path);
	Module *m = load_bytes(path, fb->p, fb->n, dir, format_name, dl, file_bytes_release, fb);
	free(dir);
	return m;
}

Module *fe_load_bytes(const char *path, const void *bytes, size_t n, const char *dir,
                      const char *format_name, DiagList *dl)
{
	return load_bytes(path, bytes, n, dir, format_name, dl, NULL, NULL);
}

/* release(ctx), when given, frees the bytes: a protobuf module keeps them
 * (fe_read_protobuf_kept), anything else lets them go here. */
static Module *load_bytes(const char *path, const void *bytes, size_t n, const char *dir,
                          const char *format_name, DiagList *dl, void (*release)(void *),
                          void *ctx)
{
	const uint8_t *data = bytes;
	Module *m = NULL;
	FeFormat f = n ? fe_sniff_bytes(data, n) : FE_FMT_UNKNOWN;
	if (n == 0) {
		diag_add(dl, SEV_ERROR, FE_E_EMPTY, at(path), "file is empty, not a Core ML model");
	} else if (f == FE_FMT_GZIP) {
		size_t un;
		uint8_t *raw = gunzip(path, data, n, &un, dl);
		if (raw) {
			FeFormat inner = un ? fe_sniff_bytes(raw, un) : FE_FMT_UNKNOWN;
			if (inner == FE_FMT_MIL_TEXT)
				m = parse_mil_memory(path, (char *)raw, un, dir, dl);
			else if (inner == FE_FMT_PYMIL)
				m = fe_parse_pymil_text(path, (char *)raw, un, dl);
			else if (inner == FE_FMT_PROTOBUF || un == 0) {
				m = fe_read_protobuf_kept(path, raw, un, dir, "mlmodel.gz", dl, free_release,
				                          raw);
				raw = NULL;
			} else {
				diag_add(dl, SEV_ERROR, FE_E_NOT_MODEL, at(path), "gzip'd content is "
				         "neither a Core ML protobuf nor MIL text");
			}
			free(raw);
		}
	} else if (f == FE_FMT_PROTOBUF && release) {
		return fe_read_protobuf_kept(path, data, n, dir, format_name, dl, release, ctx);
	} else if (f == FE_FMT_PROTOBUF) {
		m = fe_read_protobuf(path, data, n, dir, format_name, dl);
	} else if (f == FE_FMT_MIL_TEXT) {
		m = parse_mil_memory(path, (char *)data, n, dir, dl);
	} else if (f == FE_FMT_PYMIL) {
		m = fe_parse_pymil_text(path, (char *)data, n, dl);
	} else {
		diag_add(dl, SEV_ERROR, FE_E_NOT_MODEL, at(path), "not a Core ML model: neither a "
		         ".mlmodel protobuf, gzip, nor MIL text (first byte 0x%02x)", data[0]);
	}
	if (release)
		release(ctx);
	return m;
}

/* ------------------------------------------------------------ .mlpackage */

/* 0 when `rel` is safe: relative, no "..", no empty name. */
static int check_rel(const char *rel)
{
	if (!rel[0] || rel[0] == '/')
		return -1;
	for (const char *p = rel; *p;) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/* True when `path` (existing) resolves inside `root`. */
static bool inside(const char *root, const char *path)
{
	char *r = realpath(root, NULL), *p = realpath(path, NULL);
	size_t n = r ? strlen(r) : 0;
	bool ok = r && p && strncmp(r, p, n) == 0 && (p[n] == '/' || p[n] == 0);
	free(r);
	free(p);
	return ok;
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* ------------------------------------------------------------ Manifest.json */

/* What load_mlpackage reads from Manifest.json, whichever parser read it.
 * A string is NULL when its key is absent or holds no string. */
typedef struct ManItem {
	const char *id;
	bool is_object;
	const char *keys[4];    /* path, name, author, description */
} ManItem;

typedef struct Manifest {
	const char *version, *root;
	bool has_items;         /* itemInfoEntries is an object */
	ManItem *items;         /* malloc'd, in file order */
	size_t nitems;
} Manifest;

static const char *const item_keys[4] = { "path", "name", "author", "description" };

static void man_add(Manifest *mf, ManItem it)
{
	ManItem *n = realloc(mf->items, (mf->nitems + 1) * sizeof *n);
	if (!n)
		IR_DIE("out of memory");
	mf->items = n;
	mf->items[mf->nitems++] = it;
}

/* The usual Manifest.json - objects and plain strings only - read in place
 * (strings end where their quote was).  json-c took ~40K instructions for
 * a 600-byte manifest, a fixed part of every package's load.  False for
 * anything else (escapes, control bytes, numbers, arrays, a repeated item
 * or trailing bytes): then json-c reads it and says what is wrong. */
typedef struct Jp {
	char *p, *end;
} Jp;

static void jp_ws(Jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool jp_char(Jp *j, char c)
{
	jp_ws(j);
	if (j->p >= j->end || *j->p != c)
		return false;
	j->p++;
	return true;
}

static char *jp_str(Jp *j)
{
	jp_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return NULL;
	char *s = ++j->p;
	for (; j->p < j->end && *j->p != '"'; j->p++)
		if ((unsigned char)*j->p < 0x20 || *j->p == '\\')
			return NULL;
	if (j->p >= j->end)
		return NULL;
	*j->p++ = 0;
	return s;
}

/* An object's members: each key, then its value through `member` (which
 * reads it, or returns false); an empty object is fine. */
typedef bool (*JpMember)(Jp *j, const char *key, void *ctx);

static bool jp_object(Jp *j, JpMember member, void *ctx, int depth);

static bool jp_skip(Jp *j, const char *key, void *ctx)
{
	(void)key;
	jp_ws(j);
	if (j->p < j->end && *j->p == '{')
		return jp_object(j, jp_skip, NULL, (int)(intptr_t)ctx + 1);
	return jp_str(j) != NULL;
}

static bool jp_object(Jp *j, JpMember member, void *ctx, int depth)
{
	if (depth > 16 || !jp_char(j, '{'))
		return false;
	if (jp_char(j, '}'))
		return true;
	for (;;) {
		char *key = jp_str(j);
		if (!key || !jp_char(j, ':') ||
		    !member(j, key, member == jp_skip ? (void *)(intptr_t)depth : ctx))
			return false;
		if (jp_char(j, '}'))
			return true;
		if (!jp_char(j, ','))
			return false;
	}
}

/* a string value, or NULL for an object (skipped); false when neither */
static bool jp_str_or_skip(Jp *j, const char **out, int depth)
{
	jp_ws(j);
	if (j->p < j->end && *j->p == '{') {
		*out = NULL;
		return jp_object(j, jp_skip, NULL, depth);
	}
	return (*out = jp_str(j)) != NULL;
}

static bool jp_item_member(Jp *j, const char *key, void *ctx)
{
	ManItem *it = ctx;
	for (int k = 0; k < 4; k++)
		if (strcmp(key, item_keys[k]) == 0)
			return jp_str_or_skip(j, &it->keys[k], 3);
	return jp_skip(j, key, (void *)(intptr_t)3);
}

static bool jp_items_member(Jp *j, const char *key, void *ctx)
{
	Manifest *mf = ctx;
	for (size_t i = 0; i < mf->nitems; i++)
		if (strcmp(mf->items[i].id, key) == 0)
			return false;   /* json-c keeps the first place, the last value */
	ManItem it = { .id = key };
	jp_ws(j);
	if (j->p < j->end && *j->p == '{') {
		it.is_object = true;
		if (!jp_object(j, jp_item_member, &it, 2))
			return false;
	} else if (!jp_str(j)) {
		return false;
	}
	man_add(mf, it);
	return true;
}

static bool jp_top_member(Jp *j, const char *key, void *ctx)
{
	Manifest *mf = ctx;
	if (strcmp(key, "fileFormatVersion") == 0)
		return jp_str_or_skip(j, &mf->version, 1);
	if (strcmp(key, "rootModelIdentifier") == 0)
		return jp_str_or_skip(j, &mf->root, 1);
	if (strcmp(key, "itemInfoEntries") == 0) {
		if (mf->has_items || mf->nitems)
			return false;   /* given twice: json-c's last one wins */
		jp_ws(j);
		if (j->p < j->end && *j->p == '{') {
			mf->has_items = true;
			return jp_object(j, jp_items_member, mf, 1);
		}
		return jp_str(j) != NULL;
	}
	return jp_skip(j, key, (void *)(intptr_t)1);
}

static bool manifest_fast(char *text, size_t n, Manifest *mf)
{
	Jp j = { text, text + n };
	if (!jp_object(&j, jp_top_member, mf, 0))
		return false;
	jp_ws(&j);
	return j.p == j.end;
}

static void manifest_from_json(json_object *j, Manifest *mf)
{
	mf->version = json_str(j, "fileFormatVersion");
	mf->root = json_str(j, "rootModelIdentifier");
	json_object *items = NULL;
	if (!json_object_object_get_ex(j, "itemInfoEntries", &items) ||
	    !json_object_is_type(items, json_type_object))
		return;
	mf->has_items = true;
	json_object_object_foreach(items, id, item) {
		ManItem it = { .id = id, .is_object = json_object_is_type(item, json_type_object) };
		for (int k = 0; it.is_object && k < 4; k++)
			it.keys[k] = json_str(item, item_keys[k]);
		man_add(mf, it);
	}
}

static Module *load_mlpackage(const char *pkg, DiagList *dl)
{
	char *mpath = join(pkg, "Manifest.json");
	char *data_dir = join(pkg, "Data");
	char *root_path = NULL;
	json_object *j = NULL;
	Manifest mf = { 0 };
	Module *m = NULL;
	size_t n;
	char *text = fe_read_file(mpath, MANIFEST_CAP, &n, dl), *fast = NULL;
	if (!text)
		goto out;
	/* the fast reader writes into its copy: json-c may need the text whole */
	fast = malloc(n + 1);
	if (!fast)
		IR_DIE("out of memory");
	memcpy(fast, text, n + 1);
	if (!manifest_fast(fast, n, &mf)) {
		/* the general reader: json-c, which also names what is malformed */
		free(mf.items);
		memset(&mf, 0, sizeof mf);
		json_tokener *tok = json_tokener_new();
		j = json_tokener_parse_ex(tok, text, (int)n);
		enum json_tokener_error jerr = json_tokener_get_error(tok);
		json_tokener_free(tok);
		if (!j || jerr != json_tokener_success || !json_object_is_type(j, json_type_object)) {
			diag_add(dl, SEV_ERROR, FE_E_MANIFEST, at(mpath), "not a JSON object%s%s",
			         jerr != json_tokener_success ? ": " : "",
			         jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "");
			goto out;
		}
		manifest_from_json(j, &mf);
	}
	const char *ver = mf.version;
	const char *root = mf.root;
	if (!ver || !root || !mf.has_items) {
		diag_add(dl, SEV_ERROR, FE_E_MANIFEST_KEY, at(mpath), "missing or mistyped key '%s'",
		         !ver ? "fileFormatVersion" : !root ? "rootModelIdentifier" : "itemInfoEntries");
		goto out;
	}
	unsigned maj = 0, min = 0, pat = 0;
	if (sscanf(ver, "%u.%u.%u", &maj, &min, &pat) < 1 || maj > 1 ||
	    (maj == 1 && (min > 0 || pat > 0))) {
		diag_add(dl, SEV_ERROR, FE_E_MANIFEST_VER, at(mpath), "fileFormatVersion '%s' is not "
		         "supported (1.0.0 and older are)", ver);
		goto out;
	}
	/* every item has the four keys, and no path leaves Data/ */
	const ManItem *ri = NULL;
	for (size_t i = 0; i < mf.nitems; i++) {
		const ManItem *it = &mf.items[i];
		if (!it->is_object) {
			diag_add(dl, SEV_ERROR, FE_E_MANIFEST_KEY, at(mpath), "item '%s' is not an object",
			         it->id);
			goto out;
		}
		for (int k = 0; k < 4; k++)
			if (!it->keys[k]) {
				diag_add(dl, SEV_ERROR, FE_E_MANIFEST_KEY, at(mpath), "item '%s' lacks the "
				         "string key '%s'", it->id, item_keys[k]);
				goto out;
			}
		const char *p = it->keys[0];
		if (check_rel(p)) {
			diag_add(dl, SEV_ERROR, FE_E_UNSAFE_PATH, at(mpath), "item '%s' path '%s' %s; "
			         "refused", it->id, p, p[0] == '/' ? "is absolute" : "leaves the package");
			goto out;
		}
		if (strcmp(it->id, root) == 0)
			ri = it;
	}
	if (!ri) {
		diag_add(dl, SEV_ERROR, FE_E_MANIFEST_KEY, at(mpath), "rootModelIdentifier '%s' names "
		         "no entry of itemInfoEntries", root);
		goto out;
	}
	root_path = join(data_dir, ri->keys[0]);
	struct stat rst;
	int root_rc = stat(root_path, &rst);
	if (root_rc != 0 || !S_ISREG(rst.st_mode)) {
		/* Name what is wrong: a symlink loop or a FIFO is not "missing". */
		const char *why = root_rc == 0 ? "is not a regular file"
		                : errno == ELOOP ? "is a symbolic link loop" : "is missing";
		diag_add(dl, SEV_ERROR, FE_E_ROOT_MISSING, at(root_path), "the root model named by "
		         "Manifest.json %s", why);
		goto out;
	}
	if (!inside(pkg, root_path)) {
		diag_add(dl, SEV_ERROR, FE_E_UNSAFE_PATH, at(root_path), "the root model resolves "
		         "(through a symbolic link) outside the package; refused");
		goto out;
	}
	m = load_file(root_path, "mlpackage", dl);
	if (m && m->desc)
		m->desc->format = "mlpackage";
out:
	if (j)
		json_object_put(j);
	free(mf.items);
	free(fast);
	free(text);
	free(root_path);
	free(data_dir);
	free(mpath);
	return m;
}

/* ------------------------------------------------------------ .mlmodelc */

/* Skip a bracketed span starting at s[i] (one of [ ( {), honouring
 * strings; returns the index after its closing bracket, or n. */
static size_t skip_balanced(const char *s, size_t i, size_t n)
{
	int depth = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
		} else if (c == '[' || c == '(' || c == '{') {
			depth++;
		} else if (c == ']' || c == ')' || c == '}') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return n;
}

typedef struct Buf {
	char *p;
	size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p)
			IR_DIE("out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

/* Append part `k`'s functions (the text inside the program braces) with
 * `func NAME<` renamed `func model<k>_NAME<` (plain `model<k>` for main)
 * and weight paths moved under modelk/. */
static int merge_part(Buf *b, const char *t, size_t n, unsigned k, bool header)
{
	size_t i = 0;
	while (i < n && t[i] != '(')
		i++;
	i = skip_balanced(t, i, n);
	size_t h = i;
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	if (i < n && t[i] == '[')
		i = skip_balanced(t, i, n);
	while (i < n && t[i] != '{')
		i++;
	size_t end = n;
	while (end > i && t[end - 1] != '}')
		end--;
	if (i >= n || end <= i + 1)
		return -1;
	if (header) {
		buf_add(b, t, i);   /* program(..) [attrs] */
		buf_add(b, "{\n", 2);
	}
	(void)h;
	static const char mp[] = "\"@model_path/";
	char tag[32];
	for (size_t p = i + 1; p < end - 1;) {
		if (strncmp(t + p, "func ", 5) == 0) {
			size_t q = p + 5;
			while (q < end && t[q] == ' ')
				q++;
			size_t s = q;
			while (q < end && t[q] != '<' && t[q] != '(' && t[q] != ' ')
				q++;
			buf_add(b, "func ", 5);
			int tn = snprintf(tag, sizeof tag, "model%u", k);
			buf_add(b, tag, (size_t)tn);
			if (!(q - s == 4 && strncmp(t + s, "main", 4) == 0)) {
				buf_add(b, "_", 1);
				buf_add(b, t + s, q - s);
			}
			p = q;
		} else if (t[p] == '"') {
			size_t q = p + 1;
			if (strncmp(t + p, mp, sizeof mp - 1) == 0) {
				int tn = snprintf(tag, sizeof tag, "model%u/", k);
				buf_add(b, mp, sizeof mp - 1);
				buf_add(b, tag, (size_t)tn);
				p += sizeof mp - 1;
				q = p;
			}
			while (q < end && t[q] != '"')
				q += t[q] == '\\' ? 2 : 1;
			q = q < end ? q + 1 : end;
			buf_add(b, t + p, q - p);
			p = q;
		} else {
			buf_add(b, t + p, 1);
			p++;
		}
	}
	buf_add(b, "\n", 1);
	return 0;
}

static Module *load_mlmodelc_pipeline(const char *dir, DiagList *dl)
{
	Buf b = { 0 };
	char *first = NULL;
	unsigned k;
	for (k = 0; k < MAX_PARTS; k++) {
		char name[32];
		snprintf(name, sizeof name, "model%u/model.mil", k);
		char *p = join(dir, name);
		if (!is_file(p)) {
			free(p);
			break;
		}
		size_t n;
		char *t = fe_read_file(p, FE_MAX_FILE_BYTES, &n, dl);
		if (!t || merge_part(&b, t, n, k, k == 0)) {
			if (t)
				diag_add(dl, SEV_ERROR, FE_E_NOT_MODEL, at(p), "not a MIL program");
			free(t);
			free(p);
			free(b.p);
			free(first);
			return NULL;
		}
		free(t);
		if (!first)
			first = p;
		else
			free(p);
	}
	Module *m = NULL;
	if (k == 0) {
		diag_add(dl, SEV_ERROR, FE_E_MLMODELC_NN, at(dir), "compiled pipeline has no "
		         "model0/model.mil; compiled neural networks are not supported");
	} else {
		buf_add(&b, "}\n", 2);
		m = parse_mil_memory(first, b.p, b.n, dir, dl);
		if (m)
			m->model_path = arena_strdup(m->arena, dir);
	}
	free(first);
	free(b.p);
	return m;
}

static Module *load_mlmodelc(const char *dir, DiagList *dl)
{
	Module *m;
	char *mil = join(dir, "model.mil");
	if (is_file(mil)) {
		FILE *f = fopen(mil, "r");
		if (!f) {
			diag_add(dl, SEV_ERROR, FE_E_READ, at(mil), "cannot open: %s", strerror(errno));
			free(mil);
			return NULL;
		}
		m = fe_parse_mil_text(mil, f, dl);
		fclose(f);
		if (m)
			m->model_path = arena_strdup(m->arena, dir);
	} else if (has_entry(dir, "model0", true)) {
		m = load_mlmodelc_pipeline(dir, dl);
	} else {
		diag_add(dl, SEV_ERROR, FE_E_MLMODELC_NN, at(dir), "compiled model without model.mil "
		         "(a compiled neural network, %s): not supported; analyse the .mlmodel or "
		         ".mlpackage it was compiled from",
		         has_entry(dir, "model.espresso.net", false) ? "model.espresso.net"
		                                                     : "coremldata.bin only");
		m = NULL;
	}
	free(mil);
	if (m) {
		char *meta = join(dir, "metadata.json");
		if (is_file(meta) && fe_read_mlmodelc_metadata(m, meta, dl)) {
			ir_module_free(m);
			m = NULL;
		}
		free(meta);
	}
	return m;
}

/* ------------------------------------------------------------ metadata.json */

static const char *jdup(Module *m, json_object *o, const char *key)
{
	const char *s = json_str(o, key);
	return s ? arena_strdup(m->arena, s) : NULL;
}

static DType meta_dtype(const char *s)
{
	static const struct { const char *name; DType dt; } t[] = {
		{ "Float32", DT_FP32 }, { "Float16", DT_FP16 }, { "Double", DT_FP64 },
		{ "Float64", DT_FP64 }, { "Int32", DT_INT32 }, { "Int8", DT_INT8 },
	};
	for (size_t i = 0; s && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].dt;
	return DT_COUNT;
}

/* "[1, 10]" -> dims */
static FeatShape meta_shape(Module *m, const char *s)
{
	FeatShape fs = { 0, NULL };
	if (!s)
		return fs;
	int64_t d[64];
	uint32_t n = 0;
	for (const char *p = s; *p && n < 64;) {
		if ((*p >= '0' && *p <= '9') || *p == '-') {
			char *e;
			long long v = strtoll(p, &e, 10);
			d[n++] = v;
			p = e;
		} else {
			p++;
		}
	}
	if (n) {
		int64_t *dims = arena_array(m->arena, n, sizeof *dims);
		memcpy(dims, d, n * sizeof *dims);
		fs = (FeatShape){ n, dims };
	}
	return fs;
}

static const FeatureDesc *meta_features(Module *m, json_object *o, const char *key, uint32_t *n)
{
	json_object *a;
	*n = 0;
	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return NULL;
	size_t cnt = json_object_array_length(a);
	FeatureDesc *fd = arena_array(m->arena, cnt ? cnt : 1, sizeof *fd);
	uint32_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_object))
			continue;
		FeatureDesc *f = &fd[k++];
		f->name = jdup(m, e, "name");
		if (!f->name)
			f->name = "";
		f->short_desc = jdup(m, e, "shortDescription");
		if (!f->short_desc)
			f->short_desc = "";
		const char *type = json_str(e, "type");
		const char *opt = json_str(e, "isOptional");
		f->optional = opt && strcmp(opt, "1") == 0;
		f->dtype = meta_dtype(json_str(e, "dataType"));
		if (!type || strcmp(type, "MultiArray") == 0) {
			f->kind = FEAT_MULTIARRAY;
			f->shape = meta_shape(m, json_str(e, "shape"));
		} else if (strcmp(type, "State") == 0) {
			f->kind = FEAT_STATE;
			f->shape = meta_shape(m, json_str(e, "shape"));
		} else if (strcmp(type, "Image") == 0) {
			f->kind = FEAT_IMAGE;
		} else if (strcmp(type, "Int64") == 0) {
			f->kind = FEAT_INT64;
		} else if (strcmp(type, "Double") == 0) {
			f->kind = FEAT_DOUBLE;
		} else if (strcmp(type, "String") == 0) {
			f->kind = FEAT_STRING;
		} else if (strcmp(type, "Dictionary") == 0) {
			f->kind = FEAT_DICTIONARY;
		} else if (strcmp(type, "Sequence") == 0) {
			f->kind = FEAT_SEQUENCE;
		}
	}
	*n = k;
	return fd;
}

int fe_read_mlmodelc_metadata(Module *m, const char *json_path, DiagList *dl)
{
	size_t n;
	char *text = fe_read_file(json_path, METADATA_CAP, &n, dl);
	if (!text)
		return -1;
	json_tokener *tok = json_tokener_new();
	json_object *j = json_tokener_parse_ex(tok, text, (int)n);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	free(text);
	json_object *o = j;
	if (j && json_object_is_type(j, json_type_array) && json_object_array_length(j) > 0)
		o = json_object_array_get_idx(j, 0);
	if (!o || jerr != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		diag_add(dl, SEV_ERROR, FE_E_METADATA, at(json_path), "not a JSON array of one object");
		if (j)
			json_object_put(j);
		return -1;
	}
	ModelDesc *d = arena_alloc(m->arena, sizeof *d);
	d->format = "mlmodelc";
	json_object *v;
	if (json_object_object_get_ex(o, "specificationVersion", &v))
		d->spec_version = json_object_get_int(v);
	d->min_os = model_min_os(d->spec_version);
	d->kind = "mlProgram";
	json_object *mt;
	if (json_object_object_get_ex(o, "modelType", &mt) && json_str(mt, "name")) {
		const char *k = json_str(mt, "name");
		d->kind = arena_strdup(m->arena, strncmp(k, "MLModelType_", 12) == 0 ? k + 12 : k);
	}
	const char *upd = json_str(o, "isUpdatable");
	d->is_updatable = upd && strcmp(upd, "1") == 0;
	FuncDesc *f = arena_alloc(m->arena, sizeof *f);
	f->name = m->funcs.n ? m->funcs.v[0]->name : "main";
	f->inputs = meta_features(m, o, "inputSchema", &f->ninputs);
	f->outputs = meta_features(m, o, "outputSchema", &f->noutputs);
	f->states = meta_features(m, o, "stateSchema", &f->nstates);
	d->nfuncs = 1;
	d->funcs = f;
	d->default_func = f->name;
	json_object *ud;
	if (json_object_object_get_ex(o, "userDefinedMetadata", &ud) &&
	    json_object_is_type(ud, json_type_object)) {
		size_t cnt = (size_t)json_object_object_length(ud), k = 0;
		KeyValue *kv = arena_array(m->arena, cnt ? cnt : 1, sizeof *kv);
		json_object_object_foreach(ud, key, val) {
			if (k < cnt && json_object_is_type(val, json_type_string))
				kv[k++] = (KeyValue){ arena_strdup(m->arena, key),
				                      arena_strdup(m->arena, json_object_get_string(val)) };
		}
		d->meta.nuser = (uint32_t)k;
		d->meta.user = kv;
	}
	d->meta.short_desc = jdup(m, o, "shortDescription");
	d->meta.author = jdup(m, o, "author");
	d->meta.license = jdup(m, o, "license");
	d->meta.version = jdup(m, o, "version");
	m->desc = d;
	json_object_put(j);
	return 0;
}

/* ------------------------------------------------------------ entry */

Module *fe_load(const char *path, DiagList *dl)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "not a regular file or folder (%s); "
		         "refused before opening it", S_ISFIFO(st.st_mode) ? "a FIFO"
		         : S_ISSOCK(st.st_mode) ? "a socket" : "a device");
		return NULL;
	}
	Module *m = NULL;
	if (S_ISDIR(st.st_mode)) {
		switch (fe_detect(path)) {
		case FE_FMT_MLPACKAGE:
			m = load_mlpackage(path, dl);
			break;
		case FE_FMT_MLMODELC:
			m = load_mlmodelc(path, dl);
			break;
		default:
			diag_add(dl, SEV_ERROR, FE_E_NOT_BUNDLE, at(path), "folder is no Core ML model "
			         "bundle (no Manifest.json for an .mlpackage, no model.mil or "
			         "coremldata.bin for an .mlmodelc)");
			return NULL;
		}
	} else {
		m = load_file(path, "mlmodel", dl);
	}
	if (m)
		blob_install(m);
	return m;
}
