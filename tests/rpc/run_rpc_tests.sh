#!/usr/bin/env bash
# RPC integration tests: run_rpc_tests.sh values|errors|concurrency|lifecycle
#
# A real ntop-probe replays test_01.pcap (interface 0, -m 192.168.1.0/24) and
# dns_contacts.pcap (interface 1), runs flatten.lua (the in-probe answers, written to files)
# and keeps serving on a unix socket in a fresh temp dir; rpc_probe_client asks the same
# questions over gRPC. Every client run is bounded by `timeout`, every wait by a loop count.
#
# Needs NTOP_PROBE, NTOP_RPC_CLIENT, NTOP_SHARED_DIR. Exit 0 pass, 1 fail, 77 skip.
set -u

GROUP=${1:?usage: run_rpc_tests.sh values|errors|concurrency|lifecycle}
: "${NTOP_PROBE:?NTOP_PROBE is not set}"
: "${NTOP_RPC_CLIENT:?NTOP_RPC_CLIENT is not set}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# need_captures, pass, fail, finish, check, client, expect_status, probe_ready
# shellcheck source=../lib/harness.sh
. "$(dirname "$0")/../lib/harness.sh"
SHARED=${NTOP_SHARED_DIR:-$HERE/../../../shared}
PCAP=$SHARED/pcaps/ntopng-e2e/test_01.pcap
PCAP2=$SHARED/pcaps/ntopng-e2e/dns_contacts.pcap
need_captures "$PCAP" "$PCAP2"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntop-rpc.XXXXXX")
export NTOP_RPC_TEST_DIR=$TMP
SOCK=$TMP/probe.sock
T=unix:$SOCK
PROBE_PID=
PASS=0
FAIL=0
OUT=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ -n "$PROBE_PID" ] && kill -0 "$PROBE_PID" 2>/dev/null; then
        kill -KILL "$PROBE_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# expect NAME LINE CLIENT-ARGS...: the answer has the exact line LINE
expect() {
    local name=$1 line=$2
    shift 2
    client "$@"
    if grep -qxF -- "$line" <<<"$OUT"; then pass "$name"; else fail "$name: want '$line'" "$OUT"; fi
}

# start_probe PROBE-ARGS...: serves on $T after the capture files and flatten.lua
start_probe() {
    "$NTOP_PROBE" -i "$PCAP" -i "$PCAP2" -m 192.168.1.0/24 -d "$TMP/data" --rpc-listen "$T" --rpc-no-auth \
        --run-script "$HERE/flatten.lua" "$@" >"$TMP/probe.out" 2>"$TMP/probe.err" &
    PROBE_PID=$!
    if probe_ready "$PROBE_PID" "$TMP/probe.out" END 900; then
        pass "the probe serves after --run-script"
        return 0
    fi
    fail "the probe serves after --run-script" "$(cat "$TMP/probe.err")"
    finish
}

# wait_exit PID SECONDS: 0 once PID has exited, 1 after SECONDS
wait_exit() {
    for _ in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# check_clean_log NAME FILE: no sanitizer report in FILE
check_clean_log() {
    if grep -qE "Sanitizer|runtime error:" "$2"; then
        fail "$1: no sanitizer report" "$(grep -E -A25 'Sanitizer|runtime error:' "$2")"
    else
        pass "$1: no sanitizer report"
    fi
}

# stop_probe: SIGTERM -> exit status 0 within 30 s, no sanitizer report, socket removed
stop_probe() {
    kill -TERM "$PROBE_PID"
    if ! wait_exit "$PROBE_PID" 30; then
        fail "SIGTERM: the probe exits within 30 s" "$(tail -20 "$TMP/probe.err")"
        kill -KILL "$PROBE_PID"
    fi
    wait "$PROBE_PID"
    local rc=$?
    PROBE_PID=
    if [ $rc -eq 0 ]; then
        pass "SIGTERM: exit status 0"
    else
        fail "SIGTERM: exit status $rc" "$(tail -30 "$TMP/probe.err")"
    fi
    check_clean_log "probe" "$TMP/probe.err"
    if [ -e "$SOCK" ]; then fail "unix socket removed at exit"; else pass "unix socket removed at exit"; fi
}

# compare NAME IFID METHOD ARGS...: the remote answer == flatten.lua's in-probe answer
compare() {
    local name=$1 ifid=$2
    shift 2
    client --ifid "$ifid" "$T" "$@"
    grep '^[0-9]' <<<"$OUT" >"$TMP/remote_$name.txt"
    if ! grep -q "^status = 0 " <<<"$OUT"; then
        fail "$name: remote == in-probe" "$OUT"
    elif diff -u "$TMP/inprobe_$name.txt" "$TMP/remote_$name.txt" >"$TMP/diff_$name.txt"; then
        pass "$name: remote == in-probe ($(wc -l <"$TMP/remote_$name.txt") values)"
    else
        fail "$name: remote == in-probe" "$(cat "$TMP/diff_$name.txt")"
    fi
}

group_values() {
    start_probe
    compare stats 0 interface.getStats
    compare stats1 1 interface.getStats
    compare ifnames 0 interface.getIfNames
    compare hosts 0 interface.getHostsInfo
    compare flows 0 interface.getFlowsInfo
    compare host 0 interface.getHostInfo s:192.168.1.93
    compare ndpi 0 interface.getnDPIStats
    compare networks 0 interface.getNetworksStats
    compare md5 0 ntop.md5 x:610062ff
    compare bitmap 0 ntop.bitmapSet i:-9223372036854775808 i:0

    # ntopng's own figures for test_01 (shared/ntopng-conventions.md)
    client "$T" interface.getStats
    for kv in packets=4999 bytes=3744413 flows=177 hosts=42 local_hosts=4; do
        if grep -qxF "1.stats.${kv%=*} = int:${kv#*=}" <<<"$OUT"; then
            pass "getStats over RPC: ${kv%=*} = ${kv#*=}"
        else
            fail "getStats over RPC: ${kv%=*} = ${kv#*=}" "$(grep "stats.${kv%=*} " <<<"$OUT")"
        fi
    done

    # Binary strings: md5sum is the oracle.
    local want
    want=$(printf 'a\0b\377' | md5sum | cut -d' ' -f1)
    expect "md5 of a string with NUL and 0xff bytes" "1 = str:$want" "$T" ntop.md5 x:610062ff
    want=$(head -c 1000000 /dev/zero | tr '\0' a | md5sum | cut -d' ' -f1)
    expect "md5 of a 1 MB string" "1 = str:$want" "$T" ntop.md5 big:1000000
    want=$(printf '' | md5sum | cut -d' ' -f1)
    expect "md5 of the empty string" "1 = str:$want" "$T" ntop.md5 s:

    # Integers stay 64-bit integers, floats stay floats.
    expect "int64 min" "1 = int:-9223372036854775808" "$T" ntop.bitmapSet i:0 i:63
    expect "int64 max" "1 = int:9223372036854775807" "$T" ntop.bitmapSet i:9223372036854775806 i:0
    expect "negative integer argument" "1 = bool:true" "$T" ntop.bitmapIsSet i:-1 i:63
    expect "a float with an integer value is accepted" "1 = int:5" "$T" ntop.bitmapSet f:4.0 i:0
    expect_status "a float stays a float" 3 "number has no integer representation" \
        "$T" ntop.bitmapSet f:1.5 i:0
    expect "float result" "1 = num:1000000000" "$T" ntop.gettickspersec
    client "$T" ntop.gettimemsec
    if grep -qE '^1 = num:[0-9]+\.[0-9]+' <<<"$OUT"; then pass "gettimemsec is a float"; else fail "gettimemsec is a float" "$OUT"; fi
    expect "boolean argument and result" "1 = bool:false" "$T" ntop.isIPv6 s:192.168.1.1

    # Context: interface.select changes Reply.context, and only that call's.
    expect "select by name from no interface" "context.ifid = 1" \
        --ifid -1 "$T" interface.select "s:$PCAP2"
    expect "select an unknown interface: none" "context.ifid = -1" "$T" interface.select s:nosuch
    expect "select by id" "context.ifid = 0" --ifid 1 "$T" interface.select i:0
    expect "the adopted context is used" "1 = int:1" --ifid 1 "$T" interface.getId
    expect "no session on the server" "1 = int:0" "$T" interface.getId
    expect "no Context means interface 0" "1 = int:0" --no-context "$T" interface.getId
    expect "Context comes back unchanged" "context.ifid = 1" --ifid 1 "$T" interface.getNumFlows
    expect "interface 1 numbers" "1 = int:14" --ifid 1 "$T" interface.getNumFlows
    stop_probe
}

group_errors() {
    start_probe
    expect_status "malformed protobuf" 3 "malformed request" --raw-hex ffffffff "$T" ntop.md5
    expect_status "truncated protobuf" 3 "malformed request" --raw-hex 0a05 "$T" interface.getStats
    expect_status "wrong wire type inside a Value" 3 "malformed request" \
        --raw-hex 0a021a00 "$T" ntop.md5
    expect_status "a call without a request message" 3 "no request message" \
        --no-message "$T" ntop.md5
    expect_status "unknown function" 12 "unknown method /ntop.v1.Ntop/nosuch" "$T" ntop.nosuch
    expect_status "unknown service" 12 "unknown method /ntop.v1.Nope/md5" "$T" /ntop.v1.Nope/md5
    expect_status "foreign path" 12 "unknown method" "$T" /grpc.health.v1.Health/Check
    expect_status "wrong argument type: the Lua text" 3 \
        "bad argument #1 to 'ntop.md5' (string expected, got table)" "$T" ntop.md5 table:3
    expect_status "missing argument" 3 "bad argument #1" "$T" interface.select
    expect_status "wrong type, interface-bound binding" 3 "bad argument #1" \
        "$T" interface.getHostInfo table:1
    expect_status "64 nested tables reach the binding" 3 "bad argument #1 to 'ntop.md5'" \
        "$T" ntop.md5 deep:64
    expect_status "65 nested tables refused" 3 "nested deeper than 64 levels" "$T" ntop.md5 deep:65
    expect_status "300000 nested tables refused (no stack overflow)" 3 \
        "nested deeper than 64 levels" "$T" ntop.md5 deep:300000
    expect_status "a 5 MB request is over the 4 MiB limit" 8 "larger than max" \
        "$T" ntop.md5 big:5000000
    expect_status "a table of 500000 values" 3 "bad argument #1" "$T" ntop.md5 table:500000
    local many=()
    for _ in $(seq 1 300); do many+=(i:1); done
    expect_status "300 arguments" 3 "(at most 255)" "$T" ntop.md5 "${many[@]}"
    expect_status "no interface selected (ifid -1)" 9 "no interface selected" \
        --ifid -1 "$T" interface.getStats
    expect_status "no such interface (ifid 7)" 9 "no interface selected" \
        --ifid 7 "$T" interface.getNumFlows

    client --fuzz 400 --seed 20261126 "$T" ntop.md5 s:hello table:3 deep:3 x:00ff
    local rc=$?
    if [ $rc -eq 0 ] && grep -q "^fuzz " <<<"$OUT"; then
        pass "400 random and mutated requests: $(grep '^fuzz' <<<"$OUT" | tr '\n' ' ')"
    else
        fail "400 random and mutated requests" "$OUT"
    fi
    expect "still serving after the bad requests" "1.stats.packets = int:4999" "$T" interface.getStats
    stop_probe
}

now_ms() { date +%s%3N; }

group_concurrency() {
    start_probe
    # 16 clients at once, each its own connection, 25 calls each; 4 more hash 1 MB strings.
    local pids=() i
    for i in $(seq 1 16); do
        timeout -k 5 120 "$NTOP_RPC_CLIENT" --repeat 25 "$T" interface.getStats \
            >"$TMP/c$i.out" 2>&1 &
        pids+=($!)
    done
    for i in 1 2 3 4; do
        timeout -k 5 120 "$NTOP_RPC_CLIENT" --repeat 5 "$T" ntop.md5 big:1000000 \
            >"$TMP/m$i.out" 2>&1 &
        pids+=($!)
    done
    local bad=0
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || bad=$((bad + 1)); done
    for i in $(seq 1 16); do
        grep -qxF "1.stats.packets = int:4999" "$TMP/c$i.out" || bad=$((bad + 1))
    done
    if [ $bad -eq 0 ]; then pass "16 concurrent clients x 25 calls (+4 hashing 1 MB)"; else
        fail "16 concurrent clients x 25 calls: $bad failed" "$(cat "$TMP"/c1.out)"; fi

    # A cancelled call does not hold up the others.
    expect_status "cancel mid-call" 1 "" --cancel-after-ms 200 "$T" ntop.msleep i:3000
    local t0
    t0=$(now_ms)
    expect "served right after a cancel" "1.stats.flows = int:177" "$T" interface.getStats
    local dt
    dt=$(($(now_ms) - t0))
    if [ $dt -lt 2000 ]; then pass "answer after a cancel in ${dt} ms"; else fail "answer after a cancel took ${dt} ms"; fi

    # A deadline passes mid-call.
    expect_status "deadline mid-call" 4 "" --deadline-ms 300 "$T" ntop.msleep i:2000

    # The poller that runs a long call itself loses its turn at the queue to a waiting one
    # (RPC_TURN_STEAL_MS): a tiny call that comes meanwhile is answered at once, not after
    # the long one (which would take about 1.7 s more here).
    timeout -k 5 60 "$NTOP_RPC_CLIENT" "$T" ntop.msleep i:2000 >"$TMP/long.out" 2>&1 &
    local sleeper=$!
    sleep 0.3
    t0=$(now_ms)
    expect "a tiny call while a long one runs" "1 = int:0" "$T" interface.getId
    dt=$(($(now_ms) - t0))
    if [ $dt -lt 1000 ]; then pass "a tiny call beside a 2 s one answered in ${dt} ms"; else
        fail "a tiny call beside a 2 s one took ${dt} ms (the long call kept the turn?)"; fi
    wait $sleeper
    if grep -q "^status = 0 " "$TMP/long.out"; then pass "the long call ends normally"; else
        fail "the long call beside a tiny one" "$(cat "$TMP/long.out")"; fi

    # A client killed mid-call (its connection drops).
    timeout -k 5 60 "$NTOP_RPC_CLIENT" "$T" ntop.msleep i:3000 >/dev/null 2>&1 &
    local victim=$!
    sleep 0.3
    kill -KILL $victim 2>/dev/null
    wait $victim 2>/dev/null
    expect "served after a client died mid-call" "1.stats.hosts = int:42" "$T" interface.getStats

    # Every worker busy: calls queue and are all answered.
    pids=()
    for i in $(seq 1 6); do
        timeout -k 5 60 "$NTOP_RPC_CLIENT" "$T" ntop.msleep i:1000 >"$TMP/s$i.out" 2>&1 &
        pids+=($!)
    done
    sleep 0.2
    expect "a call queued behind busy workers" "1 = int:0" "$T" interface.getId
    bad=0
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || bad=$((bad + 1)); done
    for i in $(seq 1 6); do grep -q "^status = 0 " "$TMP/s$i.out" || bad=$((bad + 1)); done
    if [ $bad -eq 0 ]; then pass "6 sleeping calls on 4 workers all answered"; else
        fail "6 sleeping calls on 4 workers: $bad failed" "$(cat "$TMP"/s*.out)"; fi

    # Back-pressure: 512 calls at once (8 connections x 64 streams) against a queue of 256:
    # the overflow is refused at once with RESOURCE_EXHAUSTED, the rest answered.
    pids=()
    for i in $(seq 1 8); do
        timeout -k 5 120 "$NTOP_RPC_CLIENT" --parallel 64 "$T" ntop.msleep i:40 \
            >"$TMP/p$i.out" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}"; done
    local okn ren
    okn=$(cat "$TMP"/p*.out | awk -F' = ' '/^parallel OK =/ { n += $2 } END { print n + 0 }')
    ren=$(cat "$TMP"/p*.out |
        awk -F' = ' '/^parallel RESOURCE_EXHAUSTED =/ { n += $2 } END { print n + 0 }')
    if [ "$okn" -ge 256 ] && [ "$ren" -gt 0 ] && [ $((okn + ren)) -eq 512 ] &&
        grep -q "^parallel message = the probe is busy" "$TMP"/p*.out; then
        pass "512 calls at once: $okn answered, $ren refused as busy"
    else
        fail "512 calls at once: $okn answered, $ren refused" "$(cat "$TMP"/p*.out)"
    fi
    expect "served after the overload" "1.stats.packets = int:4999" "$T" interface.getStats

    # SIGTERM with calls running and queued: they end with an error status, the probe
    # exits promptly and cleanly (stop_probe: status 0, no leak, socket removed).
    pids=()
    for i in $(seq 1 6); do
        timeout -k 5 60 "$NTOP_RPC_CLIENT" "$T" ntop.msleep i:20000 >"$TMP/t$i.out" 2>&1 &
        pids+=($!)
    done
    for i in 1 2; do
        timeout -k 5 60 "$NTOP_RPC_CLIENT" --repeat 1000 "$T" interface.getHostsInfo \
            >"$TMP/t$((i + 6)).out" 2>&1 &
        pids+=($!)
    done
    sleep 0.5
    t0=$(now_ms)
    stop_probe
    dt=$(($(now_ms) - t0))
    if [ $dt -lt 10000 ]; then pass "stopped in $dt ms with calls in flight"; else
        fail "stopping with calls in flight took $dt ms"; fi
    for i in "${!pids[@]}"; do wait "${pids[$i]}"; done
    bad=0
    for i in $(seq 1 6); do grep -qE "^status = (1|14) " "$TMP/t$i.out" || bad=$((bad + 1)); done
    if [ $bad -eq 0 ]; then pass "calls in flight at shutdown end with CANCELLED or UNAVAILABLE"; else
        fail "calls in flight at shutdown: $bad without an error status" "$(cat "$TMP"/t*.out)"; fi
}

group_lifecycle() {
    if "$NTOP_PROBE" --help | grep -q -- "--rpc-listen ADDR"; then pass "--help lists --rpc-listen"; else
        fail "--help lists --rpc-listen"; fi

    start_probe --rpc-listen 127.0.0.1:0
    local port
    port=$(sed -n 's/.*rpc: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/probe.err")
    if [ -n "$port" ]; then pass "logs 'rpc: listening on 127.0.0.1:$port'"; else
        fail "logs the TCP port" "$(cat "$TMP/probe.err")"; fi
    check "logs 'rpc: listening on $T'" "$(cat "$TMP/probe.err")" \
        grep -q "rpc: listening on $T\$" "$TMP/probe.err"
    expect "getStats over TCP" "1.stats.packets = int:4999" "127.0.0.1:$port" interface.getStats

    # A second probe on the same addresses fails clearly (no SO_REUSEPORT sharing, no
    # unlinking a live socket).
    local rc
    timeout -k 5 60 "$NTOP_PROBE" -i "$PCAP" --rpc-listen "127.0.0.1:$port" >/dev/null 2>"$TMP/p2.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] &&
        grep -q "cannot listen on 127.0.0.1:$port: Address already in use" "$TMP/p2.err"; then
        pass "TCP address in use: exit $rc with a clear message"
    else
        fail "TCP address in use: exit $rc" "$(cat "$TMP/p2.err")"
    fi
    check_clean_log "second probe (TCP)" "$TMP/p2.err"
    timeout -k 5 60 "$NTOP_PROBE" -i "$PCAP" --rpc-listen "$T" >/dev/null 2>"$TMP/p3.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "address already in use" "$TMP/p3.err"; then
        pass "unix socket in use: exit $rc with a clear message"
    else
        fail "unix socket in use: exit $rc" "$(cat "$TMP/p3.err")"
    fi
    timeout -k 5 60 "$NTOP_PROBE" -i "$PCAP" --rpc-listen "bad address" >/dev/null 2>"$TMP/p4.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "cannot listen on bad address" "$TMP/p4.err"; then
        pass "a bad address: exit $rc with a clear message"
    else
        fail "a bad address: exit $rc" "$(cat "$TMP/p4.err")"
    fi
    expect "the first probe still serves" "1.stats.flows = int:177" "$T" interface.getStats
    stop_probe

    # No --run-script: --shutdown-when-done is ignored with --rpc-listen; SIGINT stops it.
    "$NTOP_PROBE" -i "$PCAP" -m 192.168.1.0/24 -d "$TMP/data" --rpc-listen "$T" --rpc-no-auth \
        --shutdown-when-done >/dev/null 2>"$TMP/probe.err" &
    PROBE_PID=$!
    local got=
    for _ in $(seq 1 300); do
        client "$T" interface.getStats
        if grep -qxF "1.stats.packets = int:4999" <<<"$OUT"; then got=1; break; fi
        kill -0 "$PROBE_PID" 2>/dev/null || break
        sleep 0.1
    done
    check "serves after the file is read, without --run-script" "$(cat "$TMP/probe.err")" \
        [ -n "$got" ]
    check "warns that --shutdown-when-done is ignored" "$(cat "$TMP/probe.err")" \
        grep -q "shutdown-when-done is ignored" "$TMP/probe.err"
    kill -INT "$PROBE_PID"
    if wait_exit "$PROBE_PID" 30; then wait "$PROBE_PID"; rc=$?; else kill -KILL "$PROBE_PID"; rc=124; fi
    PROBE_PID=
    check "SIGINT: exit status 0 (got $rc)" "$(tail -20 "$TMP/probe.err")" [ $rc -eq 0 ]
    check_clean_log "probe (SIGINT)" "$TMP/probe.err"

    # A failing --run-script: the probe goes on serving, and exits 1 at the end.
    echo 'error("boom")' >"$TMP/bad.lua"
    "$NTOP_PROBE" -i "$PCAP" -d "$TMP/data" --rpc-listen "$T" --rpc-no-auth --run-script "$TMP/bad.lua" \
        >/dev/null 2>"$TMP/probe.err" &
    PROBE_PID=$!
    for _ in $(seq 1 300); do
        grep -q "failed; serving" "$TMP/probe.err" && break
        sleep 0.1
    done
    expect "serves after a failed --run-script" "1 = int:0" "$T" interface.getId
    kill -TERM "$PROBE_PID"
    if wait_exit "$PROBE_PID" 30; then wait "$PROBE_PID"; rc=$?; else kill -KILL "$PROBE_PID"; rc=124; fi
    PROBE_PID=
    check "failed --run-script: exit status 1 (got $rc)" "$(cat "$TMP/probe.err")" [ $rc -eq 1 ]

    # IPv6 loopback, where the host has one.
    "$NTOP_PROBE" -i "$PCAP" -d "$TMP/data" --rpc-listen "[::1]:0" --rpc-no-auth >/dev/null 2>"$TMP/probe.err" &
    PROBE_PID=$!
    port=
    for _ in $(seq 1 300); do
        port=$(sed -n 's/.*rpc: listening on \[::1\]:\([0-9][0-9]*\)$/\1/p' "$TMP/probe.err")
        [ -n "$port" ] && break
        kill -0 "$PROBE_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -n "$port" ]; then
        expect "getStats over [::1]:$port" "1.stats.packets = int:4999" "[::1]:$port" interface.getStats
        kill -TERM "$PROBE_PID"
    else
        echo "note: no IPv6 loopback here: $(tail -1 "$TMP/probe.err")"
    fi
    wait_exit "$PROBE_PID" 30 || kill -KILL "$PROBE_PID"
    wait "$PROBE_PID" 2>/dev/null
    PROBE_PID=
}

case $GROUP in
values) group_values ;;
errors) group_errors ;;
concurrency) group_concurrency ;;
lifecycle) group_lifecycle ;;
*)
    echo "unknown group $GROUP"
    exit 2
    ;;
esac
finish
