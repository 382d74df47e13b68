package io.statetree.core;

import java.util.List;
import java.util.Map;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller behaviour suite on a custom backend that keeps its tree in an
 * {@link InMemoryBackend} but offers no {@link io.statetree.core.backend.SnapshotStore}: the
 * controller must reach the same behaviour (serialisable batches included) through the plain SPI,
 * with no short cut for a concrete backend class.
 */
class WithoutSnapshotStoreControllerBehaviourTest extends AbstractControllerBehaviourTest {

	@Override
	protected StateBackend newBackend() {
		return new PlainBackend();
	}

	@Test
	void theBackendOffersNoSnapshotStoreWhileMemoryDoes() {
		assertThat(this.controller.backend()).isInstanceOf(PlainBackend.class);
		assertThat(this.controller.backend().snapshotStore()).isNull();
		assertThat(new InMemoryBackend().snapshotStore()).isNotNull();
	}

	/** Forwards the SPI's required methods to an in-memory tree, and nothing else. */
	private static final class PlainBackend implements StateBackend {

		private final InMemoryBackend target = new InMemoryBackend();

		@Override
		public @Nullable Object read(StatePath path) {
			return this.target.read(path);
		}

		@Override
		public List<String> childNames(StatePath path) {
			return this.target.childNames(path);
		}

		@Override
		public CommitResult commit(CommitRequest request) {
			return this.target.commit(request);
		}

		@Override
		public long revision() {
			return this.target.revision();
		}

		@Override
		public Map<String, Object> describe() {
			return Map.of("type", "plain");
		}

	}

}
