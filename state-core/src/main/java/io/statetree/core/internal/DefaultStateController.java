package io.statetree.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;
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
import io.statetree.core.StateException;
import io.statetree.core.StateListener;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.Versioned;
import io.statetree.core.StateView;
import io.statetree.core.StateWriteException;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.Subscription;
import io.statetree.core.TypeRef;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
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
 * engine goes through the {@link GuardedObserver}. Thread-safe.
 */
public final class DefaultStateController implements StateController {

	/** The default capacity of each listener's queue, in events. */
	public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

	/** The default longest wait of a writer for room in a full listener queue. */
	public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(1);

	private final StateBackend backend;

	private final ValueConverter converter;

	private final String instanceId;

	private final GuardedObserver guard;

	private final Dispatcher dispatcher;

	private final @Nullable ExecutorService ownedExecutor;

	/** The commits made while effects run, so that they read snapshots and notice later changes. */
	private final EffectJournal journal;

	private final EffectRunner effects;

	private final EventRouter router;

	private final ListenerRegistry listeners;

	private final DerivationGraph graph;

	private final CommitTemplate commits;

	private final BatchRunner batches;

	private final HistoryAccess history;

	private final Increments increments;

	private final Lifetimes lifetimes;

	private final ScopedReads reads;

	private final GroupListeners groups;

	private final AsyncCalls async;

	private volatile boolean closed;

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
	 * @param offerTimeout how long a writer waits for room in a full listener queue before that
	 * listener's backlog is replaced by one resync event (zero or more)
	 */
	public DefaultStateController(@Nullable StateBackend backend, @Nullable JsonMapper jsonMapper, Dispatch dispatch,
			@Nullable Executor executor, OnError onError, @Nullable String instanceId,
			@Nullable ControllerObserver observer, int queueCapacity, Duration offerTimeout) {
		this(backend, jsonMapper, dispatch, executor, onError, instanceId, observer, queueCapacity, offerTimeout,
				1_000, null);
	}

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
	 */
	public DefaultStateController(@Nullable StateBackend backend, @Nullable JsonMapper jsonMapper, Dispatch dispatch,
			@Nullable Executor executor, OnError onError, @Nullable String instanceId,
			@Nullable ControllerObserver observer, int queueCapacity, Duration offerTimeout, int historySize,
			@Nullable Supplier<@Nullable String> defaultActor) {
		this(backend, jsonMapper, dispatch, executor, onError, instanceId, observer, queueCapacity, offerTimeout,
				historySize, defaultActor, GroupSettings.DEFAULTS);
	}

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
	 */
	public DefaultStateController(@Nullable StateBackend backend, @Nullable JsonMapper jsonMapper, Dispatch dispatch,
			@Nullable Executor executor, OnError onError, @Nullable String instanceId,
			@Nullable ControllerObserver observer, int queueCapacity, Duration offerTimeout, int historySize,
			@Nullable Supplier<@Nullable String> defaultActor, GroupSettings groups) {
		this(backend, jsonMapper, dispatch, executor, onError, instanceId, observer, queueCapacity, offerTimeout,
				historySize, defaultActor, groups, null);
	}

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
		this.backend = (backend != null) ? backend : new InMemoryBackend();
		this.converter = new ValueConverter((jsonMapper != null) ? jsonMapper : JsonMapper.builder().build());
		this.instanceId = (instanceId != null && !instanceId.isBlank()) ? instanceId : UUID.randomUUID().toString();
		this.guard = new GuardedObserver(observer, Objects.requireNonNull(onError, "onError"));
		Executor dispatchExecutor = executor;
		ExecutorService owned = null;
		if (dispatch == Dispatch.ASYNC && dispatchExecutor == null) {
			owned = Dispatcher.newDefaultExecutor();
			dispatchExecutor = owned;
		}
		this.ownedExecutor = owned;
		long startRevision = this.backend.isShared() ? this.backend.revision() : -1;
		long revision = this.backend.revision();
		// one lock serialises commits: the template takes it, the graph and the journal read under it
		ReentrantLock commitLock = new ReentrantLock();
		this.journal = new EffectJournal(commitLock, this.backend::read, revision);
		this.effects = new EffectRunner(this, this.journal, this.guard);
		this.router = new EventRouter(this, this.guard, this.effects);
		this.listeners = new ListenerRegistry(this.router);
		this.graph = new DerivationGraph(this.backend, this.converter, this.guard, commitLock);
		this.dispatcher = new Dispatcher(dispatch, dispatchExecutor, queueCapacity,
				Objects.requireNonNull(offerTimeout, "offerTimeout"), this.router::route, this.guard::overflow,
				startRevision);
		RecentCommits recent = (this.backend.history() == null) ? new RecentCommits(historySize, revision) : null;
		this.commits = new CommitTemplate(this.backend, this.instanceId, commitLock, revision, this.graph, this.journal,
				this.router, this.dispatcher, this.guard, recent, defaultActor);
		this.batches = new BatchRunner(this.backend, this.instanceId, this.commits);
		this.history = new HistoryAccess(this, this.backend, this.commits, recent);
		this.increments = new Increments(this.backend, this.commits, this.graph);
		if (this.backend.isShared()) {
			this.backend.setBackendListener(new RemoteFeedIntake(this.commits, this.journal, this.dispatcher));
		}
		this.lifetimes = new Lifetimes(this.backend, this.instanceId);
		this.reads = new ScopedReads(this.backend, this.batches, this.journal, this.graph, this.guard);
		this.groups = new GroupListeners(this, this.backend, groups, new GroupObserver(observer));
		this.async = new AsyncCalls(this, this.backend, this.converter, this.commits, this.batches, this.dispatcher,
				asyncExecutor);
		ExpirySweeper sweeper = this.commits.sweeper();
		if (sweeper != null) {
			sweeper.start();
		}
	}

	ValueConverter converter() {
		return this.converter;
	}

	// ------------------------------------------------------------------ reads

	@Override
	public @Nullable Object get(StatePath path) {
		return this.reads.read(path);
	}

	@Override
	public List<String> childNames(StatePath path) {
		return this.reads.childNames(path);
	}

	@Override
	public <T> @Nullable T get(StatePath path, Class<T> type) {
		return this.converter.convert(path, get(path), type);
	}

	@Override
	public <T> @Nullable T get(StatePath path, TypeRef<T> type) {
		return this.converter.convert(path, get(path), type);
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
		Object model = this.converter.toModel(p, defaultValue);
		Batch current = this.batches.forWrite();
		if (current != null) {
			return this.batches.joined(current, () -> getOrWrite(p, type, defaultValue),
					() -> current.getOrWrite(p, model, type, defaultValue, this.graph, this.converter));
		}
		this.reads.noteEffectRead(p);
		Object existing = IfAbsentWrite.write(this.commits, new Write(p, model, null));
		return (existing != null) ? this.converter.convert(p, existing, type) : defaultValue;
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
		Object model = this.converter.toModel(path, value);
		if (path.isRoot() && model != null && !StateValues.isBranch(model)) {
			throw new StateWriteException("Cannot write a non-object value at /: the root is always a branch");
		}
		var equality = options.equality();
		var lifetime = this.lifetimes.of(path, options);
		Batch current = this.batches.forWrite();
		if (current != null) {
			return this.batches.joined(current, () -> set(path, value, options), () -> {
				if (current.actor == null) {
					current.actor = options.actor();
				}
				return current.set(path, model, value, equality, options.payload(), lifetime);
			});
		}
		return this.commits.write(new Write(path, model, options.payload(), lifetime), value, equality,
				options.actor());
	}

	@Override
	public boolean setAll(java.util.Map<String, ?> writes) {
		checkOpen();
		return MultiWrite.plan(writes, this.converter).apply(this.batches);
	}

	@Override
	public boolean delete(StatePath path) {
		return set(path, null, WriteOptions.defaults());
	}

	@Override
	public <T> @Nullable T update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function) {
		Objects.requireNonNull(function, "function");
		checkOpen();
		Batch current = this.batches.forWrite();
		if (current != null) {
			return this.batches.joined(current, () -> update(path, type, function),
					() -> current.update(path, type, function, this.graph, this.converter));
		}
		Update<T> update = new Update<>(this.backend, this.converter, path, type, function);
		for (int attempt = 1;; attempt++) {
			this.commits.run(update, null, null, null);
			PreconditionFailedException conflict = update.conflict;
			if (conflict == null) {
				return update.next;
			}
			if (attempt >= CommitTemplate.MAX_ATTEMPTS) {
				throw new StateException("update of " + path + " gave up after " + attempt
						+ " attempts: the value kept changing concurrently", conflict);
			}
		}
	}

	@Override
	public void ping(StatePath path) {
		ping(path, null);
	}

	@Override
	public void ping(StatePath p, @Nullable Object payload) {
		checkOpen();
		Batch current = this.batches.forWrite();
		if (current != null) {
			// heard after the batch commits, once, like its writes
			this.batches.joined(current, () -> ping(p, payload), () -> current.pings.add(new Change(p, null, null, payload)));
			return;
		}
		this.commits.ping(p, payload);
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
		return this.batches.run(writes);
	}

	@Override
	public long revision() {
		return this.backend.isShared() ? this.commits.lastRevision() : this.backend.revision();
	}

	@Override
	public io.statetree.core.AsyncStateController async() {
		return this.async;
	}

	void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("StateController is closed");
		}
	}

	// ------------------------------------------------------------------ listeners (DESIGN §5)

	@Override
	public Subscription subscribe(String pattern, StateListener listener) {
		return this.listeners.subscribe(pattern, listener);
	}

	@Override
	public Subscription subscribe(String pattern, StateListener listener, SubscribeOptions options) {
		Objects.requireNonNull(options, "options");
		String group = options.group();
		if (group == null) {
			return subscribe(pattern, listener);
		}
		checkOpen();
		return this.groups.subscribe(pattern, listener, group);
	}

	@Override
	public List<DeadLetter> deadLetters(String group) {
		return this.groups.deadLetters(group);
	}

	@Override
	public List<GroupStatus> groups() {
		return this.groups.groups();
	}

	@Override
	public boolean unsubscribe(String pattern, StateListener listener) {
		return this.listeners.unsubscribe(pattern, listener);
	}

	@Override
	public String registerCallback(StateListener listener) {
		return this.listeners.registerCallback(listener);
	}

	@Override
	public String registerCallback(StateListener listener, String id, boolean replace) {
		return this.listeners.registerCallback(listener, id, replace);
	}

	@Override
	public boolean unregisterCallback(String id) {
		return this.listeners.unregisterCallback(id);
	}

	@Override
	public Subscription subscribeById(String pattern, String id) {
		return this.listeners.subscribeById(pattern, id);
	}

	@Override
	public boolean unsubscribeById(String pattern, String id) {
		return this.listeners.unsubscribeById(pattern, id);
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
		return this.history.getVersioned(path);
	}

	@Override
	public <T> Versioned<@Nullable T> getVersioned(StatePath path, Class<T> type) {
		Versioned<@Nullable Object> read = getVersioned(path);
		return new Versioned<>(this.converter.convert(path, read.value(), type), read.revision());
	}

	@Override
	public <T> Versioned<@Nullable T> getVersioned(StatePath path, TypeRef<T> type) {
		Versioned<@Nullable Object> read = getVersioned(path);
		return new Versioned<>(this.converter.convert(path, read.value(), type), read.revision());
	}

	@Override
	public List<Commit> history(long afterRevision, int limit) {
		checkOpen();
		return this.history.history(afterRevision, limit);
	}

	@Override
	public StateSnapshot snapshot(StatePath path) {
		checkOpen();
		return this.history.snapshot(path);
	}

	@Override
	public long restore(StateSnapshot snapshot) {
		Objects.requireNonNull(snapshot, "snapshot");
		checkOpen();
		if (this.batches.forWrite() != null) {
			// joins the batch like any write; its revision is known only when the batch commits
			set(snapshot.path(), snapshot.value());
			return revision();
		}
		return this.history.restore(snapshot);
	}

	@Override
	public long increment(StatePath path, long delta) {
		Objects.requireNonNull(path, "path");
		checkOpen();
		Batch current = this.batches.forWrite();
		return (current != null)
				? this.batches.joined(current, () -> increment(path, delta),
						() -> this.increments.inBatch(current, path, delta))
				: this.increments.increment(path, delta);
	}

	/** The history watches read: the backend's own, else the in-memory one. */
	CommitHistory commitHistory() {
		return this.history.commitHistory();
	}

	EventRouter router() {
		return this.router;
	}

	BatchRunner batches() {
		return this.batches;
	}

	// ------------------------------------------------------------------ effects (DESIGN §6)

	@Override
	public Effect track(StateListener effect) {
		Objects.requireNonNull(effect, "effect");
		checkOpen();
		EffectImpl impl = this.effects.add("effect-" + this.listeners.nextId(), effect);
		Event first = this.effects.wholeTree();
		// An effect started inside a batch is not part of it: its first run reads the committed
		// state (a batch that fails or runs again would leave it holding values never committed)
		// and its writes are commits of their own.
		Batch outer = this.batches.suspend();
		try {
			this.effects.runClaimed(impl, first);
		}
		finally {
			this.batches.resume(outer);
		}
		return impl;
	}

	// ------------------------------------------------------------------ derivations (DESIGN §6)

	@Override
	public Derivation derive(StatePath destination, StatePath source,
			Function<@Nullable Object, @Nullable Object> transform) {
		return register(this.graph.derive(destination, source, transform));
	}

	@Override
	public <S> Derivation derive(StatePath destination, StatePath source, Class<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		return register(this.graph.derive(destination, source, type, transform));
	}

	@Override
	public <S> Derivation derive(StatePath destination, StatePath source, TypeRef<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		return register(this.graph.derive(destination, source, type, transform));
	}

	@Override
	public Derivation deriveMany(StatePath destination, List<StatePath> sources,
			Function<DeriveData, @Nullable Object> transform) {
		return register(this.graph.deriveMany(destination, sources, transform));
	}

	@Override
	public Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform) {
		return register(this.graph.deriveTracked(destination, transform));
	}

	@Override
	public Derivation derive(StatePath destination, StatePath source,
			Function<@Nullable Object, @Nullable Object> transform, WriteOptions options) {
		return register(this.graph.derive(destination, source, transform).withOptions(options));
	}

	@Override
	public Derivation deriveMany(StatePath destination, List<StatePath> sources,
			Function<DeriveData, @Nullable Object> transform, WriteOptions options) {
		return register(this.graph.deriveMany(destination, sources, transform).withOptions(options));
	}

	@Override
	public Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform,
			WriteOptions options) {
		return register(this.graph.deriveTracked(destination, transform).withOptions(options));
	}

	@Override
	public <T> io.statetree.core.Computed<T> computed(Function<StateView, T> function) {
		checkOpen();
		return this.journal.computeds.create(this.journal, this.batches, this, function, this::checkOpen);
	}

	/** Adds a derivation to the graph and commits its first value. */
	private Derivation register(DerivationImpl derivation) {
		checkOpen();
		if (derivation.destination.isRoot()) {
			throw new IllegalArgumentException("A derivation cannot write the root");
		}
		this.commits.install(derivation);
		return derivation;
	}

	// ------------------------------------------------------------------ misc

	@Override
	public java.time.@Nullable Duration timeToLive(StatePath path) {
		Objects.requireNonNull(path, "path");
		return this.lifetimes.timeToLive(path);
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	@Override
	public StateBackend backend() {
		return this.backend;
	}

	/** The latest revision this controller committed or heard of. */
	long lastRevision() {
		return this.commits.lastRevision();
	}

	/**
	 * Returns how many times a listener's queue overflowed (its backlog replaced by one resync
	 * event).
	 * @return the count
	 */
	long listenerOverflows() {
		return this.dispatcher.overflows();
	}

	/**
	 * Waits until asynchronous dispatch has delivered everything committed so far.
	 * @param timeoutMillis the longest to wait
	 */
	void awaitDispatch(long timeoutMillis) {
		this.dispatcher.awaitIdle(timeoutMillis);
	}

	/** How many listeners, callbacks and patterns the listener registry holds (zero when none is registered). */
	int listenerRegistrySize() {
		return this.listeners.size();
	}

	@Override
	public Registrations registrations() {
		return new Registrations(this.listeners.infos(), this.graph.infos());
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		// group members leave first, while a listener call under way may still write
		this.groups.close();
		this.closed = true;
		try {
			ExpirySweeper sweeper = this.commits.sweeper();
			if (sweeper != null) {
				// this instance's ephemeral entries go with it, in expiry commits heard before close
				sweeper.close();
			}
			if (this.backend.isShared()) {
				this.backend.setBackendListener(null);
			}
			this.dispatcher.awaitIdle(5_000);
		}
		finally {
			// open watches end with onComplete (a subscriber's throw is logged there, not thrown)
			this.openWatches.closeAll();
			try {
				this.backend.close();
			}
			finally {
				if (this.ownedExecutor != null) {
					this.ownedExecutor.shutdown();
				}
				this.async.close();
			}
		}
	}

	OpenWatches openWatches() {
		return this.openWatches;
	}

	@Override
	public String toString() {
		return "StateController[instance=" + this.instanceId + ", backend=" + this.backend.describe() + "]";
	}

}
