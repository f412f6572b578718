/*
 * Xwayland on demand: libweston's xwayland module picks the display number
 * (lock files in /tmp, stale ones reused, taken ones skipped) and listens; the
 * first X11 connection starts a rootless Xwayland, which is started again on
 * the next connection after it exits. The socket can live in any directory
 * (the system distro puts it in /mnt/wslg/.X11-unix).
 */
#ifndef PORTHOLE_XWAYLAND_H
#define PORTHOLE_XWAYLAND_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

struct pc_compositor;
struct pc_xwayland;

/** Listens for X11 clients on display :@display (0: the first free one) in @x11_dir. */
struct pc_xwayland *pc_xwayland_create(struct pc_compositor *comp, const char *x11_dir,
				       int display);

void pc_xwayland_destroy(struct pc_xwayland *xw);

/** ":<n>", the DISPLAY for X11 clients. */
const char *pc_xwayland_get_display(struct pc_xwayland *xw);

/** The running Xwayland's pid, or 0 when none runs. */
pid_t pc_xwayland_get_pid(struct pc_xwayland *xw);

/**
 * Where the running server takes the compositor's own connections: an
 * abstract socket only the server holds, gone with it, so that connecting
 * there never starts a server as a connection to the display's socket does.
 * Its length in *@address, 0 while no server runs.
 */
socklen_t pc_xwayland_get_private_address(struct pc_xwayland *xw, struct sockaddr_un *address);

#endif
