#include "rdp-clipboard-formats.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png-writer.h"
#include "rdp-le.h"

/* Windows' standard clipboard formats (winuser.h) that the bridge reads */
#define CF_TEXT 1
#define CF_DIB 8
#define CF_OEMTEXT 7
#define CF_UNICODETEXT 13
#define CF_DIBV5 17

#define BMP_FILE_HEADER 14
#define REPLACEMENT_CHAR 0xfffd

static const struct {
	const char *mime_type;
	enum rdp_clip_kind kind;
	int rank;
} mime_kinds[] = {
	{"text/plain;charset=utf-8", RDP_CLIP_TEXT, 4},
	{"UTF8_STRING", RDP_CLIP_TEXT, 3},
	{"text/plain", RDP_CLIP_TEXT, 2},
	{"TEXT", RDP_CLIP_TEXT, 1},
	{"STRING", RDP_CLIP_TEXT, 1},
	{"text/html", RDP_CLIP_HTML, 1},
	{"image/png", RDP_CLIP_PNG, 1},
	{"image/bmp", RDP_CLIP_BMP, 1},
};

enum rdp_clip_kind
rdp_clip_kind_of_mime(const char *mime_type)
{
	for (size_t i = 0; i < sizeof mime_kinds / sizeof mime_kinds[0]; i++) {
		if (strcmp(mime_type, mime_kinds[i].mime_type) == 0)
			return mime_kinds[i].kind;
	}
	return RDP_CLIP_NONE;
}

int
rdp_clip_mime_rank(const char *mime_type)
{
	for (size_t i = 0; i < sizeof mime_kinds / sizeof mime_kinds[0]; i++) {
		if (strcmp(mime_type, mime_kinds[i].mime_type) == 0)
			return mime_kinds[i].rank;
	}
	return 0;
}

enum rdp_clip_kind
rdp_clip_kind_of_format(uint32_t id, const char *name)
{
	if (name && name[0]) {
		/* registered formats: the name is what identifies them */
		if (strcmp(name, RDP_CLIP_HTML_NAME) == 0)
			return RDP_CLIP_HTML;
		if (strcmp(name, "PNG") == 0 || strcmp(name, "image/png") == 0)
			return RDP_CLIP_PNG;
		return RDP_CLIP_NONE;
	}
	switch (id) {
	case CF_UNICODETEXT:
	case CF_TEXT:
	case CF_OEMTEXT:
		return RDP_CLIP_TEXT;
	case CF_DIB:
	case CF_DIBV5:
		return RDP_CLIP_BMP;
	case RDP_CLIP_ID_PNG: /* FreeRDP's clients send it without its name */
		return RDP_CLIP_PNG;
	default:
		return RDP_CLIP_NONE;
	}
}

int
rdp_clip_format_rank(uint32_t id)
{
	switch (id) {
	case CF_UNICODETEXT:
	case CF_DIB:
		return 2;
	case CF_TEXT:
	case CF_DIBV5:
		return 1;
	default:
		return 0;
	}
}

const char *const *
rdp_clip_mime_types(enum rdp_clip_kind kind)
{
	static const char *const text[] = {
		"text/plain;charset=utf-8", "UTF8_STRING", "text/plain", "TEXT", "STRING", NULL};
	static const char *const html[] = {"text/html", NULL};
	static const char *const png[] = {"image/png", NULL};
	static const char *const bmp[] = {"image/bmp", NULL};
	static const char *const none[] = {NULL};

	switch (kind) {
	case RDP_CLIP_TEXT:
		return text;
	case RDP_CLIP_HTML:
		return html;
	case RDP_CLIP_PNG:
		return png;
	case RDP_CLIP_BMP:
		return bmp;
	default:
		return none;
	}
}

uint32_t
rdp_clip_format_id(enum rdp_clip_kind kind, const char **name)
{
	*name = NULL;
	switch (kind) {
	case RDP_CLIP_TEXT:
		return CF_UNICODETEXT;
	case RDP_CLIP_HTML:
		*name = RDP_CLIP_HTML_NAME;
		return RDP_CLIP_ID_HTML;
	case RDP_CLIP_PNG:
		return RDP_CLIP_ID_PNG;
	case RDP_CLIP_BMP:
		return CF_DIB;
	default:
		return 0;
	}
}

/* --- text --------------------------------------------------------------------------- */

/* One code point from UTF-8 at *p (before end); malformed bytes are U+FFFD, one each. */
static uint32_t
utf8_next(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p;
	uint32_t c = s[0], min;
	int n;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3, c &= 0x07, min = 0x10000;
	} else {
		*p = s + 1;
		return REPLACEMENT_CHAR;
	}
	if (end - s <= n) {
		*p = s + 1;
		return REPLACEMENT_CHAR;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return REPLACEMENT_CHAR;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	*p = s + 1 + n;
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return REPLACEMENT_CHAR;
	return c;
}

static size_t
utf8_put(uint8_t *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (uint8_t)(0xc0 | (c >> 6));
		out[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (uint8_t)(0xe0 | (c >> 12));
		out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | (c >> 18));
	out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

static size_t
utf16_put(uint8_t *out, uint32_t unit)
{
	return (size_t)(rdp_le_put_u16(out, unit) - out);
}

/* UTF-8 with LF line ends to Windows' text: UTF-16LE, CRLF, a NUL at the end. */
static uint8_t *
text_to_windows(const uint8_t *in, size_t size, size_t *out_size)
{
	const uint8_t *p = in, *end = in + size;
	/* at worst each byte is a line end (4 bytes out) or a unit; + the NUL */
	uint8_t *out = malloc((uint64_t)size * 4 + 2), *o = out;
	uint32_t previous = 0;

	if (!out)
		return NULL;
	while (p < end) {
		uint32_t c = utf8_next(&p, end);

		if (c == 0)
			break; /* Windows' text ends at its first NUL */
		if (c == '\n' && previous != '\r')
			o += utf16_put(o, '\r');
		if (c >= 0x10000) {
			o += utf16_put(o, 0xd800 + ((c - 0x10000) >> 10));
			o += utf16_put(o, 0xdc00 + ((c - 0x10000) & 0x3ff));
		} else {
			o += utf16_put(o, c);
		}
		previous = c;
	}
	o += utf16_put(o, 0);
	*out_size = (size_t)(o - out);
	return out;
}

/* Appends code point @c, CRLF folded to LF: *pending_cr holds a CR not yet written. */
static uint8_t *
text_put_linux(uint8_t *o, uint32_t c, bool *pending_cr)
{
	if (*pending_cr && c != '\n')
		*o++ = '\r';
	*pending_cr = c == '\r';
	if (!*pending_cr)
		o += utf8_put(o, c);
	return o;
}

static uint8_t *
text_from_utf16(const uint8_t *in, size_t size, size_t *out_size)
{
	size_t units = size / 2;
	/* a unit makes at most 3 bytes of UTF-8 (a pair, 4 for 2 units) */
	uint8_t *out = malloc((uint64_t)units * 3 + 1), *o = out;
	bool pending_cr = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = in[2 * i] | (uint32_t)in[2 * i + 1] << 8;

		if (c == 0)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
			uint32_t low = in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8;

			if (low >= 0xdc00 && low < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
				i++;
			} else {
				c = REPLACEMENT_CHAR;
			}
		} else if (c >= 0xd800 && c < 0xe000) {
			c = REPLACEMENT_CHAR;
		}
		o = text_put_linux(o, c, &pending_cr);
	}
	if (pending_cr)
		*o++ = '\r';
	*out_size = (size_t)(o - out);
	return out;
}

static bool
utf8_is_valid(const uint8_t *in, size_t size)
{
	const uint8_t *p = in, *end = in + size;

	while (p < end) {
		const uint8_t *at = p;

		if (utf8_next(&p, end) == REPLACEMENT_CHAR &&
		    !(p - at == 3 && at[0] == 0xef && at[1] == 0xbf && at[2] == 0xbd))
			return false;
	}
	return true;
}

/* CF_TEXT: the client's code page; FreeRDP's clients send UTF-8, others Latin-1. */
static uint8_t *
text_from_bytes(const uint8_t *in, size_t size, size_t *out_size)
{
	const uint8_t *nul = memchr(in, 0, size);
	size_t n = nul ? (size_t)(nul - in) : size;
	bool utf8 = utf8_is_valid(in, n);
	uint8_t *out = malloc((uint64_t)n * 2 + 1), *o = out;
	const uint8_t *p = in, *end = in + n;
	bool pending_cr = false;

	if (!out)
		return NULL;
	while (p < end)
		o = text_put_linux(o, utf8 ? utf8_next(&p, end) : *p++, &pending_cr);
	if (pending_cr)
		*o++ = '\r';
	*out_size = (size_t)(o - out);
	return out;
}

/* --- HTML ----------------------------------------------------------------------------- */

static const char html_prefix[] = "<html><body>\r\n<!--StartFragment-->";
static const char html_suffix[] = "<!--EndFragment-->\r\n</body></html>";

/* Windows' "HTML Format": a header of byte offsets, then the document around the fragment. */
static uint8_t *
html_to_windows(const uint8_t *in, size_t size, size_t *out_size)
{
	char header[160];
	int header_len = snprintf(header, sizeof header,
				  "Version:0.9\r\nStartHTML:%010u\r\nEndHTML:%010u\r\n"
				  "StartFragment:%010u\r\nEndFragment:%010u\r\n",
				  0u, 0u, 0u, 0u);
	uint64_t total = (uint64_t)header_len + strlen(html_prefix) + size + strlen(html_suffix);
	uint8_t *out;

	/* the offsets have ten digits */
	if (total >= 9999999999ull || !(out = malloc(total + 1)))
		return NULL;
	snprintf(header, sizeof header,
		 "Version:0.9\r\nStartHTML:%010u\r\nEndHTML:%010u\r\n"
		 "StartFragment:%010u\r\nEndFragment:%010u\r\n",
		 (unsigned)header_len, (unsigned)total,
		 (unsigned)(header_len + strlen(html_prefix)),
		 (unsigned)(header_len + strlen(html_prefix) + size));
	memcpy(out, header, (size_t)header_len);
	memcpy(out + header_len, html_prefix, strlen(html_prefix));
	memcpy(out + header_len + strlen(html_prefix), in, size);
	memcpy(out + header_len + strlen(html_prefix) + size, html_suffix, strlen(html_suffix));
	out[total] = '\0'; /* many Windows apps read it as a C string */
	*out_size = (size_t)total + 1;
	return out;
}

/* The value of header field @name (as "Name:digits") in the header part of @in, or -1. */
static int64_t
html_header_offset(const uint8_t *in, size_t size, const char *name)
{
	size_t name_len = strlen(name);
	/* the header is short: fields are looked for in its first kilobyte only */
	size_t limit = size < 1024 ? size : 1024;

	for (size_t i = 0; i + name_len < limit; i++) {
		if ((i == 0 || in[i - 1] == '\n') && memcmp(in + i, name, name_len) == 0) {
			int64_t value = 0;
			size_t j = i + name_len;

			if (j >= limit || in[j] < '0' || in[j] > '9')
				return -1;
			for (; j < limit && in[j] >= '0' && in[j] <= '9'; j++) {
				value = value * 10 + (in[j] - '0');
				if (value > (int64_t)size)
					return -1;
			}
			return value;
		}
	}
	return -1;
}

static uint8_t *
html_from_windows(const uint8_t *in, size_t size, size_t *out_size)
{
	int64_t start = html_header_offset(in, size, "StartFragment:");
	int64_t end = html_header_offset(in, size, "EndFragment:");
	uint8_t *out;

	/* the fragment is what the user copied; else the document; else all of it */
	if (start < 0 || end < start) {
		start = html_header_offset(in, size, "StartHTML:");
		end = html_header_offset(in, size, "EndHTML:");
	}
	if (start < 0 || end < start || end > (int64_t)size) {
		const uint8_t *nul = memchr(in, 0, size);

		start = 0;
		end = nul ? nul - in : (int64_t)size;
	}
	out = malloc((size_t)(end - start) + 1);
	if (!out)
		return NULL;
	memcpy(out, in + start, (size_t)(end - start));
	*out_size = (size_t)(end - start);
	return out;
}

/* --- images ----------------------------------------------------------------------------- */

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static uint8_t *
copy_bytes(const uint8_t *in, size_t size, size_t *out_size)
{
	uint8_t *out = malloc(size ? size : 1);

	if (out) {
		memcpy(out, in, size);
		*out_size = size;
	}
	return out;
}

/* A BMP file is its 14-byte file header and a DIB (what CF_DIB holds). */
static uint8_t *
bmp_to_dib(const uint8_t *in, size_t size, size_t *out_size)
{
	if (size < BMP_FILE_HEADER + 40 || in[0] != 'B' || in[1] != 'M')
		return NULL;
	return copy_bytes(in + BMP_FILE_HEADER, size - BMP_FILE_HEADER, out_size);
}

static uint8_t *
dib_to_bmp(const uint8_t *in, size_t size, size_t *out_size)
{
	uint64_t info_size, colors, masks = 0, pixels_at;
	unsigned bits;
	uint32_t compression;
	uint8_t *out;

	if (size < 40)
		return NULL;
	info_size = rdp_le_get_u32(in);
	if (info_size < 40 || info_size > size)
		return NULL;
	bits = in[14] | (unsigned)in[15] << 8;
	compression = rdp_le_get_u32(in + 16);
	colors = rdp_le_get_u32(in + 32);
	if (colors == 0 && bits <= 8)
		colors = 1u << bits;
	/* BI_BITFIELDS, BI_ALPHABITFIELDS: masks after a plain BITMAPINFOHEADER */
	if (info_size == 40 && compression == 3)
		masks = 12;
	else if (info_size == 40 && compression == 6)
		masks = 16;
	pixels_at = BMP_FILE_HEADER + info_size + masks + colors * 4;
	if (colors > 0xffffff || pixels_at > BMP_FILE_HEADER + (uint64_t)size ||
	    BMP_FILE_HEADER + (uint64_t)size > UINT32_MAX)
		return NULL;
	out = malloc(BMP_FILE_HEADER + size);
	if (!out)
		return NULL;
	out[0] = 'B';
	out[1] = 'M';
	rdp_le_put_u32(out + 2, (uint32_t)(BMP_FILE_HEADER + size));
	rdp_le_put_u32(out + 6, 0);
	rdp_le_put_u32(out + 10, (uint32_t)pixels_at);
	memcpy(out + BMP_FILE_HEADER, in, size);
	*out_size = BMP_FILE_HEADER + size;
	return out;
}

uint8_t *
rdp_clip_dib_to_png(const uint8_t *in, size_t size, size_t *out_size)
{
	uint64_t info_size, masks = 0, stride, rows_at;
	int64_t width, height;
	unsigned bits;
	uint32_t compression, *pixels;
	struct strbuf png;
	bool bottom_up;

	if (size < 40 || (info_size = rdp_le_get_u32(in)) < 40 || info_size > size)
		return NULL;
	width = (int32_t)rdp_le_get_u32(in + 4);
	height = (int32_t)rdp_le_get_u32(in + 8);
	bits = in[14] | (unsigned)in[15] << 8;
	compression = rdp_le_get_u32(in + 16);
	if ((bits != 24 && bits != 32) || (compression != 0 && compression != 3))
		return NULL;
	if (compression == 3) {
		/* only the usual layout, blue in the low byte: the masks say so */
		const uint8_t *m = in + 40;

		if (info_size == 40)
			masks = 12;
		if (bits != 32 || size < 52 || rdp_le_get_u32(m) != 0xff0000 ||
		    rdp_le_get_u32(m + 4) != 0xff00 || rdp_le_get_u32(m + 8) != 0xff)
			return NULL;
	}
	bottom_up = height > 0;
	height = height < 0 ? -height : height;
	if (width < 1 || height < 1 || width > 32768 || height > 32768)
		return NULL;
	stride = ((uint64_t)width * bits / 8 + 3) & ~3ull;
	rows_at = info_size + masks;
	if (rows_at + stride * (uint64_t)height > size)
		return NULL;
	pixels = malloc((uint64_t)width * (uint64_t)height * 4);
	if (!pixels)
		return NULL;
	for (int64_t y = 0; y < height; y++) {
		const uint8_t *row = in + rows_at + (uint64_t)y * stride;
		uint32_t *out = pixels + (uint64_t)y * (uint64_t)width;

		for (int64_t x = 0; x < width; x++) {
			const uint8_t *p = row + (uint64_t)x * (bits / 8);

			out[x] = 0xff000000u | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
		}
	}
	strbuf_init(&png);
	if (png_encode(&png, pixels, (int)width, (int)height, (int)width * 4, PNG_PIXELS_XRGB32,
		       bottom_up) < 0 ||
	    png.failed) {
		free(pixels);
		strbuf_release(&png);
		return NULL;
	}
	free(pixels);
	*out_size = png.len;
	return (uint8_t *)png.data; /* the buffer is the caller's now */
}

uint8_t *
rdp_clip_to_windows(enum rdp_clip_kind kind, const uint8_t *in, size_t size, size_t *out_size)
{
	switch (kind) {
	case RDP_CLIP_TEXT:
		return text_to_windows(in, size, out_size);
	case RDP_CLIP_HTML:
		return html_to_windows(in, size, out_size);
	case RDP_CLIP_PNG:
		if (size < sizeof png_signature || memcmp(in, png_signature, sizeof png_signature))
			return NULL;
		return copy_bytes(in, size, out_size);
	case RDP_CLIP_BMP:
		return bmp_to_dib(in, size, out_size);
	default:
		return NULL;
	}
}

uint8_t *
rdp_clip_from_windows(enum rdp_clip_kind kind, uint32_t id, const uint8_t *in, size_t size,
		      size_t *out_size)
{
	switch (kind) {
	case RDP_CLIP_TEXT:
		return id == CF_UNICODETEXT ? text_from_utf16(in, size, out_size)
					    : text_from_bytes(in, size, out_size);
	case RDP_CLIP_HTML:
		return html_from_windows(in, size, out_size);
	case RDP_CLIP_PNG:
		if (size < sizeof png_signature || memcmp(in, png_signature, sizeof png_signature))
			return NULL;
		return copy_bytes(in, size, out_size);
	case RDP_CLIP_BMP:
		return dib_to_bmp(in, size, out_size);
	default:
		return NULL;
	}
}
