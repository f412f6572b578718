/* Room in a buffer of bytes that grows as it is filled (rdp encoders' outputs). */
#ifndef PORTHOLE_BYTE_BUFFER_H
#define PORTHOLE_BYTE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Makes *@data (*@capacity bytes, NULL and 0 at first) hold at least @need
 * bytes, doubling, so that a buffer filled a little at a time is copied a few
 * times only. False, and the buffer as it was, when out of memory.
 */
bool byte_buffer_reserve(uint8_t **data, size_t *capacity, size_t need);

#endif
