-- Loops for ever on the first flow: interrupted by the time budget.
runs = (runs or 0) + 1
if runs == 1 then
   while true do end
end
return 0
