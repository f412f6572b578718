/*
 * The primary selection (zwp_primary_selection_device_manager_v1), which
 * libweston 10 does not offer: select text in one Wayland app, middle-click in
 * another. One selection for the seat, offered to whichever app has the
 * keyboard focus, as the clipboard is. Apps of a
 * remote host do not see it (RDP has no primary selection), nor do X11 apps,
 * which keep theirs among themselves in Xwayland.
 */
#include <stdlib.h>
#include <unistd.h>

#include "compositor-internal.h"
#include "primary-selection-unstable-v1-server-protocol.h"
#include "primary-selection.h"
#include "seat.h"
#include "selection-common.h"

struct primary_source {
	struct wl_resource *resource;
	struct primary_selection *selection;
	struct wl_list link;        /* primary_selection::sources */
	struct wl_array mime_types; /* char *, the source's own copies */
	struct wl_list offers;      /* primary_offer::link */
};

struct primary_offer {
	struct wl_resource *resource;
	struct primary_source *source; /* NULL once it went */
	struct wl_list link;           /* primary_source::offers */
};

struct primary_selection {
	struct pc_compositor *comp;
	struct wl_global *global;
	struct wl_list devices;         /* wl_resource links of zwp_primary_selection_device_v1 */
	struct wl_list managers;        /* wl_resource links of the manager's resources */
	struct wl_list sources;         /* primary_source::link */
	struct primary_source *current; /* NULL: nothing selected */
	uint32_t serial;                /* of the request that made it current */
	struct wl_listener focus_listener;
};

/* --- offers ---------------------------------------------------------------------- */

static void
offer_receive(struct wl_client *client, struct wl_resource *resource, const char *mime_type,
	      int32_t fd)
{
	struct primary_offer *offer = wl_resource_get_user_data(resource);

	/* the source writes into fd and closes its copy; a gone source: EOF at once */
	if (offer && offer->source)
		zwp_primary_selection_source_v1_send_send(offer->source->resource, mime_type, fd);
	close(fd);
}

static const struct zwp_primary_selection_offer_v1_interface offer_interface = {
	.receive = offer_receive,
	.destroy = selection_destroy_resource,
};

static void
offer_handle_destroy(struct wl_resource *resource)
{
	struct primary_offer *offer = wl_resource_get_user_data(resource);

	if (offer->source)
		wl_list_remove(&offer->link);
	free(offer);
}

/* Offers the current selection to one device (NULL offer when nothing is selected). */
static void
device_send_selection(struct primary_selection *selection, struct wl_resource *device)
{
	struct primary_source *source = selection->current;
	struct primary_offer *offer;
	char **type;

	if (!source) {
		zwp_primary_selection_device_v1_send_selection(device, NULL);
		return;
	}
	offer = calloc(1, sizeof *offer);
	if (!offer) {
		wl_resource_post_no_memory(device);
		return;
	}
	offer->resource = wl_resource_create(wl_resource_get_client(device),
					     &zwp_primary_selection_offer_v1_interface,
					     wl_resource_get_version(device), 0);
	if (!offer->resource) {
		free(offer);
		wl_resource_post_no_memory(device);
		return;
	}
	wl_resource_set_implementation(offer->resource, &offer_interface, offer,
				       offer_handle_destroy);
	offer->source = source;
	wl_list_insert(&source->offers, &offer->link);
	zwp_primary_selection_device_v1_send_data_offer(device, offer->resource);
	wl_array_for_each(type, &source->mime_types)
		zwp_primary_selection_offer_v1_send_offer(offer->resource, *type);
	zwp_primary_selection_device_v1_send_selection(device, offer->resource);
}

static struct wl_client *
focused_client(struct primary_selection *selection)
{
	struct weston_seat *seat = pc_seat_get_weston_seat(selection->comp->seat);
	struct weston_keyboard *keyboard = weston_seat_get_keyboard(seat);

	if (!keyboard || !keyboard->focus || !keyboard->focus->resource)
		return NULL;
	return wl_resource_get_client(keyboard->focus->resource);
}

/* The app with the keyboard learns the selection (apps learn it as they get the focus). */
static void
send_selection_to_focus(struct primary_selection *selection)
{
	struct wl_client *client = focused_client(selection);
	struct wl_resource *device;

	if (!client)
		return;
	wl_resource_for_each(device, &selection->devices)
	{
		if (wl_resource_get_client(device) == client)
			device_send_selection(selection, device);
	}
}

static void
handle_keyboard_focus(struct wl_listener *listener, void *data)
{
	struct primary_selection *selection = wl_container_of(listener, selection, focus_listener);

	send_selection_to_focus(selection);
}

/* --- sources ---------------------------------------------------------------------- */

static void
source_offer(struct wl_client *client, struct wl_resource *resource, const char *mime_type)
{
	struct primary_source *source = wl_resource_get_user_data(resource);

	if (!selection_add_type(&source->mime_types, mime_type))
		wl_resource_post_no_memory(resource);
}

static const struct zwp_primary_selection_source_v1_interface source_interface = {
	.offer = source_offer,
	.destroy = selection_destroy_resource,
};

static void
source_handle_destroy(struct wl_resource *resource)
{
	struct primary_source *source = wl_resource_get_user_data(resource);
	struct primary_offer *offer, *next;

	wl_list_for_each_safe(offer, next, &source->offers, link)
	{
		offer->source = NULL;
		wl_list_remove(&offer->link);
	}
	wl_list_remove(&source->link);
	if (source->selection && source->selection->current == source) {
		source->selection->current = NULL;
		send_selection_to_focus(source->selection);
	}
	selection_release_types(&source->mime_types);
	free(source);
}

/* --- devices and the manager ---------------------------------------------------------- */

static void
device_set_selection(struct wl_client *client, struct wl_resource *resource,
		     struct wl_resource *source_resource, uint32_t serial)
{
	struct primary_selection *selection = wl_resource_get_user_data(resource);
	struct primary_source *source =
		source_resource ? wl_resource_get_user_data(source_resource) : NULL;

	/*
	 * As libweston's clipboard: a selection made in answer to an older event
	 * than the current one's loses (a stale request cannot take it over).
	 */
	if (!selection || source == selection->current ||
	    (selection->current && serial - selection->serial >= UINT32_MAX / 2))
		return;
	selection->serial = serial;
	if (selection->current)
		zwp_primary_selection_source_v1_send_cancelled(selection->current->resource);
	selection->current = source;
	send_selection_to_focus(selection);
}

static const struct zwp_primary_selection_device_v1_interface device_interface = {
	.set_selection = device_set_selection,
	.destroy = selection_destroy_resource,
};

static void
device_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void
manager_create_source(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct primary_selection *selection = wl_resource_get_user_data(resource);
	struct primary_source *source = calloc(1, sizeof *source);

	if (!selection) {
		free(source);
		return;
	}
	if (!source) {
		wl_resource_post_no_memory(resource);
		return;
	}
	source->selection = selection;
	wl_array_init(&source->mime_types);
	wl_list_init(&source->offers);
	source->resource = wl_resource_create(client, &zwp_primary_selection_source_v1_interface,
					      wl_resource_get_version(resource), id);
	if (!source->resource) {
		free(source);
		wl_resource_post_no_memory(resource);
		return;
	}
	wl_list_insert(&selection->sources, &source->link);
	wl_resource_set_implementation(source->resource, &source_interface, source,
				       source_handle_destroy);
}

static void
manager_get_device(struct wl_client *client, struct wl_resource *resource, uint32_t id,
		   struct wl_resource *seat)
{
	struct primary_selection *selection = wl_resource_get_user_data(resource);
	struct wl_resource *device;

	if (!selection)
		return;
	device = wl_resource_create(client, &zwp_primary_selection_device_v1_interface,
				    wl_resource_get_version(resource), id);

	if (!device) {
		wl_resource_post_no_memory(resource);
		return;
	}
	wl_resource_set_implementation(device, &device_interface, selection, device_handle_destroy);
	wl_list_insert(&selection->devices, wl_resource_get_link(device));
	if (focused_client(selection) == client)
		device_send_selection(selection, device);
}

static const struct zwp_primary_selection_device_manager_v1_interface manager_interface = {
	.create_source = manager_create_source,
	.get_device = manager_get_device,
	.destroy = selection_destroy_resource,
};

static void
manager_handle_destroy(struct wl_resource *resource)
{
	wl_list_remove(wl_resource_get_link(resource));
}

static void
manager_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *resource = wl_resource_create(
		client, &zwp_primary_selection_device_manager_v1_interface, 1, id);

	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &manager_interface, data, manager_handle_destroy);
	wl_list_insert(&((struct primary_selection *)data)->managers,
		       wl_resource_get_link(resource));
}

struct primary_selection *
primary_selection_create(struct pc_compositor *comp)
{
	struct primary_selection *selection = calloc(1, sizeof *selection);
	struct weston_keyboard *keyboard =
		weston_seat_get_keyboard(pc_seat_get_weston_seat(comp->seat));

	if (!selection)
		return NULL;
	selection->comp = comp;
	wl_list_init(&selection->devices);
	wl_list_init(&selection->managers);
	wl_list_init(&selection->sources);
	wl_list_init(&selection->focus_listener.link);
	selection->global =
		wl_global_create(comp->display, &zwp_primary_selection_device_manager_v1_interface,
				 1, selection, manager_bind);
	if (!selection->global) {
		free(selection);
		return NULL;
	}
	if (keyboard) {
		selection->focus_listener.notify = handle_keyboard_focus;
		wl_signal_add(&keyboard->focus_signal, &selection->focus_listener);
	}
	return selection;
}

void
primary_selection_destroy(struct primary_selection *selection)
{
	struct primary_source *source, *next_source;

	if (!selection)
		return;
	wl_list_remove(&selection->focus_listener.link);
	selection_forget_resources(&selection->devices);
	selection_forget_resources(&selection->managers);
	wl_list_for_each_safe(source, next_source, &selection->sources, link)
	{
		source->selection = NULL;
		wl_list_remove(&source->link);
		wl_list_init(&source->link);
	}
	wl_global_destroy(selection->global);
	free(selection);
}
