-- One commit, atomically. KEYS: 1 tree, 2 pos, 3 kids, 4 revision, 5 sequence, 6 change stream.
-- ARGV: 1 backend id, 2 origin, 3 feed retention (approximate MAXLEN), 4 writes ("W" form),
-- 5 actor ('' when unknown), 6 causing revision ('0' when none), 7 commit number (the backend's
-- counter, '0' for none; see appliedOutcome in applied.lua), 8 the backend's watermark (the lowest
-- commit number whose outcome it does not know), 9 cascade depth ('0' outside listeners),
-- 10 number of preconditions, then (path, SHA-1 of the expected read form) per precondition,
-- then the number of distinct written paths and those paths in order of first write,
-- then the lease timeout in ms and the number of lifetimes (0, or one per write) followed by each
-- write's lifetime: '' permanent, 'K' keep, 'T<ms>' time to live, 'E<owner>' ephemeral, then '1'
-- for an expiry commit (its stream entry is flagged x '1') or '0'.
-- First, when the namespace keeps lifetimes, every entry due by the server's clock is expired with
-- its own expiry commit (revision and stream entry flagged x, origin ARGV[2]), so the checks and
-- previous values below never see an overdue value.
-- Returns {1, revision, previous read forms concatenated, 1} when it committed (took the revision
-- and appended an entry), and the same again, applying nothing, when called again with the same
-- commit number (a lost reply), {1, current revision, previous read forms} when there was nothing to
-- write (no writes, only deletes below a leaf, or only values equal to those there, see equality.lua),
-- {0, index, current read
-- form} when a precondition failed, {2, path, leaf path} when a write runs below a leaf, {3, index}
-- when a write puts a leaf at the root. Nothing
-- is written unless the result is 1: every check runs before the first write.
-- Needs Redis 5 or later (streams; scripts replicated by their effects, so XADD '*' is allowed).
local nodesEqual, formsEqual, markSameWrites, formNodes = equalityHelpers()

local replay = appliedOutcome(ARGV[1], ARGV[7])
if replay then
	local nl = string.find(replay, '\n', 1, true)
	return {1, tonumber(string.sub(replay, 1, nl - 1)), string.sub(replay, nl + 1), 1}
end

local hasLife = redis.call('EXISTS', LIFE) == 1
local now = nil
if hasLife then
	now = nowMillis()
	expireDue(now, ARGV[3], ARGV[2], ARGV[1])
end

-- preconditions
local nPre = tonumber(ARGV[10])
local argi = 11
for i = 1, nPre do
	local current = readForm(ARGV[argi])
	if redis.sha1hex(current) ~= ARGV[argi + 1] then
		return {0, i, current}
	end
	argi = argi + 2
end
local nDistinct = tonumber(ARGV[argi])
local distinct = {}
for i = 1, nDistinct do
	distinct[i] = ARGV[argi + i]
end
argi = argi + nDistinct + 1
local leaseMillis = ARGV[argi]
local nLifetimes = tonumber(ARGV[argi + 1])
local lifetimes = {}
for i = 1, nLifetimes do
	lifetimes[i] = ARGV[argi + 1 + i]
end

-- parse the writes: count, then per write: path, payload line, node count (0 = delete), nodes
local W = ARGV[4]
local at = 1
local function line()
	local e = string.find(W, '\n', at, true)
	local s = string.sub(W, at, e - 1)
	at = e + 1
	return s
end
local writes = {}
local nWrites = tonumber(line())
if nWrites == 0 then
	-- preconditions only (a read-only batch checking its reads): no revision, no feed entry
	return {1, tonumber(redis.call('GET', REV) or '0'), ''}
end
for i = 1, nWrites do
	local w = {path = line()}
	line()
	local n = tonumber(line())
	w.rels = {}
	w.encs = {}
	for j = 1, n do
		w.rels[j] = line()
		w.encs[j] = line()
	end
	w.delete = (n == 0)
	writes[i] = w
end

-- validation: simulate node kinds ('L' leaf, 'B' branch, 'A' absent) through the commit, stamped
-- with the index of the write that set them; rep[p] is the index of the last write that replaced
-- the subtree at p, so older entries below it count as absent
local ovKind, ovStamp, rep = {}, {}, {}
local function kindOf(p)
	local newestReplace = 0
	local a = p
	while true do
		local s = rep[a]
		if s and s > newestReplace then
			newestReplace = s
		end
		if a == '/' then
			break
		end
		a = parentOf(a)
	end
	local k = ovKind[p]
	if k and ovStamp[p] >= newestReplace then
		if k == 'A' then
			return nil
		end
		return k
	end
	if newestReplace > 0 then
		return nil
	end
	local e = getNode(p)
	if not e then
		return nil
	elseif e == BRANCH then
		return 'B'
	end
	return 'L'
end

for i = 1, nWrites do
	local w = writes[i]
	local p = w.path
	if p == '/' and not w.delete and w.encs[1] ~= BRANCH then
		return {3, i}
	end
	local list = ancestors(p)
	w.ancestors = list
	w.noop = false
	for j = 1, #list do
		local k = kindOf(list[j])
		if k == 'L' then
			if w.delete then
				w.noop = true
				break
			end
			return {2, p, list[j]}
		elseif k == nil then
			break
		end
	end
	if not w.noop then
		rep[p] = i
		if w.delete then
			if p == '/' then
				ovKind[p] = 'B'
			else
				ovKind[p] = 'A'
			end
			ovStamp[p] = i
		else
			for j = 1, #list do
				ovKind[list[j]] = 'B'
				ovStamp[list[j]] = i
			end
			for j = 1, #w.rels do
				local abs = join(p, w.rels[j])
				if w.encs[j] == BRANCH then
					ovKind[abs] = 'B'
				else
					ovKind[abs] = 'L'
				end
				ovStamp[abs] = i
			end
		end
	end
end

-- previous values
local before = {}
for i = 1, nDistinct do
	before[i] = readForm(distinct[i])
end

-- a write whose value equals, as JSON (numbers by the decimal they denote, object keys in any
-- order), the one there now is not applied, so the stored bytes stay as they are (1.10 stays
-- 1.10 when 1.1 is written), as on every backend: only for a write no other write of the commit
-- overlaps (same path, above or below it), whose value before is then the one it replaces
local beforeAt = {}
for i = 1, nDistinct do
	beforeAt[distinct[i]] = before[i]
end
local overlapping = markSameWrites(writes, beforeAt)
-- where each written path stands among its siblings (its member in KIDS), for writes that overlap:
-- only they can together change no value yet move a path (deleted, then written again as it was)
local beforePos = nil
if overlapping then
	beforePos = {}
	for i = 1, nDistinct do
		if distinct[i] ~= '/' then
			beforePos[distinct[i]] = redis.call('HGET', POS, distinct[i])
		end
	end
end

-- every write a delete below a leaf (an index into an array) or a value equal to the one there:
-- nothing changes, so no revision and no feed entry, as for a commit without writes
local anyWrite = false
for i = 1, nWrites do
	if not writes[i].noop and not writes[i].same then
		anyWrite = true
		break
	end
end
if not anyWrite and nLifetimes == 0 and not hasLife then
	return {1, tonumber(redis.call('GET', REV) or '0'), table.concat(before)}
end

-- puts the subtree at p back exactly as the read form before holds it (its values are equal to
-- those there now: the same shape, so p and its ancestors exist, or p is absent in both)
local function restoreForm(p, form)
	if readForm(p) == form then
		return
	end
	local nodes, n, order = formNodes(form)
	if not nodes or n == 0 then
		-- inside a leaf (that leaf is restored as a written path of its own), or absent in both
		return
	end
	if getNode(p) == BRANCH then
		removeChildren(p)
	end
	if p ~= '/' then
		setNode(p, nodes[''])
	end
	for k = 2, n do
		local abs = join(p, order[k])
		setNode(abs, nodes[order[k]])
		attachNew(abs)
	end
end

-- apply; created: the ancestors a write made, absent before the commit
local created = {}
for i = 1, nWrites do
	local w = writes[i]
	local p = w.path
	if not w.noop then
		if w.same then
			-- equal to what is there: the stored value is left untouched (its lifetime below still applies)
		elseif w.delete then
			deleteSubtree(p)
		else
			local list = w.ancestors
			for j = 1, #list do
				if not getNode(list[j]) then
					setNode(list[j], BRANCH)
					attachNew(list[j])
					created[#created + 1] = list[j]
				end
			end
			local existed = getNode(p)
			if existed == BRANCH then
				removeChildren(p)
			end
			if p ~= '/' then
				setNode(p, w.encs[1])
				if not existed then
					attachNew(p)
				end
			end
			for j = 2, #w.rels do
				local abs = join(p, w.rels[j])
				setNode(abs, w.encs[j])
				attachNew(abs)
			end
		end
		-- lifetimes: a write replaces the subtree (clears those below) and sets or clears its own
		local life = lifetimes[i] or ''
		if hasLife or life ~= '' then
			clearBelow(p)
			local kind = string.sub(life, 1, 1)
			if w.delete or life == '' then
				clearAt(p)
			elseif kind == 'T' then
				if not now then
					now = nowMillis()
				end
				setDue(p, now + tonumber(string.sub(life, 2)))
			elseif kind == 'E' then
				setOwner(p, string.sub(life, 2), leaseMillis)
			end
			hasLife = true
		end
	end
end
saveSequence()

local beforeAll = table.concat(before)
if not anyWrite then
	-- only lifetimes applied
	return {1, tonumber(redis.call('GET', REV) or '0'), beforeAll}
end
if overlapping or nLifetimes > 0 then
	-- writes that overlap may together leave every value as it was (a path set twice, back to the
	-- value it had, which another instance may have written just before), and a write of the value
	-- already there applies its lifetime: as on every backend, a commit that changed no value takes
	-- no revision and appends no stream entry, and the stored nodes are put back exactly as they were
	-- (bytes and child order), shallowest path first
	local same = true
	for i = 1, nDistinct do
		if not formsEqual(readForm(distinct[i]), before[i]) then
			same = false
			break
		end
	end
	if same then
		local order = {}
		for i = 1, nDistinct do
			order[i] = i
		end
		local depth = {}
		for i = 1, nDistinct do
			depth[i] = (distinct[i] == '/') and -1 or #ancestors(distinct[i])
		end
		table.sort(order, function(a, b)
			return depth[a] < depth[b] or (depth[a] == depth[b] and a < b)
		end)
		for k = 1, nDistinct do
			restoreForm(distinct[order[k]], before[order[k]])
		end
		-- and each written path back where it stood among its siblings (a path deleted and written
		-- again was attached last), unless a written path above it was put back with its subtree
		if beforePos then
			local written = {}
			for i = 1, nDistinct do
				written[distinct[i]] = true
			end
			for i = 1, nDistinct do
				local p = distinct[i]
				local was = beforePos[p]
				if was then
					local covered = written['/']
					local list = ancestors(p)
					for j = 1, #list do
						covered = covered or written[list[j]]
					end
					local member = redis.call('HGET', POS, p)
					if not covered and member and member ~= was then
						redis.call('ZREM', KIDS, member)
						redis.call('ZADD', KIDS, 0, was)
						redis.call('HSET', POS, p, was)
					end
				end
			end
		end
		-- and the branches made on the way to a write, absent before the commit: those at or below
		-- a written path were put back with it; the others no write touched before (deepest first)
		local written = {}
		for i = 1, nDistinct do
			written[distinct[i]] = true
		end
		for k = #created, 1, -1 do
			local c = created[k]
			local covered = written[c] or written['/']
			local list = ancestors(c)
			for j = 1, #list do
				covered = covered or written[list[j]]
			end
			if not covered and getNode(c) then
				deleteSubtree(c)
			end
		end
		saveSequence()
		return {1, tonumber(redis.call('GET', REV) or '0'), beforeAll}
	end
end
local revision = redis.call('INCR', REV)
appendEntry(ARGV[3], revision, ARGV[2], ARGV[1], W, beforeAll, ARGV[5], ARGV[6], ARGV[argi + 2 + nLifetimes] == '1' and '1',
	ARGV[7], ARGV[9])
recordApplied(ARGV[1], ARGV[7], ARGV[8], millisString(revision) .. '\n' .. beforeAll)
return {1, revision, beforeAll, 1}
