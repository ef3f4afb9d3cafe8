-- Shared by the built-in host checks (not a check itself: lib/ is not a check directory).
-- Engages ntopng's host alert type `alert_type` on the current host while a check's
-- condition holds and releases it at the first run where it does not, through
-- interface.triggerExternalAlert / releaseExternalAlert on the host entity (1): each check
-- gets its own alert type and key, so two checks on the same host do not mask each other.
local M = {}

local ENTITY_HOST = 1
local PERIODICITY_MINUTE = 1

local function json_string(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- "ip" or "ip@vlan", the host entity value of the alert store (doc/alerts.md); ip and vlan
-- are host.ip() and host.vlan_id() when the caller has them already.
function M.entity_value(ip, vlan)
  ip = ip or host.ip()
  if vlan == nil then vlan = host.vlan_id() end
  if vlan and vlan ~= 0 then return ip .. "@" .. vlan end
  return ip
end

-- engaged: the calling script's own table of engaged entity values; value: the host's
-- entity value when the caller has it already.
function M.update(engaged, key, alert_type, score, triggered, message, value)
  -- Nothing to raise and nothing engaged to release: done without asking for the host.
  if not triggered and next(engaged) == nil then return end
  value = value or M.entity_value()
  if triggered then
    if not engaged[value] then
      local json = string.format(
        '{"alert_generation":{"script_key":%s,"subdir":"host"},"alert.message":%s}',
        json_string(key), json_string(message))
      interface.triggerExternalAlert(ENTITY_HOST, value, key, PERIODICITY_MINUTE, score,
                                     alert_type, "", json)
      engaged[value] = true
    end
  elseif engaged[value] then
    interface.releaseExternalAlert(ENTITY_HOST, value, key, PERIODICITY_MINUTE, os.time())
    engaged[value] = nil
  end
end

return M
