-- The server's clock and the values hidden by it, for the scripts that read lifetimes (prepended after
-- common.lua; see Scripts; millisString is in keys.lua).

-- the server's clock, epoch milliseconds (TIME: scripts are replicated by their effects)
local function nowMillis()
	local t = redis.call('TIME')
	return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- hides from this script's reads the values due now; returns true when p itself or one of its
-- ancestors is due (the whole read is absent)
local function hideDue(p)
	if redis.call('EXISTS', DUE) == 0 then
		return false
	end
	local list = redis.call('ZRANGEBYSCORE', DUE, '-inf', millisString(nowMillis()))
	if #list == 0 then
		return false
	end
	hidden = {}
	for i = 1, #list do
		hidden[list[i]] = true
	end
	if hidden[p] or hidden['/'] then
		return true
	end
	local list2 = ancestors(p)
	for j = 1, #list2 do
		if hidden[list2[j]] then
			return true
		end
	end
	return false
end
