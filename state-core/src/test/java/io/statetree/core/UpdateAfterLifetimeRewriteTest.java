package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14: an {@code update} right after a write with a time to live, at a path whose
 * previous value expired a moment before, must see the new value (it is alive: it has most of its
 * time to live left). The concurrent workload found an {@code async().update} on a write-through
 * near cache over files whose function got {@code null} 163 ms before the due time of the value it
 * then replaced (history {@code w0-17 -> w0-18}). Sync and async, every backend kind.
 */
class UpdateAfterLifetimeRewriteTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(Break14Backends.class)
	void anUpdateRightAfterATimeToLiveRewriteOfAnExpiredPathSeesTheNewValue(Break14Backends kind) {
		StateController c = StateController.builder()
			.backend(kind.create(this.dir.resolve("state")))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		List<String> wrong = new ArrayList<>();
		try {
			String k = kind.prefix(0) + "/k";
			for (int i = 0; i < 12; i++) {
				c.set(k, "short" + i, WriteOptions.ttl(Duration.ofMillis(30 + i * 3)));
				String gone = "short" + i;
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Break14Workload.history(c)
						.stream()
						.anyMatch(ch -> ch.expiry() && gone.equals(ch.oldValue())));
				String alive = "long" + i;
				c.set(k, alive, WriteOptions.ttl(Duration.ofMillis(2_000)));
				Object[] found = new Object[1];
				if (i % 2 == 0) {
					c.update(k, String.class, v -> {
						found[0] = v;
						return "u" + v;
					});
				}
				else {
					c.async().update(k, String.class, v -> {
						found[0] = v;
						return "u" + v;
					}).join();
				}
				if (!alive.equals(found[0])) {
					wrong.add((i % 2 == 0 ? "update" : "async update") + " found " + found[0] + " for " + alive);
				}
				c.delete(k);
			}
		}
		finally {
			c.close();
		}
		assertThat(wrong).as("%s", kind).isEmpty();
	}

}
