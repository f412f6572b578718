#!/usr/bin/env python3
"""The system distro's image: system-image/build/build-image.sh makes it from
Debian 12 packages (network needed; the Debian base is cached in the build dir),
then `porthole boot` boots the ext4, the VHD and the unpacked tarball, apps from
a user distro show up, and nothing the system distro writes reaches the image. Its own suite (image): it takes minutes the first time.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from locations import BUILD, SOURCE  # noqa: E402
from processes import process_name  # noqa: E402
from tap import TestFailure, check, run, wait_until  # noqa: E402
from system_distro import SystemDistro, UserDistro, pids_in_namespace  # noqa: E402

OUT = os.path.join(BUILD, "image")
CACHE = os.path.join(BUILD, "image-cache")


def test_build_image(procs):
    if os.geteuid() != 0:
        return "skip: needs root (debootstrap, chroot)"
    start = time.monotonic()
    p = subprocess.run(["bash", os.path.join(SOURCE, "system-image", "build", "build-image.sh"), "--out", OUT,
                        "--cache", CACHE], capture_output=True, text=True, timeout=2400)
    for line in p.stdout.splitlines():
        print("# " + line)
    check(p.returncode == 0, "build-image.sh failed (%d):\n%s" % (p.returncode, (p.stdout + p.stderr)[-3000:]))
    print("# built in %.0f s" % (time.monotonic() - start))
    for name in ("rootfs.tar.zst", "system.ext4", "system.vhd", "versions.txt"):
        check(os.path.getsize(os.path.join(OUT, name)) > 0, "%s is empty" % name)
    versions = open(os.path.join(OUT, "versions.txt")).read()
    for component in ("porthole", "libweston", "freerdp", "pulseaudio", "xwayland"):
        check(component in versions.lower(), "versions.txt lacks %s:\n%s" % (component, versions))
    # a fixed VHD: the raw disk, then a 512-byte footer that starts "conectix"
    with open(os.path.join(OUT, "system.vhd"), "rb") as f:
        f.seek(-512, os.SEEK_END)
        footer = f.read(512)
    check(footer[:8] == b"conectix" and int.from_bytes(footer[60:64], "big") == 2,
          "system.vhd has no fixed-disk VHD footer")
    listing = subprocess.run("zstd -dc %s | tar -t" % os.path.join(OUT, "rootfs.tar.zst"), shell=True,
                             capture_output=True, text=True).stdout.split()
    for path in ("./usr/bin/portholed", "./usr/bin/porthole-compositor", "./usr/bin/Xwayland",
                 "./usr/bin/pulseaudio"):
        check(path in listing, "rootfs.tar.zst lacks %s" % path)
    check(any(p.endswith("/porthole/porthole-rdp.so") for p in listing), "rootfs.tar.zst lacks the RDP module")
    check(not any(p.endswith("/gcc") or p.endswith("/cc") for p in listing), "a compiler is in the image")


def boot_image(procs, image, option="--image"):
    if not os.path.exists(image):
        raise TestFailure("%s was not built (see build_image)" % image)
    d = SystemDistro()
    distro = UserDistro("alice", video_gid=4444)
    try:
        d.boot([option, image])
        print("# %s: ready in %d ms" % (os.path.basename(image), d.ready_ms))
        r = d.porthole("system", "--", "sh", "-c", "cat /etc/debian_version; readlink /proc/1/exe; "
                       "test -e /usr/bin/gcc && echo has-gcc; touch /usr/marker && echo wrote")
        lines = r.stdout.split()
        check(lines[1] == "/usr/bin/portholed" and "has-gcc" not in lines and "wrote" in lines,
              "inside the image: %r" % r.stdout)
        names = sorted(process_name(p) for p in pids_in_namespace(d.pid))
        check("pulseaudio" in names and "porthole-compos" in names, "services: %s" % names)
        # the RDP server is a module loaded after ready: with every library it needs there
        try:
            wait_until(lambda: "rdp: listening on" in d.log("compositor"), 20, 0.1, "the RDP server")
        except TestFailure as e:
            raise TestFailure("%s in the image; compositor.log:\n%s" % (e, d.log("compositor")[-1500:]))
        log = os.path.join(d.dir, "apps.log")
        procs.procs.append(d.run(["weston-simple-shm"], distro=distro.root, log=log))
        procs.procs.append(d.run(["xterm"], distro=distro.root, log=log))
        wait_until(lambda: {"wayland", "x11"} <= {w["kind"] for w in d.windows()}, 30, 0.2,
                   "a Wayland and an X11 window on the image's compositor; apps:\n%s\ncompositor.log:\n%s" % (
                       open(log, errors="replace").read()[-1500:], d.log("compositor")[-1500:]))
        d.stop()
        # the overlay's upper layer went with the boot: the image is unchanged
        d.boot([option, image])
        r = d.porthole("system", "--", "sh", "-c", "test -e /usr/marker && echo kept || echo gone")
        check("gone" in r.stdout, "a change survived the reboot: %r" % r.stdout)
    finally:
        procs.stop_all()
        distro.release()
        d.cleanup()


def test_boot_ext4(procs):
    if os.geteuid() != 0:
        return "skip: needs root"
    boot_image(procs, os.path.join(OUT, "system.ext4"))


def test_boot_vhd(procs):
    if os.geteuid() != 0:
        return "skip: needs root"
    boot_image(procs, os.path.join(OUT, "system.vhd"))


def test_boot_rootfs_tar(procs):
    if os.geteuid() != 0:
        return "skip: needs root"
    tarball = os.path.join(OUT, "rootfs.tar.zst")
    if not os.path.exists(tarball):
        raise TestFailure("%s was not built (see build_image)" % tarball)
    rootfs = tempfile.mkdtemp(prefix="porthole-rootfs-", dir="/var/tmp")
    try:
        subprocess.run("zstd -dc %s | tar -C %s --numeric-owner -xf -" % (tarball, rootfs), shell=True,
                       check=True)
        before = subprocess.run(["find", rootfs, "-newer", os.path.join(rootfs, "usr", "bin", "portholed")],
                                capture_output=True, text=True).stdout
        boot_image(procs, rootfs, "--rootfs")
        after = subprocess.run(["find", rootfs, "-newer", os.path.join(rootfs, "usr", "bin", "portholed")],
                               capture_output=True, text=True).stdout
        check(before == after, "booting changed the root file system:\n%s" % after[:1000])
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)


if __name__ == "__main__":
    run([test_build_image, test_boot_ext4, test_boot_vhd, test_boot_rootfs_tar])
