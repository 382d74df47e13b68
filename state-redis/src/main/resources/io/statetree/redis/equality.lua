-- Value equality of stored nodes, for the commit script (see Scripts), made only when a commit
-- calls equalityHelpers() (the general path always, the commit of one leaf only when the stored and
-- the written node differ as text and need more than a glance). A write whose value equals the one
-- stored is not applied, so the stored bytes stay exactly as they are, as on every backend. Two
-- nodes are equal when their JSON is, with numbers compared by the decimal they denote (1.10 and 1.1, 1 and 1.0, 100 and 1e2, -0 and 0) and object keys (inside arrays) in any
-- order, as the controller compares values.

local function equalityHelpers()
	-- a JSON number token as sign, digits without leading or trailing zeros, and exponent
	local function canonicalNumber(token)
		local sign, whole, fraction, exponent = string.match(token, '^(%-?)(%d+)%.?(%d*)[eE]?([%+%-]?%d*)$')
		if not sign then
			return token
		end
		local digits = string.gsub(whole .. fraction, '^0+', '')
		if digits == '' then
			return '0'
		end
		local shift = (tonumber(exponent) or 0) - #fraction
		local trimmed = string.gsub(digits, '0+$', '')
		return sign .. trimmed .. 'e' .. (shift + #digits - #trimmed)
	end

	-- the JSON with its tokens tagged so that cjson keeps every distinction the controller makes:
	-- each string becomes "s<string>", each number a string "n<canonical form>" (cjson reads numbers
	-- as doubles), and each empty array the string "a" (cjson reads [] and {} as the same empty
	-- table). No tagged string can spell another kind (break25: ["\u0000#1e0"] and [1] were equal
	-- when numbers became "\u0000#<form>", and [[]] and [{}] were)
	local function numbersAsText(json)
		local out = {}
		local i, n = 1, #json
		while i <= n do
			local s = string.find(json, '["%-%d%[]', i)
			if not s then
				out[#out + 1] = string.sub(json, i)
				break
			end
			out[#out + 1] = string.sub(json, i, s - 1)
			local c = string.sub(json, s, s)
			if c == '"' then
				local j = s + 1
				while j <= n do
					local d = string.sub(json, j, j)
					if d == '\\' then
						j = j + 2
					elseif d == '"' then
						break
					else
						j = j + 1
					end
				end
				out[#out + 1] = '"s' .. string.sub(json, s + 1, j)
				i = j + 1
			elseif c == '[' then
				if string.sub(json, s + 1, s + 1) == ']' then
					out[#out + 1] = '"a"'
					i = s + 2
				else
					out[#out + 1] = '['
					i = s + 1
				end
			else
				local _, e = string.find(json, '^%-?[%d%.eE%+%-]+', s)
				out[#out + 1] = '"n' .. canonicalNumber(string.sub(json, s, e)) .. '"'
				i = e + 1
			end
		end
		return table.concat(out)
	end

	local function decodedEqual(a, b)
		if type(a) ~= type(b) then
			return false
		end
		if type(a) ~= 'table' then
			return a == b
		end
		local count = 0
		for k, v in pairs(a) do
			count = count + 1
			local other = b[k]
			if other == nil or not decodedEqual(v, other) then
				return false
			end
		end
		for _ in pairs(b) do
			count = count - 1
		end
		return count == 0
	end

	-- whether two stored nodes (a leaf's compact JSON, or the branch marker) hold equal values
	local function nodesEqual(a, b)
		if a == b then
			return true
		end
		if a == BRANCH or b == BRANCH then
			return false
		end
		-- two different spellings of integers without leading zeros (the common numbers) denote
		-- different numbers: no canonical forms needed
		if string.find(a, '^%-?[1-9]%d*$') and string.find(b, '^%-?[1-9]%d*$') then
			return false
		end
		local first, other = string.sub(a, 1, 1), string.sub(b, 1, 1)
		if string.find(first, '[%-%d]') and string.find(other, '[%-%d]') then
			return canonicalNumber(a) == canonicalNumber(b)
		end
		if first ~= '[' or other ~= '[' then
			return false
		end
		local okA, valueA = pcall(cjson.decode, numbersAsText(a))
		local okB, valueB = pcall(cjson.decode, numbersAsText(b))
		return okA and okB and decodedEqual(valueA, valueB)
	end

	-- whether a write leaves the subtree whose read form is before as it is (equal values)
	local function writesSame(w, before)
		if w.delete then
			return before == 'S0\n' or (w.path == '/' and before == 'S1\n\n' .. BRANCH .. '\n')
		end
		local n = tonumber(string.match(before, '^S(%d+)\n'))
		if not n or n ~= #w.rels then
			return false
		end
		local stored = {}
		local at = string.find(before, '\n', 1, true) + 1
		for k = 1, n do
			local e1 = string.find(before, '\n', at, true)
			local e2 = string.find(before, '\n', e1 + 1, true)
			stored[string.sub(before, at, e1 - 1)] = string.sub(before, e1 + 1, e2 - 1)
			at = e2 + 1
		end
		for j = 1, n do
			local enc = stored[w.rels[j]]
			if enc == nil or not nodesEqual(enc, w.encs[j]) then
				return false
			end
		end
		return true
	end

	-- a read form's nodes: relative path -> node, their count and the relative paths in order; nil
	-- for a form that is not a subtree ("L": the path lies inside a leaf)
	local function formNodes(form)
		local n = tonumber(string.match(form, '^S(%d+)\n'))
		if not n then
			return nil, 0, nil
		end
		local nodes, order = {}, {}
		local at = string.find(form, '\n', 1, true) + 1
		for k = 1, n do
			local e1 = string.find(form, '\n', at, true)
			local e2 = string.find(form, '\n', e1 + 1, true)
			local rel = string.sub(form, at, e1 - 1)
			nodes[rel] = string.sub(form, e1 + 1, e2 - 1)
			order[k] = rel
			at = e2 + 1
		end
		return nodes, n, order
	end

	-- whether two read forms of one path hold equal values (the same subtree shape, each node equal
	-- as JSON; for a path inside a leaf, the same leaf holding an equal value)
	local function formsEqual(a, b)
		if a == b then
			return true
		end
		local nodesA, countA = formNodes(a)
		local nodesB, countB = formNodes(b)
		if not nodesA or not nodesB then
			local leafA, jsonA = string.match(a, '^L\n([^\n]*)\n([^\n]*)\n$')
			local leafB, jsonB = string.match(b, '^L\n([^\n]*)\n([^\n]*)\n$')
			return leafA ~= nil and leafA == leafB and nodesEqual(jsonA, jsonB)
		end
		if countA ~= countB then
			return false
		end
		for rel, enc in pairs(nodesA) do
			local other = nodesB[rel]
			if other == nil or not nodesEqual(enc, other) then
				return false
			end
		end
		return true
	end

	-- marks w.same on each write (not a no-op) that no other write of the commit overlaps (the same
	-- path, an ancestor or a descendant) and whose value equals the one stored (beforeAt: path ->
	-- read form before the commit); returns whether any write overlaps another (then only the
	-- commit's result, compared with the values before, tells whether it changed anything)
	local function markSameWrites(list, beforeAt)
		local count, above = {}, {}
		local overlapping = false
		for i = 1, #list do
			local w = list[i]
			if not w.noop then
				count[w.path] = (count[w.path] or 0) + 1
				for j = 1, #w.ancestors do
					above[w.ancestors[j]] = true
				end
				if w.path ~= '/' then
					above['/'] = true
				end
			end
		end
		for i = 1, #list do
			local w = list[i]
			if not w.noop and count[w.path] == 1 and not above[w.path] and (w.path == '/' or not count['/']) then
				local alone = true
				for j = 1, #w.ancestors do
					if count[w.ancestors[j]] then
						alone = false
						break
					end
				end
				if alone and beforeAt[w.path] then
					w.same = writesSame(w, beforeAt[w.path])
				end
				if not alone then
					overlapping = true
				end
			else
				overlapping = overlapping or not w.noop
			end
		end
		return overlapping
	end

	return nodesEqual, formsEqual, markSameWrites, formNodes
end
