-- The keys and the number format, first in every StateTree script (see Scripts). See
-- io.statetree.redis package documentation for the storage model. Keys: KEYS[1] tree hash (path -> node), KEYS[2] pos hash (path -> member in
-- kids), KEYS[3] kids sorted set (members "<parent>\0<16-digit seq><name>", score 0, lexicographic);
-- scripts that write also get KEYS[4] revision, KEYS[5] sequence, KEYS[6] change stream.
-- Lifetimes (DESIGN §12): KEYS[7] due sorted set (path, score = due time in server epoch ms),
-- KEYS[8] life sorted set (every path with a lifetime, score 0, for prefix scans), KEYS[9] eph hash
-- (path -> owner), KEYS[10] ephown sorted set ("<owner>\0<path>", score 0), KEYS[11] owners set;
-- an owner's lease is the key "{namespace}:lease:<owner>", set with PX by the owner.
local TREE, POS, KIDS = KEYS[1], KEYS[2], KEYS[3]
local REV, SEQ, STREAM = KEYS[4], KEYS[5], KEYS[6]
local DUE, LIFE, EPH, EPHOWN, OWNERS = KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local BRANCH = '{}'

-- a number of milliseconds (or a revision) as the integer text Redis takes
local function millisString(ms)
	return string.format('%.0f', ms)
end
