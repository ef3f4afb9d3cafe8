-- After the capture: "engaged <n>" host alerts still engaged on interface 0.
interface.select("0")
print("engaged " .. #interface.getEngagedAlerts(1))
