/*
 * read_file.c - a whole regular file into memory, refused above a cap
 * (fe_read_file, frontend.h): every reader of the frontend starts here,
 * so every file a user names is bounded before anything is allocated.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static SrcLoc at(const char *file)
{
	return (SrcLoc){ .file = file };
}

void *fe_read_file(const char *path, size_t cap, size_t *len, DiagList *dl)
{
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "not a regular file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > cap) {
		diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "file is %lld bytes, more than the "
		         "%zu this reader accepts", (long long)st.st_size, cap);
		close(fd);
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	char *buf = malloc(n + 1);
	if (!buf)
		IR_DIE("out of memory (%zu bytes)", n + 1);
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			diag_add(dl, SEV_ERROR, FE_E_READ, at(path), "read failed: %s",
			         k < 0 ? strerror(errno) : "file shrank while being read");
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)k;
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}
