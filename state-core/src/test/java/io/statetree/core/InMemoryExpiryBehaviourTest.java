package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The expiry suite on {@link InMemoryBackend}, plus what only the controller decides: a backend
 * without the lifetime capability refuses lifetimes before anything is written.
 */
class InMemoryExpiryBehaviourTest extends AbstractExpiryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new InMemoryBackend();
	}

	@Override
	protected StateBackend newBackend(Path scratch, LongSupplier nanoClock) {
		return VirtualTimeBackends.inMemory(nanoClock);
	}

	@Test
	void aBackendWithoutTheCapabilityRefusesLifetimesBeforeWriting() {
		StateController c = opened(StateController.builder().backend(new PlainBackend("no-lifetimes")).build());
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> c.set("/k", 1, WriteOptions.ttl(Duration.ofSeconds(1))))
			.withMessageContaining("/k")
			.withMessageContaining("no-lifetimes");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> c.batch(() -> {
				c.set("/a", 1);
				c.set("/e", 1, WriteOptions.ephemeral());
			}))
			.withMessageContaining("/e");
		assertThat(c.revision()).isZero();
		assertThat(c.get("/a")).isNull();
		assertThat(c.timeToLive("/k")).isNull();
		c.set("/p", 1);
		assertThat(c.get("/p")).isEqualTo(1);
	}

	@Test
	void aControllerOverABackendHoldingDueEntriesSweepsAtStart() {
		InMemoryBackend backend = new InMemoryBackend();
		StateController first = StateController.builder().backend(backend).build();
		first.set("/k", 1, WriteOptions.ttl(Duration.ofMillis(50)));
		first.set("/p", 2);
		first.close();
		StateController second = opened(StateController.builder().backend(backend).build());
		Heard heard = listen(second, "/**");
		await().atMost(WAIT).until(() -> heard.expiries().size() == 1);
		assertThat(second.history(0, 100)).hasSize(1).allSatisfy((commit) -> assertThat(commit.expiry()).isTrue());
		assertThat(second.get("/p")).isEqualTo(2);
	}

	@Test
	void theTimerIsOneNamedDaemonThreadStartedByATimeToLiveAndEndedByClose() {
		StateController c = opened(StateController.builder().backend(new InMemoryBackend()).instanceId("timer-test").build());
		c.set("/plain", 1);
		c.set("/e", 1, WriteOptions.ephemeral());
		assertThat(timers("timer-test")).isEmpty();
		for (int i = 0; i < 5; i++) {
			c.set("/t" + i, i, WriteOptions.ttl(Duration.ofMinutes(1)));
		}
		assertThat(timers("timer-test")).hasSize(1).allSatisfy((t) -> assertThat(t.isDaemon()).isTrue());
		c.close();
		await().atMost(WAIT).until(() -> timers("timer-test").isEmpty());
	}

	private static java.util.List<Thread> timers(String instanceId) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((t) -> t.getName().equals("statetree-expiry-" + instanceId) && t.isAlive())
			.toList();
	}

	private StateController opened(StateController c) {
		return controllerOpened(c);
	}

}
