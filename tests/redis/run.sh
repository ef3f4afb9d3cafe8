#!/bin/bash
# Redis-backed ntop.* functions against a real redis-server on a Unix socket (-r):
#   1. cache.lua inside the probe (--run-script);
#   2. embedded.lua with no -r (the probe's private server), which must be gone after;
#   3. api.lua inside the probe, while a remote call (ntoplua-shell, another Lua state)
#      writes the Lua cache value it waits for;
#   4. the same api.lua remotely through ntoplua-shell against the probe's --rpc-listen,
#      finding the Lua cache value the probe's --run-script state stored.
# api.lua pauses, stops and restarts the redis-server itself.
set -u
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "redis-server/redis-cli not installed: skipped"
    exit 77
fi
: "${NTOP_PROBE:?}" "${NTOP_SHELL:?}" "${NTOP_PCAP:?}" "${NTOP_REDIS_TEST_DIR:?}"
TMP=$(mktemp -d)
RSOCK="$TMP/redis.sock"
REDIS_PID=
PASS=0
FAIL=0
probe_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null && wait "$probe_pid" 2>/dev/null
    # A failed api.lua may leave the server paused; the scripts restart it daemonized (pid file).
    [ -n "$REDIS_PID" ] && kill -CONT "$REDIS_PID" 2>/dev/null
    [ -f "$TMP/redis.pid" ] && kill -CONT "$(cat "$TMP/redis.pid")" 2>/dev/null
    rcli shutdown nosave >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

# pass, fail, finish, probe_ready, rcli, start_redis
# shellcheck source=../lib/harness.sh
. "$(dirname "$0")/../lib/harness.sh"

# redis_up: the server the last script restarted, or a new one
redis_up() {
    rcli ping 2>/dev/null | grep -q PONG || start_redis
}

# shell TARGET ARGS...: ntoplua-shell against a probe
shell() {
    local target=$1
    shift
    timeout -k 5 60 "$NTOP_SHELL" --probe "$target" "$@"
}

cd "$NTOP_REDIS_TEST_DIR" || exit 1
export NTOP_TEST_REDIS_SOCK="$RSOCK" NTOP_TEST_MAX_HOSTS=4096 NTOP_TEST_MAX_FLOWS=8192
opts=(-q -i "$NTOP_PCAP" -r "$RSOCK" --max-num-hosts 4096 --max-num-flows 8192)

echo "== cache.lua in the probe"
redis_up
if timeout 40 "$NTOP_PROBE" "${opts[@]}" -d "$TMP/data1" --run-script cache.lua; then
    pass "cache.lua in the probe"
else
    fail "cache.lua in the probe"
fi

echo "== embedded.lua (private redis-server)"
if timeout 20 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$TMP/data2" --run-script embedded.lua; then
    pass "embedded.lua in the probe"
else
    fail "embedded.lua in the probe"
fi
if [ -e "$TMP/data2/redis.sock" ] || pgrep -f "$TMP/data2/redis.sock" >/dev/null; then
    fail "the private redis-server is gone with the probe"
else
    pass "the private redis-server is gone with the probe"
fi

echo "== api.lua in the probe, a remote caller writing the Lua cache"
redis_up
rpc="unix:$TMP/rpc3.sock"
NTOP_TEST_LUACACHE_PEER=from-remote timeout 60 "$NTOP_PROBE" "${opts[@]}" -d "$TMP/data3" \
    --rpc-listen "$rpc" --rpc-no-auth --run-script api.lua >"$TMP/probe3.out" 2>"$TMP/probe3.err" &
probe_pid=$!
ready=
for _ in $(seq 300); do
    if [ "$(shell "$rpc" -e 'io.write(ntop.getLuaCache("ready"))' 2>/dev/null)" = yes ]; then
        ready=1
        break
    fi
    kill -0 "$probe_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -n "$ready" ]; then
    # Two remote callers write at once while the probe's script reads: every value lands.
    writers=()
    for w in 1 2; do
        shell "$rpc" -e "for i = 1, 300 do ntop.setLuaCache('w$w.' .. i, i * $w); ntop.setLuaCache('both', i) end" &
        writers+=($!)
    done
    wait "${writers[@]}"
    n=$(shell "$rpc" -e 'local d, n = ntop.dumpLuaCache(), 0
        for i = 1, 300 do
            if d["w1." .. i] == tostring(i) and d["w2." .. i] == tostring(2 * i) then n = n + 1 end
        end
        io.write(n)')
    if [ "$n" = 300 ]; then
        pass "concurrent setLuaCache from two remote callers: 600 values intact"
    else
        fail "concurrent setLuaCache: $n of 300 pairs intact"
    fi
    shell "$rpc" -e 'ntop.setLuaCache("peer", "from-remote")' || fail "remote setLuaCache"
else
    fail "the in-probe api.lua becomes ready"
fi
wait "$probe_pid"
prc=$?
probe_pid=
cat "$TMP/probe3.out"
if [ $prc -eq 0 ] && grep -q '^[0-9]* passed, 0 failed$' "$TMP/probe3.out"; then
    pass "api.lua in the probe"
else
    fail "api.lua in the probe (exit $prc)" "$(tail -20 "$TMP/probe3.err")"
fi

echo "== api.lua remotely (ntoplua-shell), the Lua cache seeded by the probe's script"
redis_up
rpc="unix:$TMP/rpc4.sock"
export NTOP_TEST_LUACACHE_SEED="from the run-script state"
"$NTOP_PROBE" "${opts[@]}" -d "$TMP/data4" --rpc-listen "$rpc" --rpc-no-auth --run-script seed.lua \
    >"$TMP/probe4.out" 2>"$TMP/probe4.err" &
probe_pid=$!
if probe_ready "$probe_pid" "$TMP/probe4.out" END 300; then
    out=$(shell "$rpc" api.lua 2>&1)
    src=$?
    echo "$out"
    if [ $src -eq 0 ] && grep -q '^[0-9]* passed, 0 failed$' <<<"$out"; then
        pass "api.lua remotely"
    else
        fail "api.lua remotely (exit $src)"
    fi
else
    fail "the probe serves after seed.lua" "$(tail -20 "$TMP/probe4.err")"
fi
# The probe that served the remote run stops cleanly (and, in the ASan build, silently).
kill -TERM "$probe_pid"
wait "$probe_pid"
prc=$?
probe_pid=
if [ $prc -ne 0 ] || grep -qE 'Sanitizer|runtime error' "$TMP/probe3.err" "$TMP/probe4.err"; then
    fail "the serving probe exited with $prc or reported an error" \
        "$(grep -hE -A20 'Sanitizer|runtime error' "$TMP/probe3.err" "$TMP/probe4.err" | head -40)"
else
    pass "the serving probes exit 0 without a sanitizer report"
fi
finish
