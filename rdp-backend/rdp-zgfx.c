/*
 * RDP 8.0 bulk compression, the encoding side. The client's decoder keeps the
 * last 2,500,000 bytes of the channel (raw segments too) and reads, MSB first,
 * literals (9 bits, or 5 to 8 for a few common bytes) and matches (a distance
 * code of 10 to 29 bits, then a length of 1 bit for 3 or 2k bits for 2^k and
 * up). Each segment decodes into 64 KB at most, so matches stay within their
 * segment while their source may lie anywhere in the history.
 *
 * Matches are found greedily through a hash of the next six bytes into two
 * recent positions each: planar frames of text repeat the same glyph runs a
 * few rows, and a few frames, apart. A segment that does not shrink goes raw,
 * and one whose coded part is not shrinking is given up early: incompressible
 * content (noise, pictures planar could not pack) then costs a probe of each
 * segment, not a whole attempt; bytes the caller already doubts go in
 * segments of their own with a shorter probe.
 */
#include "rdp-zgfx.h"

#include <stdlib.h>
#include <string.h>

#include "byte-buffer.h"
#include "rdp-le.h"

#define RDP_ZGFX_SINGLE 0xe0
#define RDP_ZGFX_MULTIPART 0xe1
#define RDP_ZGFX_TYPE_RDP8 0x04
#define RDP_ZGFX_COMPRESSED 0x20
#define RDP_ZGFX_SEGMENT_MAX 65535
#define RDP_ZGFX_SEGMENTS_MAX 65535
/* what the client keeps: no match reaches further back */
#define RDP_ZGFX_HISTORY 2500000
/* kept when the buffer slides, so that matches find something at once */
#define RDP_ZGFX_WINDOW (1u << 21)
/* the window, then room to append to it before sliding it back */
#define RDP_ZGFX_BUFFER (2u * RDP_ZGFX_WINDOW)
#define RDP_ZGFX_HASH_BITS 16
#define RDP_ZGFX_WAYS 2
#define RDP_ZGFX_MIN_MATCH 6
/* the hash reads a word: positions closer to a segment's end are not searched */
#define RDP_ZGFX_HASH_READ 8
/* segment header: its size (4 bytes) and its flags (1) */
#define RDP_ZGFX_SEGMENT_HEADER 5
/* coding stops once a segment is no smaller; its last token and padding may pass that */
#define RDP_ZGFX_SEGMENT_SLACK 16
/*
 * Every this many bytes of a segment, coding goes on only if what is coded so
 * far saved at least a sixteenth. A 1024x16 band of noise a frame cost 1.2 to
 * 1.7 ms of CPU a frame when each was tried whole, 0.6 to 0.8 ms now; text,
 * which codes to a quarter from its first rows on, is not stopped.
 */
#define RDP_ZGFX_PROBE 4096
/*
 * Bytes the caller doubts (pixels planar could not pack) are given up after
 * this many unless they shrink (as a frame sent again does, at once).
 * A 1024x16 band of noise a frame spent 0.4 ms of its 1.1 in the full probe's
 * hash and history lookups, each a cache miss. Spans shorter than
 * RDP_ZGFX_DOUBT_MIN are not worth a segment of their own.
 */
#define RDP_ZGFX_DOUBT_PROBE 256
#define RDP_ZGFX_DOUBT_MIN 1024

struct rdp_zgfx_code {
	uint16_t bits;
	uint8_t length;
};

struct rdp_zgfx {
	uint8_t *window; /* the bytes sent, oldest first, @window_size of them */
	size_t window_size;
	/* per hash, the last positions + 1 in @window where its four bytes began, newest first */
	uint32_t (*heads)[RDP_ZGFX_WAYS];
	struct rdp_zgfx_code literals[256];
	uint8_t *out;
	size_t out_capacity;
	/* the bit writer */
	uint64_t bits;
	unsigned bit_count;
	size_t at;
};

/* Bytes with codes shorter than 9 bits (MS-RDPEGFX 2.2.5.3.2). */
static const struct {
	uint8_t value;
	uint8_t length;
	uint8_t bits;
} rdp_zgfx_short_literals[] = {
	{0x00, 5, 24},  {0x01, 5, 25},  {0x02, 6, 52},  {0x03, 6, 53},  {0xff, 6, 54},
	{0x04, 7, 110}, {0x05, 7, 111}, {0x06, 7, 112}, {0x07, 7, 113}, {0x08, 7, 114},
	{0x09, 7, 115}, {0x0a, 7, 116}, {0x0b, 7, 117}, {0x3a, 7, 118}, {0x3b, 7, 119},
	{0x3c, 7, 120}, {0x3d, 7, 121}, {0x3e, 7, 122}, {0x3f, 7, 123}, {0x40, 7, 124},
	{0x80, 7, 125}, {0x0c, 8, 252}, {0x38, 8, 253}, {0x39, 8, 254}, {0x66, 8, 255},
};

/* Distance codes: a prefix, then @extra bits of the distance less @base. */
static const struct {
	uint16_t prefix;
	uint8_t prefix_length;
	uint8_t extra;
	uint32_t base;
} rdp_zgfx_distances[] = {
	{17, 5, 5, 0},       {18, 5, 7, 32},        {19, 5, 9, 160},       {20, 5, 10, 672},
	{21, 5, 12, 1696},   {44, 6, 14, 5792},     {45, 6, 15, 22176},    {92, 7, 18, 54944},
	{93, 7, 20, 317088}, {188, 8, 20, 1365664}, {189, 8, 21, 2414240},
};

struct rdp_zgfx *
rdp_zgfx_create(void)
{
	struct rdp_zgfx *zgfx = calloc(1, sizeof *zgfx);

	if (!zgfx)
		return NULL;
	zgfx->window = malloc(RDP_ZGFX_BUFFER);
	zgfx->heads = calloc((size_t)1 << RDP_ZGFX_HASH_BITS, sizeof *zgfx->heads);
	if (!zgfx->window || !zgfx->heads) {
		rdp_zgfx_destroy(zgfx);
		return NULL;
	}
	for (int i = 0; i < 256; i++)
		zgfx->literals[i] = (struct rdp_zgfx_code){.bits = (uint16_t)i, .length = 9};
	for (size_t i = 0; i < sizeof rdp_zgfx_short_literals / sizeof rdp_zgfx_short_literals[0];
	     i++)
		zgfx->literals[rdp_zgfx_short_literals[i].value] = (struct rdp_zgfx_code){
			.bits = rdp_zgfx_short_literals[i].bits,
			.length = rdp_zgfx_short_literals[i].length,
		};
	return zgfx;
}

void
rdp_zgfx_destroy(struct rdp_zgfx *zgfx)
{
	if (!zgfx)
		return;
	free(zgfx->window);
	free(zgfx->heads);
	free(zgfx->out);
	free(zgfx);
}

static void
rdp_zgfx_put(struct rdp_zgfx *zgfx, uint32_t bits, unsigned count)
{
	zgfx->bits = (zgfx->bits << count) | bits;
	zgfx->bit_count += count;
	while (zgfx->bit_count >= 8) {
		zgfx->bit_count -= 8;
		zgfx->out[zgfx->at++] = (uint8_t)(zgfx->bits >> zgfx->bit_count);
	}
}

static void
rdp_zgfx_put_match(struct rdp_zgfx *zgfx, uint32_t distance, uint32_t length)
{
	size_t i = 0;
	unsigned k = 2;

	while (i + 1 < sizeof rdp_zgfx_distances / sizeof rdp_zgfx_distances[0] &&
	       distance >= rdp_zgfx_distances[i + 1].base)
		i++;
	rdp_zgfx_put(zgfx,
		     ((uint32_t)rdp_zgfx_distances[i].prefix << rdp_zgfx_distances[i].extra) |
			     (distance - rdp_zgfx_distances[i].base),
		     rdp_zgfx_distances[i].prefix_length + rdp_zgfx_distances[i].extra);
	if (length == 3) {
		rdp_zgfx_put(zgfx, 0, 1);
		return;
	}
	while (length >> (k + 1))
		k++;
	/* k - 1 ones and a zero say 2^k; k bits say how far above it */
	rdp_zgfx_put(zgfx, ((1u << (k - 1)) - 1) << 1, k);
	rdp_zgfx_put(zgfx, length - (1u << k), k);
}

/* Of the RDP_ZGFX_MIN_MATCH bytes at @p. */
static uint32_t
rdp_zgfx_hash(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	v <<= 64 - 8 * RDP_ZGFX_MIN_MATCH;
	return (uint32_t)((v * 0x9e3779b97f4a7c15ull) >> (64 - RDP_ZGFX_HASH_BITS));
}

static void
rdp_zgfx_remember(struct rdp_zgfx *zgfx, uint32_t hash, size_t position)
{
	uint32_t *ways = zgfx->heads[hash];

	memmove(ways + 1, ways, (RDP_ZGFX_WAYS - 1) * sizeof *ways);
	ways[0] = (uint32_t)position + 1;
}

static size_t
rdp_zgfx_match_length(const uint8_t *a, const uint8_t *b, size_t limit)
{
	size_t n = 0;

	while (n + 8 <= limit) {
		uint64_t x, y;

		memcpy(&x, a + n, 8);
		memcpy(&y, b + n, 8);
		if (x != y)
			return n + (size_t)(__builtin_ctzll(x ^ y) / 8);
		n += 8;
	}
	while (n < limit && a[n] == b[n])
		n++;
	return n;
}

/*
 * Keeps the newest RDP_ZGFX_WINDOW bytes when @incoming more would not fit;
 * positions remembered in what goes are forgotten.
 */
static void
rdp_zgfx_make_room(struct rdp_zgfx *zgfx, size_t incoming)
{
	size_t shift;

	if (zgfx->window_size + incoming <= RDP_ZGFX_BUFFER)
		return;
	shift = zgfx->window_size - RDP_ZGFX_WINDOW;
	memmove(zgfx->window, zgfx->window + shift, RDP_ZGFX_WINDOW);
	zgfx->window_size = RDP_ZGFX_WINDOW;
	for (size_t h = 0; h < (size_t)1 << RDP_ZGFX_HASH_BITS; h++)
		for (int w = 0; w < RDP_ZGFX_WAYS; w++) {
			uint32_t *position = &zgfx->heads[h][w];

			*position = *position > shift ? (uint32_t)(*position - shift) : 0;
		}
}

/*
 * Codes window[start, start + n) after the segment's flags byte, checking that
 * it shrinks first after @first_probe bytes; its size, or 0 if not smaller.
 */
static size_t
rdp_zgfx_code_segment(struct rdp_zgfx *zgfx, size_t start, size_t n, size_t first_probe)
{
	const uint8_t *window = zgfx->window;
	size_t end = start + n, i = start, begin = zgfx->at, probe = start + first_probe;

	zgfx->bits = 0;
	zgfx->bit_count = 0;
	while (i < end) {
		size_t best = 0, from = 0;

		if (end - i >= RDP_ZGFX_HASH_READ) {
			uint32_t hash = rdp_zgfx_hash(window + i);

			for (int w = 0; w < RDP_ZGFX_WAYS; w++) {
				size_t candidate = zgfx->heads[hash][w], length;

				if (candidate-- == 0)
					break;
				if (i - candidate > RDP_ZGFX_HISTORY)
					continue;
				length = rdp_zgfx_match_length(window + candidate, window + i,
							       end - i);
				if (length > best) {
					best = length;
					from = candidate;
				}
			}
			rdp_zgfx_remember(zgfx, hash, i);
		}
		if (best >= RDP_ZGFX_MIN_MATCH) {
			rdp_zgfx_put_match(zgfx, (uint32_t)(i - from), (uint32_t)best);
			/* every fourth position of a match: nearly as good, and faster */
			for (size_t j = i + 1; j < i + best && end - j >= RDP_ZGFX_HASH_READ;
			     j += 4)
				rdp_zgfx_remember(zgfx, rdp_zgfx_hash(window + j), j);
			i += best;
		} else {
			rdp_zgfx_put(zgfx, zgfx->literals[window[i]].bits,
				     zgfx->literals[window[i]].length);
			i++;
		}
		if (zgfx->at - begin >= n)
			return 0;
		if (i >= probe) {
			if ((zgfx->at - begin) * 16 > (i - start) * 15)
				return 0;
			probe = i + RDP_ZGFX_PROBE;
		}
	}
	/* the last byte says how many bits of the one before are padding */
	if (zgfx->bit_count > 0) {
		unsigned pad = 8 - zgfx->bit_count;

		rdp_zgfx_put(zgfx, 0, pad);
		zgfx->out[zgfx->at++] = (uint8_t)pad;
	} else {
		zgfx->out[zgfx->at++] = 0;
	}
	return zgfx->at - begin < n ? zgfx->at - begin : 0;
}

/*
 * Where the segment from @done ends (a segment's largest size, the packet's
 * end, or the edge of a doubtful span) and whether it is doubtful; *@span is
 * the first span not yet passed.
 */
static size_t
rdp_zgfx_cut(size_t done, size_t size, const struct rdp_zgfx_span *doubtful, size_t n_doubtful,
	     size_t *span, bool *doubted)
{
	size_t end = size - done < RDP_ZGFX_SEGMENT_MAX ? size : done + RDP_ZGFX_SEGMENT_MAX;

	while (*span < n_doubtful &&
	       (doubtful[*span].end <= done ||
		doubtful[*span].end - doubtful[*span].start < RDP_ZGFX_DOUBT_MIN))
		(*span)++;
	*doubted = false;
	if (*span == n_doubtful)
		return end;
	if (doubtful[*span].start <= done) {
		*doubted = true;
		return doubtful[*span].end < end ? doubtful[*span].end : end;
	}
	return doubtful[*span].start < end ? doubtful[*span].start : end;
}

int
rdp_zgfx_pack(struct rdp_zgfx *zgfx, const uint8_t *data, size_t size, bool compress,
	      const struct rdp_zgfx_span *doubtful, size_t n_doubtful, const uint8_t **out,
	      size_t *out_size)
{
	size_t segments = 0, span = 0;
	bool multipart, doubted;
	size_t need;

	for (size_t done = 0; done < size && segments <= RDP_ZGFX_SEGMENTS_MAX; segments++)
		done = rdp_zgfx_cut(done, size, doubtful, n_doubtful, &span, &doubted);
	multipart = segments > 1;
	need = 7 + segments * (RDP_ZGFX_SEGMENT_HEADER + RDP_ZGFX_SEGMENT_SLACK) + size;
	/* the client's decoder takes no empty segment */
	if (size == 0 || segments > RDP_ZGFX_SEGMENTS_MAX || size > UINT32_MAX)
		return -1;
	if (!byte_buffer_reserve(&zgfx->out, &zgfx->out_capacity, need))
		return -1;
	zgfx->at = 0;
	zgfx->out[zgfx->at++] = multipart ? RDP_ZGFX_MULTIPART : RDP_ZGFX_SINGLE;
	if (multipart) {
		rdp_le_put_u16(zgfx->out + zgfx->at, (uint32_t)segments);
		rdp_le_put_u32(zgfx->out + zgfx->at + 2, (uint32_t)size);
		zgfx->at += 6;
	}
	span = 0;
	for (size_t done = 0; done < size;) {
		size_t next = rdp_zgfx_cut(done, size, doubtful, n_doubtful, &span, &doubted);
		size_t n = next - done, header = zgfx->at, start, coded = 0;

		rdp_zgfx_make_room(zgfx, n);
		start = zgfx->window_size;
		memcpy(zgfx->window + start, data + done, n);
		zgfx->window_size += n;
		zgfx->at += multipart ? RDP_ZGFX_SEGMENT_HEADER : 1;
		if (compress)
			coded = rdp_zgfx_code_segment(
				zgfx, start, n, doubted ? RDP_ZGFX_DOUBT_PROBE : RDP_ZGFX_PROBE);
		if (coded == 0) {
			zgfx->at = header + (multipart ? RDP_ZGFX_SEGMENT_HEADER : 1);
			memcpy(zgfx->out + zgfx->at, data + done, n);
			zgfx->at += n;
		}
		if (multipart)
			rdp_le_put_u32(zgfx->out + header, (uint32_t)(zgfx->at - header - 4));
		zgfx->out[header + (multipart ? 4 : 0)] =
			RDP_ZGFX_TYPE_RDP8 | (coded ? RDP_ZGFX_COMPRESSED : 0);
		done = next;
	}
	*out = zgfx->out;
	*out_size = zgfx->at;
	return 0;
}
