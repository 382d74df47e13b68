package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.spring.StateControllerCustomizer;
import io.statetree.spring.StateTreeAnnotationBeanPostProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link StateTreeAutoConfiguration} on the memory backend, and everything that does not
 * depend on the backend type.
 */
class StateTreeAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	record User(String firstName, int age) {
	}

	@Test
	void defaultsToAControllerOverMemory() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(StateController.class)
				.hasSingleBean(StateBackend.class)
				.hasSingleBean(StateTreeAnnotationBeanPostProcessor.class);
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.backend()).isSameAs(context.getBean(StateBackend.class))
				.isInstanceOf(InMemoryBackend.class);
			assertThat(controller.set("/a/b", 1)).isTrue();
			assertThat(controller.get("/a")).isEqualTo(Map.of("b", 1));
		});
	}

	@Test
	void backendNamesAreRelaxed() {
		this.runner.withPropertyValues("statetree.backend=Memory").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(StateBackend.class)).isInstanceOf(InMemoryBackend.class);
		});
	}

	@Test
	void usesTheApplicationsJsonMapper() {
		this.runner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/users/1", new User("Ada", 36));
			assertThat(controller.get("/users/1")).isEqualTo(Map.of("first_name", "Ada", "age", 36));
			assertThat(controller.get("/users/1", User.class)).isEqualTo(new User("Ada", 36));
		});
	}

	@Test
	void worksWithoutAJsonMapperBean() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class))
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				controller.set("/users/1", new User("Ada", 36));
				assertThat(controller.get("/users/1")).isEqualTo(Map.of("firstName", "Ada", "age", 36));
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesAController() {
		StateController own = StateController.create();
		this.runner.withBean("myController", StateController.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(StateController.class);
			assertThat(context.getBean(StateController.class)).isSameAs(own);
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesABackend() {
		InMemoryBackend own = new InMemoryBackend();
		own.commit(new io.statetree.core.backend.CommitRequest(
				List.of(new io.statetree.core.backend.Write(io.statetree.core.StatePath.of("/x"), 1, null)), List.of(),
				"test"));
		this.runner.withBean("myBackend", StateBackend.class, () -> own)
			.withPropertyValues("statetree.mounts.a.path=/a", "statetree.mounts.a.backend=filesystem")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(StateBackend.class);
				assertThat(context.getBean(StateController.class).backend()).isSameAs(own);
				assertThat(context.getBean(StateController.class).get("/x")).isEqualTo(1);
				assertThat(context).doesNotHaveBean(BackendFactory.class);
			});
	}

	@Test
	void appliesPropertiesThenCustomizersInOrder() {
		this.runner.withPropertyValues("statetree.instance-id=from-properties")
			.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(StateController.class).instanceId()).isEqualTo("second");
				assertThat(context.getBean(CustomizerConfiguration.class).calls).containsExactly("first", "second");
			});
	}

	@Test
	void setsTheInstanceIdFromProperties() {
		this.runner.withPropertyValues("statetree.instance-id=node-7")
			.run((context) -> assertThat(context.getBean(StateController.class).instanceId()).isEqualTo("node-7"));
	}

	@Test
	void rethrowsListenerFailuresWhenConfigured() {
		this.runner.withPropertyValues("statetree.listeners.on-error=rethrow").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.subscribe("/a", (event) -> {
				throw new IllegalStateException("boom");
			});
			assertThatIllegalStateException().isThrownBy(() -> controller.set("/a", 1)).withMessage("boom");
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void logsListenerFailuresByDefault(CapturedOutput output) {
		this.runner.run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.registerCallback((event) -> {
				throw new IllegalStateException("listener gave up");
			}, "failing-listener", false);
			controller.subscribeById("/a", "failing-listener");
			assertThat(controller.set("/a/b", "zqSECRET-first")).isTrue();
			assertThat(controller.set("/a/b", "zqSECRET-second")).isTrue();
			assertThat(controller.get("/a/b")).isEqualTo("zqSECRET-second");
		});
		String log = output.getAll();
		assertThat(log).contains("StateTree listener 'failing-listener' failed on /a (emitting path /a/b")
			.contains("java.lang.IllegalStateException: listener gave up")
			.contains("at " + StateTreeAutoConfigurationTest.class.getName())
			.doesNotContain("zqSECRET");
		assertThat(log.split("java.lang.IllegalStateException: listener gave up", -1))
			.as("only the first failure carries a stack trace")
			.hasSize(2);
	}

	@Test
	void dispatchesAsynchronouslyWhenConfigured() {
		this.runner.withPropertyValues("statetree.listeners.dispatch=async").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			List<Thread> threads = new CopyOnWriteArrayList<>();
			java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
			controller.subscribe("/a", (event) -> {
				threads.add(Thread.currentThread());
				heard.countDown();
			});
			controller.set("/a", 1);
			assertThat(heard.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			assertThat(threads).doesNotContain(Thread.currentThread());
		});
	}

	@Test
	void boundsListenerQueuesAsConfigured() {
		java.util.concurrent.atomic.AtomicLong overflows = new java.util.concurrent.atomic.AtomicLong();
		ControllerObserver overflowCounter = new ControllerObserver() {
			@Override
			public void onListenerOverflow(String listenerId, int dropped) {
				overflows.incrementAndGet();
			}
		};
		this.runner
			.withPropertyValues("statetree.listeners.dispatch=async", "statetree.listeners.queue-capacity=2",
					"statetree.listeners.offer-timeout=50ms")
			.withBean("overflowCounter", ControllerObserver.class, () -> overflowCounter)
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
				List<Boolean> resyncs = new CopyOnWriteArrayList<>();
				controller.subscribe("/n", (event) -> {
					try {
						release.await(30, java.util.concurrent.TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					resyncs.add(event.isResync());
				});
				try {
					for (int i = 0; i < 10; i++) {
						controller.set("/n", i);
					}
					assertThat(overflows).hasPositiveValue();
				}
				finally {
					release.countDown();
				}
				org.awaitility.Awaitility.await().until(() -> resyncs.contains(true));
				assertThat(resyncs).hasSizeLessThanOrEqualTo(4);
			});
	}

	@Test
	void refusesAListenerQueueWithoutRoom() {
		this.runner.withPropertyValues("statetree.listeners.queue-capacity=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.listeners.queue-capacity");
		});
	}

	@Test
	void passesTheObserversInOrder() {
		this.runner.withUserConfiguration(ObserverConfiguration.class).run((context) -> {
			context.getBean(StateController.class).set("/a", 1);
			assertThat(context.getBean(ObserverConfiguration.class).commits).containsExactly("first:/a", "second:/a");
		});
	}

	@Test
	void closesTheControllerWithTheContext() {
		this.runner.run((context) -> {
			StateController controller = context.getBean(StateController.class);
			context.close();
			assertThatIllegalStateException().isThrownBy(() -> controller.set("/a", 1)).withMessageContaining("closed");
		});
	}

	@Test
	void loadsTheInitialStateIntoAnEmptyTree() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/initial.json").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.get("/config/name")).isEqualTo("demo");
			assertThat(controller.get("/config/limits")).isEqualTo(List.of(1, 2));
			assertThat(controller.get("/config/price")).isEqualTo(new java.math.BigDecimal("1.000000000000000001"));
			assertThat(controller.get("/config/rate")).isEqualTo(0.25);
			assertThat(controller.get("/users")).isEqualTo(Map.of());
		});
	}

	@Test
	void leavesANonEmptyTreeAlone() {
		InMemoryBackend backend = new InMemoryBackend();
		StateController.create(backend).set("/existing", true);
		this.runner.withBean(StateBackend.class, () -> backend)
			.withPropertyValues("statetree.initial-state=classpath:statetree/initial.json")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				assertThat(controller.get("/")).isEqualTo(Map.of("existing", true));
			});
	}

	@Test
	void failsOnAnInitialStateThatIsNotAnObject() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/array.json").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.initial-state")
				.hasMessageContaining("JSON object");
		});
	}

	@Test
	void failsOnAnUnreadableInitialState() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/broken.json").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.initial-state");
		});
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/missing.json").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("missing.json");
		});
	}

	@Test
	void failsOnAnUnknownBackend() {
		this.runner.withPropertyValues("statetree.backend=mongo").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("statetree.backend")
				.hasStackTraceContaining("mongo");
		});
	}

	@Test
	void failsOnAMountWithAnUnknownBackend() {
		this.runner.withPropertyValues("statetree.mounts.a.path=/a", "statetree.mounts.a.backend=mongo")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("statetree.mounts.a.backend");
			});
	}

	@Test
	void failsOnAMountWithoutPath() {
		this.runner.withPropertyValues("statetree.mounts.a.backend=memory")
			.run((context) -> assertMountFailure(context.getStartupFailure(), "statetree.mounts.a.path", "not set"));
	}

	@Test
	void failsOnAMountWithoutBackend() {
		this.runner.withPropertyValues("statetree.mounts.a.path=/a")
			.run((context) -> assertMountFailure(context.getStartupFailure(), "statetree.mounts.a.backend", "not set"));
	}

	@Test
	void failsOnAMountAtTheRoot() {
		this.runner.withPropertyValues("statetree.mounts.a.path=/", "statetree.mounts.a.backend=memory")
			.run((context) -> assertMountFailure(context.getStartupFailure(), "statetree.mounts.a.path", "root"));
	}

	@Test
	void failsOnAnInvalidMountPath() {
		this.runner.withPropertyValues("statetree.mounts.a.path=/a/../b", "statetree.mounts.a.backend=memory")
			.run((context) -> assertMountFailure(context.getStartupFailure(), "statetree.mounts.a.path", "not a valid"));
	}

	@Test
	void failsOnDuplicateMounts() {
		this.runner
			.withPropertyValues("statetree.mounts.a.path=/data", "statetree.mounts.a.backend=memory",
					"statetree.mounts.b.path=data/", "statetree.mounts.b.backend=memory")
			.run((context) -> assertMountFailure(context.getStartupFailure(), "statetree.mounts.b.path",
					"repeats statetree.mounts.a.path"));
	}

	@Test
	void failsOnOverlappingMounts() {
		this.runner
			.withPropertyValues("statetree.mounts.a.path=/data/x", "statetree.mounts.a.backend=memory",
					"statetree.mounts.b.path=/data", "statetree.mounts.b.backend=memory")
			.run((context) -> assertMountFailure(context.getStartupFailure(), "statetree.mounts.b.path",
					"overlaps statetree.mounts.a.path"));
	}

	private static void assertMountFailure(Throwable failure, String property, String reason) {
		assertThat(failure).isNotNull();
		assertThat(Failures.find(failure, InvalidMountException.class))
			.hasMessageContaining(property)
			.hasMessageContaining(reason);
	}

	@Test
	void failsOnAFilesystemBackendWithoutDirectory() {
		this.runner.withPropertyValues("statetree.backend=filesystem").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.find(context.getStartupFailure(), StateDirectoryException.class))
				.hasMessageContaining("statetree.filesystem.directory")
				.hasMessageContaining("not set");
		});
	}

	@Test
	void failsOnADirectoryThatCannotBeCreated(@TempDir Path temp) throws IOException {
		Path file = Files.writeString(temp.resolve("file"), "not a directory");
		this.runner
			.withPropertyValues("statetree.mounts.files.path=/files", "statetree.mounts.files.backend=filesystem",
					"statetree.mounts.files.filesystem.directory=" + file.resolve("state"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(Failures.find(context.getStartupFailure(), StateDirectoryException.class))
					.hasMessageContaining("statetree.mounts.files.filesystem.directory")
					.hasMessageContaining("cannot be created");
			});
	}

	@Test
	void failsOnADirectoryInUseByAnotherBackend(@TempDir Path temp) {
		Path directory = temp.resolve("state");
		try (FileSystemBackend holder = FileSystemBackend.builder(directory).fsync(false).build()) {
			this.runner.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory)
				.run((context) -> {
					assertThat(context).hasFailed();
					StateDirectoryException failure = Failures.find(context.getStartupFailure(),
							StateDirectoryException.class);
					assertThat(failure).hasMessageContaining("statetree.filesystem.directory")
						.hasMessageContaining("already in use by another StateTree backend")
						.hasMessageContaining("pid " + ProcessHandle.current().pid());
					assertThat(new StateDirectoryFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
						.contains("Stop the other application");
				});
		}
		// two mounts of one application on one directory are refused the same way
		this.runner
			.withPropertyValues("statetree.mounts.a.path=/a", "statetree.mounts.a.backend=filesystem",
					"statetree.mounts.a.filesystem.directory=" + directory, "statetree.mounts.b.path=/b",
					"statetree.mounts.b.backend=filesystem", "statetree.mounts.b.filesystem.directory=" + directory)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(Failures.find(context.getStartupFailure(), StateDirectoryException.class))
					.hasMessageContaining("already in use");
			});
		this.runner.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void anInitialStateOverANonEmptyTreeDoesNotReadTheTree(@TempDir Path temp) throws IOException {
		// the issue: with one unparsable file the application would not start with initial-state
		Path directory = temp.resolve("state");
		try (StateController seed = StateController.create(FileSystemBackend.builder(directory).fsync(false).build())) {
			seed.set("/users", Map.of("alice", Map.of("apiToken", "x")));
			seed.set("/settings/theme", "dark");
		}
		Files.writeString(directory.resolve("users.json"), "{\"alice\": {\"apiToken\": stLEAK123}}");
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory,
					"statetree.initial-state=classpath:statetree/initial.json")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StateController controller = context.getBean(StateController.class);
				assertThat(controller.get("/settings/theme")).isEqualTo("dark");
				assertThat(controller.get("/config")).as("a non-empty tree is left alone").isNull();
				assertThatExceptionOfType(StateStorageException.class).isThrownBy(() -> controller.get("/users"))
					.withMessageContaining("users.json")
					.withMessageNotContaining("stLEAK123");
			});
	}

	@Test
	void isOrderedAfterJacksonAndRedis() throws IOException {
		Properties metadata = new Properties();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-autoconfigure-metadata.properties")) {
			metadata.load(in);
		}
		String after = metadata.getProperty(StateTreeAutoConfiguration.class.getName() + ".AutoConfigureAfter");
		assertThat(after.split(",")).containsExactlyInAnyOrder(JacksonAutoConfiguration.class.getName(),
				"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration");
		for (String name : after.split(",")) {
			assertThat(ClassUtils.isPresent(name, getClass().getClassLoader())).as(name).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		StateControllerCustomizer second() {
			return (builder) -> {
				this.calls.add("second");
				builder.instanceId("second");
			};
		}

		@Bean
		@Order(1)
		StateControllerCustomizer first() {
			return (builder) -> {
				this.calls.add("first");
				builder.instanceId("first");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObserverConfiguration {

		final List<String> commits = new CopyOnWriteArrayList<>();

		@Bean
		@Order(2)
		ControllerObserver secondObserver() {
			return observer("second");
		}

		@Bean
		@Order(1)
		ControllerObserver firstObserver() {
			return observer("first");
		}

		private ControllerObserver observer(String name) {
			return new ControllerObserver() {

				@Override
				public void onCommit(long revision, String origin, List<Change> changes) {
					changes.forEach((change) -> ObserverConfiguration.this.commits.add(name + ":" + change.path()));
				}

			};
		}

	}

}
