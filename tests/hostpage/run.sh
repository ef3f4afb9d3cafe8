#!/usr/bin/env bash
# Remote host pages == in-probe host pages: run.sh test_01|synflood
#
# A real ntop-probe replays the capture (-m 192.168.1.0/24) with users in a real
# redis-server and serves gRPC; pages.lua writes the in-probe pages (--run-script). Then:
#  - ntoplua-shell (Call.accept_records: Table.records, written directly by the probe from its
#    host snapshot) runs pages.lua as an administrator: the same file, byte for byte;
#  - rpc_probe_client (no accept_records: the generic value tree, a client that shares no
#    code with the server) asks generic.lua's pages: the same flat values;
#  - a user restricted to 192.168.1.0/25 sees exactly the in-probe pages filtered by that
#    network (numHosts included);
#  - for test_01 the same again with --rpc-snapshot-ms 0, and with a one-hour age limit while
#    a client polls pages during the replay (the end of the file must show at once).
#
# Needs NTOP_PROBE, NTOP_RPC_CLIENT, NTOP_SHELL, NTOP_SHARED_DIR. Exit 0 pass, 1 fail, 77 skip.
set -u

CAPTURE=${1:?usage: run.sh test_01|synflood}
: "${NTOP_PROBE:?NTOP_PROBE is not set}"
: "${NTOP_RPC_CLIENT:?NTOP_RPC_CLIENT is not set}"
: "${NTOP_SHELL:?NTOP_SHELL is not set}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# need_captures, need_redis, pass, fail, finish, probe_ready, rcli, start_redis, add_user
# shellcheck source=../lib/harness.sh
. "$(dirname "$0")/../lib/harness.sh"
SHARED=${NTOP_SHARED_DIR:-$HERE/../../../shared}
PCAP=$SHARED/pcaps/ntopng-e2e/$CAPTURE.pcap
need_captures "$PCAP"
need_redis

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntop-hostpage.XXXXXX")
RSOCK=$TMP/redis.sock
SOCK=$TMP/probe.sock
T=unix:$SOCK
PROBE_PID=
REDIS_PID=
POLL_PID=
PASS=0
FAIL=0
SET=full
[ "$CAPTURE" = synflood ] && SET=medium

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    [ -n "$POLL_PID" ] && kill -KILL "$POLL_PID" 2>/dev/null
    [ -n "$PROBE_PID" ] && kill -KILL "$PROBE_PID" 2>/dev/null
    [ -n "$REDIS_PID" ] && kill -KILL "$REDIS_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

start_redis
ADMIN=$(add_user admin administrator)
LIMITED=$(add_user limited unprivileged 192.168.1.0/25)

# start_probe SCRIPT PROBE-ARGS...: runs SCRIPT in the probe after the capture, then serves
start_probe() {
    local script=$1
    shift
    # the previous probe's output must not be mistaken for this one's (the shell may look
    # before the new process has truncated the files)
    rm -f "$SOCK" "$TMP/probe.out" "$TMP/probe.err"
    "$NTOP_PROBE" -i "$PCAP" -m 192.168.1.0/24 -d "$TMP/data" -r "$RSOCK" --rpc-listen "$T" \
        --run-script "$script" "$@" >"$TMP/probe.out" 2>"$TMP/probe.err" &
    PROBE_PID=$!
    probe_ready "$PROBE_PID" "$TMP/probe.out" '(END|PAGES).*' 600 && return 0
    fail "the probe runs $script and serves" "$(tail -20 "$TMP/probe.err")"
    finish
}

stop_probe() {
    kill -TERM "$PROBE_PID" 2>/dev/null
    wait "$PROBE_PID" 2>/dev/null
    PROBE_PID=
    if grep -qE "Sanitizer|runtime error:" "$TMP/probe.err"; then
        fail "no sanitizer report" "$(grep -E -A25 'Sanitizer|runtime error:' "$TMP/probe.err")"
    fi
}

# same NAME FILE_A FILE_B
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then
        pass "$1 ($(wc -l <"$2") lines)"
    else
        fail "$1" "$(diff "$2" "$3" 2>&1 | head -20)"
    fi
}

# shell_pages NAME TOKEN [ENV...]: pages.lua through ntoplua-shell into $TMP/NAME.txt
shell_pages() {
    local name=$1 tok=$2
    shift 2
    if ! env "$@" NTOP_PAGES_OUT="$TMP/$name.txt" NTOP_PAGES_SET="${PAGES_SET:-$SET}" \
        NTOP_TOKEN="$tok" timeout -k 5 120 "$NTOP_SHELL" -p "$T" "$HERE/pages.lua" \
        >"$TMP/$name.log" 2>&1; then
        fail "$name: ntoplua-shell runs pages.lua" "$(tail -5 "$TMP/$name.log")"
    fi
}

# The in-probe pages (full or medium set, and the plain set filtered by the user's network).
inprobe_pages() {
    start_probe "$HERE/pages.lua" "$@"
    stop_probe
    mv "$TMP/inprobe.txt" "$TMP/inprobe_$SET.txt"
    export NTOP_PAGES_SET=plain NTOP_PAGES_CIDR=192.168.1.0/25
    start_probe "$HERE/pages.lua" "$@"
    stop_probe
    unset NTOP_PAGES_CIDR
    mv "$TMP/inprobe.txt" "$TMP/inprobe_plain_cidr.txt"
}

export NTOP_PAGES_OUT=$TMP/inprobe.txt NTOP_PAGES_SET=$SET NTOP_PAGES_DIR=$TMP
inprobe_pages
unset NTOP_PAGES_OUT NTOP_PAGES_SET

# Remote, with the default snapshot age limit.
start_probe "$HERE/generic.lua"
shell_pages remote_records "$ADMIN"
same "$CAPTURE: Table.records pages (ntoplua-shell) == in-probe" "$TMP/inprobe_$SET.txt" \
    "$TMP/remote_records.txt"
for name in g_traffic g_local g_remote g_array; do
    case $name in
    g_traffic) args=(interface.getHostsInfo true s:column_traffic i:50 i:5 false) ;;
    g_local) args=(interface.getLocalHostsInfo false s:column_ip i:20 i:0 true) ;;
    g_remote) args=(interface.getRemoteHostsInfo true s:column_name i:1000 i:0 true) ;;
    g_array) args=(interface.getHostsInfo true s:column_ip i:10 i:0 true nil nil nil nil nil nil
        nil nil nil nil nil nil nil nil nil nil true) ;;
    esac
    OUT=$(timeout -k 5 60 "$NTOP_RPC_CLIENT" --metadata "authorization=Token $ADMIN" "$T" \
        "${args[@]}" 2>&1)
    grep '^[0-9]' <<<"$OUT" >"$TMP/remote_$name.txt"
    if grep -q "^status = 0 " <<<"$OUT"; then
        same "$CAPTURE: generic value tree $name (rpc_probe_client) == in-probe" \
            "$TMP/inprobe_$name.txt" "$TMP/remote_$name.txt"
    else
        fail "$CAPTURE: $name over RPC" "$OUT"
    fi
done
PAGES_SET=plain shell_pages remote_limited "$LIMITED"
same "$CAPTURE: restricted user's pages == in-probe pages of its network" \
    "$TMP/inprobe_plain_cidr.txt" "$TMP/remote_limited.txt"
OUT=$(timeout -k 5 60 "$NTOP_RPC_CLIENT" --metadata "authorization=Token $ADMIN" "$T" \
    interface.getHostsInfo true s:column_ip s:many 2>&1)
if grep -q "^status = 3 " <<<"$OUT" && grep -qF "bad argument #3 to 'interface.getHostsInfo'" <<<"$OUT"; then
    pass "$CAPTURE: a bad argument type remotely: INVALID_ARGUMENT naming the function"
else
    fail "$CAPTURE: a bad argument type remotely" "$OUT"
fi
stop_probe

if [ "$CAPTURE" = test_01 ]; then
    # Always the live state.
    echo 'print("END")' >"$TMP/end.lua"
    start_probe "$TMP/end.lua" --rpc-snapshot-ms 0
    shell_pages remote_ms0 "$ADMIN"
    same "--rpc-snapshot-ms 0: pages == in-probe" "$TMP/inprobe_$SET.txt" "$TMP/remote_ms0.txt"
    stop_probe

    # A one-hour age limit, pages polled while the capture is replayed: snapshots are cached
    # mid-capture, and the end of the file must replace them at once.
    rm -f "$SOCK" "$TMP/probe.out" "$TMP/probe.err"
    "$NTOP_PROBE" -i "$PCAP" -m 192.168.1.0/24 -d "$TMP/data" -r "$RSOCK" --rpc-listen "$T" \
        --rpc-snapshot-ms 3600000 --run-script "$TMP/end.lua" >"$TMP/probe.out" 2>"$TMP/probe.err" &
    PROBE_PID=$!
    (
        for _ in $(seq 1 2000); do
            [ -S "$SOCK" ] && NTOP_TOKEN=$ADMIN timeout -k 5 20 "$NTOP_SHELL" -p "$T" \
                -e 'for i = 1, 50 do interface.getHostsInfo(false, "column_ip", 5, 0) end' \
                >/dev/null 2>&1
            grep -qx END "$TMP/probe.out" 2>/dev/null && break
        done
    ) &
    POLL_PID=$!
    for _ in $(seq 1 600); do
        grep -qx END "$TMP/probe.out" 2>/dev/null && break
        sleep 0.05
    done
    wait "$POLL_PID"
    POLL_PID=
    shell_pages remote_aged "$ADMIN"
    same "--rpc-snapshot-ms 3600000, polled during the replay: pages == in-probe" \
        "$TMP/inprobe_$SET.txt" "$TMP/remote_aged.txt"
    stop_probe

    # Which calls make a new snapshot (the probe logs each build at debug level): after the
    # file, the first page builds one, further pages and read-only calls reuse it, a remote
    # write-class binding makes the next page build a new one.
    start_probe "$TMP/end.lua" -v -v --rpc-snapshot-ms 3600000
    builds() { grep -c "host snapshot of" "$TMP/probe.err"; }
    shell() { NTOP_TOKEN=$ADMIN timeout -k 5 30 "$NTOP_SHELL" -p "$T" -e "$1" >/dev/null 2>&1; }
    b0=$(builds)
    shell 'interface.getHostsInfo(false, "column_ip", 5, 0); interface.getHostsInfo(true, "column_traffic", 5, 0)'
    b1=$(builds)
    shell 'interface.getStats(); interface.getHostsInfo(false, "column_ip", 5, 0)'
    b2=$(builds)
    shell 'interface.setCachedAlertValue("hostpage", "1", 1)'
    shell 'interface.getHostsInfo(false, "column_ip", 5, 0); interface.getLocalHostsInfo()'
    b3=$(builds)
    if [ $((b1 - b0)) -eq 1 ] && [ "$b2" -eq "$b1" ] && [ $((b3 - b2)) -eq 1 ]; then
        pass "snapshot builds: first page 1, reads 0, after a remote write 1"
    else
        fail "snapshot builds: first page 1, reads 0, after a remote write 1 (got $b0 $b1 $b2 $b3)" \
            "$(grep 'host snapshot of' "$TMP/probe.err")"
    fi
    stop_probe
fi
finish
