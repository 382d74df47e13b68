package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.DeadLetterRecord;
import io.statetree.core.backend.GroupMembership;
import io.statetree.core.backend.PartitionClaim;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the Redis consumer groups add to the contract: the change stream keeps what a group still
 * needs (up to the group history limit), redeliveries survive a holder that lapses while handling
 * them, names that cannot be key parts are refused, and the keys live in the namespace.
 */
@ExtendWith(RedisTestServer.class)
class RedisGroupProgressTest {

	private LettuceConnectionFactory factory;

	private String namespace;

	private final List<RedisBackend> backends = new ArrayList<>();

	private final List<GroupMembership> memberships = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.factory = redis.newConnectionFactory();
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		this.memberships.forEach(GroupMembership::close);
		this.backends.forEach(RedisBackend::close);
	}

	private RedisBackend backend(long retention, long groupLimit) {
		RedisBackend backend = RedisBackend.builder(this.factory)
			.namespace(this.namespace)
			.feedRetention(retention)
			.groupHistoryLimit(groupLimit)
			.build();
		this.backends.add(backend);
		return backend;
	}

	private GroupMembership join(ConsumerGroups groups, String member, long start) {
		GroupMembership m = groups.join("mail", "/users/{id}", member, start);
		this.memberships.add(m);
		return m;
	}

	private static void write(RedisBackend backend, int commits) {
		for (int i = 0; i < commits; i++) {
			backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/users/u" + (i % 7)), i)), List.of(),
					"test"));
		}
	}

	@Test
	void theStreamKeepsTheCommitsAGroupHasNotHandled() {
		RedisBackend backend = backend(10, 1_000_000);
		write(backend, 300);
		long trimmedWithoutGroup = backend.history().retainedAfter();
		assertThat(trimmedWithoutGroup).as("no group: trimmed to the retention").isGreaterThan(0);
		GroupMembership m = join(backend.consumerGroups(), "a/1", backend.revision());
		long start = backend.revision();
		write(backend, 400);
		assertThat(backend.history().retainedAfter()).as("held for the group").isLessThanOrEqualTo(start);
		assertThat(backend.history().after(start, 1_000)).hasSize(400);
		// once every partition is acknowledged the stream is trimmed again
		List<PartitionClaim> claims = m.claim(Duration.ofMinutes(1), Set.of(), Set.of());
		assertThat(claims).hasSize(backend.consumerGroups().partitions());
		for (PartitionClaim c : claims) {
			assertThat(m.acknowledge(c.partition(), c.token(), backend.revision())).isTrue();
		}
		long acknowledged = backend.revision();
		write(backend, 400);
		assertThat(backend.history().retainedAfter()).isGreaterThan(start).isLessThanOrEqualTo(acknowledged);
	}

	@Test
	void aGroupThatHandledEverythingLetsTheStreamBeTrimmed() {
		RedisBackend backend = backend(10, 1_000_000);
		try (StateController c = StateController.builder()
			.backend(backend)
			.groupClaimTimeout(Duration.ofSeconds(1))
			.build()) {
			AtomicInteger handled = new AtomicInteger();
			c.subscribe("/users/{id}", (e) -> handled.incrementAndGet(), SubscribeOptions.group("mail"));
			// one key: fifteen of the sixteen partitions never get an event, their cursors move at renewals
			for (int i = 0; i < 300; i++) {
				c.set("/users/ada", i);
			}
			// at least: under a stall the 1 s claim lapses and an event is rightly handled again, which
			// could carry the count past 300 between two polls
			await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() >= 300);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				c.set("/other", handled.incrementAndGet());
				return backend.history().retainedAfter() >= 200;
			});
		}
	}

	@Test
	void theSlowestPartitionHoldsTheStream() {
		RedisBackend backend = backend(10, 1_000_000);
		GroupMembership m = join(backend.consumerGroups(), "a/1", 0);
		List<PartitionClaim> claims = m.claim(Duration.ofMinutes(1), Set.of(), Set.of());
		write(backend, 300);
		for (PartitionClaim c : claims.subList(1, claims.size())) {
			m.acknowledge(c.partition(), c.token(), 300);
		}
		write(backend, 300);
		assertThat(backend.history().retainedAfter()).isZero();
	}

	@Test
	void theGroupHistoryLimitIsCheckedAndDescribed() {
		assertThatThrownBy(() -> RedisBackend.builder(this.factory).groupHistoryLimit(0))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("groupHistoryLimit");
		RedisBackend backend = backend(10, 150);
		assertThat(backend.groupHistoryLimit()).isEqualTo(150);
		assertThat(backend.describe()).containsEntry("groupHistoryLimit", 150L);
		RedisBackend byDefault = RedisBackend.builder(this.factory).namespace(this.namespace).build();
		this.backends.add(byDefault);
		assertThat(byDefault.groupHistoryLimit()).isEqualTo(RedisBackend.DEFAULT_GROUP_HISTORY_LIMIT);
	}

	@Test
	void pastTheGroupHistoryLimitTheStreamIsTrimmedAndTheGapShows() {
		RedisBackend backend = backend(10, 150);
		join(backend.consumerGroups(), "a/1", 0);
		write(backend, 600);
		// the group's cursors are still 0: its history has a gap the runner reports
		assertThat(backend.history().retainedAfter()).isGreaterThan(0);
		assertThat(backend.history().after(0, 1_000).size()).isGreaterThanOrEqualTo(150).isLessThan(600);
	}

	@Test
	void redeliveriesTakenByAHolderThatLapsesGoToTheNextHolder() {
		RedisBackend backend = backend(1_000, 1_000_000);
		ConsumerGroups groups = backend.consumerGroups();
		GroupMembership a = join(groups, "a/1", 0);
		PartitionClaim c = a.claim(Duration.ofMillis(300), Set.of(), Set.of()).get(0);
		DeadLetterRecord letter = new DeadLetterRecord("", "mail", c.partition(), "id=7", 7, StatePath.of("/users/7"),
				StatePath.of("/users/7"), null, Map.of("name", "ada"), "inst", 5, "java.lang.RuntimeException: smtp", 1L);
		assertThat(a.deadLetter(c.partition(), c.token(), letter, true)).isTrue();
		assertThat(groups.redeliver("mail", groups.deadLetters("mail").get(0).id())).isTrue();
		assertThat(a.takeRedeliveries(c.partition(), c.token())).hasSize(1);
		// a dies while handling it: its claim lapses and b takes the partition
		GroupMembership b = join(backend(1_000, 1_000_000).consumerGroups(), "b/1", 0);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> b.claim(Duration.ofMinutes(1), Set.of(), Set.of())
				.stream()
				.anyMatch((x) -> x.partition() == c.partition()));
		PartitionClaim taken = b.claim(Duration.ofMinutes(1), Set.of(), Set.of())
			.stream()
			.filter((x) -> x.partition() == c.partition())
			.findFirst()
			.orElseThrow();
		List<DeadLetterRecord> again = b.takeRedeliveries(taken.partition(), taken.token());
		assertThat(again).extracting(DeadLetterRecord::revision).containsExactly(7L);
		assertThat(again.get(0).newValue()).isEqualTo(Map.of("name", "ada"));
		assertThat(again.get(0).oldValue()).isNull();
		assertThat(b.takeRedeliveries(taken.partition(), taken.token())).isEmpty();
	}

	@Test
	void aTakeSentAgainAfterALostReplyGivesTheSameLetters() {
		RedisBackend backend = backend(1_000, 1_000_000);
		RedisConsumerGroups groups = (RedisConsumerGroups) backend.consumerGroups();
		GroupMembership m = join(groups, "a/1", 0);
		PartitionClaim c = m.claim(Duration.ofMinutes(1), Set.of(), Set.of()).get(0);
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 7), true)).isTrue();
		assertThat(groups.redeliver("mail", groups.deadLetters("mail").get(0).id())).isTrue();
		byte[] member = "a/1".getBytes();
		byte[] partition = Integer.toString(c.partition()).getBytes();
		byte[] token = Long.toString(c.token()).getBytes();
		assertThat(groups.script("take", "mail", member, partition, token, "call-1".getBytes())).hasSize(1);
		// the client sends the same call again (its reply was lost): the letters come again
		assertThat(groups.script("take", "mail", member, partition, token, "call-1".getBytes())).hasSize(1);
		// the next call: they were handled
		assertThat(groups.script("take", "mail", member, partition, token, "call-2".getBytes())).isEmpty();
	}

	@Test
	void aDeadLetterSentTwiceIsParkedOnceAndAgainAfterItsRedelivery() {
		RedisBackend backend = backend(1_000, 1_000_000);
		ConsumerGroups groups = backend.consumerGroups();
		GroupMembership m = join(groups, "a/1", 0);
		PartitionClaim c = m.claim(Duration.ofMinutes(1), Set.of(), Set.of()).get(0);
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 7), true)).isTrue();
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 7), true)).isTrue();
		assertThat(groups.deadLetters("mail")).hasSize(1);
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 8), true)).isTrue();
		assertThat(groups.deadLetters("mail")).hasSize(2);
		String first = groups.deadLetters("mail").get(0).id();
		assertThat(groups.redeliver("mail", first)).isTrue();
		assertThat(m.takeRedeliveries(c.partition(), c.token())).hasSize(1);
		// handled again, failed again: parked again, under a new id
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 7), false)).isTrue();
		assertThat(groups.deadLetters("mail")).extracting(DeadLetterRecord::revision).containsExactly(8L, 7L);
		assertThat(groups.deadLetters("mail").get(1).id()).isNotEqualTo(first);
		assertThat(groups.discard("mail", groups.deadLetters("mail").get(1).id())).isTrue();
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 7), false)).isTrue();
		assertThat(groups.deadLetters("mail")).hasSize(2);
	}

	private static DeadLetterRecord letter(int partition, long revision) {
		return new DeadLetterRecord("", "mail", partition, "id=" + revision, revision,
				StatePath.of("/users/" + revision), StatePath.of("/users/" + revision), null, Map.of("name", "ada"),
				"inst", 5, "java.lang.RuntimeException: smtp", 1L);
	}

	@Test
	void aMemberThatLeftClaimsNothingAndIsNotListedAgain() {
		ConsumerGroups groups = backend(1_000, 1_000_000).consumerGroups();
		GroupMembership m = join(groups, "a/1", 0);
		assertThat(m.claim(Duration.ofMinutes(1), Set.of(), Set.of())).hasSize(groups.partitions());
		m.close();
		assertThat(m.claim(Duration.ofMinutes(1), Set.of(), Set.of())).isEmpty();
		assertThat(groups.groups().get(0).members()).isEmpty();
	}

	@Test
	void aGroupNameThatCannotBeAKeyPartIsRefused() {
		ConsumerGroups groups = backend(1_000, 1_000_000).consumerGroups();
		for (String bad : List.of("", "a b", "a:b", "{x}", "x".repeat(101))) {
			assertThatThrownBy(() -> groups.join(bad, "/users/{id}", "a/1", 0))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("group name");
		}
		assertThat(groups.groups()).isEmpty();
	}

	@Test
	void aGroupsKeysLiveInTheNamespace() {
		RedisBackend backend = backend(1_000, 1_000_000);
		GroupMembership m = join(backend.consumerGroups(), "a/1", 0);
		m.claim(Duration.ofMinutes(1), Set.of(), Set.of());
		try (RedisConnection connection = this.factory.getConnection()) {
			Set<byte[]> keys = connection.keyCommands().keys(("*group*").getBytes());
			assertThat(keys).isNotEmpty();
			assertThat(keys).allSatisfy((k) -> assertThat(new String(k)).startsWith("{"));
			assertThat(keys).anySatisfy((k) -> assertThat(new String(k)).startsWith("{" + this.namespace + "}:group:mail:"));
		}
	}

	@Test
	void partitionsAreSpreadOverThreeMembers() {
		RedisBackend backend = backend(1_000, 1_000_000);
		List<GroupMembership> members = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			members.add(join(backend(1_000, 1_000_000).consumerGroups(), "m/" + i, 0));
		}
		List<Integer> sizes = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			sizes.clear();
			for (GroupMembership m : members) {
				sizes.add(m.claim(Duration.ofMinutes(1), Set.of(), Set.of()).size());
			}
		}
		int all = backend.consumerGroups().partitions();
		assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(all);
		// the fair share is ceil(16 / 3) = 6: two members hold 6, the third the 4 left
		assertThat(sizes).allSatisfy((n) -> assertThat(n).isBetween(1, (all + 2) / 3));
	}

}
