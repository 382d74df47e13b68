package io.statetree.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** A new user loads snapshot documents through {@code statetree.initial-state}. */
class NewUserInitialStateTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	private ApplicationContextRunner with(Path directory, String json) throws Exception {
		Path file = directory.resolve("state.json");
		Files.writeString(file, json);
		return this.runner.withPropertyValues("statetree.initial-state=file:" + file);
	}

	@Test
	void anObjectWithOnlyPathAndValueIsTheTree(@TempDir Path directory) throws Exception {
		with(directory, "{\"path\": \"/x\", \"value\": 1}").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(StateController.class).get("/")).isEqualTo(Map.of("path", "/x", "value", 1));
		});
	}

	@Test
	void aSnapshotWithADecimalKeepsItsScale(@TempDir Path directory) throws Exception {
		with(directory, "{\"path\": \"/cfg\", \"revision\": 7, \"value\": {\"p\": 1.10, \"big\": 123456789012345678901234567890}}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StateController controller = context.getBean(StateController.class);
				assertThat(controller.get("/cfg/p")).isEqualTo(new java.math.BigDecimal("1.10"));
				assertThat(controller.get("/cfg/big")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
			});
	}

	@Test
	void aMalformedSnapshotFailsStartUpNamingTheProperty(@TempDir Path directory) throws Exception {
		with(directory, "{\"path\": \"/cfg\", \"revision\": -3, \"value\": 1}").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isNotNull();
			assertThat(stackText(context.getStartupFailure())).contains("statetree.initial-state");
		});
	}

	@Test
	void aMaskedDownloadIsNotLoadedAsInitialState(@TempDir Path directory) throws Exception {
		with(directory, "{\"path\": \"/db\", \"revision\": 7, \"value\": {\"url\": \"jdbc:x\", \"password\": \"******\"}}")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(stackText(context.getStartupFailure())).contains("statetree.initial-state")
					.contains("masked value at /db/password")
					.doesNotContain("jdbc:x");
			});
	}

	@Test
	void aMaskInsideAnArrayOrTooDeepMarkerIsRefusedToo(@TempDir Path directory) throws Exception {
		with(directory, "{\"path\": \"/k\", \"revision\": 1, \"value\": [{\"a\": 1}, {\"apiKey\": \"******\"}]}")
			.run((context) -> assertThat(stackText(context.getStartupFailure())).contains("masked value at /k/1/apiKey"));
		with(directory, "{\"path\": \"/d\", \"revision\": 1, \"value\": {\"x\": \"(nested too deep to show)\"}}")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void aTreeObjectWithoutRevisionIsWrittenAtTheRootEvenWithAMaskLikeString(@TempDir Path directory) throws Exception {
		with(directory, "{\"path\": \"/x\", \"value\": \"******\"}").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(StateController.class).get("/value")).isEqualTo("******");
		});
	}

	private static String stackText(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			text.append(t.getMessage()).append('\n');
		}
		return text.toString();
	}

}
