#!/usr/bin/env python3
"""The system distro against a hostile user on the same machine: uid 1000 (the
services' user, the host's first user and the user distros' first user all are),
uid 65534 (nobody) and a user distro's own files. None of them reaches root, the
RDP secrets, the control socket, the microphone or the X11 socket directory; a
boot on a machine with its own X server on :0 works and says at once what fails.

Needs root (namespaces, mounts, and acting as the other users).
"""
import os
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from processes import process_name  # noqa: E402
from system_distro import (SystemDistro, UserDistro, booted, pids_in_namespace,  # noqa: E402
                           wait_service_ready, with_config)
from tap import check, run, wait_until  # noqa: E402

SERVICE_UID = 1000
NOBODY = 65534
# what `porthole run` may set, beyond the allow-listed GPU variables of client.env
# (DBUS_SESSION_BUS_ADDRESS: the session bus the run starts as the user)
SESSION_ENV = {"HOME", "USER", "LOGNAME", "SHELL", "PATH", "TERM", "LANG", "DISPLAY", "WAYLAND_DISPLAY",
               "XDG_RUNTIME_DIR", "PULSE_SERVER", "LD_LIBRARY_PATH", "GALLIUM_DRIVER",
               "MESA_D3D12_DEFAULT_ADAPTER_NAME", "PWD", "SHLVL", "_", "OLDPWD", "DBUS_SESSION_BUS_ADDRESS"}


def as_user(uid, code, timeout=20):
    """Runs python code as uid (and its own gid); returns (exit status, output)."""
    r = subprocess.run([sys.executable, "-c", code], user=uid, group=uid, capture_output=True, text=True,
                       timeout=timeout, cwd="/")
    return r.returncode, r.stdout + r.stderr


def can(uid, code):
    status, out = as_user(uid, code)
    return status == 0, out


def env_names(output):
    return {line.split("=", 1)[0] for line in output.splitlines() if "=" in line}


@booted
def test_no_environment_from_the_shared_dir(procs, d):
    """#1: a user-distro app (uid 1000) plants client.env with LD_PRELOAD; commands the
    launcher starts, as root too, get none of it."""
    top = os.path.join(d.shared_dir, "client.env")
    ok, out = can(SERVICE_UID, "open(%r, 'w').write('LD_PRELOAD=/tmp/evil.so\\n')" % top)
    check(not ok, "uid 1000 could write the shared dir's top: %s" % out)
    planted = os.path.join(d.shared_dir, "runtime-dir", "client.env")
    ok, out = can(SERVICE_UID, "open(%r, 'w').write('LD_PRELOAD=/tmp/evil.so\\nPORTHOLE_EVIL=1\\n')" % planted)
    check(ok, "uid 1000 cannot write its runtime dir: %s" % out)
    distro = UserDistro("alice", video_gid=4444)
    try:
        for user in ("root", None):
            r = d.run_output(["env"], distro=distro.root, user=user)
            names = env_names(r.stdout)
            check(r.returncode == 0, "porthole run: %s" % r.stderr)
            check("LD_PRELOAD" not in names and "PORTHOLE_EVIL" not in names,
                  "the planted file reached %s: %s" % (user or "the user", sorted(names)))
            check(names <= SESSION_ENV, "unexpected variables: %s" % sorted(names - SESSION_ENV))
        r = d.porthole("system", "--", "env")
        check("LD_PRELOAD" not in env_names(r.stdout), "the planted file reached porthole system")
    finally:
        distro.release()


@booted
def test_root_follows_no_link(procs, d):
    """#2: the shared dir's top is root's, so uid 1000 can swap nothing there for a
    link; and `porthole logs` (root) does not follow one that is there."""
    st = os.stat(d.shared_dir)
    check(st.st_uid == 0 and stat.S_IMODE(st.st_mode) == 0o755, "the shared dir's top: uid %d mode %o"
          % (st.st_uid, stat.S_IMODE(st.st_mode)))
    log = os.path.join(d.shared_dir, "compositor.log")
    ok, out = can(SERVICE_UID, "import os; os.rename(%r, %r + '.old'); os.symlink('/etc/shadow', %r)"
                  % (log, log, log))
    check(not ok, "uid 1000 could replace compositor.log: %s" % out)
    # as if it had: a root-only file behind a link where the log was
    secret = os.path.join(d.dir, "root-only")
    with open(secret, "w") as f:
        f.write("ROOT-ONLY-CONTENT\n")
    os.chmod(secret, 0o600)
    os.rename(log, log + ".old")
    os.symlink(secret, log)
    r = d.porthole("logs", "compositor", check_rc=False)
    check("ROOT-ONLY-CONTENT" not in r.stdout, "porthole logs followed the link")
    check(r.returncode != 0, "porthole logs printed something for a link: %r" % r.stdout)


@booted
def test_secrets_stay_with_root(procs, d):
    """#3: the RDP password and TLS key: not readable by uid 1000 (through the
    compositor's or PulseAudio's /proc root, or the state dir), nowhere under the
    shared dir, and the compositor cannot be read through /proc by its own user."""
    compositor = d.service_pid("porthole-compos")
    pulse = d.service_pid("pulseaudio")
    inside = "/proc/%d/root/run/porthole/rdp-password"
    with open(inside % d.pid) as f:
        password = f.read().strip()
    check(len(password) >= 16, "no per-boot password")
    for pid in (compositor, pulse):
        for path in (inside % pid, "/proc/%d/root/var/lib/porthole/rdp-tls.key" % pid,
                     "/proc/%d/environ" % pid if pid == compositor else "/proc/%d/root/etc/hostname" % pid):
            ok, out = can(SERVICE_UID, "print(open(%r).read())" % path)
            check(not ok or password not in out, "uid 1000 read %s" % path)
            if "rdp-" in path:
                check(not ok, "uid 1000 read %s" % path)
    ok, out = can(SERVICE_UID, "import os; print(os.listdir(%r))" % os.path.join(d.state_dir, "kept"))
    check(not ok, "uid 1000 lists the kept TLS key's dir: %s" % out)
    check(os.stat("/proc/%d/environ" % compositor).st_uid == 0,
          "the compositor is dumpable (its /proc files are its user's)")
    with open("/proc/%d/cmdline" % compositor, "rb") as f:
        cmdline = f.read().split(b"\0")
    check(not [a for a in cmdline if a.startswith(b"--rdp-") and b"/" in a and b"listen" not in a],
          "the compositor gets secret paths: %s" % cmdline)
    for root, _dirs, files in os.walk(d.shared_dir):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    data = f.read(1 << 20)
            except OSError:
                continue
            check(password.encode() not in data and b"PRIVATE KEY" not in data,
                  "a secret under the shared dir: %s" % path)


@booted
def test_control_socket_is_not_for_apps(procs, d):
    """#4: no control socket under the shared dir; uid 1000 reaching the private one
    through a service's /proc root is refused; five quits are not a crash loop."""
    found = [os.path.join(r, n) for r, _, files in os.walk(d.shared_dir) for n in files if n.endswith(".control")]
    check(not found, "control sockets in the shared dir: %s" % found)
    pulse = d.service_pid("pulseaudio")
    path = "/proc/%d/root/run/porthole/control/wayland-0.control" % pulse
    status, out = as_user(SERVICE_UID, "import socket; s = socket.socket(socket.AF_UNIX); s.connect(%r); "
                                       "s.sendall(b'windows\\n'); print(s.recv(100))" % path)
    # an answer is printed as b'ok...'; a refusal as b'' or an error ("Broken pipe" holds "ok" too)
    check("b'ok" not in out, "uid 1000 was answered on the control socket: %s" % out)
    for n in range(5):
        d.porthole("quit", check_rc=False)
        wait_service_ready(d, "compositor", n + 2)
    log = d.log("stderr")
    check("giving up" not in log, "five quits made portholed give up:\n%s" % log[-2000:])
    check("a clean exit, not a crash" in log, "the quits are not told apart from crashes")
    wait_until(lambda: d.service_pid("porthole-compos"), 10, 0.2, "the compositor after the quits")


@booted
def test_pulseaudio_only_for_session_users(procs, d):
    """#5: nobody (uid 65534) cannot reach PulseAudio (it recorded the microphone
    before); the session's user can."""
    server = "unix:" + os.path.join(d.shared_dir, "PulseServer")
    env = dict(os.environ, PULSE_SERVER=server, PULSE_CLIENTCONFIG="/dev/null", HOME="/tmp")
    nobody = subprocess.run(["pactl", "info"], env=env, user=NOBODY, group=NOBODY, capture_output=True,
                            text=True, timeout=20)
    check(nobody.returncode != 0, "nobody reached PulseAudio: %s" % nobody.stdout[:200])
    owner = subprocess.run(["pactl", "info"], env=env, user=SERVICE_UID, group=SERVICE_UID,
                           capture_output=True, text=True, timeout=20)
    check(owner.returncode == 0, "the session's user cannot reach PulseAudio: %s" % owner.stderr)


@booted
def test_x11_sockets_are_read_only(procs, d):
    """#6: a user-distro app cannot add a socket to the X11 directory, through
    /tmp/.X11-unix or /mnt/wslg/.X11-unix; nobody on the host cannot either."""
    distro = UserDistro("alice", video_gid=4444)
    try:
        r = d.run_output(["sh", "-c", "for d in /tmp/.X11-unix /mnt/wslg/.X11-unix; do "
                          "python3 -c \"import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])\" "
                          "$d/X9 2>/dev/null && echo created-in-$d; done; echo done"], distro=distro.root)
        check("done" in r.stdout and "created" not in r.stdout, "a socket was created: %r %r"
              % (r.stdout, r.stderr))
    finally:
        distro.release()
    ok, out = can(NOBODY, "import socket; socket.socket(socket.AF_UNIX).bind(%r)"
                  % os.path.join(d.shared_dir, ".X11-unix", "X9"))
    check(not ok, "nobody created a socket in .X11-unix")


@booted
def test_group_file_cannot_overflow_or_grant(procs, d):
    """#7: a user distro's /etc/group naming its user 300 times in one line, and in
    root's and disk's groups: the launcher neither overflows nor hands out gids
    below 1000 (video and render are mapped, not taken)."""
    distro = UserDistro("hostile", video_gid=4600)
    try:
        with open(os.path.join(distro.root, "etc", "group"), "w") as f:
            f.write("root:x:0:alice\ndisk:x:6:alice\nvideo:x:4600:alice\nrender:x:4601:alice\n"
                    "alice:x:1000:\nmany:x:2000:%s\n" % ",".join(["alice"] * 300))
            for n in range(100):
                f.write("g%d:x:%d:alice,alice\n" % (n, 3000 + n))
        r = d.run_output(["id", "-G"], distro=distro.root)
        check(r.returncode == 0, "porthole run failed: %r" % r.stderr)
        gids = [int(g) for g in r.stdout.split()]
        print("# %d groups: %s..." % (len(gids), gids[:8]))
        check(0 not in gids[1:] and 6 not in gids, "gids below 1000 from the distro's files: %s" % gids)
        check(len(gids) <= 65, "%d groups" % len(gids))
    finally:
        distro.release()


def abstract_x11_free(n):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind("\0/tmp/.X11-unix/X%d" % n)
        return True
    except OSError:
        return False
    finally:
        s.close()


@booted
@with_config("", boot=False)
def test_boot_beside_another_x_server(procs, d):
    """#13: with an X server on :0 of this machine (started here when there is none),
    the system distro boots in a network of its own, its user-distro apps reach its
    Xwayland (not the other server), a second boot works beside it, and a port in use
    is said at once."""
    if abstract_x11_free(0):
        procs.start(["Xvfb", ":0", "-nolisten", "tcp"])
        wait_until(lambda: not abstract_x11_free(0), 10, 0.1, "Xvfb on :0")
    d.boot()
    check(os.readlink("/proc/%d/ns/net" % d.pid) != os.readlink("/proc/self/ns/net"),
          "the system distro shares this machine's network")
    check(d.display != 0, "the distro took :0 beside another X server")
    distro = UserDistro("alice", video_gid=4444)
    try:
        # Porthole's X server has a window manager (libweston's) on its root; Xvfb none
        r = d.run_output(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], distro=distro.root)
        check("window id" in r.stdout, "a user-distro app reached another X server on :%d: %r %r"
              % (d.display, r.stdout, r.stderr))
    finally:
        distro.release()
    second = SystemDistro()
    try:
        start = time.monotonic()
        second.boot()
        print("# a second boot beside the first: %.1f s, DISPLAY :%d" % (time.monotonic() - start,
                                                                       second.display))
        check(second.display != d.display, "both boots took :%d" % d.display)
    finally:
        second.cleanup()
    busy = SystemDistro("[rdp]\nlisten=tcp:127.0.0.1:%d\n" % d.port)
    try:
        start = time.monotonic()
        r = busy.boot(expect_ok=False)
        took = time.monotonic() - start
        check(r.returncode != 0 and "cannot listen for RDP" in busy.boot_output and "in use" in
              busy.boot_output, "a port in use: %r" % busy.boot_output)
        check(took < 5, "the port in use was said after %.1f s" % took)
    finally:
        busy.cleanup()
    check(process_name(d.pid) == "portholed" and pids_in_namespace(d.pid), "the first boot went down")


if __name__ == "__main__":
    run([test_no_environment_from_the_shared_dir, test_root_follows_no_link, test_secrets_stay_with_root,
         test_control_socket_is_not_for_apps, test_pulseaudio_only_for_session_users,
         test_x11_sockets_are_read_only, test_group_file_cannot_overflow_or_grant,
         test_boot_beside_another_x_server])
