-- Engage / release life cycle of interface, network and external alerts in the probe.
-- Leaves one interface alert engaged: the probe releases it to the store at shutdown.
local T = require "testlib"

local when = 1700000000
local json = '{"threshold":10}'

-- Interface entity.
local a = interface.storeTriggeredAlert("thr_bytes", 1, 120, 14, "sub1", json)
T.check(type(a) == "table", "engaged: the alert table")
T.check_eq(a.alert_id, 14, "alert_id")
T.check_eq(a.score, 120, "score")
T.check_eq(a.severity, ntop.mapScoreToSeverity(120), "severity = ntop.mapScoreToSeverity")
T.check_eq(a.entity_id, 0, "entity_id: interface")
T.check_eq(a.entity_val, tostring(interface.getId()), "entity_val: the interface id")
T.check_eq(a.granularity, 60, "granularity of periodicity 1")
T.check_eq(a.subtype, "sub1", "subtype")
T.check_eq(a.json, json, "json")
T.check(math.abs(a.tstamp - os.time()) <= 5, "tstamp: now")
T.check_eq(interface.storeTriggeredAlert("thr_bytes", 1, 120, 14, "sub1", json), nil,
           "engaging an engaged key: nil")
T.check(interface.storeTriggeredAlert("thr_bytes", 2, 60, 14, "sub2", json) ~= nil,
        "same key, other periodicity: another alert")
T.check_eq(#interface.getAlerts(), 2, "getAlerts(): 2")
T.check_eq(#interface.getAlerts(1), 1, "getAlerts(1): 1")
T.check_eq(interface.getAlerts(2)[1].granularity, 300, "getAlerts(2): the 5-minute one")
T.check_eq(#interface.getEngagedAlerts(), 2, "getEngagedAlerts(): 2")
T.check_eq(#interface.getEngagedAlerts(0), 2, "getEngagedAlerts(interface): 2")
T.check_eq(#interface.getEngagedAlerts(2), 0, "getEngagedAlerts(network): 0")
T.check_eq(#interface.getEngagedAlerts(nil, nil, 14, 4), 1, "filter: alert type and severity")

T.check_eq(interface.getCachedAlertValue("c", 1), "", "cache: unset is empty")
T.check_eq(interface.setCachedAlertValue("c", "v1", 1), nil, "cache: set")
T.check_eq(interface.getCachedAlertValue("c", 1), "v1", "cache: get")
T.check_eq(interface.getCachedAlertValue("c", 3), "", "cache: per periodicity")
T.check(interface.checkContext(tostring(interface.getId())), "checkContext(own id)")
T.check(not interface.checkContext("99"), "checkContext(other id)")

local r = interface.releaseTriggeredAlert("thr_bytes", 1, when)
T.check(type(r) == "table", "released: the alert table")
T.check_eq(r.tstamp_end, when, "released: tstamp_end = when")
T.check_eq(r.score, 120, "released: score")
T.check_eq(interface.releaseTriggeredAlert("thr_bytes", 1, when), nil, "released twice: nil")
T.check_eq(#interface.getAlerts(), 1, "one left engaged")

-- Network entity: checkContext selects the network by its CIDR.
T.check(not network.checkContext("10.99.0.0/16"), "network.checkContext(unknown): false")
T.check(network.checkContext("192.168.1.0/24"), "network.checkContext(CIDR): true")
local n = network.storeTriggeredAlert("net_thr", 4, 200, 3, "", '{"n":1}')
T.check(type(n) == "table", "network alert engaged")
T.check_eq(n.entity_id, 2, "network: entity_id")
T.check_eq(n.entity_val, "192.168.1.0/24", "network: entity_val")
T.check_eq(n.severity, 6, "network: severity of 200")
T.check_eq(network.storeTriggeredAlert("net_thr", 4, 200, 3, "", "{}"), nil, "network: again nil")
T.check_eq(#network.getAlerts(), 1, "network.getAlerts")
T.check_eq(#interface.getEngagedAlerts(2, "192.168.1.0/24"), 1, "engaged by entity and value")
T.check_eq(network.setCachedAlertValue("nk", "nv", 0), nil, "network cache set")
T.check_eq(network.getCachedAlertValue("nk", 0), "nv", "network cache get")
T.check_eq(interface.getCachedAlertValue("nk", 0), "", "caches are per entity")
T.check_eq(network.releaseTriggeredAlert("net_thr", 4, when + 1).tstamp_end, when + 1,
           "network released")
T.check_eq(#network.getAlerts(), 0, "network: none left")

-- External entities.
T.check_eq(interface.hasExternalAlerts(), false, "no external alert yet")
local x = interface.triggerExternalAlert(9, "probe-sys", "ext", 0, 10, 3, "st", "{}")
T.check_eq(x and x.entity_id, 9, "external alert engaged")
T.check_eq(interface.hasExternalAlerts(), true, "hasExternalAlerts")
T.check_eq(interface.triggerExternalAlert(9, "probe-sys", "ext", 0, 10, 3, "st", "{}"), nil,
           "external: again nil")
T.check_eq(#interface.getEngagedAlerts(9), 1, "engaged external")
T.check_eq(interface.releaseExternalAlert(9, "probe-sys", "ext", 0, when + 2).tstamp_end,
           when + 2, "external released")
T.check(interface.triggerExternalAlert(1, "10.0.0.1", "ext", 0, 50, 27, "", "{}") ~= nil,
        "external host alert")
T.check(interface.releaseExternalAlert(1, "10.0.0.1", "ext", 0, when + 3) ~= nil,
        "external host alert released")
T.check_eq(interface.releaseExternalAlert(1, "10.0.0.1", "ext", 0, when), nil, "nothing left")

-- Bad arguments raise with the function's name.
local ok, err = pcall(interface.storeTriggeredAlert, "k", 9, 1, 1, "", "")
T.check(not ok and err:find("interface.storeTriggeredAlert", 1, true) and err:find("periodicity"),
        "periodicity 9 raises: " .. tostring(err))
ok, err = pcall(interface.storeTriggeredAlert, {}, 1, 1, 1, "", "")
T.check(not ok and err:find("bad argument #1", 1, true), "table key raises")
ok, err = pcall(network.storeTriggeredAlert, "k", 1, "x", 1, "", "")
T.check(not ok and err:find("network.storeTriggeredAlert", 1, true), "network: bad score: " .. tostring(err))
T.check_error(interface.triggerExternalAlert, "entity without table raises", 12, "x", "k", 0, 1, 1, "", "")
ok, err = pcall(flow.triggerAlert, 10, "x")
T.check(not ok and err:find("no current flow"), "flow.triggerAlert outside a flow check")

-- The store: the released alerts, readable at once.
local rows = interface.alert_store_query("SELECT * FROM interface_alerts")
T.check_eq(#rows, 1, "interface_alerts: one released row")
T.check_eq(rows[1].tstamp_end, tostring(when), "row tstamp_end")
T.check_eq(rows[1].severity, "5", "row severity")
T.check_eq(rows[1].subtype, "sub1", "row subtype")
rows = interface.alert_store_query("SELECT * FROM network_alerts")
T.check_eq(rows[1] and rows[1].name, "192.168.1.0/24", "network row")
rows = ntop.alert_store_query("SELECT entity_id, count(*) AS n FROM all_alerts GROUP BY 1 ORDER BY 1", 0)
T.check_eq(rows, {{entity_id = "0", n = "1"}, {entity_id = "1", n = "1"}, {entity_id = "2", n = "1"},
                  {entity_id = "9", n = "1"}}, "all_alerts by entity")

print(string.format("%d passed, %d failed", T.passed, T.failed))
if T.failed > 0 then error("lifecycle checks failed") end
