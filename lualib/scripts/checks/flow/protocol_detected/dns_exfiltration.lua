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

local function entropy(s)
  local counts, n = {}, #s
  if n == 0 then return 0 end
  for c in s:gmatch(".") do counts[c] = (counts[c] or 0) + 1 end
  local h = 0
  for _, k in pairs(counts) do
    local p = k / n
    h = h - p * math.log(p, 2)
  end
  return h
end

local labels, longest = {}, 0
for l in q:gmatch("[^%.]+") do
  labels[#labels + 1] = l
  if #l > longest then longest = #l end
end
local payload = table.concat(labels, "", 1, math.max(#labels - 2, 1))
local h = entropy(payload)
if (#q >= MIN_NAME_LEN and h >= MIN_ENTROPY) or longest >= MIN_LABEL_LEN then
  flow.triggerAlertType(DNS_DATA_EXFILTRATION,
    string.format("dns_exfiltration: query %s (%d chars, longest label %d, entropy %.2f)",
                  q, #q, longest, h))
end
