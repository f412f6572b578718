#!/usr/bin/env python3
"""What the compositor keeps per peer and per window: figures printed, never pass/fail.

Same run, side by side: porthole-compositor --rdp-listen and Debian's
`weston --backend=rdp-backend.so` (bench_rdp.py's rigs), desktop mode, one xfreerdp
under Xvfb with the same flags for both. The server's RSS and PSS:
  idle       listening, no client
  peer       one client connected and shown the desktop
  windows    and N test-client windows (400x300, one colour each quadrant)
  animation  after a full-screen noise animation (encoders at work)
  left       the client gone again: what a peer leaves behind
Per peer = peer - idle; per window = (windows - peer) / N; kept = left - idle.

Usage: bench_memory.py [--size WxH] [--windows N] [--client-flags "/gfx ..."]
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from bench_rdp import Rig, bytes_sent  # noqa: E402
from locations import WAYLAND_CLIENT  # noqa: E402
from measure import memory, ratio  # noqa: E402

SETTLE_S = 2.0  # for allocations to happen and freed memory to be returned


def sample(rig):
    time.sleep(SETTLE_S)
    return memory(rig.server.pid)


def measure(kind, size, flags, n_windows, frames):
    rig = Rig(kind, size, None)
    try:
        out = {"idle": sample(rig)}
        display = rig.start_display()
        rig.display = display
        client = rig.start_xfreerdp(display, rig.port, client_flags=flags)
        rig.wait(lambda: bytes_sent(rig.port) > 0, "the RDP connection")
        out["peer"] = sample(rig)
        windows = []
        for i in range(n_windows):
            windows.append(subprocess.Popen([WAYLAND_CLIENT, "--title", "w%d" % i, "--width", "400",
                                             "--height", "300"], env=rig.env))
            rig.procs.insert(0, windows[-1])
        out["windows"] = sample(rig)
        subprocess.run([WAYLAND_CLIENT, "--animate", "--frames", str(frames), "--width", str(size[0]),
                        "--height", str(size[1]), "--fullscreen", "--title", "noise"],
                       env=rig.env, capture_output=True, timeout=300)
        out["animation"] = sample(rig)
        client.terminate()
        client.wait(10)
        out["left"] = sample(rig)
        return out
    finally:
        rig.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1920x1080", help="desktop size, WxH")
    ap.add_argument("--windows", type=int, default=10)
    ap.add_argument("--frames", type=int, default=60, help="frames of the noise animation")
    ap.add_argument("--client-flags", default="/gfx:avc420", help="xfreerdp flags for both servers")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    print("== server memory, %dx%d desktop, xfreerdp %s, %d windows" % (size[0], size[1],
                                                                     args.client_flags, args.windows))
    results = {}
    for kind in ("porthole", "weston"):
        results[kind] = r = measure(kind, size, args.client_flags, args.windows, args.frames)
        print("  %-9s " % kind + ", ".join("%s RSS %.1f MB (PSS %.1f)" % (k, v[0] / 1024, v[1] / 1024)
                                           for k, v in r.items()))
    print("  %-9s %12s %14s %14s %12s" % ("", "per peer MB", "per window KB", "animation MB", "kept MB"))
    derived = {}
    for kind, r in results.items():
        derived[kind] = ((r["peer"][0] - r["idle"][0]) / 1024,
                         (r["windows"][0] - r["peer"][0]) / max(args.windows, 1),
                         (r["animation"][0] - r["windows"][0]) / 1024,
                         (r["left"][0] - r["idle"][0]) / 1024)
        print("  %-9s %12.1f %14.0f %14.1f %12.1f" % ((kind,) + derived[kind]))
    p, w = derived["porthole"], derived["weston"]
    print("  porthole/weston: per peer %s, per window %s, animation %s, kept %s; idle RSS %s" % (
        ratio(p[0], w[0]), ratio(p[1], w[1]), ratio(p[2], w[2]), ratio(p[3], w[3]),
        ratio(results["porthole"]["idle"][0], results["weston"]["idle"][0])))


if __name__ == "__main__":
    main()
