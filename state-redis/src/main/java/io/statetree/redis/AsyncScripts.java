package io.statetree.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.statetree.core.StateStorageException;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs scripts without holding the caller's thread (DESIGN §15): {@code EVALSHA} on Lettuce's
 * asynchronous commands of the factory's shared native connection, then {@code EVAL} when the
 * server answers {@code NOSCRIPT}; the returned future completes on Lettuce's I/O thread. A
 * factory that is not a {@link LettuceConnectionFactory} sharing its native connection (a pooled
 * or a foreign factory) has no connection that outlives one call: its scripts run on the calling
 * thread through {@link RedisCalls}, and {@link #isNonBlocking()} says so.
 * <p>
 * Every failure reaches the future as a {@link StateStorageException} naming the connection,
 * whose cause chain keeps Lettuce's exception ({@link RedisCalls#isErrorReply} tells a refusal from
 * a lost reply); no method throws. Thread-safe and stateless but for the factory.
 */
final class AsyncScripts {

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final boolean nonBlocking;

	AsyncScripts(RedisConnectionFactory factory, String connectionName) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.nonBlocking = factory instanceof LettuceConnectionFactory lettuce && lettuce.getShareNativeConnection();
	}

	/**
	 * Whether the calls are non-blocking (a Lettuce factory sharing its native connection).
	 * @return {@code true} when they return before Redis answers
	 */
	boolean isNonBlocking() {
		return this.nonBlocking;
	}

	/**
	 * Runs a script returning a list.
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return a future of the reply (integers as {@code Long}, bulk strings as {@code byte[]})
	 */
	CompletableFuture<List<Object>> script(Scripts script, byte[][] keys, byte[][] args) {
		if (!this.nonBlocking) {
			return blocking(() -> RedisCalls.script(this.factory, this.connectionName, script, keys, args));
		}
		return run(script, ScriptOutputType.MULTI, keys, args);
	}

	/**
	 * Runs a script returning one bulk string.
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return a future of the reply
	 */
	CompletableFuture<byte[]> scriptValue(Scripts script, byte[][] keys, byte[][] args) {
		if (!this.nonBlocking) {
			return blocking(() -> RedisCalls.scriptValue(this.factory, this.connectionName, script, keys, args));
		}
		return run(script, ScriptOutputType.VALUE, keys, args);
	}

	private <T> CompletableFuture<T> run(Scripts script, ScriptOutputType type, byte[][] keys, byte[][] args) {
		RedisClusterAsyncCommands<byte[], byte[]> commands;
		try (RedisConnection connection = this.factory.getConnection()) {
			// the shared native connection outlives this wrapper: closing it closes nothing
			commands = ((LettuceConnection) connection).getNativeConnection();
		}
		catch (DataAccessException ex) {
			return CompletableFuture.failedFuture(failure(ex));
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		send(() -> commands.<T>evalsha(script.sha1(), type, keys, args)).whenComplete((reply, failure) -> {
			if (failure == null) {
				result.complete(reply);
			}
			else if (isNoScript(failure)) {
				// the server forgot the script (restart, SCRIPT FLUSH): it ran nothing, send its text
				send(() -> commands.<T>eval(script.bytes(), type, keys, args)).whenComplete((again, failed) -> {
					if (failed == null) {
						result.complete(again);
					}
					else {
						result.completeExceptionally(failure(failed));
					}
				});
			}
			else {
				result.completeExceptionally(failure(failure));
			}
		});
		return result;
	}

	/** Sends a command; a client that refuses it at once (a closed connection) fails the stage. */
	private static <T> java.util.concurrent.CompletionStage<T> send(
			java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> command) {
		try {
			return command.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private StateStorageException failure(Throwable ex) {
		Throwable cause = unwrap(ex);
		return new StateStorageException("Redis at " + this.connectionName + " failed: " + RedisCalls.message(cause),
				cause);
	}

	private static boolean isNoScript(Throwable ex) {
		Throwable cause = unwrap(ex);
		return cause instanceof RedisNoScriptException || RedisCalls.isNoScript(cause);
	}

	/**
	 * The failure inside a future's wrapping ({@link CompletionException}, {@link ExecutionException}).
	 * @param ex the failure
	 * @return the first cause that is not a wrapper
	 */
	static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * Waits for a future and throws what it failed with, unwrapped: the synchronous calls that
	 * share the asynchronous code path throw exactly what they threw before. The wait ignores
	 * interrupts (a commit sent is never reported failed because its caller was interrupted).
	 * @param future the future
	 * @param <T> the result type
	 * @return its result
	 */
	static <T> T join(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			Throwable cause = unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	private static <T> CompletableFuture<T> blocking(java.util.function.Supplier<T> call) {
		try {
			return CompletableFuture.completedFuture(call.get());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}
