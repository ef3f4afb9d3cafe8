-- Engages the host's custom alert at every run: it stays engaged.
host.triggerAlert(10, "every run")
