package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import io.statetree.core.Versioned;
import io.statetree.core.backend.BackendDescription;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.ExpiringEntries;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Keeps the tree in Redis, shared by every instance that uses the same namespace, and tells each
 * instance about the others' commits through a change stream. The storage model is described in
 * the {@linkplain io.statetree.redis package documentation}.
 * <p>
 * Every commit is one {@code EVALSHA} (one round trip; {@code EVAL} once if the server has
 * forgotten the script), and so is every read. Preconditions compare the stored value with the
 * expected one inside the script, so {@code update} is a compare-and-set across instances.
 * {@link #increment} and {@link #readVersioned} are one script call each too.
 * <p>
 * The change stream is also the history ({@link #history()}, DESIGN §11): it keeps the last
 * {@link #feedRetention()} commits (approximately) of every instance, with their origin, actor,
 * causing revision and time (the Redis server's clock when the entry was added).
 * <p>
 * The change feed starts when a listener is set ({@link #setBackendListener}), or later with
 * {@link #startFeed()} ({@link Builder#startFeedWithListener(boolean)}), and runs on its own
 * connection and two daemon threads: {@code statetree-feed-read-<namespace>} reads the stream in
 * batches, {@code statetree-feed-<namespace>} decodes and delivers (listeners of other instances'
 * commits run there); {@link #stopFeed} stops
 * it until the next start, {@link #close()} for good. The {@link RedisConnectionFactory} belongs to the application and is not closed.
 * <p>
 * Commits and increments are idempotent: each call carries a commit id that the script records
 * with its outcome, so a call sent again is applied once and answered with the first outcome. A
 * call whose connection dropped is sent again until a reply (or the feed's entry for it) tells
 * the outcome, for up to 10 seconds: an applied commit is never reported failed and its listeners
 * hear it once; after that it throws {@link StateStorageException} saying the outcome is unknown
 * (if applied, the feed delivers it here). Reads are not sent again. Stream entries carry the
 * cascade depth, so the 1,000-round guard holds across instances.
 * <p>
 * Instances are thread-safe.
 */
public final class RedisBackend implements StateBackend {

	/** The default namespace. */
	public static final String DEFAULT_NAMESPACE = "statetree";

	/** The default number of change stream entries kept (approximately). */
	public static final long DEFAULT_FEED_RETENTION = 10_000;

	/** The default limit of one written value's JSON size: 16 MiB. */
	public static final long DEFAULT_MAX_VALUE_BYTES = 16L * 1024 * 1024;

	/** The default number of change stream entries kept for a consumer group that is behind. */
	public static final long DEFAULT_GROUP_HISTORY_LIMIT = 1_000_000;

	/** The default lease timeout: how long an instance's ephemeral entries outlive its last renewal. */
	public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration MIN_LEASE_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration MAX_LEASE_TIMEOUT = Duration.ofDays(1);

	private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final String namespace;

	private final long feedRetention;

	private final long maxValueBytes;

	private final Duration leaseTimeout;

	private final long groupHistoryLimit;

	/** The parts this backend is made of, wired together. */
	private final BackendParts parts;

	private volatile boolean closed;

	private RedisBackend(Builder builder) {
		this.namespace = builder.namespace;
		this.feedRetention = builder.feedRetention;
		this.maxValueBytes = builder.maxValueBytes;
		this.leaseTimeout = builder.leaseTimeout;
		this.groupHistoryLimit = builder.groupHistoryLimit;
		this.parts = new BackendParts(builder.factory, this.namespace, this.feedRetention, this.maxValueBytes,
				this.leaseTimeout, this.groupHistoryLimit, builder.startFeedWithListener);
	}

	/**
	 * Starts building a backend.
	 * @param factory the application's connection factory (for example Spring Boot's
	 * {@code LettuceConnectionFactory}); it must be started
	 * @return the builder
	 */
	public static Builder builder(RedisConnectionFactory factory) {
		return new Builder(factory);
	}

	/**
	 * Returns the namespace: all keys start with <code>{namespace}:</code>.
	 * @return the namespace
	 */
	public String namespace() {
		return this.namespace;
	}

	/**
	 * Returns how many change stream entries are kept (approximately, Redis's {@code MAXLEN ~}).
	 * @return the retention
	 */
	public long feedRetention() {
		return this.feedRetention;
	}

	/**
	 * Returns the largest JSON size a written value may have.
	 * @return bytes
	 */
	public long maxValueBytes() {
		return this.maxValueBytes;
	}

	/**
	 * Returns how many change stream entries at most are kept for a consumer group that is behind
	 * (see {@link Builder#groupHistoryLimit(long)}).
	 * @return entries
	 */
	public long groupHistoryLimit() {
		return this.groupHistoryLimit;
	}

	/**
	 * Returns how long this instance's ephemeral entries outlive its last lease renewal (DESIGN
	 * §12): a surviving instance deletes them once the lease key has expired.
	 * @return the lease timeout
	 */
	public Duration leaseTimeout() {
		return this.leaseTimeout;
	}

	/**
	 * How far the change feed is behind: 0 when its last read found nothing more waiting,
	 * otherwise the milliseconds since the last entry it delivered was written (by the Redis
	 * server's clock). {@code -1} when the feed is not running (no listener set, or stopped).
	 * @return milliseconds, or -1
	 */
	public long feedLagMillis() {
		return this.parts.feed.lagMillis();
	}

	/**
	 * Tells whether the change feed thread runs and its last read from Redis succeeded.
	 * @return {@code false} when no listener is set, the backend is closed, or the feed's
	 * connection is down
	 */
	public boolean isFeedAlive() {
		return this.parts.feed.isAlive();
	}

	/**
	 * Lets the change feed read: at once if a listener is set, else as soon as one is. Only needed
	 * when the builder was told not to start the feed with the listener
	 * ({@link Builder#startFeedWithListener(boolean)}), or after {@link #stopFeed}. The feed reads
	 * on from where it was created or stopped, so commits made meanwhile are delivered (if the
	 * stream still holds them; otherwise one resync). Does nothing while the feed reads.
	 * @throws IllegalStateException if the backend is closed, or the thread of a previous run has
	 * not ended yet
	 */
	public void startFeed() {
		checkOpen();
		this.parts.feed.start();
	}

	/**
	 * Stops the change feed's threads and closes its connection, keeping its position and its
	 * listener; {@link #startFeed()} resumes it. Until then other instances' commits are not
	 * delivered and {@link #check()} does not count the stopped feed as down.
	 * @param timeout how long to wait for the threads to end (an ongoing read is interrupted)
	 * @return whether the threads ended within the timeout
	 */
	public boolean stopFeed(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		return this.parts.feed.stop(timeout);
	}

	/**
	 * Tells whether the change feed's thread runs (started and not stopped), connected or not.
	 * @return whether the feed runs
	 */
	public boolean isFeedRunning() {
		return this.parts.feed.isRunning();
	}

	@Override
	public @Nullable Object read(StatePath path) {
		return AsyncScripts.join(readAsync(path));
	}

	/** One {@code EVALSHA} on Lettuce's asynchronous commands; completes on Lettuce's I/O thread. */
	@Override
	public CompletableFuture<@Nullable Object> readAsync(StatePath path) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		return this.parts.numberedCalls.scripts()
			.scriptValue(Scripts.READ, this.parts.keys.all(), new byte[][] { BackendParts.bytes(path.toString()) })
			.thenApply((reply) -> decodeRead(new String(reply, StandardCharsets.UTF_8), path));
	}

	/**
	 * Reads a subtree and the namespace revision it reflects in one script call, so both come from
	 * one consistent snapshot even while other instances write.
	 */
	@Override
	public Versioned<@Nullable Object> readVersioned(StatePath path) {
		checkOpen();
		List<Object> reply = RedisCalls.script(this.parts.factory, this.parts.connectionName, Scripts.VERSIONED,
				this.parts.keys.all(), BackendParts.bytes(path.toString()));
		long revision = Long.parseLong(RedisCalls.string(reply.get(0)));
		return new Versioned<>(decodeRead(RedisCalls.string(reply.get(1)), path), revision);
	}

	private static @Nullable Object decodeRead(String form, StatePath path) {
		Object value = TreeCodec.decodeRead(form, path);
		if (value == null && path.isRoot()) {
			return StateValues.emptyBranch();
		}
		return value;
	}

	/**
	 * Returns the change stream as the history: the last {@link #feedRetention()} (approximately)
	 * commits of every instance of the namespace, each with the Redis server's time of its entry.
	 */
	@Override
	public CommitHistory history() {
		return this.parts.history;
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		return AsyncScripts.join(commitAsync(request));
	}

	/**
	 * One {@code EVALSHA} on Lettuce's asynchronous commands, a lost reply resolved as by
	 * {@link #commit} without holding a thread. Commits in flight get revisions in the order Redis
	 * runs them; the future completes on Lettuce's I/O thread (leave it with {@code *Async} stages).
	 */
	@Override
	public CompletableFuture<CommitResult> commitAsync(CommitRequest request) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.parts.noteOrigin(request.origin());
		return this.parts.writes.commitAsync(request);
	}

	/** {@code true} on a {@code LettuceConnectionFactory} sharing its native connection (Boot's default). */
	@Override
	public boolean isNonBlocking() {
		return this.parts.numberedCalls.scripts().isNonBlocking();
	}

	/**
	 * Adds {@code delta} to the integer at {@code path} with one script call: the script checks the
	 * ancestors and the value, adds on decimal digits (exact over the whole {@code long} range),
	 * writes, increments the revision and appends the change stream entry, so concurrent
	 * increments from any number of instances never lose an addition. A {@code delta} of 0 on an
	 * existing integer writes nothing and takes no revision (the result carries revision 0 and an
	 * unchanged change), as a write of an equal value.
	 */
	@Override
	public CommitResult increment(StatePath path, long delta, CommitRequest context) {
		checkOpen();
		if (path.isRoot()) {
			throw new StateWriteException("Cannot increment /: the root is always a branch, not an integer");
		}
		this.parts.noteOrigin(context.origin());
		return this.parts.writes.increment(path, delta, context);
	}

	@Override
	public long revision() {
		checkOpen();
		return RedisCalls.revision(this.parts.factory, this.parts.connectionName, this.parts.keys);
	}

	/**
	 * Starts the change feed (when no feed runs), replaces its listener (the feed keeps its
	 * position), or stops it ({@code null}). A new feed starts at the stream's current end: it
	 * delivers commits made after this call.
	 * <p>
	 * Payloads travel through the stream as JSON: a remote listener receives them as StateTree
	 * values (maps, lists, scalars), not as the objects given to the writing instance.
	 * @param listener the listener, or {@code null} to stop the feed (allowed after close)
	 * @throws StateStorageException if Redis cannot be reached to find the stream's end
	 * @throws IllegalStateException if the backend is closed and {@code listener} is not null
	 */
	@Override
	public void setBackendListener(@Nullable BackendListener listener) {
		if (listener == null && this.closed) {
			return;
		}
		checkOpen();
		String instance = (listener != null) ? listener.instanceId() : null;
		if (instance != null) {
			// the sweep's expiry commits name the controller, which then runs their derivations
			this.parts.noteOrigin(instance);
		}
		// an instance whose feed reads (a controller's) takes its share of the sweeping
		this.parts.feed.listen(listener, STOP_TIMEOUT);
	}

	/**
	 * Reads the stream entries the change feed has not read yet, up to {@code revision} or the
	 * stream's end, on the calling thread and a connection of its own, and waits until the feed's
	 * delivering thread handed them (or one resync for entries trimmed away) to the listener, for
	 * at most two seconds. Returns {@code true} at once when the feed is stopped or the caller is
	 * one of its threads.
	 */
	@Override
	public boolean catchUpFeed(long revision) {
		return this.closed || this.parts.feed.catchUp(revision);
	}

	/** The change feed, or {@code null} before a listener was set: a seam for this package's tests. */
	@Nullable ChangeFeed changeFeed() {
		return this.parts.feed.feed();
	}

	/**
	 * Returns the lifetime capability (DESIGN §12). Redis expires entries itself: the commit and
	 * increment scripts first expire what is due by the server's clock, and a sweep every
	 * 250 ms (on a daemon thread named {@code statetree-sweep-<namespace>}, started with the change
	 * feed or by the first write with a lifetime) expires due entries and the ephemeral entries of
	 * instances whose lease ran out ({@link #leaseTimeout()}); each expiry is one commit, made once
	 * across all instances, that reaches every instance through the change feed.
	 */
	@Override
	public ExpiringEntries expiringEntries() {
		return this.parts.lifetimes;
	}

	/**
	 * Returns the consumer groups (DESIGN §13), kept in keys of the namespace and shared by every
	 * instance: partitioned ownership with leases timed by the server's clock. While a group is
	 * behind, the change stream keeps the entries after its lowest cursor beyond
	 * {@link #feedRetention()}, up to the builder's {@code groupHistoryLimit} entries; a group
	 * further behind finds the gap in the history and reports it.
	 */
	@Override
	public ConsumerGroups consumerGroups() {
		return this.parts.groups;
	}

	@Override
	public boolean isShared() {
		return true;
	}

	/**
	 * Sends {@code PING} and checks that the change feed (when a listener is set and the feed not
	 * stopped) is alive.
	 * @throws StateStorageException naming the connection when Redis does not answer or the feed
	 * is down
	 */
	@Override
	public void check() {
		checkOpen();
		RedisCalls.ping(this.parts.factory, this.parts.connectionName);
		if (this.parts.feed.isDown()) {
			throw new StateStorageException("The change feed of namespace '" + this.namespace
					+ "' is not connected to Redis at " + this.parts.connectionName);
		}
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", "redis");
		description.put("connection", this.parts.connectionName);
		description.put("namespace", this.namespace);
		description.put("feedRetention", this.feedRetention);
		description.put("maxValueBytes", this.maxValueBytes);
		description.put("leaseTimeout", this.leaseTimeout.toString());
		description.put("groupHistoryLimit", this.groupHistoryLimit);
		description.put("feedAlive", isFeedAlive());
		// writes sent again under their commit id after a lost reply (each applied once)
		description.put("writesResent", this.parts.numberedCalls.resent());
		return description;
	}

	/**
	 * Stops the change feed and the sweep and waits for their threads to end, then deletes this
	 * instance's lease keys (the controller has deleted its ephemeral entries; any left are
	 * deleted by another instance's sweep). Idempotent. The connection factory is left open: it
	 * belongs to the application.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.parts.sweep.stop(STOP_TIMEOUT);
		this.parts.leases.drop(this.parts.factory, this.parts.keys);
		this.parts.feed.close(STOP_TIMEOUT);
	}

	@Override
	public String toString() {
		return "RedisBackend[" + this.parts.connectionName + ", namespace " + this.namespace + "]";
	}

	private void checkOpen() {
		if (this.closed) {
			throw closedException();
		}
	}

	private IllegalStateException closedException() {
		return new IllegalStateException("RedisBackend for namespace '" + this.namespace + "' is closed");
	}

	private void start() {
		RedisCalls.loadScripts(this.parts.factory, this.parts.connectionName, this.namespace);
	}

	/**
	 * Configures a {@link RedisBackend}.
	 */
	public static final class Builder {

		private final RedisConnectionFactory factory;

		private String namespace = DEFAULT_NAMESPACE;

		private long feedRetention = DEFAULT_FEED_RETENTION;

		private long maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

		private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;

		private long groupHistoryLimit = DEFAULT_GROUP_HISTORY_LIMIT;

		private boolean startFeedWithListener = true;

		private Builder(RedisConnectionFactory factory) {
			this.factory = Objects.requireNonNull(factory, "factory must not be null");
		}

		/**
		 * Sets the namespace (default {@value RedisBackend#DEFAULT_NAMESPACE}): instances using the
		 * same namespace share one tree.
		 * @param namespace letters, digits, {@code . _ : -}, 1 to 100 characters
		 * @return this builder
		 * @throws IllegalArgumentException if the namespace has other characters
		 */
		public Builder namespace(String namespace) {
			if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
				throw new IllegalArgumentException("Invalid Redis namespace '" + namespace
						+ "': use 1 to 100 letters, digits or the characters . _ : -");
			}
			this.namespace = namespace;
			return this;
		}

		/**
		 * Sets how many change stream entries to keep (default
		 * {@value RedisBackend#DEFAULT_FEED_RETENTION}; trimmed approximately). An instance whose
		 * feed falls further behind than this resynchronises. The stream is shared by every
		 * instance of the namespace and each commit trims it to its writer's retention, so the
		 * smallest retention among the instances applies to all of them (history included).
		 * @param entries at least 1
		 * @return this builder
		 * @throws IllegalArgumentException if {@code entries} is less than 1
		 */
		public Builder feedRetention(long entries) {
			if (entries < 1) {
				throw new IllegalArgumentException("feedRetention must be at least 1, got " + entries);
			}
			this.feedRetention = entries;
			return this;
		}

		/**
		 * Sets the largest JSON size, in UTF-8 bytes, of one written value (default 16 MiB). Larger
		 * values are refused before anything is sent.
		 * @param bytes at least 1
		 * @return this builder
		 * @throws IllegalArgumentException if {@code bytes} is less than 1
		 */
		public Builder maxValueBytes(long bytes) {
			if (bytes < 1) {
				throw new IllegalArgumentException("maxValueBytes must be at least 1, got " + bytes);
			}
			this.maxValueBytes = bytes;
			return this;
		}

		/**
		 * Sets how long this instance's ephemeral entries outlive its last lease renewal (default
		 * 10 s; DESIGN §12). The instance renews its lease every third of this; when it stops (a
		 * crash, a network partition, a pause longer than this), a surviving instance of the
		 * namespace deletes its ephemeral entries with expiry commits.
		 * @param timeout 1 second to 1 day, millisecond precision
		 * @return this builder
		 * @throws IllegalArgumentException naming the value if it is null, shorter than 1 second or
		 * longer than 1 day
		 */
		public Builder leaseTimeout(Duration timeout) {
			if (timeout == null || timeout.compareTo(MIN_LEASE_TIMEOUT) < 0 || timeout.compareTo(MAX_LEASE_TIMEOUT) > 0) {
				throw new IllegalArgumentException("leaseTimeout must be between 1 second and 1 day, got " + timeout);
			}
			this.leaseTimeout = timeout;
			return this;
		}

		/**
		 * Sets how many change stream entries at most are kept for a consumer group that is behind
		 * (default {@value RedisBackend#DEFAULT_GROUP_HISTORY_LIMIT}): the stream is not trimmed
		 * below the lowest cursor of any group until it holds this many entries. The latest value
		 * set by an instance joining a group applies to the namespace.
		 * @param entries at least 1
		 * @return this builder
		 * @throws IllegalArgumentException if {@code entries} is less than 1
		 */
		public Builder groupHistoryLimit(long entries) {
			if (entries < 1) {
				throw new IllegalArgumentException("groupHistoryLimit must be at least 1, got " + entries);
			}
			this.groupHistoryLimit = entries;
			return this;
		}

		/**
		 * Sets whether the change feed starts reading as soon as a listener is set (default
		 * {@code true}). With {@code false} it reads only after {@link RedisBackend#startFeed()}
		 * (the Spring Boot starter calls it once the application context is refreshed), yet
		 * delivers the commits made since the listener was set.
		 * @param start whether to start with the listener
		 * @return this builder
		 */
		public Builder startFeedWithListener(boolean start) {
			this.startFeedWithListener = start;
			return this;
		}

		/**
		 * Connects to Redis, loads the scripts and returns the backend.
		 * @return the backend
		 * @throws StateStorageException naming the connection if Redis cannot be reached
		 */
		public RedisBackend build() {
			RedisBackend backend = new RedisBackend(this);
			backend.start();
			return backend;
		}

	}

	/**
	 * Describes this backend as a store with a change feed, whose lag is
	 * {@link #feedLagMillis()}.
	 */
	@Override
	public BackendDescription description() {
		return BackendDescription.ofSharedStore("redis", describe(), feedLagMillis());
	}

}
