#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sv-log.h"

int
sv_env_set(struct sv_env *env, const char *name, const char *value)
{
	size_t name_len = strlen(name);
	char *var, **vars;

	if (asprintf(&var, "%s=%s", name, value) < 0)
		return -1;
	for (size_t i = 0; i < env->count; i++) {
		if (strncmp(env->vars[i], name, name_len) == 0 && env->vars[i][name_len] == '=') {
			free(env->vars[i]);
			env->vars[i] = var;
			return 0;
		}
	}
	vars = realloc(env->vars, (env->count + 2) * sizeof *vars);
	if (!vars) {
		free(var);
		return -1;
	}
	env->vars = vars;
	env->vars[env->count++] = var;
	env->vars[env->count] = NULL;
	return 0;
}

int
sv_env_set_lines(struct sv_env *env, const char *lines)
{
	char *copy = strdup(lines), *save = NULL;
	int r = 0;

	if (!copy)
		return -1;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (sv_env_set(env, line, eq + 1) < 0)
			r = -1;
	}
	free(copy);
	return r;
}

const char *
sv_env_get(const struct sv_env *env, const char *name)
{
	size_t name_len = strlen(name);

	for (size_t i = 0; i < env->count; i++) {
		if (strncmp(env->vars[i], name, name_len) == 0 && env->vars[i][name_len] == '=')
			return env->vars[i] + name_len + 1;
	}
	return NULL;
}

void
sv_env_release(struct sv_env *env)
{
	for (size_t i = 0; i < env->count; i++)
		free(env->vars[i]);
	free(env->vars);
	env->vars = NULL;
	env->count = 0;
}

int
sv_argv_addf(struct sv_argv *argv, const char *fmt, ...)
{
	char *arg, **args;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&arg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	args = realloc(argv->args, (argv->count + 2) * sizeof *args);
	if (!args) {
		free(arg);
		return -1;
	}
	argv->args = args;
	argv->args[argv->count++] = arg;
	argv->args[argv->count] = NULL;
	return 0;
}

void
sv_argv_release(struct sv_argv *argv)
{
	for (size_t i = 0; i < argv->count; i++)
		free(argv->args[i]);
	free(argv->args);
	argv->args = NULL;
	argv->count = 0;
}

int
sv_identity_set_user(struct sv_identity *id, const char *user, uid_t uid, gid_t gid)
{
	int count = 16;
	gid_t *groups = NULL;

	for (;;) {
		gid_t *bigger = realloc(groups, (size_t)count * sizeof *groups);
		int room = count;

		if (!bigger) {
			free(groups);
			sv_log("cannot list the groups of %s: out of memory", user);
			return -1;
		}
		groups = bigger;
		/* -1: more groups than room, and @count says how many there are */
		if (getgrouplist(user, gid, groups, &count) >= 0)
			break;
		if (count <= room)
			count = room * 2;
	}
	sv_identity_release(id);
	*id = (struct sv_identity){
		.drop = true, .uid = uid, .gid = gid, .groups = groups, .n_groups = (size_t)count};
	return 0;
}

void
sv_identity_release(struct sv_identity *id)
{
	if (!id)
		return;
	free(id->groups);
	id->groups = NULL;
	id->n_groups = 0;
}

/* In the child: from here on only async-signal-safe calls and _exit. */
static void
sv_spawn_fail(const char *what)
{
	char line[256];
	int n = snprintf(line, sizeof line, "portholed: child %d: %s: %s\n", (int)getpid(), what,
			 strerror(errno));

	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n);
	_exit(127);
}

/* Becomes the service user. With @keep_net_bind, CAP_NET_BIND_SERVICE stays as
 * an ambient capability (it survives execve); every other one is gone. */
static void
sv_spawn_drop_privileges(const struct sv_identity *id, bool keep_net_bind)
{
	struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};
	const unsigned bit = CAP_NET_BIND_SERVICE;

	if (setgroups(id->n_groups, id->groups) < 0)
		sv_spawn_fail("setgroups");
	if (setresgid(id->gid, id->gid, id->gid) < 0)
		sv_spawn_fail("setresgid");
	if (keep_net_bind && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		sv_spawn_fail("PR_SET_KEEPCAPS");
	if (setresuid(id->uid, id->uid, id->uid) < 0)
		sv_spawn_fail("setresuid");
	if (keep_net_bind) {
		data[0].effective = data[0].permitted = data[0].inheritable = 1u << bit;
		if (syscall(SYS_capset, &header, data) < 0)
			sv_spawn_fail("capset");
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, bit, 0, 0) < 0)
			sv_spawn_fail("PR_CAP_AMBIENT_RAISE");
	}
}

pid_t
sv_spawn(const struct sv_spawn *spec)
{
	sigset_t all;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		sv_log("cannot start %s: fork: %s", spec->argv[0], strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;

	/* The supervisor takes its signals through a signalfd with them blocked;
	 * a service must get them the ordinary way. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setpgid(0, 0);
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0)
		sv_spawn_fail("/dev/null");
	dup2(STDERR_FILENO, STDOUT_FILENO);
	for (size_t i = 0; i < spec->n_pass_fds; i++) {
		if (fcntl(spec->pass_fds[i], F_SETFD, 0) < 0)
			sv_spawn_fail("passing a file");
	}
	umask(022);
	if (spec->identity->drop)
		sv_spawn_drop_privileges(spec->identity, spec->keep_net_bind_service);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		sv_spawn_fail("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
		sv_spawn_fail("PR_SET_PDEATHSIG");
	execve(spec->argv[0], spec->argv, spec->env->vars);
	sv_spawn_fail(spec->argv[0]);
	return -1;
}
