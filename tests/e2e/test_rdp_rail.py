#!/usr/bin/env python3
"""RemoteApp through a real RDP client: `xfreerdp /app:` (FreeRDP 2.11) under Xvfb.

Every compositor window must become its own top-level X window on the host, at
the compositor's position and size, showing the compositor's pixels. What the
host does to those windows (focus, typing, clicks, moves, resizes, minimize,
maximize, close) must reach the compositor. Xvfb runs no window manager, so the
test plays its part where xfreerdp expects one: it sets WM_STATE and
_NET_WM_STATE and sends WM_DELETE_WINDOW, through python3-xlib.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from images import image_diff, png_read, png_write_rows, save_artifact  # noqa: E402
from locations import WAYLAND_CLIENT, X11_CLIENT  # noqa: E402
from host_windows import HostWindows  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402
from rdp_host import Host, ScriptedRailClient, first_peer, output_rects, start  # noqa: E402
from firefox import quiet_profile  # noqa: E402

from Xlib import X  # noqa: E402

POPUP_ID_BASE = 0x40000000


def connect_app(procs, comp, port, extra=(), monitors=None, wm="fake", app="porthole"):
    """xfreerdp /app on a new host. wm: "fake" (the test plays the window manager:
    EWMH hints on the root, WM_STATE and _NET_WM_STATE set by hand), "openbox" (a
    real one) or "none" (a bare X display)."""
    host = Host(procs, monitors=monitors, window_manager=wm == "openbox")
    hw = HostWindows(host)
    if wm == "fake":
        hw.advertise_ewmh()
    client = host.connect(port, app=app, extra=extra)
    wait_until(lambda: "RemoteApp client ready" in comp.read_log() or client.poll() is not None, 30,
               what="the RemoteApp client to get ready")
    check(client.poll() is None, "xfreerdp /app: exited: %s" % host.client_log()[-1500:])
    return host, hw, client


def host_window(hw, wid, timeout=20):
    return wait_until(lambda: hw.mapped().get(wid), timeout, 0.1, "host window for window %d" % wid)


def wait_geometry(hw, comp, wid, what):
    """Waits until host window @wid sits where the compositor says window @wid is."""
    def same():
        w = [x for x in comp.windows() if x["id"] == wid]
        win = hw.mapped().get(wid)
        if not w or not win:
            return False
        return hw.geometry(win) == (w[0]["x"], w[0]["y"], w[0]["width"], w[0]["height"])
    try:
        wait_until(same, 20, 0.2, what)
    except TestFailure:
        win = hw.all().get(wid)
        raise TestFailure("%s: host %s, compositor %s" % (
            what, hw.geometry(win) if win else None, [x for x in comp.windows() if x["id"] == wid]))


def wait_pixels(host, hw, comp, wid, what, allowed=0):
    """Waits until host window @wid shows the compositor's own screenshot of the window,
    but for at most allowed pixels (a text cursor that blinks between the two shots)."""
    last = [None]

    def same():
        expected = comp.screenshot(window=wid)
        win = hw.mapped().get(wid)
        if not win:
            return False
        x, y, w, h = hw.geometry(win)
        if (w, h) != (expected.width, expected.height):
            return False
        region = host.screen().crop(x, y, w, h)
        bad, diff = image_diff(region, expected, 2)
        last[0] = (bad, region, expected, diff)
        return bad <= allowed
    try:
        wait_until(same, 20, 0.3, what)
    except TestFailure:
        if last[0] is None:
            raise
        save_artifact("rail-host-window.png", last[0][1])
        save_artifact("rail-expected-window.png", last[0][2])
        if last[0][3] is not None:
            save_artifact("rail-diff.png", last[0][3])
        save_artifact("rail-host-screen.png", host.screen())
        save_artifact("rail-output.png", comp.screenshot(output=0))
        raise TestFailure("%s: %d pixels differ (host window in artifacts); peers: %s; log tail:\n%s" % (
            what, last[0][0], comp.cli("peers").strip(), comp.read_log()[-2000:]))


def wait_region(host, comp, rect, what):
    """Waits until the host screen shows the compositor's output inside rect."""
    x, y, w, h = rect
    last = [None]

    def same():
        n, _ = image_diff(host.screen().crop(x, y, w, h), comp.screenshot(output=0).crop(x, y, w, h), 2)
        last[0] = n
        return n == 0
    try:
        wait_until(same, 10, 0.3, what)
    except TestFailure:
        raise TestFailure("%s: %s pixels differ" % (what, last[0]))


def state_of(comp, wid):
    return [x for x in comp.windows() if x["id"] == wid][0]


def test_each_window_is_its_own_host_window(procs):
    comp, port = start(procs, ["--rdp-mode=rail"], xwayland=True)
    comp.client([WAYLAND_CLIENT, "--title", "wayland app", "--width", "240", "--height", "160"])
    wl = comp.wait_window(lambda w: w["title"] == "wayland app")
    comp.client(["xterm", "-geometry", "40x10", "-T", "x11 app", "-e", "sleep", "600"])
    xt = comp.wait_window(lambda w: w["title"] == "x11 app" and w["kind"] == "x11")
    comp.cli("window", str(wl["id"]), "move", "20", "30")
    comp.cli("window", str(xt["id"]), "move", "400", "200")
    host, hw, _ = connect_app(procs, comp, port)
    for w in (wl, xt):
        host_window(hw, w["id"])
        wait_geometry(hw, comp, w["id"], "host window of %s at the compositor's place" % w["title"])
        wait_pixels(host, hw, comp, w["id"], "host window of %s shows its pixels" % w["title"])
    check(len(hw.mapped()) == 2, "host has %d RAIL windows, want 2" % len(hw.mapped()))
    title = hw.mapped()[wl["id"]].get_wm_name()
    check(title == "wayland app", "host window title %r" % title)
    icon = hw.mapped()[wl["id"]].get_full_property(hw.atom("_NET_WM_ICON"), X.AnyPropertyType)
    check(icon is not None and list(icon.value[:2]) == [32, 32] and len(icon.value) == 2 + 32 * 32,
          "the host window has no 32x32 icon")
    pixels = icon.value[2:]
    check(pixels[0] >> 24 == 0 and pixels[16 * 32 + 16] >> 24 == 0xFF,
          "the default icon is not a porthole on transparency: corner %08x, centre %08x" %
          (pixels[0], pixels[16 * 32 + 16]))
    # the compositor moves a window: the host window follows
    comp.cli("window", str(wl["id"]), "move", "60", "420")
    wait_geometry(hw, comp, wl["id"], "host window after a compositor-side move")
    wait_pixels(host, hw, comp, wl["id"], "pixels after a compositor-side move")
    # a new window appears on the host; a closed one goes
    late = comp.client([WAYLAND_CLIENT, "--title", "late", "--width", "100", "--height", "80"])
    lw = comp.wait_window(lambda w: w["title"] == "late")
    host_window(hw, lw["id"])
    procs.stop(late)
    wait_until(lambda: lw["id"] not in hw.all(), 20, what="the closed window to leave the host")
    comp.stop()


def test_typing_and_clicking_reach_the_apps(procs):
    comp, port = start(procs, xwayland=True)
    out = os.path.join(comp.runtime_dir, "typed")
    comp.client(["xterm", "-geometry", "40x6", "-T", "reader", "-e", "sh", "-c",
                 'read line; printf "%s\\n" "$line" > "$0"', out])
    xt = comp.wait_window(lambda w: w["title"] == "reader")
    comp.client([WAYLAND_CLIENT, "--title", "other", "--width", "200", "--height", "120"])
    other = comp.wait_window(lambda w: w["title"] == "other" and w["focused"])
    comp.cli("window", str(xt["id"]), "move", "10", "10")
    comp.cli("window", str(other["id"]), "move", "500", "10")
    host, hw, _ = connect_app(procs, comp, port)
    xwin = host_window(hw, xt["id"])
    owin = host_window(hw, other["id"])
    wait_geometry(hw, comp, xt["id"], "the xterm's host window in place")
    # focusing the host window activates the app's window
    host.xdotool("windowfocus", "--sync", str(xwin.id))
    wait_until(lambda: state_of(comp, xt["id"])["focused"], 10, what="host focus to activate the xterm")
    host.xdotool("type", "--delay", "40", "hello rail")
    host.xdotool("key", "Return")
    wait_until(lambda: os.path.exists(out) and open(out).read() == "hello rail\n", 15,
               what="typed text to reach the xterm")
    # a click in the other host window focuses that window in the compositor
    x, y, _, _ = hw.geometry(owin)
    host.xdotool("mousemove", "--sync", str(x + 50), str(y + 50))
    host.xdotool("click", "1")
    wait_until(lambda: state_of(comp, other["id"])["focused"], 10, what="a host click to focus the other window")
    comp.stop()


def one_focused_window(procs, title):
    """A 200x150 app window in RemoteApp, its host window in place and focused:
    xfreerdp reports moves of undecorated windows while it has the focus, as after
    a click. Returns the compositor, the window, the host, its windows and the
    host window."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", title, "--width", "200", "--height", "150"])
    w = comp.wait_window(lambda w: w["title"] == title)
    host, hw, _ = connect_app(procs, comp, port)
    win = host_window(hw, w["id"])
    wait_geometry(hw, comp, w["id"], "host window in place")
    host.xdotool("windowfocus", "--sync", str(win.id))
    return comp, w, host, hw, win


def test_host_moves_resizes_minimizes_maximizes_and_closes(procs):
    comp, w, host, hw, win = one_focused_window(procs, "managed")
    # move and resize on the host: the compositor follows
    hw.move(win, 300, 200)
    wait_until(lambda: (state_of(comp, w["id"])["x"], state_of(comp, w["id"])["y"]) == (300, 200), 10,
               what="a host move to reach the compositor")
    hw.move(win, 300, 200, 320, 240)
    wait_until(lambda: (state_of(comp, w["id"])["width"], state_of(comp, w["id"])["height"]) == (320, 240), 10,
               what="a host resize to reach the compositor")
    wait_pixels(host, hw, comp, w["id"], "pixels after a host resize")
    # minimize and restore
    hw.set_iconic(win, True)
    wait_until(lambda: state_of(comp, w["id"])["state"] == "minimized", 10, what="a host minimize")
    hw.set_iconic(win, False)
    wait_until(lambda: state_of(comp, w["id"])["state"] == "normal", 10, what="a host restore")
    # maximize: the compositor fills the host's desktop, and the host window follows
    hw.set_maximized(win, True)
    wait_until(lambda: state_of(comp, w["id"])["state"] == "maximized", 10, what="a host maximize")
    wait_until(lambda: state_of(comp, w["id"])["width"] == 1024, 10, what="the maximized size")
    wait_geometry(hw, comp, w["id"], "host window of the maximized window")
    hw.set_maximized(win, False)
    wait_until(lambda: state_of(comp, w["id"])["state"] == "normal", 10, what="a host un-maximize")
    # close: the app is asked to close, and goes
    hw.close(win)
    comp.wait_no_window(lambda x: x["id"] == w["id"], what="a host close to close the app")
    wait_until(lambda: w["id"] not in hw.all(), 10, what="the host window to go")
    comp.stop()


def test_quick_host_changes_end_where_the_host_left_the_window(procs):
    """Rounds of one to five host moves and resizes in quick succession, as a window
    manager's drags and resize edges make them while the app is still catching up:
    each round ends with the app and the host window where the host last put it."""
    import random
    comp, w, host, hw, win = one_focused_window(procs, "quick")
    rnd = random.Random(7)
    for n in range(8):
        steps = [(rnd.randrange(100, 500), rnd.randrange(100, 400), rnd.randrange(150, 400),
                  rnd.randrange(120, 300)) for _ in range(rnd.randrange(1, 6))]
        for x, y, width, height in steps:
            hw.move(win, x, y, width, height)
            if rnd.random() < 0.3:
                time.sleep(rnd.random() * 0.05)

        def both_at_last():
            s = state_of(comp, w["id"])
            return (s["x"], s["y"], s["width"], s["height"]) == steps[-1] and hw.geometry(win) == steps[-1]
        try:
            wait_until(both_at_last, 10, 0.05, "round %d to end at the last request" % n)
            time.sleep(0.6)  # what the client and the server still had in flight
            wait_until(both_at_last, 3, 0.05, "round %d to stay at the last request" % n)
        except TestFailure:
            rail = [line for line in comp.read_log().splitlines() if "host:" in line or "window" in line]
            raise TestFailure("round %d, host requests %s: compositor %s, host %s; %s" % (
                n, steps, state_of(comp, w["id"]), hw.geometry(win), "; ".join(rail[-16:])))
    comp.stop()


def host_shows_the_stack(host, hw, comp, windows, what):
    """Waits until, inside every window's rectangle, the host screen shows what the
    compositor's output shows: the host stacks its windows as the compositor does,
    and every part a raise uncovered has been repainted."""
    last = [None]

    def same():
        screen, output = host.screen(), comp.screenshot(output=0)
        bad = 0
        for w in windows:
            s = state_of(comp, w["id"])
            if s["state"] == "minimized":
                continue
            x, y, width, height = s["x"], s["y"], s["width"], s["height"]
            n, _ = image_diff(screen.crop(x, y, width, height), output.crop(x, y, width, height), 2)
            bad += n
        last[0] = (bad, screen, output)
        return bad == 0
    try:
        wait_until(same, 10, 0.3, what)
    except TestFailure:
        save_artifact("stack-host.png", last[0][1])
        save_artifact("stack-output.png", last[0][2])
        raise TestFailure("%s: %d pixels differ inside the windows (host and output in artifacts)"
                          % (what, last[0][0]))


def only_in(rect, others):
    """A point of rect (x, y, w, h) that none of the others covers."""
    x0, y0, w, h = rect
    for y in range(y0 + 5, y0 + h - 5, 10):
        for x in range(x0 + 5, x0 + w - 5, 10):
            if not any(ox <= x < ox + ow and oy <= y < oy + oh for ox, oy, ow, oh in others):
                return x, y
    raise TestFailure("no part of %s is its alone" % (rect,))


def stacking_orders(procs, window_manager):
    """Three overlapping windows raised from the host in every order, raised by the
    compositor, minimized and restored: the host shows what the compositor shows.
    With a window manager the user clicks a window to raise it; without, the test
    does what a window manager would (restack, focus)."""
    import itertools
    comp, port = start(procs, ["--rdp-mode=rail"])
    windows = []
    for i, color in enumerate(("c04040", "40c040", "4040c0")):
        comp.client([WAYLAND_CLIENT, "--title", "w%d" % i, "--width", "260", "--height", "180",
                     "--color", color])
        w = comp.wait_window(lambda x, i=i: x["title"] == "w%d" % i)
        comp.cli("window", str(w["id"]), "move", str(60 + 90 * i), str(60 + 60 * i))
        windows.append(w)
    # with a window manager as `porthole connect` runs the client: through the pipeline
    host, hw, client = connect_app(procs, comp, port, wm="openbox" if window_manager else "none",
                                   extra=["/gfx"] if window_manager else [])
    for i, w in enumerate(windows):
        host_window(hw, w["id"])
        # a window manager places new windows its own way: back where each overlaps the next
        comp.cli("window", str(w["id"]), "move", str(60 + 90 * i), str(60 + 60 * i))
        wait_until(lambda: (state_of(comp, w["id"])["x"], state_of(comp, w["id"])["y"])
                   == (60 + 90 * i, 60 + 60 * i), 10, what="%s back in place" % w["title"])
        wait_geometry(hw, comp, w["id"], "host window of %s in place" % w["title"])
    host_shows_the_stack(host, hw, comp, windows, "the first picture")
    rects = {w["id"]: (state_of(comp, w["id"])["x"], state_of(comp, w["id"])["y"], 260, 180)
             for w in windows}

    def raise_on_host(w):
        if window_manager:
            x, y = only_in(rects[w["id"]], [r for i, r in rects.items() if i != w["id"]])
            # no --sync: it waits for motion that never comes when the pointer is there
            host.xdotool("mousemove", str(x), str(y), "click", "1")
        else:
            win = hw.mapped()[w["id"]]
            win.configure(stack_mode=X.Above)
            hw.d.sync()
            host.xdotool("windowfocus", "--sync", str(win.id))
        wait_until(lambda: state_of(comp, w["id"])["focused"], 10,
                   what="the host's raise to focus %s" % w["title"])
    for order in itertools.permutations(windows):
        for w in order:
            raise_on_host(w)
        host_shows_the_stack(host, hw, comp, windows, "raised from the host in the order %s"
                             % " ".join(w["title"] for w in order))
    # the compositor raises a window (as an app asking for activation does)
    for w in windows:
        comp.cli("window", str(w["id"]), "activate")
        wait_until(lambda: state_of(comp, w["id"])["focused"], 10, what="activating %s" % w["title"])
        host_shows_the_stack(host, hw, comp, windows, "%s raised by the compositor" % w["title"])
    # the top window minimized on the host and restored
    top = windows[-1]
    if window_manager:
        host.xdotool("windowminimize", "--sync", str(hw.mapped()[top["id"]].id))
    else:
        hw.set_iconic(hw.mapped()[top["id"]], True)
    wait_until(lambda: state_of(comp, top["id"])["state"] == "minimized", 10, what="a host minimize")
    host_shows_the_stack(host, hw, comp, windows, "the top window minimized")
    if window_manager:
        host.xdotool("windowactivate", str(hw.all()[top["id"]].id))
    else:
        hw.set_iconic(hw.all()[top["id"]], False)
        raise_on_host(top)
    wait_until(lambda: state_of(comp, top["id"])["state"] == "normal", 10, what="a host restore")
    host_shows_the_stack(host, hw, comp, windows, "the top window restored")
    check(client.poll() is None, "xfreerdp exited: %s" % host.client_log()[-1500:])
    comp.stop()


def test_every_stacking_order_repaints_on_a_bare_host(procs):
    stacking_orders(procs, window_manager=False)


def test_every_stacking_order_repaints_under_a_window_manager(procs):
    stacking_orders(procs, window_manager=True)

def test_windows_on_a_second_host_monitor(procs):
    """xfreerdp /app /multimon on a host with two monitors: each is an output; a window
    moved onto the second shows there, and maximizing it there fills that monitor."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "second", "--width", "200", "--height", "150"])
    w = comp.wait_window(lambda w: w["title"] == "second")
    host, hw, _ = connect_app(procs, comp, port, extra=["/multimon"], monitors=[(1024, 768), (800, 600)])
    wait_until(lambda: output_rects(comp) == [(0, 0, 1024, 768), (1024, 0, 800, 600)], 20,
               what="an output per host monitor")
    comp.cli("window", str(w["id"]), "move", "1300", "200")
    win = host_window(hw, w["id"])
    wait_geometry(hw, comp, w["id"], "the host window on the second monitor")
    wait_pixels(host, hw, comp, w["id"], "its pixels on the second monitor")
    hw.set_maximized(win, True)
    wait_until(lambda: (state_of(comp, w["id"])["x"], state_of(comp, w["id"])["y"], state_of(comp, w["id"])["width"],
                        state_of(comp, w["id"])["height"]) == (1024, 0, 800, 600), 10,
               what="the window to fill the second monitor: %s" % state_of(comp, w["id"]))
    wait_geometry(hw, comp, w["id"], "the host window of the maximized window")
    comp.stop()


def local_move_size(host, hw, comp, w, kind, press, direction, host_geometry, release, state, want):
    """Presses where the app starts a move or resize; checks the _NET_WM_MOVERESIZE the host's
    window manager gets, plays that manager (puts the host window at host_geometry, the pointer
    at release, where it would have dragged it), and waits for the compositor's window to show
    want in its state keys."""
    win = hw.mapped()[w["id"]]
    host.xdotool("mousemove", "--sync", str(press[0]), str(press[1]))
    host.xdotool("mousedown", "1")
    xid, x, y, got = hw.wait_moveresize()
    check((xid, x, y, got) == (win.id, press[0], press[1], direction),
          "%s request: window %#x at %d,%d direction %d; want %#x at %d,%d direction %d"
          % (kind, xid, x, y, got, win.id, press[0], press[1], direction))
    hw.move(win, *host_geometry)
    time.sleep(0.5)  # xfreerdp takes the move as started when it sees the window configured
    # the pointer's next event ends the local move on the client
    host.xdotool("mousemove", "--sync", str(release[0]), str(release[1]))
    wait_until(lambda: tuple(state_of(comp, w["id"])[k] for k in state) == want, 10,
               what="the host's local %s to reach the compositor" % kind)
    # the pointer moves on before the button goes up: the window stays where the host put it
    host.xdotool("mousemove", "--sync", str(release[0] + 40), str(release[1] + 30))
    time.sleep(0.5)
    got = tuple(state_of(comp, w["id"])[k] for k in ("x", "y", "width", "height"))
    check(tuple(state_of(comp, w["id"])[k] for k in state) == want,
          "the compositor's grab dragged the window to %r after the host's local %s" % (got, kind))
    host.xdotool("mouseup", "1")
    wait_until(lambda: "local %s of window %d ends" % (kind, w["id"]) in comp.read_log(), 10,
               what="the end of the local %s sent to the client" % kind)
    wait_geometry(hw, comp, w["id"], "host window after the local %s" % kind)


def test_app_started_move_and_resize_are_local_on_the_host(procs):
    """A press on the app's own move/resize handle: the host's window manager does the
    move (MS-RDPERP local move/size, _NET_WM_MOVERESIZE on X), and where it puts the
    window is where the compositor puts it."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "mover", "--width", "200", "--height", "150", "--move-on-click"])
    mover = comp.wait_window(lambda w: w["title"] == "mover")
    comp.cli("window", str(mover["id"]), "move", "100", "100")
    comp.client([WAYLAND_CLIENT, "--title", "sizer", "--width", "200", "--height", "150",
                 "--resize-on-click", "10"])
    sizer = comp.wait_window(lambda w: w["title"] == "sizer")
    comp.cli("window", str(sizer["id"]), "move", "500", "100")
    host, hw, _ = connect_app(procs, comp, port)
    for w in (mover, sizer):
        host_window(hw, w["id"])
        wait_geometry(hw, comp, w["id"], "host window of %s in place" % w["title"])
    hw.watch_root()
    local_move_size(host, hw, comp, mover, "move", press=(150, 140), direction=8, host_geometry=(300, 250),
                    release=(350, 290), state=("x", "y"), want=(300, 250))
    # the resize grab: bottom-right edge, pointer given on the desktop; the client's own
    # release and the real one end the grab once, no button stays held
    local_move_size(host, hw, comp, sizer, "resize", press=(650, 200), direction=4,
                    host_geometry=(500, 100, 260, 190), release=(710, 240), state=("width", "height"),
                    want=(260, 190))
    wait_pixels(host, hw, comp, sizer["id"], "pixels after the local resize")
    comp.stop()


def test_dragging_a_window_under_a_window_manager(procs):
    """A real window manager (openbox) moves the host window while the app's own
    move grab runs in the compositor: the compositor ends where the host window
    is, and pointer motion afterwards does not drag it elsewhere."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "dragged", "--width", "200", "--height", "150",
                 "--move-on-click"])
    w = comp.wait_window(lambda w: w["title"] == "dragged")
    comp.cli("window", str(w["id"]), "move", "100", "100")
    host, hw, client = connect_app(procs, comp, port, wm="openbox", extra=["/gfx"])
    host_window(hw, w["id"])
    wait_geometry(hw, comp, w["id"], "the host window in place")
    x0, y0, _, _ = hw.geometry(hw.mapped()[w["id"]])
    host.xdotool("mousemove", str(x0 + 50), str(y0 + 40))
    time.sleep(0.3)
    host.xdotool("mousedown", "1")
    time.sleep(0.5)
    for step in range(1, 11):  # a user's drag, 200 px right and 120 down
        host.xdotool("mousemove", str(x0 + 50 + 20 * step), str(y0 + 40 + 12 * step))
        time.sleep(0.05)
    time.sleep(0.3)
    host.xdotool("mouseup", "1")
    # xfreerdp 2.11 learns that the window manager's move ended (the manager had the
    # pointer) only from the pointer's next motion; then it reports where the window is
    host.xdotool("mousemove", str(x0 + 260), str(y0 + 170))
    wait_geometry(hw, comp, w["id"], "the compositor where the host put the window after the drag")
    moved = state_of(comp, w["id"])
    check((moved["x"], moved["y"]) != (100, 100), "the drag did not move the window")
    # the pointer goes elsewhere, over the window and off it: the window stays
    for x, y in ((700, 500), (moved["x"] + 20, moved["y"] + 20), (30, 700)):
        host.xdotool("mousemove", str(x), str(y))
        time.sleep(0.3)
    now = state_of(comp, w["id"])
    check((now["x"], now["y"]) == (moved["x"], moved["y"]),
          "the window jumped from %d,%d to %d,%d after the drag" % (moved["x"], moved["y"], now["x"], now["y"]))
    check(client.poll() is None, "xfreerdp exited")
    comp.stop()


def test_gtk_window_resizes_from_its_visible_edge_on_the_host(procs):
    """gtk3-demo's resize handles are in its shadow, which the host window does not
    show: a press at the host window's right edge starts the host's resize."""
    comp, port = start(procs)
    comp.client(["gtk3-demo"])
    w = comp.wait_window(lambda w: w["app_id"] == "gtk3-demo", 30, "the gtk3-demo window")
    comp.cli("window", str(w["id"]), "move", "50", "50")
    host, hw, _ = connect_app(procs, comp, port)
    win = host_window(hw, w["id"])
    wait_geometry(hw, comp, w["id"], "gtk3-demo's host window in place")
    time.sleep(1)
    hw.watch_root()
    x, y, width, height = hw.geometry(win)
    host.xdotool("mousemove", "--sync", str(x + width - 2), str(y + height // 2))
    host.xdotool("mousedown", "1")
    xid, _, _, direction = hw.wait_moveresize()
    host.xdotool("mouseup", "1")
    check((xid, direction) == (win.id, 3), "the press at the right edge asked the host for %d on %#x, "
          "not a resize from the right (3) on %#x" % (direction, xid, win.id))
    comp.stop()


def test_popup_is_an_owned_host_window(procs):
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "with popup", "--width", "300", "--height", "200"])
    w = comp.wait_window(lambda w: w["title"] == "with popup")
    comp.cli("window", str(w["id"]), "move", "100", "100")
    host, hw, _ = connect_app(procs, comp, port)
    host_window(hw, w["id"])
    # a second client of the same kind opens a popup on its window
    p = comp.client([WAYLAND_CLIENT, "--title", "opener", "--width", "300", "--height", "200", "--popup"])
    opener = comp.wait_window(lambda x: x["title"] == "opener")
    comp.cli("window", str(opener["id"]), "move", "500", "300")
    popup = wait_until(lambda: [rid for rid in hw.mapped() if rid >= POPUP_ID_BASE], 20, 0.1,
                       "the popup's host window")
    pwin = hw.mapped()[popup[0]]
    check(pwin.get_attributes().override_redirect, "the popup's host window is managed, not a menu")
    wait_until(lambda: hw.geometry(hw.mapped()[popup[0]]) == (520, 320, 120, 60), 10,
               what="the popup at (20,20) of its parent, 120x60")
    # the popup goes with its app
    procs.stop(p)
    wait_until(lambda: popup[0] not in hw.all() and opener["id"] not in hw.all(), 10,
               what="the popup and its parent to leave the host")
    check(w["id"] in hw.mapped(), "an unrelated window left the host")
    comp.stop()


def gtk_context_menu(procs, wm):
    """A right click opens GTK's context menu (an xdg_popup) on the host; Escape
    closes it. The client must live through it with and without a window manager."""
    comp, port = start(procs)
    comp.client(["gtk3-demo"])
    w = comp.wait_window(lambda w: w["app_id"] == "gtk3-demo", 30, "the gtk3-demo window")
    comp.cli("window", str(w["id"]), "move", "0", "0")
    # on a bare host, what `porthole connect` asks for when it finds no window manager
    host, hw, client = connect_app(procs, comp, port, wm=wm, extra=["/gfx"],
                                   app="porthole host-without-window-manager" if wm == "none" else "porthole")
    win = host_window(hw, w["id"])
    wait_geometry(hw, comp, w["id"], "gtk3-demo's host window in place")
    time.sleep(1)  # let the demo draw its text view
    for attempt in range(2):  # opened twice: the first popup is not the last
        if wm == "openbox":
            host.xdotool("mousemove", "500", "300", "click", "1")
        else:
            host.xdotool("windowfocus", "--sync", str(win.id))
            host.xdotool("mousemove", "500", "300")
        time.sleep(0.3)
        host.xdotool("click", "3")
        menus = wait_until(lambda: [rid for rid in hw.mapped() if rid >= POPUP_ID_BASE]
                           or client.poll() is not None, 20, 0.1, "GTK's context menu on the host")
        check(client.poll() is None, "xfreerdp died as the menu opened: %s" % host.client_log()[-1500:])
        menu = hw.mapped()[menus[0]]
        if wm != "none":  # a window manager must leave the menu alone
            check(menu.get_attributes().override_redirect, "the menu's host window is managed, not a menu")
        x, y, width, height = hw.geometry(menu)
        check(width > 20 and height > 20, "the menu's host window is %dx%d" % (width, height))
        wait_region(host, comp, (x, y, width, height), "the menu's pixels on the host")
        # Escape closes the menu: its host window goes, the demo's stays
        host.xdotool("key", "Escape")
        wait_until(lambda: not [rid for rid in hw.all() if rid >= POPUP_ID_BASE], 10,
                   what="the closed menu to leave the host")
        check(w["id"] in hw.mapped(), "the demo's host window went with its menu")
    check(client.poll() is None, "xfreerdp exited: %s" % host.client_log()[-1500:])
    comp.stop()


def test_gtk_context_menu_with_a_window_manager(procs):
    gtk_context_menu(procs, "openbox")


def test_gtk_context_menu_on_a_bare_host(procs):
    gtk_context_menu(procs, "none")

def test_gtk_menu_at_the_screen_corner_stays_on_the_host_screen(procs):
    """A user right-clicks an entry of a GTK app whose window sits in the host screen's
    bottom-right corner: the context menu opens above-left of the pointer, whole on the
    host screen, with the app's pixels (GTK asks for flip, slide and resize; libweston
    alone put it below-right, off the screen), on a bare host as under openbox."""
    for wm in ("none", "openbox"):
        comp, port = start(procs)
        comp.procs.start(["gtk3-demo", "--run=entry_buffer"], env=dict(comp.env, GDK_BACKEND="wayland"))
        w = comp.wait_window(lambda w: w["title"] == "Entry Buffer", 30, "gtk3-demo's Entry Buffer")
        host, hw, client = connect_app(procs, comp, port, wm=wm, extra=["/gfx"],
                                       app="porthole host-without-window-manager" if wm == "none" else "porthole")
        _, _, width, height = output_rects(comp)[0]
        comp.cli("window", str(w["id"]), "move", str(width - w["width"]), str(height - w["height"]))
        wait_geometry(hw, comp, w["id"], "the Entry Buffer in the host screen's corner (%s)" % wm)
        time.sleep(1)  # GTK draws the moved window's focus and cursor
        # the lower entry runs along the window's bottom edge
        x, y = width - 40, height - 22
        host.xdotool("mousemove", "--sync", str(x), str(y), "click", "1")
        time.sleep(0.3)
        host.xdotool("click", "3")
        menus = wait_until(lambda: [rid for rid in hw.mapped() if rid >= POPUP_ID_BASE]
                           or client.poll() is not None, 20, 0.1, "GTK's context menu on the host (%s)" % wm)
        check(client.poll() is None, "xfreerdp died as the menu opened: %s" % host.client_log()[-1500:])
        mx, my, mw, mh = hw.geometry(hw.mapped()[menus[0]])
        print("# %s: the menu at %d,%d, %dx%d, on a %dx%d screen, the pointer at %d,%d"
              % (wm, mx, my, mw, mh, width, height, x, y))
        check(mh > 100 and mw > 100, "the menu's host window is %dx%d" % (mw, mh))
        check(mx >= 0 and my >= 0 and mx + mw <= width and my + mh <= height,
              "the menu at %d,%d, %dx%d leaves the %dx%d host screen (%s)" % (mx, my, mw, mh, width, height, wm))
        check(my + mh <= y + 2 and mx + mw <= x + 2, "the menu is not above-left of the pointer: %d,%d %dx%d"
              % (mx, my, mw, mh))
        wait_region(host, comp, (mx, my, mw, mh), "the menu's pixels on the host (%s)" % wm)
        host.xdotool("key", "Escape")
        wait_until(lambda: not [rid for rid in hw.all() if rid >= POPUP_ID_BASE], 10,
                   what="the closed menu to leave the host")
        procs.stop(client)
        comp.stop()


def host_icon(hw, wid):
    """The host window's _NET_WM_ICON as (width, height, [0xAARRGGBB...]), or None."""
    prop = hw.mapped()[wid].get_full_property(hw.atom("_NET_WM_ICON"), X.AnyPropertyType)
    if prop is None or len(prop.value) < 2:
        return None
    w, h = prop.value[0], prop.value[1]
    return w, h, [int(v) & 0xFFFFFFFF for v in prop.value[2:2 + w * h]]


def check_icon_is(icon, path, what):
    """The host icon (32x32) shows the opaque pixels of the PNG at path."""
    size, _, pixels = icon
    expected = png_read(path)
    opaque = [(x, y) for y in range(32) for x in range(32) if pixels[y * 32 + x] >> 24 == 0xFF]
    check(size == 32 and len(opaque) > 100, "%s: %dx%d, %d opaque pixels" % (what, size, icon[1], len(opaque)))
    wrong = [(x, y) for x, y in opaque
             if tuple((pixels[y * 32 + x] >> s) & 0xFF for s in (16, 8, 0)) != expected.pixel(x, y)]
    check(not wrong, "%s differs from %s at %d pixels" % (what, path, len(wrong)))


def write_quadrant_png(path, size):
    """A size-square PNG: red, green / blue, transparent quadrants."""
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            left, top = x < size // 2, y < size // 2
            row += bytes((255, 0, 0, 255) if top and left else (0, 255, 0, 255) if top
                         else (0, 0, 255, 255) if left else (0, 0, 0, 0))
        rows.append(row)
    png_write_rows(path, size, size, rows, alpha=True)


def test_app_icons_come_from_the_apps_desktop_files(procs):
    comp, port = start(procs, xwayland=True)
    # an app whose .desktop file and icon live in its own data directory (XDG_DATA_DIRS)
    data = tempfile.mkdtemp(prefix="porthole-icons-")
    procs.dirs.append(data)
    os.makedirs(os.path.join(data, "applications"))
    os.makedirs(os.path.join(data, "icons", "hicolor", "48x48", "apps"))
    with open(os.path.join(data, "applications", "org.porthole.IconTest.desktop"), "w") as f:
        f.write("[Desktop Entry]\nType=Application\nName=Icon test\nIcon=porthole-icon-test\n")
    write_quadrant_png(os.path.join(data, "icons", "hicolor", "48x48", "apps", "porthole-icon-test.png"), 48)
    comp.procs.start([WAYLAND_CLIENT, "--title", "icon test", "--app-id", "org.porthole.IconTest"],
                     env=dict(comp.env, XDG_DATA_DIRS=data + ":/usr/share"))
    mine = comp.wait_window(lambda w: w["title"] == "icon test")
    # a real app: gtk3-demo's icon from Debian's own gtk3-demo.desktop and hicolor theme
    comp.client(["gtk3-demo"])
    demo = comp.wait_window(lambda w: w["app_id"] == "gtk3-demo", 30, "the gtk3-demo window")
    # the same through X11, which has no app id: its program's name finds the same file
    comp.procs.start(["gtk3-demo"], env=dict(comp.env, GDK_BACKEND="x11"))
    x11_demo = comp.wait_window(lambda w: w["kind"] == "x11", 30, "the X11 gtk3-demo window")
    # and one without a .desktop file keeps the default
    comp.client([WAYLAND_CLIENT, "--title", "plain", "--app-id", "org.porthole.NoSuchApp"])
    plain = comp.wait_window(lambda w: w["title"] == "plain")
    host, hw, _ = connect_app(procs, comp, port)
    for w in (mine, demo, x11_demo, plain):
        host_window(hw, w["id"])
    icons = {w["id"]: wait_until(lambda: host_icon(hw, w["id"]), 10, 0.1, "an icon on %s" % w["title"])
             for w in (mine, demo, x11_demo, plain)}
    size, _, pixels = icons[mine["id"]]
    px = lambda x, y: pixels[y * size + x]  # noqa: E731
    check(size == 32 and px(4, 4) == 0xFFFF0000 and px(27, 4) == 0xFF00FF00 and px(4, 27) == 0xFF0000FF
          and px(27, 27) >> 24 == 0,
          "the host icon is not the app's 48x48 quadrants scaled to 32: %08x %08x %08x %08x"
          % (px(4, 4), px(27, 4), px(4, 27), px(27, 27)))
    for w, how in ((demo, "Wayland"), (x11_demo, "X11")):
        check_icon_is(icons[w["id"]], "/usr/share/icons/hicolor/32x32/apps/gtk3-demo.png",
                      "%s gtk3-demo's host icon" % how)
    # X11's app id is the WM_CLASS class; its lower case names the .desktop file
    wait_until(lambda: state_of(comp, x11_demo["id"])["app_id"] == "Gtk3-demo", 10, 0.1,
               "the X11 gtk3-demo's class as its app id")
    _, _, pixels = icons[plain["id"]]
    check(pixels[16 * 32 + 16] == 0xFFA0D8F0 and pixels[0] >> 24 == 0,
          "an app without a .desktop file does not get the default porthole icon")
    comp.stop()


def test_host_taskbar_gets_each_windows_app_id(procs):
    """A host taskbar groups an app's windows by the app id it asks for (Get
    Application ID, as Windows' shell does; xfreerdp never asks): both windows
    of one Wayland app answer its app id, an X11 window its WM_CLASS class, a
    window that is not there an empty id, and the compositor carries on."""
    comp, port = start(procs, xwayland=True)
    for title in ("grouped one", "grouped two"):
        comp.client([WAYLAND_CLIENT, "--title", title, "--app-id", "org.porthole.Grouped"])
        comp.wait_window(lambda w, t=title: w["title"] == t)
    comp.client([X11_CLIENT, "--title", "x11 grouped", "--class", "PortholeGrouped"])
    comp.wait_window(lambda w: w["title"] == "x11 grouped", 20)
    client = ScriptedRailClient(procs, port)
    answers = {}
    for title, want in (("grouped one", "org.porthole.Grouped"), ("grouped two", "org.porthole.Grouped"),
                        ("x11 grouped", "PortholeGrouped")):
        window = client.window(title)

        def answered(window=window, want=want):
            return client.app_id(window) == want
        # the X11 class is read from Xwayland off the event loop: it may come a moment later
        wait_until(answered, 10, 0.2, "%r's app id to be %r (last: %r)" % (title, want, client.events()[-3:]))
        answers[title] = want
    print("# app ids the host got: %r" % answers, flush=True)
    check(client.app_id(0x7ffffff0) == "", "a window that is not there got an app id")
    check(comp.alive() and client.proc.poll() is None, "the compositor or the client died")
    comp.stop()


def test_many_windows_at_once(procs):
    """Ten windows with their icons at connect: far more orders than one 16 KB order PDU
    holds (each icon is 4 KB), which once hung the compositor in FreeRDP's paint lock."""
    comp, port = start(procs)
    for i in range(10):
        comp.client([WAYLAND_CLIENT, "--title", "many %d" % i, "--width", "120", "--height", "90"])
    ids = [comp.wait_window(lambda w: w["title"] == "many %d" % i)["id"] for i in range(10)]
    host, hw, _ = connect_app(procs, comp, port)
    for wid in ids:
        host_window(hw, wid)
        wait_until(lambda: host_icon(hw, wid), 10, 0.1, "an icon on window %d" % wid)
    check(comp.cli("ping").startswith("porthole-compositor"), "the compositor stopped answering")
    comp.stop()


def test_reconnect_brings_every_window_back_through_the_pipeline(procs):
    comp, port = start(procs, xwayland=True)
    comp.client([WAYLAND_CLIENT, "--title", "one", "--width", "150", "--height", "100"])
    one = comp.wait_window(lambda w: w["title"] == "one")
    comp.client(["xterm", "-geometry", "30x5", "-T", "two", "-e", "sleep", "600"])
    two = comp.wait_window(lambda w: w["title"] == "two")
    comp.cli("window", str(two["id"]), "move", "300", "300")
    host, hw, client = connect_app(procs, comp, port)
    for w in (one, two):
        host_window(hw, w["id"])
    procs.stop(client)
    wait_until(lambda: not hw.all(), 10, what="the host windows to go with the client")
    # back with the graphics pipeline this time: the windows are drawn from its surface
    host2, hw2, _ = connect_app(procs, comp, port, extra=["/gfx"])
    wait_until(lambda: "uses the graphics pipeline" in comp.read_log(), 20, what="the graphics pipeline")
    for w in (one, two):
        host_window(hw2, w["id"])
        wait_geometry(hw2, comp, w["id"], "window %s back in place" % w["title"])
        wait_pixels(host2, hw2, comp, w["id"], "window %s back with its pixels" % w["title"])
    comp.stop()


def test_modes_refuse_the_other_kind_of_client(procs):
    comp, port = start(procs, ["--rdp-mode=desktop"])
    host = Host(procs)
    client = host.connect(port, app="porthole")
    wait_until(lambda: client.poll() is not None, 30, what="the refused RemoteApp client to exit")
    check("serves the desktop (--rdp-mode=desktop)" in comp.read_log(), "no refusal logged for /app")
    comp.stop()
    comp, port = start(procs, ["--rdp-mode=rail"])
    client = host.connect(port)
    wait_until(lambda: client.poll() is not None, 30, what="the refused desktop client to exit")
    check("RemoteApp windows only (--rdp-mode=rail)" in comp.read_log(), "no refusal logged for a desktop")
    check(host.screen().count_distinct() == 1, "pixels reached a refused client")
    comp.stop()


def test_exec_starts_only_allowed_programs(procs):
    comp, port = start(procs, ["--rdp-rail-exec=" + WAYLAND_CLIENT + " , other-program"])
    host = Host(procs)
    client = host.connect(port, app=WAYLAND_CLIENT)
    w = comp.wait_window(lambda w: w["app_id"] == "org.porthole.test", 30, "the program /app: named")
    hw = HostWindows(host)
    host_window(hw, w["id"])
    check("started \"%s\"" % WAYLAND_CLIENT in comp.read_log(), "no start logged")
    procs.stop(client)
    client = host.connect(port, app="/bin/false")
    wait_until(lambda: client.poll() is not None, 30, what="a client asking for a forbidden program to stop")
    check("which [rdp] rail-exec does not allow" in comp.read_log(), "no refusal logged for the exec")
    check(comp.alive(), "compositor died")
    comp.stop()


def test_pointer_image_follows_the_app(procs):
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "pointer", "--width", "200", "--height", "150", "--cursor"])
    w = comp.wait_window(lambda w: w["title"] == "pointer")
    comp.cli("window", str(w["id"]), "move", "100", "100")
    host, hw, _ = connect_app(procs, comp, port)
    win = host_window(hw, w["id"])
    wait_geometry(hw, comp, w["id"], "host window in place")
    x, y, _, _ = hw.geometry(win)
    host.xdotool("mousemove", "--sync", str(x + 50), str(y + 50))
    try:
        wait_until(host.shows_test_pointer, 15, 0.2, "the app's pointer image on the host")
        # the app hides its pointer (a click), then shows the same image again
        host.xdotool("click", "1")
        wait_until(lambda: all(p >> 24 == 0 for p in host.pointer_image()[4]), 10, 0.2,
                   "the hidden pointer on the host")
        host.xdotool("click", "1")
        wait_until(host.shows_test_pointer, 10, 0.2, "the app's pointer image back on the host")
    except TestFailure as e:
        raise TestFailure("%s; host pointer %dx%d hotspot %d,%d; peer %s" % (
            (e,) + host.pointer_image()[:4] + (first_peer(comp),)))
    peer = first_peer(comp)
    check(peer["pointers_new"] == 1 and peer["pointers_cached"] >= 1,
          "the image went out %d times, came from the client's cache %d times: want once, then cached" %
          (peer["pointers_new"], peer["pointers_cached"]))
    # the output itself carries no pointer: the window's pixels stay the app's
    wait_pixels(host, hw, comp, w["id"], "window pixels under the pointer")
    comp.stop()


def test_libreoffice_menus_on_a_bare_host_and_under_a_window_manager(procs):
    """A user of LibreOffice Writer (X11) sees its icon on the host, opens its Format menu from
    the keyboard, then the Spacing submenu beside it, and closes both with Escape: each menu is its
    own host window, whole on the host screen, with Writer's pixels, and xfreerdp lives through
    it, on a bare host (what `porthole connect` asks for when it finds no window manager) as
    under openbox."""
    for wm in ("none", "openbox"):
        comp, port = start(procs, ["--width=1024", "--height=768"], xwayland=True)
        profile = tempfile.mkdtemp(prefix="porthole-lo-")
        procs.dirs.append(profile)
        comp.client(["lowriter", "--norestore", "--nologo", "-env:UserInstallation=file://" + profile],
                    log=os.path.join(comp.runtime_dir, "writer.log"))
        writer = comp.wait_window(lambda w: "LibreOffice Writer" in w["title"], 120, "LibreOffice Writer's window")
        host, hw, client = connect_app(procs, comp, port, wm=wm, extra=["/gfx"],
                                       app="porthole host-without-window-manager" if wm == "none" else "porthole")
        win = host_window(hw, writer["id"])
        wait_geometry(hw, comp, writer["id"], "Writer in place on the host (%s)" % wm)
        # its WM_CLASS is its app id, and names the .desktop file of its icon (its program,
        # soffice.bin, names none)
        wait_until(lambda: state_of(comp, writer["id"])["app_id"] == "libreoffice-writer", 10, 0.1,
                   "Writer's class as its app id")
        wait_until(lambda: (host_icon(hw, writer["id"]) or (0, 0, [0]))[2][16 * 32 + 16] != 0xFFA0D8F0, 10,
                   0.1, "Writer's own icon on the host")
        check_icon_is(host_icon(hw, writer["id"]), "/usr/share/icons/hicolor/32x32/apps/libreoffice-writer.png",
                      "Writer's host icon")
        _, _, width, height = output_rects(comp)[0]
        host.xdotool("windowfocus", "--sync", str(win.id))
        wait_until(lambda: state_of(comp, writer["id"])["focused"], 10, what="Writer focused from the host")
        time.sleep(1)  # Writer settles its toolbars once focused
        opened = []
        for keys, what in ((["alt+o"], "the Format menu"), (["Down", "Right"], "the Spacing submenu")):
            for key in keys:
                host.xdotool("key", key)
                time.sleep(1)  # Writer moves its menu's highlight before it takes the next key
            def new_menus():
                return [rid for rid in hw.mapped() if rid >= POPUP_ID_BASE and rid not in opened]
            wait_until(lambda: new_menus() or client.poll() is not None, 10, 0.1,
                       "%s on the host (%s)" % (what, wm))
            check(client.poll() is None, "xfreerdp died as %s opened: %s" % (what, host.client_log()[-1500:]))
            menu = new_menus()[0]
            opened.append(menu)
            x, y, mw, mh = hw.geometry(hw.mapped()[menu])
            print("# %s (%s): %dx%d at %d,%d" % (what, wm, mw, mh, x, y), flush=True)
            check(mw > 50 and mh > 50, "%s's host window is %dx%d" % (what, mw, mh))
            check(x >= 0 and y >= 0 and x + mw <= width and y + mh <= height,
                  "%s at %d,%d, %dx%d leaves the %dx%d host screen" % (what, x, y, mw, mh, width, height))
            if wm != "none":  # a window manager must leave menus alone
                check(hw.mapped()[menu].get_attributes().override_redirect,
                      "%s's host window is managed, not a menu" % what)
            wait_region(host, comp, (x, y, mw, mh), "%s's pixels on the host (%s)" % (what, wm))
        for _ in opened:
            host.xdotool("key", "Escape")
            time.sleep(0.3)
        wait_until(lambda: not [rid for rid in hw.all() if rid >= POPUP_ID_BASE], 10,
                   what="the closed menus to leave the host (%s)" % wm)
        check(writer["id"] in hw.mapped(), "Writer's host window went with its menus")
        wait_pixels(host, hw, comp, writer["id"], "Writer after its menus closed (%s)" % wm, allowed=BLINK_PIXELS)
        check(client.poll() is None, "xfreerdp exited: %s" % host.client_log()[-1500:])
        check(not client_decode_errors(host), "xfreerdp could not decode: %s" % client_decode_errors(host)[:3])
        procs.stop(client)
        comp.stop()


def client_decode_errors(host):
    """Lines where xfreerdp says it could not handle what the server sent."""
    return [line for line in host.client_log().splitlines() if "failed with error" in line]


# A text cursor, 2x18 px, may blink between the compositor's shot and the host's (a
# second apart); a frozen picture misses whole words (~1,500 px)
BLINK_PIXELS = 60


def typing_page(procs, comp, title, browser):
    """A page titled @title whose focused <input> sets the title to what is typed, and an empty
    profile directory for @browser: their paths."""
    page = os.path.join(comp.runtime_dir, title + ".html")
    with open(page, "w") as f:
        f.write('<html><head><title>%s</title></head><body style="margin:40px">'
                '<input autofocus size=30 oninput="document.title=this.value"></body></html>' % title)
    profile = tempfile.mkdtemp(prefix="porthole-%s-" % browser)
    procs.dirs.append(profile)
    return page, profile


def test_text_cursors_in_real_apps_keep_the_picture_alive(procs):
    """Chromium with a focused <input> and LibreOffice Writer, typed into through the same client
    flags as `porthole connect` (/app, /gfx): their blinking text cursors are 1-2 px wide damage,
    which once made xfreerdp drop the graphics pipeline and froze the host picture for good."""
    comp, port = start(procs, ["--width=1024", "--height=768"], xwayland=True)
    page, profile = typing_page(procs, comp, "caret", "chromium")
    # root needs --no-sandbox; the rest keeps it off the (closed) network
    comp.client(["chromium", "--no-sandbox", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-gpu", "--user-data-dir=" + profile,
                 "--window-size=600,300", "--app=file://" + page], log=os.path.join(comp.runtime_dir, "chromium.log"))
    browser = comp.wait_window(lambda w: w["title"] == "caret" and w["kind"] == "x11", 60, "chromium's window")
    office_profile = tempfile.mkdtemp(prefix="porthole-lo-")
    procs.dirs.append(office_profile)
    comp.client(["lowriter", "--norestore", "--nologo", "-env:UserInstallation=file://" + office_profile],
                log=os.path.join(comp.runtime_dir, "writer.log"))
    writer = comp.wait_window(lambda w: "LibreOffice Writer" in w["title"], 120, "LibreOffice Writer's window")
    comp.cli("window", str(browser["id"]), "move", "400", "420")
    host, hw, _ = connect_app(procs, comp, port, extra=["/gfx"])
    # Writer first: it comes up behind, then the browser on top where the caret blinks
    for w, text in ((writer, "Typing into Writer"), (browser, "hello caret")):
        win = host_window(hw, w["id"])
        wait_geometry(hw, comp, w["id"], "%s in place on the host" % w["title"])
        host.xdotool("windowfocus", "--sync", str(win.id))
        wait_until(lambda: state_of(comp, w["id"])["focused"], 10, what="%s focused from the host" % w["title"])
        before = comp.screenshot(window=w["id"])
        time.sleep(3)  # a few blinks of the text cursor
        host.xdotool("type", "--delay", "60", text)
        wait_pixels(host, hw, comp, w["id"], "%s after typing" % w["title"], allowed=BLINK_PIXELS)
        after = comp.screenshot(window=w["id"])
        check((before.width, before.height) != (after.width, after.height) or image_diff(before, after, 2)[0] > 100,
              "the typed text does not show in %s" % w["title"])
    wait_until(lambda: state_of(comp, browser["id"])["title"] == "hello caret", 10, 0.2,
               "the typed text in chromium's <input>")
    time.sleep(2)  # the cursors blink on
    wait_pixels(host, hw, comp, browser["id"], "chromium a while after typing", allowed=BLINK_PIXELS)
    wait_until(lambda: first_peer(comp)["frame_acked"] == first_peer(comp)["frame_id"], 10, 0.2,
               "every frame acknowledged")
    peer = first_peer(comp)
    print("# %d frames sent, %d acknowledged" % (peer["frames_sent"], peer["frame_acked"]), flush=True)
    check(not client_decode_errors(host), "xfreerdp could not decode: %s" % client_decode_errors(host)[:3])
    check("acknowledged no frame" not in comp.read_log(), "the frames stalled")
    comp.stop()


def test_firefox_typed_into_from_the_host(procs):
    """firefox-esr as Debian starts it (Wayland where the session has it), a page with a
    focused <input>, typed into from the host through `porthole connect`'s client flags
    (/app, /gfx): the keys reach the page (its title follows the text), the caret blinks on,
    and the host shows the window as the compositor draws it."""
    comp, port = start(procs, ["--width=1024", "--height=768"], xwayland=True)
    page, profile = typing_page(procs, comp, "fox", "firefox")
    quiet_profile(profile)
    procs.start(["firefox-esr", "--no-remote", "--profile", profile, "file://" + page],
                env=dict(comp.env, HOME=profile), log=os.path.join(comp.runtime_dir, "firefox.log"))
    browser = comp.wait_window(lambda w: w["title"].startswith("fox"), 120, "firefox's window")
    print("# firefox-esr's window: %s, %dx%d" % (browser["kind"], browser["width"], browser["height"]),
          flush=True)
    host, hw, _ = connect_app(procs, comp, port, extra=["/gfx"])
    win = host_window(hw, browser["id"])
    wait_geometry(hw, comp, browser["id"], "firefox in place on the host")
    host.xdotool("windowfocus", "--sync", str(win.id))
    wait_until(lambda: state_of(comp, browser["id"])["focused"], 10, what="firefox focused from the host")
    host.xdotool("type", "--delay", "60", "hello fox")
    wait_until(lambda: state_of(comp, browser["id"])["title"].startswith("hello fox"), 20, 0.2,
               "the typed text in firefox's <input>")
    time.sleep(2)  # the caret blinks on
    wait_pixels(host, hw, comp, browser["id"], "firefox after typing", allowed=BLINK_PIXELS)
    check(not client_decode_errors(host), "xfreerdp could not decode: %s" % client_decode_errors(host)[:3])
    check("acknowledged no frame" not in comp.read_log(), "the frames stalled")
    comp.stop()


if __name__ == "__main__":
    only = sys.argv[1:]  # case names, to run a few while debugging
    cases = [test_each_window_is_its_own_host_window, test_typing_and_clicking_reach_the_apps,
         test_host_moves_resizes_minimizes_maximizes_and_closes,
         test_quick_host_changes_end_where_the_host_left_the_window,
         test_every_stacking_order_repaints_on_a_bare_host,
         test_every_stacking_order_repaints_under_a_window_manager, test_windows_on_a_second_host_monitor,
         test_app_started_move_and_resize_are_local_on_the_host, test_dragging_a_window_under_a_window_manager,
         test_gtk_window_resizes_from_its_visible_edge_on_the_host, test_popup_is_an_owned_host_window,
         test_gtk_context_menu_with_a_window_manager,
         test_gtk_context_menu_on_a_bare_host, test_gtk_menu_at_the_screen_corner_stays_on_the_host_screen,
         test_app_icons_come_from_the_apps_desktop_files, test_host_taskbar_gets_each_windows_app_id,
         test_many_windows_at_once, test_reconnect_brings_every_window_back_through_the_pipeline,
         test_modes_refuse_the_other_kind_of_client,
         test_exec_starts_only_allowed_programs, test_pointer_image_follows_the_app,
         test_text_cursors_in_real_apps_keep_the_picture_alive, test_firefox_typed_into_from_the_host,
         test_libreoffice_menus_on_a_bare_host_and_under_a_window_manager]
    run([c for c in cases if not only or c.__name__ in only])
