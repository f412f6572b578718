#include <stdlib.h>
#include <string.h>

#include "selection-common.h"

bool
selection_add_type(struct wl_array *types, const char *type)
{
	char **slot = wl_array_add(types, sizeof *slot);

	if (!slot)
		return false;
	*slot = strdup(type);
	if (!*slot) {
		types->size -= sizeof *slot;
		return false;
	}
	return true;
}

void
selection_release_types(struct wl_array *types)
{
	char **type;

	wl_array_for_each(type, types) free(*type);
	wl_array_release(types);
}

void
selection_destroy_resource(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

void
selection_forget_resources(struct wl_list *resources)
{
	struct wl_resource *resource, *next;

	wl_resource_for_each_safe(resource, next, resources)
	{
		wl_list_remove(wl_resource_get_link(resource));
		wl_list_init(wl_resource_get_link(resource));
		wl_resource_set_user_data(resource, NULL);
	}
}
