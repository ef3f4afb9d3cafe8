-- Round trips of every ntop.*Cache function against a real Redis (-r socket), Redis going
-- away mid-script and coming back.
local T = require "testlib"
local redis_server = require "redis_server"
local sock = os.getenv("NTOP_TEST_REDIS_SOCK")

T.check_eq(ntop.flushCache(), true, "flushCache")

-- Strings
T.check_eq(ntop.getCache("nokey"), "", "getCache of a missing key is \"\" (as ntopng)")
T.check_eq(ntop.setCache("k1", "v1"), true, "setCache")
T.check_eq(ntop.getCache("k1"), "v1", "getCache")
T.check_eq(ntop.setCache("n", 42), true, "setCache of a number")
T.check_eq(ntop.getCache("n"), "42", "number stored as its string")
T.check_eq(ntop.setCache("b", true), true, "setCache of a boolean")
T.check_eq(ntop.getCache("b"), "true", "boolean stored as \"true\"")
local bin = "a\0b\0\255c"
T.check_eq(ntop.setCache("bin\0key", bin), true, "setCache binary")
T.check_eq(ntop.getCache("bin\0key"), bin, "binary key and value survive")
T.check_eq(ntop.setnxCache("k1", "other"), false, "setnxCache on an existing key")
T.check_eq(ntop.getCache("k1"), "v1", "setnxCache left the value")
T.check_eq(ntop.setnxCache("k2", "v2"), true, "setnxCache on a new key")
T.check_eq(ntop.getCache("k2"), "v2", "setnxCache stored")
T.check_eq(ntop.incrCache("cnt"), 1, "incrCache from nothing")
T.check_eq(ntop.incrCache("cnt", 5), 6, "incrCache by 5")
T.check_eq(ntop.incrCache("cnt", -2), 4, "incrCache by -2")
local v, msg = ntop.incrCache("k1")
T.check_eq(v, nil, "incrCache of a non-number is nil")
T.check(type(msg) == "string", "incrCache of a non-number gives a message")
T.check_eq(ntop.getKeysCache("k*"), {k1 = "", k2 = ""}, "getKeysCache")
T.check_eq(ntop.getKeysCache("nothing*"), nil, "getKeysCache without match is nil")
ntop.delCache("k2")
T.check_eq(ntop.getCache("k2"), "", "delCache")

-- TTL
T.check_eq(ntop.setCache("ttl", "x", 1), true, "setCache with ttl")
T.check_eq(ntop.setnxCache("ttlnx", "x", 1), true, "setnxCache with ttl")
T.check_eq(ntop.getCache("ttl"), "x", "before expiry")
ntop.msleep(1300)
T.check_eq(ntop.getCache("ttl"), "", "setCache ttl expired")
T.check_eq(ntop.getCache("ttlnx"), "", "setnxCache ttl expired")

-- Hashes
ntop.setHashCache("h", "f1", "v1")
ntop.setHashCache("h", "f\0bin", bin)
T.check_eq(ntop.getHashCache("h", "f1"), "v1", "getHashCache")
T.check_eq(ntop.getHashCache("h", "f\0bin"), bin, "getHashCache binary")
T.check_eq(ntop.getHashCache("h", "none"), "", "getHashCache of a missing field is \"\"")
T.check_eq(ntop.getHashKeysCache("h"), {f1 = "", ["f\0bin"] = ""}, "getHashKeysCache")
T.check_eq(ntop.getHashAllCache("h"), {f1 = "v1", ["f\0bin"] = bin}, "getHashAllCache")
ntop.delHashCache("h", "f1")
T.check_eq(ntop.getHashAllCache("h"), {["f\0bin"] = bin}, "delHashCache")
T.check_eq(ntop.getHashKeysCache("nohash"), nil, "getHashKeysCache of a missing hash is nil")
T.check_eq(ntop.getHashAllCache("nohash"), nil, "getHashAllCache of a missing hash is nil")

-- Lists
ntop.rpushCache("l", "b")
ntop.rpushCache("l", "c")
ntop.lpushCache("l", "a")
T.check_eq(ntop.llenCache("l"), 3, "llenCache")
T.check_eq(ntop.lrangeCache("l"), {"a", "b", "c"}, "lrangeCache")
T.check_eq(ntop.lrangeCache("l", 1, 1), {"b"}, "lrangeCache 1..1")
T.check_eq(ntop.lpopCache("l"), "a", "lpopCache")
T.check_eq(ntop.rpopCache("l"), "c", "rpopCache")
T.check_eq(ntop.rpopCache("l"), "b", "rpopCache last")
T.check_eq(ntop.lpopCache("l"), nil, "lpopCache of an empty list is nil")
T.check_eq(ntop.llenCache("l"), 0, "llenCache of a missing list")
for i = 1, 5 do
    ntop.lpushCache("lt", tostring(i), 3)
end
T.check_eq(ntop.lrangeCache("lt"), {"5", "4", "3"}, "lpushCache trim keeps the newest")
for i = 1, 5 do
    ntop.rpushCache("rt", tostring(i), 2)
end
T.check_eq(ntop.lrangeCache("rt"), {"4", "5"}, "rpushCache trim keeps the newest")
ntop.rpushCache("lb", bin)
T.check_eq(ntop.lpopCache("lb"), bin, "binary list element")

-- Sets
ntop.setMembersCache("s", "m1")
ntop.setMembersCache("s", "m2")
ntop.setMembersCache("s", "m1")
local m = ntop.getMembersCache("s")
table.sort(m)
T.check_eq(m, {"m1", "m2"}, "getMembersCache")
ntop.delMembersCache("s", "m1")
T.check_eq(ntop.getMembersCache("s"), {"m2"}, "delMembersCache")
T.check_eq(ntop.getMembersCache("noset"), {}, "getMembersCache of a missing set")

-- Wrong types raise; a wrong Redis type is nil, message
T.check_error(ntop.getCache, "getCache without key raises")
T.check_error(ntop.getCache, "getCache of a table raises", {})
T.check_error(ntop.setCache, "setCache of a table raises", "k", {})
T.check_error(ntop.setCache, "setCache with a string ttl raises", "k", "v", "x")
T.check_error(ntop.incrCache, "incrCache with a float amount raises", "c", 1.5)
T.check_error(ntop.lrangeCache, "lrangeCache with a string start raises", "l", "x")
local r, e = ntop.getHashCache("k1", "f")
T.check(r == nil and type(e) == "string", "getHashCache on a string key: nil, message")

-- flushCache
T.check_eq(ntop.flushCache(), true, "flushCache again")
T.check_eq(ntop.getKeysCache("*"), nil, "nothing left after flushCache")

-- Redis goes away: nil, message; the probe keeps working; then it comes back.
redis_server.stop(sock)
ntop.msleep(200)
local g, gerr = ntop.getCache("k1")
T.check_eq(g, nil, "getCache with Redis gone is nil")
T.check(type(gerr) == "string" and gerr:find("redis") ~= nil, "with a message: " .. tostring(gerr))
local s, serr = ntop.setCache("k1", "v")
T.check(s == nil and type(serr) == "string", "setCache with Redis gone: nil, message")
T.check_eq(ntop.md5(""), "d41d8cd98f00b204e9800998ecf8427e", "other bindings still work")
local back = redis_server.start(sock)
T.check(back, "setCache works again once Redis is back")
T.check_eq(ntop.getCache("back"), "yes", "getCache after reconnect")

T.done()
