package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An effect's write never overwrites a later write it did not see (DESIGN §6, "no lost write"):
 * an effect that clamps a value other threads keep writing must, once they stop and a last
 * out-of-range value is written, leave the value clamped to the limit in force. Before the fix an
 * effect run that had read an old value (and an old limit) could commit its correction after the
 * last write and overwrite it (about one round in a hundred and fifty in asynchronous dispatch).
 */
class EffectStaleWritePropertiesTest {

	@Property(tries = 60)
	void anEffectsCorrectionNeverOverwritesAWriteItDidNotRead(@ForAll StateController.Dispatch dispatch,
			@ForAll @IntRange(min = 0, max = 1_000_000) int seed, @ForAll @IntRange(min = 2, max = 4) int threads)
			throws Exception {
		StateController c = StateController.builder().dispatch(dispatch).build();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			c.set("/clamp/limit", 10);
			c.track((e) -> {
				Integer v = e.get("/clamp/x", Integer.class);
				Integer limit = e.get("/clamp/limit", Integer.class);
				if (v != null && limit != null && v > limit) {
					e.set("/clamp/x", limit);
				}
			});
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				writers.add(pool.submit(() -> {
					Random random = new Random(seed * 31L + thread);
					for (int i = 0; i < 100; i++) {
						if (thread == 0 && i % 10 == 0) {
							c.set("/clamp/limit", 5 + random.nextInt(10));
						}
						else {
							c.set("/clamp/x", random.nextInt(20));
						}
					}
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(60, TimeUnit.SECONDS);
			}
			c.set("/clamp/x", 100);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(c.get("/clamp/x")).isEqualTo(c.get("/clamp/limit")));
		}
		finally {
			pool.shutdownNow();
			c.close();
		}
	}

}
