/*
 * The control socket, <runtime-dir>/<wayland-socket>.control (mode 0600), that
 * the `porthole` CLI and the tests drive: window list, screenshots, window
 * commands, output layout, synthetic input and quit. The protocol is in
 * common/control-protocol.h.
 */
#ifndef PORTHOLE_CONTROL_H
#define PORTHOLE_CONTROL_H

struct frontend;
struct control_server;

struct control_server *control_server_create(struct frontend *ctx);

void control_server_destroy(struct control_server *server);

#endif
