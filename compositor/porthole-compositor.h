/*
 * Porthole's compositor: libweston on headless outputs that mirror the RDP
 * client's monitors, the shell (RAIL and desktop mode), Xwayland on demand and
 * the one seat. The frontend creates it; the RDP server and the audio bridge
 * reach it only through this header: values in, typed operations out.
 *
 * Threading: libweston is touched only on the compositor thread, the one that
 * runs the Wayland event loop. Nothing here may be called from another thread.
 */
#ifndef PORTHOLE_COMPOSITOR_H
#define PORTHOLE_COMPOSITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wayland-server-core.h>

struct log_scopes;
struct pc_compositor;
struct pc_pointer_watch;
struct damage_capture;
struct screenshot;
struct shell_window;
struct strbuf;
struct weston_log_context;
struct weston_output;
struct xkb_keymap;

enum pc_renderer {
	PC_RENDERER_PIXMAN,
	PC_RENDERER_GL,
	PC_RENDERER_AUTO,
};

enum pc_shell_mode {
	PC_SHELL_RAIL,
	PC_SHELL_DESKTOP,
};

/*
 * Xwayland's GLX. Xwayland 22 loads its GL provider when it starts, not when a
 * client first asks for GL: without a GPU that is Mesa's swrast_dri.so, which
 * links LLVM (54 MB of Xwayland's 67 MB resident, measured with one X11 window).
 */
enum pc_xwayland_glx {
	PC_XWAYLAND_GLX_AUTO, /* with the GL renderer (a GPU) only */
	PC_XWAYLAND_GLX_ON,
	PC_XWAYLAND_GLX_OFF,
};

/* An output may be at most this wide and high. */
#define PC_MAX_OUTPUT_SIZE 16384
/*
 * A desktop scale, as RDP clients give it (MS-RDPBCGR desktopScaleFactor) and
 * [output] scale= overrides it, in percent.
 */
#define PC_SCALE_PERCENT_MIN 100
#define PC_SCALE_PERCENT_MAX 500

/* The first output's size unless configured; where windows go while there is no output. */
#define PC_DEFAULT_WIDTH 1280
#define PC_DEFAULT_HEIGHT 800

/* xkb rule names; NULL fields take xkbcommon's defaults. */
struct pc_keymap_names {
	const char *rules, *model, *layout, *variant, *options;
};

struct pc_compositor_config {
	enum pc_renderer renderer;
	enum pc_shell_mode shell_mode;
	int width, height; /* of the first output */
	int scale_percent; /* the desktop scale, PC_SCALE_PERCENT_*; 0: each client's own */
	bool xwayland;
	enum pc_xwayland_glx xwayland_glx;
	const char *x11_dir;       /* where the X11 socket goes */
	int x11_display;           /* its display number; 0: the first free one */
	const char *socket_name;   /* the Wayland socket's name, for the programs it starts */
	uint32_t background_color; /* 0xAARRGGBB, desktop mode */
	int cascade_step;          /* between new windows */
	struct pc_keymap_names keymap;
	int repeat_rate, repeat_delay;   /* wl_keyboard.repeat_info: keys a second, ms */
	const struct log_scopes *scopes; /* outlive the compositor */
};

/* --- lifetime ------------------------------------------------------------------ */

/**
 * libweston on @display with its log on @log: the outputs, the seat, Xwayland
 * when asked for, the shell. NULL on failure, with the reason logged.
 */
struct pc_compositor *pc_compositor_create(struct wl_display *display,
					   struct weston_log_context *log,
					   const struct pc_compositor_config *config);

/** The clients should be gone first (wl_display_destroy_clients()). NULL-safe. */
void pc_compositor_destroy(struct pc_compositor *compositor);

/** Everything is set up: start repainting. */
void pc_compositor_wake(struct pc_compositor *compositor);

struct wl_event_loop *pc_compositor_get_event_loop(struct pc_compositor *compositor);

/** ":<n>", the DISPLAY of X11 clients; NULL without Xwayland. */
const char *pc_compositor_get_x11_display(struct pc_compositor *compositor);

/**
 * Starts @argv (argv[0] looked up in PATH) as a client of this compositor,
 * detached from it, with WAYLAND_DISPLAY and DISPLAY set. 0, or -1.
 */
int pc_compositor_launch(struct pc_compositor *compositor, char *const argv[]);

const char *pc_renderer_name(enum pc_renderer renderer);

/** 0 and the renderer @name names ("pixman", "gl", "auto"), or -1. */
int pc_renderer_from_name(const char *name, enum pc_renderer *renderer);

/** 0 and the GLX choice @name names ("auto", "on", "off"), or -1. */
int pc_xwayland_glx_from_name(const char *name, enum pc_xwayland_glx *glx);

/** 0 and the shell mode @name names ("rail", "desktop"), or -1. */
int pc_shell_mode_from_name(const char *name, enum pc_shell_mode *mode);

/* --- output layouts -------------------------------------------------------------- */

/*
 * Where each output lies, in the client's pixels. An RDP client describes its
 * monitors with the primary at 0,0 and the others anywhere around it; a layout
 * keeps their places relative to each other, shifted so the top-left is 0,0,
 * with the primary monitor first.
 *
 * HiDPI: the outputs share one integer scale (wl_output.scale), the nearest
 * to the client's desktop scale; global coordinates (windows, the pointer) are
 * pixels divided by it, and each monitor's place and size are rounded down to
 * multiples of it. The fraction left (140 % is scale 1; 180 % is scale 2) goes
 * into the outputs' DPI. Monitors with different scales take the primary's.
 */

/* The most monitors an RDP client may announce (MS-RDPBCGR 2.2.1.3.6). */
#define OUTPUT_LAYOUT_MAX 16

/* An output's place and size in the compositor's global space. */
struct output_rect {
	int x, y, width, height;
};

/* A monitor as a client describes it (wide types: the values come off the wire). */
struct output_monitor {
	int64_t x, y, width, height;
	bool primary;
	int64_t scale_percent;       /* its desktop scale; out of PC_SCALE_PERCENT_*: 100 % */
	int64_t mm_width, mm_height; /* its physical size; out of PC_MM_*: unknown */
};

/* A physical size in millimetres, as MS-RDPBCGR bounds it. */
#define PC_MM_MIN 10
#define PC_MM_MAX 10000

struct output_layout {
	int n; /* 0: none */
	struct output_rect rects[OUTPUT_LAYOUT_MAX];
	int scale_percent; /* the client's desktop scale; 0: 100 % */
	/* each monitor's physical size in mm, 0 x 0 when unknown (then 96 DPI x the scale) */
	int mm[OUTPUT_LAYOUT_MAX][2];
};

/**
 * 0 when @rects can be outputs: 1..OUTPUT_LAYOUT_MAX of them, each within
 * 0..PC_MAX_OUTPUT_SIZE on both axes, none overlapping. Else -1 and @why.
 */
int output_layout_check(const struct output_rect *rects, int n, char *why, size_t why_size);

/**
 * @layout from @n monitors, at the primary monitor's scale; -1 and @why when
 * they cannot be outputs.
 */
int output_layout_from_monitors(struct output_layout *layout, const struct output_monitor *monitors,
				int n, char *why, size_t why_size);

/** @percent when it is a desktop scale (PC_SCALE_PERCENT_*), else 0. */
int output_scale_percent_valid(int64_t percent);

/** Sets @layout's physical size of monitor @i when both sides are in PC_MM_*; else unknown. */
void output_layout_set_mm(struct output_layout *layout, int i, int64_t mm_width, int64_t mm_height);

/** The size of the rectangle from 0,0 around all of @layout. */
void output_layout_size(const struct output_layout *layout, int *width, int *height);

bool output_layout_equal(const struct output_layout *a, const struct output_layout *b);

/** "WxH+X+Y, ..." for logs. */
const char *output_layout_describe(const struct output_layout *layout, char *buf, size_t size);

/* --- outputs --------------------------------------------------------------------- */

/**
 * Fills @outputs with up to @max enabled outputs, the first first, and @rects
 * (when not NULL) with their places in global coordinates. Returns how many.
 */
int pc_outputs_list(struct pc_compositor *compositor, struct weston_output **outputs,
		    struct output_rect *rects, int max);

/** The enabled output number @index (0 = first), or NULL. */
struct weston_output *pc_outputs_get(struct pc_compositor *compositor, int index);

/**
 * Adds an output of @width x @height pixels (multiples of the scale) to the right
 * of the others. Returns its index or -1.
 */
int pc_outputs_add(struct pc_compositor *compositor, int width, int height);

/** Resizes output @index. Windows stay; the shell re-places those that were maximized. */
int pc_outputs_resize(struct pc_compositor *compositor, int index, int width, int height);

/**
 * Makes the outputs exactly @layout, in its order: outputs are added, resized
 * and moved as needed; those beyond it are set aside until a layout needs them
 * again. Windows stay; the shell re-places those that were maximized or that no
 * output shows any more. -1 (and a log line) for a layout output_layout_check()
 * refuses.
 */
int pc_outputs_set_layout(struct pc_compositor *compositor, const struct output_layout *layout);

/** Pixels per global unit on every output (wl_output.scale): 1 but on HiDPI clients. */
int pc_outputs_get_scale(struct pc_compositor *compositor);

/**
 * Appends one JSON object per output: index, name, x, y, width, height (pixels),
 * scale, scale_percent, global (x, y, width, height), mm (its physical size).
 */
void pc_outputs_describe(struct pc_compositor *compositor, struct strbuf *out);

/* --- damage read-back -------------------------------------------------------------- */

/*
 * Reads back exactly what changed on a set of outputs after each repaint: the
 * damage libweston passes with frame_signal, through the renderer's
 * read_pixels, into one shadow copy of the rectangle around them (a client's
 * desktop: one monitor, or several side by side). The RDP side encodes from
 * that copy; the benchmarks time it through the control socket.
 */

struct damage_capture_stats {
	uint64_t frames;      /* repaints read back */
	uint64_t rects;       /* damage rectangles read */
	uint64_t pixels;      /* pixels read */
	uint64_t readback_ns; /* time in read_pixels and copies */
};

/**
 * Starts reading back the damage of @n outputs after every repaint. Dies with
 * any of them: a layout that changes needs a new capture.
 */
struct damage_capture *damage_capture_create(struct weston_output *const *outputs, int n);

void damage_capture_destroy(struct damage_capture *capture);

/**
 * Where the shadow copy's top-left lies and its size, in pixels: global
 * coordinates times damage_capture_get_scale().
 */
void damage_capture_get_bounds(struct damage_capture *capture, struct output_rect *bounds);

/** Shadow pixels per global unit: the outputs' scale. */
int damage_capture_get_scale(struct damage_capture *capture);

/** The shadow copy (0xAARRGGBB, top row first) and its stride in bytes. */
const uint32_t *damage_capture_get_pixels(struct damage_capture *capture, int *width, int *height,
					  int *stride);

void damage_capture_get_stats(struct damage_capture *capture, struct damage_capture_stats *stats);

/**
 * Called after a repaint's damage is read back, once the repaint is over and
 * the apps have their frame events, with the region whose pixels really
 * changed (of every output repainted since the last call), in the shadow
 * copy's coordinates (pixman_region32_t *); the shadow copy is up to date.
 * Not called when nothing changed.
 */
typedef void (*damage_capture_func_t)(void *data, void *damage);

void damage_capture_set_handler(struct damage_capture *capture, damage_capture_func_t handler,
				void *data);

/** Reads the whole output at the next repaint and hands all of it on, changed or not. */
void damage_capture_resend_all(struct damage_capture *capture);

/** @listener is called once when the capture is destroyed (with its output, or by its owner). */
void damage_capture_add_destroy_listener(struct damage_capture *capture,
					 struct wl_listener *listener);

/* --- screenshots --------------------------------------------------------------------- */

/** Called once with the PNG, or with NULL and a reason. */
typedef void (*screenshot_done_func_t)(void *data, struct strbuf *png, const char *error);

/**
 * A PNG of output @index after its next repaint, so the picture is current.
 * The pending request, or NULL when @done was called already (with an error).
 */
struct screenshot *pc_screenshot_output(struct pc_compositor *compositor, int index,
					screenshot_done_func_t done, void *data);

/**
 * A PNG of window @id's content: its geometry, without CSD shadows. The pending
 * request, or NULL when @done was called already (with the PNG or an error).
 */
struct screenshot *pc_screenshot_window(struct pc_compositor *compositor, uint32_t id,
					screenshot_done_func_t done, void *data);

/** @done will not be called. NULL-safe. */
void screenshot_cancel(struct screenshot *shot);

/* --- windows ---------------------------------------------------------------------------- */

#define APP_ICON_SIZE 32

struct app_icon {
	uint64_t hash; /* of the pixels: equal icons, equal hashes */
	/* APP_ICON_SIZE x APP_ICON_SIZE, top row first, 0xAARRGGBB, alpha not premultiplied */
	uint32_t pixels[APP_ICON_SIZE * APP_ICON_SIZE];
};

enum shell_window_show {
	SHELL_WINDOW_NORMAL,
	SHELL_WINDOW_MINIMIZED,
	SHELL_WINDOW_MAXIMIZED,
	SHELL_WINDOW_FULLSCREEN,
};

/* One window as a remote client should show it, from pc_windows_for_each(). */
struct shell_window_info {
	const void *key;         /* stable while the window lives; never reused while it does */
	uint32_t id;             /* the shell's window id; 0 for popups and X11 menus */
	const void *owner_key;   /* the window it belongs to (transient, popup); NULL if none */
	int x, y, width, height; /* the window geometry, in global coordinates */
	const char *title;       /* UTF-8, never NULL; valid during the callback */
	enum shell_window_show show;
	bool popup;                  /* a menu or tooltip: no taskbar entry, no activation */
	bool focused;                /* has keyboard focus */
	const struct app_icon *icon; /* the app's; NULL: none found (valid during the callback) */
};

typedef void (*shell_window_info_func_t)(void *data, const struct shell_window_info *info);

/**
 * Calls @func for every window a remote client should show: toplevels, popups and
 * X11 menus, topmost first, minimized windows last.
 */
void pc_windows_for_each(struct pc_compositor *compositor, shell_window_info_func_t func,
			 void *data);

/** Appends one line per mapped window: JSON objects when @json, else key=value text. */
void pc_windows_describe(struct pc_compositor *compositor, struct strbuf *out, bool json);

/**
 * Emitted when a window was mapped, removed, moved, resized, retitled,
 * re-stacked, focused or changed state; several changes may share one
 * emission. Popups show up through repaints instead.
 */
struct wl_signal *pc_windows_get_change_signal(struct pc_compositor *compositor);

/* The edges a resize pulls (libweston-desktop's and xdg-shell's values). */
enum shell_edge {
	SHELL_EDGE_NONE = 0, /* a move */
	SHELL_EDGE_TOP = 1,
	SHELL_EDGE_BOTTOM = 2,
	SHELL_EDGE_LEFT = 4,
	SHELL_EDGE_TOP_LEFT = 5,
	SHELL_EDGE_BOTTOM_LEFT = 6,
	SHELL_EDGE_RIGHT = 8,
	SHELL_EDGE_TOP_RIGHT = 9,
	SHELL_EDGE_BOTTOM_RIGHT = 10,
};

/* An interactive move or resize that the app started, as it starts or ends. */
struct shell_move_size_event {
	const void *key; /* shell_window_info::key */
	bool start;
	uint32_t edges;            /* SHELL_EDGE_*: 0 for a move */
	int pointer_x, pointer_y;  /* global, where the grab started (start only) */
	int x, y, width, height;   /* the window geometry now, in global coordinates */
	int min_width, min_height; /* what the app allows; 0: no limit */
	int max_width, max_height;
	/*
	 * Set by a listener that does the move or resize itself at the start (a
	 * RemoteApp client's host window manager): the compositor's grab then moves
	 * and sizes nothing, and the window goes where that listener says.
	 */
	bool taken;
};

/**
 * Emitted with a struct shell_move_size_event when a move or resize grab begins
 * and when it ends (while the window still exists).
 */
struct wl_signal *pc_windows_get_move_size_signal(struct pc_compositor *compositor);

/** The window with the shell's id @id, or NULL. */
struct shell_window *pc_window_find(struct pc_compositor *compositor, uint32_t id);

/* What the control socket and the RDP host do to a window. */
void shell_window_activate(struct shell_window *window);

/** Out of maximize and fullscreen, and activated. */
void shell_window_restore(struct shell_window *window);

void shell_window_minimize(struct shell_window *window);

void shell_window_set_maximized(struct shell_window *window, bool maximized);

void shell_window_set_fullscreen(struct shell_window *window, bool fullscreen);

/** Asks the app to close the window; it may ask the user first. */
void shell_window_close(struct shell_window *window);

/** Moves the window's top-left to global (@x, @y). -1 and @err for a maximized or fullscreen one. */
int shell_window_move(struct shell_window *window, int x, int y, char *err, size_t err_size);

/** Asks the app for a new size. -1 and @err for one out of 1..PC_MAX_OUTPUT_SIZE. */
int shell_window_resize(struct shell_window *window, int width, int height, char *err,
			size_t err_size);

/** The app id (Wayland) or WM_CLASS-derived id (X11); NULL if it has none. */
const char *shell_window_get_app_id(struct shell_window *window);

/* --- input ------------------------------------------------------------------------------ */

/*
 * The compositor's one seat, "default", with a keyboard and a pointer. The
 * headless backend has no input devices: input arrives from the RDP peer, or
 * from the control socket in tests, through the functions below.
 */

/** Moves the pointer to global compositor coordinates (@x, @y). */
void pc_input_pointer_move(struct pc_compositor *compositor, double x, double y);

/** Presses or releases evdev button @button (BTN_LEFT = 0x110, ...). */
void pc_input_pointer_button(struct pc_compositor *compositor, uint32_t button, bool pressed);

/**
 * Scrolls on @axis (WL_POINTER_AXIS_*) by @value (libinput's units, 10 per
 * notch) and @discrete notches.
 */
void pc_input_pointer_axis(struct pc_compositor *compositor, uint32_t axis, double value,
			   int discrete);

/** Presses or releases evdev key @key (KEY_A = 30, ...). */
void pc_input_key(struct pc_compositor *compositor, uint32_t key, bool pressed);

/** Caps Lock and Num Lock as the client's keyboard has them. */
void pc_input_set_locks(struct pc_compositor *compositor, bool caps_lock, bool num_lock);

/** The keymap keys are typed in now; NULL while there is none. */
struct xkb_keymap *pc_input_get_keymap(struct pc_compositor *compositor);

enum pc_keymap_result {
	PC_KEYMAP_CHANGED,
	PC_KEYMAP_UNCHANGED,  /* built from that layout already */
	PC_KEYMAP_CONFIGURED, /* the config names a layout: it stays */
	PC_KEYMAP_FAILED,     /* no keymap builds from that layout: the old one stays */
};

/** Types in xkb layout @layout (and @variant) from now on, unless the config names one. */
enum pc_keymap_result pc_input_follow_layout(struct pc_compositor *compositor, const char *layout,
					     const char *variant);

/* --- the pointer image -------------------------------------------------------------------- */

/* The largest pointer image a remote client may show (RDP's Large Pointer). */
#define PC_POINTER_MAX_SIZE 384

enum pc_pointer_kind {
	PC_POINTER_DEFAULT, /* the client's own arrow */
	PC_POINTER_HIDDEN,  /* the focused app unset its cursor */
	PC_POINTER_IMAGE,
};

struct pc_pointer_image {
	enum pc_pointer_kind kind;
	/* PC_POINTER_IMAGE: at most PC_POINTER_MAX_SIZE square, the hotspot on it */
	int width, height, hotspot_x, hotspot_y;
	const uint32_t *pixels; /* premultiplied ARGB, top row first */
	uint64_t hash;          /* of size, hotspot and pixels: equal images, equal hashes */
};

/**
 * Watches the image the focused app sets as its pointer (wl_pointer.set_cursor
 * or Xwayland's), for clients that draw the pointer themselves: while a watch
 * lives, the outputs do not draw it. NULL when out of memory.
 */
struct pc_pointer_watch *pc_pointer_watch_create(struct pc_compositor *compositor);

void pc_pointer_watch_destroy(struct pc_pointer_watch *watch);

/** What the clients should show now. */
const struct pc_pointer_image *pc_pointer_watch_get_image(struct pc_pointer_watch *watch);

/**
 * @listener is called (with the image) when the image changes, and after a
 * pointer focus change: a client that keeps a pointer per window needs it again.
 */
void pc_pointer_watch_add_listener(struct pc_pointer_watch *watch, struct wl_listener *listener);

/* --- the clipboard (the seat's selection) ---------------------------------------------- */

/*
 * Wayland apps' selection, and X11 apps' CLIPBOARD through libweston's window
 * manager, as one clipboard; a remote clipboard (an RDP client's) joins it as
 * a source of its own. Data goes only when an app pastes (delayed rendering).
 */
struct pc_clipboard_source;

struct pc_clipboard_source_callbacks {
	/* an app pastes: write @mime_type's data into @fd and close it (yours, non-blocking) */
	void (*send)(void *data, const char *mime_type, int fd);
	/* another copy replaced this source: no more sends; it stays until destroyed */
	void (*replaced)(void *data);
};

/**
 * Makes the clipboard a source offering @mime_types (copied), as a copy in an
 * app would. NULL when out of memory or without a seat.
 */
struct pc_clipboard_source *pc_clipboard_offer(
	struct pc_compositor *compositor, const char *const *mime_types, int n,
	const struct pc_clipboard_source_callbacks *callbacks, void *data);

/** Withdraws @source from the clipboard if it is there, and frees it. NULL-safe. */
void pc_clipboard_source_destroy(struct pc_clipboard_source *source);

/** Emitted after the clipboard changed hands (a copy, a withdrawal). NULL without a seat. */
struct wl_signal *pc_clipboard_get_change_signal(struct pc_compositor *compositor);

/** Whether @source is what the clipboard holds now. */
bool pc_clipboard_holds(struct pc_compositor *compositor, const struct pc_clipboard_source *source);

/**
 * The mime types the clipboard offers now, into @types (pointers valid until the
 * next change); how many there are, 0 when it is empty.
 */
int pc_clipboard_mime_types(struct pc_compositor *compositor, const char **types, int max);

/**
 * Asks the clipboard's owner to write @mime_type's data into @fd, which it closes
 * when done. -1 (and @fd closed) when the clipboard is empty.
 */
int pc_clipboard_receive(struct pc_compositor *compositor, const char *mime_type, int fd);

#endif
