package io.statetree.core;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
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

}
