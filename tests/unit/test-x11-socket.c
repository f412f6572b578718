#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "test-files.h"
#include "x11-socket.h"

static void
write_lock(const char *dir, int n, const char *text)
{
	char name[32];

	snprintf(name, sizeof name, ".X%d-lock", n);
	test_write_file(dir, name, text);
}

static pid_t
dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

int
main(void)
{
	struct tap t = {0};
	char locks[] = "/tmp/porthole-x11-test-XXXXXX", text[32], x11_dir[300], path[400];
	unsigned long long reserved;
	int fd, fd2;

	if (!mkdtemp(locks))
		return 1;
	snprintf(x11_dir, sizeof x11_dir, "%s/x11", locks);

	TAP_CHECK(&t, x11_lock_owner(locks, 0) == 0, "no lock: free");
	snprintf(text, sizeof text, "%10d\n", (int)getpid());
	write_lock(locks, 1, text);
	TAP_CHECK(&t, x11_lock_owner(locks, 1) == getpid(), "a live owner's lock: taken");
	snprintf(text, sizeof text, "%10d\n", (int)dead_pid());
	write_lock(locks, 2, text);
	TAP_CHECK(&t, x11_lock_owner(locks, 2) == 0, "a dead owner's lock: stale, free");
	write_lock(locks, 3, "garbage\n");
	TAP_CHECK(&t, x11_lock_owner(locks, 3) == 0, "a garbage lock: stale, free");
	write_lock(locks, 4, "1\n");
	TAP_CHECK(&t, x11_lock_owner(locks, 4) == 0, "a lock in the wrong format: stale");

	TAP_CHECK(&t, x11_display_parse(":0") == 0 && x11_display_parse(":12") == 12,
		  "DISPLAY numbers parse");
	TAP_CHECK(&t,
		  x11_display_parse("localhost:0") < 0 && x11_display_parse(":") < 0 &&
			  x11_display_parse(":1.0") < 0 && x11_display_parse(NULL) < 0,
		  "other DISPLAY forms are refused");

	TAP_CHECK(&t, !x11_socket_is_live(x11_dir, 5), "no socket: not live");
	fd = x11_socket_claim(x11_dir, 5);
	TAP_CHECK(&t, fd >= 0, "claims X5 and creates the directory");
	struct stat st;
	TAP_CHECK(&t, stat(x11_dir, &st) == 0 && (st.st_mode & 07777) == 01777,
		  "the new socket directory is 1777 (%o)", st.st_mode & 07777);
	TAP_CHECK(&t, x11_socket_is_live(x11_dir, 5), "the claimed socket is live");
	fd2 = x11_socket_claim(x11_dir, 5);
	TAP_CHECK(&t, fd2 < 0 && errno == EADDRINUSE, "a live socket is not stolen");

	/* a live X5 socket with a free lock: reserving makes lock-pickers skip it */
	x11_lock_reserve(locks, x11_dir, 0, &reserved);
	TAP_CHECK(&t, reserved == (1ULL << 5),
		  "only the live-but-unlocked number is reserved (%llx)", reserved);
	TAP_CHECK(&t, x11_lock_owner(locks, 5) == getpid(), "its lock now names us");
	x11_lock_unreserve(locks, reserved);
	TAP_CHECK(&t, x11_lock_owner(locks, 5) == 0, "unreserve removes the temporary lock");

	/* a number asked for: every free one below it looks taken, taken ones stay */
	x11_lock_reserve(locks, NULL, 3, &reserved);
	TAP_CHECK(&t, (reserved & 7) == (reserved & ~(1ULL << 5)) && !(reserved & (1ULL << 3)),
		  "only numbers below 3 are reserved (%llx)", reserved);
	TAP_CHECK(&t, x11_lock_owner(locks, 2) != 0 && x11_lock_owner(locks, 3) == 0,
		  "2 is locked, 3 is free");
	x11_lock_unreserve(locks, reserved);

	close(fd);
	TAP_CHECK(&t, !x11_socket_is_live(x11_dir, 5), "a closed server's socket is stale");
	fd = x11_socket_claim(x11_dir, 5);
	TAP_CHECK(&t, fd >= 0, "a stale socket file is replaced");
	close(fd);
	x11_socket_release(x11_dir, 5);
	snprintf(path, sizeof path, "%s/X5", x11_dir);
	TAP_CHECK(&t, access(path, F_OK) < 0, "release removes the socket");

	for (int n = 0; n < 6; n++) {
		snprintf(path, sizeof path, "%s/.X%d-lock", locks, n);
		unlink(path);
	}
	rmdir(x11_dir);
	rmdir(locks);
	return tap_finish(&t);
}
