/* testutil.h - helpers shared by the cmocka tests. */
#ifndef ANELINT_TESTUTIL_H
#define ANELINT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* ../shared (env ANELINT_SHARED), or NULL when the folder is absent. */
const char *tu_shared_dir(void);
/* The source tree root (env ANELINT_SOURCE). */
const char *tu_source_dir(void);
/* The anelint binary (env ANELINT_BIN). */
const char *tu_bin(void);
/* Whole file, NUL-terminated, malloc'd; NULL if unreadable. */
char *tu_read_file(const char *path, size_t *len);
/* Write a file (for fixtures made at run time); 0 on success. */
int tu_write_file(const char *path, const void *data, size_t len);
/* A fresh temporary directory, malloc'd path. */
char *tu_tmpdir(void);
/* Run `sh -c cmd`; capture stdout and stderr (malloc'd, may be NULL args).
 * Returns the exit status, or -1 if it did not exit normally. */
int tu_run(const char *cmd, char **out, char **err);
/* Every file under dir (recursive) whose name ends with suffix, sorted;
 * *n set; malloc'd array of malloc'd paths.  Directories ending in suffix
 * count too (for .mlpackage / .mlmodelc). */
char **tu_find(const char *dir, const char *suffix, size_t *n);
void tu_free_list(char **list, size_t n);

/* Skip the current test with a message when shared/ is absent. */
#define TU_REQUIRE_SHARED() do { if (!tu_shared_dir()) { \
	print_message("SKIP: ../shared is absent; corpus test not run\n"); skip(); } } while (0)

#endif
