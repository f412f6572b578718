/*
 * Little-endian fields, as the protocol's PDUs and the bitmap files the
 * clipboard converts lay them out: a byte at a time, so that neither the
 * field's alignment nor the machine's byte order matters.
 */
#ifndef PORTHOLE_RDP_LE_H
#define PORTHOLE_RDP_LE_H

#include <stdint.h>

/* The writers return where the next field goes. */
static inline uint8_t *
rdp_le_put_u8(uint8_t *p, uint32_t v)
{
	*p = (uint8_t)v;
	return p + 1;
}

static inline uint8_t *
rdp_le_put_u16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static inline uint8_t *
rdp_le_put_u32(uint8_t *p, uint32_t v)
{
	return rdp_le_put_u16(rdp_le_put_u16(p, v & 0xffff), v >> 16);
}

static inline uint32_t
rdp_le_get_u16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t
rdp_le_get_u32(const uint8_t *p)
{
	return rdp_le_get_u16(p) | rdp_le_get_u16(p + 2) << 16;
}

#endif
