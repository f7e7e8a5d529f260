/* args.c - the command line every command shares: pass-manager flags,
 * -o FILE, -f FORMAT, --help, the model path(s), and the command's own
 * flags through a callback. */
#include "cli/cli.h"

#include <string.h>

static int take_value(const CliArgs *a, int *i, int argc, char **argv, const char **out)
{
	if (++*i == argc)
		return cli_usage_error(a->cmd, "%s needs a value", argv[*i - 1]);
	*out = argv[*i];
	return 0;
}

int cli_parse_args(CliArgs *a, const char *cmd, int argc, char **argv, unsigned flags,
                   CliExtraFlag extra, void *extra_ctx)
{
	memset(a, 0, sizeof *a);
	a->cmd = cmd;
	pass_options_init(&a->po);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		/* pass flags, also as two words (`--chip M4`) */
		int r = (flags & CLI_PASSES) ? pass_options_parse_argv(&a->po, argc, argv, &i, stderr) : 0;
		if (r < 0)
			return EXIT_UNUSABLE;
		if (r > 0)
			continue;
		if (extra && (r = extra(extra_ctx, a, &i, argc, argv)) != 0) {
			if (r < 0)
				return EXIT_UNUSABLE;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(cli_usage_find(cmd)->usage, stdout);
			a->done = true;
			return EXIT_OK;
		} else if ((flags & CLI_OUTPUT) && strcmp(arg, "-o") == 0) {
			if (take_value(a, &i, argc, argv, &a->out))
				return EXIT_UNUSABLE;
		} else if ((flags & CLI_FORMAT) && strcmp(arg, "-f") == 0) {
			if (take_value(a, &i, argc, argv, &a->format))
				return EXIT_UNUSABLE;
		} else if ((flags & CLI_FORMAT) && strncmp(arg, "--format=", 9) == 0) {
			a->format = arg + 9;
		} else if (arg[0] == '-' && arg[1] != 0) {
			return cli_usage_error(cmd, "unknown option '%s'", arg);
		} else if (a->nmodels == CLI_MAX_MODELS) {
			return cli_usage_error(cmd, "too many models (at most %d)", CLI_MAX_MODELS);
		} else if (a->nmodels == 1 && !(flags & CLI_MANY_MODELS)) {
			return cli_usage_error(cmd, "more than one model given ('%s', '%s')",
			                       a->models[0], arg);
		} else {
			a->models[a->nmodels++] = arg;
		}
	}
	if (a->po.list_passes) {
		pass_list(stdout);
		a->done = true;
		return EXIT_OK;
	}
	if (!a->nmodels)
		return cli_usage_error(cmd, "no model given");
	return EXIT_OK;
}
