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
dir=$(mktemp -d)
sock="$dir/redis.sock"
probe_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null && wait "$probe_pid" 2>/dev/null
    # A failed api.lua may leave the server paused.
    [ -f "$dir/redis.pid" ] && kill -CONT "$(cat "$dir/redis.pid")" 2>/dev/null
    redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT

start_redis() {
    redis-cli -s "$sock" ping >/dev/null 2>&1 && return 0
    redis-server --port 0 --unixsocket "$sock" --dir "$dir" --save "" --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    for _ in $(seq 50); do
        redis-cli -s "$sock" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "redis-server did not start"
    return 1
}

# shell TARGET ARGS...: ntoplua-shell against a probe
shell() {
    local target=$1
    shift
    timeout -k 5 60 "$NTOP_SHELL" --probe "$target" "$@"
}

cd "$NTOP_REDIS_TEST_DIR" || exit 1
rc=0
export NTOP_TEST_REDIS_SOCK="$sock" NTOP_TEST_MAX_HOSTS=4096 NTOP_TEST_MAX_FLOWS=8192
opts=(-q -i "$NTOP_PCAP" -r "$sock" --max-num-hosts 4096 --max-num-flows 8192)

echo "== cache.lua in the probe"
start_redis || exit 1
timeout 40 "$NTOP_PROBE" "${opts[@]}" -d "$dir/data1" --run-script cache.lua || rc=1

echo "== embedded.lua (private redis-server)"
timeout 20 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$dir/data2" --run-script embedded.lua || rc=1
if [ -e "$dir/data2/redis.sock" ] || pgrep -f "$dir/data2/redis.sock" >/dev/null; then
    echo "FAIL: the private redis-server outlived the probe"
    rc=1
fi

echo "== api.lua in the probe, a remote caller writing the Lua cache"
start_redis || exit 1
rpc="unix:$dir/rpc3.sock"
NTOP_TEST_LUACACHE_PEER=from-remote timeout 60 "$NTOP_PROBE" "${opts[@]}" -d "$dir/data3" \
    --rpc-listen "$rpc" --rpc-no-auth --run-script api.lua >"$dir/probe3.out" 2>"$dir/probe3.err" &
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
        echo "ok   concurrent setLuaCache from two remote callers: 600 values intact"
    else
        echo "FAIL: concurrent setLuaCache: $n of 300 pairs intact"
        rc=1
    fi
    shell "$rpc" -e 'ntop.setLuaCache("peer", "from-remote")' || echo "FAIL: remote setLuaCache"
else
    echo "FAIL: the in-probe api.lua never became ready"
fi
wait "$probe_pid" || rc=1
probe_pid=
cat "$dir/probe3.out"
grep -q '^[0-9]* passed, 0 failed$' "$dir/probe3.out" || { rc=1; tail -20 "$dir/probe3.err"; }

echo "== api.lua remotely (ntoplua-shell), the Lua cache seeded by the probe's script"
start_redis || exit 1
rpc="unix:$dir/rpc4.sock"
export NTOP_TEST_LUACACHE_SEED="from the run-script state"
"$NTOP_PROBE" "${opts[@]}" -d "$dir/data4" --rpc-listen "$rpc" --rpc-no-auth --run-script seed.lua \
    >"$dir/probe4.out" 2>"$dir/probe4.err" &
probe_pid=$!
for _ in $(seq 300); do
    grep -qx END "$dir/probe4.out" 2>/dev/null && break
    kill -0 "$probe_pid" 2>/dev/null || break
    sleep 0.1
done
if grep -qx END "$dir/probe4.out"; then
    out=$(shell "$rpc" api.lua 2>&1)
    src=$?
    echo "$out"
    [ $src -eq 0 ] && grep -q '^[0-9]* passed, 0 failed$' <<<"$out" || rc=1
else
    echo "FAIL: the probe did not start serving"
    tail -20 "$dir/probe4.err"
    rc=1
fi
# The probe that served the remote run stops cleanly (and, in the ASan build, silently).
kill -TERM "$probe_pid"
wait "$probe_pid"
prc=$?
probe_pid=
if [ $prc -ne 0 ] || grep -qE 'Sanitizer|runtime error' "$dir/probe3.err" "$dir/probe4.err"; then
    echo "FAIL: the serving probe exited with $prc or reported an error"
    grep -hE -A20 'Sanitizer|runtime error' "$dir/probe3.err" "$dir/probe4.err" | head -40
    rc=1
fi
exit $rc
