--
-- Tests of lualib/modules/{lua_utils,lua_utils_generic,format_utils}.lua,
-- run by the plain lua5.4 interpreter (no probe: `ntop`/`interface` are
-- mocked further down to check that the modules use them lazily).
--
--   lua5.4 tests/lua/test_lua_utils.lua lualib/modules
--

local script_dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local modules_dir = (arg and arg[1]) or (script_dir .. "/../../lualib/modules")
package.path = modules_dir .. "/?.lua;" .. script_dir .. "/?.lua;" .. package.path

local T = require "testlib"
local check, check_eq, check_num = T.check, T.check_eq, T.check_num

-- Plain interpreter: no probe globals while loading.
ntop, interface = nil, nil

local json = require "dkjson"
local lu = require "lua_utils"
local format_utils = require "format_utils"

-- ##############################################
-- Module shape
-- ##############################################

check_eq(type(lu), "table", "require returns a table")
check(require("lua_utils") == lu, "require is idempotent")
for _, name in ipairs({"tprint", "isEmptyString", "bytesToSize", "bitsToSize", "formatValue",
                       "formatPackets", "secondsToTime", "formatEpoch", "round", "split",
                       "pairsByKeys", "pairsByValues", "asc", "rev", "asc_insensitive",
                       "hostinfo2hostkey", "hostkey2hostinfo", "getHostAltName", "ternary",
                       "shortenString", "firstToUpper", "isIPv4", "isIPv6", "isIPv6Address"}) do
    check_eq(type(_G[name]), "function", "global " .. name)
    check(lu[name] == _G[name], "module field " .. name)
end
for _, name in ipairs({"split", "starts", "ends", "contains"}) do
    check_eq(type(string[name]), "function", "string." .. name)
end
for _, name in ipairs({"len", "empty", "clone", "merge", "compare", "contains", "slice",
                       "tconcat"}) do
    check_eq(type(table[name]), "function", "table." .. name)
end
check(lu.bytesToBPS == format_utils.bytesToBPS, "module carries format_utils")
check_eq(TRACE_ERROR, 0, "TRACE_ERROR")
check_eq(TRACE_CONSOLE, 0, "TRACE_CONSOLE")

-- ##############################################
-- tprint
-- ##############################################

check_eq(T.capture(tprint, {b = {c = 1, [2] = "x"}, a = true, [1] = 3.5}),
         " table\n1 number 3.5\na boolean true\nb table\nb.2 string x\nb.c number 1\n",
         "tprint nested, sorted keys")
check_eq(T.capture(tprint, "hi"), " string hi\n", "tprint string")
check_eq(T.capture(tprint, 5), " number 5\n", "tprint number")
check_eq(T.capture(tprint, nil), " nil nil\n", "tprint nil")
check_eq(T.capture(tprint, {}), " table\n", "tprint empty table")
check_eq(T.capture(tprint, {[10] = "a", [9] = "b", [1] = "c"}),
         " table\n1 string c\n9 string b\n10 string a\n", "tprint numeric keys in order")
check_eq(T.capture(tprint, {{1, 2}}), " table\n1 table\n1.1 number 1\n1.2 number 2\n",
         "tprint array of arrays")
do
    local t1, t2 = {}, {}
    for i = 1, 50 do
        t1["k" .. i] = i
    end
    for i = 50, 1, -1 do
        t2["k" .. i] = i
    end
    check_eq(T.capture(tprint, t1), T.capture(tprint, t2), "tprint deterministic")
    local cyc = {name = "loop"}
    cyc.self = cyc
    local out = T.capture(tprint, cyc)
    check(out:find("ERROR: Item limit reached.\n", 1, true) ~= nil, "tprint cycle hits limit")
end

-- ##############################################
-- Size / rate / counter formatting
-- ##############################################

check_eq(bytesToSize(nil), "0", "bytesToSize nil")
check_eq(bytesToSize("abc"), "0", "bytesToSize non-number")
check_eq(bytesToSize(0), "0 Bytes", "bytesToSize 0")
check_eq(bytesToSize(1), "1 Byte", "bytesToSize 1")
check_eq(bytesToSize(500), "500 Bytes", "bytesToSize 500")
check_eq(bytesToSize(1023), "1023 Bytes", "bytesToSize 1023")
check_eq(bytesToSize(1024), "1 KB", "bytesToSize 1024")
check_eq(bytesToSize(1536), "1.5 KB", "bytesToSize 1536")
check_eq(bytesToSize("1536"), "1.5 KB", "bytesToSize numeric string")
check_eq(bytesToSize(1500), "1.46 KB", "bytesToSize 1500")
check_eq(bytesToSize(2047), "2 KB", "bytesToSize rounds to integer")
check_eq(bytesToSize(1048576), "1 MB", "bytesToSize 1 MB")
check_eq(bytesToSize(5 * 1024 ^ 3), "5 GB", "bytesToSize 5 GB")
check_eq(bytesToSize(2.5 * 1024 ^ 4), "2.5 TB", "bytesToSize 2.5 TB")
check_eq(bytesToSize(1024 ^ 5), "1024 TB", "bytesToSize caps at TB")
check_eq(bytesToSize(-5), "-5 Bytes", "bytesToSize negative")

check_eq(bitsToSize(nil), 0, "bitsToSize nil")
check_eq(bitsToSize(999), "999 bps", "bitsToSize bps")
check_eq(bitsToSize(1000), "1 kbps", "bitsToSize 1 kbps")
check_eq(bitsToSize(1500), "1.5 kbps", "bitsToSize 1.5 kbps")
check_eq(bitsToSize(2500000), "2.5 Mbps", "bitsToSize Mbps")
check_eq(bitsToSize(1e9), "1 Gbps", "bitsToSize Gbps")
check_eq(bitsToSize(1.2e12), "1.2 Tbps", "bitsToSize Tbps")
check_eq(bitsToSizeMultiplier(2 * 1000 * 1024, 1024), "2 Mbps", "bitsToSizeMultiplier 1024")
check_eq(format_utils.bytesToBPS(1000), "8 kbps", "bytesToBPS")
check_eq(pktsToSize(500), "500 pps", "pktsToSize pps")
check_eq(pktsToSize(1500), "1.5 Kpps", "pktsToSize Kpps")
check_eq(pktsToSize(2e6), "2 Mpps", "pktsToSize Mpps")

check_eq(formatValue(1234567), "1,234,567", "formatValue 1234567")
check_eq(formatValue(0), "0", "formatValue 0")
check_eq(formatValue(999), "999", "formatValue 999")
check_eq(formatValue(1000), "1,000", "formatValue 1000")
check_eq(formatValue(-1234567), "-1,234,567", "formatValue negative")
check_eq(formatValue(1234.5), "1,234.5", "formatValue decimals")
check_eq(formatValue(1234.0), "1,234", "formatValue integral float")
check_eq(formatValue("9876543"), "9,876,543", "formatValue numeric string")
check_eq(formatValue(9007199254740993), "9,007,199,254,740,993", "formatValue large integer")
check_eq(formatValue("abc"), "abc", "formatValue non-number")
check_eq(formatValue(nil), 0, "formatValue nil")
check_eq(formatPackets(1), "1 Pkt", "formatPackets 1")
check_eq(formatPackets(0), "0 Pkts", "formatPackets 0")
check_eq(formatPackets(1234567), "1,234,567 Pkts", "formatPackets many")
check_eq(formatFlows(1), "1 Flow", "formatFlows 1")
check_eq(formatFlows(2000), "2,000 Flows", "formatFlows many")
check_eq(format_high_num_value_for_tables({a = 0}, "a"), "", "high num 0")
check_eq(format_high_num_value_for_tables({a = 1500}, "a"), "1,500", "high num 1500")
check_eq(format_high_num_value_for_tables({}, "a"), "", "high num missing")

check_num(round(1.234, 2), 1.23, "round 2 digits")
check_num(round(3.7), 4, "round to integer")
check_num(round(5), 5, "round integer")
check_num(round(2.0), 2, "round integral float")
check_num(round(-1.5), -2, "round negative")
check_num(round(nil), 0, "round nil")
check_num(round("2.25", 1), 2.2, "round numeric string")
check_eq(round(math.huge), math.huge, "round inf")

-- ##############################################
-- Durations and dates
-- ##############################################

check_eq(secondsToTime(nil), "", "secondsToTime nil")
check_eq(secondsToTime(0.5), "< 1 sec", "secondsToTime < 1")
check_eq(secondsToTime(1), "00:01 sec", "secondsToTime 1")
check_eq(secondsToTime(59), "00:59 sec", "secondsToTime 59")
check_eq(secondsToTime(59.7), "00:59 sec", "secondsToTime fractional")
check_eq(secondsToTime(60), "01:00", "secondsToTime 60")
check_eq(secondsToTime(3599), "59:59", "secondsToTime 3599")
check_eq(secondsToTime(3600), "01:00:00", "secondsToTime 3600")
check_eq(secondsToTime(3723), "01:02:03", "secondsToTime 3723")
check_eq(secondsToTime(86400), "1 Day, 00:00", "secondsToTime 1 day")
check_eq(secondsToTime(90061), "1 Day, 01:01:01", "secondsToTime 90061")
check_eq(secondsToTime(2 * 86400 + 5), "2 Days, 00:05", "secondsToTime 2 days")
check_eq(secondsToTime(365 * 86400), "1 Year, 00:00", "secondsToTime 1 year")
check_eq(secondsToTime(400 * 86400), "1 Year, 35 Days, 00:00", "secondsToTime 400 days")
check_eq(secondsToTime(731 * 86400), "2 Years, 1 Day, 00:00", "secondsToTime 2 years")
check_eq(secondsToTime("120"), "02:00", "secondsToTime numeric string")
check_eq(msToTime(0.5), "< 1 ms", "msToTime < 1")
check_eq(msToTime(12.5), "12.5 ms", "msToTime ms")
check_eq(msToTime(15000), "00:15 sec", "msToTime seconds")
check_eq(format_utils.formatMillis(0.05), "< 0.1 ms", "formatMillis small")
check_eq(format_utils.formatMillis(12.5), "12.50 ms", "formatMillis")
check_eq(format_utils.timeToSeconds("01:02:03"), 3723, "timeToSeconds h:m:s")
check_eq(format_utils.timeToSeconds("00:59 sec"), 59, "timeToSeconds sec suffix")
check_eq(format_utils.timeToSeconds("1:00:00:00"), 86400, "timeToSeconds days")
check_eq(format_utils.timeToSeconds(""), 0, "timeToSeconds empty")
check_eq(format_utils.timeToSeconds(secondsToTime(4000)), 4000, "timeToSeconds round trip")

check_eq(formatEpoch(0), "", "formatEpoch 0")
check_eq(formatEpoch(1700000000), "14/11/2023 22:13:20", "formatEpoch UTC")
check_eq(formatEpoch("1700000000"), "14/11/2023 22:13:20", "formatEpoch string")
check_eq(formatEpoch(1700000000, false), "14/11/2023", "formatEpoch date only")
check_eq(formatEpoch(1700000000, true), "14/11/2023 22:13:20", "formatEpoch full_time")
check_eq(format_utils.formatEpoch(1700000000, true, "big_endian"), "2023/11/14 22:13:20",
         "formatEpoch big endian")
check_eq(format_utils.formatEpoch(1700000000, false, "middle_endian"), "11/14/2023",
         "formatEpoch middle endian")
check(formatEpoch(nil):match("^%d%d/%d%d/%d%d%d%d %d%d:%d%d:%d%d$") ~= nil, "formatEpoch now")
check_eq(format_utils.formatEpochISO8601(1700000000), "2023-11-14T22:13:20Z", "ISO 8601")
check_eq(format_utils.formatEpochISO8601(0), "", "ISO 8601 zero")
check_eq(format_utils.formatEpochRFC2822(1700000000), "Tue, 14 Nov 2023 22:13:20 +0000",
         "RFC 2822")
check_eq(format_utils.parseDateTime("2023-11-14 22:13:20"), 1700000000, "parseDateTime")
check_eq(format_utils.parseDateTime("1970-01-01 00:00:00"), 0, "parseDateTime epoch")
check_eq(format_utils.parseDateTime("2000-02-29 12:00:00"), 951825600, "parseDateTime leap")
check_eq(format_utils.parseDateTime("garbage"), "", "parseDateTime invalid")

check_eq(format_name_value("host.example", "1.2.3.4"), "host.example [1.2.3.4]",
         "format_name_value")
check_eq(format_name_value("", "1.2.3.4"), "1.2.3.4", "format_name_value no name")
check_eq(format_name_value("nas 1.2.3.4", "1.2.3.4"), "nas 1.2.3.4",
         "format_name_value value included")
check_eq(format_utils.formatHostNameAndAddress("h", "1.2.3.4"), "1.2.3.4 [h]",
         "formatHostNameAndAddress")
check_eq(format_utils.formatHostNameAndAddress("h", "h"), "h", "formatHostNameAndAddress same")

-- ##############################################
-- Strings
-- ##############################################

check(isEmptyString(nil), "isEmptyString nil")
check(isEmptyString(""), "isEmptyString empty")
check(isEmptyString(" "), "isEmptyString space")
check(not isEmptyString("a"), "isEmptyString a")
check(not isEmptyString(0), "isEmptyString 0")
check_eq(ternary(true, 1, 2), 1, "ternary true")
check_eq(ternary(nil, 1, 2), 2, "ternary nil")
check_eq(firstToUpper("hello world"), "Hello world", "firstToUpper")
check_eq(firstToUpper(5), "5", "firstToUpper number")
check_eq(capitalize("abc"), "Abc", "capitalize")
check_eq(trimString("  a b  "), "a b", "trimString")
check_eq(trimSpace(" a b\t"), "ab", "trimSpace")

check_eq(split("a,b,,c", ","), {"a", "b", "", "c"}, "split")
check_eq(split("abc"), {"a", "b", "c"}, "split chars")
check_eq(split(nil, ","), {}, "split nil")
check_eq(split("a.b", "%."), {"a", "b"}, "split pattern")
check_eq(split("a,", ","), {"a", ""}, "split trailing")
check_eq(strsplit("a,b,,a", ","), {a = true, b = true}, "strsplit")
check_eq(("a,b,c"):split(","), {"a", "b", "c"}, "string.split")
check_eq(("abc"):split(","), nil, "string.split no separator")
check_eq(("a,"):split(","), {"a"}, "string.split trailing")
check_eq((",a"):split(","), {"", "a"}, "string.split leading")
check_eq(("1.2.3.4"):split("%."), {"1", "2", "3", "4"}, "string.split pattern")
check(string.starts("hello", "he"), "string.starts")
check(not string.starts("hello", "lo"), "string.starts false")
check(not string.starts(nil, "x"), "string.starts nil")
check(string.ends("hello", "lo"), "string.ends")
check(string.ends("x", ""), "string.ends empty")
check(not string.ends("hello", "he"), "string.ends false")
check(string.contains("a.b", ".", true), "string.contains plain")
check(not string.contains("ab", ".", true), "string.contains plain false")
check(string.contains("ab", "."), "string.contains pattern")
check(string.containsIgnoreCase("HeLLo", "ell"), "string.containsIgnoreCase")
check(starts("hello", "he") and ends("hello", "llo"), "starts/ends")
check(not starts(nil, "a"), "starts nil")
check(startswith("hello", "he") and endswith("hello", "lo"), "startswith/endswith")

check_eq(shortenString("abcdef", 3), "abc\u{2026}", "shortenString")
check_eq(shortenString("abc", 3), "abc", "shortenString fits")
check_eq(shortenString(nil), "", "shortenString nil")
check_eq(shortenString(string.rep("x", 30)), string.rep("x", 24) .. "\u{2026}",
         "shortenString default 24")
check_eq(shortenCollapse("Some Very Long String", 15), "Some V...String", "shortenCollapse")
check_eq(shortenCollapse("short", 15), "short", "shortenCollapse fits")
check(findString("Foo-Bar", "o_b") == 3, "findString")
check(findString("abc", "x") == nil, "findString missing")
check(isnumber("12") and not isnumber("") and not isnumber("x"), "isnumber")
check(isInteger("123") and not isInteger("12a") and not isInteger(""), "isInteger")
check(toboolean("true") and toboolean("1") and toboolean(1) and toboolean(true), "toboolean")
check(not toboolean("no") and not toboolean(nil), "toboolean false")
check_num(truncate(-1.5), -1, "truncate negative")
check_num(truncate(2.7), 2, "truncate positive")
check_eq(toint(3.9), "3", "toint")
check(hasbit(0x12, 0x02) and not hasbit(0x12, 0x04), "hasbit")
check_eq(setbit(0, 4), 4, "setbit")
check_eq(clearbit(6, 2), 4, "clearbit")

-- ##############################################
-- Tables and ordered iteration
-- ##############################################

check_eq(table.len({a = 1, b = 2, 3}), 3, "table.len")
check_eq(table.len(nil), 0, "table.len nil")
check(table.empty({}) and table.empty(nil) and not table.empty({1}), "table.empty")
do
    local mt = {}
    local t = setmetatable({a = {b = 1}, list = {1, 2}}, mt)
    t.self = t
    local c = table.clone(t)
    c.a.b = 2
    check_eq(t.a.b, 1, "table.clone deep")
    check(c.self == c, "table.clone keeps cycles")
    check(getmetatable(c) == mt, "table.clone shares metatable")
    check_eq(c.list, {1, 2}, "table.clone arrays")
    check_eq(table.clone(5), 5, "table.clone scalar")
end
check_eq(table.merge({1, 2}, {2, 3}), {1, 2, 2, 3}, "table.merge arrays")
check_eq(table.merge({1, 2}, {2, 3}, true), {1, 2, 3}, "table.merge nodup")
check_eq(table.merge({a = 1, b = 2}, {b = 3}), {a = 1, b = 3}, "table.merge keys")
check_eq(table.merge(nil, {x = 1}), {x = 1}, "table.merge nil")
check(table.compare({a = {1}}, {a = {1}}), "table.compare equal")
check(not table.compare({a = 1}, {a = 1, b = 2}), "table.compare different")
check(table.is_equal({a = 1, ts = 5}, {a = 1, ts = 6}, {ts = true}), "table.is_equal ignore")
check(not table.is_equal({a = 1}, {a = 2}), "table.is_equal different")
check(table.contains({1, 2, 3}, 2), "table.contains")
check(not table.contains({1, 2, 3}, 4), "table.contains missing")
check(table.contains({{id = 1}}, nil, function(e)
    return e.id == 1
end), "table.contains predicate")
do
    local t = {1}
    table.insertIfNotPresent(t, 1)
    table.insertIfNotPresent(t, 2)
    check_eq(t, {1, 2}, "table.insertIfNotPresent")
end
check_eq(table.slice({1, 2, 3, 4, 5}, 2, 4), {2, 3, 4}, "table.slice")
check_eq(table.slice({1, 2, 3, 4, 5}, 4, 10), {4, 5}, "table.slice clamps")
check_eq(table.slice({1, 2, 3, 4, 5}, 1, 5, 2), {1, 3, 5}, "table.slice step")
T.check_error(table.slice, "table.slice bad bounds", {1}, 0, 1)
check_eq(table.tconcat({b = 2, a = 1}, "=", "&"), "a=1&b=2", "table.tconcat sorted")
check_eq(table.tconcat({a = "x"}, "=", ",", ";", "'"), "a='x';", "table.tconcat quote")
check_eq(table.tconcat({}), "", "table.tconcat empty")
check(table.all({1, 2}, function(v)
    return v > 0
end), "table.all")
check_eq(table.foldr({1, 2, 3}, function(a, v)
    return a + v
end, 0), 6, "table.foldr")
check(table.has_key({a = false}, "a"), "table.has_key")

check_eq(T.collect(pairsByKeys({b = 2, a = 1, c = 3})), {{"a", 1}, {"b", 2}, {"c", 3}},
         "pairsByKeys")
check_eq(T.collect(pairsByKeys({b = 2, a = 1, c = 3}, rev)), {{"c", 3}, {"b", 2}, {"a", 1}},
         "pairsByKeys rev")
check_eq(T.collect(pairsByKeys({[2] = "x", a = "y", [1] = "z"})),
         {{1, "z"}, {2, "x"}, {"a", "y"}}, "pairsByKeys mixed keys")
check_eq(T.collect(pairsByKeys({B = 1, a = 2, C = 3}, asc_insensitive)),
         {{"a", 2}, {"B", 1}, {"C", 3}}, "pairsByKeys asc_insensitive")
check_eq(T.collect(pairsByKeys({B = 1, a = 2, C = 3}, rev_insensitive)),
         {{"C", 3}, {"B", 1}, {"a", 2}}, "pairsByKeys rev_insensitive")
check_eq(T.collect(pairsByValues({a = 3, b = 1, c = 2}, asc)), {{"b", 1}, {"c", 2}, {"a", 3}},
         "pairsByValues asc")
check_eq(T.collect(pairsByValues({a = 3, b = 1, c = 2}, rev)), {{"a", 3}, {"c", 2}, {"b", 1}},
         "pairsByValues rev")
check_eq(T.collect(pairsByField({x = {n = 2}, y = {n = 1}}, "n", asc)),
         {{"y", {n = 1}}, {"x", {n = 2}}}, "pairsByField")
check(asc(1, 2) and not asc(2, 1) and not asc(nil, 1), "asc")
check(rev(2, 1) and not rev(1, 2) and not rev(1, nil), "rev")
check(asc_insensitive("a", "B") and not asc_insensitive("B", "a"), "asc_insensitive")
check_eq({tmax({a = 1, b = 5, c = 3})}, {"b", 5}, "tmax")
check_eq({tmin({a = 1, b = 5, c = 3})}, {"a", 1}, "tmin")
check(isin("x", {"a", "x"}) and not isin("", {""}), "isin")
check(isempty({}) and not isempty({1}), "isempty")
check(hasKey("a", {a = 1}) and not hasKey("a", nil), "hasKey")
check_eq(swapKeysValues({a = 1, b = 2}), {[1] = "a", [2] = "b"}, "swapKeysValues")
check_eq(highestDivisor({60, 300, 3600}, 600), 2, "highestDivisor")

-- ##############################################
-- IP addresses
-- ##############################################

for _, ip in ipairs({"192.168.1.1", "0.0.0.0", "255.255.255.255", "1.2.3.4:80"}) do
    check(isIPv4(ip), "isIPv4 " .. ip)
end
for _, ip in ipairs({"256.1.1.1", "1.2.3", "a.b.c.d", "::1", "", "1.2.3.4.5"}) do
    check(not isIPv4(ip), "not isIPv4 " .. ip)
end
check(not isIPv4(nil), "isIPv4 nil")
for _, ip in ipairs({"::1", "::", "fe80::1", "2001:db8::1:0:0:1", "1:2:3:4:5:6:7:8",
                     "::ffff:192.168.1.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::",
                     "::1:2:3:4:5:6:7", "FE80::ABCD"}) do
    check(isIPv6(ip), "isIPv6 " .. ip)
    check(isIPv6Address(ip), "isIPv6Address " .. ip)
end
for _, ip in ipairs({"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "12345::1", ":::1",
                     "::ffff:256.1.1.1", "1.2.3.4", "", "g::1", ":1::", "1:2:3:4:5:6:7:8::",
                     "fe80::1%eth0", "aa:bb:cc:dd:ee:ff"}) do
    check(not isIPv6(ip), "not isIPv6 " .. ip)
end
check(not isIPv6(nil) and not isIPv6Address(nil), "isIPv6 nil")
check(isIPv4Network("10.0.0.0/8"), "isIPv4Network cidr")
check(isIPv4Network("10.0.0.0/8@2"), "isIPv4Network vlan")
check(isIPv4Network("10.0.0.1"), "isIPv4Network address")
check(not isIPv4Network("10.0.0.1", true), "isIPv4Network strict")
check(not isIPv4Network("10.0.0.0/33"), "isIPv4Network bad prefix")
check(isIPv6Network("fe80::/10"), "isIPv6Network")
check(not isIPv6Network("fe80::/129"), "isIPv6Network bad prefix")
check_eq({splitNetworkPrefix("10.0.0.0/8")}, {"10.0.0.0", 8}, "splitNetworkPrefix")
check(isMacAddress("AA:bb:cc:00:11:22"), "isMacAddress")
check(isMacAddress("aa:bb:cc:00:11:22@3"), "isMacAddress vlan")
check(not isMacAddress("1.2.3.4") and not isMacAddress("aa:bb:cc:00:11"), "isMacAddress bad")
check(isBroadMulticast("224.0.0.1") and isBroadMulticast("0.0.0.0"), "isBroadMulticast")
check(not isBroadMulticast("10.0.0.1") and not isBroadMulticast("ff02::1"),
      "isBroadMulticast false")
check(isBroadcastMulticast("ff02::1") and isBroadcastMulticast("255.255.255.255"),
      "isBroadcastMulticast without probe")
check(not isBroadcastMulticast("10.1.1.1"), "isBroadcastMulticast unicast")
check_eq(getIpUrl("::1"), "[::1]", "getIpUrl v6")
check_eq(getIpUrl("1.2.3.4"), "1.2.3.4", "getIpUrl v4")

-- ##############################################
-- Host keys
-- ##############################################

check_eq(hostinfo2hostkey({host = "10.0.0.1", vlan = 0}), "10.0.0.1", "hostkey vlan 0")
check_eq(hostinfo2hostkey({host = "10.0.0.1", vlan = 10}), "10.0.0.1@10", "hostkey vlan")
check_eq(hostinfo2hostkey({host = "10.0.0.1", vlan = 7.0}), "10.0.0.1@7", "hostkey float vlan")
check_eq(hostinfo2hostkey({host = "10.0.0.1"}, nil, true), "10.0.0.1@0", "hostkey show_vlan")
check_eq(hostinfo2hostkey({ip = "1.1.1.1", host = "x"}), "1.1.1.1", "hostkey prefers ip")
check_eq(hostinfo2hostkey({mac = "aa:bb:cc:dd:ee:ff", vlan_id = 4}), "aa:bb:cc:dd:ee:ff@4",
         "hostkey mac vlan_id")
check_eq(hostinfo2hostkey({["cli.ip"] = "1.2.3.4", vlan = 3}, "cli"), "1.2.3.4@3", "hostkey cli")
check_eq(hostinfo2hostkey({["srv.ip"] = "::1"}, "srv"), "::1", "hostkey srv")
check_eq(hostkey2hostinfo("10.0.0.1@10"), {host = "10.0.0.1", vlan = 10}, "hostkey2hostinfo")
check_eq(hostkey2hostinfo("10.0.0.1"), {host = "10.0.0.1", vlan = 0}, "hostkey2hostinfo no vlan")
check_eq(hostkey2hostinfo("fe80::1@5"), {host = "fe80::1", vlan = 5}, "hostkey2hostinfo v6")
for _, key in ipairs({"10.0.0.1", "10.0.0.1@10", "fe80::1@5", "2001:db8::1",
                      "aa:bb:cc:dd:ee:ff@2"}) do
    check_eq(hostinfo2hostkey(hostkey2hostinfo(key)), key, "hostkey round trip " .. key)
end
check_eq(hostinfo2hostkey(hostkey2hostinfo("10.0.0.1@0")), "10.0.0.1", "round trip drops @0")
check(isHostKey("10.0.0.1@3") and isHostKey("10.0.0.1") and isHostKey("::1@2"), "isHostKey")
check(not isHostKey("foo@3") and not isHostKey("10.0.0.1@x") and not isHostKey("1@2@3"),
      "isHostKey bad")
check_eq(stripVlan("10.0.0.1@3"), "10.0.0.1", "stripVlan")
check_eq(stripVlan("host@name"), "host@name", "stripVlan not a vlan")
check_eq(host2member("10.0.0.1", 0), "10.0.0.1/32@0", "host2member v4")
check_eq(host2member("::1", 2), "::1/128@2", "host2member v6")
check_eq(host2member("10.0.0.0", 1, 24), "10.0.0.0/24@1", "host2member prefix")
check_eq(member2visual("10.0.0.1/32@0"), "10.0.0.1", "member2visual host")
check_eq(member2visual("10.0.0.0/24@5"), "10.0.0.0/24@5", "member2visual net")
check_eq(member2visual("::1/128@2"), "::1@2", "member2visual v6")
check_eq(checkPoolMember("10.0.0.1", true), "10.0.0.1/32@0", "checkPoolMember relaxed")
check_eq(checkPoolMember("10.0.0.1"), nil, "checkPoolMember strict")
check_eq(checkPoolMember("10.0.0.0/24@2"), "10.0.0.0/24@2", "checkPoolMember cidr")
check_eq(checkPoolMember("10.0.0.0/33@2"), nil, "checkPoolMember bad prefix")
check_eq(checkPoolMember("aa:bb:cc:dd:ee:ff"), "aa:bb:cc:dd:ee:ff", "checkPoolMember mac")
check_eq(checkPoolMember("@1"), nil, "checkPoolMember no address")
check_eq(checkPoolMember("fe80::/64@0"), "fe80::/64@0", "checkPoolMember v6")
check(isValidPoolMember("10.0.0.1", true) and not isValidPoolMember("foo@1"), "isValidPoolMember")
check_eq(fixPoolMemberFormat("::1"), "::1/128@0", "fixPoolMemberFormat")

-- ##############################################
-- Protocols
-- ##############################################

check_eq({l4_proto_to_string(6)}, {"TCP", "tcp"}, "l4_proto_to_string 6")
check_eq(l4_proto_to_string(58), "IPv6-ICMP", "l4_proto_to_string 58")
check_eq(l4_proto_to_string(250), "250", "l4_proto_to_string unknown")
check_eq(l4_proto_to_string("tcp"), "tcp", "l4_proto_to_string name")
check_eq(l4_proto_to_string(nil), "", "l4_proto_to_string nil")
check_eq(l4_proto_to_id("UDP"), 17, "l4_proto_to_id label")
check_eq(l4_proto_to_id("udp"), 17, "l4_proto_to_id key")
check(l4_proto_list().TCP == 6 and l4_proto_list().IP == nil, "l4_proto_list")
check_eq(l4Label("tcp"), "TCP", "l4Label")
check_eq(l4Label("foo"), "Foo", "l4Label unknown")
check_eq(TCPFlags2table(0x12),
         {FIN = 0, SYN = 1, RST = 0, PSH = 0, ACK = 1, URG = 0, ECE = 0, CWR = 0},
         "TCPFlags2table")

-- ##############################################
-- Without the probe
-- ##############################################

check_eq(getHostAltName("1.2.3.4"), "", "getHostAltName without probe")
check_eq(hostinfo2label({host = "1.2.3.4", vlan = 2}, true), "1.2.3.4@2", "hostinfo2label ip")
check_eq(hostinfo2label({host = "1.2.3.4", name = "printer"}), "printer", "hostinfo2label name")
check_eq(ip2label("1.2.3.4", 0), "1.2.3.4", "ip2label")
check_eq(mac2label("aa:bb:cc:dd:ee:ff"), "aa:bb:cc:dd:ee:ff", "mac2label")
check_eq(getInterfaceName(0), "", "getInterfaceName without probe")
check_eq(getInterfaceId("eth0"), -1, "getInterfaceId without probe")
check_eq(getInterfaceName(-1), "__system__", "getInterfaceName system")
check_eq(getSystemInterfaceId(), "-1", "getSystemInterfaceId")

-- ##############################################
-- With a mocked probe (globals set after loading: lookups must be lazy)
-- ##############################################

do
    local cache = {["ntopng.cache.host_labels.1.2.3.4"] = "nas",
                   ["ntopng.cache.host_labels.aa:bb:cc:dd:ee:ff"] = "printer"}
    local events = {}
    ntop = {
        getCache = function(k)
            return cache[k] or ""
        end,
        getPref = function(k)
            return (k == "ntopng.prefs.max_ui_strlen") and "5" or ""
        end,
        getResolvedName = function(ip)
            return (ip == "8.8.8.8") and "DNS.GOOGLE" or ip
        end,
        traceEvent = function(level, file, line, msg)
            events[#events + 1] = {level, file, msg}
        end,
    }
    interface = {
        getIfNames = function()
            return {["0"] = "eth0", ["1"] = "lo"}
        end,
        getAddressInfo = function(ip)
            return {is_broadcast = (ip == "10.0.0.255")}
        end,
    }

    check_eq(getHostAltName("1.2.3.4"), "nas", "getHostAltName alias")
    check_eq(getHostAltName({host = "1.2.3.4", vlan = 3}), "nas", "getHostAltName table")
    check_eq(getHostAltName("9.9.9.9"), "", "getHostAltName none")
    check_eq(hostinfo2label({host = "1.2.3.4", vlan = 3}, true), "nas@3", "hostinfo2label alias")
    check_eq(hostinfo2label({host = "1.2.3.4", label = "lbl"}), "lbl", "hostinfo2label label")
    check_eq(hostinfo2label({host = "8.8.8.8"}), "dns.google", "hostinfo2label resolved")
    check_eq(hostinfo2label({host = "8.8.8.8"}, false, false, true), "8.8.8.8",
             "hostinfo2label skip resolution")
    check_eq(hostinfo2label({host = "10.1.1.1", name = "a-very-long-name"}, false, 6),
             "a-very\u{2026}", "hostinfo2label shortened")
    check_eq(hostinfo2label({host = "10.1.1.1", mac = "aa:bb:cc:dd:ee:ff", dhcpHost = true}),
             "printer", "hostinfo2label mac alias")
    check_eq(ip2label("1.2.3.4", 2), "nas@2", "ip2label alias")
    check_eq(mac2label("aa:bb:cc:dd:ee:ff"), "printer", "mac2label alias")
    check_eq(shortenString("abcdefgh"), "abcde\u{2026}", "shortenString pref length")
    check_eq(getInterfaceName(0), "eth0", "getInterfaceName")
    check_eq(getInterfaceName("1"), "lo", "getInterfaceName string id")
    check_eq(getInterfaceId("lo"), 1, "getInterfaceId")
    check_eq(getInterfaceId("none"), -1, "getInterfaceId unknown")
    check(isBroadcastMulticast("10.0.0.255"), "isBroadcastMulticast via probe")
    check(not isBroadcastMulticast("224.0.0.1"), "isBroadcastMulticast probe decides")

    traceError(TRACE_ERROR, TRACE_CONSOLE, "boom")
    traceError(TRACE_DEBUG, TRACE_CONSOLE, "hidden")
    check_eq(#events, 1, "traceError filters by TRACE_LEVEL")
    check_eq(events[1], {0, "test_lua_utils.lua", "boom"}, "traceError forwards to ntop")

    ntop, interface = nil, nil
end

-- ##############################################
-- JSON data (dkjson) through the helpers
-- ##############################################

do
    local host = json.decode([[{"ip": "192.168.1.10", "vlan": 7, "bytes.sent": 1536,
                                "packets.sent": 1234567, "names": {"dhcp": "pc"}}]])
    check_eq(hostinfo2hostkey(host), "192.168.1.10@7", "JSON host key")
    check_eq(bytesToSize(host["bytes.sent"]), "1.5 KB", "JSON bytes")
    check_eq(formatPackets(host["packets.sent"]), "1,234,567 Pkts", "JSON packets")
    check_eq(T.capture(tprint, host),
             " table\nbytes.sent number 1536\nip string 192.168.1.10\nnames table\n" ..
                 "names.dhcp string pc\npackets.sent number 1234567\nvlan number 7\n",
             "tprint of decoded JSON")
    local copy = table.clone(host)
    check_eq(json.encode(copy, {keyorder = {"ip", "vlan"}}):sub(1, 31),
             '{"ip":"192.168.1.10","vlan":7,"', "JSON re-encode of clone")
end

T.done()
