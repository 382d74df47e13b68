-- The feed's starting point: the id and revision of the stream's last entry (the namespace
-- revision when that entry has none, not being a commit's, or "0-0" and the namespace revision
-- when the stream is empty). KEYS[4] revision, KEYS[6] stream.
local last = redis.call('XREVRANGE', KEYS[6], '+', '-', 'COUNT', 1)
if #last > 0 then
	local fields = last[1][2]
	for i = 1, #fields, 2 do
		if fields[i] == 'r' then
			return {last[1][1], fields[i + 1]}
		end
	end
	return {last[1][1], redis.call('GET', KEYS[4]) or '0'}
end
return {'0-0', redis.call('GET', KEYS[4]) or '0'}
