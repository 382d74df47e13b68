-- Changing lifetimes and expiring what is due, for the scripts that write (prepended after
-- common.lua, clock.lua, mutation.lua and entries.lua; see Scripts).

-- unbinds p from its owner, when it has one
local function dropOwner(p)
	local owner = redis.call('HGET', EPH, p)
	if owner then
		redis.call('HDEL', EPH, p)
		redis.call('ZREM', EPHOWN, owner .. '\0' .. p)
	end
end

-- removes the lifetime at p. A path with a lifetime is in LIFE and in exactly one of DUE (a time to
-- live) and EPH (ephemeral), so a path without one costs one ZREM
local function clearAt(p)
	if redis.call('ZREM', LIFE, p) == 0 then
		return
	end
	if redis.call('ZREM', DUE, p) == 0 then
		dropOwner(p)
	end
end

-- removes the lifetimes strictly below p
local function clearBelow(p)
	local members
	if p == '/' then
		members = redis.call('ZRANGEBYLEX', LIFE, '(/', '(0')
	else
		members = redis.call('ZRANGEBYLEX', LIFE, '[' .. p .. '/', '(' .. p .. '0')
	end
	for i = 1, #members do
		clearAt(members[i])
	end
end

-- gives p a time to live ending at due (server epoch ms), replacing the lifetime it had: one ZADD
-- when it had a time to live (the due time moves), a second when it had none or was ephemeral (in
-- LIFE but not in DUE: its owner is dropped)
local function setDue(p, due)
	if redis.call('ZADD', DUE, millisString(due), p) == 1 and redis.call('ZADD', LIFE, 0, p) == 0 then
		dropOwner(p)
	end
end

-- binds p to an owner and (re)starts the owner's lease, so its entries never lack one
local function setOwner(p, owner, leaseMillis)
	clearAt(p)
	redis.call('HSET', EPH, p, owner)
	redis.call('ZADD', EPHOWN, 0, owner .. '\0' .. p)
	redis.call('ZADD', LIFE, 0, p)
	redis.call('SADD', OWNERS, owner)
	redis.call('SET', string.sub(TREE, 1, #TREE - 4) .. 'lease:' .. owner, '1', 'PX', leaseMillis)
end

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
