package io.statetree.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * Where a read looks: the batch in progress on this thread (its writes and what they derive), the
 * snapshot of the effect run in progress (the read noted, so a later change runs it again), else
 * the backend. Every read is recorded for a tracked derivation and reported to the observer.
 * Thread-safe: what it consults is per thread.
 */
final class ScopedReads {

	private final StateBackend backend;

	private final BatchRunner batches;

	private final EffectJournal journal;

	private final DerivationGraph graph;

	private final GuardedObserver guard;

	/** A copy of {@code guard.observed}, read on every read. */
	private final boolean observed;

	ScopedReads(StateBackend backend, BatchRunner batches, EffectJournal journal, DerivationGraph graph,
			GuardedObserver guard) {
		this.backend = backend;
		this.batches = batches;
		this.journal = journal;
		this.graph = graph;
		this.guard = guard;
		this.observed = guard.observed;
	}

	/** The value at a path ({@code get}); the root reads as an empty branch rather than null. */
	@Nullable Object read(StatePath path) {
		Tracker.record(path);
		Batch current = this.batches.current();
		EffectJournal.Run effectRun = EffectJournal.current();
		Object value;
		if (effectRun != null && effectRun.journal == this.journal) {
			// inside a tracked effect: recorded with the revision read at, and read at the run's snapshot
			effectRun.read(path);
			value = (current != null) ? current.read(path, this.graph) : this.journal.read(effectRun, path);
		}
		else {
			value = (current != null) ? current.read(path, this.graph) : this.backend.read(path);
		}
		if (this.observed) {
			this.guard.read(path);
		}
		if (value == null && path.isRoot()) {
			return StateValues.emptyBranch();
		}
		return value;
	}

	/**
	 * The revision the tracked effect or computed value running on this thread for this controller
	 * reads at (its pinned snapshot), or {@code -1} when none runs.
	 */
	long runRevision() {
		EffectJournal.Run effectRun = EffectJournal.current();
		return (effectRun != null && effectRun.journal == this.journal) ? effectRun.pin : -1;
	}

	/** The names of a path's children ({@code childNames}). */
	List<String> childNames(StatePath path) {
		EffectJournal.Run effectRun = EffectJournal.current();
		if (this.batches.current() != null || (effectRun != null && effectRun.journal == this.journal)) {
			// inside a batch or an effect, listing children is a read like get: tracked, at the
			// run's snapshot, checked at the batch's commit, and showing derived values
			Object value = read(path);
			return (value instanceof Map<?, ?> map) ? map.keySet().stream().map(String::valueOf).toList() : List.of();
		}
		Tracker.record(path);
		List<String> names = this.backend.childNames(path);
		if (this.observed) {
			this.guard.read(path);
		}
		return names;
	}

	/**
	 * A lifetime ({@code timeToLive}) outside a batch: inside a tracked effect or a computed value's
	 * function at the run's pin (DESIGN §16: one snapshot per run, lifetimes included), else live.
	 * @param path the path
	 * @param live reads the lifetime now
	 * @return the time left, or null when none
	 */
	@Nullable Duration timeToLive(StatePath path, Function<StatePath, @Nullable Duration> live) {
		EffectJournal.Run effectRun = EffectJournal.current();
		if (effectRun != null && effectRun.journal == this.journal) {
			return this.journal.timeToLive(effectRun, path, live);
		}
		return live.apply(path);
	}

	/** Notes a read inside an effect run in progress ({@code getOrWrite}): a later change of the path runs it again. */
	void noteEffectRead(StatePath path) {
		EffectJournal.Run effectRun = EffectJournal.current();
		if (effectRun != null && effectRun.journal == this.journal) {
			effectRun.read(path);
		}
	}

}
