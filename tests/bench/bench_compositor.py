#!/usr/bin/env python3
"""Compositor benchmarks: figures printed, never pass/fail.

Side by side, in the same run and with the same client, porthole-compositor and
Debian's `weston --backend=headless-backend.so --shell=desktop-shell.so`:
  1. start to Wayland socket accepting (median of N)
  2. composite 1920x1080 full damage and a 1920x16 band (a terminal line):
     frames per second, compositor CPU ms per frame, and for Porthole the
     damage read-back cost (what the RDP side will pay) per frame; pixman and GL
  3. idle: compositor CPU seconds over a window of time with a mapped, unchanging
     window, and how many repaints happened

Usage: bench_compositor.py [--runs N] [--frames N] [--idle SECONDS] [--quick]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from locations import CLI, COMPOSITOR, WAYLAND_CLIENT  # noqa: E402
from measure import cpu_seconds, ratio  # noqa: E402


class Server:
    """One compositor, ours or weston, on a private runtime dir; stopped by pid."""

    def __init__(self, kind, renderer, width=1920, height=1080):
        self.kind = kind
        self.rt = tempfile.mkdtemp(prefix="porthole-bench-")
        os.chmod(self.rt, 0o700)
        self.socket = "wayland-bench"
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.rt, WAYLAND_DISPLAY=self.socket)
        log = open(os.path.join(self.rt, "log"), "w")
        if kind == "porthole":
            argv = [COMPOSITOR, "--socket=" + self.socket, "--renderer=" + renderer,
                    "--width=%d" % width, "--height=%d" % height]
        else:
            argv = ["weston", "--backend=headless-backend.so", "--shell=desktop-shell.so",
                    "--socket=" + self.socket, "--width=%d" % width, "--height=%d" % height,
                    "--use-" + renderer, "--idle-time=0"]
        self.start_time = time.monotonic()
        self.proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.ready_seconds = self.wait_socket()

    def wait_socket(self, timeout=20):
        path = os.path.join(self.rt, self.socket)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited: %s" % (self.kind, open(os.path.join(self.rt, "log")).read()[-2000:]))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return time.monotonic() - self.start_time
            except OSError:
                time.sleep(0.001)
            finally:
                s.close()
        raise RuntimeError("%s socket never accepted" % self.kind)

    def cli(self, *args):
        return subprocess.run([CLI] + list(args), env=self.env, capture_output=True, text=True,
                              timeout=20).stdout

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.rt, ignore_errors=True)


def bench_startup(runs):
    rows = []
    for kind in ("porthole", "weston"):
        times = []
        for _ in range(runs):
            s = Server(kind, "pixman")
            times.append(s.ready_seconds * 1000)
            s.stop()
        rows.append((kind, statistics.median(times), min(times), max(times)))
    return rows


def run_animation(server, frames, band):
    argv = [WAYLAND_CLIENT, "--animate", "--frames", str(frames), "--width", "1920", "--height", "1080",
            "--fullscreen", "--title", "bench"]
    if band:
        argv += ["--damage-band", str(band)]
    before = cpu_seconds(server.proc.pid)
    out = subprocess.run(argv, env=server.env, capture_output=True, text=True, timeout=300).stdout
    after = cpu_seconds(server.proc.pid)
    n, seconds = out.split()[1], out.split()[3]
    return int(n), float(seconds), after - before


def bench_composite(frames):
    rows = []
    for renderer in ("pixman", "gl"):
        for band in (0, 16):
            workload = "1920x16 band" if band else "1920x1080 full"
            # porthole+readback: composite and read the damage back, as the RDP
            # side will; porthole: composite only, like for like with weston.
            for label in ("porthole+readback", "porthole", "weston"):
                kind = label.split("+")[0]
                try:
                    server = Server(kind, renderer)
                except RuntimeError as e:
                    rows.append((renderer, workload, label, None, None, None, str(e).splitlines()[0]))
                    continue
                readback = None
                if label == "porthole+readback":
                    server.cli("capture", "start")
                n, seconds, cpu = run_animation(server, frames, band)
                if label == "porthole+readback":
                    stats = dict(kv.split(":") for kv in server.cli("capture", "stats").strip("{}\n").replace('"', "").split(","))
                    readback = int(stats["readback_ns"]) / 1e6 / max(1, int(stats["frames"]))
                server.stop()
                rows.append((renderer, workload, label, n / seconds, cpu * 1000 / n, readback, ""))
    return rows


def bench_idle(seconds):
    rows = []
    for kind in ("porthole", "weston"):
        server = Server(kind, "pixman")
        client = subprocess.Popen([WAYLAND_CLIENT, "--title", "idle"], env=server.env)
        time.sleep(1.0)  # mapped and drawn
        if kind == "porthole":
            server.cli("capture", "start")
            time.sleep(0.5)
            frames_before = int(server.cli("capture", "stats").split('"frames":')[1].split(",")[0])
        before = cpu_seconds(server.proc.pid)
        time.sleep(seconds)
        cpu = cpu_seconds(server.proc.pid) - before
        repaints = None
        if kind == "porthole":
            repaints = int(server.cli("capture", "stats").split('"frames":')[1].split(",")[0]) - frames_before
        client.terminate()
        client.wait()
        server.stop()
        rows.append((kind, cpu, repaints))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--quick", action="store_true", help="5 runs, 60 frames, 5 s idle")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.frames, args.idle = 5, 60, 5.0
    if not shutil.which("weston"):
        sys.exit("weston is not installed; run scripts/install-deps.sh")

    print("== start to Wayland socket accepting, pixman, median of %d (ms)" % args.runs)
    startup = bench_startup(args.runs)
    for kind, med, lo, hi in startup:
        print("  %-9s median %7.1f   min %7.1f   max %7.1f" % (kind, med, lo, hi))
    print("  ratio porthole/weston: %s" % ratio(startup[0][1], startup[1][1]))

    print("\n== composite, %d frames of a fullscreen 1920x1080 client" % args.frames)
    print("  %-7s %-15s %-18s %8s %12s %14s" % ("render", "workload", "server", "fps", "cpu ms/frame", "readback ms/fr"))
    rows = bench_composite(args.frames)
    for r in rows:
        if r[3] is None:
            print("  %-7s %-15s %-18s  unavailable: %s" % (r[0], r[1], r[2], r[6]))
            continue
        rb = "%.3f" % r[5] if r[5] is not None else "-"
        print("  %-7s %-15s %-18s %8.1f %12.3f %14s" % (r[0], r[1], r[2], r[3], r[4], rb))
    for i in range(0, len(rows), 3):
        with_readback, ours, peer = rows[i], rows[i + 1], rows[i + 2]
        print("  %-7s %-15s porthole/weston: fps %s, cpu/frame %s; with read-back: cpu/frame %s" % (
            ours[0], ours[1], ratio(ours[3], peer[3]), ratio(ours[4], peer[4]),
            ratio(with_readback[4], peer[4])))

    print("\n== idle for %.0f s with a mapped, unchanging window (pixman)" % args.idle)
    for kind, cpu, repaints in bench_idle(args.idle):
        extra = ", repaints %d" % repaints if repaints is not None else ""
        print("  %-9s cpu %.3f s%s" % (kind, cpu, extra))


if __name__ == "__main__":
    main()
