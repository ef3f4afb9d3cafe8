-- Built-in check: blacklisted hosts (--blacklist FILE). A host whose address is in the
-- blacklist engages a host alert (custom host alert 24, message "blacklisted ...") while
-- it is in memory and listed. Without --blacklist no host is blacklisted: silent.
-- @only: blacklisted
local SCORE = 100
if host.is_blacklisted() then
  host.triggerAlert(SCORE, "blacklisted: " .. host.ip() .. " is in the blacklist")
end
