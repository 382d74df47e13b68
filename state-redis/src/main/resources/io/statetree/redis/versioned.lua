-- Reads one subtree and the namespace revision it reflects, as one consistent snapshot.
-- KEYS as commit.lua (only tree, pos, kids and revision are read). ARGV[1]: the canonical path.
-- Returns {revision, read form}.
-- A value whose time to live ran out reads as absent, before its expiry commit.
if hideDue(ARGV[1]) then
	return {redis.call('GET', REV) or '0', 'S0\n'}
end
return {redis.call('GET', REV) or '0', readForm(ARGV[1])}
