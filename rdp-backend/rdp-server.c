#include "rdp-server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <freerdp/channels/channels.h>
#include <freerdp/settings.h>
#include <winpr/synch.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "log.h"
#include "porthole-compositor.h"
#include "rdp-internal.h"
#include "rdp-transport.h"
#include "paths.h"
#include "secret-file.h"
#include "strbuf.h"
#include "tls-identity.h"

/* --- configuration ----------------------------------------------------------- */

static int
rdp_server_parse_tcp(const char *listen, char *host, size_t host_size, int *port)
{
	const char *colon;
	char *end;
	long p;

	if (strncmp(listen, "tcp:", 4) != 0)
		return -1;
	listen += 4;
	colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= host_size)
		return -1;
	p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	/* "[::1]" -> "::1" */
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	*port = (int)p;
	return 0;
}

/* The most a PEM certificate or key may take: a 4096-bit RSA key is about 3.3 kB. */
#define RDP_TLS_PEM_MAX (64 * 1024)

/*
 * The TLS identity, held in memory for the peers: the configured certificate
 * and key (files, or fds a privileged parent opened), or a self-signed pair
 * made now in the runtime dir. Its fingerprint is logged and written there, so
 * a client can pin it.
 */
static int
rdp_server_setup_tls(struct rdp_server *server, const struct rdp_server_config *config)
{
	char fingerprint[128], fp_path[600], cert_path[512], key_path[512], err[300];
	const char *cert = config->tls_cert, *key = config->tls_key;
	FILE *f;

	if (!!cert != !!key) {
		weston_log("rdp: give both --rdp-tls-cert and --rdp-tls-key, or neither\n");
		return -1;
	}
	if (!cert) {
		if (path_printf(cert_path, sizeof cert_path, "%s/%s.rdp.crt", config->runtime_dir,
				config->socket_name) < 0 ||
		    path_printf(key_path, sizeof key_path, "%s/%s.rdp.key", config->runtime_dir,
				config->socket_name) < 0) {
			weston_log("rdp: runtime dir path too long for the TLS files\n");
			return -1;
		}
		if (tls_identity_generate(cert_path, key_path, "porthole", 365, err, sizeof err) <
		    0) {
			weston_log("rdp: cannot make a TLS certificate: %s\n", err);
			return -1;
		}
		cert = cert_path;
		key = key_path;
	}
	server->cert_pem = secret_read(cert, SECRET_PUBLIC, RDP_TLS_PEM_MAX, err, sizeof err);
	if (!server->cert_pem) {
		weston_log("rdp: the TLS certificate: %s\n", err);
		return -1;
	}
	server->key_pem = secret_read(key, SECRET_PRIVATE, RDP_TLS_PEM_MAX, err, sizeof err);
	if (!server->key_pem) {
		weston_log("rdp: the TLS key: %s\n", err);
		return -1;
	}
	if (tls_identity_fingerprint_pem(server->cert_pem, fingerprint, sizeof fingerprint) < 0) {
		weston_log("rdp: %s is not a PEM certificate\n", cert);
		return -1;
	}
	/* found now, not at the first client's handshake */
	if (tls_identity_check_pair_pem(server->cert_pem, server->key_pem) < 0) {
		weston_log("rdp: %s is not the private key (PEM) of the certificate %s\n", key,
			   cert);
		return -1;
	}
	weston_log("rdp: TLS certificate %s, SHA-256 %s\n", cert, fingerprint);
	snprintf(fp_path, sizeof fp_path, "%s/%s.rdp.fingerprint", config->runtime_dir,
		 config->socket_name);
	f = fopen(fp_path, "we");
	if (f) {
		fprintf(f, "%s\n", fingerprint);
		fclose(f);
	}
	return 0;
}

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

static int
rdp_server_listen_one(struct rdp_server *server, const char *spec, bool *remote)
{
	struct rdp_transport_sockets sockets = {.count = 0};
	char host[128], err[300];
	int port;

	if (strncmp(spec, "tcp:", 4) == 0) {
		if (rdp_server_parse_tcp(spec, host, sizeof host, &port) < 0) {
			weston_log("rdp: %s: expected tcp:HOST:PORT\n", spec);
			return -1;
		}
		if (!server->listener->Open(server->listener, host, (UINT16)port)) {
			weston_log("rdp: cannot listen on %s:%d (in use? pick another port)\n",
				   host, port);
			return -1;
		}
		*remote = true;
		return 0;
	}
	if (rdp_transport_open(spec, &sockets, err, sizeof err) < 0) {
		weston_log("rdp: %s\n", err);
		return -1;
	}
	for (int i = 0; i < sockets.count; i++) {
		if (!server->listener->OpenFromSocket(server->listener, sockets.fds[i])) {
			weston_log("rdp: %s: FreeRDP refused the socket\n", spec);
			close(sockets.fds[i]);
			return -1;
		}
	}
	if (strncmp(spec, "unix:", 5) == 0 && server->n_unix_paths < RDP_MAX_EVENT_FDS)
		server->unix_paths[server->n_unix_paths++] = strdup(spec + 5);
	*remote |= sockets.reachable_remotely;
	return 0;
}

static int
rdp_server_listen(struct rdp_server *server, const char *listen, bool *remote)
{
	struct wl_event_loop *loop = server->loop;
	HANDLE handles[RDP_MAX_EVENT_FDS];
	char *list = strdup(listen), *save = NULL;
	DWORD n;
	int ret = 0;

	server->listener = freerdp_listener_new();
	if (!server->listener || !list) {
		free(list);
		return -1;
	}
	server->listener->param4 = server;
	server->listener->PeerAccepted = rdp_server_handle_peer_accepted;
	for (char *spec = strtok_r(list, ",", &save); spec && ret == 0;
	     spec = strtok_r(NULL, ",", &save))
		ret = rdp_server_listen_one(server, spec, remote);
	free(list);
	if (ret < 0)
		return -1;
	n = server->listener->GetEventHandles(server->listener, handles, RDP_MAX_EVENT_FDS);
	for (DWORD i = 0; i < n; i++) {
		int fd = GetEventFileDescriptor(handles[i]);

		/* FreeRDP's sockets (and an inherited one) must not reach the children */
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
	bool remote = false;

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
	/* Virtual channels (RAIL, later sound) go through FreeRDP's WTS API. */
	WTSRegisterWtsApiFunctionTable(FreeRDP_InitWtsApi());
	if (config->rail_exec && config->rail_exec[0] &&
	    !(server->rail_exec = rdp_server_split_list(config->rail_exec)))
		goto err;
	server->auth = rdp_auth_create(config->user, config->password_file);
	server->logins = rdp_logins_create(server);
	if (!server->auth || !server->logins)
		goto err;
	if (rdp_server_setup_tls(server, config) < 0 ||
	    rdp_server_listen(server, config->listen, &remote) < 0)
		goto err;
	/* TCP reaches other users and machines: there, credentials are required. */
	if (remote && !rdp_auth_user(server->auth)) {
		weston_log("rdp: a TCP listener needs --rdp-user and --rdp-password-file\n");
		goto err;
	}
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
	for (int i = 0; i < server->n_unix_paths; i++) {
		unlink(server->unix_paths[i]);
		free(server->unix_paths[i]);
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

		strbuf_appendf(out, "{\"address\":");
		strbuf_append_json_string(out, peer->client->hostname);
		strbuf_appendf(
			out,
			",\"active\":%s,\"mode\":\"%s\",\"codec\":\"%s\",\"keyboard_layout\":%u,"
			"\"frames_sent\":%llu,\"frames_held\":%llu,\"frame_id\":%u,"
			"\"frame_acked\":%u,\"frames_in_flight_max\":%u,\"bytes_sent\":%llu,"
			"\"solid_fills\":%llu,\"stripes_untried\":%llu,\"lossy\":%s,\"lossy_"
			"frames\":%llu,\"lossy_bytes\":%"
			"llu,"
			"\"lossless_refreshes\":%llu,\"copies\":%llu,\"copied_pixels\":%llu,"
			"\"pointer\":\"%s\",\"pointers_new\":%llu,"
			"\"pointers_cached\":%llu,",
			peer->activated ? "true" : "false", peer->rail ? "rail" : "desktop",
			rdp_codec_name(peer->codec),
			freerdp_settings_get_uint32(settings, FreeRDP_KeyboardLayout),
			(unsigned long long)peer->frames_sent,
			(unsigned long long)peer->frames_held, peer->frame_id, peer->frame_acked,
			rdp_graphics_frames_in_flight_max(peer),
			(unsigned long long)peer->bytes_sent, (unsigned long long)peer->solid_fills,
			(unsigned long long)peer->stripes_untried,
			rdp_gfx_takes_lossy(peer) ? "true" : "false",
			(unsigned long long)peer->lossy_frames,
			(unsigned long long)peer->lossy_bytes,
			(unsigned long long)peer->lossless_refreshes,
			(unsigned long long)peer->copies, (unsigned long long)peer->copied_pixels,
			pointer, (unsigned long long)peer->pointers_new,
			(unsigned long long)peer->pointers_cached);
		rdp_clipboard_describe(peer->clipboard, out);
		strbuf_appendf(out, "}\n");
	}
}
