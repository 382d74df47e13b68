package io.statetree.redis.break26b;

import java.time.Duration;
import java.util.Map;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * break26b, redisttl26 attacked from outside: a writer on plain Redis restarts, moves and clears
 * lifetimes with equal rewrites (which put nothing on the change stream); a reader reaching the
 * same namespace directly, through a near cache, through a hybrid mount at {@code /m}, or through
 * a hybrid mounting a near cache, keeps computed values that read {@code timeToLive}. What the
 * property {@code RedisComputedLifetimeTwoInstancesPropertiesTest} leaves out: a lifetime two
 * branches up, a hybrid over a near cache, and an outer value whose inner value is remembered and
 * never read directly again (the property reads every inner value first). Found holding.
 */
class ComputedLifetimeEveryReachTest {

	private static final Duration HOUR = Duration.ofHours(1);

	private static LettuceConnectionFactory writerFactory;

	private static LettuceConnectionFactory readerFactory;

	private static int namespaces;

	enum Reach {

		DIRECT, NEAR_CACHE, HYBRID_MOUNT, HYBRID_NEAR_CACHE

	}

	@BeforeAll
	static void connect() {
		writerFactory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
		readerFactory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterAll
	static void disconnect() {
		writerFactory.destroy();
		readerFactory.destroy();
	}

	private static String newNamespace() {
		return "break26b-ttl-" + ProcessHandle.current().pid() + "-" + (++namespaces);
	}

	private static StateController reader(Reach reach, String namespace) {
		RedisBackend redis = RedisBackend.builder(readerFactory).namespace(namespace).build();
		StateBackend backend = switch (reach) {
			case DIRECT -> redis;
			case NEAR_CACHE -> new CachingBackend(redis, CachePolicy.defaults());
			case HYBRID_MOUNT -> new HybridBackend(new InMemoryBackend()).mount("/m", redis);
			case HYBRID_NEAR_CACHE -> new HybridBackend(new InMemoryBackend()).mount("/m",
					new CachingBackend(redis, CachePolicy.defaults()));
		};
		return StateController.builder().backend(backend).instanceId("reader").build();
	}

	/** The writer's path for the reader's {@code /m...}: the hybrids mount the namespace at /m. */
	private static String writerPath(Reach reach, String path) {
		return (reach == Reach.HYBRID_MOUNT || reach == Reach.HYBRID_NEAR_CACHE) ? path.substring("/m".length()) : path;
	}

	/** Both absent, or within a minute of each other. */
	private static void sameLifetime(@Nullable Duration computed, @Nullable Duration direct, String what) {
		assertThat(computed == null).as("%s: computed %s, timeToLive %s", what, computed, direct)
			.isEqualTo(direct == null);
		if (computed != null && direct != null) {
			assertThat(computed.minus(direct).abs()).as("%s: computed %s, timeToLive %s", what, computed, direct)
				.isLessThan(Duration.ofMinutes(1));
		}
	}

	/**
	 * {@code /m/k = "v"} ttl 1h; the reader's {@code inner = timeToLive("/m/k")} and
	 * {@code outer = inner.get()}, both read once; the writer rewrites {@code "v"} with ttl 3h, then
	 * with none: only {@code outer.get()} is asked, and it follows.
	 */
	@Test
	void anOuterValueFollowsALifetimeItsRememberedInnerValueRead() {
		for (Reach reach : Reach.values()) {
			String namespace = newNamespace();
			try (StateController writer = StateController.builder()
				.backend(RedisBackend.builder(writerFactory).namespace(namespace).build())
				.instanceId("writer")
				.build(); StateController reader = reader(reach, namespace)) {
				String at = writerPath(reach, "/m/k");
				writer.set(at, "v", WriteOptions.ttl(HOUR));
				await().atMost(Duration.ofSeconds(30)).until(() -> reader.get("/m/k") != null);
				Computed<Duration> inner = reader.computed((view) -> reader.timeToLive("/m/k"));
				Computed<Duration> outer = reader.computed((view) -> inner.get());
				assertThat(inner.get()).isLessThanOrEqualTo(HOUR);
				assertThat(outer.get()).isLessThanOrEqualTo(HOUR);
				writer.set(at, "v", WriteOptions.ttl(HOUR.multipliedBy(3)));
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(outer.get()).as("%s: restarted at 3h", reach)
						.isGreaterThan(HOUR.multipliedBy(2)));
				writer.set(at, "v");
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(outer.get()).as("%s: made permanent", reach).isNull());
			}
		}
	}

	/**
	 * {@code /m/a = {b: {x: 1}}} ttl 1h, {@code /m/a/b} rewritten equal with ttl 2h; the reader's
	 * computed lifetime of {@code /m/a/b/x} (read through an outer value) equals its own
	 * {@code timeToLive} after each equal rewrite: {@code /m/a} ttl 5h, {@code /m/a/b/x} ttl 7h,
	 * {@code /m/a/b} permanent, {@code /m/a} permanent.
	 */
	@Test
	void aLifetimeTwoBranchesUpFollowsEveryEqualRewrite() {
		for (Reach reach : Reach.values()) {
			String namespace = newNamespace();
			try (StateController writer = StateController.builder()
				.backend(RedisBackend.builder(writerFactory).namespace(namespace).build())
				.instanceId("writer")
				.build(); StateController reader = reader(reach, namespace)) {
				String a = writerPath(reach, "/m/a");
				Map<String, Object> value = Map.of("b", Map.of("x", 1));
				writer.set(a, value, WriteOptions.ttl(HOUR));
				writer.set(a + "/b", Map.of("x", 1), WriteOptions.ttl(HOUR.multipliedBy(2)));
				await().atMost(Duration.ofSeconds(30)).until(() -> reader.get("/m/a/b/x") != null);
				Computed<Duration> left = reader.computed((view) -> reader.timeToLive("/m/a/b/x"));
				Computed<Duration> outer = reader.computed((view) -> left.get());
				left.get();
				sameLifetime(outer.get(), reader.timeToLive("/m/a/b/x"), reach + " at first");
				Runnable[] rewrites = { () -> writer.set(a, value, WriteOptions.ttl(HOUR.multipliedBy(5))),
						() -> writer.set(a + "/b/x", 1, WriteOptions.ttl(HOUR.multipliedBy(7))),
						() -> writer.set(a + "/b", Map.of("x", 1)), () -> writer.set(a, value) };
				for (int i = 0; i < rewrites.length; i++) {
					rewrites[i].run();
					String what = reach + " after rewrite " + i;
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> sameLifetime(outer.get(), reader.timeToLive("/m/a/b/x"), what));
				}
			}
		}
	}

}
