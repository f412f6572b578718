/*
 * A workaround for libweston 10's Xwayland window manager, which is the only
 * user of xcb in this process.
 *
 * When an X server dies, the window manager disconnects from it but leaves
 * cairo's xcb device alive; cairo-xcb keeps that device in a list keyed by the
 * xcb_connection_t pointer. The next server's connection is often allocated at
 * the same address, cairo then hands the new window manager the dead
 * connection's screen data, and the compositor crashes in cairo (about one
 * Xwayland restart in three, measured here). Later libweston finishes the cairo
 * device before disconnecting; libweston 10 cannot be changed from outside.
 *
 * So this executable defines xcb_disconnect(), which the window manager's calls
 * bind to ahead of libxcb's: it closes the connection's socket, which is all the
 * X server notices, and keeps the connection's memory, so no later connection
 * can take its address. That costs a few kilobytes each time Xwayland exits.
 */
#include <sys/socket.h>
#include <unistd.h>

#include <xcb/xcb.h>

__attribute__((visibility("default"))) void
xcb_disconnect(xcb_connection_t *connection)
{
	int fd;

	if (!connection)
		return;
	/* -1 for libxcb's static error connections, which own nothing */
	fd = xcb_get_file_descriptor(connection);
	if (fd >= 0) {
		shutdown(fd, SHUT_RDWR);
		close(fd);
	}
}
