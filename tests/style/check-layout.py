#!/usr/bin/env python3
"""Keeps the tree's layout true (DESIGN.md, "Layout"):

- include arrows only run down: frontend -> rdp-backend, audio -> compositor -> common, and
  system-image -> common; rdp-backend and the frontend include porthole-compositor.h and no
  other compositor header; nothing includes upwards;
- no meson.build reaches into another folder for sources or include directories;
- no C file is over 700 lines, no function over 100 without a comment above it that says
  why ("Long because ...").

Prints each breach with its file and line; exit status 1 when there is one.
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PARTS = ("frontend", "compositor", "rdp-backend", "audio", "common", "system-image", "tests", "protocol")
# what each part may include, besides itself; None: anything (tests reach into what they test)
ALLOWED = {
    "common": set(),
    "compositor": {"common"},
    "audio": {"common"},
    "rdp-backend": {"common", "audio", "compositor"},
    "frontend": {"common", "audio", "compositor", "rdp-backend"},
    "system-image": {"common"},
    "protocol": set(),
    "tests": None,
}
# the one header of each part that others may include, where only one may be
PUBLIC = {"compositor": {"porthole-compositor.h"}, "rdp-backend": {"rdp-server.h"},
          "audio": {"audio-bridge.h"}}
MAX_FILE_LINES = 700
MAX_FUNCTION_LINES = 100


def tracked_files():
    for top in PARTS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                yield os.path.relpath(os.path.join(dirpath, name), ROOT)


def part_of(path):
    return path.split(os.sep)[0]


def check_includes(files, breaches):
    headers = {}
    for f in files:
        if f.endswith(".h"):
            headers.setdefault(os.path.basename(f), set()).add(part_of(f))
    for f in files:
        if not f.endswith((".c", ".h")):
            continue
        part = part_of(f)
        with open(os.path.join(ROOT, f), errors="replace") as src:
            for number, line in enumerate(src, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                name = os.path.basename(m.group(1))
                if "/" in m.group(1) and m.group(1).startswith(".."):
                    breaches.append("%s:%d: includes by a relative path: %s" % (f, number, m.group(1)))
                    continue
                owners = headers.get(name, set())
                if not owners or part in owners or ALLOWED[part] is None:
                    continue  # its own, generated (config.h, protocols) or a test's
                for owner in owners:
                    if owner not in ALLOWED[part]:
                        breaches.append("%s:%d: %s includes %s from %s/, an arrow up or across"
                                        % (f, number, part, name, owner))
                    elif owner in PUBLIC and name not in PUBLIC[owner]:
                        breaches.append("%s:%d: %s includes %s; from %s/ only %s"
                                        % (f, number, part, name, owner, ", ".join(sorted(PUBLIC[owner]))))


def check_meson(files, breaches):
    for f in files:
        if os.path.basename(f) != "meson.build":
            continue
        text = open(os.path.join(ROOT, f)).read()
        for m in re.finditer(r"include_directories\(([^)]*)\)", text):
            if ".." in m.group(1):
                number = text.count("\n", 0, m.start()) + 1
                breaches.append("%s:%d: include_directories() reaches into another folder: %s"
                                % (f, number, m.group(1).strip()))
        for m in re.finditer(r"'(\.\./[^']*\.c)'", text):
            number = text.count("\n", 0, m.start()) + 1
            breaches.append("%s:%d: compiles %s from another folder; link its library instead"
                            % (f, number, m.group(1)))


def check_sizes(files, breaches):
    for f in files:
        if not f.endswith(".c"):
            continue
        lines = open(os.path.join(ROOT, f), errors="replace").read().split("\n")
        if len(lines) - 1 > MAX_FILE_LINES:
            breaches.append("%s: %d lines, over %d" % (f, len(lines) - 1, MAX_FILE_LINES))
        i = 0
        while i < len(lines):
            # a definition: "name(" at column 0, its body from a "{" to a "}" at column 0
            if re.match(r"[A-Za-z_]\w*\(", lines[i]) and not lines[i].rstrip().endswith(";"):
                j = i
                while j < len(lines) and lines[j] != "{" and not lines[j].rstrip().endswith(";"):
                    j += 1
                if j < len(lines) and lines[j] == "{":
                    k = j
                    while k < len(lines) and lines[k] != "}":
                        k += 1
                    above = "\n".join(lines[max(0, i - 12):i])
                    if k - j + 1 > MAX_FUNCTION_LINES and "Long because" not in above:
                        breaches.append("%s:%d: %s() is %d lines, over %d, with no comment saying "
                                        "why (\"Long because ...\")" % (f, i + 1, lines[i].split("(")[0],
                                                                        k - j + 1, MAX_FUNCTION_LINES))
                    i = k
            i += 1


def main():
    files = sorted(tracked_files())
    breaches = []
    check_includes(files, breaches)
    check_meson(files, breaches)
    check_sizes(files, breaches)
    for b in breaches:
        print(b)
    print("%d files checked, %d breaches" % (len(files), len(breaches)))
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
