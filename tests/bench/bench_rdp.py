#!/usr/bin/env python3
"""RDP benchmarks, desktop mode: figures printed, never pass/fail.

Same run, same client (xfreerdp under Xvfb, identical flags), same workloads,
side by side: porthole-compositor --rdp-listen and Debian's
`weston --backend=rdp-backend.so --shell=desktop-shell.so` (which has no RAIL).
  workloads: full-window animations (1920x1080 unless --size) of noise and of a sliding
             video-like picture, a terminal-line band, foot scrolling `cat` of a large file,
             Chromium and firefox-esr scrolling a long page, a window dragged by the host's
             pointer, idle, and one terminal line every 100 ms for latency
  figures:   frames composited per second, frames the host saw (bursts of XDamage on
             the client's X screen, each burst one update the client drew), for porthole
             also the frames the client acknowledged (its peer statistics; Weston keeps
             none), server CPU ms per frame, bytes on the
             wire per frame (the connection's bytes_sent from ss), how busy the whole
             machine was meanwhile (server, client and app together) and the host's
             CPU ms per frame (xfreerdp and the X server it draws on), idle CPU and bytes;
             commit-to-last-byte latency p50/p99: the app's commit time against the
             last byte of the update that follows it, seen by a loopback relay the
             client connects through (the same relay for both servers)

Usage: bench_rdp.py [--size WxH] [--frames N] [--idle SECONDS] [--lines N]
                    [--client-flags "/gfx ..."] [--porthole-args "--rdp-codec=..."]
                    [--only "noise,video,terminal line,terminal scroll,web scroll,firefox scroll,
                            window drag,latency"]
"""
import argparse
import json
import os
import re
import select
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from locations import CLI, COMPOSITOR, WAYLAND_CLIENT  # noqa: E402
from processes import free_port  # noqa: E402
from firefox import quiet_profile  # noqa: E402
from measure import busy_percent, cpu_seconds, machine_jiffies, percentile, ratio  # noqa: E402

SIZE = (1920, 1080)  # the desktop and the animated window, unless --size
# the test client's animations, full screen: incompressible noise in every pixel, a video-like
# picture sliding as a whole, and a 16-row band (a terminal's line)
WORKLOADS = (("noise", []), ("video", ["--video"]), ("terminal line", ["--damage-band", "16"]))


def bytes_sent(port):
    """bytes_sent of the server side of the connection on @port (ss -tin)."""
    out = subprocess.run(["ss", "-tinH", "state", "established", "( sport = :%d )" % port],
                         capture_output=True, text=True).stdout
    m = re.search(r"bytes_sent:(\d+)", out)
    return int(m.group(1)) if m else 0


class Relay:
    """A loopback TCP relay between the client and the server that notes when
    each chunk from the server arrives (CLOCK_MONOTONIC ns, bytes)."""

    def __init__(self, server_port):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.server_port = server_port
        self.arrivals = []
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        client, _ = self.listener.accept()
        try:
            server = socket.create_connection(("127.0.0.1", self.server_port))
        except OSError:
            client.close()  # a server that takes no connection: nothing to relay
            self.stopping = True
            return
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, server)
        sel.register(server, selectors.EVENT_READ, client)
        while not self.stopping:
            for key, _ in sel.select(0.2):
                try:
                    data = key.fileobj.recv(1 << 20)
                    if data and key.fileobj is server:
                        self.arrivals.append((time.monotonic_ns(), len(data)))
                    if data:
                        key.data.sendall(data)
                except OSError:
                    data = b""  # either side went away: the rig is stopping
                if not data:
                    self.stopping = True
                    break
        client.close()
        server.close()

    def stop(self):
        self.stopping = True
        self.listener.close()


def latencies(commits, arrivals):
    """For each commit but the last, ms until the last byte that arrived before the next commit.
    (After the last, the app goes: what follows is its window being taken down.)"""
    out, missed = [], 0
    i = 0
    for start, end in zip(commits, commits[1:]):
        while i < len(arrivals) and arrivals[i][0] < start:
            i += 1
        last = None
        while i < len(arrivals) and arrivals[i][0] < end:
            last = arrivals[i][0]
            i += 1
        if last is None:
            missed += 1
        else:
            out.append((last - start) / 1e6)
    return out, missed


class Rig:
    """One RDP server (porthole or weston) on a free loopback port, and unless
    client_flags is None, an xfreerdp on a private Xvfb connected to it through
    a Relay."""

    def __init__(self, kind, size, client_flags, porthole_args=""):
        self.procs = []
        self.width, self.height = size
        self.displayfd = None
        try:
            self.start_server(kind, porthole_args)
            if client_flags is not None:
                self.start_client(client_flags)
        except BaseException:
            self.stop()  # nothing of a failed start outlives it
            raise

    def start_server(self, kind, porthole_args):
        W, H = self.width, self.height
        self.kind = kind
        self.tmp = tempfile.mkdtemp(prefix="porthole-benchrdp-")
        os.chmod(self.tmp, 0o700)
        self.port = free_port()
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.tmp, WAYLAND_DISPLAY="wayland-bench")
        log = open(os.path.join(self.tmp, "server.log"), "w")
        if kind == "porthole":
            pw = os.path.join(self.tmp, "pw")
            with open(pw, "w") as f:
                f.write("bench\n")
            os.chmod(pw, 0o600)
            argv = [COMPOSITOR, "--socket=wayland-bench", "--width=%d" % W, "--height=%d" % H,
                    "--rdp-listen=tcp:127.0.0.1:%d" % self.port, "--rdp-user=bench",
                    "--rdp-password-file=" + pw] + porthole_args.split()
        else:
            cert, key = os.path.join(self.tmp, "c.pem"), os.path.join(self.tmp, "k.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                            "-out", cert, "-days", "1", "-subj", "/CN=bench"], check=True,
                           capture_output=True)
            argv = ["weston", "--backend=rdp-backend.so", "--shell=desktop-shell.so",
                    "--socket=wayland-bench", "--width=%d" % W, "--height=%d" % H,
                    "--address=127.0.0.1", "--port=%d" % self.port, "--rdp-tls-cert=" + cert,
                    "--rdp-tls-key=" + key, "--idle-time=0"]
        self.server = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(self.server)
        self.wait(lambda: os.path.exists(os.path.join(self.tmp, "wayland-bench")), "Wayland socket")
        self.wait(lambda: ":%d " % self.port in subprocess.run(
            ["ss", "-tlnH", "( sport = :%d )" % self.port], capture_output=True, text=True).stdout + " ",
            "RDP listener")

    def start_display(self):
        """A private Xvfb of the desktop's size for clients; its name."""
        W, H = self.width, self.height
        r, w = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "%dx%dx24" % (W, H),
                                 "-noreset", "-nolisten", "tcp"], pass_fds=(w,), stderr=subprocess.DEVNULL)
        os.close(w)
        self.procs.append(xvfb)
        self.xvfb = xvfb
        self.displayfd = os.fdopen(r, "rb")
        display = ":" + self.displayfd.readline().decode().strip()
        self.wait(lambda: subprocess.run(["xdpyinfo", "-display", display], capture_output=True).returncode == 0,
                  "Xvfb")
        return display

    def start_xfreerdp(self, display, port, password="bench", client_flags="", log="client.log"):
        client = subprocess.Popen(["xfreerdp", "/v:127.0.0.1:%d" % port, "/u:bench", "/p:" + password,
                                   "/cert:ignore", "/size:%dx%d" % (self.width, self.height), "/bpp:32",
                                   "/log-level:ERROR"] + client_flags.split(),
                                  env=dict(os.environ, DISPLAY=display),
                                  stdout=open(os.path.join(self.tmp, log), "w"),
                                  stderr=subprocess.STDOUT)
        self.procs.append(client)
        return client

    def start_client(self, client_flags):
        display = self.start_display()
        self.display = display
        self.host_frames = HostFrames(display)
        self.relay = Relay(self.port)
        self.client = self.start_xfreerdp(display, self.relay.port, client_flags=client_flags)
        self.wait(lambda: bytes_sent(self.port) > 0, "the RDP connection")
        time.sleep(2)  # activation and the first full frame

    def host_cpu(self):
        """CPU seconds the host spent drawing: xfreerdp and its X server, which does the
        drawing xfreerdp asks of it (an image put and a copy for each order)."""
        return cpu_seconds(self.client.pid) + cpu_seconds(self.xvfb.pid)

    def wait(self, pred, what, timeout=20):
        deadline = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > deadline:
                logs = ""
                for name in ("server.log", "client.log"):
                    path = os.path.join(self.tmp, name)
                    if os.path.exists(path):
                        logs += "\n--- %s:\n%s" % (name, open(path, errors="replace").read()[-1500:])
                raise RuntimeError("%s: no %s%s" % (self.kind, what, logs))
            time.sleep(0.05)

    def frames_acked(self):
        """The last frame id the client acknowledged (porthole's peer statistics); None for weston,
        or when the peer is not listed."""
        if self.kind != "porthole":
            return None
        out = subprocess.run([CLI, "peers"], env=self.env, capture_output=True, text=True, timeout=20).stdout
        for line in out.splitlines():
            try:
                return json.loads(line)["frame_acked"]
            except (ValueError, KeyError):
                continue
        return None

    def acked_fps(self, a0, a1, seconds):
        return (a1 - a0) / seconds if a0 is not None and a1 is not None else float("nan")

    def animate(self, frames, extra):
        argv = [WAYLAND_CLIENT, "--animate", "--frames", str(frames), "--width", str(self.width),
                "--height", str(self.height),
                "--fullscreen", "--title", "bench"] + extra
        a0 = self.frames_acked()
        b0, c0, k0 = bytes_sent(self.port), cpu_seconds(self.server.pid), self.host_cpu()
        self.host_frames.start()
        j0 = machine_jiffies()
        out = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300).stdout
        busy = busy_percent(j0, machine_jiffies())
        time.sleep(0.5)  # the last frames leave the server
        seen = self.host_frames.stop()
        b1, c1, k1 = bytes_sent(self.port), cpu_seconds(self.server.pid), self.host_cpu()
        n, seconds = int(out.split()[1]), float(out.split()[3])
        host_fps = seen / (seconds + 0.5) if seen is not None else float("nan")
        return (n / seconds, (c1 - c0) * 1000 / n, (b1 - b0) / n, host_fps, busy, (k1 - k0) * 1000 / n,
                self.acked_fps(a0, self.frames_acked(), seconds + 0.5))

    def user_frames(self, run):
        """Runs run() (a workload whose app counts no frames of its own) and returns what animate
        does, counting the frames the host drew: fps, cpu ms/frame, bytes/frame, host fps."""
        a0 = self.frames_acked()
        b0, c0, k0 = bytes_sent(self.port), cpu_seconds(self.server.pid), self.host_cpu()
        self.host_frames.start()
        t0, j0 = time.monotonic(), machine_jiffies()
        run()
        seconds, busy = time.monotonic() - t0, busy_percent(j0, machine_jiffies())
        time.sleep(0.5)
        seen = self.host_frames.stop() or 0
        b1, c1, k1 = bytes_sent(self.port), cpu_seconds(self.server.pid), self.host_cpu()
        frames = max(seen, 1)
        return (seen / seconds, (c1 - c0) * 1000 / frames, (b1 - b0) / frames, seen / seconds, busy,
                (k1 - k0) * 1000 / frames, self.acked_fps(a0, self.frames_acked(), seconds))

    def terminal_scroll(self, lines, times=60):
        """foot, full screen, running cat of a large text file (times over: foot takes 6 MB in a
        third of a second) until it ends: about 8 s at 1024x768. Over the 2 s that 15 times took,
        the host's count of one build moved from 15 to 33 frames a second between runs (its X
        server stalls for 50 ms and more at times on a busy machine, and the frames it then
        catches up on run together)."""
        path = os.path.join(self.tmp, "text")
        with open(path, "w") as f:
            for i in range(lines):
                f.write("%07d %s\n" % (i, " ".join("w%x" % ((i * 7919 + k * 104729) % 65521)
                                                  for k in range(14))))
        foot = [shutil.which("foot"), "--fullscreen", "--override=scrollback.lines=1000"]
        cat = ["sh", "-c", 'for i in $(seq %d); do cat "$0"; done' % times, path]
        return self.user_frames(lambda: subprocess.run(foot + cat, env=self.env, capture_output=True,
                                                       timeout=300))

    def scroll_page(self):
        """A long local page that scrolls itself (requestAnimationFrame, 8 px a frame), its path."""
        page = os.path.join(self.tmp, "page.html")
        with open(page, "w") as f:
            f.write("<html><body style='font: 16px sans-serif'>")
            for i in range(400):
                f.write("<h2>Section %d</h2><p>%s</p><div style='height:40px;background:hsl(%d,60%%,70%%)'>"
                        "</div>" % (i, "Porthole shows Linux apps on the host. " * 12, i * 37 % 360))
            f.write("<script>function step(){window.scrollBy(0,8);"
                    "if(window.scrollY+innerHeight>=document.body.scrollHeight)window.scrollTo(0,0);"
                    "requestAnimationFrame(step)}requestAnimationFrame(step)</script></body></html>")
        return page

    def web_scroll(self, seconds):
        """Chromium on Wayland, full screen, scrolling the long page; measured once it has started."""
        browser = subprocess.Popen(
            ["chromium", "--ozone-platform=wayland", "--user-data-dir=" + os.path.join(self.tmp, "chromium"),
             "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--start-fullscreen",
             # the benchmark may run as root, where Chromium's sandbox refuses to start
             "--no-sandbox",
             "--password-store=basic", "file://" + self.scroll_page()],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(browser)
        time.sleep(8)  # started, the page laid out and scrolling
        return self.user_frames(lambda: time.sleep(seconds))

    def firefox_scroll(self, seconds):
        """firefox-esr on Wayland scrolling the long page, made full screen as a user does (F11
        typed into the RDP client); measured once it has started. Its --kiosk leaves a fresh
        profile on an empty tab, so it is not used. On Weston 10 (desktop-shell, RDP backend) no
        window of it appears (GTK logs "gdk_wayland_window_configure: assertion 'width > 0'
        failed"): no frames on that side."""
        profile = os.path.join(self.tmp, "firefox")
        os.mkdir(profile)
        quiet_profile(profile)
        browser = subprocess.Popen(
            ["firefox-esr", "--no-remote", "--profile", profile, "file://" + self.scroll_page()],
            env=dict(self.env, MOZ_ENABLE_WAYLAND="1", HOME=self.tmp),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(browser)
        time.sleep(12)  # started, the page laid out and scrolling
        subprocess.run(["xdotool", "mousemove", str(self.width // 2), str(self.height // 2), "key", "F11"],
                       env=dict(os.environ, DISPLAY=self.display))
        time.sleep(3)  # full screen, laid out again
        return self.user_frames(lambda: time.sleep(seconds))

    def window_drag(self, steps):
        """A half-screen window (the test client's quadrants) dragged by the pointer on the host:
        pressed, moved 8 px at a time every 16 ms, back and forth, released."""
        client = subprocess.Popen([WAYLAND_CLIENT, "--title", "drag", "--width", str(self.width // 2),
                                   "--height", str(self.height // 2), "--move-on-click"], env=self.env)
        self.procs.insert(0, client)
        self.wait(lambda: self.find_color(0xe01010) is not None, "the window on the host", 30)
        x, y = self.find_color(0xe01010)
        xdo = dict(os.environ, DISPLAY=self.display)

        def drag():
            subprocess.run(["xdotool", "mousemove", str(x + 20), str(y + 20), "mousedown", "1"], env=xdo)
            for i in range(steps):
                dx = 8 if (i // 40) % 2 == 0 else -8
                subprocess.run(["xdotool", "mousemove_relative", "--", str(dx), "4" if dx > 0 else "-4"],
                               env=xdo)
                time.sleep(0.016)
            subprocess.run(["xdotool", "mouseup", "1"], env=xdo)
        return self.user_frames(drag)

    def find_color(self, rgb):
        """The first pixel of colour rgb on the host screen, in reading order, or None."""
        from Xlib import X, display as xdisplay
        d = xdisplay.Display(self.display)
        try:
            root = d.screen().root
            image = root.get_image(0, 0, self.width, self.height, X.ZPixmap, 0xffffffff)
            data = image.data
        finally:
            d.close()
        at = data.find(bytes([rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff]))
        while at >= 0 and at % 4:
            at = data.find(bytes([rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff]), at + 1)
        if at < 0:
            return None
        return (at // 4) % self.width, (at // 4) // self.width

    def latency(self, commits, interval_ms):
        """One 16-row line every interval_ms: ms from each commit to its update's last byte."""
        log = os.path.join(self.tmp, "commits")
        argv = [WAYLAND_CLIENT, "--animate", "--frames", str(commits), "--interval-ms", str(interval_ms),
                "--commit-log", log, "--damage-band", "16", "--width", str(self.width),
                "--height", str(self.height),
                "--fullscreen", "--title", "bench"]
        subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)
        time.sleep(0.5)
        times = [int(line) for line in open(log)]
        # the first commits map and configure the window (whole-window updates), not the workload
        return latencies(times[5:], list(self.relay.arrivals))

    def idle(self, seconds):
        client = subprocess.Popen([WAYLAND_CLIENT, "--title", "idle"], env=self.env)
        self.procs.insert(0, client)
        time.sleep(1.5)
        b0, c0 = bytes_sent(self.port), cpu_seconds(self.server.pid)
        time.sleep(seconds)
        return cpu_seconds(self.server.pid) - c0, bytes_sent(self.port) - b0

    def stop(self):
        if getattr(self, "host_frames", None):
            self.host_frames.close()
            self.host_frames = None
        # clients and Xvfb first, the server last; all by pid
        for p in reversed(self.procs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
        if getattr(self, "relay", None):
            self.relay.stop()
            self.relay = None
        if self.displayfd:
            self.displayfd.close()
            self.displayfd = None
        if getattr(self, "tmp", None):
            shutil.rmtree(self.tmp, ignore_errors=True)


class HostFrames:
    """Counts the updates the client draws on its X server: XDamage on the root
    window, re-armed after each report; reports closer than QUIET_S belong to
    one update (a frame drawn as several images). None where python-xlib lacks
    the extension."""
    QUIET_S = 0.004

    def __init__(self, display):
        self.count = 0
        self.counting = False
        self.running = True
        try:
            from Xlib import display as xdisplay
            from Xlib.ext import damage
        except ImportError:
            self.d = None
            return
        self.d = xdisplay.Display(display)
        self.d.damage_query_version()
        self.damage = self.d.screen().root.damage_create(damage.DamageReportNonEmpty)
        self.d.flush()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        from Xlib import error as xerror
        try:
            self.loop()
        except xerror.ConnectionClosedError:
            pass  # the host's X server went first

    def loop(self):
        last = 0.0
        while self.running:
            ready, _, _ = select.select([self.d.fileno()], [], [], 0.2)
            if not ready and not self.d.pending_events():
                continue
            while self.d.pending_events():
                self.d.next_event()
                now = time.monotonic()
                if self.counting and now - last > self.QUIET_S:
                    self.count += 1
                last = now
                self.d.damage_subtract(self.damage)
            self.d.flush()

    def start(self):
        self.count, self.counting = 0, True

    def stop(self):
        self.counting = False
        return self.count if self.d else None

    def close(self):
        self.running = False
        if self.d:
            self.thread.join(1)
            self.d.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="%dx%d" % SIZE, help="desktop and window size, WxH")
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--lines", type=int, default=200, help="commits in the latency workload")
    ap.add_argument("--text-lines", type=int, default=100000, help="lines foot shows in the terminal scroll")
    ap.add_argument("--web-seconds", type=float, default=8.0, help="seconds of each browser's scrolling measured")
    ap.add_argument("--drag-steps", type=int, default=160, help="pointer steps in the window drag")
    ap.add_argument("--client-flags", default="", help="extra xfreerdp flags for both servers")
    ap.add_argument("--only", default="",
                    help="comma-separated workloads to run (e.g. noise,video; latency adds latency and idle)")
    ap.add_argument("--porthole-args", default="",
                    help="extra porthole-compositor options (e.g. --rdp-codec=avc420)")
    args = ap.parse_args()
    try:
        size = tuple(int(v) for v in args.size.split("x"))
        if len(size) != 2:
            raise ValueError
    except ValueError:
        ap.error("--size is WxH, e.g. 1920x1080")
    for tool in ("weston", "xfreerdp", "Xvfb", "ss", "openssl", "xdotool", "foot", "chromium", "firefox-esr"):
        if not shutil.which(tool):
            sys.exit("%s is missing; run scripts/install-deps.sh" % tool)

    print("== RDP desktop mode, %dx%d, xfreerdp %s, porthole %s, %d frames" % (
        size[0], size[1], args.client_flags or "(defaults)", args.porthole_args or "(defaults)", args.frames))
    # machine busy: every CPU of the machine (server, client, app), so a figure near 100
    # says more frames need less CPU somewhere, not more parallel work
    print("  %-15s %-9s %8s %9s %10s %12s %14s %13s %15s" % (
        "workload", "server", "fps", "host fps", "acked fps", "cpu ms/frame", "bytes/frame", "machine busy",
        "host ms/frame"))
    results = {}
    workloads = [(name, lambda rig, extra=extra: rig.animate(args.frames, extra)) for name, extra in WORKLOADS]
    workloads += [("terminal scroll", lambda rig: rig.terminal_scroll(args.text_lines)),
                  ("web scroll", lambda rig: rig.web_scroll(args.web_seconds)),
                  ("firefox scroll", lambda rig: rig.firefox_scroll(args.web_seconds)),
                  ("window drag", lambda rig: rig.window_drag(args.drag_steps))]
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    for name, workload in workloads:
        if only and name not in only:
            continue
        for kind in ("porthole", "weston"):
            rig = Rig(kind, size, args.client_flags, args.porthole_args)
            try:
                results[(name, kind)] = workload(rig)
            finally:
                rig.stop()
            fps, cpu, wire, host_fps, busy, client, acked = results[(name, kind)]
            print("  %-15s %-9s %8.1f %9.1f %10.1f %12.3f %14.0f %12.0f%% %15.3f" % (
                name, kind, fps, host_fps, acked, cpu, wire, busy, client))
        p, w = results[(name, "porthole")], results[(name, "weston")]
        print("  %-15s porthole/weston: fps %s, host fps %s, cpu/frame %s, bytes/frame %s" % (
            name, ratio(p[0], w[0]), ratio(p[3], w[3]), ratio(p[1], w[1]), ratio(p[2], w[2])))
        # Where porthole's client draws each frame as many small images (copies of text cells),
        # XDamage bursts run together and the host count falls below what the client drew:
        # per frame the client acknowledged, against Weston's per host frame.
        if p[6] == p[6] and p[6] > 0 and p[3] > 0:
            per_acked = p[3] / p[6]
            print("  %-15s porthole per acknowledged frame / weston per host frame: cpu/frame %s, "
                  "bytes/frame %s" % (name, ratio(p[1] * per_acked, w[1]), ratio(p[2] * per_acked, w[2])))
    if only and "latency" not in only and "idle" not in only:
        return
    print("\n== latency: one terminal line every 100 ms, %d lines; commit to the update's last byte"
          % args.lines)
    lat = {}
    for kind in ("porthole", "weston"):
        rig = Rig(kind, size, args.client_flags, args.porthole_args)
        try:
            values, missed = rig.latency(args.lines, 100)
        finally:
            rig.stop()
        lat[kind] = (percentile(values, 50), percentile(values, 99))
        print("  %-9s p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d updates, %d commits without one)"
              % (kind, lat[kind][0], lat[kind][1], max(values) if values else float("nan"), len(values),
                 missed))
    print("  porthole/weston: p50 %s, p99 %s" % (ratio(lat["porthole"][0], lat["weston"][0]),
                                               ratio(lat["porthole"][1], lat["weston"][1])))
    print("\n== idle %.0f s with a mapped, unchanging window" % args.idle)
    for kind in ("porthole", "weston"):
        rig = Rig(kind, size, args.client_flags, args.porthole_args)
        try:
            cpu, wire = rig.idle(args.idle)
        finally:
            rig.stop()
        print("  %-9s cpu %.3f s, bytes sent %d" % (kind, cpu, wire))


if __name__ == "__main__":
    main()
