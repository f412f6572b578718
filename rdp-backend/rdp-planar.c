/*
 * Planar, run-length coded: a format byte, then the red, green and blue
 * planes one after the other, each row by row. The first row of a plane is
 * its values; each later row is its differences from the row above, each
 * folded to a byte with the sign in the lowest bit (0, -1, 1, -2 ... as 0, 1,
 * 2, 3 ...). A row is segments: a control byte (a count of raw bytes in the
 * high nibble, a run length in the low one), the raw bytes, then the run,
 * which repeats the row's last byte so far (0 at its start). Run lengths 1 and
 * 2 are taken to mean runs of 16 and 32 more than the high nibble, with no raw
 * bytes; so a run shorter than 3 goes as raw bytes.
 */
#include "rdp-planar.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define RDP_PLANAR_RLE 0x10
#define RDP_PLANAR_NO_ALPHA 0x20
/* raw bytes one control byte announces */
#define RDP_PLANAR_RAW_MAX 15

struct rdp_planar_out {
	uint8_t *at, *end;
};

size_t
rdp_planar_max_size(int width, int height)
{
	size_t row = (size_t)width + ((size_t)width + RDP_PLANAR_RAW_MAX - 1) / RDP_PLANAR_RAW_MAX;

	return 1 + 3 * (size_t)height * row;
}

static bool
rdp_planar_put(struct rdp_planar_out *out, uint8_t control, const uint8_t *raw, int count)
{
	if (out->end - out->at < 1 + count)
		return false;
	*out->at++ = control;
	if (count > 0) {
		memcpy(out->at, raw, (size_t)count);
		out->at += count;
	}
	return true;
}

/* @count raw bytes, then a run of @run (0, or 3 and more) repeating the last byte. */
static bool
rdp_planar_put_segments(struct rdp_planar_out *out, const uint8_t *raw, int count, int run)
{
	for (; count > RDP_PLANAR_RAW_MAX; count -= RDP_PLANAR_RAW_MAX, raw += RDP_PLANAR_RAW_MAX)
		if (!rdp_planar_put(out, RDP_PLANAR_RAW_MAX << 4, raw, RDP_PLANAR_RAW_MAX))
			return false;
	if (count > 0) {
		/* what the run leaves for segments of its own must be 0 or 3 and more */
		int first = run <= 15 ? run : run < 18 ? 13 : 15;

		if (!rdp_planar_put(out, (uint8_t)(count << 4 | first), raw, count))
			return false;
		run -= first;
	}
	while (run > 0) {
		uint8_t control;

		if (run > 47) {
			int part = run < 50 ? 45 : 47;

			control = (uint8_t)((part - 32) << 4 | 2);
			run -= part;
		} else if (run >= 32) {
			control = (uint8_t)((run - 32) << 4 | 2);
			run = 0;
		} else if (run >= 16) {
			control = (uint8_t)((run - 16) << 4 | 1);
			run = 0;
		} else {
			control = (uint8_t)run;
			run = 0;
		}
		if (!rdp_planar_put(out, control, NULL, 0))
			return false;
	}
	return true;
}

/* How many of @symbols[from, width) equal @value, in a row. */
static int
rdp_planar_run_end(const uint8_t *symbols, int from, int width, uint8_t value)
{
	uint64_t pattern = 0x0101010101010101ull * value;
	int x = from;

	while (x + 8 <= width) {
		uint64_t word;

		memcpy(&word, symbols + x, 8);
		if (word != pattern)
			break;
		x += 8;
	}
	while (x < width && symbols[x] == value)
		x++;
	return x;
}

static bool
rdp_planar_put_row(struct rdp_planar_out *out, const uint8_t *symbols, int width)
{
	uint8_t last = 0;
	int raw_begin = 0, x = 0;

	while (x < width) {
		int run_end;

		if (symbols[x] != last) {
			last = symbols[x++];
			continue;
		}
		run_end = rdp_planar_run_end(symbols, x + 1, width, last);
		if (run_end - x >= 3) {
			if (!rdp_planar_put_segments(out, symbols + raw_begin, x - raw_begin,
						     run_end - x))
				return false;
			raw_begin = run_end;
		}
		x = run_end;
	}
	return rdp_planar_put_segments(out, symbols + raw_begin, width - raw_begin, 0);
}

/* One plane's bytes of a row: its values (@above NULL) or its folded differences. */
static void
rdp_planar_symbols(const uint8_t *row, const uint8_t *above, int width, int channel,
		   uint8_t *symbols)
{
	if (!above) {
		for (int x = 0; x < width; x++)
			symbols[x] = row[x * 4 + channel];
		return;
	}
	for (int x = 0; x < width; x++) {
		unsigned delta = (uint8_t)(row[x * 4 + channel] - above[x * 4 + channel]);

		symbols[x] = (uint8_t)((delta << 1) ^ (0u - (delta >> 7)));
	}
}

size_t
rdp_planar_encode(const uint8_t *pixels, int stride, int width, int height, uint8_t *out,
		  size_t capacity, uint8_t *row_scratch)
{
	/* red, green, blue: bytes 2, 1 and 0 of a BGRX pixel */
	static const int channels[3] = {2, 1, 0};
	struct rdp_planar_out to = {out, out + capacity};

	if (capacity < 1 || width < 1 || height < 1)
		return 0;
	*to.at++ = RDP_PLANAR_RLE | RDP_PLANAR_NO_ALPHA;
	for (int c = 0; c < 3; c++) {
		for (int y = 0; y < height; y++) {
			const uint8_t *row = pixels + (ptrdiff_t)y * stride;
			const uint8_t *above = y > 0 ? row - stride : NULL;

			/* a row as the one above is a run of zeros in every plane */
			if (above && width >= 3 && memcmp(row, above, (size_t)width * 4) == 0) {
				if (!rdp_planar_put_segments(&to, NULL, 0, width))
					return 0;
				continue;
			}
			rdp_planar_symbols(row, above, width, channels[c], row_scratch);
			if (!rdp_planar_put_row(&to, row_scratch, width))
				return 0;
		}
	}
	return (size_t)(to.at - out);
}
