-- Shared helpers, prepended to each StateTree script. See io.statetree.redis package documentation
-- for the storage model. Keys: KEYS[1] tree hash (path -> node), KEYS[2] pos hash (path -> member in
-- kids), KEYS[3] kids sorted set (members "<parent>\0<16-digit seq><name>", score 0, lexicographic);
-- scripts that write also get KEYS[4] revision, KEYS[5] sequence, KEYS[6] change stream.
-- Lifetimes (DESIGN §12): KEYS[7] due sorted set (path, score = due time in server epoch ms),
-- KEYS[8] life sorted set (every path with a lifetime, score 0, for prefix scans), KEYS[9] eph hash
-- (path -> owner), KEYS[10] ephown sorted set ("<owner>\0<path>", score 0), KEYS[11] owners set;
-- an owner's lease is the key "{namespace}:lease:<owner>", set with PX by the owner.
local TREE, POS, KIDS = KEYS[1], KEYS[2], KEYS[3]
local REV, SEQ, STREAM = KEYS[4], KEYS[5], KEYS[6]
local DUE, LIFE, EPH, EPHOWN, OWNERS = KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local BRANCH = '{}'

local function parentOf(p)
	local parent = string.match(p, '^(.*)/[^/]*$')
	if parent == '' then
		return '/'
	end
	return parent
end

local function join(p, rel)
	if rel == '' then
		return p
	end
	if p == '/' then
		return '/' .. rel
	end
	return p .. '/' .. rel
end

-- nodes read or written by this script call, so each is fetched from the hash at most once
-- (false: absent)
local nodeCache = {}

local function getNode(p)
	if p == '/' then
		return BRANCH
	end
	local cached = nodeCache[p]
	if cached == nil then
		cached = redis.call('HGET', TREE, p)
		nodeCache[p] = cached
	end
	return cached
end

local function children(p)
	return redis.call('ZRANGEBYLEX', KIDS, '[' .. p .. '\0', '(' .. p .. '\1')
end

-- the paths whose time to live ran out, hidden from reads until their expiry commits (nil: none)
local hidden = nil

-- The subtree at p in "read form": "S<n>\n" then n pairs of lines (relative path, node) in
-- pre-order; or "L\n<leaf path>\n<leaf json>\n" when p lies inside a leaf (an array or scalar).
local function readForm(p)
	local enc = getNode(p)
	if enc then
		local out = {}
		local count = 0
		local function walk(abs, rel, e)
			count = count + 1
			out[#out + 1] = rel
			out[#out + 1] = e
			if e == BRANCH then
				local members = children(abs)
				local skip = #abs + 18
				for i = 1, #members do
					local name = string.sub(members[i], skip)
					local childAbs = join(abs, name)
					if not (hidden and hidden[childAbs]) then
						local childRel = name
						if rel ~= '' then
							childRel = rel .. '/' .. name
						end
						walk(childAbs, childRel, getNode(childAbs))
					end
				end
			end
		end
		walk(p, '', enc)
		return 'S' .. count .. '\n' .. table.concat(out, '\n') .. '\n'
	end
	local a = p
	while a ~= '/' do
		a = parentOf(a)
		local e = getNode(a)
		if e then
			if e ~= BRANCH then
				return 'L\n' .. a .. '\n' .. e .. '\n'
			end
			break
		end
	end
	return 'S0\n'
end

-- the proper ancestors of p, shallowest first, without the root
local function ancestors(p)
	local list = {}
	local from = 2
	while true do
		local s = string.find(p, '/', from, true)
		if not s then
			break
		end
		list[#list + 1] = string.sub(p, 1, s - 1)
		from = s + 1
	end
	return list
end

-- the child sequence, read when the first new node is attached and saved by saveSequence
local seq = nil

local function setNode(p, enc)
	redis.call('HSET', TREE, p, enc)
	nodeCache[p] = enc
end

-- adds a node that did not exist before to its parent's children (every existing node but the
-- root has exactly one member in KIDS, recorded in POS)
local function attachNew(p)
	if not seq then
		seq = tonumber(redis.call('GET', SEQ) or '0')
	end
	seq = seq + 1
	local name = string.match(p, '([^/]*)$')
	local member = parentOf(p) .. '\0' .. string.format('%016d', seq) .. name
	redis.call('ZADD', KIDS, 0, member)
	redis.call('HSET', POS, p, member)
end

local function saveSequence()
	if seq then
		redis.call('SET', SEQ, seq)
	end
end

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

-- removes the children of a branch, recursively, from the tree, pos and kids
local function removeChildren(p)
	local members = children(p)
	if #members == 0 then
		return
	end
	local skip = #p + 18
	for i = 1, #members do
		local child = join(p, string.sub(members[i], skip))
		if getNode(child) == BRANCH then
			removeChildren(child)
		end
		redis.call('HDEL', TREE, child)
		nodeCache[child] = false
		redis.call('HDEL', POS, child)
	end
	redis.call('ZREMRANGEBYLEX', KIDS, '[' .. p .. '\0', '(' .. p .. '\1')
end

-- deletes the subtree at p (the root: its children)
local function deleteSubtree(p)
	if p == '/' then
		removeChildren('/')
		return
	end
	local e = getNode(p)
	if e then
		if e == BRANCH then
			removeChildren(p)
		end
		redis.call('HDEL', TREE, p)
		nodeCache[p] = false
		local member = redis.call('HGET', POS, p)
		redis.call('HDEL', POS, p)
		redis.call('ZREM', KIDS, member)
	end
end

-- the server's clock, epoch milliseconds (TIME: scripts are replicated by their effects)
local function nowMillis()
	local t = redis.call('TIME')
	return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function millisString(ms)
	return string.format('%.0f', ms)
end

-- unbinds p from its owner, when it has one
local function dropOwner(p)
	local owner = redis.call('HGET', EPH, p)
	if owner then
		redis.call('HDEL', EPH, p)
		redis.call('ZREM', EPHOWN, owner .. '\0' .. p)
	end
end

-- removes the lifetime at p. A path with a lifetime is in LIFE and in exactly one of DUE (a time to
-- live) and EPH (ephemeral), so a path without one costs one ZREM
local function clearAt(p)
	if redis.call('ZREM', LIFE, p) == 0 then
		return
	end
	if redis.call('ZREM', DUE, p) == 0 then
		dropOwner(p)
	end
end

-- removes the lifetimes strictly below p
local function clearBelow(p)
	local members
	if p == '/' then
		members = redis.call('ZRANGEBYLEX', LIFE, '(/', '(0')
	else
		members = redis.call('ZRANGEBYLEX', LIFE, '[' .. p .. '/', '(' .. p .. '0')
	end
	for i = 1, #members do
		clearAt(members[i])
	end
end

-- gives p a time to live ending at due (server epoch ms), replacing the lifetime it had: one ZADD
-- when it had a time to live (the due time moves), a second when it had none or was ephemeral (in
-- LIFE but not in DUE: its owner is dropped)
local function setDue(p, due)
	if redis.call('ZADD', DUE, millisString(due), p) == 1 and redis.call('ZADD', LIFE, 0, p) == 0 then
		dropOwner(p)
	end
end

-- binds p to an owner and (re)starts the owner's lease, so its entries never lack one
local function setOwner(p, owner, leaseMillis)
	clearAt(p)
	redis.call('HSET', EPH, p, owner)
	redis.call('ZADD', EPHOWN, 0, owner .. '\0' .. p)
	redis.call('ZADD', LIFE, 0, p)
	redis.call('SADD', OWNERS, owner)
	redis.call('SET', string.sub(TREE, 1, #TREE - 4) .. 'lease:' .. owner, '1', 'PX', leaseMillis)
end

-- deletes the entry at p with its own expiry commit (revision, stream entry flagged x) and clears
-- the lifetimes at and below it; returns 1, or 0 when nothing was there (only the lifetimes cleared)
local function expireOne(p, retention, origin, instance)
	local before = readForm(p)
	clearAt(p)
	clearBelow(p)
	if string.sub(before, 1, 1) ~= 'S' or before == 'S0\n' then
		return 0
	end
	deleteSubtree(p)
	local revision = redis.call('INCR', REV)
	appendEntry(retention, revision, origin, instance, '1\n' .. p .. '\n\n0\n', before, '', '0', 's')
	return 1
end

-- expires every time to live entry due at now (server epoch ms), each with its own expiry commit,
-- earliest first; returns how many commits it made
local function expireDue(now, retention, origin, instance)
	local list = redis.call('ZRANGEBYSCORE', DUE, '-inf', millisString(now))
	local made = 0
	for i = 1, #list do
		-- an ancestor's expiry earlier in the list cleared it
		if redis.call('ZSCORE', DUE, list[i]) then
			made = made + expireOne(list[i], retention, origin, instance)
		end
	end
	return made
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
