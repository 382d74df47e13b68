package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateValues;

/**
 * Keeps the changes of a commit whose value really changed: a backend reports every path it was
 * asked to write, and an equal rewrite is no change to record, deliver or note for effects.
 */
final class RealChanges {

	/** The class of {@code List.of(one)}: such a list is immutable already and is kept as it is. */
	private static final Class<?> IMMUTABLE_ONE = List.of(RealChanges.class).getClass();

	private RealChanges() {
	}

	/** The changes whose value really changed, as an immutable list. */
	static List<Change> of(List<Change> changes) {
		if (changes instanceof TxChangeRecord.Recorded recorded && recorded.allChanged()) {
			// a commit's own record, immutable, each change known to be real when it was noted
			return changes;
		}
		if (changes.size() == 1) {
			Change only = changes.get(0);
			if (StateValues.equal(only.oldValue(), only.newValue())) {
				return List.of();
			}
			return (changes.getClass() == IMMUTABLE_ONE) ? changes : List.of(only);
		}
		int n = changes.size();
		for (int i = 0; i < n; i++) {
			Change change = changes.get(i);
			if (StateValues.equal(change.oldValue(), change.newValue())) {
				// one did not change: keep the others (usually every change is kept, copied once)
				List<Change> changed = new ArrayList<>(n - 1);
				changed.addAll(changes.subList(0, i));
				for (int j = i + 1; j < n; j++) {
					Change later = changes.get(j);
					if (!StateValues.equal(later.oldValue(), later.newValue())) {
						changed.add(later);
					}
				}
				return List.copyOf(changed);
			}
		}
		return List.copyOf(changes);
	}

}
