package io.statetree.core.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The {@link EffectJournal}'s part for lifetimes (DESIGN §12 and §16): a {@code timeToLive} read
 * inside a computed value's function or a tracked effect answers at the run's pin, as every value
 * read there does, and a later write that may change that lifetime makes the run's result stale.
 * <p>
 * A commit's {@link io.statetree.core.backend.Change}s hold values, not lifetimes, and a write that
 * only restarts a time to live (an equal value) changes no value at all, so the journal's value
 * entries cannot undo lifetimes. Instead, under the commit lock just before a commit, the lifetime
 * of every path a run in progress has asked {@code timeToLive} of and the commit's writes may change
 * (a write at the path or above it) is captured as a deadline ({@link #capture}); after the commit
 * an entry with its written paths and those deadlines is kept while runs are pinned
 * ({@link #written}). A read then takes the live lifetime and replaces it, oldest entry after the
 * pin deciding, by the deadline captured before the first commit after the pin that wrote at or
 * above the path ({@link #atPin}). A commit after the pin that wrote there without a captured
 * deadline (the run asked after that commit, or another instance made it) cannot be undone: the
 * read answers live and the run is marked inexact, so it runs again.
 * <p>
 * Every method but {@link #capture} is called with the journal's monitor held; {@code capture},
 * {@link #written} and {@link #dropPending} under the commit lock too (the only lock guarding the
 * deadlines captured for the commit in progress). Not thread-safe on its own.
 */
final class PinnedLifetimes {

	/** A commit that may have changed lifetimes: its written paths, and deadlines before it. */
	record Entry(long sequence, long revision, List<StatePath> written, Map<StatePath, @Nullable Long> before) {

		/** Whether a run pinned at a revision and sequence did not see this commit. */
		boolean after(long pin, long pinSequence) {
			return (this.revision > 0) ? this.revision > pin : this.sequence > pinSequence;
		}

		/** Whether one of the written paths is at or above a path (its lifetime may have changed). */
		boolean touches(StatePath path) {
			for (StatePath w : this.written) {
				if (w.isAncestorOrSelf(path)) {
					return true;
				}
			}
			return false;
		}

	}

	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	/** The paths runs in progress asked {@code timeToLive} of, with how many runs asked. */
	private final Map<StatePath, Integer> watched = new HashMap<>();

	/**
	 * Deadlines captured for the commit in progress, or null. Read and written under the commit
	 * lock only (with or without the journal's monitor).
	 */
	private @Nullable Map<StatePath, @Nullable Long> pending;

	/** The newest sequence of an entry dropped while runs were pinned. */
	private long floor = Long.MIN_VALUE;

	/** A run asks a path's lifetime: the path is watched until the run ends. */
	void watch(StatePath path) {
		this.watched.merge(path, 1, Integer::sum);
	}

	/** A run that asked these paths ended. */
	void unwatch(Iterable<StatePath> paths) {
		for (StatePath path : paths) {
			this.watched.computeIfPresent(path, (p, count) -> (count == 1) ? null : count - 1);
		}
	}

	/**
	 * The watched paths whose lifetime writes may change (a write at the path or above it).
	 * @param writes a commit's writes
	 * @return the paths, possibly empty
	 */
	List<StatePath> touched(List<Write> writes) {
		if (this.watched.isEmpty()) {
			return List.of();
		}
		List<StatePath> touched = new ArrayList<>();
		for (StatePath path : this.watched.keySet()) {
			for (Write write : writes) {
				if (write.path().isAncestorOrSelf(path)) {
					touched.add(path);
					break;
				}
			}
		}
		return touched;
	}

	/**
	 * Before a commit, under the commit lock (not the journal's monitor: the lifetimes may be read
	 * from a remote backend): captures the deadline of each path {@link #touched} found.
	 * @param paths the paths
	 * @param live the lifetime of a path now
	 */
	void capture(List<StatePath> paths, Function<StatePath, @Nullable Duration> live) {
		Map<StatePath, @Nullable Long> before = new HashMap<>();
		for (StatePath path : paths) {
			Duration left = live.apply(path);
			before.put(path, (left != null) ? System.nanoTime() + left.toNanos() : null);
		}
		this.pending = before;
	}

	/**
	 * After a commit, under the commit lock, while runs are pinned: keeps its entry.
	 * @param sequence the journal's sequence for it
	 * @param revision its revision when it changed a value, else {@code -1}
	 * @param written the paths it wrote
	 */
	void written(long sequence, long revision, List<StatePath> written) {
		Map<StatePath, @Nullable Long> before = (this.pending != null) ? this.pending : Map.of();
		this.pending = null;
		this.entries.addLast(new Entry(sequence, revision, written, before));
		if (this.entries.size() > EffectJournal.MAX_ENTRIES) {
			this.floor = Math.max(this.floor, this.entries.removeFirst().sequence());
		}
	}

	/** No run is pinned: nothing is kept. */
	void clear() {
		this.entries.clear();
	}

	/** A commit made while no run was pinned: what was captured for it is not needed. */
	void dropPending() {
		this.pending = null;
	}

	/**
	 * The lifetime of a path at a run's pin.
	 * @param run the run
	 * @param path the path
	 * @param live the lifetime read live, at {@code readSequence}
	 * @param readSequence the journal's sequence it was read at
	 * @return the lifetime at the pin ({@code null} when none or already due), or {@code live} (the run then marked inexact when a commit
	 * after the pin may have changed it and cannot be undone)
	 */
	@Nullable Duration atPin(EffectJournal.Run run, StatePath path, @Nullable Duration live, long readSequence) {
		if (run.pinSequence < this.floor) {
			run.inexact = true;
			return live;
		}
		Entry oldest = null;
		Iterator<Entry> descending = this.entries.descendingIterator();
		while (descending.hasNext()) {
			Entry entry = descending.next();
			if (entry.sequence() <= readSequence && entry.after(run.pin, run.pinSequence) && entry.touches(path)) {
				oldest = entry;
			}
		}
		if (oldest == null) {
			return live;
		}
		if (!oldest.before().containsKey(path)) {
			run.inexact = true;
			return live;
		}
		Long deadline = oldest.before().get(path);
		if (deadline == null) {
			return null;
		}
		long left = deadline - System.nanoTime();
		// a lifetime already due reads as none, as the live read answers it (DESIGN §12)
		return (left > 0) ? Duration.ofNanos(left) : null;
	}

	/**
	 * Whether a commit after a run's pin wrote at or above a path it asked the lifetime of: its
	 * result rests on a lifetime that may be gone.
	 */
	boolean changedSincePin(EffectJournal.Run run) {
		if (run.lifetimes == null) {
			return false;
		}
		for (Entry entry : this.entries) {
			if (entry.after(run.pin, run.pinSequence)) {
				for (StatePath path : run.lifetimes) {
					if (entry.touches(path)) {
						return true;
					}
				}
			}
		}
		return false;
	}

}
