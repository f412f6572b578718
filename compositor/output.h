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
					     int width, int height, int scale_percent,
					     enum pc_renderer *used);

void output_manager_destroy(struct output_manager *mgr);

/** The smallest rectangle around @n outputs. */
void output_bounds(struct weston_output *const *outputs, int n, struct output_rect *bounds);

#endif
