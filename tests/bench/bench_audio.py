#!/usr/bin/env python3
"""Sound benchmark: figures printed, never pass/fail.

The e2e audio set-up (PulseAudio of the system distro and of the host, both from
audio/porthole-pulseaudio; porthole-compositor bridging them; xfreerdp
/sound:sys:pulse,latency:40, as porthole connect, under Xvfb). No peer is measured beside it: Debian's
weston RDP backend has no sound.
  latency:   paplay start to the host sink's monitor carrying the first sample of
             a click, with RDPSink suspended before each (the usual case), median/p99
  CPU:       compositor and system PulseAudio while a tone plays and while silent
  underruns: gaps in a long tone as the host heard it

Usage: bench_audio.py [--trials N] [--stream SECONDS] [--idle SECONDS]
"""
import argparse
import datetime
import os
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from audio_host import HOST_CONFIG, RATE, PulseServer, tone  # noqa: E402
from processes import Processes  # noqa: E402
from tap import wait_until  # noqa: E402
from rdp_host import Host, start  # noqa: E402
from measure import cpu_seconds, percentile  # noqa: E402


class Listener:
    """Reads the host speaker's monitor as it comes and notes when sound arrives."""

    def __init__(self, pulse):
        self.process = subprocess.Popen(
            ["parec", "-d", "HostSpeaker.monitor", "--format=s16le", "--rate=48000", "--channels=2",
             "--latency-msec=2"], env=pulse.env, stdout=subprocess.PIPE, start_new_session=True)
        self.heard_at = None
        self.armed = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        fd = self.process.stdout.fileno()
        while True:
            data = os.read(fd, 1024)
            if not data:
                return
            now = time.monotonic()
            if self.armed and self.heard_at is None:
                n = len(data) // 2
                if max(abs(v) for v in struct.unpack("<%dh" % n, data[:2 * n])) > 3000:
                    self.heard_at = now

    def arm(self):
        self.heard_at = None
        self.armed = True

    def stop(self):
        self.process.kill()
        self.process.wait()


def sound_starts_after(log, wall0):
    """The wall time of the compositor's first "sound starts" line after wall0
    (its log stamps are local time to the millisecond), or None."""
    for line in log.splitlines():
        if "sound starts" not in line or not line.startswith("[20"):
            continue
        stamp = datetime.datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S.%f").timestamp()
        if stamp >= wall0 - 0.001:
            return stamp
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--stream", type=float, default=60.0)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--client-latency", type=int, default=40,
                    help="ms of sound the client buffers before playing (porthole connect: 40)")
    args = ap.parse_args()

    procs = Processes()
    try:
        system = PulseServer(procs, "system")
        host_pulse = PulseServer(procs, "host", config=HOST_CONFIG)
        # audio: the compositor logs when each sound reaches it after silence
        comp, port = start(procs, ["--pulse-server=" + system.server, "--debug=audio"])
        host = Host(procs)
        host.connect(port, extra=["/sound:sys:pulse,latency:%d" % args.client_latency],
                     env_extra={"PULSE_SERVER": host_pulse.server})
        wait_until(lambda: "rdp: sound to" in comp.read_log(), 20, 0.1, "the sound channel")
        work = os.path.dirname(system.socket)
        click = tone(os.path.join(work, "click.wav"), 1000, 0.05, volume=0.9)
        listener = Listener(host_pulse)
        time.sleep(1.0)

        latencies, to_server, pairs = [], [], []
        for _ in range(args.trials):
            time.sleep(1.6)  # RDPSink suspends after 1 s of silence
            listener.arm()
            t0, wall0 = time.monotonic(), time.time()
            player = subprocess.Popen(["paplay", click], env=system.env)
            wait_until(lambda: listener.heard_at is not None, 5, 0.001, "the click on the host")
            latencies.append(1000 * (listener.heard_at - t0))
            player.wait()
            reached = sound_starts_after(comp.read_log(), wall0)
            if reached is not None:
                to_server.append(1000 * (reached - wall0))
                pairs.append((latencies[-1], to_server[-1]))
        listener.stop()
        print("playback latency, paplay start to the host (%d clicks): median %.1f ms, p99 %.1f ms,"
              " min %.1f ms, max %.1f ms" % (len(latencies), percentile(latencies, 50),
                                             percentile(latencies, 99), min(latencies), max(latencies)))
        if to_server:
            print("  of it, paplay start to the sound reaching the compositor (system PulseAudio and the"
                  " tap): median %.1f ms, min %.1f ms; the rest (network, client, host PulseAudio): median"
                  " %.1f ms" % (percentile(to_server, 50), min(to_server),
                                percentile(latencies, 50) - percentile(to_server, 50)))
            worst = max(pairs)
            print("  the slowest click: %.1f ms, %.1f ms of it to the compositor" % worst)

        long_tone = tone(os.path.join(work, "long.wav"), 1000, args.stream)
        rec = host_pulse.record("HostSpeaker.monitor")
        c0, p0, t0 = cpu_seconds(comp.process.pid), cpu_seconds(system.process.pid), time.monotonic()
        system.play(long_tone, timeout=args.stream + 30)
        elapsed = time.monotonic() - t0
        c1, p1 = cpu_seconds(comp.process.pid), cpu_seconds(system.process.pid)
        time.sleep(0.5)
        signal = rec.stop()
        heard = signal.analyse(1000)
        runs = signal.silence_runs()
        where = ", ".join("%.0f ms long at %.2f s" % (1000 * length / RATE, start / RATE)
                          for start, length in runs[:5])
        print("playing %.0f s: compositor %.2f%% CPU, PulseAudio %.2f%% CPU; host heard %.2f s, "
              "%d underrun gaps%s" % (elapsed, 100 * (c1 - c0) / elapsed, 100 * (p1 - p0) / elapsed,
                                      heard["duration"], len(runs), " (%s)" % where if runs else ""))

        time.sleep(2.0)  # let the sink suspend
        c0, p0 = cpu_seconds(comp.process.pid), cpu_seconds(system.process.pid)
        time.sleep(args.idle)
        c1, p1 = cpu_seconds(comp.process.pid), cpu_seconds(system.process.pid)
        print("silent %.0f s: compositor %.3f s CPU, PulseAudio %.3f s CPU" % (args.idle, c1 - c0,
                                                                                p1 - p0))
    finally:
        procs.stop_all()


if __name__ == "__main__":
    main()
