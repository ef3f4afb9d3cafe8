-- After the capture: "engaged <alert_id> <entity value>" for each alert still engaged on
-- interface 0.
interface.select("0")
for _, a in ipairs(interface.getEngagedAlerts()) do
  print("engaged " .. a.alert_id .. " " .. a.entity_val)
end
