package io.statetree.core;

import java.time.Duration;
import java.util.Map;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.internal.HeldBatch;
import io.statetree.core.internal.HeldBatches;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A lifetime the backend refuses at a path (a hybrid's mount point or above it, DESIGN §12 and the
 * README's hybrid row) is refused at the call inside a held batch (the seam a Spring transaction
 * uses), as a plain {@code set} refuses it, and not at the commit, which comes after the
 * transaction's other resources committed (break issue 14). Random paths at, above and below the
 * mount point, with a time to live or ephemeral; the batch's earlier write stays and can be
 * discarded, so nothing is written.
 */
class HeldBatchLifetimeRefusalPropertiesTest {

	private static final String[] PATHS = { "/", "/sessions", "/sessions/s1", "/sessions/s1/x", "/other" };

	@Property(tries = 100)
	void aLifetimeTheBackendRefusesIsRefusedAtTheCallInsideAHeldBatch(@ForAll @IntRange(min = 0, max = 4) int at,
			@ForAll boolean ephemeral, @ForAll @LongRange(min = 1, max = 600_000) long ttlMillis) {
		String path = PATHS[at];
		boolean refused = at <= 1;
		WriteOptions options = ephemeral ? WriteOptions.ephemeral() : WriteOptions.ttl(Duration.ofMillis(ttlMillis));
		Object value = Map.of("s1", Map.of("x", 1));
		StateController c = StateController.builder()
			.backend(new HybridBackend(new InMemoryBackend()).mount("/sessions", new InMemoryBackend()))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		try {
			Throwable plain = catchThrowable(() -> c.set(path, value, options));
			assertThat(plain != null).as("a plain set refuses %s", path).isEqualTo(refused);
			c.delete("/sessions");
			c.delete("/other");
			long revision = c.revision();
			HeldBatch held = HeldBatches.of(c).open();
			c.set("/orders/a", "placed");
			if (refused) {
				assertThatExceptionOfType(StateWriteException.class).isThrownBy(() -> c.set(path, value, options))
					.withMessageContaining("/sessions");
				assertThat(held.paths()).containsExactly(StatePath.of("/orders/a"));
				held.discard();
				assertThat(c.get("/orders/a")).isNull();
				assertThat(c.revision()).isEqualTo(revision);
			}
			else {
				c.set(path, value, options);
				held.commit();
				assertThat(c.get("/orders/a")).isEqualTo("placed");
				assertThat(c.get(path)).isNotNull();
			}
		}
		finally {
			c.close();
		}
	}

}
