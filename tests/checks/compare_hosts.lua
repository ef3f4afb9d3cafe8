-- --run-script after the capture: every host was visited by the host scripts, and the
-- accessors at the last run (the end of the file) equal interface.getHostInfo.
local C = require "checklib"

local last = {}
for _, l in ipairs(C.read_lines("hosts")) do
    local key, rec = l:match("^([^\t]+)\t(.*)$")
    last[key] = rec
end
local hosts = interface.getHostsInfo(false).hosts
local n, seen, mismatches = 0, 0, 0
for key in pairs(hosts) do
    n = n + 1
    local info = interface.getHostInfo(key)
    local want = C.host_record_from_info(info)
    if last[key] then seen = seen + 1 end
    if last[key] ~= want then
        mismatches = mismatches + 1
        if mismatches <= 3 then print(key .. "\n  accessors: " .. tostring(last[key]) .. "\n  info:      " .. want) end
    end
end
-- --blacklist tests/checks/blacklist.txt: the oracle is the file's content, by hand
local listed, bl_ok = 0, true
for key, rec in pairs(last) do
    local ip = key:match("^[^@]+")
    local want = ip == "192.168.1.93" or ip:match("^13%.224%.102%.%d+$") ~= nil
    if want then listed = listed + 1 end
    bl_ok = bl_ok and rec:find('["is_blacklisted"]=' .. tostring(want), 1, true) ~= nil
end
C.check(listed > 1 and bl_ok, "host.is_blacklisted follows --blacklist (" .. listed .. " listed)")

local visited = 0
for _ in pairs(last) do visited = visited + 1 end
C.check(n > 0, "the capture has hosts (" .. n .. ")")
C.check(visited == n and seen == n, "host scripts visited every host (" .. visited .. ")")
C.check(mismatches == 0, "host.* equal getHostInfo for every host (" .. mismatches .. " mismatches)")
local five, five_once = C.read_lines("hosts5"), {}
for _, k in ipairs(five) do five_once[k] = (five_once[k] or 0) + 1 end
local five_ok = #five == n
for key in pairs(hosts) do five_ok = five_ok and five_once[key] == 1 end
C.check(five_ok, "host/5minute/ scripts: one run per host in a capture under 5 minutes (" .. #five .. ")")
C.done()
