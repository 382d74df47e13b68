-- Changing the lifetime of one path, for the scripts that write (after keys.lua; see Scripts). The
-- helpers are made only when a script calls lifetimeHelpers(): the commit of one leaf
-- (commitleaf.lua) needs them only when the namespace keeps lifetimes or the write has one, and every
-- local function is a closure made again at each call.
local function lifetimeHelpers()
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

	return dropOwner, clearAt, clearBelow, setDue, setOwner
end
