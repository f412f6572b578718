#!/usr/bin/env python3
"""Xwayland on demand: started on the first X11 connection, restarted after it
dies, display numbers chosen by lock files, and the socket in any directory."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from compositor_harness import Compositor  # noqa: E402
from locations import X11_CLIENT  # noqa: E402
from processes import children_of, process_name  # noqa: E402
from tap import check, run, wait_until  # noqa: E402


def xwayland_pids(comp):
    return [p for p in children_of(comp.process.pid) if process_name(p) == "Xwayland"]


def display_taken(n):
    """As libweston decides: a lock file naming a live process, or a bound abstract socket."""
    try:
        with open("/tmp/.X%d-lock" % n) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind("\0/tmp/.X11-unix/X%d" % n)
        return False
    except OSError:
        return True
    finally:
        s.close()


def first_free_display():
    n = 0
    while display_taken(n):
        n += 1
    return n


def x11_window(comp, title, timeout=30):
    return comp.wait_window(lambda w: w["title"] == title and w["kind"] == "x11", timeout, "X11 window %r" % title)


def test_lazy_start_and_restart(procs):
    comp = Compositor(procs, xwayland=True)
    check(comp.env.get("DISPLAY", "").startswith(":"), "porthole env gave no DISPLAY")
    check(xwayland_pids(comp) == [], "Xwayland runs before any X11 client")
    client = comp.client([X11_CLIENT, "--title", "first x11"])
    x11_window(comp, "first x11")
    pids = xwayland_pids(comp)
    check(len(pids) == 1, "expected one Xwayland, found %r" % pids)
    # Xwayland crashes: the X11 app goes with it, the compositor stays
    os.kill(pids[0], 9)
    wait_until(lambda: client.poll() is not None, 10, what="X11 client to lose its server")
    comp.wait_no_window(lambda w: w["kind"] == "x11", what="X11 windows to go")
    check(comp.alive(), "compositor died with Xwayland")
    wait_until(lambda: xwayland_pids(comp) == [], 10, what="dead Xwayland to be reaped")
    # the next connection starts a new server on the same display
    comp.client([X11_CLIENT, "--title", "second x11"])
    x11_window(comp, "second x11")
    new = xwayland_pids(comp)
    check(len(new) == 1 and new != pids, "Xwayland not restarted: %r" % new)
    comp.stop()
    check(not os.path.exists("/tmp/.X11-unix/X" + comp.env["DISPLAY"][1:]), "X socket left behind")


def test_crash_with_windows_open(procs):
    """Xwayland dies under open windows, five times: each time the compositor
    goes on and the next X11 client gets a new server (libweston 10 used to
    crash here in cairo; see compositor/xcb-disconnect.c)."""
    comp = Compositor(procs, xwayland=True)
    seen = set()
    for round_ in range(5):
        title = "crash-%d" % round_
        client = comp.client([X11_CLIENT, "--title", title])
        x11_window(comp, title)
        pids = xwayland_pids(comp)
        check(len(pids) == 1 and pids[0] not in seen, "round %d: Xwayland %r" % (round_, pids))
        seen.add(pids[0])
        os.kill(pids[0], 9)
        wait_until(lambda: client.poll() is not None, 10, what="X11 client to lose its server")
        comp.wait_no_window(lambda w: w["kind"] == "x11", what="X11 windows to go")
        check(comp.alive(), "compositor died when Xwayland crashed (round %d)" % round_)
    comp.stop()


def test_stale_lock_reused_and_taken_number_skipped(procs):
    n = first_free_display()
    stale = "/tmp/.X%d-lock" % n
    # a lock whose process is gone is stale: its number is free again
    dead = subprocess.Popen(["true"])
    dead.wait()
    with open(stale, "w") as f:
        f.write("%10d\n" % dead.pid)
    try:
        comp = Compositor(procs, xwayland=True)
        check(comp.env["DISPLAY"] == ":%d" % n, "stale lock for :%d not reused (got %s)" % (n, comp.env["DISPLAY"]))
        comp.stop()
    finally:
        if os.path.exists(stale):
            os.unlink(stale)
    # a lock held by a live process keeps its number taken
    holder = procs.start(["sleep", "60"])
    with open(stale, "w") as f:
        f.write("%10d\n" % holder.pid)
    try:
        comp = Compositor(procs, xwayland=True)
        got = comp.env["DISPLAY"]
        check(got != ":%d" % n and int(got[1:]) > n, "live lock for :%d ignored (got %s)" % (n, got))
        comp.client([X11_CLIENT, "--title", "skipped"])
        x11_window(comp, "skipped")
        comp.stop()
        check(os.path.exists(stale), "someone else's lock was removed")
    finally:
        os.unlink(stale)


def test_custom_socket_dir_from_another_namespace(procs):
    if not shutil.which("unshare"):
        return "skip unshare is not installed"
    probe = subprocess.run(["unshare", "-mn", "true"], capture_output=True)
    if probe.returncode != 0:
        return "skip cannot create mount and network namespaces here"
    parent = tempfile.mkdtemp(prefix="porthole-x11-")
    x11_dir = os.path.join(parent, ".X11-unix")  # the compositor creates it
    try:
        comp = Compositor(procs, ["--x11-dir=" + x11_dir], xwayland=True)
        n = comp.env["DISPLAY"][1:]
        sock = os.path.join(x11_dir, "X" + n)
        check(os.path.exists(sock), "no socket at %s" % sock)
        check(os.stat(x11_dir).st_mode & 0o1777 == 0o1777, "x11 dir is not mode 1777")
        # As in a user distro: its own network namespace (no abstract sockets from
        # here) and the shared directory bound over /tmp/.X11-unix.
        script = 'mount --bind "$0" /tmp/.X11-unix && exec "$1" --title "$2"'
        comp.client(["unshare", "-mn", "sh", "-c", script, x11_dir, X11_CLIENT, "from namespace"])
        x11_window(comp, "from namespace")
        comp.stop()
        check(not os.path.exists(sock), "socket %s left behind" % sock)
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_missing_xwayland_is_reported(procs):
    comp = Compositor(procs, ["--x11-dir=/proc/porthole-cannot-exist"], xwayland=True)
    check("DISPLAY" not in comp.env, "DISPLAY offered without an X11 socket")
    check("continuing without X11 support" in comp.read_log(), "no clear log line")
    check(comp.alive(), "compositor died")
    comp.stop()


def rss_and_llvm(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    with open("/proc/%d/maps" % pid) as f:
        return rss, "libLLVM" in f.read()


def has_glx(comp):
    out = subprocess.run(["xdpyinfo", "-display", comp.env["DISPLAY"], "-queryExtensions"],
                         capture_output=True, text=True, timeout=20).stdout
    return any(line.split()[0] == "GLX" for line in out.splitlines() if line.startswith("    "))


def test_glx_only_where_it_costs_no_llvm(procs):
    """Without a GPU (the pixman renderer) Xwayland starts without GLX by default:
    Xwayland 22 loads Mesa's software GL, and LLVM with it, when it starts, not
    when an app first asks for GL. --xwayland-glx=on brings GLX (and LLVM) back
    for apps that need it; the figures go to the TAP log."""
    figures = {}
    for choice in ("auto", "on"):
        comp = Compositor(procs, ["--xwayland-glx=" + choice], xwayland=True)
        comp.client([X11_CLIENT, "--title", "glx " + choice])
        x11_window(comp, "glx " + choice)
        pid = wait_until(lambda: xwayland_pids(comp), 10, what="Xwayland")[0]
        rss, llvm = rss_and_llvm(pid)
        glx = has_glx(comp)
        figures[choice] = rss
        check(glx == (choice == "on") and llvm == (choice == "on"),
              "xwayland-glx=%s: GLX %s, LLVM %s" % (choice, glx, llvm))
        if choice == "auto":
            check("without GLX" in comp.read_log(), "no log line says GLX is off")
        comp.stop()
    print("# Xwayland with one X11 window: %d kB resident without GLX, %d kB with (%.1fx)"
          % (figures["auto"], figures["on"], figures["on"] / figures["auto"]))


def test_x11_app_id_is_the_window_class(procs):
    """libweston 10's window manager keeps WM_CLASS to itself: an X11 window's app id (for
    `porthole windows`, the RDP client's Get Application ID and the window's icon) is asked of
    Xwayland, by a connection that each question closes again."""
    comp = Compositor(procs, xwayland=True)
    fds = None
    for title, cls in (("class one", "porthole-one"), ("class two", "Porthole-Two")):
        comp.client([X11_CLIENT, "--title", title, "--class", cls])
        x11_window(comp, title)
        wait_until(lambda: [w for w in comp.windows() if w["title"] == title][0]["app_id"] == cls, 10, 0.1,
                   "%r's class as its app id" % title)
        count = len(os.listdir("/proc/%d/fd" % comp.process.pid))
        check(fds is None or count == fds, "the compositor holds %d fds after a second question, %d after "
              "the first: a connection to Xwayland stayed open" % (count, fds or 0))
        fds = count
    comp.stop()


if __name__ == "__main__":
    run([test_glx_only_where_it_costs_no_llvm, test_lazy_start_and_restart, test_crash_with_windows_open,
         test_stale_lock_reused_and_taken_number_skipped,
         test_custom_socket_dir_from_another_namespace, test_missing_xwayland_is_reported,
         test_x11_app_id_is_the_window_class])
