package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * A dead letter as a {@link ConsumerGroups} store keeps it: enough to hand the event to a
 * listener again without the history, equal to the original in every field a listener can read
 * (the path variables follow from the path and the group's pattern; a group's events carry no
 * payload). A store keeps every field; a letter a store wrote before it kept {@code actor},
 * {@code causedBy} and {@code expiry} reads back with {@code null}, {@code 0} and {@code false}.
 * @param id the id, unique in the group (given by the store)
 * @param group the group's name
 * @param partition the partition of its key
 * @param key the event's key (the captured variables, else the emitting path)
 * @param revision the revision of the commit the event came from
 * @param path the event's path
 * @param emittingPath the path whose change emitted it
 * @param oldValue the value before, at the emitting path
 * @param newValue the value after, at the emitting path
 * @param origin the instance that made the commit
 * @param attempts how many times the listener was called
 * @param error the last failure: exception class and message (never a stored value)
 * @param parkedAtMillis when it was parked, epoch milliseconds
 * @param actor the commit's actor ({@link io.statetree.core.StateEvent#actor()}), or {@code null}
 * @param causedBy the revision whose listener made the commit
 * ({@link io.statetree.core.StateEvent#causedBy()}), or {@code 0}
 * @param expiry whether the commit removed expired keys ({@link io.statetree.core.StateEvent#isExpiry()})
 */
public record DeadLetterRecord(String id, String group, int partition, String key, long revision, StatePath path,
		StatePath emittingPath, @Nullable Object oldValue, @Nullable Object newValue, String origin, int attempts,
		String error, long parkedAtMillis, @Nullable String actor, long causedBy, boolean expiry) {

	/**
	 * A dead letter of a commit without actor, cause or expiry.
	 * @param id the id
	 * @param group the group's name
	 * @param partition the partition of its key
	 * @param key the event's key
	 * @param revision the revision of the commit the event came from
	 * @param path the event's path
	 * @param emittingPath the path whose change emitted it
	 * @param oldValue the value before
	 * @param newValue the value after
	 * @param origin the instance that made the commit
	 * @param attempts how many times the listener was called
	 * @param error the last failure
	 * @param parkedAtMillis when it was parked
	 */
	public DeadLetterRecord(String id, String group, int partition, String key, long revision, StatePath path,
			StatePath emittingPath, @Nullable Object oldValue, @Nullable Object newValue, String origin, int attempts,
			String error, long parkedAtMillis) {
		this(id, group, partition, key, revision, path, emittingPath, oldValue, newValue, origin, attempts, error,
				parkedAtMillis, null, 0, false);
	}

	/**
	 * Returns this letter with the id, group and partition a store gives it, every other field kept.
	 * @param id the id
	 * @param group the group's name
	 * @param partition the partition
	 * @return the letter
	 */
	public DeadLetterRecord stored(String id, String group, int partition) {
		return new DeadLetterRecord(id, group, partition, this.key, this.revision, this.path, this.emittingPath,
				this.oldValue, this.newValue, this.origin, this.attempts, this.error, this.parkedAtMillis, this.actor,
				this.causedBy, this.expiry);
	}

}
