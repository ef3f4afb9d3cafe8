-- interface.* selection, counters, nDPI and local networks, run inside the probe on two
-- interfaces: 0 = test_01.pcap (-m 192.168.1.0/24), 1 = a second capture.
-- Oracles: ntopng's own figures for test_01 (shared/ntopng-conventions.md), capinfos
-- figures passed in by the test driver, and consistency with the flow list.
local T = require "testlib"

local expect1_packets = tonumber(os.getenv("NTOP_EXPECT_PACKETS_1"))
local expect1_bytes = tonumber(os.getenv("NTOP_EXPECT_BYTES_1"))

-- Selection ---------------------------------------------------------------------------
local names = interface.getIfNames()
T.check_eq(type(names), "table", "getIfNames is a table")
T.check(names["0"] and names["0"]:match("test_01%.pcap$"), "interface 0 is test_01.pcap")
T.check(names["1"] ~= nil, "interface 1 exists")
T.check_eq(names[0], nil, "getIfNames keys are strings")
T.check_eq(interface.getFirstInterfaceId(), 0, "first interface id")
T.check_eq(math.type(interface.getFirstInterfaceId()), "integer", "id is an integer")
T.check_eq(interface.isValidIfId(0), true, "id 0 valid")
T.check_eq(interface.isValidIfId("1"), true, "id '1' valid")
T.check_eq(interface.isValidIfId(2), false, "id 2 invalid")
T.check_eq(interface.isValidIfId("eth0"), false, "non-numeric id invalid")
T.check_error(function() interface.isValidIfId({}) end, "isValidIfId rejects a table")

T.check_eq(interface.select("1"), nil, "select returns nil")
T.check_eq(interface.getId(), 1, "select by numeric string")
interface.select(names["0"])
T.check_eq(interface.getId(), 0, "select by name")
T.check_eq(interface.getName(), names["0"], "getName")
interface.select(1)
T.check_eq(interface.getName(), names["1"], "select by number")
T.check_error(function() interface.select(true) end, "select rejects a boolean")
interface.select("no-such-interface")
T.check_error(function() interface.getStats() end, "calls fail after selecting nothing")
local ok, err = pcall(interface.getNumFlows)
T.check(not ok and tostring(err):find("no interface selected"), "clear error: " .. tostring(err))

-- Counters on test_01 -----------------------------------------------------------------
interface.select(0)
local s = interface.getStats()
T.check_eq(s.id, 0, "stats.id")
T.check_eq(s.name, names["0"], "stats.name")
T.check_eq(s.type, "pcap dump", "a file is a pcap dump")
T.check_eq(s.stats.packets, 4999, "ntopng: 4999 packets")
T.check_eq(s.stats.bytes, 3744413, "ntopng: 3,744,413 bytes (frames + 24 each)")
T.check_eq(s.stats.flows, 177, "ntopng: 177 flows")
T.check_eq(s.stats.hosts, 42, "ntopng: 42 hosts")
T.check_eq(s.stats.local_hosts, 4, "ntopng: 4 local hosts")
T.check_eq(s.stats.current_macs, 4, "ntopng: 4 MACs")
T.check_eq(s.stats.drops, 0, "no drops reading a file")
T.check_eq(s.stats_since_reset.packets, 4999, "stats_since_reset.packets")
for _, k in ipairs({"packets", "bytes", "flows", "hosts", "local_hosts", "drops", "new_flows",
                    "devices", "current_macs"}) do
   T.check_eq(math.type(s.stats[k]), "integer", "stats." .. k .. " is an integer")
end
T.check_eq(s.eth.IPv4_packets, 4999, "every frame of test_01 is IPv4")
T.check_eq(s.eth.bytes, 3744413, "eth.bytes")
T.check_eq(s["arp.requests"], 0, "no ARP in test_01")
T.check_eq(s.vlan, false, "no VLAN tags in test_01")
T.check_eq(s.has_macs, true, "Ethernet has MACs")
T.check_eq(s.stats["tcp.packets.rcvd"] + s.stats["udp.packets.rcvd"], 4999, "TCP + UDP packets")
T.check_eq(s.stats["udp.packets.rcvd"], 90, "90 UDP packets (tshark: dns frames:90)")
T.check_eq(interface.getNumFlows(), 177, "getNumFlows")
T.check_eq(interface.getNumHosts(), 42, "getNumHosts")
T.check_eq(interface.getNumLocalHosts(), 4, "getNumLocalHosts")
local nostats = interface.getStats(false)
T.check_eq(nostats.ndpi, nil, "getStats(false) skips the nDPI tables")
T.check(s.ndpi ~= nil and s.ndpi_categories ~= nil, "getStats() has the nDPI tables")
T.check_error(function() interface.getStats("yes") end, "getStats rejects a string")

-- nDPI ----------------------------------------------------------------------------------
local flows = interface.getFlowsInfo(nil, {maxHits = 10000}).flows
local flow_bytes, flow_pkts = 0, 0
for _, f in ipairs(flows) do
   flow_bytes = flow_bytes + f.bytes
   flow_pkts = flow_pkts + f.packets
end
local n = interface.getnDPIStats()
local ndpi_bytes, ndpi_pkts, ndpi_flows = 0, 0, 0
for name, p in pairs(n.ndpi) do
   T.check_eq(type(p.breed), "string", name .. " has a breed")
   for _, k in ipairs({"bytes.sent", "bytes.rcvd", "packets.sent", "packets.rcvd", "num_flows", "duration"}) do
      T.check_eq(math.type(p[k]), "integer", name .. " " .. k .. " is an integer")
   end
   ndpi_bytes = ndpi_bytes + p["bytes.sent"] + p["bytes.rcvd"]
   ndpi_pkts = ndpi_pkts + p["packets.sent"] + p["packets.rcvd"]
   ndpi_flows = ndpi_flows + p.num_flows
end
T.check_eq(ndpi_bytes, flow_bytes, "nDPI bytes add up to the flows' bytes")
T.check_eq(ndpi_pkts, flow_pkts, "nDPI packets add up to the flows' packets")
T.check_eq(ndpi_flows, 177, "every flow is counted under one protocol")
T.check_eq(n.ndpi.DNS.num_flows, 45, "45 DNS flows (every transaction is a flow)")
local cat_bytes = 0
for name, c in pairs(n.ndpi_categories) do
   T.check_eq(math.type(c.category), "integer", name .. " category id")
   T.check_eq(c.bytes, c["bytes.sent"] + c["bytes.rcvd"], name .. " bytes = sent + rcvd")
   cat_bytes = cat_bytes + c.bytes
end
T.check_eq(cat_bytes, flow_bytes, "categories add up to the flows' bytes")

T.check_eq(interface.getnDPIProtoId("HTTP"), 7, "HTTP is nDPI id 7")
T.check_eq(interface.getnDPIProtoId("http"), 7, "names are case-insensitive")
T.check_eq(interface.getnDPIProtoId("NoSuchProtocol"), 0, "unknown name is 0")
T.check_eq(interface.getnDPIProtoName(7), "HTTP", "id 7 is HTTP")
T.check_eq(interface.getnDPIProtoName(91), "TLS", "id 91 is TLS")
T.check_eq(interface.getnDPIProtoName(65535), "Host-to-Host Contact", "ntopng's special id")
T.check_error(function() interface.getnDPIProtoName("seven") end, "getnDPIProtoName wants a number")
T.check_eq(interface.getnDPICategoryName(5), "Web", "category 5 is Web")
T.check_eq(interface.getnDPICategoryName(100000), "Invalid category 100000", "out of range")
local protos = interface.getnDPIProtocols()
T.check_eq(protos.HTTP, "7", "getnDPIProtocols: ids are strings")
T.check_eq(protos.DNS, "5", "DNS listed")
local no_critical = interface.getnDPIProtocols(nil, true)
T.check_eq(no_critical.DNS, nil, "skip_critical drops DNS")
T.check_eq(no_critical.DHCP, nil, "skip_critical drops DHCP")
local web = interface.getnDPIProtocols(5)
T.check_eq(web.HTTP, "7", "HTTP is a Web protocol")
T.check_eq(web.DNS, nil, "DNS is not a Web protocol")
T.check_eq(interface.getnDPIProtocols(100000), nil, "category out of range gives nil")
local cats = interface.getnDPICategories()
T.check_eq(cats.Web, "5", "getnDPICategories maps names to id strings")

-- Local networks --------------------------------------------------------------------------
local nets = interface.getNetworksStats()
local lan = nets["192.168.1.0/24"]
T.check(lan ~= nil, "192.168.1.0/24 has traffic")
T.check_eq(lan.network_id, 0, "network_id")
T.check_eq(lan.network_key, "192.168.1.0/24", "network_key")
T.check_eq(lan.num_hosts, 4, "4 unicast hosts in the LAN")
-- Independent rebuild from the flow list: a flow's client-to-server bytes leave the
-- client's network and enter the server's; within one network they are inner.
local function in_lan(ip) return ip:match("^192%.168%.1%.") ~= nil end
local ingress, egress, inner = 0, 0, 0
for _, f in ipairs(flows) do
   local c, v = in_lan(f["cli.ip"]), in_lan(f["srv.ip"])
   if c and v then
      inner = inner + f.bytes
   else
      if c then egress = egress + f["cli2srv.bytes"]; ingress = ingress + f["srv2cli.bytes"] end
      if v then ingress = ingress + f["cli2srv.bytes"]; egress = egress + f["srv2cli.bytes"] end
   end
end
T.check_eq(lan.ingress, ingress, "ingress = traffic into the LAN")
T.check_eq(lan.egress, egress, "egress = traffic out of the LAN")
T.check_eq(lan.inner, inner, "inner = traffic within the LAN")
T.check_eq(lan["bytes.sent"], egress + inner, "bytes.sent = egress + inner")
local one = interface.getNetworkStats(0)
T.check_eq(one["192.168.1.0/24"].ingress, lan.ingress, "getNetworkStats(0)")
T.check_eq(next(interface.getNetworkStats(7)), nil, "unknown network id: empty table")
T.check_error(function() interface.getNetworkStats("zero") end, "getNetworkStats wants a number")

-- The second interface keeps its own tables --------------------------------------------
interface.select(1)
local s1 = interface.getStats()
T.check_eq(s1.id, 1, "interface 1 id")
if expect1_packets then
   T.check_eq(s1.stats.packets, expect1_packets, "interface 1 packets = capinfos")
   T.check_eq(s1.stats.bytes, expect1_bytes + 24 * expect1_packets, "interface 1 bytes = capinfos + 24/packet")
end
T.check(s1.stats.flows ~= 177, "interface 1 has its own flows")
interface.select(0)
T.check_eq(interface.getStats().stats.packets, 4999, "interface 0 unchanged")

T.done()
