/* The names of the compositor's settings, as the options, the config and the logs spell them. */
#include <stddef.h>

#include "name-table.h"
#include "porthole-compositor.h"

static const struct name_table_entry pc_renderer_names[] = {
	{"pixman", PC_RENDERER_PIXMAN},
	{"gl", PC_RENDERER_GL},
	{"auto", PC_RENDERER_AUTO},
	{NULL, 0},
};

static const struct name_table_entry pc_shell_mode_names[] = {
	{"rail", PC_SHELL_RAIL},
	{"desktop", PC_SHELL_DESKTOP},
	{NULL, 0},
};

static const struct name_table_entry pc_xwayland_glx_names[] = {
	{"auto", PC_XWAYLAND_GLX_AUTO},
	{"on", PC_XWAYLAND_GLX_ON},
	{"off", PC_XWAYLAND_GLX_OFF},
	{NULL, 0},
};

const char *
pc_renderer_name(enum pc_renderer renderer)
{
	return name_table_name(pc_renderer_names, renderer);
}

int
pc_renderer_from_name(const char *name, enum pc_renderer *renderer)
{
	int value;

	if (name_table_value(pc_renderer_names, name, &value) < 0)
		return -1;
	*renderer = (enum pc_renderer)value;
	return 0;
}

int
pc_shell_mode_from_name(const char *name, enum pc_shell_mode *mode)
{
	int value;

	if (name_table_value(pc_shell_mode_names, name, &value) < 0)
		return -1;
	*mode = (enum pc_shell_mode)value;
	return 0;
}

int
pc_xwayland_glx_from_name(const char *name, enum pc_xwayland_glx *glx)
{
	int value;

	if (name_table_value(pc_xwayland_glx_names, name, &value) < 0)
		return -1;
	*glx = (enum pc_xwayland_glx)value;
	return 0;
}
