#include "ini.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static char *
ini_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool
ini_is_name(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

int
ini_parse(FILE *file, ini_entry_fn entry, void *data, char *why, size_t why_size)
{
	char line[1024];
	char section[128] = "";
	bool in_section = false;
	int lineno = 0;

	while (fgets(line, sizeof line, file)) {
		size_t len = strlen(line);
		char *s, *eq, *key;

		lineno++;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			snprintf(why, why_size, "line longer than %zu characters", sizeof line - 2);
			return lineno;
		}
		s = ini_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close || close[1] != '\0') {
				snprintf(why, why_size, "section header must be \"[name]\"");
				return lineno;
			}
			if (!ini_is_name(s + 1, (size_t)(close - s - 1)) ||
			    (size_t)(close - s - 1) >= sizeof section) {
				snprintf(why, why_size, "bad section name");
				return lineno;
			}
			*close = '\0';
			snprintf(section, sizeof section, "%s", s + 1);
			in_section = true;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, why_size,
				 "expected \"key=value\", \"[section]\" or \"# comment\"");
			return lineno;
		}
		if (!in_section) {
			snprintf(why, why_size, "\"key=value\" before any [section]");
			return lineno;
		}
		*eq = '\0';
		key = ini_trim(s);
		if (!ini_is_name(key, strlen(key))) {
			snprintf(why, why_size, "bad key name \"%s\"", key);
			return lineno;
		}
		if (entry && entry(data, section, key, ini_trim(eq + 1), why, why_size) < 0)
			return lineno;
	}
	return 0;
}

int
ini_check(FILE *file, char *why, size_t why_size)
{
	return ini_parse(file, NULL, NULL, why, why_size);
}
