-- Prints "score <ip> <host.score()>" at every minute run: the last line of a host is its
-- score at the end of the capture.
print("score " .. host.ip() .. " " .. host.score())
