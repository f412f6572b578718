#!/usr/bin/env python3
"""RDP peers before they log in, as an attacker on the network would be: a stalled
handshake, a malformed TLS record, a flood of idle connections, a password guesser;
and the compositor's connections leaking into the programs it starts. Each case
reproduces the attack with raw sockets or a real xfreerdp and checks that the
compositor keeps serving everyone else (the control socket, a Wayland app, a
logged-in RDP session).
"""
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from locations import WAYLAND_CLIENT, X11_CLIENT  # noqa: E402
from measure import percentile  # noqa: E402
from processes import children_of, process_name  # noqa: E402
from rdp_host import Host, host_matches, start  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402

# the first bytes of a TLS 1.x ClientHello record: its header and no more
CLIENT_HELLO_START = bytes.fromhex("16030102000100")
# a handshake record whose body is 29 bytes of nonsense: 34 bytes in all
MALFORMED_RECORD = bytes.fromhex("160301001d") + bytes(range(1, 30))
LOGIN_DEADLINE_S = 10  # rdp-login.c: RDP_LOGIN_AUTH_DEADLINE_MS
LOGINS_MAX = 32  # rdp-login.c: RDP_LOGINS_MAX


def x224_request(protocols=1):
    """TPKT (4 bytes) + X.224 Connection Request (7) + RDP Negotiation Request (8)
    asking for requestedProtocols: TLS only (PROTOCOL_SSL) unless told."""
    return bytes([3, 0, 0, 19, 14, 0xE0, 0, 0, 0, 0, 0, 1, 0, 8, 0, protocols, 0, 0, 0])


def der(tag, body):
    """One DER element (definite length, short or two-byte form)."""
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + length + body


def nla_session(port):
    """A client that asks for network level authentication (PROTOCOL_SSL |
    PROTOCOL_HYBRID) and completes TLS, then stops: CredSSP comes next."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(x224_request(protocols=3))
    confirm = b""
    while len(confirm) < 19:
        chunk = s.recv(19 - len(confirm))
        check(chunk, "no X.224 Connection Confirm")
        confirm += chunk
    check(confirm[11] == 2 and confirm[15] == 2, "the server did not choose NLA: %r" % confirm)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context.wrap_socket(s)


def connect(port, send=b"", read_confirm=False):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if send:
        s.sendall(send)
    if read_confirm:
        # the X.224 Connection Confirm: 19 bytes with the TLS selection
        data = b""
        while len(data) < 19:
            chunk = s.recv(19 - len(data))
            if not chunk:
                break
            data += chunk
        check(len(data) == 19 and data[5] == 0xD0, "no X.224 Connection Confirm: %r" % data)
    return s


def closed_by_server(s, timeout):
    """Whether the server ends the connection within timeout seconds."""
    s.settimeout(timeout)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def ping_times(comp, n=10):
    """Seconds each of n control-socket pings took (a hung loop shows here first)."""
    times = []
    for _ in range(n):
        start_time = time.monotonic()
        check(comp.ping(), "the compositor stopped answering its control socket")
        times.append(time.monotonic() - start_time)
        time.sleep(0.05)
    return times


def resources(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return {"fds": len(os.listdir("/proc/%d/fd" % pid)), "threads": len(os.listdir("/proc/%d/task" % pid)),
            "rss_kb": rss}


def logged_in_session(procs):
    """A compositor with one window and an xfreerdp logged in, showing it."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "session"])
    w = comp.wait_window(lambda w: w["title"] == "session")
    host = Host(procs)
    client = host.connect(port)
    host_matches(host, comp, "the session before the attack")
    return comp, port, w, host, client


def test_stalled_handshakes_block_nothing(procs):
    """#8: an X.224 request alone, and seven bytes of a ClientHello, kept open: the
    event loop answers as before, a Wayland app maps, and both are cut at the deadline."""
    comp, port = start(procs)
    alone = connect(port, x224_request())
    partial = connect(port, x224_request(), read_confirm=True)
    partial.sendall(CLIENT_HELLO_START)
    wait_until(lambda: comp.read_log().count("connection from") >= 2, 10, what="both connections accepted")
    times = ping_times(comp)
    print("# control ping while two handshakes stall: p50 %.1f ms, max %.1f ms"
          % (percentile(times, 50) * 1000, max(times) * 1000))
    check(max(times) < 3.0, "a ping took %.1f s while a handshake stalled" % max(times))
    comp.client([WAYLAND_CLIENT, "--title", "during the stall"])
    comp.wait_window(lambda w: w["title"] == "during the stall", timeout=10)
    start_time = time.monotonic()
    check(closed_by_server(alone, LOGIN_DEADLINE_S + 10), "the X.224-only connection was never cut")
    check(closed_by_server(partial, LOGIN_DEADLINE_S + 10), "the half ClientHello was never cut")
    print("# both cut %.1f s after the check began" % (time.monotonic() - start_time))
    check("no login within %d s" % LOGIN_DEADLINE_S in comp.read_log(), "no deadline line in the log")
    alone.close()
    partial.close()
    comp.stop()


def test_malformed_tls_record_leaves_the_session_alone(procs):
    """#9: a second connection sends one malformed TLS record; the logged-in session
    keeps its connection and its picture follows the compositor."""
    comp, port, w, host, client = logged_in_session(procs)
    for _ in range(3):
        bad = connect(port, x224_request(), read_confirm=True)
        bad.sendall(MALFORMED_RECORD)
        check(closed_by_server(bad, 10), "the malformed record did not end its connection")
        bad.close()
    comp.cli("window", str(w["id"]), "move", "300", "200")
    host_matches(host, comp, "the session after three malformed records")
    check(client.poll() is None, "the logged-in client was disconnected (exit %s)" % client.returncode)
    comp.stop()


def test_hostile_nla_blocks_nothing(procs):
    """Network level authentication runs before any password is checked, on the
    client's own thread: a client that stalls in it is cut at the deadline, nonsense
    and a CredSSP length of 16 MB end only its own connection, and neither counts as
    a wrong password nor disturbs a logged-in session or the event loop."""
    comp, port, w, host, client = logged_in_session(procs)
    stalled = nla_session(port)
    attacks = {
        # a TSRequest (version 6) whose one NTLM token is noise
        "a token of noise": der(0x30, der(0xA0, der(0x02, b"\x06")) + der(0xA1, der(0x30, der(
            0x30, der(0xA0, der(0x04, os.urandom(200))))))),
        # a TSRequest whose DER length says 16 MB (FreeRDP reads at most two length bytes)
        "a 16 MB length": b"\x30\x83\xff\xff\xff" + os.urandom(64),
        "not DER at all": os.urandom(300),
    }
    for what, payload in attacks.items():
        before = resources(comp.process.pid)
        bad = nla_session(port)
        bad.sendall(payload)
        check(closed_by_server(bad, 10), "%s in CredSSP did not end its connection" % what)
        after = resources(comp.process.pid)
        print("# %s: RSS %d -> %d kB" % (what, before["rss_kb"], after["rss_kb"]))
        grew = after["rss_kb"] - before["rss_kb"]
        check(grew < 12 * 1024, "%s cost %d kB" % (what, grew))
        bad.close()
    times = ping_times(comp)
    check(max(times) < 3.0, "a ping took %.1f s during the CredSSP attacks" % max(times))
    comp.cli("window", str(w["id"]), "move", "300", "200")
    host_matches(host, comp, "the session after the CredSSP attacks")
    check(client.poll() is None, "the logged-in client was disconnected (exit %s)" % client.returncode)
    check(closed_by_server(stalled, LOGIN_DEADLINE_S + 10), "the client stalled in CredSSP was never cut")
    check("wrong user name or password" not in comp.read_log(), "nonsense was counted as a wrong password")
    stalled.close()
    comp.stop()


def test_idle_connections_cost_little_and_go(procs):
    """#10: 70 connections that stall in the handshake (more than may log in at once):
    each costs a thread, its socket and FreeRDP's connection state, no encoders or
    channels; the right client still logs in among them; at the deadline they are all
    gone and so is what they held."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "busy"])
    comp.wait_window(lambda w: w["title"] == "busy")
    pid = comp.process.pid
    before = resources(pid)
    stalled = [connect(port, x224_request()) for _ in range(70)]
    wait_until(lambda: comp.read_log().count("connection from") >= 70, 20, what="70 connections accepted")
    # one thread each while logging in, at most RDP_LOGINS_MAX of them at once; a login
    # cut to make room ends once it reads its socket, after FreeRDP's TLS set-up, which
    # decodes the key (milliseconds; seconds under AddressSanitizer's slow unwinder); its
    # socket and FreeRDP's state go on the event loop a moment after its thread has ended
    time.sleep(1)
    settle = time.monotonic()

    def settled():
        r = resources(pid)
        live = r["threads"] - before["threads"]
        return r if 0 < live <= LOGINS_MAX and r["fds"] - before["fds"] <= 6 * live else None
    try:
        during = wait_until(settled, 15, 0.2, "the logins cut to make room to end and let go of their sockets")
    except TestFailure:
        during = resources(pid)
    print("# the cut logins' threads and sockets were gone %.1f s after the last connection" % (1 + time.monotonic() - settle))
    live = during["threads"] - before["threads"]
    per_login = {k: (during[k] - before[k]) / float(max(live, 1)) for k in during}
    print("# 70 stalled connections, %d logging in at once: fds %d -> %d, threads %d -> %d, RSS %d -> %d kB;"
          " per login %.1f fds, %.0f kB" % (live, before["fds"], during["fds"], before["threads"],
                                            during["threads"], before["rss_kb"], during["rss_kb"],
                                            per_login["fds"], per_login["rss_kb"]))
    check(0 < live <= LOGINS_MAX, "%d login threads for 70 connections" % live)
    # the socket and FreeRDP's events; when every connection made its channels, 18
    check(per_login["fds"] <= 6, "%.1f fds per unauthenticated connection" % per_login["fds"])
    check("cutting the oldest" in comp.read_log(), "70 connections and none cut to make room")
    host = Host(procs)
    start_time = time.monotonic()
    host.connect(port)
    host_matches(host, comp, "a login among 70 stalled connections")
    print("# the right login among them: %.1f s to the first frame" % (time.monotonic() - start_time))
    for s in stalled:
        closed_by_server(s, 0.01)
    # at the deadline the stalled ones go; then the client logs out: all back as before
    wait_until(lambda: "no login within" in comp.read_log(), LOGIN_DEADLINE_S + 15, 0.5,
               "the stalled connections to be cut")
    procs.stop(host.client)
    wait_until(lambda: not comp.cli("peers").strip(), 20, 0.3, "the client to be gone")
    after = wait_until(lambda: (lambda r: r if r["fds"] <= before["fds"] + 2 else None)(resources(pid)),
                       20, 0.5, "the compositor's fds to be back where they were")
    print("# after the deadline and the client's logout: fds %d, threads %d, RSS %d kB"
          % (after["fds"], after["threads"], after["rss_kb"]))
    check(after["threads"] <= before["threads"] + 1, "%d threads left, %d before" % (after["threads"],
                                                                                     before["threads"]))
    # AddressSanitizer keeps freed memory in quarantine: there, only glibc's malloc is judged
    with open("/proc/%d/maps" % pid) as f:
        sanitized = "libasan" in f.read()
    check(sanitized or after["rss_kb"] - before["rss_kb"] < (during["rss_kb"] - before["rss_kb"]) / 3,
          "the stalled connections' memory was not given back (%d -> %d -> %d kB)"
          % (before["rss_kb"], during["rss_kb"], after["rss_kb"]))
    for s in stalled:
        s.close()
    comp.stop()


def test_wrong_logins_slow_the_guesser_not_the_user(procs):
    """#11: ten clients with wrong passwords, then the right one: the right one gets in
    at once; every wrong one is refused, later and later; nothing locks everyone out.
    xfreerdp tries a refused login a second time unless its own 9 s wait for the
    activation ran out first, so the server sees 10 to 20 attempts."""
    comp, port = start(procs)
    comp.client([WAYLAND_CLIENT, "--title", "guarded"])
    comp.wait_window(lambda w: w["title"] == "guarded")
    host = Host(procs)
    for wave in range(2):
        guesses = [host.connect(port, password="guess-%d-%d" % (wave, i)) for i in range(5)]
        for g in guesses:
            wait_until(lambda: g.poll() is not None, 90, 0.2, "a wrong login to be refused")
    log = comp.read_log()
    attempts = [line for line in log.splitlines() if "rdp: connection from" in line]
    refusals = [line for line in log.splitlines() if "wrong user name or password" in line]
    check(len(refusals) >= 10 and len(refusals) == len(attempts),
          "%d refusals logged for %d attempts by 10 clients" % (len(refusals), len(attempts)))
    delays = [int(line.split("answered after ")[1].split()[0]) for line in refusals]
    print("# delays of the %d wrong logins (ms): %s" % (len(delays), delays))
    check(delays[-1] > delays[0], "the delays do not grow: %s" % delays)
    start_time = time.monotonic()
    host.connect(port)
    host_matches(host, comp, "the right password after the wrong ones")
    took = time.monotonic() - start_time
    print("# the right login after the wrong ones: %.1f s to the first frame" % took)
    check("logged in as" in comp.read_log(), "the right password was not let in")
    comp.stop()


def socket_inodes(pid):
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(int(target[8:-1]))
    return out


def tcp_inodes(port):
    """Inodes of the TCP sockets on port (listening and connected, IPv4 and IPv6)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                local, remote = fields[1], fields[2]
                if int(local.split(":")[1], 16) == port or int(remote.split(":")[1], 16) == port:
                    out.add(int(fields[9]))
    return out


def test_connections_stay_out_of_children(procs):
    """#14: with a client logged in, Xwayland (started for an X11 app) holds none of
    the RDP sockets (neither the listening one nor the client's connection) and none
    of FreeRDP's events."""
    comp, port = start(procs, xwayland=True)
    host = Host(procs)
    host.connect(port)
    wait_until(lambda: '"active":true' in comp.cli("peers"), 20, what="the client to log in")
    comp.client([X11_CLIENT, "--title", "x11 child"])
    comp.wait_window(lambda w: w["title"] == "x11 child")
    xwayland = [p for p in children_of(comp.process.pid) if process_name(p).startswith("Xwayland")]
    check(xwayland, "no Xwayland among the compositor's children")
    rdp = tcp_inodes(port)
    check(rdp, "no TCP socket found on the RDP port")
    leaked = socket_inodes(xwayland[0]) & rdp
    check(not leaked, "Xwayland holds %d RDP socket(s)" % len(leaked))
    shared = socket_inodes(xwayland[0]) & socket_inodes(comp.process.pid)
    print("# sockets Xwayland shares with the compositor: %d (its X11 listening sockets)" % len(shared))
    # FreeRDP's events (eventfds WinPR opens without close-on-exec) stay behind too
    events = [fd for fd in os.listdir("/proc/%d/fd" % xwayland[0])
              if os.readlink("/proc/%d/fd/%s" % (xwayland[0], fd)) == "anon_inode:[eventfd]"]
    check(not events, "Xwayland holds %d eventfds: %s" % (len(events), events))
    comp.stop()


if __name__ == "__main__":
    run([test_stalled_handshakes_block_nothing, test_malformed_tls_record_leaves_the_session_alone,
         test_hostile_nla_blocks_nothing,
         test_idle_connections_cost_little_and_go, test_wrong_logins_slow_the_guesser_not_the_user,
         test_connections_stay_out_of_children])
