#include "rdp-busy-tiles.h"

#include <stdlib.h>

int
rdp_busy_tiles_reset(struct rdp_busy_tiles *busy, int width, int height)
{
	int columns = width > 0 ? (width + RDP_BUSY_TILE_SIZE - 1) / RDP_BUSY_TILE_SIZE : 0;
	int rows = height > 0 ? (height + RDP_BUSY_TILE_SIZE - 1) / RDP_BUSY_TILE_SIZE : 0;
	struct rdp_busy_tile *tiles = NULL;

	if (columns > 0 && rows > 0) {
		tiles = calloc((size_t)columns * (size_t)rows, sizeof *tiles);
		if (!tiles)
			return -1;
	}
	free(busy->tiles);
	*busy = (struct rdp_busy_tiles){
		.width = width,
		.height = height,
		.columns = tiles ? columns : 0,
		.rows = tiles ? rows : 0,
		.tiles = tiles,
	};
	return 0;
}

void
rdp_busy_tiles_release(struct rdp_busy_tiles *busy)
{
	free(busy->tiles);
	*busy = (struct rdp_busy_tiles){0};
}

static pixman_box32_t
rdp_busy_tile_box(const struct rdp_busy_tiles *busy, int column, int row)
{
	pixman_box32_t box = {
		column * RDP_BUSY_TILE_SIZE,
		row * RDP_BUSY_TILE_SIZE,
		(column + 1) * RDP_BUSY_TILE_SIZE,
		(row + 1) * RDP_BUSY_TILE_SIZE,
	};

	if (box.x2 > busy->width)
		box.x2 = busy->width;
	if (box.y2 > busy->height)
		box.y2 = busy->height;
	return box;
}

/*
 * Calls @visit once for each tile that @region touches. A text frame's damage
 * is many small boxes sharing tiles: the boxes are snapped to the grid and
 * merged first, so that no tile is visited (or hashed) once per box.
 */
static void
rdp_busy_tiles_each(struct rdp_busy_tiles *busy, pixman_region32_t *region,
		    void (*visit)(struct rdp_busy_tiles *busy, int column, int row, void *data),
		    void *data)
{
	int n, n_tiles;
	pixman_box32_t *boxes = pixman_region32_rectangles(region, &n), *spans;
	pixman_region32_t tiles;

	pixman_region32_init(&tiles);
	for (int i = 0; i < n; i++) {
		int x1 = boxes[i].x1 < 0 ? 0 : boxes[i].x1 / RDP_BUSY_TILE_SIZE;
		int y1 = boxes[i].y1 < 0 ? 0 : boxes[i].y1 / RDP_BUSY_TILE_SIZE;
		int x2 = (boxes[i].x2 + RDP_BUSY_TILE_SIZE - 1) / RDP_BUSY_TILE_SIZE;
		int y2 = (boxes[i].y2 + RDP_BUSY_TILE_SIZE - 1) / RDP_BUSY_TILE_SIZE;

		if (x2 > busy->columns)
			x2 = busy->columns;
		if (y2 > busy->rows)
			y2 = busy->rows;
		if (x1 < x2 && y1 < y2)
			pixman_region32_union_rect(&tiles, &tiles, x1, y1, (unsigned)(x2 - x1),
						   (unsigned)(y2 - y1));
	}
	spans = pixman_region32_rectangles(&tiles, &n_tiles);
	for (int i = 0; i < n_tiles; i++)
		for (int row = spans[i].y1; row < spans[i].y2; row++)
			for (int column = spans[i].x1; column < spans[i].x2; column++)
				visit(busy, column, row, data);
	pixman_region32_fini(&tiles);
}

static void
rdp_busy_tile_damaged(struct rdp_busy_tiles *busy, int column, int row, void *data)
{
	struct rdp_busy_tile *tile = &busy->tiles[row * busy->columns + column];
	uint32_t now_ms = *(const uint32_t *)data;

	/* two deliveries of damage in one millisecond are one change of the tile */
	if (tile->streak > 0 && tile->last_damage_ms == now_ms)
		return;
	if (tile->streak > 0 && now_ms - tile->last_damage_ms <= RDP_BUSY_GAP_MS)
		tile->streak = tile->streak < UINT16_MAX ? tile->streak + 1 : UINT16_MAX;
	else
		tile->streak = 1;
	tile->last_damage_ms = now_ms;
}

void
rdp_busy_tiles_note_damage(struct rdp_busy_tiles *busy, pixman_region32_t *damage, uint32_t now_ms)
{
	rdp_busy_tiles_each(busy, damage, rdp_busy_tile_damaged, &now_ms);
}

struct rdp_busy_pick {
	uint32_t now_ms;
	const uint8_t *pixels;
	int stride;
	pixman_region32_t *tiles;
};

/* Rows sampled: one in four sees a line of text as well as all of them, at a quarter of the reads. */
#define RDP_BUSY_FLAT_ROW_STEP 4

bool
rdp_busy_box_is_flat(const uint8_t *pixels, int stride, const pixman_box32_t *box)
{
	int64_t samples = 0, repeats = 0, needed, total;

	if (box->x2 - box->x1 < 2 || box->y2 - box->y1 < 2)
		return true;
	total = (int64_t)(box->x2 - box->x1 - 1) *
		((box->y2 - box->y1 - 2) / RDP_BUSY_FLAT_ROW_STEP + 1);
	needed = (total * RDP_BUSY_FLAT_PERCENT + 99) / 100;
	for (int y = box->y1 + 1; y < box->y2; y += RDP_BUSY_FLAT_ROW_STEP) {
		const uint32_t *row = (const uint32_t *)(pixels + (size_t)y * (size_t)stride);
		const uint32_t *above =
			(const uint32_t *)(pixels + (size_t)(y - 1) * (size_t)stride);

		for (int x = box->x1 + 1; x < box->x2; x++) {
			repeats += row[x] == above[x] || row[x] == row[x - 1];
			samples++;
		}
		/* settled either way: the rest of the tile cannot change the answer */
		if (repeats >= needed || samples - repeats > total - needed)
			break;
	}
	return repeats >= needed;
}

static void
rdp_busy_tile_busy(struct rdp_busy_tiles *busy, int column, int row, void *data)
{
	struct rdp_busy_tile *tile = &busy->tiles[row * busy->columns + column];
	struct rdp_busy_pick *pick = data;
	pixman_box32_t box;

	if (tile->streak < RDP_BUSY_STREAK || pick->now_ms - tile->last_damage_ms > RDP_BUSY_GAP_MS)
		return;
	box = rdp_busy_tile_box(busy, column, row);
	if (rdp_busy_box_is_flat(pick->pixels, pick->stride, &box))
		return;
	pixman_region32_union_rect(pick->tiles, pick->tiles, box.x1, box.y1,
				   (unsigned)(box.x2 - box.x1), (unsigned)(box.y2 - box.y1));
}

static void
rdp_busy_tile_mark_lossy(struct rdp_busy_tiles *busy, int column, int row, void *data)
{
	(void)data;
	busy->tiles[row * busy->columns + column].sent_lossy = true;
}

static int64_t
rdp_busy_region_area(pixman_region32_t *region)
{
	int n;
	pixman_box32_t *boxes = pixman_region32_rectangles(region, &n);
	int64_t area = 0;

	for (int i = 0; i < n; i++)
		area += (int64_t)(boxes[i].x2 - boxes[i].x1) * (boxes[i].y2 - boxes[i].y1);
	return area;
}

void
rdp_busy_tiles_pick_lossy(struct rdp_busy_tiles *busy, pixman_region32_t *damage, uint32_t now_ms,
			  const uint8_t *pixels, int stride, pixman_region32_t *lossy)
{
	pixman_region32_t tiles;
	struct rdp_busy_pick pick = {now_ms, pixels, stride, &tiles};

	pixman_region32_init(&tiles);
	rdp_busy_tiles_each(busy, damage, rdp_busy_tile_busy, &pick);
	pixman_region32_intersect(lossy, damage, &tiles);
	if (rdp_busy_region_area(lossy) < RDP_BUSY_MIN_AREA)
		pixman_region32_clear(lossy);
	else
		rdp_busy_tiles_each(busy, lossy, rdp_busy_tile_mark_lossy, NULL);
	pixman_region32_fini(&tiles);
}

struct rdp_busy_carry {
	bool lossy;
};

static void
rdp_busy_tile_check_lossy(struct rdp_busy_tiles *busy, int column, int row, void *data)
{
	struct rdp_busy_carry *carry = data;

	carry->lossy |= busy->tiles[row * busy->columns + column].sent_lossy;
}

bool
rdp_busy_tiles_carry_lossy(struct rdp_busy_tiles *busy, const pixman_box32_t *from,
			   const pixman_box32_t *to)
{
	struct rdp_busy_carry carry = {false};
	pixman_region32_t region;

	if (!busy->tiles)
		return false;
	pixman_region32_init_rect(&region, from->x1, from->y1, (unsigned)(from->x2 - from->x1),
				  (unsigned)(from->y2 - from->y1));
	rdp_busy_tiles_each(busy, &region, rdp_busy_tile_check_lossy, &carry);
	if (carry.lossy) {
		pixman_region32_fini(&region);
		pixman_region32_init_rect(&region, to->x1, to->y1, (unsigned)(to->x2 - to->x1),
					  (unsigned)(to->y2 - to->y1));
		rdp_busy_tiles_each(busy, &region, rdp_busy_tile_mark_lossy, NULL);
	}
	pixman_region32_fini(&region);
	return carry.lossy;
}

int
rdp_busy_tiles_take_settled(struct rdp_busy_tiles *busy, uint32_t now_ms,
			    pixman_region32_t *refresh)
{
	int next_ms = -1;

	for (int row = 0; row < busy->rows; row++) {
		for (int column = 0; column < busy->columns; column++) {
			struct rdp_busy_tile *tile = &busy->tiles[row * busy->columns + column];
			uint32_t quiet_ms = now_ms - tile->last_damage_ms;
			pixman_box32_t box;

			if (!tile->sent_lossy)
				continue;
			if (quiet_ms < RDP_BUSY_SETTLE_MS) {
				int left = (int)(RDP_BUSY_SETTLE_MS - quiet_ms);

				if (next_ms < 0 || left < next_ms)
					next_ms = left;
				continue;
			}
			box = rdp_busy_tile_box(busy, column, row);
			pixman_region32_union_rect(refresh, refresh, box.x1, box.y1,
						   (unsigned)(box.x2 - box.x1),
						   (unsigned)(box.y2 - box.y1));
			tile->sent_lossy = false;
			tile->streak = 0;
		}
	}
	return next_ms;
}
