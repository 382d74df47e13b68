package io.statetree.core.backend;

import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link StateBackend#checkCommit}: the refusals every backend makes, found without
 * writing. A failed precondition; a leaf written at the root (always a branch); a write below a
 * leaf, whether the backend holds the leaf or an earlier write of the same commit puts it there.
 * Messages name paths and the kind of a value, never the value. Stateless.
 */
final class CommitChecks {

	private CommitChecks() {
	}

	/**
	 * Throws what the backend's commit would throw as a refusal of the request.
	 * @param backend the backend, read (never written)
	 * @param request the commit it would be given
	 * @throws PreconditionFailedException naming the first precondition that fails
	 * @throws StateWriteException naming the path written and why
	 */
	static void check(StateBackend backend, CommitRequest request) {
		for (Precondition precondition : request.preconditions()) {
			if (!StateValues.equal(backend.read(precondition.path()), precondition.expected())) {
				throw new PreconditionFailedException(precondition.path());
			}
		}
		List<Write> writes = request.writes();
		for (Write write : writes) {
			Object value = write.value();
			if (write.path().isRoot() && value != null && !StateValues.isBranch(value)) {
				throw new StateWriteException("Cannot write " + TreeEdits.describe(value)
						+ " at /: the root is always a branch");
			}
		}
		SnapshotStore snapshots = backend.snapshotStore();
		if (snapshots != null) {
			// the whole tree is at hand: apply the writes to it, as the commit would
			StateValues.applyToRoot(snapshots.snapshot(), writes);
			return;
		}
		for (int i = 0; i < writes.size(); i++) {
			Write write = writes.get(i);
			if (write.value() == null) {
				continue;
			}
			StatePath path = write.path();
			for (int depth = path.depth() - 1; depth >= 0; depth--) {
				StatePath ancestor = path.prefix(depth);
				Object value = valueBefore(backend, writes, i, ancestor);
				if (value == null) {
					continue;
				}
				if (!StateValues.isBranch(value)) {
					throw new StateWriteException("Cannot write " + path + ": " + ancestor + " holds a leaf value ("
							+ TreeEdits.describe(value) + "), not a branch");
				}
				break;
			}
		}
	}

	/**
	 * The kind of value at a path before write {@code index}: a map stands for any branch, another
	 * object for a leaf, null for absent.
	 */
	private static @Nullable Object valueBefore(StateBackend backend, List<Write> writes, int index, StatePath path) {
		for (int j = index - 1; j >= 0; j--) {
			Write earlier = writes.get(j);
			if (earlier.path().isAncestorOrSelf(path)) {
				return StateValues.getIn(earlier.value(), earlier.path().relativize(path));
			}
			if (path.isAncestorOf(earlier.path()) && earlier.value() != null) {
				return StateValues.emptyBranch();
			}
		}
		return backend.read(path);
	}

}
