package io.statetree.autoconfigure;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import io.statetree.core.DerivationCycleException;
import io.statetree.core.backend.StateDirectoryLockedException;
import io.statetree.spring.InvalidStateMethodException;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for StateTree's {@link FailureAnalyzer}s.
 */
class FailureAnalyzersTest {

	@Test
	void areRegistered() {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class,
					SpringFactoriesLoader.ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
						.and(Environment.class, new StandardEnvironment()),
					SpringFactoriesLoader.FailureHandler.logging(LogFactory.getLog(FailureAnalyzersTest.class)));
		assertThat(analyzers).extracting((analyzer) -> (Object) analyzer.getClass())
			.contains(UnknownBackendFailureAnalyzer.class, UnknownPropertiesFailureAnalyzer.class, RedisBackendUnavailableFailureAnalyzer.class, RedisUnreachableFailureAnalyzer.class,
					StateDirectoryFailureAnalyzer.class, InvalidMountFailureAnalyzer.class,
					InvalidStateMethodFailureAnalyzer.class, DerivationCycleFailureAnalyzer.class);
		List<String> names = analyzers.stream().map((analyzer) -> analyzer.getClass().getSimpleName()).toList();
		assertThat(names).contains("BindFailureAnalyzer");
		assertThat(names.indexOf("UnknownBackendFailureAnalyzer")).isLessThan(names.indexOf("BindFailureAnalyzer"));
	}

	@Test
	void explainsAnUnknownBackend() {
		FailureAnalysis analysis = analyzeStartup("statetree.backend=mongo");
		assertThat(analysis.getDescription()).contains("'mongo'").contains("'statetree.backend'");
		assertThat(analysis.getAction()).isEqualTo("Set 'statetree.backend' to one of: memory, filesystem, redis.");
	}

	@Test
	void explainsAMountWithAnUnknownBackend() {
		FailureAnalysis analysis = analyzeStartup("statetree.mounts.files.path=/files",
				"statetree.mounts.files.backend=disk");
		assertThat(analysis.getDescription()).contains("'disk'").contains("'statetree.mounts.files.backend'");
		assertThat(analysis.getAction()).contains("statetree.mounts.files.backend").contains("memory, filesystem, redis");
	}

	@Test
	void leavesOtherBindingFailuresToSpringBoot() {
		Throwable failure = startupFailure("statetree.cache.enabled=perhaps");
		assertThat(Failures.find(failure, BindException.class)).isNotNull();
		assertThat(new UnknownBackendFailureAnalyzer().analyze(failure)).isNull();
	}

	private static Throwable startupFailure(String... properties) {
		Throwable[] failure = new Throwable[1];
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class))
			.withPropertyValues(properties)
			.run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).isNotNull();
		return failure[0];
	}

	private static FailureAnalysis analyzeStartup(String... properties) {
		FailureAnalysis analysis = new UnknownBackendFailureAnalyzer().analyze(startupFailure(properties));
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Test
	void namesTheArtifactToAddForRedis() {
		FailureAnalysis analysis = new RedisBackendUnavailableFailureAnalyzer().analyze(wrapped(
				new RedisBackendUnavailableException("statetree.backend", RedisBackendUnavailableException.Missing.STATE_REDIS)));
		assertThat(analysis.getDescription()).contains("'statetree.backend'").contains("io.statetree:state-redis");
		assertThat(analysis.getAction()).contains("io.statetree:state-redis")
			.contains("org.springframework.boot:spring-boot-starter-data-redis");
		FailureAnalysis noSpringData = new RedisBackendUnavailableFailureAnalyzer()
			.analyze(new RedisBackendUnavailableException("statetree.mounts.a.backend",
					RedisBackendUnavailableException.Missing.SPRING_DATA_REDIS));
		assertThat(noSpringData.getDescription()).contains("Spring Data Redis");
		assertThat(noSpringData.getAction()).contains("spring-boot-starter-data-redis")
			.doesNotContain("state-redis");
		FailureAnalysis noFactory = new RedisBackendUnavailableFailureAnalyzer().analyze(
				new RedisBackendUnavailableException("statetree.backend",
						RedisBackendUnavailableException.Missing.CONNECTION_FACTORY));
		assertThat(noFactory.getAction()).contains("@StateTreeRedisConnectionFactory");
	}

	@Test
	void explainsAnUnusableDirectory() {
		Path directory = Path.of("/var/state");
		FailureAnalysis analysis = new StateDirectoryFailureAnalyzer().analyze(wrapped(new StateDirectoryException(
				"statetree.filesystem.directory", directory, "is not writable", null)));
		assertThat(analysis.getDescription()).contains(directory.toAbsolutePath().toString())
			.contains("'statetree.filesystem.directory'")
			.contains("is not writable");
		assertThat(analysis.getAction()).contains("writable").contains("'statetree.filesystem.directory'");
		FailureAnalysis unset = new StateDirectoryFailureAnalyzer().analyze(
				new StateDirectoryException("statetree.mounts.a.filesystem.directory", null, "is not set", null));
		assertThat(unset.getDescription()).contains("'statetree.mounts.a.filesystem.directory' is not set");
		assertThat(unset.getAction()).startsWith("Set 'statetree.mounts.a.filesystem.directory'");
	}

	@Test
	void explainsADirectoryInUseByAnotherBackend() {
		Path directory = Path.of("/var/state");
		StateDirectoryLockedException locked = new StateDirectoryLockedException(directory,
				"pid 4711 on host web-1, instance 1a2b3c4d, opened 2026-11-30T11:00:00Z");
		FailureAnalysis analysis = new StateDirectoryFailureAnalyzer().analyze(wrapped(new StateDirectoryException(
				"statetree.filesystem.directory", directory, "is already in use by another StateTree backend", locked)));
		assertThat(analysis.getDescription()).contains(directory.toAbsolutePath().toString())
			.contains("'statetree.filesystem.directory'")
			.contains("already in use")
			.contains("pid 4711 on host web-1");
		assertThat(analysis.getAction()).contains("Stop the other application")
			.contains("'statetree.filesystem.directory'")
			.contains("Redis");
	}

	@Test
	void explainsAnInvalidMount() {
		FailureAnalysis analysis = new InvalidMountFailureAnalyzer().analyze(wrapped(new InvalidMountException(
				"statetree.mounts.b.path", "(/data) overlaps statetree.mounts.a.path (/data/x)", null)));
		assertThat(analysis.getDescription())
			.isEqualTo("Invalid StateTree mount: property 'statetree.mounts.b.path' (/data) overlaps "
					+ "statetree.mounts.a.path (/data/x).");
		assertThat(analysis.getAction()).contains("distinct").contains("inside another");
	}

	@Test
	void explainsAnInvalidMethodNamingBeanAndMethod() throws Exception {
		Method method = Listener.class.getDeclaredMethod("changed", String.class, String.class);
		FailureAnalysis analysis = new InvalidStateMethodFailureAnalyzer().analyze(wrapped(
				new InvalidStateMethodException("listener", method, "only one parameter can receive the new value")));
		assertThat(analysis.getDescription()).contains(Listener.class.getName() + ".changed(String, String)")
			.contains("bean 'listener'")
			.contains("only one parameter can receive the new value");
		assertThat(analysis.getAction()).contains("@PathVar").contains("StateView");
	}

	@Test
	void explainsAGroupMemberTheBackendCannotServe() throws Exception {
		Method method = Listener.class.getDeclaredMethod("changed", String.class, String.class);
		FailureAnalysis analysis = new InvalidStateMethodFailureAnalyzer().analyze(wrapped(new InvalidStateMethodException(
				"listener", method, "the controller refused its membership of group 'mail'",
				new UnsupportedOperationException("shared backend without group progress"))));
		assertThat(analysis.getDescription()).contains("bean 'listener'").contains("group 'mail'");
		assertThat(analysis.getAction()).contains("keeps group progress").contains("drop 'group'");
		FailureAnalysis pattern = new InvalidStateMethodFailureAnalyzer().analyze(wrapped(
				new InvalidStateMethodException("listener", method, "a member of group 'mail' listens to exactly one pattern")));
		assertThat(pattern.getAction()).contains("exactly one pattern, the same on every member");
	}

	@Test
	void leavesCyclesToTheCycleAnalyzer() throws Exception {
		Method method = Listener.class.getDeclaredMethod("changed", String.class, String.class);
		DerivationCycleException cycle = new DerivationCycleException(List.of("/a", "/b", "/a"));
		Throwable failure = wrapped(new InvalidStateMethodException("stats", method, "it would form a cycle", cycle));
		assertThat(new InvalidStateMethodFailureAnalyzer().analyze(failure)).isNull();
		FailureAnalysis analysis = new DerivationCycleFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("/a -> /b -> /a")
			.contains("bean 'stats'")
			.contains(Listener.class.getName() + ".changed(String, String)");
		assertThat(analysis.getAction()).contains("feeds");
	}

	@Test
	void explainsACycleWithoutMethod() {
		FailureAnalysis analysis = new DerivationCycleFailureAnalyzer()
			.analyze(new DerivationCycleException(List.of("/x", "/x")));
		assertThat(analysis.getDescription()).isEqualTo("StateTree derivations form a cycle: /x -> /x.");
	}

	private static Throwable wrapped(Throwable cause) {
		return new BeanCreationException("someBean", "Failed", cause);
	}

	static class Listener {

		void changed(String a, String b) {
		}

	}

}
