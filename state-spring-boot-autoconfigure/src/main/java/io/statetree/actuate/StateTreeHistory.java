package io.statetree.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the most recent commits (a bounded ring buffer): revision, time, origin and each
 * changed path with its old and new value. Register it as a {@link ControllerObserver}; the
 * {@link StateTreeChangesEndpoint} shows it. Values are kept as the immutable values the
 * controller committed; payloads are not kept.
 * <p>
 * Thread-safe.
 */
public final class StateTreeHistory implements ControllerObserver {

	private final int size;

	private final Clock clock;

	private final ArrayDeque<Entry> entries;

	/**
	 * Creates a history.
	 * @param size how many commits to keep; 0 keeps none
	 * @param clock the clock that stamps commits
	 * @throws IllegalArgumentException if {@code size} is negative
	 */
	public StateTreeHistory(int size, Clock clock) {
		if (size < 0) {
			throw new IllegalArgumentException("History size " + size + " is negative");
		}
		this.size = size;
		this.clock = clock;
		this.entries = new ArrayDeque<>(Math.min(size, 1024));
	}

	/**
	 * Returns how many commits are kept at most.
	 * @return the size
	 */
	public int size() {
		return this.size;
	}

	@Override
	public void onCommit(long revision, String origin, List<Change> changes) {
		if (this.size == 0) {
			return;
		}
		List<ChangedPath> changed = new ArrayList<>(changes.size());
		for (Change change : changes) {
			changed.add(new ChangedPath(change.path(), change.oldValue(), change.newValue()));
		}
		Entry entry = new Entry(revision, this.clock.instant(), origin, List.copyOf(changed));
		synchronized (this.entries) {
			if (this.entries.size() == this.size) {
				this.entries.removeFirst();
			}
			this.entries.addLast(entry);
		}
	}

	/**
	 * Returns the kept commits, newest first.
	 * @return a snapshot
	 */
	public List<Entry> entries() {
		List<Entry> snapshot;
		synchronized (this.entries) {
			snapshot = new ArrayList<>(this.entries.size());
			Iterator<Entry> newestFirst = this.entries.descendingIterator();
			while (newestFirst.hasNext()) {
				snapshot.add(newestFirst.next());
			}
		}
		return List.copyOf(snapshot);
	}

	/**
	 * One commit.
	 * @param revision its revision
	 * @param time when this instance observed it
	 * @param origin the instance that made it
	 * @param changes the changed paths
	 */
	public record Entry(long revision, Instant time, String origin, List<ChangedPath> changes) {
	}

	/**
	 * One changed path.
	 * @param path the path
	 * @param oldValue the value before the commit, or {@code null} when absent
	 * @param newValue the value after the commit, or {@code null} when deleted
	 */
	public record ChangedPath(StatePath path, @Nullable Object oldValue, @Nullable Object newValue) {
	}

}
