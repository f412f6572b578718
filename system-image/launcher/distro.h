/*
 * The users of a distro, from its own files, and a session's environment:
 * what `porthole run` and `porthole system` share.
 */
#ifndef PORTHOLE_DISTRO_H
#define PORTHOLE_DISTRO_H

#include <limits.h>
#include <sys/types.h>

#define RUN_GROUPS_MAX 64

/* A user as the distro's own /etc/passwd and /etc/group say. */
struct distro_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[PATH_MAX];
	char shell[PATH_MAX];
	gid_t groups[RUN_GROUPS_MAX];
	int group_count;
};

/* Users' own uids and gids start here; below are the system's (the host's, too). */
#define DISTRO_FIRST_UID 1000
#define DISTRO_FIRST_GID 1000

/** Finds @name (or the first uid >= 1000 when NULL) in <@root>/etc/passwd. 0 or -1. */
int distro_find_user(const char *root, const char *name, struct distro_user *user);

/**
 * @user's supplementary groups from <@root>/etc/group (when @user is not NULL):
 * at most RUN_GROUPS_MAX, only gids of 1000 and up and the device groups (none
 * for root); returns the gid of group @wanted, or -1 when @wanted is NULL or absent.
 */
long distro_read_groups(const char *root, struct distro_user *user, const char *wanted);

/* The most that portholed's GPU environment takes. */
#define DISTRO_GPU_ENV_MAX 1024

/**
 * The environment of @user's session: home, path, Porthole's sockets (X11 as
 * display :@x11_display) and @gpu_env (NAME=value lines, from
 * distro_read_gpu_env()); nothing else.
 */
void distro_set_session_env(const struct distro_user *user, int x11_display, const char *gpu_env);

/**
 * The GPU environment portholed (pid @portholed) chose, from its private
 * /run, the allowed names and values only (LD_LIBRARY_PATH of WSL's driver,
 * GALLIUM_DRIVER, MESA_D3D12_DEFAULT_ADAPTER_NAME). Nothing from the shared dir,
 * which others can write. 0 (@out empty when there is none) or -1.
 */
int distro_read_gpu_env(pid_t portholed, char *out, size_t size);

#endif
