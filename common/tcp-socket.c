#include "tcp-socket.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
tcp_socket_listen(const char *host_port, char *err, size_t err_size)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res = NULL;
	char host[256], *port;
	int fd, gai, one = 1, saved;

	snprintf(host, sizeof host, "%s", host_port);
	port = strrchr(host, ':');
	if (!port || !port[1] || port == host) {
		snprintf(err, err_size, "expected HOST:PORT");
		errno = EINVAL;
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	gai = getaddrinfo(host, port, &hints, &res);
	if (gai) {
		snprintf(err, err_size, "%s", gai_strerror(gai));
		errno = EINVAL;
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		saved = errno;
		snprintf(err, err_size, "%s", strerror(saved));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		errno = saved;
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}
