--
-- test_ntop_basic.lua - ntop.* system, time, log, networks, bitmap, misc and ndpi
-- bindings, run inside the probe:
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i test_01.pcap -m 192.168.1.0/24 \
--       --shutdown-when-done --run-script tests/lua/api/test_ntop_basic.lua
--
-- Expected values come from outside the probe: RFC 1321 test vectors, /etc/services,
-- /proc, the -m option above, nDPI 4.2's risk table, ntopng's score thresholds.
--

local T = require "testlib"

local function read_file(path)
    local f = io.open(path, "r")
    if not f then
        return nil
    end
    local s = f:read("a")
    f:close()
    return s
end

local function exists(path)
    local f = io.open(path, "r")
    if f then
        f:close()
    end
    return f ~= nil
end

-- fn(...) must return nil and an error message (a runtime failure, not a raise).
local function check_nil_msg(name, fn, ...)
    local ok, v, msg = pcall(fn, ...)
    T.check(ok and v == nil and type(msg) == "string", name)
end

-- ---------------------------------------------------------------------------- system

local dirs = ntop.getDirs()
for _, k in ipairs({"bindir", "installdir", "workingdir", "scriptdir", "httpdocsdir",
                    "callbacksdir", "pcapdir", "etcdir", "sharedir"}) do
    T.check_eq(type(dirs[k]), "string", "getDirs." .. k .. " is a string")
end
T.check(exists(dirs.bindir .. "/ntop-probe"), "getDirs.bindir holds the executable")
T.check(exists(dirs.installdir .. "/scripts/lua/modules/lua_utils.lua"),
        "getDirs.installdir holds scripts/lua/modules")
T.check_eq(dirs.scriptdir, dirs.installdir .. "/scripts", "getDirs.scriptdir")
T.check_eq(dirs.callbacksdir, dirs.installdir .. "/scripts/callbacks", "getDirs.callbacksdir")
T.check_eq(dirs.pcapdir, dirs.workingdir, "getDirs.pcapdir defaults to the data dir")
T.check_eq(dirs.etcdir, "/etc", "getDirs.etcdir")

local info = ntop.getInfo()
T.check_eq(info.product, "ntop-probe", "getInfo.product")
T.check_eq(info.oem, false, "getInfo.oem")
T.check_eq(type(info.version), "string", "getInfo.version")
local self_pid = tonumber((read_file("/proc/self/stat") or ""):match("^(%d+)"))
T.check_num(info.pid, self_pid, "getInfo.pid is this process (/proc/self/stat)")
T.check_num(info.bits, string.packsize("T") * 8, "getInfo.bits = size_t width")
local ostype = (read_file("/proc/sys/kernel/ostype") or ""):gsub("%s+$", "")
local osrelease = (read_file("/proc/sys/kernel/osrelease") or ""):gsub("%s+$", "")
T.check_eq(info.OS, ostype .. " " .. osrelease, "getInfo.OS (/proc/sys/kernel)")
T.check(type(info.platform) == "string" and info.platform:find(info.OS, 1, true) == 1,
        "getInfo.platform starts with OS")
T.check(math.type(info.uptime) == "integer" and info.uptime >= 1, "getInfo.uptime >= 1")
T.check(type(info.command_line) == "string" and
            info.command_line:find("test_ntop_basic.lua", 1, true) ~= nil,
        "getInfo.command_line names this script")
T.check_eq(type(info.tzname), "string", "getInfo.tzname")
T.check_eq(math.type(info.timezone), "integer", "getInfo.timezone")
T.check(type(info["version.lua"]) == "string" and info["version.lua"]:find(_VERSION, 1, true) == 1,
        "getInfo version.lua matches _VERSION")
T.check_eq(type(info["version.ndpi"]), "string", "getInfo version.ndpi")
T.check_eq(info.license, nil, "getInfo has no made-up license")
local brief = ntop.getInfo(false)
T.check_eq(brief["version.lua"], nil, "getInfo(false) drops version keys")
T.check_eq(brief.product, "ntop-probe", "getInfo(false).product")
T.check_error(ntop.getInfo, "getInfo('x') raises", "x")

local up = ntop.getUptime()
T.check(math.type(up) == "integer" and up >= 1 and up >= info.uptime, "getUptime")

T.check_eq(ntop.isLinux(), ostype == "Linux", "isLinux")
T.check_eq(ntop.isWindows(), false, "isWindows")
T.check_eq(ntop.isFreeBSD(), false, "isFreeBSD")

-- ---------------------------------------------------------------------------- time

local now = ntop.gettimemsec()
T.check_eq(math.type(now), "float", "gettimemsec is a float")
T.check(math.abs(now - os.time()) < 2, "gettimemsec is epoch seconds (not ms)")
local tps = ntop.gettickspersec()
T.check(math.type(tps) == "float" and tps > 0, "gettickspersec > 0")
local t0, k0 = ntop.gettimemsec(), ntop.getticks()
T.check_eq(math.type(k0), "float", "getticks is a float")
T.check_eq(select("#", ntop.msleep(60)), 0, "msleep returns nothing")
local t1, k1 = ntop.gettimemsec(), ntop.getticks()
T.check(t1 - t0 >= 0.055 and t1 - t0 < 5, "msleep(60) slept ~60 ms (wall clock)")
T.check((k1 - k0) / tps >= 0.055 and (k1 - k0) / tps < 5, "ticks measure msleep(60)")
ntop.msleep(0)
T.check_error(ntop.msleep, "msleep(-1) raises", -1)
T.check_error(ntop.msleep, "msleep('x') raises", "x")
T.check_error(ntop.msleep, "msleep() raises")

-- ---------------------------------------------------------------------------- log

T.check_eq(select("#", ntop.traceEvent(6, "/x/y/test.lua", 1, "debug line, not shown")), 0,
           "traceEvent returns nothing")
T.check_error(ntop.traceEvent, "traceEvent wrong level type raises", "x", "f", 1, "m")
T.check_error(ntop.traceEvent, "traceEvent missing msg raises", 2, "f", 1)
T.check_error(ntop.traceEvent, "traceEvent level 10 raises", 10, "f", 1, "m")
T.check_eq(ntop.verboseTrace(), false, "verboseTrace is false (no level reaches trace)")
-- A level given on the command line (-v, -q) wins over setLoggingLevel, as in ntopng.
local cmdline = " " .. info.command_line .. " "
local cmdline_level = cmdline:find("%s%-%a*[vq]%a*%s") or cmdline:find("%s%-%-verbose%s") or
                          cmdline:find("%s%-%-quiet%s")
ntop.setLoggingLevel("trace")
T.check_eq(ntop.verboseTrace(), not cmdline_level, "setLoggingLevel('trace') -> verboseTrace")
ntop.setLoggingLevel("warning")
T.check_eq(ntop.verboseTrace(), false, "setLoggingLevel('warning') -> not verbose")
T.check_error(ntop.setLoggingLevel, "setLoggingLevel('bogus') raises", "bogus")
T.check_error(ntop.setLoggingLevel, "setLoggingLevel() raises")

-- ---------------------------------------------------------------------------- networks

T.check_eq(ntop.isIPv6("::1"), true, "isIPv6 ::1")
T.check_eq(ntop.isIPv6("2001:db8::1"), true, "isIPv6 2001:db8::1")
T.check_eq(ntop.isIPv6("::ffff:1.2.3.4"), true, "isIPv6 v4-mapped")
T.check_eq(ntop.isIPv6("1.2.3.4"), false, "isIPv6 IPv4")
T.check_eq(ntop.isIPv6("[::1]"), false, "isIPv6 brackets")
T.check_eq(ntop.isIPv6("fe80::1%eth0"), false, "isIPv6 zone id")
T.check_error(ntop.isIPv6, "isIPv6({}) raises", {})

T.check_eq(ntop.inet_ntoa(3232235777), "192.168.1.1", "inet_ntoa 0xC0A80101")
T.check_eq(ntop.inet_ntoa(0), "0.0.0.0", "inet_ntoa 0")
T.check_eq(ntop.inet_ntoa(0xffffffff), "255.255.255.255", "inet_ntoa 2^32-1")
T.check_eq(ntop.inet_ntoa("16909060"), "1.2.3.4", "inet_ntoa numeric string")
T.check_error(ntop.inet_ntoa, "inet_ntoa('1.2.3.4') raises", "1.2.3.4")
T.check_error(ntop.inet_ntoa, "inet_ntoa(-1) raises", -1)
T.check_error(ntop.inet_ntoa, "inet_ntoa(2^32) raises", 0x100000000)

T.check_eq(ntop.networkPrefix("192.168.1.77", 24), "192.168.1.0", "networkPrefix /24")
T.check_eq(ntop.networkPrefix("172.16.5.4", 12), "172.16.0.0", "networkPrefix /12")
T.check_eq(ntop.networkPrefix("10.1.2.3", 0), "0.0.0.0", "networkPrefix /0")
T.check_eq(ntop.networkPrefix("10.1.2.3", 32), "10.1.2.3", "networkPrefix /32")
T.check_eq(ntop.networkPrefix("10.1.2.3", 40), "10.1.2.3", "networkPrefix clamps to /32")
T.check_eq(ntop.networkPrefix("2001:db8:1:2::1", 64), "2001:db8:1:2::", "networkPrefix v6 /64")
T.check_eq(ntop.networkPrefix("2001:db8:abcd::1", 36), "2001:db8:a000::", "networkPrefix v6 /36")
T.check_eq(ntop.networkPrefix("fe80::1", 0), "::", "networkPrefix v6 /0")
check_nil_msg("networkPrefix of a bad address is nil, msg", ntop.networkPrefix, "1.2.3", 8)
T.check_error(ntop.networkPrefix, "networkPrefix(ip, 'x') raises", "1.2.3.4", "x")
T.check_error(ntop.networkPrefix, "networkPrefix(ip, -1) raises", "1.2.3.4", -1)
T.check_error(ntop.networkPrefix, "networkPrefix({}, 8) raises", {}, 8)

T.check_num(ntop.ipCmp("1.2.3.4", "1.2.3.5"), -1, "ipCmp less")
T.check_num(ntop.ipCmp("1.2.3.4", "1.2.3.4"), 0, "ipCmp equal")
T.check_num(ntop.ipCmp("10.0.0.1", "9.255.255.255"), 1, "ipCmp is numeric, not textual")
T.check_num(ntop.ipCmp("255.255.255.255", "::"), -1, "ipCmp IPv4 before IPv6")
T.check_num(ntop.ipCmp("::2", "::1"), 1, "ipCmp IPv6")
check_nil_msg("ipCmp of a bad address is nil, msg", ntop.ipCmp, "x", "1.2.3.4")
T.check_error(ntop.ipCmp, "ipCmp(ip) raises", "1.2.3.4")

-- The probe runs with -m 192.168.1.0/24.
T.check_eq(ntop.isLocalAddress("192.168.1.20"), true, "isLocalAddress inside -m")
T.check_eq(ntop.isLocalAddress("192.168.2.1"), false, "isLocalAddress outside -m")
T.check_eq(ntop.isLocalAddress("8.8.8.8"), false, "isLocalAddress public")
T.check_eq(ntop.isLocalAddress("10.0.0.1"), false, "isLocalAddress private is not local")
T.check_eq(ntop.isLocalAddress("127.0.0.1"), true, "isLocalAddress loopback")
T.check_eq(ntop.isLocalAddress("224.0.0.251"), true, "isLocalAddress multicast")
T.check_eq(ntop.isLocalAddress("255.255.255.255"), true, "isLocalAddress broadcast")
T.check_eq(ntop.isLocalAddress("fe80::1"), true, "isLocalAddress link-local")
T.check_eq(ntop.isLocalAddress("2001:db8::1"), false, "isLocalAddress global IPv6")
T.check_eq(ntop.isLocalAddress("192.168.1.128/25"), true, "isLocalAddress subnet of -m")
T.check_eq(ntop.isLocalAddress("192.168.0.0/16"), false, "isLocalAddress supernet of -m")
check_nil_msg("isLocalAddress of a bad address is nil, msg", ntop.isLocalAddress, "foo")
T.check_error(ntop.isLocalAddress, "isLocalAddress() raises")

local nets = ntop.getNetworks()
T.check_eq(nets, {["192.168.1.0/24"] = 0}, "getNetworks is the -m list")
T.check_num(nets["192.168.1.0/24"], 0, "getNetworks ids are integers")

-- /etc/services is the oracle for getservbyport.
local services = read_file("/etc/services") or ""
local function service_of(port, proto)
    for line in services:gmatch("[^\n]+") do
        local name, p, pr = line:match("^([%w%-%.]+)%s+(%d+)/(%a+)")
        if name and tonumber(p) == port and pr == proto then
            return name
        end
    end
end
T.check_eq(ntop.getservbyport(22, "tcp"), "ssh", "getservbyport 22/tcp")
T.check_eq(ntop.getservbyport(53, "udp"), service_of(53, "udp"), "getservbyport 53/udp")
T.check_eq(ntop.getservbyport(80, "tcp"), service_of(80, "tcp"), "getservbyport 80/tcp")
local unknown = 1
while service_of(60000 + unknown, "tcp") do
    unknown = unknown + 1
end
T.check_eq(ntop.getservbyport(60000 + unknown, "tcp"), tostring(60000 + unknown),
           "getservbyport unknown port gives the number")
T.check_eq(ntop.getservbyport(0, "tcp"), "0", "getservbyport 0")
T.check_error(ntop.getservbyport, "getservbyport(70000) raises", 70000, "tcp")
T.check_error(ntop.getservbyport, "getservbyport('ssh') raises", "ssh", "tcp")
T.check_error(ntop.getservbyport, "getservbyport without proto raises", 22)

-- ---------------------------------------------------------------------------- bitmap

T.check_num(ntop.bitmapSet(0, 0), 1, "bitmapSet bit 0")
T.check_num(ntop.bitmapSet(5, 1), 7, "bitmapSet 5|2")
T.check_num(ntop.bitmapSet(5, 2), 5, "bitmapSet already set")
T.check_num(ntop.bitmapSet(0, 40), 1 << 40, "bitmapSet bit 40")
T.check_num(ntop.bitmapSet(0, 63), math.mininteger, "bitmapSet bit 63 is the sign bit")
T.check_num(ntop.bitmapClear(5, 2), 1, "bitmapClear 5 & ~4")
T.check_num(ntop.bitmapClear(5, 1), 5, "bitmapClear already clear")
T.check_num(ntop.bitmapClear(-1, 0), -2, "bitmapClear on all ones")
T.check_num(ntop.bitmapClear(math.mininteger, 63), 0, "bitmapClear bit 63")
T.check_eq(ntop.bitmapIsSet(5, 2), true, "bitmapIsSet 5 bit 2")
T.check_eq(ntop.bitmapIsSet(5, 1), false, "bitmapIsSet 5 bit 1")
T.check_eq(ntop.bitmapIsSet(math.mininteger, 63), true, "bitmapIsSet bit 63")
T.check_eq(ntop.bitmapIsSet(3.0, 1), true, "bitmapIsSet integral float")
local b = 0
for _, bit in ipairs({3, 17, 62}) do
    b = ntop.bitmapSet(b, bit)
end
T.check_num(b, (1 << 3) | (1 << 17) | (1 << 62), "bitmapSet accumulates")
T.check_error(ntop.bitmapIsSet, "bitmapIsSet bit 64 raises", 0, 64)
T.check_error(ntop.bitmapSet, "bitmapSet bit -1 raises", 0, -1)
T.check_error(ntop.bitmapClear, "bitmapClear bit 256 raises", 0, 256)
T.check_error(ntop.bitmapSet, "bitmapSet bit 1.5 raises", 0, 1.5)
T.check_error(ntop.bitmapSet, "bitmapSet bitmap 'x' raises", "x", 1)

-- ---------------------------------------------------------------------------- misc

-- RFC 1321, appendix A.5.
local rfc1321 = {
    [""] = "d41d8cd98f00b204e9800998ecf8427e",
    ["a"] = "0cc175b9c0f1b6a831c399e269772661",
    ["abc"] = "900150983cd24fb0d6963f7d28e17f72",
    ["message digest"] = "f96b697d7cb7938d525a2f31aaf161d0",
    ["abcdefghijklmnopqrstuvwxyz"] = "c3fcd3d76192e4007dfb496cca67e13b",
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"] =
        "d174ab98d277d9f5a5611c2c9f419d9f",
    [string.rep("1234567890", 8)] = "57edf4a22be3c955ac49da2e2107b67a",
}
for s, digest in pairs(rfc1321) do
    T.check_eq(ntop.md5(s), digest, "md5 RFC 1321 " .. string.format("%q", s))
end
T.check_eq(ntop.md5(string.rep("a", 1000000)), "7707d6ae4e027c70eea2a935c2296f21",
           "md5 of a million 'a'")
T.check_eq(ntop.md5("a\0b"), "70350f6027bce3713f6b76473084309b", "md5 hashes embedded zeros")
T.check_error(ntop.md5, "md5({}) raises", {})
T.check_error(ntop.md5, "md5() raises")

-- ntopng: SCORE_LEVEL_{INFO,NOTICE,WARNING,ERROR,CRITICAL,EMERGENCY} = 1, 10, 50, 100,
-- 200, 250; severities 0 none .. 8 emergency.
local score_sev = {
    {0, 0}, {1, 2}, {9, 2}, {10, 3}, {49, 3}, {50, 4}, {99, 4}, {100, 5}, {150, 5},
    {199, 5}, {200, 6}, {249, 6}, {250, 8}, {100000, 8},
}
for _, c in ipairs(score_sev) do
    T.check_num(ntop.mapScoreToSeverity(c[1]), c[2], "mapScoreToSeverity(" .. c[1] .. ")")
end
T.check_error(ntop.mapScoreToSeverity, "mapScoreToSeverity(-1) raises", -1)
T.check_error(ntop.mapScoreToSeverity, "mapScoreToSeverity('x') raises", "x")
local sev_score = {1, 1, 1, 10, 50, 100, 200, 250, 250}
for sev = 0, 8 do
    T.check_num(ntop.mapSeverityToScore(sev), sev_score[sev + 1],
                "mapSeverityToScore(" .. sev .. ")")
end
T.check_error(ntop.mapSeverityToScore, "mapSeverityToScore(9) raises", 9)
T.check_error(ntop.mapSeverityToScore, "mapSeverityToScore(-1) raises", -1)
for sev = 2, 6 do
    T.check_num(ntop.mapScoreToSeverity(ntop.mapSeverityToScore(sev)), sev,
                "score of severity " .. sev .. " maps back")
end

-- ---------------------------------------------------------------------------- ndpi

-- nDPI 4.2 (ndpi_typedefs.h ndpi_risk_enum, ndpi_utils.c ndpi_risk2str).
T.check_eq(ntop.getRiskStr(1), "XSS Attack", "getRiskStr 1")
T.check_eq(ntop.getRiskStr(6), "Self-signed Certificate", "getRiskStr 6")
T.check_eq(ntop.getRiskStr(41), "TLS Certificate About To Expire", "getRiskStr 41")
T.check_eq(ntop.getRiskStr(0), "0", "getRiskStr NDPI_NO_RISK")
T.check_eq(ntop.getRiskStr(42), "42", "getRiskStr NDPI_MAX_RISK")
T.check_eq(ntop.getRiskStr(1000), "1000", "getRiskStr unknown")
T.check_error(ntop.getRiskStr, "getRiskStr('x') raises", "x")
local risks = ntop.getRiskList()
T.check_eq(#risks, 42, "getRiskList has NDPI_MAX_RISK entries")
T.check_eq(risks[1], "0", "getRiskList[1] is risk 0")
T.check_eq(risks[7], "Self-signed Certificate", "getRiskList[7] is risk 6")
local consistent = true
for i = 1, #risks do
    consistent = consistent and risks[i] == ntop.getRiskStr(i - 1)
end
T.check(consistent, "getRiskList[i + 1] == getRiskStr(i)")

T.done()
