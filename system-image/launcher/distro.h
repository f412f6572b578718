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

/** Finds @name (or the first uid >= 1000 when NULL) in <@root>/etc/passwd. 0 or -1. */
int distro_find_user(const char *root, const char *name, struct distro_user *user);

/**
 * @user's supplementary groups from <@root>/etc/group (when @user is not NULL);
 * returns the gid of group @wanted, or -1 when @wanted is NULL or absent.
 */
long distro_read_groups(const char *root, struct distro_user *user, const char *wanted);

/** The environment of @user's session: home, path, and Porthole's sockets. */
void distro_set_session_env(const struct distro_user *user);

#endif
