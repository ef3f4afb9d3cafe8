#!/usr/bin/env bash
# ntoplua-shell without a probe: options, exit statuses, errors on stderr, the printer, JSON,
# scripts with arguments and standard input, the probe's Lua library on package.path.
set -u
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${NTOP_SHELL:?NTOP_SHELL is not set}"
SH=$NTOP_SHELL

# run ARGS...: stdout in $OUT, stderr in $ERR, exit status in $RC
run() {
    OUT=$(timeout -k 2 30 "$SH" "$@" 2>"$TMP/err" </dev/null)
    RC=$?
    ERR=$(cat "$TMP/err")
}

run --help
check "--help: exit 0 and the options" "$OUT" \
    test $RC -eq 0 -a -n "$(grep -e '--probe HOST:PORT' <<<"$OUT")" -a -n "$(grep -e '--json' <<<"$OUT")"
run --version
check "--version" "$OUT" grep -q "^ntoplua-shell .*Lua 5.4" <<<"$OUT"
run --bogus
check "unknown option: exit 2" "rc=$RC $ERR" test $RC -eq 2
run --deadline soon
check "--deadline needs milliseconds: exit 2" "rc=$RC $ERR" \
    test $RC -eq 2 -a -n "$(grep -e 'milliseconds expected' <<<"$ERR")"

start=$(date +%s)
run --probe 127.0.0.1:1 -e 'print("not reached")'
check "unreachable probe: exit 1" "rc=$RC" test $RC -eq 1
check "unreachable probe: says so, with the reason" "$ERR" \
    grep -q "ntoplua-shell: cannot connect to probe 127.0.0.1:1: .*Connection refused" <<<"$ERR"
check "unreachable probe: nothing runs" "$OUT" test -z "$OUT"
check "unreachable probe: fails at once" "$(($(date +%s) - start)) s" \
    test $(($(date +%s) - start)) -le 3
run -p nosuchhost.invalid:5741 -e 'print(1)'
check "unknown host: says so" "$ERR" grep -q "cannot connect to probe nosuchhost.invalid:5741" <<<"$ERR"

run -e 'return 1 + 1, "two", nil, 2.0'
check "-e prints what it returns" "$OUT" test "$OUT" = "$(printf '2\ntwo\nnil\n2.0')"
run -e 'return {b = 1, a = {1, 2, "x"}, [3] = true, ["not id"] = 0.5, z = {}, n = {k = -1}}'
expected='{
  [3] = true,
  a = { 1, 2, "x" },
  b = 1,
  n = {
    k = -1,
  },
  ["not id"] = 0.5,
  z = {},
}'
check "tables print with sorted keys" "$OUT" test "$OUT" = "$expected"
run -e 'tprint({s = "a\0b\255\n", c = "h\u{e9}"}) tprint(5)'
expected='{
  c = "hé",
  s = "a\000b\255\n",
}
5'
check "tprint: binary strings as Lua escapes" "$OUT" test "$OUT" = "$expected"
run -e 'local t = {1} t.self = t return t'
check "cycles are shown, not followed" "$OUT" grep -q "self = <cycle>" <<<"$OUT"

run --json -e 'return {b = 1, a = {1, 2.5, "x"}, c = {z = true, y = false}}'
check "--json prints JSON" "$OUT" python3 -c '
import json, sys
v = json.loads(sys.stdin.read())
assert v == {"a": [1, 2.5, "x"], "b": 1, "c": {"y": False, "z": True}}, v' <<<"$OUT"
check "--json sorts keys" "$OUT" test "$(tr -d ' \n' <<<"$OUT")" = '{"a":[1,2.5,"x"],"b":1,"c":{"y":false,"z":true}}'
run --json -e 'tprint({k = "v"})'
check "--json: tprint prints JSON" "$OUT" test "$(tr -d ' \n' <<<"$OUT")" = '{"k":"v"}'

cat >"$TMP/args.lua" <<'EOF'
local a, b = ...
print(arg[0]:match("args.lua$") ~= nil, arg[1], arg[2], #arg, a, b, type(probes), #probes)
return {n = #arg}
EOF
run "$TMP/args.lua" one "two words"
check "a script gets arg and ... ; its results print" "$OUT" \
    test "$OUT" = "$(printf 'true\tone\ttwo words\t2\tone\ttwo words\ttable\t0\n{\n  n = 2,\n}')"
run -- "$TMP/args.lua" --probe x
check "options after the script are its own" "$OUT" grep -q $'^true\t--probe\tx\t2' <<<"$OUT"

printf 'print("one")\nerror("boom")\n' >"$TMP/fails.lua"
run "$TMP/fails.lua"
check "a failing script: exit 1" "rc=$RC" test $RC -eq 1
check "a failing script: the error and a traceback on stderr" "$ERR" \
    grep -q "ntoplua-shell: .*fails.lua:2: boom" <<<"$ERR"
check "a failing script: traceback" "$ERR" grep -q "stack traceback" <<<"$ERR"
check "a failing script: what it printed before" "$OUT" test "$OUT" = one
printf 'x = = 1\n' >"$TMP/syntax.lua"
run "$TMP/syntax.lua"
check "a syntax error: exit 1 and the message" "rc=$RC $ERR" \
    test $RC -eq 1 -a -n "$(grep -e "syntax.lua:1:" <<<"$ERR")"
run "$TMP/missing.lua"
check "a missing script: exit 1" "rc=$RC $ERR" test $RC -eq 1 -a -n "$(grep -e 'cannot open' <<<"$ERR")"
printf 'os.exit(3)\n' >"$TMP/exit.lua"
run "$TMP/exit.lua"
check "os.exit(3) is the exit status" "rc=$RC" test $RC -eq 3
run -e 'error({})'
check "a non-string error" "$ERR" grep -q "error object is a table value" <<<"$ERR"

OUT=$(printf 'print("from stdin", ...)\nreturn 7\n' | timeout 30 "$SH" 2>&1)
check "no script, standard input not a terminal: runs it" "$OUT" \
    test "$OUT" = "$(printf 'from stdin\n7')"

run -e 'return package.searchpath("lua_utils", package.path) ~= nil'
check "the probe's Lua library is on package.path" "$OUT" test "$OUT" = true
run -e 'return type(ntopclient.connect), type(ntopclient.call_all)'
check "the module is the global ntopclient" "$OUT" test "$OUT" = "$(printf 'function\nfunction')"

finish
