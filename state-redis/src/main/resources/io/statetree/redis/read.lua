-- Reads one subtree as a consistent snapshot. ARGV[1]: the canonical path.
-- A value whose time to live ran out reads as absent, before its expiry commit. KEYS as commit.lua.
if hideDue(ARGV[1]) then
	return 'S0\n'
end
return readForm(ARGV[1])
