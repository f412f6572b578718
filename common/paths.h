/*
 * Paths: building them without silent truncation, and finding Porthole's other
 * programs: beside the running one when installed
 * (one bindir), or where meson puts them in a build tree, so the system distro
 * boots from a build without installing.
 */
#ifndef PORTHOLE_PATHS_H
#define PORTHOLE_PATHS_H

#include <stdarg.h>
#include <stddef.h>

/**
 * Writes to @path the first executable of: <dir of this program>/@name,
 * <dir of this program>/@build_relative (e.g. "../../compositor/NAME"),
 * PORTHOLE_BINDIR/@name. Returns 0, or -1 when none exists (@path then holds
 * the installed location, for the error message).
 */
int program_path(char *path, size_t size, const char *name, const char *build_relative);

/**
 * Writes to @path where Porthole's module @name is: PORTHOLE_MODULEDIR/@name
 * for an installed program, <dir of this program>/@build_relative in a build
 * tree. Returns 0, or -1 when it is not there (@path then holds the installed
 * location, for the error message).
 */
int module_path(char *path, size_t size, const char *name, const char *build_relative);

/** snprintf() into @path; -1 (errno ENAMETOOLONG) when it did not fit. */
int path_printf(char *path, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** path_printf() with a va_list, for wrappers that act on the failure. */
int path_vprintf(char *path, size_t size, const char *fmt, va_list args)
	__attribute__((format(printf, 3, 0)));

#endif
