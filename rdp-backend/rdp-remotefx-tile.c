/*
 * A RemoteFX tile, coded (MS-RDPRFX 3.1.8.1). Its pixels become Y, Cb and Cr
 * as 16-bit numbers with 5 fractional bits; each plane goes through three
 * levels of the codec's 5/3 lifting wavelet (the bands laid out HL1 LH1 HH1
 * HL2 LH2 HH2 HL3 LH3 HH3 LL3, as the decoder reads them), is divided by its
 * band's step with rounding, has its LL3 band coded as differences, and is
 * entropy coded with RLGR3: runs of zeros and adaptive Golomb-Rice codes,
 * most significant bit first.
 *
 * The arithmetic is the decoder's inverse and FreeRDP's: the same colour
 * factors and lifting steps. The division is one rounding where FreeRDP
 * rounds twice (its step less 6, then its 5 fractional bits), which is nearer
 * the value and never more bytes.
 */
#include "rdp-remotefx-tile.h"

#include <stdlib.h>
#include <string.h>

/* RLGR's adaptation (MS-RDPRFX 3.1.8.1.7.3) */
#define RDP_RLGR_KP_MAX 80
#define RDP_RLGR_LSGR 3
#define RDP_RLGR_UP_GR 4
#define RDP_RLGR_DN_GR 6
#define RDP_RLGR_UQ_GR 3
#define RDP_RLGR_DQ_GR 3

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

		int16_t r16[RDP_REMOTEFX_TILE], g16[RDP_REMOTEFX_TILE], b16[RDP_REMOTEFX_TILE];

		for (int x = 0; x < width; x++) {
			b16[x] = p[4 * x];
			g16[x] = p[4 * x + 1];
			r16[x] = p[4 * x + 2];
		}
		for (int x = 0; x < width; x++) {
			int32_t r = r16[x], g = g16[x], b = b16[x];

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
 * The lifting steps work on eight values at a time, each 16 bits as the
 * decoder keeps them: the halved sums and differences below never leave 16
 * bits on the way, so they equal what C's promotion to int would give.
 */
typedef int16_t rdp_lanes __attribute__((vector_size(16)));
#define RDP_LANES 8

static rdp_lanes
rdp_lanes_load(const int16_t *p)
{
	rdp_lanes v;

	memcpy(&v, p, sizeof v);
	return v;
}

static void
rdp_lanes_store(int16_t *p, rdp_lanes v)
{
	memcpy(p, &v, sizeof v);
}

/* (a + b) >> 1 */
static rdp_lanes
rdp_lanes_half_sum(rdp_lanes a, rdp_lanes b)
{
	return (a & b) + ((a ^ b) >> 1);
}

/* (a - b) >> 1: the halved sum of a and ~b, rounded up */
static rdp_lanes
rdp_lanes_half_difference(rdp_lanes a, rdp_lanes b)
{
	return (a | ~b) - ((a ^ ~b) >> 1);
}

/*
 * One lifting step along lines of @count values (a multiple of 8): @high
 * from the odd values and the even ones either side, then @low from the even
 * values and the high ones either side (@high_before: each one's left
 * neighbour, the first its own, as the last even value's missing right
 * neighbour is its left one).
 */
static void
rdp_remotefx_lift_high(const int16_t *even, const int16_t *even_next, const int16_t *odd,
		       int16_t *high, int count)
{
	for (int n = 0; n < count; n += RDP_LANES)
		rdp_lanes_store(high + n,
				rdp_lanes_half_difference(
					rdp_lanes_load(odd + n),
					rdp_lanes_half_sum(rdp_lanes_load(even + n),
							   rdp_lanes_load(even_next + n))));
}

static void
rdp_remotefx_lift_low(const int16_t *even, const int16_t *high_before, const int16_t *high,
		      int16_t *low, int count)
{
	for (int n = 0; n < count; n += RDP_LANES)
		rdp_lanes_store(low + n, rdp_lanes_load(even + n) +
						 rdp_lanes_half_sum(rdp_lanes_load(high_before + n),
								    rdp_lanes_load(high + n)));
}

/*
 * One level of the wavelet over the @half*2 square at @buffer: columns first
 * (into @scratch, low rows then high rows), then rows, leaving the bands HL,
 * LH, HH, LL one after the other in @buffer. The columns are lifted as rows
 * of them; each row is split into its even and odd values first.
 */
static void
rdp_remotefx_wavelet_level(int16_t *buffer, int16_t *scratch, int half)
{
	int side = half * 2;
	int16_t *low = scratch, *high = scratch + half * side;
	/* one more at the end, and one before the highs: neighbours without copies */
	int16_t even[RDP_REMOTEFX_TILE / 2 + 1], odd[RDP_REMOTEFX_TILE / 2];
	int16_t highs[RDP_REMOTEFX_TILE / 2 + 1];

	for (int n = 0; n < half; n++) {
		const int16_t *even_row = buffer + 2 * n * side, *odd_row = even_row + side;
		const int16_t *next_row = n < half - 1 ? even_row + 2 * side : even_row;
		int16_t *h = high + n * side;

		rdp_remotefx_lift_high(even_row, next_row, odd_row, h, side);
		rdp_remotefx_lift_low(even_row, n > 0 ? h - side : h, h, low + n * side, side);
	}
	for (int y = 0; y < 2 * half; y++) {
		/* rows of low columns give HL and LL, rows of high ones HH and LH */
		const int16_t *row = y < half ? low + y * side : high + (y - half) * side;
		int r = y < half ? y : y - half;
		int16_t *high_band = buffer + (y < half ? 0 : 2 * half * half) + r * half;
		int16_t *low_band = buffer + (y < half ? 3 * half * half : half * half) + r * half;

		for (int n = 0; n < half; n++) {
			even[n] = row[2 * n];
			odd[n] = row[2 * n + 1];
		}
		even[half] = even[half - 1];
		rdp_remotefx_lift_high(even, even + 1, odd, highs + 1, half);
		highs[0] = highs[1];
		rdp_remotefx_lift_low(even, highs, highs + 1, low_band, half);
		for (int n = 0; n < half; n += RDP_LANES)
			rdp_lanes_store(high_band + n, rdp_lanes_load(highs + 1 + n));
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

bool
rdp_remotefx_tile_code(struct rdp_remotefx_planes *work, const uint8_t *pixels, int stride,
		       int width, int height, const uint8_t luma[RDP_REMOTEFX_BANDS],
		       const uint8_t chroma[RDP_REMOTEFX_BANDS], uint8_t *out, size_t component_max,
		       size_t lengths[3])
{
	rdp_remotefx_load(work->planes, pixels, stride, width, height);
	for (int c = 0; c < 3; c++) {
		int16_t *plane = work->planes[c];

		rdp_remotefx_wavelet_level(plane, work->scratch, 32);
		rdp_remotefx_wavelet_level(plane + 3072, work->scratch, 16);
		rdp_remotefx_wavelet_level(plane + 3840, work->scratch, 8);
		rdp_remotefx_quantise(plane, c == 0 ? luma : chroma);
		lengths[c] = rdp_rlgr3_encode(plane, RDP_REMOTEFX_COEFFICIENTS, out, component_max);
		if (lengths[c] == 0)
			return false;
		out += lengths[c];
	}
	return true;
}
