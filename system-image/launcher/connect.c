/*
 * porthole connect: the host's RDP client (xfreerdp) in RemoteApp mode, with
 * this boot's credentials and its pinned certificate, sound and microphone
 * redirected to the host's PulseAudio, clipboard on.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xcb/xcb.h>

#include "launcher.h"
#include "paths.h"

#define CONNECT_ARGS_MAX 64

/*
 * Whether a PulseAudio answers the host's clients (pactl resolves the server as
 * xfreerdp's PulseAudio backend does). Without one xfreerdp ends the whole session
 * when its sound channel fails to open, so the caller leaves sound out instead.
 */
static bool
connect_host_has_pulseaudio(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		/* no autospawn: probing must not start a server */
		setenv("PULSE_CLIENTCONFIG", "/dev/null", 1);
		execlp("pactl", "pactl", "--", "info", (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return false;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int
connect_read_first_line(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *file = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!file) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!fgets(out, (int)size, file))
		out[0] = '\0';
	fclose(file);
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] ? 0 : -1;
}

static void
connect_usage(FILE *out)
{
	fprintf(out,
		"Usage: porthole connect [--desktop] [--no-sound] [-- EXTRA-CLIENT-ARGS...]\n"
		"\n"
		"Starts xfreerdp on $DISPLAY against the booted system distro: RemoteApp (each\n"
		"app window its own host window), this boot's user, password and certificate\n"
		"fingerprint, sound and microphone through the host's PulseAudio, clipboard on,\n"
		"graphics through the RDP graphics pipeline.\n"
		"\n"
		"  --desktop    the whole desktop in one window instead of RemoteApp\n"
		"  --no-sound   no sound or microphone redirection\n"
		"  --print      print the client's command line (password hidden) and exit\n"
		"\n"
		"Exit status: the client's; 1 when nothing is booted or the client is missing.\n");
}

/* What reaches this boot's RDP server: read from its connect.ini and private files. */
struct connect_info {
	char listen[256], user[64], password[256], fingerprint[256];
};

static int
connect_read_info(const struct boot_state *state, struct connect_info *info)
{
	char password_file[PATH_MAX], path[PATH_MAX];

	if (boot_state_connect_value(state, "listen", info->listen, sizeof info->listen) < 0 ||
	    boot_state_connect_value(state, "user", info->user, sizeof info->user) < 0 ||
	    boot_state_connect_value(state, "password-file", password_file, sizeof password_file) <
		    0 ||
	    boot_state_connect_value(state, "fingerprint", info->fingerprint,
				     sizeof info->fingerprint) < 0) {
		fprintf(stderr, "porthole connect: cannot read the system distro's "
				"/run/porthole/connect.ini (see `porthole logs`)\n");
		return -1;
	}
	if (strncmp(info->listen, "tcp:", 4) != 0) {
		fprintf(stderr,
			"porthole connect: the RDP server listens on %s; xfreerdp "
			"needs a TCP address ([rdp] listen=tcp:HOST:PORT)\n",
			info->listen);
		return -1;
	}
	/* root's file in the system distro's private /run: read through its root */
	if (path_printf(path, sizeof path, "/proc/%d/root%s", (int)state->pid, password_file) < 0 ||
	    connect_read_first_line(path, info->password, sizeof info->password) < 0) {
		fprintf(stderr, "porthole connect: cannot read the RDP password %s: %s\n",
			password_file, strerror(errno));
		return -1;
	}
	return 0;
}

struct connect_args {
	char *args[CONNECT_ARGS_MAX];
	int n;
	char target[300], user[80], cert[320];
};

/*
 * Makes stdin a pipe that holds the password and its newline: xfreerdp
 * /from-stdin reads it there. A password is far smaller than a pipe's buffer.
 */
static int
connect_pass_password(const char *password)
{
	size_t len = strlen(password);
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	if (write(fds[1], password, len) != (ssize_t)len || write(fds[1], "\n", 1) != 1 ||
	    dup2(fds[0], STDIN_FILENO) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[0]);
	close(fds[1]);
	return 0;
}

/*
 * Whether the host's X display has an EWMH window manager that handles
 * _NET_WM_STATE: xfreerdp's own test before it sets that property, which it does
 * on menus and tooltips regardless, with atom 0 (BadAtom, and the client dies)
 * where there is none. When the display cannot be asked, the usual case: yes.
 */
static bool
connect_host_has_window_manager(void)
{
	static const char *names[] = {"_NET_SUPPORTED", "_NET_WM_STATE"};
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	xcb_intern_atom_cookie_t cookies[2];
	xcb_atom_t atoms[2] = {XCB_ATOM_NONE, XCB_ATOM_NONE};
	xcb_get_property_reply_t *supported;
	bool found = true;

	if (xcb_connection_has_error(c)) {
		xcb_disconnect(c);
		return true;
	}
	for (int i = 0; i < 2; i++)
		cookies[i] = xcb_intern_atom(c, 0, strlen(names[i]), names[i]);
	for (int i = 0; i < 2; i++) {
		xcb_intern_atom_reply_t *reply = xcb_intern_atom_reply(c, cookies[i], NULL);

		if (reply)
			atoms[i] = reply->atom;
		free(reply);
	}
	/* 4096 atoms: more than any window manager lists */
	supported = xcb_get_property_reply(
		c,
		xcb_get_property(c, 0, xcb_setup_roots_iterator(xcb_get_setup(c)).data->root,
				 atoms[0], XCB_ATOM_ATOM, 0, 4096),
		NULL);
	if (supported && supported->format == 32) {
		const xcb_atom_t *list = xcb_get_property_value(supported);
		int n = xcb_get_property_value_length(supported) / 4;

		found = false;
		for (int i = 0; i < n && !found; i++)
			found = list[i] == atoms[1];
	} else if (supported) {
		found = false; /* no _NET_SUPPORTED on the root: no EWMH window manager */
	}
	free(supported);
	xcb_disconnect(c);
	return found;
}

/* xfreerdp's command line: the server, pinned to its certificate, and what it offers. */
static void
connect_build_args(struct connect_args *a, const struct connect_info *info, bool desktop,
		   bool sound, bool window_manager, char **extra, int n_extra)
{
	snprintf(a->target, sizeof a->target, "/v:%s", info->listen + 4);
	snprintf(a->user, sizeof a->user, "/u:%s", info->user);
	/* Pinned: this boot's self-signed certificate and no other. */
	snprintf(a->cert, sizeof a->cert, "/cert:fingerprint:sha256:%s", info->fingerprint);
	a->n = 0;
	a->args[a->n++] = "xfreerdp";
	a->args[a->n++] = a->target;
	a->args[a->n++] = a->user;
	/*
	 * The password comes on stdin (connect_pass_password()), never on the
	 * command line, which every user can read in /proc; a domain, so that is
	 * not asked for first.
	 */
	a->args[a->n++] = "/d:porthole";
	a->args[a->n++] = "/from-stdin:force";
	a->args[a->n++] = a->cert;
	a->args[a->n++] = "/bpp:32";
	a->args[a->n++] = "+clipboard";
	/*
	 * The graphics pipeline: planar, lossless and lighter than raw SurfaceBits;
	 * with AVC420 offered, areas that change at every frame (video, animations,
	 * scrolling) go as H.264 until they settle, then again losslessly.
	 */
	a->args[a->n++] = "/gfx:avc420";
	/* words after the name tell the server about the host (rdp-rail-requests.c) */
	if (desktop)
		a->args[a->n++] = "/dynamic-resolution";
	else if (window_manager)
		a->args[a->n++] = "/app:porthole";
	else
		a->args[a->n++] = "/app:porthole host-without-window-manager";
	if (sound) {
		/*
		 * The client's PulseAudio stream starts once this much is buffered, so
		 * it is most of the delay before a sound is heard: 40 ms is 33 ms from
		 * paplay to the host's speaker (54 at 50 or 75 ms, which wait for one
		 * more block), with no underrun in a minute of tone on a busy machine
		 * (tests/bench/bench_audio.py).
		 */
		a->args[a->n++] = "/sound:sys:pulse,latency:40";
		a->args[a->n++] = "/microphone:sys:pulse";
	}
	for (int i = 0; i < n_extra; i++)
		a->args[a->n++] = extra[i];
	a->args[a->n] = NULL;
}

int
connect_main(int argc, char *argv[])
{
	static const struct option options[] = {
		{"desktop", no_argument, NULL, 'd'},
		{"no-sound", no_argument, NULL, 'n'},
		{"print", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool desktop = false, sound = true, print = false;
	struct connect_info info;
	struct connect_args args;
	struct boot_state state;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			desktop = true;
			break;
		case 'n':
			sound = false;
			break;
		case 'p':
			print = true;
			break;
		case 'h':
			connect_usage(stdout);
			return 0;
		default:
			connect_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > CONNECT_ARGS_MAX - 16) {
		fprintf(stderr, "porthole connect: too many client arguments\n");
		return EXIT_USAGE;
	}
	if (boot_state_load(&state, false) < 0 || connect_read_info(&state, &info) < 0)
		return 1;
	if (sound && !print && !connect_host_has_pulseaudio()) {
		fprintf(stderr, "porthole connect: no PulseAudio answers on the host (`pactl info` "
				"fails), so no sound or microphone this time; start one "
				"(pulseaudio --start) to have them, or pass --no-sound\n");
		sound = false;
	}
	connect_build_args(&args, &info, desktop, sound,
			   desktop || connect_host_has_window_manager(), argv + optind,
			   argc - optind);
	if (print) {
		for (int i = 0; i < args.n; i++)
			printf("%s%s", i ? " " : "", args.args[i]);
		printf("\n");
		return 0;
	}
	if (!getenv("DISPLAY")) {
		fprintf(stderr, "porthole connect: DISPLAY is not set; xfreerdp needs the host's "
				"X display\n");
		return 1;
	}
	if (connect_pass_password(info.password) < 0) {
		fprintf(stderr, "porthole connect: cannot hand the password to xfreerdp: %s\n",
			strerror(errno));
		return 1;
	}
	explicit_bzero(info.password, sizeof info.password);
	execvp(args.args[0], args.args);
	fprintf(stderr,
		"porthole connect: cannot run xfreerdp: %s (apt-get install "
		"freerdp2-x11)\n",
		strerror(errno));
	return 1;
}
