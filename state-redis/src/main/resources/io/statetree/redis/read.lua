-- Reads one subtree as a consistent snapshot. ARGV[1]: the canonical path.
return readForm(ARGV[1])
