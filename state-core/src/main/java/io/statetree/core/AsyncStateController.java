package io.statetree.core;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The asynchronous face of a {@link StateController} (DESIGN §15), from
 * {@link StateController#async()}: the same reads and writes, each answered with a
 * {@link CompletableFuture}. Thread-safe.
 *
 * <p>Every future completes with what the synchronous call returns, or exceptionally with a
 * {@link java.util.concurrent.CompletionException} whose cause is exactly the exception the
 * synchronous call throws; invalid arguments (a bad path, a value Jackson cannot map, a null)
 * give a failed future too, never a throw. A write's future completes after its commit and the
 * controller's synchronous listeners have heard it.
 *
 * <p>How a call runs depends on the backend:
 * <ul>
 * <li>in memory, the call runs on the calling thread and the future is complete on return;</li>
 * <li>on a blocking backend (files, hybrid, caching), the call runs on the controller's async
 * executor (virtual threads where the JVM has them, else a bounded pool of daemon threads;
 * {@link StateControllerBuilder#asyncExecutor}, in Spring Boot the application's task executor);</li>
 * <li>on a {@linkplain io.statetree.core.backend.StateBackend#isNonBlocking() non-blocking} backend
 * (Redis), reads and plain writes ({@code set} without equality or lifetime, {@code delete},
 * {@code update}, {@code setAll}) hold no thread while the storage answers: one commit of this
 * controller is in flight at a time and the next is sent when it is recorded, so commits and
 * deliveries stay in revision order. A write that needs the synchronous path's machinery
 * (derivations registered, an equality, a time to live or an ephemeral lifetime) runs the
 * synchronous call on the executor.</li>
 * </ul>
 * Asynchronous writes on a blocking or non-blocking backend are committed in the order they were
 * called (one after the other); a synchronous write is ordered after the asynchronous writes whose
 * futures completed, not after those still queued; reads are not ordered after pending writes
 * (compose on the write's future to read it back). A call made inside a batch, an effect or a
 * listener runs the synchronous call on the calling thread (it joins the batch, the cascade) and
 * returns a completed future; so does a write on a thread whose writes join a Spring transaction
 * (DESIGN §14): it joins the transaction's batch, committed after the transaction commits and
 * discarded on rollback, never committed on its own.
 */
public interface AsyncStateController {

	/**
	 * Same as {@link #get(StatePath)}, the path parsed with {@link StatePath#of}; an invalid path
	 * gives a failed future.
	 * @param path the path
	 * @return a future of the immutable value, {@code null} when absent
	 */
	default CompletableFuture<@Nullable Object> get(String path) {
		StatePath parsed;
		try {
			parsed = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			return CompletableFuture.failedFuture(new CompletionException(ex));
		}
		return get(parsed);
	}

	/**
	 * Reads a value, as {@link StateController#get(StatePath)}.
	 * @param path the path
	 * @return a future of the immutable value, {@code null} when absent
	 */
	CompletableFuture<@Nullable Object> get(StatePath path);

	/**
	 * Same as {@link #get(StatePath, Class)}, the path parsed with {@link StatePath#of}; an invalid
	 * path gives a failed future.
	 * @param <T> the type
	 * @param path the path
	 * @param type the class to convert to
	 * @return a future of the value, {@code null} when absent
	 */
	default <T> CompletableFuture<@Nullable T> get(String path, Class<T> type) {
		StatePath parsed;
		try {
			parsed = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			return CompletableFuture.failedFuture(new CompletionException(ex));
		}
		return get(parsed, type);
	}

	/**
	 * Reads a value converted to a type, as {@link StateController#get(StatePath, Class)}.
	 * @param <T> the type
	 * @param path the path
	 * @param type the class to convert to
	 * @return a future of the value, {@code null} when absent
	 */
	<T> CompletableFuture<@Nullable T> get(StatePath path, Class<T> type);

	/**
	 * Same as {@link #set(StatePath, Object)}, the path parsed with {@link StatePath#of}; an invalid
	 * path gives a failed future.
	 * @param path the path
	 * @param value any value Jackson can map, or {@code null} to delete
	 * @return a future of whether the state changed
	 */
	default CompletableFuture<Boolean> set(String path, @Nullable Object value) {
		StatePath parsed;
		try {
			parsed = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			return CompletableFuture.failedFuture(new CompletionException(ex));
		}
		return set(parsed, value);
	}

	/**
	 * Writes a value, as {@link StateController#set(StatePath, Object)}.
	 * @param path the path
	 * @param value any value Jackson can map, or {@code null} to delete
	 * @return a future of whether the state changed
	 */
	CompletableFuture<Boolean> set(StatePath path, @Nullable Object value);

	/**
	 * Same as {@link #set(StatePath, Object, WriteOptions)}, the path parsed with
	 * {@link StatePath#of}; an invalid path gives a failed future.
	 * @param path the path
	 * @param value any value Jackson can map, or {@code null} to delete
	 * @param options payload, equality, actor, lifetime
	 * @return a future of whether the state changed
	 */
	default CompletableFuture<Boolean> set(String path, @Nullable Object value, WriteOptions options) {
		StatePath parsed;
		try {
			parsed = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			return CompletableFuture.failedFuture(new CompletionException(ex));
		}
		return set(parsed, value, options);
	}

	/**
	 * Writes a value with options, as {@link StateController#set(StatePath, Object, WriteOptions)}.
	 * @param path the path
	 * @param value any value Jackson can map, or {@code null} to delete
	 * @param options payload, equality, actor, lifetime
	 * @return a future of whether the state changed
	 */
	CompletableFuture<Boolean> set(StatePath path, @Nullable Object value, WriteOptions options);

	/**
	 * Same as {@link #delete(StatePath)}, the path parsed with {@link StatePath#of}; an invalid path
	 * gives a failed future.
	 * @param path the path
	 * @return a future of whether anything was deleted
	 */
	default CompletableFuture<Boolean> delete(String path) {
		StatePath parsed;
		try {
			parsed = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			return CompletableFuture.failedFuture(new CompletionException(ex));
		}
		return delete(parsed);
	}

	/**
	 * Deletes a value and everything below it, as {@link StateController#delete(StatePath)}.
	 * @param path the path
	 * @return a future of whether anything was deleted
	 */
	CompletableFuture<Boolean> delete(StatePath path);

	/**
	 * Same as {@link #update(StatePath, Class, UnaryOperator)}, the path parsed with
	 * {@link StatePath#of}; an invalid path gives a failed future.
	 * @param <T> the type
	 * @param path the path
	 * @param type the class the current value is converted to
	 * @param function computes the new value from the current one
	 * @return a future of the new value
	 */
	default <T> CompletableFuture<@Nullable T> update(String path, Class<T> type,
			UnaryOperator<@Nullable T> function) {
		StatePath parsed;
		try {
			parsed = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			return CompletableFuture.failedFuture(new CompletionException(ex));
		}
		return update(parsed, type, function);
	}

	/**
	 * An atomic read-modify-write, as {@link StateController#update(StatePath, Class, UnaryOperator)}
	 * (on Redis atomic across instances, tried again when another writer changed the value). The
	 * function may run more than once and on another thread; keep it free of side effects.
	 * @param <T> the type
	 * @param path the path
	 * @param type the class the current value is converted to
	 * @param function computes the new value from the current one ({@code null} when absent)
	 * @return a future of the new value
	 */
	<T> CompletableFuture<@Nullable T> update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function);

	/**
	 * Writes several paths in one atomic commit, as {@link StateController#setAll(Map)}.
	 * @param writes paths to values, {@code null} deleting; read before this method returns
	 * @return a future of whether the state changed
	 */
	CompletableFuture<Boolean> setAll(Map<String, ?> writes);

}
