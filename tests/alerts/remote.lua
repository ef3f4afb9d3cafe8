-- The alert bindings called remotely (ntoplua-shell): network alerts hop from the RPC
-- worker to the capture thread; checkContext's network travels back in the context.
local function check(cond, name)
    if not cond then error("FAIL: " .. name, 2) end
    print("ok: " .. name)
end
check(network.checkContext("192.168.1.0/24"), "network.checkContext")
local n = network.storeTriggeredAlert("rk", 1, 100, 3, "", "{}")
check(n and n.entity_val == "192.168.1.0/24", "network.storeTriggeredAlert remotely")
check(#network.getAlerts() == 1 and #interface.getEngagedAlerts(2) == 1, "engaged, seen remotely")
check(network.releaseTriggeredAlert("rk", 1, 1700000100).tstamp_end == 1700000100, "released")
check(interface.storeTriggeredAlert("ik", 0, 10, 1, "r", "{}") ~= nil, "interface alert")
check(interface.releaseTriggeredAlert("ik", 0, 1700000200) ~= nil, "interface alert released")
local rows = ntop.alert_store_query("SELECT count(*) AS n FROM all_alerts", 0)
check(rows[1].n == "2", "two rows")
local ok, err = pcall(interface.storeTriggeredAlert, "x", 7, 1, 1, "", "")
check(not ok and err:find("periodicity"), "bad periodicity raises remotely")
ok, err = pcall(interface.alert_store_query, "DELETE FROM all_alerts")
check(ok and err == nil, "write refused remotely (nil, message)")
