-- checks_conditions: every flow with its protocol name (the oracle of dns_only.lua).
print("all", flow.cli(), flow.cli_port(), flow.srv(), flow.srv_port(), flow.l7_proto_name())
