package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The claims of one consumer group's members on its partitions, kept in this process (a
 * {@link FileSystemBackend} has one process: its directory lock). A claim carries a fencing token,
 * new whenever the partition is taken (also by the member that let it lapse), and lapses unless
 * renewed within the claim timeout, measured on the monotonic clock. A member takes partitions up
 * to its fair share, and above it those free for longer than half the claim timeout, so a
 * partition whose holder hangs is taken even when every member holds its share. A member is alive while its
 * last {@link #claim} is younger than its claim timeout and it has not left. Not thread-safe: the
 * caller holds its group's lock.
 */
final class PartitionLeases {

	/**
	 * One partition's holder and when its claim lapses; without a member (given up), when it was
	 * given up. A partition never held has none.
	 */
	private record Lease(@Nullable String member, long token, long expiresAt) {
	}

	/** One member: when it last claimed, with which timeout. */
	private static final class Member {

		long seenAt;

		long timeoutNanos;

		boolean left;

		Member(long seenAt, long timeoutNanos) {
			this.seenAt = seenAt;
			this.timeoutNanos = timeoutNanos;
		}

	}

	private final Lease[] leases;

	private final Map<String, Member> members = new LinkedHashMap<>();

	private final AtomicLong tokens;

	private final LongSupplier nanoClock;

	/**
	 * @param partitions how many partitions the group has
	 * @param tokens the source of fencing tokens, shared by the groups of a store
	 * @param nanoClock the monotonic clock, nanoseconds
	 */
	PartitionLeases(int partitions, AtomicLong tokens, LongSupplier nanoClock) {
		this.leases = new Lease[partitions];
		this.tokens = tokens;
		this.nanoClock = nanoClock;
	}

	/**
	 * Records a member as joined (again): alive for a first claim timeout of 30 s at most.
	 * @param member the member's id
	 */
	void join(String member) {
		long now = this.nanoClock.getAsLong();
		Member known = this.members.get(member);
		if (known == null) {
			this.members.put(member, new Member(now, Duration.ofSeconds(30).toNanos()));
		}
		else {
			known.left = false;
			known.seenAt = now;
		}
	}

	/**
	 * Renews a member's live claims, gives up those above its fair share (but not {@code keep}),
	 * takes free or lapsed partitions up to the fair share, then, above it, every partition free
	 * for longer than half the claim timeout (its holder hangs or is gone).
	 * @param member the member
	 * @param claimTimeout how long a claim lasts
	 * @param keep partitions not to give up
	 * @param skip partitions neither to renew nor to take (left to lapse)
	 * @return the partitions held and their tokens, by partition
	 */
	Map<Integer, Long> claim(String member, Duration claimTimeout, Set<Integer> keep, Set<Integer> skip) {
		long now = this.nanoClock.getAsLong();
		long timeout = Math.max(1, claimTimeout.toNanos());
		Member self = this.members.get(member);
		if (self == null || self.left) {
			return Map.of();
		}
		self.seenAt = now;
		self.timeoutNanos = timeout;
		int alive = 0;
		for (Member other : this.members.values()) {
			if (!other.left && now - other.seenAt < other.timeoutNanos) {
				alive++;
			}
		}
		int share = (this.leases.length + Math.max(alive, 1) - 1) / Math.max(alive, 1);
		List<Integer> held = new ArrayList<>();
		for (int p = 0; p < this.leases.length; p++) {
			Lease lease = this.leases[p];
			if (lease != null && member.equals(lease.member) && now - lease.expiresAt < 0 && !skip.contains(p)) {
				this.leases[p] = new Lease(member, lease.token, now + timeout);
				held.add(p);
			}
		}
		for (int i = held.size() - 1; i >= 0 && held.size() > share; i--) {
			int p = held.get(i);
			if (!keep.contains(p)) {
				this.leases[p] = new Lease(null, 0, now);
				held.remove(i);
			}
		}
		for (int p = 0; p < this.leases.length; p++) {
			Lease lease = this.leases[p];
			boolean free = lease == null || lease.member == null || now - lease.expiresAt >= 0;
			boolean orphaned = free && (lease == null || now - lease.expiresAt > timeout / 2);
			if (free && (held.size() < share || orphaned) && !skip.contains(p)) {
				this.leases[p] = new Lease(member, this.tokens.incrementAndGet(), now + timeout);
				held.add(p);
			}
		}
		Map<Integer, Long> result = new LinkedHashMap<>();
		held.sort(null);
		for (int p : held) {
			result.put(p, this.leases[p].token);
		}
		return result;
	}

	/**
	 * Tells whether a member holds a partition with a token and its claim has not lapsed.
	 * @param member the member
	 * @param partition the partition
	 * @param token the token
	 * @return whether an acknowledgement with it counts
	 */
	boolean holds(String member, int partition, long token) {
		if (partition < 0 || partition >= this.leases.length) {
			return false;
		}
		Lease lease = this.leases[partition];
		return lease != null && lease.token == token && member.equals(lease.member)
				&& this.nanoClock.getAsLong() - lease.expiresAt < 0;
	}

	/**
	 * Gives up a member's claims and marks it as left.
	 * @param member the member
	 */
	void leave(String member) {
		Member known = this.members.get(member);
		if (known != null) {
			known.left = true;
		}
		for (int p = 0; p < this.leases.length; p++) {
			Lease lease = this.leases[p];
			if (lease != null && member.equals(lease.member)) {
				this.leases[p] = new Lease(null, 0, this.nanoClock.getAsLong());
			}
		}
	}

	/**
	 * Lists the members alive or holding a live claim, in joining order.
	 * @return their ids
	 */
	List<String> members() {
		long now = this.nanoClock.getAsLong();
		List<String> alive = new ArrayList<>();
		for (Map.Entry<String, Member> entry : this.members.entrySet()) {
			Member member = entry.getValue();
			boolean holding = false;
			for (Lease lease : this.leases) {
				if (lease != null && entry.getKey().equals(lease.member) && now - lease.expiresAt < 0) {
					holding = true;
					break;
				}
			}
			if (holding || (!member.left && now - member.seenAt < member.timeoutNanos)) {
				alive.add(entry.getKey());
			}
		}
		return alive;
	}

}
