#!/usr/bin/env python3
"""Every key of a real keyboard through a real RDP client, in four layouts.

The host is an Xvfb screen (evdev keycodes, as every Linux X server today) with
xfreerdp on it. Each key of a 105-key keyboard is pressed on the host by its
keycode through XTEST, the way a physical key arrives; xfreerdp turns it into a
scancode, the server into an evdev code in the keymap of the layout the client
announced (/kbd:). The Wayland test client logs the evdev code, keysym and text
of each press; xev, a real X11 app under Xwayland, logs its keycode and keysym.
Both must see the key the host pressed, and the layout's characters, AltGr's
included.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from locations import WAYLAND_CLIENT  # noqa: E402
from processes import read_text  # noqa: E402
from tap import check, run, wait_until  # noqa: E402
from rdp_host import Host, ScriptedRailClient, first_peer, host_matches, need, start, x_display  # noqa: E402

# (xkb key name, evdev code) of a 105-key keyboard: the ISO main block, the
# navigation block, the arrows and the keypad
KEYBOARD = [
    ("ESC", 1), ("FK01", 59), ("FK02", 60), ("FK03", 61), ("FK04", 62), ("FK05", 63), ("FK06", 64),
    ("FK07", 65), ("FK08", 66), ("FK09", 67), ("FK10", 68), ("FK11", 87), ("FK12", 88),
    ("TLDE", 41), ("AE01", 2), ("AE02", 3), ("AE03", 4), ("AE04", 5), ("AE05", 6), ("AE06", 7),
    ("AE07", 8), ("AE08", 9), ("AE09", 10), ("AE10", 11), ("AE11", 12), ("AE12", 13), ("BKSP", 14),
    ("TAB", 15), ("AD01", 16), ("AD02", 17), ("AD03", 18), ("AD04", 19), ("AD05", 20), ("AD06", 21),
    ("AD07", 22), ("AD08", 23), ("AD09", 24), ("AD10", 25), ("AD11", 26), ("AD12", 27), ("RTRN", 28),
    ("CAPS", 58), ("AC01", 30), ("AC02", 31), ("AC03", 32), ("AC04", 33), ("AC05", 34), ("AC06", 35),
    ("AC07", 36), ("AC08", 37), ("AC09", 38), ("AC10", 39), ("AC11", 40), ("BKSL", 43),
    ("LFSH", 42), ("LSGT", 86), ("AB01", 44), ("AB02", 45), ("AB03", 46), ("AB04", 47), ("AB05", 48),
    ("AB06", 49), ("AB07", 50), ("AB08", 51), ("AB09", 52), ("AB10", 53), ("RTSH", 54),
    ("LCTL", 29), ("LWIN", 125), ("LALT", 56), ("SPCE", 57), ("RALT", 100), ("RWIN", 126),
    ("COMP", 127), ("RCTL", 97),
    ("PRSC", 99), ("SCLK", 70), ("PAUS", 119), ("INS", 110), ("HOME", 102), ("PGUP", 104),
    ("DELE", 111), ("END", 107), ("PGDN", 109), ("UP", 103), ("LEFT", 105), ("DOWN", 108),
    ("RGHT", 106),
    ("NMLK", 69), ("KPDV", 98), ("KPMU", 55), ("KPSU", 74), ("KP7", 71), ("KP8", 72), ("KP9", 73),
    ("KPAD", 78), ("KP4", 75), ("KP5", 76), ("KP6", 77), ("KP1", 79), ("KP2", 80), ("KP3", 81),
    ("KPEN", 96), ("KP0", 82), ("KPDL", 83),
]
EVDEV = dict(KEYBOARD)
# toggles: pressed twice, so the lock state is as before
LOCKS = {"CAPS", "NMLK", "SCLK"}

# keysyms every layout gives the keys outside the main block (Num Lock off)
COMMON_KEYSYMS = {
    "UP": "Up", "DOWN": "Down", "LEFT": "Left", "RGHT": "Right", "HOME": "Home", "END": "End",
    "PGUP": "Prior", "PGDN": "Next", "INS": "Insert", "DELE": "Delete", "RCTL": "Control_R",
    "KPEN": "KP_Enter", "KPDV": "KP_Divide", "LWIN": "Super_L", "RWIN": "Super_R", "COMP": "Menu",
    "PRSC": "Print", "PAUS": "Pause", "RTRN": "Return", "ESC": "Escape", "FK11": "F11",
}

# Per layout: the Windows layout id xfreerdp announces, the xkb layout the
# server must follow, AltGr's keysym, and chords (modifier names, key) with the
# text each types, from the layouts' own charts
LAYOUTS = {
    "us": ("0x409", "us", "Alt_R", [
        ((), "AD01", "q"), ((), "AD06", "y"), (("LFSH",), "AE02", "@"), ((), "AD11", "["),
        (("RTSH",), "AC01", "A"), ((), "LSGT", "<")]),
    "de": ("0x407", "de", "ISO_Level3_Shift", [
        ((), "AD06", "z"), ((), "AB01", "y"), ((), "AD11", "\u00fc"), (("RALT",), "AD01", "@"),
        (("RALT",), "AD03", "\u20ac"), (("RALT",), "AE07", "{"), (("RALT",), "AE08", "["),
        (("RALT",), "LSGT", "|"), (("LFSH",), "AE03", "\u00a7"), ((), "AE11", "\u00df")]),
    "fr": ("0x40c", "fr", "ISO_Level3_Shift", [
        ((), "AD01", "a"), ((), "AC01", "q"), ((), "AC10", "m"), ((), "AE02", "\u00e9"),
        (("RALT",), "AD03", "\u20ac"), (("RALT",), "AE10", "@"), (("RALT",), "AE04", "{"),
        (("LFSH",), "AE01", "1")]),
    # xkeyboard-config's ru has no third level: right Alt stays Alt, as on Windows
    "ru": ("0x419", "ru", "Alt_R", [
        ((), "AD01", "\u0439"), ((), "AC01", "\u0444"), ((), "AB01", "\u044f"),
        (("LFSH",), "AD01", "\u0419"), ((), "AE02", "2")]),
}


class HostKeyboard:
    """Keys pressed on the host by keycode (evdev + 8 on an evdev X server), as
    a keyboard presses them."""

    def __init__(self, host):
        self.d = x_display(host.display)
        self.host = host

    def _send(self, name, down):
        from Xlib import X
        from Xlib.ext import xtest
        xtest.fake_input(self.d, X.KeyPress if down else X.KeyRelease, EVDEV[name] + 8)
        self.d.sync()
        # xfreerdp reads the host's events in its own time; a human's pace keeps
        # the order without relying on the client batching them
        time.sleep(0.015)

    def tap(self, name, modifiers=()):
        for m in modifiers:
            self._send(m, True)
        self._send(name, True)
        self._send(name, False)
        for m in reversed(modifiers):
            self._send(m, False)

    def close(self):
        self.d.close()


def keysym_log(path):
    """[(evdev, keysym name, text)] from the test client's --keysym-log."""
    out = []
    for line in read_text(path, missing="").splitlines():
        parts = line.split()
        if len(parts) == 3:
            text = "" if parts[2] == "-" else bytes.fromhex(parts[2]).decode("utf-8", "replace")
            out.append((int(parts[0]), parts[1], text))
    return out


XEV_PRESS = re.compile(r"KeyPress event.*?keycode (\d+) \(keysym 0x[0-9a-f]+, ([^)]*)\)"
                       r".*?XmbLookupString gives \d+ bytes: (?:\([0-9a-f ]*\) \"(.*?)\")?", re.S)


def xev_log(path):
    """[(evdev, keysym name, text)] from xev's output. Xlib's input method hands
    the character a dead key composes as a press of keycode 0: not a key."""
    return [(int(k) - 8, sym, text) for k, sym, text in XEV_PRESS.findall(read_text(path, missing=""))
            if k != "0"]


def press_keyboard(keys):
    """Every key of the keyboard; the evdev codes the app must see, in order."""
    expected = []
    for name, code in KEYBOARD:
        times = 2 if name in LOCKS else 1
        for _ in range(times):
            keys.tap(name)
            expected.append(code)
    return expected


def check_app(read, keys, layout, what):
    _, _, altgr, chords = LAYOUTS[layout]
    # every key: the evdev code the host pressed, and its keysym
    expected = press_keyboard(keys)
    wait_until(lambda: len(read()) >= len(expected), 20,
               what="%s to see %d key presses (saw %d)" % (what, len(expected), len(read())))
    time.sleep(0.3)
    seen = read()
    codes = [c for c, _, _ in seen]
    wrong = [(EVDEV_NAME.get(e, e), EVDEV_NAME.get(s, s)) for e, s in zip(expected, codes) if e != s]
    check(codes == expected, "%s, %s: %d of %d keys differ (pressed, seen): %s%s"
          % (what, layout, len(wrong) + abs(len(codes) - len(expected)), len(expected), wrong[:12],
             "" if len(codes) == len(expected) else "; %d presses for %d keys" % (len(codes), len(expected))))
    syms = {EVDEV_NAME[c]: sym for c, sym, _ in seen if c in EVDEV_NAME}
    wanted = dict(COMMON_KEYSYMS, RALT=altgr)
    bad = {k: (v, syms.get(k)) for k, v in wanted.items() if syms.get(k) != v}
    check(not bad, "%s, %s: keysyms differ (wanted, seen): %s" % (what, layout, bad))
    print("# %s, %s: %d keys, evdev codes and %d keysyms as pressed" % (what, layout, len(expected),
                                                                     len(wanted)), flush=True)
    # the layout's characters, with Shift and AltGr
    before = len(seen)
    for modifiers, key, _ in chords:
        keys.tap(key, modifiers)
    want = "".join(t for _, _, t in chords)
    wait_until(lambda: "".join(t for _, _, t in read()[before:]) == want, 10,
               what="%s, %s: chords to type %r (typed %r)"
               % (what, layout, want, "".join(t for _, _, t in read()[before:])))
    print("# %s, %s: typed %r" % (what, layout, want), flush=True)


EVDEV_NAME = {code: name for name, code in KEYBOARD}


def keyboard_in_layout(procs, layout):
    need("xev", "stdbuf")
    kbd, xkb_layout, _, _ = LAYOUTS[layout]
    comp, port = start(procs, xwayland=True)
    log = os.path.join(comp.runtime_dir, "keys")
    comp.client([WAYLAND_CLIENT, "--title", "keys", "--width", "300", "--height", "200",
                 "--keysym-log", log])
    comp.wait_window(lambda w: w["title"] == "keys" and w["focused"])
    host = Host(procs)
    host.connect(port, extra=["/kbd:" + kbd])
    wait_until(lambda: "xkb layout %s" % xkb_layout in comp.read_log(), 20,
               what="the keymap to follow the client's layout %s" % kbd)
    host_matches(host, comp, "the first frame")
    wid = wait_until(host.rdp_window, 10, what="the xfreerdp window")
    host.xdotool("windowfocus", "--sync", wid)
    keys = HostKeyboard(host)
    try:
        check_app(lambda: keysym_log(log), keys, layout, "the Wayland client")
        # the same keys in an X11 app, which takes the focus as it maps
        xev_out = os.path.join(comp.runtime_dir, "xev")
        procs.start(["stdbuf", "-oL", "xev", "-event", "keyboard", "-geometry", "300x200+200+100"],
                    env=comp.env, log=xev_out)
        comp.wait_window(lambda w: w["kind"] == "x11" and w["focused"], 20, what="xev focused")
        check_app(lambda: xev_log(xev_out), keys, layout, "xev (X11)")
    finally:
        keys.close()
    check(comp.alive(), "the compositor died")
    # Xwayland compiled the client's keymap: xkbcomp's keycode warning stays out of the log
    check("Unsupported maximum keycode" not in comp.read_log(), "xkbcomp's keycode warning is in the log")
    comp.stop()


def test_us_keyboard(procs):
    keyboard_in_layout(procs, "us")


def test_german_keyboard(procs):
    keyboard_in_layout(procs, "de")


def test_french_keyboard(procs):
    keyboard_in_layout(procs, "fr")


def test_russian_keyboard(procs):
    keyboard_in_layout(procs, "ru")


def test_modifier_held_across_a_focus_change(procs):
    """Shift held on the host while a click moves the focus to another window: the
    next key there is shifted, as it is on a local desktop."""
    comp, port = start(procs)
    logs = {}
    for title, x in (("left", 0), ("right", 320)):
        logs[title] = os.path.join(comp.runtime_dir, "keys-" + title)
        comp.client([WAYLAND_CLIENT, "--title", title, "--width", "300", "--height", "200",
                     "--keysym-log", logs[title]])
        w = comp.wait_window(lambda w, t=title: w["title"] == t and w["focused"])
        comp.cli("window", str(w["id"]), "move", str(x), "0")
    host = Host(procs)
    host.connect(port)
    host_matches(host, comp, "the first frame")
    wid = wait_until(host.rdp_window, 10, what="the xfreerdp window")
    host.xdotool("windowfocus", "--sync", wid)
    keys = HostKeyboard(host)
    try:
        keys._send("LFSH", True)
        # a click in the left window takes the focus from the right one, Shift still down
        host.xdotool("mousemove", "--sync", "100", "100")
        host.xdotool("click", "1")
        wait_until(lambda: [w for w in comp.windows() if w["title"] == "left"][0]["focused"], 10,
                   what="the click to focus the left window (%r)" % comp.windows())
        keys.tap("AC01")
        keys._send("LFSH", False)
        keys.tap("AC01")
        wait_until(lambda: [t for _, _, t in keysym_log(logs["left"])][-2:] == ["A", "a"], 10,
                   what="A then a in the left window (got %r)" % keysym_log(logs["left"]))
    finally:
        keys.close()
    comp.stop()


def test_a_held_key_repeats_and_stops(procs):
    """'a' held for 1.5 s on the host, in foot (a Wayland terminal, which repeats by
    the compositor's repeat rate) and xterm (X11: Xwayland repeats): each types a
    row of a's, and nothing more arrives once the key is up (no key left stuck
    down by the client's own repeated presses)."""
    need("foot", "xterm")
    comp, port = start(procs, xwayland=True)
    typed = {}
    for title, argv, x in (("foot", ["foot", "-T", "repeat foot", "-W", "40x6"], 0),
                           ("xterm", ["xterm", "-T", "repeat xterm", "-geometry", "40x6"], 0)):
        typed[title] = os.path.join(comp.runtime_dir, "typed-" + title)
        comp.client(argv + ["-e", "sh", "-c", "stty -echo; cat > " + typed[title]])
        w = comp.wait_window(lambda w, t=title: w["title"] == "repeat " + t, 30, "the %s window" % title)
        comp.cli("window", str(w["id"]), "move", str(x), "0")
        typed[title + "-id"] = w["id"]
    host = Host(procs)
    host.connect(port)
    host_matches(host, comp, "the first frame", allowed=200)
    wid = wait_until(host.rdp_window, 10, what="the xfreerdp window")
    host.xdotool("windowfocus", "--sync", wid)
    keys = HostKeyboard(host)
    try:
        for title in ("foot", "xterm"):
            comp.cli("window", str(typed[title + "-id"]), "activate")
            wait_until(lambda: [w for w in comp.windows() if w["id"] == typed[title + "-id"]][0]["focused"], 10,
                       what="%s focused" % title)
            keys._send("AC01", True)
            time.sleep(1.5)
            keys._send("AC01", False)
            keys.tap("RTRN")
            wait_until(lambda: read_text(typed[title], missing="").endswith("\n"), 10,
                       what="the held key's row in %s" % title)
            time.sleep(1)
            first = read_text(typed[title], missing="")
            keys.tap("RTRN")
            wait_until(lambda: read_text(typed[title], missing="").count("\n") == 2, 10,
                       what="a second Return in %s" % title)
            after = read_text(typed[title], missing="")
            count = first.count("a")
            print("# 'a' held 1.5 s in %s: %d characters" % (title, count))
            check(set(first.strip()) == {"a"} and 10 <= count <= 120,
                  "%s got %r for 'a' held 1.5 s" % (title, first[:200]))
            check(after == first + "\n", "%s typed on after the key was up: %r" % (title, after[len(first):][:100]))
    finally:
        keys.close()
    comp.stop()

# scancodes of the keys the switch test presses (set 1, as RDP sends them)
SCANCODE_Y = 0x15  # AD06: y on us, z on de, Cyrillic en on ru
SCANCODE_Q = 0x10  # AD01: AltGr+Q types @ on de
SCANCODE_2 = 0x03  # AE02: Shift+2 types @ on us, " on jp
SCANCODE_ALT = 0x38  # extended: right Alt, AltGr where the layout has one
SCANCODE_SHIFT = 0x2a


def test_layout_switch_while_connected(procs):
    """The host user switches the input language while connected (Win+Space on
    Windows, which sends RemoteApp's Language Profile Information): the keys
    type the new layout's characters in Wayland and X11 apps, with no
    reconnect. US at connect, then German (AltGr too), Russian keys under US
    English, a Japanese input method, and back to US."""
    need("xev", "stdbuf")
    comp, port = start(procs, xwayland=True)
    log = os.path.join(comp.runtime_dir, "keys")
    comp.client([WAYLAND_CLIENT, "--title", "keys", "--width", "300", "--height", "200",
                 "--keysym-log", log])
    comp.wait_window(lambda w: w["title"] == "keys" and w["focused"])
    client = ScriptedRailClient(procs, port, ["/kbd:0x409"])
    wait_until(lambda: "xkb layout us" in comp.read_log(), 20, what="the keymap to follow us at connect")
    window = client.window("keys")
    client.send("activate %x" % window)

    def switch(command, xkb_layout):
        mark = len(comp.read_log())
        client.send(command)
        wait_until(lambda: "xkb layout %s" % xkb_layout in comp.read_log()[mark:], 20,
                   what="the keymap to follow %r to %s (log: %r)"
                   % (command, xkb_layout, comp.read_log()[mark:][-600:]))

    def typed(read, presses, what):
        before = len(read())
        for p in presses:
            client.send(p)
        want = len([p for p in presses if not p.startswith("up") and "%x " % SCANCODE_ALT not in p + " "
                    and "%x " % SCANCODE_SHIFT not in p + " "])
        wait_until(lambda: len([t for _, _, t in read()[before:] if t]) >= want, 10,
                   what="%s: %d characters (saw %r)" % (what, want, read()[before:]))
        return "".join(t for _, _, t in read()[before:])

    wayland = lambda: keysym_log(log)  # noqa: E731
    altgr_q = ["down %x extended" % SCANCODE_ALT, "key %x" % SCANCODE_Q, "up %x extended" % SCANCODE_ALT]
    shift_2 = ["down %x" % SCANCODE_SHIFT, "key %x" % SCANCODE_2, "up %x" % SCANCODE_SHIFT]
    steps = [
        (None, "us", ["key %x" % SCANCODE_Y] + shift_2, "y@"),
        ("layout 04070407", "de", ["key %x" % SCANCODE_Y] + altgr_q, "z@"),
        ("layout 04190409", "ru", ["key %x" % SCANCODE_Y], "\u043d"),
        ("ime 0411", "jp", ["key %x" % SCANCODE_Y] + shift_2, 'y"'),
        ("layout 04090409", "us", ["key %x" % SCANCODE_Y] + shift_2, "y@"),
    ]
    for command, xkb_layout, presses, want in steps:
        if command:
            switch(command, xkb_layout)
        got = typed(wayland, presses, "the Wayland client in %s" % xkb_layout)
        check(got == want, "the Wayland client in %s typed %r, not %r" % (xkb_layout, got, want))
        print("# %s: the Wayland client typed %r" % (command or "at connect", got), flush=True)
    # an X11 app started after a switch types in the layout switched to
    switch("layout 04070407", "de")
    check(first_peer(comp)["keyboard_layout"] == 0x407,
          "porthole peers says layout 0x%x, not German's" % first_peer(comp)["keyboard_layout"])
    xev_out = os.path.join(comp.runtime_dir, "xev")
    procs.start(["stdbuf", "-oL", "xev", "-event", "keyboard", "-geometry", "300x200+200+100"],
                env=comp.env, log=xev_out)
    comp.wait_window(lambda w: w["kind"] == "x11" and w["focused"], 20, what="xev focused")
    xev = lambda: xev_log(xev_out)  # noqa: E731
    got = typed(xev, ["key %x" % SCANCODE_Y] + altgr_q, "xev in de")
    check(got == "z@", "xev in de typed %r, not 'z@'" % got)
    # and one running through a switch follows it too
    switch("layout 04190409", "ru")
    got = typed(xev, ["key %x" % SCANCODE_Y], "xev in ru")
    check(got == "\u043d", "xev in ru typed %r, not the Cyrillic en" % got)
    print("# xev (X11) typed z@ in de, then \u043d after a switch to ru", flush=True)
    # a locale nobody knows leaves the keymap as it was, and says so
    mark = len(comp.read_log())
    client.send("layout 12341234")
    wait_until(lambda: "0x12341234 is not in Porthole's table" in comp.read_log()[mark:], 10,
               what="the unknown locale to be logged")
    check(comp.alive() and client.proc.poll() is None, "the compositor or the client died")
    comp.stop()


if __name__ == "__main__":
    only = sys.argv[1:]
    cases = [test_us_keyboard, test_german_keyboard, test_french_keyboard, test_russian_keyboard,
             test_modifier_held_across_a_focus_change, test_a_held_key_repeats_and_stops,
             test_layout_switch_while_connected]
    run([c for c in cases if not only or c.__name__ in only])
