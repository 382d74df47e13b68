-- The time to live left at a path (DESIGN §12): the earliest due time among the path's and its
-- ancestors', minus the server's clock. KEYS as commit.lua. ARGV[1]: the canonical path; ARGV[2],
-- when 'D', asks for that due time itself (server epoch ms) instead, due or not: what a lifetime read
-- counts down to, which only a write changes (RedisLifetimes.lifetimeStamp).
-- Returns the milliseconds left (at least 1), or -1 when no time to live covers the path, the
-- path holds no node, or it is due (with 'D': the due time, or -1 for the first two).
if redis.call('EXISTS', DUE) == 0 then
	return -1
end
local p = ARGV[1]
-- whether p names a value inside the leaf at the ancestor a (an array element, or a member of an
-- object inside an array), as a read finds it: an index is decimal digits without a leading zero
local function insideLeaf(a, enc)
	local ok, value = pcall(cjson.decode, enc)
	if not ok then
		return false
	end
	local rest = string.sub(p, #a + 2)
	for segment in string.gmatch(rest, '[^/]+') do
		if type(value) ~= 'table' then
			return false
		end
		local child = value[segment]
		if child == nil and string.match(segment, '^%d+$') and (#segment == 1 or string.sub(segment, 1, 1) ~= '0')
				and #segment <= 9 then
			child = value[tonumber(segment) + 1]
		end
		if child == nil or child == cjson.null then
			return false
		end
		value = child
	end
	return true
end
if p ~= '/' and not getNode(p) then
	-- no node: a value inside a leaf has the leaf's lifetime (as on every backend); else none
	local list = ancestors(p)
	local found = false
	for j = #list, 1, -1 do
		local enc = getNode(list[j])
		if enc then
			found = enc ~= BRANCH and insideLeaf(list[j], enc)
			break
		end
	end
	if not found then
		return -1
	end
end
local earliest = nil
local function consider(q)
	local score = redis.call('ZSCORE', DUE, q)
	if score then
		score = tonumber(score)
		if not earliest or score < earliest then
			earliest = score
		end
	end
end
consider('/')
local list = ancestors(p)
for j = 1, #list do
	consider(list[j])
end
if p ~= '/' then
	consider(p)
end
if not earliest then
	return -1
end
if ARGV[2] == 'D' then
	return earliest
end
local left = earliest - nowMillis()
if left <= 0 then
	return -1
end
return left
