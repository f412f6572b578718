#include "control-protocol.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int
control_socket_path(char *path, size_t size, const char *runtime_dir, const char *wayland_name)
{
	int n = snprintf(path, size, "%s/%s%s", runtime_dir, wayland_name, CONTROL_SOCKET_SUFFIX);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
