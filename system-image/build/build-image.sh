#!/usr/bin/env bash
# Builds the system distro's image from Debian 12 packages and this project:
# rootfs.tar.zst, system.ext4 and system.vhd (a fixed VHD holding the ext4 file
# system, as WSL's systemDistro= takes), with versions.txt. No compilers go in:
# Porthole is built outside and installed with `meson install --destdir`.
set -euo pipefail

usage() {
	cat <<USAGE
Usage: system-image/build/build-image.sh [--out DIR] [--cache DIR] [--mirror URL] [--no-deps] [--help]

Makes a Debian 12 (bookworm) minimal root file system with the runtime
libraries Porthole links, Xwayland, PulseAudio, Mesa (with d3d12), fonts and a
cursor theme, installs Porthole into it (prefix /usr), and writes:

  DIR/rootfs.tar.zst   the root file system
  DIR/system.ext4      an ext4 image of it (porthole boot --image DIR/system.ext4)
  DIR/system.vhd       the same as a fixed VHD (WSL: systemDistro=, or porthole boot --image)
  DIR/versions.txt     Porthole's and its components' versions

  --out DIR      where the images go (default: ./out/image)
  --cache DIR    the Debian base (debootstrap + packages) is kept here as a tar and
                 reused while the package list is the same (default: ./build-image/cache)
  --mirror URL   Debian mirror (default: http://deb.debian.org/debian)
  --no-deps      do not install the host's tools (debootstrap, qemu-utils, zstd)
  -h, --help     show this help

Needs root (debootstrap, chroot) and the network for the Debian packages.
Exit status: 0 built, 1 a step failed (the message says which), 2 usage.
USAGE
}

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/out/image
cache=$root/build-image/cache
mirror=http://deb.debian.org/debian
deps=1
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?--out needs a folder}; shift 2 ;;
	--cache) cache=${2:?--cache needs a folder}; shift 2 ;;
	--mirror) mirror=${2:?--mirror needs a URL}; shift 2 ;;
	--no-deps) deps=0; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

started=$SECONDS
step() { printf 'build-image: [%4ds] %s\n' $((SECONDS - started)) "$*"; }
fail() { echo "build-image: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap and chroot); run: sudo $0"
mkdir -p "$out" "$cache" && out=$(cd "$out" && pwd) && cache=$(cd "$cache" && pwd) ||
	fail "cannot create $out or $cache"
work=$(mktemp -d /var/tmp/porthole-image.XXXXXX)
rootfs=$work/rootfs
cleanup() {
	# a chroot step that failed may have left its /proc mounted
	mountpoint -q "$rootfs/proc" 2>/dev/null && umount -l "$rootfs/proc"
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$deps" = 1 ]; then
	step "host tools: debootstrap, qemu-utils, zstd, e2fsprogs"
	need=()
	for pkg in debootstrap qemu-utils zstd e2fsprogs; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
	done
	if [ "${#need[@]}" -gt 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
			fail "cannot install ${need[*]}"
	fi
fi

step "building Porthole for the image (build-image/porthole, prefix /usr, release)"
builddir=$root/build-image/porthole
if [ ! -d "$builddir/meson-private" ]; then
	meson setup "$builddir" "$root" --prefix=/usr -Dbuildtype=release -De2e-tests=false \
		>"$work/meson.log" 2>&1 || { cat "$work/meson.log" >&2; fail "meson setup failed"; }
fi
ninja -C "$builddir" >"$work/ninja.log" 2>&1 || { tail -30 "$work/ninja.log" >&2; fail "the build failed"; }

# What the binaries link, as Debian packages: the host's dpkg knows the files.
binaries=("$builddir/frontend/porthole-compositor" "$builddir/system-image/supervisor/portholed"
	"$builddir/system-image/launcher/porthole" "$builddir/compositor/porthole-background"
	"$builddir/rdp-backend/porthole-rdp.so")
linked=$(ldd "${binaries[@]}" 2>/dev/null | awk '/=> \// {print $3}' | sort -u |
	xargs -r -n1 sh -c 'dpkg -S "$(readlink -f "$0")" 2>/dev/null || dpkg -S "$0" 2>/dev/null' |
	cut -d: -f1 | sort -u | tr '\n' ' ')
[ -n "$linked" ] || fail "cannot tell which packages the binaries link (is dpkg there?)"
# weston: the X11 window frames libweston draws load their button icons from its /usr/share/weston
runtime="weston xwayland pulseaudio libgl1-mesa-dri libegl-mesa0 libegl1 libgles2 xkb-data fonts-dejavu-core dmz-cursor-theme ca-certificates"
packages=$(echo "$linked $runtime" | tr ' ' '\n' | grep -v '^$' | sed 's/:amd64$//' | sort -u | tr '\n' ' ')
key=$(echo "$mirror $packages" | sha256sum | cut -c1-16)
base=$cache/base-$key.tar

if [ -f "$base" ]; then
	step "Debian base from the cache ($base)"
	mkdir -p "$rootfs" && tar -C "$rootfs" -xf "$base" || fail "cannot unpack $base"
else
	step "debootstrap bookworm (minbase) from $mirror"
	debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed; see above"; }
	# No documentation, manuals or translations: the image is not used interactively.
	cat >"$rootfs/etc/dpkg/dpkg.cfg.d/porthole-slim" <<-EOF
		path-exclude=/usr/share/doc/*
		path-include=/usr/share/doc/*/copyright
		path-exclude=/usr/share/man/*
		path-exclude=/usr/share/info/*
		path-exclude=/usr/share/locale/*
		path-include=/usr/share/locale/locale.alias
	EOF
	step "installing $(wc -w <<<"$packages") packages: runtime libraries, Xwayland, PulseAudio, Mesa, fonts"
	mount -t proc proc "$rootfs/proc"
	chroot "$rootfs" apt-get update -qq >"$work/apt.log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends \
			$packages >>"$work/apt.log" 2>&1 ||
		{ umount -l "$rootfs/proc"; tail -20 "$work/apt.log" >&2; fail "installing packages failed; see above"; }
	chroot "$rootfs" apt-get clean
	umount -l "$rootfs/proc"
	rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"*.bin
	step "caching the base as $base"
	tar -C "$rootfs" --numeric-owner -cf "$base.part" . && mv "$base.part" "$base" ||
		fail "cannot write $base"
fi

step "installing Porthole into the image"
DESTDIR=$rootfs meson install -C "$builddir" --no-rebuild --quiet >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log" >&2; fail "meson install failed"; }
# The services' user, as the supervisor expects it (uid 1000, no login).
if ! chroot "$rootfs" getent passwd porthole >/dev/null; then
	chroot "$rootfs" useradd --uid 1000 --user-group --home-dir /nonexistent --no-create-home \
		--shell /usr/sbin/nologin porthole || fail "cannot add the porthole user"
fi
mkdir -p "$rootfs/etc/porthole" "$rootfs/mnt/wslg" "$rootfs/var/lib/porthole"
echo porthole >"$rootfs/etc/hostname"
[ -x "$rootfs/usr/bin/portholed" ] || fail "portholed is not in the image"
if compgen -G "$rootfs/usr/bin/*gcc*" >/dev/null || [ -e "$rootfs/usr/bin/cc" ]; then
	fail "a compiler got into the image"
fi

step "versions.txt"
{
	echo "porthole $(sed -n "s/^[[:space:]]*version: '\([^']*\)'.*/\1/p" "$root/meson.build" | head -1)"
	echo "debian $(cat "$rootfs/etc/debian_version")"
	chroot "$rootfs" dpkg-query -W -f='${Package} ${Version}\n' libweston-10-0 libfreerdp-server2-2 \
		libpulse0 pulseaudio xwayland libgl1-mesa-dri libpixman-1-0 libwayland-server0 2>/dev/null
} >"$out/versions.txt"
cp "$out/versions.txt" "$rootfs/usr/share/porthole/versions.txt"

step "rootfs.tar.zst"
tar -C "$rootfs" --numeric-owner -cf - . | zstd -q -T0 -12 -f -o "$out/rootfs.tar.zst" ||
	fail "cannot write rootfs.tar.zst"

step "system.ext4"
used_kb=$(du -sk "$rootfs" | cut -f1)
size_mb=$(((used_kb * 5 / 4) / 1024 + 64)) # room for ext4's own metadata and a little more
rm -f "$out/system.ext4"
mkfs.ext4 -q -L porthole -E root_owner=0:0 -d "$rootfs" "$out/system.ext4" "${size_mb}M" >/dev/null ||
	fail "mkfs.ext4 failed"

step "system.vhd (fixed)"
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$out/system.ext4" "$out/system.vhd" ||
	fail "qemu-img convert failed"

step "done in $((SECONDS - started)) s"
for f in rootfs.tar.zst system.ext4 system.vhd versions.txt; do
	printf '  %-16s %8s\n' "$f" "$(du -h --apparent-size "$out/$f" | cut -f1)"
done
echo "  files in the root file system: $(find "$rootfs" -xdev | wc -l), $((used_kb / 1024)) MB"
echo "  boot it: porthole boot --image $out/system.ext4"
