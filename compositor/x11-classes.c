/*
 * libweston 10's window manager reads each X11 window's WM_CLASS and keeps it:
 * it hands the shell a title and a pid, nothing that names the window. So the
 * class is asked of Xwayland by a connection of our own, on a thread (a
 * blocking X round trip on the event loop would wait on a server that may be
 * waiting on the compositor), and the window is found by what the shell knows:
 * its _NET_WM_PID and its title, or the pid alone when no title matches.
 *
 * Each question connects, reads every top-level window and the client window
 * inside each of the window manager's frames, and disconnects: Xwayland runs
 * with -terminate and must see its last client go. The connection goes to a
 * socket of the server's that only the compositor knows (xwayland.c), asked
 * for when the question is: a question about a server that has died since
 * finds nobody there, where one to the display's socket would start a new
 * server for nobody.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <wayland-server-core.h>
#include <xcb/xcb.h>

#include "x11-classes.h"
#include "xwayland.h"

/* the most windows one question reads: a bound on a hostile X client's work */
#define X11_CLASSES_MAX_WINDOWS 2048
#define X11_CLASSES_MAX_NAME 1024

enum x11_class_request_state { X11_REQUEST_QUEUED, X11_REQUEST_RUNNING, X11_REQUEST_DONE };

struct x11_class_request {
	struct x11_classes *classes;
	struct wl_list link; /* x11_classes::queue or ::done */
	enum x11_class_request_state state;
	bool cancelled;
	struct sockaddr_un address; /* the server's, when asked */
	socklen_t address_length;
	pid_t pid;
	char *title;
	char *class; /* the answer */
	void (*done)(void *data, const char *class);
	void *data;
};

struct x11_classes {
	struct pc_xwayland *xwayland;
	int wake_fd; /* the thread's answers wake the loop */
	struct wl_event_source *wake_source;
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t queued;
	struct wl_list queue;
	struct wl_list done;
	int connection_fd; /* the thread's, shut down to stop it; -1 */
	bool stopping;
};

/* One window's facts; NULL strings where a property is missing. */
struct x11_window_facts {
	xcb_get_property_cookie_t class, pid, net_name, name;
};

static char *
x11_classes_string(xcb_connection_t *connection, xcb_get_property_cookie_t cookie, bool class)
{
	xcb_get_property_reply_t *reply = xcb_get_property_reply(connection, cookie, NULL);
	char *text = NULL;

	if (reply && reply->format == 8 && xcb_get_property_value_length(reply) > 0) {
		const char *value = xcb_get_property_value(reply);
		size_t length = (size_t)xcb_get_property_value_length(reply);
		size_t first = strnlen(value, length);

		/* WM_CLASS is "instance\0class\0": the class names the app */
		if (class && first + 1 < length) {
			value += first + 1;
			length -= first + 1;
		}
		text = strndup(value, strnlen(value, length));
	}
	free(reply);
	return text;
}

static pid_t
x11_classes_pid(xcb_connection_t *connection, xcb_get_property_cookie_t cookie)
{
	xcb_get_property_reply_t *reply = xcb_get_property_reply(connection, cookie, NULL);
	pid_t pid = 0;

	if (reply && reply->format == 32 && reply->value_len == 1)
		pid = (pid_t) * (uint32_t *)xcb_get_property_value(reply);
	free(reply);
	return pid;
}

static xcb_atom_t
x11_classes_atom(xcb_connection_t *connection, const char *name)
{
	xcb_intern_atom_reply_t *reply = xcb_intern_atom_reply(
		connection, xcb_intern_atom(connection, 1, (uint16_t)strlen(name), name), NULL);
	xcb_atom_t atom = reply ? reply->atom : XCB_ATOM_NONE;

	free(reply);
	return atom;
}

/* The root's children and each one's children (a frame holds its client window). */
static int
x11_classes_windows(xcb_connection_t *connection, xcb_window_t root, xcb_window_t *out, int max)
{
	xcb_query_tree_reply_t *top =
		xcb_query_tree_reply(connection, xcb_query_tree(connection, root), NULL);
	xcb_query_tree_cookie_t *inner;
	int n = 0, count;

	if (!top)
		return 0;
	count = xcb_query_tree_children_length(top);
	if (count > max / 2)
		count = max / 2;
	inner = calloc((size_t)count + 1, sizeof *inner);
	if (inner) {
		for (int i = 0; i < count; i++)
			inner[i] = xcb_query_tree(connection, xcb_query_tree_children(top)[i]);
		for (int i = 0; i < count; i++) {
			xcb_query_tree_reply_t *reply =
				xcb_query_tree_reply(connection, inner[i], NULL);

			out[n++] = xcb_query_tree_children(top)[i];
			for (int j = 0;
			     reply && j < xcb_query_tree_children_length(reply) && n < max; j++)
				out[n++] = xcb_query_tree_children(reply)[j];
			free(reply);
		}
	}
	free(inner);
	free(top);
	return n;
}

/*
 * The class of the window of @pid titled @title; else of the first window of
 * @pid with one; else of the first titled @title.
 */
static char *
x11_classes_find(xcb_connection_t *connection, pid_t pid, const char *title)
{
	xcb_window_t *windows = calloc(X11_CLASSES_MAX_WINDOWS, sizeof *windows);
	struct x11_window_facts *facts = NULL;
	xcb_atom_t pid_atom = x11_classes_atom(connection, "_NET_WM_PID");
	xcb_atom_t name_atom = x11_classes_atom(connection, "_NET_WM_NAME");
	char *best = NULL, *by_pid = NULL, *by_title = NULL;
	int n;

	if (!windows)
		return NULL;
	n = x11_classes_windows(connection,
				xcb_setup_roots_iterator(xcb_get_setup(connection)).data->root,
				windows, X11_CLASSES_MAX_WINDOWS);
	facts = calloc((size_t)n + 1, sizeof *facts);
	for (int i = 0; facts && i < n; i++) {
		facts[i].class = xcb_get_property(connection, 0, windows[i], XCB_ATOM_WM_CLASS,
						  XCB_ATOM_STRING, 0, 64);
		facts[i].pid = xcb_get_property(connection, 0, windows[i], pid_atom,
						XCB_ATOM_CARDINAL, 0, 1);
		facts[i].net_name =
			xcb_get_property(connection, 0, windows[i], name_atom,
					 XCB_GET_PROPERTY_TYPE_ANY, 0, X11_CLASSES_MAX_NAME / 4);
		facts[i].name =
			xcb_get_property(connection, 0, windows[i], XCB_ATOM_WM_NAME,
					 XCB_GET_PROPERTY_TYPE_ANY, 0, X11_CLASSES_MAX_NAME / 4);
	}
	/* every reply is read, whichever window wins */
	for (int i = 0; facts && i < n; i++) {
		char *class = x11_classes_string(connection, facts[i].class, true);
		pid_t owner = x11_classes_pid(connection, facts[i].pid);
		char *net_name = x11_classes_string(connection, facts[i].net_name, false);
		char *name = x11_classes_string(connection, facts[i].name, false);
		bool titled = title && ((net_name && strcmp(net_name, title) == 0) ||
					(name && strcmp(name, title) == 0));
		bool owned = pid > 0 && owner == pid;

		if (class && !best && titled && (owned || pid <= 0))
			best = strdup(class);
		if (class && !by_pid && owned)
			by_pid = strdup(class);
		if (class && !by_title && titled)
			by_title = strdup(class);
		free(class);
		free(net_name);
		free(name);
	}
	free(facts);
	free(windows);
	if (!best && by_pid) {
		best = by_pid;
		by_pid = NULL;
	}
	if (!best && by_title) {
		best = by_title;
		by_title = NULL;
	}
	free(by_pid);
	free(by_title);
	return best;
}

/*
 * libxcb's own xcb_disconnect(): the compositor defines one for libweston's
 * window manager that keeps each connection's memory (xcb-disconnect.c),
 * which a connection per question must not.
 */
static void
x11_classes_disconnect(xcb_connection_t *connection)
{
	void (*disconnect)(xcb_connection_t *) =
		(void (*)(xcb_connection_t *))dlsym(RTLD_NEXT, "xcb_disconnect");

	(disconnect ? disconnect : xcb_disconnect)(connection);
}

static char *
x11_classes_answer(struct x11_classes *classes, const struct x11_class_request *request)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	xcb_connection_t *connection;
	char *class = NULL;
	bool stopping;

	if (fd < 0)
		return NULL;
	if (connect(fd, (const struct sockaddr *)&request->address, request->address_length) < 0) {
		close(fd);
		return NULL;
	}
	pthread_mutex_lock(&classes->lock);
	stopping = classes->stopping;
	if (!stopping)
		classes->connection_fd = fd;
	pthread_mutex_unlock(&classes->lock);
	if (stopping) {
		close(fd);
		return NULL;
	}
	/* the connection owns the fd from here */
	connection = xcb_connect_to_fd(fd, NULL);
	if (!xcb_connection_has_error(connection))
		class = x11_classes_find(connection, request->pid, request->title);
	pthread_mutex_lock(&classes->lock);
	classes->connection_fd = -1;
	pthread_mutex_unlock(&classes->lock);
	x11_classes_disconnect(connection);
	return class;
}

static void *
x11_classes_run(void *data)
{
	struct x11_classes *classes = data;
	struct x11_class_request *request;
	uint64_t one = 1;

	pthread_mutex_lock(&classes->lock);
	while (!classes->stopping) {
		if (wl_list_empty(&classes->queue)) {
			pthread_cond_wait(&classes->queued, &classes->lock);
			continue;
		}
		request = wl_container_of(classes->queue.next, request, link);
		wl_list_remove(&request->link);
		request->state = X11_REQUEST_RUNNING;
		pthread_mutex_unlock(&classes->lock);
		/* the request's pid and title are not written while it runs */
		request->class = x11_classes_answer(classes, request);
		pthread_mutex_lock(&classes->lock);
		request->state = X11_REQUEST_DONE;
		wl_list_insert(classes->done.prev, &request->link);
		if (write(classes->wake_fd, &one, sizeof one) < 0) {
			/* the counter cannot overflow from here; the loop still reads it */
		}
	}
	pthread_mutex_unlock(&classes->lock);
	return NULL;
}

static void
x11_class_request_free(struct x11_class_request *request)
{
	free(request->title);
	free(request->class);
	free(request);
}

static int
x11_classes_handle_wake(int fd, uint32_t mask, void *data)
{
	struct x11_classes *classes = data;
	struct x11_class_request *request, *tmp;
	struct wl_list answered;
	uint64_t count;

	if (read(fd, &count, sizeof count) < 0 && errno != EAGAIN)
		return 0;
	wl_list_init(&answered);
	pthread_mutex_lock(&classes->lock);
	wl_list_insert_list(&answered, &classes->done);
	wl_list_init(&classes->done);
	pthread_mutex_unlock(&classes->lock);
	wl_list_for_each_safe(request, tmp, &answered, link)
	{
		wl_list_remove(&request->link);
		if (!request->cancelled)
			request->done(request->data, request->class);
		x11_class_request_free(request);
	}
	return 0;
}

struct x11_classes *
x11_classes_create(struct wl_event_loop *loop, struct pc_xwayland *xwayland)
{
	struct x11_classes *classes = calloc(1, sizeof *classes);

	if (!classes)
		return NULL;
	classes->xwayland = xwayland;
	pthread_mutex_init(&classes->lock, NULL);
	pthread_cond_init(&classes->queued, NULL);
	wl_list_init(&classes->queue);
	wl_list_init(&classes->done);
	classes->connection_fd = -1;
	classes->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (classes->wake_fd >= 0)
		classes->wake_source =
			wl_event_loop_add_fd(loop, classes->wake_fd, WL_EVENT_READABLE,
					     x11_classes_handle_wake, classes);
	if (!classes->wake_source ||
	    pthread_create(&classes->thread, NULL, x11_classes_run, classes) != 0) {
		x11_classes_destroy(classes);
		return NULL;
	}
	classes->thread_started = true;
	return classes;
}

void
x11_classes_destroy(struct x11_classes *classes)
{
	struct x11_class_request *request, *tmp;

	if (!classes)
		return;
	pthread_mutex_lock(&classes->lock);
	classes->stopping = true;
	/* a server that does not answer must not hold the compositor's exit */
	if (classes->connection_fd >= 0)
		shutdown(classes->connection_fd, SHUT_RDWR);
	pthread_cond_signal(&classes->queued);
	pthread_mutex_unlock(&classes->lock);
	if (classes->thread_started)
		pthread_join(classes->thread, NULL);
	wl_list_for_each_safe(request, tmp, &classes->queue, link) x11_class_request_free(request);
	wl_list_for_each_safe(request, tmp, &classes->done, link) x11_class_request_free(request);
	if (classes->wake_source)
		wl_event_source_remove(classes->wake_source);
	if (classes->wake_fd >= 0)
		close(classes->wake_fd);
	pthread_cond_destroy(&classes->queued);
	pthread_mutex_destroy(&classes->lock);
	free(classes);
}

struct x11_class_request *
x11_classes_ask(struct x11_classes *classes, pid_t pid, const char *title,
		void (*done)(void *data, const char *class), void *data)
{
	struct x11_class_request *request;
	struct sockaddr_un address;
	socklen_t address_length = pc_xwayland_get_private_address(classes->xwayland, &address);

	/* no server, no window to ask about */
	if (address_length == 0)
		return NULL;
	request = calloc(1, sizeof *request);
	if (!request)
		return NULL;
	request->classes = classes;
	request->address = address;
	request->address_length = address_length;
	request->pid = pid;
	request->title = title ? strdup(title) : NULL;
	request->done = done;
	request->data = data;
	if (title && !request->title) {
		free(request);
		return NULL;
	}
	pthread_mutex_lock(&classes->lock);
	wl_list_insert(classes->queue.prev, &request->link);
	pthread_cond_signal(&classes->queued);
	pthread_mutex_unlock(&classes->lock);
	return request;
}

void
x11_class_request_cancel(struct x11_class_request *request)
{
	struct x11_classes *classes;

	if (!request)
		return;
	classes = request->classes;
	pthread_mutex_lock(&classes->lock);
	if (request->state == X11_REQUEST_QUEUED) {
		wl_list_remove(&request->link);
		pthread_mutex_unlock(&classes->lock);
		x11_class_request_free(request);
		return;
	}
	/* the thread or the loop frees it once answered */
	request->cancelled = true;
	pthread_mutex_unlock(&classes->lock);
}
