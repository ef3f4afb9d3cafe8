-- Inside the probe: the host pages that tests/hostpage/run.sh asks with rpc_probe_client (no
-- Call.accept_records: the generic value tree), as the same flat "path = type:value" lines it
-- prints, one file per call in $NTOP_PAGES_DIR/inprobe_<name>.txt.
local dir = assert(os.getenv("NTOP_PAGES_DIR"), "NTOP_PAGES_DIR is not set")

local flatlines = require "flatlines"

local function dump(name, f, ...)
   flatlines.dump(dir .. "/inprobe_" .. name .. ".txt", f, ...)
end

-- The same calls as run.sh's generic_pages.
interface.select(0)
dump("g_traffic", interface.getHostsInfo, true, "column_traffic", 50, 5, false)
dump("g_local", interface.getLocalHostsInfo, false, "column_ip", 20, 0, true)
dump("g_remote", interface.getRemoteHostsInfo, true, "column_name", 1000, 0, true)
dump("g_array", interface.getHostsInfo, true, "column_ip", 10, 0, true, nil, nil, nil, nil, nil,
     nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, true)
print("END")
