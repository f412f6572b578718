/* porthole stop: the booted system distro's services in order, then its namespaces and the shared tmpfs. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "paths.h"

void
boot_unmount_shared(const char *shared_dir)
{
	if (umount2(shared_dir, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		fprintf(stderr, "porthole: cannot unmount %s: %s\n", shared_dir, strerror(errno));
}

/* Not our child once boot returned; a failed boot's is, and needs reaping. */
void
boot_end(pid_t pid, int grace_s)
{
	double deadline = launcher_now() + grace_s;
	char path[64];
	struct stat st;

	kill(pid, SIGTERM);
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	while (stat(path, &st) == 0) {
		/* A child of ours (a failed boot) needs reaping to go. */
		waitpid(pid, NULL, WNOHANG);
		if (launcher_now() > deadline) {
			kill(pid, SIGKILL);
			deadline = launcher_now() + 5;
			grace_s = 0;
		}
		usleep(10000);
	}
}

int
stop_main(int argc, char *argv[])
{
	struct boot_state state;
	char path[PATH_MAX], shared[PATH_MAX];

	if (argc > 1) {
		fprintf(stderr, "Usage: porthole stop\n\nStops the booted system distro: its "
				"services in order, then its namespaces and the shared tmpfs.\n");
		return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0
										    : EXIT_USAGE;
	}
	if (boot_state_load(&state, true) < 0) {
		/* Nothing runs; still clean up what a crashed boot left. */
		snprintf(state.state_dir, sizeof state.state_dir, "%s", boot_state_dir());
		if (path_printf(path, sizeof path, "%s/boot.ini", state.state_dir) == 0 &&
		    access(path, F_OK) == 0) {
			FILE *file = fopen(path, "re");
			char line[PATH_MAX + 16];
			while (file && fgets(line, sizeof line, file)) {
				if (sscanf(line, "shared-dir=%4095[^\n]", shared) == 1)
					boot_unmount_shared(shared);
			}
			if (file)
				fclose(file);
			boot_state_remove(&state);
			printf("porthole: nothing was running; removed the stale record\n");
			return 0;
		}
		fprintf(stderr, "porthole: no system distro is booted\n");
		return 1;
	}
	printf("porthole: stopping the system distro (portholed pid %d)\n", (int)state.pid);
	boot_end(state.pid, 15);
	boot_unmount_shared(state.shared_dir);
	boot_state_remove(&state);
	printf("porthole: stopped\n");
	return 0;
}
