/*
 * portholed's one log: lines tagged "portholed:" with the time since boot, on
 * stderr, which the supervisor points at <shared-dir>/stderr.log (its services'
 * stderr goes there too, as in WSLg).
 */
#ifndef PORTHOLE_SV_LOG_H
#define PORTHOLE_SV_LOG_H

void sv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
