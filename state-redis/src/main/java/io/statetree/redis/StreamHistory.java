package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis backend's history (DESIGN §11): the namespace's change stream, read with the history
 * script. Retention is the stream's ({@code feed-retention}, trimmed approximately); the history
 * holds the commits of every instance of the namespace. A commit's time is its entry id's
 * milliseconds, the Redis server's clock when the entry was added. A commit that changes no value
 * takes no revision and writes no entry (commit.lua); an entry whose changes are all equal (written
 * by an earlier version) is left out, so one {@link #after} may read several pages; when the
 * stream was trimmed between two pages it returns the commits before the gap (the caller's next
 * read sees {@link #retainedAfter} past its revision). Thread-safe: every call is one or more independent script calls.
 */
final class StreamHistory implements CommitHistory {

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final Keys keys;

	StreamHistory(RedisConnectionFactory factory, String connectionName, Keys keys) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.keys = keys;
	}

	@Override
	public List<Commit> after(long afterRevision, int limit) {
		if (afterRevision < 0) {
			throw new IllegalArgumentException("afterRevision must not be negative, got " + afterRevision);
		}
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		List<Commit> commits = new ArrayList<>(Math.min(limit, 1_024));
		long after = afterRevision;
		while (commits.size() < limit) {
			int wanted = limit - commits.size();
			List<Object> reply = read(after, wanted);
			if (after > afterRevision && (Long) reply.get(0) > after) {
				// trimmed between two pages: stop at the last commit read, the caller sees the gap
				break;
			}
			int entries = reply.size() - 1;
			for (int i = 1; i <= entries; i++) {
				StreamEntry entry = StreamEntry.of(reply.get(i));
				after = entry.revision();
				Commit commit = commit(entry);
				if (commit != null) {
					commits.add(commit);
				}
			}
			if (entries < wanted) {
				break;
			}
		}
		return commits;
	}

	@Override
	public long retainedAfter() {
		return (Long) read(Long.MAX_VALUE, 1).get(0);
	}

	private List<Object> read(long after, int limit) {
		return RedisCalls.script(this.factory, this.connectionName, Scripts.HISTORY, this.keys.all(),
				bytes(Long.toString(after)), bytes(Integer.toString(limit)));
	}

	/** The entry as a commit of its changed paths, or {@code null} when it changed nothing. */
	private static @Nullable Commit commit(StreamEntry entry) {
		List<Change> changes = entry.changes();
		List<ChangedPath> changed = new ArrayList<>(changes.size());
		for (Change change : changes) {
			if (!StateValues.equal(change.oldValue(), change.newValue())) {
				changed.add(new ChangedPath(change.path(), change.oldValue(), change.newValue()));
			}
		}
		if (changed.isEmpty()) {
			return null;
		}
		return new Commit(entry.revision(), Instant.ofEpochMilli(entry.millis()), entry.origin(), entry.actor(),
				changed, entry.causedBy(), entry.expiry());
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
