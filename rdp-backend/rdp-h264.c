#include "rdp-h264.h"

#include <stdlib.h>

#include <freerdp/codec/color.h>
#include <freerdp/primitives.h>
#include <x264.h>

/*
 * ultrafast: the cheapest search and coding, half superfast's CPU for a
 * 1080p picture (18 against 32 ms, video-like content) at about the same size:
 * the link is local and the picture is refreshed losslessly once it settles.
 * zerolatency: every picture comes out of the call that takes it (no
 * lookahead, no B-frames) and the threads split each picture into slices.
 */
#define RDP_H264_PRESET "ultrafast"
#define RDP_H264_TUNE "zerolatency"
#define RDP_H264_FPS 30

struct rdp_h264 {
	x264_t *encoder;
	x264_picture_t picture;
	int width, height;
	int64_t pictures; /* coded so far: the rate control's clock */
};

struct rdp_h264 *
rdp_h264_create(int width, int height, int64_t bits_per_second)
{
	struct rdp_h264 *h264;
	x264_param_t param;

	if (width < 16 || height < 16 || width % 2 || height % 2)
		return NULL;
	if (x264_param_default_preset(&param, RDP_H264_PRESET, RDP_H264_TUNE) < 0)
		return NULL;
	h264 = calloc(1, sizeof *h264);
	if (!h264)
		return NULL;
	param.i_width = width;
	param.i_height = height;
	param.i_csp = X264_CSP_I420;
	param.i_fps_num = RDP_H264_FPS;
	param.i_fps_den = 1;
	param.b_vfr_input = 0;
	/* the link is reliable: one key frame at the start is enough */
	param.i_keyint_max = X264_KEYINT_MAX_INFINITE;
	param.b_repeat_headers = 1;
	param.b_annexb = 1;
	param.i_log_level = X264_LOG_NONE;
	param.rc.i_rc_method = X264_RC_ABR;
	param.rc.i_bitrate = (int)(bits_per_second / 1000);
	if (x264_param_apply_profile(&param, "high") < 0 ||
	    x264_picture_alloc(&h264->picture, X264_CSP_I420, width, height) < 0) {
		free(h264);
		return NULL;
	}
	h264->encoder = x264_encoder_open(&param);
	if (!h264->encoder) {
		x264_picture_clean(&h264->picture);
		free(h264);
		return NULL;
	}
	h264->width = width;
	h264->height = height;
	return h264;
}

void
rdp_h264_destroy(struct rdp_h264 *h264)
{
	if (!h264)
		return;
	x264_encoder_close(h264->encoder);
	x264_picture_clean(&h264->picture);
	free(h264);
}

int
rdp_h264_encode(struct rdp_h264 *h264, const uint8_t *pixels, int stride, uint8_t **data,
		uint32_t *size)
{
	/* FreeRDP's conversion: its client converts back with the matching coefficients */
	primitives_t *prims = primitives_get();
	prim_size_t roi = {.width = (UINT32)h264->width, .height = (UINT32)h264->height};
	BYTE *planes[3] = {h264->picture.img.plane[0], h264->picture.img.plane[1],
			   h264->picture.img.plane[2]};
	UINT32 strides[3] = {(UINT32)h264->picture.img.i_stride[0],
			     (UINT32)h264->picture.img.i_stride[1],
			     (UINT32)h264->picture.img.i_stride[2]};
	x264_picture_t coded;
	x264_nal_t *nals;
	int n_nals, bytes;

	if (prims->RGBToYUV420_8u_P3AC4R(pixels, PIXEL_FORMAT_BGRX32, (UINT32)stride, planes,
					 strides, &roi) != PRIMITIVES_SUCCESS)
		return -1;
	h264->picture.i_pts = h264->pictures++;
	bytes = x264_encoder_encode(h264->encoder, &nals, &n_nals, &h264->picture, &coded);
	/* zerolatency keeps nothing back: each picture is coded by its own call */
	if (bytes <= 0 || n_nals < 1)
		return -1;
	/* x264 lays a picture's units out one after the other */
	*data = nals[0].p_payload;
	*size = (uint32_t)bytes;
	return 0;
}
