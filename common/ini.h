/*
 * Weston-style ini files, read line by line so a mistake is reported with its
 * line number. libweston's own parser refuses a bad file without saying where;
 * the compositor checks with this first, the supervisor parses with it.
 */
#ifndef PORTHOLE_INI_H
#define PORTHOLE_INI_H

#include <stddef.h>
#include <stdio.h>

/** Called for every "key=value" inside a section, key and value trimmed.
 * Returns 0 to go on, or -1 with the reason in @why to stop at this line. */
typedef int (*ini_entry_fn)(void *data, const char *section, const char *key, const char *value,
			    char *why, size_t why_size);

/**
 * Reads every line of @file: blank, "# comment", "[section]" or "key=value"
 * inside a section, handing each entry to @entry (may be NULL). Returns 0 when
 * the file is well formed and every entry was taken; otherwise the 1-based number
 * of the first bad line, with the reason in @why.
 */
int ini_parse(FILE *file, ini_entry_fn entry, void *data, char *why, size_t why_size);

/** ini_parse() with no callback: a syntax check. */
int ini_check(FILE *file, char *why, size_t why_size);

#endif
