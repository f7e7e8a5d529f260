/* main.c - `anelint COMMAND [options] MODEL`: dispatch to the commands. */
#include "cli/cli.h"

#include <string.h>

#ifndef ANELINT_VERSION
#define ANELINT_VERSION "0.0.0"
#endif

static int cmd_help(int argc, char **argv);

const Command commands[] = {
	{ "dump", cmd_dump, "print a model as MIL text (the IR)",
	  "usage: anelint dump [-o FILE] MODEL\n"
	  "\n"
	  "Read MODEL (.mil text, .mlmodel, .mlmodel.gz, .mlpackage or .mlmodelc;\n"
	  "'-' reads MIL text from standard input), verify it and print it as MIL\n"
	  "text in the model.mil syntax.  The output parses back to the same IR.\n"
	  "\n"
	  "options:\n"
	  "  -o FILE   write to FILE (atomically) instead of standard output\n"
	  "  --passes=P,Q  --print-before=P  --print-after=P  --verify-each\n"
	  "  --time-passes  --list-passes\n"
	  "            run the pass pipeline (see 'anelint help lint') and print the IR\n"
	  "            with each op's pass results as trailing // comments; with no\n"
	  "            --print-* flag, after the last pass.  P may be 'all'.\n"
	  "\n"
	  "exit status: 0 printed, 2 unusable input or bad options\n" },
	{ "lint", cmd_lint, "run the analysis passes and print their findings",
	  "usage: anelint lint [options] MODEL\n"
	  "\n"
	  "Read MODEL, run the pass pipeline (verify, infer, ...) and print every\n"
	  "finding as `file:line:col: severity[CODE]: message` with a fix hint;\n"
	  "codes are listed in docs/diagnostics.md.  A count goes to standard error.\n"
	  "\n"
	  "options:\n"
	  "  --passes=P,Q       run only these passes (and the passes they require)\n"
	  "  --list-passes      list the passes in pipeline order and exit\n"
	  "  --print-before=P   print the IR before pass P ('all': every pass)\n"
	  "  --print-after=P    print the IR after pass P, annotated with pass results\n"
	  "  --verify-each      run the IR verifier after every pass\n"
	  "  --time-passes      print the wall time of each pass on standard error\n"
	  "  --stats            print how many ops' inferred types agree with the\n"
	  "                     types the model declares\n"
	  "\n"
	  "exit status: 0 no error-severity findings, 1 findings at error severity,\n"
	  "2 unusable input or bad options\n" },
	{ "info", cmd_info, "describe a model: form, interface, ops, weights, metadata",
	  "usage: anelint info [--json | -f text|json] [-o FILE] MODEL\n"
	  "\n"
	  "Read MODEL (any form 'dump' reads, or coremltools' printed program) and\n"
	  "describe it: its form, specification version and the minimum OS releases\n"
	  "it implies, model kind, functions and opsets (the default one marked),\n"
	  "inputs, outputs and states with dtypes and shapes (flexible shapes\n"
	  "spelled out), op counts by type, weight bytes by dtype (from declared\n"
	  "types; weight files are not read) and metadata.  MIL text has no model\n"
	  "description: the interface comes from the function signature.\n"
	  "\n"
	  "options:\n"
	  "  --json    print JSON (schema: docs/info-json.md) instead of text\n"
	  "  -o FILE   write to FILE (atomically) instead of standard output\n"
	  "\n"
	  "exit status: 0 described, 2 unusable input or bad options\n" },
	{ "help", cmd_help, "show help for a command",
	  "usage: anelint help [COMMAND]\n" },
	{ NULL, NULL, NULL, NULL },
};

const Command *cli_find_command(const char *name)
{
	for (const Command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void print_usage(FILE *out)
{
	fputs("usage: anelint [--help] [--version] COMMAND [options] MODEL\n"
	      "\n"
	      "Offline static analysis of Core ML models for the Apple Neural Engine.\n"
	      "\n"
	      "commands:\n", out);
	for (const Command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\nRun 'anelint help COMMAND' for a command's options.\n", out);
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	const Command *c = cli_find_command(argv[1]);
	if (!c)
		return cli_usage_error(NULL, "no command '%s' (see 'anelint --help')", argv[1]);
	fputs(c->usage, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_UNUSABLE;
	}
	const char *arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(arg, "--version") == 0) {
		printf("anelint %s\n", ANELINT_VERSION);
		return EXIT_OK;
	}
	const Command *c = cli_find_command(arg);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s' (see 'anelint --help')", arg);
	return c->run(argc - 1, argv + 1);
}
