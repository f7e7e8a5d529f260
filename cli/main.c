/* main.c - `anelint COMMAND [options] MODEL`: dispatch to the commands. */
#include "cli/cli.h"

#include <string.h>

#ifndef ANELINT_VERSION
#define ANELINT_VERSION "0.0.0"
#endif

static int cmd_help(int argc, char **argv);

static const Command commands[] = {
	{ "dump", cmd_dump },
	{ "lint", cmd_lint },
	{ "info", cmd_info },
	{ "analyze", cmd_analyze },
	{ "compat", cmd_compat },
	{ "check", cmd_check },
	{ "costs", cmd_costs },
	{ "report", cmd_report },
	{ "run", cmd_run },
	{ "help", cmd_help },
	{ NULL, NULL },
};

static const Command *find_command(const char *name)
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
	for (const CliUsage *u = cli_usages; u->name; u++)
		fprintf(out, "  %-10s %s\n", u->name, u->summary);
	fputs("\nRun 'anelint help COMMAND' for a command's options.\n", out);
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	const CliUsage *u = cli_usage_find(argv[1]);
	if (!u)
		return cli_usage_error(NULL, "no command '%s' (see 'anelint --help')", argv[1]);
	fputs(u->usage, stdout);
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
	const Command *c = find_command(arg);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s' (see 'anelint --help')", arg);
	return c->run(argc - 1, argv + 1);
}
