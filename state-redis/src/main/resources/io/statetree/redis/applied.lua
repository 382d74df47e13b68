-- Commit ids, for the scripts that commit (prepended after common.lua; see Scripts).

-- Commit ids (DESIGN §8): a write script called with a commit number (the backend's own counter,
-- never 0, with the backend id in ARGV[1] the commit id) records, when it takes a revision, its
-- outcome in the sorted set "{ns}:applied:<backend id>" (member "<number>\n<outcome>", score the
-- number), so the same call sent again (a reply lost to a dropped connection, a command the client
-- sent twice) returns that outcome instead of applying again. The caller also sends the lowest
-- number whose outcome it does not know yet (its watermark): records below it are deleted, so the
-- set holds about as many records as the backend has calls in flight; a backend that stops
-- leaves its set to expire after APPLIED_TTL_MS.
local APPLIED_TTL_MS = 300000

local function appliedKey(instance)
	return string.sub(TREE, 1, #TREE - 4) .. 'applied:' .. instance
end

-- the outcome recorded for the commit number counter of backend instance, or nil
local function appliedOutcome(instance, counter)
	if counter == '0' then
		return nil
	end
	local found = redis.call('ZRANGEBYSCORE', appliedKey(instance), counter, counter, 'LIMIT', 0, 1)
	if #found == 0 then
		return nil
	end
	local record = found[1]
	return string.sub(record, string.find(record, '\n', 1, true) + 1)
end

-- records the outcome of commit number counter, dropping the records below watermark
local function recordApplied(instance, counter, watermark, outcome)
	if counter == '0' then
		return
	end
	local key = appliedKey(instance)
	redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. watermark)
	redis.call('ZADD', key, counter, counter .. '\n' .. outcome)
	redis.call('PEXPIRE', key, APPLIED_TTL_MS)
end
