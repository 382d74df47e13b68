package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.SnapshotStore;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a write reaches the backend (DESIGN §4, "the path of one write"), in five steps:
 * {@link #lock} takes the commit lock (refusing a runaway cascade of listener writes);
 * {@link #commit} runs the derivations the writes trigger ({@link DerivationGraph}), has the
 * backend apply everything atomically, and records the changes: the revision, the
 * {@link EffectJournal} for running effects, and the {@link Dispatcher}'s queues (routed by the
 * {@link EventRouter}), in revision order because the lock is held; {@link #unlock}; then
 * {@link #deliver} runs what this thread queued, outside every lock. {@link #write},
 * {@link #writeIfAbsent}, {@link #ping} and {@link #install} are the whole template for one kind
 * of write each; {@code update} and batches, which run user code under the lock or around it,
 * use the steps. After the backend committed only recording and queueing follow; listeners and
 * effects run in {@link #deliver}, outside the lock.
 */
final class CommitTemplate {

	/** The controller's log category, where these lines have always been. */
	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** How many times a compare-and-set, or a commit whose derivations' sources changed, is tried. */
	static final int MAX_ATTEMPTS = 10_000;

	private final StateBackend backend;

	private final String instanceId;

	private final ReentrantLock lock;

	private final DerivationGraph graph;

	private final EffectJournal journal;

	private final EventRouter router;

	private final Dispatcher dispatcher;

	private final GuardedObserver guard;

	/** The latest revision committed here or heard from the feed; advanced under the lock. */
	private volatile long lastRevision;

	CommitTemplate(StateBackend backend, String instanceId, ReentrantLock lock, long revision, DerivationGraph graph,
			EffectJournal journal, EventRouter router, Dispatcher dispatcher, GuardedObserver guard) {
		this.backend = backend;
		this.instanceId = instanceId;
		this.lock = lock;
		this.lastRevision = revision;
		this.graph = graph;
		this.journal = journal;
		this.router = router;
		this.dispatcher = dispatcher;
		this.guard = guard;
	}

	long lastRevision() {
		return this.lastRevision;
	}

	String instanceId() {
		return this.instanceId;
	}

	/** Notes a revision committed elsewhere (the feed). Called with the lock held. */
	void advance(long revision) {
		this.lastRevision = Math.max(this.lastRevision, revision);
	}

	/**
	 * The whole template for one write ({@code set}, {@code delete}): lock, commit, unlock, and
	 * deliver when something changed.
	 * @param value the value as given, for the equality
	 * @param equality when not null, the write is skipped if it holds between the value there and
	 * the given one (compared under the lock, so no write of this controller comes between)
	 * @return whether anything changed
	 */
	boolean write(Write write, @Nullable Object value, @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality) {
		boolean changed;
		lock();
		try {
			if (equality != null && equality.test(this.backend.read(write.path()), value)) {
				return false;
			}
			changed = commit(List.of(write), List.of(), null);
		}
		finally {
			this.lock.unlock();
		}
		if (changed) {
			deliver();
		}
		return changed;
	}

	/**
	 * The template for {@code getOrWrite}: writes the value unless one is there, atomically (on
	 * a shared backend, checked in the commit).
	 * @return the value that was there, or null when this one was written
	 */
	@Nullable Object writeIfAbsent(Write write) {
		while (true) {
			lock();
			try {
				Object existing = this.backend.read(write.path());
				if (existing != null) {
					return existing;
				}
				try {
					commit(List.of(write),
							this.backend.isShared() ? List.of(new Precondition(write.path(), null)) : List.of());
				}
				catch (PreconditionFailedException ex) {
					continue;
				}
			}
			finally {
				this.lock.unlock();
			}
			deliver();
			return null;
		}
	}

	/** The template for a ping: heard like a change of the path to the value there, writing nothing. */
	void ping(StatePath path, @Nullable Object payload) {
		lock();
		try {
			queuePing(path, this.backend.read(path), payload);
		}
		finally {
			this.lock.unlock();
		}
		deliver();
	}

	/**
	 * The template for a new derivation: adds it to the graph and commits its first value. A
	 * first value that cannot be committed is logged; the derivation stays.
	 */
	void install(DerivationImpl derivation) {
		boolean changed;
		lock();
		try {
			this.graph.install(derivation);
			try {
				changed = commit(List.of(), List.of(), derivation);
			}
			catch (RuntimeException ex) {
				this.graph.firstValueFailed(derivation, ex);
				changed = false;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (changed) {
			deliver();
		}
	}

	/** Step 1: takes the commit lock, refusing a write that would make a cascade too deep. */
	void lock() {
		int depth = nextDepth();
		if (depth > Dispatcher.MAX_CASCADE_DEPTH) {
			logger.error("StateTree stopped a cascade of listener writes after {} rounds", Dispatcher.MAX_CASCADE_DEPTH);
			throw new StateWriteException("Listener cascade deeper than " + Dispatcher.MAX_CASCADE_DEPTH
					+ " rounds: the write was refused");
		}
		this.lock.lock();
	}

	/** Step 4: lets go of the commit lock. */
	void unlock() {
		this.lock.unlock();
	}

	/**
	 * Step 5: delivers what this thread queued (synchronous mode) and applies the on-error
	 * setting. Call without the lock.
	 */
	void deliver() {
		this.guard.rethrowIfConfigured(this.dispatcher.drain());
	}

	/** The cascade depth a commit made on this thread has. */
	private int nextDepth() {
		return this.dispatcher.currentDepth() + 1;
	}

	/** Steps 2 and 3 for a ping: queues its delivery, writing nothing. Called with the lock held. */
	void queuePing(StatePath p, @Nullable Object value, @Nullable Object payload) {
		this.dispatcher.submit(new CommitRecord(this.lastRevision, this.instanceId,
				List.of(new Change(p, value, value, payload)), CommitRecord.Kind.PING, nextDepth(),
				Thread.currentThread()));
	}

	/**
	 * Steps 2 and 3: commits writes with the derivations they trigger, and queues the changes for
	 * delivery. Called with the lock held.
	 * @return whether anything changed
	 */
	boolean commit(List<Write> writes, List<Precondition> preconditions) {
		return commit(writes, preconditions, null);
	}

	/**
	 * Steps 2 and 3, computing one derivation even if no source changed (its first value).
	 * @throws PreconditionFailedException when one of the caller's preconditions failed
	 */
	boolean commit(List<Write> writes, List<Precondition> preconditions, @Nullable DerivationImpl forced) {
		// On a shared backend another instance may change a derivation's sources between the read
		// that computes it and the commit: the sources read are checked in the commit too, and the
		// derivations computed again when one changed (this controller's writers wait on its lock).
		boolean shared = this.backend.isShared();
		Set<DerivationImpl> retracked = Set.of();
		CommitResult result;
		for (int attempt = 1;; attempt++) {
			List<Write> all = writes;
			List<Precondition> checked = preconditions;
			List<DerivationImpl> current = this.graph.ordered();
			TxView tx = null;
			if (!current.isEmpty() || forced != null) {
				tx = new TxView(this.backend, shared);
				for (Write write : writes) {
					tx.add(write);
				}
				Set<DerivationImpl> ran = this.graph.run(tx, current, forced, false);
				if (!ran.isEmpty()) {
					if (retracked.isEmpty()) {
						retracked = new HashSet<>();
					}
					retracked.addAll(ran);
				}
				all = tx.writes();
				if (shared) {
					if (tx.conflicted() && attempt < MAX_ATTEMPTS) {
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
					this.graph.reorder();
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
				if (checked == preconditions || attempt >= MAX_ATTEMPTS || !names(checked, ex)
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
			this.graph.reorder();
		}
		if (changed.isEmpty()) {
			this.dispatcher.skip(result.revision(), false);
			return false;
		}
		this.lastRevision = Math.max(this.lastRevision, result.revision());
		this.journal.record(result.revision(), this.instanceId, changed);
		if (this.router.hasAudience()) {
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

}
