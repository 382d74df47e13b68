package io.statetree.autoconfigure.endpoint;

import java.nio.file.Path;
import java.security.Principal;
import java.util.List;

import io.statetree.actuate.StateTreeChangesEndpoint;
import io.statetree.actuate.StateTreeChangesEndpoint.ChangesDescriptor;
import io.statetree.actuate.StateTreeChangesEndpoint.CommitDescriptor;
import io.statetree.actuate.StateTreeEndpointWebExtension;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The changes endpoint reads the controller's history, which is the backend's where the backend
 * keeps one: on files and on Redis it shows the commits of an earlier run (and, on Redis, of
 * another instance), with their actors; in memory it starts empty with the application.
 */
@ExtendWith(RedisTestServer.class)
class ChangesEndpointAcrossRestartsTest {

	private static final SecurityContext WRITER = new SecurityContext() {

		@Override
		public Principal getPrincipal() {
			return () -> "writer";
		}

		@Override
		public boolean isUserInRole(String role) {
			return true;
		}

	};

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
				StateTreeAutoConfiguration.class, EndpointAutoConfiguration.class,
				StateTreeEndpointAutoConfiguration.class, StateTreeChangesEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=statetreechanges");

	@Test
	void onFilesTheChangesOfAnEarlierRunAreStillListed(@TempDir Path directory) {
		ApplicationContextRunner files = this.runner.withPropertyValues("statetree.backend=filesystem",
				"statetree.filesystem.directory=" + directory, "statetree.filesystem.fsync=false");
		files.withPropertyValues("statetree.instance-id=first-run").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			controller.set("/config/theme", "dark", WriteOptions.actor("alice"));
			controller.set("/config/theme", "light", WriteOptions.actor("bob"));
		});
		files.withPropertyValues("statetree.instance-id=second-run").run((context) -> {
			ChangesDescriptor changes = context.getBean(StateTreeChangesEndpoint.class).changes(null, null);
			assertThat(changes.commits()).extracting(CommitDescriptor::actor).containsExactly("bob", "alice");
			assertThat(changes.commits()).extracting(CommitDescriptor::origin).containsOnly("first-run");
			assertThat(changes.commits().get(0).changes().get(0).newValue()).isEqualTo("light");
		});
	}

	@Test
	void onRedisTheChangesOfEveryInstanceAndEarlierRunsAreListed(RedisTestServer server) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		ApplicationContextRunner redis = this.runner.withPropertyValues("statetree.backend=redis",
				"statetree.redis.namespace=" + server.newNamespace(), "spring.data.redis.host=" + endpoint.host(),
				"spring.data.redis.port=" + endpoint.port());
		redis.withPropertyValues("statetree.instance-id=one").run((one) -> {
			one.getBean(StateController.class).set("/config/theme", "dark", WriteOptions.actor("alice"));
			redis.withPropertyValues("statetree.instance-id=two").run((two) -> {
				two.getBean(StateController.class).set("/config/theme", "light", WriteOptions.actor("bob"));
				ChangesDescriptor seenByOne = one.getBean(StateTreeChangesEndpoint.class).changes(0L, 10);
				assertThat(seenByOne.commits()).extracting(CommitDescriptor::origin).containsExactly("two", "one");
				assertThat(seenByOne.commits()).extracting(CommitDescriptor::actor).containsExactly("bob", "alice");
			});
		});
		redis.withPropertyValues("statetree.instance-id=three").run((three) -> {
			List<CommitDescriptor> commits = three.getBean(StateTreeChangesEndpoint.class).changes(null, null).commits();
			assertThat(commits).extracting(CommitDescriptor::actor).containsExactly("bob", "alice");
		});
	}

	@Test
	void onRedisASnapshotDownloadedFromOneInstanceRestoresThroughAnother(RedisTestServer server) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		ApplicationContextRunner redis = this.runner.withPropertyValues("statetree.backend=redis",
				"statetree.redis.namespace=" + server.newNamespace(), "spring.data.redis.host=" + endpoint.host(),
				"spring.data.redis.port=" + endpoint.port(),
				"management.endpoints.web.exposure.include=statetree,statetreechanges",
				"management.endpoint.statetree.access=UNRESTRICTED", "statetree.security.show-values=always");
		redis.run((one) -> redis.run((two) -> {
			StateController first = one.getBean(StateController.class);
			first.set("/config", java.util.Map.of("price", new java.math.BigDecimal("0.10"), "theme", "dark"));
			WebEndpointResponse<Object> download = one.getBean(StateTreeEndpointWebExtension.class)
				.read(WRITER, new String[] { "config" }, "", null);
			assertThat(download.getStatus()).isEqualTo(200);
			String text = JsonMapper.builder().build().writeValueAsString(download.getBody());
			first.set("/config/theme", "light");
			// as the HTTP request's security filter does on the request's thread
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("writer", "pw", List.of()));
			WebEndpointResponse<Object> restored;
			try {
				restored = two.getBean(StateTreeEndpointWebExtension.class)
					.write(WRITER, new String[] { "config" }, text, "");
			}
			finally {
				SecurityContextHolder.clearContext();
			}
			assertThat(restored.getStatus()).isEqualTo(200);
			assertThat(first.get("/config")).isEqualTo(
					java.util.Map.of("price", new java.math.BigDecimal("0.10"), "theme", "dark"));
			CommitDescriptor restore = one.getBean(StateTreeChangesEndpoint.class).changes(null, 1).commits().get(0);
			assertThat(restore.origin()).isEqualTo(two.getBean(StateController.class).instanceId());
			assertThat(restore.actor()).isEqualTo("writer");
		}));
	}

	@Test
	void inMemoryTheHistoryStartsWithTheApplication() {
		this.runner.run((context) -> context.getBean(StateController.class).set("/a", 1));
		this.runner.run((context) -> assertThat(
				context.getBean(StateTreeChangesEndpoint.class).changes(null, null).commits()).isEmpty());
	}

}
