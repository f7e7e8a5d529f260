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

/* A command's name and its run function: main.c's dispatch table. */
typedef struct Command {
	const char *name;
	int (*run)(int argc, char **argv);
} Command;

/* A command's help (usage.c): the --help list and `anelint help NAME`. */
typedef struct CliUsage {
	const char *name;
	const char *summary;
	const char *usage;      /* full help text for `anelint help NAME` */
} CliUsage;

extern const CliUsage cli_usages[];     /* in --help order, NULL-terminated */
const CliUsage *cli_usage_find(const char *name);

int cmd_dump(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_compat(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_costs(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);

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

/* ------------------------------------------------------------ arguments */

#include "passes/pass.h"

enum { CLI_MAX_MODELS = 256 };

/* What a command accepts besides pass flags, --help and its model. */
enum {
	CLI_OUTPUT = 1u << 0,       /* -o FILE */
	CLI_FORMAT = 1u << 1,       /* -f FMT, --format=FMT */
	CLI_MANY_MODELS = 1u << 2,  /* MODEL... */
	CLI_PASSES = 1u << 3,       /* the pass manager's flags (passes/pass.h) */
};

typedef struct CliArgs {
	const char *cmd;
	PassOptions po;
	const char *out;            /* -o, or NULL */
	const char *format;         /* -f, or NULL */
	const char *models[CLI_MAX_MODELS];
	int nmodels;
	bool done;                  /* --help or --list-passes printed: exit now */
} CliArgs;

/* A command's own flag: return 1 when argv[*i] was one (advance *i past
 * any value), 0 when it is not, -1 after printing a usage error. */
typedef int (*CliExtraFlag)(void *ctx, CliArgs *a, int *i, int argc, char **argv);

/* Parse the command line.  Returns EXIT_OK to go on (or, with a->done, to
 * stop successfully), else EXIT_UNUSABLE after a one-line message. */
int cli_parse_args(CliArgs *a, const char *cmd, int argc, char **argv, unsigned flags,
                   CliExtraFlag extra, void *extra_ctx);

/* A command's own flag that takes no value (`--json`, `--stats`): pass
 * cli_switch_flag as the CliExtraFlag and a CliSwitch as its ctx; `on`
 * is set when the flag is seen. */
typedef struct CliSwitch {
	const char *flag;
	bool on;
} CliSwitch;
int cli_switch_flag(void *vswitch, CliArgs *a, int *i, int argc, char **argv);

/* Load a model, printing diagnostics on stderr.  NULL on failure. */
Module *cli_load(const char *path, DiagList *dl);

#endif
