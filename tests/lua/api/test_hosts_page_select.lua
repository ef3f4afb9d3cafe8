--
-- test_hosts_page_select.lua - interface.getHostsInfo pages against a full sort: a page is
-- selected without sorting every host (a partial selection when offset + perPage is less
-- than half of the hosts), so every page must equal the same slice of the full ordering
-- (a request for all hosts, which sorts them all), for several sort columns, offsets, page
-- sizes and both orders. Run inside the probe on a capture with many hosts (ctest: synflood.pcap, 12,541 hosts):
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i synflood.pcap --shutdown-when-done \
--       --run-script tests/lua/api/test_hosts_page_select.lua
--

local T = require "testlib"

local function page(col, max_hits, skip, a2z)
    local r = interface.getHostsInfo(false, col, max_hits, skip, a2z, nil, nil, nil, nil, nil,
                                     nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, true)
    local keys = {}
    for i, h in ipairs(r.hosts) do
        keys[i] = h.ip .. "@" .. tostring(h.vlan)
    end
    return keys, r.numHosts
end

local columns = {"column_ip", "column_traffic", "column_since", "column_last", "column_thpt",
                 "column_num_flows", "column_name", "column_local_network", "column_asn"}
local total
for _, col in ipairs(columns) do
    for _, a2z in ipairs({true, false}) do
        local full, n = page(col, 1000000, 0, a2z)
        total = n
        T.check(#full == n, col .. ": the full list has every host")
        for _, pp in ipairs({1, 3, 10, 25, 100}) do
            for _, skip in ipairs({0, 1, 7, 50, n // 3, n - 5}) do
                if skip >= 0 then
                    local got = page(col, pp, skip, a2z)
                    local ok = #got == math.max(0, math.min(pp, n - skip))
                    for i = 1, #got do
                        if got[i] ~= full[skip + i] then
                            ok = false
                            break
                        end
                    end
                    T.check(ok, string.format("%s a2z=%s perPage=%d offset=%d equals the full sort",
                                              col, tostring(a2z), pp, skip))
                end
            end
        end
    end
end
T.check(total and total >= 200, "the capture has many hosts (" .. tostring(total) .. ")")
T.done()
