/*
 * A RemoteApp client on FreeRDP's own client library, for what xfreerdp 2.11
 * never sends: a switch of the host's input language (the Language Profile
 * Information order Windows sends), and Get Application ID requests (a
 * taskbar grouping windows). Connection arguments are xfreerdp's (/v:, /u:,
 * /p:, /app:, /kbd:, /cert:ignore). Commands come one a line on stdin:
 *
 *   key SCANCODE [extended]   press and release a key (scancode in hex)
 *   down|up SCANCODE [extended]   press or release it only (a modifier held)
 *   layout HKL                the host switched to input locale HKL (hex)
 *   ime LANGID                the host switched to an input method of LANGID
 *   activate WINDOW           the host window of WINDOW got the focus
 *   appid WINDOW              ask for WINDOW's application id
 *   quit
 *
 * Events go to stdout, a line each: "ready" once the RemoteApp channel is up,
 * "window ID TITLE" when a window appears or is renamed, "appid ID NAME",
 * "error TEXT" for a command that could not be sent.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freerdp/client/channels.h>
#include <freerdp/client/cmdline.h>
#include <freerdp/client/rail.h>
#include <freerdp/freerdp.h>
#include <freerdp/gdi/gdi.h>
#include <freerdp/graphics.h>
#include <freerdp/input.h>
#include <freerdp/rail.h>
#include <freerdp/window.h>
#include <winpr/string.h>
#include <winpr/synch.h>

struct test_client {
	rdpContext context; /* first: FreeRDP allocates the whole struct as the context */
	RailClientContext *rail;
	HANDLE stdin_event;
	char line[256];
	size_t line_len;
	bool quit;
};

static void
say(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vprintf(format, args);
	va_end(args);
	putchar('\n');
	fflush(stdout);
}

/* A UTF-16 string of @bytes bytes as UTF-8, newlines and all, on one line. */
static char *
utf8_from_utf16(const BYTE *string, size_t bytes)
{
	char *utf8 = NULL;

	if (bytes == 0 || !string)
		return strdup("");
	if (ConvertFromUnicode(CP_UTF8, 0, (LPCWSTR)string, (int)(bytes / 2), &utf8, 0, NULL,
			       NULL) <= 0)
		return strdup("?");
	for (char *c = utf8; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return utf8;
}

static BOOL
test_window_order(rdpContext *context, const WINDOW_ORDER_INFO *order,
		  const WINDOW_STATE_ORDER *state)
{
	if (order->fieldFlags & WINDOW_ORDER_FIELD_TITLE) {
		char *title = utf8_from_utf16(state->titleInfo.string, state->titleInfo.length);

		say("window %u %s", order->windowId, title ? title : "");
		free(title);
	}
	return TRUE;
}

static UINT
test_rail_handshake(RailClientContext *rail)
{
	struct test_client *client = rail->custom;
	rdpSettings *settings = client->context.settings;
	RAIL_CLIENT_STATUS_ORDER status = {.flags = TS_RAIL_CLIENTSTATUS_ALLOWLOCALMOVESIZE};
	RAIL_SYSPARAM_ORDER sysparam = {0};
	RAIL_EXEC_ORDER exec = {0};
	UINT rc;

	rc = rail->ClientInformation(rail, &status);
	if (rc != CHANNEL_RC_OK)
		return rc;
	sysparam.params = SPI_MASK_SET_WORK_AREA;
	sysparam.workArea.right = (UINT16)settings->DesktopWidth;
	sysparam.workArea.bottom = (UINT16)settings->DesktopHeight;
	rc = rail->ClientSystemParam(rail, &sysparam);
	if (rc != CHANNEL_RC_OK)
		return rc;
	exec.RemoteApplicationProgram = settings->RemoteApplicationProgram;
	exec.RemoteApplicationWorkingDir = settings->ShellWorkingDirectory;
	exec.RemoteApplicationArguments = settings->RemoteApplicationCmdLine;
	rc = rail->ClientExecute(rail, &exec);
	if (rc == CHANNEL_RC_OK)
		say("ready");
	return rc;
}

static UINT
test_rail_server_handshake(RailClientContext *rail, const RAIL_HANDSHAKE_ORDER *handshake)
{
	return test_rail_handshake(rail);
}

static UINT
test_rail_server_handshake_ex(RailClientContext *rail, const RAIL_HANDSHAKE_EX_ORDER *handshake)
{
	return test_rail_handshake(rail);
}

static UINT
test_rail_appid(RailClientContext *rail, const RAIL_GET_APPID_RESP_ORDER *response)
{
	size_t units = 0;
	char *name;

	while (units < ARRAYSIZE(response->applicationId) && response->applicationId[units])
		units++;
	name = utf8_from_utf16((const BYTE *)response->applicationId, units * 2);
	say("appid %u %s", response->windowId, name ? name : "");
	free(name);
	return CHANNEL_RC_OK;
}

static void
test_channel_connected(void *data, ChannelConnectedEventArgs *event)
{
	struct test_client *client = data;

	if (strcmp(event->name, RAIL_SVC_CHANNEL_NAME) != 0)
		return;
	client->rail = event->pInterface;
	client->rail->custom = client;
	client->rail->ServerHandshake = test_rail_server_handshake;
	client->rail->ServerHandshakeEx = test_rail_server_handshake_ex;
	client->rail->ServerGetAppIdResponse = test_rail_appid;
}

static void
test_channel_disconnected(void *data, ChannelDisconnectedEventArgs *event)
{
	struct test_client *client = data;

	if (strcmp(event->name, RAIL_SVC_CHANNEL_NAME) == 0)
		client->rail = NULL;
}

static BOOL
test_pre_connect(freerdp *instance)
{
	rdpContext *context = instance->context;

	PubSub_SubscribeChannelConnected(context->pubSub, test_channel_connected);
	PubSub_SubscribeChannelDisconnected(context->pubSub, test_channel_disconnected);
	return freerdp_client_load_addins(context->channels, instance->settings);
}

/* Pointer shapes are taken and not shown: FreeRDP refuses them without a pointer type. */
static BOOL
test_pointer_new(rdpContext *context, rdpPointer *pointer)
{
	return TRUE;
}

static void
test_pointer_free(rdpContext *context, rdpPointer *pointer)
{
}

static BOOL
test_pointer_set(rdpContext *context, const rdpPointer *pointer)
{
	return TRUE;
}

static BOOL
test_pointer_set_other(rdpContext *context)
{
	return TRUE;
}

static BOOL
test_pointer_set_position(rdpContext *context, UINT32 x, UINT32 y)
{
	return TRUE;
}

static BOOL
test_paint(rdpContext *context)
{
	return TRUE;
}

static BOOL
test_post_connect(freerdp *instance)
{
	rdpPointer pointer = {
		.size = sizeof pointer,
		.New = test_pointer_new,
		.Free = test_pointer_free,
		.Set = test_pointer_set,
		.SetNull = test_pointer_set_other,
		.SetDefault = test_pointer_set_other,
		.SetPosition = test_pointer_set_position,
	};

	/* the pictures are decoded into memory and never shown: only the windows matter */
	if (!gdi_init(instance, PIXEL_FORMAT_BGRX32))
		return FALSE;
	graphics_register_pointer(instance->context->graphics, &pointer);
	instance->update->BeginPaint = test_paint;
	instance->update->EndPaint = test_paint;
	instance->update->window->WindowCreate = test_window_order;
	instance->update->window->WindowUpdate = test_window_order;
	return TRUE;
}

static void
test_post_disconnect(freerdp *instance)
{
	rdpContext *context = instance->context;

	PubSub_UnsubscribeChannelConnected(context->pubSub, test_channel_connected);
	PubSub_UnsubscribeChannelDisconnected(context->pubSub, test_channel_disconnected);
	gdi_free(instance);
}

static bool
parse_number(const char *text, unsigned long max, unsigned long *value)
{
	char *end;

	if (!text)
		return false;
	errno = 0;
	*value = strtoul(text, &end, 16);
	return errno == 0 && end != text && *end == '\0' && *value <= max;
}

static void
test_command(struct test_client *client, char *line)
{
	rdpInput *input = client->context.input;
	RailClientContext *rail = client->rail;
	char *verb = strtok(line, " ");
	char *arg = strtok(NULL, " ");
	char *flag = strtok(NULL, " ");
	unsigned long value = 0;
	UINT rc = CHANNEL_RC_OK;

	if (!verb)
		return;
	if (strcmp(verb, "quit") == 0) {
		client->quit = true;
		return;
	}
	if (!parse_number(arg, UINT32_MAX, &value)) {
		say("error %s: a hexadecimal number is wanted", verb);
		return;
	}
	if (strcmp(verb, "key") == 0 || strcmp(verb, "down") == 0 || strcmp(verb, "up") == 0) {
		UINT16 extended = flag && strcmp(flag, "extended") == 0 ? KBD_FLAGS_EXTENDED : 0;
		bool down = strcmp(verb, "up") != 0, up = strcmp(verb, "down") != 0;

		if (value > 0xff ||
		    (down && !freerdp_input_send_keyboard_event(input, KBD_FLAGS_DOWN | extended,
								(UINT16)value)) ||
		    (up && !freerdp_input_send_keyboard_event(input, KBD_FLAGS_RELEASE | extended,
							      (UINT16)value)))
			say("error %s %lx", verb, value);
		return;
	}
	if (!rail) {
		say("error %s: no RemoteApp channel", verb);
		return;
	}
	if (strcmp(verb, "layout") == 0 || strcmp(verb, "ime") == 0) {
		RAIL_LANGUAGEIME_INFO_ORDER info = {0};

		if (strcmp(verb, "layout") == 0) {
			info.ProfileType = TF_PROFILETYPE_KEYBOARDLAYOUT;
			info.LanguageID = (UINT32)(value & 0xffff);
			info.KeyboardLayout = (UINT32)value;
		} else {
			info.ProfileType = TF_PROFILETYPE_INPUTPROCESSOR;
			info.LanguageID = (UINT32)value;
		}
		rc = rail->ClientLanguageIMEInfo(rail, &info);
	} else if (strcmp(verb, "activate") == 0) {
		RAIL_ACTIVATE_ORDER activate = {.windowId = (UINT32)value, .enabled = TRUE};

		rc = rail->ClientActivate(rail, &activate);
	} else if (strcmp(verb, "appid") == 0) {
		RAIL_GET_APPID_REQ_ORDER request = {.windowId = (UINT32)value};

		rc = rail->ClientGetAppIdRequest(rail, &request);
	} else {
		say("error %s: unknown command", verb);
		return;
	}
	if (rc != CHANNEL_RC_OK)
		say("error %s: 0x%08x", verb, rc);
}

/* Runs the complete lines stdin has; false at its end. */
static bool
test_read_commands(struct test_client *client)
{
	char buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof buf);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (client->line_len + 1 < sizeof client->line)
				client->line[client->line_len++] = buf[i];
			continue;
		}
		client->line[client->line_len] = '\0';
		client->line_len = 0;
		test_command(client, client->line);
	}
	return true;
}

static int
test_run(struct test_client *client)
{
	freerdp *instance = client->context.instance;
	HANDLE handles[MAXIMUM_WAIT_OBJECTS];
	int status = 0;

	if (!freerdp_connect(instance)) {
		fprintf(stderr, "test-rdp-client: cannot connect: 0x%08x\n",
			freerdp_get_last_error(&client->context));
		return 1;
	}
	client->stdin_event =
		CreateFileDescriptorEvent(NULL, FALSE, FALSE, STDIN_FILENO, WINPR_FD_READ);
	while (!client->quit && !freerdp_shall_disconnect(instance)) {
		DWORD n = freerdp_get_event_handles(&client->context, handles,
						    ARRAYSIZE(handles) - 1);

		if (n == 0)
			break;
		handles[n++] = client->stdin_event;
		if (WaitForMultipleObjects(n, handles, FALSE, 100) == WAIT_FAILED)
			break;
		if (!freerdp_check_event_handles(&client->context)) {
			status = freerdp_get_last_error(&client->context) ? 1 : 0;
			break;
		}
		if (WaitForSingleObject(client->stdin_event, 0) == WAIT_OBJECT_0 &&
		    !test_read_commands(client))
			client->quit = true;
	}
	CloseHandle(client->stdin_event);
	freerdp_disconnect(instance);
	return status;
}

static BOOL
test_client_new(freerdp *instance, rdpContext *context)
{
	instance->PreConnect = test_pre_connect;
	instance->PostConnect = test_post_connect;
	instance->PostDisconnect = test_post_disconnect;
	instance->VerifyCertificateEx = client_cli_verify_certificate_ex;
	instance->VerifyChangedCertificateEx = client_cli_verify_changed_certificate_ex;
	return TRUE;
}

int
main(int argc, char *argv[])
{
	RDP_CLIENT_ENTRY_POINTS entry = {
		.Version = RDP_CLIENT_INTERFACE_VERSION,
		.Size = sizeof(RDP_CLIENT_ENTRY_POINTS_V1),
		.ContextSize = sizeof(struct test_client),
		.ClientNew = test_client_new,
	};
	rdpContext *context;
	int status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(stderr,
			"usage: %s /v:HOST:PORT /u:USER /p:PASSWORD /app:NAME [xfreerdp "
			"options]; commands on stdin (see the source's head)\n",
			argv[0]);
		return argc < 2 ? 2 : 0;
	}
	context = freerdp_client_context_new(&entry);
	if (!context)
		return 1;
	status = freerdp_client_settings_parse_command_line(context->settings, argc, argv, FALSE);
	if (status != 0) {
		freerdp_client_settings_command_line_status_print(context->settings, status, argc,
								  argv);
		freerdp_client_context_free(context);
		return 2;
	}
	if (freerdp_client_start(context) != 0) {
		freerdp_client_context_free(context);
		return 1;
	}
	status = test_run((struct test_client *)context);
	freerdp_client_stop(context);
	freerdp_client_context_free(context);
	return status;
}
