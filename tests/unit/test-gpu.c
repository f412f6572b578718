/*
 * portholed's GPU choice from what a /dev holds: /dev/dxg (d3d12 for clients),
 * a render node (GL renderer), neither (pixman); and the config forcing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpu.h"
#include "tap.h"
#include "test-files.h"

int
main(void)
{
	struct tap t = {0};
	struct gpu_choice c;
	char dev[] = "/tmp/porthole-gpu-XXXXXX", path[256];

	if (!mkdtemp(dev))
		return 1;

	gpu_choose(&c, dev, "auto", "");
	TAP_CHECK(&t, c.kind == GPU_NONE && strcmp(c.renderer, "pixman") == 0 && !c.client_env[0],
		  "nothing: pixman, no client environment");

	snprintf(path, sizeof path, "%s/dri", dev);
	mkdir(path, 0755);
	test_write_file(path, "card0", "");
	gpu_choose(&c, dev, "auto", "");
	TAP_CHECK(&t, c.kind == GPU_NONE, "a card node alone is no render node");
	test_write_file(path, "renderD128", "");
	gpu_choose(&c, dev, "auto", "");
	TAP_CHECK(&t,
		  c.kind == GPU_RENDER_NODE && strcmp(c.renderer, "gl") == 0 &&
			  strstr(c.device, "dri/renderD128"),
		  "a render node: the GL renderer (%s)", c.device);
	gpu_choose(&c, dev, "pixman", "");
	TAP_CHECK(&t, c.kind == GPU_RENDER_NODE && strcmp(c.renderer, "pixman") == 0,
		  "[core] renderer=pixman wins over the hardware");

	test_write_file(dev, "dxg", "");
	gpu_choose(&c, dev, "auto", "NVIDIA RTX");
	TAP_CHECK(&t,
		  c.kind == GPU_DXG && strstr(c.client_env, "GALLIUM_DRIVER=d3d12\n") &&
			  strstr(c.client_env, "LD_LIBRARY_PATH=/usr/lib/wsl/lib\n") &&
			  strstr(c.client_env, "MESA_D3D12_DEFAULT_ADAPTER_NAME=NVIDIA RTX\n"),
		  "/dev/dxg: d3d12 for clients, with the configured adapter");
	gpu_choose(&c, dev, "auto", "");
	TAP_CHECK(&t, c.kind == GPU_DXG && !strstr(c.client_env, "ADAPTER"),
		  "no adapter configured: Mesa picks");

	snprintf(path, sizeof path, "%s/dxg", dev);
	unlink(path);
	snprintf(path, sizeof path, "%s/dri/renderD128", dev);
	unlink(path);
	snprintf(path, sizeof path, "%s/dri/card0", dev);
	unlink(path);
	snprintf(path, sizeof path, "%s/dri", dev);
	rmdir(path);
	rmdir(dev);
	return tap_finish(&t);
}
