package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The expiry suite on {@link InMemoryBackend}, plus what only the controller decides: a backend
 * without the lifetime capability refuses lifetimes before anything is written.
 */
class InMemoryExpiryBehaviourTest extends AbstractExpiryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new InMemoryBackend();
	}

	/** A backend that stores but keeps no lifetimes. */
	private static final class NoLifetimes implements StateBackend {

		private final InMemoryBackend inner = new InMemoryBackend();

		@Override
		public @Nullable Object read(StatePath path) {
			return this.inner.read(path);
		}

		@Override
		public CommitResult commit(CommitRequest request) {
			return this.inner.commit(request);
		}

		@Override
		public long revision() {
			return this.inner.revision();
		}

		@Override
		public Map<String, Object> describe() {
			return Map.of("type", "no-lifetimes");
		}

	}

	@Test
	void aBackendWithoutTheCapabilityRefusesLifetimesBeforeWriting() {
		StateController c = opened(StateController.builder().backend(new NoLifetimes()).build());
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

	private StateController opened(StateController c) {
		return controllerOpened(c);
	}

}
