-- Shared helpers, prepended to each StateTree script. See io.statetree.redis package documentation
-- for the storage model. Keys: KEYS[1] tree hash (path -> node), KEYS[2] pos hash (path -> member in
-- kids), KEYS[3] kids sorted set (members "<parent>\0<16-digit seq><name>", score 0, lexicographic).
local TREE, POS, KIDS = KEYS[1], KEYS[2], KEYS[3]
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
