/*
 * Readiness as a supervisor learns it: the datagram protocol of $NOTIFY_SOCKET
 * (what systemd and PulseAudio speak), so portholed needs no sleep to know when a
 * service can take clients.
 */
#ifndef PORTHOLE_SERVICE_NOTIFY_H
#define PORTHOLE_SERVICE_NOTIFY_H

/**
 * Sends @state (e.g. "READY=1") to the socket named by $NOTIFY_SOCKET: a path,
 * or "@name" for an abstract socket. Returns 1 when sent, 0 when no supervisor
 * asked (the variable is unset), -1 on error (errno set).
 */
int service_notify(const char *state);

#endif
