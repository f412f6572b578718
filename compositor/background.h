/*
 * The desktop background for the GL renderer: a porthole-background client the
 * compositor starts and restarts (see background-client.c for why). The pixman
 * renderer draws a solid-colour surface instead and needs none of this.
 */
#ifndef PORTHOLE_BACKGROUND_H
#define PORTHOLE_BACKGROUND_H

#include <stdbool.h>
#include <stdint.h>

struct pc_compositor;
struct background;
struct wl_client;

struct background *background_create(struct pc_compositor *comp, uint32_t color);

void background_destroy(struct background *bg);

/** Whether @client is the background client (its surfaces belong at the bottom). */
bool background_owns_client(struct background *bg, struct wl_client *client);

#endif
