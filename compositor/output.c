#include "output.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libweston/backend-headless.h>
#include <libweston/libweston.h>
#include <libweston/windowed-output-api.h>

#include "compositor-internal.h"
#include "log.h"
#include "strbuf.h"

struct pc_output {
	struct output_manager *mgr;
	struct wl_list link; /* output_manager::outputs */
	char name[32];
	/*
	 * In the client's pixels: the global place and size are these divided by
	 * the outputs' scale. x, y: where it goes, once placed (a layout, or its
	 * first enable).
	 */
	int x, y;
	bool placed;
	int width;
	int height;
	int scale;  /* what it was enabled with */
	int mm[2];  /* the physical size the client gave; 0 x 0: none */
	bool stale; /* its output says what is no longer so: re-create it */
	/* a layout with fewer monitors set it aside: its head stays, without an output */
	bool parked;
	struct weston_head *head;
	struct weston_output *output; /* NULL while being re-created or parked */
};

struct output_manager {
	struct pc_compositor *comp;
	const struct weston_windowed_output_api *api;
	struct wl_list outputs; /* pc_output::link, in creation order */
	int next_number;
	int configured_percent; /* [output] scale; 0: the client's */
	int percent;            /* the desktop scale the outputs follow now */
	int scale;              /* wl_output.scale: pixels per global unit, on every output */
	struct wl_listener heads_changed_listener;
};

static struct pc_output *
output_find_by_head(struct output_manager *mgr, struct weston_head *head)
{
	struct pc_output *out;

	wl_list_for_each(out, &mgr->outputs, link)
	{
		if (out->head == head)
			return out;
	}
	return NULL;
}

static int
output_enable(struct pc_output *out)
{
	struct output_manager *mgr = out->mgr;
	struct weston_output *output;

	output = weston_compositor_create_output_with_head(mgr->comp->compositor, out->head);
	if (!output) {
		weston_log("output %s: cannot create\n", out->name);
		return -1;
	}
	weston_output_set_scale(output, mgr->scale);
	weston_output_set_transform(output, WL_OUTPUT_TRANSFORM_NORMAL);
	/* the headless backend takes the size in global units and multiplies it by the scale */
	if (mgr->api->output_set_size(output, out->width / mgr->scale, out->height / mgr->scale) <
		    0 ||
	    weston_output_enable(output) < 0) {
		weston_log("output %s: cannot enable at %dx%d\n", out->name, out->width,
			   out->height);
		weston_output_destroy(output);
		return -1;
	}
	/*
	 * The headless backend gives the head a millimetre per pixel (25 DPI, and
	 * foot's text 3 px tall); a client's monitors have no size of their own
	 * here, so the DPI Windows gives them: 96 at 100 %, 96 x the desktop scale
	 * beyond, which DPI-aware apps (foot, Qt) size their text by. wl_output
	 * reads the head's fields when a client binds, after this.
	 */
	out->head->mm_width = out->mm[0]
				      ? out->mm[0]
				      : (int32_t)((int64_t)out->width * 2540 / (96 * mgr->percent));
	out->head->mm_height =
		out->mm[1] ? out->mm[1]
			   : (int32_t)((int64_t)out->height * 2540 / (96 * mgr->percent));
	/*
	 * libweston puts a new output right of the others; a re-created one
	 * (a resize) keeps its place, and a layout says where each goes.
	 */
	if (out->placed && (output->x != out->x / mgr->scale || output->y != out->y / mgr->scale))
		weston_output_move(output, out->x / mgr->scale, out->y / mgr->scale);
	out->x = output->x * mgr->scale;
	out->y = output->y * mgr->scale;
	out->placed = true;
	out->scale = mgr->scale;
	out->stale = false;
	out->output = output;
	log_scope(mgr->comp->scopes->output, "%s enabled at %d,%d %dx%d, scale %d (%d %%)\n",
		  out->name, output->x, output->y, out->width, out->height, mgr->scale,
		  mgr->percent);
	return 0;
}

/* libweston reports new or detached heads here; every head of ours gets an output. */
static void
output_manager_handle_heads_changed(struct wl_listener *listener, void *data)
{
	struct output_manager *mgr = wl_container_of(listener, mgr, heads_changed_listener);
	struct weston_compositor *compositor = data;
	struct weston_head *head = NULL;

	while ((head = weston_compositor_iterate_heads(compositor, head))) {
		struct pc_output *out = output_find_by_head(mgr, head);

		if (out && !out->parked && !weston_head_is_enabled(head))
			output_enable(out);
		weston_head_reset_device_changed(head);
	}
}

static bool
output_gl_is_plausible(void)
{
	glob_t g;
	bool found;

	if (access("/dev/dxg", R_OK | W_OK) == 0)
		return true;
	found = glob("/dev/dri/renderD*", 0, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	return found;
}

static int
output_load_backend(struct pc_compositor *comp, enum pc_renderer renderer)
{
	struct weston_headless_backend_config config = {0};

	config.base.struct_version = WESTON_HEADLESS_BACKEND_CONFIG_VERSION;
	config.base.struct_size = sizeof config;
	config.use_pixman = renderer == PC_RENDERER_PIXMAN;
	config.use_gl = renderer == PC_RENDERER_GL;
	return weston_compositor_load_backend(comp->compositor, WESTON_BACKEND_HEADLESS,
					      &config.base);
}

static int output_add(struct output_manager *mgr, int width, int height);

/*
 * The integer scale for a desktop scale of @percent: the nearest (150 % and
 * up take 2), so apps draw at least as large as asked and the rest of a
 * fractional scale goes into the DPI (output_enable()).
 */
static int
output_scale_for(int percent)
{
	int scale = (percent + 50) / 100;

	return scale < 1 ? 1 : scale;
}

/*
 * libweston needs outputs whole in global units: at scale 2 a 1023-pixel-wide
 * monitor gets a 1022-pixel output, and the client shows a pixel of black
 * beside it, which is better than a scale that flips to 1 while the user drags
 * the client's window (display control sends every size).
 */
static int
output_round_to_scale(int value, int scale)
{
	return value - value % scale;
}

/* The scale @layout asks for, unless the config says otherwise; outputs made after this take it. */
static void
output_follow_scale(struct output_manager *mgr, const struct output_layout *layout)
{
	int percent = mgr->configured_percent;

	if (!percent)
		percent = output_scale_percent_valid(layout->scale_percent);
	if (!percent)
		percent = 100;
	mgr->percent = percent;
	mgr->scale = output_scale_for(percent);
	/* a monitor smaller than the scale cannot be an output at it */
	for (int i = 0; i < layout->n; i++) {
		if (layout->rects[i].width < mgr->scale || layout->rects[i].height < mgr->scale) {
			weston_log("outputs: scale 1 instead of %d: a monitor is %dx%d\n",
				   mgr->scale, layout->rects[i].width, layout->rects[i].height);
			mgr->scale = 1;
			break;
		}
	}
}

struct output_manager *
output_manager_create(struct pc_compositor *comp, enum pc_renderer renderer, int width, int height,
		      int scale_percent, enum pc_renderer *used)
{
	struct output_manager *mgr;

	if (renderer == PC_RENDERER_AUTO)
		renderer = output_gl_is_plausible() ? PC_RENDERER_GL : PC_RENDERER_PIXMAN;

	if (output_load_backend(comp, renderer) < 0) {
		if (renderer != PC_RENDERER_GL || comp->config.renderer != PC_RENDERER_AUTO) {
			weston_log("cannot start the headless backend with the %s renderer\n",
				   pc_renderer_name(renderer));
			return NULL;
		}
		weston_log("GL renderer failed; falling back to pixman\n");
		renderer = PC_RENDERER_PIXMAN;
		if (output_load_backend(comp, renderer) < 0)
			return NULL;
	}
	*used = renderer;
	weston_log("renderer: %s\n", pc_renderer_name(renderer));

	mgr = calloc(1, sizeof *mgr);
	if (!mgr)
		return NULL;
	mgr->comp = comp;
	mgr->configured_percent = scale_percent;
	mgr->percent = scale_percent ? scale_percent : 100;
	mgr->scale =
		width >= output_scale_for(mgr->percent) && height >= output_scale_for(mgr->percent)
			? output_scale_for(mgr->percent)
			: 1;
	wl_list_init(&mgr->outputs);
	mgr->api = weston_windowed_output_get_api(comp->compositor);
	if (!mgr->api) {
		weston_log("the headless backend offers no windowed-output API\n");
		free(mgr);
		return NULL;
	}
	mgr->heads_changed_listener.notify = output_manager_handle_heads_changed;
	weston_compositor_add_heads_changed_listener(comp->compositor,
						     &mgr->heads_changed_listener);

	if (output_add(mgr, width, height) < 0) {
		output_manager_destroy(mgr);
		return NULL;
	}
	return mgr;
}

void
output_manager_destroy(struct output_manager *mgr)
{
	struct pc_output *out, *tmp;

	if (!mgr)
		return;
	wl_list_remove(&mgr->heads_changed_listener.link);
	/* Heads and outputs belong to the backend, which frees them at compositor destroy. */
	wl_list_for_each_safe(out, tmp, &mgr->outputs, link)
	{
		wl_list_remove(&out->link);
		free(out);
	}
	free(mgr);
}

/*
 * libweston shifts the outputs listed after a destroyed one left by its width
 * (weston_compositor_reflow_outputs); ours stay where they were put.
 */
static void
output_restore_places(struct output_manager *mgr)
{
	struct pc_output *out;

	wl_list_for_each(out, &mgr->outputs, link)
	{
		if (out->output && out->placed &&
		    (out->output->x != out->x / mgr->scale ||
		     out->output->y != out->y / mgr->scale))
			weston_output_move(out->output, out->x / mgr->scale, out->y / mgr->scale);
	}
}

/* Whether @out's output is already @width x @height (whole at the scale) and up to date. */
static bool
output_is_current(const struct pc_output *out, int width, int height)
{
	return out->output && out->width == width && out->height == height &&
	       out->scale == out->mgr->scale && !out->stale;
}

static int
output_apply_size(struct pc_output *out, int width, int height)
{
	int ret;

	width = output_round_to_scale(width, out->mgr->scale);
	height = output_round_to_scale(height, out->mgr->scale);
	if (width < 1 || height < 1 || width > PC_MAX_OUTPUT_SIZE || height > PC_MAX_OUTPUT_SIZE)
		return -1;
	if (output_is_current(out, width, height))
		return 0;
	/*
	 * The headless backend sets an output's mode once, before enabling, so a
	 * new size means a new output on the same head. Views move to it on the
	 * next repaint; surfaces and windows are untouched.
	 */
	out->width = width;
	out->height = height;
	out->parked = false;
	if (out->output) {
		weston_output_destroy(out->output);
		out->output = NULL;
	}
	ret = output_enable(out);
	output_restore_places(out->mgr);
	return ret;
}

static int
output_count(struct output_manager *mgr)
{
	struct pc_output *out;
	int n = 0;

	wl_list_for_each(out, &mgr->outputs, link)
	{
		if (!out->parked)
			n++;
	}
	return n;
}

static int
output_add(struct output_manager *mgr, int width, int height)
{
	struct pc_output *out;
	int index = output_count(mgr);

	width = output_round_to_scale(width, mgr->scale);
	height = output_round_to_scale(height, mgr->scale);
	if (width < 1 || height < 1 || width > PC_MAX_OUTPUT_SIZE || height > PC_MAX_OUTPUT_SIZE)
		return -1;
	wl_list_for_each(out, &mgr->outputs, link)
	{
		if (out->parked) {
			/* its old place may be taken: right of the others, as a new one */
			out->placed = false;
			return output_apply_size(out, width, height) < 0 ? -1
									 : output_count(mgr) - 1;
		}
	}
	out = calloc(1, sizeof *out);
	if (!out)
		return -1;
	out->mgr = mgr;
	out->width = width;
	out->height = height;
	snprintf(out->name, sizeof out->name, "porthole-%d", mgr->next_number++);
	wl_list_insert(mgr->outputs.prev, &out->link);

	if (mgr->api->create_head(mgr->comp->compositor, out->name) < 0) {
		wl_list_remove(&out->link);
		free(out);
		return -1;
	}
	/* The new head is ours; find it and enable it now rather than on the idle flush. */
	out->head = NULL;
	for (struct weston_head *h = NULL;
	     (h = weston_compositor_iterate_heads(mgr->comp->compositor, h));) {
		if (strcmp(weston_head_get_name(h), out->name) == 0)
			out->head = h;
	}
	if (!out->head || output_enable(out) < 0) {
		wl_list_remove(&out->link);
		free(out);
		return -1;
	}
	return index;
}

/* Parked outputs are the last ones, and have no index. */
static struct pc_output *
output_at(struct output_manager *mgr, int index)
{
	struct pc_output *out;
	int i = 0;

	wl_list_for_each(out, &mgr->outputs, link)
	{
		if (!out->parked && i++ == index)
			return out;
	}
	return NULL;
}

int
pc_outputs_add(struct pc_compositor *comp, int width, int height)
{
	return output_add(comp->outputs, width, height);
}

int
pc_outputs_resize(struct pc_compositor *comp, int index, int width, int height)
{
	struct pc_output *out = output_at(comp->outputs, index);

	return out ? output_apply_size(out, width, height) : -1;
}

int
pc_outputs_set_layout(struct pc_compositor *comp, const struct output_layout *layout)
{
	struct output_manager *mgr = comp->outputs;
	const struct output_rect *rects = layout->rects;
	int n = layout->n;
	struct pc_output *out;
	char why[128];
	int i = 0, failed = 0, width, height;

	if (output_layout_check(rects, n, why, sizeof why) < 0) {
		weston_log("output layout refused: %s\n", why);
		return -1;
	}
	output_follow_scale(mgr, layout);
	while (wl_list_length(&mgr->outputs) < n) {
		/* the right size and place follow below */
		if (output_add(mgr, rects[0].width, rects[0].height) < 0)
			return -1;
	}
	/* parked outputs come last, so the first @n in the list take the layout */
	wl_list_for_each(out, &mgr->outputs, link)
	{
		if (i >= n) {
			if (out->output)
				weston_output_destroy(out->output);
			out->output = NULL;
			out->parked = true;
			output_restore_places(mgr);
			continue;
		}
		/* rounded down, places and sizes alike: rounded monitors never overlap */
		out->x = output_round_to_scale(rects[i].x, mgr->scale);
		out->y = output_round_to_scale(rects[i].y, mgr->scale);
		out->placed = true;
		if (out->mm[0] != layout->mm[i][0] || out->mm[1] != layout->mm[i][1]) {
			/* wl_output gives the size when a client binds: a new output says it */
			out->mm[0] = layout->mm[i][0];
			out->mm[1] = layout->mm[i][1];
			out->stale = true;
		}
		width = output_round_to_scale(rects[i].width, mgr->scale);
		height = output_round_to_scale(rects[i].height, mgr->scale);
		if (width != rects[i].width || height != rects[i].height)
			log_scope(mgr->comp->scopes->output,
				  "%s: %dx%d of the monitor's %dx%d, whole at scale %d\n",
				  out->name, width, height, rects[i].width, rects[i].height,
				  mgr->scale);
		if (output_is_current(out, width, height)) {
			if (out->output->x != out->x / mgr->scale ||
			    out->output->y != out->y / mgr->scale)
				weston_output_move(out->output, out->x / mgr->scale,
						   out->y / mgr->scale);
		} else if (output_apply_size(out, width, height) < 0) {
			failed = -1;
		}
		i++;
	}
	return failed;
}

struct weston_output *
pc_outputs_get(struct pc_compositor *comp, int index)
{
	struct pc_output *out = output_at(comp->outputs, index);

	return out ? out->output : NULL;
}

int
pc_outputs_list(struct pc_compositor *comp, struct weston_output **outputs,
		struct output_rect *rects, int max)
{
	struct pc_output *out;
	int n = 0;

	wl_list_for_each(out, &comp->outputs->outputs, link)
	{
		struct weston_output *o = out->output;

		if (!o || n >= max)
			continue;
		if (rects)
			rects[n] = (struct output_rect){o->x, o->y, o->width, o->height};
		outputs[n++] = o;
	}
	return n;
}

void
output_bounds(struct weston_output *const *outputs, int n, struct output_rect *bounds)
{
	int x2 = 0, y2 = 0;

	*bounds = (struct output_rect){0};
	for (int i = 0; i < n; i++) {
		const struct weston_output *o = outputs[i];

		if (i == 0 || o->x < bounds->x)
			bounds->x = o->x;
		if (i == 0 || o->y < bounds->y)
			bounds->y = o->y;
		if (i == 0 || o->x + o->width > x2)
			x2 = o->x + o->width;
		if (i == 0 || o->y + o->height > y2)
			y2 = o->y + o->height;
	}
	bounds->width = x2 - bounds->x;
	bounds->height = y2 - bounds->y;
}

int
pc_outputs_get_scale(struct pc_compositor *comp)
{
	return comp->outputs->scale;
}

void
pc_outputs_describe(struct pc_compositor *comp, struct strbuf *buf)
{
	struct pc_output *out;
	int i = 0;

	wl_list_for_each(out, &comp->outputs->outputs, link)
	{
		struct weston_output *o = out->output;

		if (out->parked)
			continue;
		strbuf_appendf(buf,
			       "{\"index\":%d,\"name\":\"%s\",\"x\":%d,\"y\":%d,"
			       "\"width\":%d,\"height\":%d,\"scale\":%d,\"scale_percent\":%d,"
			       "\"global\":[%d,%d,%d,%d],\"mm\":[%d,%d],\"enabled\":%s}\n",
			       i++, out->name, out->x, out->y, out->width, out->height, out->scale,
			       out->mgr->percent, o ? o->x : 0, o ? o->y : 0, o ? o->width : 0,
			       o ? o->height : 0, out->head->mm_width, out->head->mm_height,
			       o ? "true" : "false");
	}
}
