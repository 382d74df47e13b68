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
 * previous values of the written paths), and only when given {@code a} (the actor) and
 * {@code c} (the revision whose listener caused the commit); trimmed to the feed retention with
 * {@code MAXLEN ~}. The entry id's milliseconds ({@code XADD *}, the server's clock) are the
 * commit's time. A reader computes each written path's value before and after the commit
 * from {@code b} and {@code w}, exactly as the writer does. The stream is also the history
 * (DESIGN §11).</li>
 * </ul>
 * <p>
 * <b>Scripts.</b> A read is one script call returning the subtree's nodes in pre-order, taken
 * atomically (a consistent snapshot). A commit is one script call that checks the preconditions
 * (the SHA-1 of the stored subtree's canonical form against that of the expected value; when they
 * differ only in spelling, such as key order, the backend compares the values as JSON and retries
 * with the stored form), checks every write's ancestors while simulating the commit's own
 * earlier writes (a write below a leaf fails before anything is written), reads the previous
 * values, writes, increments the revision and appends the stream entry. An increment is one script
 * too ({@code increment.lua}: checks, a sum on decimal digits, exact over the {@code long} range,
 * then the same revision and entry as a commit); {@code versioned.lua} reads a subtree with the
 * revision; {@code history.lua} finds the first entry after a revision by bisecting the entry ids'
 * milliseconds (revisions in the stream are consecutive and grow with the ids). The scripts touch keys
 * derived from the namespace prefix besides those passed as {@code KEYS}; they all share one hash
 * slot.
 * <p>
 * <b>Feed.</b> See {@link io.statetree.redis.RedisBackend#setBackendListener}: a daemon thread
 * per backend tails the stream with {@code XREAD BLOCK}, skips its own backend's entries, resumes
 * from the last handled entry after a lost connection, and calls {@code onResync()} once when the
 * entries it needed were trimmed (revisions are consecutive, so a gap is visible), unless every
 * trimmed entry was its own backend's commit.
 * <p>
 * <b>Classes.</b> Only {@link io.statetree.redis.RedisBackend} is public. Behind it, package-private:
 * {@code Keys} (the key names), {@code Scripts} (the Lua scripts, loaded from this package on the
 * class path), {@code RedisCalls} (script calls and error translation), {@code TreeCodec} (the
 * text forms above), {@code StreamEntry} (one stream entry's fields), {@code ChangeFeed} (the
 * stream reader), {@code OwnRevisions} (the revisions a backend committed lately, so that its feed
 * does not resynchronise over trimmed entries that were all its own) and {@code StreamHistory}
 * (the history read from the stream).
 */
@NullMarked
package io.statetree.redis;

import org.jspecify.annotations.NullMarked;
