#include "rdp-server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <freerdp/channels/channels.h>
#include <freerdp/primitives.h>
#include <freerdp/settings.h>
#include <winpr/synch.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"
#include "secret-file.h"
#include "strbuf.h"

/* --- configuration ----------------------------------------------------------- */

/* --- FreeRDP's own log ---------------------------------------------------------- */

/* FreeRDP logs through WinPR's WLog, to stdout by default: send it to our log. */
/*
 * What FreeRDP's server says when a known client does what it refuses, and
 * what that means for the user: the library's words name a function, not the
 * client or the way out.
 */
static const struct {
	const char *says;
	const char *means;
} rdp_server_known_refusals[] = {
	{"mcs_recv_erect_domain_request",
	 "the client sent an MCS Erect Domain Request one byte longer than FreeRDP 2.11's "
	 "server accepts (rdesktop 1.9 does, and then waits without a word): the connection "
	 "ends; connect with xfreerdp, Remmina or mstsc"},
};

static BOOL
rdp_server_handle_wlog_message(const wLogMessage *msg)
{
	static const char *const levels[] = {"trace", "debug", "info", "warning", "error", "fatal"};
	const char *text = msg->TextString ? msg->TextString : "";

	weston_log("freerdp %s: %s\n", msg->Level < 6 ? levels[msg->Level] : "?", text);
	for (size_t i = 0;
	     i < sizeof rdp_server_known_refusals / sizeof rdp_server_known_refusals[0]; i++) {
		if (strstr(text, rdp_server_known_refusals[i].says))
			weston_log("rdp: %s\n", rdp_server_known_refusals[i].means);
	}
	return TRUE;
}

static void
rdp_server_route_wlog(void)
{
	wLog *root = WLog_GetRoot();
	wLogCallbacks callbacks = {.message = rdp_server_handle_wlog_message};

	/* The library's info lines are per packet stage; warnings and up matter. */
	WLog_SetLogLevel(root, WLOG_WARN);
	if (!WLog_SetLogAppenderType(root, WLOG_APPENDER_CALLBACK) ||
	    !WLog_ConfigureAppender(WLog_GetLogAppender(root), "callbacks", &callbacks))
		weston_log("rdp: cannot route FreeRDP's log; it goes to stdout\n");
}

/* --- listener ------------------------------------------------------------------ */

static BOOL
rdp_server_handle_peer_accepted(freerdp_listener *listener, freerdp_peer *client)
{
	struct rdp_server *server = listener->param4;

	/* FreeRDP accepts without it: the connection must not leak into Xwayland or apps */
	if (fcntl(client->sockfd, F_SETFD, FD_CLOEXEC) < 0)
		return FALSE;
	/* FALSE has FreeRDP close the connection and free the peer. */
	return rdp_login_start(server, client);
}

static int
rdp_server_handle_listener_event(int fd, uint32_t mask, void *data)
{
	struct rdp_server *server = data;

	if (!server->listener->CheckFileDescriptor(server->listener))
		weston_log("rdp: the listener failed to accept a connection\n");
	return 0;
}

/* FreeRDP's listener takes over the sockets the frontend opened. */
static int
rdp_server_listen(struct rdp_server *server, struct rdp_transport_sockets *sockets)
{
	struct wl_event_loop *loop = server->loop;
	HANDLE handles[RDP_MAX_EVENT_FDS];
	DWORD n;

	server->listener = freerdp_listener_new();
	if (!server->listener)
		return -1;
	server->listener->param4 = server;
	server->listener->PeerAccepted = rdp_server_handle_peer_accepted;
	for (int i = 0; i < sockets->count; i++) {
		if (sockets->fds[i] < 0)
			continue;
		if (!server->listener->OpenFromSocket(server->listener, sockets->fds[i])) {
			weston_log("rdp: FreeRDP refused listening socket %d\n", sockets->fds[i]);
			return -1;
		}
		sockets->fds[i] = -1; /* FreeRDP's from here on */
	}
	n = server->listener->GetEventHandles(server->listener, handles, RDP_MAX_EVENT_FDS);
	for (DWORD i = 0; i < n; i++) {
		int fd = GetEventFileDescriptor(handles[i]);

		/* FreeRDP's sockets must not reach the children */
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			weston_log("rdp: cannot mark the listening socket close-on-exec: %s\n",
				   strerror(errno));
			return -1;
		}
		server->listener_events[server->n_listener_events++] = wl_event_loop_add_fd(
			loop, fd, WL_EVENT_READABLE, rdp_server_handle_listener_event, server);
	}
	return 0;
}

/*
 * FreeRDP 2.11 makes its socket BIO methods on a peer context's first use and
 * keeps them in statics without a lock: the first logins, each on its thread,
 * raced to make them and the loser's were lost. One context made and freed
 * here, before any login thread, makes them once.
 */
static bool
rdp_server_prime_freerdp(void)
{
	freerdp_peer *peer;
	int pair[2];
	bool made;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
		return false;
	peer = freerdp_peer_new(pair[0]);
	if (!peer) {
		close(pair[0]);
		close(pair[1]);
		return false;
	}
	/* the context's transport takes pair[0] */
	made = freerdp_peer_context_new(peer);
	if (made)
		freerdp_peer_context_free(peer);
	freerdp_peer_free(peer);
	close(pair[1]);
	return made;
}

/* --- lifetime ---------------------------------------------------------------- */

/* "a, b,c" -> {"a", "b", "c", NULL}; NULL when out of memory. */
static char **
rdp_server_split_list(const char *list)
{
	size_t n = 1, count = 0;
	char **items;
	const char *p = list;

	for (const char *c = list; *c; c++)
		n += *c == ',';
	items = calloc(n + 1, sizeof *items);
	if (!items)
		return NULL;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *start = p, *end = p + len;

		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start && !(items[count++] = strndup(start, (size_t)(end - start))))
			goto err;
		p += len + (p[len] == ',');
	}
	return items;
err:
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
	return NULL;
}

struct rdp_server *
rdp_server_create(struct pc_compositor *compositor, const struct rdp_server_config *config)
{
	struct rdp_server *server = calloc(1, sizeof *server);

	if (!server)
		return NULL;
	server->compositor = compositor;
	server->loop = pc_compositor_get_event_loop(compositor);
	server->scopes = config->scopes;
	server->audio = config->audio;
	server->mode = config->mode;
	server->codec = config->codec;
	server->clipboard_max_bytes =
		(uint64_t)(config->clipboard_max_mb > 0 ? config->clipboard_max_mb : 0) << 20;
	wl_list_init(&server->peers);
	rdp_server_route_wlog();
	/*
	 * Left to choose, FreeRDP times its plain and its SIMD colour routines
	 * against each other for 330 ms at their first use, which was the first
	 * login's activation, on the event loop. The SIMD ones fall back per
	 * routine where the CPU lacks them; made here they cost 0.2 ms.
	 */
	primitives_set_hints(PRIMITIVES_ONLY_CPU);
	primitives_get();
	/* Virtual channels (RAIL, later sound) go through FreeRDP's WTS API. */
	WTSRegisterWtsApiFunctionTable(FreeRDP_InitWtsApi());
	if (!rdp_server_prime_freerdp()) {
		weston_log("rdp: FreeRDP could not make a peer (out of memory?)\n");
		goto err;
	}
	if (config->rail_exec && config->rail_exec[0] &&
	    !(server->rail_exec = rdp_server_split_list(config->rail_exec)))
		goto err;
	server->auth = rdp_auth_create(config->user, &config->secrets->password);
	/* the peers' TLS identity, wiped at the end (rdp_server_destroy()) */
	server->cert_pem = config->secrets->cert_pem;
	server->key_pem = config->secrets->key_pem;
	config->secrets->cert_pem = config->secrets->key_pem = NULL;
	server->logins = rdp_logins_create(server);
	if (!server->auth || !server->logins)
		goto err;
	/* TCP reaches other users and machines: there, credentials are required. */
	if (config->sockets->reachable_remotely && !rdp_auth_user(server->auth)) {
		weston_log("rdp: a TCP listener needs --rdp-user and --rdp-password-file\n");
		goto err;
	}
	if (rdp_server_listen(server, config->sockets) < 0)
		goto err;
	server->pointer = rdp_pointer_watch_create(server);
	/* encoding a frame is the costliest thing the compositor does: every core helps */
	server->encode_pool =
		work_pool_create(work_pool_helpers_for_machine(RDP_ENCODE_HELPERS_MAX));
	if (!server->pointer || !server->encode_pool)
		goto err;
	weston_log("rdp: listening on %s (%s, %s%s)\n", config->listen,
		   config->mode == RDP_MODE_RAIL      ? "RemoteApp windows"
		   : config->mode == RDP_MODE_DESKTOP ? "desktop"
						      : "RemoteApp or desktop, as asked",
		   rdp_auth_user(server->auth) ? "TLS or network level authentication, user "
					       : "TLS, no credentials: local transports only",
		   rdp_auth_user(server->auth) ? rdp_auth_user(server->auth) : "");
	return server;
err:
	rdp_server_destroy(server);
	return NULL;
}

void
rdp_server_destroy(struct rdp_server *server)
{
	struct rdp_peer *peer, *tmp;

	if (!server)
		return;
	rdp_logins_destroy(server->logins);
	wl_list_for_each_safe(peer, tmp, &server->peers, link) rdp_peer_destroy(peer);
	work_pool_destroy(server->encode_pool);
	rdp_pointer_watch_destroy(server->pointer);
	for (int i = 0; i < server->n_listener_events; i++)
		wl_event_source_remove(server->listener_events[i]);
	if (server->listener) {
		server->listener->Close(server->listener);
		freerdp_listener_free(server->listener);
	}
	rdp_auth_destroy(server->auth);
	secret_free(server->cert_pem);
	secret_free(server->key_pem);
	for (char **item = server->rail_exec; item && *item; item++)
		free(*item);
	free(server->rail_exec);
	free(server);
}

void
rdp_server_describe_peers(struct rdp_server *server, struct strbuf *out)
{
	struct rdp_peer *peer;
	char pointer_buf[64];
	const char *pointer = rdp_pointer_describe(server, pointer_buf, sizeof pointer_buf);

	wl_list_for_each_reverse(peer, &server->peers, link)
	{
		rdpSettings *settings = peer->client->context->settings;
		uint64_t pipeline_bytes, pipeline_packed_bytes;

		rdp_gfx_counts(peer, &pipeline_bytes, &pipeline_packed_bytes);
		strbuf_appendf(out, "{\"address\":");
		strbuf_append_json_string(out, peer->client->hostname);
		strbuf_appendf(
			out,
			",\"active\":%s,\"mode\":\"%s\",\"codec\":\"%s\",\"keyboard_layout\":%u,"
			"\"frames_sent\":%llu,\"frames_held\":%llu,\"frame_id\":%u,"
			"\"frame_acked\":%u,\"frames_in_flight_max\":%u,\"bytes_sent\":%llu,"
			"\"solid_fills\":%llu,\"filled_pixels\":%llu,\"stripes_untried\":%llu,"
			"\"lossy\":%s,\"lossy_"
			"frames\":%llu,\"lossy_bytes\":%llu,\"lossy_coarser\":%d,"
			"\"lossless_refreshes\":%llu,\"copies\":%llu,\"copied_pixels\":%llu,"
			"\"cell_copies\":%llu,"
			"\"pointer\":\"%s\",\"pointers_new\":%llu,"
			"\"pointers_cached\":%llu,\"pipeline_bytes\":%llu,\"pipeline_packed_"
			"bytes\":%llu,",
			peer->activated ? "true" : "false", peer->rail ? "rail" : "desktop",
			rdp_codec_name(peer->codec),
			freerdp_settings_get_uint32(settings, FreeRDP_KeyboardLayout),
			(unsigned long long)peer->frames_sent,
			(unsigned long long)peer->frames_held, peer->frame_id, peer->frame_acked,
			rdp_graphics_frames_in_flight_max(peer),
			(unsigned long long)peer->bytes_sent, (unsigned long long)peer->solid_fills,
			(unsigned long long)peer->filled_pixels,
			(unsigned long long)peer->stripes_untried,
			rdp_gfx_takes_lossy(peer) ? "true" : "false",
			(unsigned long long)peer->lossy_frames,
			(unsigned long long)peer->lossy_bytes, rdp_gfx_lossy_coarser(peer),
			(unsigned long long)peer->lossless_refreshes,
			(unsigned long long)peer->copies, (unsigned long long)peer->copied_pixels,
			(unsigned long long)peer->cell_copies, pointer,
			(unsigned long long)peer->pointers_new,
			(unsigned long long)peer->pointers_cached,
			(unsigned long long)pipeline_bytes,
			(unsigned long long)pipeline_packed_bytes);
		rdp_clipboard_describe(peer->clipboard, out);
		strbuf_appendf(out, "}\n");
	}
}
