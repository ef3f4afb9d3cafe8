-- System scripts run once for the probe, whatever the number of interfaces.
io.write("system minute\n")
