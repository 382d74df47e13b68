package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.statetree.core.backend.ConsumerGroups;
import io.statetree.core.backend.GroupMembership;
import io.statetree.core.backend.PartitionClaim;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random steps of three members of one group in Redis ({@code groups.lua}): claims with random
 * keep and skip sets, acknowledgements with right and wrong tokens, leaving and joining again.
 * Claims last longer than the test, so a partition changes hands only when given up or left.
 * Against the model: no partition is held by two members; a token stays while its holder keeps
 * the partition and grows when it changes hands; an acknowledgement counts exactly when it comes
 * from the holder with the current token, and cursors only move forward.
 */
class RedisConsumerGroupsPropertiesTest {

	private static final Duration LONG = Duration.ofMinutes(5);

	private static final RedisTestFixture REDIS = new RedisTestFixture("groups-props");

	/** One step: which member, what it does (0-5 claim, 6-7 acknowledge, 8 leave and join), a seed. */
	record Step(int member, int action, long seed) {
	}

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 8),
				Arbitraries.longs()).as(Step::new).list().ofMinSize(5).ofMaxSize(40);
	}

	@Property(tries = 25)
	void claimsTokensAndCursorsFollowTheModel(@ForAll("steps") List<Step> steps) {
		String namespace = REDIS.newNamespace();
		List<RedisBackend> backends = new ArrayList<>();
		try {
			List<ConsumerGroups> stores = new ArrayList<>();
			List<GroupMembership> members = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				RedisBackend backend = REDIS.backend(0, namespace);
				backends.add(backend);
				stores.add(backend.consumerGroups());
				members.add(backend.consumerGroups().join("g", "/orders/{id}", "m" + i, 5));
			}
			int partitions = stores.get(0).partitions();
			// the model: who owns each partition (live claim), its current token, its cursor
			Map<Integer, Integer> owner = new HashMap<>();
			Map<Integer, Long> token = new HashMap<>();
			long[] cursor = new long[partitions];
			java.util.Arrays.fill(cursor, 5);
			for (Step step : steps) {
				Random random = new Random(step.seed());
				int m = step.member();
				if (step.action() <= 5) {
					Set<Integer> mine = new HashSet<>();
					owner.forEach((p, o) -> {
						if (o == m) {
							mine.add(p);
						}
					});
					Set<Integer> keep = randomSubset(mine, random);
					Set<Integer> skip = randomSubset(allPartitions(partitions), random, 0.15);
					List<PartitionClaim> claims = members.get(m).claim(LONG, keep, skip);
					Set<Integer> got = new HashSet<>();
					for (PartitionClaim c : claims) {
						got.add(c.partition());
						Integer before = owner.get(c.partition());
						assertThat(before == null || before == m).as("partition %d held by %s and taken by m%d",
								c.partition(), before, m).isTrue();
						assertThat(skip).doesNotContain(c.partition());
						if (before != null) {
							assertThat(c.token()).as("renewed: same token").isEqualTo(token.get(c.partition()));
						}
						else {
							assertThat(c.token()).as("taken: a new token")
								.isGreaterThan(token.getOrDefault(c.partition(), 0L));
						}
						assertThat(c.cursor()).isEqualTo(cursor[c.partition()]);
						owner.put(c.partition(), m);
						token.put(c.partition(), c.token());
					}
					for (int p : mine) {
						if (!got.contains(p) && !skip.contains(p)) {
							assertThat(keep).as("a kept partition is not given up").doesNotContain(p);
							owner.remove(p);
						}
					}
				}
				else if (step.action() <= 7) {
					int p = random.nextInt(partitions);
					boolean rightToken = random.nextBoolean();
					long t = token.getOrDefault(p, 0L) + (rightToken ? 0 : 1 + random.nextInt(3));
					long revision = 1 + random.nextInt(30);
					boolean expected = Integer.valueOf(m).equals(owner.get(p)) && rightToken;
					assertThat(members.get(m).acknowledge(p, t, revision)).as("acknowledgement of %d by m%d", p, m)
						.isEqualTo(expected);
					if (expected) {
						cursor[p] = Math.max(cursor[p], revision);
					}
				}
				else {
					members.get(m).close();
					owner.values().removeIf((o) -> o == m);
					members.set(m, stores.get(m).join("g", "/orders/{id}", "m" + m, 5));
				}
				List<Long> stored = stores.get(0).groups().get(0).cursors();
				for (int p = 0; p < partitions; p++) {
					assertThat(stored.get(p)).as("cursor of %d", p).isEqualTo(cursor[p]);
				}
			}
			members.forEach(GroupMembership::close);
		}
		finally {
			backends.forEach(RedisBackend::close);
		}
	}

	private static Set<Integer> allPartitions(int partitions) {
		Set<Integer> all = new HashSet<>();
		for (int p = 0; p < partitions; p++) {
			all.add(p);
		}
		return all;
	}

	private static Set<Integer> randomSubset(Set<Integer> of, Random random) {
		return randomSubset(of, random, 0.5);
	}

	private static Set<Integer> randomSubset(Set<Integer> of, Random random, double chance) {
		Set<Integer> subset = new HashSet<>();
		for (int p : of) {
			if (random.nextDouble() < chance) {
				subset.add(p);
			}
		}
		return subset;
	}

}
