#!/usr/bin/env bash
# Installs, idempotently, every Debian 12 package that building Porthole, running its
# test suite and running the README's main job need. Both README commands call it.
set -euo pipefail

usage() {
	cat <<USAGE
Usage: scripts/install-deps.sh [--help]

Installs the Debian 12 packages Porthole needs (build, tests, main job) with apt-get.
Run as root. Packages already installed are left alone; nothing is installed twice.
Exit codes: 0 all present, 1 apt failed, 2 usage.
USAGE
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

packages=(
	# build
	build-essential meson ninja-build pkg-config clang-format
	# the fuzz targets: clang and libFuzzer
	clang libclang-rt-14-dev
	libweston-10-dev libwayland-dev wayland-protocols libpixman-1-dev
	libxkbcommon-dev libpng-dev libxcb1-dev libegl-dev libgles-dev
	freerdp2-dev libwinpr2-dev libssl-dev libpulse-dev libx264-dev
	# runtime: Xwayland, software GL for the GL renderer, PulseAudio for sound
	xwayland libegl1 libgl1-mesa-dri libegl-mesa0 xkb-data pulseaudio pulseaudio-utils
	# real apps the tests and the main job run
	weston foot xterm x11-apps gtk-3-examples fonts-dejavu-core chromium firefox-esr
	libreoffice-writer gimp
	# test tooling; the host side of RDP tests: a real client on a virtual screen
	# (Xephyr on it for a host with two monitors, openbox for a host with a window manager)
	x11-utils python3 xvfb xserver-xephyr openbox freerdp2-x11 xdotool python3-xlib imagemagick sox
	openssl
	# the clipboard on both sides: Wayland apps' and X11 apps' copy and paste
	wl-clipboard xclip
	# other RDP clients users bring
	rdesktop remmina remmina-plugin-rdp
	# the user-distro files' logic: systemd-tmpfiles
	systemd
)

missing=()
for pkg in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or: sudo $0) to install them" >&2
	exit 1
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
	echo "install-deps: apt-get install failed; retrying after apt-get update" >&2
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}" || {
		echo "install-deps: apt-get failed; check network access to the Debian mirror" >&2
		exit 1
	}
fi
echo "install-deps: done"
