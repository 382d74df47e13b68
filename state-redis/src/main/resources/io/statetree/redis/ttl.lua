-- The time to live left at a path (DESIGN §12): the earliest due time among the path's and its
-- ancestors', minus the server's clock. KEYS as commit.lua. ARGV[1]: the canonical path; ARGV[2],
-- when 'D', asks for that due time itself (server epoch ms) instead, due or not: what a lifetime read
-- counts down to, which only a write changes (RedisLifetimes.lifetimeStamp).
-- Returns the milliseconds left (at least 1), or -1 when no time to live covers the path, the
-- path holds no node, or it is due (with 'D': the due time, or -1 for the first two).
if redis.call('EXISTS', DUE) == 0 then
	return -1
end
local p = ARGV[1]
if p ~= '/' and not getNode(p) then
	return -1
end
local earliest = nil
local function consider(q)
	local score = redis.call('ZSCORE', DUE, q)
	if score then
		score = tonumber(score)
		if not earliest or score < earliest then
			earliest = score
		end
	end
end
consider('/')
local list = ancestors(p)
for j = 1, #list do
	consider(list[j])
end
if p ~= '/' then
	consider(p)
end
if not earliest then
	return -1
end
if ARGV[2] == 'D' then
	return earliest
end
local left = earliest - nowMillis()
if left <= 0 then
	return -1
end
return left
