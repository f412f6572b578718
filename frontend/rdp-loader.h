/*
 * Loads the RDP server's module (rdp-server.h) on a thread of its own while
 * the event loop serves: dlopen() of FreeRDP and FFmpeg is most of the
 * compositor's start-up, and nothing before the first RDP client needs them.
 */
#ifndef PORTHOLE_RDP_LOADER_H
#define PORTHOLE_RDP_LOADER_H

struct wl_event_loop;
struct rdp_module;
struct rdp_loader;

/** On the event loop once loading ended: @module, or NULL (the reason is logged). */
typedef void (*rdp_loader_done_func)(void *data, const struct rdp_module *module);

/** Starts loading; NULL when no thread could start (logged). */
struct rdp_loader *rdp_loader_start(struct wl_event_loop *loop, rdp_loader_done_func done,
				    void *data);

/**
 * Waits for the thread if it still loads. The module stays mapped until the
 * process ends: what it made may be in use until then (and its names are
 * needed to report leaks at exit). NULL-safe.
 */
void rdp_loader_destroy(struct rdp_loader *loader);

#endif
