/*
 * wlroots' data-control protocol, version 1: clipboard tools (wl-copy,
 * wl-paste) and clipboard managers read and set the seat's clipboard without
 * a window. Without it wl-clipboard maps a 1x1 window to win the keyboard
 * focus a copy or a paste needs, and in RemoteApp mode that window reaches the
 * host as a window of its own for a moment, taking the host's focus with it.
 *
 * It opens nothing new: every client of this compositor is the user's own,
 * and X11 apps read the clipboard whenever they like. Version 2 (the primary
 * selection) is left out; wl-clipboard then uses the primary selection
 * protocol for that.
 *
 * A source set here is a weston_data_source like a Wayland app's, so the seat,
 * Xwayland's window manager and the RDP clipboard take it as they take any copy.
 */
#include <stdlib.h>
#include <unistd.h>

#include <libweston/libweston.h>

#include "compositor-internal.h"
#include "data-control.h"
#include "seat.h"
#include "selection-common.h"
#include "wlr-data-control-unstable-v1-server-protocol.h"

/* Types a source may offer: a copy offers a handful; more are dropped, not kept. */
#define DATA_CONTROL_MAX_TYPES 64

struct data_control {
	struct pc_compositor *comp;
	struct wl_global *global;
	struct wl_list managers; /* wl_resource links */
	struct wl_list devices;  /* control_device::link */
	struct wl_listener selection_listener;
};

struct control_device {
	struct wl_resource *resource;
	struct data_control *control; /* NULL once it went */
	struct wl_list link;          /* data_control::devices */
	struct wl_resource *offer;    /* of the current selection; NULL: none, or destroyed */
};

struct control_source {
	struct weston_data_source base;
	struct wl_resource *resource;
	bool used;      /* set as a selection once: its types are fixed */
	bool cancelled; /* told so */
};

static struct weston_seat *
control_seat(struct data_control *control)
{
	return control ? pc_seat_get_weston_seat(control->comp->seat) : NULL;
}

/* --- offers: a device's view of the current selection ---------------------------- */

static void
offer_receive(struct wl_client *client, struct wl_resource *resource, const char *mime_type,
	      int32_t fd)
{
	struct control_device *device = wl_resource_get_user_data(resource);
	struct weston_seat *seat = device ? control_seat(device->control) : NULL;
	struct weston_data_source *source = seat ? seat->selection_data_source : NULL;

	/* an offer of a selection since replaced reads nothing: EOF at once */
	if (!source) {
		close(fd);
		return;
	}
	/* the source owns fd from here, as libweston's own offers hand it over */
	source->send(source, mime_type, fd);
}

static const struct zwlr_data_control_offer_v1_interface offer_interface = {
	.receive = offer_receive,
	.destroy = selection_destroy_resource,
};

static void
offer_handle_destroy(struct wl_resource *resource)
{
	struct control_device *device = wl_resource_get_user_data(resource);

	if (device && device->offer == resource)
		device->offer = NULL;
}

/* Tells @device the selection is now @source's (NULL: nothing); its last offer goes stale. */
static void
device_send_selection(struct control_device *device, struct weston_data_source *source)
{
	struct wl_resource *offer;
	char **type;

	if (device->offer) {
		wl_resource_set_user_data(device->offer, NULL);
		device->offer = NULL;
	}
	if (!source) {
		zwlr_data_control_device_v1_send_selection(device->resource, NULL);
		return;
	}
	offer = wl_resource_create(wl_resource_get_client(device->resource),
				   &zwlr_data_control_offer_v1_interface,
				   wl_resource_get_version(device->resource), 0);
	if (!offer) {
		wl_resource_post_no_memory(device->resource);
		return;
	}
	wl_resource_set_implementation(offer, &offer_interface, device, offer_handle_destroy);
	device->offer = offer;
	zwlr_data_control_device_v1_send_data_offer(device->resource, offer);
	wl_array_for_each(type, &source->mime_types)
		zwlr_data_control_offer_v1_send_offer(offer, *type);
	zwlr_data_control_device_v1_send_selection(device->resource, offer);
}

static void
handle_selection(struct wl_listener *listener, void *data)
{
	struct data_control *control = wl_container_of(listener, control, selection_listener);
	struct weston_seat *seat = data;
	struct control_device *device;

	wl_list_for_each(device, &control->devices, link)
		device_send_selection(device, seat->selection_data_source);
}

/* --- sources: a client's copy ------------------------------------------------------ */

static void
source_accept(struct weston_data_source *base, uint32_t serial, const char *mime_type)
{
	/* drag and drop only */
}

static void
source_send(struct weston_data_source *base, const char *mime_type, int32_t fd)
{
	struct control_source *source = wl_container_of(base, source, base);

	/* the event carries a copy of fd to the client */
	zwlr_data_control_source_v1_send_send(source->resource, mime_type, fd);
	if (!pc_clipboard_caller_closes_fd(__builtin_return_address(0)))
		close(fd);
}

static void
source_cancel(struct weston_data_source *base)
{
	struct control_source *source = wl_container_of(base, source, base);

	if (source->cancelled)
		return;
	source->cancelled = true;
	zwlr_data_control_source_v1_send_cancelled(source->resource);
}

static void
source_offer(struct wl_client *client, struct wl_resource *resource, const char *mime_type)
{
	struct control_source *source = wl_resource_get_user_data(resource);

	if (source->used) {
		wl_resource_post_error(resource, ZWLR_DATA_CONTROL_SOURCE_V1_ERROR_INVALID_OFFER,
				       "a type offered after the source was set as the selection");
		return;
	}
	if (source->base.mime_types.size / sizeof(char *) == DATA_CONTROL_MAX_TYPES)
		return;
	if (!selection_add_type(&source->base.mime_types, mime_type))
		wl_resource_post_no_memory(resource);
}

static const struct zwlr_data_control_source_v1_interface source_interface = {
	.offer = source_offer,
	.destroy = selection_destroy_resource,
};

static void
source_handle_destroy(struct wl_resource *resource)
{
	struct control_source *source = wl_resource_get_user_data(resource);

	/* the seat lets go of it if it is the selection; apps' offers of it go inert */
	wl_signal_emit(&source->base.destroy_signal, &source->base);
	selection_release_types(&source->base.mime_types);
	free(source);
}

/* --- devices and the manager --------------------------------------------------------- */

static void
device_set_selection(struct wl_client *client, struct wl_resource *resource,
		     struct wl_resource *source_resource)
{
	struct control_device *device = wl_resource_get_user_data(resource);
	struct control_source *source =
		source_resource ? wl_resource_get_user_data(source_resource) : NULL;
	struct weston_seat *seat = control_seat(device->control);

	if (source && source->used) {
		wl_resource_post_error(resource, ZWLR_DATA_CONTROL_DEVICE_V1_ERROR_USED_SOURCE,
				       "the source was set as a selection before");
		return;
	}
	if (!seat)
		return;
	if (source)
		source->used = true;
	/* a serial newer than any event's: this copy is the latest */
	weston_seat_set_selection(seat, source ? &source->base : NULL,
				  wl_display_next_serial(device->control->comp->display));
}

static const struct zwlr_data_control_device_v1_interface device_interface = {
	.set_selection = device_set_selection,
	.destroy = selection_destroy_resource,
};

static void
device_handle_destroy(struct wl_resource *resource)
{
	struct control_device *device = wl_resource_get_user_data(resource);

	if (device->offer)
		wl_resource_set_user_data(device->offer, NULL);
	wl_list_remove(&device->link);
	free(device);
}

static void
manager_create_source(struct wl_client *client, struct wl_resource *resource, uint32_t id)
{
	struct control_source *source = calloc(1, sizeof *source);

	if (!source) {
		wl_resource_post_no_memory(resource);
		return;
	}
	source->resource = wl_resource_create(client, &zwlr_data_control_source_v1_interface,
					      wl_resource_get_version(resource), id);
	if (!source->resource) {
		free(source);
		wl_resource_post_no_memory(resource);
		return;
	}
	source->base.accept = source_accept;
	source->base.send = source_send;
	source->base.cancel = source_cancel;
	wl_signal_init(&source->base.destroy_signal);
	wl_array_init(&source->base.mime_types);
	wl_resource_set_implementation(source->resource, &source_interface, source,
				       source_handle_destroy);
}

static void
manager_get_data_device(struct wl_client *client, struct wl_resource *resource, uint32_t id,
			struct wl_resource *seat_resource)
{
	struct data_control *control = wl_resource_get_user_data(resource);
	struct weston_seat *seat = control_seat(control);
	struct control_device *device = calloc(1, sizeof *device);

	if (!device) {
		wl_resource_post_no_memory(resource);
		return;
	}
	device->resource = wl_resource_create(client, &zwlr_data_control_device_v1_interface,
					      wl_resource_get_version(resource), id);
	if (!device->resource) {
		free(device);
		wl_resource_post_no_memory(resource);
		return;
	}
	wl_resource_set_implementation(device->resource, &device_interface, device,
				       device_handle_destroy);
	if (!seat) {
		/* the compositor is going: nothing to follow */
		wl_list_init(&device->link);
		zwlr_data_control_device_v1_send_finished(device->resource);
		return;
	}
	device->control = control;
	wl_list_insert(&control->devices, &device->link);
	device_send_selection(device, seat->selection_data_source);
}

static const struct zwlr_data_control_manager_v1_interface manager_interface = {
	.create_data_source = manager_create_source,
	.get_data_device = manager_get_data_device,
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
	struct data_control *control = data;
	struct wl_resource *resource =
		wl_resource_create(client, &zwlr_data_control_manager_v1_interface, 1, id);

	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &manager_interface, control,
				       manager_handle_destroy);
	wl_list_insert(&control->managers, wl_resource_get_link(resource));
}

struct data_control *
data_control_create(struct pc_compositor *comp)
{
	struct weston_seat *seat = pc_seat_get_weston_seat(comp->seat);
	struct data_control *control;

	if (!seat)
		return NULL;
	control = calloc(1, sizeof *control);
	if (!control)
		return NULL;
	control->comp = comp;
	wl_list_init(&control->managers);
	wl_list_init(&control->devices);
	control->global = wl_global_create(comp->display, &zwlr_data_control_manager_v1_interface,
					   1, control, manager_bind);
	if (!control->global) {
		free(control);
		return NULL;
	}
	control->selection_listener.notify = handle_selection;
	wl_signal_add(&seat->selection_signal, &control->selection_listener);
	return control;
}

void
data_control_destroy(struct data_control *control)
{
	struct control_device *device, *next_device;

	if (!control)
		return;
	wl_list_remove(&control->selection_listener.link);
	selection_forget_resources(&control->managers);
	wl_list_for_each_safe(device, next_device, &control->devices, link)
	{
		device->control = NULL;
		wl_list_remove(&device->link);
		wl_list_init(&device->link);
		zwlr_data_control_device_v1_send_finished(device->resource);
	}
	wl_global_destroy(control->global);
	free(control);
}
