package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import io.statetree.spring.StateTreeRedisConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the Redis backend wiring against a real server.
 */
@ExtendWith(RedisTestServer.class)
class StateTreeRedisAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class, StateTreeAutoConfiguration.class));

	private ApplicationContextRunner onServer(RedisTestServer server) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		return this.runner.withPropertyValues("spring.data.redis.host=" + endpoint.host(),
				"spring.data.redis.port=" + endpoint.port());
	}

	@Test
	void usesTheApplicationsConnectionFactory(RedisTestServer server) {
		String namespace = server.newNamespace();
		onServer(server)
			.withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=" + namespace,
					"statetree.redis.feed-retention=50", "statetree.redis.max-value-bytes=1024",
					"statetree.redis.lease-timeout=3s")
			.run((context) -> {
				RedisBackend backend = (RedisBackend) context.getBean(StateBackend.class);
				assertThat(backend.namespace()).isEqualTo(namespace);
				assertThat(backend.feedRetention()).isEqualTo(50);
				assertThat(backend.maxValueBytes()).isEqualTo(1024);
				assertThat(backend.leaseTimeout()).isEqualTo(Duration.ofSeconds(3));
				context.getBean(StateController.class).set("/a", 1);
			});
		onServer(server).withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=" + namespace)
			.run((context) -> assertThat(context.getBean(StateController.class).get("/a")).isEqualTo(1));
	}

	@Test
	void leaseTimeoutDefaultsToTenSecondsAndReachesMountsToo(RedisTestServer server) {
		String namespace = server.newNamespace();
		onServer(server).withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=" + namespace)
			.run((context) -> assertThat(((RedisBackend) context.getBean(StateBackend.class)).leaseTimeout())
				.isEqualTo(Duration.ofSeconds(10)));
		onServer(server)
			.withPropertyValues("statetree.redis.namespace=" + namespace, "statetree.redis.lease-timeout=2500ms",
					"statetree.mounts.shared.path=/shared", "statetree.mounts.shared.backend=redis")
			.run((context) -> {
				HybridBackend hybrid = (HybridBackend) context.getBean(StateBackend.class);
				RedisBackend shared = (RedisBackend) hybrid.mounts().get(StatePath.of("/shared"));
				assertThat(shared.leaseTimeout()).isEqualTo(Duration.ofMillis(2500));
			});
	}

	@Test
	void rejectsALeaseTimeoutOutOfRangeNamingTheProperty(RedisTestServer server) {
		onServer(server)
			.withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=" + server.newNamespace(),
					"statetree.redis.lease-timeout=100ms")
			.run((context) -> assertThat(
					Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.redis.lease-timeout")
				.hasMessageContaining("PT0.1S"));
	}

	@Test
	void twoInstancesShareStateAndHearEachOther(RedisTestServer server) {
		String namespace = server.newNamespace();
		ApplicationContextRunner instance = onServer(server).withPropertyValues("statetree.backend=redis",
				"statetree.redis.namespace=" + namespace);
		instance.withPropertyValues("statetree.instance-id=one").run((one) -> instance
			.withPropertyValues("statetree.instance-id=two")
			.run((two) -> {
				List<String> origins = new CopyOnWriteArrayList<>();
				java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
				two.getBean(StateController.class).subscribe("/shared", (event) -> {
					origins.add(event.origin());
					heard.countDown();
				});
				one.getBean(StateController.class).set("/shared", "hello");
				assertThat(heard.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
				assertThat(origins).containsExactly("one");
				assertThat(two.getBean(StateController.class).get("/shared")).isEqualTo("hello");
			}));
	}

	@Test
	void aStoppingInstanceDeletesItsEphemeralEntriesBeforeItsConnectionFactoryStops(RedisTestServer server) {
		String namespace = server.newNamespace();
		ApplicationContextRunner instance = onServer(server).withPropertyValues("statetree.backend=redis",
				"statetree.redis.namespace=" + namespace);
		instance.withPropertyValues("statetree.instance-id=stays").run((stays) -> {
			StateController survivor = stays.getBean(StateController.class);
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			survivor.subscribe("/presence/*", heard::add);
			instance.withPropertyValues("statetree.instance-id=leaves").run((leaves) -> {
				assertThat(leaves).hasSingleBean(StateControllerLifecycle.class);
				leaves.getBean(StateController.class).set("/presence/leaves", "here", WriteOptions.ephemeral());
				assertThat(survivor.get("/presence/leaves")).isEqualTo("here");
			});
			assertThat(survivor.get("/presence/leaves")).as("deleted on close, not at the end of its lease").isNull();
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
			assertThat(heard.get(1).isExpiry()).isTrue();
			assertThat(heard.get(1).origin()).isEqualTo("leaves");
		});
	}

	@Test
	void theControllerStopsInThePhaseAboveItsConnectionFactory() {
		LettuceConnectionFactory lettuce = new LettuceConnectionFactory();
		assertThat(StateControllerLifecycle.phaseBefore(lettuce)).isEqualTo(lettuce.getPhase() + 1);
		lettuce.setPhase(-5);
		assertThat(StateControllerLifecycle.phaseBefore(lettuce)).isEqualTo(-4);
		assertThat(StateControllerLifecycle.phaseBefore(new Object())).isEqualTo(1);
	}

	@Test
	void prefersTheQualifiedConnectionFactory(RedisTestServer server) {
		String namespace = server.newNamespace();
		this.runner.withUserConfiguration(QualifiedConnectionFactoryConfiguration.class)
			.withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=" + namespace)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(StateController.class).set("/a", 1);
				assertThat(context.getBean(StateController.class).get("/a")).isEqualTo(1);
			});
	}

	@Test
	void mountsRedisWithADerivedNamespace(RedisTestServer server) {
		String namespace = server.newNamespace();
		onServer(server)
			.withPropertyValues("statetree.redis.namespace=" + namespace, "statetree.mounts.shared.path=/shared",
					"statetree.mounts.shared.backend=redis", "statetree.mounts.own.path=/own",
					"statetree.mounts.own.backend=redis", "statetree.mounts.own.redis.namespace=" + namespace + "-own",
					"statetree.cache.enabled=true")
			.run((context) -> {
				HybridBackend hybrid = (HybridBackend) context.getBean(StateBackend.class);
				assertThat(hybrid.root()).isInstanceOf(InMemoryBackend.class);
				RedisBackend shared = (RedisBackend) ((CachingBackend) hybrid.mounts().get(StatePath.of("/shared")))
					.delegate();
				RedisBackend own = (RedisBackend) ((CachingBackend) hybrid.mounts().get(StatePath.of("/own")))
					.delegate();
				assertThat(shared.namespace()).isEqualTo(namespace + ":shared");
				assertThat(own.namespace()).isEqualTo(namespace + "-own");
			});
	}

	@Test
	void refusesAWriteBehindCacheInFrontOfRedis(RedisTestServer server) {
		onServer(server)
			.withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=" + server.newNamespace(),
					"statetree.cache.enabled=true", "statetree.cache.flush-on-write=false")
			.run((context) -> assertThat(
					Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.cache.flush-on-write"));
	}

	@Test
	void rejectsAnInvalidNamespaceNamingTheProperty(RedisTestServer server) {
		onServer(server).withPropertyValues("statetree.backend=redis", "statetree.redis.namespace=no spaces")
			.run((context) -> assertThat(
					Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.redis.namespace"));
	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedConnectionFactoryConfiguration {

		@Bean(destroyMethod = "destroy")
		@Primary
		LettuceConnectionFactory applicationConnectionFactory() {
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
		}

		@Bean(destroyMethod = "destroy")
		@StateTreeRedisConnectionFactory
		LettuceConnectionFactory stateTreeConnectionFactory() {
			RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()));
		}

	}

}
