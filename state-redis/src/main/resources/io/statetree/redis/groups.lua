-- Consumer groups (DESIGN §13): the durable progress of group listeners. One script, the operation
-- in ARGV[1]; every time is the server's clock, so the instances' clocks never matter.
-- KEYS[1] "{ns}:groups" hash (group -> pattern), KEYS[2] "{ns}:groupfloor" hash (group -> lowest
-- cursor of its partitions: the change stream keeps what a group still needs, see appendEntry in
-- entries.lua; the field "#limit" bounds how far that holds the trimming back).
-- ARGV[2] the group's key prefix "{ns}:group:<name>:", ARGV[3] the group's name. Under the prefix:
--   cursor   hash partition -> revision handled through (acknowledged)
--   owner    hash partition -> member holding its claim
--   expiry   hash partition -> when that claim lapses (server epoch ms)
--   token    hash partition -> the last fencing token issued (incremented at each change of hands)
--   freesince hash partition -> when it was given up or created without a holder (server epoch ms)
--   members  sorted set member -> when it stops counting as alive (its last claim + the timeout)
--   dead     hash id -> dead letter ("<partition>\n<json>"); deadids sorted set id by number;
--   deadseq  the last dead letter id
--   redeliver:<p> list of "<id>\n<json>" moved back to partition p, oldest first
--   inflight:<p> list of the same, taken by the holder whose token is inflighttoken[p] (the last
--   take was the call inflightcall[p]) and not yet handled: each leaves it when its holder records
--   it handled or parks it again; what is left is given again to the next holder (its holder died
--   or lost the partition while handling it) and to the same call sent again (a lost reply), so a
--   redelivery is never lost (at least once) and a handled one never comes back
--   deadby   hash "<partition>\n<revision>\n<path>" -> id of the parked letter (one per event while
--   parked, even when a lost reply makes the member send the call again); deadfield id -> that field
local GROUPS, FLOORS = KEYS[1], KEYS[2]
local op, prefix, group = ARGV[1], ARGV[2], ARGV[3]
local CURSOR, OWNER, EXPIRY, TOKEN = prefix .. 'cursor', prefix .. 'owner', prefix .. 'expiry', prefix .. 'token'
local MEMBERS, DEAD, DEADIDS, DEADSEQ = prefix .. 'members', prefix .. 'dead', prefix .. 'deadids', prefix .. 'deadseq'
local INFLIGHTTOKEN, INFLIGHTCALL, FREESINCE = prefix .. 'inflighttoken', prefix .. 'inflightcall', prefix .. 'freesince'
local DEADBY, DEADFIELD = prefix .. 'deadby', prefix .. 'deadfield'

-- forgets a parked letter's event key
local function forgetDead(id)
	local field = redis.call('HGET', DEADFIELD, id)
	if field then
		redis.call('HDEL', DEADBY, field)
		redis.call('HDEL', DEADFIELD, id)
	end
end

local function lowestCursor()
	local values = redis.call('HVALS', CURSOR)
	local lowest = nil
	for i = 1, #values do
		local v = tonumber(values[i])
		if not lowest or v < lowest then
			lowest = v
		end
	end
	return lowest
end

local function saveFloor()
	local lowest = lowestCursor()
	if lowest then
		redis.call('HSET', FLOORS, group, millisString(lowest))
	end
end

-- forgets the taken redelivery id of partition p (handled, or parked again)
local function forgetTaken(p, id)
	local inflight = prefix .. 'inflight:' .. p
	local entries = redis.call('LRANGE', inflight, 0, -1)
	local start = id .. '\n'
	for i = 1, #entries do
		if string.sub(entries[i], 1, #start) == start then
			redis.call('LREM', inflight, 1, entries[i])
		end
	end
	if redis.call('LLEN', inflight) == 0 then
		redis.call('HDEL', INFLIGHTTOKEN, p)
		redis.call('HDEL', INFLIGHTCALL, p)
	end
end

-- whether member holds partition p with token now
local function holds(p, member, token, now)
	if redis.call('HGET', OWNER, p) ~= member then
		return false
	end
	if redis.call('HGET', TOKEN, p) ~= token then
		return false
	end
	local expiry = tonumber(redis.call('HGET', EXPIRY, p) or '0')
	return expiry > now
end

-- moves partition p's cursor up to revision (decimal text); a lower revision changes nothing
local function acknowledge(p, revision)
	local cursor = tonumber(redis.call('HGET', CURSOR, p) or '0')
	if tonumber(revision) > cursor then
		redis.call('HSET', CURSOR, p, revision)
		saveFloor()
	end
end

-- whether a group can be forgotten for a new pattern: no member alive, no live claim, every cursor
-- at least at revision (nothing pending), no dead letter, no redelivery queued or taken
local function idle(revision, now)
	if redis.call('ZCOUNT', MEMBERS, '(' .. millisString(now), '+inf') > 0 then
		return false
	end
	local expiries = redis.call('HVALS', EXPIRY)
	for i = 1, #expiries do
		if tonumber(expiries[i]) > now then
			return false
		end
	end
	if redis.call('ZCARD', DEADIDS) > 0 then
		return false
	end
	local partitions = tonumber(redis.call('HGET', prefix .. 'meta', 'partitions') or '0')
	for p = 0, partitions - 1 do
		if tonumber(redis.call('HGET', CURSOR, p) or '0') < revision
				or redis.call('LLEN', prefix .. 'redeliver:' .. p) > 0
				or redis.call('LLEN', prefix .. 'inflight:' .. p) > 0 then
			return false
		end
	end
	return true
end

-- forgets an idle group's progress (the fencing tokens and dead letter ids go on counting)
local function forget()
	local partitions = tonumber(redis.call('HGET', prefix .. 'meta', 'partitions') or '0')
	for p = 0, partitions - 1 do
		redis.call('DEL', prefix .. 'redeliver:' .. p, prefix .. 'inflight:' .. p)
	end
	redis.call('DEL', CURSOR, OWNER, EXPIRY, FREESINCE, MEMBERS, DEAD, DEADIDS, INFLIGHTTOKEN, INFLIGHTCALL,
		DEADBY, DEADFIELD, prefix .. 'meta')
	redis.call('HDEL', GROUPS, group)
	redis.call('HDEL', FLOORS, group)
end

-- join: ARGV 4 pattern, 5 partitions, 6 start revision, 7 history limit (entries), 8 member; a group
-- known with another pattern takes the new one as a new group when idle (see idle), else {0, pattern}
if op == 'join' then
	local known = redis.call('HGET', GROUPS, group)
	if known and known ~= ARGV[4] then
		if not idle(tonumber(ARGV[6]), nowMillis()) then
			return {0, known}
		end
		forget()
		known = nil
	end
	local partitions = tonumber(ARGV[5])
	local stored = redis.call('HGET', prefix .. 'meta', 'partitions')
	if stored and tonumber(stored) ~= partitions then
		return {2, stored}
	end
	if not known then
		redis.call('HSET', GROUPS, group, ARGV[4])
		redis.call('HSET', prefix .. 'meta', 'partitions', partitions)
		local now = millisString(nowMillis())
		for p = 0, partitions - 1 do
			redis.call('HSET', CURSOR, p, ARGV[6])
			redis.call('HSET', FREESINCE, p, now)
		end
		saveFloor()
	end
	redis.call('HSET', FLOORS, '#limit', ARGV[7])
	-- a member counts as alive from its join (for 30 s, or its claims' timeout once it claims)
	local member, alive = ARGV[8], nowMillis() + 30000
	local score = tonumber(redis.call('ZSCORE', MEMBERS, member) or '0')
	if alive > score then
		redis.call('ZADD', MEMBERS, millisString(alive), member)
	end
	return {1}
end

-- claim: ARGV 4 member, 5 timeout ms, 6 partitions, 7 the member's pattern, 8 the number of
-- partitions to keep, then those, then the partitions to skip (neither renewed nor taken: their
-- listener is stuck); nothing when the group has another pattern now (it was forgotten while this
-- member was gone: see join)
if op == 'claim' then
	local member, timeout, partitions = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
	if redis.call('HGET', GROUPS, group) ~= ARGV[7] then
		return {}
	end
	local now = nowMillis()
	local lapse = now + timeout
	redis.call('ZADD', MEMBERS, millisString(lapse), member)
	redis.call('ZREMRANGEBYSCORE', MEMBERS, '-inf', millisString(now))
	local alive = math.max(1, redis.call('ZCARD', MEMBERS))
	local fair = math.ceil(partitions / alive)
	local keep, skip = {}, {}
	local kept = tonumber(ARGV[8])
	for i = 9, 8 + kept do
		keep[ARGV[i]] = true
	end
	for i = 9 + kept, #ARGV do
		skip[ARGV[i]] = true
	end
	-- free partitions with the time since when they are free: lapsed at their expiry, given up or
	-- never held at freesince
	local mine, free, freeSince = {}, {}, {}
	for p = 0, partitions - 1 do
		local key = tostring(p)
		local owner = redis.call('HGET', OWNER, key)
		local expiry = tonumber(redis.call('HGET', EXPIRY, key) or '0')
		if skip[key] then
			-- left to lapse, or left to another member
		elseif owner == member and expiry > now then
			mine[#mine + 1] = key
		elseif not owner or expiry <= now then
			free[#free + 1] = key
			if owner then
				freeSince[key] = expiry
			else
				freeSince[key] = tonumber(redis.call('HGET', FREESINCE, key) or '0')
			end
		end
	end
	-- give up claims above the fair share, never one being handled
	local held = {}
	local surplus = #mine - fair
	for i = #mine, 1, -1 do
		local key = mine[i]
		if surplus > 0 and not keep[key] then
			redis.call('HDEL', OWNER, key)
			redis.call('HDEL', EXPIRY, key)
			redis.call('HSET', FREESINCE, key, millisString(now))
			surplus = surplus - 1
		else
			redis.call('HSET', EXPIRY, key, millisString(lapse))
			held[#held + 1] = key
		end
	end
	-- take free or lapsed partitions up to the fair share, from a place that depends on the member
	-- so that members starting together rarely reach for the same ones
	if #free > 0 then
		local start = 0
		for i = 1, #member do
			start = (start * 31 + string.byte(member, i)) % 1000003
		end
		start = start % #free
		for i = 0, #free - 1 do
			local key = free[(start + i) % #free + 1]
			-- up to the fair share; above it, a partition free for longer than half the timeout (its
			-- holder hangs or is gone while every member alive holds its share: nobody else takes it)
			if #held < fair or now - freeSince[key] > timeout / 2 then
				redis.call('HSET', OWNER, key, member)
				redis.call('HSET', EXPIRY, key, millisString(lapse))
				redis.call('HINCRBY', TOKEN, key, 1)
				held[#held + 1] = key
			end
		end
	end
	local out = {}
	for i = 1, #held do
		local key = held[i]
		out[#out + 1] = {tonumber(key), tonumber(redis.call('HGET', TOKEN, key)),
			tonumber(redis.call('HGET', CURSOR, key) or '0')}
	end
	return out
end

-- acknowledge: ARGV 4 member, 5 partition, 6 token, 7 revision
if op == 'ack' then
	if not holds(ARGV[5], ARGV[4], ARGV[6], nowMillis()) then
		return 0
	end
	acknowledge(ARGV[5], ARGV[7])
	return 1
end

-- dead letter: ARGV 4 member, 5 partition, 6 token, 7 revision, 8 acknowledge ('1'/'0'), 9 json,
-- 10 the event's path, 11 the id of the taken redelivery it parks again ('' when none)
if op == 'dead' then
	if not holds(ARGV[5], ARGV[4], ARGV[6], nowMillis()) then
		return 0
	end
	if ARGV[11] and ARGV[11] ~= '' then
		forgetTaken(ARGV[5], ARGV[11])
	end
	local field = ARGV[5] .. '\n' .. ARGV[7] .. '\n' .. ARGV[10]
	local id = redis.call('HGET', DEADBY, field)
	if not id then
		id = redis.call('INCR', DEADSEQ)
		redis.call('HSET', DEAD, id, ARGV[5] .. '\n' .. ARGV[9])
		redis.call('ZADD', DEADIDS, id, id)
		redis.call('HSET', DEADBY, field, id)
		redis.call('HSET', DEADFIELD, id, field)
	end
	if ARGV[8] == '1' then
		acknowledge(ARGV[5], ARGV[7])
	end
	return id
end

-- take redeliveries: ARGV 4 member, 5 partition, 6 token, 7 the call's id (the same when the member
-- sends a call again whose reply it did not get)
if op == 'take' then
	local p, token = ARGV[5], ARGV[6]
	if not holds(p, ARGV[4], token, nowMillis()) then
		return {}
	end
	local inflight, queue = prefix .. 'inflight:' .. p, prefix .. 'redeliver:' .. p
	local taken = {}
	if redis.call('HGET', INFLIGHTTOKEN, p) ~= token or redis.call('HGET', INFLIGHTCALL, p) == ARGV[7] then
		-- taken by an earlier holder that lost the partition before handling them, or by this very
		-- call whose reply was lost: not handled (the same holder's later take does not give again
		-- what it has in hand)
		taken = redis.call('LRANGE', inflight, 0, -1)
	end
	local queued = redis.call('LRANGE', queue, 0, -1)
	for i = 1, #queued do
		taken[#taken + 1] = queued[i]
	end
	redis.call('DEL', queue)
	if #queued > 0 then
		redis.call('RPUSH', inflight, unpack(queued))
	end
	if redis.call('LLEN', inflight) > 0 then
		redis.call('HSET', INFLIGHTTOKEN, p, token)
		redis.call('HSET', INFLIGHTCALL, p, ARGV[7])
	else
		redis.call('HDEL', INFLIGHTTOKEN, p)
		redis.call('HDEL', INFLIGHTCALL, p)
	end
	return taken
end

-- a taken redelivery handled: ARGV 4 member, 5 partition, 6 token, 7 the letter's id
if op == 'handled' then
	if not holds(ARGV[5], ARGV[4], ARGV[6], nowMillis()) then
		return 0
	end
	if redis.call('HGET', INFLIGHTTOKEN, ARGV[5]) == ARGV[6] then
		forgetTaken(ARGV[5], ARGV[7])
	end
	return 1
end

-- leave: ARGV 4 member
if op == 'leave' then
	local owned = redis.call('HGETALL', OWNER)
	for i = 1, #owned, 2 do
		if owned[i + 1] == ARGV[4] then
			redis.call('HDEL', OWNER, owned[i])
			redis.call('HDEL', EXPIRY, owned[i])
			redis.call('HSET', FREESINCE, owned[i], millisString(nowMillis()))
		end
	end
	redis.call('ZREM', MEMBERS, ARGV[4])
	return 1
end

-- redeliver: ARGV 4 id
if op == 'redeliver' then
	local stored = redis.call('HGET', DEAD, ARGV[4])
	if not stored then
		return 0
	end
	local p, json = string.match(stored, '^(%d+)\n(.*)$')
	redis.call('RPUSH', prefix .. 'redeliver:' .. p, ARGV[4] .. '\n' .. json)
	redis.call('HDEL', DEAD, ARGV[4])
	redis.call('ZREM', DEADIDS, ARGV[4])
	forgetDead(ARGV[4])
	return 1
end

-- discard: ARGV 4 id
if op == 'discard' then
	if redis.call('HDEL', DEAD, ARGV[4]) == 0 then
		return 0
	end
	redis.call('ZREM', DEADIDS, ARGV[4])
	forgetDead(ARGV[4])
	return 1
end

-- dead letters: the flat list id, "<partition>\n<json>", oldest first
if op == 'deadletters' then
	local ids = redis.call('ZRANGE', DEADIDS, 0, -1)
	local out = {}
	for i = 1, #ids do
		local stored = redis.call('HGET', DEAD, ids[i])
		if stored then
			out[#out + 1] = ids[i]
			out[#out + 1] = stored
		end
	end
	return out
end

-- info: {pattern, {members alive...}, {cursor of each partition...}, dead letters} or {} when unknown
if op == 'info' then
	local pattern = redis.call('HGET', GROUPS, group)
	if not pattern then
		return {}
	end
	local now = nowMillis()
	local alive = {}
	local listed = redis.call('ZRANGEBYSCORE', MEMBERS, '(' .. millisString(now), '+inf')
	for i = 1, #listed do
		alive[listed[i]] = true
	end
	-- and every holder of a live claim
	local owned = redis.call('HGETALL', OWNER)
	for i = 1, #owned, 2 do
		if tonumber(redis.call('HGET', EXPIRY, owned[i]) or '0') > now then
			alive[owned[i + 1]] = true
		end
	end
	local members = {}
	for name in pairs(alive) do
		members[#members + 1] = name
	end
	local partitions = tonumber(redis.call('HGET', prefix .. 'meta', 'partitions') or '0')
	local cursors = {}
	for p = 0, partitions - 1 do
		cursors[#cursors + 1] = redis.call('HGET', CURSOR, p) or '0'
	end
	return {pattern, members, cursors, redis.call('ZCARD', DEADIDS)}
end

return redis.error_reply('unknown consumer group operation ' .. tostring(op))
