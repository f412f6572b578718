/*
 * porthole: the user's command. The system-distro verbs (boot, run, system,
 * connect, status, stop, logs) live in their own files; the rest speak the
 * compositor's control-socket protocol (common/control-protocol.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "control-protocol.h"
#include "launcher.h"
#include "paths.h"
#include "strbuf.h"

struct cli {
	const char *runtime_dir;
	const char *socket_name;
	int timeout_ms;
	char control_path[108]; /* empty: none known */
};

static void
cli_usage(FILE *out)
{
	fprintf(out,
		"Usage: porthole [--runtime-dir DIR] [--socket NAME] COMMAND [ARGS]\n"
		"\n"
		"The system distro (as root; `porthole COMMAND --help` for each):\n"
		"  boot [--image FILE|--rootfs DIR]  boot it; returns when its sockets accept\n"
		"  run [--distro DIR] -- CMD...      run CMD in a user distro attached to it\n"
		"  system [-- CMD...]                a shell (or CMD) inside the system distro\n"
		"  connect [-- CLIENT-ARGS]          the host's RDP client, RemoteApp, sound on\n"
		"  status | stop | logs [NAME]       how it runs, stop it, read its logs\n"
		"\n"
		"The compositor, through its control socket\n"
		"$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY.control (default socket wayland-0; with\n"
		"no XDG_RUNTIME_DIR, the booted system distro's):\n"
		"  windows [--json]                  list mapped windows: id, app_id, title,\n"
		"                                    position, size, state, focus, kind\n"
		"  screenshot FILE.png [--window ID | --output N]\n"
		"                                    save the first output (or a window) as PNG\n"
		"  env                               print XDG_RUNTIME_DIR, WAYLAND_DISPLAY and\n"
		"                                    DISPLAY for `eval $(porthole env)`\n"
		"  window ID ACTION [ARGS]           activate, minimize, maximize, unmaximize,\n"
		"                                    fullscreen, unfullscreen, restore, close,\n"
		"                                    move X Y, resize W H\n"
		"  outputs                           list outputs\n"
		"  peers                             list RDP clients (JSON): mode, codec,\n"
		"                                    keyboard layout, frames sent and held\n"
		"  output add W H | output resize N W H | output layout WxH+X+Y ...\n"
		"                                    the outputs exactly so (the first first)\n"
		"  input move X Y | input button CODE press|release | input key CODE "
		"press|release\n"
		"                                    synthetic input, for tests\n"
		"  capture start|stop|stats          read back each repaint's damage, with\n"
		"                                    timing (benchmarks)\n"
		"  capture png FILE.png              save the read-back copy of the output\n"
		"  ping                              check the compositor answers\n"
		"  quit                              stop the compositor\n"
		"\n"
		"Options:\n"
		"  --runtime-dir DIR   where the sockets are (default $XDG_RUNTIME_DIR)\n"
		"  --socket NAME       Wayland socket name (default $WAYLAND_DISPLAY or "
		"wayland-0)\n"
		"  --timeout SECONDS   give up waiting for an answer (default 10)\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 success, 1 the compositor failed or cannot be reached, 2 usage.\n");
}

static int
cli_connect(const struct cli *cli)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	if (!cli->control_path[0]) {
		fprintf(stderr, "porthole: XDG_RUNTIME_DIR is not set and no system distro is "
				"booted; pass --runtime-dir DIR\n");
		return -1;
	}
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", cli->control_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		fprintf(stderr,
			"porthole: cannot reach the compositor at %s: %s\n"
			"porthole: is porthole-compositor running with --socket=%s? "
			"(see --runtime-dir, --socket)\n",
			addr.sun_path, strerror(errno), cli->socket_name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
cli_read_some(const struct cli *cli, int fd, struct strbuf *buf)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char chunk[65536];
	ssize_t n;
	int r;

	do {
		r = poll(&pfd, 1, cli->timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		fprintf(stderr, "porthole: no answer from the compositor within %d s\n",
			cli->timeout_ms / 1000);
		return -1;
	}
	n = read(fd, chunk, sizeof chunk);
	if (n < 0) {
		fprintf(stderr, "porthole: reading the reply: %s\n", strerror(errno));
		return -1;
	}
	strbuf_append(buf, chunk, (size_t)n);
	return (int)n;
}

/* Sends @request and returns the payload in @payload: 0, or 1 on an error reply. */
static int
cli_request(const struct cli *cli, const char *request, struct strbuf *payload)
{
	struct strbuf buf;
	char *newline;
	size_t header_len, want;
	int fd, ret = 1;

	fd = cli_connect(cli);
	if (fd < 0)
		return 1;
	if (write_all(fd, request, strlen(request)) < 0 || write_all(fd, "\n", 1) < 0) {
		fprintf(stderr, "porthole: sending the request: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	strbuf_init(&buf);
	while (!buf.data || !(newline = memchr(buf.data, '\n', buf.len))) {
		if (cli_read_some(cli, fd, &buf) <= 0)
			goto out;
	}
	*newline = '\0';
	header_len = (size_t)(newline - buf.data) + 1;
	if (strncmp(buf.data, "error ", 6) == 0) {
		fprintf(stderr, "porthole: %s\n", buf.data + 6);
		goto out;
	}
	if (sscanf(buf.data, "ok %zu", &want) != 1) {
		fprintf(stderr, "porthole: malformed reply from the compositor\n");
		goto out;
	}
	while (buf.len - header_len < want) {
		if (cli_read_some(cli, fd, &buf) <= 0) {
			fprintf(stderr, "porthole: the reply ended early\n");
			goto out;
		}
	}
	strbuf_append(payload, buf.data + header_len, want);
	ret = payload->failed ? 1 : 0;
out:
	strbuf_release(&buf);
	close(fd);
	return ret;
}

static int
cli_print(const struct cli *cli, const char *request)
{
	struct strbuf payload;
	int ret;

	strbuf_init(&payload);
	ret = cli_request(cli, request, &payload);
	if (ret == 0 && payload.len)
		fwrite(payload.data, 1, payload.len, stdout);
	strbuf_release(&payload);
	return ret;
}

/* Prints the compositor's NAME=value lines as `export NAME='value'` for eval. */
static int
cli_env(const struct cli *cli)
{
	struct strbuf payload;
	char *save = NULL;
	int ret;

	strbuf_init(&payload);
	ret = cli_request(cli, "env", &payload);
	if (ret == 0 && payload.len) {
		for (char *line = strtok_r(payload.data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(line, '=');
			if (!eq)
				continue;
			printf("export %.*s='", (int)(eq - line), line);
			for (const char *v = eq + 1; *v; v++) {
				if (*v == '\'')
					fputs("'\\''", stdout);
				else
					putchar(*v);
			}
			printf("'\n");
		}
	}
	strbuf_release(&payload);
	return ret;
}

/* Sends @request and writes the payload to @file, printing its name. */
static int
cli_save(const struct cli *cli, const char *request, const char *file)
{
	struct strbuf payload;
	int ret, fd;

	strbuf_init(&payload);
	ret = cli_request(cli, request, &payload);
	if (ret == 0) {
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write_all(fd, payload.data, payload.len) < 0 || close(fd) < 0) {
			fprintf(stderr, "porthole: cannot write %s: %s\n", file, strerror(errno));
			ret = 1;
		} else {
			printf("%s\n", file);
		}
	}
	strbuf_release(&payload);
	return ret;
}

static int
cli_screenshot(const struct cli *cli, int argc, char *argv[])
{
	const char *file = NULL, *window = NULL, *output = NULL;
	char request[128];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--window") == 0 && i + 1 < argc)
			window = argv[++i];
		else if (strcmp(argv[i], "--output") == 0 && i + 1 < argc)
			output = argv[++i];
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else {
			fprintf(stderr,
				"porthole: screenshot FILE.png [--window ID | --output N]\n");
			return EXIT_USAGE;
		}
	}
	if (!file || (window && output)) {
		fprintf(stderr, "porthole: screenshot FILE.png [--window ID | --output N]\n");
		return EXIT_USAGE;
	}
	if (window)
		snprintf(request, sizeof request, "screenshot window %s", window);
	else if (output)
		snprintf(request, sizeof request, "screenshot output %s", output);
	else
		snprintf(request, sizeof request, "screenshot");

	return cli_save(cli, request, file);
}

/* Joins @argv into one request line; no argument may hold a space or newline. */
static int
cli_join(struct strbuf *out, const char *verb, int argc, char *argv[])
{
	strbuf_appendf(out, "%s", verb);
	for (int i = 0; i < argc; i++) {
		if (strpbrk(argv[i], " \n") || !*argv[i]) {
			fprintf(stderr, "porthole: bad argument \"%s\"\n", argv[i]);
			return -1;
		}
		strbuf_appendf(out, " %s", argv[i]);
	}
	return out->failed ? -1 : 0;
}

static int
cli_passthrough(const struct cli *cli, const char *verb, int argc, char *argv[], int min_args)
{
	struct strbuf req;
	int ret;

	if (argc < min_args) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	strbuf_init(&req);
	ret = cli_join(&req, verb, argc, argv) < 0 ? EXIT_USAGE : cli_print(cli, req.data);
	strbuf_release(&req);
	return ret;
}

/* The verbs that talk to a running compositor over its control socket. */
static int
cli_compositor_verb(struct cli *cli, const char *cmd, int argc, char *argv[])
{
	if (strcmp(cmd, "windows") == 0) {
		if (argc > 1 || (argc == 1 && strcmp(argv[0], "--json") != 0)) {
			fprintf(stderr, "porthole: windows [--json]\n");
			return EXIT_USAGE;
		}
		return cli_print(cli, argc ? "windows json" : "windows");
	}
	if (strcmp(cmd, "screenshot") == 0)
		return cli_screenshot(cli, argc, argv);
	if (strcmp(cmd, "env") == 0) {
		if (argc) {
			fprintf(stderr, "porthole: env takes no arguments\n");
			return EXIT_USAGE;
		}
		return cli_env(cli);
	}
	if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "ping") == 0 || strcmp(cmd, "outputs") == 0 ||
	    strcmp(cmd, "peers") == 0) {
		if (argc) {
			fprintf(stderr, "porthole: %s takes no arguments\n", cmd);
			return EXIT_USAGE;
		}
		return cli_print(cli, cmd);
	}
	if (strcmp(cmd, "window") == 0)
		return cli_passthrough(cli, "window", argc, argv, 2);
	if (strcmp(cmd, "output") == 0)
		return cli_passthrough(cli, "output", argc, argv, 2);
	if (strcmp(cmd, "input") == 0)
		return cli_passthrough(cli, "input", argc, argv, 3);
	if (strcmp(cmd, "capture") == 0 && argc == 2 && strcmp(argv[0], "png") == 0)
		return cli_save(cli, "capture png", argv[1]);
	if (strcmp(cmd, "capture") == 0)
		return cli_passthrough(cli, "capture", argc, argv, 1);
	fprintf(stderr, "porthole: unknown command \"%s\" (see --help)\n", cmd);
	return EXIT_USAGE;
}

/* The options before the verb; the verb's index, or -1 and *@exit_code to end with. */
static int
cli_parse_options(struct cli *cli, int argc, char *argv[], int *exit_code)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cli_usage(stdout);
			*exit_code = 0;
			return -1;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("porthole %s\n", PORTHOLE_VERSION);
			*exit_code = 0;
			return -1;
		} else if (strcmp(argv[i], "--runtime-dir") == 0 && i + 1 < argc) {
			cli->runtime_dir = argv[++i];
		} else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			cli->socket_name = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			cli->timeout_ms = atoi(argv[++i]) * 1000;
			if (cli->timeout_ms <= 0) {
				fprintf(stderr, "porthole: --timeout needs a positive number\n");
				*exit_code = EXIT_USAGE;
				return -1;
			}
		} else {
			fprintf(stderr, "porthole: unknown option %s (see --help)\n", argv[i]);
			*exit_code = EXIT_USAGE;
			return -1;
		}
	}
	if (i >= argc) {
		cli_usage(stderr);
		*exit_code = EXIT_USAGE;
		return -1;
	}
	return i;
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char *name;
		int (*main)(int argc, char *argv[]);
	} system_verbs[] = {
		{"boot", boot_main},       {"stop", stop_main}, {"status", status_main},
		{"logs", logs_main},       {"run", run_main},   {"system", system_main},
		{"connect", connect_main},
	};
	static char booted_runtime_dir[PATH_MAX + 16];
	struct cli cli = {
		.runtime_dir = getenv("XDG_RUNTIME_DIR"),
		.socket_name = getenv("WAYLAND_DISPLAY"),
		.timeout_ms = 10000,
	};
	struct boot_state booted;
	int i, exit_code;

	if (!cli.socket_name || !*cli.socket_name || strchr(cli.socket_name, '/'))
		cli.socket_name = "wayland-0";
	i = cli_parse_options(&cli, argc, argv, &exit_code);
	if (i < 0)
		return exit_code;
	for (size_t v = 0; v < sizeof system_verbs / sizeof system_verbs[0]; v++) {
		if (strcmp(argv[i], system_verbs[v].name) == 0)
			return system_verbs[v].main(argc - i, argv + i);
	}
	/*
	 * No runtime dir given: the booted system distro's compositor, whose
	 * control socket is in the distro's private /run, reached through its root
	 * (root only: the socket is no API for apps).
	 */
	if (cli.runtime_dir) {
		if (control_socket_path(cli.control_path, sizeof cli.control_path, cli.runtime_dir,
					cli.socket_name) < 0)
			cli.control_path[0] = '\0';
	} else if (boot_state_load(&booted, true) == 0) {
		snprintf(booted_runtime_dir, sizeof booted_runtime_dir, "%s/runtime-dir",
			 booted.shared_dir);
		cli.runtime_dir = booted_runtime_dir;
		if (path_printf(cli.control_path, sizeof cli.control_path,
				"/proc/%d/root/run/porthole/control/%s.control", (int)booted.pid,
				cli.socket_name) < 0)
			cli.control_path[0] = '\0';
	}
	return cli_compositor_verb(&cli, argv[i], argc - i - 1, argv + i + 1);
}
