"""The host side of the RDP tests: an Xvfb screen with xfreerdp on it, and a
compositor serving RDP on loopback with a password."""
import json
import os
import shutil
import subprocess
import tempfile

from compositor_harness import Compositor
from images import image_diff, png_read, save_artifact
from processes import free_port, read_text
from tap import TestFailure, check, wait_until

USER, PASSWORD = "porthole", "correct horse battery staple"


def x_display(name):
    """A python-xlib connection to X server name, with tables of its own.

    python-xlib keeps the extension event, error and opcode tables on its
    connection class, shared by every connection in the process: a server
    with other extensions (Xephyr without RandR) leaves codes there that break
    the next connection to Xvfb. Each connection gets fresh ones, kept on it."""
    from Xlib import display as xdisplay
    from Xlib import error as xerror
    from Xlib.protocol import display as xprotocol
    from Xlib.protocol import event as xevent
    xprotocol.Display.event_classes = xevent.event_class.copy()
    xprotocol.Display.error_classes = xerror.xerror_class.copy()
    xprotocol.Display.extension_major_opcodes = {}
    d = xdisplay.Display(name)
    d.display.event_classes = xprotocol.Display.event_classes
    d.display.error_classes = xprotocol.Display.error_classes
    d.display.extension_major_opcodes = xprotocol.Display.extension_major_opcodes
    return d


def need(*programs):
    for p in programs:
        if not shutil.which(p):
            raise TestFailure("%s is not installed; run scripts/install-deps.sh" % p)


class Host:
    """The user's machine: an Xvfb screen with xfreerdp on it. With monitors
    ([(width, height), ...]), an Xephyr on that Xvfb shows them side by side as
    Xinerama heads (without RandR, which would report one monitor), as a host
    with several monitors does. With window_manager, openbox manages the host's
    windows (raises on click, minimizes, frames), as on a desktop; without, the
    host is bare, as a kiosk or the main job's private screen is."""

    def __init__(self, procs, monitors=None, window_manager=False):
        need("Xvfb", "xfreerdp", "xdotool", "import", "xdpyinfo")
        self.procs = procs
        size = "%dx%d" % (sum(w for w, _ in monitors), max(h for _, h in monitors)) if monitors else "1024x768"
        # -noreset: Xvfb otherwise resets when its last client leaves (the
        # xdpyinfo probe below), dropping whoever connects in that instant
        self.display = self._start_server(["Xvfb", "-screen", "0", size + "x24"], "porthole-xvfb.log", None)
        if monitors:
            need("Xephyr")
            screens = [a for w, h in monitors for a in ("-screen", "%dx%d" % (w, h))]
            self.display = self._start_server(["Xephyr"] + screens + ["+xinerama", "-extension", "RANDR"],
                                              "porthole-xephyr.log", dict(os.environ, DISPLAY=self.display))
        self.env = dict(os.environ, DISPLAY=self.display)
        self.client = None
        if window_manager:
            self._start_window_manager()

    def _start_window_manager(self):
        need("openbox")
        home = tempfile.mkdtemp(prefix="porthole-wm-")
        self.procs.dirs.append(home)
        # its own HOME and XDG dirs: no user's openbox config or autostart
        env = dict(self.env, HOME=home, XDG_CONFIG_HOME=home, XDG_CONFIG_DIRS=home)
        self.procs.start(["openbox", "--sm-disable"], env=env,
                         log=os.path.join(tempfile.gettempdir(), "porthole-openbox.log"))
        d = x_display(self.display)
        try:
            check_atom = d.intern_atom("_NET_SUPPORTING_WM_CHECK")
            wait_until(lambda: d.screen().root.get_full_property(check_atom, 0) is not None, 10, 0.1,
                       "openbox to manage the host's screen")
        finally:
            d.close()

    def _start_server(self, argv, log, env):
        r, w = os.pipe()
        self.procs.start(argv + ["-displayfd", str(w), "-noreset", "-nolisten", "tcp"], pass_fds=(w,), env=env,
                         log=os.path.join(tempfile.gettempdir(), log))
        os.close(w)
        number = os.read(r, 16).decode().split("\n")[0].strip()
        # Keep the pipe open: the server may write its number again and dies on EPIPE.
        self.displayfds = getattr(self, "displayfds", []) + [os.fdopen(r, "rb")]
        check(number.isdigit(), "%s did not start" % argv[0])
        display = ":" + number
        # -displayfd can answer before the server takes connections
        wait_until(lambda: subprocess.run(["xdpyinfo", "-display", display],
                                          capture_output=True).returncode == 0,
                   10, 0.1, "%s to accept connections" % argv[0])
        return display

    def connect(self, port, password=PASSWORD, size="640x480", app=None, extra=(), env_extra=None):
        """Connects to 127.0.0.1:port, or to a unix socket when port is a path;
        with app, in RemoteApp mode (each window its own host window); extra
        client arguments and environment (PULSE_SERVER for sound) as given;
        size None leaves the desktop's size to the client (/multimon)."""
        self.log = tempfile.mktemp(prefix="xfreerdp-", suffix=".log")
        target = port if isinstance(port, str) else "127.0.0.1:%d" % port
        creds = ["/u:" + USER, "/p:" + password] if password is not None else []
        mode = ["/app:" + app] if app else (["/size:" + size] if size else []) + ["-grab-keyboard"]
        self.client = self.procs.start(
            ["xfreerdp", "/v:" + target] + creds + ["/cert:ignore", "/bpp:32", "/log-level:WARN"] + mode
            + list(extra), env=dict(self.env, **(env_extra or {})), log=self.log)
        return self.client

    def client_log(self):
        return read_text(self.log, missing="")

    def screen(self):
        path = tempfile.mktemp(prefix="host-", suffix=".png")
        subprocess.run(["import", "-window", "root", "-display", self.display, "png24:" + path],
                       check=True, timeout=20, capture_output=True)
        img = png_read(path)
        os.unlink(path)
        return img

    def xdotool(self, *args):
        return subprocess.run(["xdotool"] + list(args), env=self.env, capture_output=True, text=True,
                              timeout=10)

    def pointer_image(self):
        """The pointer image the host shows now: (width, height, xhot, yhot, ARGB pixels)."""
        from Xlib.ext import xfixes  # noqa: F401 (adds xfixes_* to the display)
        d = x_display(self.display)
        try:
            d.xfixes_query_version()
            c = d.xfixes_get_cursor_image(d.screen().root)
            return c.width, c.height, c.xhot, c.yhot, [p & 0xffffffff for p in c.cursor_image]
        finally:
            d.close()

    def shows_test_pointer(self, scale=1):
        """Whether the host shows the test client's --cursor image (24x20, hotspot 5,7),
        or that with --cursor-scale."""
        width, height, xhot, yhot, pixels = self.pointer_image()
        w, h = 24 * scale, 20 * scale
        return ((width, height, xhot, yhot) == (w, h, 5 * scale, 7 * scale) and pixels[0] == 0xffff00ff
                and pixels[(h - 1) * w] == 0xff00c0c0 and pixels[w - 1] >> 24 == 0
                and pixels[w - 2] == 0xffff00ff)

    def rdp_window(self):
        r = self.xdotool("search", "--class", "xfreerdp")
        ids = r.stdout.split()
        return ids[0] if ids else None


class ScriptedRailClient:
    """porthole-test-rdp-client: a RemoteApp client on FreeRDP's client library
    that sends what a Windows host sends and xfreerdp never does (an input
    language switch, Get Application ID), one command a line."""

    def __init__(self, procs, port, extra=()):
        from locations import RDP_CLIENT
        self.log = tempfile.mktemp(prefix="rdp-client-", suffix=".log")
        self.proc = procs.start(
            [RDP_CLIENT, "/v:127.0.0.1:%d" % port, "/u:" + USER, "/p:" + PASSWORD, "/cert:ignore",
             "/app:porthole-test", "-clipboard", "/log-level:WARN"] + list(extra),
            log=self.log, stdin=subprocess.PIPE)
        wait_until(lambda: "ready" in self.events(), 20,
                   what="the RemoteApp channel of the scripted client (log: %r)" % self.output())

    def output(self):
        return read_text(self.log, missing="")

    def events(self):
        return self.output().splitlines()

    def send(self, *commands):
        for c in commands:
            self.proc.stdin.write((c + "\n").encode())
        self.proc.stdin.flush()

    def window(self, title):
        """The RemoteApp id of the window titled title, once the client has it."""
        def find():
            for line in self.events():
                parts = line.split(" ", 2)
                if parts[0] == "window" and len(parts) == 3 and parts[2] == title:
                    return int(parts[1])
            return None
        return wait_until(find, 20, what="a window %r at the scripted client" % title)

    def app_id(self, window):
        """Asks for window's application id and waits for the answer."""
        prefix = "appid %d" % window
        before = len([e for e in self.events() if e.startswith(prefix)])
        self.send("appid %x" % window)

        def answer():
            answers = [e for e in self.events() if e == prefix or e.startswith(prefix + " ")]
            # a tuple: an empty id is an answer too
            return (answers[before][len(prefix) + 1:],) if len(answers) > before else None
        return wait_until(answer, 10, what="the application id of window %d" % window)[0]


def start(procs, args=(), xwayland=False):
    """A compositor serving RDP on a free loopback port, with USER and PASSWORD."""
    pwfile = os.path.join(tempfile.mkdtemp(prefix="porthole-pw-"), "password")
    procs.dirs.append(os.path.dirname(pwfile))
    with open(pwfile, "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(pwfile, 0o600)
    port = free_port()
    comp = Compositor(procs, ["--rdp-listen=tcp:127.0.0.1:%d" % port, "--rdp-user=" + USER,
                              "--rdp-password-file=" + pwfile] + list(args), xwayland=xwayland)
    return comp, port


def first_peer(comp):
    """The first RDP client `porthole peers` lists, or None."""
    lines = comp.cli("peers").splitlines()
    return json.loads(lines[0]) if lines else None


def output_rects(comp):
    """The compositor's outputs as (x, y, width, height), the first first."""
    return [(o["x"], o["y"], o["width"], o["height"])
            for o in (json.loads(line) for line in comp.cli("outputs").splitlines())]


def host_matches(host, comp, what, fuzz=2, allowed=0, output=None, at=(0, 0)):
    """Waits until the host shows the compositor's output (the first, or the one
    named) at the host position at: every channel within fuzz, but for at most
    allowed pixels (a lossy codec's edges)."""
    last = [None]

    def same():
        try:
            expected = comp.screenshot(output=output)
        except TestFailure as e:
            if "the output went away" in str(e):
                return False  # re-created for the client's size in the meantime: ask again
            raise
        shot = host.screen()
        if at[0] + expected.width > shot.width or at[1] + expected.height > shot.height:
            return False  # the output has not taken the client's size yet
        region = shot.crop(at[0], at[1], expected.width, expected.height)
        bad, diff = image_diff(region, expected, fuzz)
        last[0] = (bad, region, diff)
        return bad <= allowed
    try:
        wait_until(same, 20, 0.3, what)
    except TestFailure:
        if last[0] is None:
            raise
        bad, region, diff = last[0]
        save_artifact("rdp-host.png", region)
        if diff is not None:
            save_artifact("rdp-diff.png", diff)
        raise TestFailure("%s: %d pixels differ (host shot and diff in artifacts)" % (what, bad))
