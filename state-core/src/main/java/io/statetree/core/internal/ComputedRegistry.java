package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateView;
import io.statetree.core.backend.Change;

/**
 * The open computed values of one controller (DESIGN §16), told of every recorded commit (local,
 * or another instance's from the change feed) by the {@link EffectJournal}, under the commit
 * lock: each value whose last computation read a path the commit changed is invalidated. The
 * cost per commit is one check per open value and path read; with no value open, one volatile
 * read. Thread-safe.
 */
final class ComputedRegistry {

	private final CopyOnWriteArrayList<ComputedImpl<?>> open = new CopyOnWriteArrayList<>();

	/** Creates a value and registers it; nothing is computed yet. */
	<T> Computed<T> create(EffectJournal journal, BatchRunner batches, StateController reads,
			Function<StateView, T> function, Runnable checkOpen) {
		ComputedImpl<T> computed = new ComputedImpl<>(this, journal, batches, reads, function, checkOpen);
		this.open.add(computed);
		return computed;
	}

	/** Called under the commit lock with a recorded commit's real changes. */
	void committed(List<Change> changes) {
		if (this.open.isEmpty()) {
			return;
		}
		for (ComputedImpl<?> computed : this.open) {
			for (Change change : changes) {
				if (computed.concernedBy(change)) {
					computed.invalidate();
					break;
				}
			}
		}
	}

	/**
	 * Called under the commit lock with the paths a commit wrote: each value whose last
	 * computation read the lifetime of one of them or of a path below ({@code timeToLive}) is
	 * invalidated, since a write may restart or clear a lifetime without changing a value.
	 */
	void lifetimesWritten(List<StatePath> written) {
		if (this.open.isEmpty()) {
			return;
		}
		for (ComputedImpl<?> computed : this.open) {
			if (computed.lifetimeConcernedBy(written)) {
				computed.invalidate();
			}
		}
	}

	/** Whether any value is open (its computations read the backend while commits go on). */
	boolean hasOpen() {
		return !this.open.isEmpty();
	}

	void remove(ComputedImpl<?> computed) {
		this.open.remove(computed);
	}

}
