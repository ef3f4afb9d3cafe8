-- Built-in check: nDPI flow risks. Raises ntopng's flow alert of every risk nDPI reported
-- on the flow (the risk -> alert map of ntop.getFlowRiskAlerts), each with nDPI's score of
-- the risk split between client and server, as ntopng's C++ flow risk check does.
-- Uses the probe extension flow.triggerRiskAlerts().
-- @only: new_risks
flow.triggerRiskAlerts()
