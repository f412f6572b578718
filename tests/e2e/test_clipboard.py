#!/usr/bin/env python3
"""The clipboard between the host and Linux apps, through a real client.

The host is an Xvfb screen with `xfreerdp +clipboard` on it; the host's
clipboard is used with xclip there. In the compositor, Wayland apps copy and
paste with wl-copy and wl-paste, X11 apps with xclip under Xwayland. Copies go
both ways as text (ASCII, non-ASCII, several lines), HTML and PNG, large ones
too, and nothing travels until someone pastes.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from images import png_read, png_write_rows  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402
from processes import read_text  # noqa: E402
from rdp_host import Host, first_peer, need, start  # noqa: E402

TEXTS = ["plain ascii, copied", "zy\u00e4\u00f6\u20ac \u6f22\u5b57", "line 1\nline 2\n\nline 4"]


class Clipboards:
    """A compositor with Xwayland, a host with xfreerdp +clipboard, and the
    tools each side copies and pastes with."""

    def __init__(self, procs, rail=False, args=()):
        need("wl-copy", "wl-paste", "xclip")
        self.procs = procs
        self.comp, self.port = start(procs, ["--debug=clipboard,rail"] + list(args), xwayland=True)
        self.host = Host(procs)
        self.rail = rail
        self.wl_copy_log = os.path.join(self.comp.runtime_dir, "wl-copy.log")
        self.wl_copies = []
        self.connect()

    def connect(self):
        before = self.comp.read_log().count("clipboard shared with")
        self.client = self.host.connect(self.port, app="porthole" if self.rail else None,
                                        extra=["+clipboard"])
        wait_until(lambda: self.comp.read_log().count("clipboard shared with") > before, 30,
                   what="the client's clipboard channel")
        # the client's first format list: from then on it takes the compositor's
        wait_until(lambda: "copied" in self.comp.read_log().split("clipboard shared with")[-1], 10,
                   what="the client's first format list")

    def wl_copy(self, data, mime=None):
        """A Wayland app's copy: wl-copy serving until something else is copied."""
        args = ["wl-copy", "--foreground"] + (["--type", mime] if mime else [])
        # its protocol trace, for a failure to show how far it got
        with open(self.wl_copy_log, "ab") as log:
            p = subprocess.Popen(args, env=dict(self.comp.env, WAYLAND_DEBUG="1"), stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=log)
        self.procs.procs.append(p)
        self.wl_copies.append(p)
        p.stdin.write(data)
        p.stdin.close()
        return p

    def wl_paste(self, mime=None, timeout=30):
        args = ["wl-paste", "--no-newline"] + (["--type", mime] if mime else [])
        r = subprocess.run(args, env=self.comp.env, capture_output=True, timeout=timeout)
        return r.stdout if r.returncode == 0 else None

    def x11_copy(self, data, target="UTF8_STRING"):
        return self._xclip_in(self.comp.env, data, target)

    def x11_paste(self, target="UTF8_STRING"):
        return self._xclip_out(self.comp.env, target)

    def host_copy(self, data, target="UTF8_STRING"):
        """The host's copy, once the client has announced it: a paste before that
        is of the copy before, and FreeRDP 2.11's client may then never answer."""
        before = self.comp.read_log().count("] %s copied" % "127.0.0.1")
        p = self._xclip_in(self.host.env, data, target)
        wait_until(lambda: self.comp.read_log().count("] 127.0.0.1 copied") > before, 10,
                   what="the client to announce the host's copy")
        return p

    def host_paste(self, target="UTF8_STRING", timeout=30):
        return self._xclip_out(self.host.env, target, timeout)

    def _xclip_in(self, env, data, target):
        # -quiet: in the foreground, serving until another copy takes the clipboard
        p = subprocess.Popen(["xclip", "-quiet", "-i", "-selection", "clipboard", "-t", target], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.procs.append(p)
        p.stdin.write(data)
        p.stdin.close()
        return p

    def _xclip_out(self, env, target, timeout=30):
        r = subprocess.run(["xclip", "-o", "-selection", "clipboard", "-t", target], env=env,
                           capture_output=True, timeout=timeout)
        return r.stdout if r.returncode == 0 else None

    def arrives(self, paste, data, what, timeout=20):
        """arrives(), and when it does not, what each side logged of the clipboard."""
        try:
            arrives(paste, data, what, timeout)
        except TestFailure as e:
            topics = ("clipboard", "selection", "focus", "window")
            server = [line for line in self.comp.read_log().splitlines() if any(t in line for t in topics)]
            client = self.host.client_log().splitlines()
            copies = ["%d %s" % (p.pid, "running" if p.poll() is None else "exited %s" % p.returncode)
                      for p in self.wl_copies]
            trace = read_text(self.wl_copy_log, missing="").splitlines()
            raise TestFailure("%s\nthe server's clipboard log, last lines:\n%s\nthe client's log, last lines:\n%s"
                              "\nwl-copy: %s; its protocol trace, last lines:\n%s"
                              % (e, "\n".join(server[-25:]), "\n".join(client[-10:]), ", ".join(copies),
                                 "\n".join(trace[-30:])))

    def counters(self):
        peer = first_peer(self.comp)
        return peer["clipboard"] if peer else None


def arrives(paste, data, what, timeout=20):
    last = [None]

    def same():
        last[0] = paste()
        return last[0] == data
    try:
        wait_until(same, timeout, 0.3, what)
    except TestFailure:
        raise TestFailure("%s: %r, not %r" % (what, (last[0] or b"")[:200], data[:200]))


def text_both_ways(procs, rail):
    c = Clipboards(procs, rail=rail)
    for text in TEXTS:
        data = text.encode()
        c.wl_copy(data)
        c.arrives(c.host_paste, data, "a Wayland app's copy %r pasted on the host" % text)
        c.host_copy(data)
        c.arrives(c.wl_paste, data, "the host's copy %r pasted in a Wayland app" % text)
        c.arrives(c.x11_paste, data, "the host's copy %r pasted in an X11 app" % text)
    # an X11 app's copy reaches the host too
    c.x11_copy("from xclip in X11".encode())
    c.arrives(c.host_paste, b"from xclip in X11", "an X11 app's copy pasted on the host")
    print("# clipboard counters: %s" % json.dumps(c.counters()), flush=True)
    # wl-copy and wl-paste copy and paste through data-control: no window of
    # theirs reaches the host (without it, each mapped a 1x1 one for the focus)
    windows = [line for line in c.comp.read_log().splitlines() if "map window" in line]
    check(not windows, "clipboard tools mapped windows:\n%s" % "\n".join(windows[:5]))
    check(c.comp.alive(), "the compositor died")
    c.comp.stop()


def test_text_both_ways_desktop(procs):
    text_both_ways(procs, rail=False)


def test_text_both_ways_remoteapp(procs):
    text_both_ways(procs, rail=True)


def small_png(path, seed):
    rows = [b"".join(bytes(((x * 7 + y * 3 + seed) & 0xff, (x * y + seed) & 0xff, (x + 2 * y) & 0xff))
                     for x in range(64)) for y in range(48)]
    png_write_rows(path, 64, 48, rows)
    with open(path, "rb") as f:
        return f.read()


def test_html_and_images_both_ways(procs):
    c = Clipboards(procs)
    html = "<b>bold</b> and <i>\u00e4\u20ac</i>".encode()
    c.wl_copy(html, "text/html")
    c.arrives(lambda: c.host_paste("text/html") and html in c.host_paste("text/html") and html, html,
              "a Wayland app's HTML on the host")
    c.host_copy(b"<p>from <u>the host</u></p>", "text/html")
    c.arrives(lambda: c.wl_paste("text/html"), b"<p>from <u>the host</u></p>", "the host's HTML in a Wayland app")
    # images: a PNG to the host, compared by its decoded pixels
    tmp = tempfile.mkdtemp(prefix="porthole-clip-")
    procs.dirs.append(tmp)
    path = os.path.join(tmp, "in.png")
    png = small_png(path, 1)
    c.wl_copy(png, "image/png")
    got = wait_until(lambda: (lambda d: d if d and d[:8] == png[:8] else None)(c.host_paste("image/png")), 20,
                     0.3, "a Wayland app's PNG on the host")
    a, b = decoded(tmp, got), decoded(tmp, png)
    check((a.width, a.height, a.rows) == (b.width, b.height, b.rows), "the PNG on the host has other pixels")
    # a bitmap from the host (CF_DIB on the way) arrives as the same BMP, and as a
    # PNG of the same pixels
    bmp = bmp_file(32, 16)
    c.host_copy(bmp, "image/bmp")
    c.arrives(lambda: c.wl_paste("image/bmp"), bmp, "a BMP from the host")
    got = wait_until(lambda: c.wl_paste("image/png"), 20, 0.3, "the host's bitmap as a PNG")
    image = decoded(tmp, got)
    check((image.width, image.height) == (32, 16), "the PNG is %dx%d" % (image.width, image.height))
    check(all(image.rows[y][3 * x:3 * x + 3] == bmp_pixel(x, 15 - y) for y in range(16) for x in range(32)),
          "the PNG made from the host's bitmap has other pixels")
    # FreeRDP 2.11's client offers a PNG-only copy but answers a failure for it:
    # the app's paste ends at once, empty, instead of hanging
    c.host_copy(png, "image/png")
    time.sleep(1)
    started = time.monotonic()
    check(not c.wl_paste("image/png"), "a PNG-only host copy was pasted (the client has learnt it?)")
    check(time.monotonic() - started < 5, "the failed paste took %.1f s" % (time.monotonic() - started))
    print("# clipboard counters: %s" % json.dumps(c.counters()), flush=True)
    c.comp.stop()


def decoded(tmp, png):
    path = os.path.join(tmp, "decode-%d.png" % time.monotonic_ns())
    with open(path, "wb") as f:
        f.write(png)
    return png_read(path)


def bmp_pixel(x, row):
    """The colour (RGB) of pixel x of BMP row @row (rows counted from the bottom)."""
    return bytes((0x80, row * 16 & 0xff, x * 8 & 0xff))


def bmp_file(width, height):
    """A 24-bit BMP: file header, BITMAPINFOHEADER, bottom-up rows of BGR padded to 4 bytes."""
    import struct
    stride = (width * 3 + 3) & ~3
    pixels = b"".join(bmp_pixel(x, y)[::-1] for y in range(height) for x in range(width))
    rows = [pixels[y * width * 3:(y + 1) * width * 3] + b"\0" * (stride - width * 3) for y in range(height)]
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, stride * height, 2835, 2835, 0, 0)
    body = info + b"".join(rows)
    return b"BM" + struct.pack("<IHHI", 14 + len(body), 0, 0, 14 + 40) + body


def test_copies_not_pasted_cost_nothing(procs):
    """Delayed rendering: only format lists travel until someone pastes."""
    c = Clipboards(procs)
    big = ("x" * 1023 + "\n").encode() * 5 * 1024  # 5 MB of text
    c.host_copy(big)
    wait_until(lambda: "copied" in c.comp.read_log().split("clipboard shared with")[-1].split("\n", 2)[-1],
               10, what="the host's copy to be announced")
    time.sleep(1)
    check(c.counters()["bytes_from_host"] == 0, "a host copy nobody pasted travelled: %r" % c.counters())
    c.wl_copy(big)
    time.sleep(2)
    check(c.counters()["bytes_to_host"] == 0, "a Linux copy nobody pasted travelled: %r" % c.counters())
    # pasted: it travels, once
    started = time.monotonic()
    c.arrives(c.host_paste, big, "5 MB of Linux text pasted on the host", 60)
    took = time.monotonic() - started
    counters = c.counters()
    print("# 5 MB of text to the host in %.2f s; %s" % (took, json.dumps(counters)), flush=True)
    check(counters["bytes_to_host"] >= 2 * len(big), "the host got %d bytes for %d characters"
          % (counters["bytes_to_host"], len(big)))
    c.comp.stop()


def noise_bmp(megabytes):
    """An incompressible 24-bit BMP of about @megabytes."""
    import struct
    side = int((megabytes * 1e6 / 3) ** 0.5) & ~3
    body = os.urandom(side * side * 3)
    info = struct.pack("<IiiHHIIiiII", 40, side, side, 1, 24, 0, len(body), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(body), 0, 0, 14 + 40) + info + body


def noise_png(path, megabytes):
    """An incompressible PNG of about @megabytes."""
    side = int((megabytes * 1e6 / 3) ** 0.5)
    rows = [os.urandom(side * 3) for _ in range(side)]
    png_write_rows(path, side, side, rows)
    with open(path, "rb") as f:
        return f.read()


def test_large_image_both_ways_keeps_the_compositor_responsive(procs):
    c = Clipboards(procs)
    tmp = tempfile.mkdtemp(prefix="porthole-clip-")
    procs.dirs.append(tmp)
    for direction in ("from the host", "to the host"):
        # a bitmap from the host (its client gives no PNG), a PNG to it. FreeRDP
        # 2.11's X11 client knows no INCR, the X way of passing big selections: it
        # fails (at once) a host copy beyond 1 MB from xclip, and dies (BadLength)
        # handing a host app more than 16 MB. So: 1 MB from the host, 12 MB to it.
        if direction == "from the host":
            image = noise_bmp(0.95)
            c.host_copy(image, "image/bmp")
            time.sleep(1)
            paste = lambda: c.wl_paste("image/bmp", timeout=120)  # noqa: E731
        else:
            image = noise_png(os.path.join(tmp, "big.png"), 12)
            c.wl_copy(image, "image/png")
            time.sleep(1)
            paste = lambda: c.host_paste("image/png", timeout=120)  # noqa: E731
        digest = hashlib.sha256(image).hexdigest()
        result, pings = {}, []

        def do_paste():
            started = time.monotonic()
            result["data"] = paste()
            result["took"] = time.monotonic() - started
        import threading
        t = threading.Thread(target=do_paste)
        t.start()
        # the compositor answers its control socket all along
        while t.is_alive():
            started = time.monotonic()
            c.comp.ping()
            pings.append(time.monotonic() - started)
            time.sleep(0.05)
        t.join()
        data = result.get("data") or b""
        check(hashlib.sha256(data).hexdigest() == digest,
              "the %.1f MB image %s arrived as %d bytes" % (len(image) / 1e6, direction, len(data)))
        pings.sort()
        print("# %.1f MB image %s: %.2f s (%.1f MB/s); control pings during it: median %.1f ms, max %.1f ms"
              % (len(image) / 1e6, direction, result["took"], len(image) / 1e6 / result["took"],
                 1000 * pings[len(pings) // 2], 1000 * pings[-1]), flush=True)
    c.comp.stop()


def test_the_limit_says_so(procs):
    c = Clipboards(procs, args=["--rdp-clipboard-max-mb=1"])
    # 0.9 MB of text from the host is 1.8 MB as the client sends it (UTF-16)
    c.host_copy(b"y" * 900000)
    time.sleep(1)
    check(c.wl_paste() in (b"", None), "a copy over the limit was pasted")
    wait_until(lambda: "over the limit" in c.comp.read_log(), 10, what="a log line about the limit")
    big = b"y" * (2 << 20)
    c.wl_copy(big)
    time.sleep(1)
    got = c.host_paste(timeout=30)
    check(not got, "a Linux copy over the limit reached the host (%d bytes)" % len(got or b""))
    # small copies still go
    c.wl_copy(b"small")
    c.arrives(c.host_paste, b"small", "a small copy after a big one")
    c.comp.stop()


class SilentHostOwner:
    """A host app that copies text but never hands it over when asked: it
    answers TARGETS, so the client announces the copy, and nothing else, so a
    paste of it waits on the client for ever."""

    def __init__(self, host):
        import threading
        from rdp_host import x_display
        self.d = x_display(host.display)
        self.window = self.d.screen().root.create_window(0, 0, 1, 1, 0, self.d.screen().root_depth)
        self.clipboard = self.d.intern_atom("CLIPBOARD")
        self.stopped = False
        self.window.set_selection_owner(self.clipboard, 0)
        self.d.sync()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        from Xlib import X, Xatom
        from Xlib.protocol import event as xevent
        targets = self.d.intern_atom("TARGETS")
        utf8 = self.d.intern_atom("UTF8_STRING")
        while not self.stopped:
            while self.d.pending_events():
                e = self.d.next_event()
                if e.type != X.SelectionRequest or e.target != targets:
                    continue  # the data itself: never
                e.requestor.change_property(e.property, Xatom.ATOM, 32, [targets, utf8])
                notify = xevent.SelectionNotify(time=e.time, requestor=e.requestor, selection=e.selection,
                                                target=e.target, property=e.property)
                e.requestor.send_event(notify)
                self.d.flush()
            time.sleep(0.05)

    def close(self):
        self.stopped = True
        self.thread.join()
        self.d.close()


def test_a_client_that_never_answers_ends_the_paste(procs):
    """The host's copy never comes: after the timeout the app reads an empty paste,
    with a log line, and the clipboard goes on working."""
    c = Clipboards(procs)
    owner = SilentHostOwner(c.host)
    try:
        wait_until(lambda: c.comp.read_log().count("copied") >= 2, 10, what="the silent copy to be announced")
        started = time.monotonic()
        got = c.wl_paste(timeout=40)
        took = time.monotonic() - started
        check(not got, "a paste of a copy never handed over gave %r" % got)
        check(5 < took < 20, "the paste ended after %.1f s, not the 10 s timeout" % took)
        check("did not answer a clipboard request" in c.comp.read_log(), "no log line about the timeout")
        print("# a paste the client never answers ends after %.1f s" % took, flush=True)
    finally:
        owner.close()
    c.host_copy(b"after the silence")
    c.arrives(c.wl_paste, b"after the silence", "a copy after a paste that timed out")
    c.comp.stop()


def test_client_leaves_mid_paste(procs):
    """The client goes while a Linux app waits for the host's data: the app gets
    the end of it, nothing hangs; after a reconnect the clipboard works again."""
    c = Clipboards(procs)
    owner = SilentHostOwner(c.host)
    try:
        wait_until(lambda: c.comp.read_log().count("copied") >= 2, 10, what="the silent copy to be announced")
        paster = subprocess.Popen(["wl-paste"], env=c.comp.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        procs.procs.append(paster)
        wait_until(lambda: "an app pastes" in c.comp.read_log(), 10, what="the paste to reach the server")
        procs.stop(c.client)
        started = time.monotonic()
        try:
            out, _ = paster.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            raise TestFailure("wl-paste still waits 20 s after the client left")
        print("# the app's paste ended %.2f s after the client left, with %d bytes"
              % (time.monotonic() - started, len(out)), flush=True)
        check(time.monotonic() - started < 5, "the paste ended only %.1f s after the client left"
              % (time.monotonic() - started))
    finally:
        owner.close()
    check(c.comp.alive(), "the compositor died")
    c.connect()
    c.host_copy(b"after the reconnect")
    c.arrives(c.wl_paste, b"after the reconnect", "a copy after the reconnect")
    c.wl_copy(b"and back")
    c.arrives(c.host_paste, b"and back", "a Linux copy after the reconnect")
    c.comp.stop()


def test_primary_selection_between_wayland_apps(procs):
    """Select in one Wayland app, middle-click paste in another: the primary
    selection is the compositor's own, apart from the clipboard, and follows the
    last app that selected."""
    from compositor_harness import Compositor
    need("wl-copy", "wl-paste")
    comp = Compositor(procs)

    def paste(*args):
        r = subprocess.run(["wl-paste", "--no-newline"] + list(args), env=comp.env, capture_output=True,
                           timeout=20)
        return r.stdout if r.returncode == 0 else None
    first = subprocess.Popen(["wl-copy", "--primary", "--foreground", "selected \u00e4"], env=comp.env)
    procs.procs.append(first)
    arrives(lambda: paste("--primary"), "selected \u00e4".encode(), "the primary selection in another app")
    check(paste() is None, "the clipboard got the primary selection")
    types = paste("--primary", "--list-types") or b""
    check(b"text/plain;charset=utf-8" in types, "the primary selection offers %r" % types)
    second = subprocess.Popen(["wl-copy", "--primary", "--foreground", "newer"], env=comp.env)
    procs.procs.append(second)
    arrives(lambda: paste("--primary"), b"newer", "a newer selection")
    wait_until(lambda: first.poll() is not None, 10, what="the first selection's app to be told it lost it")
    procs.stop(second)
    wait_until(lambda: not paste("--primary"), 10, what="the selection to go with its app")
    comp.stop()


if __name__ == "__main__":
    only = sys.argv[1:]
    cases = [test_text_both_ways_desktop, test_text_both_ways_remoteapp, test_html_and_images_both_ways,
             test_copies_not_pasted_cost_nothing, test_large_image_both_ways_keeps_the_compositor_responsive,
             test_the_limit_says_so, test_a_client_that_never_answers_ends_the_paste,
             test_client_leaves_mid_paste, test_primary_selection_between_wayland_apps]
    run([c for c in cases if not only or c.__name__ in only])
