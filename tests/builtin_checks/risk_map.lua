-- Prints "alert_id<TAB>nDPI risk name" for every risk ntopng maps to a flow alert.
for _, a in pairs(ntop.getFlowRiskAlerts()) do
  print(a.alert_id .. "\t" .. a.risk_name)
end
