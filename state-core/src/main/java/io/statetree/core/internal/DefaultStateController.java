package io.statetree.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.statetree.core.ControllerObserver;
import io.statetree.core.DeriveData;
import io.statetree.core.Derivation;
import io.statetree.core.DerivationCycleException;
import io.statetree.core.Effect;
import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateException;
import io.statetree.core.StateListener;
import io.statetree.core.StatePath;
import io.statetree.core.StateView;
import io.statetree.core.StateWriteException;
import io.statetree.core.Subscription;
import io.statetree.core.TypeRef;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.SnapshotStore;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The controller. Commits are serialised by one lock (reads never take it); derivations run
 * inside the commit, before the backend applies it, so their writes join it; listeners run after
 * it, outside the lock, through the {@link Dispatcher}.
 */
public final class DefaultStateController implements StateController {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	private static final int MAX_UPDATE_ATTEMPTS = 10_000;

	/** How many times a batch function runs before a batch whose reads keep changing gives up. */
	static final int MAX_BATCH_ATTEMPTS = 100;

	/** The default capacity of each listener's queue, in events. */
	public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

	/** The default longest wait of a writer for room in a full listener queue. */
	public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(1);

	private final StateBackend backend;

	private final ValueConverter converter;

	private final String instanceId;

	private final ControllerObserver observer;

	private final boolean observed;

	private final OnError onError;

	private final Dispatcher dispatcher;

	private final @Nullable ExecutorService ownedExecutor;

	private final ReentrantLock commitLock = new ReentrantLock();

	private final PatternIndex<Callback> index = new PatternIndex<>();

	private final Map<String, Callback> callbacksById = new ConcurrentHashMap<>();

	private final Map<StateListener, Callback> callbacksByListener = Collections.synchronizedMap(new IdentityHashMap<>());

	private final AtomicLong order = new AtomicLong();

	private final AtomicLong generatedIds = new AtomicLong();

	/** Derivations in topological order; replaced under the commit lock. */
	private volatile List<DerivationImpl> derivations = List.of();

	private final List<EffectImpl> effects = new CopyOnWriteArrayList<>();

	/** The commits made while effects run, so that they read snapshots and notice later changes. */
	private final EffectJournal journal;

	private final ThreadLocal<@Nullable Batch> batch = new ThreadLocal<>();

	/** How many batches are open on any thread, so reads skip the thread-local when none is. */
	private final java.util.concurrent.atomic.AtomicInteger openBatches = new java.util.concurrent.atomic.AtomicInteger();

	private final AtomicLong listenerErrors = new AtomicLong();

	private final AtomicLong derivationErrors = new AtomicLong();

	/** The controller's own per-commit work (observer, effects), in revision order like a listener. */
	private final Mailbox system = new Mailbox("statetree-controller", this::systemItem);

	private volatile long lastRevision;

	private volatile boolean closed;

	/**
	 * Creates a controller; use {@link StateController#builder()}.
	 * @param backend the backend, or null for a new in-memory one
	 * @param jsonMapper the mapper, or null for a default one
	 * @param dispatch the dispatch mode
	 * @param executor the executor for asynchronous dispatch, or null for a default one
	 * @param onError what to do when a listener throws
	 * @param instanceId the instance id, or null for a random one
	 * @param observer the observer, or null
	 */
	public DefaultStateController(@Nullable StateBackend backend, @Nullable JsonMapper jsonMapper, Dispatch dispatch,
			@Nullable Executor executor, OnError onError, @Nullable String instanceId,
			@Nullable ControllerObserver observer) {
		this(backend, jsonMapper, dispatch, executor, onError, instanceId, observer, DEFAULT_QUEUE_CAPACITY,
				DEFAULT_OFFER_TIMEOUT);
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
	 * @param offerTimeout how long a writer waits for room in a full listener queue before that
	 * listener's backlog is replaced by one resync event (zero or more)
	 */
	public DefaultStateController(@Nullable StateBackend backend, @Nullable JsonMapper jsonMapper, Dispatch dispatch,
			@Nullable Executor executor, OnError onError, @Nullable String instanceId,
			@Nullable ControllerObserver observer, int queueCapacity, Duration offerTimeout) {
		this.backend = (backend != null) ? backend : new InMemoryBackend();
		this.converter = new ValueConverter((jsonMapper != null) ? jsonMapper : JsonMapper.builder().build());
		this.instanceId = (instanceId != null && !instanceId.isBlank()) ? instanceId : UUID.randomUUID().toString();
		this.observer = (observer != null) ? observer : ControllerObserver.NONE;
		this.observed = observer != null && observer != ControllerObserver.NONE;
		this.onError = Objects.requireNonNull(onError, "onError");
		Executor dispatchExecutor = executor;
		ExecutorService owned = null;
		if (dispatch == Dispatch.ASYNC && dispatchExecutor == null) {
			owned = newDefaultExecutor();
			dispatchExecutor = owned;
		}
		this.ownedExecutor = owned;
		this.dispatcher = new Dispatcher(dispatch, dispatchExecutor, queueCapacity,
				Objects.requireNonNull(offerTimeout, "offerTimeout"), this::route, this::onOverflow,
				this.backend.isShared() ? this.backend.revision() : -1);
		this.lastRevision = this.backend.revision();
		this.journal = new EffectJournal(this.commitLock, this.backend::read, this.lastRevision);
		if (this.backend.isShared()) {
			this.backend.setBackendListener(new FeedListener());
		}
	}

	private static ExecutorService newDefaultExecutor() {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			// one listener's queue runs on one thread at a time; a cached pool lets a slow
			// listener hold its thread without holding up the others
			AtomicLong threads = new AtomicLong();
			return Executors.newCachedThreadPool((runnable) -> {
				Thread thread = new Thread(runnable, "statetree-dispatch-" + threads.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
		}
	}

	ValueConverter converter() {
		return this.converter;
	}

	// ------------------------------------------------------------------ reads

	@Override
	public @Nullable Object get(StatePath path) {
		Tracker.record(path);
		Batch current = currentBatch();
		EffectJournal.Run effectRun = EffectJournal.current();
		Object value;
		if (effectRun != null && effectRun.journal == this.journal) {
			// inside a tracked effect: recorded with the revision read at, and read at the run's snapshot
			effectRun.read(path);
			value = (current != null) ? batchRead(current, path) : this.journal.read(effectRun, path);
		}
		else {
			value = (current != null) ? batchRead(current, path) : this.backend.read(path);
		}
		if (this.observed) {
			notifyRead(path);
		}
		if (value == null && path.isRoot()) {
			return StateValues.emptyBranch();
		}
		return value;
	}

	@Override
	public List<String> childNames(StatePath path) {
		EffectJournal.Run effectRun = EffectJournal.current();
		if (currentBatch() != null || (effectRun != null && effectRun.journal == this.journal)) {
			// inside a batch or an effect, listing children is a read like get: tracked, at the
			// run's snapshot, checked at the batch's commit, and showing derived values
			Object value = get(path);
			return (value instanceof Map<?, ?> map) ? map.keySet().stream().map(String::valueOf).toList() : List.of();
		}
		Tracker.record(path);
		List<String> names = this.backend.childNames(path);
		if (this.observed) {
			notifyRead(path);
		}
		return names;
	}

	private @Nullable Batch currentBatch() {
		return (this.openBatches.get() > 0) ? this.batch.get() : null;
	}

	private void notifyRead(StatePath path) {
		try {
			this.observer.onRead(path);
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed on read of {}", path, ex);
		}
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
		Batch current = currentBatch();
		if (current != null) {
			Object existing = batchRead(current, p);
			if (existing != null) {
				return this.converter.convert(p, existing, type);
			}
			current.add(new Write(p, model, null));
			return defaultValue;
		}
		EffectJournal.Run effectRun = EffectJournal.current();
		if (effectRun != null && effectRun.journal == this.journal) {
			// a read inside an effect: a later change of the path runs it again
			effectRun.read(p);
		}
		while (true) {
			Throwable failure;
			lockForCommit();
			try {
				Object existing = this.backend.read(p);
				if (existing != null) {
					return this.converter.convert(p, existing, type);
				}
				try {
					commit(List.of(new Write(p, model, null)), this.backend.isShared() ? List.of(new Precondition(p, null)) : List.of());
				}
				catch (PreconditionFailedException ex) {
					continue;
				}
			}
			finally {
				this.commitLock.unlock();
			}
			failure = this.dispatcher.drain();
			rethrowIfConfigured(failure);
			return defaultValue;
		}
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
		Batch current = currentBatch();
		if (current != null) {
			Object existing = current.tx.readUntracked(path);
			if (equality != null ? equality.test(existing, value) : StateValues.equal(existing, model)) {
				// writing nothing depends on the value there: check it at commit like a read
				if (!StateValues.equal(current.tx.read(path), existing)) {
					current.tx.markConflicted();
				}
				return false;
			}
			current.add(new Write(path, model, options.payload()));
			return true;
		}
		boolean changed;
		lockForCommit();
		try {
			if (equality != null && equality.test(this.backend.read(path), value)) {
				return false;
			}
			changed = commit(List.of(new Write(path, model, options.payload())), List.of());
		}
		finally {
			this.commitLock.unlock();
		}
		if (changed) {
			rethrowIfConfigured(this.dispatcher.drain());
		}
		return changed;
	}

	@Override
	public boolean delete(StatePath path) {
		return set(path, null, WriteOptions.defaults());
	}

	@Override
	public <T> @Nullable T update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function) {
		Objects.requireNonNull(function, "function");
		checkOpen();
		Batch current = currentBatch();
		if (current != null) {
			Object existing = batchRead(current, path);
			T next = function.apply(this.converter.convert(path, existing, type));
			Object model = this.converter.toModel(path, next);
			if (!StateValues.equal(existing, model)) {
				current.add(new Write(path, model, null));
			}
			return next;
		}
		for (int attempt = 1;; attempt++) {
			T next;
			boolean changed;
			lockForCommit();
			try {
				Object existing = this.backend.read(path);
				next = function.apply(this.converter.convert(path, existing, type));
				Object model = this.converter.toModel(path, next);
				if (StateValues.equal(existing, model)) {
					return next;
				}
				List<Precondition> preconditions = this.backend.isShared() ? List.of(new Precondition(path, existing))
						: List.of();
				try {
					changed = commit(List.of(new Write(path, model, null)), preconditions);
				}
				catch (PreconditionFailedException ex) {
					if (attempt >= MAX_UPDATE_ATTEMPTS) {
						throw new StateException("update of " + path + " gave up after " + attempt
								+ " attempts: the value kept changing concurrently", ex);
					}
					continue;
				}
			}
			finally {
				this.commitLock.unlock();
			}
			if (changed) {
				rethrowIfConfigured(this.dispatcher.drain());
			}
			return next;
		}
	}

	@Override
	public void ping(StatePath path) {
		ping(path, null);
	}

	@Override
	public void ping(StatePath p, @Nullable Object payload) {
		checkOpen();
		Batch current = currentBatch();
		if (current != null) {
			// heard after the batch commits, once, like its writes
			current.pings.add(new Change(p, null, null, payload));
			return;
		}
		lockForCommit();
		try {
			Object value = this.backend.read(p);
			submitPing(p, value, payload);
		}
		finally {
			this.commitLock.unlock();
		}
		rethrowIfConfigured(this.dispatcher.drain());
	}

	/** Queues a ping's delivery. Called with the commit lock held. */
	private void submitPing(StatePath p, @Nullable Object value, @Nullable Object payload) {
		this.dispatcher.submit(new CommitRecord(this.lastRevision, this.instanceId,
				List.of(new Change(p, value, value, payload)), CommitRecord.Kind.PING, nextDepth(),
				Thread.currentThread()));
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
		Batch outer = currentBatch();
		if (outer != null) {
			return writes.get();
		}
		R outcome;
		List<Change> pings;
		boolean changed = false;
		for (int attempt = 1;; attempt++) {
			// The first run is optimistic: it reads without the commit lock. After a conflict the
			// function runs under the lock, as update's does, so this controller's other writers
			// cannot make it fail again; only other instances (or writes behind the controller's
			// back) still can.
			boolean holding = false;
			if (attempt > 1) {
				lockForCommit();
				holding = true;
			}
			R result;
			Batch current = new Batch(new TxView(this.backend, true));
			try {
				this.batch.set(current);
				this.openBatches.incrementAndGet();
				try {
					result = writes.get();
				}
				catch (RuntimeException | Error ex) {
					if (ex instanceof VirtualMachineError || !sawTwoStates(current.tx)) {
						throw ex;
					}
					// the function concluded from reads of two states of the tree (a value one read
					// and another read after a commit changed it): run it again on one state
					checkAttempts(attempt, null, ex);
					continue;
				}
				finally {
					this.batch.remove();
					this.openBatches.decrementAndGet();
				}
				if (current.tx.conflicted()) {
					checkAttempts(attempt, null, null);
					continue;
				}
				if (current.tx.writes().isEmpty()) {
					if (!current.tx.isSnapshot() && !confirmReads(current.tx.preconditions())) {
						checkAttempts(attempt, null, null);
						continue;
					}
					outcome = result;
					pings = current.pings;
					break;
				}
				if (!holding) {
					lockForCommit();
					holding = true;
				}
				try {
					changed = commit(current.tx.writes(), current.tx.preconditions());
				}
				catch (PreconditionFailedException ex) {
					checkAttempts(attempt, ex.getPath(), ex);
					continue;
				}
				outcome = result;
				pings = current.pings;
				break;
			}
			finally {
				if (holding) {
					this.commitLock.unlock();
				}
			}
		}
		if (!pings.isEmpty()) {
			// pings made inside the batch are heard once, after it committed (never for a run that
			// was repeated or a batch that threw)
			lockForCommit();
			try {
				for (Change ping : pings) {
					Object current = this.backend.read(ping.path());
					submitPing(ping.path(), current, ping.payload());
				}
			}
			finally {
				this.commitLock.unlock();
			}
		}
		if (changed || !pings.isEmpty()) {
			rethrowIfConfigured(this.dispatcher.drain());
		}
		return outcome;
	}

	/**
	 * Gives up a batch whose reads changed before it could commit, once it ran as often as allowed.
	 * @param attempt how many times its function ran
	 * @param path the read that changed, when known
	 * @param cause the backend's report, when there is one
	 */
	private static void checkAttempts(int attempt, @Nullable StatePath path, @Nullable Throwable cause) {
		if (attempt < MAX_BATCH_ATTEMPTS) {
			return;
		}
		String what = (path != null) ? "a value it read (" + path + ")" : "the values it read";
		throw new StateException("batch gave up after " + attempt + " attempts: " + what
				+ " kept changing concurrently; nothing was written", cause);
	}

	/**
	 * Tells whether a batch's reads, made one by one on a backend without snapshots, did not all
	 * see one state of the tree.
	 */
	private boolean sawTwoStates(TxView tx) {
		if (tx.conflicted()) {
			return true;
		}
		return !tx.isSnapshot() && !confirmReads(tx.preconditions());
	}

	/**
	 * Checks, atomically in the backend, that several values a read-only batch read one by one are
	 * still what it saw, so together they were one state of the tree. Writes nothing.
	 */
	private boolean confirmReads(List<Precondition> reads) {
		if (reads.size() < 2) {
			return true;
		}
		try {
			this.backend.commit(new CommitRequest(List.of(), reads, this.instanceId));
			return true;
		}
		catch (PreconditionFailedException ex) {
			return false;
		}
	}

	/**
	 * Reads inside a batch: through its writes and, where a derivation writes, with the
	 * derivations recomputed from them, so derived values agree with the batch's own writes.
	 */
	private @Nullable Object batchRead(Batch current, StatePath path) {
		List<DerivationImpl> ordered = this.derivations;
		TxView tx = current.tx;
		if (ordered.isEmpty() || tx.writes().isEmpty() || !derivedBelowOrAbove(ordered, path)) {
			return tx.read(path);
		}
		TxView derived = current.derived;
		if (derived == null || current.derivedFor != tx.writes().size()) {
			derived = tx.fork();
			runDerivations(derived, ordered, null, true);
			current.derived = derived;
			current.derivedFor = tx.writes().size();
		}
		return derived.read(path);
	}

	private static boolean derivedBelowOrAbove(List<DerivationImpl> ordered, StatePath path) {
		for (DerivationImpl derivation : ordered) {
			if (!derivation.closed && related(derivation.destination, path)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public long revision() {
		return this.backend.isShared() ? this.lastRevision : this.backend.revision();
	}

	private void lockForCommit() {
		int depth = nextDepth();
		if (depth > Dispatcher.MAX_CASCADE_DEPTH) {
			logger.error("StateTree stopped a cascade of listener writes after {} rounds", Dispatcher.MAX_CASCADE_DEPTH);
			throw new StateWriteException("Listener cascade deeper than " + Dispatcher.MAX_CASCADE_DEPTH
					+ " rounds: the write was refused");
		}
		this.commitLock.lock();
	}

	private int nextDepth() {
		return this.dispatcher.currentDepth() + 1;
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("StateController is closed");
		}
	}

	private void rethrowIfConfigured(@Nullable Throwable failure) {
		if (failure != null && this.onError == OnError.RETHROW) {
			if (failure instanceof RuntimeException ex) {
				throw ex;
			}
			if (failure instanceof Error error) {
				throw error;
			}
			throw new StateException("Listener failed: " + failure.getMessage(), failure);
		}
	}

	/**
	 * Commits writes with the derivations they trigger, and queues the changes for delivery.
	 * Called with the commit lock held.
	 * @return whether anything changed
	 */
	private boolean commit(List<Write> writes, List<Precondition> preconditions) {
		return commit(writes, preconditions, null);
	}

	private boolean commit(List<Write> writes, List<Precondition> preconditions, @Nullable DerivationImpl forced) {
		// On a shared backend another instance may change a derivation's sources between the read
		// that computes it and the commit: the sources read are checked in the commit too, and the
		// derivations computed again when one changed (this controller's writers wait on its lock).
		boolean shared = this.backend.isShared();
		Set<DerivationImpl> retracked = Set.of();
		CommitResult result;
		for (int attempt = 1;; attempt++) {
			List<Write> all = writes;
			List<Precondition> checked = preconditions;
			List<DerivationImpl> current = this.derivations;
			TxView tx = null;
			if (!current.isEmpty() || forced != null) {
				tx = new TxView(this.backend, shared);
				for (Write write : writes) {
					tx.add(write);
				}
				Set<DerivationImpl> ran = runDerivations(tx, current, forced, false);
				if (!ran.isEmpty()) {
					if (retracked.isEmpty()) {
						retracked = new HashSet<>();
					}
					retracked.addAll(ran);
				}
				all = tx.writes();
				if (shared) {
					if (tx.conflicted() && attempt < MAX_UPDATE_ATTEMPTS) {
						continue;
					}
					List<Precondition> sources = tx.preconditions();
					if (!sources.isEmpty()) {
						checked = new ArrayList<>(preconditions);
						checked.addAll(sources);
					}
				}
			}
			if (all.isEmpty()) {
				if (!retracked.isEmpty()) {
					reorderDerivations();
				}
				return false;
			}
			CommitRequest request = new CommitRequest(all, checked, this.instanceId);
			try {
				SnapshotStore snapshots = (tx != null && tx.base() != null) ? this.backend.snapshotStore() : null;
				result = (snapshots != null) ? snapshots.commit(request, tx.base(), tx.applied())
						: this.backend.commit(request);
			}
			catch (PreconditionFailedException ex) {
				if (checked == preconditions || attempt >= MAX_UPDATE_ATTEMPTS || !names(checked, ex)
						|| names(preconditions, ex)) {
					throw ex;
				}
				// a source a derivation read changed: compute again from the new state
				continue;
			}
			break;
		}
		List<Change> changed = changedOnly(result.changes());
		if (!retracked.isEmpty()) {
			reorderDerivations();
		}
		if (changed.isEmpty()) {
			this.dispatcher.skip(result.revision(), false);
			return false;
		}
		this.lastRevision = Math.max(this.lastRevision, result.revision());
		this.journal.record(result.revision(), this.instanceId, changed);
		if (hasAudience()) {
			this.dispatcher.submit(new CommitRecord(result.revision(), this.instanceId, changed,
					CommitRecord.Kind.LOCAL, nextDepth(), Thread.currentThread()));
		}
		else {
			this.dispatcher.skip(result.revision(), false);
		}
		return true;
	}

	/**
	 * Whether a failed precondition is one of these (the caller's own are left to its retry; only
	 * a derivation's read is retried by the commit).
	 */
	private static boolean names(List<Precondition> preconditions, PreconditionFailedException ex) {
		StatePath path = ex.getPath();
		for (Precondition precondition : preconditions) {
			if (precondition.path().equals(path)) {
				return true;
			}
		}
		return false;
	}

	/** The changes whose value really changed, as an immutable list. */
	private static List<Change> changedOnly(List<Change> changes) {
		if (changes.size() == 1) {
			Change only = changes.get(0);
			return StateValues.equal(only.oldValue(), only.newValue()) ? List.of() : List.of(only);
		}
		List<Change> changed = new ArrayList<>(changes.size());
		for (Change change : changes) {
			if (!StateValues.equal(change.oldValue(), change.newValue())) {
				changed.add(change);
			}
		}
		return List.copyOf(changed);
	}

	/**
	 * Tells whether anyone could hear a commit now. A commit nobody can hear is not queued; one
	 * who subscribes later never hears earlier commits anyway.
	 */
	private boolean hasAudience() {
		return this.observed || !this.index.isEmpty() || !this.effects.isEmpty();
	}

	private static boolean related(StatePath a, StatePath b) {
		return a.isAncestorOrSelf(b) || b.isAncestorOf(a);
	}

	/**
	 * Recomputes, in topological order, every derivation whose sources the pending writes change,
	 * adding their writes to the transaction. Each runs at most once.
	 * @param preview whether this only shows a batch what its writes will derive: then nothing
	 * registered changes (tracked sources, counts) and failures are left to the commit to report
	 * @return the tracked derivations whose sources changed
	 */
	private Set<DerivationImpl> runDerivations(TxView tx, List<DerivationImpl> ordered, @Nullable DerivationImpl forced,
			boolean preview) {
		Written written = new Written();
		for (Write write : tx.writes()) {
			written.add(write.path());
		}
		Map<StatePath, Object> before = new HashMap<>();
		Set<DerivationImpl> retracked = new HashSet<>();
		for (DerivationImpl derivation : ordered) {
			if (derivation.closed) {
				continue;
			}
			boolean run = derivation == forced;
			if (!run) {
				run = sourcesChanged(derivation, written, tx, before);
			}
			if (!run) {
				continue;
			}
			Object value;
			long start = this.observed ? System.nanoTime() : 0;
			if (preview) {
				try {
					Object[] holder = new Object[1];
					Tracker.recording(() -> holder[0] = derivation.compute.apply(tx::read));
					Object model = this.converter.toModel(derivation.destination, holder[0]);
					if (!StateValues.equal(tx.read(derivation.destination), model)) {
						tx.add(new Write(derivation.destination, model, null));
						written.add(derivation.destination);
					}
				}
				catch (RuntimeException ex) {
					// keeps its last value here as it will at commit, which reports the failure
				}
				continue;
			}
			try {
				if (derivation.tracked) {
					Object[] holder = new Object[1];
					Set<StatePath> reads = Tracker.recording(() -> holder[0] = derivation.compute.apply(tx::read));
					value = holder[0];
					List<StatePath> newSources = List.copyOf(reads);
					if (!newSources.equals(derivation.sources)) {
						derivation.sources = newSources;
						retracked.add(derivation);
					}
				}
				else {
					value = derivation.compute.apply(tx::read);
				}
				Object model = this.converter.toModel(derivation.destination, value);
				if (!StateValues.equal(tx.read(derivation.destination), model)) {
					tx.add(new Write(derivation.destination, model, null));
					written.add(derivation.destination);
				}
				observeDerivation(derivation, start, null);
			}
			catch (VirtualMachineError error) {
				throw error;
			}
			catch (Throwable ex) {
				this.derivationErrors.incrementAndGet();
				// the failure may quote state values (a conversion error quotes its input): never log them
				Throwable safe = Redacted.of(ex);
				logFailure(derivation.failures, "derivation of " + derivation.destination, ex, safe,
						"; it keeps its last value");
				observeDerivation(derivation, start, safe);
			}
		}
		return retracked;
	}

	/**
	 * The paths a transaction wrote, indexed so that "does a write touch this source" costs a
	 * few hash lookups instead of a scan of every write.
	 */
	private static final class Written {

		/** The written paths, in order; scanned while few. */
		private final List<StatePath> list = new ArrayList<>();

		/** The written paths, once there are many. */
		private @Nullable Set<StatePath> paths;

		/** Every strict ancestor of a written path, once there are many. */
		private @Nullable Set<StatePath> ancestors;

		void add(StatePath path) {
			this.list.add(path);
			if (this.paths == null && this.list.size() > 16) {
				this.paths = new HashSet<>();
				this.ancestors = new HashSet<>();
				for (StatePath written : this.list) {
					index(written);
				}
			}
			else if (this.paths != null) {
				index(path);
			}
		}

		private void index(StatePath path) {
			if (this.paths.add(path)) {
				for (int depth = path.depth() - 1; depth >= 0; depth--) {
					if (!this.ancestors.add(path.prefix(depth))) {
						break;
					}
				}
			}
		}

		/** Whether a write is at, above or below the path. */
		boolean touches(StatePath source) {
			Set<StatePath> set = this.paths;
			if (set == null) {
				for (StatePath written : this.list) {
					if (related(written, source)) {
						return true;
					}
				}
				return false;
			}
			if (set.contains(source) || this.ancestors.contains(source)) {
				return true;
			}
			for (int depth = source.depth() - 1; depth >= 0; depth--) {
				if (set.contains(source.prefix(depth))) {
					return true;
				}
			}
			return false;
		}

	}

	private boolean sourcesChanged(DerivationImpl derivation, Written written, TxView tx,
			Map<StatePath, Object> before) {
		for (StatePath source : derivation.sources) {
			if (written.touches(source)) {
				Map<String, Object> base = tx.base();
				Object old;
				if (base != null) {
					old = StateValues.getIn(base, source);
				}
				else {
					old = before.computeIfAbsent(source, (s) -> {
						Object v = this.backend.read(s);
						return (v != null) ? v : NONE;
					});
					old = (old == NONE) ? null : old;
				}
				if (!StateValues.equal(old, tx.read(source))) {
					return true;
				}
			}
		}
		return false;
	}

	private static final Object NONE = new Object();

	private void observeDerivation(DerivationImpl derivation, long start, @Nullable Throwable error) {
		if (this.observed) {
			try {
				this.observer.onDerivation(derivation.destination, Duration.ofNanos(System.nanoTime() - start), error);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
	}

	// ------------------------------------------------------------------ events

	@Override
	public Subscription subscribe(String pattern, StateListener listener) {
		PathPattern compiled = PathPattern.compile(pattern);
		Objects.requireNonNull(listener, "listener");
		Callback callback = this.callbacksByListener.computeIfAbsent(listener,
				(l) -> newCallback("listener-" + this.generatedIds.incrementAndGet(), l, false));
		addSubscription(compiled, callback);
		return () -> removeSubscription(compiled, callback);
	}

	private Callback newCallback(String id, StateListener listener, boolean byId) {
		Callback callback = new Callback(id, listener, this::resyncItem);
		if (byId) {
			this.callbacksById.put(id, callback);
		}
		return callback;
	}

	private void addSubscription(PathPattern pattern, Callback callback) {
		if (this.index.add(pattern, callback, this.order.incrementAndGet())) {
			callback.patterns.add(pattern);
		}
	}

	private boolean removeSubscription(PathPattern pattern, Callback callback) {
		callback.patterns.remove(pattern);
		return this.index.remove(pattern, callback);
	}

	@Override
	public boolean unsubscribe(String pattern, StateListener listener) {
		PathPattern compiled = PathPattern.compile(pattern);
		boolean removed = false;
		Callback callback = this.callbacksByListener.get(listener);
		if (callback != null) {
			removed = removeSubscription(compiled, callback);
		}
		for (Callback byId : this.callbacksById.values()) {
			if (byId.listener == listener) {
				removed |= removeSubscription(compiled, byId);
			}
		}
		return removed;
	}

	@Override
	public String registerCallback(StateListener listener) {
		Objects.requireNonNull(listener, "listener");
		synchronized (this.callbacksById) {
			for (Callback callback : this.callbacksById.values()) {
				if (callback.listener == listener) {
					return callback.id;
				}
			}
			String id;
			do {
				id = "callback-" + this.generatedIds.incrementAndGet();
			}
			while (this.callbacksById.containsKey(id));
			newCallback(id, listener, true);
			return id;
		}
	}

	@Override
	public String registerCallback(StateListener listener, String id, boolean replace) {
		Objects.requireNonNull(listener, "listener");
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("A callback id must not be blank");
		}
		synchronized (this.callbacksById) {
			Callback existing = this.callbacksById.get(id);
			if (existing != null) {
				if (existing.listener == listener) {
					return id;
				}
				if (!replace) {
					throw new IllegalStateException("A different listener is already registered under id '" + id
							+ "'; pass replace=true to replace it");
				}
				existing.listener = listener;
				return id;
			}
			newCallback(id, listener, true);
			return id;
		}
	}

	@Override
	public boolean unregisterCallback(String id) {
		Callback callback = this.callbacksById.remove(id);
		if (callback == null) {
			return false;
		}
		for (PathPattern pattern : List.copyOf(callback.patterns)) {
			removeSubscription(pattern, callback);
		}
		return true;
	}

	@Override
	public Subscription subscribeById(String pattern, String id) {
		PathPattern compiled = PathPattern.compile(pattern);
		Callback callback = this.callbacksById.get(id);
		if (callback == null) {
			throw new IllegalArgumentException("No callback is registered under id '" + id + "'");
		}
		addSubscription(compiled, callback);
		return () -> removeSubscription(compiled, callback);
	}

	@Override
	public boolean unsubscribeById(String pattern, String id) {
		PathPattern compiled = PathPattern.compile(pattern);
		Callback callback = this.callbacksById.get(id);
		return callback != null && removeSubscription(compiled, callback);
	}

	@Override
	public Flow.Publisher<StateEvent> watch(String pattern) {
		PathPattern.compile(pattern);
		return new WatchPublisher(this, pattern, WatchPublisher.DEFAULT_BUFFER);
	}

	/**
	 * Routes one commit: the items every listener hears, in delivery order (for each change,
	 * changed descendants deepest first, then the bubbling walk deepest first; at one path in
	 * registration order), then the controller's own item (observer, effects). Runs under the
	 * commit lock and runs no user code.
	 */
	private List<DeliveryItem> route(CommitRecord record) {
		Delivery delivery = new Delivery(record);
		if (this.observed && record.kind() != CommitRecord.Kind.PING && record.kind() != CommitRecord.Kind.RESYNC) {
			delivery.items.add(new DeliveryItem(this.system, record, () -> {
				try {
					this.observer.onCommit(record.revision(), record.origin(), record.changes());
				}
				catch (RuntimeException ex) {
					logger.warn("StateTree observer failed on commit {}", record.revision(), ex);
				}
				return null;
			}, null, 0, null));
		}
		if (record.kind() == CommitRecord.Kind.RESYNC) {
			delivery.resync();
		}
		else {
			for (Change change : record.changes()) {
				delivery.change(change);
			}
		}
		if (!this.effects.isEmpty()) {
			delivery.items.add(systemItem(record));
		}
		return delivery.items;
	}

	/**
	 * The controller's effects for one commit (or, for a resync record, for everything). The
	 * observer hears of the commit in an item of the same queue before the listeners.
	 */
	private DeliveryItem systemItem(CommitRecord record) {
		return new DeliveryItem(this.system, record, () -> {
			EffectJournal.Run outer = EffectJournal.suspend();
			try {
				Delivery delivery = new Delivery(record);
				runEffects(record, delivery);
				return delivery.firstFailure;
			}
			finally {
				EffectJournal.resume(outer);
			}
		}, null, 0, null);
	}

	/** The item that replaces a listener's overflowed backlog: one resync event for {@code /}. */
	private DeliveryItem resyncItem(Callback callback, CommitRecord record) {
		Event event = new Event(this, StatePath.ROOT, StatePath.ROOT, null, null, null, null, record.revision(),
				record.origin(), CommitRecord.Kind.RESYNC);
		return new DeliveryItem(callback.mailbox, record, () -> invoke(callback, event), null, 0, event);
	}

	private void onOverflow(String listenerId, int dropped, int capacity, long logDecision) {
		// every overflow is counted; the log has its first in full, then one summary per interval
		if (logDecision == FailureLog.LOG_FULL) {
			logger.warn("StateTree listener '{}' fell more than {} events behind; its {} queued events were replaced "
					+ "by one resync event (raise statetree.listeners.queue-capacity or offer-timeout, or speed the "
					+ "listener up); further overflows of this listener are summarised", listenerId, capacity, dropped);
		}
		else if (logDecision > 0) {
			logger.warn("StateTree listener '{}' overflowed {} more times in the last {} s (queue capacity {})",
					listenerId, logDecision,
					java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(FailureLog.SUMMARY_INTERVAL_NANOS), capacity);
		}
		if (this.observed) {
			try {
				this.observer.onListenerOverflow(listenerId, dropped);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
	}

	/**
	 * Calls one listener with one event. Runs on the delivering thread, never under a lock of
	 * the controller.
	 * @return what it threw, or null
	 */
	/**
	 * Runs a listener outside any effect run: in synchronous mode an effect's first run drains
	 * the commits it makes on its own thread, and listeners must not read at its snapshot nor
	 * become its dependencies.
	 */
	private @Nullable Throwable invoke(Callback callback, Event event) {
		EffectJournal.Run outer = EffectJournal.suspend();
		try {
			return invokeListener(callback, event);
		}
		finally {
			EffectJournal.resume(outer);
		}
	}

	private @Nullable Throwable invokeListener(Callback callback, Event event) {
		PathPattern pattern = event.pattern();
		if (pattern != null && !callback.patterns.contains(pattern)) {
			// unsubscribed after the commit was queued
			return null;
		}
		long start = this.observed ? System.nanoTime() : 0;
		Throwable error = null;
		try {
			callback.listener.onChange(event);
		}
		catch (VirtualMachineError fatal) {
			throw fatal;
		}
		catch (Throwable ex) {
			error = ex;
			this.listenerErrors.incrementAndGet();
			logListenerFailure(callback, event, ex);
		}
		if (this.observed) {
			try {
				this.observer.onListener(callback.id, event.path(), Duration.ofNanos(System.nanoTime() - start), error);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
		return error;
	}

	/**
	 * Logs a derivation's or an effect's failure like a listener's: the first with its stack
	 * trace (redacted: only StateTree's own messages, which never quote values), then at most one
	 * summary line per interval with the count.
	 */
	private static void logFailure(FailureLog failures, String what, Throwable ex, Throwable safe, String where) {
		long decision = failures.record();
		if (decision == FailureLog.LOG_FULL) {
			logger.warn("StateTree {} failed{} ({}); further failures of it are summarised", what, where,
					Redacted.describe(ex), safe);
		}
		else if (decision > 0) {
			logger.warn("StateTree {} failed {} more times in the last {} s (the latest: {}{})", what, decision,
					java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(FailureLog.SUMMARY_INTERVAL_NANOS),
					Redacted.describe(ex), where);
		}
	}

	/**
	 * Logs a listener failure: the first of each listener with its stack trace, then at most
	 * one summary line per interval with the count. Never logs values.
	 */
	private static void logListenerFailure(Callback callback, Event event, Throwable ex) {
		long decision = callback.failures.record();
		if (decision == FailureLog.LOG_FULL) {
			logger.warn("StateTree listener '{}' failed on {} (emitting path {}, revision {}); further failures of "
					+ "this listener are summarised", callback.id, event.path(), event.emittingPath(), event.revision(),
					ex);
		}
		else if (decision > 0) {
			logger.warn("StateTree listener '{}' failed {} more times in the last {} s (the latest: {} on {}, "
					+ "revision {})", callback.id, decision,
					java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(FailureLog.SUMMARY_INTERVAL_NANOS),
					ex.getClass().getName(), event.path(), event.revision());
		}
	}

	/**
	 * Routes one commit into items. Only the caller's thread touches it.
	 */
	private final class Delivery {

		final CommitRecord record;

		final List<DeliveryItem> items = new ArrayList<>();

		/** Who heard which emitting path in this commit: pairs, scanned (commits are small). */
		private @Nullable List<Object> heard;

		/** The same pairs in a set, once there are many. */
		private @Nullable Set<Heard> heardSet;

		/** Set by the effects run through {@link #runEffects}. */
		@Nullable Throwable firstFailure;

		Delivery(CommitRecord record) {
			this.record = record;
		}

		void resync() {
			Set<Callback> seen = Collections.newSetFromMap(new IdentityHashMap<>());
			for (PatternIndex.Entry<Callback> entry : DefaultStateController.this.index.entries()) {
				if (seen.add(entry.value())) {
					add(entry.value(), new Event(DefaultStateController.this, StatePath.ROOT, StatePath.ROOT, null, null,
							null, entry.pattern(), this.record.revision(), this.record.origin(), CommitRecord.Kind.RESYNC),
							null, 0);
				}
			}
		}

		void change(Change change) {
			PatternIndex<Callback> index = DefaultStateController.this.index;
			if (index.isEmpty()) {
				return;
			}
			StatePath w = change.path();
			int depth = w.depth();
			PatternIndex.Cursor<Callback>[] cursors = cursors(index, w);
			// 2. changed descendants of a subtree write, deepest first
			PatternIndex.Cursor<Callback> last = cursors[depth];
			if (this.record.kind() != CommitRecord.Kind.PING && last != null && !last.isDead()
					&& (change.oldValue() instanceof Map || change.newValue() instanceof Map)) {
				List<Pending> pending = new ArrayList<>();
				diff(last, w, change.oldValue(), change.newValue(), pending);
				if (!pending.isEmpty()) {
					pending.sort((a, b) -> Integer.compare(b.path.depth(), a.path.depth()));
					for (Pending p : pending) {
						for (PatternIndex.Entry<Callback> entry : p.matches) {
							if (firstHearing(entry.value(), p.path)) {
								add(entry.value(), new Event(DefaultStateController.this, p.path, p.path, p.oldValue,
										p.newValue, change.payload(), entry.pattern(), this.record.revision(),
										this.record.origin(), this.record.kind()), null, 0);
							}
						}
					}
				}
			}
			// 1. bubbling from w up to the root, deepest first; a level runs after the deeper ones
			// finished, and not at all when one of them stopped bubbling
			List<Callback> callbacks = null;
			List<Event> events = null;
			List<Integer> levels = null;
			int level = -1;
			for (int i = depth; i >= 0; i--) {
				PatternIndex.Cursor<Callback> cursor = cursors[i];
				if (cursor == null || cursor.isDead()) {
					continue;
				}
				List<PatternIndex.Entry<Callback>> matches = cursor.matches();
				if (matches.isEmpty()) {
					continue;
				}
				StatePath at = (i == depth) ? w : w.prefix(i);
				boolean any = false;
				for (PatternIndex.Entry<Callback> entry : matches) {
					if (firstHearing(entry.value(), w)) {
						if (callbacks == null) {
							callbacks = new ArrayList<>(4);
							events = new ArrayList<>(4);
							levels = new ArrayList<>(4);
						}
						if (!any) {
							any = true;
							level++;
						}
						callbacks.add(entry.value());
						events.add(new Event(DefaultStateController.this, at, w, change.oldValue(), change.newValue(),
								change.payload(), entry.pattern(), this.record.revision(), this.record.origin(),
								this.record.kind()));
						levels.add(level);
					}
				}
			}
			if (callbacks == null) {
				return;
			}
			BubblingWalk walk = null;
			if (level > 0) {
				int[] remaining = new int[level + 1];
				for (int l : levels) {
					remaining[l]++;
				}
				walk = new BubblingWalk(remaining);
			}
			for (int k = 0; k < callbacks.size(); k++) {
				add(callbacks.get(k), events.get(k), walk, levels.get(k));
			}
		}

		private void add(Callback callback, Event event, @Nullable BubblingWalk walk, int level) {
			this.items.add(new DeliveryItem(callback.mailbox, this.record, () -> invoke(callback, event), walk, level,
					event));
		}

		private boolean firstHearing(Callback callback, StatePath emittingPath) {
			Set<Heard> set = this.heardSet;
			if (set != null) {
				return set.add(new Heard(callback, emittingPath));
			}
			List<Object> pairs = this.heard;
			if (pairs == null) {
				pairs = new ArrayList<>(8);
				this.heard = pairs;
			}
			for (int i = 0; i < pairs.size(); i += 2) {
				if (pairs.get(i) == callback && pairs.get(i + 1).equals(emittingPath)) {
					return false;
				}
			}
			pairs.add(callback);
			pairs.add(emittingPath);
			if (pairs.size() > 32) {
				set = new HashSet<>();
				for (int i = 0; i < pairs.size(); i += 2) {
					set.add(new Heard((Callback) pairs.get(i), (StatePath) pairs.get(i + 1)));
				}
				this.heardSet = set;
			}
			return true;
		}

		@SuppressWarnings("unchecked")
		private PatternIndex.Cursor<Callback>[] cursors(PatternIndex<Callback> index, StatePath w) {
			PatternIndex.Cursor<Callback>[] cursors = new PatternIndex.Cursor[w.depth() + 1];
			PatternIndex.Cursor<Callback> cursor = index.root();
			cursors[0] = cursor;
			for (int i = 0; i < w.depth() && !cursor.isDead(); i++) {
				cursor = cursor.advance(w.segment(i));
				cursors[i + 1] = cursor;
			}
			return cursors;
		}

		private void diff(PatternIndex.Cursor<Callback> cursor, StatePath path, @Nullable Object oldValue,
				@Nullable Object newValue, List<Pending> out) {
			Map<?, ?> oldMap = (oldValue instanceof Map<?, ?> m) ? m : null;
			Map<?, ?> newMap = (newValue instanceof Map<?, ?> m) ? m : null;
			if (oldMap != null) {
				for (Map.Entry<?, ?> entry : oldMap.entrySet()) {
					String key = (String) entry.getKey();
					Object o = entry.getValue();
					Object n = (newMap != null) ? newMap.get(key) : null;
					child(cursor, path, key, o, n, out);
				}
			}
			if (newMap != null) {
				for (Map.Entry<?, ?> entry : newMap.entrySet()) {
					String key = (String) entry.getKey();
					if (oldMap == null || !oldMap.containsKey(key)) {
						child(cursor, path, key, null, entry.getValue(), out);
					}
				}
			}
		}

		private void child(PatternIndex.Cursor<Callback> cursor, StatePath path, String key, @Nullable Object o,
				@Nullable Object n, List<Pending> out) {
			if (o == n) {
				return;
			}
			PatternIndex.Cursor<Callback> next = cursor.advance(key);
			if (next.isDead()) {
				return;
			}
			StatePath childPath = path.child(key);
			List<PatternIndex.Entry<Callback>> matches = next.matches();
			if (!matches.isEmpty() && !StateValues.equal(o, n)) {
				out.add(new Pending(childPath, o, n, matches));
			}
			if (o instanceof Map || n instanceof Map) {
				diff(next, childPath, o, n, out);
			}
		}

	}

	/** A callback and an emitting path it heard (callbacks compare by identity). */
	private record Heard(Callback callback, StatePath path) {

		@Override
		public boolean equals(@Nullable Object other) {
			return (other instanceof Heard h) && h.callback == this.callback && h.path.equals(this.path);
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.callback) * 31 + this.path.hashCode();
		}

	}

	private record Pending(StatePath path, @Nullable Object oldValue, @Nullable Object newValue,
			List<PatternIndex.Entry<Callback>> matches) {
	}

	// ------------------------------------------------------------------ effects

	@Override
	public Effect track(StateListener effect) {
		Objects.requireNonNull(effect, "effect");
		checkOpen();
		EffectImpl impl = new EffectImpl(this, "effect-" + this.generatedIds.incrementAndGet(), effect);
		// claimed before it is listed, so a commit delivered during the first run makes it check again
		impl.claim();
		this.effects.add(impl);
		Event first = new Event(this, StatePath.ROOT, StatePath.ROOT, null, null, null, null, this.lastRevision,
				this.instanceId, CommitRecord.Kind.LOCAL);
		// An effect started inside a batch is not part of it: its first run reads the committed
		// state (a batch that fails or runs again would leave it holding values never committed)
		// and its writes are commits of their own.
		Batch outer = currentBatch();
		if (outer != null) {
			this.batch.remove();
			this.openBatches.decrementAndGet();
		}
		try {
			runClaimed(impl, first);
		}
		finally {
			if (outer != null) {
				this.batch.set(outer);
				this.openBatches.incrementAndGet();
			}
		}
		return impl;
	}

	void removeEffect(EffectImpl effect) {
		this.effects.remove(effect);
	}

	/**
	 * Runs an effect this thread has claimed, then again for as long as a path it read changed
	 * in a commit after the revision it read it at (its own commits included), each run reading
	 * one snapshot; then lets it go. Stops after {@link Dispatcher#MAX_CASCADE_DEPTH} runs in a row.
	 * @return the first failure of the effect, or null
	 */
	private @Nullable Throwable runClaimed(EffectImpl effect, Event first) {
		Throwable firstFailure = null;
		Event event = first;
		try {
			for (int round = 1;; round++) {
				if (effect.closed) {
					effect.release();
					return firstFailure;
				}
				EffectJournal.Run run = this.journal.begin();
				Event next = null;
				try {
					Throwable failure = runEffect(effect, event, run);
					if (firstFailure == null) {
						firstFailure = failure;
					}
					while (next == null) {
						if (run.inexact) {
							next = new Event(this, StatePath.ROOT, StatePath.ROOT, null, null, null, null, this.lastRevision,
									this.instanceId, CommitRecord.Kind.LOCAL);
							break;
						}
						EffectJournal.Found found = this.journal.changedSince(run.reads);
						if (found != null) {
							Change change = found.change();
							next = new Event(this, found.dependency(), change.path(), change.oldValue(), change.newValue(),
									change.payload(), null, found.entry().revision(), found.entry().origin(),
									CommitRecord.Kind.LOCAL);
							break;
						}
						Object offered = effect.tryFinish();
						if (offered == null) {
							return firstFailure;
						}
						if (offered instanceof Event forced) {
							next = forced;
						}
					}
				}
				finally {
					this.journal.end(run);
				}
				if (round >= Dispatcher.MAX_CASCADE_DEPTH) {
					// stopped like a listener cascade: the commits made so far count as seen, a later one runs it again
					Map<StatePath, Long> seen = new LinkedHashMap<>();
					long head = this.journal.head();
					effect.readAt.keySet().forEach((path) -> seen.put(path, head));
					effect.readAt = Collections.unmodifiableMap(seen);
					effect.release();
					logger.error("StateTree stopped effect '{}' after {} runs in a row: every run changed a path it read",
							effect.id, round);
					return firstFailure;
				}
				event = next;
			}
		}
		catch (RuntimeException | Error ex) {
			effect.release();
			throw ex;
		}
	}

	private @Nullable Throwable runEffect(EffectImpl effect, StateEvent event, EffectJournal.Run run) {
		Throwable[] failure = new Throwable[1];
		long start = this.observed ? System.nanoTime() : 0;
		this.journal.within(run, () -> {
			try {
				effect.function.onChange(event);
			}
			catch (VirtualMachineError fatal) {
				throw fatal;
			}
			catch (Throwable ex) {
				failure[0] = ex;
			}
		});
		effect.readAt = Collections.unmodifiableMap(new LinkedHashMap<>(run.reads));
		Throwable safe = null;
		if (failure[0] != null) {
			this.listenerErrors.incrementAndGet();
			safe = Redacted.of(failure[0]);
			logFailure(effect.failures, "effect '" + effect.id + "'", failure[0], safe,
					" on " + event.emittingPath());
		}
		if (this.observed) {
			try {
				this.observer.onListener(effect.id, event.path(), Duration.ofNanos(System.nanoTime() - start), safe);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
		return failure[0];
	}

	/**
	 * Runs the effects a commit concerns: those that read a path it changed, at a revision before
	 * it (a run that read after it already saw it). An effect running elsewhere is only told to
	 * check again.
	 */
	private void runEffects(CommitRecord record, Delivery delivery) {
		if (this.effects.isEmpty()) {
			return;
		}
		for (EffectImpl effect : this.effects) {
			if (effect.closed) {
				continue;
			}
			boolean journaled = record.kind() != CommitRecord.Kind.PING && record.kind() != CommitRecord.Kind.RESYNC;
			Event event = effect.claimFor((e) -> effectEvent(e, record), journaled);
			if (event == null) {
				continue;
			}
			Throwable failure = runClaimed(effect, event);
			if (failure != null && delivery.firstFailure == null) {
				delivery.firstFailure = failure;
			}
		}
	}

	/** The event that runs an effect for a commit, or null when the commit does not concern it. */
	private @Nullable Event effectEvent(EffectImpl effect, CommitRecord record) {
		if (record.kind() == CommitRecord.Kind.RESYNC) {
			return new Event(this, StatePath.ROOT, StatePath.ROOT, null, null, null, null, record.revision(),
					record.origin(), record.kind());
		}
		boolean ping = record.kind() == CommitRecord.Kind.PING;
		for (Map.Entry<StatePath, Long> dependency : effect.readAt.entrySet()) {
			if (!ping && record.revision() <= dependency.getValue()) {
				continue;
			}
			for (Change change : record.changes()) {
				if (EffectJournal.affects(change, dependency.getKey(), ping)) {
					return new Event(this, dependency.getKey(), change.path(), change.oldValue(), change.newValue(),
							change.payload(), null, record.revision(), record.origin(), record.kind());
				}
			}
		}
		return null;
	}

	// ------------------------------------------------------------------ derivations

	@Override
	public Derivation derive(StatePath destination, StatePath source, Function<@Nullable Object, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		StatePath src = Objects.requireNonNull(source, "source");
		return register(destination, List.of(src), false, (reader) -> transform.apply(reader.read(src)));
	}

	@Override
	public <S> Derivation derive(StatePath destination, StatePath source, Class<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		StatePath src = Objects.requireNonNull(source, "source");
		return register(destination, List.of(src), false,
				(reader) -> transform.apply(this.converter.convert(src, reader.read(src), type)));
	}

	@Override
	public <S> Derivation derive(StatePath destination, StatePath source, TypeRef<S> type,
			Function<@Nullable S, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		StatePath src = Objects.requireNonNull(source, "source");
		return register(destination, List.of(src), false,
				(reader) -> transform.apply(this.converter.convert(src, reader.read(src), type)));
	}

	@Override
	public Derivation deriveMany(StatePath destination, List<StatePath> sources,
			Function<DeriveData, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		if (sources.isEmpty()) {
			throw new IllegalArgumentException("deriveMany needs at least one source for " + destination);
		}
		List<StatePath> paths = new ArrayList<>();
		for (StatePath source : sources) {
			StatePath p = Objects.requireNonNull(source, "source");
			if (!paths.contains(p)) {
				paths.add(p);
			}
		}
		List<StatePath> fixed = List.copyOf(paths);
		return register(destination, fixed, false,
				(reader) -> transform.apply(new Data(fixed, reader)));
	}

	@Override
	public Derivation deriveTracked(StatePath destination, Function<StateView, @Nullable Object> transform) {
		Objects.requireNonNull(transform, "transform");
		return register(destination, List.of(), true, (reader) -> transform.apply(new View(reader)));
	}

	private Derivation register(StatePath destination, List<StatePath> sources, boolean tracked,
			Function<DerivationImpl.Reader, @Nullable Object> compute) {
		checkOpen();
		if (destination.isRoot()) {
			throw new IllegalArgumentException("A derivation cannot write the root");
		}
		DerivationImpl derivation = new DerivationImpl(this, destination, sources, tracked, compute);
		boolean changed;
		lockForCommit();
		try {
			if (tracked) {
				// learn the sources first so the graph can be checked before anything is written
				try {
					TxView tx = new TxView(this.backend);
					Set<StatePath> reads = Tracker.recording(() -> compute.apply(tx::read));
					derivation.sources = List.copyOf(reads);
				}
				catch (RuntimeException ex) {
					// reported when it runs below
				}
			}
			List<DerivationImpl> next = new ArrayList<>();
			DerivationImpl replaced = null;
			for (DerivationImpl existing : this.derivations) {
				if (existing.destination.equals(destination)) {
					replaced = existing;
					continue;
				}
				if (related(existing.destination, destination)) {
					throw new IllegalStateException("Derivation of " + destination + " overlaps the derivation of "
							+ existing.destination + ": two derivations cannot write the same subtree");
				}
				next.add(existing);
			}
			next.add(derivation);
			List<DerivationImpl> sorted = topologicalOrder(next);
			if (replaced != null) {
				logger.warn("StateTree derivation of {} replaces an earlier one", destination);
				replaced.closed = true;
			}
			this.derivations = sorted;
			try {
				changed = commit(List.of(), List.of(), derivation);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree derivation of {} could not write its first value ({})", destination,
						Redacted.describe(ex), Redacted.of(ex));
				changed = false;
			}
		}
		finally {
			this.commitLock.unlock();
		}
		if (changed) {
			rethrowIfConfigured(this.dispatcher.drain());
		}
		return derivation;
	}

	void removeDerivation(DerivationImpl derivation) {
		this.commitLock.lock();
		try {
			List<DerivationImpl> next = new ArrayList<>(this.derivations);
			next.remove(derivation);
			this.derivations = List.copyOf(next);
		}
		finally {
			this.commitLock.unlock();
		}
	}

	private void reorderDerivations() {
		try {
			this.derivations = topologicalOrder(this.derivations);
		}
		catch (DerivationCycleException ex) {
			logger.error("StateTree tracked derivations formed a cycle; the order is kept as it was: {}", ex.getMessage());
		}
	}

	/**
	 * Sorts derivations so that each comes after every derivation whose destination feeds one of
	 * its sources.
	 * @throws DerivationCycleException naming the cycle
	 */
	private static List<DerivationImpl> topologicalOrder(List<DerivationImpl> derivations) {
		int n = derivations.size();
		List<List<Integer>> feeds = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			List<Integer> targets = new ArrayList<>();
			StatePath destination = derivations.get(i).destination;
			for (int j = 0; j < n; j++) {
				for (StatePath source : derivations.get(j).sources) {
					if (related(destination, source)) {
						targets.add(j);
						break;
					}
				}
			}
			feeds.add(targets);
		}
		int[] state = new int[n];
		List<DerivationImpl> reversed = new ArrayList<>(n);
		List<Integer> path = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			if (state[i] == 0) {
				visit(i, derivations, feeds, state, reversed, path);
			}
		}
		Collections.reverse(reversed);
		return List.copyOf(reversed);
	}

	private static void visit(int i, List<DerivationImpl> derivations, List<List<Integer>> feeds, int[] state,
			List<DerivationImpl> out, List<Integer> path) {
		state[i] = 1;
		path.add(i);
		for (int j : feeds.get(i)) {
			if (state[j] == 1) {
				List<String> cycle = new ArrayList<>();
				for (int k = path.indexOf(j); k < path.size(); k++) {
					cycle.add(derivations.get(path.get(k)).destination.toString());
				}
				cycle.add(derivations.get(j).destination.toString());
				throw new DerivationCycleException(cycle);
			}
			if (state[j] == 0) {
				visit(j, derivations, feeds, state, out, path);
			}
		}
		path.remove(path.size() - 1);
		state[i] = 2;
		out.add(derivations.get(i));
	}

	private final class Data implements DeriveData {

		private final List<StatePath> sources;

		private final DerivationImpl.Reader reader;

		Data(List<StatePath> sources, DerivationImpl.Reader reader) {
			this.sources = sources;
			this.reader = reader;
		}

		private StatePath source(StatePath p) {
			if (!this.sources.contains(p)) {
				throw new IllegalArgumentException(p + " is not a source of this derivation (sources: " + this.sources + ")");
			}
			return p;
		}

		@Override
		public @Nullable Object get(StatePath path) {
			return this.reader.read(source(path));
		}

		@Override
		public <T> @Nullable T get(StatePath path, Class<T> type) {
			StatePath p = source(path);
			return DefaultStateController.this.converter.convert(p, this.reader.read(p), type);
		}

		@Override
		public <T> @Nullable T get(StatePath path, TypeRef<T> type) {
			StatePath p = source(path);
			return DefaultStateController.this.converter.convert(p, this.reader.read(p), type);
		}

		@Override
		public List<StatePath> sources() {
			return this.sources;
		}

	}

	private final class View implements StateView {

		private final DerivationImpl.Reader reader;

		View(DerivationImpl.Reader reader) {
			this.reader = reader;
		}

		@Override
		public @Nullable Object get(StatePath path) {
			Tracker.record(path);
			return this.reader.read(path);
		}

		@Override
		public <T> @Nullable T get(StatePath path, Class<T> type) {
			return DefaultStateController.this.converter.convert(path, get(path), type);
		}

		@Override
		public <T> @Nullable T get(StatePath path, TypeRef<T> type) {
			return DefaultStateController.this.converter.convert(path, get(path), type);
		}

		@Override
		public boolean exists(StatePath path) {
			return path.isRoot() || get(path) != null;
		}

	}

	// ------------------------------------------------------------------ remote changes

	private final class FeedListener implements BackendListener {

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			List<Change> changed = new ArrayList<>(commit.changes().size());
			for (Change change : commit.changes()) {
				if (!StateValues.equal(change.oldValue(), change.newValue())) {
					changed.add(change);
				}
			}
			DefaultStateController.this.commitLock.lock();
			try {
				DefaultStateController.this.lastRevision = Math.max(DefaultStateController.this.lastRevision,
						commit.revision());
				if (changed.isEmpty()) {
					DefaultStateController.this.dispatcher.skip(commit.revision(), true);
					return;
				}
				DefaultStateController.this.journal.record(commit.revision(), commit.origin(), List.copyOf(changed));
				DefaultStateController.this.dispatcher.submit(new CommitRecord(commit.revision(), commit.origin(),
						List.copyOf(changed), CommitRecord.Kind.REMOTE, 0, Thread.currentThread()));
			}
			finally {
				DefaultStateController.this.commitLock.unlock();
			}
			DefaultStateController.this.dispatcher.drain();
		}

		@Override
		public void onResync() {
			DefaultStateController.this.commitLock.lock();
			try {
				DefaultStateController.this.dispatcher.submit(new CommitRecord(DefaultStateController.this.lastRevision,
						DefaultStateController.this.instanceId, List.of(), CommitRecord.Kind.RESYNC, 0,
						Thread.currentThread()));
			}
			finally {
				DefaultStateController.this.commitLock.unlock();
			}
			DefaultStateController.this.dispatcher.drain();
		}

	}

	// ------------------------------------------------------------------ misc

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	@Override
	public StateBackend backend() {
		return this.backend;
	}

	/**
	 * Returns how many times listeners and effects have thrown.
	 * @return the count
	 */
	public long listenerErrors() {
		return this.listenerErrors.get();
	}

	/**
	 * Returns how many times derivations have thrown.
	 * @return the count
	 */
	public long derivationErrors() {
		return this.derivationErrors.get();
	}

	/**
	 * Returns how many times a listener's queue overflowed (its backlog replaced by one resync
	 * event).
	 * @return the count
	 */
	public long listenerOverflows() {
		return this.dispatcher.overflows();
	}

	/**
	 * Waits until asynchronous dispatch has delivered everything committed so far.
	 * @param timeoutMillis the longest to wait
	 */
	public void awaitDispatch(long timeoutMillis) {
		this.dispatcher.awaitIdle(timeoutMillis);
	}

	@Override
	public Registrations registrations() {
		List<ListenerInfo> listeners = new ArrayList<>();
		for (PatternIndex.Entry<Callback> entry : this.index.entries()) {
			listeners.add(new ListenerInfo(entry.pattern().toString(), entry.value().id, String.valueOf(entry.value().listener)));
		}
		List<DerivationInfo> infos = new ArrayList<>();
		for (DerivationImpl derivation : this.derivations) {
			List<String> sources = new ArrayList<>();
			for (StatePath source : derivation.sources) {
				sources.add(source.toString());
			}
			infos.add(new DerivationInfo(derivation.destination.toString(), List.copyOf(sources), derivation.tracked));
		}
		return new Registrations(List.copyOf(listeners), List.copyOf(infos));
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			if (this.backend.isShared()) {
				this.backend.setBackendListener(null);
			}
			this.dispatcher.awaitIdle(5_000);
		}
		finally {
			try {
				this.backend.close();
			}
			finally {
				if (this.ownedExecutor != null) {
					this.ownedExecutor.shutdown();
				}
			}
		}
	}

	@Override
	public String toString() {
		return "StateController[instance=" + this.instanceId + ", backend=" + this.backend.describe() + "]";
	}

	private static final class Batch {

		final TxView tx;

		/** The batch's writes with the derivations they trigger applied, or null. */
		@Nullable TxView derived;

		/** How many writes the batch had when {@link #derived} was computed. */
		int derivedFor;

		/** The pings made inside the batch, delivered after it commits. */
		final List<Change> pings = new ArrayList<>(0);

		Batch(TxView tx) {
			this.tx = tx;
		}

		void add(Write write) {
			this.tx.add(write);
		}

	}

}
