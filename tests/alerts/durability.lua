-- After a restart with the same -d: nothing engaged, everything stored is still there.
local T = require "testlib"
T.check_eq(#interface.getEngagedAlerts(), 0, "nothing engaged after a restart")
local rows = ntop.alert_store_query("SELECT count(*) AS n FROM all_alerts")
T.check_eq(rows[1].n, os.getenv("NTOP_EXPECT_ROWS"), "rows after restart")
rows = interface.alert_store_query("SELECT granularity FROM interface_alerts ORDER BY rowid")
T.check_eq(rows, {{granularity = "60"}, {granularity = "300"}},
           "the alert left engaged was stored at shutdown")
print(string.format("%d passed, %d failed", T.passed, T.failed))
if T.failed > 0 then error("durability checks failed") end
