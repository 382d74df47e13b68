package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Calls a write script under a commit number ({@link CommitIds}) until its outcome is known
 * (DESIGN §8, idempotent commits). A call whose connection dropped, or whose reply did not come in
 * time, may have run or not: it is sent again with the same number, which the script recognises
 * (it returns the recorded outcome of a call it applied, and applies one it never saw), until a
 * reply comes. Meanwhile the change feed may read the call's stream entry, which also settles it.
 * An error reply to the first sending is definite (the server refused the script: nothing was
 * applied) and thrown at once. When no outcome is known after the resolve timeout (counted from
 * the first sending, and after one sending again at least), the call is given up: it throws {@link StateStorageException} saying the outcome is unknown, and the feed
 * delivers the call's entry, should it find one, to the backend's listener like another
 * instance's commit. The resolve timeout is the client's command timeout
 * ({@link RedisCalls#commandTimeout}, {@code spring.data.redis.timeout}) when it is known, at least
 * {@link #MIN_RESOLVE_TIMEOUT} (so a blip shorter than that, such as a dropped connection or a
 * server pause, still resolves with a tiny command timeout): a sending waits for its reply at most
 * the command timeout and the last sending again starts before the deadline, so a write during an
 * outage fails within about twice the command timeout (command timeout plus one second when the
 * command timeout is under one second). Thread-safe.
 */
final class NumberedCalls {

	/**
	 * How long, from its first sending, a call with an unknown outcome is sent again before it is
	 * given up, when the client's command timeout is not known.
	 */
	static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(10);

	/** The shortest resolve timeout taken from the client's command timeout. */
	static final Duration MIN_RESOLVE_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * The resolve timeout for a client whose command timeout is known.
	 * @param commandTimeout the client's command timeout
	 * @return the command timeout, at least {@link #MIN_RESOLVE_TIMEOUT}
	 */
	static Duration resolveTimeout(Duration commandTimeout) {
		return (commandTimeout.compareTo(MIN_RESOLVE_TIMEOUT) < 0) ? MIN_RESOLVE_TIMEOUT : commandTimeout;
	}

	private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private static final Logger logger = LoggerFactory.getLogger(NumberedCalls.class);

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final Keys keys;

	private final CommitIds ids;

	private final long resolveNanos;

	private final AtomicLong resent = new AtomicLong();

	NumberedCalls(RedisConnectionFactory factory, String connectionName, Keys keys, CommitIds ids,
			Duration resolveTimeout) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.keys = keys;
		this.ids = ids;
		this.resolveNanos = resolveTimeout.toNanos();
	}

	/**
	 * How many times a call was sent again because its outcome was unknown.
	 * @return the count since the backend was built
	 */
	long resent() {
		return this.resent.get();
	}

	/** The commit numbers. */
	CommitIds ids() {
		return this.ids;
	}

	/**
	 * What settled a call: the script's reply, or the stream entry the feed read for it.
	 *
	 * @param reply the reply, or {@code null}
	 * @param entry the entry, or {@code null}
	 */
	record Outcome(@Nullable List<Object> reply, @Nullable StreamEntry entry) {
	}

	/**
	 * Calls a script whose arguments carry the commit number {@code counter} (opened by the
	 * caller, who closes it), until its outcome is known.
	 * @param script the script
	 * @param counter the call's commit number
	 * @param args the arguments
	 * @return the outcome
	 * @throws StateStorageException when the server refused the first sending (nothing applied),
	 * or no outcome was known in time (the call may have been applied)
	 */
	Outcome call(Scripts script, long counter, byte[][] args) {
		long firstSending = System.nanoTime();
		long pause = FIRST_PAUSE_NANOS;
		// the interrupt is set aside while the outcome is unknown: giving up on it would make a
		// commit that was applied look failed
		boolean interrupted = Thread.interrupted();
		try {
			for (int attempt = 0;; attempt++) {
				try {
					return new Outcome(RedisCalls.script(this.factory, this.connectionName, script, this.keys.all(), args),
							null);
				}
				catch (StateStorageException ex) {
					if (attempt == 0 && RedisCalls.isErrorReply(ex)) {
						throw ex;
					}
					StreamEntry seen = this.ids.seen(counter);
					if (seen != null) {
						return new Outcome(null, seen);
					}
					if (attempt == 0) {
						// counted from the first sending, which may itself have waited for the
						// client's command timeout: the call is always sent again at least once
						logger.debug("StateTree write to namespace '{}' has an unknown outcome; sending it again: {}",
								this.keys.namespace(), RedisCalls.message(ex));
					}
					else if (System.nanoTime() - firstSending > this.resolveNanos) {
						seen = this.ids.abandon(counter);
						if (seen != null) {
							return new Outcome(null, seen);
						}
						throw new StateStorageException("Redis at " + this.connectionName
								+ " did not answer a write of namespace '" + this.keys.namespace() + "' sent again for "
								+ TimeUnit.NANOSECONDS.toMillis(this.resolveNanos)
								+ " ms (the client's command timeout, spring.data.redis.timeout, at least 1 s) after it was first sent: whether it was applied is unknown (if it was, this instance's listeners hear "
								+ "it through the change feed): " + RedisCalls.message(ex), ex);
					}
					this.resent.incrementAndGet();
					LockSupport.parkNanos(pause);
					interrupted |= Thread.interrupted();
					pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
