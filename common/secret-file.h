/*
 * Secrets handed to a program: a file only its owner may read, or an open
 * file descriptor ("fd:N") that a privileged parent opened for it, so the
 * program never needs the right to open the file itself.
 */
#ifndef PORTHOLE_SECRET_FILE_H
#define PORTHOLE_SECRET_FILE_H

#include <stddef.h>

/* Whether a path given for it must be unreadable to others (a key, a password)
 * or may be public (a certificate read the same way). */
enum secret_kind {
	SECRET_PRIVATE,
	SECRET_PUBLIC,
};

/**
 * The whole text of @source (a path, or "fd:N", which is read and closed), at
 * most @max bytes. A SECRET_PRIVATE path that others may read is refused. NULL
 * with the reason in @err; else a NUL-terminated copy the caller wipes
 * (secret_free()).
 */
char *secret_read(const char *source, enum secret_kind kind, size_t max, char *err,
		  size_t err_size);

/** Overwrites and frees what secret_read() gave. NULL-safe. */
void secret_free(char *secret);

#endif
