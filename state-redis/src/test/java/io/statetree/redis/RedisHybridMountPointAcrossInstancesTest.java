package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * break25, fixed in mount26: two instances, each a hybrid with its own in-memory root and the same
 * Redis namespace mounted at {@code /m} (DESIGN §7, §9's {@code mounts.<name>.redis}, §18:
 * instances on one Redis read the same state). The mount point's marker ({@code MountMarkers}),
 * which tells an emptied mount point ({@code {}}) from a deleted one (absent), lived in each
 * instance's own root backend, so only the writer knew it: the writer read {@code {}}, the other
 * instance absent. Decision (README, "Mount points read like any branch"): a shared mount has no
 * marker; its mount point reads as the mount's tree when that holds values and as absent when it
 * is empty, on every instance, the writer included.
 */
class RedisHybridMountPointAcrossInstancesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("hybrid-marker", 2);

	@BeforeAll
	static void connect() {
		REDIS.connect();
	}

	@AfterAll
	static void disconnect() {
		REDIS.disconnect();
	}

	private static StateController instance(int index, String namespace, String id) {
		return StateController.builder()
			.backend(new HybridBackend(new InMemoryBackend()).mount("/m", REDIS.backend(index, namespace)))
			.instanceId(id)
			.build();
	}

	/**
	 * Exact input of the finding: the writer empties {@code /m} by deleting its last child. Before
	 * the fix the writer read {@code {}} (its root held the marker) and the other instance absent
	 * ({@code get} null, {@code exists} false, not among the root's children) for ever. Now both
	 * read it as absent, and both see the same after it is written again, emptied by a write of
	 * {@code {}} (which puts nothing on the stream) and deleted.
	 */
	@Test
	void anEmptiedSharedMountPointReadsTheSameOnBothInstances() {
		String namespace = REDIS.newNamespace();
		try (StateController writer = instance(0, namespace, "writer");
				StateController other = instance(1, namespace, "other")) {
			writer.set("/m/x", 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> other.get("/m/x") != null);
			assertThat(other.get("/m")).isEqualTo(Map.of("x", 1));
			writer.delete("/m/x");
			assertThat(writer.get("/m")).as("the writer: an emptied shared mount point").isNull();
			assertThat(writer.exists("/m")).isFalse();
			assertThat(writer.childNames("/")).isEmpty();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(other.get("/m/x")).as("the other instance").isNull());
			assertThat(other.get("/m")).isNull();
			assertThat(other.exists("/m")).isFalse();
			assertThat(other.childNames("/")).isEmpty();
			assertThat(other.get("/")).isEqualTo(writer.get("/")).isEqualTo(Map.of());
			other.set("/m/y", 2);
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.get("/m/y") != null);
			assertThat(writer.get("/m")).isEqualTo(other.get("/m")).isEqualTo(Map.of("y", 2));
			assertThat(writer.childNames("/")).isEqualTo(other.childNames("/")).isEqualTo(List.of("m"));
			other.set("/m", Map.of());
			assertThat(other.get("/m")).as("emptied by a write of {}").isNull();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(writer.get("/m/y")).isNull());
			assertThat(writer.get("/m")).isNull();
			writer.set("/m/z", 3);
			await().atMost(Duration.ofSeconds(10)).until(() -> other.get("/m/z") != null);
			writer.delete("/m");
			assertThat(writer.get("/m")).as("the writer: a deleted mount point").isNull();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(other.get("/m/z")).isNull());
			assertThat(other.get("/m")).isNull();
			assertThat(other.exists("/m")).isFalse();
		}
	}

}
