package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.statetree.core.StateStorageException;
import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.DeadLetterRecord;
import io.statetree.core.backend.GroupInfo;
import io.statetree.core.backend.GroupMembership;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis backend's {@link ConsumerGroups} (DESIGN §13): every group's progress in keys of the
 * namespace (<code>{ns}:groups</code>, <code>{ns}:groupfloor</code> and
 * <code>{ns}:group:&lt;name&gt;:*</code>), changed only by {@code groups.lua}, one script call per
 * operation, timed by the server's clock. A group's keys are spread over {@value #PARTITIONS}
 * partitions; a member holds a partition by a claim (owner, fencing token, lapse time) that it
 * renews; an acknowledgement or a dead letter is taken only from the current holder with the
 * current token. The commit scripts keep the change stream entries after the lowest cursor of any
 * group, up to {@code historyLimit} entries. Thread-safe: every call is one independent script call.
 */
final class RedisConsumerGroups implements ConsumerGroups {

	/** The number of partitions of every group. */
	static final int PARTITIONS = 16;

	private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final Keys keys;

	private final byte[] historyLimit;

	RedisConsumerGroups(RedisConnectionFactory factory, String connectionName, Keys keys, long historyLimit) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.keys = keys;
		this.historyLimit = bytes(Long.toString(historyLimit));
	}

	@Override
	public int partitions() {
		return PARTITIONS;
	}

	/**
	 * Joins a group (one script call: the group is created with every cursor at
	 * {@code startRevision} unless known, its pattern checked otherwise). The member counts as alive
	 * from its first {@link GroupMembership#claim}. A group known with another pattern is forgotten
	 * and created anew with this one when it is idle: no member alive and no live claim, every
	 * cursor at {@code startRevision} or later (nothing pending), no dead letter and no redelivery;
	 * otherwise the join is refused.
	 * @throws IllegalArgumentException naming the group and both patterns when it is known with
	 * another pattern and not idle, or naming the group when its name cannot be a Redis key part
	 */
	@Override
	public GroupMembership join(String group, String pattern, String member, long startRevision) {
		checkName(group);
		Objects.requireNonNull(pattern, "pattern");
		Objects.requireNonNull(member, "member");
		List<Object> reply = script("join", group, bytes(pattern), bytes(Integer.toString(PARTITIONS)),
				bytes(Long.toString(startRevision)), this.historyLimit, bytes(member));
		long status = (Long) reply.get(0);
		if (status == 0) {
			throw new IllegalArgumentException("Group '" + group + "' has the pattern " + RedisCalls.string(reply.get(1))
					+ "; a member cannot join it with the pattern " + pattern + " (a group takes a new pattern only "
					+ "when no member is alive and it has no pending commit, dead letter or redelivery)");
		}
		if (status == 2) {
			throw new StateStorageException("Group '" + group + "' is stored in Redis at " + this.connectionName
					+ " with " + RedisCalls.string(reply.get(1)) + " partitions; this version uses " + PARTITIONS);
		}
		return new RedisGroupMembership(this, group, pattern, member);
	}

	@Override
	public List<GroupInfo> groups() {
		List<String> names = new ArrayList<>();
		try (RedisConnection connection = this.factory.getConnection()) {
			var stored = connection.hashCommands().hKeys(this.keys.groups()[0]);
			if (stored != null) {
				for (byte[] name : stored) {
					names.add(new String(name, StandardCharsets.UTF_8));
				}
			}
		}
		catch (DataAccessException ex) {
			throw new StateStorageException("Redis at " + this.connectionName + " failed: " + RedisCalls.message(ex), ex);
		}
		names.sort(null);
		List<GroupInfo> groups = new ArrayList<>(names.size());
		for (String name : names) {
			List<Object> reply = script("info", name);
			if (reply.isEmpty()) {
				continue;
			}
			List<String> members = new ArrayList<>();
			for (Object member : (List<?>) reply.get(1)) {
				members.add(RedisCalls.string(member));
			}
			members.sort(null);
			List<Long> cursors = new ArrayList<>();
			for (Object cursor : (List<?>) reply.get(2)) {
				cursors.add(Long.parseLong(RedisCalls.string(cursor)));
			}
			groups.add(new GroupInfo(name, RedisCalls.string(reply.get(0)), List.copyOf(members), List.copyOf(cursors),
					(int) (long) (Long) reply.get(3)));
		}
		return List.copyOf(groups);
	}

	@Override
	public List<DeadLetterRecord> deadLetters(String group) {
		checkName(group);
		List<Object> reply = script("deadletters", group);
		List<DeadLetterRecord> letters = new ArrayList<>(reply.size() / 2);
		for (int i = 0; i + 1 < reply.size(); i += 2) {
			String id = RedisCalls.string(reply.get(i));
			String stored = RedisCalls.string(reply.get(i + 1));
			int newline = stored.indexOf('\n');
			letters.add(DeadLetterCodec.decode(id, group, Integer.parseInt(stored.substring(0, newline)),
					stored.substring(newline + 1)));
		}
		return List.copyOf(letters);
	}

	@Override
	public boolean redeliver(String group, String id) {
		checkName(group);
		return scriptLong("redeliver", group, bytes(id)) == 1;
	}

	@Override
	public boolean discard(String group, String id) {
		checkName(group);
		return scriptLong("discard", group, bytes(id)) == 1;
	}

	/**
	 * Runs an operation of {@code groups.lua} returning a list.
	 * @param op the operation
	 * @param group the group
	 * @param args the operation's arguments
	 * @return the reply
	 */
	List<Object> script(String op, String group, byte[]... args) {
		return RedisCalls.script(this.factory, this.connectionName, Scripts.GROUPS, this.keys.groups(),
				arguments(op, group, args));
	}

	/**
	 * Runs an operation of {@code groups.lua} returning an integer.
	 * @param op the operation
	 * @param group the group
	 * @param args the operation's arguments
	 * @return the reply
	 */
	long scriptLong(String op, String group, byte[]... args) {
		return RedisCalls.scriptLong(this.factory, this.connectionName, Scripts.GROUPS, this.keys.groups(),
				arguments(op, group, args));
	}

	/**
	 * Describes the connection, for messages.
	 * @return the connection's name
	 */
	String connectionName() {
		return this.connectionName;
	}

	private byte[][] arguments(String op, String group, byte[]... args) {
		byte[][] all = new byte[args.length + 3][];
		all[0] = bytes(op);
		all[1] = this.keys.groupPrefix(group);
		all[2] = bytes(group);
		System.arraycopy(args, 0, all, 3, args.length);
		return all;
	}

	private static void checkName(String group) {
		if (group == null || !GROUP_NAME.matcher(group).matches()) {
			throw new IllegalArgumentException("Invalid group name '" + group
					+ "': use 1 to 100 letters, digits or the characters . _ -");
		}
	}

	static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
