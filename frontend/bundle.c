/*
 * bundle.c - finding the model in whatever was named: bare MIL text, a
 * .mlmodel protobuf (also gzip'd), an .mlpackage folder (Manifest.json) or
 * a compiled .mlmodelc folder (model.mil, modelN/ for pipelines,
 * metadata.json).  Told apart by content, not by name.
 * Facts: spec/bundles-and-blobs.md §1-3.
 */
#include "frontend/frontend.h"
#include "frontend/blob.h"
#include "frontend/bundle_json.h"
#include "frontend/bytebuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

enum { MANIFEST_CAP = 16 << 20, MAX_PARTS = 64 };
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

/* `form` is fe_detect(path), sniffed once by the caller. */
static Module *load_file(const char *path, FeFormat form, const char *format_name, DiagList *dl)
{
	if (form == FE_FMT_MIL_TEXT)
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

static Module *load_mlpackage(const char *pkg, DiagList *dl)
{
	char *mpath = join(pkg, "Manifest.json");
	char *data_dir = join(pkg, "Data");
	char *root_path = NULL;
	Manifest mf = { 0 };
	Module *m = NULL;
	size_t n;
	char *text = fe_read_file(mpath, MANIFEST_CAP, &n, dl);
	if (!text || fe_manifest_read(mpath, text, n, &mf, dl))
		goto out;
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
				         "string key '%s'", it->id, fe_manifest_item_keys[k]);
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
	m = load_file(root_path, fe_detect(root_path), "mlpackage", dl);
	if (m && m->desc)
		m->desc->format = "mlpackage";
out:
	fe_manifest_free(&mf);
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

/* Append part `k`'s functions (the text inside the program braces) with
 * `func NAME<` renamed `func model<k>_NAME<` (plain `model<k>` for main)
 * and weight paths moved under modelk/. */
static int merge_part(ByteBuf *b, const char *t, size_t n, unsigned k, bool header)
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
		bb_put(b, t, i);   /* program(..) [attrs] */
		bb_put(b, "{\n", 2);
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
			bb_put(b, "func ", 5);
			int tn = snprintf(tag, sizeof tag, "model%u", k);
			bb_put(b, tag, (size_t)tn);
			if (!(q - s == 4 && strncmp(t + s, "main", 4) == 0)) {
				bb_put(b, "_", 1);
				bb_put(b, t + s, q - s);
			}
			p = q;
		} else if (t[p] == '"') {
			size_t q = p + 1;
			if (strncmp(t + p, mp, sizeof mp - 1) == 0) {
				int tn = snprintf(tag, sizeof tag, "model%u/", k);
				bb_put(b, mp, sizeof mp - 1);
				bb_put(b, tag, (size_t)tn);
				p += sizeof mp - 1;
				q = p;
			}
			while (q < end && t[q] != '"')
				q += t[q] == '\\' ? 2 : 1;
			q = q < end ? q + 1 : end;
			bb_put(b, t + p, q - p);
			p = q;
		} else {
			bb_put(b, t + p, 1);
			p++;
		}
	}
	bb_put(b, "\n", 1);
	return 0;
}

static Module *load_mlmodelc_pipeline(const char *dir, DiagList *dl)
{
	ByteBuf b = { 0 };
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
		bb_put(&b, "}\n", 2);
		m = parse_mil_memory(first, (const char *)b.p, b.n, dir, dl);
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

/* ------------------------------------------------------------ entry */

Module *fe_load(const char *path, DiagList *dl)
{
	return fe_load_as(path, dl, NULL);
}

Module *fe_load_as(const char *path, DiagList *dl, FeFormat *form)
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
	FeFormat f = fe_detect(path);
	if (form)
		*form = f;
	if (S_ISDIR(st.st_mode)) {
		switch (f) {
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
		m = load_file(path, f, "mlmodel", dl);
	}
	if (m)
		blob_install(m);
	return m;
}
