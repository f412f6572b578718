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

/* Everything the namespace child needs, set up before the clone. */
struct boot_plan {
	struct boot_options *options;
	char scratch[PATH_MAX]; /* private tmpfs: upper, work, the merged root */
	char lower[PATH_MAX];
	char portholed[PATH_MAX]; /* inside the new root */
	char keep[PATH_MAX];      /* host dir kept across boots: /var/lib/porthole inside */
	bool host_root;
	int ready_fd;
};

/**
 * The child of the clone, in the new namespaces: mounts the system distro's
 * root (the overlay, /dev, /proc, the host's mounts it keeps) and becomes
 * portholed. @data is the struct boot_plan. Never returns on success.
 */
int boot_child(void *data);

#endif
