package io.statetree.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The expiry timer sleeps until the next due time: with one entry due in an hour its thread uses
 * next to no CPU (it once asked the backend in a loop, two answers taken a moment apart always
 * looking like an earlier due time).
 */
class ExpiryTimerIdleTest {

	@Test
	void theTimerSleepsUntilTheNextDueTime() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		try (StateController c = StateController.builder().instanceId("idle-timer").build()) {
			c.set("/later", 1, WriteOptions.ttl(Duration.ofHours(1)));
			Thread timer = await().atMost(Duration.ofSeconds(30))
				.until(() -> Thread.getAllStackTraces()
					.keySet()
					.stream()
					.filter((thread) -> thread.getName().equals("statetree-expiry-idle-timer"))
					.findFirst()
					.orElse(null), (thread) -> thread != null);
			long start = threads.getThreadCpuTime(timer.getId());
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(30))
				.until(() -> threads.getThreadCpuTime(timer.getId()) - start < Duration.ofMillis(50).toNanos());
			assertThat(c.get("/later")).isEqualTo(1);
		}
	}

}
