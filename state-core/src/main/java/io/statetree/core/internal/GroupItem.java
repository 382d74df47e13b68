package io.statetree.core.internal;

import io.statetree.core.PathPattern;
import io.statetree.core.backend.DeadLetterRecord;
import org.jspecify.annotations.Nullable;

/**
 * One event a group member is to handle (DESIGN §13): read from the history, or a redelivered
 * dead letter, with its key and the attempts made so far. Touched by one partition worker's run
 * at a time.
 */
final class GroupItem {

	final Event event;

	final String key;

	/** The dead letter it came from, when redelivered. */
	private final @Nullable DeadLetterRecord redelivery;

	/** The listener calls so far in this round. */
	int attempts;

	/** Set when the last attempt failed: the dead letter's error, until it is parked. */
	@Nullable String parkError;

	GroupItem(Event event, String key, @Nullable DeadLetterRecord redelivery) {
		this.event = event;
		this.key = key;
		this.redelivery = redelivery;
	}

	/**
	 * An item for a redelivered dead letter: its event rebuilt from the fields it kept, equal to
	 * the original in every field a listener reads (a group's events have no payload).
	 */
	static GroupItem redelivery(DefaultStateController controller, PathPattern pattern, DeadLetterRecord letter) {
		CommitRecord.Kind kind = letter.origin().equals(controller.instanceId()) ? CommitRecord.Kind.LOCAL
				: CommitRecord.Kind.REMOTE;
		Event event = new Event(controller, letter.path(), letter.emittingPath(), letter.oldValue(), letter.newValue(),
				null, pattern, letter.revision(), letter.origin(), kind, letter.actor(), letter.causedBy(),
				letter.expiry());
		return new GroupItem(event, letter.key(), letter);
	}

	boolean isRedelivery() {
		return this.redelivery != null;
	}

	/**
	 * The id of the dead letter this item was redelivered from, else {@code ""}.
	 * @return the id
	 */
	String redeliveryId() {
		return (this.redelivery != null) ? this.redelivery.id() : "";
	}

	/**
	 * The dead letter for this item after its last attempt: its id is the letter's it was
	 * redelivered from (so the store forgets that one), else empty (the store gives one).
	 */
	DeadLetterRecord deadLetter(String group, int partition, String error) {
		return new DeadLetterRecord(redeliveryId(), group, partition, this.key, this.event.revision(),
				this.event.path(), this.event.emittingPath(), this.event.prevValue(), this.event.newValue(),
				this.event.origin(), this.attempts, error, System.currentTimeMillis(), this.event.actor(),
				this.event.causedBy(), this.event.isExpiry());
	}

}
