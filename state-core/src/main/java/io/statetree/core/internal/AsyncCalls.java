package io.statetree.core.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.statetree.core.AsyncStateController;
import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The controller's {@link AsyncStateController} (DESIGN §15). In memory every call is the
 * synchronous one, made on the calling thread. On a blocking backend reads run on the executor
 * and writes go through the {@link AsyncSequencer}, each running the synchronous call on the
 * executor. On a non-blocking backend reads use {@code readAsync} and plain writes are sent with
 * {@code commitAsync} through {@link AsyncCommits#send}, one in flight at a time; what the
 * non-blocking path does not cover (derivations, an equality, a lifetime) runs the synchronous
 * call on the executor, in sequence. Thread-safe.
 */
final class AsyncCalls implements AsyncStateController {

	private enum Mode {
		INLINE, EXECUTOR, NON_BLOCKING
	}

	private final DefaultStateController controller;

	private final StateBackend backend;

	private final ValueConverter converter;

	private final CommitTemplate commits;

	private final BatchRunner batches;

	private final Dispatcher dispatcher;

	private final WriteCalls writes;

	private final Mode mode;

	private final AsyncSequencer sequencer = new AsyncSequencer();

	private final AsyncExecutor executor;

	AsyncCalls(DefaultStateController controller, StateBackend backend, ValueConverter converter,
			CommitTemplate commits, BatchRunner batches, Dispatcher dispatcher, WriteCalls writes,
			@Nullable Executor executor) {
		this.writes = writes;
		this.controller = controller;
		this.backend = backend;
		this.converter = converter;
		this.commits = commits;
		this.batches = batches;
		this.dispatcher = dispatcher;
		this.mode = (backend instanceof InMemoryBackend) ? Mode.INLINE
				: backend.isNonBlocking() ? Mode.NON_BLOCKING : Mode.EXECUTOR;
		this.executor = new AsyncExecutor(executor);
	}

	/** Wraps a failure as the futures report it: the synchronous exception inside a {@link CompletionException}. */
	static CompletionException wrap(Throwable failure) {
		return (failure instanceof CompletionException wrapped) ? wrapped : new CompletionException(failure);
	}

	private static <T> CompletableFuture<T> failed(Throwable failure) {
		CompletableFuture<T> future = new CompletableFuture<>();
		future.completeExceptionally(wrap(failure));
		return future;
	}

	/** Lets go of the executor this created (on close). */
	void close() {
		this.executor.close();
	}

	/**
	 * Whether a call runs synchronously on the calling thread: in memory, and inside a batch,
	 * an effect or a listener's delivery (where it joins what runs there).
	 */
	private boolean onCallingThread() {
		return this.mode == Mode.INLINE || this.batches.current() != null || EffectJournal.current() != null
				|| this.dispatcher.currentDepth() >= 0;
	}

	/**
	 * Whether a write runs synchronously on the calling thread: where {@link #onCallingThread} says
	 * so, and where the write joins a batch the thread has or would open for it (a Spring
	 * transaction's, DESIGN §14): made on the executor or sent on its own, it would commit at once,
	 * outside the transaction, and survive its rollback.
	 */
	private boolean writesOnCallingThread() {
		return onCallingThread() || this.batches.forWrite() != null;
	}

	/** The synchronous call made now, its outcome in a completed future. */
	private static <T> CompletableFuture<T> now(Supplier<T> call) {
		try {
			return CompletableFuture.completedFuture(call.get());
		}
		catch (RuntimeException | Error ex) {
			return failed(ex);
		}
	}

	/** The synchronous call on the executor. */
	private <T> CompletableFuture<T> onExecutor(Supplier<T> call) {
		CompletableFuture<T> future = new CompletableFuture<>();
		try {
			this.executor.get().execute(() -> {
				try {
					future.complete(call.get());
				}
				catch (RuntimeException | Error ex) {
					future.completeExceptionally(wrap(ex));
				}
			});
		}
		catch (RejectedExecutionException ex) {
			future.completeExceptionally(wrap(ex));
		}
		return future;
	}

	/** A synchronous read: now, or on the executor. */
	private <T> CompletableFuture<T> read(Supplier<T> call) {
		this.controller.checkOpen();
		return onCallingThread() ? now(call) : onExecutor(call);
	}

	/** A synchronous write: now, or on the executor after the writes before it. */
	private <T> CompletableFuture<T> write(Supplier<T> call) {
		this.controller.checkOpen();
		return writesOnCallingThread() ? now(call) : this.sequencer.submit(() -> onExecutor(call));
	}

	/** Whether a write without options can take the non-blocking path. */
	private boolean nonBlocking() {
		return this.mode == Mode.NON_BLOCKING && !this.commits.needsSyncPath() && !writesOnCallingThread();
	}

	// ------------------------------------------------------------------ reads

	@Override
	public CompletableFuture<@Nullable Object> get(StatePath path) {
		try {
			Objects.requireNonNull(path, "path");
			if (this.mode != Mode.NON_BLOCKING || onCallingThread()) {
				return read(() -> this.controller.get(path));
			}
			this.controller.checkOpen();
			return readAsync(path);
		}
		catch (RuntimeException ex) {
			return failed(ex);
		}
	}

	private CompletableFuture<@Nullable Object> readAsync(StatePath path) {
		CompletableFuture<@Nullable Object> read;
		try {
			read = this.backend.readAsync(path);
		}
		catch (RuntimeException ex) {
			return failed(ex);
		}
		// completed on the executor, not on the backend's I/O thread: a caller's callback may block
		// (a synchronous call of this controller there would wait for the thread it holds)
		return read.handleAsync((value, failure) -> {
			if (failure != null) {
				throw wrap(unwrap(failure));
			}
			return (value == null && path.isRoot()) ? StateValues.emptyBranch() : value;
		}, this.executor.get());
	}

	@Override
	public <T> CompletableFuture<@Nullable T> get(StatePath p, Class<T> type) {
		try {
			Objects.requireNonNull(p, "path");
			Objects.requireNonNull(type, "type");
			return get(p).thenApply((value) -> this.converter.convert(p, value, type));
		}
		catch (RuntimeException ex) {
			return failed(ex);
		}
	}

	// ------------------------------------------------------------------ writes

	@Override
	public CompletableFuture<Boolean> set(StatePath path, @Nullable Object value) {
		return set(path, value, WriteOptions.defaults());
	}

	@Override
	public CompletableFuture<Boolean> set(StatePath p, @Nullable Object value, WriteOptions options) {
		try {
			Objects.requireNonNull(p, "path");
			Objects.requireNonNull(options, "options");
			this.controller.checkOpen();
			if (writesOnCallingThread()) {
				return now(() -> this.controller.set(p, value, options));
			}
			// converted now, on the calling thread: a value the caller changes after the call is
			// written as it was at the call, and a value that cannot be mapped fails the future at once
			Object model = this.converter.toModel(p, value);
			Supplier<Boolean> sync = () -> {
				this.controller.checkOpen();
				return this.writes.setModel(p, model, value, options);
			};
			if (!nonBlocking() || !isPlain(options) || p.isRoot()) {
				return write(sync);
			}
			Write write = new Write(p, model, options.payload());
			return this.sequencer.submit(() -> orSync(() -> commit(List.of(write), List.of(), options.actor()), sync));
		}
		catch (RuntimeException ex) {
			return failed(ex);
		}
	}

	/** Whether the options need nothing the non-blocking path leaves out. */
	private static boolean isPlain(WriteOptions options) {
		return options.equality() == null && options.ttl() == null && !options.isEphemeral();
	}

	@Override
	public CompletableFuture<Boolean> delete(StatePath path) {
		return set(path, null, WriteOptions.defaults());
	}

	@Override
	public CompletableFuture<Boolean> setAll(Map<String, ?> writes) {
		try {
			this.controller.checkOpen();
			if (writesOnCallingThread()) {
				return now(() -> this.controller.setAll(writes));
			}
			MultiWrite plan = MultiWrite.plan(writes, this.converter);
			if (!nonBlocking()) {
				return write(() -> plan.apply(this.batches));
			}
			List<Write> all = plan.entries().stream().map((e) -> new Write(e.path(), e.model(), null)).toList();
			return this.sequencer.submit(() -> all.isEmpty() ? CompletableFuture.completedFuture(false)
					: orSync(() -> commit(all, List.of(), null), () -> plan.apply(this.batches)));
		}
		catch (RuntimeException ex) {
			return failed(ex);
		}
	}

	@Override
	public <T> CompletableFuture<@Nullable T> update(StatePath p, Class<T> type,
			UnaryOperator<@Nullable T> function) {
		try {
			Objects.requireNonNull(p, "path");
			Objects.requireNonNull(type, "type");
			Objects.requireNonNull(function, "function");
			if (!nonBlocking()) {
				return write(() -> this.controller.update(p, type, function));
			}
			this.controller.checkOpen();
			return this.sequencer.submit(() -> orSync(() -> updateAttempt(p, type, function, 1),
					() -> this.controller.update(p, type, function)));
		}
		catch (RuntimeException ex) {
			return failed(ex);
		}
	}

	/**
	 * A queued non-blocking step when it starts: the non-blocking call, or the synchronous one on
	 * the executor when a derivation was registered or a computed value opened while the step waited.
	 */
	private <T> CompletableFuture<T> orSync(Supplier<CompletableFuture<T>> nonBlocking, Supplier<T> sync) {
		return this.commits.needsSyncPath() ? onExecutor(sync) : nonBlocking.get();
	}

	/**
	 * One attempt of a non-blocking update: read, compute on the executor, commit with the value
	 * read as a precondition; tried again when another writer changed it, as the synchronous one.
	 */
	private <T> CompletableFuture<@Nullable T> updateAttempt(StatePath path, Class<T> type,
			UnaryOperator<@Nullable T> function, int attempt) {
		return readAsync(path).thenComposeAsync((existing) -> {
			T next = function.apply(this.converter.convert(path, existing, type));
			Object model = this.converter.toModel(path, next);
			if (StateValues.equal(existing, model)) {
				if (existing == null) {
					return CompletableFuture.completedFuture(next);
				}
				// an equal rewrite makes the value permanent, like set (DESIGN §12)
				model = existing;
			}
			List<Write> writes = List.of(new Write(path, model, null));
			Executor records = this.executor.get();
			return this.commits.async().send(writes, List.of(new Precondition(path, existing)), null)
				.handleAsync((result, failure) -> {
					this.commits.async().finish((failure == null) ? result : null, writes);
					return failure;
				}, records)
				.thenCompose((failure) -> {
					if (failure == null) {
						return CompletableFuture.completedFuture(next);
					}
					Throwable cause = unwrap(failure);
					if (cause instanceof PreconditionFailedException conflict) {
						if (attempt >= CommitTemplate.MAX_ATTEMPTS) {
							return failed(new StateException("update of " + path + " gave up after " + attempt
									+ " attempts: the value kept changing concurrently", conflict));
						}
						return updateAttempt(path, type, function, attempt + 1);
					}
					return failed(cause);
				});
		}, this.executor.get());
	}

	/**
	 * Sends one commit and records it on the executor when the backend answers; the future
	 * completes after synchronous listeners heard it.
	 */
	private CompletableFuture<Boolean> commit(List<Write> writes, List<Precondition> preconditions,
			@Nullable String actor) {
		Executor records = this.executor.get();
		return this.commits.async().send(writes, preconditions, actor).handleAsync((result, failure) -> {
			boolean changed = this.commits.async().finish((failure == null) ? result : null, writes);
			if (failure != null) {
				throw wrap(unwrap(failure));
			}
			return changed;
		}, records);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/** The executor: the configured one, else one created when first needed. */
	static final class AsyncExecutor {

		private final @Nullable Executor configured;

		private @Nullable ExecutorService created;

		private boolean closed;

		AsyncExecutor(@Nullable Executor configured) {
			this.configured = configured;
		}

		Executor get() {
			Executor given = this.configured;
			if (given != null) {
				return given;
			}
			synchronized (this) {
				if (this.created == null) {
					if (this.closed) {
						throw new RejectedExecutionException("StateController is closed");
					}
					this.created = AsyncThreads.newExecutor();
				}
				return this.created;
			}
		}

		synchronized void close() {
			this.closed = true;
			if (this.created != null) {
				this.created.shutdown();
			}
		}

	}

}
