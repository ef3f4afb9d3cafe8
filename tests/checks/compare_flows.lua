-- --run-script after the capture: every flow was seen once at detection and once at its
-- end, and the accessors at the end equal what interface.getFlowsInfo says of the flow.
local C = require "checklib"

local all = interface.getFlowsInfo(nil, {detailedResults = true, maxHits = 1000000})
local n = interface.getNumFlows()
local detected, ended = C.read_lines("detected"), C.read_lines("end")
C.check(n > 0, "the capture has flows (" .. n .. ")")
C.check(all.numFlows == n, "getFlowsInfo and getNumFlows agree")
C.check(#detected == n, "protocol-detected scripts ran once per flow (" .. #detected .. ")")
C.check(#ended == n, "flow-end scripts ran once per flow (" .. #ended .. ")")

local want = {}
for _, fl in ipairs(all.flows) do
    local r = C.flow_record_from_info(fl)
    want[r] = (want[r] or 0) + 1
end
local mismatches = 0
for _, r in ipairs(ended) do
    if (want[r] or 0) > 0 then
        want[r] = want[r] - 1
    else
        mismatches = mismatches + 1
        if mismatches <= 3 then print("accessors: " .. r) end
    end
end
C.check(mismatches == 0, "flow.* at the end equal getFlowsInfo for every flow (" .. mismatches ..
            " mismatches)")
local st = ntop.getFlowChecksStats()
C.check(st["flow/end/record.lua"] and st["flow/end/record.lua"].stats.calls == n and
            st["flow/end/record.lua"].stats.errors == 0, "getFlowChecksStats counts the runs")
C.done()
