#!/usr/bin/env python3
"""Misbehaving clients hurt only themselves: the compositor keeps serving the others."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from compositor_harness import Compositor  # noqa: E402
from locations import WAYLAND_CLIENT  # noqa: E402
from tap import check, run, wait_until  # noqa: E402


def survivor(procs, comp):
    """A window that must stay mapped and keep rendering through the abuse."""
    comp.client([WAYLAND_CLIENT, "--title", "survivor", "--color", "2080c0"])
    return comp.wait_window(lambda w: w["title"] == "survivor", what="survivor window")


def still_serving(comp, survivor_window):
    check(comp.alive(), "compositor stopped answering")
    ids = [w["id"] for w in comp.windows()]
    check(survivor_window["id"] in ids, "the other client's window was lost: %r" % ids)
    shot = comp.screenshot(window=survivor_window["id"])
    check(shot.pixel(5, 5) == (0x20, 0x80, 0xc0), "survivor's pixels are wrong: %r" % (shot.pixel(5, 5),))
    comp.client([WAYLAND_CLIENT, "--title", "newcomer"])
    comp.wait_window(lambda w: w["title"] == "newcomer", what="a new window after the abuse")


def test_client_killed_mid_frame(procs):
    comp = Compositor(procs)
    s = survivor(procs, comp)
    for round_ in range(5):
        anim = comp.client([WAYLAND_CLIENT, "--title", "animated", "--animate", "--width", "640", "--height", "480"])
        w = comp.wait_window(lambda w: w["title"] == "animated", what="animated window")
        time.sleep(0.2 + 0.07 * round_)  # kill at a different point of the frame cycle each time
        os.kill(anim.pid, signal.SIGKILL)
        anim.wait()
        comp.wait_no_window(lambda x: x["id"] == w["id"], what="killed client's window to go")
    still_serving(comp, s)
    comp.stop()


def test_200_clients_connect_and_disconnect(procs):
    comp = Compositor(procs)
    s = survivor(procs, comp)
    batch = []
    for i in range(200):
        batch.append(comp.client([WAYLAND_CLIENT, "--connect-only"]))
        if len(batch) == 25:
            for p in batch:
                p.wait(20)
            check(all(p.returncode == 0 for p in batch), "a client failed to connect")
            batch = []
    # half of another 50 map a window and vanish without a goodbye
    rude = [comp.client([WAYLAND_CLIENT, "--title", "rude-%d" % i]) for i in range(20)]
    wait_until(lambda: sum(w["title"].startswith("rude-") for w in comp.windows()) == 20, 20,
               what="20 windows")
    for p in rude:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    comp.wait_no_window(lambda w: w["title"].startswith("rude-"), what="killed clients' windows to go")
    still_serving(comp, s)
    comp.stop()


def test_protocol_error_disconnects_only_that_client(procs):
    comp = Compositor(procs)
    s = survivor(procs, comp)
    bad = comp.client([WAYLAND_CLIENT, "--title", "offender", "--protocol-error"])
    bad.wait(15)
    check(bad.returncode == 3, "the offending client was not disconnected (exit %s)" % bad.returncode)
    comp.wait_no_window(lambda w: w["title"] == "offender", what="offender's window to go")
    still_serving(comp, s)
    comp.stop()


def test_control_socket_garbage(procs):
    import socket
    comp = Compositor(procs)
    s = survivor(procs, comp)
    path = os.path.join(comp.runtime_dir, comp.socket + ".control")
    check(os.stat(path).st_mode & 0o777 == 0o600, "control socket is not 0600")
    for payload in [b"", b"\x00\xff" * 3000, b"screenshot window 99999\n", b"window x y\n",
                    b"input button 1 sideways\n", b"output resize 0 0 0\n", b"no-such-command\n"]:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(path)
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        c.settimeout(5)
        reply = c.recv(200)
        c.close()
        check(payload == b"" or reply.startswith(b"error "), "%r got %r" % (payload[:20], reply))
    # a client that connects, asks for a screenshot and leaves before the answer
    for _ in range(10):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(path)
        c.sendall(b"screenshot\n")
        c.close()
    still_serving(comp, s)
    comp.stop()


if __name__ == "__main__":
    run([test_client_killed_mid_frame, test_200_clients_connect_and_disconnect,
         test_protocol_error_disconnects_only_that_client, test_control_socket_garbage])
