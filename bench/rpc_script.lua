-- The same script run in the probe (--run-script) and remotely (ntoplua-shell -p ...):
-- 500 interface.getStats() calls (about 1,500 values each on bench.pcap), then one
-- 10,000-host page walked on the caller's side. Wall times come from ntop.gettimemsec()
-- (remotely each reading is a call too).
local t0 = ntop.gettimemsec()
local n = 0
for _ = 1, 500 do
  local s = interface.getStats()
  if s.stats.packets >= 0 then n = n + 1 end
end
local t1 = ntop.gettimemsec()
local r = interface.getHostsInfo(false, "column_ip", 10000, 0)
local hosts, sent = 0, 0
for _, h in pairs(r.hosts) do
  hosts = hosts + 1
  sent = sent + h["bytes.sent"]
end
local t2 = ntop.gettimemsec()
print(string.format("script stats_calls=%d stats_ms=%.1f page_hosts=%d page_ms=%.1f total_ms=%.1f",
  n, (t1 - t0) * 1000, hosts, (t2 - t1) * 1000, (t2 - t0) * 1000))
