-- Appending change stream entries, for the scripts that commit (prepended after common.lua; see
-- Scripts).

-- The stream keeps what a consumer group still needs (groups.lua): the entries after the lowest
-- cursor of any group, up to the limit the groups set (beyond it the trimming goes on and a group
-- that far behind finds the gap and reports it).
local function groupRetention(retention, revision)
	local floors = redis.call('HGETALL', string.sub(STREAM, 1, #STREAM - 7) .. 'groupfloor')
	if #floors == 0 then
		return retention
	end
	local lowest, limit = nil, tonumber(retention)
	for i = 1, #floors, 2 do
		local v = tonumber(floors[i + 1])
		if floors[i] == '#limit' then
			limit = v
		elseif not lowest or v < lowest then
			lowest = v
		end
	end
	if not lowest then
		return retention
	end
	local needed = math.min(tonumber(revision) - lowest + 1, limit)
	if needed > tonumber(retention) then
		return string.format('%.0f', needed)
	end
	return retention
end

-- appends a commit's change stream entry: r revision, o origin, i backend id, w writes, b previous
-- read forms, then a actor (only when there is one: actor ~= '') and c causing revision (only when
-- causedBy ~= '0'), n the writing backend's commit number (only when counter ~= '0', see
-- appliedOutcome), d the cascade depth (only when depth ~= '0': how many rounds of listener writes
-- led to the commit, so the guard holds across instances), and x for an expiry commit: 's' when a
-- script expired the entry on its own (every instance's feed delivers it), '1' when a controller
-- asked for it (CommitRequest.expiry); the entry id's milliseconds are the commit time (the
-- server's clock, XADD '*')
local function appendEntry(retention, revision, origin, instance, writes, before, actor, causedBy, expiry,
		counter, depth)
	local args = {STREAM, 'MAXLEN', '~', groupRetention(retention, revision), '*', 'r', revision, 'o', origin,
		'i', instance, 'w', writes, 'b', before}
	if actor ~= '' then
		args[#args + 1] = 'a'
		args[#args + 1] = actor
	end
	if causedBy ~= '0' then
		args[#args + 1] = 'c'
		args[#args + 1] = causedBy
	end
	if counter and counter ~= '0' then
		args[#args + 1] = 'n'
		args[#args + 1] = counter
	end
	if depth and depth ~= '0' then
		args[#args + 1] = 'd'
		args[#args + 1] = depth
	end
	if expiry then
		args[#args + 1] = 'x'
		args[#args + 1] = expiry
	end
	redis.call('XADD', unpack(args))
end
