-- checks_conditions: an unknown condition is logged; the script runs without it.
-- @only: sometimes
print("unknown", flow.cli(), flow.cli_port(), flow.srv(), flow.srv_port())
