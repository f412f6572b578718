#!/usr/bin/env bash
# Porthole's main job, for now: starts porthole-compositor headless with Xwayland
# and its RDP server, runs a real Wayland app (gtk3-demo) and a real X11 app
# (xterm) in it, connects a real RDP client (xfreerdp /app: RemoteApp, each window
# its own host window; or desktop mode) on a private Xvfb screen, saves screenshots
# of the desktop, of each window and of the host's screen, prints where they are,
# and stops everything it started.
set -uo pipefail

usage() {
	cat <<USAGE
Usage: scripts/demo.sh [--out DIR] [--no-deps] [--renderer pixman|gl] [--mode rail|desktop] [--help]

Builds Porthole, starts porthole-compositor headless (Xwayland on, RDP on a
loopback port with a generated password), launches gtk3-demo (Wayland) and
xterm (X11), connects xfreerdp from a private Xvfb screen, and writes PNGs: the
compositor's output, each window, and the host screen as the RDP client shows it.
In RemoteApp mode (the default) each app is its own X window on the host screen;
their list is in host-windows.txt.

  --out DIR        where the PNGs go (default: ./out)
  --renderer NAME  pixman (default) or gl
  --mode MODE      rail (default: xfreerdp /app:, one host window per app window)
                   or desktop (the whole output in one host window)
  --no-deps        do not install packages (they must be present)
  -h, --help       show this help

Exit status: 0 success, 1 a step failed (the message says which), 2 usage.
USAGE
}

out=out
renderer=pixman
mode=rail
deps=1
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?--out needs a folder}; shift 2 ;;
	--renderer) renderer=${2:?--renderer needs a name}; shift 2 ;;
	--mode)
		mode=${2:?--mode needs rail or desktop}
		[[ $mode == rail || $mode == desktop ]] || { echo "demo: --mode is rail or desktop" >&2; exit 2; }
		shift 2 ;;
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

compositor=build-demo/compositor/porthole-compositor
porthole=build-demo/system-image/launcher/porthole
runtime=$(mktemp -d /tmp/porthole-demo.XXXXXX)
chmod 700 "$runtime"
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	rm -rf "$runtime"
}
trap cleanup EXIT

export XDG_RUNTIME_DIR=$runtime
# A one-time password for this run's RDP listener, readable by us alone.
(umask 077 && head -c 12 /dev/urandom | base64 >"$runtime/rdp-password")
rdp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "starting porthole-compositor (log: $out/compositor.log)"
: >"$out/compositor.log"
"$compositor" --socket=wayland-demo --xwayland --renderer="$renderer" --width=1280 --height=800 --rdp-mode="$mode" \
	--rdp-listen="tcp:127.0.0.1:$rdp_port" --rdp-user=porthole \
	--rdp-password-file="$runtime/rdp-password" --log="$out/compositor.log" &
compositor_pid=$!
pids+=("$compositor_pid")
export WAYLAND_DISPLAY=wayland-demo
for _ in $(seq 100); do
	"$porthole" ping >/dev/null 2>&1 && break
	kill -0 "$compositor_pid" 2>/dev/null || fail "the compositor exited; see $out/compositor.log"
	sleep 0.1
done
"$porthole" ping >/dev/null || fail "the compositor does not answer; see $out/compositor.log"
eval "$("$porthole" env)"
step "compositor ready: WAYLAND_DISPLAY=$WAYLAND_DISPLAY DISPLAY=$DISPLAY"

step "launching gtk3-demo (Wayland) and xterm (X11)"
GDK_BACKEND=wayland NO_AT_BRIDGE=1 gtk3-demo >"$out/gtk3-demo.log" 2>&1 &
pids=("$!" "${pids[@]}")
xterm -T "Porthole xterm" -geometry 80x24 -e sh -c 'echo "Hello from X11 through Porthole"; exec sleep 600' \
	>"$out/xterm.log" 2>&1 &
pids=("$!" "${pids[@]}")

step "waiting for both windows"
for _ in $(seq 300); do
	list=$("$porthole" windows)
	if grep -q 'kind=wayland' <<<"$list" && grep -q 'kind=x11' <<<"$list"; then
		break
	fi
	sleep 0.1
done
grep -q 'kind=x11' <<<"$list" && grep -q 'kind=wayland' <<<"$list" ||
	fail "the apps did not map; windows: ${list:-none}; see $out/*.log"
sleep 1 # let the apps draw their first complete frames
"$porthole" window "$(awk -F'[ =]' '/kind=wayland/ {print $2; exit}' <<<"$list")" move 60 40 >/dev/null
"$porthole" window "$(awk -F'[ =]' '/kind=x11/ {print $2; exit}' <<<"$list")" move 700 380 >/dev/null
"$porthole" windows | tee "$out/windows.txt"

step "connecting xfreerdp ($mode mode) from a private Xvfb screen"
# Xvfb tells its display number on the pipe; the pipe stays open while it runs.
exec {xvfb_fd}< <(exec Xvfb -displayfd 1 -screen 0 1280x800x24 -noreset -nolisten tcp 2>"$out/xvfb.log")
pids=("$!" "${pids[@]}")
read -r -u "$xvfb_fd" host_display || fail "Xvfb did not start; see $out/xvfb.log"
for _ in $(seq 50); do
	DISPLAY=":$host_display" xdpyinfo >/dev/null 2>&1 && break
	sleep 0.1
done
if [[ $mode == rail ]]; then
	client_mode=(/app:porthole) # the name is only a label: the apps already run
	connected="RemoteApp client ready"
else
	client_mode=(/size:1280x800)
	connected="rdp: .* active at"
fi
DISPLAY=":$host_display" xfreerdp "/v:127.0.0.1:$rdp_port" /u:porthole "/p:$(cat "$runtime/rdp-password")" \
	/cert:ignore /bpp:32 /log-level:WARN "${client_mode[@]}" >"$out/xfreerdp.log" 2>&1 &
pids=("$!" "${pids[@]}")
for _ in $(seq 100); do
	grep -q "$connected" "$out/compositor.log" && break
	sleep 0.1
done
grep -q "$connected" "$out/compositor.log" || fail "xfreerdp did not connect; see $out/xfreerdp.log"
sleep 2 # the first full frame travels
if [[ $mode == rail ]]; then
	# one top-level X window per app window, class RAIL:<window id>
	DISPLAY=":$host_display" xwininfo -root -children | grep '"RAIL"' | tee "$out/host-windows.txt"
	[[ -s $out/host-windows.txt ]] || fail "no RemoteApp window on the host; see $out/xfreerdp.log"
fi
DISPLAY=":$host_display" import -window root "png24:$out/host-screen.png" ||
	fail "cannot capture the host screen"

"$porthole" screenshot "$out/porthole-desktop.png" >/dev/null || fail "screenshot failed"
while read -r line; do
	id=$(awk -F'[ =]' '{print $2}' <<<"$line")
	kind=$(sed -n 's/.*kind=\([a-z0-9]*\).*/\1/p' <<<"$line")
	"$porthole" screenshot "$out/porthole-window-$id-$kind.png" --window "$id" >/dev/null
done < <("$porthole" windows)

"$porthole" quit >/dev/null
wait "$compositor_pid" 2>/dev/null
echo
echo "Host screen (xfreerdp):    $out/host-screen.png"
[[ $mode == rail ]] && echo "Host windows (RemoteApp):  $out/host-windows.txt"
echo "Screenshot of the desktop: $out/porthole-desktop.png"
echo "Window screenshots:        $(ls "$out"/porthole-window-*.png | tr '\n' ' ')"
echo "Window list:               $out/windows.txt"
echo "Compositor log:            $out/compositor.log"
