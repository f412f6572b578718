/*
 * Outputs on libweston's headless backend. Each output is a windowed-output
 * head; the RDP side sizes them to mirror the host client's monitors, so
 * outputs can be added and resized while the compositor runs.
 */
#ifndef PORTHOLE_OUTPUT_H
#define PORTHOLE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "porthole-compositor.h"
#include "output-layout.h"

struct pc_compositor;
struct output_manager;
struct weston_output;
struct strbuf;

/**
 * Loads the headless backend with @renderer (auto: GL when a render node or
 * /dev/dxg exists, pixman otherwise or when GL fails) and creates the first
 * output of @width x @height. *@used says which renderer runs. NULL on failure.
 */
struct output_manager *output_manager_create(struct pc_compositor *comp, enum pc_renderer renderer,
					     int width, int height, enum pc_renderer *used);

void output_manager_destroy(struct output_manager *mgr);

/** Adds an output of @width x @height to the right of the others. Returns its index or -1. */
int output_manager_add(struct output_manager *mgr, int width, int height);

/** Resizes output @index. Windows stay; the shell re-places those that were maximized. */
int output_manager_resize(struct output_manager *mgr, int index, int width, int height);

/** The enabled output number @index (0 = first), or NULL. */
struct weston_output *output_manager_get(struct output_manager *mgr, int index);

/** Fills @outputs with up to @max enabled outputs, the first first. Returns how many. */
int output_manager_list(struct output_manager *mgr, struct weston_output **outputs, int max);

/**
 * Makes the outputs exactly @layout, in its order: outputs are added, resized
 * and moved as needed; those beyond it are set aside until a layout needs them
 * again. Windows stay; the shell re-places those that were maximized or that no
 * output shows any more. -1 (and a log line) for a layout output_layout_check()
 * refuses.
 */
int output_manager_set_layout(struct output_manager *mgr, const struct output_layout *layout);

/** The smallest rectangle around @n outputs. */
void output_bounds(struct weston_output *const *outputs, int n, struct output_rect *bounds);

/** Appends one JSON object per output: index, name, x, y, width, height. */
void output_manager_describe(struct output_manager *mgr, struct strbuf *out);

#endif
