/* testutil.c - file, process, corpus, MIL text and diagnostic helpers for the
 * tests. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/frontend.h"

static const char *env_dir(const char *name)
{
	const char *d = getenv(name);
	struct stat st;
	if (!d || stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return d;
}

const char *tu_shared_dir(void) { return env_dir("ANELINT_SHARED"); }

const char *tu_source_dir(void)
{
	const char *d = env_dir("ANELINT_SOURCE");
	return d ? d : ".";
}

const char *tu_bin(void)
{
	const char *b = getenv("ANELINT_BIN");
	return b ? b : "anelint";
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) { free(buf); buf = NULL; }
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int tu_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	return (fclose(f) == 0 && w == len) ? 0 : -1;
}

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/anelint-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(tmpl))
		return NULL;
	return strdup(tmpl);
}

static char *slurp_fd(FILE *f)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	rewind(f);
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) { free(buf); return NULL; }
			buf = nb;
		}
	}
	if (buf)
		buf[n] = 0;
	return buf;
}

int tu_run(const char *cmd, char **out, char **err)
{
	FILE *fo = tmpfile(), *fe = tmpfile();
	if (!fo || !fe) {
		if (fo) fclose(fo);
		if (fe) fclose(fe);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fileno(fo), 1);
		dup2(fileno(fe), 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	if (out)
		*out = slurp_fd(fo);
	if (err)
		*err = slurp_fd(fe);
	fclose(fo);
	fclose(fe);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

typedef struct PathList { char **v; size_t n, cap; } PathList;

static void push(PathList *l, const char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = strdup(p);
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static void walk(const char *dir, const char *suffix, PathList *l)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (ends_with(e->d_name, suffix))
			push(l, p);
		else if (S_ISDIR(st.st_mode))
			walk(p, suffix, l);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **tu_find(const char *dir, const char *suffix, size_t *n)
{
	PathList l = { 0 };
	walk(dir, suffix, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, cmp_str);
	*n = l.n;
	return l.v;
}

void tu_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

char **tu_corpus_find(const char *sub, const char *suffix, size_t *n)
{
	const char *shared = tu_shared_dir();
	assert_non_null(shared);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/corpus%s%s", shared, *sub ? "/" : "", sub);
	return tu_find(dir, suffix, n);
}

char **tu_corpus_models(const char *sub, const char *const *suffixes, size_t nsuffixes,
                        size_t *n)
{
	static const char *const loadable[] = { ".mlpackage", ".mlmodel", ".mlmodel.gz", ".mlmodelc",
	                                        ".mil" };
	if (!suffixes) {
		suffixes = loadable;
		nsuffixes = sizeof loadable / sizeof *loadable;
	}
	PathList l = { 0 };
	for (size_t s = 0; s < nsuffixes; s++) {
		size_t k;
		char **found = tu_corpus_find(sub, suffixes[s], &k);
		for (size_t i = 0; i < k; i++)
			if (!strstr(found[i], ".mlpackage/") && !strstr(found[i], ".mlmodelc/"))
				push(&l, found[i]);
		tu_free_list(found, k);
	}
	*n = l.n;
	return l.v;
}

Module *tu_parse_mil(const char *name, const char *text, size_t n, DiagList *dl)
{
	FILE *in = fmemopen((void *)text, n ? n : 1, "r");
	assert_non_null(in);
	if (n == 0)
		fgetc(in);      /* fmemopen refuses size 0: read the one byte away */
	Module *m = fe_parse_mil_text(name, in, dl);
	fclose(in);
	return m;
}

char *tu_print_module(const Module *m)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	ir_print_module(m, f, NULL);
	fclose(f);
	return buf;
}

const char *tu_type_str(const Module *m, const Type *t, char *buf, size_t n)
{
	FILE *f = fmemopen(buf, n, "w");
	assert_non_null(f);
	if (t)
		ir_print_type(m, t, f);
	else
		fputs("(none)", f);
	fclose(f);
	buf[n - 1] = 0;
	return buf;
}

Module *tu_load_ok(const char *path, DiagList *dl)
{
	diag_init(dl);
	Module *m = fe_load(path, dl);
	if (!m || dl->nerrors)
		diag_print_all(dl, stderr);
	assert_non_null(m);
	assert_int_equal(dl->nerrors, 0);
	return m;
}

void tu_assert_first_error(const DiagList *dl, const char *code, const char *text)
{
	assert_true(dl->nerrors >= 1);
	char msg[1024];
	diag_format(&dl->d.v[0], msg, sizeof msg);
	print_message("  %s\n", msg);
	assert_string_equal(dl->d.v[0].code, code);
	assert_non_null(strstr(msg, text));
}
