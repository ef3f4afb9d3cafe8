-- The demo's report: what the probe learnt from a capture, through the ntopng Lua API.
-- Runs with `ntop-probe --demo`, or on any capture:
--   ntop-probe -i FILE -m NETS --shutdown-when-done --run-script summary.lua
local dirs = ntop.getDirs()
package.path = dirs.installdir .. "/scripts/lua/modules/?.lua;" .. package.path
require "lua_utils"

local function line(ch) print(string.rep(ch or "-", 78)) end

local function pad(s, n)
   s = tostring(s)
   if #s > n then return s:sub(1, n - 1) .. "~" end
   return s .. string.rep(" ", n - #s)
end

local function lpad(s, n)
   s = tostring(s)
   return string.rep(" ", n - #s) .. s
end

for id, name in pairsByKeys(interface.getIfNames(), asc) do
   interface.select(name)
   local st = interface.getStats()
   local s = st.stats

   line("=")
   print(string.format("Interface %s: %s", id, name))
   line("=")
   print(string.format("%-22s %s", "Packets", formatPackets(s.packets)))
   print(string.format("%-22s %s", "Bytes (on the wire)", bytesToSize(s.bytes)))
   print(string.format("%-22s %s", "Flows", formatValue(s.flows)))
   print(string.format("%-22s %s (%s local)", "Hosts", formatValue(s.hosts), formatValue(s.local_hosts)))
   print(string.format("%-22s %s (%s devices)", "MAC addresses", formatValue(s.current_macs), formatValue(s.devices)))
   print(string.format("%-22s %s requests, %s replies", "ARP", formatValue(st["arp.requests"]), formatValue(st["arp.replies"])))
   print(string.format("%-22s %s IPv4, %s IPv6 packets", "IP", formatValue(st.eth.IPv4_packets), formatValue(st.eth.IPv6_packets)))

   print()
   print("Top hosts by traffic")
   line()
   print(pad("Host", 28) .. pad("Name", 22) .. lpad("Sent", 10) .. lpad("Received", 11) .. lpad("Flows", 7))
   local hosts = interface.getHostsInfo(false, "column_traffic", 10, 0, false)
   local function traffic(h) return h["bytes.sent"] + h["bytes.rcvd"] end
   for _, h in pairsByValues(hosts.hosts, function(a, b) return traffic(a) > traffic(b) end) do
      local key = hostinfo2hostkey(h)
      local flag = h.localhost and " (local)" or ""
      print(pad(key .. flag, 28) .. pad(h.name or "", 22) .. lpad(bytesToSize(h["bytes.sent"]), 10)
            .. lpad(bytesToSize(h["bytes.rcvd"]), 11)
            .. lpad((h["active_flows.as_client"] or 0) + (h["active_flows.as_server"] or 0), 7))
   end

   print()
   print("Top flows by traffic")
   line()
   print(pad("Client", 24) .. pad("Server", 24) .. pad("Protocol", 18) .. lpad("Bytes", 10))
   local flows = interface.getFlowsInfo(nil, {sortColumn = "column_bytes", a2zSortOrder = false, maxHits = 10})
   for _, f in ipairs(flows.flows) do
      local cli = f["cli.ip"] .. ":" .. f["cli.port"]
      local srv = f["srv.ip"] .. ":" .. f["srv.port"]
      local proto = f["proto.ndpi"]
      if f["host_server_name"] then proto = proto .. " " .. f["host_server_name"] end
      print(pad(cli, 24) .. pad(srv, 24) .. pad(proto, 18) .. lpad(bytesToSize(f.bytes), 10))
   end

   print()
   print("Application protocols")
   line()
   print(pad("Protocol", 20) .. pad("Breed", 14) .. lpad("Flows", 7) .. lpad("Packets", 10) .. lpad("Bytes", 12))
   local ndpi = interface.getnDPIStats().ndpi
   local function total(p) return p["bytes.sent"] + p["bytes.rcvd"] end
   for name, p in pairsByValues(ndpi, function(a, b) return total(a) > total(b) end) do
      print(pad(name, 20) .. pad(p.breed, 14) .. lpad(p.num_flows, 7)
            .. lpad(formatValue(p["packets.sent"] + p["packets.rcvd"]), 10) .. lpad(bytesToSize(total(p)), 12))
   end

   local nets = interface.getNetworksStats()
   if next(nets) then
      print()
      print("Local networks")
      line()
      print(pad("Network", 24) .. lpad("Hosts", 7) .. lpad("Ingress", 12) .. lpad("Egress", 12) .. lpad("Inner", 12))
      for name, n in pairsByKeys(nets, asc) do
         print(pad(name, 24) .. lpad(n.num_hosts, 7) .. lpad(bytesToSize(n.ingress), 12)
               .. lpad(bytesToSize(n.egress), 12) .. lpad(bytesToSize(n.inner), 12))
      end
   end
   print()
end
