/* The names of the RDP server's settings, as --rdp-mode, --rdp-codec and the logs spell them. */
#include <stddef.h>

#include "name-table.h"
#include "rdp-server.h"

static const struct name_table_entry rdp_codec_names[] = {
	{"auto", RDP_CODEC_AUTO},
	{"remotefx", RDP_CODEC_REMOTEFX},
	{"nsc", RDP_CODEC_NSC},
	{"raw", RDP_CODEC_RAW},
	{"bitmap", RDP_CODEC_BITMAP},
	{"planar", RDP_CODEC_PLANAR},
	{"progressive", RDP_CODEC_PROGRESSIVE},
	{"uncompressed", RDP_CODEC_UNCOMPRESSED},
	{"avc420", RDP_CODEC_AVC420},
	{NULL, 0},
};

static const struct name_table_entry rdp_mode_names[] = {
	{"auto", RDP_MODE_AUTO},
	{"rail", RDP_MODE_RAIL},
	{"desktop", RDP_MODE_DESKTOP},
	{NULL, 0},
};

const char *
rdp_codec_name(enum rdp_codec codec)
{
	return name_table_name(rdp_codec_names, codec);
}

int
rdp_codec_from_name(const char *name, enum rdp_codec *codec)
{
	int value;

	if (name_table_value(rdp_codec_names, name, &value) < 0)
		return -1;
	*codec = (enum rdp_codec)value;
	return 0;
}

int
rdp_mode_from_name(const char *name, enum rdp_mode *mode)
{
	int value;

	if (name_table_value(rdp_mode_names, name, &value) < 0)
		return -1;
	*mode = (enum rdp_mode)value;
	return 0;
}
