-- alert_store_query: one read-only SELECT, bounded rows and time; everything else refused.
local T = require "testlib"

interface.storeTriggeredAlert("q", 0, 10, 1, "", "{}")
interface.releaseTriggeredAlert("q", 0, os.time())
local function count()
    return interface.alert_store_query("SELECT count(*) AS n FROM interface_alerts")[1].n
end
T.check_eq(count(), "1", "one row to protect")

local refused = {
    "INSERT INTO interface_alerts (ifid, alert_id, tstamp, severity) VALUES (0, 1, 1, 1)",
    "UPDATE interface_alerts SET score = 0",
    "DELETE FROM interface_alerts",
    "DROP TABLE interface_alerts",
    "CREATE TABLE t (x)",
    "ATTACH DATABASE '" .. os.tmpname() .. "' AS other",
    "PRAGMA writable_schema = 1",
    "PRAGMA table_info(interface_alerts)",
    "SELECT 1; DELETE FROM interface_alerts",
    "SELECT 1; SELECT 2",
    "EXPLAIN SELECT * FROM interface_alerts",
    "VACUUM",
    "REINDEX",
    "",
    "SELEKT 1",
}
for _, q in ipairs(refused) do
    local rows, err = interface.alert_store_query(q)
    T.check(rows == nil and type(err) == "string" and #err > 0, "refused: " .. q .. " -> " .. tostring(err))
    local rows2, err2 = ntop.alert_store_query(q, 0)
    T.check(rows2 == nil and type(err2) == "string", "ntop.* refused: " .. q)
end
T.check_eq(count(), "1", "the table is intact")

-- Reads work, with ntopng's row shape: every value a string, NULL columns absent.
local rows = interface.alert_store_query("SELECT 1 AS a, NULL AS b, 'x' AS c;")
T.check_eq(rows, {{a = "1", c = "x"}}, "row shape")
rows = ntop.alert_store_query("SELECT ifid FROM interface_alerts", interface.getName())
T.check_eq(rows, {{ifid = tostring(interface.getId())}}, "ntop.alert_store_query by interface name")
T.check_eq(select(2, ntop.alert_store_query("SELECT 1", 42)), "no such interface", "unknown ifid")
T.check_eq(select(2, interface.alert_store_query("SELECT 1", 42)), "no interface 42", "unknown ifid (interface.*)")

-- Row bounds: 1000 with limit_rows (ntopng's MYSQL_MAX_NUM_ROWS), an error past 100,000.
local gen = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT %d) SELECT x FROM c"
T.check_eq(#interface.alert_store_query(gen:format(5000), nil, true), 1000, "limit_rows: 1000 rows")
T.check_eq(#interface.alert_store_query(gen:format(5000)), 5000, "5000 rows")
local r, e = interface.alert_store_query(gen:format(100001))
T.check(r == nil and e:find("more than 100000 rows"), "over 100,000 rows: " .. tostring(e))
-- Time bound: an endless query is interrupted.
local t0 = os.time()
r, e = interface.alert_store_query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
T.check(r == nil and e:find("too long"), "endless query interrupted: " .. tostring(e))
T.check(os.time() - t0 <= 8, "within the time bound")

T.check_error(interface.alert_store_query, "query must be a string", {})
T.check_error(interface.alert_store_query, "limit_rows must be a boolean", "SELECT 1", nil, "yes")
print(string.format("%d passed, %d failed", T.passed, T.failed))
if T.failed > 0 then error("query checks failed") end
