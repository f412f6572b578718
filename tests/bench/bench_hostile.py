#!/usr/bin/env python3
"""RDP servers under a hostile crowd: figures printed, never pass/fail.

Same run, same attack, side by side: porthole-compositor and Debian's
`weston --backend=rdp-backend.so` (whose peers live on its event loop).
  attack:   50 connections that stall in the TLS handshake (an X.224 request, half
            of them with the first bytes of a ClientHello), and 20 wrong logins
            (xfreerdp, 10 processes that each try twice) arriving meanwhile
  figures:  the server's responsiveness during the attack: a Wayland round trip
            (weston-info, p50/p99/max; both servers) and porthole's control-socket
            ping (p50/p99); the right client's login time meanwhile (connect to
            the first 64 KB of its desktop); and what one idle, unauthenticated
            connection costs the server: fds, threads and RSS

Usage: bench_hostile.py [--stalled N] [--wrong N] [--probes N]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from bench_rdp import Relay, Rig  # noqa: E402
from locations import CLI  # noqa: E402
from measure import percentile, ratio  # noqa: E402

SIZE = (1024, 768)
PROBE_TIMEOUT_S = 10
X224_TLS_REQUEST = bytes([3, 0, 0, 19, 14, 0xE0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 1, 0, 0, 0])
CLIENT_HELLO_START = bytes.fromhex("16030102000100")


def resources(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return (len(os.listdir("/proc/%d/fd" % pid)), len(os.listdir("/proc/%d/task" % pid)), rss)


def stall(port, partial):
    """A connection that stops in the TLS handshake; None when the server takes none
    (a server stuck on an earlier one stops accepting once its backlog is full)."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError:
        return None
    s.sendall(X224_TLS_REQUEST)
    if partial:
        try:
            s.recv(19)
            s.sendall(CLIENT_HELLO_START)
        except OSError:
            pass
    return s


def timed(argv, env):
    """Seconds argv took, or None when it did not finish in PROBE_TIMEOUT_S."""
    start = time.monotonic()
    try:
        ok = subprocess.run(argv, env=env, capture_output=True, timeout=PROBE_TIMEOUT_S).returncode == 0
    except subprocess.TimeoutExpired:
        return None
    return time.monotonic() - start if ok else None


def summary(values, n):
    ok = [v * 1000 for v in values if v is not None]
    return "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d of %d answered within %d s)" % (
        percentile(ok, 50), percentile(ok, 99), max(ok) if ok else float("nan"), len(ok), n,
        PROBE_TIMEOUT_S)


def open_stalled(port, n, partial_every=0):
    conns = []
    for i in range(n):
        c = stall(port, partial_every and i % partial_every == 1)
        if c is None:
            break
        conns.append(c)
    return conns


def idle_cost(rig, n=20):
    """fds, threads and kB of RSS one idle unauthenticated connection costs, and how
    many of n connections the server took."""
    pid = rig.server.pid
    before = resources(pid)
    conns = open_stalled(rig.port, n)
    time.sleep(2)
    during = resources(pid)
    for c in conns:
        c.close()
    return tuple((d - b) / max(len(conns), 1) for d, b in zip(during, before)) + (len(conns),)


def attack(rig, stalled, wrong, probes):
    """Responsiveness and the right login's time while the crowd is there."""
    display = rig.start_display()
    conns = open_stalled(rig.port, stalled, partial_every=2)
    guessers = [rig.start_xfreerdp(display, rig.port, password="wrong-%d" % i, log="wrong-%d.log" % i)
                for i in range(wrong // 2)]
    relay = Relay(rig.port)
    start = time.monotonic()
    rig.start_xfreerdp(display, relay.port)
    wayland, control, login = [], [], None
    control_env = dict(rig.env)
    for _ in range(probes):
        # a server that stopped answering is not asked again and again
        if wayland[-3:] == [None, None, None]:
            wayland.append(None)
            continue
        wayland.append(timed(["weston-info"], rig.env))
        if rig.kind == "porthole":
            control.append(timed([CLI, "ping"], control_env))
        if login is None and sum(size for _, size in relay.arrivals) > 65536:
            login = time.monotonic() - start
        time.sleep(0.1)
    deadline = time.monotonic() + 30
    while login is None and time.monotonic() < deadline:
        if sum(size for _, size in relay.arrivals) > 65536:
            login = time.monotonic() - start
        time.sleep(0.05)
    for c in conns:
        c.close()
    for g in guessers:
        g.terminate()
    relay.stop()
    return wayland, control, login


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stalled", type=int, default=50)
    ap.add_argument("--wrong", type=int, default=20, help="wrong logins (xfreerdp tries each password twice)")
    ap.add_argument("--probes", type=int, default=40)
    args = ap.parse_args()
    for tool in ("weston", "xfreerdp", "Xvfb", "ss", "openssl", "weston-info"):
        if not shutil.which(tool):
            sys.exit("%s is missing; run scripts/install-deps.sh" % tool)
    print("== %d stalled handshakes and %d wrong logins, the right client meanwhile" % (args.stalled, args.wrong))
    results = {}
    for kind in ("porthole", "weston"):
        rig = Rig(kind, SIZE, None)
        try:
            cost = idle_cost(rig)
            wayland, control, login = attack(rig, args.stalled, args.wrong, args.probes)
        finally:
            rig.stop()
        results[kind] = (cost, wayland, login)
        print("  %-9s Wayland round trip: %s" % (kind, summary(wayland, args.probes)))
        if control:
            print("  %-9s control ping:       %s" % (kind, summary(control, args.probes)))
        print("  %-9s the right login:    %s" % (kind, "%.2f s" % login if login else "not within the run"))
        print("  %-9s one idle connection: %.1f fds, %.2f threads, %.0f kB RSS (of 20, %d connected)"
              % ((kind,) + cost))
    p, w = results["porthole"], results["weston"]
    p99 = [percentile([v for v in r[1] if v is not None], 99) for r in (p, w)]
    print("  porthole/weston: Wayland p99 %s, login %s, fds/conn %s, RSS/conn %s" % (
        ratio(p99[0], p99[1]), ratio(p[2], w[2]), ratio(p[0][0], w[0][0]), ratio(p[0][2], w[0][2])))


if __name__ == "__main__":
    main()
