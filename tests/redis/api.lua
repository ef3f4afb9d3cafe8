-- Every Redis-backed ntop.* function (cache, hash, list, set, DUMP/RESTORE, server status
-- and counters, preferences) and the in-process Lua cache, against a real redis-server.
-- The same file runs inside the probe (--run-script) and remotely (ntoplua-shell against the
-- probe's --rpc-listen); run.sh sets the environment:
--   NTOP_TEST_REDIS_SOCK   the redis-server's Unix socket (stopped, paused, restarted here)
--   NTOP_TEST_MAX_HOSTS    the probe's --max-num-hosts (getPrefs oracle)
--   NTOP_TEST_MAX_FLOWS    the probe's --max-num-flows
--   NTOP_TEST_LUACACHE_SEED  optional: value another Lua state stored as getLuaCache("seed")
--   NTOP_TEST_LUACACHE_PEER  optional: wait for another Lua state to store this value as
--                            getLuaCache("peer")
local T = require "testlib"
local redis_server = require "redis_server"
local sock = assert(os.getenv("NTOP_TEST_REDIS_SOCK"), "NTOP_TEST_REDIS_SOCK is not set")
local bin = "a\0b\0\255c"

local function sh(cmd)
    local f = assert(io.popen(cmd))
    local out = f:read("a")
    f:close()
    return out
end
local function cli(args)
    return (sh("redis-cli -s '" .. sock .. "' " .. args .. " 2>/dev/null"):gsub("\n$", ""))
end
local function stats()
    return ntop.getCacheStats()
end

T.check_eq(ntop.flushCache(), true, "flushCache")
T.check_eq(ntop.reloadPreferences(), nil, "reloadPreferences on an empty Redis")

---------------------------------------------------------------------------- strings
T.check_eq(ntop.getCache("nokey"), "", "getCache of a missing key is \"\"")
T.check_eq(ntop.setCache("k1", "v1"), true, "setCache")
T.check_eq(ntop.getCache("k1"), "v1", "getCache")
T.check_eq(cli("GET k1"), "v1", "redis-cli sees setCache's value")
T.check_eq(ntop.setCache("n", 42), true, "setCache of a number")
T.check_eq(ntop.getCache("n"), "42", "number stored as its string")
T.check_eq(ntop.setCache("bin\0key", bin), true, "setCache binary")
T.check_eq(ntop.getCache("bin\0key"), bin, "binary key and value survive")
T.check_eq(ntop.setnxCache("k1", "other"), false, "setnxCache on an existing key")
T.check_eq(ntop.setnxCache("k2", "v2"), true, "setnxCache on a new key")
T.check_eq(ntop.incrCache("cnt", 5), 5, "incrCache")
T.check_eq(ntop.getKeysCache("k*"), {k1 = "", k2 = ""}, "getKeysCache")
ntop.delCache("k2")
T.check_eq(ntop.getCache("k2"), "", "delCache")

-- renameCache
T.check_eq(ntop.renameCache("bin\0key", "renamed\0bin"), nil, "renameCache")
T.check_eq(ntop.getCache("renamed\0bin"), bin, "renameCache moved the binary value")
T.check_eq(ntop.getCache("bin\0key"), "", "renameCache: the old key is gone")
local rn, rnerr = ntop.renameCache("no-such-key", "x")
T.check(rn == nil and type(rnerr) == "string", "renameCache of a missing key: nil, message")
T.check_error(ntop.renameCache, "renameCache without a new name raises", "k1")

---------------------------------------------------------------------------- TTL
T.check_eq(ntop.setCache("ttl", "x", 1), true, "setCache with ttl")
T.check_eq(ntop.setnxCache("ttlnx", "x", 1), true, "setnxCache with ttl")
T.check_eq(ntop.setPref("ntopng.prefs.ttl_pref", "x", 1), true, "setPref with ttl")
T.check_eq(ntop.setLuaCache("ttl_lua", "x", 1), nil, "setLuaCache with ttl")
local ttl = tonumber(cli("TTL ttl"))
T.check(ttl == 1 or ttl == 0, "redis-cli TTL of the key is 1 s, got " .. tostring(ttl))
T.check_eq(ntop.getCache("ttl"), "x", "before expiry")
T.check_eq(ntop.getLuaCache("ttl_lua"), "x", "Lua cache before expiry")
ntop.msleep(1300)
T.check_eq(ntop.getCache("ttl"), "", "setCache ttl expired")
T.check_eq(ntop.getCache("ttlnx"), "", "setnxCache ttl expired")
T.check_eq(ntop.getPref("ntopng.prefs.ttl_pref"), "", "setPref ttl expired")
T.check_eq(ntop.getLuaCache("ttl_lua"), "", "setLuaCache ttl expired")
T.check_eq(ntop.dumpLuaCache().ttl_lua, nil, "dumpLuaCache leaves out expired entries")

---------------------------------------------------------------------------- hashes
ntop.setHashCache("h", "f1", "v1")
ntop.setHashCache("h", "f\0bin", bin)
T.check_eq(ntop.getHashCache("h", "f1"), "v1", "getHashCache")
T.check_eq(ntop.getHashCache("h", "f\0bin"), bin, "getHashCache binary")
T.check_eq(ntop.getHashKeysCache("h"), {f1 = "", ["f\0bin"] = ""}, "getHashKeysCache")
T.check_eq(ntop.getHashAllCache("h"), {f1 = "v1", ["f\0bin"] = bin}, "getHashAllCache")
ntop.delHashCache("h", "f1")
T.check_eq(ntop.getHashAllCache("h"), {["f\0bin"] = bin}, "delHashCache")

---------------------------------------------------------------------------- lists
for _, v in ipairs({"a", "b", "a", "c", "a"}) do
    ntop.rpushCache("l", v)
end
ntop.lpushCache("l", bin)
T.check_eq(ntop.llenCache("l"), 6, "llenCache")
T.check_eq(ntop.lrangeCache("l"), {bin, "a", "b", "a", "c", "a"}, "lrangeCache")
T.check_eq(ntop.listIndexCache("l", 0), bin, "listIndexCache 0 (binary element)")
T.check_eq(ntop.listIndexCache("l", 2), "b", "listIndexCache 2")
T.check_eq(ntop.listIndexCache("l", -1), "a", "listIndexCache -1 is the last")
T.check_eq(ntop.listIndexCache("l", 6), nil, "listIndexCache past the end is nil")
T.check_eq(ntop.listIndexCache("nolist", 0), nil, "listIndexCache of a missing list is nil")
T.check_eq(cli("LINDEX l 3"), "a", "redis-cli agrees on index 3")
T.check_eq(ntop.lremCache("l", "a"), true, "lremCache")
T.check_eq(ntop.lrangeCache("l"), {bin, "b", "c"}, "lremCache removed every \"a\"")
T.check_eq(ntop.lremCache("l", "zz"), true, "lremCache of an absent value is true (as ntopng)")
T.check_eq(ntop.lremCache("l", bin), true, "lremCache binary")
T.check_eq(ntop.lrangeCache("l"), {"b", "c"}, "lremCache removed the binary element")
for i = 1, 6 do
    ntop.rpushCache("l", tostring(i))
end
T.check_eq(ntop.ltrimCache("l", 1, 3), nil, "ltrimCache")
T.check_eq(ntop.lrangeCache("l"), {"c", "1", "2"}, "ltrimCache kept 1..3")
T.check_eq(ntop.ltrimCache("l", -2, -1), nil, "ltrimCache negative indices")
T.check_eq(ntop.lrangeCache("l"), {"1", "2"}, "ltrimCache kept the last two")
T.check_eq(ntop.lpopCache("l"), "1", "lpopCache")
T.check_eq(ntop.rpopCache("l"), "2", "rpopCache")
T.check_eq(ntop.lpopCache("l"), nil, "lpopCache of an empty list is nil")
for i = 1, 5 do
    ntop.lpushCache("lt", tostring(i), 3)
end
T.check_eq(ntop.lrangeCache("lt"), {"5", "4", "3"}, "lpushCache trim keeps the newest")
T.check_error(ntop.listIndexCache, "listIndexCache with a string index raises", "l", "x")
T.check_error(ntop.listIndexCache, "listIndexCache with a float index raises", "l", 1.5)
T.check_error(ntop.ltrimCache, "ltrimCache without end raises", "l", 0)
T.check_error(ntop.lremCache, "lremCache of a table raises", "l", {})
local li, lierr = ntop.listIndexCache("k1", 0)
T.check(li == nil and type(lierr) == "string", "listIndexCache on a string key: nil, message")

---------------------------------------------------------------------------- sets
ntop.setMembersCache("s", "m1")
ntop.setMembersCache("s", bin)
local m = ntop.getMembersCache("s")
table.sort(m)
local want = {"m1", bin}
table.sort(want)
T.check_eq(m, want, "getMembersCache")
ntop.delMembersCache("s", "m1")
T.check_eq(ntop.getMembersCache("s"), {bin}, "delMembersCache")

---------------------------------------------------------------------------- DUMP/RESTORE
local version = cli("INFO server"):match("redis_version:(%d+%.%d+)")
local maj, min = version:match("(%d+)%.(%d+)")
T.check_eq(ntop.hasDumpCache(), tonumber(maj) > 2 or (tonumber(maj) == 2 and tonumber(min) >= 6),
           "hasDumpCache agrees with the server's version " .. version)
ntop.setCache("d", "abc")
local d = ntop.dumpCache("d")
T.check(type(d) == "string" and d:match("^[0-9A-F]+$") ~= nil, "dumpCache is upper-case hex")
-- Redis's DUMP format: RDB type 0 (string), 6-bit length 3, the bytes, then the RDB
-- version (2 bytes) and a CRC64 (8 bytes).
T.check_eq(d:sub(1, 10), "0003616263", "dumpCache payload starts as an RDB string \"abc\"")
T.check_eq(#d, 2 * (5 + 10), "dumpCache payload has the version and CRC trailer")
T.check_eq(ntop.dumpCache("no-such-key"), "", "dumpCache of a missing key is \"\" (as ntopng)")
T.check_eq(ntop.restoreCache("d2", d), true, "restoreCache")
T.check_eq(ntop.getCache("d2"), "abc", "restored value")
T.check_eq(cli("TTL d2"), "-1", "restored key has no TTL")
ntop.setCache("dbin", bin)
T.check_eq(ntop.restoreCache("dbin2", ntop.dumpCache("dbin")), true, "restoreCache binary")
T.check_eq(ntop.getCache("dbin2"), bin, "binary value with NUL bytes through DUMP/RESTORE")
T.check_eq(ntop.restoreCache("h2", ntop.dumpCache("h"):lower()), true,
           "restoreCache of a hash (lower-case hex accepted)")
T.check_eq(ntop.getHashAllCache("h2"), {["f\0bin"] = bin}, "restored hash")
ntop.rpushCache("dl", "x")
ntop.rpushCache("dl", bin)
T.check_eq(ntop.restoreCache("d2", ntop.dumpCache("dl")), true, "restoreCache replaces a key")
T.check_eq(ntop.lrangeCache("d2"), {"x", bin}, "restored list replaced the string")
local bad, baderr = ntop.restoreCache("d2", "00")
T.check(bad == nil and type(baderr) == "string", "restoreCache of a bad payload: nil, message")
T.check_eq(ntop.lrangeCache("d2"), {"x", bin}, "a refused payload leaves the key")
T.check_error(ntop.restoreCache, "restoreCache of non-hex raises", "d3", "zz")
T.check_error(ntop.restoreCache, "restoreCache of odd-length hex raises", "d3", "000")
T.check_error(ntop.dumpCache, "dumpCache without key raises")

---------------------------------------------------------------------------- status, stats
local st = ntop.getCacheStatus()
T.check(type(st) == "table" and type(st.info) == "string" and st.info:find("redis_version:"),
        "getCacheStatus.info is the INFO text")
T.check_eq(st.dbsize, tonumber(cli("DBSIZE")), "getCacheStatus.dbsize = redis-cli DBSIZE")
local keys = 0
for _ in pairs(ntop.getKeysCache("*")) do
    keys = keys + 1
end
T.check_eq(st.dbsize, keys, "getCacheStatus.dbsize = number of keys")

local s0 = stats()
for _, k in ipairs({"num_get", "num_set", "num_del", "num_hget", "num_hset", "num_hdel",
                    "num_keys", "num_hkeys", "num_hgetall", "num_trim", "num_lpush_rpush",
                    "num_lpop_rpop", "num_llen", "num_other", "num_reconnections",
                    "num_expire", "num_ttl", "num_strlen"}) do
    T.check(math.type(s0[k]) == "integer", "getCacheStats." .. k .. " is an integer")
end
T.check(s0.num_get > 0 and s0.num_set > 0 and s0.num_reconnections >= 1,
        "getCacheStats counted the calls so far")
ntop.getCache("k1")
ntop.getCache("k1")
ntop.getPref("ntopng.prefs.none")
ntop.setCache("k1", "v")
ntop.setHashCache("h", "f", "v")
ntop.getHashCache("h", "f")
ntop.rpushCache("st", "v", 1)
ntop.lpopCache("st")
ntop.llenCache("st")
ntop.listIndexCache("st", 0)
local s1 = stats()
T.check_eq({s1.num_get - s0.num_get, s1.num_set - s0.num_set, s1.num_hset - s0.num_hset,
            s1.num_hget - s0.num_hget, s1.num_lpush_rpush - s0.num_lpush_rpush,
            s1.num_trim - s0.num_trim, s1.num_lpop_rpop - s0.num_lpop_rpop,
            s1.num_llen - s0.num_llen, s1.num_other - s0.num_other},
           {3, 1, 1, 1, 1, 1, 1, 1, 1}, "getCacheStats counts each command type")

---------------------------------------------------------------------------- preferences
local hosts = tonumber(os.getenv("NTOP_TEST_MAX_HOSTS"))
local flows = tonumber(os.getenv("NTOP_TEST_MAX_FLOWS"))
local p = ntop.getPrefs()
T.check_eq(p.max_num_hosts, hosts, "getPrefs.max_num_hosts is --max-num-hosts")
T.check_eq(p.max_num_flows, flows, "getPrefs.max_num_flows is --max-num-flows")
T.check(math.type(p.local_host_max_idle) == "integer" and p.local_host_max_idle > 0 and
        p.local_host_max_idle == p.non_local_host_max_idle, "getPrefs host idle times")
T.check_eq({p.max_entity_alerts, p.ewma_alpha_percent, p.are_alerts_enabled}, {},
           "Redis preferences are absent while unset")
T.check_eq(ntop.getPref("ntopng.prefs.max_entity_alerts"), "", "getPref of an unset preference")
T.check_eq(ntop.setPref("ntopng.prefs.max_entity_alerts", 7), true, "setPref of a number")
T.check_eq(ntop.setPref("ntopng.prefs.ewma_alpha_percent", "25"), true, "setPref")
T.check_eq(ntop.setPref("ntopng.prefs.disable_alerts_generation", true), true,
           "setPref of a boolean")
T.check_eq(ntop.getPref("ntopng.prefs.max_entity_alerts"), "7", "getPref")
T.check_eq(ntop.getPref("ntopng.prefs.disable_alerts_generation"), "true", "getPref boolean")
T.check_eq(cli("GET ntopng.prefs.ewma_alpha_percent"), "25", "the preference is a Redis key")
T.check_eq(ntop.getPrefs().max_entity_alerts, nil, "getPrefs unchanged before reloadPreferences")
T.check_eq(ntop.reloadPreferences(), nil, "reloadPreferences")
p = ntop.getPrefs()
T.check_eq({p.max_entity_alerts, p.ewma_alpha_percent, p.are_alerts_enabled}, {7, 25, false},
           "getPrefs after reloadPreferences")
ntop.setPref("ntopng.prefs.disable_alerts_generation", "0")
T.check_eq(ntop.reloadPreferences(true), nil, "reloadPreferences(true)")
T.check_eq(ntop.getPrefs().are_alerts_enabled, true, "are_alerts_enabled follows Redis")
T.check_error(ntop.reloadPreferences, "reloadPreferences of a string raises", "x")
T.check_error(ntop.setPref, "setPref of a table raises", "ntopng.prefs.x", {})
T.check_error(ntop.getPref, "getPref without key raises")

---------------------------------------------------------------------------- Lua cache
T.check_eq(ntop.setLuaCache("lk", "lv"), nil, "setLuaCache")
T.check_eq(ntop.getLuaCache("lk"), "lv", "getLuaCache")
T.check_eq(ntop.setLuaCache("lnum", 42), nil, "setLuaCache of a number")
T.check_eq(ntop.getLuaCache("lnum"), "42", "number stored as its string")
T.check_eq(ntop.setLuaCache("lbin\0k", bin), nil, "setLuaCache binary")
T.check_eq(ntop.getLuaCache("lbin\0k"), bin, "Lua cache binary key and value")
T.check_eq(ntop.setLuaCache("lk", "lv2"), nil, "setLuaCache overwrites")
T.check_eq(ntop.getLuaCache("lk"), "lv2", "overwritten value")
T.check_eq(ntop.getLuaCache("lnone"), "", "getLuaCache of a missing key is \"\"")
T.check_eq(ntop.getCache("lk"), "", "the Lua cache is not Redis")
local dump = ntop.dumpLuaCache()
T.check_eq({dump.lk, dump.lnum, dump["lbin\0k"]}, {"lv2", "42", bin}, "dumpLuaCache")
T.check_error(ntop.setLuaCache, "setLuaCache of a table raises", "k", {})
T.check_error(ntop.setLuaCache, "setLuaCache of a boolean raises", "k", true)
T.check_error(ntop.setLuaCache, "setLuaCache with a negative ttl raises", "k", "v", -1)
T.check_error(ntop.getLuaCache, "getLuaCache without key raises")

-- Another Lua state of the same probe wrote before us, or writes while we wait.
local seed = os.getenv("NTOP_TEST_LUACACHE_SEED")
if seed then
    T.check_eq(ntop.getLuaCache("seed"), seed, "getLuaCache sees another Lua state's value")
    T.check_eq(ntop.dumpLuaCache().seed, seed, "dumpLuaCache holds another Lua state's value")
end
local peer = os.getenv("NTOP_TEST_LUACACHE_PEER")
if peer then
    ntop.setLuaCache("ready", "yes") -- run.sh waits for this before the peer writes
    local got
    for _ = 1, 150 do
        got = ntop.getLuaCache("peer")
        if got == peer then
            break
        end
        ntop.msleep(100)
    end
    T.check_eq(got, peer, "getLuaCache sees a value another Lua state wrote meanwhile")
end

---------------------------------------------------------------------------- slow Redis
-- The server paused (SIGSTOP): calls give nil, message within the time bound, and the
-- next ones work once it runs again.
local pid = tonumber(st.info:match("process_id:(%d+)"))
os.execute("kill -STOP " .. pid)
local t0 = ntop.gettimemsec()
local sv, sverr = ntop.getCache("k1")
local slow = ntop.gettimemsec() - t0
local lv, lverr = ntop.listIndexCache("l", 0)
os.execute("kill -CONT " .. pid)
T.check(sv == nil and type(sverr) == "string", "getCache with Redis paused: nil, message")
T.check(lv == nil and type(lverr) == "string", "listIndexCache with Redis paused: nil, message")
print(string.format("note: one call with Redis paused took %.3f s", slow))
T.check(slow < 2.0, string.format("a paused Redis costs a call %.2f s (< 2 s)", slow))
local again
for _ = 1, 30 do
    again = ntop.getCache("k1")
    if again == "v" then
        break
    end
    ntop.msleep(100)
end
T.check_eq(again, "v", "getCache works again once Redis runs again")

---------------------------------------------------------------------------- Redis away
local r0 = stats().num_reconnections
redis_server.stop(sock)
ntop.msleep(200)
local calls = {
    {"getCache", "k1"}, {"renameCache", "k1", "k9"}, {"listIndexCache", "l", 0},
    {"lremCache", "l", "a"}, {"ltrimCache", "l", 0, 1}, {"hasDumpCache"},
    {"dumpCache", "d"}, {"restoreCache", "d9", d}, {"getCacheStatus"},
    {"getPref", "ntopng.prefs.max_entity_alerts"}, {"setPref", "ntopng.prefs.x", "1"},
    {"reloadPreferences"},
}
t0 = ntop.gettimemsec()
for _, c in ipairs(calls) do
    local v1, e1 = ntop[c[1]](table.unpack(c, 2))
    T.check(v1 == nil and type(e1) == "string" and e1:find("redis") ~= nil,
            c[1] .. " with Redis gone: nil, message (" .. tostring(e1) .. ")")
end
local away = ntop.gettimemsec() - t0
print(string.format("note: %d calls with Redis gone took %.3f s", #calls, away))
T.check(away < 2.0, string.format("%d calls with Redis gone took %.2f s (< 2 s)", #calls, away))
p = ntop.getPrefs()
T.check_eq({p.max_num_hosts, p.max_entity_alerts}, {hosts, 7},
           "getPrefs keeps the last values with Redis gone")
T.check_eq(ntop.getLuaCache("lk"), "lv2", "the Lua cache works with Redis gone")
T.check(type(stats().num_get) == "number", "getCacheStats works with Redis gone")

local back = redis_server.start(sock)
T.check(back, "setCache works again once Redis is back")
T.check(stats().num_reconnections > r0, "getCacheStats counted the reconnection")
ntop.rpushCache("l2", "x")
T.check_eq(ntop.listIndexCache("l2", 0), "x", "listIndexCache after the restart")
T.check_eq(ntop.restoreCache("d9", d), true, "restoreCache after the restart")
T.check_eq(ntop.getCache("d9"), "abc", "restored after the restart")
T.check_eq(ntop.renameCache("d9", "d10"), nil, "renameCache after the restart")
T.check_eq(ntop.setPref("ntopng.prefs.max_entity_alerts", "9"), true, "setPref after restart")
T.check_eq(ntop.reloadPreferences(), nil, "reloadPreferences after the restart")
T.check_eq(ntop.getPrefs().max_entity_alerts, 9, "getPrefs after the restart")
T.check(ntop.getCacheStatus().dbsize > 0, "getCacheStatus after the restart")

T.done()
