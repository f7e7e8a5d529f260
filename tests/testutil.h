/* testutil.h - helpers shared by the cmocka tests. */
#ifndef ANELINT_TESTUTIL_H
#define ANELINT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ir/ir.h"

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
/* tu_find under shared/corpus/sub (sub "" for the whole corpus); shared/
 * must be present (TU_REQUIRE_SHARED). */
char **tu_corpus_find(const char *sub, const char *suffix, size_t *n);
/* Every model under shared/corpus/sub: the files and bundles whose names
 * end in one of the nsuffixes suffixes (NULL: every form the loader reads,
 * .mlpackage, .mlmodel, .mlmodel.gz, .mlmodelc and .mil), a suffix at a
 * time, each sorted, but never a file inside a .mlpackage or .mlmodelc (it
 * loads with its bundle); *n set.  Free with tu_free_list. */
char **tu_corpus_models(const char *sub, const char *const *suffixes, size_t nsuffixes,
                        size_t *n);

/* Parse n bytes of MIL text held in memory as file `name` (n may be 0);
 * diagnostics into dl.  NULL when it does not parse. */
Module *tu_parse_mil(const char *name, const char *text, size_t n, DiagList *dl);
/* The module as MIL text (ir_print_module, no annotations), malloc'd. */
char *tu_print_module(const Module *m);
/* Type t as MIL text into buf ("(none)" for NULL; cut to n - 1 bytes).
 * Returns buf. */
const char *tu_type_str(const Module *m, const Type *t, char *buf, size_t n);
/* Load a model file or bundle with fe_load (diag_init(dl) first) and
 * assert that it loads without errors (printed when it does not). */
Module *tu_load_ok(const char *path, DiagList *dl);
/* Assert that dl's first diagnostic is an error with this code whose
 * formatted text contains `text` (and show it). */
void tu_assert_first_error(const DiagList *dl, const char *code, const char *text);

/* Skip the current test with a message when shared/ is absent. */
#define TU_REQUIRE_SHARED() do { if (!tu_shared_dir()) { \
	print_message("SKIP: ../shared is absent; corpus test not run\n"); skip(); } } while (0)

#endif
