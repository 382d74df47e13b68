package io.statetree.core.break24;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.VirtualTimeBackends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 1 (break24): the in-memory leaf read memo answers a {@code get} with a value the tree no
 * longer holds at the same revision. An equal rewrite that carries or clears a lifetime replaces
 * the stored value's representation ({@code 1.0} by {@code 1.000}) without a revision; once the
 * last lifetime's hint has settled the memo is consulted again and still answers the value it
 * remembered at that revision, so {@code get} and {@code getVersioned} of one path at one revision
 * disagree (and the text a user serialises differs).
 */
class Break24LeafMemoRepresentationTest {

	@Test
	void getAgreesWithGetVersionedAfterAnEqualRewriteThatClearedALifetime() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000_000L);
		try (StateController c = StateController.builder()
			.backend(VirtualTimeBackends.inMemory(clock::get))
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			c.set("/other", 1);
			c.set("/x", new BigDecimal("1.0"));
			assertThat(c.get("/x")).hasToString("1.0"); // remembered at revision 1
			c.set("/x", new BigDecimal("1.00"), WriteOptions.ttl(Duration.ofHours(1))); // equal: no revision
			c.set("/x", new BigDecimal("1.000")); // equal, permanent again: no revision
			clock.addAndGet(Duration.ofHours(2).toNanos()); // the lifetime's hint is past
			c.set("/other", 1); // an equal write: no revision, but the commit settles the hints
			long revision = c.getVersioned("/x").revision();
			String tree = String.valueOf(c.getVersioned("/x").value());
			String snapshot = String.valueOf(c.snapshot("/x").value());
			String read = String.valueOf(c.get("/x"));
			assertThat(c.getVersioned("/x").revision()).isEqualTo(revision);
			assertThat(read).as("get vs getVersioned (%s) and snapshot (%s) at revision %d", tree, snapshot, revision)
				.isEqualTo(tree)
				.isEqualTo(snapshot);
		}
	}

}
