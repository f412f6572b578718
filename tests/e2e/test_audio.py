#!/usr/bin/env python3
"""Sound and microphone through a real RDP client.

Two PulseAudio instances, both started by Porthole's launcher: the system
distro's (RDPSink, RDPSource; apps reach it through its socket) and the host's
(what `xfreerdp /sound:sys:pulse /microphone:sys:pulse` plays into and records
from: a null sink whose monitor the test records, and a microphone that hears the
440 Hz tone the test plays into it).
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from audio_host import HOST_CONFIG, PulseServer, tone  # noqa: E402
from tap import check, run, wait_until  # noqa: E402
from rdp_host import Host, start  # noqa: E402

# latency: the client's PulseAudio stream buffers this much (its default, about 2 s
# of prebuffer, swallows short sounds whole)
SOUND_ARGS = ["/sound:sys:pulse,latency:40", "/microphone:sys:pulse"]  # as porthole connect


class Setup:
    def __init__(self, procs):
        self.procs = procs
        self.system = PulseServer(procs, "system")
        self.host_pulse = PulseServer(procs, "host", config=HOST_CONFIG)
        self.comp, self.port = start(procs, ["--pulse-server=" + self.system.server, "--debug=audio"])
        self.host = Host(procs)
        self.dir = tempfile.mkdtemp(prefix="porthole-audio-")
        procs.dirs.append(self.dir)
        self.sine = tone(os.path.join(self.dir, "sine-1k.wav"), 1000, 1.0)

    def connect(self):
        self.host.connect(self.port, extra=SOUND_ARGS,
                          env_extra={"PULSE_SERVER": self.host_pulse.server})
        n = self.comp.read_log().count("rdp: sound to")
        wait_until(lambda: self.comp.read_log().count("rdp: sound to") > n or
                   self.host.client.poll() is not None, 20, 0.1, "the client's sound channel")
        check(self.host.client.poll() is None, "xfreerdp exited:\n" + self.host.client_log()[-2000:])

    def disconnect(self):
        self.procs.stop(self.host.client)

    def heard(self, path=None, what="the 1 kHz tone"):
        """Plays path (the 1 kHz sine) through the system's socket; what the host played."""
        rec = self.host_pulse.record("HostSpeaker.monitor")
        self.system.play(path or self.sine)
        time.sleep(0.5)
        result = rec.stop().analyse(1000)
        print("# %s on the host: %.3f s, rms %.3f, %.0f Hz, %.0f%% of the energy at 1 kHz"
              % (what, result["duration"], result["rms"], result["frequency"],
                 100 * result["energy_share"]), flush=True)
        return result


def check_tone(r, rms=0.354, missing=0.1):
    check(abs(r["frequency"] - 1000) < 20, "heard %.0f Hz, not 1000" % r["frequency"])
    check(r["energy_share"] > 0.9, "only %.0f%% of the energy at 1 kHz: distorted"
          % (100 * r["energy_share"]))
    check(abs(r["duration"] - 1.0) < missing, "heard %.3f s of a 1 s tone" % r["duration"])
    check(abs(r["rms"] - rms) < 0.25 * rms, "level %.3f, expected %.3f" % (r["rms"], rms))


def test_playback_level_and_mute(procs):
    s = Setup(procs)
    s.connect()
    check_tone(s.heard())
    # The sink's volume is in the samples: 50% (cubic) is 1/8 of the amplitude.
    s.system.pactl("set-sink-volume", "RDPSink", "50%")
    quiet = s.heard(what="at 50% volume")
    check(0.03 < quiet["rms"] < 0.08, "at 50%% volume the level is %.3f" % quiet["rms"])
    s.system.pactl("set-sink-volume", "RDPSink", "100%")
    s.system.pactl("set-sink-mute", "RDPSink", "1")
    muted = s.heard(what="muted")
    check(muted["duration"] == 0.0, "muted, yet %.3f s were heard" % muted["duration"])
    s.system.pactl("set-sink-mute", "RDPSink", "0")
    # Nothing plays: the bridge's tap must not keep the sink running.
    wait_until(lambda: "RDPSink\tmodule-null-sink.c\ts16le 2ch 48000Hz\tSUSPENDED"
               in s.system.pactl("list", "short", "sinks").stdout, 10, 0.2,
               "RDPSink to suspend while nothing plays")


def test_microphone(procs):
    s = Setup(procs)
    s.connect()
    time.sleep(1)
    check("microphone of" not in s.comp.read_log(),
          "the microphone opened while nobody recorded")
    mic_tone = tone(os.path.join(s.dir, "mic.wav"), 440, 10.0)
    # low latency, as a microphone's own driver would be
    procs.start(["paplay", "--latency-msec=20", "--device=HostMicFeed", mic_tone],
                env=s.host_pulse.env)
    rec = s.system.record("RDPSource")
    time.sleep(3.5)
    signal = rec.stop()
    result = signal.analyse(440)
    print("# recorded from RDPSource: %.2f s, rms %.3f, %.0f Hz, %.0f%% of the energy at 440 Hz, "
          "%d gaps" % (result["duration"], result["rms"], result["frequency"],
                       100 * result["energy_share"], signal.gaps()), flush=True)
    check("microphone of 127.0.0.1 open" in s.comp.read_log(), "audin never opened")
    check(abs(result["frequency"] - 440) < 10, "recorded %.0f Hz, not 440" % result["frequency"])
    check(result["energy_share"] > 0.8, "only %.0f%% of the energy at 440 Hz"
          % (100 * result["energy_share"]))
    # the client takes about a second to start its microphone
    check(result["duration"] > 1.0, "only %.2f s of 3.5 s of microphone arrived" % result["duration"])
    wait_until(lambda: "microphone of 127.0.0.1 closed" in s.comp.read_log(), 10, 0.1,
               "the microphone to close after the last recorder")


def test_client_leaves_mid_playback(procs):
    s = Setup(procs)
    s.connect()
    long_tone = tone(os.path.join(s.dir, "long.wav"), 1000, 3.0)
    player = procs.start(["paplay", long_tone], env=s.system.env)
    time.sleep(1.0)
    s.disconnect()
    # the app plays on at its own pace: nothing blocks on the vanished client
    started = time.monotonic()
    player.wait(10)
    check(player.returncode == 0, "paplay failed after the client left")
    check(time.monotonic() - started < 3.0, "paplay was held up after the client left")
    check(s.comp.alive(), "the compositor died")
    s.connect()
    # the first sound after a client reconnects now and then loses its first 40-110 ms
    # on the host while xfreerdp's own PulseAudio stream starts: sound must be back,
    # whole but for that
    check_tone(s.heard(what="after reconnecting"), missing=0.15)


def test_pulseaudio_restart(procs):
    s = Setup(procs)
    s.connect()
    before = s.comp.read_log().count("audio: connected to PulseAudio")
    s.system.kill()
    s.system.start()
    restarted = time.monotonic()
    wait_until(lambda: s.comp.read_log().count("audio: connected to PulseAudio") > before, 5, 0.02,
               "the bridge to reconnect")
    took = time.monotonic() - restarted
    print("# bridge back %.0f ms after PulseAudio accepted clients again" % (1000 * took), flush=True)
    check(took < 1.0, "the bridge took %.2f s to come back" % took)
    check_tone(s.heard(what="after PulseAudio restarted"))


if __name__ == "__main__":
    cases = [test_playback_level_and_mute, test_microphone, test_client_leaves_mid_playback,
             test_pulseaudio_restart]
    if len(sys.argv) > 1:
        cases = [c for c in cases if c.__name__ in sys.argv[1:]]
    run(cases)
