package io.statetree.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.backend.VirtualTimeBackends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An equal write that sets or clears a lifetime keeps the stored form (break24's finding 1): an
 * equal rewrite that carries or clears a lifetime ({@code 1.0}, then {@code 1.00} with a time to
 * live, then {@code 1.000} without) makes no revision, so it must not replace {@code 1.0}; once the
 * last lifetime's hint has settled the in-memory leaf read memo is consulted again, and
 * {@code get}, {@code getVersioned} and {@code snapshot} of one path at one revision print the same.
 */
class EqualWriteKeepsStoredFormTest {

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
