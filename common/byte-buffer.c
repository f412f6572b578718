/* Room in a growing buffer of bytes (see byte-buffer.h). */
#include "byte-buffer.h"

#include <stdlib.h>

/* the first allocation: small outputs never grow */
#define BYTE_BUFFER_FIRST 4096

bool
byte_buffer_reserve(uint8_t **data, size_t *capacity, size_t need)
{
	size_t grown_capacity = *capacity ? *capacity : BYTE_BUFFER_FIRST;
	uint8_t *grown;

	if (need <= *capacity)
		return true;
	while (grown_capacity < need) {
		if (grown_capacity > SIZE_MAX / 2)
			return false;
		grown_capacity *= 2;
	}
	grown = realloc(*data, grown_capacity);
	if (!grown)
		return false;
	*data = grown;
	*capacity = grown_capacity;
	return true;
}
