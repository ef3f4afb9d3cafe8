--
-- dump.lua - print, as one JSON document, what the probe knows about the capture it just
-- replayed: interface counters, every host and every flow, with ntopng's key names.
--
--   ntop-probe -i FILE [-m NETS] --shutdown-when-done --run-script tests/pcap/dump.lua
--
-- Read by tests/pcap/oracle_check.py. Only the keys the oracles compare are copied, so the
-- document stays small on large captures (synflood.pcap: 37,669 flows, two pages). A
-- binding missing from the build is reported under "missing" instead of failing the
-- script, so the interface checks still run.
--

local json = require "dkjson"

local out = {missing = {}}

local function pick(src, keys)
   local t = {}
   for _, k in ipairs(keys) do
      t[k] = src[k]
   end
   return t
end

-- interface.getStats() -------------------------------------------------------------------
local s = interface.getStats()
out.stats = pick(s.stats or {}, {"packets", "bytes", "flows", "hosts", "local_hosts",
                                 "new_flows", "drops", "current_macs", "devices"})

-- hosts ----------------------------------------------------------------------------------
local HOST_KEYS = {"ip", "vlan", "bytes.sent", "bytes.rcvd", "packets.sent", "packets.rcvd",
                   "localhost", "is_broadcast", "is_multicast",
                   "tcp.bytes.sent", "tcp.bytes.rcvd", "tcp.packets.sent", "tcp.packets.rcvd",
                   "udp.bytes.sent", "udp.bytes.rcvd", "udp.packets.sent", "udp.packets.rcvd"}

if type(interface.getHostsInfo) == "function" then
   local hosts = {}
   local skip, page = 0, 32768  -- ntopng caps a page at CONST_MAX_NUM_HITS
   while true do
      local r = interface.getHostsInfo(true, "column_ip", page, skip, true)
      local n = 0
      for _, h in pairs((r and r.hosts) or {}) do
         hosts[#hosts + 1] = pick(h, HOST_KEYS)
         n = n + 1
      end
      skip = skip + n
      if n < page or (r and r.numHosts and skip >= r.numHosts) then
         break
      end
   end
   out.hosts = hosts
else
   out.missing[#out.missing + 1] = "interface.getHostsInfo"
end

-- flows ----------------------------------------------------------------------------------
local FLOW_KEYS = {"cli.ip", "srv.ip", "cli.port", "srv.port", "vlan", "proto.l4",
                   "proto.l4_id", "proto.ndpi", "cli2srv.packets", "srv2cli.packets",
                   "cli2srv.bytes", "srv2cli.bytes", "bytes", "packets"}

if type(interface.getFlowsInfo) == "function" then
   local flows = {}
   local skip, page = 0, 32768  -- ntopng caps a page at CONST_MAX_NUM_HITS
   while true do
      local r = interface.getFlowsInfo(nil, {maxHits = page, toSkip = skip,
                                             detailedResults = true})
      local n = 0
      for _, f in pairs((r and r.flows) or {}) do
         flows[#flows + 1] = pick(f, FLOW_KEYS)
         n = n + 1
      end
      skip = skip + n
      if n < page or (r and r.numFlows and skip >= r.numFlows) then
         break
      end
   end
   out.flows = flows
else
   out.missing[#out.missing + 1] = "interface.getFlowsInfo"
end

print(json.encode(out))
