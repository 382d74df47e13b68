package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.StateStorageException;
import io.statetree.core.backend.DeadLetterRecord;
import io.statetree.core.backend.GroupMembership;
import io.statetree.core.backend.PartitionClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's hold on a group's partitions in Redis ({@link RedisConsumerGroups#join}): each call
 * is one {@code groups.lua} call checking the claim's owner, fencing token and lapse time by the
 * server's clock. A redelivery taken stays with the partition until its holder records it handled
 * ({@link #redeliveryHandled}) or parks it again, so a holder that dies while handling it leaves
 * it to the next holder, a handled one is never taken again, and a take whose reply was lost (the
 * call failed, or the client sent it again after reconnecting) gives it again. A dead letter is parked once per event while parked, even when its call is sent twice.
 * Thread-safe.
 */
final class RedisGroupMembership implements GroupMembership {

	private static final Logger logger = LoggerFactory.getLogger(RedisGroupMembership.class);

	private final RedisConsumerGroups groups;

	private final String group;

	private final String member;

	private final byte[] memberBytes;

	/** The pattern it joined with: a group forgotten and joined with another one is not claimed. */
	private final byte[] patternBytes;

	private volatile boolean closed;

	/** Ids the calls of {@link #takeRedeliveries} are told apart by: unique to this membership. */
	private final String callPrefix = UUID.randomUUID() + ":";

	private final AtomicLong calls = new AtomicLong();

	/** Per partition, the id of a take whose reply did not arrive (sent again with it). */
	private final Map<Integer, String> unanswered = new ConcurrentHashMap<>();

	RedisGroupMembership(RedisConsumerGroups groups, String group, String pattern, String member) {
		this.groups = groups;
		this.group = group;
		this.member = member;
		this.memberBytes = RedisConsumerGroups.bytes(member);
		this.patternBytes = RedisConsumerGroups.bytes(pattern);
	}

	/**
	 * Renews and takes claims with one script call; after {@link #close()} claims nothing and
	 * returns an empty list (a timer of the controller may still call it once), nor when the group
	 * was forgotten and joined with another pattern while this member was gone.
	 */
	@Override
	public List<PartitionClaim> claim(Duration claimTimeout, Set<Integer> keep, Set<Integer> skip) {
		Objects.requireNonNull(claimTimeout, "claimTimeout");
		if (claimTimeout.toMillis() < 1) {
			throw new IllegalArgumentException("claimTimeout must be at least 1 ms, got " + claimTimeout);
		}
		if (this.closed) {
			// left: it holds nothing and must not count as alive again
			return List.of();
		}
		byte[][] args = new byte[5 + keep.size() + skip.size()][];
		args[0] = this.memberBytes;
		args[1] = text(claimTimeout.toMillis());
		args[2] = text(RedisConsumerGroups.PARTITIONS);
		args[3] = this.patternBytes;
		args[4] = text(keep.size());
		int i = 5;
		for (Integer partition : keep) {
			args[i++] = text(partition);
		}
		for (Integer partition : skip) {
			args[i++] = text(partition);
		}
		List<Object> reply = this.groups.script("claim", this.group, args);
		List<PartitionClaim> claims = new ArrayList<>(reply.size());
		for (Object element : reply) {
			List<?> claim = (List<?>) element;
			claims.add(new PartitionClaim((int) (long) (Long) claim.get(0), (Long) claim.get(1), (Long) claim.get(2)));
		}
		claims.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
		return List.copyOf(claims);
	}

	@Override
	public boolean acknowledge(int partition, long token, long revision) {
		return this.groups.scriptLong("ack", this.group, this.memberBytes, text(partition), text(token),
				text(revision)) == 1;
	}

	@Override
	public boolean deadLetter(int partition, long token, DeadLetterRecord letter, boolean acknowledge) {
		Objects.requireNonNull(letter, "letter");
		return this.groups.scriptLong("dead", this.group, this.memberBytes, text(partition), text(token),
				text(letter.revision()), RedisConsumerGroups.bytes(acknowledge ? "1" : "0"),
				RedisConsumerGroups.bytes(DeadLetterCodec.encode(letter)),
				RedisConsumerGroups.bytes(letter.path().toString()), RedisConsumerGroups.bytes(letter.id())) > 0;
	}

	@Override
	public boolean redeliveryHandled(int partition, long token, String id) {
		Objects.requireNonNull(id, "id");
		return this.groups.scriptLong("handled", this.group, this.memberBytes, text(partition), text(token),
				RedisConsumerGroups.bytes(id)) == 1;
	}

	@Override
	public List<DeadLetterRecord> takeRedeliveries(int partition, long token) {
		// a call whose reply did not arrive is sent again with the same id: what it took comes again
		String call = this.unanswered.computeIfAbsent(partition, (p) -> Long.toString(this.calls.incrementAndGet()));
		List<Object> reply = this.groups.script("take", this.group, this.memberBytes, text(partition), text(token),
				RedisConsumerGroups.bytes(this.callPrefix + call));
		this.unanswered.remove(partition);
		List<DeadLetterRecord> letters = new ArrayList<>(reply.size());
		for (Object element : reply) {
			String stored = RedisCalls.string(element);
			int newline = stored.indexOf('\n');
			letters.add(DeadLetterCodec.decode(stored.substring(0, newline), this.group, partition,
					stored.substring(newline + 1)));
		}
		return List.copyOf(letters);
	}

	/**
	 * Gives up this member's claims and leaves the group's members; when Redis cannot be reached
	 * the failure is logged and the claims lapse on their own after the claim timeout.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.groups.scriptLong("leave", this.group, this.memberBytes);
		}
		catch (StateStorageException ex) {
			logger.warn("Member {} of group '{}' could not give up its claims in Redis at {}; they lapse after the "
					+ "claim timeout: {}", this.member, this.group, this.groups.connectionName(), ex.getMessage());
		}
	}

	private static byte[] text(long number) {
		return RedisConsumerGroups.bytes(Long.toString(number));
	}

}
