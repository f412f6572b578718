/*
 * What a RemoteApp client sends: its status, sysparams and exec, and what the
 * host does to a window (activate, minimize, maximize, restore, close, move,
 * resize), applied to the compositor's. The channel's thread copies and posts
 * each order; they run on the compositor's loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/server/rail.h>
#include <freerdp/window.h>

#include "log.h"
#include "monotonic.h"
#include "porthole-compositor.h"
#include "rdp-client-checks.h"
#include "rdp-keymap.h"
#include "rdp-rail-internal.h"

#define RDP_RAIL_MAX_PROGRAM 512
/* the program name of a session without a program: windows only */
#define RDP_RAIL_SESSION_PROGRAM "porthole"
/* see rdp_rail_show_soon() */
#define RDP_RAIL_MODE_SWITCH_MS 200
#define RDP_RAIL_NO_EXEC_MS 2000

struct rdp_rail_exec_task {
	char program[RDP_RAIL_MAX_PROGRAM];
	char arguments[RDP_RAIL_MAX_PROGRAM];
	bool too_long;
};

static struct shell_window *
rdp_rail_window(struct rdp_rail *rail, uint32_t id)
{
	return id < RDP_RAIL_POPUP_ID_BASE ? pc_window_find(rail->peer->server->compositor, id)
					   : NULL;
}

/*
 * The shell's window the host names by @id, logging what the host does to it;
 * NULL for a popup or a window gone meanwhile: nothing to do.
 */
static struct shell_window *
rdp_rail_host_request(struct rdp_rail *rail, uint32_t id, const char *what)
{
	struct shell_window *window = rdp_rail_window(rail, id);

	if (window)
		log_scope(rail->peer->server->scopes->rail, "rdp: host: window %u %s\n", id, what);
	return window;
}

static void
rdp_rail_refused(struct rdp_rail *rail, const char *why)
{
	log_scope(rail->peer->server->scopes->rail, "rdp: host request refused: %s\n", why);
}

/* The client gets the windows, then the output; from now on it follows along. */

/* --- when the client shows app windows ------------------------------------------------ */

static void
rdp_rail_show(struct rdp_rail *rail)
{
	struct rdp_peer *peer = rail->peer;
	rdpUpdate *update = peer->client->context->update;

	weston_log("rdp: %s shows the app windows\n", peer->client->hostname);
	rail->ready = true;
	update->BeginPaint(update->context);
	rdp_rail_send_desktop(rail, WINDOW_ORDER_FIELD_DESKTOP_HOOKED |
					    WINDOW_ORDER_FIELD_DESKTOP_ARC_BEGAN);
	update->EndPaint(update->context);
	rdp_rail_sync(rail);
	update->BeginPaint(update->context);
	rdp_rail_send_desktop(rail, WINDOW_ORDER_FIELD_DESKTOP_ARC_COMPLETED);
	update->EndPaint(update->context);
	peer->graphics_held = false;
	if (!peer->output_suppressed)
		rdp_graphics_start(peer);
}

static int
rdp_rail_handle_show_timer(void *data)
{
	struct rdp_rail *rail = data;

	wl_event_source_remove(rail->show_timer);
	rail->show_timer = NULL;
	rdp_rail_show(rail);
	return 0;
}

/*
 * xfreerdp turns to RemoteApp mode only when its channel thread handles the exec
 * answer; until then its main thread treats app windows as foreign (their map
 * is never noted, so it never reports their moves) and paints updates into a
 * desktop window of its own. Nothing tells the server when the switch is made:
 * windows and output go out a little after the answer, when it has long been
 * made. A client that never asks to exec gets them a while after its status.
 */
static void
rdp_rail_show_soon(struct rdp_rail *rail, int delay_ms)
{
	struct wl_event_loop *loop = rail->peer->server->loop;

	if (rail->ready)
		return;
	if (!rail->show_timer)
		rail->show_timer = wl_event_loop_add_timer(loop, rdp_rail_handle_show_timer, rail);
	if (!rail->show_timer || wl_event_source_timer_update(rail->show_timer, delay_ms) < 0)
		rdp_rail_show(rail);
}

static void
rdp_rail_run_client_status(struct rdp_peer *peer, void *payload)
{
	struct rdp_rail *rail = peer->rail;
	const RAIL_CLIENT_STATUS_ORDER *status = payload;

	if (!rail || rail->status_received)
		return;
	weston_log("rdp: %s RemoteApp client ready (status flags 0x%x)\n", peer->client->hostname,
		   status->flags);
	rail->status_received = true;
	if (!rail->show_timer) /* an exec answer may have set it sooner */
		rdp_rail_show_soon(rail, RDP_RAIL_NO_EXEC_MS);
}

/* --- what the host asks for --------------------------------------------------------- */

static bool
rdp_rail_exec_allowed(struct rdp_server *server, const char *program)
{
	for (char **allowed = server->rail_exec; allowed && *allowed; allowed++) {
		if (strcmp(*allowed, program) == 0)
			return true;
	}
	return false;
}

#define RDP_RAIL_MAX_ARGS 64

/* Splits @line in place on blanks into @argv (NULL-terminated); no shell, no quoting. */
static void
rdp_rail_split_words(char *line, char **argv, int *argc)
{
	char *save = NULL;

	for (char *word = strtok_r(line, " \t", &save); word && *argc < RDP_RAIL_MAX_ARGS;
	     word = strtok_r(NULL, " \t", &save))
		argv[(*argc)++] = word;
	argv[*argc] = NULL;
}

/*
 * An allowed program runs as a client of this compositor, detached from it. The
 * client's arguments become plain words after it: never a shell command line,
 * so no peer can make one.
 */
static bool
rdp_rail_launch(struct rdp_peer *peer, const char *program, const char *arguments)
{
	char line[2 * RDP_RAIL_MAX_PROGRAM + 2];
	char *argv[RDP_RAIL_MAX_ARGS + 1];
	int argc = 0;

	snprintf(line, sizeof line, "%s %s", program, arguments);
	rdp_rail_split_words(line, argv, &argc);
	if (argc == 0 || pc_compositor_launch(peer->server->compositor, argv) < 0)
		return false;
	weston_log("rdp: %s started \"%s\" (%d argument%s from the client)\n",
		   peer->client->hostname, program, argc - 1, argc == 2 ? "" : "s");
	return true;
}

/*
 * "porthole" names the session rather than a program (what `porthole connect`
 * asks for), and the words after it say something about the host:
 * "host-without-window-manager" where the host's X display has no EWMH window
 * manager. They come in the program string itself: FreeRDP 2.11's server reads
 * all three strings of an exec request into the program, so a separate
 * argument would replace the name. Unknown words are logged and left aside.
 */
static bool
rdp_rail_is_session(const char *program)
{
	size_t n = strlen(RDP_RAIL_SESSION_PROGRAM);

	return strncmp(program, RDP_RAIL_SESSION_PROGRAM, n) == 0 &&
	       (program[n] == '\0' || program[n] == ' ');
}

static void
rdp_rail_session_options(struct rdp_peer *peer, const char *program, const char *arguments)
{
	char words[2 * RDP_RAIL_MAX_PROGRAM + 2];
	char *save = NULL;

	snprintf(words, sizeof words, "%s %s", program + strlen(RDP_RAIL_SESSION_PROGRAM),
		 arguments);
	for (char *word = strtok_r(words, " \t", &save); word;
	     word = strtok_r(NULL, " \t", &save)) {
		if (strcmp(word, "host-without-window-manager") == 0) {
			peer->rail->host_without_window_manager = true;
			weston_log("rdp: %s's host has no window manager: menus go as plain "
				   "top-most windows\n",
				   peer->client->hostname);
		} else {
			weston_log("rdp: %s sent the unknown session word \"%.64s\"; left aside\n",
				   peer->client->hostname, word);
		}
	}
}

static void
rdp_rail_run_exec(struct rdp_peer *peer, void *payload)
{
	struct rdp_rail *rail = peer->rail;
	struct rdp_rail_exec_task *exec = payload;
	RAIL_EXEC_RESULT_ORDER result = {0};
	WCHAR *name = NULL;

	if (!rail)
		return;
	if (exec->too_long) {
		result.execResult = RAIL_EXEC_E_DECODE_FAILED;
	} else if (rdp_rail_is_session(exec->program)) {
		rdp_rail_session_options(peer, exec->program, exec->arguments);
		result.execResult = RAIL_EXEC_S_OK;
	} else if (!peer->server->rail_exec) {
		/* As in WSLg: the program string only names the connection; show the windows. */
		result.execResult = RAIL_EXEC_S_OK;
	} else if (!rdp_rail_exec_allowed(peer->server, exec->program)) {
		weston_log("rdp: %s asked to start \"%s\", which [rdp] rail-exec does not "
			   "allow\n",
			   peer->client->hostname, exec->program);
		result.execResult = RAIL_EXEC_E_NOT_IN_ALLOWLIST;
	} else {
		result.execResult = rdp_rail_launch(peer, exec->program, exec->arguments)
					    ? RAIL_EXEC_S_OK
					    : RAIL_EXEC_E_FAIL;
	}
	name = rdp_rail_utf16(exec->program, &result.exeOrFile.length);
	result.exeOrFile.string = (BYTE *)name;
	rail->context->ServerExecResult(rail->context, &result);
	free(name);
	if (result.execResult == RAIL_EXEC_S_OK)
		rdp_rail_show_soon(rail, RDP_RAIL_MODE_SWITCH_MS);
}

static void
rdp_rail_run_activate(struct rdp_peer *peer, void *payload)
{
	const RAIL_ACTIVATE_ORDER *activate = payload;
	struct shell_window *window;

	/* Deactivation means the host focused one of its own windows: nothing to undo. */
	if (!peer->rail || !activate->enabled)
		return;
	window = rdp_rail_host_request(peer->rail, activate->windowId, "activate");
	if (window)
		shell_window_activate(window);
}

static void
rdp_rail_run_syscommand(struct rdp_peer *peer, void *payload)
{
	const RAIL_SYSCOMMAND_ORDER *syscommand = payload;
	struct shell_window *window;
	const char *what;

	switch (syscommand->command) {
	case SC_MINIMIZE:
		what = "minimize";
		break;
	case SC_MAXIMIZE:
		what = "maximize";
		break;
	case SC_RESTORE:
		what = "restore";
		break;
	case SC_CLOSE:
		what = "close";
		break;
	default:
		return; /* SC_MOVE, SC_SIZE, SC_KEYMENU: the host does those locally */
	}
	window = peer->rail ? rdp_rail_host_request(peer->rail, syscommand->windowId, what) : NULL;
	if (!window)
		return;
	if (syscommand->command == SC_MINIMIZE)
		shell_window_minimize(window);
	else if (syscommand->command == SC_MAXIMIZE)
		shell_window_set_maximized(window, true);
	else if (syscommand->command == SC_RESTORE)
		shell_window_restore(window);
	else
		shell_window_close(window);
}

static void
rdp_rail_run_window_move(struct rdp_peer *peer, void *payload)
{
	const RAIL_WINDOW_MOVE_ORDER *move = payload;
	struct rdp_rail *rail = peer->rail;
	struct rdp_rail_window *w;
	struct shell_window *window;
	char what[64], err[256];
	int width, height, scale = pc_outputs_get_scale(peer->server->compositor);

	if (!rail || !rdp_rail_move_size(move, &width, &height))
		return;
	wl_array_for_each(w, &rail->windows)
	{
		if (w->id != move->windowId)
			continue;
		/*
		 * The host's window is where the host put it: that place is recorded
		 * as sent, so the next sync only corrects it. An echo of it could
		 * cross the host's next change: xfreerdp moved its window back to the
		 * echoed geometry and then reported the stale configure events as
		 * requests, and a host resize right after a host move was undone.
		 * Only when an order of ours may have crossed this request (a window
		 * manager placing a new window as it is created) is the place sent
		 * back, to undo what that order did on the host. The size is not
		 * recorded: the app may take another, and the client learns its
		 * window's shape from the order that carries the size; that order
		 * waits until the app has the size asked for and the host's requests
		 * have stopped for a moment (rdp_rail_update_one()).
		 */
		if (w->width != width || w->height != height || w->x != move->left ||
		    w->y != move->top) {
			/* the size the app is asked for, in the host's pixels again */
			w->host_width = rdp_to_global(width, scale) * scale;
			w->host_height = rdp_to_global(height, scale) * scale;
			w->host_changing = true;
			w->host_asked_ms = (uint32_t)monotonic_ms();
		}
		if (w->width != width || w->height != height) {
			snprintf(what, sizeof what, "resize %d %d", width, height);
			window = rdp_rail_host_request(rail, w->id, what);
			if (window &&
			    shell_window_resize(window, rdp_to_global(width, scale),
						rdp_to_global(height, scale), err, sizeof err) < 0)
				rdp_rail_refused(rail, err);
		}
		if (w->x != move->left || w->y != move->top) {
			snprintf(what, sizeof what, "move %d %d", move->left, move->top);
			window = rdp_rail_host_request(rail, w->id, what);
			if (window &&
			    shell_window_move(window, rdp_to_global(move->left, scale),
					      rdp_to_global(move->top, scale), err, sizeof err) < 0)
				rdp_rail_refused(rail, err);
			else if (window && !rdp_rail_geometry_in_flight(rail, w)) {
				w->x = move->left;
				w->y = move->top;
			}
		}
		return;
	}
}

static void
rdp_rail_run_sysparam(struct rdp_peer *peer, void *payload)
{
	const RAIL_SYSPARAM_ORDER *sysparam = payload;

	if (sysparam->params & SPI_MASK_SET_WORK_AREA)
		log_scope(peer->server->scopes->rail, "rdp: host work area %d,%d-%d,%d\n",
			  sysparam->workArea.left, sysparam->workArea.top, sysparam->workArea.right,
			  sysparam->workArea.bottom);
}

static void
rdp_rail_run_get_appid(struct rdp_peer *peer, void *payload)
{
	const RAIL_GET_APPID_REQ_ORDER *request = payload;
	struct rdp_rail *rail = peer->rail;
	RAIL_GET_APPID_RESP_ORDER response = {.windowId = request->windowId};
	struct shell_window *window = rail ? rdp_rail_window(rail, request->windowId) : NULL;
	const char *app_id = window ? shell_window_get_app_id(window) : NULL;
	WCHAR *wide = NULL;
	UINT16 bytes = 0;

	if (!rail)
		return;
	wide = rdp_rail_utf16(app_id ? app_id : "", &bytes);
	if (wide) {
		size_t units = bytes / 2 < 259 ? bytes / 2 : 259;
		memcpy(response.applicationId, wide, units * sizeof(WCHAR));
	}
	free(wide);
	rail->context->ServerGetAppidResp(rail->context, &response);
}

/*
 * The host's input language changed (Windows sends this, in RemoteApp mode
 * only): the seat's keymap follows, as it followed the layout at connect.
 */
static void
rdp_rail_run_language_ime_info(struct rdp_peer *peer, void *payload)
{
	const RAIL_LANGUAGEIME_INFO_ORDER *info = payload;
	const struct rdp_keyboard_layout *layout = NULL;

	log_scope(peer->server->scopes->input,
		  "rdp: %s switched its input language: profile type %u, language 0x%04x, "
		  "locale 0x%08x\n",
		  peer->client->hostname, info->ProfileType, info->LanguageID,
		  info->KeyboardLayout);
	switch (info->ProfileType) {
	case TF_PROFILETYPE_KEYBOARDLAYOUT:
		layout = rdp_keyboard_layout_for_locale(info->KeyboardLayout);
		rdp_input_follow_layout(peer, info->KeyboardLayout, layout);
		break;
	case TF_PROFILETYPE_INPUTPROCESSOR:
		/* an input method (Japanese, Korean, Chinese) types on its language's keyboard */
		layout = rdp_keyboard_layout_find(info->LanguageID);
		rdp_input_follow_layout(peer, info->LanguageID, layout);
		break;
	default:
		weston_log("rdp: %s sent an input language of unknown profile type %u; the keymap "
			   "stays\n",
			   peer->client->hostname, info->ProfileType);
		break;
	}
	/* what `porthole peers` says the client's layout is */
	if (layout)
		freerdp_settings_set_uint32(peer->client->context->settings, FreeRDP_KeyboardLayout,
					    layout->id);
}

/* --- the channel thread's callbacks: copy, post, return ------------------------------ */

static struct rdp_peer *
rdp_rail_peer(RailServerContext *context)
{
	return context->custom;
}

static UINT
rdp_rail_post(RailServerContext *context, rdp_task_func_t run, const void *order, size_t size)
{
	return rdp_peer_post(rdp_rail_peer(context), run, order, size) ? CHANNEL_RC_OK
								       : CHANNEL_RC_NO_MEMORY;
}

static UINT
rdp_rail_on_handshake(RailServerContext *context, const RAIL_HANDSHAKE_ORDER *handshake)
{
	return CHANNEL_RC_OK; /* the client's build number changes nothing here */
}

static UINT
rdp_rail_on_client_status(RailServerContext *context, const RAIL_CLIENT_STATUS_ORDER *status)
{
	return rdp_rail_post(context, rdp_rail_run_client_status, status, sizeof *status);
}

static UINT
rdp_rail_on_exec(RailServerContext *context, const RAIL_EXEC_ORDER *exec)
{
	struct rdp_rail_exec_task task = {0};
	const char *program = exec->RemoteApplicationProgram ? exec->RemoteApplicationProgram : "";
	const char *arguments =
		exec->RemoteApplicationArguments ? exec->RemoteApplicationArguments : "";

	/* strings die with the callback: copy them */
	task.too_long = strlen(program) >= sizeof task.program ||
			strlen(arguments) >= sizeof task.arguments;
	if (!task.too_long) {
		strcpy(task.program, program);
		strcpy(task.arguments, arguments);
	}
	return rdp_rail_post(context, rdp_rail_run_exec, &task, sizeof task);
}

static UINT
rdp_rail_on_sysparam(RailServerContext *context, const RAIL_SYSPARAM_ORDER *sysparam)
{
	RAIL_SYSPARAM_ORDER copy = *sysparam;

	copy.highContrast.colorScheme.string = NULL; /* not kept past the callback */
	copy.highContrast.colorScheme.length = 0;
	return rdp_rail_post(context, rdp_rail_run_sysparam, &copy, sizeof copy);
}

static UINT
rdp_rail_on_activate(RailServerContext *context, const RAIL_ACTIVATE_ORDER *activate)
{
	return rdp_rail_post(context, rdp_rail_run_activate, activate, sizeof *activate);
}

static UINT
rdp_rail_on_syscommand(RailServerContext *context, const RAIL_SYSCOMMAND_ORDER *syscommand)
{
	return rdp_rail_post(context, rdp_rail_run_syscommand, syscommand, sizeof *syscommand);
}

static UINT
rdp_rail_on_window_move(RailServerContext *context, const RAIL_WINDOW_MOVE_ORDER *move)
{
	return rdp_rail_post(context, rdp_rail_run_window_move, move, sizeof *move);
}

static UINT
rdp_rail_on_get_appid(RailServerContext *context, const RAIL_GET_APPID_REQ_ORDER *request)
{
	return rdp_rail_post(context, rdp_rail_run_get_appid, request, sizeof *request);
}

static UINT
rdp_rail_on_language_ime_info(RailServerContext *context, const RAIL_LANGUAGEIME_INFO_ORDER *info)
{
	return rdp_rail_post(context, rdp_rail_run_language_ime_info, info, sizeof *info);
}

static UINT
rdp_rail_on_ignored(RailServerContext *context, const void *order)
{
	return CHANNEL_RC_OK;
}

void
rdp_rail_requests_attach(RailServerContext *context)
{
	context->ClientHandshake = rdp_rail_on_handshake;
	context->ClientClientStatus = rdp_rail_on_client_status;
	context->ClientExec = rdp_rail_on_exec;
	context->ClientSysparam = rdp_rail_on_sysparam;
	context->ClientActivate = rdp_rail_on_activate;
	context->ClientSyscommand = rdp_rail_on_syscommand;
	context->ClientWindowMove = rdp_rail_on_window_move;
	context->ClientGetAppidReq = rdp_rail_on_get_appid;
	context->ClientSysmenu = (psRailClientSysmenu)rdp_rail_on_ignored;
	context->ClientNotifyEvent = (psRailClientNotifyEvent)rdp_rail_on_ignored;
	context->ClientSnapArrange = (psRailClientSnapArrange)rdp_rail_on_ignored;
	context->ClientLangbarInfo = (psRailClientLangbarInfo)rdp_rail_on_ignored;
	context->ClientLanguageImeInfo = rdp_rail_on_language_ime_info;
	context->ClientCompartmentInfo = (psRailClientCompartmentInfo)rdp_rail_on_ignored;
	context->ClientCloak = (psRailClientCloak)rdp_rail_on_ignored;
}
