/* output.c - atomic output files, the shared model loading and the value-less
 * flags of the CLI. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("anelint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, " (see 'anelint help %s')", cmd);
	fputc('\n', stderr);
	return EXIT_UNUSABLE;
}

int cli_output_open(CliOutput *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	o->path = path;
	/* Only a regular file (or a new one) is replaced by rename; a device
	 * or fifo such as /dev/null is written in place. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!(o->f = fopen(path, "w"))) {
			fprintf(stderr, "anelint: %s: cannot write: %s\n", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	size_t n = strlen(path) + 16;
	o->tmp = malloc(n);
	if (!o->tmp)
		return -1;
	snprintf(o->tmp, n, "%s.tmpXXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd >= 0) {
		/* mkstemp makes the file 0600; give it what a plain create would. */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		fprintf(stderr, "anelint: %s: cannot write: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

int cli_output_close(CliOutput *o, int ok)
{
	if (o->f == stdout) {
		if (fflush(stdout) != 0) {
			fprintf(stderr, "anelint: <stdout>: write error: %s\n", strerror(errno));
			return -1;
		}
		return ok ? 0 : -1;
	}
	int rc = 0;
	if (ferror(o->f) || fclose(o->f) != 0) {
		fprintf(stderr, "anelint: %s: write error: %s\n", o->path, strerror(errno));
		rc = -1;
	}
	if (!o->tmp)                    /* written in place */
		return ok ? rc : -1;
	if (rc == 0 && ok && rename(o->tmp, o->path) != 0) {
		fprintf(stderr, "anelint: %s: cannot write: %s\n", o->path, strerror(errno));
		rc = -1;
	}
	if (rc != 0 || !ok)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return ok ? rc : -1;
}

int cli_switch_flag(void *vswitch, CliArgs *a, int *i, int argc, char **argv)
{
	(void)a;
	(void)argc;
	CliSwitch *s = vswitch;
	if (strcmp(argv[*i], s->flag) != 0)
		return 0;
	s->on = true;
	return 1;
}
