#!/bin/bash
# users.lua in the probe against a fresh redis-server on a Unix socket (-r); with "remote",
# the same file through ntoplua-shell against the probe's RPC listener (--rpc-no-auth).
set -u
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    echo "redis-server/redis-cli not installed: skipped"
    exit 77
}
dir=$(mktemp -d)
sock="$dir/redis.sock"
cleanup() {
    redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
redis-server --port 0 --unixsocket "$sock" --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
for _ in $(seq 50); do
    redis-cli -s "$sock" ping >/dev/null 2>&1 && break
    sleep 0.1
done
cd "$NTOP_USERS_TEST_DIR" || exit 1
if [ "${1:-}" = remote ]; then
    "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$dir/data" -r "$sock" --rpc-listen "unix:$dir/rpc.sock" \
        --rpc-no-auth 2>"$dir/probe.err" &
    pid=$!
    for _ in $(seq 200); do
        [ -S "$dir/rpc.sock" ] && break
        sleep 0.1
    done
    rc=0
    NTOP_USERS_REMOTE=1 timeout 60 "$NTOP_SHELL" --probe "unix:$dir/rpc.sock" users.lua || rc=$?
    kill -TERM "$pid"
    wait "$pid" || { echo "FAIL: the probe did not stop cleanly"; cat "$dir/probe.err"; exit 1; }
    exit $rc
fi
timeout 60 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$dir/data" -r "$sock" --run-script users.lua
