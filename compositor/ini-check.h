/*
 * A syntax check for weston-style ini files. libweston's parser refuses a bad
 * file without saying where; this names the line so the user can fix it.
 */
#ifndef PORTHOLE_INI_CHECK_H
#define PORTHOLE_INI_CHECK_H

#include <stddef.h>
#include <stdio.h>

/**
 * Checks every line of @file: blank, "# comment", "[section]" or "key=value"
 * inside a section. Returns 0 when well formed; otherwise the 1-based number of
 * the first bad line, with the reason in @why.
 */
int ini_check(FILE *file, char *why, size_t why_size);

#endif
