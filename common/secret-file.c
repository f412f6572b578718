#include "secret-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "fd:N" with N a plain decimal number; -1 for anything else. */
static int
secret_fd_number(const char *source)
{
	char *end;
	long n;

	if (strncmp(source, "fd:", 3) != 0 || !source[3])
		return -1;
	errno = 0;
	n = strtol(source + 3, &end, 10);
	return errno || *end || n < 0 || n > 1 << 20 ? -1 : (int)n;
}

char *
secret_read(const char *source, enum secret_kind kind, size_t max, char *err, size_t err_size)
{
	int handed = secret_fd_number(source);
	int fd = handed >= 0 ? handed : open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t used = 0;
	struct stat st;
	char *text;
	ssize_t n;

	if (fd < 0) {
		snprintf(err, err_size, "cannot open %s: %s", source, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, err_size, "%s is not a regular file", source);
		close(fd);
		return NULL;
	}
	if (handed < 0 && kind == SECRET_PRIVATE && (st.st_mode & 077)) {
		snprintf(err, err_size, "%s is readable by others (mode %o); run: chmod 600 %s",
			 source, st.st_mode & 0777, source);
		close(fd);
		return NULL;
	}
	/* a handed file may have been read before (the same fd for each restart) */
	if (handed >= 0)
		lseek(fd, 0, SEEK_SET);
	text = calloc(1, max + 1);
	if (!text) {
		close(fd);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	while (used < max && (n = read(fd, text + used, max - used)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, err_size, "cannot read %s: %s", source, strerror(errno));
			close(fd);
			secret_free(text);
			return NULL;
		}
		used += (size_t)n;
	}
	close(fd);
	return text;
}

void
secret_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}
