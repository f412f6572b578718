#!/usr/bin/env bash
# Porthole's main job: boots the system distro (`porthole boot`), starts a real
# Wayland app (gtk3-demo) and a real X11 app (xterm) from a user distro
# (`porthole run`), connects the host's RDP client (`porthole connect`: xfreerdp
# in RemoteApp mode, each window its own host window) on a private Xvfb screen,
# saves a screenshot of the host screen, prints where everything is, and stops
# what it started (unless --keep).
set -uo pipefail

usage() {
	cat <<USAGE
Usage: scripts/demo.sh [--out DIR] [--distro DIR] [--desktop] [--no-window-manager] [--keep]
                      [--no-deps] [--help]

Builds Porthole, boots the system distro in namespaces on an overlay of this
machine's root, runs gtk3-demo (Wayland) and xterm (X11) from a user distro
(default: this machine's root), connects xfreerdp from a private Xvfb screen
managed by openbox, opens gtk3-demo's context menu there, and writes the host
screen (with and without the menu) as PNGs, the list of host windows and the logs.
Needs root (mounts and namespaces).

  --out DIR      where the PNGs and logs go (default: ./out)
  --distro DIR   the user distro's root file system (default: this machine's /)
  --desktop      the whole desktop in one host window instead of RemoteApp
  --no-window-manager  a bare host screen (no openbox), as a kiosk has
  --keep         leave everything running: the system distro, the apps, Xvfb
                 and xfreerdp (then: porthole stop)
  --no-deps      do not install packages (they must be present)
  -h, --help     show this help

Exit status: 0 success, 1 a step failed (the message says which), 2 usage.
USAGE
}

out=out
distro=
desktop=0
window_manager=1
keep=0
deps=1
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?--out needs a folder}; shift 2 ;;
	--distro) distro=${2:?--distro needs a folder}; shift 2 ;;
	--desktop) desktop=1; shift ;;
	--no-window-manager) window_manager=0; shift ;;
	--keep) keep=1; shift ;;
	--no-deps) deps=0; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
mkdir -p "$out" && out=$(cd "$out" && pwd) || { echo "demo: cannot create $out" >&2; exit 1; }

step() { echo "demo: $*"; }
fail() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (porthole boot mounts and makes namespaces); run: sudo $0"
if [ "$deps" = 1 ]; then
	step "installing packages (scripts/install-deps.sh)"
	bash scripts/install-deps.sh >"$out/install-deps.log" 2>&1 ||
		fail "installing packages failed; see $out/install-deps.log"
fi
step "building into build-demo/"
if [ ! -d build-demo/meson-private ]; then
	meson setup build-demo -Dbuildtype=debugoptimized >"$out/build.log" 2>&1 ||
		fail "meson setup failed; see $out/build.log"
fi
ninja -C build-demo >>"$out/build.log" 2>&1 || fail "build failed; see $out/build.log"

porthole=$root/build-demo/system-image/launcher/porthole
run_args=()
[ -n "$distro" ] && run_args=(--distro "$distro")
pids=()
booted=0
cleanup() {
	[ "$keep" = 1 ] && return
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	if [ "$booted" = 1 ]; then
		"$porthole" stop >/dev/null
	fi
}
trap cleanup EXIT

# The RDP listener on a free loopback port, so the demo never collides with a
# server already on 3389.
rdp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[rdp]\nlisten=tcp:127.0.0.1:%s\n' "$rdp_port" >"$out/porthole.ini"
step "booting the system distro (porthole boot)"
"$porthole" boot --config "$out/porthole.ini" | tee "$out/boot.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "porthole boot failed (above)"
booted=1
shared=$(sed -n 's/^  shared dir  \([^ ]*\).*/\1/p' "$out/boot.txt")

step "starting gtk3-demo (Wayland) and xterm (X11) in the user distro (porthole run)"
"$porthole" run "${run_args[@]}" -- env GDK_BACKEND=wayland NO_AT_BRIDGE=1 gtk3-demo >"$out/gtk3-demo.log" 2>&1 &
pids+=("$!")
"$porthole" run "${run_args[@]}" -- xterm -T "Porthole xterm" -geometry 80x24 \
	-e sh -c 'echo "Hello from X11 through Porthole"; exec sleep 3600' >"$out/xterm.log" 2>&1 &
pids+=("$!")
list=
for _ in $(seq 300); do
	list=$("$porthole" windows)
	if grep -q 'kind=wayland' <<<"$list" && grep -q 'kind=x11' <<<"$list"; then
		break
	fi
	sleep 0.1
done
grep -q 'kind=x11' <<<"$list" && grep -q 'kind=wayland' <<<"$list" ||
	fail "the apps did not map; windows: ${list:-none}; see $out/*.log and $shared/compositor.log"
sleep 1 # the apps' first complete frames
"$porthole" window "$(awk -F'[ =]' '/kind=wayland/ {print $2; exit}' <<<"$list")" move 60 40 >/dev/null
"$porthole" window "$(awk -F'[ =]' '/kind=x11/ {print $2; exit}' <<<"$list")" move 700 380 >/dev/null
"$porthole" windows | tee "$out/windows.txt"

step "connecting xfreerdp from a private Xvfb screen (porthole connect)"
# Xvfb tells its display number on the pipe; the pipe stays open while it runs.
exec {xvfb_fd}< <(exec Xvfb -displayfd 1 -screen 0 1280x800x24 -noreset -nolisten tcp 2>"$out/xvfb.log")
pids=("$!" "${pids[@]}")
read -r -u "$xvfb_fd" host_display || fail "Xvfb did not start; see $out/xvfb.log"
for _ in $(seq 50); do
	DISPLAY=":$host_display" xdpyinfo >/dev/null 2>&1 && break
	sleep 0.1
done
if [ "$window_manager" = 1 ]; then
	# a window manager of its own: no user's openbox config or autostart
	wm_home=$(mktemp -d)
	DISPLAY=":$host_display" HOME="$wm_home" XDG_CONFIG_HOME="$wm_home" XDG_CONFIG_DIRS="$wm_home" \
		openbox --sm-disable >"$out/openbox.log" 2>&1 &
	pids=("$!" "${pids[@]}")
	for _ in $(seq 50); do
		DISPLAY=":$host_display" xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q window && break
		sleep 0.1
	done
fi
connect_args=()
connected="RemoteApp client ready"
if [ "$desktop" = 1 ]; then
	connect_args=(--desktop)
	connected="rdp: .* active at"
fi
DISPLAY=":$host_display" "$porthole" connect "${connect_args[@]}" -- /log-level:WARN >"$out/xfreerdp.log" 2>&1 &
pids=("$!" "${pids[@]}")
for _ in $(seq 150); do
	grep -q "$connected" "$shared/compositor.log" && break
	sleep 0.1
done
grep -q "$connected" "$shared/compositor.log" || fail "xfreerdp did not connect; see $out/xfreerdp.log"
sleep 2 # the first full frame travels
if [ "$desktop" = 0 ]; then
	# one X window per app window, class RAIL:<window id> (in the window manager's frame)
	DISPLAY=":$host_display" xwininfo -root -tree | grep '"RAIL"' | tee "$out/host-windows.txt"
	[[ -s $out/host-windows.txt ]] || fail "no RemoteApp window on the host; see $out/xfreerdp.log"
fi
DISPLAY=":$host_display" import -window root "png24:$out/host-screen.png" ||
	fail "cannot capture the host screen"
if [ "$desktop" = 0 ]; then
	# a right click in gtk3-demo's text view: its context menu, a popup window on the host
	DISPLAY=":$host_display" xdotool mousemove 560 340 click 1 sleep 0.5 click 3
	sleep 1
	DISPLAY=":$host_display" import -window root "png24:$out/host-screen-menu.png" ||
		fail "cannot capture the host screen"
	DISPLAY=":$host_display" xdotool key Escape
	kill -0 "${pids[0]}" 2>/dev/null || fail "xfreerdp died when the menu opened; see $out/xfreerdp.log"
fi
"$porthole" status >"$out/status.txt"

echo
echo "Host screen (xfreerdp):    $out/host-screen.png"
[ "$desktop" = 0 ] && echo "With gtk3-demo's menu:     $out/host-screen-menu.png"
[ "$desktop" = 0 ] && echo "Host windows (RemoteApp):  $out/host-windows.txt"
echo "Window list:               $out/windows.txt"
echo "System distro:             $out/status.txt (sockets, processes, memory)"
echo "Shared dir:                $shared (runtime-dir/wayland-0, .X11-unix/X<n>, PulseServer; porthole status names them)"
echo "Logs:                      $shared/{stderr,compositor,pulseaudio}.log (gone after stop), $out/*.log"
if [ "$keep" = 1 ]; then
	cp "$shared"/*.log "$out/" 2>/dev/null
	echo "Still running:             porthole run -- APP; porthole connect; porthole stop"
	echo "                           ($porthole)"
else
	cp "$shared"/*.log "$out/" 2>/dev/null
	echo "                           (copied into $out)"
fi
