package io.statetree.core.backend;

import java.util.List;

/**
 * A backend capability (DESIGN §13): the durable progress of group listeners, shared by every
 * instance on the backend. The controller runs a group's members; the backend keeps, per group,
 * which member holds which partition of the keys (a claim with a fencing token that lapses unless
 * renewed), each partition's acknowledged revision (its cursor) and the dead letters. Events are
 * not stored here: a member reads the commits after its partition's cursor from the backend's
 * {@link CommitHistory} and computes the group's events itself, as every instance would.
 * <p>
 * A backend returns one from {@link StateBackend#consumerGroups()}. Without one the controller
 * keeps group progress in its own memory when the backend is not shared (lost with the process),
 * and refuses group subscriptions when it is shared.
 * <p>
 * Implementations are thread-safe. Every method may throw
 * {@link io.statetree.core.StateStorageException} when the store cannot be reached; nothing is
 * changed then.
 */
public interface ConsumerGroups {

	/**
	 * Returns the number of partitions a group's keys are spread over: a key's partition is
	 * {@code Math.floorMod(key.hashCode(), partitions())}. Fixed for the store's lifetime, the same
	 * for every instance.
	 * @return the number of partitions, at least 1
	 */
	int partitions();

	/**
	 * Joins a group as a member. A group the store does not know yet is created with every
	 * partition's cursor at {@code startRevision} (a new group starts at the current revision);
	 * a known group keeps its cursors. Joining again with the same member id returns a membership
	 * for the same member.
	 * A group has one pattern: every member subscribes with the same one.
	 * @param group the group's name (see {@link io.statetree.core.SubscribeOptions#group(String)})
	 * @param pattern the group's pattern, as written
	 * @param member the member's id, unique among the instances ({@code instanceId/listenerId})
	 * @param startRevision the revision a new group starts after
	 * @return the membership
	 * @throws IllegalArgumentException naming the group and both patterns when the group is known
	 * with another pattern
	 */
	GroupMembership join(String group, String pattern, String member, long startRevision);

	/**
	 * Lists the groups the store knows, by name.
	 * @return the groups
	 */
	List<GroupInfo> groups();

	/**
	 * Lists a group's dead letters, oldest first.
	 * @param group the group's name
	 * @return the dead letters; empty for an unknown group
	 */
	List<DeadLetterRecord> deadLetters(String group);

	/**
	 * Moves a dead letter back to its partition for delivery (taken by the partition's holder
	 * through {@link GroupMembership#takeRedeliveries}).
	 * @param group the group's name
	 * @param id the dead letter's id
	 * @return {@code false} when no such dead letter is parked
	 */
	boolean redeliver(String group, String id);

	/**
	 * Forgets a dead letter.
	 * @param group the group's name
	 * @param id the dead letter's id
	 * @return {@code false} when no such dead letter is parked
	 */
	boolean discard(String group, String id);

}
