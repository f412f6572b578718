"""The system distro under test: `porthole boot` into a private state dir and
shared dir, on a free RDP port; and minimal user distros to run apps from.

A user distro here is a directory with its own /etc (its users, its video and
render gids) whose /usr is the host's, bound read-only for the test's duration:
the apps are Debian's, the identity is the distro's.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile

from locations import BUILD, CLI
from processes import free_port, process_name, read_text
from tap import TestFailure, check, wait_until

SOCKETS = ("runtime-dir/wayland-0", ".X11-unix/X{display}", "PulseServer")
USER_DISTRO_CACHE = os.path.join(BUILD, "tests", "user-distros")
# what a user distro needs from the host's /etc for Debian's /usr to work
HOST_ETC = ("fonts", "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf",
            "X11", "gtk-3.0", "mime.types", "xdg")


def pids_in_namespace(init_pid):
    """Host pids of every process in init_pid's pid namespace."""
    try:
        ns = os.readlink("/proc/%d/ns/pid" % init_pid)
    except OSError:
        return []
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink("/proc/%s/ns/pid" % entry) == ns:
                    out.append(int(entry))
            except OSError:
                pass
    return out


def mounts_under(*dirs):
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    return [p for p in points if any(p == d or p.startswith(d.rstrip("/") + "/") for d in dirs)]


class SystemDistro:
    """One `porthole boot` with its own state dir, shared dir and RDP port."""

    def __init__(self, config="", port=None):
        self.dir = tempfile.mkdtemp(prefix="porthole-boot-")
        os.chmod(self.dir, 0o755)  # the services' user walks into the shared dir
        self.state_dir = os.path.join(self.dir, "state")
        self.shared_dir = os.path.join(self.dir, "wslg")
        self.port = port or free_port()
        self.config_path = os.path.join(self.dir, "user.ini")
        config = config.replace("{port}", str(self.port)).replace("{dir}", self.dir)
        if "[rdp]" not in config:
            config = "[rdp]\nlisten=tcp:127.0.0.1:%d\n" % self.port + config
        with open(self.config_path, "w") as f:
            f.write(config)
        self.env = dict(os.environ, PORTHOLE_STATE_DIR=self.state_dir)
        self.env.pop("XDG_RUNTIME_DIR", None)
        self.env.pop("WAYLAND_DISPLAY", None)
        self.pid = None
        self.boot_output = ""

    def porthole(self, *args, timeout=30, check_rc=True, env_extra=None):
        env = dict(self.env, **(env_extra or {}))
        r = subprocess.run([CLI] + list(args), env=env, capture_output=True, text=True, timeout=timeout)
        if check_rc and r.returncode != 0:
            raise TestFailure("porthole %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout,
                                                            r.stderr[-3000:]))
        return r

    def boot(self, extra=(), expect_ok=True, timeout=60):
        r = self.porthole("boot", "--config", self.config_path, "--shared-dir", self.shared_dir,
                          *extra, timeout=timeout, check_rc=False)
        self.boot_output = r.stdout + r.stderr
        if expect_ok:
            check(r.returncode == 0, "porthole boot failed (%d):\n%s\nstderr.log:\n%s" % (
                r.returncode, self.boot_output[-3000:], self.log("stderr")[-3000:]))
            m = re.search(r"ready in (\d+) ms \(portholed pid (\d+)\)", r.stdout)
            check(m, "boot did not say ready: %s" % self.boot_output)
            self.ready_ms = int(m.group(1))
            self.pid = int(m.group(2))
            m = re.search(r"as DISPLAY=:(\d+)", r.stdout)
            check(m, "boot did not say the X11 display: %s" % self.boot_output)
            self.display = int(m.group(1))
        return r

    def log(self, name):
        return read_text(os.path.join(self.shared_dir, name + ".log"))

    def service_pid(self, name):
        """The host pid of the running service whose comm starts with name."""
        for pid in pids_in_namespace(self.pid):
            if process_name(pid).startswith(name):
                return pid
        return None

    def windows(self):
        """One dict per mapped window (the CLI prints a JSON object per line)."""
        r = self.porthole("windows", "--json")
        return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]

    def run(self, argv, distro=None, user=None, log=None):
        """Starts argv in a user distro (Popen); the caller's Processes stops it."""
        args = [CLI, "run"]
        if distro:
            args += ["--distro", distro]
        if user:
            args += ["--user", user]
        out = open(log, "ab") if log else subprocess.DEVNULL
        p = subprocess.Popen(args + ["--"] + list(argv), env=self.env, stdout=out,
                             stderr=subprocess.STDOUT if log else subprocess.DEVNULL, start_new_session=True)
        if log:
            out.close()
        return p

    def run_output(self, argv, distro=None, user=None, timeout=30):
        args = ["run"]
        if distro:
            args += ["--distro", distro]
        if user:
            args += ["--user", user]
        return self.porthole(*(args + ["--"] + list(argv)), timeout=timeout, check_rc=False)

    def stop(self):
        if os.path.exists(os.path.join(self.state_dir, "boot.ini")):
            self.porthole("stop", timeout=60, check_rc=False)

    def cleanup(self):
        """Stops whatever is left (by the recorded pid) and removes the dirs."""
        self.stop()
        if self.pid:
            for pid in pids_in_namespace(self.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        for point in reversed(mounts_under(self.dir)):
            subprocess.run(["umount", "-l", point], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class UserDistro:
    """A minimal user distro: its own /etc, the host's /usr read-only.

    Built once per (name, video gid) into the build dir and reused; /usr is bound
    while the object lives (release() unbinds)."""

    def __init__(self, name, video_gid, render_gid=None, user="alice", uid=1000):
        self.root = os.path.join(USER_DISTRO_CACHE, "%s-%d" % (name, video_gid))
        marker = os.path.join(self.root, "etc", ".porthole-test-distro")
        if not os.path.exists(marker):
            self._build(video_gid, render_gid or video_gid + 1, user, uid)
            with open(marker, "w") as f:
                f.write("built by tests/lib/system_distro.py\n")
        self.user = user
        self.usr = os.path.join(self.root, "usr")
        if self.usr not in mounts_under(self.usr):
            subprocess.run(["mount", "--bind", "/usr", self.usr], check=True)
            subprocess.run(["mount", "-o", "remount,bind,ro", self.usr], check=True)

    def _build(self, video_gid, render_gid, user, uid):
        shutil.rmtree(self.root, ignore_errors=True)
        for d in ("etc", "usr", "dev", "proc", "sys", "run", "mnt/wslg", "root", "var/tmp",
                  "home/" + user):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        os.makedirs(os.path.join(self.root, "tmp"), exist_ok=True)
        os.chmod(os.path.join(self.root, "tmp"), 0o1777)
        for link in ("bin", "sbin", "lib", "lib64"):
            if os.path.exists("/usr/" + link):
                os.symlink("usr/" + link, os.path.join(self.root, link))
        for name in HOST_ETC:
            src = os.path.join("/etc", name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(self.root, "etc", name), symlinks=True)
            elif os.path.exists(src):
                shutil.copy2(src, os.path.join(self.root, "etc", name))
        with open(os.path.join(self.root, "etc", "passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\n%s:x:%d:%d::/home/%s:/bin/sh\n" % (user, uid, uid, user))
        with open(os.path.join(self.root, "etc", "group"), "w") as f:
            f.write("root:x:0:\nvideo:x:%d:%s\nrender:x:%d:%s\n%s:x:%d:\n" % (
                video_gid, user, render_gid, user, user, uid))
        os.chown(os.path.join(self.root, "home", user), uid, uid)

    def release(self):
        # os.path.ismount misses a bind from the same file system: ask mountinfo
        for _ in mounts_under(self.usr):
            subprocess.run(["umount", "-l", self.usr], capture_output=True)


def wait_service_ready(distro, name, count, timeout=30):
    """Waits until stderr.log says name got ready count times."""
    pattern = "%s: starting -> ready" % name
    return wait_until(lambda: distro.log("stderr").count(pattern) >= count, timeout, 0.1,
                      "%s to be ready (%d times); stderr.log:\n%s" % (name, count, distro.log("stderr")[-2000:]))


def booted(case):
    """Runs case(procs, distro) against a fresh boot, cleaned up whatever happens."""
    def wrapper(procs):
        if os.geteuid() != 0:
            return "skip: needs root (mount and pid namespaces)"
        distro = SystemDistro(getattr(case, "config", ""))
        try:
            if getattr(case, "boot", True):
                distro.boot()
            return case(procs, distro)
        finally:
            procs.stop_all()
            distro.cleanup()
    wrapper.__name__ = case.__name__
    return wrapper


def with_config(text, boot=True):
    def mark(case):
        case.config = text
        case.boot = boot
        return case
    return mark
