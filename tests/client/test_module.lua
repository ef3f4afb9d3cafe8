--
-- test_module.lua - the ntopclient Lua module without a probe, in the stock lua5.4
-- interpreter (LUA_CPATH finds the built module):
--
--   LUA_CPATH="build/lib/lua/5.4/?.so" lua5.4 tests/client/test_module.lua
--
-- Closed ports stand for probes that are down: calls must fail fast, with the reason.
--
local passed, failed = 0, 0

local function check(cond, name, detail)
    if cond then
        passed = passed + 1
    else
        failed = failed + 1
        print("FAIL " .. name .. (detail and (": " .. tostring(detail)) or ""))
    end
end

local function raises(pattern, name, fn, ...)
    local ok, err = pcall(fn, ...)
    check(not ok and type(err) == "string" and err:find(pattern) ~= nil, name, err)
    return err
end

local nc = require "ntopclient"

-- The module and its generated API list
check(type(nc.version) == "string", "version")
check(type(nc.api) == "table" and #nc.api > 10, "api list from ntop-probe --list-api")
local names = {}
for _, f in ipairs(nc.api) do
    names[f.namespace .. "." .. f.name] = f
end
check(names["interface.getStats"] ~= nil, "api has interface.getStats")
check(names["ntop.getInfo"] and names["ntop.getInfo"].privilege == "read", "api privilege")
for _, fn in ipairs({"connect", "connect_all", "call_all", "install"}) do
    check(type(nc[fn]) == "function", "module has " .. fn)
end

-- connect: an unreachable probe gives nil and gRPC's reason, quickly
local t0 = os.time()
local p, err = nc.connect("127.0.0.1:1")
check(p == nil and err:find("cannot connect to probe 127.0.0.1:1", 1, true) and
          err:find("refused"), "connect to a closed port: nil, reason", err)
check(os.time() - t0 <= 2, "a refused connection fails fast")
p, err = nc.connect("host:notaport")
check(p == nil and err:find("bad probe address"), "malformed address", err)
raises("unknown option 'deadline'", "unknown option", nc.connect, "h", {deadline = 1})
raises("integer expected", "option type", nc.connect, "h", {deadline_ms = "x"})

-- a lazy probe object
p = nc.connect("127.0.0.1:1", {lazy = true, deadline_ms = 2000, token = "ignored"})
check(p ~= nil, "lazy connect")
check(tostring(p) == "ntopclient.probe(127.0.0.1:1)", "tostring", tostring(p))
check(p:target() == "127.0.0.1:1", "target")
for _, ns in ipairs({"ntop", "interface", "flow", "host", "network"}) do
    check(type(p[ns]) == "table", "namespace " .. ns)
end
check(type(p.interface.getStats) == "function", "known function")
check(rawget(p.interface, "getStats") ~= nil, "known functions are populated")
check(type(p.interface.notInTheList) == "function", "any name resolves to a remote call")
check(rawget(p.interface, "notInTheList") == nil, "unknown names are not cached")
check(p.interface[1] == nil and p.interface["a b"] == nil, "non-names are nil")
check(p.nosuchfield == nil, "probe fields")
local e = raises("unreachable", "call to a down probe raises",
                 function() return p.interface.getStats() end)
check(e:find("test_module.lua:%d+: interface.getStats: probe 127.0.0.1:1 unreachable"),
      "error names the caller's line, the function and the probe", e)
raises("bad argument #2 to 'ntop.md5' %(a function cannot be sent", "arguments that cannot travel",
       p.ntop.md5, "x", print)
raises("bad argument #1 to 'ntop.md5' %(tables nested deeper than 64",
       "arguments over the depth limit", p.ntop.md5,
       (function() local t = {} for _ = 1, 70 do t = {t} end return t end)())
raises("unreachable", "probe:call", p.call, p, "interface.getStats")
raises("namespace.name", "probe:call with a bad name", p.call, p, "getStats")
local ok, why = p:ready(500)
check(ok == nil and why:find("refused"), "probe:ready", why)

-- context
local ctx = p:context()
check(ctx.ifid == 0 and ctx.host == nil, "default context: interface 0")
p:set_context({ifid = 2, host = "10.0.0.1", network = 3})
ctx = p:context()
check(ctx.ifid == 2 and ctx.host == "10.0.0.1" and ctx.network == 3, "set_context")
p:set_context({host = false, network = false})
ctx = p:context()
check(ctx.host == nil and ctx.network == nil and ctx.ifid == 2, "set_context clears")
raises("integer expected", "set_context type", p.set_context, p, {ifid = "x"})
check(nc.connect("h", {lazy = true, ifid = 1}):context().ifid == 1, "ifid option")

-- install
nc.install(p)
check(interface == p.interface and ntop == p.ntop and network == p.network, "install globals")

-- connect_all / call_all keep the keys; errors are per probe
local probes = nc.connect_all({"127.0.0.1:1", "127.0.0.1:2"}, {deadline_ms = 2000})
check(#probes == 2 and probes[2]:target() == "127.0.0.1:2", "connect_all array")
local named = nc.connect_all({a = "127.0.0.1:1", b = "unix:/nonexistent/sock"})
check(named.a and named.b and named.b:target() == "unix:/nonexistent/sock", "connect_all keys")
raises("bad probe address", "connect_all bad address", nc.connect_all, {"h:x"})
local r = nc.call_all(named, "interface.getStats")
check(type(r.a) == "table" and r.a.ok == false and r.a.status == "UNAVAILABLE" and
          r.a.error:find("refused"), "call_all per-probe error", r.a and r.a.error)
check(r.b and r.b.ok == false and r.b.error:find("No such file"), "call_all unix error",
      r.b and r.b.error)
raises("namespace.name", "call_all bad name", nc.call_all, named, "nodot")
raises("probe expected", "call_all bad probes", nc.call_all, {1}, "interface.getStats")
raises("bad argument #1 to 'interface.getStats'", "call_all bad argument", nc.call_all, named,
       "interface.getStats", print)
check(next(nc.call_all({}, "interface.getStats")) == nil, "call_all with no probe")

-- close: explicitly and with <close>
named.a:close()
r = nc.call_all(named, "interface.getStats")
check(r.a.ok == false and r.a.error:find("closed"), "call_all on a closed probe", r.a.error)
raises("closed", "call on a closed probe", named.a.interface.getStats)
check(tostring(named.a) == "ntopclient.probe(closed)", "tostring closed")
named.a:close() -- twice is fine
do
    local q <close> = nc.connect("127.0.0.1:1", {lazy = true})
    check(q:target() == "127.0.0.1:1", "to-be-closed probe")
end
collectgarbage()
collectgarbage()

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
