/*
 * X11 display numbers, lock files and socket paths, following the X server's
 * conventions: /tmp/.X<n>-lock holds the owner's pid as "%10d\n", and
 * <x11-dir>/X<n> is the listening socket. Pure file-system logic, unit-tested.
 */
#ifndef PORTHOLE_X11_SOCKET_H
#define PORTHOLE_X11_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define X11_DISPLAY_MAX 64

/**
 * The pid that holds display @display's lock in @lock_dir: 0 when there is no
 * lock or it is stale (its process is gone, or the file is not a lock), so the
 * number may be reused; -1 when the lock cannot be read.
 */
pid_t x11_lock_owner(const char *lock_dir, int display);

/** Whether a server accepts connections on <x11_dir>/X<display>. */
bool x11_socket_is_live(const char *x11_dir, int display);

/**
 * Binds and listens on <x11_dir>/X<display>, creating @x11_dir (mode 1777) if
 * needed. A stale socket file is replaced; a live one is left alone and the
 * call fails with errno EADDRINUSE. Returns the listening fd (close-on-exec) or -1.
 */
int x11_socket_claim(const char *x11_dir, int display);

/** Removes <x11_dir>/X<display>. */
void x11_socket_release(const char *x11_dir, int display);

/**
 * Makes display numbers that are free by their lock in @lock_dir look taken, by
 * writing a lock for them with our own pid, so whoever picks a number by lock
 * files alone skips them: those live in @x11_dir (may be NULL), and all below
 * @below. Sets bit n of *@reserved for each lock written; x11_lock_unreserve()
 * removes them.
 */
void x11_lock_reserve(const char *lock_dir, const char *x11_dir, int below,
		      unsigned long long *reserved);

void x11_lock_unreserve(const char *lock_dir, unsigned long long reserved);

/** Parses ":<n>" (as DISPLAY holds it). Returns n or -1. */
int x11_display_parse(const char *display);

#endif
