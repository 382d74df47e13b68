package io.statetree.core.internal;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance ids a controller gets when none is configured: UUID-shaped (version 4, IETF
 * variant) and distinct, also when made on many threads at once.
 */
class InstanceIdsTest {

	@Test
	void idsAreVersionFourUuidsAndDistinctAcrossThreads() {
		Set<String> ids = ConcurrentHashMap.newKeySet();
		IntStream.range(0, 20_000).parallel().forEach((i) -> ids.add(InstanceIds.next()));
		assertThat(ids).hasSize(20_000);
		for (String id : ids) {
			UUID uuid = UUID.fromString(id);
			assertThat(uuid.version()).isEqualTo(4);
			assertThat(uuid.variant()).isEqualTo(2);
			assertThat(uuid.toString()).isEqualTo(id);
		}
	}

	@Test
	void controllersWithoutAConfiguredIdGetDistinctOnesAndAConfiguredOneIsKept() {
		try (StateController first = StateController.create(); StateController second = StateController.create();
				StateController named = StateController.builder().instanceId("node-7").build()) {
			assertThat(first.instanceId()).isNotEqualTo(second.instanceId());
			assertThat(UUID.fromString(first.instanceId()).version()).isEqualTo(4);
			assertThat(named.instanceId()).isEqualTo("node-7");
		}
	}

}
