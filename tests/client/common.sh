# shellcheck shell=bash
# Shared by tests/client/*.sh (sourced). Exit 77 = skipped (ctest SKIP_RETURN_CODE).
# Environment (set by CMake): NTOP_PROBE, NTOP_SHELL, NTOP_CLIENT_E2E, NTOP_SHARED_DIR, ...

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PASS=0
FAIL=0
PROBE_PIDS=()
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntop-client.XXXXXX")

skip() {
    echo "SKIP: $*"
    exit 77
}

# need_captures, pass, fail, finish, check, probe_ready
# shellcheck source=../lib/harness.sh
. "$HERE/../lib/harness.sh"

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local pid
    for pid in "${PROBE_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null && stop_probe "$pid"
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

# The captures and a probe that serves RPC, or skip.
PCAP1=${NTOP_SHARED_DIR:-$HERE/../../../shared}/pcaps/ntopng-e2e/test_01.pcap
PCAP2=${NTOP_SHARED_DIR:-$HERE/../../../shared}/pcaps/ntopng-e2e/dns_contacts.pcap
require_probe() {
    need_captures "$PCAP1" "$PCAP2"
    : "${NTOP_PROBE:?NTOP_PROBE is not set}"
    "$NTOP_PROBE" --help 2>&1 | grep -q -- --rpc-listen || skip "ntop-probe has no --rpc-listen"
}

# start_probe NAME ADDR PCAP...: replays the captures (-m 192.168.1.0/24), then serves on ADDR
# ("unix:PATH" or "127.0.0.1:0"). Sets PROBE_PID and PROBE_TARGET (the TCP port it picked).
start_probe() {
    local name=$1 addr=$2 ifs=() p
    shift 2
    for p in "$@"; do ifs+=(-i "$p"); done
    echo 'print("END")' >"$TMP/end.lua"
    mkdir -p "$TMP/$name.data"
    "$NTOP_PROBE" "${ifs[@]}" -m 192.168.1.0/24 -d "$TMP/$name.data" --rpc-listen "$addr" --rpc-no-auth \
        --run-script "$TMP/end.lua" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    PROBE_PID=$!
    PROBE_PIDS+=("$PROBE_PID")
    if probe_ready "$PROBE_PID" "$TMP/$name.out" END 600; then
        PROBE_TARGET=$addr
        if [ "${addr%:0}" != "$addr" ]; then
            PROBE_TARGET=$(sed -n 's/.*rpc: listening on \(127\.0\.0\.1:[0-9][0-9]*\)$/\1/p' \
                "$TMP/$name.err" | head -1)
        fi
        [ -n "$PROBE_TARGET" ] && return 0
    fi
    fail "probe $name serves on $addr" "$(tail -20 "$TMP/$name.err")"
    finish
}

# stop_probe PID: SIGTERM, then waits for it (10 s at most).
stop_probe() {
    kill -TERM "$1" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

# capinfos' packet count of a capture (the independent oracle), or empty.
capinfos_packets() {
    command -v capinfos >/dev/null && capinfos -M -c -T -r "$1" 2>/dev/null | cut -f2
}
