#include "idle-call.h"

static void
idle_call_run(void *data)
{
	struct idle_call *call = data;

	/* the source is gone once it has run: the function may schedule again */
	call->source = NULL;
	call->func(call->data);
}

void
idle_call_init(struct idle_call *call, struct wl_event_loop *loop, void (*func)(void *data),
	       void *data)
{
	call->loop = loop;
	call->func = func;
	call->data = data;
	call->source = NULL;
}

bool
idle_call_schedule(struct idle_call *call)
{
	if (!call->source)
		call->source = wl_event_loop_add_idle(call->loop, idle_call_run, call);
	return call->source != NULL;
}

bool
idle_call_pending(const struct idle_call *call)
{
	return call->source != NULL;
}

void
idle_call_cancel(struct idle_call *call)
{
	if (!call || !call->source)
		return;
	wl_event_source_remove(call->source);
	call->source = NULL;
}
