--
-- lua_utils.lua - entry point of the ntopng-compatible Lua library shipped
-- with ntop-probe. Scripts written for ntopng do
--
--    require "lua_utils"
--    tprint(interface.getStats())
--
-- so, like ntopng's lua_utils, loading this module installs the helpers as
-- globals (plus string.* / table.* extensions). It also returns a table with
-- every helper, for scripts that prefer `local lu = require "lua_utils"`.
--
-- Generic string/table helpers live in lua_utils_generic.lua, formatting in
-- format_utils.lua; this file adds IP address / host key / interface helpers.
-- Functions needing the probe look up the `ntop` and `interface` globals at
-- call time, so the module also loads in a plain lua5.4 interpreter.
--

local generic = require "lua_utils_generic"
local format_utils = require "format_utils"

local isEmptyString = generic.isEmptyString
local split = generic.split
local ntop_fn = generic._ntop_fn

local M = {}

-- Looks up interface.<name> at call time; nil outside the probe.
local function interface_fn(name)
    local i = rawget(_G, "interface")
    if type(i) == "table" and type(i[name]) == "function" then
        return i[name]
    end
    return nil
end

-- ##############################################
-- Formatting (globals, as ntopng's lua_utils exports them)
-- ##############################################

M.secondsToTime = format_utils.secondsToTime
M.msToTime = format_utils.msToTime
M.bytesToSize = format_utils.bytesToSize
M.formatPackets = format_utils.formatPackets
M.formatFlows = format_utils.formatFlows
M.formatValue = format_utils.formatValue
M.pktsToSize = format_utils.pktsToSize
M.bitsToSize = format_utils.bitsToSize
M.round = format_utils.round
M.bitsToSizeMultiplier = format_utils.bitsToSizeMultiplier
M.format_high_num_value_for_tables = format_utils.format_high_num_value_for_tables
M.format_name_value = format_utils.format_name_value

function M.formatEpoch(epoch, full_time)
    return format_utils.formatEpoch(epoch, full_time)
end

-- ##############################################
-- Layer-4 protocols
-- ##############################################

-- { label, key, IP protocol number }, as ntopng's l4_protocol_list.
M.l4_keys = {
    {"IP", "ip", 0},
    {"ICMP", "icmp", 1},
    {"IGMP", "igmp", 2},
    {"TCP", "tcp", 6},
    {"UDP", "udp", 17},
    {"IPv6", "ipv6", 41},
    {"RSVP", "rsvp", 46},
    {"GRE", "gre", 47},
    {"ESP", "esp", 50},
    {"IPv6-ICMP", "ipv6icmp", 58},
    {"EIGRP", "eigrp", 88},
    {"OSPF", "ospf", 89},
    {"PIM", "pim", 103},
    {"VRRP", "vrrp", 112},
    {"L2TP", "l2tp", 115},
    {"SCTP", "sctp", 132},
    {"HIP", "hip", 139},
    {"ICMPv6", "icmpv6", 58},
    {"Other IP", "other_ip", -1},
}

-- Protocol number from a label or key ("TCP", "tcp" -> 6).
function M.l4_proto_to_id(proto_name)
    for _, p in ipairs(M.l4_keys) do
        if p[1] == proto_name or p[2] == proto_name then
            return p[3]
        end
    end
    return nil
end

-- Label and key from a protocol number (6 -> "TCP", "tcp"); unknown
-- numbers are returned as strings, non-numbers unchanged, nil as "".
function M.l4_proto_to_string(proto_id)
    if proto_id == nil or isEmptyString(proto_id) then
        return ""
    end
    local n = tonumber(proto_id)
    if n == nil then
        return proto_id
    end
    for _, p in ipairs(M.l4_keys) do
        if p[3] == n then
            return p[1], p[2]
        end
    end
    return string.format("%d", n)
end

-- { label = number } of the layer-4 protocols (IP and IPv6 excluded).
function M.l4_proto_list()
    local list = {}
    for _, p in ipairs(M.l4_keys) do
        if p[2] ~= "ip" and p[2] ~= "ipv6" then
            list[p[1]] = p[3]
        end
    end
    return list
end

-- Label of a protocol key, case-insensitive ("tcp" -> "TCP").
function M.l4Label(proto)
    for _, p in ipairs(M.l4_keys) do
        if p[2]:upper() == tostring(proto):upper() then
            return p[1]
        end
    end
    return generic.firstToUpper(proto)
end

-- TCP flags byte -> { FIN = 0|1, SYN = ..., RST, PSH, ACK, URG, ECE, CWR }
function M.TCPFlags2table(flags)
    flags = tonumber(flags) or 0
    local names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}
    local res = {}
    for i, name in ipairs(names) do
        res[name] = generic.hasbit(flags, 1 << (i - 1)) and 1 or 0
    end
    return res
end

-- ##############################################
-- IP addresses
-- ##############################################

local function octets_ok(a, b, c, d)
    for _, v in ipairs({a, b, c, d}) do
        if tonumber(v) > 255 then
            return false
        end
    end
    return true
end

-- Dotted-quad IPv4 address, optionally followed by ":port".
function M.isIPv4(address)
    if type(address) ~= "string" then
        return false
    end
    local a, b, c, d = address:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if a == nil then
        a, b, c, d = address:match("^(%d+)%.(%d+)%.(%d+)%.(%d+):%d+$")
    end
    return a ~= nil and octets_ok(a, b, c, d)
end

-- Number of ':'-separated hex groups in part, or nil if malformed.
local function hex_groups(part)
    if part == "" then
        return 0
    end
    local n = 0
    for g in (part .. ":"):gmatch("(.-):") do
        if not g:match("^%x%x?%x?%x?$") then
            return nil
        end
        n = n + 1
    end
    return n
end

-- IPv6 text form as accepted by inet_pton(): eight hex groups, one "::"
-- standing for one or more zero groups, optional dotted-quad tail.
local function valid_ipv6(s)
    if type(s) ~= "string" or s == "" or s:find("[^%x:%.]") or s:find(":::") then
        return false
    end
    local head, needed = s, 8
    if s:find(".", 1, true) then
        local v4 = s:match(":(%d+%.%d+%.%d+%.%d+)$")
        if v4 == nil or not v4:match("^%d+%.%d+%.%d+%.%d+$") or
            v4:find("%f[%d]0%d") or not octets_ok(v4:match("(%d+)%.(%d+)%.(%d+)%.(%d+)")) then
            return false
        end
        head = s:sub(1, #s - #v4)
        if head:sub(-2) ~= "::" then
            head = head:sub(1, -2)
        end
        needed = 6
    end
    local dbl = head:find("::", 1, true)
    if dbl then
        if head:find("::", dbl + 1, true) then
            return false
        end
        local left, right = hex_groups(head:sub(1, dbl - 1)), hex_groups(head:sub(dbl + 2))
        return left ~= nil and right ~= nil and left + right < needed
    end
    return hex_groups(head) == needed
end

function M.isIPv6(ip)
    return not isEmptyString(ip) and valid_ipv6(ip)
end

-- Same check as isIPv6 (ntopng's version only looked for a ':').
function M.isIPv6Address(ip)
    return M.isIPv6(ip)
end

-- "addr/prefix" -> addr, prefix (number or nil)
function M.splitNetworkPrefix(net)
    local prefix = tonumber(net:match("/(.+)"))
    local address = net:gsub("/.+", "")
    return address, prefix
end

local function is_network(address, strict, max_prefix, is_ip)
    if type(address) ~= "string" then
        return false
    end
    local parts = split(address, "@")
    if #parts == 2 then
        address = parts[1]
    end
    parts = split(address, "/")
    if #parts == 2 then
        local prefix = tonumber(parts[2])
        if prefix == nil or prefix ~= math.floor(prefix) or prefix < 0 or prefix > max_prefix then
            return false
        end
    elseif #parts ~= 1 or strict then
        return false
    end
    return is_ip(parts[1])
end

-- "a.b.c.d[/n][@vlan]"; strict requires the "/n".
function M.isIPv4Network(address, strict)
    return is_network(address, strict, 32, M.isIPv4)
end

function M.isIPv6Network(address, strict)
    return is_network(address, strict, 128, M.isIPv6)
end

-- "aa:bb:cc:dd:ee:ff" (optionally "@vlan"), or the "_v4"/"_v6" pseudo MACs.
function M.isMacAddress(address)
    if type(address) ~= "string" then
        return false
    end
    local addr = address:match("^([^@]*)@") or address
    return generic.string_ends(addr, "_v4") or generic.string_ends(addr, "_v6") or
               addr:match("^%x%x:%x%x:%x%x:%x%x:%x%x:%x%x$") ~= nil
end

-- IPv4 only: 0.0.0.0 or a first octet >= 224 (multicast/broadcast range).
function M.isBroadMulticast(ip)
    if ip == "0.0.0.0" then
        return true
    end
    local t = generic.string_split(ip, "%.")
    return t ~= nil and (tonumber(t[1]) or 0) >= 224
end

-- Asks the probe (interface.getAddressInfo) when available, otherwise
-- decides from the address alone.
function M.isBroadcastMulticast(ip)
    local get_info = interface_fn("getAddressInfo")
    if get_info then
        local info = get_info(ip) or {}
        return (info.is_multicast or info.is_broadcast) and true or false
    end
    if M.isIPv6(ip) then
        return ip:lower():sub(1, 2) == "ff"
    end
    return M.isIPv4(ip) and (ip == "255.255.255.255" or M.isBroadMulticast(ip))
end

-- Bracketed IPv6 for URLs ("[::1]"), other addresses unchanged.
function M.getIpUrl(ip)
    if M.isIPv6(ip) then
        return "[" .. ip .. "]"
    end
    return ip
end

-- ##############################################
-- Host keys ("ip@vlan", vlan 0 omitted)
-- ##############################################

-- "10.0.0.1@10" -> { host = "10.0.0.1", vlan = 10 }; no "@" means vlan 0.
function M.hostkey2hostinfo(key)
    local host = {}
    local info = split(key, "@")
    if info[1] ~= nil then
        host["host"] = info[1]
    elseif not isEmptyString(key) then
        host["host"] = key
    end
    host["vlan"] = tonumber(info[2]) or 0
    return host
end

-- Host key of a host/flow table. host_type "cli"/"srv" reads the flow's
-- "cli.ip"/"srv.ip"; otherwise ip, mac, host or name is used. "@vlan" is
-- appended when the vlan (vlan or vlan_id) is not 0, or when show_vlan.
function M.hostinfo2hostkey(host_info, host_type, show_vlan)
    local rsp = ""
    if host_type == "cli" then
        rsp = host_info["cli.ip"] or host_info["cli_ip"] or ""
    elseif host_type == "srv" then
        rsp = host_info["srv.ip"] or host_info["srv_ip"] or ""
    else
        rsp = host_info["ip"] or host_info["mac"] or host_info["host"] or host_info["name"] or ""
    end
    local vlan_id = tonumber(host_info["vlan"] or host_info["vlan_id"] or 0) or 0
    vlan_id = math.tointeger(vlan_id) or vlan_id -- 7.0 (e.g. from JSON) -> "7"
    if vlan_id ~= 0 or show_vlan then
        rsp = rsp .. "@" .. tostring(vlan_id)
    end
    return rsp
end

-- True for "ip" or "ip@vlan" with a valid IPv4/IPv6 address.
function M.isHostKey(key)
    if type(key) ~= "string" then
        return false
    end
    local info = split(key, "@")
    if #info < 1 or #info > 2 then
        return false
    end
    if isEmptyString(info[1]) or not (M.isIPv4(info[1]) or M.isIPv6(info[1])) then
        return false
    end
    return isEmptyString(info[2]) or tonumber(info[2]) ~= nil
end

-- Drops "@vlan" from "ip@vlan" (only when it is really an address and a vlan).
function M.stripVlan(name)
    local key = generic.string_split(name, "@")
    if key ~= nil and #key == 2 and tonumber(key[2]) ~= nil and
        (M.isIPv4(key[1]) or M.isIPv6(key[1])) then
        return key[1]
    end
    return name
end

-- Pool member notation: "ip/prefix@vlan" (prefix defaults to 32 or 128).
function M.host2member(ip, vlan, prefix)
    if prefix == nil then
        prefix = M.isIPv4(ip) and 32 or 128
    end
    return ip .. "/" .. tostring(prefix) .. "@" .. tostring(vlan)
end

-- "1.2.3.4/32@0" -> "1.2.3.4", "1.2.3.0/24@5" -> "1.2.3.0/24@5"
function M.member2visual(member)
    local info = M.hostkey2hostinfo(member)
    local host = info.host
    if generic.string_ends(host, "/32") and M.isIPv4(host:sub(1, -4)) then
        host = host:sub(1, -4)
    elseif generic.string_ends(host, "/128") and M.isIPv6(host:sub(1, -5)) then
        host = host:sub(1, -5)
    end
    return M.hostinfo2hostkey({host = host, vlan = info.vlan})
end

-- Normalizes a pool member (MAC or CIDR@VLAN); nil when invalid. With
-- fix_relaxed a missing vlan (0) or prefix (32/128) is filled in.
function M.checkPoolMember(member, fix_relaxed)
    if isEmptyString(member) then
        return nil
    end
    if M.isMacAddress(member) then
        return member
    end
    local vlan_id
    local at = member:find("@", 1, true)
    if at == nil then
        if not fix_relaxed then
            return nil
        end
        vlan_id = 0
    elseif at == 1 then
        return nil
    else
        vlan_id = tonumber(member:sub(at + 1))
        if vlan_id == nil or vlan_id < 0 then
            return nil
        end
        member = member:sub(1, at - 1)
    end
    local address, prefix = M.splitNetworkPrefix(member)
    if prefix == nil then
        if not fix_relaxed or member:find("/", 1, true) then
            return nil
        end
        prefix = M.isIPv4(address) and 32 or 128
    end
    local max = M.isIPv4(address) and 32 or (M.isIPv6(address) and 128 or -1)
    if prefix < 0 or prefix > max or prefix ~= math.floor(prefix) then
        return nil
    end
    return address .. "/" .. math.floor(prefix) .. "@" .. vlan_id
end

function M.isValidPoolMember(member, relaxed)
    return M.checkPoolMember(member, relaxed) ~= nil
end

function M.fixPoolMemberFormat(member)
    return M.checkPoolMember(member, true)
end

-- ##############################################
-- Host labels
-- ##############################################

function M.getHostAltNamesKey(host_key)
    if host_key == nil then
        return nil
    end
    return "ntopng.cache.host_labels." .. host_key
end

-- User-defined alias of an host (ip string or host_info table), read with
-- ntop.getCache; "" when there is none or when not running in the probe.
function M.getHostAltName(host_info)
    local host_key = host_info
    if type(host_info) == "table" then
        host_key = host_info["host"] or host_info["ip"]
    end
    local get_cache = ntop_fn("getCache")
    if host_key == nil or get_cache == nil then
        return ""
    end
    return get_cache(M.getHostAltNamesKey(host_key)) or ""
end

-- Label of an host: host_info.label, alias, host_info.name, resolved name
-- (ntop.getResolvedName, unless skip_resolution), else the address.
-- shorten_len: number, true (default length) or false/nil (no shortening);
-- show_vlan appends "@vlan" for vlans other than 0.
function M.hostinfo2label(host_info, show_vlan, shorten_len, skip_resolution)
    local ip = host_info["ip"] or host_info["host"]
    local res = host_info.label
    if isEmptyString(res) then
        res = M.getHostAltName(ip)
    end
    if isEmptyString(res) then
        res = host_info["name"]
    end
    if isEmptyString(res) and host_info["mac"] and
        (host_info["broadcast_domain_host"] or host_info["dhcpHost"]) then
        res = M.getHostAltName(host_info["mac"])
    end
    if isEmptyString(res) and not skip_resolution then
        local resolve = ntop_fn("getResolvedName")
        res = resolve and ip and resolve(ip)
        if not isEmptyString(res) then
            res = res:lower()
        end
    end
    if isEmptyString(res) then
        res = ip or ""
    end
    if res ~= ip and shorten_len then
        res = generic.shortenString(res, tonumber(shorten_len))
    end
    if show_vlan then
        local vlan = tonumber(host_info["vlan"])
        if vlan and vlan > 0 then
            res = res .. "@" .. vlan
        end
    end
    return res
end

-- hostinfo2label for an ip and vlan (vlan shown when not 0).
function M.ip2label(ip, vlan, shorten_len)
    return M.hostinfo2label({host = ip, vlan = vlan or 0}, true, shorten_len)
end

-- Alias of a MAC address, or the MAC itself.
function M.mac2label(mac)
    local alt = M.getHostAltName(mac)
    if not isEmptyString(alt) and alt ~= mac then
        return alt
    end
    return mac
end

-- ##############################################
-- Interfaces
-- ##############################################

function M.getSystemInterfaceId()
    return "-1" -- a string, as it is passed to interface.select()
end

function M.getSystemInterfaceName()
    return "__system__"
end

-- Interface name from its id (interface.getIfNames()); "" when unknown.
function M.getInterfaceName(interface_id)
    if tostring(interface_id) == M.getSystemInterfaceId() then
        return M.getSystemInterfaceName()
    end
    local get_names = interface_fn("getIfNames")
    local names = get_names and get_names() or {}
    local id_num = tonumber(interface_id or "")
    return names[tostring(interface_id)] or (id_num and names[id_num]) or ""
end

-- Interface id from its name; -1 when unknown.
function M.getInterfaceId(interface_name)
    if interface_name == M.getSystemInterfaceName() then
        return M.getSystemInterfaceId()
    end
    local get_names = interface_fn("getIfNames")
    for id, name in pairs(get_names and get_names() or {}) do
        if name == interface_name then
            return tonumber(id)
        end
    end
    return -1
end

-- ##############################################
-- Debugging
-- ##############################################

-- Source and line of the caller.
function M.__FILE__()
    return debug.getinfo(2, "S").source
end

function M.__LINE__()
    return debug.getinfo(2, "l").currentline
end

-- ##############################################
-- Exports
-- ##############################################

for k, v in pairs(M) do
    _G[k] = v
end

-- The returned table also carries the generic helpers (string.* and table.*
-- ones under their string_/table_ names) and format_utils' functions.
for k, v in pairs(generic) do
    if M[k] == nil and k:sub(1, 1) ~= "_" then
        M[k] = v
    end
end
for k, v in pairs(format_utils) do
    if M[k] == nil then
        M[k] = v
    end
end

return M
