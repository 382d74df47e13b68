-- The commit of one leaf, run before the general path of commit.lua (which is wrapped in a function
-- and made only when this answers nil; see Scripts): the script's common commits, each with a
-- fraction of the general path's work. Each local function of a script is a closure made again at
-- every call, so this path makes none of its own and the helpers it shares only when it needs them
-- (lifetimeHelpers, equalityHelpers).
--
-- It takes a commit of one write at one path below the root, a leaf value (a node that is not a
-- branch) or a delete, where the path holds no branch, with at most one precondition (at that path,
-- an update) and at most one lifetime (permanent or a time to live), when no commit-id record
-- answers it (not a replay) and nothing in the namespace is due. It does for it exactly what the
-- general path does (same checks in the same order, replies, stored bytes, child order, lifetimes,
-- stream entry and commit-id record): the precondition, then a write below a leaf ({2}: a delete
-- there writes nothing), then a value equal to the one stored or a delete of nothing (no revision,
-- its lifetime still applied), else the change, the revision, the entry and the record. It answers
-- nil, having written nothing, for every other commit.
local function commitLeaf()
	-- ARGV (commit.lua): 10 preconditions, then the distinct paths, lease, lifetimes, expiry flag
	local pre = ARGV[10]
	local a = 11
	if pre == '1' then
		a = 13
	elseif pre ~= '0' then
		return nil
	end
	local p = ARGV[a + 1]
	if ARGV[a] ~= '1' or p == '/' or (pre == '1' and ARGV[11] ~= p) then
		return nil
	end
	local life, expiry = '', ARGV[a + 4]
	if ARGV[a + 3] == '1' then
		life, expiry = ARGV[a + 4], ARGV[a + 5]
		if life ~= '' and string.sub(life, 1, 1) ~= 'T' then
			return nil
		end
	elseif ARGV[a + 3] ~= '0' then
		return nil
	end
	-- W: "1\n<path>\n<payload>\n" then "0\n" (a delete) or "1\n\n<node>\n" (a leaf)
	local W = ARGV[4]
	local head = '1\n' .. p .. '\n'
	if string.sub(W, 1, #head) ~= head then
		return nil
	end
	local e = string.find(W, '\n', #head + 1, true)
	if not e then
		return nil
	end
	local rest = string.sub(W, e + 1)
	local enc = false
	if rest ~= '0\n' then
		if string.sub(rest, 1, 3) ~= '1\n\n' then
			return nil
		end
		enc = string.sub(rest, 4, #rest - 1)
		if enc == BRANCH or string.find(enc, '\n', 1, true) or string.sub(rest, -1) ~= '\n' then
			return nil
		end
	end
	if ARGV[7] ~= '0' and appliedOutcome(ARGV[1], ARGV[7]) then
		return nil
	end
	local hasLife = redis.call('EXISTS', LIFE) == 1
	local now = nil
	if hasLife or life ~= '' then
		local t = redis.call('TIME')
		now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
		if hasLife and #redis.call('ZRANGEBYSCORE', DUE, '-inf', millisString(now), 'LIMIT', 0, 1) > 0 then
			-- the general path expires it first
			return nil
		end
	end
	-- the ancestors (shallowest first, without the root) and the path, in one read
	local paths = {}
	local from = 2
	while true do
		local s = string.find(p, '/', from, true)
		if not s then
			break
		end
		paths[#paths + 1] = string.sub(p, 1, s - 1)
		from = s + 1
	end
	local nAncestors = #paths
	paths[nAncestors + 1] = p
	local nodes = redis.call('HMGET', TREE, unpack(paths))
	local stored = nodes[nAncestors + 1]
	if stored == BRANCH then
		return nil
	end
	-- the value before, in read form (common.lua's readForm), and the leaf above p, if any
	local before, leafAbove = 'S0\n', nil
	if stored then
		before = 'S1\n\n' .. stored .. '\n'
	else
		for j = nAncestors, 1, -1 do
			local n = nodes[j]
			if n then
				if n ~= BRANCH then
					leafAbove = paths[j]
					before = 'L\n' .. leafAbove .. '\n' .. n .. '\n'
				end
				break
			end
		end
	end
	if pre == '1' and redis.sha1hex(before) ~= ARGV[12] then
		return {0, 1, before}
	end
	if leafAbove then
		if enc then
			return {2, p, leafAbove}
		end
		-- a delete below a leaf (an index into an array): nothing changes, lifetimes included
		return {1, tonumber(redis.call('GET', REV) or '0'), before}
	end
	local same
	if enc then
		same = (stored == enc)
		if stored and not same then
			local s1, s2 = string.byte(stored, 1), string.byte(enc, 1)
			local numeric = (s1 == 45 or (s1 >= 48 and s1 <= 57)) and (s2 == 45 or (s2 >= 48 and s2 <= 57))
			if (s1 == 91 and s2 == 91) or (numeric and not (string.find(stored, '^%-?[1-9]%d*$')
					and string.find(enc, '^%-?[1-9]%d*$'))) then
				local nodesEqual = equalityHelpers()
				same = nodesEqual(stored, enc)
			end
		end
	else
		same = not stored
	end
	if not same then
		if enc then
			-- the branches missing on the way (mutation.lua's attachNew: the child sequence, the
			-- member "<parent>\0<16-digit seq><name>" in kids, its member in pos)
			local seq = nil
			for j = 1, nAncestors + 1 do
				local q = paths[j]
				if not nodes[j] then
					if j <= nAncestors then
						redis.call('HSET', TREE, q, BRANCH)
					end
					if not seq then
						seq = tonumber(redis.call('GET', SEQ) or '0')
					end
					seq = seq + 1
					local parent = (j == 1) and '/' or paths[j - 1]
					local member = parent .. '\0' .. string.format('%016d', seq) .. string.sub(q, #parent + ((j == 1) and 1 or 2))
					if j > nAncestors then
						redis.call('HSET', TREE, q, enc)
					end
					redis.call('ZADD', KIDS, 0, member)
					redis.call('HSET', POS, q, member)
				end
			end
			if stored then
				redis.call('HSET', TREE, p, enc)
			end
			if seq then
				redis.call('SET', SEQ, seq)
			end
		else
			-- mutation.lua's deleteSubtree of a leaf
			redis.call('HDEL', TREE, p)
			local member = redis.call('HGET', POS, p)
			redis.call('HDEL', POS, p)
			redis.call('ZREM', KIDS, member)
		end
	end
	-- lifetimes: the write clears those below it and sets or clears its own
	if hasLife or life ~= '' then
		local _, clearAt, clearBelow, setDue = lifetimeHelpers()
		clearBelow(p)
		if not enc or life == '' then
			clearAt(p)
		else
			setDue(p, now + tonumber(string.sub(life, 2)))
		end
	end
	if same then
		return {1, tonumber(redis.call('GET', REV) or '0'), before}
	end
	local revision = redis.call('INCR', REV)
	appendEntry(ARGV[3], revision, ARGV[2], ARGV[1], W, before, ARGV[5], ARGV[6], expiry == '1' and '1', ARGV[7],
		ARGV[9])
	recordApplied(ARGV[1], ARGV[7], ARGV[8], millisString(revision) .. '\n' .. before)
	return {1, revision, before, 1}
end
