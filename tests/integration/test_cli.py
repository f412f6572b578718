#!/usr/bin/env python3
"""The commands a user types: help, exit codes, error messages, config handling."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from compositor_harness import Compositor  # noqa: E402
from locations import CLI, COMPOSITOR, WAYLAND_CLIENT  # noqa: E402
from tap import check, run  # noqa: E402


def sh(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=20, **kw)


def test_help_and_usage_errors(procs):
    for prog in (COMPOSITOR, CLI):
        r = sh([prog, "--help"])
        check(r.returncode == 0 and "Usage:" in r.stdout, "%s --help: %d %r" % (prog, r.returncode, r.stdout[:80]))
        r = sh([prog, "--no-such-option"])
        check(r.returncode == 2 and "--help" in r.stderr, "%s bad option: %d %r" % (prog, r.returncode, r.stderr))
    r = sh([COMPOSITOR, "--renderer=vulkan"])
    check(r.returncode == 2 and "renderer" in r.stderr, "bad renderer: %d %r" % (r.returncode, r.stderr))
    r = sh([COMPOSITOR, "--width=0"])
    check(r.returncode == 2, "zero width accepted")
    r = sh([CLI])
    check(r.returncode == 2, "no command: exit %d" % r.returncode)


def test_cli_without_compositor(procs):
    rt = tempfile.mkdtemp(prefix="porthole-rt-")
    procs.dirs.append(rt)
    r = sh([CLI, "--runtime-dir", rt, "windows"])
    check(r.returncode == 1, "exit %d" % r.returncode)
    check("cannot reach the compositor" in r.stderr and "--socket" in r.stderr, "unhelpful: %r" % r.stderr)
    env = dict(os.environ)
    env.pop("XDG_RUNTIME_DIR", None)
    r = sh([COMPOSITOR], env=env)
    check(r.returncode == 1 and "XDG_RUNTIME_DIR" in r.stderr, "no runtime dir: %d %r" % (r.returncode, r.stderr))


def test_env_lines_for_eval(procs):
    comp = Compositor(procs, xwayland=True)
    out = comp.cli("env")
    script = 'eval "$(%s env)"; %s --connect-only && echo "$WAYLAND_DISPLAY $DISPLAY $XDG_RUNTIME_DIR"' % (
        CLI, WAYLAND_CLIENT)
    env = dict(os.environ, XDG_RUNTIME_DIR=comp.runtime_dir, WAYLAND_DISPLAY=comp.socket)
    env.pop("DISPLAY", None)
    r = sh(["sh", "-c", script], env=env)
    check(r.returncode == 0, "eval of %r failed: %s" % (out, r.stderr))
    check(r.stdout.split() == [comp.socket, comp.env["DISPLAY"], comp.runtime_dir], "got %r" % r.stdout)
    comp.stop()


def first_stderr_line(procs, argv, env):
    """Starts the compositor and returns its first line on stderr (config errors come first)."""
    p = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    procs.procs.append(p)
    line = p.stderr.readline()
    procs.stop(p)
    p.stderr.close()
    return line


def config_path(name):
    """A path for a config file in a fresh folder, removed when the process exits."""
    import atexit
    folder = tempfile.mkdtemp(prefix="porthole-cfg-")
    atexit.register(shutil.rmtree, folder, True)
    return os.path.join(folder, name)


def test_malformed_config_uses_defaults(procs):
    path = config_path("bad.ini")
    with open(path, "w") as f:
        f.write("[core]\nrenderer=pixman\n[output\nwidth=640\n")
    comp = Compositor(procs, ["--config=" + path])
    outs = comp.cli("outputs")
    check('"width":1280,"height":800' in outs, "defaults not used: %s" % outs)
    check("%s:3:" % path in comp.read_log(), "the log does not name the bad line")
    env = dict(os.environ, XDG_RUNTIME_DIR=comp.runtime_dir)
    # the message names the file and line, so the user can fix it
    line = first_stderr_line(procs, [COMPOSITOR, "--config=" + path, "--socket=cfg-check"], env)
    check("%s:3:" % path in line and "using defaults" in line, "config error line: %r" % line)
    with open(path, "w") as f:
        f.write("[core]\nrenderer=fast\n")
    line = first_stderr_line(procs, [COMPOSITOR, "--config=" + path, "--socket=cfg-check2"], env)
    check("renderer" in line and "fast" in line, "bad value line: %r" % line)
    comp.stop()


def test_config_file_applies(procs):
    path = config_path("good.ini")
    with open(path, "w") as f:
        f.write("# a comment\n[output]\nwidth=640\nheight=360\n[shell]\ncascade-step=50\n")
    comp = Compositor(procs, ["--config=" + path])
    check('"width":640,"height":360' in comp.cli("outputs"), "config size not applied")
    comp.client([WAYLAND_CLIENT, "--title", "one"])
    comp.wait_window(lambda w: w["title"] == "one")
    comp.client([WAYLAND_CLIENT, "--title", "two"])
    two = comp.wait_window(lambda w: w["title"] == "two")
    check((two["x"], two["y"]) == (50, 50), "cascade-step not applied: %r" % two)
    comp.stop()
    # the command line wins over the file
    comp = Compositor(procs, ["--config=" + path, "--width=500"])
    check('"width":500,"height":360' in comp.cli("outputs"), "command line did not override")
    comp.stop()


def test_shipped_config_is_valid(procs):
    from locations import SOURCE
    comp = Compositor(procs, ["--config=" + os.path.join(SOURCE, "config", "porthole.ini")])
    check("using defaults" not in comp.read_log(), "shipped config rejected")
    check('"width":1280,"height":800' in comp.cli("outputs"), "shipped config does not give the defaults")
    comp.stop()


def test_rdp_configuration_errors(procs):
    env = dict(os.environ, XDG_RUNTIME_DIR=tempfile.mkdtemp(prefix="porthole-rt-"))
    procs.dirs.append(env["XDG_RUNTIME_DIR"])
    pw = config_path("password")
    with open(pw, "w") as f:
        f.write("hunter2\n")
    os.chmod(pw, 0o644)
    cases = [
        (["--rdp-listen=tcp:127.0.0.1:1"], "needs --rdp-user and --rdp-password-file"),
        (["--rdp-listen=tcp:127.0.0.1:1", "--rdp-user=u", "--rdp-password-file=" + pw],
         "chmod 600"),
        (["--rdp-listen=tcp:127.0.0.1:1", "--rdp-user=u", "--rdp-password-file=/nonexistent"],
         "the password: cannot open /nonexistent"),
    ]
    for args, message in cases:
        r = sh([COMPOSITOR, "--socket=rdp-cfg"] + args, env=env)
        check(r.returncode == 1 and message in r.stderr, "%s: %d %r" % (args, r.returncode, r.stderr[-300:]))
    r = sh([COMPOSITOR, "--rdp-listen=vsock"], env=env)
    check(r.returncode == 2 and "rdp-listen" in r.stderr, "bad listen address: %d %r" % (r.returncode, r.stderr))
    # found before the compositor says it is ready, though the RDP server loads after
    key = config_path("bad.key")
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b"not a PEM key\n")
    os.close(fd)
    cert = config_path("bad.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test", "-days", "1",
                    "-keyout", config_path("other.key"), "-out", cert],
                   check=True, capture_output=True)
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "rdp.sock")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    for args, message in ((["--rdp-listen=unix:" + sock, "--rdp-tls-cert=" + cert,
                            "--rdp-tls-key=" + key], "not the private key"),
                          (["--rdp-listen=tcp:127.0.0.1:%d" % busy.getsockname()[1]], "another server has the port")):
        r = sh([COMPOSITOR, "--socket=rdp-cfg"] + args, env=env)
        check(r.returncode == 1 and message in r.stderr and "] ready\n" not in r.stderr,
              "%s: %d %r" % (args, r.returncode, r.stderr[-300:]))
    busy.close()


def test_rdp_module_missing_is_said(procs):
    """The RDP server is a module loaded after start-up: a compositor installed without it
    says so, and what to do, and stops rather than serve no one."""
    bindir = tempfile.mkdtemp(prefix="porthole-bin-")
    procs.dirs.append(bindir)
    lone = os.path.join(bindir, "porthole-compositor")
    shutil.copy(COMPOSITOR, lone)
    rt = tempfile.mkdtemp(prefix="porthole-rt-")
    procs.dirs.append(rt)
    r = sh([lone, "--socket=rdp-lone", "--rdp-listen=unix:" + os.path.join(rt, "rdp.sock")],
           env=dict(os.environ, XDG_RUNTIME_DIR=rt))
    if "loaded in" in r.stderr:
        return "skip: a porthole-rdp.so is installed on this machine"
    check(r.returncode == 1 and "cannot load the RDP server" in r.stderr and "porthole-rdp.so is missing" in r.stderr
          and "install" in r.stderr, "without its module: %d %r" % (r.returncode, r.stderr[-500:]))
    check(not os.path.exists(os.path.join(rt, "rdp.sock")), "the RDP socket was left behind")


if __name__ == "__main__":
    run([test_help_and_usage_errors, test_cli_without_compositor, test_env_lines_for_eval,
         test_malformed_config_uses_defaults, test_config_file_applies,
         test_shipped_config_is_valid, test_rdp_configuration_errors, test_rdp_module_missing_is_said])
