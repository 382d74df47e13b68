-- Shared helpers, prepended to each StateTree script. See io.statetree.redis package documentation
-- for the storage model. Keys: KEYS[1] tree hash (path -> node), KEYS[2] pos hash (path -> member in
-- kids), KEYS[3] kids sorted set (members "<parent>\0<16-digit seq><name>", score 0, lexicographic);
-- scripts that write also get KEYS[4] revision, KEYS[5] sequence, KEYS[6] change stream.
local TREE, POS, KIDS = KEYS[1], KEYS[2], KEYS[3]
local REV, SEQ, STREAM = KEYS[4], KEYS[5], KEYS[6]
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
					local childRel = name
					if rel ~= '' then
						childRel = rel .. '/' .. name
					end
					walk(childAbs, childRel, getNode(childAbs))
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

-- appends a commit's change stream entry: r revision, o origin, i backend id, w writes, b previous
-- read forms, then a actor (only when there is one: actor ~= '') and c causing revision (only when
-- causedBy ~= '0'); the entry id's milliseconds are the commit time (the server's clock, XADD '*')
local function appendEntry(retention, revision, origin, instance, writes, before, actor, causedBy)
	local args = {STREAM, 'MAXLEN', '~', retention, '*', 'r', revision, 'o', origin, 'i', instance, 'w', writes,
		'b', before}
	if actor ~= '' then
		args[#args + 1] = 'a'
		args[#args + 1] = actor
	end
	if causedBy ~= '0' then
		args[#args + 1] = 'c'
		args[#args + 1] = causedBy
	end
	redis.call('XADD', unpack(args))
end
