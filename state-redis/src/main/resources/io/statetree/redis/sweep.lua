-- The sweep every instance runs on a timer (DESIGN §12), atomically. KEYS as commit.lua.
-- ARGV: 1 backend id, 2 origin (the sweeping instance), 3 feed retention, 4 lease timeout in ms,
-- then the owners whose leases this instance renews (only when a renewal is due).
-- Renews those leases (PEXPIRE: a lease already gone stays gone), then, when the namespace keeps
-- lifetimes, expires every time to live entry due by the server's clock and every ephemeral entry
-- of an owner whose lease key is gone, each with its own expiry commit (revision and stream entry
-- flagged x). Being one script, a sweep run by several instances at once expires each entry once.
-- Returns {expiry commits made, owners whose lease was gone when renewed...}.
local lost = {0}
for i = 5, #ARGV do
	if redis.call('PEXPIRE', string.sub(TREE, 1, #TREE - 4) .. 'lease:' .. ARGV[i], ARGV[4]) == 0 then
		lost[#lost + 1] = ARGV[i]
	end
end
if redis.call('EXISTS', LIFE) == 0 then
	return lost
end
local made = 0
if redis.call('EXISTS', DUE) == 1 then
	made = expireDue(nowMillis(), ARGV[3], ARGV[2], ARGV[1])
end
local owners = redis.call('SMEMBERS', OWNERS)
for i = 1, #owners do
	local owner = owners[i]
	if redis.call('EXISTS', string.sub(TREE, 1, #TREE - 4) .. 'lease:' .. owner) == 0 then
		local members = redis.call('ZRANGEBYLEX', EPHOWN, '[' .. owner .. '\0', '(' .. owner .. '\1')
		for j = 1, #members do
			local p = string.sub(members[j], #owner + 2)
			-- an ephemeral ancestor of the same owner expired earlier in this loop cleared it
			if redis.call('HGET', EPH, p) == owner then
				made = made + expireOne(p, ARGV[3], ARGV[2], ARGV[1])
			end
		end
		redis.call('SREM', OWNERS, owner)
	end
end
lost[1] = made
return lost
