package io.statetree.actuate;

import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests how the actuator finds the backends serving a tree through the backend SPI's
 * self-description: memory, files, a hybrid with mounts, caches in front of stores, and Redis with
 * its change-feed lag (against a real server).
 */
@ExtendWith(RedisTestServer.class)
class BackendsTest {

	@Test
	void memoryIsOneStoreAtTheRoot() {
		InMemoryBackend memory = new InMemoryBackend();
		assertThat(Backends.mounted(memory)).containsExactly(new Backends.Mounted(StatePath.ROOT, memory, memory));
		assertThat(Backends.feedLagMillis(memory)).isNull();
	}

	@Test
	void aHybridIsItsRootAndItsMountsEachSeenThroughItsCache(@TempDir Path directory) {
		InMemoryBackend root = new InMemoryBackend();
		FileSystemBackend files = FileSystemBackend.builder(directory).fsync(false).build();
		CachingBackend cachedFiles = new CachingBackend(files, CachePolicy.defaults());
		InMemoryBackend users = new InMemoryBackend();
		try (HybridBackend hybrid = new HybridBackend(root).mount("/persistent", cachedFiles).mount("/users", users)) {
			assertThat(Backends.mounted(hybrid)).containsExactlyInAnyOrder(
					new Backends.Mounted(StatePath.ROOT, root, root),
					new Backends.Mounted(StatePath.of("/persistent"), cachedFiles, files),
					new Backends.Mounted(StatePath.of("/users"), users, users));
			assertThat(Backends.mounted(hybrid).get(0).mountPoint()).isEqualTo(StatePath.ROOT);
			assertThat(Backends.feedLagMillis(files)).isNull();
		}
	}

	@Test
	void aCacheInFrontOfAHybridShowsTheHybridsParts() {
		InMemoryBackend root = new InMemoryBackend();
		InMemoryBackend mounted = new InMemoryBackend();
		CachingBackend cache = new CachingBackend(new HybridBackend(root).mount("/m", mounted), CachePolicy.defaults());
		try (cache) {
			assertThat(Backends.store(cache)).isInstanceOf(HybridBackend.class);
			assertThat(Backends.mounted(cache)).containsExactly(new Backends.Mounted(StatePath.ROOT, root, root),
					new Backends.Mounted(StatePath.of("/m"), mounted, mounted));
		}
	}

	@Test
	void theHealthHasOneChildPerMountNamingItsStoreType(@TempDir Path directory) {
		FileSystemBackend files = FileSystemBackend.builder(directory).fsync(false).build();
		HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/files",
				new CachingBackend(files, CachePolicy.defaults()));
		try (StateController controller = StateController.create(hybrid);
				StateTreeHealthContributor health = new StateTreeHealthContributor(controller, Duration.ofSeconds(2))) {
			assertThat(health.stream().map(HealthContributors.Entry::name)).containsExactly("root", "files");
			Health root = ((HealthIndicator) health.getContributor("root")).health(true);
			assertThat(root.getStatus()).isEqualTo(Status.UP);
			assertThat(root.getDetails()).containsEntry("type", "memory").containsEntry("mountPoint", "/");
			Health mounted = ((HealthIndicator) health.getContributor("files")).health(true);
			assertThat(mounted.getStatus()).isEqualTo(Status.UP);
			assertThat(mounted.getDetails()).containsEntry("type", "filesystem").containsEntry("mountPoint", "/files");
		}
	}

	@Test
	void redisReportsItsFeedLagAndGetsAGauge(RedisTestServer server) {
		RedisBackend redis = RedisBackend.builder(server.newConnectionFactory()).namespace(server.newNamespace()).build();
		CachingBackend cachedRedis = new CachingBackend(redis, CachePolicy.defaults());
		StateBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/shared", cachedRedis);
		// No controller listens yet: the feed does not run.
		assertThat(Backends.feedLagMillis(redis)).isEqualTo(-1L);
		assertThat(redis.description().type()).isEqualTo("redis");
		assertThat(redis.description().details()).containsEntry("namespace", redis.namespace());
		try (StateController controller = StateController.create(hybrid)) {
			assertThat(Backends.mounted(hybrid)).containsExactly(
					new Backends.Mounted(StatePath.ROOT, ((HybridBackend) hybrid).root(),
							((HybridBackend) hybrid).root()),
					new Backends.Mounted(StatePath.of("/shared"), cachedRedis, redis));
			assertThat(Backends.feedLagMillis(redis)).isNotNull().isGreaterThanOrEqualTo(0L);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			StateTreeMetrics.feedLag(controller).bindTo(registry);
			assertThat(registry.find("statetree.feed.lag").timeGauges()).singleElement()
				.satisfies((gauge) -> assertThat(gauge.getId().getTag("mount")).isEqualTo("/shared"));
		}
	}

}
