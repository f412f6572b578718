/* porthole status and logs: what the booted system distro serves and runs, and what it wrote. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"
#include "paths.h"

void
launcher_copy_stream(FILE *in, FILE *out)
{
	char buffer[16384];
	size_t n;

	while ((n = fread(buffer, 1, sizeof buffer, in)) > 0)
		fwrite(buffer, 1, n, out);
}

/* Prints every process in portholed's pid namespace with its RSS. */
static void
status_print_processes(pid_t init_pid)
{
	char path[PATH_MAX], ns[64], want[64], line[256];
	long total_kb = 0;
	struct dirent *entry;
	DIR *proc;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)init_pid);
	n = readlink(path, want, sizeof want - 1);
	if (n <= 0)
		return;
	want[n] = '\0';
	proc = opendir("/proc");
	if (!proc)
		return;
	printf("  %-8s %-22s %10s\n", "pid", "process", "RSS (kB)");
	while ((entry = readdir(proc))) {
		char name[64] = "?";
		long rss_kb = 0;
		FILE *file;

		if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/ns/pid", entry->d_name);
		n = readlink(path, ns, sizeof ns - 1);
		if (n <= 0)
			continue;
		ns[n] = '\0';
		if (strcmp(ns, want) != 0)
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", entry->d_name);
		file = fopen(path, "re");
		while (file && fgets(line, sizeof line, file)) {
			sscanf(line, "Name: %63s", name);
			sscanf(line, "VmRSS: %ld", &rss_kb);
		}
		if (file)
			fclose(file);
		total_kb += rss_kb;
		printf("  %-8s %-22s %10ld\n", entry->d_name, name, rss_kb);
	}
	closedir(proc);
	printf("  %-8s %-22s %10ld\n", "", "total", total_kb);
}

int
status_main(int argc, char *argv[])
{
	struct boot_state state;
	char path[PATH_MAX], listen[256] = "?";
	bool all = true;

	if (argc > 1) {
		printf("Usage: porthole status\n\nWhether a system distro runs: its sockets, "
		       "processes and memory.\nExit status: 0 running and every socket "
		       "accepts, 1 otherwise.\n");
		return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0
										    : EXIT_USAGE;
	}
	if (boot_state_load(&state, false) < 0)
		return 1;
	boot_state_connect_value(&state, "listen", listen, sizeof listen);
	printf("porthole: system distro running, portholed pid %d\n  shared dir %s\n  RDP "
	       "%s\n  DISPLAY :%d\n",
	       (int)state.pid, state.shared_dir, listen, state.x11_display);
	for (int i = 0; i < BOOT_SOCKET_COUNT; i++) {
		bool ok = boot_socket_path(&state, i, path, sizeof path) == 0 &&
			  launcher_socket_listening(&state, path);
		printf("  %-40s %s\n", path, ok ? "accepts" : "NOT ACCEPTING");
		all = all && ok;
	}
	status_print_processes(state.pid);
	return all ? 0 : 1;
}

int
logs_main(int argc, char *argv[])
{
	struct boot_state state;
	const char *name = argc > 1 ? argv[1] : "stderr";
	char path[PATH_MAX];
	FILE *file;

	if (argc > 2 || (argc == 2 && (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0))) {
		printf("Usage: porthole logs [stderr|compositor|pulseaudio]\n\nPrints a log "
		       "of the booted system distro (default stderr: portholed and the\n"
		       "services' own error output).\n");
		return argc > 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(name, "stderr") && strcmp(name, "compositor") && strcmp(name, "pulseaudio")) {
		fprintf(stderr,
			"porthole logs: no log \"%s\"; there are stderr, compositor and "
			"pulseaudio\n",
			name);
		return EXIT_USAGE;
	}
	if (boot_state_load(&state, false) < 0)
		return 1;
	if (path_printf(path, sizeof path, "%s/%s.log", state.shared_dir, name) < 0)
		return 1;
	file = launcher_open_log(state.shared_dir, path + strlen(state.shared_dir) + 1);
	if (!file) {
		fprintf(stderr, "porthole logs: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	launcher_copy_stream(file, stdout);
	fclose(file);
	return 0;
}
