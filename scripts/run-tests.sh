#!/usr/bin/env bash
# Porthole's whole test suite, as CI runs it: installs what it needs, builds twice
# (warnings as errors; then AddressSanitizer + UndefinedBehaviorSanitizer with
# LeakSanitizer), runs every suite in both builds and ends with one line
# "N passed, N failed, N skipped" counting every test case.
set -uo pipefail

usage() {
	cat <<USAGE
Usage: scripts/run-tests.sh [--no-deps] [--no-sanitize] [--help]

Builds Porthole and runs its tests (suites unit, integration, e2e, security, image, style),
then again under AddressSanitizer and UndefinedBehaviorSanitizer (all but image), then
the client-PDU fuzz targets with clang and libFuzzer for 60 s each (suite fuzz). Run as
root on Debian 12: it installs missing packages with apt-get first.

  --no-deps       do not install packages (they must be present)
  --no-sanitize   skip the sanitizer build and run
  --no-fuzz       skip the fuzz build and run
  -h, --help      show this help

Build folders: build-test/, build-test-asan/ and build-test-fuzz/; failing screenshot
tests leave their shot and a diff PNG in <build>/meson-logs/artifacts/.
Exit status: 0 all passed, 1 a build or test failed, 2 usage.
USAGE
}

deps=1
sanitize=1
fuzz=1
for arg in "$@"; do
	case "$arg" in
	--no-deps) deps=0 ;;
	--no-sanitize) sanitize=0 ;;
	--no-fuzz) fuzz=0 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

if [ "$deps" = 1 ]; then
	bash scripts/install-deps.sh || { echo "run-tests: installing packages failed" >&2; exit 1; }
fi

# configure DIR [MESON OPTIONS...]: configure (or reconfigure) the build folder.
configure() {
	local dir=$1
	shift
	echo "run-tests: building $dir"
	if [ -d "$dir/meson-private" ]; then
		meson setup --reconfigure "$dir" "$@" >"$dir.setup.log" 2>&1
	else
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1
	fi || { cat "$dir.setup.log" >&2; return 1; }
}

# setup_build DIR [MESON OPTIONS...]: configure and compile everything.
setup_build() {
	configure "$@" && ninja -C "$1"
}

# run_suites DIR SUITES...: runs the suites (!NAME leaves one out); failures are
# counted from the log.
run_suites() {
	local dir=$1
	shift
	local args=()
	for suite in "$@"; do
		case "$suite" in
		!*) args+=(--no-suite "${suite#!}") ;;
		*) args+=(--suite "$suite") ;;
		esac
	done
	echo "run-tests: testing $dir (${*})"
	meson test -C "$dir" --no-rebuild --print-errorlogs "${args[@]}"
}

builds=()
status=0
if setup_build build-test --werror -Dbuildtype=debugoptimized; then
	run_suites build-test unit integration e2e security image style || status=1
	builds+=(build-test)
else
	echo "run-tests: build failed" >&2
	status=1
fi
if [ "$sanitize" = 1 ]; then
	if setup_build build-test-asan --werror -Dbuildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false; then
		# realtime: sound paced in real time; ASan's slowdown on two cores makes
		# the audio underrun, which tests the machine rather than the code
		run_suites build-test-asan unit integration e2e security '!realtime' || status=1
		builds+=(build-test-asan)
	else
		echo "run-tests: sanitizer build failed" >&2
		status=1
	fi
fi
if [ "$fuzz" = 1 ]; then
	# clang for libFuzzer; only the fuzz targets (and the libraries they link) are built
	fuzz_targets=(tests/fuzz/fuzz-audio-formats tests/fuzz/fuzz-gfx tests/fuzz/fuzz-disp-layout
		tests/fuzz/fuzz-rail-move tests/fuzz/fuzz-clipboard tests/fuzz/fuzz-gfx-channel)
	if CC=clang configure build-test-fuzz -Dbuildtype=debug -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false &&
		ninja -C build-test-fuzz "${fuzz_targets[@]}"; then
		run_suites build-test-fuzz fuzz || status=1
		builds+=(build-test-fuzz)
	else
		echo "run-tests: fuzz build failed" >&2
		status=1
	fi
fi

# Count every case: TAP tests by their "ok"/"not ok" lines, others by result.
summary=$(python3 - "${builds[@]}" <<'PY'
import json, re, sys
passed = failed = skipped = 0
# meson prints only stderr of a failing test; TAP tests say why on stdout, so the
# failing cases and their diagnostics are repeated here for CI logs
def report(build, t, out, failing):
    text = "".join(failing) if failing else "\n".join(out.splitlines()[-40:])
    print("run-tests: %s / %s failed:\n%s" % (build, t["name"], text.rstrip()), file=sys.stderr)
for build in sys.argv[1:]:
    try:
        lines = open(build + "/meson-logs/testlog.json").read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        failing = re.findall(r"^not ok\b.*\n(?:#.*\n?)*", out, re.M)
        if failing or t["result"] not in ("OK", "SKIP"):
            report(build, t, out, failing)
        cases = re.findall(r"^(ok|not ok)\b.*$", out, re.M)
        if not cases:
            if t["result"] == "SKIP":
                skipped += 1
            elif t["result"] == "OK":
                passed += 1
            else:
                failed += 1
            continue
        for m in re.finditer(r"^(ok|not ok)\b(.*)$", out, re.M):
            if m.group(1) == "not ok":
                failed += 1
            elif "# SKIP" in m.group(2):
                skipped += 1
            else:
                passed += 1
        if t["result"] not in ("OK", "SKIP") and "not ok" not in out:
            failed += 1  # it crashed or timed out after its last case
print(passed, failed, skipped)
PY
)
read -r passed failed skipped <<<"${summary:-0 1 0}"
[ -n "${builds[*]}" ] || failed=$((failed + 1))
[ "$failed" -gt 0 ] && status=1
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
exit $status
