--
-- test_interface_hosts.lua - interface.getHostsInfo / getLocalHostsInfo / getRemoteHostsInfo /
-- getHostInfo / getMacsInfo / getMacInfo, run inside the probe:
--
--   LUA_PATH="tests/lua/?.lua;;" ntop-probe -i test_01.pcap -m 192.168.1.0/24 \
--       --shutdown-when-done --run-script tests/lua/api/test_interface_hosts.lua
--
-- Oracles: the capture itself, read here with a small pcap reader (per address and per
-- MAC: packets, bytes as ntopng counts them, first/last second, L4 protocols), ntopng's
-- own figures for test_01.pcap (42 hosts, 4 local, 4 MACs), and invariants between the
-- calls (paging, sorting, filters, list vs single-host answers).
--

local T = require "testlib"

local PCAP = os.getenv("NTOP_TEST_PCAP") or (interface.getName and interface.getName()) or
                 "../shared/pcaps/ntopng-e2e/test_01.pcap"
local LOCAL_NET = "192.168.1.0/24"

-- ---------------------------------------------------------------------------- oracle

-- Reads a classic Ethernet pcap: per IPv4 address and per MAC counters.
local function read_pcap(path)
    local f = assert(io.open(path, "rb"))
    local data = f:read("a")
    f:close()
    local magic = string.unpack("<I4", data, 1)
    local E = magic == 0xa1b2c3d4 and "<" or ">"
    local linktype = string.unpack(E .. "I4", data, 21)
    assert(linktype == 1, "Ethernet capture expected")
    local o = {hosts = {}, macs = {}, ip_packets = 0, ip_bytes = 0, frames = 0, frame_bytes = 0}
    local function host(ip)
        local h = o.hosts[ip]
        if not h then
            h = {packets = 0, bytes = 0, sent_packets = 0, rcvd_packets = 0, l4 = {}, macs = {}}
            o.hosts[ip] = h
        end
        return h
    end
    local function mac(m)
        local x = o.macs[m]
        if not x then
            x = {bytes_sent = 0, bytes_rcvd = 0, packets_sent = 0, packets_rcvd = 0}
            o.macs[m] = x
        end
        return x
    end
    local function fmt_mac(s)
        return (s:gsub(".", function(c)
            return string.format("%02X:", c:byte())
        end):sub(1, -2))
    end
    local pos = 25
    while pos + 16 <= #data do
        local ts, _, caplen, wirelen = string.unpack(E .. "I4I4I4I4", data, pos)
        local p = data:sub(pos + 16, pos + 15 + caplen)
        pos = pos + 16 + caplen
        o.frames = o.frames + 1
        o.frame_bytes = o.frame_bytes + wirelen
        local dmac, smac = fmt_mac(p:sub(1, 6)), fmt_mac(p:sub(7, 12))
        local sm, dm = mac(smac), mac(dmac)
        sm.bytes_sent, sm.packets_sent = sm.bytes_sent + wirelen, sm.packets_sent + 1
        dm.bytes_rcvd, dm.packets_rcvd = dm.bytes_rcvd + wirelen, dm.packets_rcvd + 1
        local l3, ethertype = 15, string.unpack(">I2", p, 13)
        while ethertype == 0x8100 do
            ethertype = string.unpack(">I2", p, l3 + 2)
            l3 = l3 + 4
        end
        if ethertype == 0x0800 then
            local iplen = string.unpack(">I2", p, l3 + 2)
            local frag = string.unpack(">I2", p, l3 + 6) & 0x1fff
            local proto = p:byte(l3 + 9)
            local src = table.concat({p:byte(l3 + 12, l3 + 15)}, ".")
            local dst = table.concat({p:byte(l3 + 16, l3 + 19)}, ".")
            -- ntopng's count: L2 header + IP total length (no Ethernet padding)
            local bytes = math.min(l3 - 1 + iplen, wirelen)
            if frag == 0 then
                o.ip_packets = o.ip_packets + 1
                o.ip_bytes = o.ip_bytes + bytes
                local slot = proto == 6 and "tcp" or proto == 17 and "udp" or proto == 1 and
                                 "icmp" or "other_ip"
                for _, x in ipairs({{src, smac, true}, {dst, dmac, false}}) do
                    local h = host(x[1])
                    h.packets, h.bytes = h.packets + 1, h.bytes + bytes
                    if x[3] then
                        h.sent_packets = h.sent_packets + 1
                    else
                        h.rcvd_packets = h.rcvd_packets + 1
                    end
                    h.l4[slot] = (h.l4[slot] or 0) + bytes
                    h.macs[x[2]] = true
                    h.first = h.first and math.min(h.first, ts) or ts
                    h.last = h.last and math.max(h.last, ts) or ts
                end
            end
        end
    end
    return o
end

local O = read_pcap(PCAP)

local function in_local_net(ip)
    return ip:match("^192%.168%.1%.%d+$") ~= nil
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

local function keys_of(t)
    local k = {}
    for key in pairs(t) do
        k[#k + 1] = key
    end
    table.sort(k)
    return k
end

-- ---------------------------------------------------------------------------- getHostsInfo

local all = interface.getHostsInfo()
T.check_eq(type(all), "table", "getHostsInfo returns a table")
T.check_num(all.numHosts, 42, "getHostsInfo.numHosts = 42 (ntopng's figure)")
T.check_num(all.nextSlot, 0, "getHostsInfo.nextSlot = 0")
T.check_eq(count(all.hosts), 42, "getHostsInfo.hosts holds every host by default")
T.check_eq(count(O.hosts), 42, "oracle: 42 addresses in the capture")

local oracle_ok, shape_ok, l4_ok, time_ok, mac_ok, key_ok = true, true, true, true, true, true
local sum_sent, sum_rcvd, sum_pkts_sent = 0, 0, 0
for key, h in pairs(all.hosts) do
    local o = O.hosts[h.ip]
    key_ok = key_ok and key == h.ip and h.vlan == 0 and h.tskey == h.ip
    if not o then
        oracle_ok = false
        print("host not in the capture: " .. tostring(h.ip))
    else
        -- roles may move the first packet of a swapped flow between sent and rcvd, the
        -- totals stay exact
        if h["bytes.sent"] + h["bytes.rcvd"] ~= o.bytes or
            h["packets.sent"] + h["packets.rcvd"] ~= o.packets then
            oracle_ok = false
            print(string.format("%s: bytes %d+%d (oracle %d), packets %d+%d (oracle %d)", h.ip,
                                h["bytes.sent"], h["bytes.rcvd"], o.bytes, h["packets.sent"],
                                h["packets.rcvd"], o.packets))
        end
        for _, slot in ipairs({"tcp", "udp", "icmp", "other_ip"}) do
            if h[slot .. ".bytes.sent"] + h[slot .. ".bytes.rcvd"] ~= (o.l4[slot] or 0) then
                l4_ok = false
                print(h.ip .. ": " .. slot .. " bytes differ from the capture")
            end
        end
        time_ok = time_ok and h["seen.first"] == o.first and h["seen.last"] == o.last and
                      h.duration == o.last - o.first + 1
        mac_ok = mac_ok and o.macs[h.mac] == true
    end
    sum_sent = sum_sent + h["bytes.sent"]
    sum_rcvd = sum_rcvd + h["bytes.rcvd"]
    sum_pkts_sent = sum_pkts_sent + h["packets.sent"]
    shape_ok = shape_ok and type(h.ip) == "string" and math.type(h.vlan) == "integer" and
                   type(h.name) == "string" and type(h.localhost) == "boolean" and
                   h.systemhost == false and type(h.privatehost) == "boolean" and
                   type(h.is_broadcast) == "boolean" and type(h.is_multicast) == "boolean" and
                   type(h.is_rx_only) == "boolean" and type(h.mac) == "string" and
                   math.type(h.ipkey) == "integer" and h.ipkey == ip_num(h.ip) and
                   h.iphex == string.format("%08X", ip_num(h.ip)) and h.ip_version == 4 and
                   math.type(h["bytes.sent"]) == "integer" and
                   math.type(h["packets.rcvd"]) == "integer" and
                   math.type(h["active_flows.as_client"]) == "integer" and
                   math.type(h["active_flows.as_server"]) == "integer" and
                   math.type(h["total_flows.as_client"]) == "integer" and
                   h["flows.as_client"] == h["total_flows.as_client"] and
                   h["flows.as_server"] == h["total_flows.as_server"] and
                   math.type(h["contacts.as_client"]) == "integer" and
                   math.type(h["bytes.ndpi.unknown"]) == "integer" and
                   math.type(h.bytes_ratio) == "float" and math.type(h.pkts_ratio) == "float" and
                   h.ifid == 0 and h.ndpi == nil and h.ndpi_categories == nil and
                   -- features the probe lacks are absent, not zero
                   h.score == nil and h.asn == nil and h.country == nil and h.os == nil and
                   h.num_alerts == nil and h.throughput_bps == nil and
                   h.is_blacklisted == false -- no --blacklist given
    if h.localhost then
        shape_ok = shape_ok and h.local_network_id == 0 and h.local_network_name == LOCAL_NET
    else
        shape_ok = shape_ok and h.local_network_id == nil and h["contacts.as_client"] == 0 and
                       h["contacts.as_server"] == 0
    end
end
T.check(key_ok, "hosts are keyed by ip (no VLAN in test_01)")
T.check(oracle_ok, "every host: sent+rcvd bytes and packets match the capture")
T.check(l4_ok, "every host: per-L4 bytes match the capture")
T.check(time_ok, "every host: seen.first/seen.last/duration match the capture")
T.check(mac_ok, "every host: its MAC was seen with its address in the capture")
T.check(shape_ok, "every host: key types, levels and absent keys as ntopng")
T.check_eq(sum_sent, O.ip_bytes, "sum of bytes.sent = IP bytes of the capture")
T.check_eq(sum_rcvd, O.ip_bytes, "sum of bytes.rcvd = IP bytes of the capture")
T.check_eq(sum_pkts_sent, O.ip_packets, "sum of packets.sent = IP packets of the capture")

-- show_details = false: level "high" (no packets, no L4, no ifid, still bytes)
local brief = interface.getHostsInfo(false)
local h93b = brief.hosts["192.168.1.93"]
T.check(h93b ~= nil, "getHostsInfo(false) has 192.168.1.93")
T.check(h93b and h93b["packets.sent"] == nil and h93b["tcp.bytes.sent"] == nil and
            h93b.ifid == nil and h93b["flows.as_client"] == nil, "show_details=false: no higher keys")
T.check(h93b and math.type(h93b["bytes.sent"]) == "integer" and
            math.type(h93b["total_flows.as_client"]) == "integer",
        "show_details=false: bytes and total_flows present")

-- local / remote
local loc = interface.getLocalHostsInfo()
local rem = interface.getRemoteHostsInfo()
local want_local = {}
for ip in pairs(O.hosts) do
    if in_local_net(ip) then
        want_local[ip] = true
    end
end
T.check_num(loc.numHosts, 4, "getLocalHostsInfo.numHosts = 4 (ntopng's figure)")
T.check_eq(keys_of(loc.hosts), keys_of(want_local), "local hosts are the capture's 192.168.1.x")
T.check_num(rem.numHosts, 38, "getRemoteHostsInfo.numHosts = 38")
local rem_ok = true
for ip, h in pairs(rem.hosts) do
    rem_ok = rem_ok and not h.localhost and not in_local_net(ip)
end
T.check(rem_ok, "remote hosts are outside " .. LOCAL_NET)
T.check(all.hosts["192.168.1.93"] ~= nil and all.hosts["192.168.1.93"].localhost == true,
        "192.168.1.93 exists and is local")

-- ---------------------------------------------------------------------------- paging/sort

-- Sorted array answers: a full list, then pages that must tile it.
local function list(sort, a2z, max, skip, ...)
    return interface.getHostsInfo(true, sort, max, skip, a2z, nil, nil, nil, nil, nil, nil, nil,
                                  nil, nil, nil, nil, nil, nil, nil, nil, nil, true)
end

local function ips(arr)
    local out = {}
    for i, h in ipairs(arr) do
        out[i] = h.ip
    end
    return out
end

local full = list("column_ip", true)
T.check_eq(#full.hosts, 42, "array_format: an array of 42")
T.check_eq(full.numHosts, 42, "array_format: numHosts")
local sorted_ok = true
for i = 2, #full.hosts do
    sorted_ok = sorted_ok and ip_num(full.hosts[i - 1].ip) < ip_num(full.hosts[i].ip)
end
T.check(sorted_ok, "column_ip sorts by address")
local desc = list("column_ip", false)
local rev = {}
for i = #full.hosts, 1, -1 do
    rev[#rev + 1] = full.hosts[i].ip
end
T.check_eq(ips(desc.hosts), rev, "a2zSortOrder=false reverses the order")

local tiles = {}
for skip = 0, 41, 10 do
    local page = list("column_ip", true, 10, skip)
    T.check_num(page.numHosts, 42, "page numHosts is the total (skip " .. skip .. ")")
    for _, h in ipairs(page.hosts) do
        tiles[#tiles + 1] = h.ip
    end
end
T.check_eq(tiles, ips(full.hosts), "pages of 10 tile the full list")
T.check_eq(#list("column_ip", true, 5, 40).hosts, 2, "last page is short")
T.check_eq(#list("column_ip", true, 5, 100).hosts, 0, "toSkip past the end: empty page")
T.check_eq(#list("column_ip", true, 0, 0).hosts, 0, "maxHits=0: empty page")
local dpage = list("column_ip", false, 3, 1)
T.check_eq(ips(dpage.hosts), {rev[2], rev[3], rev[4]}, "descending page skips from the end")

local function monotonic(sort, value)
    local r = list(sort, true)
    local ok = #r.hosts == 42
    for i = 2, #r.hosts do
        ok = ok and value(r.hosts[i - 1]) <= value(r.hosts[i])
    end
    return ok
end
local function traffic(h)
    return h["bytes.sent"] + h["bytes.rcvd"]
end
T.check(monotonic("column_traffic", traffic), "column_traffic ascending")
T.check(monotonic("column_traffic_sent", function(h) return h["bytes.sent"] end),
        "column_traffic_sent ascending")
T.check(monotonic("column_traffic_rcvd", function(h) return h["bytes.rcvd"] end),
        "column_traffic_rcvd ascending")
T.check(monotonic("column_since", function(h) return h["seen.first"] end), "column_since")
T.check(monotonic("column_num_flows", function(h)
    return h["active_flows.as_client"] + h["active_flows.as_server"]
end), "column_num_flows")
T.check(monotonic("column_num_flows_as_client", function(h)
    return h["active_flows.as_client"]
end), "column_num_flows_as_client")
T.check(monotonic("column_traffic_unknown", function(h) return h["bytes.ndpi.unknown"] end),
        "column_traffic_unknown")
T.check(monotonic("column_mac", function(h) return tonumber((h.mac:gsub(":", "")), 16) end),
        "column_mac")
T.check(monotonic("column_local_network_id", function(h)
    return h.local_network_id or math.maxinteger -- ntopng: -1 sorts as the largest
end), "column_local_network_id")
T.check_eq(ips(list("no_such_column", true).hosts), ips(list("column_traffic", true).hosts),
           "unknown column sorts by traffic (ntopng's fallback)")
local top = list("column_traffic", false, 1).hosts[1]
T.check_eq(top and top.ip, "192.168.1.93", "top talker is 192.168.1.93")

-- ---------------------------------------------------------------------------- filters

-- getHostsInfo's arguments with `v` at position `pos` (ntopng's positional filters)
local function args_at(pos, v, ...)
    local a = {false, ...}
    a[pos] = v
    return table.unpack(a, 1, math.max(pos, select("#", ...) + 1))
end
local function n_at(pos, v)
    return interface.getHostsInfo(args_at(pos, v)).numHosts
end
local A_COUNTRY, A_OS, A_VLAN, A_ASN, A_NET, A_MAC, A_POOL, A_IPVER = 6, 7, 8, 9, 10, 11, 12, 13
local A_PROTO, A_TRAFFIC, A_BLACKLISTED, A_DHCP, A_CIDR, A_ARRAY = 14, 15, 17, 19, 20, 22

T.check_num(n_at(A_VLAN, 0), 42, "vlan filter 0: all")
T.check_num(n_at(A_VLAN, 7), 0, "vlan filter 7: none")
T.check_num(n_at(A_VLAN, 65535), 42, "vlan filter 65535 = no filter")
T.check_num(n_at(A_VLAN, -1), 42, "vlan filter -1 (65535 as u16) = no filter")
T.check_num(n_at(A_NET, 0), 4, "network filter 0: the local network")
T.check_num(n_at(A_NET, -1), 38, "network filter -1: outside local networks")
T.check_num(n_at(A_NET, -2), 42, "network filter -2 = no filter")
T.check_num(n_at(A_IPVER, 4), 42, "ipversion 4")
T.check_num(n_at(A_IPVER, 6), 0, "ipversion 6")
T.check_num(n_at(A_CIDR, LOCAL_NET), 4, "cidr filter " .. LOCAL_NET)
T.check_num(n_at(A_CIDR, "192.168.1.93"), 1, "cidr filter of one address")
T.check_num(n_at(A_COUNTRY, ""), 42, "country \"\" = no filter")
T.check_num(n_at(A_OS, 9), 42, "os 9 (any) = no filter")
T.check_num(n_at(A_ASN, 4294967295), 42, "asn 4294967295 = no filter")
T.check_num(n_at(A_POOL, 65535), 42, "pool 65535 = no filter")
T.check_num(n_at(A_DHCP, false), 42, "dhcpOnly false = no filter")
T.check_eq(#interface.getHostsInfo(args_at(A_ARRAY, true, "column_ip", 3)).hosts, 3,
           "array_format with maxHits")

-- MAC filter: the hosts whose MAC is that MAC
local mac93 = all.hosts["192.168.1.93"].mac
local with_mac = 0
for _, h in pairs(all.hosts) do
    if h.mac == mac93 then
        with_mac = with_mac + 1
    end
end
T.check_num(n_at(A_MAC, mac93), with_mac, "mac filter")
T.check_num(n_at(A_MAC, mac93:lower()), with_mac, "mac filter, lower case")

-- traffic type: one-way / both ways partition the hosts
local one_way, both = 0, 0
for _, h in pairs(all.hosts) do
    if h["bytes.sent"] > 0 and h["bytes.rcvd"] > 0 then
        both = both + 1
    else
        one_way = one_way + 1
    end
end
T.check_num(n_at(A_TRAFFIC, 1), one_way, "traffic type 1")
T.check_num(n_at(A_TRAFFIC, 2), both, "traffic type 2")
T.check_num(n_at(A_TRAFFIC, 0), 42, "traffic type 0 = all")

-- proto filter: hosts with DNS traffic (nDPI id 5) are those whose ndpi table has DNS
local dns_hosts = 0
for ip in pairs(all.hosts) do
    local d = interface.getHostInfo(ip)
    if d.ndpi.DNS and d.ndpi.DNS["bytes.sent"] + d.ndpi.DNS["bytes.rcvd"] > 0 then
        dns_hosts = dns_hosts + 1
    end
end
T.check(dns_hosts > 0, "some hosts have DNS traffic")
T.check_num(n_at(A_PROTO, 5), dns_hosts, "proto filter DNS")
T.check_num(n_at(A_PROTO, -1), 42, "proto filter -1 = no filter")

-- unsupported filters raise, their "no filter" values do not (checked above)
local function raises_at(pos, v, name)
    T.check_error(interface.getHostsInfo, name, args_at(pos, v))
end
raises_at(A_COUNTRY, "IT", "country filter raises")
raises_at(A_OS, 1, "OS filter raises")
raises_at(A_ASN, 3269, "asn filter raises")
raises_at(A_POOL, 1, "pool filter raises")
raises_at(A_BLACKLISTED, true, "blacklisted filter raises")
raises_at(A_DHCP, true, "dhcp filter raises")

-- wrong types raise
T.check_error(interface.getHostsInfo, "show_details must be a boolean", "yes")
raises_at(2, {}, "sortColumn must be a string")
raises_at(3, "ten", "maxHits must be a number")
raises_at(3, -1, "maxHits must not be negative")
raises_at(4, 1.5, "toSkip must be an integer")
raises_at(5, "no", "a2zSortOrder must be a boolean")
raises_at(A_VLAN, "x", "vlan filter must be a number")
raises_at(A_MAC, "not-a-mac", "mac filter must parse")
raises_at(A_MAC, {}, "mac filter must be a string")
raises_at(A_CIDR, "10.0.0.0/99", "cidr must parse")
raises_at(A_ARRAY, 1, "array_format must be a boolean")
T.check_error(interface.getLocalHostsInfo, "getLocalHostsInfo checks types too", 1)
T.check_error(interface.getRemoteHostsInfo, "getRemoteHostsInfo checks types too", 1)

-- ---------------------------------------------------------------------------- getHostInfo

local h93 = interface.getHostInfo("192.168.1.93")
T.check_eq(type(h93), "table", "getHostInfo(192.168.1.93)")
T.check_eq(h93 and h93.ip, "192.168.1.93", "getHostInfo.ip")
-- the list entry (level "higher") is a subset of the details (level "max")
local subset_ok = true
for k, v in pairs(all.hosts["192.168.1.93"]) do
    if h93[k] ~= v then
        subset_ok = false
        print("getHostInfo differs on " .. k)
    end
end
T.check(subset_ok, "list entry keys equal getHostInfo's")
T.check_eq(type(h93.ndpi), "table", "getHostInfo has ndpi")
T.check_eq(type(h93.ndpi_categories), "table", "getHostInfo has ndpi_categories")
local ndpi_ok, ndpi_bytes = true, 0
for name, p in pairs(h93.ndpi) do
    ndpi_ok = ndpi_ok and type(name) == "string" and type(p.breed) == "string" and
                  math.type(p["bytes.sent"]) == "integer" and
                  math.type(p["bytes.rcvd"]) == "integer" and
                  math.type(p["packets.sent"]) == "integer" and
                  math.type(p["packets.rcvd"]) == "integer" and
                  math.type(p.duration) == "integer" and math.type(p.num_flows) == "integer" and
                  p.throughput == nil
    ndpi_bytes = ndpi_bytes + p["bytes.sent"] + p["bytes.rcvd"]
end
T.check(ndpi_ok, "ndpi entries: breed, bytes/packets sent/rcvd, duration, num_flows")
T.check_eq(ndpi_bytes, h93["bytes.sent"] + h93["bytes.rcvd"], "ndpi bytes add up to the host's")
local cat_bytes, cat_ok = 0, true
for name, c in pairs(h93.ndpi_categories) do
    cat_ok = cat_ok and math.type(c.category) == "integer" and
                 c.bytes == c["bytes.sent"] + c["bytes.rcvd"]
    cat_bytes = cat_bytes + c.bytes
end
T.check(cat_ok, "ndpi_categories entries: category id, bytes = sent + rcvd")
T.check_eq(cat_bytes, ndpi_bytes, "category bytes add up to the protocols'")
T.check_eq(h93["bytes.ndpi.unknown"],
           h93.ndpi.Unknown and h93.ndpi.Unknown["bytes.sent"] + h93.ndpi.Unknown["bytes.rcvd"] or 0,
           "bytes.ndpi.unknown = ndpi.Unknown bytes")
T.check(h93["contacts.as_client"] > 0, "local host has contacts as client")

T.check_eq(interface.getHostInfo("192.168.1.93@0"), h93, "ip@0 is the same host")
T.check_eq(interface.getHostInfo("192.168.1.93", 0), h93, "explicit vlan 0")
T.check_eq(interface.getHostInfo("192.168.1.93@5"), nil, "ip@5: absent")
T.check_eq(interface.getHostInfo("192.168.1.93", 5), nil, "vlan argument wins")
T.check_eq(interface.getHostInfo("10.99.99.99"), nil, "missing host: nil")
T.check_eq(interface.getHostInfo("no.such.name"), nil, "unknown name: nil")
-- a learnt name finds its host (ntopng's find_host_by_name)
local named
for _, h in pairs(all.hosts) do
    if h.name ~= "" then
        named = h
        break
    end
end
if named then
    local by_name = interface.getHostInfo(named.name)
    T.check_eq(by_name and by_name.name, named.name, "getHostInfo(name) finds a host of that name")
    T.check_eq(interface.getHostInfo(named.name .. "@0") and true, true, "getHostInfo(name@0)")
    T.check_eq(interface.getHostInfo(named.name, 9), nil, "getHostInfo(name, other vlan): nil")
end
T.check_eq(interface.getHostInfo("2001:db8::1"), nil, "missing IPv6 host: nil")
T.check_error(interface.getHostInfo, "getHostInfo() raises")
T.check_error(interface.getHostInfo, "getHostInfo({}) raises", {})
T.check_error(interface.getHostInfo, "getHostInfo(ip, 'x') raises", "192.168.1.93", "x")

-- ---------------------------------------------------------------------------- MACs

local macs = interface.getMacsInfo()
T.check_num(macs.numMacs, 4, "getMacsInfo.numMacs = 4 (ntopng's figure)")
T.check_num(macs.nextSlot, 0, "getMacsInfo.nextSlot")
T.check_eq(#macs.macs, count(O.macs), "one entry per MAC of the capture")
local mac_oracle_ok, mac_shape_ok = true, true
local mac_sum_sent, mac_sum_pkts, prev = 0, 0, -1
for _, m in ipairs(macs.macs) do
    local o = O.macs[m.mac]
    mac_oracle_ok = mac_oracle_ok and o ~= nil and m["bytes.sent"] == o.bytes_sent and
                        m["bytes.rcvd"] == o.bytes_rcvd and m["packets.sent"] == o.packets_sent and
                        m["packets.rcvd"] == o.packets_rcvd
    local hosts_with = 0
    for _, h in pairs(all.hosts) do
        if h.mac == m.mac then
            hosts_with = hosts_with + 1
        end
    end
    mac_shape_ok = mac_shape_ok and type(m.source_mac) == "boolean" and
                       type(m.special_mac) == "boolean" and
                       math.type(m["arp_requests.sent"]) == "integer" and
                       math.type(m["arp_replies.rcvd"]) == "integer" and
                       math.type(m["seen.first"]) == "integer" and
                       m.duration == m["seen.last"] - m["seen.first"] + 1 and
                       m.num_hosts == hosts_with and m.manufacturer == nil and m.pool == nil
    local v = tonumber((m.mac:gsub(":", "")), 16)
    mac_shape_ok = mac_shape_ok and v > prev
    prev = v
    mac_sum_sent = mac_sum_sent + m["bytes.sent"]
    mac_sum_pkts = mac_sum_pkts + m["packets.sent"]
end
T.check(mac_oracle_ok, "every MAC: bytes/packets sent/rcvd match the capture")
T.check(mac_shape_ok, "every MAC: types, num_hosts, column_mac order, no made-up keys")
T.check_eq(mac_sum_sent, O.frame_bytes, "sum of MAC bytes.sent = frame bytes of the capture")
T.check_eq(mac_sum_pkts, O.frames, "sum of MAC packets.sent = frames of the capture")

local by_traffic = interface.getMacsInfo("column_traffic", nil, nil, false)
local mono = true
for i = 2, #by_traffic.macs do
    local a, b = by_traffic.macs[i - 1], by_traffic.macs[i]
    mono = mono and a["bytes.sent"] + a["bytes.rcvd"] >= b["bytes.sent"] + b["bytes.rcvd"]
end
T.check(mono, "getMacsInfo column_traffic descending")
local p1 = interface.getMacsInfo(nil, 2, 0).macs
local p2 = interface.getMacsInfo(nil, 2, 2).macs
T.check_eq({p1[1].mac, p1[2].mac, p2[1].mac, p2[2].mac},
           {macs.macs[1].mac, macs.macs[2].mac, macs.macs[3].mac, macs.macs[4].mac},
           "getMacsInfo pages tile the list")
local src_only = interface.getMacsInfo(nil, nil, nil, nil, true)
local n_src = 0
for _, m in ipairs(macs.macs) do
    if m.source_mac then
        n_src = n_src + 1
    end
end
T.check_num(src_only.numMacs, n_src, "sourceMacsOnly")
local last_first = 0
for _, m in ipairs(macs.macs) do
    last_first = math.max(last_first, m["seen.first"])
end
T.check_num(interface.getMacsInfo(nil, nil, nil, nil, nil, nil, nil, nil, nil, last_first).numMacs,
            0, "min_first_seen keeps strictly later MACs")
T.check_error(interface.getMacsInfo, "manufacturer filter raises", nil, nil, nil, nil, nil,
              "Apple")
T.check_error(interface.getMacsInfo, "getMacsInfo maxHits type", nil, "x")

local m1 = interface.getMacInfo(macs.macs[1].mac)
T.check_eq(m1, macs.macs[1], "getMacInfo = the list entry")
T.check_eq(interface.getMacInfo(macs.macs[1].mac:lower()), m1, "getMacInfo, lower case")
T.check_eq(interface.getMacInfo("02:00:00:00:00:01"), nil, "missing MAC: nil")
T.check_error(interface.getMacInfo, "getMacInfo() raises")
T.check_error(interface.getMacInfo, "getMacInfo(garbage) raises", "zz:zz")

T.done()
