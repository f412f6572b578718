/* What porthole-rdp.so gives porthole-compositor, which loads it (rdp-server.h). */
#include "rdp-server.h"

__attribute__((visibility("default"))) extern const struct rdp_module porthole_rdp_module;

const struct rdp_module porthole_rdp_module = {
	.abi = RDP_MODULE_ABI,
	.server_create = rdp_server_create,
	.server_destroy = rdp_server_destroy,
	.server_describe_peers = rdp_server_describe_peers,
};
