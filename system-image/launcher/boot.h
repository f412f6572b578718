/* What `porthole boot`'s two halves share: the host side (boot.c) and the child in the new namespaces (boot-child.c). */
#ifndef PORTHOLE_BOOT_H
#define PORTHOLE_BOOT_H

#include <limits.h>
#include <stdbool.h>

struct boot_options {
	const char *image;
	const char *rootfs;
	const char *user_config;
	char shared_dir[PATH_MAX];
	int timeout_s;
};

#define BOOT_RDP_FDS_MAX 8
#define BOOT_X11_DISPLAY_MAX 64

/* Everything the namespace child needs, set up before the clone. */
struct boot_plan {
	struct boot_options *options;
	char scratch[PATH_MAX]; /* private tmpfs: upper, work, the merged root */
	char lower[PATH_MAX];
	char portholed[PATH_MAX]; /* inside the new root */
	char keep[PATH_MAX];      /* host dir kept across boots: /var/lib/porthole inside */
	bool host_root;
	int ready_fd;
	/* opened in the host's network before the distro gets its own (boot-sockets.c) */
	char rdp_sockets[1024]; /* [rdp] listen with fd:N for each TCP socket */
	int rdp_fds[BOOT_RDP_FDS_MAX];
	int n_rdp_fds;
	int x11_display;
	int x11_hold_fd; /* its abstract name in the host's network, held */
};

/**
 * Opens the RDP listening sockets of [rdp] listen (the user's config or the
 * default) and reserves an X11 display number, in the host's network. Says
 * what failed and what to do on stderr; 0 or -1.
 */
int boot_open_sockets(struct boot_plan *plan);

/** Closes what boot_open_sockets() opened (the boot's host side keeps none). */
void boot_close_sockets(struct boot_plan *plan);

/**
 * The child of the clone, in the new namespaces: mounts the system distro's
 * root (the overlay, /dev, /proc, the host's mounts it keeps) and becomes
 * portholed. @data is the struct boot_plan. Never returns on success.
 */
int boot_child(void *data);

#endif
