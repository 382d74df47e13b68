package io.statetree.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The group listener suite on {@link InMemoryBackend}: progress in the controller's memory, events
 * read from the controller's in-memory history, which keeps what a group still needs.
 */
class InMemoryGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new InMemoryBackend();
	}

	@Test
	void theInMemoryHistoryKeepsWhatASlowGroupStillNeeds() {
		StateController c = open(builder(new InMemoryBackend()).historySize(0));
		CountDownLatch release = new CountDownLatch(1);
		List<Long> handled = new CopyOnWriteArrayList<>();
		c.subscribe("/orders/{id}", (event) -> {
			waitFor(release);
			handled.add(event.revision());
		}, SubscribeOptions.group("billing"));
		for (int i = 0; i < 300; i++) {
			c.set(StatePath.of("/orders/1"), i);
			c.set(StatePath.of("/other/" + i), i);
		}
		release.countDown();
		await().atMost(WAIT).until(() -> handled.size() == 300);
		assertThat(handled).isSorted().doesNotHaveDuplicates();
	}

}
