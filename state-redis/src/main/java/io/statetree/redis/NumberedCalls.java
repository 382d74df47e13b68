package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * command timeout is under one second). Every sending is asynchronous ({@link AsyncScripts}) and the pauses between
 * them are timed by {@link CompletableFuture#delayedExecutor}, so a call in flight holds no
 * thread; the synchronous {@link #call} waits for the asynchronous one. Thread-safe.
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

	private final AsyncScripts scripts;

	private final String connectionName;

	private final Keys keys;

	private final CommitIds ids;

	private final long resolveNanos;

	private final AtomicLong resent = new AtomicLong();

	NumberedCalls(RedisConnectionFactory factory, String connectionName, Keys keys, CommitIds ids,
			Duration resolveTimeout) {
		this.scripts = new AsyncScripts(factory, connectionName);
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

	/** The script calls (shared with the backend's asynchronous reads). */
	AsyncScripts scripts() {
		return this.scripts;
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
	 * caller, who closes it), until its outcome is known, holding the calling thread until then.
	 * @param script the script
	 * @param counter the call's commit number
	 * @param args the arguments
	 * @return the outcome
	 * @throws StateStorageException when the server refused the first sending (nothing applied),
	 * or no outcome was known in time (the call may have been applied)
	 */
	Outcome call(Scripts script, long counter, byte[][] args) {
		return AsyncScripts.join(callAsync(script, counter, args));
	}

	/**
	 * Calls a script whose arguments carry the commit number {@code counter} (opened by the
	 * caller, who closes it) without holding a thread: each sending is one asynchronous script
	 * call, and a sending again waits its pause on {@link CompletableFuture#delayedExecutor}, not
	 * on a thread of its own.
	 * @param script the script
	 * @param counter the call's commit number
	 * @param args the arguments
	 * @return a future of the outcome, failing with {@link StateStorageException} when the server
	 * refused the first sending (nothing applied) or no outcome was known in time (the call may
	 * have been applied); never throws
	 */
	CompletableFuture<Outcome> callAsync(Scripts script, long counter, byte[][] args) {
		Attempts attempts = new Attempts(script, counter, args);
		attempts.send();
		return attempts.result;
	}

	/**
	 * The sendings of one call. They follow one another (each starts from the previous one's
	 * completion), so the fields are never touched by two threads at once.
	 */
	private final class Attempts {

		private final Scripts script;

		private final long counter;

		private final byte[][] args;

		private final CompletableFuture<Outcome> result = new CompletableFuture<>();

		private int attempt;

		private final long firstSending = System.nanoTime();

		private long pause = FIRST_PAUSE_NANOS;

		Attempts(Scripts script, long counter, byte[][] args) {
			this.script = script;
			this.counter = counter;
			this.args = args;
		}

		void send() {
			CompletableFuture<List<Object>> reply;
			try {
				reply = NumberedCalls.this.scripts.script(this.script, NumberedCalls.this.keys.all(), this.args);
			}
			catch (RuntimeException ex) {
				this.result.completeExceptionally(ex);
				return;
			}
			reply.whenComplete((answer, failure) -> {
				if (failure == null) {
					this.result.complete(new Outcome(answer, null));
				}
				else {
					failed(AsyncScripts.unwrap(failure));
				}
			});
		}

		private void failed(Throwable failure) {
			if (!(failure instanceof StateStorageException ex)) {
				this.result.completeExceptionally(failure);
				return;
			}
			if (this.attempt == 0 && RedisCalls.isErrorReply(ex)) {
				this.result.completeExceptionally(ex);
				return;
			}
			StreamEntry seen = NumberedCalls.this.ids.seen(this.counter);
			if (seen != null) {
				this.result.complete(new Outcome(null, seen));
				return;
			}
			if (this.attempt == 0) {
				// counted from the first sending, which may itself have waited for the client's
				// command timeout: the call is always sent again at least once
				logger.debug("StateTree write to namespace '{}' has an unknown outcome; sending it again: {}",
						NumberedCalls.this.keys.namespace(), RedisCalls.message(ex));
			}
			else if (System.nanoTime() - this.firstSending > NumberedCalls.this.resolveNanos) {
				seen = NumberedCalls.this.ids.abandon(this.counter);
				if (seen != null) {
					this.result.complete(new Outcome(null, seen));
					return;
				}
				this.result.completeExceptionally(new StateStorageException("Redis at "
						+ NumberedCalls.this.connectionName + " did not answer a write of namespace '"
						+ NumberedCalls.this.keys.namespace() + "' sent again for "
						+ TimeUnit.NANOSECONDS.toMillis(NumberedCalls.this.resolveNanos)
						+ " ms (the client's command timeout, spring.data.redis.timeout, at least 1 s) after it was first sent: whether it was applied is unknown (if it was, this instance's listeners hear "
						+ "it through the change feed): " + RedisCalls.message(ex), ex));
				return;
			}
			this.attempt++;
			NumberedCalls.this.resent.incrementAndGet();
			long wait = this.pause;
			this.pause = Math.min(MAX_PAUSE_NANOS, this.pause * 2);
			CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(this::send);
		}

	}

}
