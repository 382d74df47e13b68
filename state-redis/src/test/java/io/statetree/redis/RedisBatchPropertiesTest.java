package io.statetree.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serialisable batches across instances: random batches of reads, updates and get-then-set on a
 * few counters, run from two controllers (each with its own connection) on one namespace, end
 * exactly where a sequential model says.
 */
class RedisBatchPropertiesTest {

	private static final List<String> COUNTERS = List.of("/counters/a", "/counters/b", "/other/c");

	private static final RedisTestFixture REDIS = new RedisTestFixture("batch-props", 2);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/** 0 reads, 1 updates, 2 reads then sets, counter index, delta. */
	record Op(int kind, int counter, int delta) {
	}

	@Provide
	Arbitrary<List<List<List<Op>>>> plans() {
		Arbitrary<Op> op = Combinators
			.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, COUNTERS.size() - 1),
					Arbitraries.integers().between(1, 5))
			.as(Op::new);
		return op.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(2).ofMaxSize(4);
	}

	@Property(tries = 10)
	void batchesFromTwoInstancesAgreeWithASequentialModel(@ForAll("plans") List<List<List<Op>>> plan) throws Exception {
		String namespace = REDIS.newNamespace();
		try (StateController first = controller(REDIS.factory(), namespace, "first");
				StateController second = controller(REDIS.factory(1), namespace, "second")) {
			ExecutorService pool = Executors.newFixedThreadPool(plan.size());
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < plan.size(); t++) {
					StateController c = (t % 2 == 0) ? first : second;
					List<List<Op>> batches = plan.get(t);
					futures.add(pool.submit(() -> {
						for (List<Op> ops : batches) {
							c.batch(() -> {
								for (Op op : ops) {
									String path = COUNTERS.get(op.counter());
									if (op.kind() == 0) {
										c.get(path);
									}
									else if (op.kind() == 1) {
										c.update(path, Integer.class, (n) -> ((n != null) ? n : 0) + op.delta());
									}
									else {
										Integer n = c.get(path, Integer.class);
										c.set(path, ((n != null) ? n : 0) + op.delta());
									}
								}
							});
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			int[] expected = new int[COUNTERS.size()];
			boolean[] written = new boolean[COUNTERS.size()];
			for (List<List<Op>> thread : plan) {
				for (List<Op> ops : thread) {
					for (Op op : ops) {
						if (op.kind() != 0) {
							expected[op.counter()] += op.delta();
							written[op.counter()] = true;
						}
					}
				}
			}
			for (int i = 0; i < COUNTERS.size(); i++) {
				assertThat(first.get(COUNTERS.get(i))).as(COUNTERS.get(i)).isEqualTo(written[i] ? expected[i] : null);
			}
		}
	}

	private static StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		return StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.onError(StateController.OnError.LOG)
			.build();
	}

}
