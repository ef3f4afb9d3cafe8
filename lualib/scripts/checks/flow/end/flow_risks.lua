-- Built-in check: nDPI flow risks set after detection (ntopng's flow risk check also runs
-- at flow end). An alert already raised on the flow is not raised again.
-- @only: new_risks
flow.triggerRiskAlerts()
