package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The parts one {@link RedisBackend} is made of, wired together over the application's
 * connection factory and one namespace: the key names, the write scripts and their numbered
 * calls, the history, the leases, the expiry sweep, the lifetimes, the consumer groups and the
 * change feed. Also keeps the origin the sweep's expiry commits name. Immutable but for that
 * origin (a volatile); the parts themselves are thread-safe.
 */
final class BackendParts {

	final RedisConnectionFactory factory;

	/** The connection as it is named in messages (host and port, no credentials). */
	final String connectionName;

	final Keys keys;

	final StreamHistory history;

	final Leases leases;

	final ExpirySweep sweep;

	final RedisLifetimes lifetimes;

	final NumberedCalls numberedCalls;

	final WriteScripts writes;

	final RedisConsumerGroups groups;

	final FeedRunner feed;

	/**
	 * The instance the sweep's expiry commits name as their origin: the controller listening (its
	 * id, from the listener), else the last one that committed here.
	 */
	private volatile String sweepOrigin;

	/**
	 * Builds the parts; the arguments are the builder's, checked there.
	 * @param leaseTimeout how long ephemeral entries outlive the last lease renewal
	 * @param startFeedWithListener whether the feed reads as soon as a listener is set
	 */
	BackendParts(RedisConnectionFactory factory, String namespace, long feedRetention, long maxValueBytes,
			Duration leaseTimeout, long groupHistoryLimit, boolean startFeedWithListener) {
		this.factory = factory;
		this.keys = Keys.of(namespace);
		this.connectionName = RedisCalls.describe(factory);
		String backendId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		byte[] backendIdBytes = bytes(backendId);
		byte[] retentionBytes = bytes(Long.toString(feedRetention));
		OwnRevisions ownRevisions = new OwnRevisions();
		this.history = new StreamHistory(factory, this.connectionName, this.keys);
		this.leases = new Leases(leaseTimeout.toMillis());
		this.sweepOrigin = backendId;
		this.sweep = new ExpirySweep(factory, this.connectionName, this.keys, backendIdBytes, retentionBytes,
				() -> this.sweepOrigin, this.leases);
		this.lifetimes = new RedisLifetimes(factory, this.connectionName, this.keys);
		this.numberedCalls = new NumberedCalls(factory, this.connectionName, this.keys, new CommitIds(),
				NumberedCalls.resolveTimeout(RedisCalls.commandTimeout(factory, NumberedCalls.RESOLVE_TIMEOUT)));
		this.writes = new WriteScripts(this.numberedCalls, backendIdBytes, retentionBytes, maxValueBytes, this.leases,
				ownRevisions, this.sweep::start);
		this.groups = new RedisConsumerGroups(factory, this.connectionName, this.keys, groupHistoryLimit);
		this.feed = new FeedRunner((listener) -> new ChangeFeed(factory, this.keys, backendId, ownRevisions,
				this.numberedCalls.ids(), this.connectionName, listener), this.sweep::start, startFeedWithListener);
	}

	/** Names this instance as the origin of the sweep's expiry commits from now on. */
	void noteOrigin(String origin) {
		if (!origin.equals(this.sweepOrigin)) {
			this.sweepOrigin = origin;
		}
	}

	static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
