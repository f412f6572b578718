/* The clipboard's conversions between Windows formats and Linux mime types. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rdp-clipboard-formats.h"
#include "tap.h"

static bool
equal(const uint8_t *a, size_t a_size, const void *b, size_t b_size)
{
	return a && a_size == b_size && memcmp(a, b, b_size) == 0;
}

static void
test_text(struct tap *t)
{
	static const char linux_text[] = "a\nb \xc3\xa4\xe2\x82\xac \xf0\x9f\x98\x80";
	/* UTF-16LE, CRLF, the emoji as a surrogate pair, a NUL */
	static const uint8_t windows[] = {'a',  0,    '\r', 0,    '\n', 0,    'b', 0,
					  ' ',  0,    0xe4, 0,    0xac, 0x20, ' ', 0,
					  0x3d, 0xd8, 0x00, 0xde, 0,    0};
	size_t n;
	uint8_t *out = rdp_clip_to_windows(RDP_CLIP_TEXT, (const uint8_t *)linux_text,
					   strlen(linux_text), &n);

	TAP_CHECK(t, equal(out, n, windows, sizeof windows),
		  "UTF-8 with LF becomes UTF-16LE with CRLF and a NUL");
	free(out);
	out = rdp_clip_from_windows(RDP_CLIP_TEXT, 13, windows, sizeof windows, &n);
	TAP_CHECK(t, equal(out, n, linux_text, strlen(linux_text)),
		  "CF_UNICODETEXT comes back as the same UTF-8, LF, no NUL");
	free(out);
	/* a lone surrogate and text after the NUL */
	static const uint8_t odd[] = {0x00, 0xd8, 'x', 0, 0, 0, 'y', 0};
	out = rdp_clip_from_windows(RDP_CLIP_TEXT, 13, odd, sizeof odd, &n);
	TAP_CHECK(t, equal(out, n, "\xef\xbf\xbdx", 4),
		  "a lone surrogate is U+FFFD; the NUL ends it");
	free(out);
	/* CF_TEXT: UTF-8 as FreeRDP sends it, else Latin-1 */
	out = rdp_clip_from_windows(RDP_CLIP_TEXT, 1, (const uint8_t *)"x\r\n\xc3\xa4", 5, &n);
	TAP_CHECK(t, equal(out, n, "x\n\xc3\xa4", 4), "CF_TEXT in UTF-8 stays UTF-8");
	free(out);
	out = rdp_clip_from_windows(RDP_CLIP_TEXT, 1, (const uint8_t *)"\xe4", 1, &n);
	TAP_CHECK(t, equal(out, n, "\xc3\xa4", 2), "CF_TEXT in Latin-1 becomes UTF-8");
	free(out);
	out = rdp_clip_to_windows(RDP_CLIP_TEXT, (const uint8_t *)"", 0, &n);
	TAP_CHECK(t, equal(out, n, "\0\0", 2), "empty text is a NUL");
	free(out);
}

static void
test_html(struct tap *t)
{
	static const char fragment[] = "<b>bold</b>";
	size_t n, back_n;
	uint8_t *out =
		rdp_clip_to_windows(RDP_CLIP_HTML, (const uint8_t *)fragment, strlen(fragment), &n);
	uint8_t *back;
	const char *start;

	TAP_CHECK(t, out && strncmp((char *)out, "Version:0.9\r\nStartHTML:", 23) == 0,
		  "HTML gets Windows' header");
	start = out ? strstr((char *)out, "StartFragment:") : NULL;
	TAP_CHECK(t,
		  start && strncmp((char *)out + strtol(start + 14, NULL, 10), fragment,
				   strlen(fragment)) == 0,
		  "StartFragment points at the fragment");
	back = out ? rdp_clip_from_windows(RDP_CLIP_HTML, RDP_CLIP_ID_HTML, out, n, &back_n) : NULL;
	TAP_CHECK(t, equal(back, back_n, fragment, strlen(fragment)),
		  "and the fragment comes back whole");
	free(out);
	free(back);
	/* offsets beyond the data: the whole text, up to its NUL */
	static const char bad[] =
		"Version:0.9\r\nStartFragment:0000009999\r\nEndFragment:0000099999\r\nx";
	back = rdp_clip_from_windows(RDP_CLIP_HTML, RDP_CLIP_ID_HTML, (const uint8_t *)bad,
				     sizeof bad, &back_n);
	TAP_CHECK(t, equal(back, back_n, bad, strlen(bad)), "offsets past the end are not read");
	free(back);
}

static void
test_images(struct tap *t)
{
	/* a 2x2 24-bit bitmap, bottom-up: blue, green / red, white */
	static const uint8_t dib[] = {40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0,
				      16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				      /* bottom row: blue, green, padding */
				      0xff, 0, 0, 0, 0xff, 0, 0, 0,
				      /* top row: red, white, padding */
				      0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0};
	size_t n, back_n;
	uint8_t *bmp = rdp_clip_from_windows(RDP_CLIP_BMP, 8, dib, sizeof dib, &n);
	uint8_t *back;

	TAP_CHECK(t, bmp && n == 14 + sizeof dib && bmp[0] == 'B' && bmp[1] == 'M' && bmp[10] == 54,
		  "CF_DIB gets a BMP file header with the pixels at 54");
	back = bmp ? rdp_clip_to_windows(RDP_CLIP_BMP, bmp, n, &back_n) : NULL;
	TAP_CHECK(t, equal(back, back_n, dib, sizeof dib), "and loses it on the way back");
	free(bmp);
	free(back);
	bmp = rdp_clip_dib_to_png(dib, sizeof dib, &n);
	TAP_CHECK(t, bmp && n > 8 && memcmp(bmp, "\x89PNG\r\n\x1a\n", 8) == 0,
		  "a 24-bit bitmap makes a PNG");
	free(bmp);
	/* a header promising more rows than there are bytes */
	uint8_t tall[sizeof dib];
	memcpy(tall, dib, sizeof dib);
	tall[8] = 200;
	TAP_CHECK(t, rdp_clip_dib_to_png(tall, sizeof tall, &n) == NULL,
		  "a bitmap shorter than its header says is refused");
	TAP_CHECK(t, rdp_clip_to_windows(RDP_CLIP_PNG, (const uint8_t *)"GIF89a", 6, &n) == NULL,
		  "what is no PNG does not go as one");
}

static void
test_formats(struct tap *t)
{
	const char *name;

	TAP_CHECK(t,
		  rdp_clip_kind_of_format(13, NULL) == RDP_CLIP_TEXT &&
			  rdp_clip_kind_of_format(0xc123, "HTML Format") == RDP_CLIP_HTML &&
			  rdp_clip_kind_of_format(RDP_CLIP_ID_PNG, NULL) == RDP_CLIP_PNG &&
			  rdp_clip_kind_of_format(0xc200, "PNG") == RDP_CLIP_PNG &&
			  rdp_clip_kind_of_format(8, NULL) == RDP_CLIP_BMP &&
			  rdp_clip_kind_of_format(0xc300, "FileGroupDescriptorW") == RDP_CLIP_NONE,
		  "client formats by id, registered ones by name");
	TAP_CHECK(t,
		  rdp_clip_format_id(RDP_CLIP_HTML, &name) == RDP_CLIP_ID_HTML && name &&
			  strcmp(name, "HTML Format") == 0,
		  "HTML goes under its name");
	TAP_CHECK(t, rdp_clip_mime_rank("text/plain;charset=utf-8") > rdp_clip_mime_rank("TEXT"),
		  "UTF-8 text is taken before TEXT");
}

int
main(void)
{
	struct tap t = {0};

	test_text(&t);
	test_html(&t);
	test_images(&t);
	test_formats(&t);
	return tap_finish(&t);
}
