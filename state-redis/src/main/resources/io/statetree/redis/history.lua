-- Reads change stream entries after a revision. KEYS as commit.lua (only the revision and the stream
-- are read). ARGV: 1 the revision to read after, 2 the most entries to return.
-- Returns {retained after, entries...}: the revision before the stream's first entry (the namespace
-- revision when the stream is empty), then up to ARGV[2] entries {id, {field, value, ...}} whose
-- revision is above ARGV[1], oldest first.
-- Each commit increments the revision and appends its entry in one script, so the stream holds
-- consecutive revisions in id order; the first entry after a revision is found by bisecting the
-- ids' milliseconds (a few dozen single-entry range reads), then read with one range (more when
-- entries without a revision are passed over).
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

-- the first entry whose id is at or after the millisecond ms, or nil
local function firstFrom(ms)
	return redis.call('XRANGE', STREAM, string.format('%.0f', ms), '+', 'COUNT', 1)[1]
end

-- the id just after an entry's
local function nextId(id)
	local ms, sequence = string.match(id, '^(%d+)%-(%d+)$')
	return ms .. '-' .. string.format('%.0f', tonumber(sequence) + 1)
end

local first = redis.call('XRANGE', STREAM, '-', '+', 'COUNT', 1)[1]
if not first then
	return {tonumber(redis.call('GET', REV) or '0')}
end
local result = {math.max(0, revisionOf(first) - 1)}
local from, skip = '-', 0
if revisionOf(first) <= after then
	local last = redis.call('XREVRANGE', STREAM, '+', '-', 'COUNT', 1)[1]
	if revisionOf(last) <= after then
		return result
	end
	-- the first entry from millisecond low has a revision up to after; none from high does
	local low, lowRevision = millisOf(first), revisionOf(first)
	local high = millisOf(last) + 1
	while high - low > 1 do
		local mid = math.floor((low + high) / 2)
		local r = revisionOf(firstFrom(mid))
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
