package io.statetree.core.internal;

import java.util.List;
import java.util.function.UnaryOperator;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * One {@code update} (DESIGN §4): the function runs under the commit lock, so this controller's other
 * writers cannot make it run again; on a shared backend the value it read is checked in the
 * commit and the update tried again when another instance changed it.
 */
final class Update<T> implements CommitTemplate.Work<@Nullable Void, @Nullable Void, @Nullable Void> {

	private final StateBackend backend;

	private final ValueConverter converter;

	private final StatePath path;

	private final Class<T> type;

	private final UnaryOperator<@Nullable T> function;

	/** What the function returned on the last run. */
	@Nullable T next;

	/** Why the last run's commit failed (another instance changed the value), or null. */
	@Nullable PreconditionFailedException conflict;

	Update(StateBackend backend, ValueConverter converter, StatePath path, Class<T> type,
			UnaryOperator<@Nullable T> function) {
		this.backend = backend;
		this.converter = converter;
		this.path = path;
		this.type = type;
		this.function = function;
	}

	@Override
	public boolean underLock(CommitTemplate commits, @Nullable Void a, @Nullable Void b, @Nullable Void c) {
		this.conflict = null;
		StateBackend backend = this.backend;
		Object existing = commits.readLocked(this.path);
		Object model;
		while (true) {
			this.next = this.function.apply(this.converter.convert(this.path, existing, this.type));
			model = this.converter.toModel(this.path, this.next);
			// the value it read may have fallen due while the function ran: then it is deleted by
			// its own expiry commit first and the function runs again on what is there now
			if (existing == null || !commits.sweepFallenDueLocked()) {
				break;
			}
			Object now = commits.readLocked(this.path);
			if (StateValues.equal(now, existing)) {
				break;
			}
			existing = now;
		}
		if (StateValues.equal(existing, model)) {
			if (existing == null) {
				return false;
			}
			// an equal rewrite writes nothing but makes the value permanent, like set (DESIGN §12)
			model = existing;
		}
		List<Precondition> preconditions = backend.isShared() ? List.of(new Precondition(this.path, existing))
				: List.of();
		try {
			return commits.commit(List.of(new Write(this.path, model, null)), preconditions);
		}
		catch (PreconditionFailedException ex) {
			this.conflict = ex;
			return false;
		}
	}

}
