package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Group progress kept in this process's memory (DESIGN §13): claims, cursors and dead letters of
 * the group listeners of one controller. The controller uses it for a backend that is not shared
 * and keeps no {@link ConsumerGroups} of its own (the memory backend); everything here is lost
 * with the process, pending events included. Members are the group listeners of this process, so
 * claims still hand partitions over between them (a listener that closes, or one whose listener
 * hangs past the claim timeout).
 * <p>
 * Thread-safe: every method holds the instance's lock for its (short) run.
 */
public final class LocalConsumerGroups implements ConsumerGroups {

	/** The default number of partitions. */
	public static final int DEFAULT_PARTITIONS = 16;

	/** How long a member that joined counts as alive before its first claim. */
	private static final long JOIN_ALIVE_NANOS = Duration.ofSeconds(30).toNanos();

	private final int partitions;

	private final LongSupplier nanoClock;

	private final Object lock = new Object();

	private final Map<String, Group> groups = new TreeMap<>();

	/**
	 * Creates a store with {@link #DEFAULT_PARTITIONS} partitions on the system's monotonic clock.
	 */
	public LocalConsumerGroups() {
		this(DEFAULT_PARTITIONS, System::nanoTime);
	}

	/**
	 * Creates a store.
	 * @param partitions the number of partitions, 1 to 1024
	 * @param nanoClock a monotonic clock in nanoseconds (claims lapse by it)
	 * @throws IllegalArgumentException when the number of partitions is out of range
	 */
	public LocalConsumerGroups(int partitions, LongSupplier nanoClock) {
		if (partitions < 1 || partitions > 1024) {
			throw new IllegalArgumentException("partitions must be between 1 and 1024, got " + partitions);
		}
		this.partitions = partitions;
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
	}

	@Override
	public int partitions() {
		return this.partitions;
	}

	@Override
	public GroupMembership join(String group, String pattern, String member, long startRevision) {
		Objects.requireNonNull(group, "group");
		Objects.requireNonNull(pattern, "pattern");
		Objects.requireNonNull(member, "member");
		synchronized (this.lock) {
			Group g = this.groups.get(group);
			if (g == null) {
				g = new Group(pattern, this.partitions, startRevision);
				this.groups.put(group, g);
			}
			else if (!g.pattern.equals(pattern)) {
				throw new IllegalArgumentException("Group '" + group + "' listens to '" + g.pattern
						+ "'; a member cannot join it with pattern '" + pattern + "' (one pattern per group)");
			}
			long now = this.nanoClock.getAsLong();
			g.alive.merge(member, now + JOIN_ALIVE_NANOS, Math::max);
			return new Membership(group, g, member);
		}
	}

	/**
	 * Returns the lowest cursor of a group's partitions: the commits after it may still give the
	 * group events to handle.
	 * @param group the group's name
	 * @return the lowest cursor, or {@link Long#MAX_VALUE} for an unknown group
	 */
	public long lowestCursor(String group) {
		synchronized (this.lock) {
			Group g = this.groups.get(group);
			if (g == null) {
				return Long.MAX_VALUE;
			}
			long lowest = Long.MAX_VALUE;
			for (long cursor : g.cursors) {
				lowest = Math.min(lowest, cursor);
			}
			return lowest;
		}
	}

	@Override
	public List<GroupInfo> groups() {
		synchronized (this.lock) {
			long now = this.nanoClock.getAsLong();
			List<GroupInfo> result = new ArrayList<>();
			this.groups.forEach((name, g) -> {
				List<Long> cursors = new ArrayList<>();
				for (long cursor : g.cursors) {
					cursors.add(cursor);
				}
				result.add(new GroupInfo(name, g.pattern, List.copyOf(g.aliveMembers(now)), List.copyOf(cursors),
						g.deadLetters.size()));
			});
			return List.copyOf(result);
		}
	}

	@Override
	public List<DeadLetterRecord> deadLetters(String group) {
		synchronized (this.lock) {
			Group g = this.groups.get(group);
			return (g != null) ? List.copyOf(g.deadLetters.values()) : List.of();
		}
	}

	@Override
	public boolean redeliver(String group, String id) {
		synchronized (this.lock) {
			Group g = this.groups.get(group);
			DeadLetterRecord letter = (g != null) ? g.deadLetters.remove(id) : null;
			if (letter == null) {
				return false;
			}
			g.redeliveries.get(letter.partition()).add(letter);
			return true;
		}
	}

	@Override
	public boolean discard(String group, String id) {
		synchronized (this.lock) {
			Group g = this.groups.get(group);
			return g != null && g.deadLetters.remove(id) != null;
		}
	}

	/** One group's progress; guarded by the store's lock. */
	private static final class Group {

		final String pattern;

		final long[] cursors;

		final String[] holders;

		final long[] tokens;

		/** When each claim lapses, or when the partition was given up (free since then). */
		final long[] expiries;

		final Map<String, Long> alive = new TreeMap<>();

		final Map<String, DeadLetterRecord> deadLetters = new LinkedHashMap<>();

		final List<List<DeadLetterRecord>> redeliveries = new ArrayList<>();

		long nextToken = 1;

		long nextLetter = 1;

		Group(String pattern, int partitions, long startRevision) {
			this.pattern = pattern;
			this.cursors = new long[partitions];
			java.util.Arrays.fill(this.cursors, startRevision);
			this.holders = new String[partitions];
			this.tokens = new long[partitions];
			this.expiries = new long[partitions];
			java.util.Arrays.fill(this.expiries, Long.MIN_VALUE / 2);
			for (int i = 0; i < partitions; i++) {
				this.redeliveries.add(new ArrayList<>());
			}
		}

		Set<String> aliveMembers(long now) {
			this.alive.values().removeIf((expiry) -> expiry - now <= 0);
			Set<String> members = new TreeSet<>(this.alive.keySet());
			for (int p = 0; p < this.holders.length; p++) {
				if (this.holders[p] != null && this.expiries[p] - now > 0) {
					members.add(this.holders[p]);
				}
			}
			return members;
		}

		boolean holds(int partition, String member, long token, long now) {
			return partition >= 0 && partition < this.holders.length && member.equals(this.holders[partition])
					&& this.tokens[partition] == token && this.expiries[partition] - now > 0;
		}

	}

	/** One member's membership. */
	private final class Membership implements GroupMembership {

		private final String name;

		private final Group group;

		private final String member;

		Membership(String name, Group group, String member) {
			this.name = name;
			this.group = group;
			this.member = member;
		}

		@Override
		public List<PartitionClaim> claim(Duration claimTimeout, Set<Integer> keep, Set<Integer> skip) {
			long timeout = claimTimeout.toNanos();
			synchronized (LocalConsumerGroups.this.lock) {
				Group g = this.group;
				long now = LocalConsumerGroups.this.nanoClock.getAsLong();
				g.alive.merge(this.member, now + timeout, (a, b) -> b);
				int members = Math.max(1, g.aliveMembers(now).size());
				int fair = (g.holders.length + members - 1) / members;
				List<Integer> held = new ArrayList<>();
				for (int p = 0; p < g.holders.length; p++) {
					if (this.member.equals(g.holders[p]) && g.expiries[p] - now > 0 && !skip.contains(p)) {
						held.add(p);
					}
				}
				// give up claims above the fair share, those not kept first
				int excess = held.size() - fair;
				for (int i = held.size() - 1; i >= 0 && excess > 0; i--) {
					int p = held.get(i);
					if (!keep.contains(p)) {
						g.holders[p] = null;
						g.expiries[p] = now;
						held.remove(i);
						excess--;
					}
				}
				for (int p : held) {
					g.expiries[p] = now + timeout;
				}
				for (int p = 0; p < g.holders.length; p++) {
					boolean free = g.holders[p] == null || g.expiries[p] - now <= 0;
					boolean orphaned = free && now - g.expiries[p] > timeout / 2;
					if (free && (held.size() < fair || orphaned) && !skip.contains(p)) {
						g.holders[p] = this.member;
						g.tokens[p] = g.nextToken++;
						g.expiries[p] = now + timeout;
						held.add(p);
					}
				}
				List<PartitionClaim> claims = new ArrayList<>();
				for (int p = 0; p < g.holders.length; p++) {
					if (held.contains(p)) {
						claims.add(new PartitionClaim(p, g.tokens[p], g.cursors[p]));
					}
				}
				return List.copyOf(claims);
			}
		}

		@Override
		public boolean acknowledge(int partition, long token, long revision) {
			synchronized (LocalConsumerGroups.this.lock) {
				if (!this.group.holds(partition, this.member, token, LocalConsumerGroups.this.nanoClock.getAsLong())) {
					return false;
				}
				this.group.cursors[partition] = Math.max(this.group.cursors[partition], revision);
				return true;
			}
		}

		@Override
		public boolean deadLetter(int partition, long token, DeadLetterRecord letter, boolean acknowledge) {
			synchronized (LocalConsumerGroups.this.lock) {
				long now = LocalConsumerGroups.this.nanoClock.getAsLong();
				if (!this.group.holds(partition, this.member, token, now)) {
					return false;
				}
				String id = Long.toString(this.group.nextLetter++);
				this.group.deadLetters.put(id, letter.stored(id, this.name, partition));
				if (acknowledge) {
					this.group.cursors[partition] = Math.max(this.group.cursors[partition], letter.revision());
				}
				return true;
			}
		}

		@Override
		public List<DeadLetterRecord> takeRedeliveries(int partition, long token) {
			synchronized (LocalConsumerGroups.this.lock) {
				if (!this.group.holds(partition, this.member, token, LocalConsumerGroups.this.nanoClock.getAsLong())) {
					return List.of();
				}
				List<DeadLetterRecord> taken = List.copyOf(this.group.redeliveries.get(partition));
				this.group.redeliveries.get(partition).clear();
				return taken;
			}
		}

		/** A taken redelivery is forgotten at once here: the store dies with its process. */
		@Override
		public boolean redeliveryHandled(int partition, long token, String id) {
			synchronized (LocalConsumerGroups.this.lock) {
				return this.group.holds(partition, this.member, token, LocalConsumerGroups.this.nanoClock.getAsLong());
			}
		}

		@Override
		public void close() {
			synchronized (LocalConsumerGroups.this.lock) {
				for (int p = 0; p < this.group.holders.length; p++) {
					if (this.member.equals(this.group.holders[p])) {
						this.group.holders[p] = null;
						this.group.expiries[p] = LocalConsumerGroups.this.nanoClock.getAsLong();
					}
				}
				this.group.alive.remove(this.member);
			}
		}

	}

}
