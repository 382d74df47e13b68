package io.statetree.autoconfigure;

import java.nio.file.Path;

import io.statetree.core.StateController;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the one INFO line StateTree logs at start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupSummaryTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class));

	@Test
	void statesBackendMountsInstanceAndDispatch(CapturedOutput output) {
		this.runner
			.withPropertyValues("statetree.instance-id=node-7", "statetree.listeners.dispatch=async",
					"statetree.mounts.sessions.path=/sessions", "statetree.mounts.sessions.backend=memory",
					"statetree.mounts.volatile.path=/volatile", "statetree.mounts.volatile.backend=memory")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getOut().lines().filter((line) -> line.contains("StateTree: backend"))).singleElement()
			.satisfies((line) -> assertThat(line).contains("INFO")
				.contains("StateTree: backend memory; mounts sessions=/sessions (memory), volatile=/volatile (memory); "
						+ "instance node-7; dispatch async"));
	}

	@Test
	void namesARandomInstanceIdAndTheNearCache(CapturedOutput output, @TempDir Path directory) {
		this.runner.withPropertyValues("statetree.cache.enabled=true").run((context) -> {
			String id = context.getBean(StateController.class).instanceId();
			// A memory backend is never cached.
			assertThat(output).contains("StateTree: backend memory; mounts none; instance " + id + "; dispatch sync");
		});
		this.runner
			.withPropertyValues("statetree.cache.enabled=true", "statetree.backend=filesystem",
					"statetree.filesystem.directory=" + directory)
			.run((context) -> assertThat(output).contains("StateTree: backend filesystem with near cache; mounts none"));
	}

	@Test
	void namesTheApplicationsOwnBackend(CapturedOutput output) {
		this.runner.withBean(StateBackend.class, InMemoryBackend::new)
			.withPropertyValues("statetree.backend=filesystem")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("StateTree: backend " + InMemoryBackend.class.getName()
				+ " (defined by the application); instance ");
	}

}
