-- Writes 25 interface alerts (subtype k1..k25) for the --max-stored-alerts bound.
for i = 1, 25 do
    assert(interface.storeTriggeredAlert("k" .. i, 0, 10, 1, "k" .. i, "{}"), "engage " .. i)
    assert(interface.releaseTriggeredAlert("k" .. i, 0, os.time()), "release " .. i)
end
local n = interface.alert_store_query("SELECT count(*) AS n FROM all_alerts")[1].n
assert(n == "10", "rows seen by the probe: " .. n)
print("ok")
