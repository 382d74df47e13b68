-- The common commit, prepended to commit.lua (same arguments and replies): one leaf (a node that
-- is not a branch) written at one path below the root, without preconditions, in a commit without
-- lifetimes on a namespace without lifetimes. It does what commit.lua's general path does for such
-- a commit with a fraction of the work (no write list, no simulated node kinds, no overlap
-- analysis): the ancestors are checked, the value before is read, a value equal to the one stored
-- writes nothing, else the leaf is written, the revision taken, the entry appended and the outcome
-- recorded. It answers nil for any other commit, which the general path then runs.
local function commitOneLeaf(hasLife)
	if hasLife or ARGV[10] ~= '0' or ARGV[11] ~= '1' or ARGV[14] ~= '0' then
		return nil
	end
	-- W: "1\n<path>\n<payload>\n1\n\n<node>\n"
	local W = ARGV[4]
	if string.sub(W, 1, 2) ~= '1\n' then
		return nil
	end
	local e1 = string.find(W, '\n', 3, true)
	local p = string.sub(W, 3, e1 - 1)
	local e2 = string.find(W, '\n', e1 + 1, true)
	if p == '/' or p ~= ARGV[12] or not e2 or string.sub(W, e2 + 1, e2 + 3) ~= '1\n\n'
			or string.find(W, '\n', e2 + 4, true) ~= #W then
		return nil
	end
	local enc = string.sub(W, e2 + 4, #W - 1)
	if enc == BRANCH then
		return nil
	end
	local list = ancestors(p)
	for j = 1, #list do
		local e = getNode(list[j])
		if not e then
			break
		elseif e ~= BRANCH then
			return {2, p, list[j]}
		end
	end
	local before = readForm(p)
	if string.sub(before, 1, 4) == 'S1\n\n' and nodesEqual(string.sub(before, 5, #before - 1), enc) then
		return {1, tonumber(redis.call('GET', REV) or '0'), before}
	end
	for j = 1, #list do
		if not getNode(list[j]) then
			setNode(list[j], BRANCH)
			attachNew(list[j])
		end
	end
	local existed = getNode(p)
	if existed == BRANCH then
		removeChildren(p)
	end
	setNode(p, enc)
	if not existed then
		attachNew(p)
	end
	saveSequence()
	local revision = redis.call('INCR', REV)
	appendEntry(ARGV[3], revision, ARGV[2], ARGV[1], W, before, ARGV[5], ARGV[6], ARGV[15] == '1' and '1', ARGV[7],
		ARGV[9])
	recordApplied(ARGV[1], ARGV[7], ARGV[8], millisString(revision) .. '\n' .. before)
	return {1, revision, before, 1}
end
