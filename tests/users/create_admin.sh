#!/bin/bash
# ntop-probe -d DIR --create-admin NAME: prints only a token; a second run resets the user
# and the old token stops working; users and tokens survive a restart with the same -d
# (the private redis-server persists in DIR). Tokens are checked by test_users --whois.
set -u
command -v redis-server >/dev/null || {
    echo "redis-server not installed: skipped"
    exit 77
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
check() { # name, condition result
    if [ "$2" = 0 ]; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}

out1=$("$NTOP_PROBE" -d "$dir/d" --create-admin admin 2>"$dir/err1"); rc=$?
check "first --create-admin exits 0" $rc
[[ "$out1" =~ ^[0-9a-f]{32}$ ]]; check "stdout is one 32-hex token ('$out1')" $?
[ ! -s "$dir/err1" ]; check "nothing on stderr" $?
pgrep -f "$dir/d/redis.sock" >/dev/null; [ $? -ne 0 ]; check "the private redis-server is gone" $?

out2=$("$NTOP_PROBE" -d "$dir/d" --create-admin admin 2>/dev/null); rc=$?
check "second --create-admin exits 0" $rc
[[ "$out2" =~ ^[0-9a-f]{32}$ && "$out2" != "$out1" ]]; check "the reset gives a new token" $?

# A new process on the same directory: its private server loads the persisted store.
w1=$("$TEST_USERS" --whois "$dir/d" "$out1")
[ "$w1" = "user not found" ]; check "the old token no longer works ($w1)" $?
w2=$("$TEST_USERS" --whois "$dir/d" "$out2")
[ "$w2" = "admin administrator" ]; check "the new token is admin's after a restart ($w2)" $?

# The probe itself, restarted on the same -d, sees the user and the token.
cat >"$dir/check.lua" <<LUA
local T = require "testlib"
local u = ntop.getUsers().admin
T.check(u ~= nil and u.group == "administrator", "admin persisted")
T.check(u ~= nil and u.password:sub(1, 3) == "\$y\$", "with a hashed password")
T.check_eq(ntop.getUserAPIToken("admin"), "$out2", "the token persisted")
T.done()
LUA
timeout 30 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -d "$dir/d" --run-script "$dir/check.lua"
check "the restarted probe sees admin and its token" $?

# An unprivileged user of that name becomes administrator again.
redis-server --port 0 --unixsocket "$dir/r.sock" --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/r.pid" --logfile "$dir/r.log" >/dev/null
for _ in $(seq 50); do redis-cli -s "$dir/r.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -s "$dir/r.sock" set ntopng.user.ops.group unprivileged >/dev/null
out3=$("$NTOP_PROBE" -r "$dir/r.sock" --create-admin ops 2>/dev/null); rc=$?
check "--create-admin with -r exits 0" $rc
[ "$(redis-cli -s "$dir/r.sock" get ntopng.user.ops.group)" = administrator ]
check "an existing user is made administrator" $?
[ "$(redis-cli -s "$dir/r.sock" get ntopng.user.ops.api_token)" = "$out3" ]
check "with the printed token" $?
redis-cli -s "$dir/r.sock" shutdown nosave >/dev/null 2>&1

# Errors: stderr and a non-zero exit, nothing on stdout.
out=$("$NTOP_PROBE" -d "$dir/d" --create-admin 'no such name!' 2>"$dir/err"); rc=$?
[ $rc -ne 0 ] && [ -z "$out" ] && grep -q "invalid user name" "$dir/err"
check "an invalid name fails with a message ($(cat "$dir/err"))" $?
out=$("$NTOP_PROBE" -r "$dir/nothing.sock" --create-admin admin 2>"$dir/err"); rc=$?
[ $rc -ne 0 ] && [ -z "$out" ] && grep -qi "redis" "$dir/err"
check "Redis unreachable fails with a message ($(cat "$dir/err"))" $?
exit $fail
