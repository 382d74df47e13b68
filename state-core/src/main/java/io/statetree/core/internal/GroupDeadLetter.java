package io.statetree.core.internal;

import io.statetree.core.DeadLetter;
import io.statetree.core.StatePath;
import io.statetree.core.backend.DeadLetterRecord;

/**
 * A dead letter as {@code deadLetters(group)} lists it (DESIGN §13): a snapshot of the stored
 * record whose {@code redeliver} and {@code discard} go to the store (and wake this instance's
 * holder of the partition). Immutable.
 */
final class GroupDeadLetter implements DeadLetter {

	private final GroupListeners groups;

	private final DeadLetterRecord record;

	GroupDeadLetter(GroupListeners groups, DeadLetterRecord record) {
		this.groups = groups;
		this.record = record;
	}

	@Override
	public String id() {
		return this.record.id();
	}

	@Override
	public String group() {
		return this.record.group();
	}

	@Override
	public StatePath path() {
		return this.record.path();
	}

	@Override
	public long revision() {
		return this.record.revision();
	}

	@Override
	public int attempts() {
		return this.record.attempts();
	}

	@Override
	public String error() {
		return this.record.error();
	}

	@Override
	public boolean redeliver() {
		return this.groups.redeliver(this.record);
	}

	@Override
	public boolean discard() {
		return this.groups.discard(this.record);
	}

	@Override
	public String toString() {
		return "DeadLetter[group=" + group() + ", id=" + id() + ", path=" + path() + ", revision=" + revision()
				+ ", attempts=" + attempts() + "]";
	}

}
