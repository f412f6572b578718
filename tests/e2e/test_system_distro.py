#!/usr/bin/env python3
"""The system distro as a user runs it: `porthole boot` (namespaces, overlay of
the host's root, portholed as its pid 1), apps from a separate user distro with
`porthole run`, supervision (restart, crash loop), config errors, `porthole stop`,
the user-distro files for systemd, and device groups mapped through gid_map.

Needs root (mounts and namespaces), as the README's commands do.
"""
import os
import signal
import stat
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from locations import CLI, SOURCE  # noqa: E402
from processes import process_name, read_text  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402
from system_distro import (SOCKETS, SystemDistro, UserDistro, booted, mounts_under,  # noqa: E402
                           pids_in_namespace, wait_service_ready, with_config)

USER_DISTRO_FILES = os.path.join(SOURCE, "system-image", "user-distro")


def safe_readlink(path):
    try:
        return os.readlink(path)
    except OSError:  # gone meanwhile
        return None


def proc_status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return line.split()[1:]
    return None


@booted
@with_config("[system-distro-env]\nPORTHOLE_TEST_MARK=from-the-user-file\n")
def test_boot_ready_and_shared_tree(procs, d):
    print("# boot to all three sockets accepting: %d ms" % d.ready_ms)
    r = d.porthole("status")
    for name in SOCKETS:
        name = name.format(display=d.display)
        check("%s/%s" % (d.shared_dir, name) in r.stdout, "status does not list %s:\n%s" % (name, r.stdout))
    check("NOT ACCEPTING" not in r.stdout, "a socket does not accept:\n%s" % r.stdout)
    print("# " + r.stdout.strip().splitlines()[-1])

    modes = {p: stat.S_IMODE(os.stat(os.path.join(d.shared_dir, p)).st_mode)
             for p in ("runtime-dir", ".X11-unix")}
    check(modes == {"runtime-dir": 0o700, ".X11-unix": 0o755}, "shared tree modes: %s" % modes)
    check(os.stat(os.path.join(d.shared_dir, "runtime-dir")).st_uid == 1000,
          "runtime-dir is not the services' user's")
    versions = open(os.path.join(d.shared_dir, "versions.txt")).read()
    for component in ("porthole", "libweston", "FreeRDP", "PulseAudio", "kernel"):
        check(component.lower() in versions.lower(), "versions.txt lacks %s:\n%s" % (component, versions))
    log = d.log("stderr")
    check("all services ready" in log and "GPU:" in log, "stderr.log:\n%s" % log)

    compositor = d.service_pid("porthole-compos")
    pulse = d.service_pid("pulseaudio")
    check(compositor and pulse, "services not found: %s" % [process_name(p) for p in pids_in_namespace(d.pid)])
    for pid in (compositor, pulse):
        uids = proc_status(pid, "Uid")
        check(uids == ["1000"] * 4, "%s runs as uids %s, not the services' user" % (process_name(pid), uids))
        # the image's /etc/group puts the services' user in its own group only
        groups = (proc_status(pid, "Gid"), proc_status(pid, "Groups"))
        check(groups == (["1000"] * 4, ["1000"]), "%s runs with gids and groups %s" % (process_name(pid), groups))
        check(proc_status(pid, "CapEff") == ["0000000000000000"],
              "%s keeps capabilities: %s" % (process_name(pid), proc_status(pid, "CapEff")))
    with open("/proc/%d/environ" % compositor, "rb") as f:
        environ = f.read().split(b"\0")
    check(b"PORTHOLE_TEST_MARK=from-the-user-file" in environ,
          "[system-distro-env] did not reach the compositor")
    check(process_name(d.pid) == "portholed" and os.readlink("/proc/%d/ns/pid" % d.pid) !=
          os.readlink("/proc/self/ns/pid"), "portholed is not in its own pid namespace")


@booted
def test_apps_from_a_user_distro(procs, d):
    distro = UserDistro("alice", video_gid=4444)
    try:
        r = d.run_output(["sh", "-c", "id -un; echo $DISPLAY $WAYLAND_DISPLAY $XDG_RUNTIME_DIR $PULSE_SERVER; "
                          "touch /tmp/.X11-unix/x 2>&1; test -S /tmp/.X11-unix/X%d && echo x-socket" % d.display],
                         distro=distro.root)
        lines = r.stdout.splitlines()
        check(r.returncode == 0 and lines[:2] == [
            "alice", ":%d wayland-0 /mnt/wslg/runtime-dir unix:/mnt/wslg/PulseServer" % d.display],
            "the distro's environment: %r %s" % (r.stdout, r.stderr))
        check("Read-only file system" in r.stdout and "x-socket" in r.stdout,
              "/tmp/.X11-unix should be the shared sockets, read-only: %r" % r.stdout)

        log = os.path.join(d.dir, "apps.log")
        procs.procs.append(d.run(["weston-simple-shm"], distro=distro.root, log=log))
        procs.procs.append(d.run(["xterm", "-T", "porthole-xterm"], distro=distro.root, log=log))

        def both():
            kinds = {w["kind"] for w in d.windows()}
            return {"wayland", "x11"} <= kinds
        wait_until(both, 20, 0.2, "a Wayland and an X11 window from the user distro; log:\n%s" %
                   open(log, errors="replace").read()[-2000:])
        titles = sorted(w["title"] for w in d.windows())
        print("# windows: %s" % titles)
        check("porthole-xterm" in titles, "xterm's window: %s" % titles)
        print("# idle-ish RSS with both apps: " + d.porthole("status").stdout.strip().splitlines()[-1])
    finally:
        distro.release()


@booted
def test_connect_from_the_host(procs, d):
    """`porthole connect` as the README runs it: xfreerdp with this boot's user, its
    password (on the client's stdin, never on its command line) and the pinned
    certificate; the user distro's xterm shows as a window of its own on the host."""
    from host_windows import HostWindows
    from rdp_host import Host
    procs.procs.append(d.run(["xterm", "-T", "porthole-xterm"]))
    wait_until(lambda: d.windows(), 20, 0.2, "xterm's window")
    host = Host(procs)
    log = os.path.join(d.dir, "connect.log")
    client = procs.start([CLI, "connect", "--no-sound", "--", "/log-level:WARN"],
                         env=dict(d.env, DISPLAY=host.display), log=log)

    def active_peer():
        r = d.porthole("peers", check_rc=False)
        return r.returncode == 0 and '"active":true' in r.stdout
    try:
        wait_until(active_peer, 30, 0.3, "the host's client to log in")
    except TestFailure as e:
        raise TestFailure("%s; the client (%s): %s\nthe compositor's log:\n%s" % (
            e, "still running" if client.poll() is None else "exited %d" % client.returncode,
            read_text(log, missing="")[-3000:], d.log("compositor")[-4000:]))
    windows = HostWindows(host)

    def names():
        out = []
        for win in windows.mapped().values():
            try:
                out.append(win.get_wm_name())
            except Exception:  # gone meanwhile
                pass
        return out
    try:
        # xterm's shell may retitle it: the host shows the title the compositor has now
        wait_until(lambda: set(names()) & {w["title"] for w in d.windows()}, 20, 0.3,
                   "xterm's window on the host")
    except TestFailure:
        raise TestFailure("no xterm window on the host; its windows: %s; the client's log:\n%s\n%s" % (
            names(), read_text(log, missing="")[-2000:], d.log("compositor")[-3000:]))
    with open("/proc/%d/cmdline" % client.pid, "rb") as f:
        cmdline = f.read()
    password_file = os.path.join("/proc/%d/root/run/porthole/rdp-password" % d.pid)
    with open(password_file, "rb") as f:
        password = f.read().strip()
    check(password and password not in cmdline, "the password is on xfreerdp's command line")
    check(b"/cert:fingerprint:sha256:" in cmdline, "the certificate is not pinned: %r" % cmdline)
    # the host screen has no window manager: the client is told to say so, so that
    # menus come as windows xfreerdp can show there (not tool windows, which kill it)
    check(b"/app:porthole host-without-window-manager" in cmdline,
          "porthole connect did not notice the bare host: %r" % cmdline)
    check("host has no window manager" in d.log("compositor"), "the compositor was not told of the bare host")


@booted
def test_run_passes_signals_status_and_a_session_bus(procs, d):
    """`porthole run` as a shell or a service manager uses it: the command's exit
    status comes back, a SIGTERM or SIGINT sent to the launcher reaches the command
    (nothing of the run stays behind), and a D-Bus app finds a session bus."""
    import subprocess
    distro = UserDistro("alice", video_gid=4444)
    try:
        r = subprocess.run([CLI, "run", "--distro", distro.root, "--", "sh", "-c", "exit 7"], env=d.env,
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 7, "exit 7 came back as %d: %s" % (r.returncode, r.stderr))
        bus = subprocess.run([CLI, "run", "--distro", distro.root, "--", "dbus-send", "--session",
                              "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus.GetId"], env=d.env, capture_output=True, text=True,
                             timeout=30)
        check(bus.returncode == 0 and "string" in bus.stdout,
              "no session bus for the command: %s %s" % (bus.stdout, bus.stderr))
        for sig in (signal.SIGTERM, signal.SIGINT):
            # the command notes the signal where the host sees it (the distro's /tmp)
            # and ends with a status of its own
            inside = "/tmp/porthole-trap-%d" % sig
            out = os.path.join(distro.root, inside.lstrip("/"))
            if os.path.exists(out):
                os.unlink(out)
            p = subprocess.Popen([CLI, "run", "--distro", distro.root, "--", "sh", "-c",
                                  "trap 'echo got > %s; exit 99' %s; echo ready; "
                                  "while :; do sleep 0.1; done" % (inside, sig.name[3:])],
                                 env=d.env, stdout=subprocess.PIPE, text=True, start_new_session=True)
            procs.procs.append(p)
            check(p.stdout.readline().strip() == "ready", "the command did not start")
            # the distro's pid 1 is the launcher's child; its namespace holds the run
            pid1 = wait_until(lambda: [int(e) for e in os.listdir("/proc") if e.isdigit() and
                                       read_text("/proc/%s/stat" % e, missing=") x 0").rsplit(")", 1)[1]
                                       .split()[1] == str(p.pid)], 5, what="the run's pid 1")[0]
            ns = os.readlink("/proc/%d/ns/pid" % pid1)
            os.kill(p.pid, sig)
            try:
                rc = p.wait(10)
            except subprocess.TimeoutExpired:
                raise TestFailure("porthole run still runs 10 s after %s" % sig.name)
            check(rc == 99, "porthole run ended %d after %s, not the command's 99" % (rc, sig.name))
            check(os.path.exists(out), "the command never got %s" % sig.name)
            left = [e for e in os.listdir("/proc") if e.isdigit() and
                    os.path.exists("/proc/%s/ns/pid" % e) and safe_readlink("/proc/%s/ns/pid" % e) == ns]
            check(not left, "%d processes of the run stay after %s" % (len(left), sig.name))
    finally:
        distro.release()


@booted
def test_compositor_killed_comes_back(procs, d):
    old = d.service_pid("porthole-compos")
    os.kill(old, signal.SIGKILL)
    wait_service_ready(d, "compositor", 2)
    new = wait_until(lambda: d.service_pid("porthole-compos"), 10, 0.1, "the new compositor")
    check(new != old, "the compositor was not replaced")
    log = d.log("stderr")
    check("killed by signal 9" in log, "the exit is not logged:\n%s" % log)
    wait_until(lambda: d.porthole("status", check_rc=False).returncode == 0, 15, 0.1,
               "every socket to accept again")
    procs.procs.append(d.run(["weston-simple-shm"]))
    wait_until(lambda: any(w["kind"] == "wayland" for w in d.windows()), 20, 0.2,
               "a new app on the restarted compositor")


# A key that is not the certificate's: the compositor exits at every start.
@booted
@with_config("[supervisor]\nrestart-limit=3\nrestart-window=60\nrestart-delay=0.1\n"
             "[rdp]\nlisten=tcp:127.0.0.1:{port}\ntls-cert={dir}/bad.crt\ntls-key={dir}/bad.key\n",
             boot=False)
def test_crash_loop_gives_up(procs, d):
    import subprocess
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test",
                    "-days", "1", "-keyout", os.path.join(d.dir, "other.key"),
                    "-out", os.path.join(d.dir, "bad.crt")], check=True, capture_output=True)
    fd = os.open(os.path.join(d.dir, "bad.key"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"not a PEM key\n")
    os.close(fd)
    start = time.monotonic()
    r = d.boot(expect_ok=False)
    took = time.monotonic() - start
    check(r.returncode != 0, "boot succeeded with a compositor that cannot start:\n%s" % d.boot_output)
    check("compositor" in d.boot_output, "boot does not say which service failed:\n%s" % d.boot_output)
    # a failed boot unmounts the shared dir: the log's tail is in boot's output
    log = d.boot_output
    starts = log.count("compositor: down -> starting")
    check(starts == 3, "%d starts, expected 3 (the limit):\n%s" % (starts, log))
    check("giving up (crash loop)" in log, "no crash-loop line:\n%s" % log)
    check(took < 20, "giving up took %.1f s" % took)
    check(not mounts_under(d.dir), "mounts left after a failed boot: %s" % mounts_under(d.dir))
    check(not os.path.exists(os.path.join(d.state_dir, "boot.ini")), "a failed boot left its record")


@booted
@with_config("[supervisor]\nrestart-limit=3\nrestart-window=60\n")
def test_crash_loop_after_ready_gives_up(procs, d):
    for n in range(1, 4):
        pid = wait_until(lambda: d.service_pid("porthole-compos"), 15, 0.1, "compositor %d" % n)
        wait_service_ready(d, "compositor", n)
        os.kill(pid, signal.SIGKILL)
        if n < 3:
            wait_until(lambda: d.service_pid("porthole-compos") not in (None, pid), 15, 0.1,
                       "the restart after kill %d" % n)
    wait_until(lambda: "giving up (crash loop)" in d.log("stderr"), 15, 0.1, "the crash-loop line")
    time.sleep(1)
    check(d.service_pid("porthole-compos") is None, "restarted after giving up")
    check(d.service_pid("pulseaudio") is not None, "PulseAudio went down with the compositor")
    r = d.porthole("status", check_rc=False)
    check(r.returncode == 1, "status says all is well with no compositor:\n%s" % r.stdout)


@booted
@with_config("[supervisor]\nrestart-limit=3\nthis line is not ini\n", boot=False)
def test_malformed_config_boots_with_defaults(procs, d):
    # the whole user file is ignored, so RDP falls back to the default port
    import socket
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", 3389))
    except OSError:
        return "skip: 127.0.0.1:3389 (the default the malformed file falls back to) is taken"
    finally:
        probe.close()
    d.boot()
    log = d.log("stderr")
    check("user.ini line " in log and "defaults" in log, "no line naming file and line:\n%s" % log)
    check("tcp:127.0.0.1:3389" in d.porthole("status").stdout, "not on the default listener")


@booted
def test_stop_leaves_nothing(procs, d):
    procs.procs.append(d.run(["xterm"]))
    wait_until(lambda: d.windows(), 20, 0.2, "xterm's window")
    inside = pids_in_namespace(d.pid)
    check(len(inside) >= 4, "processes in the system distro: %s" % [process_name(p) for p in inside])
    start = time.monotonic()
    r = d.porthole("stop")
    print("# stop took %.0f ms" % ((time.monotonic() - start) * 1000))
    left = [p for p in inside if os.path.exists("/proc/%d" % p) and process_name(p)]
    check(not left, "left running: %s" % [(p, process_name(p)) for p in left])
    check(not mounts_under(d.dir), "mounts left: %s" % mounts_under(d.dir))
    check(not os.path.exists(os.path.join(d.state_dir, "boot.ini")), "the boot record is left")
    check(d.porthole("status", check_rc=False).returncode == 1, "status still finds it: %s" % r.stdout)


@booted
def test_systemd_tmp_remount_restores_sockets(procs, d):
    distro = UserDistro("alice", video_gid=4444)
    rule = os.path.join(USER_DISTRO_FILES, "tmpfiles.d", "porthole-x11.conf")
    restore = os.path.join(USER_DISTRO_FILES, "porthole-restore-x11")
    links = os.path.join(USER_DISTRO_FILES, "porthole-runtime-links")
    # the project's files, copied into the distro as a package would install them
    target = os.path.join(distro.root, "opt", "porthole")
    os.makedirs(target, exist_ok=True)
    for f in (rule, restore, links):
        with open(f, "rb") as src, open(os.path.join(target, os.path.basename(f)), "wb") as dst:
            dst.write(src.read())
        os.chmod(os.path.join(target, os.path.basename(f)), 0o755)
    try:
        # As systemd's tmp.mount does: a fresh tmpfs over /tmp hides the socket dir.
        # Then the unit's logic (tmpfiles rule, restore script) brings it back.
        script = ("mount -t tmpfs tmpfs /tmp && ! test -e /tmp/.X11-unix/X{n} && echo hidden; "
                  "systemd-tmpfiles --create /opt/porthole/porthole-x11.conf && "
                  "/opt/porthole/porthole-restore-x11 && ls -la /tmp/.X11-unix/ && "
                  "test -S /tmp/.X11-unix/X{n} && echo restored && "
                  "setpriv --reuid=alice --regid=alice --init-groups sh -c 'xdpyinfo >/dev/null && echo x-works'"
                  ).format(n=d.display)
        r = d.run_output(["sh", "-c", script], distro=distro.root, user="root")
        check("hidden" in r.stdout and "restored" in r.stdout and "x-works" in r.stdout,
              "after the /tmp remount: %r %r" % (r.stdout, r.stderr))
        # The user unit's logic: the standard runtime dir gets links to the shared sockets.
        script = ("mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/user/1000 && chown alice /run/user/1000 && chmod 700 /run/user/1000 && "
                  "setpriv --reuid=alice --regid=alice --init-groups sh -c 'XDG_RUNTIME_DIR=/run/user/1000 /opt/porthole/porthole-runtime-links && "
                  "ls -l /run/user/1000 /run/user/1000/pulse && XDG_RUNTIME_DIR=/run/user/1000 "
                  "WAYLAND_DISPLAY=wayland-0 weston-info >/dev/null && echo wayland-works && "
                  "env -u PULSE_SERVER XDG_RUNTIME_DIR=/run/user/1000 pactl info >/dev/null && echo pulse-works'")
        r = d.run_output(["sh", "-c", script], distro=distro.root, user="root")
        check("wayland-works" in r.stdout and "pulse-works" in r.stdout,
              "through /run/user/1000: %r %r" % (r.stdout, r.stderr))
    finally:
        distro.release()


@booted
def test_device_groups_mapped_not_changed(procs, d):
    node = "/dev/porthole-test-%d" % os.getpid()
    video = 44
    try:
        import grp
        video = grp.getgrnam("video").gr_gid
    except KeyError:
        pass
    os.mknod(node, 0o660 | stat.S_IFCHR, os.makedev(1, 3))  # behaves as /dev/null
    os.chown(node, 0, video)
    os.chmod(node, 0o660)
    first = UserDistro("alice", video_gid=4444)
    second = UserDistro("bob", video_gid=5555, user="bob", uid=1001)
    try:
        for distro in (first, second):
            r = d.run_output(["sh", "-c", "id; stat -c '%%g %%a' %s; echo data > %s && echo opened" % (node, node)],
                             distro=distro.root)
            check("opened" in r.stdout, "%s could not open the node: %r %r" % (distro.root, r.stdout, r.stderr))
            print("# %s" % r.stdout.splitlines()[0])
        st = os.stat(node)
        check(st.st_gid == video and stat.S_IMODE(st.st_mode) == 0o660,
              "the node's group or mode changed: gid %d mode %o" % (st.st_gid, stat.S_IMODE(st.st_mode)))
        # the mapping does not hand out the group to users outside it
        r = d.run_output(["sh", "-c", "echo data > %s && echo opened" % node])
        check("opened" not in r.stdout, "a user outside video opened the node")
    finally:
        first.release()
        second.release()
        os.unlink(node)


def test_needs_root_and_says_so(procs):
    if os.geteuid() != 0:
        return "skip: runs as root to drop to another user"
    d = SystemDistro()
    try:
        r = d.porthole("status", check_rc=False)
        check(r.returncode == 1 and "porthole boot" in r.stderr, "status with nothing booted: %r" % r.stderr)
        r = d.porthole("run", "--", "true", check_rc=False)
        check(r.returncode == 1 and "porthole boot" in r.stderr, "run with nothing booted: %r" % r.stderr)
        r = d.porthole("boot", "--bogus", check_rc=False)
        check(r.returncode == 2, "an unknown option exits 2")
        r = subprocess_as_nobody([d.env, "boot"])
        check(r.returncode != 0 and "root" in r.stderr, "boot as a user: %r" % r.stderr)
    finally:
        d.cleanup()


def subprocess_as_nobody(args):
    """Runs the CLI as nobody, from a copy: the build dir may sit where nobody
    cannot enter (/root)."""
    import shutil
    import subprocess
    import tempfile
    from locations import CLI
    env, verb = args
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        cli = os.path.join(tmp, "porthole")
        shutil.copy(CLI, cli)
        return subprocess.run([cli, verb], env=env, capture_output=True, text=True, user=65534, group=65534,
                              timeout=30)


if __name__ == "__main__":
    run([test_boot_ready_and_shared_tree, test_apps_from_a_user_distro, test_connect_from_the_host,
         test_run_passes_signals_status_and_a_session_bus, test_compositor_killed_comes_back,
         test_crash_loop_gives_up, test_crash_loop_after_ready_gives_up, test_malformed_config_boots_with_defaults,
         test_stop_leaves_nothing, test_systemd_tmp_remount_restores_sockets,
         test_device_groups_mapped_not_changed, test_needs_root_and_says_so])
