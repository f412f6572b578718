/*
 * Moves as copies. The client's desktop surface holds what was sent; when a
 * window moved, its pixels are already there, at the old place. For each
 * window that moves, the hash of each of its rows is kept as the frame goes;
 * at the next move, every row whose new pixels hash the same as the row the
 * client holds is copied there (SurfaceToSurface) instead of encoded. A window
 * is only remembered while nothing but its own moves changed its pixels, so
 * what the hashes describe is what the client shows.
 */
#include "rdp-moves.h"

#include <stdbool.h>
#include <stdlib.h>

/* windows remembered at once: the ones being dragged */
#define RDP_MOVES_TRACKED_MAX 8
/* windows whose place is known, to tell which moved */
#define RDP_MOVES_PLACES_MAX 64

struct rdp_moved_window {
	const void *key;
	pixman_box32_t box; /* where the client shows it, in surface pixels, inside the surface */
	uint64_t *rows;     /* hash of each row of @box as the client shows it */
};

struct rdp_window_place {
	const void *key;
	pixman_box32_t box;
};

struct rdp_moves {
	struct rdp_moved_window windows[RDP_MOVES_TRACKED_MAX];
	int n_windows;
	/* every window's place at the last frame, and now (swapped after each plan) */
	struct rdp_window_place places[2][RDP_MOVES_PLACES_MAX];
	int n_places[2];
	int last; /* index of the last frame's places */
};

/* What the plan works with: the frame, and the windows as they are now. */
struct rdp_moves_now {
	const struct rdp_moves_frame *frame;
	struct rdp_moved_window *found[RDP_MOVES_TRACKED_MAX]; /* tracked, by index; NULL: gone */
	pixman_box32_t boxes[RDP_MOVES_TRACKED_MAX];           /* their geometry now */
	const void *moved_keys[RDP_MOVES_TRACKED_MAX];         /* untracked windows that moved */
	pixman_box32_t moved_boxes[RDP_MOVES_TRACKED_MAX];
	int n_moved;
	struct rdp_moves *moves;
};

static bool
rdp_moves_same_size(const pixman_box32_t *a, const pixman_box32_t *b)
{
	return a->x2 - a->x1 == b->x2 - b->x1 && a->y2 - a->y1 == b->y2 - b->y1;
}

/* Whether the window @key was at another place of the same size at the last frame. */
static bool
rdp_moves_moved_since(const struct rdp_moves *moves, const void *key, const pixman_box32_t *box)
{
	const struct rdp_window_place *places = moves->places[moves->last];

	for (int i = 0; i < moves->n_places[moves->last]; i++) {
		if (places[i].key == key)
			return rdp_moves_same_size(&places[i].box, box) &&
			       (places[i].box.x1 != box->x1 || places[i].box.y1 != box->y1);
	}
	return false;
}

struct rdp_moves *
rdp_moves_create(void)
{
	return calloc(1, sizeof(struct rdp_moves));
}

static void
rdp_moves_drop(struct rdp_moves *moves, int index)
{
	free(moves->windows[index].rows);
	moves->windows[index] = moves->windows[--moves->n_windows];
	moves->windows[moves->n_windows] = (struct rdp_moved_window){0};
}

void
rdp_moves_forget(struct rdp_moves *moves)
{
	if (!moves)
		return;
	while (moves->n_windows > 0)
		rdp_moves_drop(moves, moves->n_windows - 1);
	moves->n_places[0] = moves->n_places[1] = 0;
}

void
rdp_moves_destroy(struct rdp_moves *moves)
{
	rdp_moves_forget(moves);
	free(moves);
}

/* Row @y of @frame from @x, @width pixels; 0 (no row's hash) outside the frame. */
static uint64_t
rdp_moves_hash_at(const struct rdp_moves_frame *frame, int x, int y, int width)
{
	if (y < 0 || y >= frame->height)
		return 0;
	return rdp_hash_pixels((const uint32_t *)((const uint8_t *)frame->pixels +
						  (size_t)y * (size_t)frame->stride) +
				       x,
			       width);
}

static bool
rdp_moves_box_inside(const pixman_box32_t *box, const struct rdp_moves_frame *frame)
{
	return box->x1 >= 0 && box->y1 >= 0 && box->x2 <= frame->width &&
	       box->y2 <= frame->height && box->x2 > box->x1 && box->y2 > box->y1;
}

static void
rdp_moves_collect(void *data, const struct shell_window_info *info)
{
	struct rdp_moves_now *now = data;
	const struct rdp_moves_frame *frame = now->frame;
	struct rdp_moves *moves = now->moves;
	pixman_box32_t box = {
		info->x * frame->scale - frame->origin_x,
		info->y * frame->scale - frame->origin_y,
		(info->x + info->width) * frame->scale - frame->origin_x,
		(info->y + info->height) * frame->scale - frame->origin_y,
	};

	int next = !moves->last;

	if (info->popup || info->show == SHELL_WINDOW_MINIMIZED)
		return;
	if (moves->n_places[next] < RDP_MOVES_PLACES_MAX)
		moves->places[next][moves->n_places[next]++] =
			(struct rdp_window_place){info->key, box};
	for (int i = 0; i < moves->n_windows; i++) {
		if (moves->windows[i].key == info->key) {
			now->found[i] = &moves->windows[i];
			now->boxes[i] = box;
			return;
		}
	}
	if (now->n_moved < RDP_MOVES_TRACKED_MAX && rdp_moves_moved_since(moves, info->key, &box)) {
		now->moved_keys[now->n_moved] = info->key;
		now->moved_boxes[now->n_moved++] = box;
	}
}

/* Whether any tile under @box holds a lossy picture on the client. */
static bool
rdp_moves_over_lossy(const struct rdp_busy_tiles *busy, const pixman_box32_t *box)
{
	if (!busy->tiles)
		return false;
	for (int row = box->y1 / RDP_BUSY_TILE_SIZE;
	     row < busy->rows && row * RDP_BUSY_TILE_SIZE < box->y2; row++)
		for (int column = box->x1 / RDP_BUSY_TILE_SIZE;
		     column < busy->columns && column * RDP_BUSY_TILE_SIZE < box->x2; column++)
			if (busy->tiles[row * busy->columns + column].sent_lossy)
				return true;
	return false;
}

/*
 * The copies for one window the client shows at @window->box, now at @to
 * (@now: the hash of each of its rows there): runs of rows whose pixels hash
 * as the client's do. Returns the count.
 */
static int
rdp_moves_copies_for(const struct rdp_moved_window *window, const pixman_box32_t *to,
		     const uint64_t *now, struct rdp_copy *copies, int room)
{
	int dx = to->x1 - window->box.x1, dy = to->y1 - window->box.y1;
	int n = 0, run_start = -1;

	for (int y = window->box.y1; y <= window->box.y2 && n < room; y++) {
		bool same = y < window->box.y2 && now[y - window->box.y1] != 0 &&
			    now[y - window->box.y1] == window->rows[y - window->box.y1];

		if (same && run_start < 0)
			run_start = y;
		if (!same && run_start >= 0) {
			copies[n++] = (struct rdp_copy){
				.from = {window->box.x1, run_start, window->box.x2, y},
				.to_x = window->box.x1 + dx,
				.to_y = run_start + dy,
			};
			run_start = -1;
		}
	}
	return n;
}

/* The hash of each row of @box in @frame, into a new array; NULL: no memory. */
static uint64_t *
rdp_moves_hash_box(const struct rdp_moves_frame *frame, const pixman_box32_t *box)
{
	int height = box->y2 - box->y1;
	uint64_t *rows = malloc((size_t)height * sizeof *rows);

	if (!rows)
		return NULL;
	for (int y = 0; y < height; y++)
		rows[y] = rdp_moves_hash_at(frame, box->x1, box->y1 + y, box->x2 - box->x1);
	return rows;
}

/* Remembers a window at @box whose rows hash as @rows (taken; NULL forgets it). */
static void
rdp_moves_remember(struct rdp_moved_window *window, const void *key, pixman_box32_t box,
		   uint64_t *rows)
{
	free(window->rows);
	*window = rows ? (struct rdp_moved_window){.key = key, .box = box, .rows = rows}
		       : (struct rdp_moved_window){0};
}

int
rdp_moves_plan(struct rdp_moves *moves, struct pc_compositor *compositor,
	       const struct rdp_moves_frame *frame, pixman_region32_t *damage,
	       const struct rdp_busy_tiles *busy, struct rdp_copy *copies,
	       pixman_region32_t *written)
{
	struct rdp_moves_now now = {.frame = frame, .moves = moves};
	int n = 0;

	moves->n_places[!moves->last] = 0;
	pc_windows_for_each(compositor, rdp_moves_collect, &now);
	moves->last = !moves->last;
	for (int i = moves->n_windows - 1; i >= 0; i--) {
		struct rdp_moved_window *window = &moves->windows[i];
		pixman_box32_t *to = &now.boxes[i];
		uint64_t *now_rows;
		bool moved;

		if (!now.found[i]) {
			rdp_moves_drop(moves, i);
			continue;
		}
		moved = to->x1 != window->box.x1 || to->y1 != window->box.y1;
		if (!moved) {
			/* its pixels changed in place: the hashes no longer say what the client has */
			if (pixman_region32_contains_rectangle(damage, &window->box) !=
			    PIXMAN_REGION_OUT)
				rdp_moves_drop(moves, i);
			continue;
		}
		/* rows leave the surface at the top or bottom, never a part of a row */
		now_rows = to->x1 >= 0 && to->x2 <= frame->width && to->y2 > to->y1
				   ? rdp_moves_hash_box(frame, to)
				   : NULL;
		if (now_rows && rdp_moves_same_size(to, &window->box) &&
		    !rdp_moves_over_lossy(busy, &window->box) &&
		    pixman_region32_contains_rectangle(written, &window->box) ==
			    PIXMAN_REGION_OUT) {
			int made = rdp_moves_copies_for(window, to, now_rows, copies + n,
							RDP_MOVES_MAX_COPIES - n);

			for (int c = n; c < n + made; c++) {
				pixman_box32_t target = rdp_copy_target(&copies[c]);

				pixman_region32_union_rect(written, written, target.x1, target.y1,
							   (unsigned)(target.x2 - target.x1),
							   (unsigned)(target.y2 - target.y1));
			}
			n += made;
		}
		if (now_rows && rdp_moves_box_inside(to, frame)) {
			rdp_moves_remember(window, window->key, *to, now_rows);
		} else {
			free(now_rows);
			rdp_moves_drop(moves, i);
		}
	}
	for (int i = 0; i < now.n_moved && moves->n_windows < RDP_MOVES_TRACKED_MAX; i++) {
		/* it started moving: its next move may be a copy */
		if (!rdp_moves_box_inside(&now.moved_boxes[i], frame))
			continue;
		rdp_moves_remember(&moves->windows[moves->n_windows], now.moved_keys[i],
				   now.moved_boxes[i],
				   rdp_moves_hash_box(frame, &now.moved_boxes[i]));
		if (moves->windows[moves->n_windows].rows)
			moves->n_windows++;
	}
	pixman_region32_subtract(damage, damage, written);
	return n;
}
