#!/usr/bin/env python3
"""The clipboard through a real client: figures printed, never pass/fail.

Porthole only: Debian's weston 10 RDP backend has no clipboard channel (its
rdp-backend.so has no cliprdr), so there is no peer to put beside it.
  copy to paste:  a copy on one side until the other side's paste returns it:
                  host (xclip) -> Wayland app (wl-paste) and Wayland app
                  (wl-copy) -> host (xclip), N times each: median and p99
  throughput:     a 12 MB incompressible PNG to the host, and a 1 MB bitmap from it
                  (FreeRDP 2.11's X11 client takes no bigger host copy: no INCR)
  cost of a copy nobody pastes: bytes each way (porthole peers)

Usage: bench_clipboard.py [--rounds N]
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from measure import percentile  # noqa: E402
from processes import Processes  # noqa: E402
from test_clipboard import Clipboards, noise_bmp, noise_png  # noqa: E402


def copy_to_paste(copy, paste, rounds, what):
    times = []
    for i in range(rounds):
        data = ("%s %d %s" % (what, i, time.monotonic_ns())).encode()
        started = time.monotonic()
        copy(data)
        while paste() != data:
            if time.monotonic() - started > 20:
                raise SystemExit("bench_clipboard: %s round %d never arrived" % (what, i))
        times.append(time.monotonic() - started)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    procs = Processes()
    try:
        c = Clipboards(procs)
        # the host copy is announced before its paste (Clipboards.host_copy waits)
        to_linux = copy_to_paste(c.host_copy, c.wl_paste, args.rounds, "host to Wayland")
        to_host = copy_to_paste(c.wl_copy, c.host_paste, args.rounds, "Wayland to host")
        for name, times in (("host copy -> Wayland paste", to_linux), ("Wayland copy -> host paste", to_host)):
            print("%-28s median %6.1f ms  p99 %6.1f ms  (%d rounds)"
                  % (name, 1000 * percentile(times, 50), 1000 * percentile(times, 99), len(times)))
        tmp = tempfile.mkdtemp(prefix="porthole-benchclip-")
        procs.dirs.append(tmp)
        png = noise_png(os.path.join(tmp, "big.png"), 12)
        c.wl_copy(png, "image/png")
        time.sleep(1)
        started = time.monotonic()
        got = c.host_paste("image/png", timeout=120)
        took = time.monotonic() - started
        print("%-28s %.1f MB in %.2f s: %.1f MB/s%s" % ("PNG to the host", len(png) / 1e6, took,
                                                         len(png) / 1e6 / took, "" if got == png else " (WRONG)"))
        bmp = noise_bmp(0.95)
        c.host_copy(bmp, "image/bmp")
        started = time.monotonic()
        got = c.wl_paste("image/bmp", timeout=120)
        took = time.monotonic() - started
        print("%-28s %.1f MB in %.2f s: %.1f MB/s%s" % ("bitmap from the host", len(bmp) / 1e6, took,
                                                         len(bmp) / 1e6 / took, "" if got == bmp else " (WRONG)"))
        before = dict(c.counters())
        c.host_copy(b"z" * (4 << 20))
        c.wl_copy(b"w" * (4 << 20))
        time.sleep(2)
        after = c.counters()
        print("%-28s %d bytes to the host, %d from it (4 MB copied each way)"
              % ("copies nobody pasted", after["bytes_to_host"] - before["bytes_to_host"],
                 after["bytes_from_host"] - before["bytes_from_host"]))
        print("weston 10 (rdp-backend.so): no clipboard channel; no ratio")
    finally:
        procs.stop_all()


if __name__ == "__main__":
    main()
