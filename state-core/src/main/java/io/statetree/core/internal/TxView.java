package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The state as it will be once pending writes are applied: backend reads overlaid with the
 * writes, in order. Not thread-safe: one per commit or batch.
 */
final class TxView {

	private final StateBackend backend;

	private final List<Write> writes = new ArrayList<>();

	/**
	 * For the in-memory backend: the snapshot the transaction started from with its writes
	 * applied, so reads cost a path walk instead of a scan of the writes.
	 */
	private @Nullable Map<String, Object> root;

	TxView(StateBackend backend) {
		this.backend = backend;
		if (backend instanceof InMemoryBackend memory) {
			this.root = memory.root();
		}
	}

	List<Write> writes() {
		return this.writes;
	}

	/**
	 * Adds a write after checking it can be applied: it must not run through a leaf, and only a
	 * branch may be written at the root.
	 */
	void add(Write write) {
		Map<String, Object> current = this.root;
		if (current != null) {
			// applying checks the write (below a leaf, non-branch at the root) and throws first
			this.root = StateValues.applyToRoot(current, List.of(write));
			this.writes.add(write);
			return;
		}
		StatePath path = write.path();
		if (write.value() != null) {
			if (path.isRoot()) {
				if (!StateValues.isBranch(write.value())) {
					StateValues.applyToRoot(StateValues.emptyBranch(), List.of(write));
				}
			}
			else {
				for (int depth = path.depth() - 1; depth >= 0; depth--) {
					StatePath ancestor = path.prefix(depth);
					Object value = read(ancestor);
					if (value != null) {
						if (!StateValues.isBranch(value)) {
							// throws StateWriteException naming the path and the leaf
							StateValues.setIn(value, ancestor, ancestor.relativize(path), write.value());
						}
						break;
					}
				}
			}
		}
		this.writes.add(write);
	}

	@Nullable Object read(StatePath path) {
		Map<String, Object> current = this.root;
		if (current != null) {
			return StateValues.getIn(current, path);
		}
		int lastCover = -1;
		boolean touched = false;
		for (int i = this.writes.size() - 1; i >= 0; i--) {
			StatePath w = this.writes.get(i).path();
			if (w.isAncestorOrSelf(path)) {
				lastCover = i;
				touched = true;
				break;
			}
			if (path.isAncestorOf(w)) {
				touched = true;
			}
		}
		if (!touched) {
			return this.backend.read(path);
		}
		Object value;
		if (lastCover >= 0) {
			Write cover = this.writes.get(lastCover);
			value = StateValues.getIn(cover.value(), cover.path().relativize(path));
		}
		else {
			value = this.backend.read(path);
		}
		for (int i = lastCover + 1; i < this.writes.size(); i++) {
			Write w = this.writes.get(i);
			if (path.isAncestorOf(w.path())) {
				value = StateValues.setIn(value, path, path.relativize(w.path()), w.value());
			}
		}
		if (value == null && path.isRoot()) {
			return StateValues.emptyBranch();
		}
		return value;
	}

}
