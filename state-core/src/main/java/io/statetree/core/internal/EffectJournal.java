package io.statetree.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * What tracked effects need to read one consistent snapshot and to notice every change made
 * after it: a short journal of the commits made while an effect run is in progress.
 * <p>
 * An effect run is pinned at a revision when it starts (the newest commit this controller has
 * recorded). Its reads return the state at that revision: the backend is read as it is, and the
 * changes of the commits recorded after the pin are undone from the value read (each commit's
 * {@link Change} holds the value before it). A commit the run makes itself moves its pin forward,
 * so the run reads its own writes. Each read is remembered with the revision it was read at;
 * after the run, any recorded commit later than that revision which changed the path means the
 * run saw an old value and must run again.
 * <p>
 * Entries are kept only while some run is pinned, and at most {@link #MAX_ENTRIES}; a run whose
 * pin fell behind the dropped entries reads live values and is reported inexact (it runs again).
 * A shared backend's commits from other instances are recorded when the feed delivers them, so a
 * read may already include one not yet recorded; such a commit is noticed when it is recorded.
 * <p>
 * Thread-safe: {@link #record} is called under the controller's commit lock, everything else
 * from any thread.
 */
final class EffectJournal {

	/** The most commits kept for runs in progress. */
	static final int MAX_ENTRIES = 10_000;

	/** How often a read retries before it waits for a commit in progress. */
	private static final int OPTIMISTIC_ATTEMPTS = 8;

	private static final ThreadLocal<@Nullable Run> CURRENT = new ThreadLocal<>();

	/** How many runs are in progress on any thread, so reads skip the thread-local when none is. */
	private static final AtomicInteger RUNNING = new AtomicInteger();

	private final ReentrantLock commitLock;

	/** Takes the commit lock for a read that found commits in progress. */
	final PatientCommitLock patientLock;

	private final Function<StatePath, @Nullable Object> backendRead;

	/** Commits recorded while a run was pinned, oldest first. Guarded by this. */
	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	/** The pins of runs in progress, with their counts. Guarded by this. */
	private final TreeMap<Long, Integer> pins = new TreeMap<>();

	/** The newest revision recorded. */
	private volatile long head;

	/**
	 * Incremented once per recorded commit, under the commit lock (the only writer) with a release
	 * store: optimistic readers check the commit lock after it, whose release orders it.
	 */
	private volatile long sequence;

	/**
	 * Whether some run is pinned ({@code pins} is not empty); written under this, read by
	 * {@link #record} without it. {@code record} stores {@link #head} (volatile) and then reads
	 * this, {@link #begin} stores this and then reads {@code head}: whichever comes second sees
	 * the other, so a commit that finds no pin is one every later run is pinned at or after.
	 */
	private volatile boolean pinned;

	private static final VarHandle SEQUENCE;

	static {
		try {
			SEQUENCE = MethodHandles.lookup().findVarHandle(EffectJournal.class, "sequence", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The open computed values, told of every recorded commit after it is recorded. */
	final ComputedRegistry computeds = new ComputedRegistry();

	/** What runs need to read lifetimes at their pins. Guarded by this. */
	private final PinnedLifetimes lifetimes = new PinnedLifetimes();

	/** The newest revision of an entry dropped while a run was pinned before it. Guarded by this. */
	private long floor = Long.MIN_VALUE;

	/** On a shared backend, the stamps of the lifetimes runs read ({@link LifetimeStamps}); else null. */
	final @Nullable LifetimeStamps stamps;

	EffectJournal(ReentrantLock commitLock, Function<StatePath, @Nullable Object> backendRead, long revision) {
		this(commitLock, backendRead, revision, null);
	}

	EffectJournal(ReentrantLock commitLock, Function<StatePath, @Nullable Object> backendRead, long revision,
			@Nullable LifetimeStamps stamps) {
		this.commitLock = commitLock;
		this.patientLock = new PatientCommitLock(commitLock, () -> this.sequence);
		this.backendRead = backendRead;
		this.head = revision;
		this.stamps = stamps;
	}

	/**
	 * A recorded commit: with its actor, cause and expiry flag, so an effect's re-run event tells the same story as
	 * the event of the commit itself.
	 */
	record Entry(long sequence, long revision, String origin, List<Change> changes, @Nullable String actor,
			long causedBy, boolean expiry) {
	}

	/** A change found after a read: the commit, the change and the path it changed. */
	record Found(Entry entry, Change change, StatePath dependency) {
	}

	/**
	 * One effect run in progress: its pin and what it read. Used by the thread running it only.
	 */
	static final class Run {

		final EffectJournal journal;

		/** The pin the run started at: it keeps the entries after it until the run ends. */
		final long start;

		/** The revision the run reads at: its start, moved forward by its own commits. */
		long pin;

		/** Each path read, with the oldest revision it was read at. */
		final Map<StatePath, Long> reads = new LinkedHashMap<>();

		/** The journal's sequence when the run began (a lifetime-only commit has no revision). */
		long pinSequence;

		/** The paths the run asked {@code timeToLive} of, or null. */
		@Nullable Set<StatePath> lifetimes;

		/**
		 * On a shared backend, the stamp of each path in {@link #lifetimes}, read before the run's
		 * first reading of that lifetime; else null.
		 */
		@Nullable Map<StatePath, Long> stamps;

		/** Whether a computed value's run (only those keep {@link #stamps}: an effect's never uses them). */
		boolean computing;

		/** Set when a value could not be read at the pin (the journal overflowed). */
		boolean inexact;

		/** The revisions of the commits this run made itself, oldest first (few per run). */
		@Nullable List<Long> own;

		Run(EffectJournal journal, long pin) {
			this.journal = journal;
			this.start = pin;
			this.pin = pin;
		}

		void read(StatePath path) {
			this.reads.putIfAbsent(path, this.pin);
		}

	}

	/**
	 * Returns the newest revision recorded.
	 */
	long head() {
		return this.head;
	}

	/**
	 * Returns the run in progress on this thread, or null.
	 */
	static @Nullable Run current() {
		return (RUNNING.get() == 0) ? null : CURRENT.get();
	}

	/**
	 * Starts a run on this thread, pinned at the newest recorded revision; end it with
	 * {@link #end} in a finally block.
	 * @return the run
	 */
	Run begin() {
		long pin;
		long pinSequence;
		synchronized (this) {
			this.pinned = true;
			pin = this.head;
			pinSequence = this.sequence;
			this.pins.merge(pin, 1, Integer::sum);
		}
		Run run = new Run(this, pin);
		run.pinSequence = pinSequence;
		RUNNING.incrementAndGet();
		return run;
	}

	/**
	 * Leaves the run in progress on this thread, if any, for code that is not part of it (a
	 * listener delivered on the thread of an effect's first run).
	 * @return the run left, to give to {@link #resume}
	 */
	static @Nullable Run suspend() {
		if (RUNNING.get() == 0) {
			return null;
		}
		Run run = CURRENT.get();
		if (run != null) {
			CURRENT.set(null);
		}
		return run;
	}

	/**
	 * Returns to a run left by {@link #suspend}.
	 * @param run the run, or null
	 */
	static void resume(@Nullable Run run) {
		if (run != null) {
			CURRENT.set(run);
		}
	}

	/**
	 * Makes a run current on this thread while an action runs (runs nest: the previous one is
	 * restored).
	 */
	void within(Run run, Runnable action) {
		Run previous = CURRENT.get();
		CURRENT.set(run);
		try {
			action.run();
		}
		finally {
			CURRENT.set(previous);
		}
	}

	/**
	 * Ends a run: its pin no longer holds journal entries.
	 */
	void end(Run run) {
		RUNNING.decrementAndGet();
		synchronized (this) {
			unpin(run.start);
			if (run.lifetimes != null) {
				this.lifetimes.unwatch(run.lifetimes);
			}
			prune();
			this.pinned = !this.pins.isEmpty();
		}
	}

	private void unpin(long pin) {
		this.pins.computeIfPresent(pin, (k, count) -> (count == 1) ? null : count - 1);
	}

	private void prune() {
		if (this.pins.isEmpty()) {
			this.entries.clear();
			this.lifetimes.clear();
			return;
		}
		long oldest = this.pins.firstKey();
		while (!this.entries.isEmpty() && this.entries.peekFirst().revision() <= oldest) {
			this.entries.removeFirst();
		}
	}

	/**
	 * Records a commit. Called under the commit lock, after the backend applied it. A run in
	 * progress on this thread made it, so its pin moves to it.
	 * @param revision the commit's revision
	 * @param origin the instance that made it
	 * @param changes its changes (values that really changed)
	 * @param actor the commit's actor, or null
	 * @param causedBy the revision that caused it, or 0
	 * @param expiry whether it is an expiry commit
	 */
	void record(long revision, String origin, List<Change> changes, @Nullable String actor, long causedBy,
			boolean expiry) {
		Run own = current();
		if (own == null && revision > this.head) {
			// the common case, no run anywhere: no entry to keep, so no lock to take (see pinned)
			this.head = revision;
			if (!this.pinned) {
				SEQUENCE.setRelease(this, this.sequence + 1);
				this.computeds.committed(changes);
				return;
			}
		}
		synchronized (this) {
			long seq = this.sequence + 1;
			this.head = Math.max(this.head, revision);
			if (!this.pins.isEmpty()) {
				this.entries.addLast(new Entry(seq, revision, origin, changes, actor, causedBy, expiry));
				if (this.entries.size() > MAX_ENTRIES) {
					Entry dropped = this.entries.removeFirst();
					this.floor = Math.max(this.floor, dropped.revision());
				}
			}
			SEQUENCE.setRelease(this, seq);
			if (own != null && own.journal == this) {
				own.pin = Math.max(own.pin, this.head);
				if (own.own == null) {
					own.own = new ArrayList<>(2);
				}
				own.own.add(revision);
			}
		}
		// after the entry: a computation either finds it in the journal or is invalidated here
		this.computeds.committed(changes);
	}

	/**
	 * Reads a path as it was at a run's pin, and remembers the read.
	 * @param run the run
	 * @param path the path
	 * @return the immutable value, or null
	 */
	@Nullable Object read(Run run, StatePath path) {
		run.read(path);
		return consistently(run, path, this.backendRead, (live, seq) -> undo(run, path, live, seq));
	}

	/** Takes a live reading and the journal's sequence it was taken at to the run's pin. */
	@FunctionalInterface
	private interface AtPin<V> {

		@Nullable V apply(@Nullable V live, long readSequence);

	}

	/**
	 * Reads live with no commit in progress (so the journal's sequence tells which recorded
	 * commits the reading includes) and takes the reading to the run's pin; optimistic first,
	 * then under the commit lock ({@link PatientCommitLock}), else live and the run marked inexact.
	 */
	private <V> @Nullable V consistently(Run run, StatePath path, Function<StatePath, @Nullable V> live,
			AtPin<V> atPin) {
		if (this.commitLock.isHeldByCurrentThread()) {
			return atPin.apply(live.apply(path), this.sequence);
		}
		for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
			long seq = this.sequence;
			V value = live.apply(path);
			// a commit applied during the read is recorded before the lock is released
			if (!this.commitLock.isLocked() && this.sequence == seq) {
				return atPin.apply(value, seq);
			}
			Thread.onSpinWait();
		}
		if (!this.patientLock.acquire()) {
			// no commit completed for a whole patience: maybe one waits for this thread
			run.inexact = true;
			return live.apply(path);
		}
		try {
			return atPin.apply(live.apply(path), this.sequence);
		}
		finally {
			this.patientLock.release();
		}
	}

	/**
	 * Reads a path's lifetime as it was at a run's pin ({@link PinnedLifetimes}), and remembers
	 * the read: the path is a dependency, and its lifetime is captured before every later commit
	 * that may change it until the run ends.
	 * @param run the run
	 * @param path the path
	 * @param live reads the lifetime now ({@code null} when none)
	 * @return the time left at the pin, or null when none
	 */
	@Nullable Duration timeToLive(Run run, StatePath path, Function<StatePath, @Nullable Duration> live) {
		run.read(path);
		if (this.stamps != null) {
			this.stamps.beforeReading(run, path);
		}
		synchronized (this) {
			if (run.lifetimes == null) {
				run.lifetimes = new HashSet<>();
			}
			if (run.lifetimes.add(path)) {
				this.lifetimes.watch(path);
			}
		}
		return consistently(run, path, live, (left, seq) -> lifetimeAtPin(run, path, left, seq));
	}

	/**
	 * A run took a value remembered from lifetimes (a computed value's memo answering it): the
	 * paths count as lifetimes it read, with the stamps they were remembered at, so a write that
	 * changes only one of them makes the run's result stale too.
	 * @param run the run
	 * @param paths the paths whose lifetimes the value read
	 * @param stamps their stamps, or null when the backend is not shared
	 */
	void noteLifetimes(Run run, Set<StatePath> paths, @Nullable Map<StatePath, Long> stamps) {
		synchronized (this) {
			if (run.lifetimes == null) {
				run.lifetimes = new HashSet<>();
			}
			for (StatePath path : paths) {
				if (run.lifetimes.add(path)) {
					this.lifetimes.watch(path);
				}
			}
		}
		if (stamps != null) {
			LifetimeStamps.note(run, stamps);
		}
	}

	private synchronized @Nullable Duration lifetimeAtPin(Run run, StatePath path, @Nullable Duration live,
			long readSequence) {
		return this.lifetimes.atPin(run, path, live, readSequence);
	}

	/**
	 * Before a commit, under the commit lock: captures the lifetimes runs in progress asked of that
	 * the writes may change. Nothing to do (one volatile read) while no run is pinned.
	 * @param writes the commit's writes
	 * @param live reads a lifetime now
	 */
	void lifetimesBefore(List<Write> writes, Function<StatePath, @Nullable Duration> live) {
		this.lifetimes.dropPending(); // under the commit lock, like every access to it
		if (!this.pinned) {
			return;
		}
		List<StatePath> touched;
		synchronized (this) {
			touched = this.lifetimes.touched(writes);
		}
		if (!touched.isEmpty()) {
			this.lifetimes.capture(touched, live);
		}
	}

	/**
	 * After a commit, under the commit lock: keeps what runs in progress need to read lifetimes at
	 * their pins, and invalidates the computed values that read a lifetime the writes may have
	 * changed (a write that only restarts a time to live changes no value).
	 * @param revision the commit's revision when it changed a value, else {@code -1}
	 * @param writes what it wrote (only the paths matter)
	 */
	void lifetimesWritten(long revision, List<Write> writes) {
		if (!this.pinned && !this.computeds.hasOpen()) {
			this.lifetimes.dropPending(); // under the commit lock, like every access to it
			return;
		}
		List<StatePath> written = new ArrayList<>(writes.size());
		for (Write write : writes) {
			written.add(write.path());
		}
		this.computeds.lifetimesWritten(written);
		if (!this.pinned) {
			this.lifetimes.dropPending(); // under the commit lock, like every access to it
			return;
		}
		synchronized (this) {
			long seq = this.sequence + 1;
			if (this.pins.isEmpty()) {
				this.lifetimes.dropPending();
			}
			else {
				this.lifetimes.written(seq, revision, written);
			}
			SEQUENCE.setRelease(this, seq);
		}
	}

	/** Whether a commit after a run's pin may have changed a lifetime it read (its result is stale). */
	synchronized boolean lifetimesChangedSincePin(Run run) {
		return this.lifetimes.changedSincePin(run);
	}

	/**
	 * Undoes, newest first, the recorded commits after the run's pin (up to the sequence the
	 * value was read at) that changed the path.
	 */
	private @Nullable Object undo(Run run, StatePath path, @Nullable Object live, long readSequence) {
		List<Entry> newer;
		synchronized (this) {
			if (run.pin < this.floor) {
				run.inexact = true;
				return live;
			}
			if (this.entries.isEmpty() || this.head <= run.pin) {
				return live;
			}
			newer = new ArrayList<>();
			Iterator<Entry> descending = this.entries.descendingIterator();
			while (descending.hasNext()) {
				Entry entry = descending.next();
				if (entry.sequence() <= readSequence && entry.revision() > run.pin) {
					newer.add(entry);
				}
			}
		}
		Object value = live;
		try {
			for (Entry entry : newer) {
				value = RecordedChanges.valueBefore(entry.changes(), path, value);
			}
		}
		catch (RuntimeException ex) {
			// histories that do not fit together (a lost feed): read live, run again later
			run.inexact = true;
			return live;
		}
		return value;
	}

	/**
	 * Finds the first recorded commit that changed a path after the revision it was read at.
	 * @param reads the paths read, with the revisions they were read at
	 * @return the change, or null when every read is still current as far as recorded
	 */
	synchronized @Nullable Found changedSince(Map<StatePath, Long> reads) {
		for (Entry entry : this.entries) {
			for (Change change : entry.changes()) {
				for (Map.Entry<StatePath, Long> read : reads.entrySet()) {
					if (entry.revision() > read.getValue() && RecordedChanges.affects(change, read.getKey(), false)) {
						return new Found(entry, change, read.getKey());
					}
				}
			}
		}
		return null;
	}

	/**
	 * Tells whether another writer changed a path a run read after the revision it was read at
	 * (the run's own commits do not count): a write the run would make now rests on a value
	 * that is gone. Called under the commit lock, so every local commit is recorded.
	 * @param run the run
	 * @return whether a commit not made by the run changed one of its reads
	 */
	synchronized boolean changedByOthers(Run run) {
		if (run.reads.isEmpty() || run.inexact) {
			return run.inexact;
		}
		for (Entry entry : this.entries) {
			if (run.own != null && run.own.contains(entry.revision())) {
				continue;
			}
			for (Change change : entry.changes()) {
				for (Map.Entry<StatePath, Long> read : run.reads.entrySet()) {
					if (entry.revision() > read.getValue() && RecordedChanges.affects(change, read.getKey(), false)) {
						return true;
					}
				}
			}
		}
		return false;
	}

}
