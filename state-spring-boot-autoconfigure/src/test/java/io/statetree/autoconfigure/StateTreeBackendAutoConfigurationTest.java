package io.statetree.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the backends {@link StateTreeAutoConfiguration} assembles from the properties:
 * filesystem, mounts, the near cache, and Redis when its libraries are missing. (Redis against a
 * server: {@link StateTreeRedisAutoConfigurationTest}.)
 */
class StateTreeBackendAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	@TempDir
	Path temp;

	@Test
	void storesTheTreeInADirectory() {
		Path directory = this.temp.resolve("state");
		this.runner.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory)
			.run((context) -> {
				StateBackend backend = context.getBean(StateBackend.class);
				assertThat(backend).isInstanceOf(FileSystemBackend.class);
				assertThat(backend.describe()).containsEntry("format", "json").containsEntry("fsync", true);
				context.getBean(StateController.class).set("/users/ada", Map.of("name", "Ada"));
			});
		assertThat(directory.resolve("users/ada.json")).exists();
		this.runner.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory)
			.run((context) -> assertThat(context.getBean(StateController.class).get("/users/ada/name"))
				.isEqualTo("Ada"));
	}

	@Test
	void honoursTheFormatAndFsyncSettings() {
		Path directory = this.temp.resolve("yaml");
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory,
					"statetree.filesystem.format=yaml", "statetree.filesystem.fsync=false")
			.run((context) -> {
				assertThat(context.getBean(StateBackend.class).describe()).containsEntry("format", "yaml")
					.containsEntry("fsync", false);
				context.getBean(StateController.class).set("/a", 1);
			});
		assertThat(directory.resolve("a.yaml")).exists();
	}

	@Test
	void failsOnYamlWithoutJacksonYaml() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson.dataformat.yaml"))
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.temp,
					"statetree.filesystem.format=yaml")
			.run((context) -> assertThat(
					Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.filesystem.format"));
	}

	@Test
	void mountsBackendsUnderARoot() {
		Path directory = this.temp.resolve("persistent");
		this.runner
			.withPropertyValues("statetree.mounts.persistent.path=/persistent",
					"statetree.mounts.persistent.backend=filesystem",
					"statetree.mounts.persistent.filesystem.directory=" + directory,
					"statetree.mounts.scratch.path=/scratch", "statetree.mounts.scratch.backend=memory")
			.run((context) -> {
				HybridBackend hybrid = (HybridBackend) context.getBean(StateBackend.class);
				assertThat(hybrid.root()).isInstanceOf(InMemoryBackend.class);
				assertThat(hybrid.mounts()).containsOnlyKeys(StatePath.of("/persistent"), StatePath.of("/scratch"));
				assertThat(hybrid.mounts().get(StatePath.of("/persistent"))).isInstanceOf(FileSystemBackend.class);
				assertThat(hybrid.mounts().get(StatePath.of("/scratch"))).isInstanceOf(InMemoryBackend.class);
				StateController controller = context.getBean(StateController.class);
				controller.set("/persistent/a", 1);
				controller.set("/temporary", 2);
				assertThat(controller.get("/")).isEqualTo(Map.of("persistent", Map.of("a", 1), "temporary", 2));
			});
		assertThat(directory.resolve("a.json")).exists();
	}

	@Test
	void mountsOnAFilesystemRoot() {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.temp.resolve("root"),
					"statetree.mounts.users.path=/users", "statetree.mounts.users.backend=filesystem",
					"statetree.mounts.users.filesystem.directory=" + this.temp.resolve("users"))
			.run((context) -> {
				HybridBackend hybrid = (HybridBackend) context.getBean(StateBackend.class);
				assertThat(hybrid.root()).isInstanceOf(FileSystemBackend.class);
				assertThat(hybrid.mounts().get(StatePath.of("/users"))).isInstanceOf(FileSystemBackend.class);
			});
	}

	@Test
	void putsTheCacheInFrontOfNonMemoryBackends() {
		this.runner
			.withPropertyValues("statetree.cache.enabled=true", "statetree.cache.flush-interval=250ms",
					"statetree.cache.flush-on-read=true", "statetree.mounts.files.path=/files",
					"statetree.mounts.files.backend=filesystem",
					"statetree.mounts.files.filesystem.directory=" + this.temp)
			.run((context) -> {
				HybridBackend hybrid = (HybridBackend) context.getBean(StateBackend.class);
				assertThat(hybrid.root()).isInstanceOf(InMemoryBackend.class);
				CachingBackend cached = (CachingBackend) hybrid.mounts().get(StatePath.of("/files"));
				assertThat(cached.delegate()).isInstanceOf(FileSystemBackend.class);
				assertThat(cached.policy().flushInterval()).isEqualTo(Duration.ofMillis(250));
				assertThat(cached.policy().flushOnRead()).isTrue();
				assertThat(cached.policy().flushOnWrite()).isTrue();
				assertThat(cached.policy().flushOnDelete()).isTrue();
			});
	}

	@Test
	void leavesBackendsUncachedByDefault() {
		this.runner.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.temp)
			.run((context) -> assertThat(context.getBean(StateBackend.class)).isInstanceOf(FileSystemBackend.class));
	}

	@Test
	void flushesAWriteBehindCacheWhenTheContextCloses() {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.temp,
					"statetree.cache.enabled=true", "statetree.cache.flush-on-write=false")
			.run((context) -> {
				assertThat(context.getBean(StateBackend.class)).isInstanceOf(CachingBackend.class);
				context.getBean(StateController.class).set("/pending", "value");
				assertThat(this.temp.resolve("pending.json")).doesNotExist();
				context.close();
				assertThat(this.temp.resolve("pending.json")).exists();
			});
	}

	@Test
	void failsOnAnInvalidFlushInterval() {
		this.runner.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.temp,
				"statetree.cache.enabled=true", "statetree.cache.flush-interval=0s")
			.run((context) -> assertThat(
					Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class))
				.hasMessageContaining("statetree.cache.flush-interval"));
	}

	@Test
	void failsOnAMountDirectoryThatIsAFile() throws Exception {
		Path file = Files.writeString(this.temp.resolve("file"), "x");
		this.runner
			.withPropertyValues("statetree.mounts.bad.path=/bad", "statetree.mounts.bad.backend=filesystem",
					"statetree.mounts.bad.filesystem.directory=" + file)
			.run((context) -> {
				StateDirectoryException failure = Failures.find(context.getStartupFailure(), StateDirectoryException.class);
				assertThat(failure.getProperty()).isEqualTo("statetree.mounts.bad.filesystem.directory");
				assertThat(failure.getDirectory()).isEqualTo(file);
				assertThat(failure.getReason()).contains("cannot be created");
			});
	}

	@Test
	void failsOnAMountDirectoryInsideTheRootDirectory() {
		// both opened: the root read the mount's files as its branch /sub and deleted them (lock
		// file included) when /sub was replaced
		Path root = this.temp.resolve("state");
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + root,
					"statetree.mounts.sessions.path=/sessions", "statetree.mounts.sessions.backend=filesystem",
					"statetree.mounts.sessions.filesystem.directory=" + root.resolve("sub"))
			.run((context) -> {
				StateDirectoryException failure = Failures.find(context.getStartupFailure(), StateDirectoryException.class);
				assertThat(failure.getReason()).contains("overlaps another state directory");
				FailureAnalysis analysis = new StateDirectoryFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("overlaps another state directory")
					.doesNotContain("already in use");
				assertThat(analysis.getAction()).contains("side by side");
			});
	}

	@Test
	void failsOnRedisWithoutStateRedis() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisBackend.class))
			.withPropertyValues("statetree.backend=redis")
			.run((context) -> {
				RedisBackendUnavailableException failure = Failures.find(context.getStartupFailure(),
						RedisBackendUnavailableException.class);
				assertThat(failure.getProperty()).isEqualTo("statetree.backend");
				assertThat(failure.getMissing()).isEqualTo(RedisBackendUnavailableException.Missing.STATE_REDIS);
			});
	}

	@Test
	void failsOnARedisMountWithoutSpringDataRedis() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.withPropertyValues("statetree.mounts.shared.path=/shared", "statetree.mounts.shared.backend=redis")
			.run((context) -> {
				RedisBackendUnavailableException failure = Failures.find(context.getStartupFailure(),
						RedisBackendUnavailableException.class);
				assertThat(failure.getProperty()).isEqualTo("statetree.mounts.shared.backend");
				assertThat(failure.getMissing())
					.isEqualTo(RedisBackendUnavailableException.Missing.SPRING_DATA_REDIS);
			});
	}

	@Test
	void failsOnRedisWithoutAConnectionFactory() {
		this.runner.withPropertyValues("statetree.backend=redis").run((context) -> {
			RedisBackendUnavailableException failure = Failures.find(context.getStartupFailure(),
					RedisBackendUnavailableException.class);
			assertThat(failure.getMissing()).isEqualTo(RedisBackendUnavailableException.Missing.CONNECTION_FACTORY);
		});
	}

	@Test
	void doesNotNeedRedisWhenNoBackendUsesIt() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisBackend.class, RedisConnectionFactory.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(StateBackend.class)).isInstanceOf(InMemoryBackend.class);
			});
	}

}
