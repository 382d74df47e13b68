package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims of {@link LocalConsumerGroups} under random steps of three members on a virtual clock
 * (claim with random keep and skip sets, acknowledge, close and join again, time passing): at no
 * time do two members hold a live claim on one partition; a partition's token changes exactly
 * when it changes hands; a cursor never goes back, and moves only by its holder's
 * acknowledgement; a member alone for a while holds every partition it does not skip.
 */
class LocalConsumerGroupsPropertiesTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	/** One step: a member and what it does. */
	record Step(int member, int action, int partition, int millis) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		return Combinators
			.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 5),
					Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 2_500))
			.as(Step::new)
			.list()
			.ofMaxSize(60);
	}

	@Property(tries = 300)
	void claimsNeverOverlapAndCursorsOnlyMoveForward(@ForAll("steps") List<Step> steps) {
		AtomicLong now = new AtomicLong(1_000_000_000L);
		LocalConsumerGroups store = new LocalConsumerGroups(6, now::get);
		List<GroupMembership> members = new ArrayList<>();
		for (int m = 0; m < 3; m++) {
			members.add(store.join("g", "/a/{id}", "m" + m, 10));
		}
		// what each member was last told it holds, with the time the claim lapses
		List<Map<Integer, PartitionClaim>> held = new ArrayList<>();
		List<Map<Integer, Long>> lapses = new ArrayList<>();
		for (int m = 0; m < 3; m++) {
			held.add(new HashMap<>());
			lapses.add(new HashMap<>());
		}
		Map<Integer, Long> lastToken = new HashMap<>();
		Map<Integer, Integer> lastHolder = new HashMap<>();
		long[] cursors = new long[6];
		java.util.Arrays.fill(cursors, 10);
		long revision = 10;
		for (Step step : steps) {
			int m = step.member();
			GroupMembership member = members.get(m);
			switch (step.action()) {
				case 0, 1 -> {
					Set<Integer> keep = new HashSet<>(held.get(m).keySet());
					Set<Integer> skip = (step.action() == 1) ? Set.of(step.partition()) : Set.of();
					List<PartitionClaim> claims = member.claim(TIMEOUT, keep, skip);
					held.get(m).clear();
					lapses.get(m).clear();
					for (PartitionClaim claim : claims) {
						assertThat(skip).doesNotContain(claim.partition());
						assertThat(claim.cursor()).isEqualTo(cursors[claim.partition()]);
						Long token = lastToken.get(claim.partition());
						Integer holder = lastHolder.get(claim.partition());
						if (token != null && holder != null && holder == m && token == claim.token()) {
							// renewed
						}
						else {
							assertThat(token == null || claim.token() > token).as("a new token on hand-over").isTrue();
						}
						lastToken.put(claim.partition(), claim.token());
						lastHolder.put(claim.partition(), m);
						held.get(m).put(claim.partition(), claim);
						lapses.get(m).put(claim.partition(), now.get() + TIMEOUT.toNanos());
					}
				}
				case 2 -> {
					PartitionClaim claim = held.get(m).get(step.partition());
					long token = (claim != null) ? claim.token() : 999_999;
					revision += 1 + step.millis() % 3;
					boolean live = claim != null && lapses.get(m).get(step.partition()) > now.get()
							&& lastHolder.get(step.partition()) == m && lastToken.get(step.partition()) == token;
					boolean acknowledged = member.acknowledge(step.partition(), token, revision);
					assertThat(acknowledged).as("acknowledged by the live holder only").isEqualTo(live);
					if (acknowledged) {
						cursors[step.partition()] = Math.max(cursors[step.partition()], revision);
					}
				}
				case 3 -> {
					member.close();
					held.get(m).clear();
					lastHolder.entrySet().removeIf((e) -> e.getValue() == m);
					members.set(m, store.join("g", "/a/{id}", "m" + m, 0));
				}
				default -> now.addAndGet(Duration.ofMillis(step.millis()).toNanos());
			}
			// no partition has two live holders
			Map<Integer, Integer> live = new HashMap<>();
			for (int other = 0; other < 3; other++) {
				for (Map.Entry<Integer, Long> lapse : lapses.get(other).entrySet()) {
					if (lapse.getValue() > now.get() && lastHolder.get(lapse.getKey()) != null
							&& lastHolder.get(lapse.getKey()) == other) {
						assertThat(live.put(lapse.getKey(), other)).as("partition %d", lapse.getKey()).isNull();
					}
				}
			}
			List<Long> stored = store.groups().get(0).cursors();
			for (int p = 0; p < 6; p++) {
				assertThat(stored.get(p)).isEqualTo(cursors[p]);
			}
		}
	}

}
