#!/bin/bash
# Runs cache.lua in the probe against a redis-server on a Unix socket (-r), then
# embedded.lua with no -r (the probe's private server), and checks that one is gone after.
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

start_redis() {
    redis-server --port 0 --unixsocket "$sock" --dir "$dir" --save "" --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    for _ in $(seq 50); do
        redis-cli -s "$sock" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "redis-server did not start"
    return 1
}
start_redis || exit 1

cd "$NTOP_REDIS_TEST_DIR" || exit 1
rc=0
export NTOP_TEST_REDIS_SOCK="$sock"
timeout 40 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$dir/data1" -r "$sock" --run-script cache.lua || rc=1

# No -r: the probe starts its own server in -d and stops it at exit.
timeout 20 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$dir/data2" --run-script embedded.lua || rc=1
if [ -e "$dir/data2/redis.sock" ] || pgrep -f "$dir/data2/redis.sock" >/dev/null; then
    echo "FAIL: the private redis-server outlived the probe"
    rc=1
fi
exit $rc
