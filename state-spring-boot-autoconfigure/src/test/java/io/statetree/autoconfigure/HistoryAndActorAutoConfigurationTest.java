package io.statetree.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.spring.StateControllerCustomizer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code statetree.history.size} and the default actor from Spring Security (DESIGN §11) in the
 * auto-configured controller.
 */
class HistoryAndActorAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	@AfterEach
	void clearSecurityContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void theHistoryKeepsAThousandCommitsByDefault() {
		this.runner.run((context) -> {
			StateController controller = context.getBean(StateController.class);
			for (int i = 1; i <= 1_005; i++) {
				controller.set("/counter", i);
			}
			List<Commit> kept = controller.history(0, 10_000);
			assertThat(kept).hasSize(1_000);
			assertThat(kept.get(0).revision()).isEqualTo(controller.revision() - 999);
		});
	}

	@Test
	void theHistoryKeepsTheConfiguredNumberOfCommits() {
		this.runner.withPropertyValues("statetree.history.size=3").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			for (int i = 1; i <= 5; i++) {
				controller.set("/counter", i);
			}
			assertThat(controller.history(0, 100)).extracting(Commit::revision)
				.containsExactly(controller.revision() - 2, controller.revision() - 1, controller.revision());
		});
		this.runner.withPropertyValues("statetree.history.size=0").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/counter", 1);
			assertThat(controller.history(0, 100)).isEmpty();
		});
	}

	@Test
	void aHistorySizeOutOfRangeFailsNamingTheProperty() {
		for (String size : List.of("-1", "1000001")) {
			this.runner.withPropertyValues("statetree.history.size=" + size).run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException failure = Failures.find(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(failure.getName()).isEqualTo("statetree.history.size");
				assertThat(failure.getMessage()).contains("between 0 (keep none) and 1,000,000");
			});
		}
		this.runner.withPropertyValues("statetree.history.size=1000000").run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aFilesystemBackendGetsAnInvalidHistorySizeRefusedToo() {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=target/never-created",
					"statetree.history.size=-5")
			.run((context) -> assertThat(Failures
				.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
				.getName()).isEqualTo("statetree.history.size"));
	}

	@Test
	void onFilesTheHistoryHasTheConfiguredSizeAndSurvivesARestart(@TempDir Path directory) {
		ApplicationContextRunner files = this.runner.withPropertyValues("statetree.backend=filesystem",
				"statetree.filesystem.directory=" + directory, "statetree.filesystem.fsync=false",
				"statetree.history.size=3");
		long[] last = new long[1];
		files.run((context) -> {
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.backend().history()).isNotNull();
			for (int i = 1; i <= 5; i++) {
				controller.set("/counter", i, WriteOptions.actor("writer-" + i));
			}
			last[0] = controller.revision();
		});
		assertThat(directory.resolve(".statetree/history")).isDirectory();
		files.run((context) -> {
			List<Commit> kept = context.getBean(StateController.class).history(0, 100);
			assertThat(kept).extracting(Commit::revision).containsExactly(last[0] - 2, last[0] - 1, last[0]);
			assertThat(kept).extracting(Commit::actor).containsExactly("writer-3", "writer-4", "writer-5");
		});
	}

	@Test
	void behindAWriteThroughNearCacheTheFilesHistorySurvivesARestart(@TempDir Path directory) {
		ApplicationContextRunner cached = this.runner.withPropertyValues("statetree.backend=filesystem",
				"statetree.filesystem.directory=" + directory, "statetree.filesystem.fsync=false",
				"statetree.cache.enabled=true", "statetree.history.size=2");
		cached.run((context) -> {
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.backend().history()).isNotNull();
			for (int i = 1; i <= 3; i++) {
				controller.set("/counter", i, WriteOptions.actor("writer-" + i));
			}
		});
		assertThat(directory.resolve(".statetree/history")).isDirectory();
		cached.run((context) -> assertThat(context.getBean(StateController.class).history(0, 10))
			.extracting(Commit::actor)
			.containsExactly("writer-2", "writer-3"));
	}

	@Test
	void behindAWriteBehindNearCacheOrWithMountsTheControllerKeepsTheHistoryAndFilesKeepNoLog(@TempDir Path directory) {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + directory.resolve("a"),
					"statetree.filesystem.fsync=false", "statetree.cache.enabled=true",
					"statetree.cache.flush-on-write=false", "statetree.history.size=2")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				assertThat(controller.backend().history()).isNull();
				for (int i = 1; i <= 3; i++) {
					controller.set("/counter", i);
				}
				assertThat(controller.history(0, 10)).hasSize(2);
			});
		assertThat(directory.resolve("a/.statetree/history")).doesNotExist();
		this.runner
			.withPropertyValues("statetree.mounts.files.path=/files", "statetree.mounts.files.backend=filesystem",
					"statetree.mounts.files.filesystem.directory=" + directory.resolve("b"),
					"statetree.mounts.files.filesystem.fsync=false")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				controller.set("/files/x", 1);
				assertThat(controller.history(0, 10)).hasSize(1);
			});
		assertThat(directory.resolve("b/.statetree/history")).doesNotExist();
	}

	@Test
	void withSpringSecurityTheActorIsTheAuthenticatedPrincipal() {
		this.runner.run((context) -> {
			assertThat(context).hasBean("stateTreeSecurityActorCustomizer");
			StateController controller = context.getBean(StateController.class);
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "pw",
						AuthorityUtils.createAuthorityList("ROLE_USER")));
			controller.set("/a", 1);
			controller.set("/a", 2, WriteOptions.actor("batch-job"));
			SecurityContextHolder.getContext()
				.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
						AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
			controller.set("/a", 3);
			SecurityContextHolder.clearContext();
			controller.set("/a", 4);
			assertThat(controller.history(0, 10)).extracting(Commit::actor)
				.containsExactly("alice", "batch-job", null, null);
		});
	}

	/**
	 * The default actor is asked on the writing thread: a listener's write made on the request's
	 * thread (sync dispatch) is the principal's, one made on the executor (async) names no actor,
	 * unless the listener passes the event's actor on. Either way causedBy links it to its cause.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "sync", "async" })
	void aListenersWriteTakesTheActorOfTheThreadItRunsOnAndNamesItsCause(String dispatch) {
		this.runner.withPropertyValues("statetree.listeners.dispatch=" + dispatch).run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.subscribe("/orders/{id}", (event) -> {
				String id = event.pathVariables().get("id");
				if (event.newValue() != null) {
					event.set("/audit/" + id, "seen");
					String actor = event.actor();
					if (actor != null) {
						event.controller().set("/shipped/" + id, true, WriteOptions.actor(actor));
					}
				}
			});
			long before = controller.revision();
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "pw",
						AuthorityUtils.createAuthorityList("ROLE_USER")));
			controller.set("/orders/7", "new");
			SecurityContextHolder.clearContext();
			Awaitility.await().until(() -> controller.history(before, 10).size() == 3);
			List<Commit> commits = controller.history(before, 10);
			long order = commits.get(0).revision();
			assertThat(commits.get(0).changes().get(0).path()).hasToString("/orders/7");
			assertThat(commits).extracting(Commit::causedBy).containsExactly(0L, order, order);
			assertThat(commits).extracting(Commit::actor)
				.containsExactly("alice", "sync".equals(dispatch) ? "alice" : null, "alice");
		});
	}

	@Test
	void withoutSpringSecurityThereIsNoDefaultActor() {
		this.runner.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class)).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("stateTreeSecurityActorCustomizer");
			StateController controller = context.getBean(StateController.class);
			controller.set("/a", 1);
			assertThat(controller.history(0, 10)).extracting(Commit::actor).containsExactly((String) null);
		});
	}

	@Test
	void anApplicationsCustomizerOverridesTheDefaultActor() {
		this.runner
			.withBean(StateControllerCustomizer.class, () -> (builder) -> builder.defaultActor(() -> "scheduler"))
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "pw",
							AuthorityUtils.createAuthorityList("ROLE_USER")));
				controller.set("/a", 1);
				assertThat(controller.history(0, 10)).extracting(Commit::actor).containsExactly("scheduler");
			});
	}

}
