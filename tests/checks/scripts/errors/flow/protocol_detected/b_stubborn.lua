-- Loops for ever on the second flow, catching every error it can: interrupted all the
-- same, at its first instruction outside the pcall after the budget.
runs = (runs or 0) + 1
if runs == 2 then
   while true do pcall(function() while true do end end) end
end
return 0
