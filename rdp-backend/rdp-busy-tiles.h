/*
 * Which parts of the desktop change at every repaint (a video, an animation,
 * a view scrolling): those may go through a lossy codec, everything else stays
 * lossless. Tracked on a grid of 64x64 tiles from the damage of each repaint;
 * a tile sent lossy is sent again losslessly once it has settled. Pure logic
 * over pixman regions, the desktop's pixels and a clock the caller gives, so
 * unit tests drive it.
 */
#ifndef PORTHOLE_RDP_BUSY_TILES_H
#define PORTHOLE_RDP_BUSY_TILES_H

#include <stdbool.h>
#include <stdint.h>

#include <pixman.h>

#define RDP_BUSY_TILE_SIZE 64
/*
 * Damage again within this many ms continues a tile's run of changes. Not
 * much less: the repaint rate of a busy desktop is the rate the client takes
 * frames at, 4-7 a second for full 1080p planar frames on two busy cores. A
 * text cursor's blink is under RDP_BUSY_MIN_AREA.
 */
#define RDP_BUSY_GAP_MS 400
/*
 * Repaints in a row, each within the gap, before a tile counts as busy: more
 * than a window takes to map and settle (three or four quick commits), which
 * would otherwise open an encoder for a picture that then stays still.
 */
#define RDP_BUSY_STREAK 5
/*
 * Less busy damage than this in a frame stays lossless: typing, a terminal's
 * new line, a spinner, a progress bar are cheap as planar and must stay sharp.
 */
#define RDP_BUSY_MIN_AREA (256 * 256)
/* a tile sent lossy and unchanged this long gets its lossless refresh */
#define RDP_BUSY_SETTLE_MS 250

struct rdp_busy_tile {
	uint32_t last_damage_ms;
	uint16_t streak;
	bool sent_lossy; /* the client holds a lossy picture of it */
};

struct rdp_busy_tiles {
	int width, height; /* of the desktop, in its pixels */
	int columns, rows;
	struct rdp_busy_tile *tiles;
};

/** Sizes the grid for a @width x @height desktop, forgetting everything; 0 or -1 (no memory). */
int rdp_busy_tiles_reset(struct rdp_busy_tiles *busy, int width, int height);

void rdp_busy_tiles_release(struct rdp_busy_tiles *busy);

/** A repaint changed @damage at @now_ms. */
void rdp_busy_tiles_note_damage(struct rdp_busy_tiles *busy, pixman_region32_t *damage,
				uint32_t now_ms);

/*
 * A busy tile goes lossy only while it holds a picture: at least this share
 * (in percent) of its pixels repeating the one above or to the left marks
 * text, UI or a gradient, which planar packs well and which must stay sharp.
 * A screen of foot's text: 64-80 % in tiles with text, 100 % in the rest;
 * the benchmark's video and noise: under 10 %.
 */
#define RDP_BUSY_FLAT_PERCENT 50

/**
 * The part of @damage (about to be sent) that lies in busy tiles holding a
 * picture in @pixels (the desktop, 32-bit pixels, rows @stride bytes apart),
 * into @lossy (initialised by the caller); those tiles are remembered as
 * sent lossy.
 */
void rdp_busy_tiles_pick_lossy(struct rdp_busy_tiles *busy, pixman_region32_t *damage,
			       uint32_t now_ms, const uint8_t *pixels, int stride,
			       pixman_region32_t *lossy);

/** Whether @box of @pixels is text or UI rather than a picture (RDP_BUSY_FLAT_PERCENT). */
bool rdp_busy_box_is_flat(const uint8_t *pixels, int stride, const pixman_box32_t *box);

/**
 * The client copies @from to @to on its desktop: when @from touches a tile it
 * holds lossy, the tiles @to touches hold a lossy picture too, to be sent
 * again once they settle. Returns whether they do.
 */
bool rdp_busy_tiles_carry_lossy(struct rdp_busy_tiles *busy, const pixman_box32_t *from,
				const pixman_box32_t *to);

/**
 * Tiles sent lossy that have not changed for RDP_BUSY_SETTLE_MS, into
 * @refresh (initialised by the caller), no longer busy nor lossy. Returns the
 * ms until the next of the others settles, or -1 when none is left lossy.
 */
int rdp_busy_tiles_take_settled(struct rdp_busy_tiles *busy, uint32_t now_ms,
				pixman_region32_t *refresh);

#endif
