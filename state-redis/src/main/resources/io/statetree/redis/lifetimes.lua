-- Every lifetime the namespace keeps (DESIGN §12). KEYS as commit.lua.
-- Returns a flat list: path, then 'T' and the milliseconds left (0 when due) or 'E' and the owner,
-- for each path with a lifetime.
local out = {}
local now = nil
local members = redis.call('ZRANGE', LIFE, 0, -1)
for i = 1, #members do
	local p = members[i]
	local score = redis.call('ZSCORE', DUE, p)
	if score then
		if not now then
			now = nowMillis()
		end
		out[#out + 1] = p
		out[#out + 1] = 'T'
		out[#out + 1] = millisString(math.max(0, tonumber(score) - now))
	else
		local owner = redis.call('HGET', EPH, p)
		if owner then
			out[#out + 1] = p
			out[#out + 1] = 'E'
			out[#out + 1] = owner
		end
	end
end
return out
