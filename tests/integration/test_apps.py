#!/usr/bin/env python3
"""Real Debian apps map in porthole-compositor and show in `porthole windows`.

Their pixels depend on fonts and themes, so they are checked by structure: the
window maps with the expected kind, title or app_id, a sane size, and a window
screenshot that is not blank.
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from compositor_harness import Compositor  # noqa: E402
from gimp import start_gimp  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402


def need(program):
    if not shutil.which(program):
        raise TestFailure("%s is not installed; run scripts/install-deps.sh" % program)


def expect_app(procs, argv, match, kind, xwayland=False, min_colors=2):
    need(argv[0])
    comp = Compositor(procs, xwayland=xwayland)
    try:
        app = comp.client(argv)
        window = comp.wait_window(lambda w: w["kind"] == kind and match(w), 30, "%s window" % argv[0])
        check(window["width"] >= 50 and window["height"] >= 30, "implausible size %r" % window)
        check(app.poll() is None, "%s exited with %s" % (argv[0], app.returncode))
        # The first frames may still be blank while the app lays itself out.
        shot = None
        for _ in range(50):
            shot = comp.screenshot(window=window["id"])
            if shot.count_distinct() >= min_colors:
                break
            procs_sleep()
        check((shot.width, shot.height) == (window["width"], window["height"]),
              "window shot %dx%d but window %dx%d" % (shot.width, shot.height, window["width"], window["height"]))
        check(shot.count_distinct() >= min_colors, "%s window is blank" % argv[0])
        check(window["focused"], "new window is not focused: %r" % window)
        procs.stop(app)
        comp.wait_no_window(lambda w: w["id"] == window["id"], what="%s window to close" % argv[0])
        check(comp.alive(), "compositor died")
    finally:
        comp.stop()


def procs_sleep():
    import time
    time.sleep(0.1)


def test_weston_simple_shm(procs):
    expect_app(procs, ["weston-simple-shm"], lambda w: w["title"] == "simple-shm", "wayland")


def test_weston_terminal(procs):
    expect_app(procs, ["weston-terminal", "--shell=/bin/sh"],
               lambda w: "weston-terminal" in w["app_id"] or w["title"], "wayland")


def test_gtk3_demo(procs):
    os.environ["GDK_BACKEND"] = "wayland"
    expect_app(procs, ["gtk3-demo"], lambda w: w["app_id"] == "gtk3-demo", "wayland")


def test_foot(procs):
    expect_app(procs, ["foot", "--override=shell=/bin/sh"], lambda w: w["app_id"] == "foot", "wayland")


def test_outputs_report_96_dpi(procs):
    """wl_output's physical size is 96 DPI (not the headless backend's 25), so
    DPI-aware apps pick readable sizes: weston-info reads it, Xwayland's screen
    says 96x96 dots per inch, and foot's character cells are 12-20 px tall."""
    import re
    import subprocess
    import time
    need("weston-info")
    need("foot")
    comp = Compositor(procs, ["--width=1024", "--height=768"], xwayland=True)
    info = subprocess.run(["weston-info"], env=comp.env, capture_output=True, text=True, timeout=20).stdout
    m = re.search(r"physical_width: (\d+) mm, physical_height: (\d+) mm", info)
    check(m, "weston-info shows no output geometry:\n" + info[-800:])
    mm = (int(m.group(1)), int(m.group(2)))
    check(mm == (270, 203), "the output is %dx%d mm for 1024x768 px, not 96 DPI" % mm)
    dpyinfo = subprocess.run(["xdpyinfo"], env=comp.env, capture_output=True, text=True, timeout=20).stdout
    check("resolution:    96x96 dots per inch" in dpyinfo,
          "Xwayland's resolution: %s" % re.findall(r"resolution:.*", dpyinfo))
    # a reverse-video line of text in foot: its height is the cell height
    foot = comp.client(["foot", "--override=shell=/bin/sh", "sh", "-c",
                        "printf '\\033[7m%s\\033[0m' MMMMMMMMMMMMMMMMMMMM; sleep 600"])
    w = comp.wait_window(lambda w: w["app_id"] == "foot", 30, "foot's window")
    rows, start = [], 0
    for _ in range(50):
        shot = comp.screenshot(window=w["id"])
        # the inverted cells: a band of the text colour in column 40
        column = [shot.pixel(min(40, shot.width - 1), y) for y in range(shot.height)]
        background = shot.pixel(shot.width - 5, shot.height - 5)
        rows = [y for y, p in enumerate(column) if p != background]
        # the last run of such rows: above it is foot's own title bar, which
        # foot draws before the text arrives (a run from the top, 26 px tall)
        start = rows[-1] if rows else 0
        while start - 1 in rows:
            start -= 1
        if start > 0:
            break
        time.sleep(0.1)
    check(rows, "no text in foot's window")
    height = rows[-1] - start + 1
    print("# foot's cell: %d px tall" % height, flush=True)
    check(12 <= height <= 20, "foot's cell is %d px tall at 96 DPI" % height)
    check(foot.poll() is None, "foot exited")
    comp.stop()


def test_xterm(procs):
    expect_app(procs, ["xterm", "-T", "porthole-xterm"], lambda w: w["title"] == "porthole-xterm",
               "x11", xwayland=True)


def test_xeyes(procs):
    expect_app(procs, ["xeyes"], lambda w: w["title"] == "xeyes", "x11", xwayland=True)


BTN_LEFT = 0x110


def test_gimp_toolbox_and_dock_are_windows(procs):
    """GIMP's toolbox and dock are X11 utility windows: each is listed, placed apart
    from the others, shows its pixels, takes the focus when clicked and moves where
    asked (libweston alone left them unmanaged: unlisted, unfocusable, unmovable)."""
    need("gimp")
    comp = Compositor(procs, xwayland=True)
    try:
        toolbox, dock, image = start_gimp(procs, comp)
        places = {(w["x"], w["y"]) for w in (toolbox, dock, image)}
        check(len(places) == 3, "GIMP's windows share places: %r" % ([toolbox, dock, image],))
        for w in (toolbox, dock):
            check(w["kind"] == "x11" and w["width"] >= 100 and w["height"] >= 100, "implausible %r" % w)
            wait_until(lambda: comp.screenshot(window=w["id"]).count_distinct() >= 3, 20, 0.3,
                       "%s drawn" % w["title"])
        # side by side, as a user arranges them, then each clicked
        for w, x in ((toolbox, 0), (dock, 250), (image, 560)):
            comp.cli("window", str(w["id"]), "move", str(x), "0")
            wait_until(lambda: [(v["x"], v["y"]) for v in comp.windows() if v["id"] == w["id"]] == [(x, 0)],
                       10, 0.1, "%s to move to %d,0" % (w["title"], x))
        for w, x in ((toolbox, 0), (dock, 250), (image, 560)):
            comp.cli("input", "move", str(x + w["width"] // 2), str(w["height"] // 2))
            comp.cli("input", "button", str(BTN_LEFT), "press")
            comp.cli("input", "button", str(BTN_LEFT), "release")
            try:
                wait_until(lambda: [v for v in comp.windows() if v["id"] == w["id"]][0]["focused"], 10, 0.1,
                           "%s focused by a click" % w["title"])
            except TestFailure as e:
                shell_log = [line for line in comp.read_log().splitlines() if "rail" in line]
                raise TestFailure("%s\nwindows: %r\nthe shell's last log lines:\n%s"
                                  % (e, comp.windows(), "\n".join(shell_log[-30:])))
        check(comp.alive(), "compositor died")
    finally:
        comp.stop()


if __name__ == "__main__":
    run([test_weston_simple_shm, test_weston_terminal, test_gtk3_demo, test_foot, test_outputs_report_96_dpi,
         test_xterm, test_xeyes, test_gimp_toolbox_and_dock_are_windows])
