--
-- live_traffic.lua - run by `ntop-probe -i IF -B FILTER --run-script` (live_lo.sh,
-- live_veth.sh): sends known traffic, then checks that the probe saw exactly that traffic
-- through the ntopng Lua API (interface.getStats, getFlowsInfo, getHostInfo).
--
-- The BPF filter restricts the capture to this traffic, so counts are exact. Parameters
-- come from the environment (set by the wrapper):
--   NTOP_TEST_TRAFFIC   command that runs traffic.py
--   NTOP_TEST_SRC/DST   client and server IPv4 addresses (the same on lo)
--   NTOP_TEST_SPORT/DPORT, NTOP_TEST_COUNT, NTOP_TEST_SIZE, NTOP_TEST_REPLY_SIZE
--                       UDP: COUNT datagrams of SIZE payload bytes, each answered by one of
--                       REPLY_SIZE bytes
--   NTOP_TEST_ICMP_COUNT, NTOP_TEST_ICMP_SIZE, NTOP_TEST_ICMP_ID
--                       ICMP echo requests (each answered) with SIZE payload bytes
--   NTOP_TEST_NETNS     the network namespace of the server (optional)
--   NTOP_TEST_DST_MAC   the server's MAC address (optional)
--
local T = require "testlib"

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == "" then
        if default == nil then
            error("environment variable " .. name .. " is not set", 0)
        end
        return default
    end
    return v
end

local function envint(name, default)
    return math.tointeger(tonumber(env(name, default and tostring(default))))
end

local traffic = env("NTOP_TEST_TRAFFIC")
local src, dst = env("NTOP_TEST_SRC", "127.0.0.1"), env("NTOP_TEST_DST", "127.0.0.1")
local sport, dport = envint("NTOP_TEST_SPORT"), envint("NTOP_TEST_DPORT")
local n, size, reply = envint("NTOP_TEST_COUNT", 5), envint("NTOP_TEST_SIZE", 100),
                       envint("NTOP_TEST_REPLY_SIZE", 60)
local k, isize, ident = envint("NTOP_TEST_ICMP_COUNT", 3), envint("NTOP_TEST_ICMP_SIZE", 56),
                        envint("NTOP_TEST_ICMP_ID", 0x7E57)
local netns = env("NTOP_TEST_NETNS", "")
local dst_mac = env("NTOP_TEST_DST_MAC", "")
local same_host = (src == dst)

-- ntopng's per-packet byte count: Ethernet header (lo and veth are DLT_EN10MB) + the IPv4
-- datagram (20-byte header, 8-byte UDP or ICMP echo header, payload).
local L2, IPV4, L4 = 14, 20, 8
local function frame(payload)
    return L2 + IPV4 + L4 + payload
end
local udp_c2s_bytes, udp_s2c_bytes = n * frame(size), n * frame(reply)
local icmp_req_bytes = k * frame(isize) -- the replies are the same size
local total_packets = 2 * n + 2 * k
local total_bytes = udp_c2s_bytes + udp_s2c_bytes + 2 * icmp_req_bytes

local function sleep_ms(ms)
    if ntop and ntop.msleep then
        ntop.msleep(ms)
    else
        os.execute(string.format("sleep %.3f", ms / 1000))
    end
end

local function run(what, cmd)
    local ok, how, code = os.execute(cmd)
    return T.check(ok == true, string.format("%s: `%s` (%s %s)", what, cmd, tostring(how),
                                             tostring(code)))
end

local function has(fname)
    return T.check(type(interface[fname]) == "function", "interface." .. fname .. " is registered")
end

-- Nothing but our own traffic passes the filter: nothing was seen yet.
local before = interface.getStats()
T.check_eq(before.stats.packets, 0, "no packet before the traffic")

-- The traffic.
local udp_cmd = string.format("%s udp --src %s --sport %d --dst %s --dport %d --count %d "
                              .. "--size %d --reply-size %d", traffic, src, sport, dst, dport,
                              n, size, reply)
if netns ~= "" then
    udp_cmd = udp_cmd .. " --server-netns " .. netns
end
run("UDP exchange", udp_cmd)
run("ICMP echo", string.format("%s icmp --dst %s --count %d --size %d --ident %d", traffic,
                               dst, k, isize, ident))

-- Wait (bounded) until the capture thread has processed every packet.
local stats
for _ = 1, 40 do
    stats = interface.getStats()
    if stats.stats.packets >= total_packets then
        break
    end
    sleep_ms(100)
end
sleep_ms(200) -- anything extra would show up in the exact counts below
stats = interface.getStats()

-- interface.getStats
T.check_eq(stats.stats.packets, total_packets, "getStats: stats.packets")
T.check_eq(stats.eth and stats.eth.IPv4_packets, total_packets, "getStats: eth.IPv4_packets")
T.check_eq(stats.eth and stats.eth.IPv4_bytes, total_bytes, "getStats: eth.IPv4_bytes")
T.check(stats.stats.bytes >= total_bytes, "getStats: stats.bytes >= " .. total_bytes)
T.check_eq(stats.stats.flows, 2, "getStats: stats.flows (one UDP, one ICMP)")
T.check_eq(stats.stats.hosts, same_host and 1 or 2, "getStats: stats.hosts")
T.check_eq(interface.getNumFlows(), 2, "getNumFlows")
T.check_eq(interface.getNumHosts(), same_host and 1 or 2, "getNumHosts")

-- interface.getFlowsInfo: detailedResults = level "high" (directional counters, proto.l4).
if has("getFlowsInfo") then
    local res = interface.getFlowsInfo(nil, {detailedResults = true})
    T.check(type(res) == "table" and type(res.flows) == "table", "getFlowsInfo returns flows")
    res = res or {flows = {}}
    T.check_eq(res.numFlows, 2, "getFlowsInfo: numFlows")
    local udp, icmp
    for _, f in ipairs(res.flows or {}) do
        if f["proto.l4"] == "UDP" and f["cli.port"] == sport and f["srv.port"] == dport then
            udp = f
        elseif f["proto.l4"] == "ICMP" then
            icmp = f
        end
    end
    if T.check(udp ~= nil, string.format("UDP flow %s:%d -> %s:%d found", src, sport, dst,
                                         dport)) then
        T.check_eq(udp["cli.ip"], src, "UDP flow: cli.ip")
        T.check_eq(udp["srv.ip"], dst, "UDP flow: srv.ip")
        T.check_eq(udp["proto.l4_id"], 17, "UDP flow: proto.l4_id")
        T.check_eq(udp["bytes"], udp_c2s_bytes + udp_s2c_bytes, "UDP flow: bytes")
        T.check_eq(udp["goodput_bytes"], n * (size + reply), "UDP flow: goodput_bytes")
        T.check_eq(udp["packets"], 2 * n, "UDP flow: packets")
        T.check_eq(udp["cli2srv.packets"], n, "UDP flow: cli2srv.packets")
        T.check_eq(udp["srv2cli.packets"], n, "UDP flow: srv2cli.packets")
        T.check_eq(udp["cli2srv.bytes"], udp_c2s_bytes, "UDP flow: cli2srv.bytes")
        T.check_eq(udp["srv2cli.bytes"], udp_s2c_bytes, "UDP flow: srv2cli.bytes")
        T.check_eq(udp["cli2srv.pkt_len.max"], frame(size), "UDP flow: cli2srv.pkt_len.max")
        T.check_eq(udp["srv2cli.pkt_len.min"], frame(reply), "UDP flow: srv2cli.pkt_len.min")
    end
    if T.check(icmp ~= nil, "ICMP flow found") then
        T.check_eq(icmp["proto.l4_id"], 1, "ICMP flow: proto.l4_id")
        T.check_eq(icmp["packets"], 2 * k, "ICMP flow: packets")
        T.check_eq(icmp["bytes"], 2 * icmp_req_bytes, "ICMP flow: bytes")
        if not same_host then
            -- (On lo both ends are 127.0.0.1, so the direction of the replies is moot.)
            T.check_eq(icmp["cli.ip"], src, "ICMP flow: cli.ip")
            T.check_eq(icmp["srv.ip"], dst, "ICMP flow: srv.ip")
            T.check_eq(icmp["cli2srv.packets"], k, "ICMP flow: cli2srv.packets")
            T.check_eq(icmp["srv2cli.packets"], k, "ICMP flow: srv2cli.packets")
        end
    end
    -- Host filter (arg 1): flows of the server host; an unseen host gives nil.
    local of_dst = interface.getFlowsInfo(dst)
    T.check_eq(of_dst and of_dst.numFlows, 2, "getFlowsInfo(dst): numFlows")
    T.check_eq(interface.getFlowsInfo("192.0.2.1"), nil, "getFlowsInfo(unseen host) is nil")
end

-- interface.getHostInfo
if has("getHostInfo") then
    local udp_to_dst = udp_c2s_bytes
    local d = interface.getHostInfo(dst)
    if T.check(type(d) == "table", "getHostInfo(" .. dst .. ") found") then
        T.check_eq(d.ip, dst, "host: ip")
        T.check_eq(d.vlan, 0, "host: vlan")
        if same_host then
            -- Every packet is sent and received by 127.0.0.1.
            T.check_eq(d["bytes.sent"], total_bytes, "host: bytes.sent")
            T.check_eq(d["bytes.rcvd"], total_bytes, "host: bytes.rcvd")
            T.check_eq(d["packets.sent"], total_packets, "host: packets.sent")
            T.check_eq(d["packets.rcvd"], total_packets, "host: packets.rcvd")
            T.check_eq(d["udp.bytes.sent"], udp_c2s_bytes + udp_s2c_bytes, "host: udp.bytes.sent")
        else
            T.check_eq(d["bytes.rcvd"], udp_to_dst + icmp_req_bytes, "server host: bytes.rcvd")
            T.check_eq(d["bytes.sent"], udp_s2c_bytes + icmp_req_bytes, "server host: bytes.sent")
            T.check_eq(d["packets.rcvd"], n + k, "server host: packets.rcvd")
            T.check_eq(d["packets.sent"], n + k, "server host: packets.sent")
            T.check_eq(d["udp.bytes.rcvd"], udp_to_dst, "server host: udp.bytes.rcvd")
            T.check_eq(d["icmp.bytes.sent"], icmp_req_bytes, "server host: icmp.bytes.sent")
            if dst_mac ~= "" then
                T.check_eq(d.mac, dst_mac:upper(), "server host: mac")
            end
            local s = interface.getHostInfo(src)
            if T.check(type(s) == "table", "getHostInfo(" .. src .. ") found") then
                T.check_eq(s["bytes.sent"], udp_to_dst + icmp_req_bytes, "client host: bytes.sent")
                T.check_eq(s["bytes.rcvd"], udp_s2c_bytes + icmp_req_bytes,
                           "client host: bytes.rcvd")
            end
        end
    end
    T.check_eq(interface.getHostInfo("192.0.2.1"), nil, "getHostInfo(unseen host) is nil")
end

T.done()
