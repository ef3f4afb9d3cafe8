-- checks_conditions: run by the engine only for flows whose protocol name starts with DNS
-- or NTP.
-- @only: l7=DNS,NTP
print("cond", flow.cli(), flow.cli_port(), flow.srv(), flow.srv_port(), flow.l7_proto_name())
