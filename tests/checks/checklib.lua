-- checklib.lua - what the check-script tests share: records of the current flow/host
-- through the flow.* / host.* accessors, and the same records built from
-- interface.getFlowsInfo / getHostInfo, one line each (sorted keys), so they compare as text.
local M = {}

local function repr(v)
    if type(v) == "string" then
        return string.format("%q", v)
    elseif type(v) == "number" then
        return math.type(v) == "float" and string.format("%.17g(float)", v) or tostring(v)
    elseif type(v) ~= "table" then
        return tostring(v)
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = "[" .. repr(k) .. "]=" .. repr(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
end
M.repr = repr

-- The current flow as the accessors give it.
function M.flow_record()
    return repr({
        cli = flow.cli(), cli_port = flow.cli_port(), srv = flow.srv(), srv_port = flow.srv_port(),
        protocol = flow.protocol(), vlan_id = flow.vlan_id(), is_oneway = flow.is_oneway(),
        is_unicast = flow.is_unicast(), cli2srv_bytes = flow.cli2srv_bytes(),
        srv2cli_bytes = flow.srv2cli_bytes(), bytes = flow.bytes(),
        l7_master_proto = flow.l7_master_proto(), l7_proto = flow.l7_proto(),
        l7_proto_name = flow.l7_proto_name(), direction = flow.direction(), http = flow.http(),
        dns = flow.dns(), ssh = flow.ssh(), tls_quic = flow.tls_quic(),
    })
end

local function prefixed(fl, pattern)
    local t = {}
    for k, v in pairs(fl) do
        if k:match(pattern) then t[k] = v end
    end
    return t
end

-- The same from one flow of interface.getFlowsInfo(nil, {detailedResults = true}).
function M.flow_record_from_info(fl)
    local cl, sl = fl["cli.localhost"], fl["srv.localhost"]
    local dir = (not cl and not sl) and "remote2remote" or (cl and not sl) and "local@remote" or
                    (not cl and sl) and "remote@local" or "local@local"
    return repr({
        cli = fl["cli.ip"], cli_port = fl["cli.port"], srv = fl["srv.ip"], srv_port = fl["srv.port"],
        protocol = fl["proto.l4_id"], vlan_id = fl.vlan,
        is_oneway = fl.packets > 0 and (fl["packets.sent"] == 0 or fl["packets.rcvd"] == 0),
        is_unicast = not fl["cli.broadmulticast"] and not fl["srv.broadmulticast"],
        cli2srv_bytes = fl["cli2srv.bytes"], srv2cli_bytes = fl["srv2cli.bytes"], bytes = fl.bytes,
        l7_master_proto = fl["proto.master_ndpi_id"], l7_proto = fl["proto.ndpi_id"],
        l7_proto_name = fl["proto.ndpi"], direction = dir,
        http = prefixed(fl, "^protos%.http%."), dns = prefixed(fl, "^protos%.dns%."),
        ssh = prefixed(fl, "^protos%.ssh%."), tls_quic = prefixed(fl, "^protos%.tls"),
    })
end

function M.host_key()
    local v = host.vlan_id()
    return host.ip() .. (v > 0 and ("@" .. v) or "")
end

function M.host_record()
    return repr({
        ip = host.ip(), mac = host.mac(), name = host.name(), vlan_id = host.vlan_id(),
        is_local = host.is_local(), is_multicast = host.is_multicast(),
        is_blacklisted = host.is_blacklisted(),
        is_rx_only = host.is_rx_only(), bytes_sent = host.bytes_sent(),
        bytes_rcvd = host.bytes_rcvd(), bytes = host.bytes(), l7 = host.l7(),
        total_flows_as_client = host.total_flows_as_client(),
        total_flows_as_server = host.total_flows_as_server(),
        unicast_rule = host.is_unicast() == not (host.is_multicast() or host.is_broadcast()),
    })
end

function M.host_record_from_info(h)
    return repr({
        ip = h.ip, mac = h.mac, name = h.name, vlan_id = h.vlan, is_local = h.localhost,
        is_blacklisted = h.is_blacklisted,
        is_multicast = h.is_multicast, is_rx_only = h.is_rx_only, bytes_sent = h["bytes.sent"],
        bytes_rcvd = h["bytes.rcvd"], bytes = h["bytes.sent"] + h["bytes.rcvd"],
        total_flows_as_client = h["total_flows.as_client"],
        total_flows_as_server = h["total_flows.as_server"],
        l7 = {ndpi = h.ndpi, ndpi_categories = h.ndpi_categories}, unicast_rule = true,
    })
end

-- Appends one line to $NTOP_CHECKS_OUT.<suffix>.
local files = {}
function M.emit(suffix, line)
    local f = files[suffix]
    if not f then
        f = assert(io.open(os.getenv("NTOP_CHECKS_OUT") .. "." .. suffix, "a"))
        files[suffix] = f
    end
    f:write(line, "\n")
    f:flush()
end

function M.read_lines(suffix)
    local t = {}
    local f = io.open(os.getenv("NTOP_CHECKS_OUT") .. "." .. suffix)
    if not f then return t end
    for l in f:lines() do t[#t + 1] = l end
    f:close()
    return t
end

local failed = 0
function M.check(ok, what)
    if ok then
        print("ok   " .. what)
    else
        failed = failed + 1
        print("FAIL " .. what)
    end
end

function M.done()
    if failed > 0 then
        error(failed .. " check(s) failed", 0)
    end
    print("all checks passed")
end

return M
