--
-- test_interface_flows.lua - interface.getFlowsInfo (host arguments, paginator, detail
-- levels, sort columns) and interface.getFlowsStats, run inside the probe:
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i test_01.pcap -m 192.168.1.0/24 \
--       --shutdown-when-done --run-script tests/lua/api/test_interface_flows.lua
--
-- Oracles: the capture itself, read here with a small pcap reader (per conversation:
-- packets, bytes as ntopng counts them, first/last second, the SYN sender), ntopng's flow
-- count for test_01.pcap (177), and invariants between calls (filters against the full
-- list, paging, sorting, flows vs hosts).
--

local T = require "testlib"

local PCAP = os.getenv("NTOP_TEST_PCAP") or (interface.getName and interface.getName()) or
                 "../shared/pcaps/ntopng-e2e/test_01.pcap"

-- ---------------------------------------------------------------------------- oracle

-- Conversations of an Ethernet/IPv4 capture, keyed "proto|lowEnd|highEnd" (ends as
-- "ip:port"; ports for TCP and UDP only).
local function read_pcap(path)
    local f = assert(io.open(path, "rb"))
    local data = f:read("a")
    f:close()
    local magic = string.unpack("<I4", data, 1)
    local E = magic == 0xa1b2c3d4 and "<" or ">"
    local o = {conv = {}, ip_packets = 0, ip_bytes = 0}
    local pos = 25
    while pos + 16 <= #data do
        local ts, _, caplen, wirelen = string.unpack(E .. "I4I4I4I4", data, pos)
        local p = data:sub(pos + 16, pos + 15 + caplen)
        pos = pos + 16 + caplen
        local l3, ethertype = 15, string.unpack(">I2", p, 13)
        while ethertype == 0x8100 do
            ethertype = string.unpack(">I2", p, l3 + 2)
            l3 = l3 + 4
        end
        if ethertype == 0x0800 and (string.unpack(">I2", p, l3 + 6) & 0x1fff) == 0 then
            local iplen = string.unpack(">I2", p, l3 + 2)
            local ihl = (p:byte(l3) & 0x0f) * 4
            local proto = p:byte(l3 + 9)
            local src = table.concat({p:byte(l3 + 12, l3 + 15)}, ".")
            local dst = table.concat({p:byte(l3 + 16, l3 + 19)}, ".")
            local sport, dport, flags = 0, 0, 0
            if proto == 6 or proto == 17 then
                sport, dport = string.unpack(">I2I2", p, l3 + ihl)
                if proto == 6 then
                    flags = p:byte(l3 + ihl + 13)
                end
            end
            local bytes = math.min(l3 - 1 + iplen, wirelen)
            local a, b = src .. ":" .. sport, dst .. ":" .. dport
            local key = proto .. "|" .. (a < b and a .. "|" .. b or b .. "|" .. a)
            local c = o.conv[key]
            if not c then
                c = {packets = 0, bytes = 0, first = ts, last = ts}
                o.conv[key] = c
            end
            c.packets, c.bytes = c.packets + 1, c.bytes + bytes
            c.first, c.last = math.min(c.first, ts), math.max(c.last, ts)
            if proto == 6 and flags & 0x12 == 0x02 and not c.syn_from then
                c.syn_from = a -- a bare SYN names the client
            end
            o.ip_packets, o.ip_bytes = o.ip_packets + 1, o.ip_bytes + bytes
        end
    end
    return o
end

local O = read_pcap(PCAP)

local function conv_key(fl)
    local a = fl["cli.ip"] .. ":" .. fl["cli.port"]
    local b = fl["srv.ip"] .. ":" .. fl["srv.port"]
    return fl["proto.l4_id"] .. "|" .. (a < b and a .. "|" .. b or b .. "|" .. a)
end

local function ip_num(ip)
    local a, b, c, d = ip:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    return ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
end

local function count(t)
    local n = 0
    for _ in pairs(t) do
        n = n + 1
    end
    return n
end

-- ---------------------------------------------------------------------------- full list

local ALL = interface.getFlowsInfo(nil, {detailedResults = true})
T.check_eq(type(ALL), "table", "getFlowsInfo returns a table")
T.check_num(ALL.numFlows, 177, "numFlows = 177 (ntopng's figure)")
T.check_num(ALL.nextSlot, 0, "nextSlot = 0")
T.check_eq(#ALL.flows, 177, "flows is an array of every flow")
local FLOWS = ALL.flows

-- every flow against the capture
local sums = {}
local shape_ok, dir_ok, proto_ok, tcp_ok = true, true, true, true
local total_bytes, total_packets = 0, 0
for _, fl in ipairs(FLOWS) do
    local k = conv_key(fl)
    local s = sums[k] or {packets = 0, bytes = 0, first = math.maxinteger, last = 0, clients = {}}
    sums[k] = s
    s.packets, s.bytes = s.packets + fl.packets, s.bytes + fl.bytes
    s.first, s.last = math.min(s.first, fl["seen.first"]), math.max(s.last, fl["seen.last"])
    s.clients[fl["cli.ip"] .. ":" .. fl["cli.port"]] = true
    total_bytes, total_packets = total_bytes + fl.bytes, total_packets + fl.packets

    shape_ok = shape_ok and type(fl["cli.ip"]) == "string" and type(fl["srv.ip"]) == "string" and
                   math.type(fl["cli.port"]) == "integer" and
                   math.type(fl["srv.port"]) == "integer" and math.type(fl.vlan) == "integer" and
                   math.type(fl.bytes) == "integer" and math.type(fl.packets) == "integer" and
                   fl["cli.key"] == ip_num(fl["cli.ip"]) and fl["srv.key"] == ip_num(fl["srv.ip"]) and
                   type(fl["cli.localhost"]) == "boolean" and type(fl["srv.private"]) == "boolean" and
                   type(fl["proto.ndpi"]) == "string" and fl["proto.ndpi"] ~= "TooEarly" and
                   math.type(fl["proto.ndpi_id"]) == "integer" and
                   math.type(fl["proto.master_ndpi_id"]) == "integer" and
                   type(fl["proto.ndpi_breed"]) == "string" and type(fl["proto.ndpi_cat"]) == "string" and
                   math.type(fl["proto.ndpi_cat_id"]) == "integer" and
                   type(fl["proto.is_encrypted"]) == "boolean" and fl["flow.idle"] == false and
                   math.type(fl.hash_entry_id) == "integer" and fl.iface_index == 0 and
                   fl.duration == fl["seen.last"] - fl["seen.first"] + 1 and
                   math.type(fl.average_throughput_bps) == "float" and
                   fl.average_throughput_bps == fl.bytes // fl.duration and
                   -- features the probe lacks are absent
                   fl.score == nil and fl["flow.status"] == nil and fl.community_id == nil and
                   fl.throughput_bps == nil and fl["cli.asn"] == nil
    dir_ok = dir_ok and fl["cli2srv.bytes"] + fl["srv2cli.bytes"] == fl.bytes and
                 fl["cli2srv.packets"] == fl["packets.sent"] and
                 fl["srv2cli.packets"] == fl["packets.rcvd"] and
                 fl["packets.sent"] + fl["packets.rcvd"] == fl.packets and
                 fl["cli2srv.goodput_bytes"] + fl["srv2cli.goodput_bytes"] == fl.goodput_bytes and
                 fl["cli2srv.pkt_len.min"] <= fl["cli2srv.pkt_len.max"]
    local l4 = ({[6] = "TCP", [17] = "UDP", [1] = "ICMP"})[fl["proto.l4_id"]]
    proto_ok = proto_ok and l4 ~= nil and fl["proto.l4"] == l4
    if fl["proto.l4_id"] == 6 then
        tcp_ok = tcp_ok and math.type(fl["cli2srv.retransmissions"]) == "integer" and
                     math.type(fl["srv2cli.lost"]) == "integer" and
                     math.type(fl["cli2srv.tcp_flags"]) == "integer" and
                     type(fl.tcp_established) == "boolean" and fl["cli2srv.keep_alive"] == nil
    else
        tcp_ok = tcp_ok and fl.tcp_established == nil and fl["cli2srv.tcp_flags"] == nil
    end
end
T.check(shape_ok, "every flow: key types and values, no made-up keys")
T.check(dir_ok, "every flow: directions add up")
T.check(proto_ok, "every flow: proto.l4 names proto.l4_id")
T.check(tcp_ok, "TCP keys on TCP flows only")
T.check_eq(total_bytes, O.ip_bytes, "sum of flow bytes = IP bytes of the capture")
T.check_eq(total_packets, O.ip_packets, "sum of flow packets = IP packets of the capture")

local conv_ok, time_ok, client_ok = true, true, true
for k, c in pairs(O.conv) do
    local s = sums[k]
    if not s or s.packets ~= c.packets or s.bytes ~= c.bytes then
        conv_ok = false
        print(string.format("conversation %s: probe %s, capture %d pkts %d bytes", k,
                            s and (s.packets .. " pkts " .. s.bytes .. " bytes") or "missing",
                            c.packets, c.bytes))
    elseif s.first ~= c.first or s.last ~= c.last then
        time_ok = false
    end
    if s and c.syn_from and not (s.clients[c.syn_from] and count(s.clients) == 1) then
        client_ok = false
        print("conversation " .. k .. ": client is not the SYN sender " .. c.syn_from)
    end
end
T.check_eq(count(sums), count(O.conv), "flows cover exactly the capture's conversations")
T.check(conv_ok, "every conversation: packets and bytes match the capture")
T.check(time_ok, "every conversation: first/last second match the capture")
T.check(client_ok, "every TCP conversation with a SYN: the SYN sender is the client")

-- flows vs hosts
local host_sent = 0
for _, h in pairs(interface.getHostsInfo(false).hosts) do
    host_sent = host_sent + h["bytes.sent"]
end
T.check_eq(host_sent, total_bytes, "sum of hosts' bytes.sent = sum of flow bytes")

-- ---------------------------------------------------------------------------- detail levels

local normal = interface.getFlowsInfo().flows[1]
T.check(normal["cli.ip"] and normal["srv.port"] and normal.bytes and normal["proto.ndpi"] and
            normal.hash_entry_id and normal["flow.idle"] == false, "normal level: base keys")
T.check(normal.packets == nil and normal["proto.l4"] == nil and normal["cli.localhost"] == nil,
        "normal level: no high keys (ntopng's default)")
T.check(interface.getFlowsInfo(nil, {maxHits = 10}).flows[1].packets ~= nil,
        "maxHits alone switches to high (as ntopng)")
T.check(interface.getFlowsInfo(nil, {maxHits = 10, detailsLevel = "normal"}).flows[1].packets ==
            nil, "detailsLevel wins")
T.check(interface.getFlowsInfo(nil, {maxHits = 40000}).flows[1].packets == nil,
        "maxHits above 32768 is capped to 32768: normal")
T.check(interface.getFlowsInfo(nil, {clientMode = "local", serverMode = "local"}) ~= nil,
        "local-local modes accepted")

-- ---------------------------------------------------------------------------- host arguments

local h93 = interface.getHostInfo("192.168.1.93")
local f93 = interface.getFlowsInfo("192.168.1.93", {detailedResults = true})
T.check_num(f93.numFlows, h93["active_flows.as_client"] + h93["active_flows.as_server"],
            "flows of 192.168.1.93 = its active flows")
local ends_ok = true
for _, fl in ipairs(f93.flows) do
    ends_ok = ends_ok and (fl["cli.ip"] == "192.168.1.93" or fl["srv.ip"] == "192.168.1.93")
end
T.check(ends_ok, "every flow of 192.168.1.93 has it at one end")
T.check_eq(interface.getFlowsInfo("10.99.99.99"), nil, "unknown host: nil")
T.check_num(interface.getFlowsInfo(nil, nil, "192.168.1.93").numFlows, f93.numFlows,
            "talking_with = host argument")
T.check_num(interface.getFlowsInfo(nil, nil, nil, "192.168.1.93").numFlows,
            h93["active_flows.as_client"], "client argument")
T.check_num(interface.getFlowsInfo(nil, nil, nil, nil, "192.168.1.93").numFlows,
            h93["active_flows.as_server"], "server argument")
T.check_num(interface.getFlowsInfo(nil, nil, "10.99.99.99").numFlows, 0,
            "unknown talking_with host: no flow")

-- flow_info: the info string of a DNS flow selects the flows with that info
local dns_flow
for _, fl in ipairs(FLOWS) do
    if fl["protos.dns.last_query"] then
        dns_flow = fl
        break
    end
end
T.check(dns_flow ~= nil, "a DNS flow with its query")
if dns_flow then
    T.check_eq(dns_flow.info, dns_flow["protos.dns.last_query"], "DNS info is the query")
    T.check_eq(math.type(dns_flow["protos.dns.last_query_type"]), "integer", "DNS query type")
    local same = 0
    for _, fl in ipairs(FLOWS) do
        if fl.info == dns_flow.info then
            same = same + 1
        end
    end
    T.check_num(interface.getFlowsInfo(nil, nil, nil, nil, nil, dns_flow.info).numFlows, same,
                "flow_info filter")
end
T.check_num(interface.getFlowsInfo(nil, nil, nil, nil, nil, "").numFlows, 177,
            "empty flow_info = no filter")
local tls_ok, n_tls = true, 0
for _, fl in ipairs(FLOWS) do
    if fl["protos.tls.client_requested_server_name"] then
        n_tls = n_tls + 1
        tls_ok = tls_ok and fl.info == fl["protos.tls.client_requested_server_name"] and
                     math.type(fl["protos.tls_version"]) == "integer"
    end
end
T.check(n_tls > 0 and tls_ok, "TLS flows: info is the SNI, tls_version an integer")

-- ---------------------------------------------------------------------------- paginator

local function n(pag)
    return interface.getFlowsInfo(nil, pag).numFlows
end
local function n_where(pred)
    local c = 0
    for _, fl in ipairs(FLOWS) do
        if pred(fl) then
            c = c + 1
        end
    end
    return c
end

local n_tcp, n_udp, n_icmp = n({L4Protocol = 6}), n({L4Protocol = 17}), n({L4Protocol = 1})
T.check_num(n_tcp, n_where(function(f) return f["proto.l4_id"] == 6 end), "L4Protocol 6")
T.check_num(n_udp, n_where(function(f) return f["proto.l4_id"] == 17 end), "L4Protocol 17")
T.check_eq(n_tcp + n_udp + n_icmp, 177, "TCP + UDP + ICMP = all flows")
T.check_num(n({L4Protocol = 0}), 177, "L4Protocol 0 = no filter")
T.check_num(n({portFilter = 53}),
            n_where(function(f) return f["cli.port"] == 53 or f["srv.port"] == 53 end),
            "portFilter 53")
T.check_num(n({vlanIdFilter = 0}), 177, "vlanIdFilter 0")
T.check_num(n({vlanIdFilter = 5}), 0, "vlanIdFilter 5")
T.check_num(n({vlanIdFilter = 65535}), 177, "vlanIdFilter 65535 = no filter")
T.check_num(n({ipVersion = 4}), 177, "ipVersion 4")
T.check_num(n({ipVersion = 6}), 0, "ipVersion 6")
T.check_num(n({ifaceIndex = 0}), 177, "ifaceIndex 0")
T.check_num(n({ifaceIndex = 3}), 0, "ifaceIndex 3")

local is_dns = function(f) return f["proto.ndpi_id"] == 5 or f["proto.master_ndpi_id"] == 5 end
T.check(n_where(is_dns) > 0, "some DNS flows")
T.check_num(n({l7protoFilter = 5}), n_where(is_dns), "l7protoFilter 5 (DNS)")
T.check_num(n({l7protoFilter = "0.5"}), n_where(is_dns), "l7protoFilter \"0.5\"")
T.check_num(n({l7protoFilter = "5"}), n_where(is_dns), "l7protoFilter \"5\"")
T.check_num(n({l7protoFilter = -1}), 177, "l7protoFilter -1 = no filter")
local tls_google = function(f) return f["proto.master_ndpi_id"] == 91 and f["proto.ndpi_id"] == 126 end
T.check_num(n({l7protoFilter = "91.126"}), n_where(tls_google), "l7protoFilter \"91.126\"")
T.check_num(n({l7protoFilter = 0}), n_where(function(f)
    return f["proto.ndpi_id"] == 0 and f["proto.master_ndpi_id"] == 0
end), "l7protoFilter 0: undetected flows")
local cat = FLOWS[1]["proto.ndpi_cat_id"]
T.check_num(n({l7categoryFilter = cat}),
            n_where(function(f) return f["proto.ndpi_cat_id"] == cat end), "l7categoryFilter")

T.check_num(n({clientMode = "local"}), n_where(function(f) return f["cli.localhost"] end),
            "clientMode local")
T.check_num(n({serverMode = "remote"}), n_where(function(f) return not f["srv.localhost"] end),
            "serverMode remote")
T.check_num(n({clientMode = "anything"}), 177, "other clientMode = all")
T.check_num(n({LocalNetworkFilter = 0}), n_where(function(f)
    return f["cli.network_id"] == 0 or f["srv.network_id"] == 0
end), "LocalNetworkFilter 0")

local uni, bi = n({unidirectional = true}), n({unidirectional = false})
T.check_num(uni, n_where(function(f) return f["packets.rcvd"] == 0 end), "unidirectional true")
T.check_eq(uni + bi, 177, "unidirectional true/false partition the flows")
local ucast, bmcast = n({unicast = true}), n({unicast = false})
T.check_num(bmcast, n_where(function(f)
    return f["cli.broadmulticast"] or f["srv.broadmulticast"]
end), "unicast false")
T.check_eq(ucast + bmcast, 177, "unicast true/false partition the flows")

for _, st in ipairs({"established", "connecting", "closed", "reset"}) do
    T.check_num(n({tcpFlowStateFilter = st}),
                n_where(function(f) return f["tcp_" .. st] == true end), "tcpFlowStateFilter " .. st)
end
T.check(n({tcpFlowStateFilter = "established"}) > 0, "some established TCP flows")

local mac = FLOWS[1]["cli.mac"]
T.check_num(n({macFilter = mac}),
            n_where(function(f) return f["cli.mac"] == mac or f["srv.mac"] == mac end), "macFilter")

-- ignored keys (unused by ntopng's getFlowsInfo) and unknown keys
T.check_num(n({countryFilter = "IT", hostFilter = "x", client = "1.2.3.4", no_such_key = 1}), 177,
            "keys ntopng ignores are ignored")

-- unsupported keys and wrong types raise
for _, k in ipairs({"poolFilter", "asnFilter", "dscpFilter", "statusFilter", "deviceIpFilter",
                    "icmp_type", "alertedFlows"}) do
    local pag = {}
    pag[k] = (k == "deviceIpFilter") and "1.2.3.4" or (k == "alertedFlows") or 1
    T.check_error(interface.getFlowsInfo, k .. " raises (not supported)", nil, pag)
end
T.check_error(interface.getFlowsInfo, "maxHits must be a number", nil, {maxHits = "10"})
T.check_error(interface.getFlowsInfo, "maxHits must not be negative", nil, {maxHits = -1})
T.check_error(interface.getFlowsInfo, "toSkip must be an integer", nil, {toSkip = 0.5})
T.check_error(interface.getFlowsInfo, "a2zSortOrder must be a boolean", nil, {a2zSortOrder = 1})
T.check_error(interface.getFlowsInfo, "sortColumn must be a string", nil, {sortColumn = 1})
T.check_error(interface.getFlowsInfo, "detailsLevel must be known", nil, {detailsLevel = "all"})
T.check_error(interface.getFlowsInfo, "macFilter must parse", nil, {macFilter = "xx"})
T.check_error(interface.getFlowsInfo, "l7protoFilter must parse", nil, {l7protoFilter = "TLS"})
T.check_error(interface.getFlowsInfo, "paginator must be a table", nil, "x")
T.check_error(interface.getFlowsInfo, "host must be a string", {})
T.check_error(interface.getFlowsInfo, "client must be a string", nil, nil, nil, {})

-- ---------------------------------------------------------------------------- paging/sort

local function list(pag)
    pag.detailedResults = true
    return interface.getFlowsInfo(nil, pag)
end
local function ids(flows)
    local out = {}
    for i, fl in ipairs(flows) do
        out[i] = fl.hash_entry_id
    end
    return out
end

local by_bytes = list({sortColumn = "column_bytes"})
local tiles = {}
for skip = 0, 176, 50 do
    local page = list({sortColumn = "column_bytes", maxHits = 50, toSkip = skip})
    T.check_num(page.numFlows, 177, "page numFlows is the total (skip " .. skip .. ")")
    for _, id in ipairs(ids(page.flows)) do
        tiles[#tiles + 1] = id
    end
end
T.check_eq(tiles, ids(by_bytes.flows), "pages of 50 tile the full list")
local rev = {}
for i = #by_bytes.flows, 1, -1 do
    rev[#rev + 1] = by_bytes.flows[i].hash_entry_id
end
T.check_eq(ids(list({sortColumn = "column_bytes", a2zSortOrder = false}).flows), rev,
           "a2zSortOrder=false reverses")
T.check_eq(ids(list({sortColumn = "column_bytes", a2zSortOrder = false, maxHits = 2,
                     toSkip = 1}).flows), {rev[2], rev[3]}, "descending page skips from the end")
T.check_eq(#list({maxHits = 0}).flows, 0, "maxHits 0: empty page")
T.check_eq(#list({toSkip = 500}).flows, 0, "toSkip past the end: empty page")
T.check_eq(ids(list({}).flows), ids(by_bytes.flows),
           "default sort (column_thpt, not tracked) = bytes")
T.check_eq(ids(list({sortColumn = "nonsense"}).flows), ids(by_bytes.flows),
           "unknown column sorts by bytes (ntopng's fallback)")

local function monotonic(col, value)
    local r = list({sortColumn = col})
    local ok = #r.flows == 177
    for i = 2, #r.flows do
        ok = ok and value(r.flows[i - 1]) <= value(r.flows[i])
    end
    return ok
end
T.check(monotonic("column_bytes", function(f) return f.bytes end), "column_bytes")
T.check(monotonic("column_first_seen", function(f) return f["seen.first"] end), "column_first_seen")
T.check(monotonic("column_last_seen", function(f) return f["seen.last"] end), "column_last_seen")
T.check(monotonic("column_duration", function(f) return f.duration end), "column_duration")
T.check(monotonic("column_proto_l4", function(f) return f["proto.l4_id"] end), "column_proto_l4")
T.check(monotonic("column_ndpi", function(f) return f["proto.ndpi_id"] end), "column_ndpi")
T.check(monotonic("column_vlan", function(f) return f.vlan end), "column_vlan")
T.check(monotonic("column_key", function(f) return f.hash_entry_id end), "column_key")
T.check(monotonic("column_client", function(f) return ip_num(f["cli.ip"]) end), "column_client")
T.check(monotonic("column_server", function(f) return ip_num(f["srv.ip"]) end), "column_server")
T.check(monotonic("column_protocol", function(f) return f["proto.ndpi"]:lower() end),
        "column_protocol")

-- ---------------------------------------------------------------------------- getFlowsStats

local st = interface.getFlowsStats()
T.check_num(st.num_flows, 177, "getFlowsStats.num_flows")
local by_app = {}
for _, fl in ipairs(FLOWS) do
    local name = fl["proto.ndpi_id"] == 0 and "Unknown" or fl["proto.ndpi"]:match("([^.]+)$")
    by_app[name] = (by_app[name] or 0) + fl.bytes
end
T.check_eq(st.protos, by_app, "getFlowsStats.protos: bytes per application protocol")
local breeds, breeds_ok = 0, true
for name, b in pairs(st.breeds) do
    breeds = breeds + b
    breeds_ok = breeds_ok and type(name) == "string" and math.type(b) == "integer" and b > 0
end
T.check(breeds_ok, "getFlowsStats.breeds: name -> bytes")
T.check_eq(breeds, total_bytes, "getFlowsStats breeds add up to all flow bytes")
local by_breed = {}
for _, fl in ipairs(FLOWS) do
    by_breed[fl["proto.ndpi_breed"]] = (by_breed[fl["proto.ndpi_breed"]] or 0) + fl.bytes
end
T.check_eq(st.breeds, by_breed, "getFlowsStats.breeds = flows' proto.ndpi_breed bytes")

T.done()
