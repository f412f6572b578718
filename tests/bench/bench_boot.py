#!/usr/bin/env python3
"""System-distro benchmark: figures printed, never pass/fail. Needs root.

  boot:    `porthole boot` until Wayland, X11 and PulseAudio sockets all take
           connections (the launcher's own measure, and the wall time around
           the command), median and max of N boots after a first one that makes
           the RDP server's key (kept for the next boots; shown apart)
  memory:  RSS and PSS of every process of the system distro when idle, and
           again once an X11 client made Xwayland start
  peer:    the same stack started by hand without a system distro: Debian's
           `weston --backend=rdp-backend.so --xwayland` plus a PulseAudio, to
           the same sockets accepting (the TLS key made beforehand, not timed),
           and its idle RSS/PSS. Ratios are porthole / peer.
Targets from the issue: under 500 ms to ready, under 80 MB RSS idle.

Usage: bench_boot.py [--boots N]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from processes import Processes, free_port, process_name  # noqa: E402
from tap import wait_until  # noqa: E402
from system_distro import SystemDistro, pids_in_namespace  # noqa: E402
from measure import memory  # noqa: E402


def print_memory(title, pids):
    total_rss = total_pss = 0
    print("  %s" % title)
    for pid in sorted(pids):
        rss, pss = memory(pid)
        if rss == 0:
            continue
        total_rss += rss
        total_pss += pss
        print("    %-18s RSS %7.1f MB  PSS %7.1f MB" % (process_name(pid), rss / 1024, pss / 1024))
    print("    %-18s RSS %7.1f MB  PSS %7.1f MB" % ("total", total_rss / 1024, total_pss / 1024))
    return total_rss, total_pss


def accepts(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def bench_porthole(boots):
    """The first boot makes the RDP key (kept in the state dir after); the next
    boots reuse it, as a user's do until the host reboots."""
    ready, wall, first = [], [], None
    kept = tempfile.mkdtemp(prefix="porthole-benchboot-kept-")
    try:
        for i in range(boots + 1):
            d = SystemDistro()
            try:
                if i > 0:
                    os.makedirs(d.state_dir, exist_ok=True)
                    subprocess.run(["cp", "-a", kept, os.path.join(d.state_dir, "kept")], check=True)
                start = time.monotonic()
                d.boot()
                took = (time.monotonic() - start) * 1000
                if i == 0:
                    first = d.ready_ms
                    subprocess.run(["rm", "-rf", kept])
                    subprocess.run(["cp", "-a", os.path.join(d.state_dir, "kept"), kept], check=True)
                    continue
                wall.append(took)
                ready.append(d.ready_ms)
                if i == boots:
                    time.sleep(3)  # idle: past start-up allocations
                    idle = print_memory("porthole, idle (no X11 client yet):", pids_in_namespace(d.pid))
                    if d.run_output(["xdpyinfo"]).returncode == 0:
                        time.sleep(1)
                        print_memory("porthole, after one X11 client (Xwayland started):",
                                     pids_in_namespace(d.pid))
            finally:
                d.cleanup()
    finally:
        subprocess.run(["rm", "-rf", kept])
    return first, ready, wall, idle


def bench_peer(boots):
    times, idle = [], None
    for i in range(boots):
        procs = Processes()
        tmp = tempfile.mkdtemp(prefix="porthole-benchboot-")
        os.chmod(tmp, 0o700)
        try:
            cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                            "-days", "1", "-subj", "/CN=bench"], check=True, capture_output=True)
            env = dict(os.environ, XDG_RUNTIME_DIR=tmp)
            pulse_socket = os.path.join(tmp, "PulseServer")
            start = time.monotonic()
            pulse = procs.start(["pulseaudio", "--daemonize=no", "--system=no", "--use-pid-file=no",
                                 "--exit-idle-time=-1", "--realtime=no", "--high-priority=no", "-n",
                                 "--load=module-null-sink", "--load=module-native-protocol-unix socket=%s "
                                 "auth-anonymous=1" % pulse_socket], env=env)
            weston = procs.start(["weston", "--backend=rdp-backend.so", "--shell=desktop-shell.so", "--xwayland",
                                  "--socket=wayland-0", "--address=127.0.0.1", "--port=%d" % free_port(),
                                  "--rdp-tls-cert=" + cert, "--rdp-tls-key=" + key, "--idle-time=0"], env=env,
                                 log=os.path.join(tmp, "weston.log"))
            wait_until(lambda: accepts(os.path.join(tmp, "wayland-0")) and accepts(pulse_socket), 20, 0.005,
                       "weston and PulseAudio")
            times.append((time.monotonic() - start) * 1000)
            if i == boots - 1:
                time.sleep(3)
                pids = [pulse.pid, weston.pid]
                for child in os.listdir("/proc"):
                    if child.isdigit() and int(child) not in pids:
                        try:
                            with open("/proc/%s/stat" % child) as f:
                                if int(f.read().rsplit(")", 1)[1].split()[1]) == weston.pid:
                                    pids.append(int(child))
                        except (OSError, ValueError):
                            pass
                idle = print_memory("peer (weston rdp-backend + PulseAudio), idle:", pids)
        finally:
            procs.stop_all()
            subprocess.run(["rm", "-rf", tmp])
    return times, idle


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boots", type=int, default=10)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_boot: needs root (porthole boot mounts and makes namespaces)", file=sys.stderr)
        return 1
    print("boot to every socket accepting, %d boots each" % args.boots)
    first, ready, wall, idle = bench_porthole(args.boots)
    peer, peer_idle = bench_peer(args.boots)
    print("  porthole first boot (makes its RDP key) %6.0f ms" % first)
    print("  porthole boot (its measure)  median %6.0f ms  max %6.0f ms" % (statistics.median(ready), max(ready)))
    print("  porthole boot (wall)         median %6.0f ms  max %6.0f ms" % (statistics.median(wall), max(wall)))
    print("  peer weston+pulseaudio       median %6.0f ms  max %6.0f ms" % (statistics.median(peer), max(peer)))
    print("  ratio porthole/peer: boot %.2f, idle RSS %.2f, idle PSS %.2f" % (
        statistics.median(wall) / statistics.median(peer), idle[0] / peer_idle[0], idle[1] / peer_idle[1]))
    print("  targets: ready < 500 ms (%s), idle RSS < 80 MB (%s)" % (
        "met" if statistics.median(ready) < 500 else "NOT met", "met" if idle[0] < 80 * 1024 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
