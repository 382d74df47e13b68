package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * {@code getOrWrite}'s write: the value unless one is there, atomically (on a shared backend,
 * checked in the commit, and tried again when another instance wrote first). One per call.
 */
final class IfAbsentWrite {

	private static final CommitTemplate.Work<IfAbsentWrite, Write, @Nullable Void> WORK = (commits, ifAbsent, write,
			unused) -> {
		ifAbsent.conflicted = false;
		ifAbsent.existing = commits.readLocked(write.path());
		if (ifAbsent.existing != null) {
			return false;
		}
		try {
			commits.commit(List.of(write), commits.isShared() ? List.of(new Precondition(write.path(), null)) : List.of());
		}
		catch (PreconditionFailedException ex) {
			// another instance wrote the path first: read it again
			ifAbsent.conflicted = true;
			return false;
		}
		return true;
	};

	private @Nullable Object existing;

	private boolean conflicted;

	private IfAbsentWrite() {
	}

	/**
	 * Writes the value unless one is there.
	 * @param commits the controller's commit template
	 * @param write the write
	 * @return the value that was there, or null when this one was written
	 */
	static @Nullable Object write(CommitTemplate commits, Write write) {
		IfAbsentWrite ifAbsent = new IfAbsentWrite();
		do {
			commits.run(WORK, ifAbsent, write, null);
		}
		while (ifAbsent.conflicted);
		return ifAbsent.existing;
	}

}
