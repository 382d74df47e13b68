package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.RemoteCommit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * Tails a namespace's change stream on its own connection and daemon thread, and hands other
 * instances' commits, and every expiry commit (DESIGN §12), to a {@link BackendListener} in
 * revision order (DESIGN §8).
 * <p>
 * It remembers the id and revision of the last entry it handled. After a failed read (a dropped
 * connection) it opens a new connection and reads on from that id, so nothing still in the stream
 * is missed. Revisions are consecutive (each commit increments the revision and appends one entry
 * in the same script), so an entry whose revision is not the next one means entries were trimmed
 * away unread: unless they all were the owning backend's own commits ({@link OwnRevisions}), the
 * feed then moves to the stream's current end and calls {@link BackendListener#onResync()} once.
 * An idle feed also compares the namespace's revision with the last one it handled, twice a
 * second: a revision that moved backwards (Redis came back empty, or failed over to a replica
 * that lost commits: DESIGN §18) is noticed without waiting for a new write and reported with
 * {@link BackendListener#onRevisionMovedBack}.
 * A remote commit carries the cascade depth its entry names (DESIGN §5).
 * <p>
 * The feed can be stopped and started again ({@link #stop}, {@link #start}); each start runs a new
 * thread that reads on from the last entry handled.
 */
final class ChangeFeed {

	private static final Logger logger = LoggerFactory.getLogger(ChangeFeed.class);

	private static final int BATCH = 512;

	private static final Duration MAX_BLOCK = Duration.ofSeconds(1);

	private static final long MAX_BACKOFF_MILLIS = 1_000;

	/** How often an idle feed compares the namespace's revision with the last one it handled. */
	private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final RedisConnectionFactory factory;

	private final Keys keys;

	private final String backendId;

	private final OwnRevisions ownRevisions;

	private final CommitIds commitIds;

	private final String connectionName;

	private volatile BackendListener listener;

	private final Duration block;

	private final Object threadLock = new Object();

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	private volatile boolean connected;

	private volatile @Nullable RedisConnection connection;

	private volatile long lastEntryMillis;

	private volatile boolean caughtUp = true;

	private volatile String lastId;

	private volatile long lastRevision;

	/** When the idle feed last compared revisions ({@link #checkNotBehind}); the feed's thread only. */
	private long lastCheckNanos = System.nanoTime() - CHECK_INTERVAL_NANOS;

	/**
	 * Creates a feed positioned at the stream's current end. Call {@link #start()} to run it.
	 * @param factory where connections come from
	 * @param keys the namespace's keys
	 * @param backendId the id the owning backend writes into its entries (they are skipped)
	 * @param ownRevisions the revisions the owning backend committed lately
	 * @param commitIds the owning backend's commit numbers: its entries whose calls were given up
	 * are delivered, those of calls in flight are handed to them
	 * @param connectionName the connection, for messages
	 * @param listener who hears other instances' commits
	 * @throws io.statetree.core.StateStorageException if Redis cannot be reached to find the end
	 */
	ChangeFeed(RedisConnectionFactory factory, Keys keys, String backendId, OwnRevisions ownRevisions,
			CommitIds commitIds, String connectionName, BackendListener listener) {
		this.factory = factory;
		this.keys = keys;
		this.backendId = backendId;
		this.ownRevisions = ownRevisions;
		this.commitIds = commitIds;
		this.connectionName = connectionName;
		this.listener = listener;
		long[] revision = new long[1];
		this.lastId = position(revision);
		this.lastRevision = revision[0];
		this.block = blockTime(factory);
	}

	/**
	 * How long one XREAD blocks: a second, or less than half the client's command timeout so the
	 * client never gives up on a read that is merely waiting.
	 */
	private static Duration blockTime(RedisConnectionFactory factory) {
		if (factory instanceof LettuceConnectionFactory lettuce) {
			Duration timeout = lettuce.getClientConfiguration().getCommandTimeout();
			if (timeout != null && !timeout.isZero() && timeout.compareTo(MAX_BLOCK.multipliedBy(2)) < 0) {
				return Duration.ofMillis(Math.max(1, timeout.toMillis() / 2));
			}
		}
		return MAX_BLOCK;
	}

	private String position(long[] revision) {
		List<Object> result = RedisCalls.script(this.factory, this.connectionName, Scripts.POSITION, this.keys.all());
		revision[0] = Long.parseLong(RedisCalls.string(result.get(1)));
		return RedisCalls.string(result.get(0));
	}

	/**
	 * Replaces the listener; the feed keeps its position.
	 * @param listener the new listener
	 */
	void setListener(BackendListener listener) {
		this.listener = listener;
	}

	/**
	 * Starts a reading thread, which reads on after the last entry handled (the position taken at
	 * construction, or where a previous {@link #stop} left off), so a stop and a start miss nothing
	 * the stream still holds. Does nothing while a thread runs.
	 * @throws IllegalStateException if the thread of a previous run has not ended yet
	 */
	void start() {
		synchronized (this.threadLock) {
			Thread previous = this.thread;
			if (previous != null && previous.isAlive()) {
				if (this.running) {
					return;
				}
				join(previous, this.block.multipliedBy(3));
				if (previous.isAlive()) {
					throw new IllegalStateException("The previous change feed thread of namespace '"
							+ this.keys.namespace() + "' has not ended yet");
				}
			}
			this.running = true;
			Thread started = new Thread(this::run, "statetree-feed-" + this.keys.namespace());
			started.setDaemon(true);
			this.thread = started;
			started.start();
		}
	}

	/**
	 * Tells whether a reading thread was started and not stopped.
	 * @return whether the feed runs
	 */
	boolean isRunning() {
		Thread current = this.thread;
		return this.running && current != null && current.isAlive();
	}

	/**
	 * Tells whether the thread runs and its last read succeeded.
	 * @return whether the feed is alive
	 */
	boolean isAlive() {
		return isRunning() && this.connected;
	}

	/**
	 * How far behind the feed is: 0 when its last read found no more entries waiting, otherwise
	 * the time since the last handled entry was written (by the Redis server's clock).
	 * @return milliseconds
	 */
	long lagMillis() {
		if (this.caughtUp) {
			return 0;
		}
		return Math.max(0, System.currentTimeMillis() - this.lastEntryMillis);
	}

	/**
	 * Stops the thread and closes its connection; waits for the thread to end.
	 * @param timeout how long to wait
	 * @return whether the thread ended in time
	 */
	boolean stop(Duration timeout) {
		synchronized (this.threadLock) {
			this.running = false;
			Thread current = this.thread;
			if (current == null) {
				return true;
			}
			if (Thread.currentThread() == current) {
				return false;
			}
			current.interrupt();
			join(current, timeout);
			return !current.isAlive();
		}
	}

	private static void join(Thread thread, Duration timeout) {
		try {
			thread.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		long backoff = 10;
		try {
			while (this.running) {
				try {
					RedisConnection conn = this.connection;
					if (conn == null) {
						conn = this.factory.getConnection();
						this.connection = conn;
					}
					List<ByteRecord> records = conn.streamCommands()
						.xRead(StreamReadOptions.empty().count(BATCH).block(this.block),
								StreamOffset.create(this.keys.changes(), ReadOffset.from(this.lastId)));
					this.connected = true;
					backoff = 10;
					if (records == null || records.isEmpty()) {
						this.caughtUp = true;
						checkNotBehind(conn);
						continue;
					}
					this.caughtUp = records.size() < BATCH;
					handle(records);
				}
				catch (RuntimeException ex) {
					if (!this.running) {
						break;
					}
					this.connected = false;
					logger.warn("StateTree change feed for namespace '{}' lost its connection to {}; reconnecting and "
							+ "resuming after entry {}: {}", this.keys.namespace(), this.connectionName, this.lastId,
							ex.toString());
					closeConnection();
					sleep(backoff);
					backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
				}
			}
		}
		finally {
			this.connected = false;
			closeConnection();
		}
	}

	private void handle(List<ByteRecord> records) {
		for (ByteRecord record : records) {
			if (!this.running) {
				return;
			}
			StreamEntry entry;
			try {
				entry = StreamEntry.of(record);
			}
			catch (RuntimeException ex) {
				logger.error("StateTree change feed for namespace '{}' cannot read stream entry {}; resynchronising",
						this.keys.namespace(), record.getId().getValue(), ex);
				resync(-1);
				return;
			}
			long revision = entry.revision();
			if (revision != this.lastRevision + 1 && !(revision > this.lastRevision
					&& this.ownRevisions.containsAll(this.lastRevision + 1, revision - 1))) {
				// a gap (entries trimmed unread) holding other instances' commits, or a revision not
				// above the last one although the entry is newer (the server lost its data and
				// started over); a gap of this backend's own commits only is no loss: they are skipped
				resync(revision);
				return;
			}
			this.lastId = record.getId().getValue();
			this.lastRevision = revision;
			this.lastEntryMillis = entry.millis();
			if (this.backendId.equals(entry.instance()) && !entry.swept() && !this.commitIds.feedFound(entry)) {
				// this backend's own commit, which its controller made and delivers (the entry settles
				// the call should its reply be lost); an expiry commit its script or sweep made, and a
				// commit whose call was given up with an unknown outcome, are delivered like another
				// instance's
				continue;
			}
			deliver(entry);
		}
	}

	/**
	 * While the stream is idle (a read found nothing), at most every {@link #CHECK_INTERVAL_NANOS}:
	 * reads the namespace's revision and resynchronises when it lies below the last revision
	 * handled (DESIGN §18: Redis came back empty, or failed over to a replica that lost commits),
	 * so an idle instance notices without waiting for a new write. One {@code GET} per interval.
	 */
	private void checkNotBehind(RedisConnection conn) {
		long now = System.nanoTime();
		if (now - this.lastCheckNanos < CHECK_INTERVAL_NANOS) {
			return;
		}
		this.lastCheckNanos = now;
		byte[] value = conn.stringCommands().get(this.keys.revision());
		long revision = (value != null) ? Long.parseLong(new String(value, StandardCharsets.UTF_8)) : 0;
		if (revision < this.lastRevision) {
			resync(revision);
		}
	}

	/** Moves to the stream's end and tells the listener; {@code found} is the unexpected revision, or -1. */
	private void resync(long found) {
		if (found >= 0) {
			logger.warn("StateTree change feed for namespace '{}' expected revision {} but found {} (entries trimmed "
					+ "from the stream, or the server lost its data); resynchronising", this.keys.namespace(),
					this.lastRevision + 1, found);
		}
		// an entry, or the namespace, at or below the last revision handled: the server lost commits
		boolean movedBack = found >= 0 && found <= this.lastRevision;
		long[] revision = new long[1];
		this.lastId = position(revision);
		this.lastRevision = revision[0];
		try {
			if (movedBack) {
				this.listener.onRevisionMovedBack(revision[0]);
			}
			else {
				this.listener.onResync();
			}
		}
		catch (RuntimeException ex) {
			logger.error("StateTree backend listener failed on resync for namespace '{}'", this.keys.namespace(), ex);
		}
	}

	private void deliver(StreamEntry entry) {
		long revision = entry.revision();
		RemoteCommit commit;
		try {
			commit = new RemoteCommit(revision, entry.origin(), entry.changes(), entry.actor(), entry.causedBy(),
					entry.expiry(), entry.depth());
		}
		catch (RuntimeException ex) {
			logger.error("StateTree change feed for namespace '{}' cannot decode the entry of revision {}; "
					+ "resynchronising", this.keys.namespace(), revision, ex);
			try {
				this.listener.onResync();
			}
			catch (RuntimeException failure) {
				logger.error("StateTree backend listener failed on resync for namespace '{}'", this.keys.namespace(),
						failure);
			}
			return;
		}
		try {
			this.listener.onRemoteCommit(commit);
		}
		catch (RuntimeException ex) {
			logger.error("StateTree backend listener failed on revision {} from instance {} in namespace '{}'",
					revision, commit.origin(), this.keys.namespace(), ex);
		}
	}

	private void closeConnection() {
		RedisConnection conn = this.connection;
		this.connection = null;
		if (conn != null) {
			try {
				conn.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the feed connection failed", ex);
			}
		}
	}

	private void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}
