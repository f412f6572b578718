/*
 * The WM_CLASS of X11 windows (x11-classes.c), which libweston 10's window
 * manager reads and keeps to itself: an X11 window's app id, for the host's
 * Get Application ID, `porthole windows` and the .desktop file of its icon.
 */
#ifndef PORTHOLE_X11_CLASSES_H
#define PORTHOLE_X11_CLASSES_H

#include <sys/types.h>

struct pc_xwayland;
struct wl_event_loop;
struct x11_classes;
struct x11_class_request;

/** Answers come on @loop; the questions go to @xwayland's server while one runs. */
struct x11_classes *x11_classes_create(struct wl_event_loop *loop, struct pc_xwayland *xwayland);

/** Cancels every request still open. NULL-safe. */
void x11_classes_destroy(struct x11_classes *classes);

/**
 * Asks, off the event loop, for the class of the X11 window of process @pid
 * titled @title (pid <= 0: any process): @done(@data, class) follows on the
 * loop, class NULL when no window matches, unless the request was cancelled.
 * NULL when the request could not be made (or no server runs).
 */
struct x11_class_request *x11_classes_ask(struct x11_classes *classes, pid_t pid, const char *title,
					  void (*done)(void *data, const char *class), void *data);

/** @done will not be called. NULL-safe. */
void x11_class_request_cancel(struct x11_class_request *request);

#endif
