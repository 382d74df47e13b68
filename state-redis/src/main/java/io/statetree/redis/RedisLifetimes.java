package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.ExpiringEntries;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis backend's {@link ExpiringEntries} (DESIGN §12). Redis expires entries itself (the
 * commit scripts and the {@link ExpirySweep}), so nothing is ever {@link #due()} for the
 * controller; times come from the server's clock inside scripts. Thread-safe.
 */
final class RedisLifetimes implements ExpiringEntries {

	/** {@code ttl.lua}'s second argument asking for the due time itself. */
	private static final byte[] DUE_TIME = { 'D' };

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final Keys keys;

	RedisLifetimes(RedisConnectionFactory factory, String connectionName, Keys keys) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.keys = keys;
	}

	@Override
	public @Nullable Duration timeToLive(StatePath path) {
		long left = RedisCalls.scriptLong(this.factory, this.connectionName, Scripts.TTL, this.keys.all(),
				bytes(path.toString()));
		return (left < 0) ? null : Duration.ofMillis(Math.max(1, left));
	}

	/**
	 * The due time the path's time to live counts down to (server epoch ms), or {@code -1}: one
	 * script call, as {@link #timeToLive}. Another instance's write that restarts, gives or clears
	 * the lifetime changes it (or a time to live given again in the same millisecond, which changes
	 * nothing a read could tell); the passing of time does not.
	 */
	@Override
	public long lifetimeStamp(StatePath path) {
		return RedisCalls.scriptLong(this.factory, this.connectionName, Scripts.TTL, this.keys.all(),
				bytes(path.toString()), DUE_TIME);
	}

	@Override
	public long nanosUntilNextDue() {
		return Long.MAX_VALUE;
	}

	@Override
	public List<StatePath> due() {
		return List.of();
	}

	@Override
	public List<StatePath> ephemeral(String owner) {
		Set<byte[]> members;
		try (RedisConnection connection = this.factory.getConnection()) {
			members = connection.zSetCommands()
				.zRangeByLex(this.keys.ephown(), Range.closed(bytes(owner + "\0"), bytes(owner + "\1")), Limit.unlimited());
		}
		catch (DataAccessException ex) {
			throw new StateStorageException("Redis at " + this.connectionName + " failed: " + RedisCalls.message(ex),
					ex);
		}
		List<StatePath> paths = new ArrayList<>();
		if (members != null) {
			for (byte[] member : members) {
				String text = new String(member, StandardCharsets.UTF_8);
				if (text.startsWith(owner + "\0")) {
					paths.add(StatePath.of(text.substring(owner.length() + 1)));
				}
			}
		}
		return outermost(paths);
	}

	@Override
	public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
		List<Write> deletes = new ArrayList<>();
		for (Map.Entry<StatePath, Lifetime> entry : lifetimes(true).entrySet()) {
			StatePath due = entry.getKey();
			if (due.isAncestorOrSelf(path)) {
				return null;
			}
			if (path.isAncestorOf(due)) {
				deletes.add(Write.of(due, null));
			}
		}
		if (deletes.isEmpty() || value == null) {
			return value;
		}
		return StateValues.valueAfter(path, value, deletes);
	}

	@Override
	public Map<StatePath, Lifetime> lifetimes() {
		return lifetimes(false);
	}

	/** Every lifetime, or (dueOnly) the time to live entries due now, each with a time left of 0. */
	private Map<StatePath, Lifetime> lifetimes(boolean dueOnly) {
		List<Object> reply = RedisCalls.script(this.factory, this.connectionName, Scripts.LIFETIMES, this.keys.all());
		Map<StatePath, Lifetime> lifetimes = new HashMap<>();
		for (int i = 0; i + 2 < reply.size(); i += 3) {
			StatePath path = StatePath.of(RedisCalls.string(reply.get(i)));
			String kind = RedisCalls.string(reply.get(i + 1));
			String value = RedisCalls.string(reply.get(i + 2));
			if (kind.equals("T")) {
				long left = Long.parseLong(value);
				if (!dueOnly || left == 0) {
					// a due entry keeps a lifetime of 1 ms until its expiry commit (a lifetime is positive)
					lifetimes.put(path, Lifetime.ttl(Duration.ofMillis(Math.max(1, left))));
				}
			}
			else if (!dueOnly) {
				lifetimes.put(path, Lifetime.ephemeral(value));
			}
		}
		return Map.copyOf(lifetimes);
	}

	/** The paths that lie below none of the others, shallowest first. */
	private static List<StatePath> outermost(List<StatePath> paths) {
		List<StatePath> sorted = new ArrayList<>(paths);
		sorted.sort(Comparator.comparingInt(StatePath::depth));
		List<StatePath> kept = new ArrayList<>();
		for (StatePath path : sorted) {
			boolean covered = false;
			for (StatePath outer : kept) {
				if (outer.isAncestorOrSelf(path)) {
					covered = true;
					break;
				}
			}
			if (!covered) {
				kept.add(path);
			}
		}
		return List.copyOf(kept);
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
