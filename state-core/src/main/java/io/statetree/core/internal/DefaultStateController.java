package io.statetree.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.statetree.core.ControllerObserver;
import io.statetree.core.DeadLetter;
import io.statetree.core.DeriveData;
import io.statetree.core.Derivation;
import io.statetree.core.Effect;
import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateListener;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.Versioned;
import io.statetree.core.StateView;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.Subscription;
import io.statetree.core.TypeRef;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The controller (DESIGN §4): reads, writes, batches, close, and the commit that every write
 * goes through. Commits are serialised by one lock (reads never take it); derivations run
 * inside the commit, before the backend applies it, so their writes join it
 * ({@link DerivationGraph}); listeners run after it, outside the lock: the {@link EventRouter}
 * decides who hears it and the {@link Dispatcher} delivers. Registrations live in the
 * {@link ListenerRegistry}, effects in the {@link EffectRunner}, other instances' commits come in
 * through the {@link RemoteFeedIntake}, and every call into user code that must not break the
 * engine goes through the {@link GuardedObserver}. The {@link ControllerParts} wire these
 * together; write calls go through the {@link WriteCalls}; {@link ControllerShutdown} stops them
 * at close. Thread-safe.
 */
public final class DefaultStateController implements StateController {

	/** The default capacity of each listener's queue, in events. */
	public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

	/** The default longest wait of a writer for room in a full listener queue. */
	public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(1);

	/** How long {@code close} waits by default for the listeners to hear what was committed. */
	public static final Duration DEFAULT_CLOSE_DELIVERY_TIMEOUT = Duration.ofSeconds(5);

	/** The parts this controller is made of, wired together. */
	private final ControllerParts parts;

	private volatile boolean closed;

	private volatile long closeDeliveryMillis = DEFAULT_CLOSE_DELIVERY_TIMEOUT.toMillis();

	private final OpenWatches openWatches = new OpenWatches();

	/**
	 * Creates a controller; use {@link StateController#builder()}.
	 * @param backend the backend, or null for a new in-memory one
	 * @param jsonMapper the mapper, or null for a default one
	 * @param dispatch the dispatch mode
	 * @param executor the executor for asynchronous dispatch, or null for a default one
	 * @param onError what to do when a listener throws
	 * @param instanceId the instance id, or null for a random one
	 * @param observer the observer, or null
	 * @param queueCapacity the capacity of each listener's queue, in events (at least 1)
	 * @param offerTimeout how long a writer waits for room in a full listener queue
	 * @param historySize how many commits the in-memory history keeps when the backend keeps
	 * none (DESIGN §11), 0 or more
	 * @param defaultActor who writes when the options name no one, asked on the writing thread;
	 * null for no one
	 * @param groups how durable group listeners run (DESIGN §13)
	 * @param asyncExecutor where the asynchronous API runs calls on blocking backends (DESIGN §15),
	 * or null for virtual threads where the JVM has them, else a bounded pool of daemon threads
	 */
	public DefaultStateController(@Nullable StateBackend backend, @Nullable JsonMapper jsonMapper, Dispatch dispatch,
			@Nullable Executor executor, OnError onError, @Nullable String instanceId,
			@Nullable ControllerObserver observer, int queueCapacity, Duration offerTimeout, int historySize,
			@Nullable Supplier<@Nullable String> defaultActor, GroupSettings groups,
			@Nullable Executor asyncExecutor) {
		if (historySize < 0) {
			throw new IllegalArgumentException("historySize must not be negative, got " + historySize);
		}
		this.parts = new ControllerParts(this, backend, jsonMapper, dispatch, executor, onError, instanceId, observer,
				queueCapacity, offerTimeout, historySize, defaultActor, groups, asyncExecutor);
		ExpirySweeper sweeper = this.parts.commits.sweeper();
		if (sweeper != null) {
			sweeper.start();
		}
	}

	ValueConverter converter() {
		return this.parts.converter;
	}

	// ------------------------------------------------------------------ reads

	@Override
	public @Nullable Object get(StatePath path) {
		return this.parts.reads.read(path);
	}

	@Override
	public List<String> childNames(StatePath path) {
		return this.parts.reads.childNames(path);
	}

	@Override
	public <T> @Nullable T get(StatePath path, Class<T> type) {
		return this.parts.converter.convert(path, get(path), type);
	}

	@Override
	public <T> @Nullable T get(StatePath path, TypeRef<T> type) {
		return this.parts.converter.convert(path, get(path), type);
	}

	@Override
	public <T> T get(StatePath path, Class<T> type, T defaultValue) {
		T value = get(path, type);
		return (value != null) ? value : defaultValue;
	}

	@Override
	public boolean exists(StatePath path) {
		return path.isRoot() || get(path) != null;
	}

	@Override
	public <T> T getOrWrite(StatePath p, Class<T> type, T defaultValue) {
		Objects.requireNonNull(defaultValue, "defaultValue");
		return this.parts.writes.getOrWrite(p, type, defaultValue);
	}

	// ------------------------------------------------------------------ writes

	@Override
	public boolean set(StatePath path, @Nullable Object value) {
		return set(path, value, WriteOptions.defaults());
	}

	@Override
	public boolean set(StatePath path, @Nullable Object value, WriteOptions options) {
		Objects.requireNonNull(options, "options");
		checkOpen();
		return this.parts.writes.set(path, value, options);
	}

	@Override
	public boolean setAll(java.util.Map<String, ?> writes) {
		checkOpen();
		return MultiWrite.plan(writes, this.parts.converter).apply(this.parts.batches);
	}

	@Override
	public boolean delete(StatePath path) {
		return set(path, null, WriteOptions.defaults());
	}

	@Override
	public <T> @Nullable T update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function) {
		Objects.requireNonNull(function, "function");
		checkOpen();
		return this.parts.writes.update(path, type, function);
	}

	@Override
	public void ping(StatePath path) {
		ping(path, null);
	}

	@Override
	public void ping(StatePath p, @Nullable Object payload) {
		checkOpen();
		this.parts.writes.ping(p, payload);
	}

	@Override
	public void batch(Runnable writes) {
		batch(() -> {
			writes.run();
			return null;
		});
	}

	@Override
	public <R> R batch(Supplier<R> writes) {
		Objects.requireNonNull(writes, "writes");
		checkOpen();
		return this.parts.batches.run(writes);
	}

	@Override
	public long revision() {
		return this.parts.backend.isShared() ? this.parts.commits.lastRevision() : this.parts.backend.revision();
	}

	@Override
	public io.statetree.core.AsyncStateController async() {
		return this.parts.async();
	}

	void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("StateController is closed");
		}
	}

	// ------------------------------------------------------------------ listeners (DESIGN §5)

	@Override
	public Subscription subscribe(String pattern, StateListener listener) {
		return this.parts.listeners.subscribe(pattern, listener);
	}

	@Override
	public Subscription subscribe(String pattern, StateListener listener, SubscribeOptions options) {
		Objects.requireNonNull(options, "options");
		String group = options.group();
		if (group == null) {
			return subscribe(pattern, listener);
		}
		checkOpen();
		return this.parts.groups().subscribe(pattern, listener, group);
	}

	@Override
	public List<DeadLetter> deadLetters(String group) {
		return this.parts.groups().deadLetters(group);
	}

	@Override
	public List<GroupStatus> groups() {
		return this.parts.groups().groups();
	}

	@Override
	public boolean unsubscribe(String pattern, StateListener listener) {
		return this.parts.listeners.unsubscribe(pattern, listener);
	}

	@Override
	public String registerCallback(StateListener listener) {
		return this.parts.listeners.registerCallback(listener);
	}

	@Override
	public String registerCallback(StateListener listener, String id, boolean replace) {
		return this.parts.listeners.registerCallback(listener, id, replace);
	}

	@Override
	public boolean unregisterCallback(String id) {
		return this.parts.listeners.unregisterCallback(id);
	}

	@Override
	public Subscription subscribeById(String pattern, String id) {
		return this.parts.listeners.subscribeById(pattern, id);
	}

	@Override
	public boolean unsubscribeById(String pattern, String id) {
		return this.parts.listeners.unsubscribeById(pattern, id);
	}

	@Override
	public Flow.Publisher<StateEvent> watch(String pattern) {
		PathPattern.compile(pattern);
		checkOpen();
		return new WatchPublisher(this, pattern, WatchPublisher.DEFAULT_BUFFER);
	}

	// ------------------------------------------------------------------ history (DESIGN §11)

	@Override
	public Flow.Publisher<StateEvent> watch(String pattern, long afterRevision) {
		PathPattern.compile(pattern);
		checkOpen();
		return new ReplayingWatch(this, pattern, afterRevision, WatchPublisher.DEFAULT_BUFFER);
	}

	@Override
	public Versioned<@Nullable Object> getVersioned(StatePath path) {
		Tracker.record(path);
		checkOpen();
		if (this.parts.batches.current() != null) {
			// inside a batch: what it sees (its own writes), at the revision of the committed state
			// it builds on; its writes get their revision when it commits (README, Transactions)
			return new Versioned<>(get(path), revision());
		}
		long pinned = this.parts.reads.runRevision();
		if (pinned >= 0) {
			// inside a tracked effect or a computed value: a read like get, recorded and at the
			// run's pinned snapshot, so a change of the path runs it again (issue 16, finding 2)
			return new Versioned<>(get(path), pinned);
		}
		return this.parts.history.getVersioned(path);
	}

	@Override
	public <T> Versioned<@Nullable T> getVersioned(StatePath path, Class<T> type) {
		Versioned<@Nullable Object> read = getVersioned(path);
		return new Versioned<>(this.parts.converter.convert(path, read.value(), type), read.revision());
	}

	@Override
	public <T> Versioned<@Nullable T> getVersioned(StatePath path, TypeRef<T> type) {
		Versioned<@Nullable Object> read = getVersioned(path);
		return new Versioned<>(this.parts.converter.convert(path, read.value(), type), read.revision());
	}

	@Override
	public List<Commit> history(long afterRevision, int limit) {
		checkOpen();
		return this.parts.history.history(afterRevision, limit);
	}

	@Override
	public StateSnapshot snapshot(StatePath path) {
		Tracker.record(path);
		checkOpen();
		if (this.parts.batches.current() != null || this.parts.reads.runRevision() >= 0) {
			Versioned<@Nullable Object> read = getVersioned(path);
			return new StateSnapshot(path, read.revision(), read.value());
		}
		return this.parts.history.snapshot(path);
	}

	@Override
	public long restore(StateSnapshot snapshot) {
		Objects.requireNonNull(snapshot, "snapshot");
		checkOpen();
		if (this.parts.batches.forWrite() != null) {
			// joins the batch like any write; its revision is known only when the batch commits
			set(snapshot.path(), snapshot.value());
			return revision();
		}
		return this.parts.history.restore(snapshot);
	}

	@Override
	public long increment(StatePath path, long delta) {
		Objects.requireNonNull(path, "path");
		checkOpen();
		return this.parts.writes.increment(path, delta);
	}

	/** The history watches read: the backend's own, else the in-memory one. */
	CommitHistory commitHistory() {
		return this.parts.history.commitHistory();
	}

	EventRouter router() {
		return this.parts.router;
	}

	BatchRunner batches() {
		return this.parts.batches;
	}

	// ------------------------------------------------------------------ effects (DESIGN §6)

	@Override
	public Effect track(StateListener effect) {
		Objects.requireNonNull(effect, "effect");
		checkOpen();
		EffectImpl impl = this.parts.effects.add("effect-" + this.parts.listeners.nextId(), effect);
		Event first = this.parts.effects.wholeTree();
		// An effect started inside a batch is not part of it: its first run reads the committed
		// state (a batch that fails or runs again would leave it holding values never committed)
		// and its writes are commits of their own.
		Batch outer = this.parts.batches.suspend();
		try {
			this.parts.effects.runClaimed(impl, first);
		}
		finally {
			this.parts.batches.resume(outer);
		}
		return impl;
	}

	// ------------------------------------------------------------------ derivations (DESIGN §6)

	@Override
	public Derivation derive(StatePath destination, StatePath source,
			Function<@Nullable Object, @Nullable Object> transform) {
		return register(this.parts.graph.derive(destination, source, transform));
	}

	@Override
	public <S> Derivation derive(StatePath destination, StatePath source, Class<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		return register(this.parts.graph.derive(destination, source, type, transform));
	}

	@Override
	public <S> Derivation derive(StatePath destination, StatePath source, TypeRef<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		return register(this.parts.graph.derive(destination, source, type, transform));
	}

	@Override
	public Derivation deriveMany(StatePath destination, List<StatePath> sources,
			Function<DeriveData, @Nullable Object> transform) {
		return register(this.parts.graph.deriveMany(destination, sources, transform));
	}

	@Override
	public Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform) {
		return register(this.parts.graph.deriveTracked(destination, transform));
	}

	@Override
	public Derivation derive(StatePath destination, StatePath source,
			Function<@Nullable Object, @Nullable Object> transform, WriteOptions options) {
		return register(this.parts.graph.derive(destination, source, transform).withOptions(options));
	}

	@Override
	public Derivation deriveMany(StatePath destination, List<StatePath> sources,
			Function<DeriveData, @Nullable Object> transform, WriteOptions options) {
		return register(this.parts.graph.deriveMany(destination, sources, transform).withOptions(options));
	}

	@Override
	public Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform,
			WriteOptions options) {
		return register(this.parts.graph.deriveTracked(destination, transform).withOptions(options));
	}

	@Override
	public <T> io.statetree.core.Computed<T> computed(Function<StateView, T> function) {
		checkOpen();
		return this.parts.journal.computeds.create(this.parts.journal, this.parts.batches, this, function,
				this::checkOpen);
	}

	/** Adds a derivation to the graph and commits its first value. */
	private Derivation register(DerivationImpl derivation) {
		checkOpen();
		this.parts.writes.install(derivation);
		return derivation;
	}

	// ------------------------------------------------------------------ misc

	@Override
	public java.time.@Nullable Duration timeToLive(StatePath path) {
		Objects.requireNonNull(path, "path");
		Tracker.record(path);
		this.parts.reads.noteEffectRead(path);
		Batch current = this.parts.batches.current();
		if (current != null) {
			return BatchLifetimes.timeToLive(current.tx.writes(),
					path.isRoot() || current.tx.readUntracked(path) != null, path,
					this.parts.lifetimes::timeToLive);
		}
		return this.parts.reads.timeToLive(path, this.parts.lifetimes::timeToLive);
	}

	@Override
	public String instanceId() {
		return this.parts.instanceId;
	}

	@Override
	public StateBackend backend() {
		return this.parts.backend;
	}

	/** The latest revision this controller committed or heard of. */
	long lastRevision() {
		return this.parts.commits.lastRevision();
	}

	/**
	 * Returns how many times a listener's queue overflowed (its backlog replaced by one resync
	 * event).
	 * @return the count
	 */
	long listenerOverflows() {
		return this.parts.dispatcher.overflows();
	}

	/** Test seam: {@link Dispatcher#leaveHeldCommitsAfter}. */
	void leaveHeldCommitsAfter(java.time.Duration wait) {
		this.parts.dispatcher.leaveHeldCommitsAfter(wait);
	}

	/**
	 * Waits until asynchronous dispatch has delivered everything committed so far.
	 * @param timeoutMillis the longest to wait
	 */
	void awaitDispatch(long timeoutMillis) {
		this.parts.dispatcher.awaitIdle(timeoutMillis);
	}

	/** How many listeners, callbacks and patterns the listener registry holds (zero when none is registered). */
	int listenerRegistrySize() {
		return this.parts.listeners.size();
	}

	@Override
	public Registrations registrations() {
		return new Registrations(this.parts.listeners.infos(), this.parts.graph.infos());
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		ControllerShutdown.stop(this.parts, this.openWatches, () -> this.closed = true, this.closeDeliveryMillis);
	}

	/**
	 * Sets how long {@link #close()} waits for the listeners to hear what was committed; called
	 * by the builder before the controller is handed out (tests set it short). Not public API.
	 * @param timeout the longest wait, zero or positive
	 */
	public void closeDeliveryTimeout(Duration timeout) {
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("closeDeliveryTimeout must not be negative, got " + timeout);
		}
		this.closeDeliveryMillis = timeout.toMillis();
	}

	/**
	 * Sets how long a read at a run's snapshot waits for the commit lock while no commit completes
	 * ({@link PatientCommitLock}); called by the builder (tests set it short). Not public API.
	 * @param patience the longest wait, positive
	 */
	public void snapshotReadPatience(Duration patience) {
		this.parts.journal.patientLock.patienceNanos(patience.toNanos());
	}

	/**
	 * Sets the least time a computed value's {@code get} goes on without a completed commit before
	 * it throws ({@link ComputedImpl}); called by the builder (a test that stalls a get on purpose
	 * sets it short). Not public API.
	 * @param bound the least time, positive
	 */
	public void computedStallBound(Duration bound) {
		this.parts.journal.patientLock.minStallNanos(bound.toNanos());
	}

	OpenWatches openWatches() {
		return this.openWatches;
	}

	@Override
	public String toString() {
		return "StateController[instance=" + this.parts.instanceId + ", backend=" + this.parts.backend.describe() + "]";
	}

}
