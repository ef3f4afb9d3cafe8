#!/bin/bash
# alert_store_query guards, then sqlite3 confirms the store was not touched.
. "$(dirname "$0")/common.sh"
probe --run-script "$(dirname "$0")/query.lua" || { echo "FAIL: query.lua"; exit 1; }
expect "tables intact" "$(sql 'SELECT count(*) FROM interface_alerts')" 1
expect "no table created" "$(sql "SELECT count(*) FROM sqlite_master WHERE name = 't'")" 0
[ "$fails" -eq 0 ]
