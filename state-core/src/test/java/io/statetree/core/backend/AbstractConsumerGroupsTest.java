package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.statetree.core.StatePath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@link ConsumerGroups} contract (DESIGN §13), run against every implementation: subclasses
 * supply {@link #newGroups()} (a fresh, empty store) and, for a store shared between instances,
 * {@link #sameStore(ConsumerGroups)} (a second instance's view of the same store). Claims that
 * lapse are tested in real time with a short claim timeout ({@link #SHORT}).
 */
public abstract class AbstractConsumerGroupsTest {

	/** A claim timeout long enough never to lapse during a test. */
	protected static final Duration LONG = Duration.ofMinutes(5);

	/** A claim timeout short enough to wait for its lapse. */
	protected static final Duration SHORT = Duration.ofMillis(400);

	protected ConsumerGroups groups;

	private final List<GroupMembership> memberships = new ArrayList<>();

	/**
	 * Creates a fresh, empty store.
	 * @return the store
	 */
	protected abstract ConsumerGroups newGroups();

	/**
	 * Returns another instance's view of the same store (for a shared store: a second connection).
	 * The default returns the store itself.
	 * @param store the store
	 * @return a view of the same store
	 */
	protected ConsumerGroups sameStore(ConsumerGroups store) {
		return store;
	}

	/** Releases what the store holds; the default does nothing. */
	protected void closeGroups() {
	}

	@BeforeEach
	void openGroups() {
		this.groups = newGroups();
	}

	@AfterEach
	void leaveAll() {
		for (GroupMembership m : this.memberships) {
			m.close();
		}
		closeGroups();
	}

	private GroupMembership join(ConsumerGroups store, String group, String member, long start) {
		GroupMembership m = store.join(group, "/orders/{id}", member, start);
		this.memberships.add(m);
		return m;
	}

	private GroupMembership join(String member, long start) {
		return join(this.groups, "billing", member, start);
	}

	private static Set<Integer> partitionsOf(List<PartitionClaim> claims) {
		return claims.stream().map(PartitionClaim::partition).collect(Collectors.toSet());
	}

	private static PartitionClaim claimOf(List<PartitionClaim> claims, int partition) {
		return claims.stream().filter((c) -> c.partition() == partition).findFirst().orElseThrow();
	}

	private static List<PartitionClaim> claim(GroupMembership m, Duration timeout) {
		return m.claim(timeout, Set.of(), Set.of());
	}

	private GroupInfo info(String group) {
		return this.groups.groups().stream().filter((g) -> g.group().equals(group)).findFirst().orElseThrow();
	}

	static DeadLetterRecord letter(int partition, long revision, String error) {
		return new DeadLetterRecord("", "billing", partition, "id=" + revision, revision, StatePath.of("/orders/" + revision),
				StatePath.of("/orders/" + revision + "/total"), "before", Map.of("name", "ada", "total", 12), "inst-1", 5,
				error, 1_700_000_000_000L + revision);
	}

	private int all() {
		return this.groups.partitions();
	}

	@Test
	void partitionsAreFixedAndPositive() {
		assertThat(this.groups.partitions()).isPositive().isEqualTo(this.groups.partitions());
		assertThat(sameStore(this.groups).partitions()).isEqualTo(this.groups.partitions());
	}

	@Test
	void aLoneMemberClaimsEveryPartitionAtTheStartRevision() {
		GroupMembership m = join("a/1", 42);
		List<PartitionClaim> claims = claim(m, LONG);
		assertThat(partitionsOf(claims)).hasSize(all());
		assertThat(claims).allSatisfy((c) -> assertThat(c.cursor()).isEqualTo(42));
		GroupInfo info = info("billing");
		assertThat(info.pattern()).isEqualTo("/orders/{id}");
		assertThat(info.members()).containsExactly("a/1");
		assertThat(info.cursors()).hasSize(all()).containsOnly(42L);
		assertThat(info.deadLetters()).isZero();
	}

	@Test
	void renewingKeepsTheTokens() {
		GroupMembership m = join("a/1", 0);
		List<PartitionClaim> first = claim(m, LONG);
		List<PartitionClaim> second = claim(m, LONG);
		assertThat(second).containsExactlyInAnyOrderElementsOf(first);
	}

	@Test
	void aKnownGroupKeepsItsCursors() {
		GroupMembership a = join("a/1", 10);
		PartitionClaim c = claim(a, LONG).get(0);
		assertThat(a.acknowledge(c.partition(), c.token(), 15)).isTrue();
		a.close();
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 99);
		List<PartitionClaim> claims = claim(b, LONG);
		assertThat(claimOf(claims, c.partition()).cursor()).isEqualTo(15);
		assertThat(claims.stream().filter((x) -> x.partition() != c.partition())).allSatisfy(
				(x) -> assertThat(x.cursor()).isEqualTo(10));
	}

	@Test
	void joiningWithAnotherPatternIsRefusedNamingTheGroupAndBothPatterns() {
		join("a/1", 0);
		assertThatThrownBy(() -> sameStore(this.groups).join("billing", "/users/{id}", "b/1", 0))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("billing")
			.hasMessageContaining("/orders/{id}")
			.hasMessageContaining("/users/{id}");
		assertThat(info("billing").pattern()).isEqualTo("/orders/{id}");
		assertThat(info("billing").members()).containsExactly("a/1");
	}

	@Test
	void joiningTwiceIsTheSameMember() {
		GroupMembership first = join("a/1", 0);
		GroupMembership second = join("a/1", 0);
		claim(first, LONG);
		claim(second, LONG);
		assertThat(info("billing").members()).containsExactly("a/1");
	}

	@Test
	void groupsAreIndependent() {
		GroupMembership billing = join(this.groups, "billing", "a/1", 5);
		GroupMembership mail = join(this.groups, "mail", "a/1", 7);
		assertThat(partitionsOf(claim(billing, LONG))).hasSize(all());
		assertThat(claim(mail, LONG)).hasSize(all()).allSatisfy((c) -> assertThat(c.cursor()).isEqualTo(7));
		assertThat(this.groups.groups()).extracting(GroupInfo::group).containsExactly("billing", "mail");
	}

	@Test
	void aSecondMemberGetsAFairShareOnceTheFirstGivesUpItsExcess() {
		GroupMembership a = join("a/1", 0);
		assertThat(claim(a, LONG)).hasSize(all());
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		claim(b, LONG);
		List<PartitionClaim> aClaims = claim(a, LONG);
		List<PartitionClaim> bClaims = claim(b, LONG);
		int fair = (all() + 1) / 2;
		assertThat(aClaims.size()).isLessThanOrEqualTo(fair);
		assertThat(bClaims.size()).isLessThanOrEqualTo(fair);
		Set<Integer> union = new HashSet<>(partitionsOf(aClaims));
		union.addAll(partitionsOf(bClaims));
		assertThat(union).hasSize(all());
		assertThat(aClaims.size() + bClaims.size()).isEqualTo(all());
		assertThat(info("billing").members()).containsExactlyInAnyOrder("a/1", "b/1");
	}

	@Test
	void keptPartitionsAreNotGivenUp() {
		GroupMembership a = join("a/1", 0);
		Set<Integer> everything = partitionsOf(claim(a, LONG));
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		claim(b, LONG);
		assertThat(partitionsOf(a.claim(LONG, everything, Set.of()))).isEqualTo(everything);
		assertThat(claim(b, LONG)).isEmpty();
	}

	@Test
	void aClosedMembersPartitionsAreFreeAtOnceWithNewTokens() {
		GroupMembership a = join("a/1", 0);
		List<PartitionClaim> aClaims = claim(a, LONG);
		a.close();
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		List<PartitionClaim> bClaims = claim(b, LONG);
		assertThat(bClaims).hasSize(all());
		for (PartitionClaim c : aClaims) {
			assertThat(claimOf(bClaims, c.partition()).token()).isNotEqualTo(c.token());
			assertThat(a.acknowledge(c.partition(), c.token(), 5)).isFalse();
		}
		assertThat(info("billing").members()).containsExactly("b/1");
		assertThat(info("billing").cursors()).containsOnly(0L);
	}

	@Test
	void anAcknowledgementMovesTheCursorForwardOnly() {
		GroupMembership m = join("a/1", 3);
		PartitionClaim c = claim(m, LONG).get(0);
		assertThat(m.acknowledge(c.partition(), c.token(), 8)).isTrue();
		assertThat(info("billing").cursors().get(c.partition())).isEqualTo(8);
		assertThat(m.acknowledge(c.partition(), c.token(), 6)).isTrue();
		assertThat(info("billing").cursors().get(c.partition())).isEqualTo(8);
		assertThat(claimOf(claim(m, LONG), c.partition()).cursor()).isEqualTo(8);
	}

	@Test
	void anAcknowledgementWithAnotherTokenIsIgnored() {
		GroupMembership m = join("a/1", 3);
		PartitionClaim c = claim(m, LONG).get(0);
		assertThat(m.acknowledge(c.partition(), c.token() + 1000, 9)).isFalse();
		assertThat(info("billing").cursors().get(c.partition())).isEqualTo(3);
	}

	@Test
	void aLapsedClaimIsTakenByAnotherMemberAndItsLateAcknowledgementIsIgnored() {
		GroupMembership a = join("a/1", 0);
		List<PartitionClaim> aClaims = claim(a, SHORT);
		assertThat(aClaims).hasSize(all());
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
			.until(() -> claim(b, LONG).size() == all());
		List<PartitionClaim> bClaims = claim(b, LONG);
		for (PartitionClaim c : aClaims) {
			assertThat(claimOf(bClaims, c.partition()).token()).isNotEqualTo(c.token());
			assertThat(a.acknowledge(c.partition(), c.token(), 7)).isFalse();
			assertThat(a.deadLetter(c.partition(), c.token(), letter(c.partition(), 7, "late"), true)).isFalse();
		}
		assertThat(info("billing").cursors()).containsOnly(0L);
		assertThat(this.groups.deadLetters("billing")).isEmpty();
		assertThat(claim(a, LONG)).isEmpty();
	}

	@Test
	void aSkippedPartitionIsNeitherRenewedNorTaken() {
		GroupMembership a = join("a/1", 0);
		List<PartitionClaim> aClaims = claim(a, SHORT);
		int stuck = aClaims.get(0).partition();
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		claim(b, SHORT);
		// a keeps renewing everything else with a short timeout, not the stuck partition
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			List<PartitionClaim> renewed = a.claim(SHORT, partitionsOf(aClaims), Set.of(stuck));
			assertThat(partitionsOf(renewed)).doesNotContain(stuck);
			return partitionsOf(claim(b, SHORT)).contains(stuck);
		});
		PartitionClaim taken = claimOf(claim(b, SHORT), stuck);
		assertThat(taken.token()).isNotEqualTo(claimOf(aClaims, stuck).token());
		assertThat(a.acknowledge(stuck, claimOf(aClaims, stuck).token(), 4)).isFalse();
		assertThat(b.acknowledge(stuck, taken.token(), 4)).isTrue();
	}

	@Test
	void aPartitionLapsedLongEnoughIsTakenAboveTheFairShare() {
		GroupMembership a = join("a/1", 0);
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		claim(a, SHORT);
		claim(b, SHORT);
		List<PartitionClaim> aClaims = claim(a, SHORT);
		List<PartitionClaim> bClaims = claim(b, SHORT);
		assertThat(aClaims.size() + bClaims.size()).isEqualTo(all());
		GroupMembership stuckOne = aClaims.isEmpty() ? b : a;
		GroupMembership other = aClaims.isEmpty() ? a : b;
		Set<Integer> stuckHeld = partitionsOf(aClaims.isEmpty() ? bClaims : aClaims);
		int stuck = stuckHeld.iterator().next();
		int otherHeld = (aClaims.isEmpty() ? aClaims : bClaims).size();
		// both stay alive, each with its share; the stuck partition is not renewed
		java.util.concurrent.atomic.AtomicReference<List<PartitionClaim>> taken = new java.util.concurrent.atomic.AtomicReference<>();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			stuckOne.claim(SHORT, stuckHeld, Set.of(stuck));
			taken.set(claim(other, SHORT));
			return partitionsOf(taken.get()).contains(stuck);
		});
		assertThat(taken.get()).hasSize(otherHeld + 1);
		// kept while its events are handled
		assertThat(partitionsOf(other.claim(SHORT, partitionsOf(taken.get()), Set.of()))).contains(stuck);
		assertThat(partitionsOf(stuckOne.claim(SHORT, stuckHeld, Set.of(stuck)))).doesNotContain(stuck);
	}

	@Test
	void aSkippedFreePartitionIsNotTaken() {
		GroupMembership a = join("a/1", 0);
		List<PartitionClaim> claims = a.claim(LONG, Set.of(), Set.of(0));
		assertThat(partitionsOf(claims)).doesNotContain(0);
		assertThat(partitionsOf(claim(a, LONG))).contains(0);
	}

	@Test
	void aDeadLetterIsParkedWithAnIdAndItsValues() {
		GroupMembership m = join("a/1", 0);
		PartitionClaim c = claim(m, LONG).get(0);
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4, "java.lang.IllegalStateException: boom"),
				true)).isTrue();
		List<DeadLetterRecord> letters = sameStore(this.groups).deadLetters("billing");
		assertThat(letters).hasSize(1);
		DeadLetterRecord d = letters.get(0);
		assertThat(d.id()).isNotEmpty();
		assertThat(d.group()).isEqualTo("billing");
		assertThat(d.partition()).isEqualTo(c.partition());
		assertThat(d.key()).isEqualTo("id=4");
		assertThat(d.revision()).isEqualTo(4);
		assertThat(d.path()).isEqualTo(StatePath.of("/orders/4"));
		assertThat(d.emittingPath()).isEqualTo(StatePath.of("/orders/4/total"));
		assertThat(d.oldValue()).isEqualTo("before");
		assertThat(d.newValue()).isEqualTo(Map.of("name", "ada", "total", 12));
		assertThat(d.origin()).isEqualTo("inst-1");
		assertThat(d.attempts()).isEqualTo(5);
		assertThat(d.error()).isEqualTo("java.lang.IllegalStateException: boom");
		assertThat(d.parkedAtMillis()).isEqualTo(1_700_000_000_004L);
		assertThat(info("billing").deadLetters()).isEqualTo(1);
		assertThat(info("billing").cursors().get(c.partition())).isEqualTo(4);
	}

	@Test
	void aDeadLetterWithoutAcknowledgementLeavesTheCursor() {
		GroupMembership m = join("a/1", 1);
		PartitionClaim c = claim(m, LONG).get(0);
		assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4, "x"), false)).isTrue();
		assertThat(info("billing").cursors().get(c.partition())).isEqualTo(1);
		assertThat(this.groups.deadLetters("billing")).hasSize(1);
	}

	@Test
	void aDeadLetterWithAnotherTokenIsNotParked() {
		GroupMembership m = join("a/1", 1);
		PartitionClaim c = claim(m, LONG).get(0);
		assertThat(m.deadLetter(c.partition(), c.token() + 1000, letter(c.partition(), 4, "x"), true)).isFalse();
		assertThat(this.groups.deadLetters("billing")).isEmpty();
		assertThat(info("billing").cursors().get(c.partition())).isEqualTo(1);
	}

	@Test
	void deadLettersAreListedOldestFirstWithDistinctIds() {
		GroupMembership m = join("a/1", 0);
		List<PartitionClaim> claims = claim(m, LONG);
		for (int i = 1; i <= 5; i++) {
			PartitionClaim c = claims.get(i % claims.size());
			assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), i, "e" + i), true)).isTrue();
		}
		List<DeadLetterRecord> letters = this.groups.deadLetters("billing");
		assertThat(letters).extracting(DeadLetterRecord::revision).containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(letters).extracting(DeadLetterRecord::id).doesNotHaveDuplicates();
	}

	@Test
	void aRedeliveredLetterIsTakenOnceByItsPartitionsHolder() {
		GroupMembership m = join("a/1", 0);
		PartitionClaim c = claim(m, LONG).get(0);
		m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4, "x"), true);
		String id = this.groups.deadLetters("billing").get(0).id();
		assertThat(sameStore(this.groups).redeliver("billing", id)).isTrue();
		assertThat(this.groups.deadLetters("billing")).isEmpty();
		assertThat(info("billing").deadLetters()).isZero();
		assertThat(this.groups.redeliver("billing", id)).isFalse();
		assertThat(this.groups.discard("billing", id)).isFalse();
		assertThat(m.takeRedeliveries(c.partition(), c.token() + 1000)).isEmpty();
		List<DeadLetterRecord> taken = m.takeRedeliveries(c.partition(), c.token());
		assertThat(taken).hasSize(1);
		assertThat(taken.get(0).revision()).isEqualTo(4);
		assertThat(taken.get(0).newValue()).isEqualTo(Map.of("name", "ada", "total", 12));
		assertThat(taken.get(0).key()).isEqualTo("id=4");
		assertThat(m.takeRedeliveries(c.partition(), c.token())).isEmpty();
	}

	@Test
	void aRedeliveryWaitsForTheNextHolderOfItsPartition() {
		GroupMembership a = join("a/1", 0);
		PartitionClaim c = claim(a, LONG).get(0);
		a.deadLetter(c.partition(), c.token(), letter(c.partition(), 4, "x"), true);
		a.close();
		assertThat(this.groups.redeliver("billing", this.groups.deadLetters("billing").get(0).id())).isTrue();
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		PartitionClaim taken = claimOf(claim(b, LONG), c.partition());
		assertThat(b.takeRedeliveries(taken.partition(), taken.token())).extracting(DeadLetterRecord::revision)
			.containsExactly(4L);
	}

	@Test
	void redeliveriesAreTakenOldestFirst() {
		GroupMembership m = join("a/1", 0);
		PartitionClaim c = claim(m, LONG).get(0);
		for (int i = 1; i <= 3; i++) {
			m.deadLetter(c.partition(), c.token(), letter(c.partition(), i, "x"), true);
		}
		for (DeadLetterRecord d : this.groups.deadLetters("billing")) {
			assertThat(this.groups.redeliver("billing", d.id())).isTrue();
		}
		assertThat(m.takeRedeliveries(c.partition(), c.token())).extracting(DeadLetterRecord::revision)
			.containsExactly(1L, 2L, 3L);
	}

	/**
	 * Whether a redelivery taken and not yet handled is given again to the partition's next holder
	 * (a shared or durable store); the default {@code true}.
	 * @return whether taken redeliveries outlive their holder
	 */
	protected boolean keepsTakenRedeliveries() {
		return true;
	}

	/** Parks revisions 1..count on the member's first partition and redelivers them all. */
	private PartitionClaim parkAndRedeliver(GroupMembership m, int count) {
		PartitionClaim c = claim(m, LONG).get(0);
		for (int i = 1; i <= count; i++) {
			assertThat(m.deadLetter(c.partition(), c.token(), letter(c.partition(), i, "x"), true)).isTrue();
		}
		for (DeadLetterRecord d : this.groups.deadLetters("billing")) {
			assertThat(this.groups.redeliver("billing", d.id())).isTrue();
		}
		return c;
	}

	// breaker 15 finding 5: 8 letters redelivered and handled, then b joined and took them again
	@Test
	void aHandledRedeliveryIsNeverTakenAgainByTheNextHolder() {
		GroupMembership a = join("a/1", 0);
		PartitionClaim c = parkAndRedeliver(a, 8);
		List<DeadLetterRecord> taken = a.takeRedeliveries(c.partition(), c.token());
		assertThat(taken).hasSize(8);
		assertThat(a.redeliveryHandled(c.partition(), c.token() + 1000, taken.get(0).id())).isFalse();
		for (DeadLetterRecord d : taken) {
			assertThat(a.redeliveryHandled(c.partition(), c.token(), d.id())).isTrue();
		}
		assertThat(a.redeliveryHandled(c.partition(), c.token(), taken.get(0).id())).as("again").isTrue();
		assertThat(a.takeRedeliveries(c.partition(), c.token())).isEmpty();
		a.close();
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		PartitionClaim next = claimOf(claim(b, LONG), c.partition());
		assertThat(b.takeRedeliveries(next.partition(), next.token())).isEmpty();
		assertThat(this.groups.deadLetters("billing")).isEmpty();
	}

	@Test
	void aTakenRedeliveryNotYetHandledIsTheNextHoldersAndOnlyIt() {
		GroupMembership a = join("a/1", 0);
		PartitionClaim c = parkAndRedeliver(a, 3);
		List<DeadLetterRecord> taken = a.takeRedeliveries(c.partition(), c.token());
		assertThat(a.redeliveryHandled(c.partition(), c.token(), taken.get(0).id())).isTrue();
		// parked again with its id: the new letter is parked, the taken one handled
		DeadLetterRecord again = taken.get(1);
		assertThat(a.deadLetter(c.partition(), c.token(), again, false)).isTrue();
		assertThat(this.groups.deadLetters("billing")).extracting(DeadLetterRecord::revision).containsExactly(2L);
		// the same holder taking again gets nothing it has in hand
		assertThat(a.takeRedeliveries(c.partition(), c.token())).isEmpty();
		a.close();
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		PartitionClaim next = claimOf(claim(b, LONG), c.partition());
		List<DeadLetterRecord> left = b.takeRedeliveries(next.partition(), next.token());
		if (keepsTakenRedeliveries()) {
			assertThat(left).extracting(DeadLetterRecord::revision).containsExactly(3L);
		}
		else {
			assertThat(left).isEmpty();
		}
	}

	// breaker 15 finding 6: a redelivered event lost its actor
	@Test
	void aDeadLetterKeepsEveryFieldOfItsEventThroughRedelivery() {
		GroupMembership m = join("a/1", 0);
		PartitionClaim c = claim(m, LONG).get(0);
		DeadLetterRecord plain = letter(c.partition(), 1, "x");
		DeadLetterRecord full = new DeadLetterRecord("", "billing", c.partition(), "id=2", 2, StatePath.of("/orders/2"),
				StatePath.of("/orders/2"), null, List.of(1, "two"), "inst-2", 3, "y", 1_700_000_000_002L, "alice", 7,
				true);
		m.deadLetter(c.partition(), c.token(), plain, true);
		m.deadLetter(c.partition(), c.token(), full, true);
		List<DeadLetterRecord> parked = sameStore(this.groups).deadLetters("billing");
		assertThat(parked).hasSize(2);
		assertThat(parked.get(0)).isEqualTo(plain.stored(parked.get(0).id(), "billing", c.partition()));
		assertThat(parked.get(1)).isEqualTo(full.stored(parked.get(1).id(), "billing", c.partition()));
		assertThat(parked.get(0).actor()).isNull();
		for (DeadLetterRecord d : parked) {
			this.groups.redeliver("billing", d.id());
		}
		assertThat(m.takeRedeliveries(c.partition(), c.token())).containsExactlyElementsOf(parked);
	}

	@Test
	void aDiscardedLetterIsForgotten() {
		GroupMembership m = join("a/1", 0);
		PartitionClaim c = claim(m, LONG).get(0);
		m.deadLetter(c.partition(), c.token(), letter(c.partition(), 4, "x"), true);
		String id = this.groups.deadLetters("billing").get(0).id();
		assertThat(sameStore(this.groups).discard("billing", id)).isTrue();
		assertThat(this.groups.deadLetters("billing")).isEmpty();
		assertThat(this.groups.discard("billing", id)).isFalse();
		assertThat(this.groups.redeliver("billing", id)).isFalse();
		assertThat(m.takeRedeliveries(c.partition(), c.token())).isEmpty();
	}

	@Test
	void anUnknownGroupHasNothing() {
		assertThat(this.groups.groups()).isEmpty();
		assertThat(this.groups.deadLetters("nobody")).isEmpty();
		assertThat(this.groups.redeliver("nobody", "1")).isFalse();
		assertThat(this.groups.discard("nobody", "1")).isFalse();
		join("a/1", 0);
		assertThat(this.groups.redeliver("billing", "no-such-id")).isFalse();
		assertThat(this.groups.discard("billing", "no-such-id")).isFalse();
	}

	@Test
	void aClosedMemberIsNoLongerListed() {
		GroupMembership a = join("a/1", 0);
		GroupMembership b = join(sameStore(this.groups), "billing", "b/1", 0);
		claim(a, LONG);
		claim(b, LONG);
		a.close();
		assertThat(info("billing").members()).containsExactly("b/1");
	}

	@Test
	void racingMembersNeverHoldOnePartitionTogether() throws Exception {
		int members = 3;
		List<GroupMembership> ms = new ArrayList<>();
		for (int i = 0; i < members; i++) {
			ms.add(join((i % 2 == 0) ? this.groups : sameStore(this.groups), "billing", "m/" + i, 0));
		}
		ExecutorService pool = Executors.newFixedThreadPool(members);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (GroupMembership m : ms) {
				futures.add(pool.submit(() -> {
					start.await();
					for (int round = 0; round < 30; round++) {
						claim(m, LONG);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> f : futures) {
				f.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		// settle: each member claims twice in turn; then the shares are disjoint and cover all
		Map<Integer, String> holders = new HashMap<>();
		Map<String, List<PartitionClaim>> last = new ConcurrentHashMap<>();
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < members; i++) {
				last.put("m/" + i, claim(ms.get(i), LONG));
			}
		}
		last.forEach((member, claims) -> {
			for (PartitionClaim c : claims) {
				assertThat(holders.put(c.partition(), member)).as("partition %d held twice", c.partition()).isNull();
			}
		});
		assertThat(holders).hasSize(all());
		int fair = (all() + members - 1) / members;
		assertThat(last.values()).allSatisfy((claims) -> assertThat(claims.size()).isLessThanOrEqualTo(fair));
		// only the holder's token acknowledges
		for (int i = 0; i < members; i++) {
			for (PartitionClaim c : last.get("m/" + i)) {
				for (int j = 0; j < members; j++) {
					if (j != i) {
						assertThat(ms.get(j).acknowledge(c.partition(), c.token(), 1)).isFalse();
					}
				}
				assertThat(ms.get(i).acknowledge(c.partition(), c.token(), 1)).isTrue();
			}
		}
	}

}
