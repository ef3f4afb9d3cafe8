--
-- e2e_remote.lua - run by e2e_lua.sh through ntoplua-shell against two probes:
--   probes[1]: test_01.pcap (interface 0, -m 192.168.1.0/24) and dns_contacts.pcap (1)
--   probes[2]: dns_contacts.pcap alone
-- arg[1]: dns_contacts' packet count (capinfos), arg[2]: md5sum of "a\0b\255".
-- The globals ntop, interface, ... are probes[1]'s (installed by the shell).
--
local passed, failed = 0, 0
local DNS_PACKETS = math.tointeger(tonumber(arg[1]))
local MD5 = arg[2]

local function check(cond, name, detail)
    if cond then
        passed = passed + 1
        print("ok   " .. name)
    else
        failed = failed + 1
        print("FAIL " .. name .. (detail ~= nil and (": " .. tostring(detail)) or ""))
    end
end

local function raises(fn)
    local ok, err = pcall(fn)
    return not ok and err or nil
end

-- ntopng's own figures for test_01 (shared/ntopng-conventions.md)
local s = interface.getStats()
check(s.stats.packets == 4999 and math.type(s.stats.packets) == "integer",
      "getStats: 4999 packets, an integer", s.stats.packets)
check(s.stats.bytes == 3744413, "getStats: 3,744,413 bytes", s.stats.bytes)
check(s.stats.flows == 177, "getStats: 177 flows", s.stats.flows)
check(s.stats.hosts == 42, "getStats: 42 hosts", s.stats.hosts)
check(s.stats.local_hosts == 4, "getStats: 4 local hosts", s.stats.local_hosts)
check(math.type(ntop.gettickspersec()) == "float", "a float stays a float")
check(ntop.md5("a\0b\255") == MD5, "binary strings travel (md5sum's answer)")
check(ntop.md5(string.rep("\0", 100000)) ~= nil, "a 100 kB argument")
local hosts = interface.getHostsInfo()
check(type(hosts) == "table" and next(hosts) ~= nil, "getHostsInfo: a big nested table")

-- errors: the probe's Lua message, raised at the caller's line
local err = raises(function() return interface.getNetworkStats("x") end)
check(err and err:find("bad argument #1", 1, true) and
          err:find("number expected, got string", 1, true), "bad argument: the probe's message",
      err)
check(err and err:find("^[^:]*e2e_remote.lua:%d+: "), "bad argument: raised at the caller's line",
      err)
err = raises(function() return interface.noSuchFunction() end)
check(err and err:find("noSuchFunction", 1, true), "unknown function raises (UNIMPLEMENTED)", err)
err = raises(function() return ntop.md5(print) end)
check(err and err:find("bad argument #1 to 'ntop.md5'", 1, true), "a function cannot be sent", err)

-- context: interface.select on the probe changes this probe object's context only
local p1, p2 = probes[1], probes[2]
check(p1:context().ifid == 0, "context: interface 0 at first")
interface.select(1)
check(p1:context().ifid == 1, "interface.select(1) is adopted from Reply.context")
if DNS_PACKETS then
    check(interface.getStats().stats.packets == DNS_PACKETS,
          "after select(1): dns_contacts' packets (capinfos)")
end
check(p2:context().ifid == 0, "the other probe keeps its own context")
interface.select(0)
check(interface.getStats().stats.packets == 4999, "select(0): test_01 again")
p1:set_context({ifid = -1})
err = raises(function() return interface.getStats() end)
check(err ~= nil, "no interface selected raises (FAILED_PRECONDITION)", err)
p1:set_context({ifid = 0})

-- several probes at once
local r = ntopclient.call_all(probes, "interface.getStats")
check(r[1].ok and r[1].value.stats.packets == 4999, "call_all: probe 1", r[1].error)
check(r[2].ok and (not DNS_PACKETS or r[2].value.stats.packets == DNS_PACKETS) and r[2].n == 1,
      "call_all: probe 2", r[2].error)
r = ntopclient.call_all(probes, "interface.getNetworkStats", "x")
check(not r[1].ok and r[1].status == "INVALID_ARGUMENT" and
          r[1].error:find("bad argument #1", 1, true), "call_all: errors per probe", r[1].error)
local named = ntopclient.connect_all({a = p1:target(), b = p2:target(), down = "127.0.0.1:1"})
r = ntopclient.call_all(named, "ntop.md5", "a\0b\255")
check(r.a.ok and r.a.value == MD5 and r.b.ok and r.b.value == MD5, "call_all: named probes")
check(not r.down.ok and r.down.status == "UNAVAILABLE" and r.down.error:find("refused"),
      "call_all: a down probe fails alone", r.down.error)
local t0 = ntop.gettimemsec()
r = ntopclient.call_all({p1, p2}, "ntop.msleep", 700)
local dt = ntop.gettimemsec() - t0
check(r[1].ok and r[2].ok and dt < 1.3, "call_all runs the calls concurrently", dt)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then
    error(failed .. " checks failed")
end
