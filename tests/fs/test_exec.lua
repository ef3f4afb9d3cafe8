--
-- test_exec.lua - ntop.execCmd: output equal to what /bin/sh prints (io.popen is the
-- oracle: it also runs `/bin/sh -c`), exit status ignored as in ntopng, timeout and output
-- cap enforced (the process group is killed), bad arguments raise.
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i empty.pcap -d DATADIR --shutdown-when-done \
--       --run-script tests/fs/test_exec.lua
--
-- Runs unchanged through ntoplua-shell against a probe on the same machine allowed to
-- execute commands (--rpc-allow-exec).
--

local T = require "testlib"

local function q(s)
    return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function out(cmd)
    local f = assert(io.popen(cmd, "r"))
    local s = f:read("a")
    f:close()
    return s
end

local function sh(cmd)
    return os.execute(cmd) == true
end

local function check_raises(name, arg, ...)
    local ok, err = pcall(ntop.execCmd, ...)
    local want = "bad argument #" .. arg .. " to 'ntop.execCmd'"
    T.check(not ok and tostring(err):find(want, 1, true) ~= nil,
            name .. " raises (" .. tostring(err) .. ")")
end

-- ------------------------------------------------------------------------ output

local cmds = {
    "echo hello",
    "printf 'a\\000b\\n\\377'",           -- binary output, NUL included
    "ls -la /bin/sh /usr/bin/env",       -- stable listing (/ changes as tests run)
    "echo out; echo err >&2",             -- stdout only
    "echo x; exit 3",                     -- exit status ignored (ntopng)
    "seq 1 20000",                        -- more than one pipe buffer
    "cat",                                -- stdin is /dev/null: ends at once
    "true",                               -- no output: ""
    "echo \"$0\" $#",
    "uname -a",
}
for _, c in ipairs(cmds) do
    local got = ntop.execCmd(c)
    T.check_eq(got, out(c), "execCmd(" .. c .. ") == /bin/sh output")
end
T.check_eq(#ntop.execCmd("printf 'a\\000b'"), 3, "NUL bytes kept")
T.check_eq(ntop.execCmd("true"), "", "empty output is the empty string")
T.check_eq(ntop.execCmd("echo a", 5), "a\n", "explicit timeout")
T.check_eq(ntop.execCmd("echo a", nil), "a\n", "nil timeout: the default")

-- The shell inherits stdin, stdout and stderr only (ls, a child, lists the shell's
-- descriptors).
local fds = ntop.execCmd('ls /proc/$$/fd')
local extra = {}
for fd in fds:gmatch("[^\n]+") do
    if fd ~= "0" and fd ~= "1" and fd ~= "2" then
        extra[#extra + 1] = fd
    end
end
T.check(fds:find("1", 1, true) and #extra == 0,
        "no descriptor of the probe leaks into the command (extra: " ..
        table.concat(extra, ",") .. ")")

-- ------------------------------------------------------------------------ bounds

local MAX = 1024 * 1024
T.check_eq(#ntop.execCmd("head -c " .. MAX .. " /dev/zero"), MAX, "exactly the cap: kept")
local v, msg = ntop.execCmd("head -c " .. (MAX + 1) .. " /dev/zero")
T.check(v == nil and tostring(msg):find("exceeds", 1, true), "one byte over the cap: nil, msg")
local t0 = ntop.gettimemsec()
v, msg = ntop.execCmd("yes", 20)
T.check(v == nil and tostring(msg):find("exceeds", 1, true), "endless output: nil, msg")
T.check(ntop.gettimemsec() - t0 < 10, "endless output stopped at the cap, not the timeout")

-- Timeout: the shell and its children (same process group) are killed.
local tmp = out("mktemp -d"):gsub("\n$", "")
t0 = ntop.gettimemsec()
v, msg = ntop.execCmd("sleep 30 & echo $! > " .. q(tmp .. "/pid") .. "; wait", 0.5)
local took = ntop.gettimemsec() - t0
T.check(v == nil and tostring(msg):find("timed out", 1, true),
        "timeout: nil, msg (" .. tostring(msg) .. ")")
T.check(took >= 0.45 and took < 5, "timeout after about 0.5 s (took " .. took .. " s)")
local pid = out("cat " .. q(tmp .. "/pid")):match("%d+")
T.check(pid ~= nil, "the child wrote its pid")
-- Give init a moment to reap the orphaned sleep, then it must be gone (or a zombie).
sh("sleep 0.3")
T.check(pid and out("ps -o stat= -p " .. pid):gsub("%s", ""):find("^Z?$") ~= nil,
        "the child of the timed-out shell was killed")

-- A shell that closes stdout but keeps running is bounded too.
t0 = ntop.gettimemsec()
v, msg = ntop.execCmd("exec >&-; sleep 30", 0.5)
T.check(v == nil and tostring(msg):find("timed out", 1, true) and
        ntop.gettimemsec() - t0 < 5, "stdout closed, still running: timed out")
sh("rm -rf " .. q(tmp))

-- ------------------------------------------------------------------------ arguments

check_raises("execCmd()", 1)
check_raises("execCmd(nil)", 1, nil)
check_raises("execCmd(1)", 1, 1)
check_raises("execCmd({})", 1, {})
check_raises("execCmd(NUL)", 1, "echo a\0rm -rf /")
check_raises("timeout 0", 2, "true", 0)
check_raises("timeout -1", 2, "true", -1)
check_raises("timeout 61", 2, "true", 61)
check_raises("timeout 'x'", 2, "true", "x")
check_raises("timeout NaN", 2, "true", 0 / 0)

T.done()
