-- Inside the probe (--run-script): writes the same flat "path = type:value" lines that
-- rpc_probe_client prints, for the calls the RPC tests repeat remotely, into
-- $NTOP_RPC_TEST_DIR/inprobe_<name>.txt; then prints END (the probe goes on serving).
local dir = assert(os.getenv("NTOP_RPC_TEST_DIR"), "NTOP_RPC_TEST_DIR is not set")

local flatlines = require "flatlines"

local function dump(name, f, ...)
   flatlines.dump(dir .. "/inprobe_" .. name .. ".txt", f, ...)
end

-- The names match run_rpc_tests.sh; every call runs with interface 0 selected unless noted.
interface.select(0)
dump("stats", interface.getStats)
dump("ifnames", interface.getIfNames)
dump("hosts", interface.getHostsInfo)
dump("flows", interface.getFlowsInfo)
dump("host", interface.getHostInfo, "192.168.1.93")
dump("ndpi", interface.getnDPIStats)
dump("networks", interface.getNetworksStats)
dump("md5", ntop.md5, "a\0b\255")
dump("bitmap", ntop.bitmapSet, math.mininteger, 0)
interface.select(1)
dump("stats1", interface.getStats)
print("END")
