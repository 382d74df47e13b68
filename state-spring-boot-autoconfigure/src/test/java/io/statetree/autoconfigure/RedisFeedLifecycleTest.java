package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis change feed as a lifecycle: it reads only once the context is refreshed, stops before
 * the connection factory, honours the shutdown phase timeout, resumes after a context stop and
 * start, and a close while commits stream in logs no error.
 */
@ExtendWith({ RedisTestServer.class, OutputCaptureExtension.class })
class RedisFeedLifecycleTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class, StateTreeAutoConfiguration.class));

	private ApplicationContextRunner onServer(RedisTestServer server, String namespace) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		return this.runner.withPropertyValues("spring.data.redis.host=" + endpoint.host(),
				"spring.data.redis.port=" + endpoint.port(), "statetree.backend=redis",
				"statetree.redis.namespace=" + namespace);
	}

	@Test
	void theFeedDoesNotReadBeforeTheContextIsRefreshedAndThenDeliversWhatCameMeanwhile(RedisTestServer server) {
		String namespace = server.newNamespace();
		onServer(server, namespace).withPropertyValues("statetree.instance-id=other").run((other) -> {
			StateController writer = other.getBean(StateController.class);
			onServer(server, namespace).withBean(WritesDuringStartup.class, () -> new WritesDuringStartup(writer))
				.run((context) -> {
					WritesDuringStartup probe = context.getBean(WritesDuringStartup.class);
					assertThat(probe.feedRanBeforeRefresh).as("feed reading before the refresh completed").isFalse();
					RedisBackend backend = (RedisBackend) context.getBean(StateBackend.class);
					assertThat(backend.isFeedRunning()).isTrue();
					assertThat(context.getBean(RedisFeedLifecycle.class).backends()).containsExactly(backend);
					StateController controller = context.getBean(StateController.class);
					List<Object> heard = new CopyOnWriteArrayList<>();
					controller.subscribe("/later", (event) -> heard.add(event.newValue()));
					writer.set("/later", "after");
					await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("after"));
					assertThat(controller.get("/during-startup")).isEqualTo("written");
				});
		});
	}

	@Test
	void theFeedStopsBeforeTheControllerAndTheConnectionFactory(RedisTestServer server) {
		String namespace = server.newNamespace();
		AtomicBoolean feedRunningWhenFactoryPhaseStopped = new AtomicBoolean(true);
		onServer(server, namespace).withUserConfiguration(FactoryPhaseProbe.class)
			.withBean(AtomicBoolean.class, () -> feedRunningWhenFactoryPhaseStopped)
			.run((context) -> {
				RedisFeedLifecycle feeds = context.getBean(RedisFeedLifecycle.class);
				StateControllerLifecycle controller = context.getBean(StateControllerLifecycle.class);
				SmartLifecycle factory = (SmartLifecycle) context.getBean(RedisConnectionFactory.class);
				assertThat(feeds.getPhase()).isGreaterThan(controller.getPhase());
				assertThat(controller.getPhase()).isGreaterThan(factory.getPhase());
				assertThat(feeds.isRunning()).isTrue();
			});
		assertThat(feedRunningWhenFactoryPhaseStopped).as("feed still running when the factory's phase stopped")
			.isFalse();
	}

	@Test
	void aStopWaitsAtMostTheShutdownPhaseTimeout(RedisTestServer server) {
		onServer(server, server.newNamespace())
			.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=7s")
			.run((context) -> assertThat(context.getBean(RedisFeedLifecycle.class).timeout())
				.isEqualTo(Duration.ofSeconds(7)));
		onServer(server, server.newNamespace())
			.run((context) -> assertThat(context.getBean(RedisFeedLifecycle.class).timeout())
				.isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void aContextStopAndStartResumesTheFeedWithoutLosingCommits(RedisTestServer server) {
		String namespace = server.newNamespace();
		onServer(server, namespace).withPropertyValues("statetree.instance-id=other").run((other) -> {
			StateController writer = other.getBean(StateController.class);
			onServer(server, namespace).run((context) -> {
				StateController controller = context.getBean(StateController.class);
				List<Object> heard = new CopyOnWriteArrayList<>();
				controller.subscribe("/n", (event) -> heard.add(event.newValue()));
				RedisBackend backend = (RedisBackend) context.getBean(StateBackend.class);
				context.getSourceApplicationContext(org.springframework.context.ConfigurableApplicationContext.class)
					.stop();
				assertThat(backend.isFeedRunning()).isFalse();
				writer.set("/n", 1);
				writer.set("/n", 2);
				context.getSourceApplicationContext(org.springframework.context.ConfigurableApplicationContext.class)
					.start();
				assertThat(backend.isFeedRunning()).isTrue();
				writer.set("/n", 3);
				await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
				assertThat(heard).containsExactly(1, 2, 3);
			});
		});
	}

	@Test
	void closingWhileCommitsStreamInLogsNoError(RedisTestServer server, CapturedOutput output) throws Exception {
		String namespace = server.newNamespace();
		onServer(server, namespace).withPropertyValues("statetree.instance-id=other").run((other) -> {
			StateController writer = other.getBean(StateController.class);
			AtomicBoolean writing = new AtomicBoolean(true);
			AtomicInteger written = new AtomicInteger();
			Thread load = new Thread(() -> {
				while (writing.get()) {
					writer.set("/load", written.incrementAndGet());
				}
			});
			load.start();
			try {
				for (int round = 0; round < 3; round++) {
					int before = written.get();
					onServer(server, namespace).run((context) -> {
						AtomicInteger heard = new AtomicInteger();
						context.getBean(StateController.class).subscribe("/load", (event) -> heard.incrementAndGet());
						await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() > 20);
					});
					await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > before + 20);
				}
			}
			finally {
				writing.set(false);
				load.join();
			}
		});
		assertThat(output.getAll()).doesNotContain("ERROR").doesNotContain("lost its connection")
			.doesNotContain("did not stop").doesNotContain("Exception");
	}

	/** Writes through another instance while singletons are created, and checks the feed then. */
	static final class WritesDuringStartup implements SmartInitializingSingleton {

		private final StateController writer;

		volatile boolean feedRanBeforeRefresh;

		private ApplicationContext context;

		WritesDuringStartup(StateController writer) {
			this.writer = writer;
		}

		@org.springframework.beans.factory.annotation.Autowired
		void setContext(ApplicationContext context) {
			this.context = context;
		}

		@Override
		public void afterSingletonsInstantiated() {
			this.writer.set("/during-startup", "written");
			RedisBackend backend = (RedisBackend) this.context.getBean(StateBackend.class);
			this.feedRanBeforeRefresh = backend.isFeedRunning();
		}

	}

	/** A lifecycle in the connection factory's phase, noting whether the feed still ran then. */
	@Configuration(proxyBeanMethods = false)
	static class FactoryPhaseProbe {

		@Bean
		SmartLifecycle factoryPhaseProbe(RedisConnectionFactory factory, StateBackend backend, AtomicBoolean running) {
			int phase = ((SmartLifecycle) factory).getPhase();
			return new SmartLifecycle() {

				private volatile boolean started;

				@Override
				public void start() {
					this.started = true;
				}

				@Override
				public void stop() {
					this.started = false;
					running.set(((RedisBackend) backend).isFeedRunning());
				}

				@Override
				public boolean isRunning() {
					return this.started;
				}

				@Override
				public int getPhase() {
					return phase;
				}

			};
		}

	}

}
