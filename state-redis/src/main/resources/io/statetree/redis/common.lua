-- Shared helpers for reading the tree, prepended (after keys.lua) to each StateTree script (the other
-- helpers, in clock.lua, mutation.lua, entries.lua, lifetimewrites.lua and applied.lua, only to the
-- scripts that use them: every local function is a closure made again at each call, see Scripts).

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
