#!/usr/bin/env python3
"""The RAIL shell's window policy, driven through real clients and synthetic input."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from compositor_harness import Compositor  # noqa: E402
from locations import WAYLAND_CLIENT, X11_CLIENT  # noqa: E402
from tap import check, run, wait_until  # noqa: E402

BTN_LEFT = 0x110
BTN_RIGHT = 0x111
KEY_A = 30


def start(procs, *args, **kw):
    return Compositor(procs, ["--width=800", "--height=600"] + list(args), **kw)


def open_window(comp, title, *extra):
    comp.client([WAYLAND_CLIENT, "--title", title] + list(extra))
    window = comp.wait_window(lambda w: w["title"] == title, what="window %r" % title)
    # a host can only click what it was shown: wait until the window has been drawn
    comp.screenshot()
    return window


def window(comp, wid):
    for w in comp.windows():
        if w["id"] == wid:
            return w
    return None


def click(comp, x, y):
    comp.cli("input", "move", str(x), str(y))
    comp.cli("input", "button", str(BTN_LEFT), "press")
    comp.cli("input", "button", str(BTN_LEFT), "release")


def test_cascade_and_titles(procs):
    comp = start(procs, "--config=/dev/null")
    a = open_window(comp, "first", "--app-id", "org.porthole.first")
    b = open_window(comp, "second", "--app-id", "org.porthole.second")
    check((a["x"], a["y"]) == (0, 0), "first window at %r" % ((a["x"], a["y"]),))
    check((b["x"], b["y"]) == (32, 32), "second window not cascaded: %r" % ((b["x"], b["y"]),))
    check(a["app_id"] == "org.porthole.first" and b["app_id"] == "org.porthole.second", "app ids %r" % comp.windows())
    check(b["focused"] and not window(comp, a["id"])["focused"], "newest window must have focus")
    check(a["kind"] == "wayland" and a["state"] == "normal", "window %r" % a)
    comp.stop()


def test_click_to_focus_and_keyboard_follows(procs):
    comp = start(procs)
    log_a = os.path.join(comp.runtime_dir, "keys-a")
    log_b = os.path.join(comp.runtime_dir, "keys-b")
    a = open_window(comp, "a", "--key-log", log_a)
    b = open_window(comp, "b", "--key-log", log_b)
    # b (32,32)-(232,182) overlaps a; click a where b does not cover it
    click(comp, 10, 10)
    wait_until(lambda: window(comp, a["id"])["focused"], 5, what="click to focus")
    check(not window(comp, b["id"])["focused"], "both windows focused")
    comp.cli("input", "key", str(KEY_A), "press")
    comp.cli("input", "key", str(KEY_A), "release")
    wait_until(lambda: os.path.exists(log_a) and open(log_a).read().split() == [str(KEY_A)], 5,
               what="key to reach the clicked window")
    check(not os.path.exists(log_b) or open(log_b).read() == "", "key went to the other window")
    # activation from outside (the host, later) moves keyboard focus too
    comp.cli("window", str(b["id"]), "activate")
    comp.cli("input", "key", str(KEY_A + 1), "press")
    comp.cli("input", "key", str(KEY_A + 1), "release")
    wait_until(lambda: os.path.exists(log_b) and open(log_b).read().split() == [str(KEY_A + 1)], 5,
               what="key to reach the activated window")
    # a raised window is drawn on top: the overlap shows b's red quadrant
    shot = comp.screenshot()
    check(shot.pixel(40, 40) == (0xe0, 0x10, 0x10), "activated window is not on top")
    comp.stop()


def test_maximize_fullscreen_minimize_restore(procs):
    comp = start(procs)
    w = open_window(comp, "states")
    comp.cli("window", str(w["id"]), "maximize")
    m = wait_until(lambda: (lambda x: x if x["width"] == 800 else None)(window(comp, w["id"])), 5,
                   what="maximized size")
    check(m["state"] == "maximized" and (m["x"], m["y"], m["height"]) == (0, 0, 600), "maximized: %r" % m)
    comp.cli("window", str(w["id"]), "unmaximize")
    r = wait_until(lambda: (lambda x: x if x["width"] == 200 else None)(window(comp, w["id"])), 5,
                   what="restored size")
    check(r["state"] == "normal" and (r["x"], r["y"], r["height"]) == (0, 0, 150), "restored: %r" % r)
    comp.cli("window", str(w["id"]), "fullscreen")
    f = wait_until(lambda: (lambda x: x if x["height"] == 600 else None)(window(comp, w["id"])), 5,
                   what="fullscreen size")
    check(f["state"] == "fullscreen", "fullscreen: %r" % f)
    shot = comp.screenshot()
    check(shot.pixel(799, 599) == (0xf0, 0xf0, 0xf0), "fullscreen window does not cover the output")
    comp.cli("window", str(w["id"]), "restore")
    wait_until(lambda: window(comp, w["id"])["width"] == 200, 5, what="restore from fullscreen")
    comp.cli("window", str(w["id"]), "minimize")
    check(window(comp, w["id"])["state"] == "minimized", "not minimized")
    check(not window(comp, w["id"])["focused"], "minimized window kept focus")
    shot = comp.screenshot()
    check(shot.pixel(10, 10) == (0, 0, 0), "minimized window still drawn")
    comp.cli("window", str(w["id"]), "activate")
    check(window(comp, w["id"])["state"] == "normal" and window(comp, w["id"])["focused"], "not restored")
    comp.stop()


def test_client_requested_states(procs):
    comp = start(procs)
    m = open_window(comp, "wants-max", "--maximize")
    m = wait_until(lambda: (lambda x: x if x["width"] == 800 else None)(window(comp, m["id"])), 5,
                   what="client maximize")
    check(m["state"] == "maximized" and (m["x"], m["y"]) == (0, 0), "client maximize: %r" % m)
    f = open_window(comp, "wants-full", "--fullscreen")
    f = wait_until(lambda: (lambda x: x if x["height"] == 600 else None)(window(comp, f["id"])), 5,
                   what="client fullscreen")
    check(f["state"] == "fullscreen", "client fullscreen: %r" % f)
    comp.stop()


def test_interactive_move(procs):
    comp = start(procs)
    w = open_window(comp, "mover", "--move-on-click")
    comp.cli("input", "move", "50", "50")
    comp.cli("input", "button", str(BTN_LEFT), "press")
    time.sleep(0.2)  # the client answers the press with xdg_toplevel.move
    for x in range(60, 260, 20):
        comp.cli("input", "move", str(x), str(x - 20))
    comp.cli("input", "button", str(BTN_LEFT), "release")
    moved = window(comp, w["id"])
    check((moved["x"], moved["y"]) == (w["x"] + 190, w["y"] + 170), "moved to %r" % ((moved["x"], moved["y"]),))
    # after release the pointer no longer drags the window
    comp.cli("input", "move", "400", "400")
    check((window(comp, w["id"])["x"]) == moved["x"], "window still follows the pointer")
    comp.stop()


def test_interactive_resize(procs):
    comp = start(procs)
    # xdg_toplevel resize edge 10 = bottom right
    w = open_window(comp, "resizer", "--resize-on-click", "10")
    comp.cli("input", "move", "190", "140")
    comp.cli("input", "button", str(BTN_LEFT), "press")
    time.sleep(0.2)
    comp.cli("input", "move", "290", "190")
    comp.cli("input", "button", str(BTN_LEFT), "release")
    r = wait_until(lambda: (lambda x: x if x["width"] == 300 else None)(window(comp, w["id"])), 5,
                   what="resize to 300x200")
    check(r["height"] == 200 and (r["x"], r["y"]) == (w["x"], w["y"]), "resized: %r" % r)
    comp.stop()


def test_popup_and_dialog_placement(procs):
    comp = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "parent", "--width", "400", "--height", "300", "--dialog", "--popup"])
    parent = comp.wait_window(lambda w: w["title"] == "parent", what="parent")
    dialog = comp.wait_window(lambda w: w["title"] == "porthole dialog", what="dialog")
    check(dialog["parent"] == parent["id"], "dialog not transient for its parent: %r" % dialog)
    # centred on the parent: 400x300 at (0,0) -> 100x80 at (150,110)
    check((dialog["x"], dialog["y"]) == (150, 110), "dialog at %r" % ((dialog["x"], dialog["y"]),))
    check(dialog["focused"], "dialog not focused")
    # raising the parent keeps the dialog above it
    comp.cli("window", str(parent["id"]), "activate")
    shot = comp.screenshot()
    check(shot.pixel(160, 120) == (0x80, 0x40, 0xc0), "dialog hidden behind its parent")
    check(shot.pixel(30, 30) == (0xff, 0xe0, 0x00), "popup not at (20,20) of its parent")
    check(not any(w["title"] == "" for w in comp.windows()), "popup listed as a window")
    comp.stop()


def test_menus_stay_on_the_output(procs):
    """A 120x60 menu opened at the pointer near the output's bottom-right corner (a 400x300
    window at 400,300 of 800x600, clicked at its 380,280) is kept on the output as its
    positioner's constraint adjustments ask: flipped above-left of the pointer, slid against
    the corner, or cut to what shows; without adjustments it stays where it was asked."""
    cases = {"none": (381, 281, 120, 60), "flip": (260, 220, 120, 60),
             "slide": (280, 240, 120, 60), "resize": (381, 281, 19, 19),
             "flip,slide,resize": (260, 220, 120, 60)}
    comp = start(procs)
    for adjust, (x, y, w, h) in cases.items():
        log = os.path.join(comp.runtime_dir, "menu-%s.log" % adjust.replace(",", "-"))
        title = "menu " + adjust
        client = comp.client([WAYLAND_CLIENT, "--title", title, "--width", "400", "--height", "300",
                              "--menu-on-click", adjust], log=log)
        win = comp.wait_window(lambda w: w["title"] == title, what="window %r" % title)
        comp.cli("window", str(win["id"]), "move", "400", "300")
        comp.screenshot()  # drawn where it now is, so the click finds it
        click(comp, 780, 580)
        line = wait_until(lambda: [ln for ln in open(log).read().splitlines() if ln.startswith("popup ")],
                          10, what="the menu configured (%s)" % adjust)[-1]
        got = tuple(int(v) for v in line.split()[1:])
        check(got == (x, y, w, h), "%s: the menu at %r, expected %r" % (adjust, got, (x, y, w, h)))
        # on screen where configured: its far corner is yellow, inside the output
        gx, gy = 400 + x + w - 2, 300 + y + h - 2
        if gx < 800 and gy < 600:
            wait_until(lambda: comp.screenshot().pixel(gx, gy) == (0xff, 0xe0, 0x00), 10,
                       what="the %s menu's corner at %d,%d" % (adjust, gx, gy))
        procs.stop(client)
        wait_until(lambda: not [w for w in comp.windows() if w["title"] == title], 10, what="closed")
    comp.stop()


def changed_box(a, b):
    """The bounding box (x1, y1, x2, y2) of the pixels that differ between two screenshots, or None."""
    box = None
    for y in range(a.height):
        ra, rb = a.rows[y], b.rows[y]
        if ra == rb:
            continue
        xs = [x for x in range(a.width) if ra[3 * x:3 * x + 3] != rb[3 * x:3 * x + 3]]
        x1, x2 = xs[0], xs[-1] + 1
        box = (x1, y, x2, y + 1) if box is None else (min(box[0], x1), box[1], max(box[2], x2), y + 1)
    return box


def test_gtk_menu_flips_at_the_output_edge(procs):
    """A real GTK 3 app on Wayland: the context menu of an entry at the output's bottom-right
    corner opens above-left of the pointer, whole on the output (GTK asks for flip, slide and
    resize; libweston alone put it below-right, off the output)."""
    comp = start(procs)
    comp.procs.start(["gtk3-demo", "--run=entry_buffer"], env=dict(comp.env, GDK_BACKEND="wayland"))
    win = comp.wait_window(lambda w: w["title"] == "Entry Buffer", timeout=30, what="gtk3-demo's Entry Buffer")
    comp.cli("window", str(win["id"]), "move", str(800 - win["width"]), str(600 - win["height"]))
    time.sleep(1)  # GTK draws the moved window's focus and cursor
    before = comp.screenshot()
    # the lower entry runs along the window's bottom edge
    x, y = 800 - 40, 600 - 22
    comp.cli("input", "move", str(x), str(y))
    comp.cli("input", "button", str(BTN_RIGHT), "press")
    comp.cli("input", "button", str(BTN_RIGHT), "release")
    # above-left of the pointer (the other window's focus change lies elsewhere): the whole menu
    left, top = x - 300, y - 300

    def menu():
        box = changed_box(before.crop(left, top, 304, 304), comp.screenshot().crop(left, top, 304, 304))
        return box if box and box[3] - box[1] > 100 else None
    wait_until(menu, 10, what="GTK's context menu, taller than 100 px, above-left of the pointer")
    comp.stop()


def test_x11_transient_and_title(procs):
    comp = start(procs, xwayland=True)
    comp.client([X11_CLIENT, "--title", "x11 parent", "--transient"])
    parent = comp.wait_window(lambda w: w["title"] == "x11 parent", 30, "X11 parent")
    dialog = comp.wait_window(lambda w: w["title"] == "porthole x11 dialog", 30, "X11 dialog")
    check(parent["kind"] == "x11" and dialog["kind"] == "x11", "kinds %r" % comp.windows())
    check(dialog["parent"] == parent["id"], "X11 transient has no parent: %r" % dialog)
    # the dialog is centred on its parent (within a pixel of rounding)
    pc = (parent["x"] + parent["width"] / 2, parent["y"] + parent["height"] / 2)
    dc = (dialog["x"] + dialog["width"] / 2, dialog["y"] + dialog["height"] / 2)
    check(abs(pc[0] - dc[0]) <= 1 and abs(pc[1] - dc[1]) <= 1,
          "the X11 dialog is not centred on its parent: parent %r, dialog %r" % (parent, dialog))
    comp.cli("window", str(dialog["id"]), "close")
    comp.wait_no_window(lambda w: w["title"] in ("x11 parent", "porthole x11 dialog"), what="X11 client to close")
    comp.stop()


def test_x11_utility_window_is_a_toplevel_with_a_parent(procs):
    """A utility window transient for its app's main window (GIMP's toolbox and docks):
    listed with its parent, centred on it, focused by a click, moved where asked and
    closed with its app (libweston alone made it an unlisted, unfocusable transient)."""
    comp = start(procs, xwayland=True)
    comp.client([X11_CLIENT, "--title", "image window", "--utility"])
    parent = comp.wait_window(lambda w: w["title"] == "image window", 30, "the app's main window")
    tool = comp.wait_window(lambda w: w["title"] == "porthole x11 dialog", 30,
                            "the utility window in the window list")
    check(tool["parent"] == parent["id"], "the utility window has no parent: %r" % tool)
    pc = (parent["x"] + parent["width"] / 2, parent["y"] + parent["height"] / 2)
    tc = (tool["x"] + tool["width"] / 2, tool["y"] + tool["height"] / 2)
    check(abs(pc[0] - tc[0]) <= 1 and abs(pc[1] - tc[1]) <= 1,
          "the utility window is not centred on its parent: parent %r, utility %r" % (parent, tool))
    comp.cli("window", str(tool["id"]), "move", "400", "300")
    wait_until(lambda: (window(comp, tool["id"])["x"], window(comp, tool["id"])["y"]) == (400, 300), 5,
               what="the utility window to move")
    click(comp, parent["x"] + 5, parent["y"] + 5)
    wait_until(lambda: window(comp, parent["id"])["focused"], 5, what="the main window focused by a click")
    click(comp, 410, 310)
    wait_until(lambda: window(comp, tool["id"])["focused"], 5, what="the utility window focused by a click")
    comp.cli("window", str(parent["id"]), "close")
    comp.wait_no_window(lambda w: w["title"] in ("image window", "porthole x11 dialog"),
                        what="the app and its utility window to close")
    comp.stop()


def test_x11_windows_cascade(procs):
    """X11 windows that ask for no place (xterm, xeyes) cascade like Wayland ones,
    instead of all opening on top of each other at the same point."""
    comp = start(procs, xwayland=True)
    places = []
    for i, argv in enumerate((["xterm", "-T", "x0"], ["xterm", "-T", "x1"], ["xeyes", "-name", "x2"])):
        comp.client(argv)
        w = comp.wait_window(lambda w, i=i: w["kind"] == "x11" and len(comp.windows()) == i + 1 and
                             w["id"] == max(x["id"] for x in comp.windows()), 30, "X11 window %d" % i)
        places.append((w["x"], w["y"]))
    check(len(set(places)) == 3, "X11 windows share places: %r" % places)
    check(places[1][0] - places[0][0] == places[2][0] - places[1][0] > 0,
          "X11 windows do not cascade: %r" % places)
    comp.stop()


def test_output_resize_keeps_windows(procs):
    comp = start(procs)
    m = open_window(comp, "maxed", "--maximize")
    n = open_window(comp, "normal")
    wait_until(lambda: window(comp, m["id"])["width"] == 800, 5, what="maximized")
    comp.cli("output", "resize", "0", "1024", "700")
    outs = comp.cli("outputs")
    check('"width":1024,"height":700' in outs, "output not resized: %s" % outs)
    wait_until(lambda: window(comp, m["id"])["width"] == 1024 and window(comp, m["id"])["height"] == 700, 5,
               what="maximized window to follow the output")
    check(window(comp, n["id"]) is not None, "a window was lost on resize")
    shot = comp.screenshot()
    check((shot.width, shot.height) == (1024, 700), "screenshot %dx%d after resize" % (shot.width, shot.height))
    comp.cli("output", "add", "640", "480")
    outs = comp.cli("outputs").splitlines()
    check(len(outs) == 2 and '"x":1024' in outs[1], "second output not right of the first: %s" % outs)
    shot = comp.screenshot(output=1)
    check((shot.width, shot.height) == (640, 480), "second output shot %dx%d" % (shot.width, shot.height))
    comp.stop()


def test_shadowed_windows_resize_from_their_visible_edges(procs):
    """A GTK window draws its resize handles in its shadow, which a RemoteApp host
    window (cut to the window geometry) never shows: a press just inside its
    visible edge resizes it, and the app does not take that press as its own."""
    import shutil
    if not shutil.which("gtk3-demo"):
        return "skip gtk3-demo is not installed"
    comp = Compositor(procs, ["--width=1280", "--height=800"])
    comp.client(["gtk3-demo"])
    w = comp.wait_window(lambda w: w["app_id"] == "gtk3-demo", 30, "gtk3-demo")
    comp.cli("window", str(w["id"]), "move", "100", "100")
    time.sleep(1)  # its first frames, shadow and all
    w = window(comp, w["id"])
    comp.screenshot()
    right, middle_y = w["x"] + w["width"] - 2, w["y"] + w["height"] // 2

    def drag(x, y, dx):
        comp.cli("input", "move", str(x), str(y))
        comp.cli("input", "button", str(BTN_LEFT), "press")
        comp.cli("input", "move", str(x + dx), str(y))
        comp.cli("input", "button", str(BTN_LEFT), "release")
    drag(right, middle_y, 60)
    wait_until(lambda: window(comp, w["id"])["width"] == w["width"] + 60, 5,
               what="a drag at the right edge to widen the window by 60 (%r)" % window(comp, w["id"]))
    # the same drag in the middle of the window is the app's: no resize
    now = window(comp, w["id"])
    drag(now["x"] + now["width"] // 2, middle_y + 100, 60)
    time.sleep(0.5)
    check(window(comp, w["id"])["width"] == now["width"], "a press inside the window resized it")
    comp.stop()


def test_desktop_output_shrink_brings_windows_inside(procs):
    """Desktop mode: a window the output no longer holds whole comes back inside it
    (the user has no other way to reach its title bar)."""
    comp = start(procs, "--shell=desktop")
    w = open_window(comp, "near the edge", "--width", "200", "--height", "150")
    comp.cli("window", str(w["id"]), "move", "560", "400")
    wait_until(lambda: (window(comp, w["id"])["x"], window(comp, w["id"])["y"]) == (560, 400), 5, what="moved")
    comp.cli("output", "resize", "0", "640", "480")

    def inside():
        x = window(comp, w["id"])
        return x["x"] >= 0 and x["y"] >= 0 and x["x"] + x["width"] <= 640 and x["y"] + x["height"] <= 480
    wait_until(inside, 5, what="the window to come inside the 640x480 output: %r" % window(comp, w["id"]))
    comp.stop()


def test_output_layout_keeps_windows_on_some_output(procs):
    """A layout of several outputs (as an RDP client's monitors set it): outputs
    go exactly where it says; a window on a monitor that goes comes back."""
    comp = start(procs)
    w = open_window(comp, "on the right")
    comp.cli("output", "layout", "800x600+0+0", "640x480+800+60")
    outs = [json.loads(line) for line in comp.cli("outputs").splitlines()]
    check([(o["x"], o["y"], o["width"], o["height"]) for o in outs] == [(0, 0, 800, 600), (800, 60, 640, 480)],
          "outputs after the layout: %s" % outs)
    comp.cli("window", str(w["id"]), "move", "900", "200")
    wait_until(lambda: (window(comp, w["id"])["x"], window(comp, w["id"])["y"]) == (900, 200), 5,
               what="the window on the second output")
    shot = comp.screenshot(output=1)
    check((shot.width, shot.height) == (640, 480), "second output shot %dx%d" % (shot.width, shot.height))
    # the second monitor goes: the window comes back onto the first, whole
    comp.cli("output", "layout", "800x600+0+0")
    check(len(comp.cli("outputs").splitlines()) == 1, "outputs: %s" % comp.cli("outputs"))
    wait_until(lambda: window(comp, w["id"])["x"] + window(comp, w["id"])["width"] <= 800, 5,
               what="the window back on the first output: %s" % window(comp, w["id"]))
    # it comes again, the first monitor shrinks: the one set aside is used again, in place
    comp.cli("output", "layout", "640x480+0+0", "1024x768+640+0")
    outs = [json.loads(line) for line in comp.cli("outputs").splitlines()]
    check([(o["x"], o["y"], o["width"], o["height"]) for o in outs] == [(0, 0, 640, 480), (640, 0, 1024, 768)],
          "outputs after the third layout: %s" % outs)
    for bad, why in ((["800x600+0+0", "640x480+700+0"], "overlap"), (["0x600+0+0"], "outside"),
                     (["800x600"], "WxH+X+Y")):
        r = comp.cli_run("output", "layout", *bad)
        check(r.returncode != 0 and why in r.stderr, "layout %s: %d %s" % (bad, r.returncode, r.stderr))
    check(len(comp.cli("outputs").splitlines()) == 2, "a refused layout changed the outputs")
    comp.stop()


def test_click_right_after_a_move_reaches_the_moved_window(procs):
    """The host moves a window and clicks into it at once (a drag that ends, then a
    click): the click reaches the window where it now is and focuses it, while
    another app keeps every repaint a frame away (libweston's input used the scene
    of the last repaint, where the window was not yet: the click went to nothing)."""
    comp = start(procs)
    busy = open_window(comp, "busy", "--animate")
    presses = os.path.join(comp.runtime_dir, "presses")
    moved = open_window(comp, "moved", "--pointer-log", presses)
    # far apart, none over "busy" at 0,0 200x150: the window's last place never holds the click
    spots = [(300, 50), (520, 380), (60, 420), (560, 40), (280, 300)] * 4
    for n, (x, y) in enumerate(spots, 1):
        comp.cli("window", str(busy["id"]), "activate")
        comp.cli("window", str(moved["id"]), "move", str(x), str(y))
        click(comp, x + 20, y + 30)
        check(window(comp, moved["id"])["focused"],
              "click %d, at %d,%d right after the move, did not focus the window" % (n, x + 20, y + 30))
        wait_until(lambda: os.path.exists(presses) and len(open(presses).read().splitlines()) == n, 5,
                   what="press %d to reach the app" % n)
    check(set(open(presses).read().splitlines()) == {"20.00 30.00"},
          "presses reached the app elsewhere: %r" % open(presses).read().splitlines())
    comp.stop()


if __name__ == "__main__":
    run([test_cascade_and_titles, test_click_to_focus_and_keyboard_follows,
         test_maximize_fullscreen_minimize_restore, test_client_requested_states,
         test_interactive_move, test_interactive_resize, test_popup_and_dialog_placement,
         test_menus_stay_on_the_output, test_gtk_menu_flips_at_the_output_edge,
         test_x11_windows_cascade,
         test_x11_transient_and_title, test_x11_utility_window_is_a_toplevel_with_a_parent,
         test_output_resize_keeps_windows,
         test_desktop_output_shrink_brings_windows_inside, test_shadowed_windows_resize_from_their_visible_edges,
         test_output_layout_keeps_windows_on_some_output,
         test_click_right_after_a_move_reaches_the_moved_window])
