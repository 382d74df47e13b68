package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * How a recorded commit's changes bear on one path: whether a reader of the path notices them
 * ({@link #affects}), and the path's value before the commit ({@link #valueBefore}), as the
 * {@link EffectJournal} undoes commits to read at a pin. Stateless; thread-safe.
 */
final class RecordedChanges {

	private RecordedChanges() {
	}

	/**
	 * The value at a path before a commit, given the value after it and the commit's changes. A change holds the values
	 * at the written path only, so a branch the write created above it is told apart from one
	 * that was there, empty, by its emptiness: an empty branch may read as absent at a pin.
	 * @param changes the commit's changes (values before and after the whole commit)
	 * @param path the path
	 * @param after its value after the commit
	 * @return its value before the commit
	 */
	static @Nullable Object valueBefore(List<Change> changes, StatePath path, @Nullable Object after) {
		List<Change> below = null;
		for (Change change : changes) {
			StatePath w = change.path();
			if (w.isAncestorOrSelf(path)) {
				// every change holds values before and after the whole commit: this one decides
				return StateValues.getIn(change.oldValue(), w.relativize(path));
			}
			if (path.isAncestorOf(w)) {
				if (below == null) {
					below = new ArrayList<>();
				}
				below.add(change);
			}
		}
		if (below == null) {
			return after;
		}
		below.sort((a, b) -> Integer.compare(a.path().depth(), b.path().depth()));
		Object value = after;
		boolean created = false;
		for (Change change : below) {
			StatePath relative = path.relativize(change.path());
			value = StateValues.setIn(value, path, relative, change.oldValue());
			if (change.oldValue() == null) {
				// the write created the branches on its way: take back those left empty
				created = true;
				for (int depth = relative.depth() - 1; depth > 0; depth--) {
					Object node = StateValues.getIn(value, relative.prefix(depth));
					if (!(node instanceof Map<?, ?> map) || !map.isEmpty()) {
						break;
					}
					value = StateValues.setIn(value, path, relative.prefix(depth), null);
				}
			}
		}
		if (created && !path.isRoot() && value instanceof Map<?, ?> map && map.isEmpty()) {
			return null;
		}
		return value;
	}

	/**
	 * Tells whether a change is one that a reader of a path notices: a write above it that
	 * changed its value, or any write at or below it.
	 * @param change the change
	 * @param dependency the path read
	 * @param ping whether it is a ping (notifies without changing)
	 */
	static boolean affects(Change change, StatePath dependency, boolean ping) {
		StatePath w = change.path();
		if (dependency.isAncestorOf(w)) {
			return true;
		}
		if (w.isAncestorOrSelf(dependency)) {
			if (ping) {
				return true;
			}
			StatePath relative = w.relativize(dependency);
			return !StateValues.equal(StateValues.getIn(change.oldValue(), relative),
					StateValues.getIn(change.newValue(), relative));
		}
		return false;
	}

}
