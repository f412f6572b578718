#!/usr/bin/env python3
"""HiDPI through a real RDP client: xfreerdp /scale-desktop under Xvfb.

The client's desktop scale becomes the outputs' wl_output scale (the nearest
integer, the rest as DPI), so a Wayland app that honours it draws at 2x and
the host shows those pixels one for one: one-pixel columns stay one pixel
wide. Host pixels are global coordinates times the scale: RemoteApp windows
are placed and sized in them, and a click on a host pixel reaches the app at
that pixel's surface coordinate. X11 apps (Xwayland draws at scale 1) are
scaled by the compositor to the same size on the host.
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from host_windows import HostWindows  # noqa: E402
from images import image_diff, save_artifact  # noqa: E402
from locations import WAYLAND_CLIENT, X11_CLIENT  # noqa: E402
from rdp_host import Host, host_matches, need, start  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402


def outputs(comp):
    return [json.loads(line) for line in comp.cli("outputs").splitlines()]


def wait_scale(comp, scale, percent, what):
    def right():
        outs = outputs(comp)
        return outs and all(o["scale"] == scale and o["scale_percent"] == percent and o["enabled"]
                            for o in outs)
    try:
        wait_until(right, 20, 0.2, what)
    except TestFailure:
        raise TestFailure("%s: outputs are %s" % (what, comp.cli("outputs").strip()))


def click_lands_at(host, comp, log, window, host_x, host_y, want, what):
    """Clicks host pixel (host_x, host_y) and waits for the app to log the press at want."""
    host.xdotool("mousemove", "--sync", str(host_x), str(host_y))
    host.xdotool("click", "1")

    def logged():
        if not os.path.exists(log):
            return None
        lines = open(log).read().split("\n")
        return lines[-2] if len(lines) >= 2 else None
    got = wait_until(logged, 10, 0.1, what)
    x, y = (float(v) for v in got.split())
    check(abs(x - want[0]) < 0.01 and abs(y - want[1]) < 0.01,
          "%s: the app saw the press at %.2f,%.2f, want %.2f,%.2f" % (what, x, y, want[0], want[1]))


def stripes_are_crisp(shot, x, y, what):
    """The test client's --stripes at host pixel x, y (inside the top-left
    quadrant): neighbouring columns alternate, as the app drew them."""
    row = [shot.pixel(x + i, y) for i in range(8)]
    check(all(row[i] != row[i + 1] for i in range(7)) and row[0] == row[2] == row[4],
          "%s: columns %s are not one pixel each" % (what, ["%02x%02x%02x" % p for p in row]))


def test_desktop_at_200_percent(procs):
    """xfreerdp /scale-desktop:200 on an 800x600 desktop: outputs at scale 2
    (400x300 global, 96 DPI x 2 in millimetres); a scale-aware app draws at 2x
    and the host shows the compositor's pixels exactly; a click lands on the
    surface coordinate of the host pixel, to the half unit; the app's pointer,
    drawn at scale 1, is shown twice as large with its hotspot."""
    comp, port = start(procs)
    log = os.path.join(comp.runtime_dir, "presses")
    comp.client([WAYLAND_CLIENT, "--title", "crisp", "--scale-aware", "--stripes", "--pointer-log", log,
                 "--cursor"])
    w = comp.wait_window(lambda w: w["title"] == "crisp")
    comp.cli("window", str(w["id"]), "move", "40", "30")
    host = Host(procs)
    host.connect(port, size="800x600", extra=["/scale-desktop:200"])
    wait_scale(comp, 2, 200, "outputs at scale 2")
    out = outputs(comp)[0]
    check((out["width"], out["height"], out["global"]) == (800, 600, [0, 0, 400, 300]),
          "output %s, want 800x600 pixels, 400x300 global" % out)
    check(out["mm"] == [800 * 254 // 1920, 600 * 254 // 1920], "physical size %s, want 192 DPI" % out["mm"])
    host_matches(host, comp, "the host shows the scaled output")
    stripes_are_crisp(host.screen(), 80 + 10, 60 + 10, "a scale-2 surface on the host")
    wid = wait_until(host.rdp_window, 10, what="the xfreerdp window")
    host.xdotool("windowfocus", "--sync", wid)
    host.xdotool("mousemove", "--sync", str(80 + 25), str(60 + 35))
    try:
        wait_until(lambda: host.pointer_image()[:4] == (48, 40, 10, 14), 15, 0.2,
                   "the app's 24x20 pointer shown at 48x40, hotspot 10,14")
    except TestFailure:
        raise TestFailure("the host shows a %dx%d pointer with hotspot %d,%d, want 48x40 at 10,14"
                          % host.pointer_image()[:4])
    # host pixel 80 + 21 is global 40 + 10.5: half a unit, as the app's 2x buffer resolves it
    click_lands_at(host, comp, log, w, 80 + 21, 60 + 31, (10.5, 15.5), "a click at scale 2")
    comp.stop()


def contrast(row):
    """The spread of the red channel along a row of host pixels."""
    reds = [p[0] for p in row]
    return max(reds) - min(reds)


def test_an_app_unaware_of_the_scale_is_scaled_up(procs):
    """At 200 % a Wayland app that draws at scale 1 is shown at the same size as
    one that draws at 2 (the compositor scales it up), its one-pixel columns two
    pixels wide and, through libweston's bilinear filter, at lower contrast: the
    blur that scale-aware apps avoid. The figures go to the TAP log."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "unaware", "--stripes"])
    w = comp.wait_window(lambda w: w["title"] == "unaware")
    comp.cli("window", str(w["id"]), "move", "40", "30")
    comp.client([WAYLAND_CLIENT, "--title", "aware", "--stripes", "--scale-aware"])
    a = comp.wait_window(lambda w: w["title"] == "aware")
    comp.cli("window", str(a["id"]), "move", "40", "200")
    host = Host(procs)
    host.connect(port, size="800x600", extra=["/scale-desktop:200"])
    wait_scale(comp, 2, 200, "outputs at scale 2")
    host_matches(host, comp, "the host shows both apps at 200 %")
    shot = host.screen()
    unaware = [shot.pixel(80 + 10 + i, 60 + 10) for i in range(8)]
    aware = [shot.pixel(80 + 10 + i, 400 + 10) for i in range(8)]
    full = contrast(aware)
    print("# one-pixel columns at 200 %%: contrast %d of %d (%.0f %%) drawn at scale 1, %d drawn at scale 2"
          % (contrast(unaware), full, 100.0 * contrast(unaware) / full, full))
    check(all(unaware[i] == unaware[i + 1] for i in range(0, 8, 2)) and unaware[0] != unaware[2],
          "a scale-1 app's columns are not doubled: %s" % ["%02x%02x%02x" % p for p in unaware])
    sizes = [(x["width"], x["height"]) for x in comp.windows() if x["title"] in ("aware", "unaware")]
    check(len(set(sizes)) == 1, "the two apps differ in size: %s" % sizes)
    comp.stop()


def test_remoteapp_windows_at_200_percent(procs):
    """RemoteApp at 200 %: a Wayland window of 200x150 at 20,30 is a 400x300
    host window at 40,60 showing the app's own 2x pixels; a click inside lands
    where it should; an X11 window is twice its global size on the host."""
    comp, port = start(procs, ["--rdp-mode=rail"], xwayland=True)
    log = os.path.join(comp.runtime_dir, "presses")
    comp.client([WAYLAND_CLIENT, "--title", "rail crisp", "--scale-aware", "--stripes", "--pointer-log", log])
    w = comp.wait_window(lambda w: w["title"] == "rail crisp")
    comp.cli("window", str(w["id"]), "move", "20", "30")
    comp.client([X11_CLIENT, "--title", "x11 scaled", "--width", "160", "--height", "100"])
    xw = comp.wait_window(lambda w: w["title"] == "x11 scaled")
    comp.cli("window", str(xw["id"]), "move", "300", "30")
    host = Host(procs)
    hw = HostWindows(host)
    hw.advertise_ewmh()
    client = host.connect(port, app="porthole", extra=["/scale-desktop:200"])
    wait_until(lambda: "RemoteApp client ready" in comp.read_log() or client.poll() is not None, 30,
               what="the RemoteApp client to get ready")
    wait_scale(comp, 2, 200, "outputs at scale 2")
    xw = [x for x in comp.windows() if x["id"] == xw["id"]][0]
    check((xw["x"], xw["y"]) == (300, 30), "the X11 window is at %d,%d" % (xw["x"], xw["y"]))
    for wid, want in ((w["id"], (40, 60, 400, 300)), (xw["id"], (600, 60, 2 * xw["width"], 2 * xw["height"]))):
        try:
            wait_until(lambda: hw.mapped().get(wid) and hw.geometry(hw.mapped()[wid]) == want, 20, 0.2,
                       "host window %d at %s" % (wid, want))
        except TestFailure:
            win = hw.mapped().get(wid)
            raise TestFailure("host window %d is %s, want %s" % (wid, hw.geometry(win) if win else None, want))
    last = [None]

    def same():
        expected = comp.screenshot(window=w["id"])
        region = host.screen().crop(40, 60, 400, 300)
        if (expected.width, expected.height) != (400, 300):
            return False
        bad, diff = image_diff(region, expected, 2)
        last[0] = (bad, region)
        return bad == 0
    try:
        wait_until(same, 20, 0.3, "the host window shows the app's 2x pixels")
    except TestFailure:
        if last[0]:
            save_artifact("hidpi-host-window.png", last[0][1])
        raise
    stripes_are_crisp(host.screen(), 40 + 10, 60 + 10, "a scale-2 RemoteApp window")
    click_lands_at(host, comp, log, w, 40 + 101, 60 + 41, (50.5, 20.5), "a click in a RemoteApp window at 200 %")
    # a host resize to an odd size: the app takes half of it, rounded down, and
    # the host window follows to twice that
    win = hw.mapped()[w["id"]]
    host.xdotool("windowfocus", "--sync", str(win.id))
    hw.move(win, 40, 60, 441, 321)
    wait_until(lambda: (lambda s: (s["width"], s["height"]))([x for x in comp.windows() if x["id"] == w["id"]][0])
               == (220, 160), 10, what="the host's odd size, halved, to reach the app")
    wait_until(lambda: hw.geometry(win) == (40, 60, 440, 320), 10, 0.1,
               "the host window at twice the app's size after an odd host resize")
    comp.stop()


def test_fractional_and_configured_scales(procs):
    """140 % is scale 1 with 134 DPI; [output] scale=180 wins over the client's
    100 % and is scale 2; the physical size the client gives is the output's;
    the control socket's layout takes a scale; a monitor of odd size keeps the
    scale, its output a pixel smaller."""
    comp, port = start(procs)
    host = Host(procs)
    host.connect(port, size="800x600", extra=["/scale-desktop:140"])
    wait_scale(comp, 1, 140, "140 % at scale 1")
    check(outputs(comp)[0]["mm"] == [800 * 2540 // (96 * 140), 600 * 2540 // (96 * 140)],
          "physical size at 140 %%: %s" % outputs(comp)[0]["mm"])
    host_matches(host, comp, "the host at 140 %")
    comp.stop()

    config = os.path.join(tempfile.mkdtemp(prefix="porthole-ini-"), "porthole.ini")
    procs.dirs.append(os.path.dirname(config))
    with open(config, "w") as f:
        f.write("[output]\nscale=180\n")
    comp, port = start(procs, ["--config=" + config])
    host = Host(procs)
    host.connect(port, size="800x600", extra=["/pwidth:400", "/pheight:300"])
    wait_scale(comp, 2, 180, "[output] scale=180 over the client's 100 %")
    try:
        wait_until(lambda: [(o["width"], o["mm"]) for o in outputs(comp)] == [(800, [400, 300])], 20, 0.2,
                   "the client's /pwidth:400 /pheight:300 as the output's size in mm")
    except TestFailure:
        raise TestFailure("outputs: %s" % comp.cli("outputs").strip())
    host_matches(host, comp, "the host at the configured 180 %")
    comp.cli("output", "layout", "1024x768+0+0", "1024x768+1024+0", "scale=200")
    wait_until(lambda: [o["global"] for o in outputs(comp)] == [[0, 0, 512, 384], [512, 0, 512, 384]], 10, 0.2,
               "two outputs side by side at scale 2")
    # an odd size keeps the scale: the output is rounded down to whole global units
    comp.cli("output", "layout", "1023x767+0+0")
    wait_until(lambda: [(o["scale"], o["width"], o["height"], o["global"]) for o in outputs(comp)]
               == [(2, 1022, 766, [0, 0, 511, 383])], 10, 0.2, "1023x767 at scale 2 as 1022x766")
    comp.stop()


def test_resizing_the_client_keeps_the_scale(procs):
    """xfreerdp /dynamic-resolution /scale-desktop:200 through the graphics
    pipeline: dragging its window to 901x701 sends that layout at 200 %; the
    output takes 900x700 at scale 2 (450x350 global) and the host shows it."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "resized", "--scale-aware", "--stripes"])
    w = comp.wait_window(lambda w: w["title"] == "resized")
    comp.cli("window", str(w["id"]), "move", "30", "30")
    host = Host(procs)
    host.connect(port, extra=["/dynamic-resolution", "/gfx", "/scale-desktop:200"])
    wait_scale(comp, 2, 200, "outputs at scale 2")
    host_matches(host, comp, "the desktop at 200 % before the resize")
    wid = wait_until(host.rdp_window, 10, what="the xfreerdp window")
    host.xdotool("windowsize", wid, "901", "701")
    try:
        wait_until(lambda: [(o["scale"], o["width"], o["height"]) for o in outputs(comp)] == [(2, 900, 700)], 20,
                   0.2, "the output to follow the client's window at scale 2")
    except TestFailure:
        raise TestFailure("outputs after the resize: %s" % comp.cli("outputs").strip())
    host_matches(host, comp, "the desktop at 200 % after the resize")
    stripes_are_crisp(host.screen(), 60 + 10, 60 + 10, "a scale-2 surface after the resize")
    comp.stop()


def foot_size(procs, scale):
    """foot -W 80x24's window at [output] scale (None: 100 %), in host pixels."""
    comp, _ = start(procs, ["--scale=%d" % scale] if scale else [])
    comp.client(["foot", "-W", "80x24", "-T", "cells"])
    comp.wait_window(lambda w: w["title"] == "cells", 20, "foot's window")
    # foot sizes its window once its font is loaded at the output's DPI or scale
    time.sleep(1)
    w = [x for x in comp.windows() if x["title"] == "cells"][0]
    factor = outputs(comp)[0]["scale"]
    comp.stop()
    return w["width"] * factor, w["height"] * factor


def test_foot_sizes_its_text_for_the_scale(procs):
    """foot (DPI-aware at scale 1, scale-aware above) at 140 % reads 134 DPI from
    the output's physical size and draws its cells about 1.4x as large; at 200 %
    it draws at scale 2, about twice as large in host pixels."""
    need("foot")
    base = foot_size(procs, None)
    for scale, low, high in ((140, 1.25, 1.55), (200, 1.7, 2.3)):
        size = foot_size(procs, scale)
        ratios = (size[0] / base[0], size[1] / base[1])
        print("# foot -W 80x24 at %d %%: %dx%d host pixels, %.2fx and %.2fx of 100 %% (%dx%d)"
              % (scale, size[0], size[1], ratios[0], ratios[1], base[0], base[1]))
        check(all(low <= r <= high for r in ratios),
              "foot at %d %% is %.2fx by %.2fx of its 100 %% size, want %.2f..%.2f" % (scale, *ratios, low, high))


if __name__ == "__main__":
    run([test_desktop_at_200_percent, test_an_app_unaware_of_the_scale_is_scaled_up,
         test_remoteapp_windows_at_200_percent, test_fractional_and_configured_scales,
         test_resizing_the_client_keeps_the_scale, test_foot_sizes_its_text_for_the_scale])
