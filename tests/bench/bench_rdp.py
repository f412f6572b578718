#!/usr/bin/env python3
"""RDP benchmarks, desktop mode: figures printed, never pass/fail.

Same run, same client (xfreerdp under Xvfb, identical flags), same workloads,
side by side: porthole-compositor --rdp-listen and Debian's
`weston --backend=rdp-backend.so --shell=desktop-shell.so` (which has no RAIL).
  workloads: a full-window animation (1920x1080 unless --size), a terminal-line band, idle, and
             one terminal line every 100 ms for latency
  figures:   frames composited per second, frames the host saw (bursts of XDamage on
             the client's X screen, each burst one update the client drew), server CPU
             ms per frame, bytes on the
             wire per frame (the connection's bytes_sent from ss), idle CPU and bytes;
             commit-to-last-byte latency p50/p99: the app's commit time against the
             last byte of the update that follows it, seen by a loopback relay the
             client connects through (the same relay for both servers)

Usage: bench_rdp.py [--size WxH] [--frames N] [--idle SECONDS] [--lines N]
                    [--client-flags "/gfx ..."] [--porthole-args "--rdp-codec=..."]
"""
import argparse
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
from locations import COMPOSITOR, WAYLAND_CLIENT  # noqa: E402
from processes import free_port  # noqa: E402
from measure import cpu_seconds, percentile, ratio  # noqa: E402

SIZE = (1920, 1080)  # the desktop and the animated window, unless --size


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
    """For each commit, ms until the last byte that arrived before the next commit."""
    out, missed = [], 0
    ends = commits[1:] + [commits[-1] + 10**9]
    i = 0
    for start, end in zip(commits, ends):
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
        self.host_frames = HostFrames(display)
        self.relay = Relay(self.port)
        self.start_xfreerdp(display, self.relay.port, client_flags=client_flags)
        self.wait(lambda: bytes_sent(self.port) > 0, "the RDP connection")
        time.sleep(2)  # activation and the first full frame

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

    def animate(self, frames, band):
        argv = [WAYLAND_CLIENT, "--animate", "--frames", str(frames), "--width", str(self.width),
                "--height", str(self.height),
                "--fullscreen", "--title", "bench"]
        if band:
            argv += ["--damage-band", str(band)]
        b0, c0 = bytes_sent(self.port), cpu_seconds(self.server.pid)
        self.host_frames.start()
        out = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300).stdout
        time.sleep(0.5)  # the last frames leave the server
        seen = self.host_frames.stop()
        b1, c1 = bytes_sent(self.port), cpu_seconds(self.server.pid)
        n, seconds = int(out.split()[1]), float(out.split()[3])
        host_fps = seen / (seconds + 0.5) if seen is not None else float("nan")
        return n / seconds, (c1 - c0) * 1000 / n, (b1 - b0) / n, host_fps

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
        # the first commits map the window: whole-window updates, not the workload
        return latencies(times[3:], list(self.relay.arrivals))

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
    ap.add_argument("--client-flags", default="", help="extra xfreerdp flags for both servers")
    ap.add_argument("--porthole-args", default="",
                    help="extra porthole-compositor options (e.g. --rdp-codec=avc420)")
    args = ap.parse_args()
    try:
        size = tuple(int(v) for v in args.size.split("x"))
        if len(size) != 2:
            raise ValueError
    except ValueError:
        ap.error("--size is WxH, e.g. 1920x1080")
    for tool in ("weston", "xfreerdp", "Xvfb", "ss", "openssl"):
        if not shutil.which(tool):
            sys.exit("%s is missing; run scripts/install-deps.sh" % tool)

    print("== RDP desktop mode, %dx%d, xfreerdp %s, porthole %s, %d frames" % (
        size[0], size[1], args.client_flags or "(defaults)", args.porthole_args or "(defaults)", args.frames))
    print("  %-15s %-9s %8s %9s %12s %14s" % ("workload", "server", "fps", "host fps", "cpu ms/frame",
                                              "bytes/frame"))
    results = {}
    for band, name in ((0, "full window"), (16, "terminal line")):
        for kind in ("porthole", "weston"):
            rig = Rig(kind, size, args.client_flags, args.porthole_args)
            try:
                results[(name, kind)] = rig.animate(args.frames, band)
            finally:
                rig.stop()
            fps, cpu, wire, host_fps = results[(name, kind)]
            print("  %-15s %-9s %8.1f %9.1f %12.3f %14.0f" % (name, kind, fps, host_fps, cpu, wire))
        p, w = results[(name, "porthole")], results[(name, "weston")]
        print("  %-15s porthole/weston: fps %s, host fps %s, cpu/frame %s, bytes/frame %s" % (
            name, ratio(p[0], w[0]), ratio(p[3], w[3]), ratio(p[1], w[1]), ratio(p[2], w[2])))
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
