/*
 * Which GPU path this boot takes: WSL's /dev/dxg (Mesa's d3d12 driver for
 * clients), a DRM render node (the compositor's GL renderer), or neither (pixman).
 */
#ifndef PORTHOLE_GPU_H
#define PORTHOLE_GPU_H

#include <limits.h>

enum gpu_kind { GPU_NONE, GPU_DXG, GPU_RENDER_NODE };

struct gpu_choice {
	enum gpu_kind kind;
	char device[PATH_MAX]; /* what was found */
	const char *renderer;  /* the compositor's --renderer */
	char client_env[1024]; /* "NAME=value" lines for apps, may be empty */
};

/**
 * Looks under @dev_dir (normally /dev) and decides. @forced_renderer is the
 * config's [core] renderer ("auto" lets the hardware decide); @adapter the
 * config's [gpu] adapter for d3d12 (may be empty).
 */
void gpu_choose(struct gpu_choice *choice, const char *dev_dir, const char *forced_renderer,
		const char *adapter);

#endif
