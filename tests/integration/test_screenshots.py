#!/usr/bin/env python3
"""Headless screenshots compared with tests/reference/ under a per-channel fuzz.

Deterministic content only: the project's own Wayland and X11 test clients (the
same four quadrants), and weston-image showing a PNG shipped with the tests.
On a mismatch the shot and a diff PNG go to the artifacts folder next to the log.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from compositor_harness import Compositor  # noqa: E402
from images import compare_with_reference, image_diff, png_read, save_artifact  # noqa: E402
from locations import REFERENCE_DIR, WAYLAND_CLIENT, X11_CLIENT  # noqa: E402
from tap import TestFailure, check, run  # noqa: E402

QUADRANTS = [(0xe0, 0x10, 0x10), (0x10, 0xc0, 0x10), (0x10, 0x40, 0xe0), (0xf0, 0xf0, 0xf0)]


def wayland_scene(procs, renderer):
    """A 200x150 quadrant window with a yellow popup, on a 640x480 output."""
    comp = Compositor(procs, ["--renderer=" + renderer, "--width=640", "--height=480"])
    comp.client([WAYLAND_CLIENT, "--popup", "--title", "quadrants"])
    window = comp.wait_window(lambda w: w["title"] == "quadrants", what="test client window")
    # the popup maps right after the toplevel; wait until it is on screen
    for _ in range(100):
        shot = comp.screenshot()
        if shot.pixel(window["x"] + 25, window["y"] + 25) == (0xff, 0xe0, 0x00):
            break
    return comp, window, shot


def check_quadrants(image, x, y, w, h):
    for q, color in enumerate(QUADRANTS):
        # near each quadrant's outer corner: the popup covers (20,20)-(140,80)
        px = x + (4 if q % 2 == 0 else w - 5)
        py = y + (4 if q < 2 else h - 5)
        check(image.pixel(px, py) == color, "quadrant %d at %d,%d is %r, expected %r" % (
            q, px, py, image.pixel(px, py), color))


def test_wayland_client_output_pixman(procs):
    comp, window, shot = wayland_scene(procs, "pixman")
    check((shot.width, shot.height) == (640, 480), "output shot is %dx%d" % (shot.width, shot.height))
    check_quadrants(shot, window["x"], window["y"], 200, 150)
    compare_with_reference(shot, "wayland-client-output.png")
    comp.stop()


def test_wayland_client_window(procs):
    comp = Compositor(procs, ["--width=640", "--height=480"])
    comp.client([WAYLAND_CLIENT, "--title", "quadrants"])
    window = comp.wait_window(lambda w: w["title"] == "quadrants", what="test client window")
    shot = comp.screenshot(window=window["id"])
    check((shot.width, shot.height) == (200, 150), "window shot is %dx%d" % (shot.width, shot.height))
    check_quadrants(shot, 0, 0, 200, 150)
    compare_with_reference(shot, "wayland-client-window.png")
    comp.stop()


def test_gl_matches_pixman(procs):
    comp, _, pixman_shot = wayland_scene(procs, "pixman")
    comp.stop()
    try:
        comp, _, gl_shot = wayland_scene(procs, "gl")
    except TestFailure as e:
        if "compositor exited" in str(e) or "did not start" in str(e):
            return "skip GL renderer unavailable here: " + str(e).splitlines()[0]
        raise
    check("renderer: gl" in comp.read_log(), "GL renderer not in use")
    bad, diff = image_diff(gl_shot, pixman_shot, 2)
    if bad:
        save_artifact("gl-vs-pixman-gl.png", gl_shot)
        save_artifact("gl-vs-pixman-diff.png", diff)
        raise TestFailure("GL and pixman differ in %d pixels" % bad)
    compare_with_reference(gl_shot, "wayland-client-output.png")
    comp.stop()


def find_quadrant_box(image):
    """The bounding box of the test pattern's red quadrant, then the full pattern box."""
    xs, ys = [], []
    for y in range(image.height):
        row = image.rows[y]
        for x in range(image.width):
            if row[3 * x:3 * x + 3] == bytes(QUADRANTS[0]):
                xs.append(x)
                ys.append(y)
    check(xs, "no test pattern in the window")
    return min(xs), min(ys)


def test_x11_client_matches_wayland_client(procs):
    comp = Compositor(procs, ["--width=640", "--height=480"], xwayland=True)
    comp.client([X11_CLIENT, "--title", "x11 quadrants"])
    window = comp.wait_window(lambda w: w["title"] == "x11 quadrants" and w["kind"] == "x11",
                              30, "X11 test window")
    for _ in range(100):
        shot = comp.screenshot(window=window["id"])
        try:
            x, y = find_quadrant_box(shot)
            if shot.pixel(x + 150, y + 100) == QUADRANTS[3]:
                break
        except TestFailure:
            pass
    x, y = find_quadrant_box(shot)
    content = shot.crop(x, y, 200, 150)
    # Same pattern as the Wayland client draws: one reference serves both.
    compare_with_reference(content, "wayland-client-window.png")
    check(shot.width > 200 and shot.height > 150, "X11 window has no frame: %dx%d" % (shot.width, shot.height))
    comp.stop()


def best_offset(shot, expected, search_x, search_y):
    """The placement of expected inside shot that matches a sparse grid best."""
    best = None
    for oy in search_y:
        for ox in search_x:
            if ox + expected.width > shot.width or oy + expected.height > shot.height:
                continue
            bad = 0
            for y in range(1, expected.height - 1, 13):
                for x in range(1, expected.width - 1, 17):
                    a, b = shot.pixel(x + ox, y + oy), expected.pixel(x, y)
                    bad += max(abs(a[i] - b[i]) for i in range(3)) > 2
            if best is None or bad < best[0]:
                best = (bad, ox, oy)
    return best


def test_weston_image_shows_png(procs):
    """weston-image shows a shipped 400x300 gradient at 1:1; it centres it with a
    half-pixel offset and bilinear filtering, so the gradient is smooth and the
    outermost ring of pixels, blended with the frame, is left out."""
    source = os.path.join(REFERENCE_DIR, "weston-image-input.png")
    expected = png_read(source)
    comp = Compositor(procs, ["--width=800", "--height=600"])
    comp.client(["weston-image", source])
    window = comp.wait_window(lambda w: "weston-image-input.png" in w["title"], 20, "weston-image window")
    best = None
    for _ in range(50):
        shot = comp.screenshot(window=window["id"])
        best = best_offset(shot, expected, range(0, shot.width - expected.width + 1),
                           range(0, shot.height - expected.height + 1))
        if best and best[0] == 0:
            break
    check(best is not None and best[0] == 0, "the PNG is not shown 1:1 (best fit %r)" % (best,))
    _, ox, oy = best
    inner = expected.crop(1, 1, expected.width - 2, expected.height - 2)
    bad, diff = image_diff(shot.crop(ox + 1, oy + 1, inner.width, inner.height), inner, 2)
    if bad:
        save_artifact("weston-image-actual.png", shot)
        save_artifact("weston-image-diff.png", diff)
        raise TestFailure("weston-image shows the PNG with %d wrong pixels" % bad)
    comp.stop()


def test_desktop_mode_background(procs):
    config = os.path.join(os.environ.get("TMPDIR", "/tmp"), "porthole-desktop-%d.ini" % os.getpid())
    with open(config, "w") as f:
        f.write("[core]\nshell=desktop\n\n[shell]\nbackground-color=0xff204060\n")
    try:
        comp = Compositor(procs, ["--config=" + config, "--width=320", "--height=240"])
        comp.client([WAYLAND_CLIENT, "--title", "quadrants"])
        window = comp.wait_window(lambda w: w["title"] == "quadrants", what="test client window")
        shot = comp.screenshot()
        check(shot.pixel(310, 230) == (0x20, 0x40, 0x60), "background is %r" % (shot.pixel(310, 230),))
        check_quadrants(shot, window["x"], window["y"], 200, 150)
        compare_with_reference(shot, "desktop-mode-output.png")
        comp.stop()
    finally:
        os.unlink(config)


def translucent_case(procs, renderer):
    """A window with real alpha over an opaque one: what is beneath must show."""
    comp = Compositor(procs, ["--renderer=" + renderer, "--width=320", "--height=240"])
    comp.client([WAYLAND_CLIENT, "--title", "under", "--color", "2060a0"])
    comp.wait_window(lambda w: w["title"] == "under", what="window under")
    # several commits, as a live app makes: state declared at one commit applies at the next
    comp.client([WAYLAND_CLIENT, "--title", "over", "--color", "ff0000", "--alpha", "128", "--redraws", "5"])
    over = comp.wait_window(lambda w: w["title"] == "over", what="translucent window")
    time.sleep(0.5)
    check((over["x"], over["y"]) == (32, 32), "unexpected cascade %r" % over)
    shot = comp.screenshot()
    # premultiplied (128,0,0,128) over (0x20,0x60,0xa0): 128 + c * 127 / 255
    expected = (128 + 0x20 * 127 // 255, 0x60 * 127 // 255, 0xa0 * 127 // 255)
    got = shot.pixel(40, 40)
    check(all(abs(g - e) <= 2 for g, e in zip(got, expected)),
          "%s: translucent over opaque gives %r, expected %r" % (renderer, got, expected))
    check(shot.pixel(10, 10) == (0x20, 0x60, 0xa0), "the window beneath is wrong")
    comp.stop()


def test_translucent_window_pixman(procs):
    translucent_case(procs, "pixman")


def with_gl(case, procs):
    """Runs case(procs, "gl"); a skip where no GL renderer can start here."""
    try:
        return case(procs, "gl")
    except TestFailure as e:
        if "did not start" in str(e):
            return "skip GL renderer unavailable here"
        raise


def test_translucent_window_gl(procs):
    return with_gl(translucent_case, procs)


def damage_readback_case(procs, renderer):
    comp = Compositor(procs, ["--renderer=" + renderer, "--width=640", "--height=480"])
    comp.cli("capture", "start")
    a = comp.client([WAYLAND_CLIENT, "--title", "a", "--color", "3060a0"])
    comp.wait_window(lambda w: w["title"] == "a", what="window a")
    comp.client([WAYLAND_CLIENT, "--title", "b", "--popup"])
    b = comp.wait_window(lambda w: w["title"] == "b", what="window b")
    comp.cli("window", str(b["id"]), "move", "300", "200")
    procs.stop(a)
    comp.wait_no_window(lambda w: w["title"] == "a", what="window a to close")
    # Read the copy before any screenshot: a screenshot repaints the whole output,
    # which would hide a read-back that misses part of the damage.
    time.sleep(0.5)  # the last repaints settle; nothing animates
    path = os.path.join(comp.runtime_dir, "capture.png")
    comp.cli("capture", "png", path)
    captured = png_read(path)
    full = comp.screenshot()
    bad, diff = image_diff(captured, full, 0)
    if bad:
        save_artifact("readback-%s-captured.png" % renderer, captured)
        save_artifact("readback-%s-diff.png" % renderer, diff)
        raise TestFailure("%s: the damage read-back differs from the output in %d pixels" % (renderer, bad))
    stats = comp.cli("capture", "stats")
    check('"frames":0' not in stats, "nothing was read back: %s" % stats)
    comp.stop()


def test_damage_readback_matches_output_pixman(procs):
    damage_readback_case(procs, "pixman")


def test_damage_readback_matches_output_gl(procs):
    return with_gl(damage_readback_case, procs)


if __name__ == "__main__":
    run([test_wayland_client_output_pixman, test_wayland_client_window, test_gl_matches_pixman,
         test_x11_client_matches_wayland_client, test_weston_image_shows_png,
         test_desktop_mode_background, test_damage_readback_matches_output_pixman,
         test_damage_readback_matches_output_gl, test_translucent_window_pixman,
         test_translucent_window_gl])
