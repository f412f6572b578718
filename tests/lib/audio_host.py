"""Sound for the tests: PulseAudio instances started by Porthole's own launcher
(the system distro's, and one that plays the host's part), recordings taken with
parec, and what a recording holds: tone frequency, level, duration, gaps."""
import math
import os
import shutil
import struct
import subprocess
import tempfile
import time

from locations import SOURCE
from processes import read_text
from tap import TestFailure, wait_until

LAUNCHER = os.path.join(SOURCE, "audio", "porthole-pulseaudio")
HOST_CONFIG = os.path.join(SOURCE, "tests", "lib", "host-pulseaudio.pa")
RATE = 48000


def need_audio_tools():
    for p in ("pulseaudio", "pactl", "paplay", "parec", "sox"):
        if not shutil.which(p):
            raise TestFailure("%s is not installed; run scripts/install-deps.sh" % p)


class PulseServer:
    """A PulseAudio on a private socket: Porthole's configuration, or the host's."""

    def __init__(self, procs, name, config=None):
        need_audio_tools()
        self.procs = procs
        self.dir = tempfile.mkdtemp(prefix="porthole-pulse-%s-" % name)
        procs.dirs.append(self.dir)
        self.socket = os.path.join(self.dir, "PulseServer")
        self.server = "unix:" + self.socket
        self.log = os.path.join(self.dir, "pulseaudio.log")
        self.config = config
        self.env = dict(os.environ, PULSE_SERVER=self.server)
        self.env.pop("PULSE_SINK", None)
        self.env.pop("PULSE_SOURCE", None)
        self.start()

    def start(self):
        argv = [LAUNCHER, "--socket", self.socket, "--log", self.log]
        if self.config:
            argv += ["--config", self.config]
        self.process = self.procs.start(argv)
        wait_until(lambda: self.process.poll() is not None or self.pactl("info").returncode == 0,
                   15, 0.05, "PulseAudio to accept clients")
        if self.process.poll() is not None:
            raise TestFailure("PulseAudio exited; log:\n" + self.read_log())

    def kill(self):
        """A crash: SIGKILL, socket left behind."""
        self.process.kill()
        self.process.wait()

    def read_log(self):
        return read_text(self.log)

    def pactl(self, *args):
        return subprocess.run(["pactl"] + list(args), env=self.env, capture_output=True, text=True,
                              timeout=10)

    def play(self, path, timeout=30):
        r = subprocess.run(["paplay", path], env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise TestFailure("paplay failed: " + r.stderr)

    def record(self, device, latency_ms=10):
        return Recording(self.procs, self.env, device, latency_ms)


class Recording:
    """parec of one device into a raw file (s16le, stereo, 48 kHz)."""

    def __init__(self, procs, env, device, latency_ms):
        self.procs = procs
        self.path = tempfile.mktemp(prefix="porthole-rec-", suffix=".raw")
        self.out = open(self.path, "wb")
        self.process = subprocess.Popen(
            ["parec", "-d", device, "--format=s16le", "--rate=%d" % RATE, "--channels=2",
             "--latency-msec=%d" % latency_ms], env=env, stdout=self.out,
            stderr=subprocess.DEVNULL, start_new_session=True)
        procs.procs.append(self.process)
        # Recording only once samples flow: a null sink's monitor can start with
        # a long block, and what plays meanwhile would be cut short.
        wait_until(lambda: os.path.getsize(self.path) > 0 or self.process.poll() is not None, 10,
                   0.02, "parec to record from " + device)
        time.sleep(0.1)

    def stop(self):
        self.procs.stop(self.process)
        self.out.close()
        with open(self.path, "rb") as f:
            data = f.read()
        os.unlink(self.path)
        return Signal(data)


def tone(path, frequency, seconds, volume=0.5):
    subprocess.run(["sox", "-n", "-r", str(RATE), "-c", "2", "-b", "16", path, "synth", str(seconds),
                    "sine", str(frequency), "vol", str(volume)], check=True, capture_output=True)
    return path


def goertzel_power(samples, frequency):
    """The energy of samples that lies at frequency (all of it for a pure sine)."""
    coeff = 2 * math.cos(2 * math.pi * frequency / RATE)
    q1 = q2 = 0.0
    for v in samples:
        q1, q2 = v + coeff * q1 - q2, q1
    return 2 * (q1 * q1 + q2 * q2 - coeff * q1 * q2) / len(samples)


class Signal:
    """The left channel of a recording, normalized to [-1, 1]."""

    def __init__(self, raw):
        n = len(raw) // 4
        self.samples = [v / 32768.0 for v in struct.unpack("<%dh" % (2 * n), raw[:4 * n])[0::2]]

    def active(self, threshold=0.02):
        """Indices of the first and last sample above threshold, or None."""
        first = next((i for i, v in enumerate(self.samples) if abs(v) > threshold), None)
        if first is None:
            return None
        last = len(self.samples) - 1 - next(i for i, v in enumerate(reversed(self.samples))
                                             if abs(v) > threshold)
        return first, last

    def analyse(self, frequency):
        """duration (s), rms, zero-crossing frequency and the share of energy at frequency.

        The share is summed over 100 ms blocks rather than taken over the whole span:
        a tone resumed after a gap is still the tone, only out of phase with what came
        before, and one gap (counted by gaps()) must not read as distortion.
        """
        span = self.active()
        if not span:
            return {"duration": 0.0, "rms": 0.0, "frequency": 0.0, "energy_share": 0.0}
        s = self.samples[span[0]:span[1] + 1]
        n = len(s)
        energy = sum(v * v for v in s)
        crossings = sum(1 for i in range(1, n) if s[i - 1] < 0 <= s[i])
        # the pitch where the tone sounds: a gap (an underrun, counted by gaps()) is not
        # a lower note
        sounding = n - self.quiet_samples()
        block = RATE // 10
        blocks = [s[i:i + block] for i in range(0, n - block + 1, block)] or [s]
        at_frequency = sum(goertzel_power(b, frequency) for b in blocks)
        in_blocks = sum(v * v for b in blocks for v in b)
        return {"duration": n / RATE, "rms": math.sqrt(energy / n),
                "frequency": crossings * RATE / sounding if sounding > 0 else 0.0,
                "energy_share": at_frequency / in_blocks if in_blocks else 0.0}

    def silence_runs(self, threshold=0.02, min_ms=3):
        """The runs of silence inside the active span longer than min_ms, as
        (start, length) in samples from the active span's start."""
        span = self.active(threshold)
        if not span:
            return []
        quiet, runs, limit = 0, [], RATE * min_ms // 1000
        # a sine is near zero for a few samples at each crossing: only longer runs count
        for i, v in enumerate(self.samples[span[0]:span[1] + 1]):
            if abs(v) <= threshold:
                quiet += 1
            else:
                if quiet >= limit:
                    runs.append((i - quiet, quiet))
                quiet = 0
        return runs

    def silences(self, threshold=0.02, min_ms=3):
        """Lengths (samples) of the runs of silence inside the active span longer than min_ms."""
        return [length for _, length in self.silence_runs(threshold, min_ms)]

    def gaps(self, threshold=0.02, min_ms=3):
        """Runs of silence inside the active span longer than min_ms: underruns in a tone."""
        return len(self.silences(threshold, min_ms))

    def quiet_samples(self):
        """Samples in the silences inside the active span."""
        return sum(self.silences())
