#include "sv-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ini.h"

void
sv_config_init(struct sv_config *config)
{
	memset(config, 0, sizeof *config);
	snprintf(config->user, sizeof config->user, "porthole");
	snprintf(config->shared_dir, sizeof config->shared_dir, "/mnt/wslg");
	config->policy = (struct sv_policy){
		.restart_delay_min_ms = 100,
		.restart_delay_max_ms = 5000,
		.restart_limit = 5,
		.restart_window_ms = 30000,
		.ready_timeout_ms = 10000,
		.stop_timeout_ms = 5000,
	};
	snprintf(config->renderer, sizeof config->renderer, "auto");
	snprintf(config->rdp_listen, sizeof config->rdp_listen, "%s", PORTHOLE_RDP_LISTEN_DEFAULT);
	snprintf(config->rdp_user, sizeof config->rdp_user, "porthole");
}

static int
sv_config_set_string(char *dst, size_t size, const char *value, char *why, size_t why_size)
{
	if (strlen(value) >= size) {
		snprintf(why, why_size, "value longer than %zu characters", size - 1);
		return -1;
	}
	snprintf(dst, size, "%s", value);
	return 0;
}

/* Seconds, possibly fractional ("0.5"), as milliseconds within [min_ms, max_ms]. */
static int
sv_config_set_seconds(int *dst, const char *value, int min_ms, int max_ms, char *why,
		      size_t why_size)
{
	char *end;
	double seconds;

	errno = 0;
	seconds = strtod(value, &end);
	if (errno || end == value || *end != '\0' || seconds * 1000 < min_ms ||
	    seconds * 1000 > max_ms) {
		snprintf(why, why_size, "\"%s\" is not a number of seconds from %g to %g", value,
			 min_ms / 1000.0, max_ms / 1000.0);
		return -1;
	}
	*dst = (int)(seconds * 1000 + 0.5);
	return 0;
}

static int
sv_config_set_count(int *dst, const char *value, int min, int max, char *why, size_t why_size)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || end == value || *end != '\0' || n < min || n > max) {
		snprintf(why, why_size, "\"%s\" is not a whole number from %d to %d", value, min,
			 max);
		return -1;
	}
	*dst = (int)n;
	return 0;
}

static bool
sv_config_is_env_name(const char *name)
{
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return false;
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '_')
			return false;
	}
	return true;
}

static int
sv_config_take_supervisor_key(struct sv_config *c, const char *key, const char *value, char *why,
			      size_t why_size)
{
	struct sv_policy *p = &c->policy;

	if (strcmp(key, "user") == 0)
		return sv_config_set_string(c->user, sizeof c->user, value, why, why_size);
	if (strcmp(key, "shared-dir") == 0) {
		if (value[0] != '/') {
			snprintf(why, why_size, "shared-dir must be an absolute path");
			return -1;
		}
		return sv_config_set_string(c->shared_dir, sizeof c->shared_dir, value, why,
					    why_size);
	}
	if (strcmp(key, "restart-limit") == 0)
		return sv_config_set_count(&p->restart_limit, value, 1, SV_RESTART_LIMIT_MAX, why,
					   why_size);
	if (strcmp(key, "restart-window") == 0)
		return sv_config_set_seconds(&p->restart_window_ms, value, 100, 3600000, why,
					     why_size);
	if (strcmp(key, "restart-delay") == 0)
		return sv_config_set_seconds(&p->restart_delay_min_ms, value, 0, 60000, why,
					     why_size);
	if (strcmp(key, "ready-timeout") == 0)
		return sv_config_set_seconds(&p->ready_timeout_ms, value, 100, 600000, why,
					     why_size);
	if (strcmp(key, "stop-timeout") == 0)
		return sv_config_set_seconds(&p->stop_timeout_ms, value, 100, 600000, why,
					     why_size);
	snprintf(why, why_size, "unknown key \"%s\" in [supervisor]", key);
	return -1;
}

static int
sv_config_remember(struct sv_config *c, const char *section, const char *key, const char *value)
{
	struct sv_config_entry *e;

	for (size_t i = 0; i < c->entry_count; i++) {
		e = &c->entries[i];
		if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
			char *copy = strdup(value);
			if (!copy)
				return -1;
			free(e->value);
			e->value = copy;
			return 0;
		}
	}
	e = realloc(c->entries, (c->entry_count + 1) * sizeof *e);
	if (!e)
		return -1;
	c->entries = e;
	e = &c->entries[c->entry_count];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -1;
	}
	c->entry_count++;
	return 0;
}

static int
sv_config_handle_entry(void *data, const char *section, const char *key, const char *value,
		       char *why, size_t why_size)
{
	struct sv_config *c = data;
	int r = 0;

	if (strcmp(section, "supervisor") == 0) {
		r = sv_config_take_supervisor_key(c, key, value, why, why_size);
	} else if (strcmp(section, "system-distro-env") == 0) {
		if (!sv_config_is_env_name(key)) {
			snprintf(why, why_size, "\"%s\" is not an environment variable name", key);
			r = -1;
		}
	} else if (strcmp(section, "gpu") == 0 && strcmp(key, "adapter") == 0) {
		r = sv_config_set_string(c->gpu_adapter, sizeof c->gpu_adapter, value, why,
					 why_size);
	} else if (strcmp(section, "core") == 0 && strcmp(key, "renderer") == 0) {
		if (strcmp(value, "pixman") && strcmp(value, "gl") && strcmp(value, "auto")) {
			snprintf(why, why_size, "renderer is pixman, gl or auto");
			r = -1;
		} else {
			r = sv_config_set_string(c->renderer, sizeof c->renderer, value, why,
						 why_size);
		}
	} else if (strcmp(section, "rdp") == 0 && strcmp(key, "listen") == 0) {
		r = sv_config_set_string(c->rdp_listen, sizeof c->rdp_listen, value, why, why_size);
	} else if (strcmp(section, "rdp") == 0 && strcmp(key, "user") == 0) {
		r = sv_config_set_string(c->rdp_user, sizeof c->rdp_user, value, why, why_size);
	} else if (strcmp(section, "rdp") == 0 && strcmp(key, "tls-cert") == 0) {
		r = sv_config_set_string(c->rdp_tls_cert, sizeof c->rdp_tls_cert, value, why,
					 why_size);
	} else if (strcmp(section, "rdp") == 0 && strcmp(key, "tls-key") == 0) {
		r = sv_config_set_string(c->rdp_tls_key, sizeof c->rdp_tls_key, value, why,
					 why_size);
	} else if (strcmp(section, "rdp") == 0 && strcmp(key, "password-file") == 0) {
		r = sv_config_set_string(c->rdp_password_file, sizeof c->rdp_password_file, value,
					 why, why_size);
	}
	if (r == 0 && sv_config_remember(c, section, key, value) < 0) {
		snprintf(why, why_size, "out of memory");
		r = -1;
	}
	return r;
}

/* A deep copy, so a file that fails halfway leaves @config as it was. */
static int
sv_config_copy(struct sv_config *dst, const struct sv_config *src)
{
	*dst = *src;
	dst->entries = NULL;
	dst->entry_count = 0;
	for (size_t i = 0; i < src->entry_count; i++) {
		const struct sv_config_entry *e = &src->entries[i];
		if (sv_config_remember(dst, e->section, e->key, e->value) < 0) {
			sv_config_release(dst);
			return -1;
		}
	}
	return 0;
}

int
sv_config_load(struct sv_config *config, const char *path, char *why, size_t why_size)
{
	struct sv_config staged;
	char reason[256] = "";
	FILE *file;
	int line;

	why[0] = '\0';
	file = fopen(path, "re");
	if (!file) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (sv_config_copy(&staged, config) < 0) {
		fclose(file);
		snprintf(why, why_size, "%s: out of memory", path);
		return -1;
	}
	line = ini_parse(file, sv_config_handle_entry, &staged, reason, sizeof reason);
	fclose(file);
	if (line != 0) {
		snprintf(why, why_size, "%s line %d: %s", path, line, reason);
		sv_config_release(&staged);
		return -1;
	}
	sv_config_release(config);
	*config = staged;
	return 0;
}

int
sv_config_write(const struct sv_config *config, const char *path)
{
	FILE *file = fopen(path, "we");
	bool *written;

	if (!file)
		return -1;
	written = calloc(config->entry_count + 1, sizeof *written);
	if (!written) {
		fclose(file);
		return -1;
	}
	fprintf(file, "# written by portholed at boot: the image's file, then the user's\n");
	/* Grouped by section in first-seen order: libweston's parser takes a
	 * section's first occurrence only. */
	for (size_t i = 0; i < config->entry_count; i++) {
		const char *section = config->entries[i].section;

		if (written[i])
			continue;
		fprintf(file, "\n[%s]\n", section);
		for (size_t j = i; j < config->entry_count; j++) {
			const struct sv_config_entry *e = &config->entries[j];
			if (written[j] || strcmp(e->section, section) != 0)
				continue;
			fprintf(file, "%s=%s\n", e->key, e->value);
			written[j] = true;
		}
	}
	free(written);
	return fclose(file) == 0 ? 0 : -1;
}

void
sv_config_for_each_env(const struct sv_config *config,
		       void (*fn)(void *data, const char *name, const char *value), void *data)
{
	for (size_t i = 0; i < config->entry_count; i++) {
		const struct sv_config_entry *e = &config->entries[i];
		if (strcmp(e->section, "system-distro-env") == 0)
			fn(data, e->key, e->value);
	}
}

void
sv_config_release(struct sv_config *config)
{
	for (size_t i = 0; i < config->entry_count; i++) {
		free(config->entries[i].section);
		free(config->entries[i].key);
		free(config->entries[i].value);
	}
	free(config->entries);
	config->entries = NULL;
	config->entry_count = 0;
}
