-- Changing the tree, for the scripts that write (prepended after common.lua; see Scripts).

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
