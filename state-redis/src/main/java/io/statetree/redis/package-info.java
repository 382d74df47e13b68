/**
 * The Redis backend and the cross-instance change feed.
 * <p>
 * <b>Storage model.</b> All keys of a namespace {@code ns} start with the hash tag
 * <code>{ns}:</code>, so one tree lives in one cluster slot and each script is atomic:
 * <ul>
 * <li><code>{ns}:tree</code> — a hash from canonical path ({@code /users/1/name}) to node: a leaf
 * holds its compact JSON ({@code "Ann"}, {@code 42}, {@code [1,2]}), a branch holds {@code {}}
 * (a leaf is never a JSON object, objects always become branches). The root is implicit and
 * always a branch. An operator can read a leaf with <code>HGET {ns}:tree /users/1/name</code>.</li>
 * <li><code>{ns}:kids</code> — a sorted set of every branch's children, all with score 0, each
 * member {@code <parent path>\0<16-digit sequence><name>}; a lexicographic range over
 * {@code <parent>\0} lists a branch's children in insertion order.</li>
 * <li><code>{ns}:pos</code> — a hash from path to its member in {@code kids}, so a child can
 * be removed without scanning; <code>{ns}:seq</code> — the counter behind the sequences.</li>
 * <li><code>{ns}:rev</code> — the namespace revision, incremented by every commit.</li>
 * <li><code>{ns}:changes</code> — the change stream: one entry per commit with fields {@code r}
 * (revision), {@code o} (origin instance id), {@code i} (id of the writing backend object),
 * {@code w} (the writes: paths, new values as nodes, payloads as JSON), {@code b} (the
 * previous values of the written paths), and only when given {@code a} (the actor),
 * {@code c} (the revision whose listener caused the commit), {@code n} (the writing backend's
 * commit number) and {@code d} (the cascade depth: how many rounds of listener writes led to the
 * commit, so another instance's listeners hear it at that depth); trimmed to the feed retention with
 * {@code MAXLEN ~}, but never below the lowest cursor of a consumer group (up to the group
 * history limit). The entry id's milliseconds ({@code XADD *}, the server's clock) are the
 * commit's time. A reader computes each written path's value before and after the commit
 * from {@code b} and {@code w}, exactly as the writer does. The stream is also the history
 * (DESIGN §11). An expiry commit's entry also has {@code x}: {@code 1} when a controller made it,
 * {@code s} when a script expired the entry on its own.</li>
 * <li><code>{ns}:applied:&lt;backend id&gt;</code> — a sorted set of the outcomes of the backend's
 * recent commits and increments, member {@code <number>\n<outcome>} scored by the commit number,
 * so a call sent again after a lost reply is answered with its first outcome instead of being
 * applied twice (idempotent commits). Each call sends the lowest number whose outcome its backend
 * does not know yet and the script deletes the records below it; the key expires 5 minutes after
 * the backend's last commit.</li>
 * <li>Consumer groups (DESIGN §13): <code>{ns}:groups</code> — a hash from group name to its
 * pattern; <code>{ns}:groupfloor</code> — a hash from group name to the lowest cursor of its
 * partitions (and {@code #limit}, the group history limit), read by every commit to trim the
 * stream; under <code>{ns}:group:&lt;name&gt;:</code> the hashes {@code cursor}, {@code owner},
 * {@code expiry} (server epoch ms), {@code token} and {@code freesince} by partition, {@code meta}
 * (the number of partitions), the sorted set {@code members} (scored by when each stops counting
 * as alive), the dead letters ({@code dead}, {@code deadids}, {@code deadseq}, and {@code deadby} /
 * {@code deadfield}, one letter per event while parked) and per partition the lists
 * {@code redeliver:<p>} and {@code inflight:<p>} (with {@code inflighttoken} and
 * {@code inflightcall}). Only {@code groups.lua} changes them.</li>
 * <li>Lifetimes (DESIGN §12): <code>{ns}:due</code> — a sorted set of the paths with a time to
 * live, scored by their due time (the server's epoch ms, from {@code TIME} in the script);
 * <code>{ns}:life</code> — every path with a lifetime, score 0, so the lifetimes at and below a
 * written path are found with one lexicographic range; <code>{ns}:eph</code> — a hash from
 * ephemeral path to its owner (instance id); <code>{ns}:ephown</code> — members
 * {@code <owner>\0<path>}, score 0, an owner's entries by one range; <code>{ns}:owners</code> — the
 * owners of ephemeral entries; <code>{ns}:lease:&lt;owner&gt;</code> — each owner's lease, set with
 * {@code PX lease-timeout} by the commit that writes its ephemeral entry and renewed by its
 * instance every third of the timeout. Every path of <code>{ns}:life</code> is in exactly one of
 * <code>{ns}:due</code> and <code>{ns}:eph</code>, and nothing else is in those, so the scripts
 * clear a path without a lifetime with one {@code ZREM} and move a time to live with one
 * {@code ZADD}. A namespace that never held a lifetime has none of these keys: a commit then costs
 * one {@code EXISTS} more.</li>
 * </ul>
 * <p>
 * <b>Scripts.</b> A read is one script call returning the subtree's nodes in pre-order, taken
 * atomically (a consistent snapshot). A commit is one script call that checks the preconditions
 * (the SHA-1 of the stored subtree's canonical form against that of the expected value; when they
 * differ only in spelling, such as key order, the backend compares the values as JSON and retries
 * with the stored form), checks every write's ancestors while simulating the commit's own
 * earlier writes (a write below a leaf fails before anything is written), reads the previous
 * values, leaves out each write whose value equals the stored one as JSON ({@code equality.lua}:
 * numbers by the decimal they denote, keys in any order; only for a write no other write of the
 * commit overlaps), writes, and unless nothing was written increments the revision and appends the
 * stream entry. An increment is one script
 * too ({@code increment.lua}: checks, a sum on decimal digits, exact over the {@code long} range,
 * then the same revision and entry as a commit); {@code versioned.lua} reads a subtree with the
 * revision; {@code history.lua} finds the first entry after a revision by bisecting the entry ids'
 * milliseconds (revisions in the stream are consecutive and grow with the ids). When the namespace
 * holds lifetimes, the commit and increment scripts first expire every entry due by the server's
 * clock (each its own revision and stream entry), then apply the writes and their lifetimes; the
 * read scripts leave out due values; {@code sweep.lua}, run by every instance every 250 ms, renews
 * the instance's leases and expires due entries and the ephemeral entries of owners whose lease key
 * is gone ({@code ttl.lua} and {@code lifetimes.lua} answer the lifetime queries). The scripts touch keys
 * derived from the namespace prefix besides those passed as {@code KEYS}; they all share one hash
 * slot.
 * <p>
 * <b>Feed.</b> See {@link io.statetree.redis.RedisBackend#setBackendListener}: a daemon thread
 * per backend tails the stream with {@code XREAD BLOCK}, skips its own backend's entries (except
 * those a script expired on its own, which no controller made, and those of a call given up with
 * an unknown outcome; an entry of a call still in flight is handed to that call, as its outcome
 * should the reply be lost), resumes
 * from the last handled entry after a lost connection, and calls {@code onResync()} once when the
 * entries it needed were trimmed (revisions are consecutive, so a gap is visible), unless every
 * trimmed entry was its own backend's commit.
 * <p>
 * <b>Classes.</b> Only {@link io.statetree.redis.RedisBackend} is public. Behind it, package-private:
 * {@code BackendParts} (the parts of one backend, wired together), {@code Keys} (the key names), {@code Scripts} (the Lua scripts, loaded from this package on the
 * class path), {@code RedisCalls} (script calls and error translation), {@code TreeCodec} (the
 * text forms above), {@code WriteScripts} (the calls of the write scripts), {@code CommitIds} (a
 * backend's commit numbers and their calls in flight), {@code NumberedCalls} (a write call sent
 * again under its number until its outcome is known), {@code StreamEntry} (one stream entry's
 * fields), {@code ChangeFeed} (the
 * stream reader), {@code OwnRevisions} (the revisions a backend committed lately, so that its feed
 * does not resynchronise over trimmed entries that were all its own), {@code StreamHistory}
 * (the history read from the stream), {@code LifetimeArgs} (the lifetimes of a commit's writes as
 * script arguments), {@code RedisLifetimes} (the {@code ExpiringEntries} capability),
 * {@code Leases} (the leases an instance renews), {@code ExpirySweep} (the sweep's thread),
 * {@code RedisConsumerGroups} and {@code RedisGroupMembership} (the {@code ConsumerGroups}
 * capability: claims, cursors, dead letters) and {@code DeadLetterCodec} (a dead letter as JSON).
 */
@NullMarked
package io.statetree.redis;

import org.jspecify.annotations.NullMarked;
