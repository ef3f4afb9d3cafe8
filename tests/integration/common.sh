# shellcheck shell=bash
# Shared by the live-capture tests (sourced). Exit 77 = skipped (ctest SKIP_RETURN_CODE).
#
# Needs: NTOP_PROBE (the probe), NTOP_PYTHON (python3); LUA_PATH finds testlib.lua.

SKIP=77
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

skip() {
    echo "SKIP: $*"
    exit $SKIP
}

require_root() {
    [ "$(id -u)" = 0 ] || skip "live capture needs root"
}

: "${NTOP_PROBE:?NTOP_PROBE is not set}"
: "${NTOP_PYTHON:=python3}"
export NTOP_TEST_TRAFFIC="$NTOP_PYTHON $HERE/traffic.py"

# run_probe IF FILTER: runs live_traffic.lua in a probe capturing on IF with BPF FILTER
# (bounded by NTOP_TEST_TIMEOUT seconds) and exits with the test's result: 0 pass, 1 fail,
# 77 when the capture itself is not permitted.
run_probe() {
    local ifname=$1 filter=$2 rc
    local datadir errf
    datadir=$(mktemp -d "${TMPDIR:-/tmp}/ntop-probe-live.XXXXXX")
    errf=$datadir/stderr
    timeout -k 2 "${NTOP_TEST_TIMEOUT:-15}" "$NTOP_PROBE" -i "$ifname" -B "$filter" \
        -d "$datadir" --run-script "$HERE/live_traffic.lua" 2>"$errf"
    rc=$?
    cat "$errf" >&2
    if [ $rc -ne 0 ] && grep -qE "cannot (capture on|open interface) $ifname" "$errf"; then
        rm -rf "$datadir"
        skip "capture on $ifname is not permitted here"
    fi
    rm -rf "$datadir"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "FAIL: the probe did not finish within ${NTOP_TEST_TIMEOUT:-15} s"
        exit 1
    fi
    [ $rc -eq 0 ] || echo "FAIL: the probe exited with $rc"
    [ $rc -eq 0 ] && return 0
    exit 1
}
