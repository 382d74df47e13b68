package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.statetree.core.backend.BackendListener;
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
 * Tails a namespace's change stream on its own connection, and hands other instances' commits,
 * and every expiry commit (DESIGN §12), to a {@link BackendListener} in revision order (DESIGN §8).
 * <p>
 * Two daemon threads share the work so that the feed keeps up with what one Redis commits: a
 * reading thread ({@code statetree-feed-read-<namespace>}) reads large batches with one blocking
 * {@code XREAD} each, picks the fields of each entry, checks the revisions and passes the entries
 * to deliver on to a {@link FeedDelivery}, whose thread ({@code statetree-feed-<namespace>})
 * decodes the values and calls the listener while the next batch is read. No entry costs a round
 * trip of its own.
 * <p>
 * The feed remembers the id and revision of the last entry read. After a failed read (a dropped
 * connection) it opens a new connection and reads on from that id, so nothing still in the stream
 * is missed. Revisions are consecutive (each commit increments the revision and appends one entry
 * in the same script), so an entry whose revision is not the next one means entries were trimmed
 * away unread: unless they all were the owning backend's own commits ({@link OwnRevisions}), the
 * feed then moves to the stream's current end and the listener hears {@link BackendListener#onResync()}
 * once, after every entry read before. An idle feed also compares the namespace's revision with
 * the last one it read, twice a second: a revision that moved backwards (Redis came back empty, or
 * failed over to a replica that lost commits: DESIGN §18) is noticed without waiting for a new
 * write and reported with {@link BackendListener#onRevisionMovedBack}. A remote commit carries the
 * cascade depth its entry names (DESIGN §5).
 * <p>
 * The feed can be stopped and started again ({@link #stop}, {@link #start}); each start reads on
 * from the last entry delivered, so read entries a stop left undelivered are read again.
 * <p>
 * A committing thread whose local commit waits for an earlier revision the feed has not brought
 * can {@linkplain #catchUp catch the feed up}: it reads on from the feed's position itself, on a
 * connection of its own, checks and queues what it read exactly as the reading thread would, and
 * waits until the delivering thread has delivered it. The reading position is guarded by a lock
 * that the reading thread holds only while it checks a batch (never during its blocking read),
 * and entries at or before the position are passed over, so an entry is delivered once whoever
 * read it.
 */
final class ChangeFeed {

	private static final Logger logger = LoggerFactory.getLogger(ChangeFeed.class);

	/** Entries per {@code XREAD}: a fifth of the default retention, so a few reads cover it. */
	static final int BATCH = 2_048;

	/** Batches read but not yet delivered; the reading thread waits when this many are. */
	private static final int QUEUED_BATCHES = 4;

	private static final Duration MAX_BLOCK = Duration.ofSeconds(1);

	private static final long MAX_BACKOFF_MILLIS = 1_000;

	/** How long a {@linkplain #catchUp catch-up} may take, reads and delivery together. */
	static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(2);

	/** How often an idle feed compares the namespace's revision with the last one it read. */
	private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final RedisConnectionFactory factory;

	private final Keys keys;

	private final String backendId;

	private final OwnRevisions ownRevisions;

	private final CommitIds commitIds;

	private final String connectionName;

	private final FeedDelivery delivery;

	private final Duration block;

	private final Object threadLock = new Object();

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	private volatile boolean connected;

	private volatile @Nullable RedisConnection connection;

	private volatile boolean caughtUp = true;

	/**
	 * Guards the reading position ({@link #lastId}, {@link #lastRevision}) and the queueing of
	 * what was read: the reading thread holds it while it checks a batch, a catch-up while it
	 * reads and checks.
	 */
	private final ReentrantLock readLock = new ReentrantLock();

	/**
	 * Test seam: while set, the reading thread neither reads nor passes on what it read (a feed
	 * that has fallen behind).
	 */
	private volatile boolean readsHeld;

	/** The last entry read: only the reading thread changes it while it runs. */
	private volatile String lastId;

	private volatile long lastRevision;

	/** When the idle feed last compared revisions ({@link #checkNotBehind}); the reading thread only. */
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
		long[] revision = new long[1];
		this.lastId = position(revision);
		this.lastRevision = revision[0];
		this.delivery = new FeedDelivery(keys.namespace(), listener, QUEUED_BATCHES, this.lastId, this.lastRevision);
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
		this.delivery.setListener(listener);
	}

	/**
	 * Starts the reading and delivering threads, which read on after the last entry delivered
	 * (the position taken at construction, or where a previous {@link #stop} left off), so a stop
	 * and a start miss nothing the stream still holds. Does nothing while the feed runs.
	 * @throws IllegalStateException if a thread of a previous run has not ended yet
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
			if (!this.delivery.awaitEnd(this.block.multipliedBy(3))) {
				throw new IllegalStateException("The previous change feed delivery thread of namespace '"
						+ this.keys.namespace() + "' has not ended yet");
			}
			// read on after the last entry delivered: what a stop left queued is read again
			this.lastId = this.delivery.deliveredId();
			this.lastRevision = this.delivery.deliveredRevision();
			this.caughtUp = true;
			this.running = true;
			this.delivery.start();
			Thread started = new Thread(this::run, "statetree-feed-read-" + this.keys.namespace());
			started.setDaemon(true);
			this.thread = started;
			started.start();
		}
	}

	/**
	 * Tells whether the threads were started and not stopped.
	 * @return whether the feed runs
	 */
	boolean isRunning() {
		Thread current = this.thread;
		return this.running && current != null && current.isAlive() && this.delivery.isRunning();
	}

	/**
	 * Tells whether the threads run and the last read succeeded.
	 * @return whether the feed is alive
	 */
	boolean isAlive() {
		return isRunning() && this.connected;
	}

	/**
	 * How far behind the feed is: 0 when its last read found no more entries waiting and
	 * everything read was delivered, otherwise the time since the last delivered entry was written
	 * (by the Redis server's clock).
	 * @return milliseconds
	 */
	long lagMillis() {
		if (this.caughtUp && this.delivery.isIdle()) {
			return 0;
		}
		return Math.max(0, System.currentTimeMillis() - this.delivery.lastEntryMillis());
	}

	/**
	 * Stops the threads and closes the connection; waits for the threads to end.
	 * @param timeout how long to wait
	 * @return whether the threads ended in time
	 */
	boolean stop(Duration timeout) {
		synchronized (this.threadLock) {
			this.running = false;
			Thread current = this.thread;
			if (current != null && Thread.currentThread() != current) {
				current.interrupt();
			}
			if (Thread.currentThread() == current || this.delivery.isDeliveringThread()) {
				// a listener stopping its own feed: the threads end on their own
				this.delivery.stop(Duration.ZERO);
				return false;
			}
			long deadline = System.nanoTime() + timeout.toNanos();
			if (current != null) {
				join(current, timeout);
			}
			boolean delivered = this.delivery.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
			return (current == null || !current.isAlive()) && delivered;
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
					if (this.readsHeld) {
						TimeUnit.MILLISECONDS.sleep(5);
						continue;
					}
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
					while (this.readsHeld) {
						// test seam: a feed fallen behind holds what it read
						TimeUnit.MILLISECONDS.sleep(5);
					}
					if (records == null || records.isEmpty()) {
						this.caughtUp = true;
						this.readLock.lockInterruptibly();
						try {
							checkNotBehind(conn);
						}
						finally {
							this.readLock.unlock();
						}
						continue;
					}
					this.caughtUp = records.size() < BATCH;
					this.readLock.lockInterruptibly();
					try {
						handle(records);
					}
					finally {
						this.readLock.unlock();
					}
				}
				catch (InterruptedException ex) {
					break;
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

	/**
	 * Checks a batch's revisions and queues the entries to deliver; waits while the queue is full.
	 * Entries at or before the position were read by a catch-up meanwhile and are passed over.
	 * Called with the {@link #readLock} held.
	 */
	private void handle(List<ByteRecord> records) throws InterruptedException {
		List<FeedDelivery.Read> toDeliver = new ArrayList<>(records.size());
		for (ByteRecord record : records) {
			if (!this.running) {
				return;
			}
			String id = record.getId().getValue();
			if (compareIds(id, this.lastId) <= 0) {
				continue;
			}
			StreamEntry entry;
			try {
				entry = StreamEntry.of(record);
			}
			catch (RuntimeException ex) {
				logger.error("StateTree change feed for namespace '{}' cannot read stream entry {}; resynchronising",
						this.keys.namespace(), id, ex);
				this.delivery.put(toDeliver, this.lastId, this.lastRevision, false);
				resync(-1);
				return;
			}
			long revision = entry.revision();
			if (revision != this.lastRevision + 1 && !(revision > this.lastRevision
					&& this.ownRevisions.containsAll(this.lastRevision + 1, revision - 1))) {
				// a gap (entries trimmed unread) holding other instances' commits, or a revision not
				// above the last one although the entry is newer (the server lost its data and
				// started over); a gap of this backend's own commits only is no loss: they are skipped
				this.delivery.put(toDeliver, this.lastId, this.lastRevision, false);
				resync(revision);
				return;
			}
			this.lastId = id;
			this.lastRevision = revision;
			if (this.backendId.equals(entry.instance()) && !entry.swept() && !this.commitIds.feedFound(entry)) {
				// this backend's own commit, which its controller made and delivers (the entry settles
				// the call should its reply be lost); an expiry commit its script or sweep made, and a
				// commit whose call was given up with an unknown outcome, are delivered like another
				// instance's
				continue;
			}
			toDeliver.add(new FeedDelivery.Read(id, entry));
		}
		this.delivery.put(toDeliver, this.lastId, this.lastRevision, false);
	}

	/**
	 * Catches the feed up on the calling thread (a committing thread whose local commit waits for
	 * an earlier revision: DESIGN §5): reads the stream on from the position with non-blocking
	 * {@code XREAD}s on a connection of its own until it reaches {@code revision} or the stream's
	 * end, checks and queues the entries as the reading thread would (a gap that lost other
	 * instances' commits queues one resync), then waits until the delivering thread has delivered
	 * them. A read that fails is tried again until {@link #CATCH_UP_TIMEOUT}, which bounds one
	 * catch-up; the waiting commit's thread asks again while it waits (the controller's revision
	 * order never gives an earlier revision up because a catch-up ran out of time). Never throws.
	 * @param revision the revision to read up to
	 * @return {@code true} when everything up to the revision was delivered (or a resync in its
	 * place), or nothing can be delivered now (the feed is stopped, or this is one of its own
	 * threads: waiting would wait for itself); {@code false} when the time ran out
	 */
	boolean catchUp(long revision) {
		if (!isRunning() || Thread.currentThread() == this.thread || this.delivery.isDeliveringThread()) {
			return true;
		}
		if (catchUpRound(revision)) {
			return true;
		}
		logger.debug("StateTree change feed for namespace '{}' did not deliver revision {} within {}",
				this.keys.namespace(), revision, CATCH_UP_TIMEOUT);
		return !isRunning();
	}

	/** What {@link #catchUp} does: whether it is done within {@link #CATCH_UP_TIMEOUT}. */
	private boolean catchUpRound(long revision) {
		long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
		long queued;
		try {
			if (!this.readLock.tryLock(CATCH_UP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		try {
			if (!readUpTo(revision, deadline)) {
				return false;
			}
			queued = this.delivery.lastQueued();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.readLock.unlock();
		}
		return this.delivery.awaitDelivered(queued, deadline) || !isRunning();
	}

	/** Reads and queues up to a revision or the stream's end; with the {@link #readLock} held. */
	private boolean readUpTo(long revision, long deadline) throws InterruptedException {
		long backoff = 5;
		while (this.running && this.lastRevision < revision) {
			List<ByteRecord> records;
			try (RedisConnection conn = this.factory.getConnection()) {
				records = conn.streamCommands()
					.xRead(StreamReadOptions.empty().count(BATCH),
							StreamOffset.create(this.keys.changes(), ReadOffset.from(this.lastId)));
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) - deadline >= 0) {
					logger.debug("StateTree change feed for namespace '{}' could not catch up: {}",
							this.keys.namespace(), ex.toString());
					return false;
				}
				TimeUnit.MILLISECONDS.sleep(backoff);
				backoff = Math.min(100, backoff * 2);
				continue;
			}
			if (records == null || records.isEmpty()) {
				return true;
			}
			handle(records);
			if (records.size() < BATCH) {
				return true;
			}
		}
		return true;
	}

	/** Test seam: holds the reading thread back (it reads nothing) until released. */
	void holdReads(boolean held) {
		this.readsHeld = held;
	}

	/** Compares two stream entry ids ({@code <millis>-<sequence>}) in stream order. */
	static int compareIds(String a, String b) {
		int dashA = a.indexOf('-');
		int dashB = b.indexOf('-');
		long millisA = Long.parseLong((dashA < 0) ? a : a.substring(0, dashA));
		long millisB = Long.parseLong((dashB < 0) ? b : b.substring(0, dashB));
		if (millisA != millisB) {
			return Long.compare(millisA, millisB);
		}
		long seqA = (dashA < 0) ? 0 : Long.parseLong(a.substring(dashA + 1));
		long seqB = (dashB < 0) ? 0 : Long.parseLong(b.substring(dashB + 1));
		return Long.compare(seqA, seqB);
	}

	/**
	 * While the stream is idle (a read found nothing), at most every {@link #CHECK_INTERVAL_NANOS}:
	 * reads the namespace's revision and resynchronises when it lies below the last revision read
	 * (DESIGN §18: Redis came back empty, or failed over to a replica that lost commits), so an
	 * idle instance notices without waiting for a new write. One {@code GET} per interval.
	 */
	private void checkNotBehind(RedisConnection conn) throws InterruptedException {
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

	/**
	 * Moves to the stream's end and queues the resync after what was queued; {@code found} is the
	 * unexpected revision, or -1.
	 */
	private void resync(long found) throws InterruptedException {
		if (found >= 0) {
			logger.warn("StateTree change feed for namespace '{}' expected revision {} but found {} (entries trimmed "
					+ "from the stream, or the server lost its data); resynchronising", this.keys.namespace(),
					this.lastRevision + 1, found);
		}
		long movedBackBelow = this.lastRevision;
		long[] revision = new long[1];
		String id = position(revision);
		this.lastId = id;
		this.lastRevision = revision[0];
		if (found >= 0 && found <= movedBackBelow) {
			// an entry, or the namespace, at or below the last revision read: the server lost commits,
			// and the numbers above its revision now are given out again, to any instance
			this.ownRevisions.forgetAbove(revision[0]);
			this.delivery.putMovedBack(id, revision[0]);
		}
		else {
			this.delivery.put(List.of(), id, revision[0], true);
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
