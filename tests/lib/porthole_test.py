"""Test harness for Porthole: starts porthole-compositor on a private runtime dir,
runs real clients, reads `porthole windows`, takes and compares screenshots.

Every process it starts is stopped by its pid when the test ends. Tests print TAP.
"""

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib

BUILD = os.environ.get("PORTHOLE_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPOSITOR = os.path.join(BUILD, "frontend", "porthole-compositor")
CLI = os.path.join(BUILD, "system-image", "launcher", "porthole")
WAYLAND_CLIENT = os.path.join(BUILD, "tests", "clients", "porthole-test-wayland-client")
X11_CLIENT = os.path.join(BUILD, "tests", "clients", "porthole-test-x11-client")
REFERENCE_DIR = os.path.join(SOURCE, "tests", "reference")
ARTIFACT_DIR = os.environ.get("PORTHOLE_ARTIFACT_DIR", os.path.join(BUILD, "meson-logs", "artifacts"))
SKIP = 77


class TestFailure(Exception):
    pass


# --- PNG ---------------------------------------------------------------------

class Image:
    """8-bit RGB(A) pixels, rows top to bottom, as a list of bytearrays (RGB)."""

    def __init__(self, width, height, rows):
        self.width, self.height, self.rows = width, height, rows

    def pixel(self, x, y):
        r = self.rows[y]
        return (r[3 * x], r[3 * x + 1], r[3 * x + 2])

    def crop(self, x, y, w, h):
        return Image(w, h, [bytearray(self.rows[yy][3 * x:3 * (x + w)]) for yy in range(y, y + h)])

    def count_distinct(self, limit=64):
        seen = set()
        for row in self.rows[::max(1, self.height // 64)]:
            for i in range(0, len(row), 3 * max(1, self.width // 64)):
                seen.add(bytes(row[i:i + 3]))
                if len(seen) >= limit:
                    return len(seen)
        return len(seen)


def png_read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise TestFailure("%s is not a PNG" % path)
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise TestFailure("%s: unsupported PNG (depth %d type %d)" % (path, depth, ctype))
            channels = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        ftype = raw[base]
        line = bytearray(raw[base + 1:base + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        prev = line
        if channels == 4:
            rgb = bytearray(width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = line[0::4], line[1::4], line[2::4]
            rows.append(rgb)
        else:
            rows.append(line)
    return Image(width, height, rows)


def png_write(path, image):
    png_write_rows(path, image.width, image.height, image.rows)


def png_write_rows(path, width, height, rows, alpha=False):
    """Writes 8-bit rows of RGB (or RGBA with alpha) bytes, top row first, as a PNG."""
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def image_diff(a, b, fuzz):
    """Returns (count of pixels off by more than fuzz in any channel, diff image)."""
    if (a.width, a.height) != (b.width, b.height):
        return a.width * a.height or 1, None
    bad, rows = 0, []
    for ra, rb in zip(a.rows, b.rows):
        out = bytearray(len(ra))
        for i in range(0, len(ra), 3):
            if (abs(ra[i] - rb[i]) > fuzz or abs(ra[i + 1] - rb[i + 1]) > fuzz or
                    abs(ra[i + 2] - rb[i + 2]) > fuzz):
                bad += 1
                out[i] = 255
            else:
                out[i] = out[i + 1] = out[i + 2] = ra[i] // 4
        rows.append(out)
    return bad, Image(a.width, a.height, rows)


def save_artifact(name, image):
    os.makedirs(ARTIFACT_DIR, exist_ok=True)
    path = os.path.join(ARTIFACT_DIR, name)
    png_write(path, image)
    return path


def compare_with_reference(image, reference_name, fuzz=2):
    """Compares with tests/reference/<name>; writes the shot and a diff PNG on mismatch."""
    ref_path = os.path.join(REFERENCE_DIR, reference_name)
    if os.environ.get("PORTHOLE_UPDATE_REFERENCES"):
        png_write(ref_path, image)
        return
    reference = png_read(ref_path)
    bad, diff = image_diff(image, reference, fuzz)
    if bad:
        stem = reference_name[:-4]
        shot = save_artifact(stem + "-actual.png", image)
        where = shot
        if diff is not None:
            where += ", " + save_artifact(stem + "-diff.png", diff)
        raise TestFailure("%s: %d pixels differ beyond fuzz %d (%dx%d vs %dx%d); see %s" % (
            reference_name, bad, fuzz, image.width, image.height, reference.width,
            reference.height, where))


# --- processes ---------------------------------------------------------------

class Processes:
    """Every child a test starts; stopped by pid at the end."""

    def __init__(self):
        self.procs = []
        self.dirs = []  # removed after the processes are stopped

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


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TestFailure("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


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


# --- the compositor ----------------------------------------------------------

class Compositor:
    def __init__(self, procs, args=(), xwayland=False, name=None, env_extra=None, pass_fds=()):
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
        if any(a.startswith("--rdp-listen") for a in argv) and "ASAN_OPTIONS" in env:
            # libcrypto has no frame pointers: without the slow unwinder a leak's
            # stack stops there and FreeRDP's known leak cannot be told apart.
            env["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("DISPLAY", None)
        env.update(env_extra or {})
        self.process = procs.start(argv, env=env, pass_fds=pass_fds)
        try:
            wait_until(lambda: self.process.poll() is not None or self.ping(), 20, what="compositor to answer")
        except TestFailure:
            raise TestFailure("compositor did not start; log:\n" + self.read_log())
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


# --- TAP ---------------------------------------------------------------------

class Tap:
    def __init__(self, cases):
        self.cases = cases

    def run(self):
        print("1..%d" % len(self.cases), flush=True)
        failed = 0
        for n, case in enumerate(self.cases, 1):
            procs = Processes()
            name = case.__name__.replace("test_", "")
            start = time.monotonic()
            try:
                result = case(procs)
                if isinstance(result, str) and result.startswith("skip"):
                    print("ok %d - %s # SKIP %s" % (n, name, result[4:].strip()), flush=True)
                    continue
                print("ok %d - %s (%.1fs)" % (n, name, time.monotonic() - start), flush=True)
            except Exception as e:  # a failing case must not stop the others
                failed += 1
                print("not ok %d - %s" % (n, name), flush=True)
                text = "%s: %s" % (type(e).__name__, e)
                if not isinstance(e, TestFailure):  # a bug in the test or a tool: say where
                    text += "\n" + "".join(traceback.format_tb(e.__traceback__)[-3:])
                for line in text.splitlines():
                    print("# " + line, flush=True)
            finally:
                procs.stop_all()
        return 1 if failed else 0


def run(cases):
    sys.exit(Tap(cases).run())


def check(cond, message):
    if not cond:
        raise TestFailure(message)
