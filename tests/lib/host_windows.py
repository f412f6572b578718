"""The host's side of RemoteApp windows: the X windows xfreerdp /app makes on the host's
display, and a window manager's hand on them (EWMH hints, WM_STATE, moves, close)."""
import time

from Xlib import X, Xatom
from Xlib.protocol import event as xevent

from rdp_host import x_display
from tap import TestFailure


class HostWindows:
    """The RAIL windows xfreerdp made on the host, and a window manager's hand on them."""

    def __init__(self, host):
        self.d = x_display(host.display)
        self.root = self.d.screen().root
        self.atom = lambda name: self.d.intern_atom(name)

    def advertise_ewmh(self):
        """Says an EWMH window manager runs, as xfreerdp reads _NET_WM_STATE only then."""
        check_window = self.root.create_window(-10, -10, 1, 1, 0, X.CopyFromParent)
        supporting = self.atom("_NET_SUPPORTING_WM_CHECK")
        for win in (self.root, check_window):
            win.change_property(supporting, Xatom.WINDOW, 32, [check_window.id])
        check_window.change_property(self.atom("_NET_WM_NAME"), self.atom("UTF8_STRING"), 8, b"test-wm")
        supported = [self.atom(n) for n in ("_NET_WM_STATE", "_NET_WM_STATE_MAXIMIZED_VERT",
                                            "_NET_WM_STATE_MAXIMIZED_HORZ", "_NET_WM_STATE_HIDDEN")]
        self.root.change_property(self.atom("_NET_SUPPORTED"), Xatom.ATOM, 32, supported)
        self.d.sync()

    def all(self):
        """{RAIL window id: X window} for every RAIL window on the host (a window
        manager's frames hold them a level or two down)."""
        found = {}
        for win in self._tree(self.root, 3):
            try:
                cls = win.get_wm_class()
            except Exception:  # gone meanwhile
                continue
            if cls and cls[0] == "RAIL" and cls[1].startswith("RAIL:"):
                found[int(cls[1][5:], 16)] = win
        return found

    def _tree(self, win, depth):
        try:
            children = win.query_tree().children
        except Exception:  # gone meanwhile
            return []
        out = list(children)
        if depth > 1:
            for child in children:
                out += self._tree(child, depth - 1)
        return out

    def mapped(self):
        out = {}
        for rid, win in self.all().items():
            try:
                if win.get_attributes().map_state == X.IsViewable:
                    out[rid] = win
            except Exception:
                pass
        return out

    def geometry(self, win):
        g = win.get_geometry()
        pos = win.translate_coords(self.root, 0, 0)
        return (-pos.x, -pos.y, g.width, g.height)

    def move(self, win, x, y, w=None, h=None):
        args = {"x": x, "y": y}
        if w:
            args.update(width=w, height=h)
        win.configure(**args)
        self.d.sync()

    def set_iconic(self, win, iconic):
        wm_state = self.atom("WM_STATE")
        win.change_property(wm_state, wm_state, 32, [3 if iconic else 1, 0])
        self.d.sync()

    def set_maximized(self, win, maximized):
        atoms = [self.atom("_NET_WM_STATE_MAXIMIZED_VERT"), self.atom("_NET_WM_STATE_MAXIMIZED_HORZ")]
        win.change_property(self.atom("_NET_WM_STATE"), Xatom.ATOM, 32, atoms if maximized else [])
        self.d.sync()

    def watch_root(self):
        """Sees what clients ask the window manager (client messages to the root)."""
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.d.sync()

    def wait_moveresize(self, timeout=10):
        """The next _NET_WM_MOVERESIZE request: (X window id, root x, root y, direction)."""
        atom = self.atom("_NET_WM_MOVERESIZE")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self.d.pending_events():
                ev = self.d.next_event()
                if ev.type == X.ClientMessage and ev.client_type == atom:
                    data = ev.data[1]
                    return ev.window.id, data[0], data[1], data[2]
            time.sleep(0.05)
        raise TestFailure("no _NET_WM_MOVERESIZE request reached the host's window manager")

    def close(self, win):
        protocols = self.atom("WM_PROTOCOLS")
        msg = xevent.ClientMessage(window=win, client_type=protocols,
                                   data=(32, [self.atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]))
        win.send_event(msg)
        self.d.sync()
