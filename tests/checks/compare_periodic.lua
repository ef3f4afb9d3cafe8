-- --run-script: the periodic scripts ran once per period boundary the capture clock crossed
-- plus once for the period in progress at the end of the file; the oracle is capinfos'
-- first and last packet times (NTOP_FIRST / NTOP_LAST, epoch seconds).
local C = require "checklib"

local first, last = tonumber(os.getenv("NTOP_FIRST")), tonumber(os.getenv("NTOP_LAST"))
local function expected(secs) return last // secs - first // secs + 1 end
local mins = expected(60)
C.check(mins > 3, "the capture spans several minutes (" .. mins .. " minute periods)")
for p, secs in pairs({minute = 60, ["5minute"] = 300, hourly = 3600, daily = 86400}) do
    local lines = C.read_lines(p)
    local same_if = true
    for _, l in ipairs(lines) do same_if = same_if and l == "0" end
    C.check(#lines == expected(secs) and same_if,
            p .. " interface scripts: " .. #lines .. " runs, expected " .. expected(secs))
end
C.check(#C.read_lines("system") == mins, "system minute scripts: " .. #C.read_lines("system"))

-- host scripts with skipVisitedHost(): each host exactly once, and it was its first run
local per_host, all_first = {}, true
for _, l in ipairs(C.read_lines("skip")) do
    local key, first_run = l:match("^([^\t]+)\t(.*)$")
    per_host[key] = (per_host[key] or 0) + 1
    all_first = all_first and first_run == "true"
end
local hosts, once = 0, true
for key in pairs(interface.getHostsInfo(false).hosts) do
    hosts = hosts + 1
    once = once and per_host[key] == 1
end
C.check(hosts > 0 and once, "skipVisitedHost: each of the " .. hosts .. " hosts visited once")
C.check(all_first, "isFirstCheckRun is true on the first visit")
C.check(#C.read_lines("skip_argerr") == 0, "wrong argument types raise in host.skipVisitedHost")

-- network scripts: the selected network is one with traffic
local nets = interface.getNetworksStats()
local nlines, nok = C.read_lines("network"), true
for _, l in ipairs(nlines) do
    local key, id = l:match("^([^\t]+)\t(%d+)$")
    nok = nok and nets[key] ~= nil and nets[key].network_id == tonumber(id)
end
C.check(#nlines >= 1 and nok, "network scripts ran with network.* bound (" .. #nlines .. " runs)")
C.check(#C.read_lines("fperiodic") >= 1, "flow periodic scripts ran for long flows (" ..
            #C.read_lines("fperiodic") .. ")")
C.done()
