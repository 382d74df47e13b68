-- Adds an integer to the leaf at a path as one commit, atomically. KEYS as commit.lua.
-- ARGV: 1 backend id, 2 origin, 3 feed retention, 4 path (canonical, not the root), 5 delta (a
-- decimal integer within the range of a signed 64-bit long), 6 actor ('' when unknown), 7 causing
-- revision ('0' when none), 8 commit number, 9 watermark, 10 cascade depth (as commit.lua).
-- Returns {1, revision, previous leaf or false when absent, new leaf} when written (and the same
-- again, adding nothing, when called again with the same commit number), {1, current
-- revision, leaf, leaf, 0} when the delta is 0 on an existing integer (nothing written), {2, path, leaf
-- path} when the path lies below a leaf, {4} when a branch is there, {5, kind} when the leaf is not
-- an integer (kind: 'a string', 'a boolean', 'a list' or 'a decimal number'), {6} when it is an
-- integer outside the range of a long, {7} when the sum would be.
-- The counter keeps its lifetime (a time to live set by a write goes on, like Redis INCR); first,
-- when the namespace keeps lifetimes, every entry due by the server's clock is expired with its own
-- expiry commit, so an expired counter starts again from 0, permanent.
-- Nothing is written unless the result is 1 (the expiry commits aside). Lua numbers are doubles, exact only up to 2^53, so the
-- sum is computed on decimal digit strings.
local LONG_MAX = '9223372036854775807'
local LONG_MIN_MAGNITUDE = '9223372036854775808'

-- the sign (true: negative) and the magnitude without leading zeros of a decimal integer
local function split(s)
	local negative = string.sub(s, 1, 1) == '-'
	local magnitude = s
	if negative then
		magnitude = string.sub(s, 2)
	end
	magnitude = string.match(magnitude, '^0*(%d*)$')
	if magnitude == '' then
		return false, '0'
	end
	return negative, magnitude
end

-- compares two magnitudes: -1, 0 or 1
local function compare(a, b)
	if #a ~= #b then
		return (#a < #b) and -1 or 1
	end
	if a == b then
		return 0
	end
	return (a < b) and -1 or 1
end

local function addMagnitudes(a, b)
	local digits = {}
	local carry = 0
	local i, j = #a, #b
	while i > 0 or j > 0 or carry > 0 do
		local d = carry
		if i > 0 then
			d = d + string.byte(a, i) - 48
			i = i - 1
		end
		if j > 0 then
			d = d + string.byte(b, j) - 48
			j = j - 1
		end
		digits[#digits + 1] = string.char(48 + d % 10)
		carry = (d >= 10) and 1 or 0
	end
	return string.reverse(table.concat(digits))
end

-- a - b for magnitudes with a > b
local function subtractMagnitudes(a, b)
	local digits = {}
	local borrow = 0
	local i, j = #a, #b
	while i > 0 do
		local d = string.byte(a, i) - 48 - borrow
		if j > 0 then
			d = d - (string.byte(b, j) - 48)
			j = j - 1
		end
		if d < 0 then
			d = d + 10
			borrow = 1
		else
			borrow = 0
		end
		digits[#digits + 1] = string.char(48 + d)
		i = i - 1
	end
	return (string.match(string.reverse(table.concat(digits)), '^0*(%d+)$'))
end

local function inLongRange(negative, magnitude)
	if negative then
		return compare(magnitude, LONG_MIN_MAGNITUDE) <= 0
	end
	return compare(magnitude, LONG_MAX) <= 0
end

local replay = appliedOutcome(ARGV[1], ARGV[8])
if replay then
	-- "<revision>\n<previous leaf, '' when absent>\n<new leaf>"
	local a = string.find(replay, '\n', 1, true)
	local b = string.find(replay, '\n', a + 1, true)
	local previous = string.sub(replay, a + 1, b - 1)
	return {1, tonumber(string.sub(replay, 1, a - 1)), previous ~= '' and previous, string.sub(replay, b + 1)}
end

if redis.call('EXISTS', LIFE) == 1 then
	expireDue(nowMillis(), ARGV[3], ARGV[2], ARGV[1])
end

local p = ARGV[4]
local old = getNode(p)
local list = nil
if not old then
	-- an existing node's ancestors are all branches; an absent one may lie below a leaf
	list = ancestors(p)
	for j = 1, #list do
		local e = getNode(list[j])
		if not e then
			break
		end
		if e ~= BRANCH then
			return {2, p, list[j]}
		end
	end
end

local negative, magnitude = false, '0'
if old then
	if old == BRANCH then
		return {4}
	end
	if not string.match(old, '^%-?%d+$') then
		local first = string.sub(old, 1, 1)
		if first == '"' then
			return {5, 'a string'}
		elseif first == 't' or first == 'f' then
			return {5, 'a boolean'}
		elseif first == '[' then
			return {5, 'a list'}
		end
		return {5, 'a decimal number'}
	end
	negative, magnitude = split(old)
	if not inLongRange(negative, magnitude) then
		return {6}
	end
end

local deltaNegative, deltaMagnitude = split(ARGV[5])
if negative == deltaNegative then
	magnitude = addMagnitudes(magnitude, deltaMagnitude)
else
	local c = compare(magnitude, deltaMagnitude)
	if c == 0 then
		negative, magnitude = false, '0'
	elseif c > 0 then
		magnitude = subtractMagnitudes(magnitude, deltaMagnitude)
	else
		negative, magnitude = deltaNegative, subtractMagnitudes(deltaMagnitude, magnitude)
	end
end
if not inLongRange(negative, magnitude) then
	return {7}
end
local new = magnitude
if negative then
	new = '-' .. magnitude
end
if old == new then
	-- adding 0: nothing changes, so no write, no revision and no stream entry (as a commit of an
	-- equal value)
	return {1, tonumber(redis.call('GET', REV) or '0'), old, new, 0}
end

local before = 'S0\n'
if old then
	before = 'S1\n\n' .. old .. '\n'
else
	for j = 1, #list do
		if not getNode(list[j]) then
			setNode(list[j], BRANCH)
			attachNew(list[j])
		end
	end
end
setNode(p, new)
if not old then
	attachNew(p)
end
saveSequence()
local revision = redis.call('INCR', REV)
appendEntry(ARGV[3], revision, ARGV[2], ARGV[1], '1\n' .. p .. '\n\n1\n\n' .. new .. '\n', before, ARGV[6], ARGV[7], false,
	ARGV[8], ARGV[10])
recordApplied(ARGV[1], ARGV[8], ARGV[9], millisString(revision) .. '\n' .. (old or '') .. '\n' .. new)
return {1, revision, old, new}
