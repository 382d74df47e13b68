package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the start-up cost (README, "Start-up cost") relies on: an application on the memory backend
 * gets no StateTree thread, no Redis wiring and no {@code JsonMapper} bean at start-up, even with
 * state-redis and Spring Data Redis on the class path (as here); threads come with the first use
 * that needs one, such as the expiry timer with the first write that has a time to live. And it
 * does not load the classes of what it does not use ({@link #NOT_LOADED}), checked in a JVM of its
 * own with the JVM's class loading log.
 */
class MemoryStartupLazinessTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, StateTreeAutoConfiguration.class));

	/**
	 * Classes a memory-only application without mounts, typos in {@code statetree.*}, group
	 * listeners or asynchronous calls does not load while it starts: each was loaded before (by
	 * the JVM's verifier, for an exception a method throws or catches, or by a class condition)
	 * and is now loaded only when its feature is used. A failure names the class loaded again.
	 */
	static final List<String> NOT_LOADED = List.of(
			// mounts: their checks and failures (StateBackends)
			"io.statetree.autoconfigure.MountPaths", "io.statetree.autoconfigure.MountNames",
			"io.statetree.autoconfigure.InvalidMountException",
			// a backend type without a factory: Redis without its libraries (StateBackends)
			"io.statetree.autoconfigure.MissingBackendFactory",
			"io.statetree.autoconfigure.RedisBackendUnavailableException",
			// unknown statetree.* keys: the report, its exception and the tables of known keys
			"io.statetree.autoconfigure.UnknownPropertiesReport", "io.statetree.autoconfigure.UnknownPropertiesException",
			"io.statetree.autoconfigure.KnownProperties", "io.statetree.autoconfigure.DeclaredProperties",
			// the engine's strict write mapper and Jackson's types it needs (ValueConverter)
			"io.statetree.core.internal.ValueConverter$StrictMapper", "io.statetree.core.internal.ValueConverter$Refuse",
			"tools.jackson.core.JacksonException", "tools.jackson.databind.module.SimpleModule",
			"tools.jackson.databind.ValueSerializer", "tools.jackson.databind.json.JsonMapper$Builder",
			// durable group listeners and the asynchronous API, made on first use (ControllerParts)
			"io.statetree.core.internal.GroupListeners", "io.statetree.core.internal.AsyncCalls",
			// what other configurations would build
			"io.statetree.actuate.StateTreeEndpoint", "io.statetree.redis.RedisBackend",
			"io.statetree.core.backend.FileSystemBackend",
			"org.springframework.data.redis.connection.RedisConnectionFactory");

	/** The live threads whose names StateTree gives its own ({@code statetree-...}). */
	private static Set<String> stateTreeThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("statetree-"))
			.collect(Collectors.toSet());
	}

	@Test
	void aMemoryApplicationStartsNoThreadAndNoRedisUntilATimeToLiveNeedsTheTimer() {
		Set<String> before = stateTreeThreads();
		this.runner.withPropertyValues("statetree.instance-id=lazy-start").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(StateController.class)
				.doesNotHaveBean(RedisConnectionFactory.class)
				.doesNotHaveBean(RedisFeedLifecycle.class)
				.doesNotHaveBean(tools.jackson.databind.json.JsonMapper.class);
			assertThat(stateTreeThreads()).as("StateTree threads after start-up").isSubsetOf(before);
			StateController controller = context.getBean(StateController.class);
			List<Object> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
			controller.subscribe("/a", (event) -> heard.add(event.newValue(Integer.class)));
			controller.set("/a", 1);
			assertThat(controller.get("/a", Integer.class)).isEqualTo(1);
			assertThat(heard).containsExactly(1);
			assertThat(stateTreeThreads()).as("StateTree threads after a plain write").isSubsetOf(before);
			controller.set("/session", "s", WriteOptions.ttl(Duration.ofHours(1)));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(stateTreeThreads()).contains("statetree-expiry-lazy-start"));
		});
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(stateTreeThreads()).doesNotContain("statetree-expiry-lazy-start"));
	}

	@Test
	void aMemoryApplicationLoadsNoClassOfWhatItDoesNotUse(@TempDir Path directory) throws Exception {
		Path log = directory.resolve("classes.log");
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		// Boot's background pre-initialisation (Jackson, HTTP message converters: this class path has
		// them) loads Jackson on a thread of its own in any application; it is switched off here so
		// that the log shows what StateTree loads
		Process process = new ProcessBuilder(java.toString(), "-Xshare:auto", "-Xlog:class+load:file=" + log,
				"-Dspring.backgroundpreinitializer.ignore=true",
				"-cp", System.getProperty("java.class.path"), MemoryOnlyApplication.class.getName(),
				"--spring.main.banner-mode=off", "--logging.level.root=warn", "--statetree.instance-id=lazy-classes",
				"--statetree.listeners.queue-capacity=64")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("out.txt").toFile())
			.start();
		// a bound, not a pause: a start takes 2-3 s on a quiet machine and over a minute under heavy load
		boolean exited = process.waitFor(5, TimeUnit.MINUTES);
		if (!exited) {
			process.destroyForcibly();
		}
		String out = Files.readString(directory.resolve("out.txt"));
		assertThat(exited).as("the application exited; its output: %s", out).isTrue();
		assertThat(process.exitValue()).as("exit value; output: %s", out).isZero();
		assertThat(out).contains("stateController=true");
		Set<String> loaded = new TreeSet<>();
		for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
			// [0.123s][info][class,load] name source: ...
			String[] words = line.substring(line.indexOf("] ", line.indexOf("[class,load]")) + 2).split(" ");
			loaded.add(words[0]);
		}
		assertThat(loaded).as("classes the memory-only application loaded")
			.contains("io.statetree.core.internal.DefaultStateController", "io.statetree.core.backend.InMemoryBackend",
					"io.statetree.autoconfigure.UnknownPropertiesCheck")
			.doesNotContainAnyElementsOf(NOT_LOADED);
	}

	/**
	 * Boot's class conditions check their names in alphabetical order, so one that names a class of
	 * StateTree's own jar first loads it in every application where the condition is evaluated:
	 * only the types a controller loads anyway may be named.
	 */
	@Test
	void classConditionsNameNoStateTreeClassAControllerDoesNotLoadAnyway() throws IOException {
		Properties metadata = new Properties();
		int ours = 0;
		for (URL url : Collections.list(getClass().getClassLoader()
			.getResources("META-INF/spring-autoconfigure-metadata.properties"))) {
			try (InputStream in = url.openStream()) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				if (text.contains("io.statetree.autoconfigure.")) {
					metadata.load(new StringReader(text));
					ours++;
				}
			}
		}
		assertThat(ours).as("StateTree's auto-configuration metadata files").isOne();
		Set<String> named = new TreeSet<>();
		metadata.forEach((key, value) -> {
			if (key.toString().startsWith("io.statetree.") && key.toString().endsWith(".ConditionalOnClass")) {
				for (String name : value.toString().split(",")) {
					if (name.startsWith("io.statetree.")) {
						named.add(name);
					}
				}
			}
		});
		// RedisBackend: only in the class condition of the Redis backend's beans, evaluated when a
		// backend is redis (RedisBackendConfiguration)
		assertThat(named).isNotEmpty()
			.isSubsetOf("io.statetree.core.StateController", "io.statetree.core.ControllerObserver",
					"io.statetree.redis.RedisBackend");
	}

}
