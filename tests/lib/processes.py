"""Processes a test starts, always stopped by pid, and what /proc tells about them."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading


def _exit_on_sigterm(signum, frame):
    # as an exit, not a death: the callers' finally blocks stop what they started
    sys.exit(128 + signum)


class Processes:
    """Every child a test starts; stopped by pid at the end."""

    def __init__(self):
        self.procs = []
        self.dirs = []  # removed after the processes are stopped
        # Children run in sessions of their own: a test or benchmark stopped with
        # SIGTERM (timeout(1), kill) would otherwise leave them running and their
        # directories behind.
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
            signal.signal(signal.SIGTERM, _exit_on_sigterm)

    def start(self, argv, env=None, log=None, **kw):
        out = open(log, "ab") if log else subprocess.DEVNULL
        p = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                             start_new_session=True, **kw)
        if log:
            out.close()
        self.procs.append(p)
        return p

    def stop(self, p, timeout=5):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop_all(self):
        for p in reversed(self.procs):
            self.stop(p)
        self.procs = []
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)
        self.dirs = []


def read_text(path, missing="(no log)"):
    """A log file's text so far; missing when it cannot be read (not written yet)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return missing




def free_port():
    """A loopback TCP port nothing listens on just now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def children_of(pid):
    """Pids whose parent is pid (read from /proc; used to find Xwayland by parentage)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return out


def process_name(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def sanitizer_report(log):
    """The first sanitizer report in a log, with its stacks; else the log's tail."""
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        at = log.find(marker)
        if at >= 0:
            start = log.rfind("\n", 0, at) + 1
            return "sanitizer report:\n" + log[start:start + 6000]
    return "log tail:\n" + log[-3000:]
