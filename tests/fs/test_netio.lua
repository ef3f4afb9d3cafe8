--
-- test_netio.lua - ntop.send_udp_data, ntop.send_tcp_data and ntop.tcpProbe against
-- netpeer.py, a one-shot peer in Python on 127.0.0.1 (what it receives is the oracle),
-- plus refused connections and argument errors.
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i empty.pcap -d DATADIR --shutdown-when-done \
--       --run-script tests/fs/test_netio.lua
--
-- Runs unchanged through ntoplua-shell against a probe on the same machine allowed to
-- execute commands (--rpc-allow-exec).
--

local T = require "testlib"

local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
local peer = "python3 " .. here .. "/netpeer.py"

local function q(s)
    return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function read_file(path)
    local f = io.open(path, "rb")
    if not f then
        return nil
    end
    local s = f:read("a")
    f:close()
    return s
end

local function check_raises(name, fname, arg, ...)
    local ok, err = pcall(ntop[fname], ...)
    local want = "bad argument #" .. arg .. " to 'ntop." .. fname .. "'"
    T.check(not ok and tostring(err):find(want, 1, true) ~= nil,
            name .. " raises (" .. tostring(err) .. ")")
end

if os.execute("python3 -c 'import socket' 2>/dev/null") ~= true then
    print("SKIP: python3 not found (the test's peer)")
    os.exit(77)
end

-- start(mode, arg): the peer's port and its handle (close() waits for it to exit).
local function start(mode, arg)
    local h = assert(io.popen(peer .. " " .. mode .. " " .. q(arg or "")))
    return math.tointeger(tonumber(h:read("l"))), h
end

local tmp = (io.popen("mktemp -d"):read("l"))
local payload = "hello\0world\n" .. string.rep("x", 3000)

-- UDP: one datagram, bytes as given (NUL included)
local port, h = start("udp-recv", tmp .. "/udp")
local n = select("#", ntop.send_udp_data("127.0.0.1", port, payload))
h:close()
T.check_eq(n, 1, "send_udp_data returns one value (nil)")
T.check_eq(read_file(tmp .. "/udp"), payload, "send_udp_data: the peer got the datagram")

-- TCP: all of it, then close
port, h = start("tcp-recv", tmp .. "/tcp")
local big = string.rep("0123456789", 100000) -- more than a socket buffer
T.check_eq(ntop.send_tcp_data("127.0.0.1", port, big), true, "send_tcp_data: true")
h:close()
T.check_eq(read_file(tmp .. "/tcp"), big, "send_tcp_data: the peer got every byte")

port, h = start("tcp-recv", tmp .. "/tcp2")
T.check_eq(ntop.send_tcp_data("localhost", port, "by name", 2000), true,
           "send_tcp_data to a name, explicit timeout")
h:close()
T.check_eq(read_file(tmp .. "/tcp2"), "by name", "send_tcp_data by name: received")

-- A port nobody listens on: take one from a peer that has exited.
port, h = start("tcp-banner", "x")
ntop.tcpProbe("127.0.0.1", port)
h:close()
T.check_eq(ntop.send_tcp_data("127.0.0.1", port, "x"), false, "send_tcp_data refused: false")
local v, msg = ntop.tcpProbe("127.0.0.1", port)
T.check(v == nil and tostring(msg):find("refused", 1, true), "tcpProbe refused: nil, msg")

-- tcpProbe: the banner, at most 511 bytes; "" when the server says nothing
port, h = start("tcp-banner", "SSH-2.0-test\r\n")
T.check_eq(ntop.tcpProbe("127.0.0.1", port), "SSH-2.0-test\r\n", "tcpProbe: banner")
h:close()
port, h = start("tcp-banner", string.rep("b", 600))
T.check_eq(ntop.tcpProbe("127.0.0.1", port, 2), string.rep("b", 511), "tcpProbe: 511 bytes max")
h:close()
port, h = start("tcp-silent")
local t0 = ntop.gettimemsec()
T.check_eq(ntop.tcpProbe("127.0.0.1", port), "", "tcpProbe: silent server gives ''")
local took = ntop.gettimemsec() - t0
T.check(took >= 0.9 and took < 3, "tcpProbe waits about 1 s for a banner (" .. took .. ")")
h:close()

-- arguments
check_raises("send_udp_data(1, ...)", "send_udp_data", 1, 1, 80, "x")
check_raises("send_udp_data port 'x'", "send_udp_data", 2, "127.0.0.1", "x", "x")
check_raises("send_udp_data port 70000", "send_udp_data", 2, "127.0.0.1", 70000, "x")
check_raises("send_udp_data data nil", "send_udp_data", 3, "127.0.0.1", 80)
check_raises("send_tcp_data timeout -1", "send_tcp_data", 4, "127.0.0.1", 80, "x", -1)
check_raises("send_tcp_data port 1.5", "send_tcp_data", 2, "127.0.0.1", 1.5, "x")
check_raises("tcpProbe()", "tcpProbe", 1)
check_raises("tcpProbe timeout 0", "tcpProbe", 3, "127.0.0.1", 80, 0)
check_raises("tcpProbe timeout 61", "tcpProbe", 3, "127.0.0.1", 80, 61)

os.execute("rm -rf " .. q(tmp))
T.done()
