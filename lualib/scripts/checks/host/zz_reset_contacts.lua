-- Runs last among the built-in host checks (file-name order): starts the next minute of
-- the unanswered-contact counters read by syn_scan.lua and syn_flood.lua.
-- @only: contacts
host.resetHostContacts()
