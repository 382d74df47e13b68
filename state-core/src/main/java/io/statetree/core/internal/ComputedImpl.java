package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.StateView;
import io.statetree.core.TypeRef;
import org.jspecify.annotations.Nullable;

/**
 * A lazy computed value (DESIGN §16).
 * <p>
 * Its memo carries the invalidation count it was computed at; the {@link ComputedRegistry}
 * raises the count, under the commit lock, for every commit that changes a path the last
 * computation read. A {@code get} whose memo carries the current count returns it (a few volatile
 * reads). Otherwise one thread at a time computes: under this value's lock it takes the count,
 * starts an {@link EffectJournal} run (reads at one pinned revision, each recorded), runs the
 * function, publishes the paths read, and then asks the journal whether a commit after the pin
 * changed one of them. Such a commit is either in the journal (the run's pin keeps it) or
 * recorded after the paths were published (then it raises the count): either way the memo is
 * not current and the next {@code get} computes again, while this {@code get} returns the value
 * of its consistent snapshot. A run that could not read at its pin is never returned (see
 * {@link #computeLocked}): every value a {@code get} returns is the function of one revision.
 * <p>
 * Inside a batch a {@code get} runs the function on what the batch sees and remembers nothing;
 * so does a {@code get} inside another run of this controller whose pin is older than the
 * memo's, at that pin ({@link #computeAside}).
 */
final class ComputedImpl<T> implements Computed<T> {

	/**
	 * What was computed, at which invalidation count, from the snapshot of which revision; on a
	 * shared backend with the stamps of the lifetimes it read ({@link LifetimeStamps}), else null.
	 */
	private record Memo(@Nullable Object value, long stamp, long pin, @Nullable Map<StatePath, Long> lifetimes) {
	}

	/** Nothing remembered: matches no count (counts start at 0 and only grow). */
	private static final Memo NONE = new Memo(null, -1, Long.MAX_VALUE, null);

	/** The values computing aside (in a batch, or in another run) on this thread, innermost last (to tell a cycle). */
	private static final ThreadLocal<List<ComputedImpl<?>>> ASIDE = ThreadLocal.withInitial(ArrayList::new);

	private final ComputedRegistry registry;

	private final EffectJournal journal;

	private final BatchRunner batches;

	private final Function<StateView, T> function;

	private final StateView view;

	/** Throws IllegalStateException when the controller is closed. */
	private final Runnable checkOpen;

	/** Raised under the commit lock (the only writer) when a path read changes. */
	private volatile long invalidations;

	private volatile Memo memo = NONE;

	private volatile Set<StatePath> dependencies = Set.of();

	/** The paths whose lifetime the last computation read ({@code timeToLive}). */
	private volatile Set<StatePath> lifetimeDependencies = Set.of();

	private volatile boolean closed;

	/** Held while computing, so concurrent gets compute once; fair, so a get computing again lets waiters in. */
	private final ReentrantLock computing = new ReentrantLock(true);

	/**
	 * Whether the last computation from the second attempt on could not take the commit lock
	 * ({@link PatientCommitLock#acquire} gave up); guarded by {@link #computing}.
	 */
	private boolean gaveUp;

	/**
	 * How many computations in a row may give up on the commit lock ({@link #gaveUp}: a whole
	 * patience, one second by default, without a commit completing) before {@code get} throws
	 * instead of waiting for ever for a commit that may wait for the caller; with a patience
	 * shortened below 200 ms (tests), as many as make {@link #MIN_STALL_NANOS}.
	 */
	static final int MAX_STALLS = 10;

	/**
	 * However short the patience, {@code get} waits at least this long without a completed commit
	 * (the default; {@link PatientCommitLock#minStallNanos(long)} changes it for tests).
	 */
	static final long MIN_STALL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

	/** The patiences in a row without a completed commit before {@code get} throws. */
	private int maxStalls() {
		long patience = this.journal.patientLock.patienceNanos();
		long least = this.journal.patientLock.minStallNanos();
		return (int) Math.max(MAX_STALLS, Math.min(Integer.MAX_VALUE, (least + patience - 1) / patience));
	}

	ComputedImpl(ComputedRegistry registry, EffectJournal journal, BatchRunner batches, StateController reads,
			Function<StateView, T> function, Runnable checkOpen) {
		this.registry = registry;
		this.journal = journal;
		this.batches = batches;
		this.function = Objects.requireNonNull(function, "function");
		this.view = new ReadOnly(reads);
		this.checkOpen = checkOpen;
	}

	@Override
	@SuppressWarnings("unchecked")
	public @Nullable T get() {
		if (this.batches.current() != null) {
			return computeAside();
		}
		EffectJournal.Run outer = EffectJournal.current();
		boolean nested = outer != null && outer.journal == this.journal;
		Memo current = this.memo;
		// read by another run (a computed value, a tracked effect), the memo serves only if its
		// snapshot is not newer than that run's: current means no change since its pin
		if (current.stamp == this.invalidations && (!nested || current.pin <= outer.pin)) {
			// lifetimes read on a shared backend: another instance may have changed one without a
			// commit this instance hears (LifetimeStamps)
			if (current.lifetimes == null || lifetimesHold(current)) {
				if (Tracker.active() || outer != null) {
					noteForOuter(current);
				}
				return (T) current.value;
			}
			return nested ? computeAside() : compute(current);
		}
		return nested ? computeAside() : compute(null);
	}

	private boolean lifetimesHold(Memo memo) {
		LifetimeStamps stamps = this.journal.stamps;
		return stamps == null || memo.lifetimes == null || stamps.hold(memo.lifetimes);
	}

	/**
	 * Computes under this value's lock, unless another thread did meanwhile.
	 * @param stale the memo a lifetime's stamp showed out of date, or null when the count did
	 */
	@SuppressWarnings("unchecked")
	private @Nullable T compute(@Nullable Memo stale) {
		if (this.computing.isHeldByCurrentThread()) {
			throw new IllegalStateException("A computed value's function read the same computed value (a cycle)");
		}
		EffectJournal.Run outer = EffectJournal.current();
		int stalls = 0;
		for (int attempt = 1;; attempt++) {
			this.computing.lock();
			try {
				checkNotClosed();
				Memo current = this.memo;
				// come for a lifetime: the stale memo is computed again, one another thread made
				// meanwhile is checked like it (it may rest on the same old lifetime)
				if (current.stamp != this.invalidations || (stale != null
						&& (current == stale || (current.lifetimes != null && !lifetimesHold(current))))) {
					this.checkOpen.run();
					current = computeLocked(outer, attempt);
					if (current == null && this.gaveUp && ++stalls >= maxStalls()) {
						// no commit completed for that many patiences in a row while the lock was held:
						// that commit may wait for this thread (a lock its caller holds), so computing
						// again would wait for ever; a value mixed from two revisions is never returned
						throw new StateException("A computed value could not read one revision: the commit lock stayed held"
								+ " for " + maxStalls() + " x " + this.journal.patientLock.patienceNanos() / 1_000_000
								+ " ms without a commit completing (a commit that waits for this thread, e.g. for a"
								+ " lock held around this get?)");
					}
					if (current != null || !this.gaveUp) {
						stalls = 0;
					}
				}
				if (current != null) {
					if (Tracker.active() || outer != null) {
						noteForOuter(current);
					}
					return (T) current.value;
				}
			}
			finally {
				this.computing.unlock();
			}
			// the run could not read one snapshot: a writer waiting for this value goes first
			// (the lock is fair), then this get computes again
		}
	}

	/**
	 * A {@code get} inside a batch (a batch function, or a Spring transaction's batch once it
	 * wrote): the function reads what the batch sees, its own writes and the values they derive
	 * included, each read recorded by the batch like any other (so checked at its commit). The
	 * result is not remembered and the dependencies are not changed: both belong to the committed
	 * state, which the batch may never become.
	 * <p>
	 * The same inside another run of this controller (a computed value or tracked effect reading
	 * this one) whose snapshot is older than the memo's: the function reads at that run's pin,
	 * each read recorded by it, so the outer value is one revision's (issue glitch25).
	 */
	private @Nullable T computeAside() {
		checkNotClosed();
		List<ComputedImpl<?>> running = ASIDE.get();
		for (ComputedImpl<?> each : running) {
			if (each == this) {
				throw new IllegalStateException("A computed value's function read the same computed value (a cycle)");
			}
		}
		if (this.computing.isHeldByCurrentThread()) {
			throw new IllegalStateException("A computed value's function read the same computed value (a cycle)");
		}
		this.checkOpen.run();
		running.add(this);
		try {
			return this.function.apply(this.view);
		}
		catch (RuntimeException ex) {
			throw new StateException("A computed value's function threw " + ex.getClass().getName(), ex);
		}
		finally {
			running.remove(running.size() - 1);
			if (running.isEmpty()) {
				ASIDE.remove();
			}
		}
	}

	/**
	 * One computation over one snapshot; called with the lock held. A run that could not read
	 * at its pin ({@code inexact}: the commit lock stayed held a whole patience, or the journal
	 * overflowed) may have mixed two revisions, so its result is never returned: on its own it
	 * returns {@code null} and the caller computes again, from the second attempt on with the
	 * commit lock held for the whole function if it can be taken ({@link PatientCommitLock});
	 * inside another controller's run (a computed value or a tracked effect reading this one)
	 * it marks that run inexact, which runs it again.
	 * @return the memo, or {@code null} to compute again
	 */
	private @Nullable Memo computeLocked(EffectJournal.@Nullable Run outer, int attempt) {
		long stamp = this.invalidations;
		boolean holding = outer == null && attempt > 1 && this.journal.patientLock.acquire();
		this.gaveUp = outer == null && attempt > 1 && !holding;
		try {
			Batch batch = this.batches.suspend();
			EffectJournal.Run run = this.journal.begin();
			run.computing = true;
			try {
				Object[] holder = new Object[1];
				try {
					this.journal.within(run, () -> holder[0] = this.function.apply(this.view));
				}
				catch (RuntimeException ex) {
					// remember nothing: the next get tries again
					this.dependencies = Set.copyOf(new LinkedHashSet<>(run.reads.keySet()));
					this.lifetimeDependencies = lifetimesOf(run);
					this.memo = NONE;
					if (run.inexact && outer == null) {
						return null; // it may have thrown at a mix of two revisions
					}
					if (run.inexact) {
						outer.inexact = true;
					}
					throw new StateException("A computed value's function threw " + ex.getClass().getName(), ex);
				}
				// publish what was read before asking the journal (see the class comment)
				this.dependencies = Set.copyOf(run.reads.keySet());
				this.lifetimeDependencies = lifetimesOf(run);
				if (run.inexact) {
					if (outer == null) {
						return null;
					}
					outer.inexact = true;
					return new Memo(holder[0], NONE.stamp, run.pin, null);
				}
				boolean stale = this.journal.changedSince(run.reads) != null
						|| this.journal.lifetimesChangedSincePin(run);
				Memo computed = new Memo(holder[0], stale ? NONE.stamp : stamp, run.pin,
						(run.stamps == null) ? null : Map.copyOf(run.stamps));
				if (!this.closed) {
					this.memo = computed;
				}
				return computed;
			}
			finally {
				this.journal.end(run);
				this.batches.resume(batch);
			}
		}
		finally {
			if (holding) {
				this.journal.patientLock.release();
			}
		}
	}

	private static Set<StatePath> lifetimesOf(EffectJournal.Run run) {
		return (run.lifetimes == null) ? Set.of() : Set.copyOf(run.lifetimes);
	}

	/** Tells whether a commit that wrote these paths may have changed a lifetime the last computation read. */
	boolean lifetimeConcernedBy(List<StatePath> written) {
		for (StatePath path : this.lifetimeDependencies) {
			for (StatePath w : written) {
				if (w.isAncestorOrSelf(path)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * A computation or tracked run around this get depends on what this value read: the paths,
	 * and for a computation the lifetimes (a write that changes only one computes this value
	 * again, and so the one that read it; redisttl26: the outer value kept the old lifetime).
	 */
	private void noteForOuter(Memo memo) {
		EffectJournal.Run outer = EffectJournal.current();
		for (StatePath path : this.dependencies) {
			Tracker.record(path);
			if (outer != null && outer.journal == this.journal) {
				outer.read(path);
			}
		}
		Set<StatePath> lifetimes = this.lifetimeDependencies;
		if (outer != null && outer.journal == this.journal && !lifetimes.isEmpty()) {
			this.journal.noteLifetimes(outer, lifetimes, memo.lifetimes);
		}
	}

	/** Called by the registry, under the commit lock, when a commit changed a path read. */
	void invalidate() {
		this.invalidations = this.invalidations + 1;
	}

	/** Tells whether a commit's change concerns the last computation's reads. */
	boolean concernedBy(io.statetree.core.backend.Change change) {
		for (StatePath path : this.dependencies) {
			if (RecordedChanges.affects(change, path, false)) {
				return true;
			}
		}
		return false;
	}

	private void checkNotClosed() {
		if (this.closed) {
			throw new IllegalStateException("Computed value is closed");
		}
	}

	@Override
	public Set<StatePath> dependencies() {
		return this.dependencies;
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.registry.remove(this);
		this.memo = NONE;
		this.dependencies = Set.of();
		this.lifetimeDependencies = Set.of();
	}

	@Override
	public String toString() {
		return "Computed[" + this.dependencies + "]";
	}

	/** The view a function receives: the controller's reads, and nothing else. */
	private static final class ReadOnly implements StateView {

		private final StateView reads;

		ReadOnly(StateView reads) {
			this.reads = reads;
		}

		@Override
		public @Nullable Object get(StatePath path) {
			return this.reads.get(path);
		}

		@Override
		public <V> @Nullable V get(StatePath path, Class<V> type) {
			return this.reads.get(path, type);
		}

		@Override
		public <V> @Nullable V get(StatePath path, TypeRef<V> type) {
			return this.reads.get(path, type);
		}

		@Override
		public boolean exists(StatePath path) {
			return this.reads.exists(path);
		}

	}

}
