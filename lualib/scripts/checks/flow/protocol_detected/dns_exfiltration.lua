-- Built-in check: DNS data exfiltration / tunnelling. A DNS query whose name is long and
-- looks random (high character entropy in its labels) carries data rather than a name:
-- raises ntopng's dns_data_exfiltration flow alert (6) with its default score.
-- Thresholds: a name of at least 64 characters whose leftmost labels (all but the last
-- two) have a Shannon entropy of at least 3.5 bits per character, or a single label of
-- at least 50 characters (DNS labels are at most 63).
-- @only: l7=DNS
local MIN_NAME_LEN = 64
local MIN_LABEL_LEN = 50
local MIN_ENTROPY = 3.5
local DNS_DATA_EXFILTRATION = 6

local q = flow.dns()["protos.dns.last_query"]
-- Cheapest test first: a name shorter than both limits can neither be long nor hold a long
-- label.
if type(q) ~= "string" or #q < MIN_LABEL_LEN and #q < MIN_NAME_LEN then return end

-- Label boundaries and the longest label, found with plain searches for the dots (a
-- pattern walks the name a character at a time in Lua's matcher: ten times the cost).
local starts, ends, n, longest, from = {}, {}, 0, 0, 1
repeat
  local dot = q:find(".", from, true)
  local stop = dot or #q + 1
  if stop > from then
    n = n + 1
    starts[n], ends[n] = from, stop
    if stop - from > longest then longest = stop - from end
  end
  from = stop + 1
until not dot
if n == 0 then return end

-- A label longer than any name needs: data, whatever its characters.
if longest >= MIN_LABEL_LEN then
  flow.triggerAlertType(DNS_DATA_EXFILTRATION,
    string.format("dns_exfiltration: query %s (%d chars, a label of %d chars)", q, #q, longest))
  return
end
if #q < MIN_NAME_LEN then return end

-- A long name: data when its labels but the last two (the domain) look random, by their
-- Shannon entropy in bits per character, dots left out. Counted per byte value in one
-- array kept between runs (its array part is what makes Lua fast here; a fresh table
-- keyed by byte codes rehashes as it grows) and zeroed again after.
if not byte_counts then
  byte_counts = {}
  for i = 1, 256 do byte_counts[i] = 0 end
end
local counts, seen, total = byte_counts, {}, 0
local bytes = { q:byte(starts[1], ends[math.max(n - 2, 1)] - 1) }
for i = 1, #bytes do
  local b = bytes[i]
  if b ~= 46 then
    b = b + 1
    local c = counts[b]
    if c == 0 then seen[#seen + 1] = b end
    counts[b] = c + 1
    total = total + 1
  end
end
local h, log = 0, math.log
for i = 1, #seen do
  local b = seen[i]
  local p = counts[b] / total
  h = h - p * log(p, 2)
  counts[b] = 0
end

if h >= MIN_ENTROPY then
  flow.triggerAlertType(DNS_DATA_EXFILTRATION,
    string.format("dns_exfiltration: query %s (%d chars, entropy %.2f)", q, #q, h))
end
