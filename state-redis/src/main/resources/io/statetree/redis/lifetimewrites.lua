-- Expiring what is due, for the scripts that write (prepended after common.lua, clock.lua,
-- mutation.lua and entries.lua, with lifetimeset.lua before them; see Scripts).

local dropOwner, clearAt, clearBelow, setDue, setOwner = lifetimeHelpers()

-- deletes the entry at p with its own expiry commit (revision, stream entry flagged x) and clears
-- the lifetimes at and below it; returns 1, or 0 when nothing was there (only the lifetimes cleared)
local function expireOne(p, retention, origin, instance)
	local before = readForm(p)
	clearAt(p)
	clearBelow(p)
	if string.sub(before, 1, 1) ~= 'S' or before == 'S0\n' then
		return 0
	end
	deleteSubtree(p)
	local revision = redis.call('INCR', REV)
	appendEntry(retention, revision, origin, instance, '1\n' .. p .. '\n\n0\n', before, '', '0', 's')
	return 1
end

-- expires every time to live entry due at now (server epoch ms), each with its own expiry commit,
-- earliest first; returns how many commits it made
local function expireDue(now, retention, origin, instance)
	local list = redis.call('ZRANGEBYSCORE', DUE, '-inf', millisString(now))
	local made = 0
	for i = 1, #list do
		-- an ancestor's expiry earlier in the list cleared it
		if redis.call('ZSCORE', DUE, list[i]) then
			made = made + expireOne(list[i], retention, origin, instance)
		end
	end
	return made
end
