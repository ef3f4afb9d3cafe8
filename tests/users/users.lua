-- Round trips of every ntop.* users binding in the probe (the probe's own scripts act as an
-- administrator), checked against the raw Redis keys ntopng uses (read back through
-- ntop.getCache / getHashCache on the same Redis).
local T = require "testlib"

local function raises(fragment, fn, ...)
    local ok, err = pcall(fn, ...)
    T.check(not ok and tostring(err):find(fragment, 1, true) ~= nil,
            "raises '" .. fragment .. "' (got " .. (ok and "no error" or tostring(err)) .. ")")
end

local function key(user, field)
    return "ntopng.user." .. user .. "." .. field
end

T.check_eq(ntop.getUsers(), {}, "getUsers on an empty store")

-- addUser: required arguments only, then every optional one
T.check_eq(ntop.addUser("alice", "Alice A", "s3cret", "administrator", "", ""), true,
           "addUser administrator")
T.check_eq(ntop.addUser("bob", "Bob B", "pw-bob", "unprivileged", "192.168.1.0/24,10.0.0.0/8",
                        "eth0", "3", "it", true, false, true), true, "addUser with every option")
T.check_eq(ntop.addUser("bob", "Other", "x", "administrator", "", ""), false,
           "addUser of an existing name is false")
T.check_eq(ntop.getCache(key("bob", "full_name")), "Bob B", "addUser did not touch the existing user")

-- ntopng's keys
T.check_eq(ntop.getCache(key("alice", "group")), "administrator", "group key")
T.check_eq(ntop.getCache(key("bob", "group")), "unprivileged", "group key (unprivileged)")
T.check_eq(ntop.getCache(key("bob", "allowed_nets")), "192.168.1.0/24,10.0.0.0/8", "allowed_nets key")
T.check_eq(ntop.getCache(key("bob", "allowed_ifname")), "eth0", "allowed_ifname key")
T.check_eq(ntop.getCache(key("bob", "language")), "it", "language key")
T.check_eq(ntop.getCache(key("bob", "host_pool_id")), "3", "host_pool_id key")
T.check_eq(ntop.getCache(key("bob", "allow_pcap")), "1", "allow_pcap key")
T.check_eq(ntop.getCache(key("bob", "allow_historical_flow")), "", "no allow_historical_flow key")
T.check_eq(ntop.getCache(key("bob", "allow_alerts")), "1", "allow_alerts key")
T.check_eq(ntop.getCache(key("alice", "allowed_ifname")), "", "no allowed_ifname key when empty")
T.check_eq(ntop.getCache(key("alice", "user_id")), "0", "first user id")
T.check_eq(ntop.getCache(key("bob", "user_id")), "1", "second user id")
local ids = ntop.getMembersCache("ntopng.prefs.user_ids")
table.sort(ids)
T.check_eq(ids, {"0", "1"}, "ntopng.prefs.user_ids")

-- passwords: a salted slow hash, never the password
local h_alice = ntop.getCache(key("alice", "password"))
local h_bob = ntop.getCache(key("bob", "password"))
T.check(h_alice:sub(1, 3) == "$y$", "password stored as yescrypt ($y$): " .. h_alice)
T.check(not h_alice:find("s3cret", 1, true) and not h_bob:find("pw-bob", 1, true),
        "the clear password is not stored")
T.check(h_alice ~= ntop.md5("s3cret"), "not ntopng's unsalted MD5")
ntop.addUser("bob2", "", "pw-bob", "unprivileged", "", "")
T.check(ntop.getCache(key("bob2", "password")) ~= h_bob, "same password, different salt")
ntop.deleteUser("bob2")

-- getUsers: ntopng's per-user keys
local users = ntop.getUsers()
T.check_eq(users.alice, {full_name = "Alice A", password = h_alice, group = "administrator",
                         language = "", allowed_nets = "", allowed_ifname = ""}, "getUsers alice")
T.check_eq(users.bob, {full_name = "Bob B", password = h_bob, group = "unprivileged",
                       language = "it", allowed_nets = "192.168.1.0/24,10.0.0.0/8",
                       allowed_ifname = "eth0", host_pool_id = 3, allow_pcap_download = true,
                       allow_alerts = true}, "getUsers bob")

-- resetUserPassword verifies the old password against the hash
T.check_eq(ntop.resetUserPassword("alice", "alice", "wrong", "n3w"), false, "wrong old password")
T.check_eq(ntop.getCache(key("alice", "password")), h_alice, "a refused reset changes nothing")
T.check_eq(ntop.resetUserPassword("alice", "alice", "s3cret", "n3w"), true, "right old password")
local h2 = ntop.getCache(key("alice", "password"))
T.check(h2 ~= h_alice and h2:sub(1, 3) == "$y$", "a new hash after the reset")
T.check_eq(ntop.resetUserPassword("alice", "alice", "s3cret", "x"), false, "the old password is gone")
T.check_eq(ntop.resetUserPassword("alice", "alice", "n3w", "n4w"), true, "the new password verifies")
T.check_eq(ntop.resetUserPassword("admin", "bob", "", "reset"), true,
           "an administrator resets without the old password")
T.check_eq(ntop.resetUserPassword("bob", "bob", "reset", "pw2"), true, "the reset password verifies")
T.check_eq(ntop.resetUserPassword("admin", "nobody", "", "x"), false, "reset of an unknown user")
-- A user made by ntopng has an unsalted MD5 hash: it verifies, and the reset rehashes it.
ntop.setCache(key("bob", "password"), ntop.md5("legacy"))
T.check_eq(ntop.resetUserPassword("bob", "bob", "legacy", "modern"), true, "ntopng MD5 hash verifies")
T.check(ntop.getCache(key("bob", "password")):sub(1, 3) == "$y$", "and is replaced by yescrypt")

-- change* setters
T.check_eq(ntop.changeUserRole("bob", "administrator"), true, "changeUserRole")
T.check_eq(ntop.getCache(key("bob", "group")), "administrator", "role stored")
T.check_eq(ntop.changeUserRole("bob", "unprivileged"), true, "changeUserRole back")
T.check_eq(ntop.changeUserRole("nobody", "administrator"), false, "changeUserRole of an unknown user")
T.check_eq(ntop.getCache(key("nobody", "group")), "", "an unknown user is not created")
T.check_eq(ntop.changeAllowedNets("bob", "172.16.0.0/12, 2001:db8::/32"), true, "changeAllowedNets")
T.check_eq(ntop.getCache(key("bob", "allowed_nets")), "172.16.0.0/12, 2001:db8::/32", "nets stored")
T.check_eq(ntop.changeAllowedIfname("bob", "tcp:__127.0.0.1:5556"), true, "changeAllowedIfname")
T.check_eq(ntop.getCache(key("bob", "allowed_ifname")), "tcp://127.0.0.1:5556",
           "':__' stands for '://' as in ntopng")
T.check_eq(ntop.changeAllowedIfname("bob", ""), true, "changeAllowedIfname to every interface")
T.check_eq(ntop.getKeysCache(key("bob", "allowed_ifname")), nil, "empty ifname deletes the key")
T.check_eq(ntop.changeUserFullName("bob", "Robert"), true, "changeUserFullName")
T.check_eq(ntop.getUsers().bob.full_name, "Robert", "full name stored")
T.check_eq(ntop.changeUserLanguage("bob", "de"), true, "changeUserLanguage")
T.check_eq(ntop.getCache(key("bob", "language")), "de", "language stored")
T.check_eq(ntop.changeUserLanguage("bob", ""), true, "changeUserLanguage to none")
T.check_eq(ntop.getUsers().bob.language, "", "empty language deletes the key")
T.check_eq(ntop.changeUserFullName("nobody", "x"), false, "changeUserFullName of an unknown user")

local perms = {
    {"changePcapDownloadPermission", "allow_pcap", "allow_pcap_download"},
    {"changeHistoricalFlowPermission", "allow_historical_flow", "allow_historical_flows"},
    {"changeAlertsPermission", "allow_alerts", "allow_alerts"},
}
for _, p in ipairs(perms) do
    local fn, field, ukey = ntop[p[1]], p[2], p[3]
    T.check_eq(fn("bob", true), true, p[1] .. " true")
    T.check_eq(ntop.getCache(key("bob", field)), "1", p[1] .. " stores \"1\"")
    T.check_eq(ntop.getUsers().bob[ukey], true, p[1] .. " seen by getUsers")
    T.check_eq(fn("bob", false), true, p[1] .. " false")
    T.check_eq(ntop.getKeysCache(key("bob", field)), nil, p[1] .. " false deletes the key")
    T.check_eq(ntop.getUsers().bob[ukey], nil, p[1] .. " gone from getUsers")
    T.check_eq(fn("nobody", true), false, p[1] .. " of an unknown user")
end

-- API tokens
T.check_eq(ntop.getUserAPIToken("alice"), nil, "no token yet")
local t1 = ntop.createUserAPIToken("bob")
T.check(type(t1) == "string" and #t1 == 32 and t1:match("^%x+$") ~= nil, "token is 32 hex: " .. tostring(t1))
T.check_eq(ntop.getUserAPIToken("bob"), t1, "getUserAPIToken")
T.check_eq(ntop.getCache(key("bob", "api_token")), t1, "ntopng.user.bob.api_token")
T.check_eq(ntop.getHashCache("ntopng.api_tokens", t1), "bob", "ntopng.api_tokens token -> user")
local t2 = ntop.createUserAPIToken("bob")
T.check(t2 ~= t1 and #t2 == 32, "a second token differs")
T.check_eq(ntop.getUserAPIToken("bob"), t2, "the new token replaces the old")
T.check_eq(ntop.getHashCache("ntopng.api_tokens", t1), "", "the old token left ntopng.api_tokens")
T.check_eq(ntop.getHashCache("ntopng.api_tokens", t2), "bob", "the new one is there")
local index = ntop.getHashAllCache("ntop_probe.api_token_sha256")
local n = 0
for k, v in pairs(index) do
    n = n + 1
    T.check(#k == 64 and v == "bob" and k ~= t2, "the index holds a SHA-256, not the token")
end
T.check_eq(n, 1, "one index entry per token")
T.check_eq(ntop.createUserAPIToken("nobody"), nil, "createUserAPIToken of an unknown user")
T.check_eq(ntop.getUserAPIToken("nobody"), nil, "getUserAPIToken of an unknown user")

-- questions about the current user: the probe's scripts are an administrator
T.check_eq(ntop.isAdministrator(), true, "isAdministrator in the probe")
T.check_eq(ntop.getAllowedNetworks(), "0.0.0.0/0,::/0", "getAllowedNetworks in the probe")
T.check_eq(ntop.isAllowedInterface(0), true, "isAllowedInterface in the probe")
T.check_eq(ntop.isAllowedInterface(99), true, "isAllowedInterface unrestricted")
T.check_eq(ntop.isAllowedNetwork("10.1.2.3"), true, "isAllowedNetwork in the probe")
T.check_eq(ntop.isPcapDownloadAllowed(), true, "isPcapDownloadAllowed in the probe")
-- bindings.sh remote: through ntoplua-shell against a probe serving with --rpc-no-auth
local remote = os.getenv("NTOP_USERS_REMOTE") == "1"
T.check_eq(ntop.isLoginDisabled(), remote, "isLoginDisabled: true only with --rpc-no-auth")
T.check_eq(ntop.getNologinUser(), "nologin", "getNologinUser")

-- failed-login blacklist (ntopng.cache.failed_logins.<ip>, blocked from 5)
local v, msg = ntop.isLoginBlacklisted()
if remote then
    T.check_eq(v, false, "isLoginBlacklisted for the calling client (it got in)")
else
    T.check(v == nil and type(msg) == "string", "isLoginBlacklisted without a client: nil, message")
end
T.check_eq(ntop.isLoginBlacklisted("192.0.2.1"), false, "not blacklisted")
ntop.setCache("ntopng.cache.failed_logins.192.0.2.1", "4", 300)
T.check_eq(ntop.isLoginBlacklisted("192.0.2.1"), false, "4 failures: not yet")
ntop.setCache("ntopng.cache.failed_logins.192.0.2.1", "5", 300)
T.check_eq(ntop.isLoginBlacklisted("192.0.2.1"), true, "5 failures: blacklisted")

-- deleteUser removes every key and the token
T.check_eq(ntop.deleteUser("bob"), true, "deleteUser")
T.check_eq(ntop.getUsers().bob, nil, "deleted user not listed")
T.check_eq(ntop.getKeysCache("ntopng.user.bob.*"), nil, "no key of bob is left")
T.check_eq(ntop.getHashCache("ntopng.api_tokens", t2), "", "its token left ntopng.api_tokens")
T.check_eq(ntop.getHashAllCache("ntop_probe.api_token_sha256"), nil, "and the index")
T.check_eq(ntop.getMembersCache("ntopng.prefs.user_ids"), {"0"}, "its user id is free again")
T.check_eq(ntop.deleteUser("bob"), false, "deleteUser of an unknown user")
T.check_eq(ntop.addUser("carol", "", "pw", "unprivileged", "", ""), true, "addUser after a delete")
T.check_eq(ntop.getCache(key("carol", "user_id")), "1", "reuses the free id")

-- wrong argument types and invalid values raise
raises("bad argument #1 to 'ntop.addUser'", ntop.addUser, {}, "", "", "administrator", "", "")
raises("bad argument #3 to 'ntop.addUser'", ntop.addUser, "x", "", nil, "administrator", "", "")
raises("bad argument #4 to 'ntop.addUser' (role must be", ntop.addUser, "x", "", "p", "root", "", "")
raises("bad argument #5 to 'ntop.addUser' (invalid network '300.0.0.0/8')", ntop.addUser, "x", "",
       "p", "unprivileged", "300.0.0.0/8", "")
raises("bad argument #9 to 'ntop.addUser'", ntop.addUser, "x", "", "p", "unprivileged", "", "", nil,
       nil, "yes")
raises("bad argument #1 to 'ntop.addUser' (invalid user name", ntop.addUser, "a b", "", "p",
       "unprivileged", "", "")
raises("bad argument #1 to 'ntop.deleteUser' (invalid user name", ntop.deleteUser, "x*")
raises("bad argument #1 to 'ntop.deleteUser'", ntop.deleteUser)
raises("bad argument #2 to 'ntop.changePcapDownloadPermission'", ntop.changePcapDownloadPermission,
       "carol", "true")
raises("bad argument #2 to 'ntop.changeAlertsPermission'", ntop.changeAlertsPermission, "carol")
raises("bad argument #2 to 'ntop.changeHistoricalFlowPermission'",
       ntop.changeHistoricalFlowPermission, "carol", 1)
raises("bad argument #2 to 'ntop.changeUserRole'", ntop.changeUserRole, "carol", "admin")
raises("bad argument #2 to 'ntop.changeAllowedNets' (invalid network 'nonsense')",
       ntop.changeAllowedNets, "carol", "10.0.0.0/8,nonsense")
raises("bad argument #2 to 'ntop.changeAllowedIfname'", ntop.changeAllowedIfname, "carol", {})
raises("bad argument #2 to 'ntop.changeUserFullName'", ntop.changeUserFullName, "carol")
raises("bad argument #2 to 'ntop.changeUserLanguage'", ntop.changeUserLanguage, "carol", {})
raises("bad argument #4 to 'ntop.resetUserPassword'", ntop.resetUserPassword, "a", "carol", "")
raises("bad argument #1 to 'ntop.createUserAPIToken'", ntop.createUserAPIToken, {})
raises("bad argument #1 to 'ntop.getUserAPIToken'", ntop.getUserAPIToken, nil)
raises("bad argument #1 to 'ntop.isAllowedInterface'", ntop.isAllowedInterface, "eth0")
raises("bad argument #1 to 'ntop.isAllowedNetwork'", ntop.isAllowedNetwork, {})
raises("bad argument #1 to 'ntop.isLoginBlacklisted'", ntop.isLoginBlacklisted, {})
T.check_eq(ntop.getCache(key("carol", "group")), "unprivileged", "failed calls changed nothing")

T.done()
