#include "gpu.h"

#include "paths.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
gpu_find_render_node(const char *dev_dir, char *path, size_t size)
{
	char dri[PATH_MAX];
	struct dirent *entry;
	DIR *dir;
	int found = -1;

	if (path_printf(dri, sizeof dri, "%s/dri", dev_dir) < 0)
		return -1;
	dir = opendir(dri);
	if (!dir)
		return -1;
	while ((entry = readdir(dir))) {
		if (strncmp(entry->d_name, "renderD", 7) == 0 &&
		    path_printf(path, size, "%s/%s", dri, entry->d_name) == 0) {
			if (access(path, F_OK) == 0) {
				found = 0;
				break;
			}
		}
	}
	closedir(dir);
	return found;
}

void
gpu_choose(struct gpu_choice *choice, const char *dev_dir, const char *forced_renderer,
	   const char *adapter)
{
	char dxg[PATH_MAX];

	memset(choice, 0, sizeof *choice);
	if (path_printf(dxg, sizeof dxg, "%s/dxg", dev_dir) == 0 && access(dxg, F_OK) == 0) {
		choice->kind = GPU_DXG;
		snprintf(choice->device, sizeof choice->device, "%s", dxg);
		/* WSL's user-mode driver libraries live there; Mesa's d3d12 gallium
		 * driver talks to the host GPU through them. */
		int n = snprintf(choice->client_env, sizeof choice->client_env,
				 "LD_LIBRARY_PATH=/usr/lib/wsl/lib\nGALLIUM_DRIVER=d3d12\n");
		if (adapter && adapter[0])
			snprintf(choice->client_env + n, sizeof choice->client_env - (size_t)n,
				 "MESA_D3D12_DEFAULT_ADAPTER_NAME=%s\n", adapter);
		choice->renderer = "gl";
	} else if (gpu_find_render_node(dev_dir, choice->device, sizeof choice->device) == 0) {
		choice->kind = GPU_RENDER_NODE;
		choice->renderer = "gl";
	} else {
		choice->kind = GPU_NONE;
		choice->renderer = "pixman";
	}
	if (forced_renderer && strcmp(forced_renderer, "auto") != 0)
		choice->renderer = strcmp(forced_renderer, "gl") == 0 ? "gl" : "pixman";
}
