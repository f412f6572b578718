/*
 * RemoteFX, the encoding side (MS-RDPRFX 3.1.8.1). A tile's pixels become
 * Y, Cb and Cr as 16-bit numbers with 5 fractional bits, each plane goes
 * through three levels of the codec's 5/3 lifting wavelet (the bands laid out
 * HL1 LH1 HH1 HL2 LH2 HH2 HL3 LH3 HH3 LL3, as the decoder reads them), is
 * divided by its band's step with rounding, has its LL3 band coded as
 * differences, and is entropy coded with RLGR3: runs of zeros and adaptive
 * Golomb-Rice codes, most significant bit first.
 *
 * The arithmetic is the decoder's inverse and FreeRDP's: the same colour
 * factors and lifting steps. The division is one rounding where FreeRDP
 * rounds twice (its step less 6, then its 5 fractional bits), which is nearer
 * the value and never more bytes.
 */
#include "rdp-remotefx.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rdp-le.h"
#include "work-pool.h"

#define RDP_REMOTEFX_TILE 64
#define RDP_REMOTEFX_COEFFICIENTS (RDP_REMOTEFX_TILE * RDP_REMOTEFX_TILE)
#define RDP_REMOTEFX_SIDE_MAX 4096
/* a component's coding is cut off past this: its length is 16 bits in the tile */
#define RDP_REMOTEFX_COMPONENT_MAX 65535
/* a tile block: its header, then its three components */
#define RDP_REMOTEFX_TILE_HEADER 19

#define RDP_REMOTEFX_WBT_SYNC 0xccc0
#define RDP_REMOTEFX_WBT_CODEC_VERSIONS 0xccc1
#define RDP_REMOTEFX_WBT_CHANNELS 0xccc2
#define RDP_REMOTEFX_WBT_CONTEXT 0xccc3
#define RDP_REMOTEFX_WBT_FRAME_BEGIN 0xccc4
#define RDP_REMOTEFX_WBT_FRAME_END 0xccc5
#define RDP_REMOTEFX_WBT_REGION 0xccc6
#define RDP_REMOTEFX_WBT_EXTENSION 0xccc7
#define RDP_REMOTEFX_CBT_REGION 0xcac1
#define RDP_REMOTEFX_CBT_TILESET 0xcac2
#define RDP_REMOTEFX_CBT_TILE 0xcac3
#define RDP_REMOTEFX_MAGIC 0xcaccacca
#define RDP_REMOTEFX_VERSION 0x0100
/* the codec's choices, as the context block and each tileset name them */
#define RDP_REMOTEFX_COLOUR_ICT 1
#define RDP_REMOTEFX_WAVELET_53 1
#define RDP_REMOTEFX_RLGR3 4
#define RDP_REMOTEFX_SCALAR 1

/* RLGR's adaptation (MS-RDPRFX 3.1.8.1.7.3) */
#define RDP_RLGR_KP_MAX 80
#define RDP_RLGR_LSGR 3
#define RDP_RLGR_UP_GR 4
#define RDP_RLGR_DN_GR 6
#define RDP_RLGR_UQ_GR 3
#define RDP_RLGR_DQ_GR 3

struct rdp_remotefx_tile {
	uint16_t x_index, y_index;
	int worker;
	size_t offset, size; /* its block in the worker's output, or size 0: it failed */
};

struct rdp_remotefx_worker {
	uint8_t *output;
	size_t used, capacity;
	int16_t planes[3][RDP_REMOTEFX_COEFFICIENTS];
	int16_t scratch[RDP_REMOTEFX_COEFFICIENTS];
};

struct rdp_remotefx {
	struct work_pool *pool;
	int width, height, columns, rows;
	uint8_t quants[2][RDP_REMOTEFX_BANDS];
	bool headers_sent;
	uint32_t frame_index;
	struct rdp_remotefx_worker *workers;
	int n_workers;
	uint8_t *tile_taken; /* per tile of the surface, during one encode */
	struct rdp_remotefx_tile *tiles;
	const uint8_t *pixels; /* during one encode */
	int stride;
	uint8_t *message;
	size_t message_capacity;
};

struct rdp_remotefx *
rdp_remotefx_create(struct work_pool *pool, int width, int height)
{
	struct rdp_remotefx *remotefx;
	static const uint8_t luma[RDP_REMOTEFX_BANDS] = {6, 6, 6, 6, 7, 7, 8, 8, 8, 9};

	if (width < 1 || height < 1 || width > RDP_REMOTEFX_SIDE_MAX ||
	    height > RDP_REMOTEFX_SIDE_MAX)
		return NULL;
	remotefx = calloc(1, sizeof *remotefx);
	if (!remotefx)
		return NULL;
	remotefx->pool = pool;
	remotefx->width = width;
	remotefx->height = height;
	remotefx->columns = (width + RDP_REMOTEFX_TILE - 1) / RDP_REMOTEFX_TILE;
	remotefx->rows = (height + RDP_REMOTEFX_TILE - 1) / RDP_REMOTEFX_TILE;
	remotefx->n_workers = pool ? work_pool_workers(pool) : 1;
	remotefx->workers = calloc((size_t)remotefx->n_workers, sizeof *remotefx->workers);
	remotefx->tile_taken = calloc((size_t)remotefx->columns * (size_t)remotefx->rows, 1);
	remotefx->tiles =
		calloc((size_t)remotefx->columns * (size_t)remotefx->rows, sizeof *remotefx->tiles);
	if (!remotefx->workers || !remotefx->tile_taken || !remotefx->tiles) {
		rdp_remotefx_destroy(remotefx);
		return NULL;
	}
	/* the codec's own defaults until told otherwise */
	rdp_remotefx_set_quants(remotefx, luma, luma);
	return remotefx;
}

void
rdp_remotefx_destroy(struct rdp_remotefx *remotefx)
{
	if (!remotefx)
		return;
	for (int i = 0; remotefx->workers && i < remotefx->n_workers; i++)
		free(remotefx->workers[i].output);
	free(remotefx->workers);
	free(remotefx->tile_taken);
	free(remotefx->tiles);
	free(remotefx->message);
	free(remotefx);
}

void
rdp_remotefx_set_quants(struct rdp_remotefx *remotefx, const uint8_t luma[RDP_REMOTEFX_BANDS],
			const uint8_t chroma[RDP_REMOTEFX_BANDS])
{
	for (int band = 0; band < RDP_REMOTEFX_BANDS; band++) {
		remotefx->quants[0][band] = luma[band] < 6 ? 6 : luma[band] > 15 ? 15 : luma[band];
		remotefx->quants[1][band] = chroma[band] < 6    ? 6
					    : chroma[band] > 15 ? 15
								: chroma[band];
	}
}

/* --- one tile's planes ------------------------------------------------------ */

/*
 * The tile at @pixels, @width x @height of it on the surface, as Y, Cb and Cr
 * with 5 fractional bits; the part past the surface repeats its last column
 * and row, which codes to almost nothing. The factors have 15 fractional bits
 * and each row of them sums to 1 or 0, so no value leaves the 13 bits the
 * codec allows, and none needs clamping.
 */
static void
rdp_remotefx_load(int16_t planes[3][RDP_REMOTEFX_COEFFICIENTS], const uint8_t *pixels, int stride,
		  int width, int height)
{
	for (int y = 0; y < height; y++) {
		const uint8_t *p = pixels + (ptrdiff_t)y * stride;
		int16_t *restrict luma = planes[0] + y * RDP_REMOTEFX_TILE;
		int16_t *restrict blue = planes[1] + y * RDP_REMOTEFX_TILE;
		int16_t *restrict red = planes[2] + y * RDP_REMOTEFX_TILE;

		for (int x = 0; x < width; x++) {
			uint32_t pixel;
			int32_t b, g, r;

			memcpy(&pixel, p + 4 * x, sizeof pixel);
			b = (int32_t)(pixel & 0xff);
			g = (int32_t)((pixel >> 8) & 0xff);
			r = (int32_t)((pixel >> 16) & 0xff);
			luma[x] = (int16_t)(((r * 9798 + g * 19235 + b * 3735) >> 10) - 4096);
			blue[x] = (int16_t)((r * -5535 + g * -10868 + b * 16403) >> 10);
			red[x] = (int16_t)((r * 16377 + g * -13714 + b * -2663) >> 10);
		}
		for (int x = width; x < RDP_REMOTEFX_TILE; x++) {
			luma[x] = luma[width - 1];
			blue[x] = blue[width - 1];
			red[x] = red[width - 1];
		}
	}
	for (int c = 0; c < 3; c++)
		for (int y = height; y < RDP_REMOTEFX_TILE; y++)
			memcpy(planes[c] + y * RDP_REMOTEFX_TILE,
			       planes[c] + (height - 1) * RDP_REMOTEFX_TILE,
			       RDP_REMOTEFX_TILE * sizeof(int16_t));
}

/*
 * One lifting step along a line of @half pairs: @high from the odd values
 * and their even neighbours, then @low from the even values and the high
 * ones either side (the first has only one, counted twice, as the last even
 * value's missing right neighbour is its left one).
 */
static void
rdp_remotefx_lift(const int16_t *restrict even, const int16_t *restrict even_next,
		  const int16_t *restrict odd, int16_t *restrict low, int16_t *restrict high,
		  int half)
{
	for (int n = 0; n < half; n++)
		high[n] = (int16_t)((odd[n] - ((even[n] + even_next[n]) >> 1)) >> 1);
	low[0] = (int16_t)(even[0] + high[0]);
	for (int n = 1; n < half; n++)
		low[n] = (int16_t)(even[n] + ((high[n - 1] + high[n]) >> 1));
}

/*
 * One level of the wavelet over the @half*2 square at @buffer: columns first
 * (into @scratch, low rows then high rows), then rows, leaving the bands HL,
 * LH, HH, LL one after the other in @buffer. Both are lifting steps over
 * whole lines, so that the compiler does eight values at once: the columns as
 * rows of them, each row split into its even and odd values first.
 */
static void
rdp_remotefx_wavelet_level(int16_t *buffer, int16_t *scratch, int half)
{
	int side = half * 2;
	int16_t *low = scratch, *high = scratch + half * side;
	int16_t split[3][RDP_REMOTEFX_TILE / 2 + 1];

	for (int n = 0; n < half; n++) {
		const int16_t *even = buffer + 2 * n * side, *odd = even + side;
		const int16_t *next = n < half - 1 ? even + 2 * side : even;
		int16_t *restrict h = high + n * side, *restrict l = low + n * side;
		const int16_t *h_before = n > 0 ? h - side : h;

		for (int x = 0; x < side; x++)
			h[x] = (int16_t)((odd[x] - ((even[x] + next[x]) >> 1)) >> 1);
		for (int x = 0; x < side; x++)
			l[x] = (int16_t)(even[x] + ((h_before[x] + h[x]) >> 1));
	}
	for (int y = 0; y < 2 * half; y++) {
		/* rows of low columns give HL and LL, rows of high ones HH and LH */
		const int16_t *row = y < half ? low + y * side : high + (y - half) * side;
		int r = y < half ? y : y - half;
		int16_t *high_band = buffer + (y < half ? 0 : 2 * half * half) + r * half;
		int16_t *low_band = buffer + (y < half ? 3 * half * half : half * half) + r * half;

		for (int n = 0; n < half; n++) {
			split[0][n] = row[2 * n];
			split[1][n] = row[2 * n + 1];
		}
		memcpy(split[2], split[0] + 1, (size_t)(half - 1) * sizeof(int16_t));
		split[2][half - 1] = split[0][half - 1];
		rdp_remotefx_lift(split[0], split[2], split[1], low_band, high_band, half);
	}
}

/* Divides @count values by 2^(@step - 1), rounding: the 5 fractional bits go too. */
static void
rdp_remotefx_quantise_band(int16_t *restrict band, int count, int step)
{
	int shift = step - 1;
	int32_t half = 1 << (shift - 1);

	for (int i = 0; i < count; i++)
		band[i] = (int16_t)((band[i] + half) >> shift);
}

static void
rdp_remotefx_quantise(int16_t *plane, const uint8_t quants[RDP_REMOTEFX_BANDS])
{
	/* where each band lies, in the order of the quantisation values */
	static const struct {
		int offset, count;
	} bands[RDP_REMOTEFX_BANDS] = {
		{4032, 64},   /* LL3 */
		{3904, 64},   /* LH3 */
		{3840, 64},   /* HL3 */
		{3968, 64},   /* HH3 */
		{3328, 256},  /* LH2 */
		{3072, 256},  /* HL2 */
		{3584, 256},  /* HH2 */
		{1024, 1024}, /* LH1 */
		{0, 1024},    /* HL1 */
		{2048, 1024}, /* HH1 */
	};

	for (int band = 0; band < RDP_REMOTEFX_BANDS; band++)
		rdp_remotefx_quantise_band(plane + bands[band].offset, bands[band].count,
					   quants[band]);
	/* LL3 as differences, each from the one before */
	for (int i = RDP_REMOTEFX_COEFFICIENTS - 1; i > 4032; i--)
		plane[i] = (int16_t)(plane[i] - plane[i - 1]);
}

/* --- RLGR3 ------------------------------------------------------------------ */

struct rdp_rlgr_writer {
	uint8_t *out, *end;
	uint64_t bits;
	unsigned count;
	bool overflow;
};

static void
rdp_rlgr_put(struct rdp_rlgr_writer *w, uint32_t bits, unsigned n)
{
	if (n == 0)
		return;
	w->bits = (w->bits << n) | (bits & (uint32_t)((1ull << n) - 1));
	w->count += n;
	while (w->count >= 8) {
		w->count -= 8;
		if (w->out == w->end) {
			w->overflow = true;
			return;
		}
		*w->out++ = (uint8_t)(w->bits >> w->count);
	}
}

static void
rdp_rlgr_put_ones(struct rdp_rlgr_writer *w, uint32_t n)
{
	for (; n > 24 && !w->overflow; n -= 24)
		rdp_rlgr_put(w, 0xffffff, 24);
	rdp_rlgr_put(w, 0xffffff, n);
}

static int
rdp_rlgr_adapt(int *param, int delta)
{
	*param += delta;
	*param = *param < 0 ? 0 : *param > RDP_RLGR_KP_MAX ? RDP_RLGR_KP_MAX : *param;
	return *param >> RDP_RLGR_LSGR;
}

/* @value as a Golomb-Rice code with the parameter @krp holds, which it then adapts. */
static void
rdp_rlgr_code_gr(struct rdp_rlgr_writer *w, int *krp, uint32_t value)
{
	int kr = *krp >> RDP_RLGR_LSGR;
	uint32_t quotient = value >> kr;

	rdp_rlgr_put_ones(w, quotient);
	rdp_rlgr_put(w, 0, 1);
	rdp_rlgr_put(w, value, (unsigned)kr);
	if (quotient == 0)
		rdp_rlgr_adapt(krp, -2);
	else if (quotient > 1)
		rdp_rlgr_adapt(krp, (int)quotient);
}

static uint32_t
rdp_rlgr_two_mag_sign(int32_t v)
{
	return v >= 0 ? 2u * (uint32_t)v : 2u * (uint32_t)-v - 1;
}

/*
 * Codes @count values into @out (@capacity bytes); its size, or 0 where it
 * would not fit. As the protocol's reference encoder does, a run reaching the
 * end is closed by a value of magnitude one that the decoder, its count
 * reached, never writes.
 */
static size_t
rdp_rlgr3_encode(const int16_t *data, int count, uint8_t *out, size_t capacity)
{
	struct rdp_rlgr_writer w = {.out = out, .end = out + capacity};
	int k = 1, kp = 1 << RDP_RLGR_LSGR, krp = 1 << RDP_RLGR_LSGR;
	int i = 0;

	while (i < count && !w.overflow) {
		if (k) {
			uint32_t zeros = 0, run_max = 1u << k;
			int32_t value;

			/* most values are zero at the coarser steps: four at a time */
			while (i + 4 < count) {
				uint64_t four;

				memcpy(&four, data + i, sizeof four);
				if (four != 0)
					break;
				zeros += 4;
				i += 4;
			}
			while (i < count - 1 && data[i] == 0) {
				zeros++;
				i++;
			}
			value = data[i++];
			while (zeros >= run_max) {
				rdp_rlgr_put(&w, 0, 1);
				zeros -= run_max;
				k = rdp_rlgr_adapt(&kp, RDP_RLGR_UP_GR);
				run_max = 1u << k;
			}
			rdp_rlgr_put(&w, 1, 1);
			rdp_rlgr_put(&w, zeros, (unsigned)k);
			rdp_rlgr_put(&w, value < 0, 1);
			rdp_rlgr_code_gr(&w, &krp, value == 0 ? 0 : (uint32_t)abs(value) - 1);
			k = rdp_rlgr_adapt(&kp, -RDP_RLGR_DN_GR);
		} else {
			uint32_t first = rdp_rlgr_two_mag_sign(data[i++]);
			uint32_t second = i < count ? rdp_rlgr_two_mag_sign(data[i++]) : 0;
			uint32_t sum = first + second;

			rdp_rlgr_code_gr(&w, &krp, sum);
			rdp_rlgr_put(&w, first, sum ? 32u - (unsigned)__builtin_clz(sum) : 0);
			if (first && second)
				k = rdp_rlgr_adapt(&kp, -2 * RDP_RLGR_DQ_GR);
			else if (!first && !second)
				k = rdp_rlgr_adapt(&kp, 2 * RDP_RLGR_UQ_GR);
		}
	}
	if (w.count > 0)
		rdp_rlgr_put(&w, 0, 8 - w.count);
	return w.overflow ? 0 : (size_t)(w.out - out);
}

/* --- tiles and the message --------------------------------------------------- */

static bool
rdp_remotefx_worker_fit(struct rdp_remotefx_worker *worker, size_t more)
{
	size_t capacity = worker->capacity ? worker->capacity : 65536;
	uint8_t *grown;

	if (worker->used + more <= worker->capacity)
		return true;
	while (capacity < worker->used + more)
		capacity *= 2;
	grown = realloc(worker->output, capacity);
	if (!grown)
		return false;
	worker->output = grown;
	worker->capacity = capacity;
	return true;
}

/* Encodes tile @index as @worker_index: a whole tile block in the worker's output. */
static void
rdp_remotefx_tile_encode(int index, int worker_index, void *data)
{
	struct rdp_remotefx *remotefx = data;
	struct rdp_remotefx_tile *tile = &remotefx->tiles[index];
	struct rdp_remotefx_worker *worker = &remotefx->workers[worker_index];
	int left = tile->x_index * RDP_REMOTEFX_TILE, top = tile->y_index * RDP_REMOTEFX_TILE;
	int width = remotefx->width - left < RDP_REMOTEFX_TILE ? remotefx->width - left
							       : RDP_REMOTEFX_TILE;
	int height = remotefx->height - top < RDP_REMOTEFX_TILE ? remotefx->height - top
								: RDP_REMOTEFX_TILE;
	size_t lengths[3];
	uint8_t *block, *p;

	tile->size = 0;
	if (!rdp_remotefx_worker_fit(worker,
				     RDP_REMOTEFX_TILE_HEADER + 3 * RDP_REMOTEFX_COMPONENT_MAX))
		return;
	rdp_remotefx_load(worker->planes,
			  remotefx->pixels + (size_t)top * (size_t)remotefx->stride +
				  (size_t)left * 4,
			  remotefx->stride, width, height);
	block = worker->output + worker->used;
	p = block + RDP_REMOTEFX_TILE_HEADER;
	for (int c = 0; c < 3; c++) {
		int16_t *plane = worker->planes[c];

		rdp_remotefx_wavelet_level(plane, worker->scratch, 32);
		rdp_remotefx_wavelet_level(plane + 3072, worker->scratch, 16);
		rdp_remotefx_wavelet_level(plane + 3840, worker->scratch, 8);
		rdp_remotefx_quantise(plane, remotefx->quants[c == 0 ? 0 : 1]);
		lengths[c] = rdp_rlgr3_encode(plane, RDP_REMOTEFX_COEFFICIENTS, p,
					      RDP_REMOTEFX_COMPONENT_MAX);
		if (lengths[c] == 0)
			return;
		p += lengths[c];
	}
	tile->size = (size_t)(p - block);
	tile->worker = worker_index;
	tile->offset = worker->used;
	worker->used += tile->size;
	p = rdp_le_put_u16(block, RDP_REMOTEFX_CBT_TILE);
	p = rdp_le_put_u32(p, (uint32_t)tile->size);
	/* luma takes quantisation values 0, both chromas 1 */
	p = rdp_le_put_u8(p, 0);
	p = rdp_le_put_u8(p, 1);
	p = rdp_le_put_u8(p, 1);
	p = rdp_le_put_u16(p, tile->x_index);
	p = rdp_le_put_u16(p, tile->y_index);
	for (int c = 0; c < 3; c++)
		p = rdp_le_put_u16(p, (uint32_t)lengths[c]);
}

/* The tiles under @boxes, each once, in the boxes' order; their number. */
static int
rdp_remotefx_take_tiles(struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n)
{
	int count = 0;

	memset(remotefx->tile_taken, 0, (size_t)remotefx->columns * (size_t)remotefx->rows);
	for (int i = 0; i < n; i++) {
		const pixman_box32_t *box = &boxes[i];

		for (int ty = box->y1 / RDP_REMOTEFX_TILE; ty <= (box->y2 - 1) / RDP_REMOTEFX_TILE;
		     ty++)
			for (int tx = box->x1 / RDP_REMOTEFX_TILE;
			     tx <= (box->x2 - 1) / RDP_REMOTEFX_TILE; tx++) {
				uint8_t *taken = &remotefx->tile_taken[ty * remotefx->columns + tx];

				if (*taken)
					continue;
				*taken = 1;
				remotefx->tiles[count++] = (struct rdp_remotefx_tile){
					.x_index = (uint16_t)tx,
					.y_index = (uint16_t)ty,
				};
			}
	}
	return count;
}

static uint8_t *
rdp_remotefx_put_headers(const struct rdp_remotefx *remotefx, uint8_t *p)
{
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_SYNC);
	p = rdp_le_put_u32(p, 12);
	p = rdp_le_put_u32(p, RDP_REMOTEFX_MAGIC);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_VERSION);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_CONTEXT);
	p = rdp_le_put_u32(p, 13);
	p = rdp_le_put_u8(p, 1);    /* codec */
	p = rdp_le_put_u8(p, 0xff); /* channel */
	p = rdp_le_put_u8(p, 0);    /* context */
	p = rdp_le_put_u16(p, RDP_REMOTEFX_TILE);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_COLOUR_ICT << 3 | RDP_REMOTEFX_WAVELET_53 << 5 |
				      RDP_REMOTEFX_RLGR3 << 9 | RDP_REMOTEFX_SCALAR << 13);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_CODEC_VERSIONS);
	p = rdp_le_put_u32(p, 10);
	p = rdp_le_put_u8(p, 1); /* codecs */
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u16(p, RDP_REMOTEFX_VERSION);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_CHANNELS);
	p = rdp_le_put_u32(p, 12);
	p = rdp_le_put_u8(p, 1); /* channels */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u16(p, (uint32_t)remotefx->width);
	return rdp_le_put_u16(p, (uint32_t)remotefx->height);
}

/* The boxes clipped to the surface, as the region's rectangles; their number. */
static int
rdp_remotefx_clip(const struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n,
		  pixman_box32_t *clipped)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		pixman_box32_t box = {
			boxes[i].x1 < 0 ? 0 : boxes[i].x1,
			boxes[i].y1 < 0 ? 0 : boxes[i].y1,
			boxes[i].x2 > remotefx->width ? remotefx->width : boxes[i].x2,
			boxes[i].y2 > remotefx->height ? remotefx->height : boxes[i].y2,
		};

		if (box.x1 < box.x2 && box.y1 < box.y2)
			clipped[count++] = box;
	}
	return count;
}

static uint8_t *
rdp_remotefx_put_region(uint8_t *p, const pixman_box32_t *boxes, int n)
{
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_REGION);
	p = rdp_le_put_u32(p, 15 + 8 * (uint32_t)n);
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u8(p, 1); /* flags: lrf */
	p = rdp_le_put_u16(p, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		p = rdp_le_put_u16(p, (uint32_t)boxes[i].x1);
		p = rdp_le_put_u16(p, (uint32_t)boxes[i].y1);
		p = rdp_le_put_u16(p, (uint32_t)(boxes[i].x2 - boxes[i].x1));
		p = rdp_le_put_u16(p, (uint32_t)(boxes[i].y2 - boxes[i].y1));
	}
	p = rdp_le_put_u16(p, RDP_REMOTEFX_CBT_REGION);
	return rdp_le_put_u16(p, 1); /* tilesets */
}

static uint8_t *
rdp_remotefx_put_tileset(const struct rdp_remotefx *remotefx, uint8_t *p, int n_tiles,
			 uint64_t tiles_size)
{
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_EXTENSION);
	p = rdp_le_put_u32(p, (uint32_t)(22 + 2 * 5 + tiles_size));
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u16(p, RDP_REMOTEFX_CBT_TILESET);
	p = rdp_le_put_u16(p, 0); /* index */
	p = rdp_le_put_u16(p, 1 | RDP_REMOTEFX_COLOUR_ICT << 4 | RDP_REMOTEFX_WAVELET_53 << 6 |
				      RDP_REMOTEFX_RLGR3 << 10 | RDP_REMOTEFX_SCALAR << 14);
	p = rdp_le_put_u8(p, 2); /* quantisation sets */
	p = rdp_le_put_u8(p, RDP_REMOTEFX_TILE);
	p = rdp_le_put_u16(p, (uint32_t)n_tiles);
	p = rdp_le_put_u32(p, (uint32_t)tiles_size);
	for (int set = 0; set < 2; set++)
		for (int band = 0; band < RDP_REMOTEFX_BANDS; band += 2)
			p = rdp_le_put_u8(p, remotefx->quants[set][band] |
						     remotefx->quants[set][band + 1] << 4);
	return p;
}

int
rdp_remotefx_encode(struct rdp_remotefx *remotefx, const pixman_box32_t *boxes, int n,
		    const uint8_t *pixels, int stride, const uint8_t **out, size_t *out_size)
{
	pixman_box32_t *clipped =
		n > 0 && n <= UINT16_MAX ? malloc((size_t)n * sizeof *clipped) : NULL;
	uint64_t tiles_size = 0, need;
	int n_tiles;
	uint8_t *p;

	if (!clipped || (n = rdp_remotefx_clip(remotefx, boxes, n, clipped)) == 0)
		goto fail;
	n_tiles = rdp_remotefx_take_tiles(remotefx, clipped, n);
	remotefx->pixels = pixels;
	remotefx->stride = stride;
	for (int w = 0; w < remotefx->n_workers; w++)
		remotefx->workers[w].used = 0;
	if (remotefx->pool)
		work_pool_run(remotefx->pool, n_tiles, rdp_remotefx_tile_encode, remotefx);
	else
		for (int i = 0; i < n_tiles; i++)
			rdp_remotefx_tile_encode(i, 0, remotefx);
	remotefx->pixels = NULL;
	for (int i = 0; i < n_tiles; i++) {
		if (remotefx->tiles[i].size == 0)
			goto fail;
		tiles_size += remotefx->tiles[i].size;
	}
	need = 49 + 14 + 15 + 8 * (uint64_t)n + 32 + tiles_size + 8;
	if (need > UINT32_MAX)
		goto fail;
	if (need > remotefx->message_capacity) {
		uint8_t *grown = realloc(remotefx->message, (size_t)need);

		if (!grown)
			goto fail;
		remotefx->message = grown;
		remotefx->message_capacity = (size_t)need;
	}
	p = remotefx->message;
	if (!remotefx->headers_sent)
		p = rdp_remotefx_put_headers(remotefx, p);
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_FRAME_BEGIN);
	p = rdp_le_put_u32(p, 14);
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	p = rdp_le_put_u32(p, remotefx->frame_index);
	p = rdp_le_put_u16(p, 1); /* regions */
	p = rdp_remotefx_put_region(p, clipped, n);
	p = rdp_remotefx_put_tileset(remotefx, p, n_tiles, tiles_size);
	for (int i = 0; i < n_tiles; i++) {
		const struct rdp_remotefx_tile *tile = &remotefx->tiles[i];

		memcpy(p, remotefx->workers[tile->worker].output + tile->offset, tile->size);
		p += tile->size;
	}
	p = rdp_le_put_u16(p, RDP_REMOTEFX_WBT_FRAME_END);
	p = rdp_le_put_u32(p, 8);
	p = rdp_le_put_u8(p, 1); /* codec */
	p = rdp_le_put_u8(p, 0); /* channel */
	remotefx->headers_sent = true;
	remotefx->frame_index++;
	free(clipped);
	*out = remotefx->message;
	*out_size = (size_t)(p - remotefx->message);
	return 0;
fail:
	free(clipped);
	return -1;
}
