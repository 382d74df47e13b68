package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.SubscribeOptions;
import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.DeadLetterRecord;
import io.statetree.core.backend.GroupInfo;
import io.statetree.core.backend.GroupMembership;
import io.statetree.core.backend.PartitionClaim;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A group on Redis takes a new pattern only when idle (breaker 15 finding 13): no member alive,
 * nothing pending, no dead letter, no redelivery. It then starts over as a new group at the
 * joining member's revision; otherwise the join is refused naming both patterns.
 */
@ExtendWith(RedisTestServer.class)
class RedisGroupPatternChangeTest {

	private static final Duration LONG = Duration.ofMinutes(5);

	private LettuceConnectionFactory factory;

	private String namespace;

	private final List<RedisBackend> backends = new ArrayList<>();

	private final List<StateController> controllers = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.factory = redis.newConnectionFactory();
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		this.controllers.forEach(StateController::close);
		this.backends.forEach(RedisBackend::close);
	}

	private ConsumerGroups groups() {
		RedisBackend backend = RedisBackend.builder(this.factory).namespace(this.namespace).build();
		this.backends.add(backend);
		return backend.consumerGroups();
	}

	private static GroupInfo info(ConsumerGroups groups) {
		return groups.groups().stream().filter((g) -> g.group().equals("g")).findFirst().orElseThrow();
	}

	/** Joins with /a, claims everything and acknowledges every partition through revision 7. */
	private static GroupMembership caughtUp(ConsumerGroups groups) {
		GroupMembership a = groups.join("g", "/a/{id}", "a/1", 0);
		for (PartitionClaim c : a.claim(LONG, Set.of(), Set.of())) {
			assertThat(a.acknowledge(c.partition(), c.token(), 7)).isTrue();
		}
		return a;
	}

	private static void refused(ConsumerGroups groups) {
		assertThatThrownBy(() -> groups.join("g", "/b/{id}", "b/1", 5)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("Group 'g' has the pattern /a/{id}")
			.hasMessageContaining("/b/{id}")
			.hasMessageContaining("no member is alive");
		assertThat(info(groups).pattern()).isEqualTo("/a/{id}");
	}

	@Test
	void anIdleGroupTakesTheNewPatternAndStartsOverAtTheJoiningRevision() {
		ConsumerGroups groups = groups();
		GroupMembership a = caughtUp(groups);
		PartitionClaim ahead = a.claim(LONG, Set.of(), Set.of()).get(0);
		assertThat(a.acknowledge(ahead.partition(), ahead.token(), 9)).isTrue();
		a.close();
		GroupMembership b = groups.join("g", "/b/{id}", "b/1", 7);
		GroupInfo info = info(groups);
		assertThat(info.pattern()).isEqualTo("/b/{id}");
		assertThat(info.cursors()).containsOnly(7L);
		assertThat(info.deadLetters()).isZero();
		List<PartitionClaim> claims = b.claim(LONG, Set.of(), Set.of());
		assertThat(claims).hasSize(RedisConsumerGroups.PARTITIONS).allSatisfy((c) -> assertThat(c.cursor()).isEqualTo(7));
		// the old member, back, claims nothing of the new group and its calls are refused
		assertThat(a.claim(LONG, Set.of(), Set.of())).isEmpty();
		assertThat(a.acknowledge(claims.get(0).partition(), 1, 9)).isFalse();
		assertThat(info(groups).members()).containsExactly("b/1");
		b.close();
	}

	@Test
	void aGroupWithALiveMemberKeepsItsPattern() {
		ConsumerGroups groups = groups();
		GroupMembership a = caughtUp(groups);
		refused(groups);
		a.close();
	}

	@Test
	void aGroupWithPendingCommitsKeepsItsPattern() {
		ConsumerGroups groups = groups();
		GroupMembership a = groups.join("g", "/a/{id}", "a/1", 0);
		List<PartitionClaim> claims = a.claim(LONG, Set.of(), Set.of());
		for (PartitionClaim c : claims.subList(1, claims.size())) {
			a.acknowledge(c.partition(), c.token(), 5);
		}
		a.acknowledge(claims.get(0).partition(), claims.get(0).token(), 4);
		a.close();
		refused(groups);
		GroupMembership again = groups.join("g", "/a/{id}", "a/2", 5);
		PartitionClaim first = again.claim(LONG, Set.of(), Set.of()).stream()
			.filter((c) -> c.partition() == claims.get(0).partition()).findFirst().orElseThrow();
		assertThat(again.acknowledge(first.partition(), first.token(), 5)).isTrue();
		again.close();
		groups.join("g", "/b/{id}", "b/1", 5).close();
		assertThat(info(groups).pattern()).isEqualTo("/b/{id}");
	}

	@Test
	void aGroupWithADeadLetterOrARedeliveryKeepsItsPattern() {
		ConsumerGroups groups = groups();
		GroupMembership a = caughtUp(groups);
		PartitionClaim c = a.claim(LONG, Set.of(), Set.of()).get(0);
		a.deadLetter(c.partition(), c.token(), new DeadLetterRecord("", "g", c.partition(), "id=1", 3,
				StatePath.of("/a/1"), StatePath.of("/a/1"), null, 1, "inst", 3, "boom", 1L), false);
		a.close();
		refused(groups);
		String id = groups.deadLetters("g").get(0).id();
		assertThat(groups.redeliver("g", id)).isTrue();
		refused(groups);
		// handled by a holder: then idle
		GroupMembership h = groups.join("g", "/a/{id}", "h/1", 5);
		PartitionClaim hc = h.claim(LONG, Set.of(), Set.of()).stream().filter((x) -> x.partition() == c.partition())
			.findFirst().orElseThrow();
		List<DeadLetterRecord> taken = h.takeRedeliveries(hc.partition(), hc.token());
		assertThat(taken).hasSize(1);
		h.close();
		refused(groups);
		GroupMembership h2 = groups.join("g", "/a/{id}", "h/2", 5);
		PartitionClaim hc2 = h2.claim(LONG, Set.of(), Set.of()).stream().filter((x) -> x.partition() == c.partition())
			.findFirst().orElseThrow();
		assertThat(h2.takeRedeliveries(hc2.partition(), hc2.token())).hasSize(1);
		assertThat(h2.redeliveryHandled(hc2.partition(), hc2.token(), id)).isTrue();
		h2.close();
		groups.join("g", "/b/{id}", "b/1", 5).close();
		assertThat(info(groups).pattern()).isEqualTo("/b/{id}");
	}

	// the breaker's input: a handles /a/1 and stops; b joins with /b/{id}
	@Test
	void afterEveryMemberStoppedCaughtUpAnotherPatternIsTaken() {
		StateController a = controller("a");
		List<String> handled = new CopyOnWriteArrayList<>();
		a.subscribe("/a/{id}", (e) -> handled.add("a " + e.path()), SubscribeOptions.group("g"));
		a.set("/a/1", 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 1 && a.groups().get(0).pending() == 0);
		a.close();
		StateController b = controller("b");
		b.subscribe("/b/{id}", (e) -> handled.add("b " + e.path()), SubscribeOptions.group("g"));
		assertThat(b.groups()).singleElement().satisfies((g) -> assertThat(g.pattern()).isEqualTo("/b/{id}"));
		b.set("/a/2", 2);
		b.set("/b/1", 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 2);
		assertThat(handled).containsExactly("a /a/1", "b /b/1");
	}

	private StateController controller(String id) {
		StateController c = StateController.builder()
			.backend(RedisBackend.builder(this.factory).namespace(this.namespace).build())
			.instanceId(id)
			.groupClaimTimeout(Duration.ofSeconds(2))
			.build();
		this.controllers.add(c);
		return c;
	}

}
