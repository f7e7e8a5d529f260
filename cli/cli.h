/* cli.h - the anelint command: one file per subcommand, each a
 * `int cmd_<name>(int argc, char **argv)` returning the exit status. */
#ifndef ANELINT_CLI_H
#define ANELINT_CLI_H

#include <stdio.h>

#include "anelint.h"

/* Exit statuses shared by every command (docs/cli.md). */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,      /* the command's check failed (lint errors, gates) */
	EXIT_UNUSABLE = 2,      /* bad input, bad flags, I/O errors */
};

typedef struct Command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;      /* full help text for `anelint help NAME` */
} Command;

extern const Command commands[];
const Command *cli_find_command(const char *name);

int cmd_dump(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_info(int argc, char **argv);

/* Print "anelint: <msg>" on stderr; returns EXIT_UNUSABLE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Output written atomically: a temporary file beside the target, renamed
 * over it on success.  path NULL or "-" means standard output. */
typedef struct CliOutput {
	FILE *f;
	const char *path;
	char *tmp;
} CliOutput;

int cli_output_open(CliOutput *o, const char *path);
/* Returns 0 on success; on failure removes the temporary file. */
int cli_output_close(CliOutput *o, int ok);

/* Load a model, printing diagnostics on stderr.  NULL on failure. */
Module *cli_load(const char *path, DiagList *dl);

#endif
