/*
 * What the clipboard bridge carries, and the conversions between the Windows
 * formats an RDP client speaks and the mime types Linux apps speak. Pure
 * functions on bytes: unit-tested and fuzzed without a client.
 */
#ifndef PORTHOLE_RDP_CLIPBOARD_FORMATS_H
#define PORTHOLE_RDP_CLIPBOARD_FORMATS_H

#include <stddef.h>
#include <stdint.h>

enum rdp_clip_kind {
	RDP_CLIP_NONE,
	RDP_CLIP_TEXT, /* CF_UNICODETEXT (or CF_TEXT from a client) <-> UTF-8 text */
	RDP_CLIP_HTML, /* "HTML Format" <-> text/html */
	RDP_CLIP_PNG,  /* PNG, as FreeRDP registers it <-> image/png: the same bytes */
	RDP_CLIP_BMP,  /* CF_DIB <-> image/bmp: the bitmap without and with its file header */
	RDP_CLIP_KINDS
};

/* The ids Porthole offers its formats under; HTML is known by its name. */
#define RDP_CLIP_ID_HTML 0xD010
#define RDP_CLIP_ID_PNG 0xD011
#define RDP_CLIP_HTML_NAME "HTML Format"

/** The kind of a Linux mime type; RDP_CLIP_NONE for others. */
enum rdp_clip_kind rdp_clip_kind_of_mime(const char *mime_type);

/** How well @mime_type carries its kind: higher is better (UTF-8 text over "TEXT"). */
int rdp_clip_mime_rank(const char *mime_type);

/** The kind of a format a client offers (by its id, or its name for registered ones). */
enum rdp_clip_kind rdp_clip_kind_of_format(uint32_t id, const char *name);

/** How well format @id carries its kind (CF_UNICODETEXT over CF_TEXT). */
int rdp_clip_format_rank(uint32_t id);

/** The mime types Linux apps are offered for @kind, NULL-terminated. */
const char *const *rdp_clip_mime_types(enum rdp_clip_kind kind);

/** The id (and name, or NULL) Porthole offers @kind to a client under. */
uint32_t rdp_clip_format_id(enum rdp_clip_kind kind, const char **name);

/**
 * Linux's bytes of @kind to what the client wants, in a new buffer (free()).
 * NULL when they cannot be (an image that is no image) or out of memory.
 */
uint8_t *rdp_clip_to_windows(enum rdp_clip_kind kind, const uint8_t *in, size_t size,
			     size_t *out_size);

/**
 * The client's bytes of format @id (of @kind) to what Linux apps want, in a new
 * buffer (free()). NULL when they cannot be, or out of memory.
 */
uint8_t *rdp_clip_from_windows(enum rdp_clip_kind kind, uint32_t id, const uint8_t *in, size_t size,
			       size_t *out_size);

/**
 * A bitmap (CF_DIB or CF_DIBV5: 24 or 32 bits a pixel, uncompressed) as a PNG in
 * a new buffer (free()): apps take PNG where the client has no PNG to give.
 * NULL for other bitmaps, or out of memory.
 */
uint8_t *rdp_clip_dib_to_png(const uint8_t *in, size_t size, size_t *out_size);

#endif
