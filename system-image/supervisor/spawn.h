/*
 * Starting one service process: its own environment, stdin from /dev/null,
 * output to the supervisor's stderr, and run as the unprivileged service user
 * with no capabilities beyond the ones it names.
 */
#ifndef PORTHOLE_SPAWN_H
#define PORTHOLE_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A growable NULL-terminated "NAME=value" array. */
struct sv_env {
	char **vars;
	size_t count;
};

/** Sets (or replaces) @name. Returns 0 or -1 on allocation failure. */
int sv_env_set(struct sv_env *env, const char *name, const char *value);
/** Adds every "NAME=value" line of @lines. */
int sv_env_set_lines(struct sv_env *env, const char *lines);
const char *sv_env_get(const struct sv_env *env, const char *name);
void sv_env_release(struct sv_env *env);

/* A growable NULL-terminated argument vector. */
struct sv_argv {
	char **args;
	size_t count;
};

/** Appends one argument, formatted. Returns 0 or -1 on allocation failure. */
int sv_argv_addf(struct sv_argv *argv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sv_argv_release(struct sv_argv *argv);

struct sv_identity {
	bool drop; /* false when the supervisor itself is unprivileged */
	uid_t uid;
	gid_t gid;
	/*
	 * The supplementary groups, read once by the supervisor: a forked child
	 * may make only async-signal-safe calls, and the group database is not one.
	 */
	gid_t *groups;
	size_t n_groups;
};

/**
 * @id becomes @user's (@uid, @gid), to be dropped to, with @user's groups as
 * the group database lists them now. Returns 0, or -1 (the reason logged).
 */
int sv_identity_set_user(struct sv_identity *id, const char *user, uid_t uid, gid_t gid);
/** NULL-safe. */
void sv_identity_release(struct sv_identity *id);

struct sv_spawn {
	char *const *argv;
	const struct sv_env *env;
	const struct sv_identity *identity;
	bool keep_net_bind_service; /* a listener on a port below 1024 */
	const int *pass_fds;        /* open files the service inherits (its secrets) */
	size_t n_pass_fds;
};

/** Forks and execs; returns the child's pid or -1 (the reason logged). */
pid_t sv_spawn(const struct sv_spawn *spec);

#endif
