-- Reads change stream entries after a revision. KEYS as commit.lua (only the revision and the stream
-- are read). ARGV: 1 the revision to read after, 2 the most entries to return.
-- Returns {retained after, entries...}: the revision before the stream's first entry (the namespace
-- revision when the stream is empty), then up to ARGV[2] entries {id, {field, value, ...}} whose
-- revision is above ARGV[1], oldest first.
-- Each commit increments the revision and appends its entry in one script, so the stream holds
-- consecutive revisions in id order; the first entry after a revision is found by bisecting the
-- ids' milliseconds (a few dozen single-entry range reads), then read with one range (more when
-- entries without a revision are passed over). A reader at most 256 revisions behind the end reads
-- the newest entries backwards in one call instead.
local after = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])

local function revisionOf(entry)
	local fields = entry[2]
	for i = 1, #fields, 2 do
		if fields[i] == 'r' then
			return tonumber(fields[i + 1])
		end
	end
	return 0
end

local function millisOf(entry)
	return tonumber(string.match(entry[1], '^(%d+)'))
end

-- the id just after an entry's
local function nextId(id)
	local ms, sequence = string.match(id, '^(%d+)%-(%d+)$')
	return ms .. '-' .. string.format('%.0f', tonumber(sequence) + 1)
end

-- the id just before an entry's
local function previousId(id)
	local ms, sequence = string.match(id, '^(%d+)%-(%d+)$')
	if tonumber(sequence) > 0 then
		return ms .. '-' .. string.format('%.0f', tonumber(sequence) - 1)
	end
	return string.format('%.0f', tonumber(ms) - 1) .. '-18446744073709551615'
end

-- the first entry with a revision whose id is at or after start (entries without one, not
-- written by these scripts, are passed over), or nil
local function firstWithRevisionFrom(start)
	while true do
		local batch = redis.call('XRANGE', STREAM, start, '+', 'COUNT', 16)
		for i = 1, #batch do
			if revisionOf(batch[i]) > 0 then
				return batch[i]
			end
		end
		if #batch < 16 then
			return nil
		end
		start = nextId(batch[#batch][1])
	end
end

-- the last entry with a revision, or nil
local function lastWithRevision()
	local start = '+'
	while true do
		local batch = redis.call('XREVRANGE', STREAM, start, '-', 'COUNT', 16)
		for i = 1, #batch do
			if revisionOf(batch[i]) > 0 then
				return batch[i]
			end
		end
		if #batch < 16 then
			return nil
		end
		start = previousId(batch[#batch][1])
	end
end

local first = firstWithRevisionFrom('-')
if not first then
	return {tonumber(redis.call('GET', REV) or '0')}
end
local result = {math.max(0, revisionOf(first) - 1)}
local from, skip = '-', 0
if revisionOf(first) <= after then
	local last = lastWithRevision()
	if revisionOf(last) <= after then
		return result
	end
	-- a reader close to the end (a feed or a group catching up): the newest entries, read backwards
	-- in one call, hold the revisions after ARGV[1] when no entry without a revision lies among them
	local behind = revisionOf(last) - after
	if behind <= 256 then
		local batch = redis.call('XREVRANGE', STREAM, '+', '-', 'COUNT', behind)
		if #batch == behind and revisionOf(batch[#batch]) == after + 1 then
			for i = #batch, math.max(1, #batch - limit + 1), -1 do
				result[#result + 1] = batch[i]
			end
			return result
		end
	end
	-- the first entry with a revision from millisecond low has one up to after; none from high does
	local low, lowRevision = millisOf(first), revisionOf(first)
	local high = millisOf(last) + 1
	while high - low > 1 do
		local mid = math.floor((low + high) / 2)
		local probe = firstWithRevisionFrom(string.format('%.0f', mid))
		local r = probe and revisionOf(probe) or (after + 1)
		if r > after then
			high = mid
		else
			low, lowRevision = mid, r
		end
	end
	from, skip = string.format('%.0f', low), after - lowRevision + 1
end
-- read on from there, keeping the entries after the revision (an entry without a revision, not
-- written by these scripts, is passed over)
local taken = 0
while taken < limit do
	local wanted = limit - taken + skip
	local batch = redis.call('XRANGE', STREAM, from, '+', 'COUNT', wanted)
	for i = 1, #batch do
		if taken < limit and revisionOf(batch[i]) > after then
			taken = taken + 1
			result[#result + 1] = batch[i]
		end
	end
	if #batch < wanted then
		break
	end
	from, skip = nextId(batch[#batch][1]), 0
end
return result
