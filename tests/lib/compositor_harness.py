"""porthole-compositor under test: started on a private runtime dir, driven through the
`porthole` CLI (windows, screenshots, input), quit and checked for a clean exit."""

import json
import os
import shutil
import subprocess
import tempfile
import time

from images import png_read
from locations import CLI, COMPOSITOR
from processes import read_text, sanitizer_report
from tap import TestFailure, wait_until


class Compositor:
    def __init__(self, procs, args=(), xwayland=False, name=None, env_extra=None, pass_fds=(),
                 full_stacks=False):
        self.procs = procs
        self.runtime_dir = tempfile.mkdtemp(prefix="porthole-rt-")
        os.chmod(self.runtime_dir, 0o700)
        procs.dirs.append(self.runtime_dir)
        self.socket = name or "wayland-test"
        self.log = os.path.join(self.runtime_dir, "compositor.log")
        argv = [COMPOSITOR, "--socket=" + self.socket, "--log=" + self.log,
                "--debug=rail,xwayland"] + list(args)
        if xwayland:
            argv.append("--xwayland")
        env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime_dir)
        if "--renderer=gl" in argv and "ASAN_OPTIONS" in env:
            # Mesa's driver is unloaded before LeakSanitizer reports, so its
            # allocations show as "<unknown module>" and cannot be suppressed by
            # name. Every other AddressSanitizer check stays on.
            env["ASAN_OPTIONS"] += ":detect_leaks=0"
        if (any(a.startswith("--rdp-listen") for a in argv) or xwayland or full_stacks) \
                and "ASAN_OPTIONS" in env:
            # libcrypto, libxcb and libweston have no frame pointers: without the slow
            # unwinder a leak's stack stops there, and the known leaks of FreeRDP, of
            # libweston's Xwayland window manager and of its clipboard keeper
            # (tests/sanitizer/lsan.supp) cannot be told apart
            env["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"
        if xwayland and "ASAN_OPTIONS" in env:
            # libweston 10's X11 window manager strndup()s window properties, which X
            # does not NUL-terminate; strndup stops at its count, but the strict
            # check wants a NUL inside the buffer and calls it an overflow
            env["ASAN_OPTIONS"] += ":strict_string_checks=0"
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("DISPLAY", None)
        env.update(env_extra or {})
        self.process = procs.start(argv, env=env, pass_fds=pass_fds)
        try:
            wait_until(lambda: self.process.poll() is not None or self.ping(), 20, what="compositor to answer")
        except TestFailure:
            raise TestFailure("compositor did not start; log:\n" + self.read_log())
        if any(a.startswith("--rdp-listen") for a in argv):
            # ready comes before the RDP server's module is loaded; its clients wait in
            # the listen queue until then, but the tests read its first log lines
            wait_until(lambda: self.process.poll() is not None or "rdp: listening on" in self.read_log(),
                       30, what="the RDP server to start")
        if self.process.poll() is not None:
            raise TestFailure("compositor exited with %s; log:\n%s" % (self.process.returncode, self.read_log()))
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime_dir, WAYLAND_DISPLAY=self.socket,
                        NO_AT_BRIDGE="1", GTK_A11Y="none", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.env.pop("DISPLAY", None)
        if xwayland:
            for line in self.cli("env").splitlines():
                if line.startswith("export DISPLAY="):
                    self.env["DISPLAY"] = line.split("=", 1)[1].strip("'")

    def read_log(self):
        return read_text(self.log)

    def cli_run(self, *args, timeout=20):
        env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime_dir, WAYLAND_DISPLAY=self.socket)
        return subprocess.run([CLI] + list(args), env=env, capture_output=True, text=True, timeout=timeout)

    def cli(self, *args, timeout=20):
        r = self.cli_run(*args, timeout=timeout)
        if r.returncode != 0:
            why = ""
            if self.process.poll() is not None:
                why = "\nthe compositor exited with %s; %s" % (self.process.returncode,
                                                              sanitizer_report(self.read_log()))
            raise TestFailure("porthole %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                               r.stderr.strip(), why))
        return r.stdout

    def ping(self):
        try:
            return self.cli_run("ping", timeout=5).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def alive(self):
        return self.process.poll() is None and self.ping()

    def windows(self):
        return [json.loads(line) for line in self.cli("windows", "--json").splitlines() if line.strip()]

    def wait_window(self, predicate, timeout=15, what="window"):
        def find():
            for w in self.windows():
                if predicate(w):
                    return w
            return None
        try:
            return wait_until(find, timeout, 0.1, what)
        except TestFailure:
            raise TestFailure("no %s appeared; windows: %s" % (what, self.windows()))

    def wait_no_window(self, predicate, timeout=10, what="window to go"):
        wait_until(lambda: not any(predicate(w) for w in self.windows()), timeout, 0.1, what)

    def screenshot(self, window=None, output=None):
        path = os.path.join(self.runtime_dir, "shot-%d.png" % time.monotonic_ns())
        args = ["screenshot", path]
        if window is not None:
            args += ["--window", str(window)]
        if output is not None:
            args += ["--output", str(output)]
        self.cli(*args)
        image = png_read(path)
        os.unlink(path)
        return image

    def client(self, argv, **kw):
        return self.procs.start(argv, env=self.env, **kw)

    def stop(self):
        """Quits the compositor; a non-zero exit (a crash, a sanitizer report) fails the test."""
        if self.process.poll() is None:
            try:
                self.cli_run("quit", timeout=5)
                self.process.wait(30)
            except (subprocess.TimeoutExpired, TestFailure):
                self.procs.stop(self.process)
        code = self.process.returncode
        log = self.read_log()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
        if code != 0:
            raise TestFailure("compositor exited with %s; %s" % (code, sanitizer_report(log)))
        return code
