package io.statetree.core.backend;

/**
 * A member's claim on one partition of a group ({@link GroupMembership#claim}).
 * @param partition the partition, {@code 0} to {@code partitions() - 1}
 * @param token the fencing token: changes whenever the partition changes hands
 * @param cursor the revision through which the partition's events are handled
 */
public record PartitionClaim(int partition, long token, long cursor) {
}
