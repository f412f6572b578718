/*
 * Popups kept on their output. libweston-desktop 10 places a popup by its
 * xdg_positioner and ignores the positioner's constraint_adjustment, so a
 * menu near an output's edge went off-screen (a GTK submenu did not flip,
 * LibreOffice's size list ran 174 px below the screen). It offers a shell no
 * way to place popups itself; what it reads is the positioner the app hands
 * to xdg_surface.get_popup. So a protocol logger, which runs before each
 * request is dispatched, sees that request and rewrites the positioner it
 * names (popup-position.c: flip, slide, resize) for that one request: the
 * popup's place and the configure its app gets agree. The positioner is put
 * back before the client's next request (or when the loop is next idle).
 *
 * The positioner's fields are libweston-desktop's own (struct
 * weston_desktop_xdg_positioner, not installed); the logger keeps its own
 * account of every positioner's requests and rewrites only a positioner
 * whose fields are found exactly as that account says, else logs once and
 * leaves popups as libweston places them. The parent is found through the
 * public weston_desktop_surface an xdg_surface resource points to, once its
 * first field is the positioner's desktop.
 */
#include <stdlib.h>
#include <string.h>

#include <libweston-desktop/libweston-desktop.h>
#include <libweston/libweston.h>

#include "idle-call.h"
#include "log.h"
#include "popup-constraints.h"
#include "popup-position.h"

/* libweston-desktop 10's xdg-shell.c, as far as Porthole reads and writes them */
struct ld10_xdg_positioner {
	struct weston_desktop *desktop;
	void *client;
	struct wl_resource *resource;
	struct {
		int32_t width, height;
	} size;
	struct {
		int32_t x, y, width, height;
	} anchor_rect;
	uint32_t anchor;
	uint32_t gravity;
	uint32_t constraint_adjustment;
	struct {
		int32_t x, y;
	} offset;
};

/* an xdg_surface's user data: libweston-desktop's surface, which starts with its desktop */
struct ld10_desktop_surface {
	struct weston_desktop *desktop;
};

/* What the app asked of one positioner, request by request. */
struct positioner_account {
	struct popup_constraints *pc;
	struct wl_resource *resource;
	struct popup_rules rules;
	struct wl_listener destroy_listener;
	struct wl_list link; /* popup_constraints::accounts */
};

struct popup_constraints {
	struct weston_compositor *compositor;
	struct wl_protocol_logger *logger;
	struct wl_list accounts;
	/* the positioner rewritten for the request being dispatched */
	struct positioner_account *rewritten;
	struct idle_call restore;
	bool layout_unknown; /* said once */
};

/* The fields a constraint adjustment changes, into libweston's positioner. */
static void
popup_constraints_write(struct ld10_xdg_positioner *p, const struct popup_rules *rules)
{
	p->size.width = rules->width;
	p->size.height = rules->height;
	p->anchor = rules->anchor;
	p->gravity = rules->gravity;
	p->offset.x = rules->offset_x;
	p->offset.y = rules->offset_y;
}

/* The app's own rules back: its account never holds the rewritten ones. */
static void
popup_constraints_put_back(struct popup_constraints *pc)
{
	struct positioner_account *account = pc->rewritten;

	if (!account)
		return;
	popup_constraints_write(wl_resource_get_user_data(account->resource), &account->rules);
	pc->rewritten = NULL;
}

static void
popup_constraints_handle_idle(void *data)
{
	popup_constraints_put_back(data);
}

static void
positioner_account_handle_destroy(struct wl_listener *listener, void *data)
{
	struct positioner_account *account = wl_container_of(listener, account, destroy_listener);

	/* gone with libweston's positioner: nothing to put back */
	if (account->pc->rewritten == account)
		account->pc->rewritten = NULL;
	wl_list_remove(&account->link);
	free(account);
}

static struct positioner_account *
popup_constraints_account(struct popup_constraints *pc, struct wl_resource *resource, bool create)
{
	struct positioner_account *account;
	struct wl_listener *listener =
		wl_resource_get_destroy_listener(resource, positioner_account_handle_destroy);

	if (listener)
		return wl_container_of(listener, account, destroy_listener);
	if (!create || !(account = calloc(1, sizeof *account)))
		return NULL;
	account->pc = pc;
	account->resource = resource;
	account->destroy_listener.notify = positioner_account_handle_destroy;
	wl_resource_add_destroy_listener(resource, &account->destroy_listener);
	wl_list_insert(&pc->accounts, &account->link);
	return account;
}

/* A positioner request, as libweston-desktop is about to take it (invalid values included). */
static void
popup_constraints_note(struct popup_constraints *pc, const struct wl_protocol_logger_message *m)
{
	struct positioner_account *account = popup_constraints_account(
		pc, m->resource, strcmp(m->message->name, "destroy") != 0);
	const union wl_argument *a = m->arguments;
	struct popup_rules *r;

	if (!account)
		return;
	r = &account->rules;
	if (strcmp(m->message->name, "set_size") == 0 && m->arguments_count == 2) {
		r->width = a[0].i;
		r->height = a[1].i;
	} else if (strcmp(m->message->name, "set_anchor_rect") == 0 && m->arguments_count == 4) {
		r->anchor_rect = (struct placement_rect){a[0].i, a[1].i, a[2].i, a[3].i};
	} else if (strcmp(m->message->name, "set_anchor") == 0 && m->arguments_count == 1) {
		r->anchor = a[0].u;
	} else if (strcmp(m->message->name, "set_gravity") == 0 && m->arguments_count == 1) {
		r->gravity = a[0].u;
	} else if (strcmp(m->message->name, "set_constraint_adjustment") == 0 &&
		   m->arguments_count == 1) {
		r->adjust = a[0].u;
	} else if (strcmp(m->message->name, "set_offset") == 0 && m->arguments_count == 2) {
		r->offset_x = a[0].i;
		r->offset_y = a[1].i;
	}
}

/*
 * Numbers an app sends, bounded before any arithmetic on them: beyond a
 * screen's reach by far, and nowhere near int overflow when added up.
 */
#define POPUP_COORD_MAX (1 << 20)

static bool
popup_rules_in_range(const struct popup_rules *r)
{
	const int values[] = {r->width,
			      r->height,
			      r->anchor_rect.x,
			      r->anchor_rect.y,
			      r->anchor_rect.width,
			      r->anchor_rect.height,
			      r->offset_x,
			      r->offset_y};

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		if (values[i] < -POPUP_COORD_MAX || values[i] > POPUP_COORD_MAX)
			return false;
	}
	return r->width > 0 && r->height > 0 && r->anchor_rect.width >= 0 &&
	       r->anchor_rect.height >= 0 && r->anchor <= POPUP_EDGE_BOTTOM_RIGHT &&
	       r->gravity <= POPUP_EDGE_BOTTOM_RIGHT;
}

/* Whether libweston's positioner holds exactly what the app asked: its layout is known. */
static bool
popup_constraints_layout_holds(const struct ld10_xdg_positioner *p,
			       const struct positioner_account *account)
{
	const struct popup_rules *r = &account->rules;

	return p->resource == account->resource && p->size.width == r->width &&
	       p->size.height == r->height && p->anchor_rect.x == r->anchor_rect.x &&
	       p->anchor_rect.y == r->anchor_rect.y &&
	       p->anchor_rect.width == r->anchor_rect.width &&
	       p->anchor_rect.height == r->anchor_rect.height && p->anchor == r->anchor &&
	       p->gravity == r->gravity && p->constraint_adjustment == r->adjust &&
	       p->offset.x == r->offset_x && p->offset.y == r->offset_y;
}

/* The parent's window geometry origin in global coordinates; false when it is not shown. */
static bool
popup_constraints_parent_origin(struct wl_resource *parent, struct weston_desktop *desktop, int *x,
				int *y)
{
	struct weston_desktop_surface *dsurface = wl_resource_get_user_data(parent);
	struct weston_surface *surface;
	struct weston_view *view;
	struct weston_geometry geometry;
	float gx, gy;

	/* the same desktop as the positioner's, then the surface's own way back to it */
	if (!dsurface || ((const struct ld10_desktop_surface *)dsurface)->desktop != desktop)
		return false;
	surface = weston_desktop_surface_get_surface(dsurface);
	if (!surface || weston_surface_get_desktop_surface(surface) != dsurface ||
	    wl_list_empty(&surface->views))
		return false;
	view = wl_container_of(surface->views.next, view, surface_link);
	geometry = weston_desktop_surface_get_geometry(dsurface);
	weston_view_to_global_float(view, (float)geometry.x, (float)geometry.y, &gx, &gy);
	*x = (int)gx;
	*y = (int)gy;
	return true;
}

/* The output under the popup's anchor, relative to the parent's origin at @x,@y. */
static bool
popup_constraints_area(struct weston_compositor *compositor, const struct popup_rules *rules, int x,
		       int y, struct placement_rect *area)
{
	int ax = x + rules->anchor_rect.x + rules->anchor_rect.width / 2;
	int ay = y + rules->anchor_rect.y + rules->anchor_rect.height / 2;
	struct weston_output *output, *chosen = NULL;

	wl_list_for_each(output, &compositor->output_list, link)
	{
		if (!chosen)
			chosen = output;
		if (ax >= output->x && ax < output->x + output->width && ay >= output->y &&
		    ay < output->y + output->height) {
			chosen = output;
			break;
		}
	}
	if (!chosen)
		return false;
	*area = (struct placement_rect){chosen->x - x, chosen->y - y, chosen->width,
					chosen->height};
	return true;
}

/* xdg_surface.get_popup(id, parent, positioner), before libweston-desktop takes it. */
static void
popup_constraints_before_popup(struct popup_constraints *pc,
			       const struct wl_protocol_logger_message *m)
{
	struct wl_resource *parent = (struct wl_resource *)m->arguments[1].o;
	struct wl_resource *positioner = (struct wl_resource *)m->arguments[2].o;
	struct positioner_account *account;
	struct ld10_xdg_positioner *p;
	struct popup_rules rules;
	struct placement_rect area;
	int x, y;

	if (!parent || !positioner ||
	    !(account = popup_constraints_account(pc, positioner, false)) || !account->rules.adjust)
		return;
	p = wl_resource_get_user_data(positioner);
	if (!p || !popup_constraints_layout_holds(p, account)) {
		if (!pc->layout_unknown)
			weston_log("shell: libweston-desktop's positioner is not as Porthole knows "
				   "it; popups are not kept on their output\n");
		pc->layout_unknown = true;
		return;
	}
	rules = account->rules;
	if (!popup_rules_in_range(&rules) ||
	    !popup_constraints_parent_origin(parent, p->desktop, &x, &y) ||
	    !popup_constraints_area(pc->compositor, &rules, x, y, &area) ||
	    !popup_position_constrain(&rules, &area))
		return;
	pc->rewritten = account;
	popup_constraints_write(p, &rules);
	idle_call_schedule(&pc->restore);
}

static void
popup_constraints_log(void *data, enum wl_protocol_logger_type direction,
		      const struct wl_protocol_logger_message *m)
{
	struct popup_constraints *pc = data;
	const char *class;

	if (direction != WL_PROTOCOL_LOGGER_REQUEST)
		return;
	/* the rewritten request has been dispatched: this is the next one */
	popup_constraints_put_back(pc);
	class = wl_resource_get_class(m->resource);
	if (strcmp(class, "xdg_positioner") == 0)
		popup_constraints_note(pc, m);
	else if (strcmp(class, "xdg_surface") == 0 && strcmp(m->message->name, "get_popup") == 0 &&
		 m->arguments_count == 3)
		popup_constraints_before_popup(pc, m);
}

struct popup_constraints *
popup_constraints_create(struct weston_compositor *compositor)
{
	struct popup_constraints *pc = calloc(1, sizeof *pc);

	if (!pc)
		return NULL;
	pc->compositor = compositor;
	wl_list_init(&pc->accounts);
	idle_call_init(&pc->restore, wl_display_get_event_loop(compositor->wl_display),
		       popup_constraints_handle_idle, pc);
	pc->logger =
		wl_display_add_protocol_logger(compositor->wl_display, popup_constraints_log, pc);
	if (!pc->logger) {
		free(pc);
		return NULL;
	}
	return pc;
}

void
popup_constraints_destroy(struct popup_constraints *pc)
{
	struct positioner_account *account, *tmp;

	if (!pc)
		return;
	popup_constraints_put_back(pc);
	idle_call_cancel(&pc->restore);
	wl_protocol_logger_destroy(pc->logger);
	wl_list_for_each_safe(account, tmp, &pc->accounts, link)
	{
		wl_list_remove(&account->destroy_listener.link);
		wl_list_remove(&account->link);
		free(account);
	}
	free(pc);
}
