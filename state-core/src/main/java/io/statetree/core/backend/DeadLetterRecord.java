package io.statetree.core.backend;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * A dead letter as a {@link ConsumerGroups} store keeps it: enough to hand the event to a
 * listener again without the history.
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
 */
public record DeadLetterRecord(String id, String group, int partition, String key, long revision, StatePath path,
		StatePath emittingPath, @Nullable Object oldValue, @Nullable Object newValue, String origin, int attempts,
		String error, long parkedAtMillis) {
}
